package criteria

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hoctap/internal/fault"
)

// formatVersion is the version of the file format this package reads.
const formatVersion = 1

// maxVersionLen is the longest version label, in characters.
const maxVersionLen = 40

// The range of an indicator's maximum score.
const (
	minIndicatorMax = 1
	maxIndicatorMax = 100
)

// titles are the glossary codes of the five titles of the programme.
var titles = []string{"learning_citizen", "learning_family", "learning_clan", "learning_community", "learning_unit"}

// citizenGroups are the four target groups of QĐ 324/QĐ-KHVN; the rest of the software (the
// self-assessment forms, the KH 290 denominators) knows them by these codes.
var citizenGroups = []string{"resident", "worker", "staff", "student"}

// validate returns every problem of a decoded set, each with its JSON path.
func (s *Set) validate() fault.Errors {
	var es fault.Errors
	s.validateHeader(&es)
	competencies := s.validateCompetencies(&es)
	s.validateGroups(&es, competencies)
	s.validatePassRule(&es)
	s.validateDigitalSkills(&es)
	s.validateCollective(&es)
	return es
}

// subjectsOf says which subjects each title may be given to: the learning community is a
// village's title and, under TT 25/2023, a commune's.
var subjectsOf = map[string][]string{"learning_citizen": {SubjectCitizen}, "learning_family": {SubjectHousehold},
	"learning_clan": {SubjectClan}, "learning_community": {SubjectVillage, SubjectCommune}, "learning_unit": {SubjectWorkUnit}}

// validateCollective checks the parts the collective titles use: subject, recognition, grades,
// levels and computed items.
func (s *Set) validateCollective(es *fault.Errors) {
	if s.Subject != "" && slices.Contains(titles, s.Title) && !slices.Contains(subjectsOf[s.Title], s.Subject) {
		es.Add("subject", "criteria.subject.not_allowed", s.Subject, s.Title, strings.Join(subjectsOf[s.Title], ", "))
	}
	r := s.Recognition
	if r != (Recognition{}) {
		if r.Level != "commune" && r.Level != "city" {
			es.Add("recognition.level", "criteria.recognition.level", r.Level)
		}
		if r.ValidYears < 1 || r.ValidYears > 10 {
			es.Add("recognition.valid_years", "criteria.recognition.valid_years", r.ValidYears)
		}
		if r.Level2AfterMonths < 0 {
			es.Add("recognition.level2_after_months", "criteria.pass_rule.negative", r.Level2AfterMonths)
		}
		checkProv(es, "recognition.prov", r.Prov)
	}
	top := 0 // the lowest maximum total over the groups: what every subject can reach
	for i := range s.TargetGroups {
		if t := s.TargetGroups[i].MaxTotal(); i == 0 || t < top {
			top = t
		}
	}
	codes := map[string]bool{}
	for i, g := range s.Grades {
		p := index("grades", i)
		switch {
		case blank(g.Code):
			es.Add(p+".code", "criteria.grade.code.required")
		case codes[g.Code]:
			es.Add(p+".code", "criteria.grade.duplicate", g.Code)
		}
		codes[g.Code] = true
		if blank(g.NameVI) {
			es.Add(p+".name_vi", "criteria.grade.name_vi.required")
		}
		if g.MinTotal < 0 || g.MinTotal > top {
			es.Add(p+".min_total", "criteria.grade.min_total", g.MinTotal, top)
		} else if i > 0 && g.MinTotal >= s.Grades[i-1].MinTotal {
			es.Add(p+".min_total", "criteria.grade.order")
		}
	}
	for i, lv := range s.Levels {
		p := index("levels", i)
		if lv.Level != i+1 {
			es.Add(p+".level", "criteria.level.order", i+1)
		}
		if blank(lv.NameVI) {
			es.Add(p+".name_vi", "criteria.level.name_vi.required")
		}
		if lv.MinTotal < 0 || lv.MinTotal > top {
			es.Add(p+".min_total", "criteria.grade.min_total", lv.MinTotal, top)
		}
	}
	subject := s.SubjectKind()
	for i, g := range s.TargetGroups {
		for j, in := range g.Indicators {
			q := index(index("target_groups", i)+".indicators", j)
			if len(in.LevelMin) > len(s.Levels) {
				es.Add(q+".level_min", "criteria.level_min.too_many", len(in.LevelMin), len(s.Levels))
			}
			for k, v := range in.LevelMin {
				if v < 0 || v > in.Max {
					es.Add(index(q+".level_min", k), "criteria.score.range", in.Code, v, in.Max)
				}
			}
			c := in.Computed
			if c == (Computed{}) {
				continue
			}
			want, known := Measures[c.Measure]
			switch {
			case !known:
				es.Add(q+".computed.measure", "criteria.computed.measure.unknown", c.Measure)
			case want != subject:
				es.Add(q+".computed.measure", "criteria.computed.measure.subject", c.Measure, want, subject)
			}
			if c.IfNone != "" && c.IfNone != "full" {
				es.Add(q+".computed.if_none", "criteria.computed.if_none", c.IfNone)
			}
			if c.Threshold < 0 || c.Threshold > 100 {
				es.Add(q+".computed.threshold", "criteria.computed.threshold", c.Threshold)
			}
			if c.AgeMin < 0 || (c.AgeMax != 0 && c.AgeMax < c.AgeMin) {
				es.Add(q+".computed.age_max", "criteria.computed.ages", c.AgeMin, c.AgeMax)
			}
		}
	}
}

// validateHeader checks the fields that describe the set as a whole.
func (s *Set) validateHeader(es *fault.Errors) {
	if s.Format != formatVersion {
		es.Add("format", "criteria.format.unsupported", s.Format, formatVersion)
	}
	switch {
	case blank(s.Title):
		es.Add("title", "criteria.title.required")
	case !slices.Contains(titles, s.Title):
		es.Add("title", "criteria.title.unknown", s.Title, strings.Join(titles, ", "))
	}
	switch {
	case blank(s.Version):
		es.Add("version", "criteria.version.required")
	case utf8.RuneCountInString(s.Version) > maxVersionLen:
		es.Add("version", "criteria.version.too_long", maxVersionLen)
	}
	if blank(s.NameVI) {
		es.Add("name_vi", "criteria.name_vi.required")
	}
	if blank(s.Source.Number) {
		es.Add("source.number", "criteria.source.number.required")
	}
	if s.Source.Date != "" {
		if _, err := time.Parse(time.DateOnly, s.Source.Date); err != nil {
			es.Add("source.date", "criteria.source.date.invalid", s.Source.Date)
		}
	}
	// Years are passed as text: the catalog would write the number 2024 as "2.024".
	switch {
	case s.ValidFrom <= 0:
		es.Add("valid_from", "criteria.valid_from.required")
	case s.ValidTo != 0 && s.ValidTo < s.ValidFrom:
		es.Add("valid_to", "criteria.valid_to.before_from", strconv.Itoa(s.ValidTo), strconv.Itoa(s.ValidFrom))
	}
}

// validateCompetencies checks the competencies and returns the set of their codes.
func (s *Set) validateCompetencies(es *fault.Errors) map[string]bool {
	if len(s.Competencies) == 0 {
		es.Add("competencies", "criteria.competencies.required")
	}
	codes := map[string]bool{}
	for i, c := range s.Competencies {
		p := index("competencies", i)
		switch {
		case blank(c.Code):
			es.Add(p+".code", "criteria.competency.code.required")
		case codes[c.Code]:
			es.Add(p+".code", "criteria.competency.duplicate", c.Code)
		}
		codes[c.Code] = true
		if blank(c.NameVI) {
			es.Add(p+".name_vi", "criteria.competency.name_vi.required")
		}
		checkProv(es, p+".prov", c.Prov)
	}
	return codes
}

// validateGroups checks the target groups and their indicators against the competencies.
func (s *Set) validateGroups(es *fault.Errors, competencies map[string]bool) {
	if len(s.TargetGroups) == 0 {
		es.Add("target_groups", "criteria.target_groups.required")
	}
	codes := map[string]bool{}
	for i, g := range s.TargetGroups {
		p := index("target_groups", i)
		switch {
		case blank(g.Code):
			es.Add(p+".code", "criteria.target_group.code.required")
		case codes[g.Code]:
			es.Add(p+".code", "criteria.target_group.duplicate", g.Code)
		case s.Title == "learning_citizen" && !slices.Contains(citizenGroups, g.Code):
			es.Add(p+".code", "criteria.target_group.not_allowed", g.Code, strings.Join(citizenGroups, ", "))
		}
		codes[g.Code] = true
		if blank(g.NameVI) {
			es.Add(p+".name_vi", "criteria.target_group.name_vi.required")
		}
		checkProv(es, p+".prov", g.Prov)
		if len(g.Indicators) == 0 {
			es.Add(p+".indicators", "criteria.target_group.indicators.required")
		}
		indicators := map[string]bool{}
		for j, in := range g.Indicators {
			q := index(p+".indicators", j)
			switch {
			case blank(in.Code):
				es.Add(q+".code", "criteria.indicator.code.required")
			case indicators[in.Code]:
				es.Add(q+".code", "criteria.indicator.duplicate", in.Code)
			}
			indicators[in.Code] = true
			if !competencies[in.Competency] || blank(in.Competency) {
				es.Add(q+".competency", "criteria.indicator.competency.unknown", in.Competency)
			}
			if blank(in.TextVI) {
				es.Add(q+".text_vi", "criteria.indicator.text_vi.required")
			}
			if !validMax(in.Max) {
				es.Add(q+".max", "criteria.indicator.max.range", in.Max, minIndicatorMax, maxIndicatorMax)
			}
			checkProv(es, q+".prov", in.Prov)
		}
	}
}

// validatePassRule rejects a pass rule that is negative or that no one could ever meet.
func (s *Set) validatePassRule(es *fault.Errors) {
	r := s.PassRule
	if r.MinTotal < 0 {
		es.Add("pass_rule.min_total", "criteria.pass_rule.negative", r.MinTotal)
	}
	if r.MinEach < 0 {
		es.Add("pass_rule.min_each", "criteria.pass_rule.negative", r.MinEach)
	}
	checkProv(es, "pass_rule.prov", r.Prov)
	// Each mistake is reported once, against the group or indicator that leaves the least room.
	var tightest *TargetGroup // the group with the lowest maximum total
	var weakest Indicator     // the indicator with the lowest maximum, of weakestGroup
	var weakestGroup string
	for i := range s.TargetGroups {
		g := &s.TargetGroups[i]
		lowest, ok := lowestMax(g.Indicators)
		if !ok { // no indicators, or a maximum already reported as wrong
			continue
		}
		if tightest == nil || g.MaxTotal() < tightest.MaxTotal() {
			tightest = g
		}
		if weakestGroup == "" || lowest.Max < weakest.Max {
			weakest, weakestGroup = lowest, g.Code
		}
	}
	if tightest == nil {
		return
	}
	if total := tightest.MaxTotal(); r.MinTotal > total {
		es.Add("pass_rule.min_total", "criteria.pass_rule.min_total.unreachable", r.MinTotal, tightest.Code, total)
	}
	if r.MinEach > weakest.Max {
		es.Add("pass_rule.min_each", "criteria.pass_rule.min_each.unreachable", r.MinEach, weakestGroup, weakest.Code, weakest.Max)
	}
}

// validateDigitalSkills checks that the digital-skills indicators exist in every group and that
// their threshold can be scored.
func (s *Set) validateDigitalSkills(es *fault.Errors) {
	r := s.DigitalSkills
	checkProv(es, "digital_skills.prov", r.Prov)
	if len(r.Indicators) == 0 {
		return
	}
	top := maxIndicatorMax // the highest threshold that every digital-skills indicator can reach
	for k, code := range r.Indicators {
		var missing []string // the groups without the indicator
		for _, g := range s.TargetGroups {
			in, ok := g.indicator(code)
			switch {
			case !ok:
				missing = append(missing, g.Code)
			case validMax(in.Max):
				top = min(top, in.Max)
			}
		}
		if len(missing) > 0 {
			es.Add(index("digital_skills.indicators", k), "criteria.digital_skills.indicator.unknown", code, strings.Join(missing, ", "))
		}
	}
	if r.MinScore < 1 || r.MinScore > top {
		es.Add("digital_skills.min_score", "criteria.digital_skills.min_score.range", r.MinScore, 1, top)
	}
}

// lowestMax returns the indicator with the smallest maximum; false when there is none or when a
// maximum is out of range (already reported), so that one mistake is not reported twice.
func lowestMax(indicators []Indicator) (Indicator, bool) {
	if len(indicators) == 0 {
		return Indicator{}, false
	}
	lowest := indicators[0]
	for _, in := range indicators {
		if !validMax(in.Max) {
			return Indicator{}, false
		}
		if in.Max < lowest.Max {
			lowest = in
		}
	}
	return lowest, true
}

// validMax tells whether m is an allowed indicator maximum.
func validMax(m int) bool { return m >= minIndicatorMax && m <= maxIndicatorMax }

// checkProv reports a provenance that is empty or not one of the four values.
func checkProv(es *fault.Errors, path string, p Prov) {
	if !p.valid() {
		es.Add(path, "criteria.prov.invalid", string(p))
	}
}

// blank tells whether s is empty or only spaces.
func blank(s string) bool { return strings.TrimSpace(s) == "" }
