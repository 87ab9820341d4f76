package criteria

import (
	"bytes"
	"embed"
	"io/fs"
	"sync"
)

// Prov is the provenance of a value: whether it comes from the issuing document or not.
type Prov string

// The provenance values. Anything other than ProvSource must be confirmed before production.
const (
	ProvSource  Prov = "source"  // stated in the issuing document
	ProvDraft   Prov = "draft"   // taken from a draft of the document (the 2020 workshop draft)
	ProvAssumed Prov = "assumed" // our proposal, awaiting sign-off by the programme
	ProvUnknown Prov = "unknown" // not known yet; to be filled in
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
	// Computed, when set, is an item the registry computes (a share of members recognised…);
	// the form shows the value, how it was computed and the members behind it.
	Computed Computed `json:"computed,omitzero"`
	// LevelMin is, for sets with levels, the score this indicator needs for level 1, level 2….
	LevelMin []int `json:"level_min,omitempty"`
}

// Computed says how an item is computed from the registry and the individual results. The
// share is taken in percent; the item scores its maximum when the share reaches Threshold, and
// nothing below it, or, without a threshold, points in proportion to the share.
type Computed struct {
	Measure   string `json:"measure"`             // one of Measures
	AgeMin    int    `json:"age_min,omitempty"`   // for measures over adults: the age range at 31 December
	AgeMax    int    `json:"age_max,omitempty"`   // 0 = no upper bound
	Threshold int    `json:"threshold,omitempty"` // percent; 0 = proportional
	// IfNone says what an empty denominator gives: "" refuses (nothing to count, so no
	// recognition on it), "full" gives the maximum (QĐ 448: a household with no child of school
	// age has no child out of school).
	IfNone string `json:"if_none,omitempty"`
}

// The measures an item can be computed from. Each is a share, numerator over denominator, of
// the subject's members on the reference date (31 December of the cycle's year, or today if
// earlier): a person counts in the household they belong to on that date.
const (
	MeasureHouseholdAdultsRecognised   = "household_adults_recognised"   // adults of the household recognised as learning citizens that year
	MeasureHouseholdChildrenAtSchool   = "household_children_at_school"  // children of school age (6–14 unless set) registered as pupils
	MeasureClanHouseholdsRecognised    = "clan_households_recognised"    // the clan's households recognised as learning families
	MeasureVillageHouseholdsRecognised = "village_households_recognised" // the village's households recognised as learning families
	MeasureUnitStaffRecognised         = "unit_staff_recognised"         // the unit's staff recognised as learning citizens
	MeasureCommuneVillagesRecognised   = "commune_villages_recognised"   // the commune's villages recognised as learning communities
	MeasureCommuneAdultsRecognised     = "commune_adults_recognised"     // the commune's adults recognised as learning citizens
)

// Measures lists every measure with the subject it applies to.
var Measures = map[string]string{
	MeasureHouseholdAdultsRecognised:   SubjectHousehold,
	MeasureHouseholdChildrenAtSchool:   SubjectHousehold,
	MeasureClanHouseholdsRecognised:    SubjectClan,
	MeasureVillageHouseholdsRecognised: SubjectVillage,
	MeasureUnitStaffRecognised:         SubjectWorkUnit,
	MeasureCommuneVillagesRecognised:   SubjectCommune,
	MeasureCommuneAdultsRecognised:     SubjectCommune,
}

// The kinds of subject a title is given to.
const (
	SubjectCitizen   = "citizen"
	SubjectHousehold = "household"
	SubjectClan      = "clan"
	SubjectVillage   = "village"
	SubjectWorkUnit  = "work_unit"
	SubjectCommune   = "commune"
)

// defaultSubject is the subject of each title when a set does not name it.
var defaultSubject = map[string]string{"learning_citizen": SubjectCitizen, "learning_family": SubjectHousehold,
	"learning_clan": SubjectClan, "learning_community": SubjectVillage, "learning_unit": SubjectWorkUnit}

// Recognition says which level appraises and decides a title, how long a recognition stays
// valid, and how long level 2 waits after level 1. The 2025 reform moved powers between levels,
// so these are data.
type Recognition struct {
	Level             string `json:"level"`                         // "commune" or "city"
	ValidYears        int    `json:"valid_years"`                   // 1: recognised every year; 3 under TT 24/2023 and TT 25/2023
	Level2AfterMonths int    `json:"level2_after_months,omitempty"` // 12 under TT 24 and TT 25; 0 = no wait
	Prov              Prov   `json:"prov"`
}

// Grade is a grade of a passed result by its total (TT 22/2020: Tốt, Khá, Trung bình).
type Grade struct {
	Code     string `json:"code"`
	NameVI   string `json:"name_vi"`
	NameEN   string `json:"name_en"`
	MinTotal int    `json:"min_total"`
}

// Level is a level of recognition (mức độ 1, 2 of TT 24/2023 and TT 25/2023): reached when the
// total reaches MinTotal and every indicator reaches its LevelMin for this level.
type Level struct {
	Level    int    `json:"level"`
	NameVI   string `json:"name_vi"`
	NameEN   string `json:"name_en"`
	MinTotal int    `json:"min_total"`
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
	// For the collective titles; the individual set leaves them out.
	Subject     string      `json:"subject,omitempty"` // SubjectHousehold…; "" = the title's usual subject
	Recognition Recognition `json:"recognition,omitzero"`
	Grades      []Grade     `json:"grades,omitempty"` // highest first
	Levels      []Level     `json:"levels,omitempty"` // level 1 first
}

// SubjectKind returns what the set's title is given to: a person, a household, a clan, a
// village, a work unit or a commune.
func (s *Set) SubjectKind() string {
	if s.Subject != "" {
		return s.Subject
	}
	return defaultSubject[s.Title]
}

// RecognisingLevel is the level that appraises and decides: the commune unless the set says.
func (s *Set) RecognisingLevel() string {
	if s.Recognition.Level != "" {
		return s.Recognition.Level
	}
	return "commune"
}

// ValidYears is how many years a recognition stays valid (1 unless the set says).
func (s *Set) ValidYears() int { return max(s.Recognition.ValidYears, 1) }

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
	if s.PassRule.Prov != ProvSource || (len(s.DigitalSkills.Indicators) > 0 && s.DigitalSkills.Prov != ProvSource) {
		return true
	}
	if s.Recognition.Prov != "" && s.Recognition.Prov != ProvSource {
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

//go:embed sets/*.json
var shippedSets embed.FS

// Shipped returns the files of every criteria set shipped with the software (the individual
// title's and the collective titles'), by file name, for a new database to start with.
func Shipped() (map[string][]byte, error) {
	entries, err := fs.ReadDir(shippedSets, "sets")
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := shippedSets.ReadFile("sets/" + e.Name())
		if err != nil {
			return nil, err
		}
		out[e.Name()] = b
	}
	return out, nil
}

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
