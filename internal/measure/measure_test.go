package measure

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"hoctap/internal/fault"
)

func TestDefaultsAreValidAndHoldTheKH290Targets(t *testing.T) {
	inds, plans, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	if len(inds) < 9 {
		t.Fatalf("%d indicators", len(inds))
	}
	want := map[string]float64{"cdht_adults/2025": 40, "cdht_adults/2030": 60, "digital/2025": 70, "digital/2030": 90, "proficient/2025": 60, "cdht_staff/2030": 80}
	for _, p := range plans {
		if p.Code != "KH290" {
			continue
		}
		for _, tg := range p.Targets {
			key := fmt.Sprintf("%s/%d", tg.Measure, tg.Year)
			if v, ok := want[key]; ok {
				if tg.Value != v {
					t.Errorf("KH 290 %s = %v, want %v", key, tg.Value, v)
				}
				delete(want, key)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("KH 290 targets missing: %v", want)
	}
}

func TestShareOfZeroIsNoData(t *testing.T) {
	if Share(0, 0) != nil {
		t.Error("0/0 must be no data, not 0%")
	}
	if v := Share(1, 4); v == nil || *v != 25 {
		t.Errorf("1/4 = %v", v)
	}
	if g := Gap(Share(1, 4), 40); g == nil || *g != 15 {
		t.Errorf("gap = %v", g)
	}
}

func TestPlanValidationListsEveryProblem(t *testing.T) {
	inds, _, _ := Defaults()
	p := Plan{Code: "X1", Name: "Kế hoạch thử", StartYear: 2024, EndYear: 2030, Targets: []Target{
		{Measure: "cdht_adults", Year: 2023, Value: 40},  // before the plan's start
		{Measure: "cdht_adults", Year: 2026, Value: 120}, // above 100%
		{Measure: "digital", Year: 2026, Value: -1},      // below 0
		{Measure: "nope", Year: 2026, Value: 10},         // unknown indicator
		{Measure: "digital", Year: 2027, Value: 10},
		{Measure: "digital", Year: 2027, Value: 20}, // twice
	}}
	es := fault.FieldErrors(ValidatePlan(p, inds))
	var got []string
	for _, e := range es {
		got = append(got, e.Field+" "+e.Key)
	}
	want := []string{
		"targets[0].year plan.target_year_outside",
		"targets[1].value plan.target_value_invalid",
		"targets[2].value plan.target_value_invalid",
		"targets[3].measure plan.measure_unknown",
		"targets[5] plan.target_duplicate",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	bad := Plan{Code: "X2", Name: "x", StartYear: 2030, EndYear: 2025}
	if es := fault.FieldErrors(ValidatePlan(bad, inds)); len(es) != 1 || es[0].Field != "end_year" {
		t.Errorf("a plan ending before its start: %v", es)
	}
}

func TestMeasureValidation(t *testing.T) {
	es := fault.FieldErrors(ValidateMeasure(Measure{Code: "X", NameVI: "", Numerator: "adults", Denominator: "ghosts"}))
	if len(es) != 3 {
		t.Fatalf("%v", es)
	}
	if err := ValidateMeasures([]Measure{{Code: "aa", NameVI: "a", Numerator: Adults, Denominator: Households}, {Code: "aa", NameVI: "b", Numerator: Adults, Denominator: Households}}); err == nil {
		t.Error("duplicate code accepted")
	}
}

func f(v float64) *float64 { return &v }

func TestTrendOnAStraightLineHasANarrowBand(t *testing.T) {
	pts := []Point{{2022, f(10)}, {2023, f(20)}, {2024, f(30)}, {2025, nil}, {2026, f(50)}}
	fc := Trend(pts, 2030)
	if fc == nil || math.Abs(fc.Value-90) > 1e-9 || fc.High-fc.Low > 1e-6 {
		t.Fatalf("straight line: %+v", fc)
	}
	noisy := []Point{{2023, f(10)}, {2024, f(25)}, {2025, f(27)}, {2026, f(42)}}
	fc = Trend(noisy, 2030)
	if fc == nil || !(fc.Low < fc.Value && fc.Value < fc.High) || fc.High > 100 || fc.Low < 0 {
		t.Fatalf("noisy: %+v", fc)
	}
	if Trend([]Point{{2025, f(10)}}, 2030) != nil {
		t.Error("one year cannot make a trend")
	}
	two := Trend([]Point{{2024, f(10)}, {2025, f(20)}}, 2027)
	if two == nil || two.Value != 40 || two.High-two.Value != 20 {
		t.Errorf("two years: %+v", two)
	}
}

func TestPipelineForecast(t *testing.T) {
	fc := Pipeline(2026, 100, 400, 1000, 0.5)
	if fc.Value != 30 || !(fc.Low < 30 && fc.High > 30) {
		t.Errorf("%+v", fc)
	}
	if Pipeline(2026, 0, 0, 0, 0.5) != nil {
		t.Error("zero denominator must give no forecast")
	}
}
