// Package indicator holds the programme's indicators and targets as data: each indicator is a
// share — a numerator over a denominator, both measures counted from the facts on the year's
// reference day — and each plan (KH 290/KH-UBND, QĐ 677/QĐ-TTg, QĐ 387/QĐ-TTg …) sets target
// shares for some indicators in some years. It also holds the rules that turn counts into
// values, gaps and forecasts. It is pure: the store counts, this package interprets.
package indicator

import (
	"fmt"
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

// Measure names one count kept for every year and place. The list is closed: the store knows
// how to count each one, and indicators combine them.
type Measure string

// The measures. "Holds a title in year Y" means an assessment of that title decided
// "recognised" in a cycle of year Y or earlier and still valid in Y (valid_until ≥ Y).
const (
	Adults               Measure = "adults"                // residents who are adults at the end of the year
	AdultsRecognised     Measure = "adults_recognised"     // of them, holding Công dân học tập
	Recognised           Measure = "recognised"            // residents of any age holding Công dân học tập
	RecognisedDigital    Measure = "recognised_digital"    // of them, with digital skills
	RecognisedProficient Measure = "recognised_proficient" // of them, proficient (updated their own record online)
	Households           Measure = "households"            // households on record
	HouseholdsRecognised Measure = "households_recognised" // holding Gia đình học tập
	Villages             Measure = "villages"              // villages (thôn, tổ dân phố) in being
	VillagesRecognised   Measure = "villages_recognised"   // holding Cộng đồng học tập (village level)
	Units                Measure = "units"                 // work units on record
	UnitsRecognised      Measure = "units_recognised"      // holding Đơn vị học tập
	Staff                Measure = "staff"                 // staff of the work units
	StaffRecognised      Measure = "staff_recognised"      // of them, holding Công dân học tập
	Clans                Measure = "clans"                 // clans on record
	ClansRecognised      Measure = "clans_recognised"      // holding Dòng họ học tập
	Officials            Measure = "officials"             // Hội Khuyến học officials
	OfficialsTrained     Measure = "officials_trained"     // of them, trained in the criteria
	Communes             Measure = "communes"              // the commune itself (1)
	CommunesRecognised   Measure = "communes_recognised"   // holding Cộng đồng học tập (commune level)
)

// Measures lists every measure with its scope, in the order reports show them.
var Measures = []struct {
	Measure Measure
	Scope   Scope
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

// ScopeOf returns a measure's scope; ok is false for an unknown measure.
func ScopeOf(m Measure) (Scope, bool) {
	for _, x := range Measures {
		if x.Measure == m {
			return x.Scope, true
		}
	}
	return "", false
}

// Indicator is one share the programme tracks.
type Indicator struct {
	Code        string  `json:"code"`
	NameVI      string  `json:"name_vi"`
	NameEN      string  `json:"name_en"`
	Numerator   Measure `json:"numerator"`
	Denominator Measure `json:"denominator"`
	Source      string  `json:"source,omitempty"` // where the indicator comes from
	Main        bool    `json:"main,omitempty"`   // shown on the public pages
}

// Name returns the indicator's name in lang ("vi" or "en").
func (i Indicator) Name(lang string) string {
	if lang == "en" && i.NameEN != "" {
		return i.NameEN
	}
	return i.NameVI
}

// Plan is a programme document with targets: KH 290/KH-UBND runs 2021–2030.
type Plan struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Issuer    string   `json:"issuer"`
	StartYear int      `json:"start_year"`
	EndYear   int      `json:"end_year"`
	Targets   []Target `json:"targets"`
}

// Target is the share a plan sets for one indicator by the end of one year, in percent.
type Target struct {
	Indicator string  `json:"indicator"`
	Year      int     `json:"year"`
	Value     float64 `json:"value"`
	Note      string  `json:"note,omitempty"` // e.g. "assumed: the 2030 figure was not read in the source"
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

// round1 rounds to one decimal, as shares are shown.
func round1(v float64) float64 { return math.Round(v*10) / 10 }

// FormatShare writes a share with one decimal, or "" for no data; the caller localises.
func FormatShare(v *float64) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf("%.1f", round1(*v))
}
