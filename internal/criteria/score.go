package criteria

import (
	"slices"

	"hoctap/internal/fault"
)

// Result is the outcome of one self-assessment under a set's pass rule.
type Result struct {
	Total, MaxTotal int
	Passed          bool
	Below           []string // codes of indicators under PassRule.MinEach, in set order
	Shortfall       int      // points missing to MinTotal, 0 when reached
	Grade           *Grade   // for sets with grades: the grade of a passed result
	Level           int      // for sets with levels: the highest level reached, 0 for none
}

// Evaluate scores one self-assessment of a person of target group group: scores holds one score
// per indicator code. It passes when the total reaches PassRule.MinTotal and no indicator is below
// PassRule.MinEach (QĐ 324/QĐ-KHVN: ≥ 80 points with no indicator below 5).
//
// The errors are fault.Errors with the indicator code as field: a missing indicator, an unknown
// indicator code, a score below 0 or above the indicator's maximum; an unknown group has the
// field "target_group".
func (s *Set) Evaluate(group string, scores map[string]int) (Result, error) {
	g, ok := s.Group(group)
	if !ok {
		return Result{}, fault.Errors{fault.Field("target_group", "criteria.score.group.unknown", group)}
	}
	var es fault.Errors
	r := Result{MaxTotal: g.MaxTotal()}
	for _, in := range g.Indicators {
		v, ok := scores[in.Code]
		switch {
		case !ok:
			es.Add(in.Code, "criteria.score.missing", in.Code)
		case v < 0 || v > in.Max:
			es.Add(in.Code, "criteria.score.range", in.Code, v, in.Max)
		default:
			r.Total += v
			if v < s.PassRule.MinEach {
				r.Below = append(r.Below, in.Code)
			}
		}
	}
	var unknown []string
	for code := range scores {
		if _, ok := g.indicator(code); !ok {
			unknown = append(unknown, code)
		}
	}
	slices.Sort(unknown) // map order is random; the messages are not
	for _, code := range unknown {
		es.Add(code, "criteria.score.unknown_indicator", code, g.Code)
	}
	if len(es) > 0 {
		return Result{}, es
	}
	r.Shortfall = max(s.PassRule.MinTotal-r.Total, 0)
	r.Passed = r.Shortfall == 0 && len(r.Below) == 0
	if r.Passed {
		for i := range s.Grades {
			if r.Total >= s.Grades[i].MinTotal {
				r.Grade = &s.Grades[i]
				break
			}
		}
	}
	r.Level = s.level(g, scores, r.Total)
	return r, nil
}

// level returns the highest level whose total and per-indicator minima the scores reach; the
// levels build on each other, so a level is reached only with every level below it.
func (s *Set) level(g *TargetGroup, scores map[string]int, total int) int {
	reached := 0
	for k, lv := range s.Levels {
		if total < lv.MinTotal {
			break
		}
		for _, in := range g.Indicators {
			if k < len(in.LevelMin) && scores[in.Code] < in.LevelMin[k] {
				return reached
			}
		}
		reached = lv.Level
	}
	return reached
}

// ComputedScore turns a computed share (numerator over denominator) into the item's points:
// its maximum when the percentage reaches the threshold, or points in proportion to the share.
// A zero denominator has no score: the caller must not recognise on an undefined figure.
func (in *Indicator) ComputedScore(num, den int) (points, percent int, ok bool) {
	if den <= 0 {
		if in.Computed.IfNone == "full" {
			return in.Max, 100, true
		}
		return 0, 0, false
	}
	percent = num * 100 / den
	if in.Computed.Threshold > 0 {
		if percent >= in.Computed.Threshold {
			return in.Max, percent, true
		}
		return 0, percent, true
	}
	if len(in.LevelMin) > 0 {
		// A level's minimum is a share the text states ("≥ 90%"): rounding up would grant it early.
		return num * in.Max / den, percent, true
	}
	return (num*in.Max*2 + den) / (2 * den), percent, true // rounded half up
}

// HasDigitalSkills tells whether a person has digital skills (có kỹ năng số): one of the rule's
// indicators scores at least MinScore, or, when the rule counts it, a digital-skills confirmation
// under QĐ 757/QĐ-BKHCN is on record (confirmed).
func (s *Set) HasDigitalSkills(scores map[string]int, confirmed bool) bool {
	r := s.DigitalSkills
	if confirmed && r.ConfirmationCounts {
		return true
	}
	for _, code := range r.Indicators {
		if v, ok := scores[code]; ok && v >= r.MinScore {
			return true
		}
	}
	return false
}

// Proficient tells whether a person is proficient in digital skills (thành thạo kỹ năng số): they
// have the skills and, when ProficientSelfSubmitted is set, submitted the self-assessment online
// themselves rather than through a collector's assisted entry. When ProficientSelfSubmitted is
// false, having skills is enough.
func (s *Set) Proficient(hasSkills, selfSubmitted bool) bool {
	return hasSkills && (selfSubmitted || !s.DigitalSkills.ProficientSelfSubmitted)
}
