package criteria

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"hoctap/internal/fault"
)

func TestSmallSetIsValid(t *testing.T) {
	if _, err := Parse([]byte(encode(t, small()))); err != nil {
		t.Fatal(err)
	}
}

// TestParseReportsEveryProblem crafts one broken file per problem and expects exactly the listed
// (path, key) pairs, in order.
func TestParseReportsEveryProblem(t *testing.T) {
	for _, c := range []struct {
		name   string
		mutate func(s *Set)
		want   []string
	}{
		{"format", func(s *Set) { s.Format = 2 }, []string{"format criteria.format.unsupported"}},
		{"no title", func(s *Set) { s.Title = "" }, []string{"title criteria.title.required"}},
		{"unknown title", func(s *Set) { s.Title = "learning_village" }, []string{"title criteria.title.unknown"}},
		{"no version", func(s *Set) { s.Version = " " }, []string{"version criteria.version.required"}},
		{"long version", func(s *Set) { s.Version = strings.Repeat("v", 41) }, []string{"version criteria.version.too_long"}},
		{"version of 40 characters", func(s *Set) { s.Version = strings.Repeat("đ", 40) }, nil},
		{"no name", func(s *Set) { s.NameVI = "" }, []string{"name_vi criteria.name_vi.required"}},
		{"no source number", func(s *Set) { s.Source.Number = "" }, []string{"source.number criteria.source.number.required"}},
		{"source date", func(s *Set) { s.Source.Date = "25/10/2023" }, []string{"source.date criteria.source.date.invalid"}},
		{"no valid_from", func(s *Set) { s.ValidFrom = 0 }, []string{"valid_from criteria.valid_from.required"}},
		{"valid_to before valid_from", func(s *Set) { s.ValidTo = 2023 }, []string{"valid_to criteria.valid_to.before_from"}},
		{"valid_to equal to valid_from", func(s *Set) { s.ValidTo = 2024 }, nil},
		{"empty prov", func(s *Set) { s.PassRule.Prov = "" }, []string{"pass_rule.prov criteria.prov.invalid"}},
		{"unknown provs", func(s *Set) {
			s.Competencies[1].Prov = "official"
			s.TargetGroups[1].Prov = "Source"
			s.TargetGroups[0].Indicators[1].Prov = "guess"
			s.DigitalSkills.Prov = ""
		}, []string{
			"competencies[1].prov criteria.prov.invalid",
			"target_groups[0].indicators[1].prov criteria.prov.invalid",
			"target_groups[1].prov criteria.prov.invalid",
			"digital_skills.prov criteria.prov.invalid",
		}},
		{"no target groups", func(s *Set) { s.TargetGroups = nil }, []string{"target_groups criteria.target_groups.required"}},
		{"duplicate target group", func(s *Set) { s.TargetGroups[1].Code = "resident" }, []string{"target_groups[1].code criteria.target_group.duplicate"}},
		{"target group outside QĐ 324", func(s *Set) { s.TargetGroups[1].Code = "farmer" }, []string{"target_groups[1].code criteria.target_group.not_allowed"}},
		{"free target groups for another title", func(s *Set) { s.Title = "learning_family"; s.TargetGroups[1].Code = "household" }, nil},
		{"target group without code or name", func(s *Set) { s.TargetGroups[0].Code = ""; s.TargetGroups[0].NameVI = "" }, []string{
			"target_groups[0].code criteria.target_group.code.required",
			"target_groups[0].name_vi criteria.target_group.name_vi.required",
		}},
		{"no competencies", func(s *Set) { s.Competencies = nil }, []string{
			"competencies criteria.competencies.required",
			"target_groups[0].indicators[0].competency criteria.indicator.competency.unknown",
			"target_groups[0].indicators[1].competency criteria.indicator.competency.unknown",
			"target_groups[1].indicators[0].competency criteria.indicator.competency.unknown",
			"target_groups[1].indicators[1].competency criteria.indicator.competency.unknown",
		}},
		{"duplicate competency", func(s *Set) { s.Competencies = append(s.Competencies, s.Competencies[0]) }, []string{"competencies[2].code criteria.competency.duplicate"}},
		{"competency without code or name", func(s *Set) {
			s.Competencies = append(s.Competencies, Competency{Prov: ProvSource})
		}, []string{
			"competencies[2].code criteria.competency.code.required",
			"competencies[2].name_vi criteria.competency.name_vi.required",
		}},
		{"group without indicators", func(s *Set) { s.TargetGroups[1].Indicators = nil }, []string{
			"target_groups[1].indicators criteria.target_group.indicators.required",
			"digital_skills.indicators[0] criteria.digital_skills.indicator.unknown",
		}},
		{"duplicate indicator", func(s *Set) { s.TargetGroups[0].Indicators[1].Code = "CS01" }, []string{
			"target_groups[0].indicators[1].code criteria.indicator.duplicate",
			"digital_skills.indicators[0] criteria.digital_skills.indicator.unknown",
		}},
		{"same indicator codes in two groups", func(s *Set) {}, nil},
		{"indicator without code, text or known competency", func(s *Set) {
			in := &s.TargetGroups[1].Indicators[0]
			in.Code, in.TextVI, in.Competency = "", "", "NL9"
		}, []string{
			"target_groups[1].indicators[0].code criteria.indicator.code.required",
			"target_groups[1].indicators[0].competency criteria.indicator.competency.unknown",
			"target_groups[1].indicators[0].text_vi criteria.indicator.text_vi.required",
		}},
		{"indicator maxima out of range", func(s *Set) {
			s.TargetGroups[0].Indicators[0].Max = 0
			s.TargetGroups[1].Indicators[1].Max = 101
		}, []string{
			"target_groups[0].indicators[0].max criteria.indicator.max.range",
			"target_groups[1].indicators[1].max criteria.indicator.max.range",
		}},
		{"indicator maxima at the limits", func(s *Set) {
			s.TargetGroups[0].Indicators[0].Max = 1
			s.TargetGroups[0].Indicators[1].Max = 100
			s.PassRule.MinEach = 1
		}, nil},
		{"min_total above a group's maximum", func(s *Set) { s.TargetGroups[1].Indicators[0].Max = 4 }, []string{
			"pass_rule.min_total criteria.pass_rule.min_total.unreachable",
			"pass_rule.min_each criteria.pass_rule.min_each.unreachable",
		}},
		{"min_total above every group's maximum", func(s *Set) { s.PassRule.MinTotal = 21 }, []string{
			"pass_rule.min_total criteria.pass_rule.min_total.unreachable",
		}},
		{"min_total equal to the maximum", func(s *Set) { s.PassRule.MinTotal = 20; s.PassRule.MinEach = 10 }, nil},
		{"min_each above every indicator's maximum", func(s *Set) { s.PassRule.MinEach = 11 }, []string{
			"pass_rule.min_each criteria.pass_rule.min_each.unreachable",
		}},
		{"negative pass rule", func(s *Set) { s.PassRule.MinTotal = -1; s.PassRule.MinEach = -1 }, []string{
			"pass_rule.min_total criteria.pass_rule.negative",
			"pass_rule.min_each criteria.pass_rule.negative",
		}},
		{"digital-skills indicator missing from the groups", func(s *Set) { s.DigitalSkills.Indicators = []string{"CS02", "CS05"} }, []string{
			"digital_skills.indicators[1] criteria.digital_skills.indicator.unknown",
		}},
		{"digital-skills threshold of 0", func(s *Set) { s.DigitalSkills.MinScore = 0 }, []string{"digital_skills.min_score criteria.digital_skills.min_score.range"}},
		{"digital-skills threshold above the maximum", func(s *Set) { s.DigitalSkills.MinScore = 11 }, []string{"digital_skills.min_score criteria.digital_skills.min_score.range"}},
		{"no digital-skills indicators", func(s *Set) { s.DigitalSkills = DigitalRule{ConfirmationCounts: true, Prov: ProvAssumed} }, nil},
		{"many problems at once", func(s *Set) {
			s.Title, s.Version = "", ""
			s.TargetGroups[1].Code = "resident"
			s.TargetGroups[1].Indicators[0].Max = 0
		}, []string{
			"title criteria.title.required",
			"version criteria.version.required",
			"target_groups[1].code criteria.target_group.duplicate",
			"target_groups[1].indicators[0].max criteria.indicator.max.range",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := small()
			c.mutate(s)
			got, err := Parse([]byte(encode(t, s)))
			if gotList := problems(t, err); !slices.Equal(gotList, c.want) {
				t.Fatalf("problems:\n  %s\nwant:\n  %s", strings.Join(gotList, "\n  "), strings.Join(c.want, "\n  "))
			}
			if (err == nil) != (got != nil) {
				t.Fatalf("Parse returned set %v with error %v", got, err)
			}
		})
	}
}

// TestParseReportsStructureProblems covers what is wrong with the JSON itself: syntax, unknown
// fields and values of the wrong type, each with its line and column.
func TestParseReportsStructureProblems(t *testing.T) {
	valid := encode(t, small())
	replace := func(old, new string) string {
		t.Helper()
		if !strings.Contains(valid, old) {
			t.Fatalf("%q is not in the file", old)
		}
		return strings.Replace(valid, old, new, 1)
	}
	type problem struct {
		path, key string
		args      []any
	}
	for _, c := range []struct {
		name string
		data string
		want []problem
	}{
		{"syntax error", "{\n  \"format\": 1,\n  \"title\": learning_citizen\n}", []problem{{"", "criteria.json.syntax", []any{3, 12}}}},
		{"syntax error after a Vietnamese text", "{\"name_vi\": \"Bộ tiêu chí\",, \"format\": 1}", []problem{{"", "criteria.json.syntax", []any{1, 27}}}},
		{"empty file", "", []problem{{"", "criteria.json.syntax", []any{1, 1}}}},
		{"truncated file", valid[:len(valid)-2], []problem{{"", "criteria.json.syntax", nil}}},
		{"text after the set", valid + "\n}", []problem{{"", "criteria.json.syntax", []any{strings.Count(valid, "\n") + 2, 1}}}},
		{"not an object", "[1, 2]", []problem{{"", "criteria.json.want_object", []any{1, 1}}}},
		{"unknown fields", replace(`"text_vi": "Dùng máy tính",`, `"text_vi": "Dùng máy tính", "text_vn": {"a": [1]},`), []problem{
			{"target_groups[0].indicators[1].text_vn", "criteria.json.unknown_field", []any{"text_vn", 62, 39}},
		}},
		{"keys are matched exactly", replace(`"title"`, `"Title"`), []problem{
			{"Title", "criteria.json.unknown_field", []any{"Title", 3, 3}},
		}},
		{"wrong types", replace(`"max": 10`, `"max": "10"`), []problem{
			{"target_groups[0].indicators[0].max", "criteria.json.want_integer", []any{54, 18}},
		}},
		{"fraction", replace(`"valid_from": 2024`, `"valid_from": 2024.5`), []problem{
			{"valid_from", "criteria.json.want_integer", nil},
		}},
		{"every wrong type", replace(`"source": {`, `"source": "324", "x": {`), []problem{
			{"source", "criteria.json.want_object", nil},
			{"x", "criteria.json.unknown_field", nil},
			{"source.number", "criteria.source.number.required", nil},
		}},
		{"boolean and list", strings.Replace(replace(`"confirmation_counts": false`, `"confirmation_counts": "có"`), `"indicators": [`, `"indicators": "CS02", "old": [`, 1), []problem{
			{"digital_skills.indicators", "criteria.json.want_list", nil},
			{"digital_skills.old", "criteria.json.unknown_field", nil},
			{"digital_skills.confirmation_counts", "criteria.json.want_boolean", nil},
		}},
		{"null is an empty value", replace(`"name_vi": "Bộ tiêu chí thử"`, `"name_vi": null`), []problem{{"name_vi", "criteria.name_vi.required", nil}}},
		{"byte-order mark", "\uFEFF" + valid, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.data))
			var es fault.Errors
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.As(err, &es) || len(es) != len(c.want) {
				t.Fatalf("got %v, want %d problems", err, len(c.want))
			}
			for i, w := range c.want {
				if es[i].Field != w.path || es[i].Key != w.key || w.args != nil && !slices.Equal(es[i].Args, w.args) {
					t.Errorf("problem %d: %s %s %v, want %s %s %v", i, es[i].Field, es[i].Key, es[i].Args, w.path, w.key, w.args)
				}
			}
		})
	}
}

func TestPosition(t *testing.T) {
	data := []byte("ab\nđường\r\nx")
	for _, c := range []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {len("ab\nđư"), 2, 3}, {len(data) - 1, 3, 1}, {len(data) + 5, 3, 2},
	} {
		if line, col := position(data, c.off); line != c.line || col != c.col {
			t.Errorf("offset %d: %d:%d, want %d:%d", c.off, line, col, c.line, c.col)
		}
	}
}

// TestOneMistakeOneProblem checks that a pass rule or digital-skills rule that fails in several
// groups is reported once, naming the group and indicator that leave the least room.
func TestOneMistakeOneProblem(t *testing.T) {
	s := small()
	s.TargetGroups[1].Indicators[0].Max = 3
	s.PassRule.MinTotal, s.PassRule.MinEach = 19, 9
	s.DigitalSkills.Indicators = []string{"CS09"}
	_, err := Parse([]byte(encode(t, s)))
	var es fault.Errors
	if !errors.As(err, &es) || len(es) != 3 {
		t.Fatalf("got %v, want 3 problems", err)
	}
	for i, want := range [][]any{{19, "worker", 13}, {9, "worker", "CS01", 3}, {"CS09", "resident, worker"}} {
		if !slices.Equal(es[i].Args, want) {
			t.Errorf("%s: args %v, want %v", es[i].Key, es[i].Args, want)
		}
	}
}
