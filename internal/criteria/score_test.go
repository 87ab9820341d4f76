package criteria

import (
	"slices"
	"testing"
)

// scores returns a score for each of the ten default indicators CS01..CS10, in order.
func scores(points ...int) map[string]int {
	m := map[string]int{}
	for i, p := range points {
		m[Default().TargetGroups[0].Indicators[i].Code] = p
	}
	return m
}

func TestEvaluate(t *testing.T) {
	for _, c := range []struct {
		name   string
		scores map[string]int
		want   Result
	}{
		{"80 with one indicator at 4", scores(4, 8, 8, 8, 8, 9, 9, 9, 9, 8),
			Result{Total: 80, MaxTotal: 100, Below: []string{"CS01"}}},
		{"79 with all at 5 or more", scores(7, 8, 8, 8, 8, 8, 8, 8, 8, 8),
			Result{Total: 79, MaxTotal: 100, Shortfall: 1}},
		{"exactly 80 with all at 5 or more", scores(8, 8, 8, 8, 8, 8, 8, 8, 8, 8),
			Result{Total: 80, MaxTotal: 100, Passed: true}},
		{"exactly 80 with one at 5", scores(5, 8, 8, 8, 8, 8, 8, 8, 9, 10),
			Result{Total: 80, MaxTotal: 100, Passed: true}},
		{"all 10s", scores(10, 10, 10, 10, 10, 10, 10, 10, 10, 10),
			Result{Total: 100, MaxTotal: 100, Passed: true}},
		{"all 0s", scores(0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
			Result{Total: 0, MaxTotal: 100, Shortfall: 80, Below: []string{"CS01", "CS02", "CS03", "CS04", "CS05", "CS06", "CS07", "CS08", "CS09", "CS10"}}},
		{"high total with two low indicators, in set order", scores(10, 10, 10, 10, 10, 10, 10, 3, 10, 4),
			Result{Total: 87, MaxTotal: 100, Below: []string{"CS08", "CS10"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, g := range Default().TargetGroups {
				got, err := Default().Evaluate(g.Code, c.scores)
				if err != nil {
					t.Fatal(err)
				}
				if got.Total != c.want.Total || got.MaxTotal != c.want.MaxTotal || got.Passed != c.want.Passed ||
					got.Shortfall != c.want.Shortfall || !slices.Equal(got.Below, c.want.Below) {
					t.Errorf("%s: %+v, want %+v", g.Code, got, c.want)
				}
			}
		})
	}
}

func TestEvaluateRefusesBadScores(t *testing.T) {
	with := func(code string, v int, drop ...string) map[string]int {
		m := scores(8, 8, 8, 8, 8, 8, 8, 8, 8, 8)
		if code != "" {
			m[code] = v
		}
		for _, d := range drop {
			delete(m, d)
		}
		return m
	}
	for _, c := range []struct {
		name   string
		group  string
		scores map[string]int
		want   []string
	}{
		{"score of 11", "resident", with("CS03", 11), []string{"CS03 criteria.score.range"}},
		{"score of -1", "worker", with("CS10", -1), []string{"CS10 criteria.score.range"}},
		{"missing indicator", "staff", with("", 0, "CS10"), []string{"CS10 criteria.score.missing"}},
		{"no scores", "student", nil, func() []string {
			var all []string
			for code := range scores(0, 0, 0, 0, 0, 0, 0, 0, 0, 0) {
				all = append(all, code+" criteria.score.missing")
			}
			slices.Sort(all) // CS01..CS10 sort in set order
			return all
		}()},
		{"unknown indicators, sorted", "resident", with("NL1", 5, "CS02"), []string{"CS02 criteria.score.missing", "NL1 criteria.score.unknown_indicator"}},
		{"several at once", "resident", func() map[string]int { m := with("CS11", 10, "CS01"); m["CS05"] = 12; m["CS00"] = 1; return m }(), []string{
			"CS01 criteria.score.missing", "CS05 criteria.score.range", "CS00 criteria.score.unknown_indicator", "CS11 criteria.score.unknown_indicator",
		}},
		{"unknown group", "farmer", with("", 0), []string{"target_group criteria.score.group.unknown"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Default().Evaluate(c.group, c.scores)
			if p := problems(t, err); !slices.Equal(p, c.want) {
				t.Fatalf("problems %q, want %q", p, c.want)
			}
			if err == nil || got.Total != 0 || got.Passed {
				t.Fatalf("result %+v, error %v", got, err)
			}
		})
	}
}

func TestHasDigitalSkills(t *testing.T) {
	withoutConfirmation := *Default()
	withoutConfirmation.DigitalSkills.ConfirmationCounts = false
	for _, c := range []struct {
		name      string
		set       *Set
		scores    map[string]int
		confirmed bool
		want      bool
	}{
		{"CNTT indicator at the threshold", Default(), map[string]int{"CS05": 7}, false, true},
		{"CNTT indicator above the threshold", Default(), map[string]int{"CS05": 10}, false, true},
		{"CNTT indicator below the threshold", Default(), map[string]int{"CS05": 6, "CS06": 10}, false, false},
		{"below the threshold with a QĐ 757 confirmation", Default(), map[string]int{"CS05": 2}, true, true},
		{"no scores with a confirmation", Default(), nil, true, true},
		{"no scores, no confirmation", Default(), nil, false, false},
		{"confirmation not counted by the set", &withoutConfirmation, map[string]int{"CS05": 6}, true, false},
		{"threshold still counts when confirmations do not", &withoutConfirmation, map[string]int{"CS05": 7}, false, true},
	} {
		if got := c.set.HasDigitalSkills(c.scores, c.confirmed); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	anyOf := small()
	anyOf.DigitalSkills.Indicators = []string{"CS01", "CS02"}
	if !anyOf.HasDigitalSkills(map[string]int{"CS01": 3, "CS02": 9}, false) || anyOf.HasDigitalSkills(map[string]int{"CS01": 6, "CS02": 6}, false) {
		t.Error("with two digital-skills indicators, one at the threshold is enough and none is not")
	}
}

func TestProficient(t *testing.T) {
	selfOnly := Default()
	skillsOnly := *Default()
	skillsOnly.DigitalSkills.ProficientSelfSubmitted = false
	for _, c := range []struct {
		name                     string
		set                      *Set
		hasSkills, selfSubmitted bool
		want                     bool
	}{
		{"skills, submitted online oneself", selfOnly, true, true, true},
		{"skills, entered by a collector", selfOnly, true, false, false},
		{"no skills, submitted oneself", selfOnly, false, true, false},
		{"no skills, entered by a collector", selfOnly, false, false, false},
		{"rule off: skills, entered by a collector", &skillsOnly, true, false, true},
		{"rule off: skills, submitted oneself", &skillsOnly, true, true, true},
		{"rule off: no skills", &skillsOnly, false, true, false},
	} {
		if got := c.set.Proficient(c.hasSkills, c.selfSubmitted); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
