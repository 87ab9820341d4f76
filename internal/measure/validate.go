package measure

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"sync"

	"hoctap/internal/fault"
)

//go:embed defaults/*.json
var defaults embed.FS

// Defaults returns the shipped measures and plans: the KH 290/KH-UBND, QĐ 677/QĐ-TTg and
// QĐ 387/QĐ-TTg targets as read in programme-rules.md, those not read in a source marked in
// their note. A city officer edits them; these only seed an empty database.
func Defaults() ([]Measure, []Plan, error) {
	d, err := parsedDefaults()
	if err != nil {
		return nil, nil, err
	}
	ms, plans := d.measures, d.plans
	out := make([]Plan, len(plans)) // the callers' copies: the parsed ones are shared
	for i, p := range plans {
		p.Targets = append([]Target(nil), p.Targets...)
		out[i] = p
	}
	return append([]Measure(nil), ms...), out, nil
}

type shipped struct {
	measures []Measure
	plans    []Plan
}

// parsedDefaults parses the shipped files once.
var parsedDefaults = sync.OnceValues(func() (shipped, error) {
	ms, plans, err := parseDefaults()
	return shipped{ms, plans}, err
})

func parseDefaults() ([]Measure, []Plan, error) {
	var inds []Measure
	var plans []Plan
	for name, v := range map[string]any{"defaults/measures.json": &inds, "defaults/plans.json": &plans} {
		b, err := defaults.ReadFile(name)
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(b, v); err != nil {
			return nil, nil, fmt.Errorf("measure: %s: %w", name, err)
		}
	}
	if err := ValidateMeasures(inds); err != nil {
		return nil, nil, err
	}
	for _, p := range plans {
		if err := ValidatePlan(p, inds); err != nil {
			return nil, nil, fmt.Errorf("measure: plan %s: %w", p.Code, err)
		}
	}
	return inds, plans, nil
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// ValidateMeasure lists every problem of one measure.
func ValidateMeasure(i Measure) error {
	var es fault.Errors
	if !codePattern.MatchString(i.Code) {
		es.Add("code", "measure.code_invalid")
	}
	if i.NameVI == "" {
		es.Add("name_vi", "measure.name_missing")
	}
	if _, ok := ScopeOf(i.Numerator); !ok {
		es.Add("numerator", "measure.count_unknown", string(i.Numerator))
	}
	if _, ok := ScopeOf(i.Denominator); !ok {
		es.Add("denominator", "measure.count_unknown", string(i.Denominator))
	}
	if i.Numerator != "" && i.Numerator == i.Denominator {
		es.Add("denominator", "measure.same_measure")
	}
	return es.Err()
}

// ValidateMeasures checks each measure and that no code is used twice.
func ValidateMeasures(inds []Measure) error {
	seen := map[string]bool{}
	for _, i := range inds {
		if err := ValidateMeasure(i); err != nil {
			return fmt.Errorf("measure %s: %w", i.Code, err)
		}
		if seen[i.Code] {
			return fault.Field("code", "measure.code_duplicate", i.Code)
		}
		seen[i.Code] = true
	}
	return nil
}

// ValidatePlan lists every problem of a plan and its targets: a year outside the plan's
// years (a target before its start), a value outside 0–100%, an unknown measure, the same
// measure and year twice.
func ValidatePlan(p Plan, inds []Measure) error {
	var es fault.Errors
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{2,20}$`).MatchString(p.Code) {
		es.Add("code", "plan.code_invalid")
	}
	if p.Name == "" {
		es.Add("name", "plan.name_missing")
	}
	if p.StartYear < 2000 || p.StartYear > 2100 {
		es.Add("start_year", "plan.year_invalid", strconv.Itoa(p.StartYear))
	}
	if p.EndYear < p.StartYear || p.EndYear > 2100 {
		es.Add("end_year", "plan.end_before_start", strconv.Itoa(p.EndYear), strconv.Itoa(p.StartYear))
	}
	known := map[string]bool{}
	for _, i := range inds {
		known[i.Code] = true
	}
	seen := map[string]bool{}
	for n, t := range p.Targets {
		field := fmt.Sprintf("targets[%d]", n)
		if err := ValidateTarget(p, t, known); err != nil {
			for _, e := range fault.FieldErrors(err) {
				es = append(es, fault.Field(field+"."+e.Field, e.Key, e.Args...))
			}
		}
		key := t.Measure + "/" + strconv.Itoa(t.Year)
		if seen[key] {
			es.Add(field, "plan.target_duplicate", t.Measure, strconv.Itoa(t.Year))
		}
		seen[key] = true
	}
	return es.Err()
}

// ValidateTarget checks one target against its plan and the known measure codes.
func ValidateTarget(p Plan, t Target, known map[string]bool) error {
	var es fault.Errors
	if !known[t.Measure] {
		es.Add("measure", "plan.measure_unknown", t.Measure)
	}
	if t.Year < p.StartYear || t.Year > p.EndYear {
		es.Add("year", "plan.target_year_outside", strconv.Itoa(t.Year), strconv.Itoa(p.StartYear), strconv.Itoa(p.EndYear))
	}
	if t.Value < 0 || t.Value > 100 {
		es.Add("value", "plan.target_value_invalid")
	}
	return es.Err()
}
