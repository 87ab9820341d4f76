package criteria

import (
	"bytes"
	_ "embed"
	"sync"
)

// Prov is the provenance of a value: whether it comes from the issuing document or not.
type Prov string

// The provenance values. Anything other than ProvSource must be confirmed before production.
const (
	ProvSource  Prov = "source"  // stated in the issuing document
	ProvDraft   Prov = "draft"   // taken from a draft of the document (the 2020 workshop draft)
	ProvAssumed Prov = "assumed" // our proposal, awaiting sign-off by the programme
	ProvUnknown Prov = "unknown" // not known; a placeholder
)

// valid tells whether p is one of the four provenance values.
func (p Prov) valid() bool {
	return p == ProvSource || p == ProvDraft || p == ProvAssumed || p == ProvUnknown
}

// Source identifies the document that issues a set, e.g. 324/QĐ-KHVN of 2023-10-25.
type Source struct {
	Number string `json:"number"`
	Date   string `json:"date"` // yyyy-mm-dd
	Issuer string `json:"issuer"`
	URL    string `json:"url,omitempty"`
}

// PassRule decides a title: the total reaches MinTotal and no indicator scores below MinEach.
type PassRule struct {
	MinTotal int  `json:"min_total"`
	MinEach  int  `json:"min_each"`
	Prov     Prov `json:"prov"`
}

// DigitalRule decides whether a person has digital skills (kỹ năng số) and is proficient in them
// (thành thạo kỹ năng số), the two KH 290/KH-UBND measures; see programme-rules §3.5.
type DigitalRule struct {
	Indicators              []string `json:"indicators"`                // indicator codes whose score shows digital skills (any of them)
	MinScore                int      `json:"min_score"`                 // "has digital skills" when one of them scores >= MinScore
	ConfirmationCounts      bool     `json:"confirmation_counts"`       // or a digital-skills confirmation (QĐ 757/QĐ-BKHCN) is on record
	ProficientSelfSubmitted bool     `json:"proficient_self_submitted"` // "proficient" requires having skills and submitting online oneself (programme-rules §3.5)
	Prov                    Prov     `json:"prov"`
}

// Competency is a competency group (năng lực), NL1–NL3 for Learning Citizen.
type Competency struct {
	Code   string `json:"code"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
	Prov   Prov   `json:"prov"`
}

// Indicator is one scored item (chỉ số) of a target group, worth 0 to Max points.
type Indicator struct {
	Code       string   `json:"code"`
	Competency string   `json:"competency"`
	TextVI     string   `json:"text_vi"`
	TextEN     string   `json:"text_en"`
	Max        int      `json:"max"`
	Rubric     []string `json:"rubric"`   // plain-Vietnamese hints on how to score (e.g. "9–10: …", "5–8: …", "0–4: …")
	Evidence   []string `json:"evidence"` // suggested evidence (Vietnamese)
	Prov       Prov     `json:"prov"`
}

// TargetGroup is a target group (nhóm đối tượng) with its own list of indicators; a person
// self-assesses on the form of one group.
type TargetGroup struct {
	Code       string      `json:"code"`
	NameVI     string      `json:"name_vi"`
	NameEN     string      `json:"name_en"`
	Prov       Prov        `json:"prov"`
	Indicators []Indicator `json:"indicators"`
}

// Set is one version of a criteria set (bộ tiêu chí) for one title, as read from its JSON file.
type Set struct {
	Format        int           `json:"format"`  // file format version: 1
	Title         string        `json:"title"`   // glossary code of the title: "learning_citizen" (later also learning_family, learning_clan, learning_community, learning_unit)
	Version       string        `json:"version"` // e.g. "2023.1"; free text, non-empty, ≤ 40 chars
	NameVI        string        `json:"name_vi"`
	NameEN        string        `json:"name_en"`
	Source        Source        `json:"source"`
	ValidFrom     int           `json:"valid_from"` // first year the set applies to
	ValidTo       int           `json:"valid_to"`   // last year; 0 = open-ended
	PassRule      PassRule      `json:"pass_rule"`
	DigitalSkills DigitalRule   `json:"digital_skills"`
	Competencies  []Competency  `json:"competencies"`
	TargetGroups  []TargetGroup `json:"target_groups"`
}

// Group returns the target group with code.
func (s *Set) Group(code string) (*TargetGroup, bool) {
	for i := range s.TargetGroups {
		if s.TargetGroups[i].Code == code {
			return &s.TargetGroups[i], true
		}
	}
	return nil, false
}

// Provisional tells whether any value of the set is not from the source (draft, assumed or
// unknown): such a set must be confirmed before its results are published.
func (s *Set) Provisional() bool {
	if s.PassRule.Prov != ProvSource || s.DigitalSkills.Prov != ProvSource {
		return true
	}
	for _, c := range s.Competencies {
		if c.Prov != ProvSource {
			return true
		}
	}
	for _, g := range s.TargetGroups {
		if g.Prov != ProvSource {
			return true
		}
		for _, in := range g.Indicators {
			if in.Prov != ProvSource {
				return true
			}
		}
	}
	return false
}

// MaxTotal returns the highest total a person of the group can score: the sum of the maxima.
func (g *TargetGroup) MaxTotal() int {
	total := 0
	for _, in := range g.Indicators {
		total += in.Max
	}
	return total
}

// indicator returns the indicator of the group with code.
func (g *TargetGroup) indicator(code string) (*Indicator, bool) {
	for i := range g.Indicators {
		if g.Indicators[i].Code == code {
			return &g.Indicators[i], true
		}
	}
	return nil, false
}

//go:embed sets/learning-citizen-qd324.json
var defaultJSON []byte

//go:embed schema.json
var schemaJSON []byte

// defaultSet parses the embedded default set once; a test keeps it valid.
var defaultSet = sync.OnceValue(func() *Set {
	s, err := Parse(defaultJSON)
	if err != nil {
		panic("criteria: the embedded default set is invalid: " + err.Error())
	}
	return s
})

// Default returns the embedded default Learning Citizen set (QĐ 324/QĐ-KHVN, indicator texts from
// the 2020 draft). It is parsed once and shared: callers must not modify it.
func Default() *Set { return defaultSet() }

// DefaultJSON returns a copy of the embedded default set's file, a template for a new version.
func DefaultJSON() []byte { return bytes.Clone(defaultJSON) }

// Schema returns a copy of the JSON Schema (draft 2020-12) of the file format, for editors and
// for other tools that check a set before it is uploaded.
func Schema() []byte { return bytes.Clone(schemaJSON) }
