package criteria

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"hoctap/internal/fault"
)

// small returns a valid two-group Learning Citizen set of two indicators per group (20 points),
// to which a test applies one mistake.
func small() *Set {
	indicators := func() []Indicator {
		return []Indicator{
			{Code: "CS01", Competency: "NL1", TextVI: "Đọc sách", Max: 10, Prov: ProvSource},
			{Code: "CS02", Competency: "NL2", TextVI: "Dùng máy tính", Max: 10, Prov: ProvSource},
		}
	}
	return &Set{
		Format: 1, Title: "learning_citizen", Version: "2023.1", NameVI: "Bộ tiêu chí thử",
		Source:        Source{Number: "324/QĐ-KHVN", Date: "2023-10-25"},
		ValidFrom:     2024,
		PassRule:      PassRule{MinTotal: 15, MinEach: 5, Prov: ProvSource},
		DigitalSkills: DigitalRule{Indicators: []string{"CS02"}, MinScore: 7, Prov: ProvSource},
		Competencies: []Competency{
			{Code: "NL1", NameVI: "Tự học", Prov: ProvSource},
			{Code: "NL2", NameVI: "Công cụ", Prov: ProvSource},
		},
		TargetGroups: []TargetGroup{
			{Code: "resident", NameVI: "Người dân", Prov: ProvSource, Indicators: indicators()},
			{Code: "worker", NameVI: "Người lao động", Prov: ProvSource, Indicators: indicators()},
		},
	}
}

// encode writes a set as its file would be.
func encode(t *testing.T, s *Set) string {
	t.Helper()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// problems returns the "path key" pairs of a fault.Errors, failing on any other error.
func problems(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var es fault.Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %v (%T) is not a fault.Errors", err, err)
	}
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s %s", e.Field, e.Key))
	}
	return out
}
