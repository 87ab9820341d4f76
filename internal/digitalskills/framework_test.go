package digitalskills

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"hoctap/internal/fault"
)

func TestDefault(t *testing.T) {
	fw := Default()
	if len(fw.Groups) != 4 || fw.Statements() != 16 {
		t.Fatalf("groups %d, statements %d", len(fw.Groups), fw.Statements())
	}
	// Only the name of group 0 is known from the official text (programme-rules §3.5).
	if g := fw.Groups[0]; g.NameVI != "Sử dụng thiết bị và phần mềm trên thiết bị" || g.Prov != ProvSource {
		t.Errorf("group 0: %q %s", g.NameVI, g.Prov)
	}
	for _, g := range fw.Groups[1:] {
		if g.Prov != ProvAssumed {
			t.Errorf("group %s is marked %s, but only group 0 is known", g.Code, g.Prov)
		}
	}
	for _, g := range fw.Groups {
		for _, s := range g.Statements {
			if s.Prov != ProvAssumed || !strings.HasPrefix(s.TextVI, "Tôi ") {
				t.Errorf("statement %s: %s %q", s.Code, s.Prov, s.TextVI)
			}
		}
	}
	if !fw.Provisional() {
		t.Error("the shipped framework has assumed values but is not provisional")
	}
	if !fw.AtLeastBasic("basic") || !fw.AtLeastBasic("proficient") || fw.AtLeastBasic("not_yet") || fw.AtLeastBasic("nonsense") {
		t.Error("AtLeastBasic orders the levels wrongly")
	}
}

func TestParseProblems(t *testing.T) {
	for name, edit := range map[string]func(*Framework){
		"no groups":             func(f *Framework) { f.Groups = nil },
		"repeated statement":    func(f *Framework) { f.Groups[1].Statements[0].Code = f.Groups[0].Statements[0].Code },
		"first level asks":      func(f *Framework) { f.Levels[0].MinPercent = 10 },
		"levels out of order":   func(f *Framework) { f.Levels[2].MinPercent = 50 },
		"unknown basic level":   func(f *Framework) { f.BasicLevel = "expert" },
		"bad provenance":        func(f *Framework) { f.Groups[2].Prov = "maybe" },
		"answers worth nothing": func(f *Framework) { f.Answers[0].Points, f.Answers[1].Points = 0, 0 },
	} {
		t.Run(name, func(t *testing.T) {
			var fw Framework
			if err := json.Unmarshal(DefaultJSON(), &fw); err != nil {
				t.Fatal(err)
			}
			edit(&fw)
			b, _ := json.Marshal(fw)
			if _, err := Parse(b); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	if _, err := Parse([]byte(`{"format": 1, "surprise": true}`)); err == nil {
		t.Error("an unknown key was accepted")
	}
}

// answersAll answers every statement of fw the same way, then applies the exceptions.
func answersAll(fw *Framework, a string, except map[string]string) map[string]string {
	out := map[string]string{}
	for _, g := range fw.Groups {
		for _, s := range g.Statements {
			out[s.Code] = a
		}
	}
	for k, v := range except {
		out[k] = v
	}
	return out
}

func TestScore(t *testing.T) {
	fw := Default()
	for _, c := range []struct {
		name    string
		answers map[string]string
		percent int
		level   string
		groups  []int
	}{
		{"all can", answersAll(fw, "can", nil), 100, "proficient", []int{100, 100, 100, 100}},
		{"all with help", answersAll(fw, "with_help", nil), 50, "not_yet", []int{50, 50, 50, 50}},
		{"all cannot", answersAll(fw, "cannot", nil), 0, "not_yet", []int{0, 0, 0, 0}},
		// 26/32 = 81%: basic overall, but not proficient.
		{"mostly can", answersAll(fw, "can", map[string]string{"G0.1": "with_help", "G1.1": "with_help", "G2.1": "with_help", "G3.1": "with_help", "G3.2": "with_help", "G3.3": "with_help"}), 81, "basic", []int{87, 87, 87, 62}},
		// 28/32 = 87% overall, but one group at 50% < 75%: basic, not proficient.
		{"one weak group", answersAll(fw, "can", map[string]string{"G3.1": "cannot", "G3.2": "cannot"}), 87, "basic", []int{100, 100, 100, 50}},
		// 24/32 = 75% overall, but group 3 at 0% < 50%: below basic.
		{"one empty group", answersAll(fw, "can", map[string]string{"G3.1": "cannot", "G3.2": "cannot", "G3.3": "cannot", "G3.4": "cannot"}), 75, "not_yet", []int{100, 100, 100, 0}},
		// Exactly 60% overall with every group at 50% or more is basic (minimums are inclusive).
		{"at the threshold", answersAll(fw, "with_help", map[string]string{"G0.1": "can", "G0.2": "can", "G1.1": "can", "G2.1": "can"}), 62, "basic", []int{75, 62, 62, 50}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := fw.Score(c.answers)
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, g := range r.Groups {
				got = append(got, g.Percent)
			}
			if r.Percent != c.percent || r.Level != c.level || !slices.Equal(got, c.groups) {
				t.Errorf("percent %d level %s groups %v, want %d %s %v", r.Percent, r.Level, got, c.percent, c.level, c.groups)
			}
		})
	}
}

func TestScoreBadAnswers(t *testing.T) {
	fw := Default()
	a := answersAll(fw, "can", map[string]string{"G1.2": "maybe", "X9": "can"})
	delete(a, "G2.3")
	_, err := fw.Score(a)
	es := fault.FieldErrors(err)
	got := map[string]string{}
	for _, e := range es {
		got[e.Field] = e.Key
	}
	want := map[string]string{"G1.2": "digital.answer.invalid", "G2.3": "digital.answer.required", "X9": "digital.answer.unknown_statement"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors %v, want %v", got, want)
	}
}

// TestSchemaMatchesTypes keeps schema.json and the Go types in step: every key the types read is
// in the schema, and the reverse.
func TestSchemaMatchesTypes(t *testing.T) {
	raw, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Required []string `json:"required"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	var tags []string
	rt := reflect.TypeFor[Framework]()
	for i := range rt.NumField() {
		tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		tags = append(tags, tag)
	}
	slices.Sort(tags)
	slices.Sort(s.Required)
	if !slices.Equal(tags, s.Required) {
		t.Errorf("schema requires %v, the type has %v", s.Required, tags)
	}
}
