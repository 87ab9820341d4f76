// Package measure holds the programme's measures (chỉ số on a dashboard, not the indicators
// of a criteria set) and targets as data: each measure is a share — a numerator over a
// denominator, both counts taken from the facts on the year's reference day — and each plan
// (KH 290/KH-UBND, QĐ 677/QĐ-TTg, QĐ 387/QĐ-TTg …) sets target shares for some measures in
// some years. It also holds the rules that turn counts into values, gaps and forecasts. It is
// pure: the store counts, this package interprets.
package measure

import (
	"math"
)

// Scope is where a measure is counted: in a village (people by residence, households,
// the village itself), in a work unit (its staff, the unit itself), or in the commune (clans,
// association officials, the commune's own title).
type Scope string

// The scopes.
const (
	ScopeVillage Scope = "village"
	ScopeUnit    Scope = "unit"
	ScopeCommune Scope = "commune"
)

// Count names one count kept for every year and place. The list is closed: the store knows
// how to count each one, and measures combine them.
type Count string

// The counts. "Holds a title in year Y" means an assessment of that title decided
// "recognised" in a cycle of year Y or earlier and still valid in Y (valid_until ≥ Y).
const (
	Adults               Count = "adults"                // residents who are adults at the end of the year
	AdultsRecognised     Count = "adults_recognised"     // of them, holding Công dân học tập
	Recognised           Count = "recognised"            // residents of any age holding Công dân học tập
	RecognisedDigital    Count = "recognised_digital"    // of them, with digital skills
	RecognisedProficient Count = "recognised_proficient" // of them, proficient (updated their own record online)
	Households           Count = "households"            // households on record
	HouseholdsRecognised Count = "households_recognised" // holding Gia đình học tập
	Villages             Count = "villages"              // villages (thôn, tổ dân phố) in being
	VillagesRecognised   Count = "villages_recognised"   // holding Cộng đồng học tập (village level)
	Units                Count = "units"                 // work units on record
	UnitsRecognised      Count = "units_recognised"      // holding Đơn vị học tập
	Staff                Count = "staff"                 // staff of the work units
	StaffRecognised      Count = "staff_recognised"      // of them, holding Công dân học tập
	Clans                Count = "clans"                 // clans on record
	ClansRecognised      Count = "clans_recognised"      // holding Dòng họ học tập
	Officials            Count = "officials"             // Hội Khuyến học officials
	OfficialsTrained     Count = "officials_trained"     // of them, trained in the criteria
	Communes             Count = "communes"              // the commune itself (1)
	CommunesRecognised   Count = "communes_recognised"   // holding Cộng đồng học tập (commune level)
)

// Counts lists every count with its scope, in the order reports show them.
var Counts = []struct {
	Count Count
	Scope Scope
}{
	{Adults, ScopeVillage}, {AdultsRecognised, ScopeVillage}, {Recognised, ScopeVillage},
	{RecognisedDigital, ScopeVillage}, {RecognisedProficient, ScopeVillage},
	{Households, ScopeVillage}, {HouseholdsRecognised, ScopeVillage},
	{Villages, ScopeVillage}, {VillagesRecognised, ScopeVillage},
	{Units, ScopeUnit}, {UnitsRecognised, ScopeUnit}, {Staff, ScopeUnit}, {StaffRecognised, ScopeUnit},
	{Clans, ScopeCommune}, {ClansRecognised, ScopeCommune},
	{Officials, ScopeCommune}, {OfficialsTrained, ScopeCommune},
	{Communes, ScopeCommune}, {CommunesRecognised, ScopeCommune},
}

// ScopeOf returns a count's scope; ok is false for an unknown count.
func ScopeOf(c Count) (Scope, bool) {
	for _, x := range Counts {
		if x.Count == c {
			return x.Scope, true
		}
	}
	return "", false
}

// Measure is one share the programme tracks.
type Measure struct {
	Code        string `json:"code"`
	NameVI      string `json:"name_vi"`
	NameEN      string `json:"name_en"`
	Numerator   Count  `json:"numerator"`
	Denominator Count  `json:"denominator"`
	Source      string `json:"source,omitempty"` // where the measure comes from
	Main        bool   `json:"main,omitempty"`   // shown on the public pages
}

// Name returns the measure's name in lang ("vi" or "en").
func (i Measure) Name(lang string) string {
	if lang == "en" && i.NameEN != "" {
		return i.NameEN
	}
	return i.NameVI
}

// Plan is a programme document with targets: KH 290/KH-UBND runs 2021–2030.
type Plan struct {
	Code      string   `json:"code"`
	Label     string   `json:"label"` // as people write it: "KH 290/KH-UBND"
	Name      string   `json:"name"`
	Issuer    string   `json:"issuer"`
	StartYear int      `json:"start_year"`
	EndYear   int      `json:"end_year"`
	Targets   []Target `json:"targets"`
}

// Target is the share a plan sets for one measure by the end of one year, in percent.
type Target struct {
	Measure string  `json:"measure"`
	Year    int     `json:"year"`
	Value   float64 `json:"value"`
	Note    string  `json:"note,omitempty"` // e.g. "assumed: the 2030 figure was not read in the source"
}

// Share returns num/den in percent, or nil when the denominator is zero: a unit with no one
// to count has no value ("không có số liệu"), which is not 0%.
func Share(num, den int64) *float64 {
	if den <= 0 {
		return nil
	}
	v := 100 * float64(num) / float64(den)
	return &v
}

// Gap is how many points value lies below target (negative when above).
func Gap(value *float64, target float64) *float64 {
	if value == nil {
		return nil
	}
	g := target - *value
	return &g
}

// Round1 rounds to one decimal, as shares are shown and exported.
func Round1(v float64) float64 { return math.Round(v*10) / 10 }
