package adminunit

import (
	"errors"
	"fmt"
	"time"
)

// Era is a period during which Hà Nội's list of administrative units did not change.
type Era string

// The eras, oldest first.
const (
	// Era2020 is the arrangement of Resolution 895/NQ-UBTVQH14 (early 2020)
	// until 2024-12-31: 30 districts, 579 communes.
	Era2020 Era = "2020"
	// Era2025Jan is the arrangement of Resolution 1286/NQ-UBTVQH15,
	// 2025-01-01 to 2025-06-30: 30 districts, 526 communes.
	Era2025Jan Era = "2025-01"
	// Era2025Jul is the arrangement of Resolution 1656/NQ-UBTVQH15 from
	// 2025-07-01: 126 communes and no districts.
	Era2025Jul Era = "2025-07"
)

// Level is the tier of an administrative unit.
type Level string

// The levels. Communes stand for all units of the lowest tier: xã, phường and thị trấn.
const (
	LevelProvince Level = "province"
	LevelDistrict Level = "district"
	LevelCommune  Level = "commune"
)

// Unit is one administrative unit as it was in one era.
type Unit struct {
	Era   Era
	Code  string // GSO code: "01", "001", "00001"; unique only within an era
	Level Level

	Name      string // full name: "Phường Phúc Xá"
	ShortName string // name without the type: "Phúc Xá"
	Type      string // "Thành phố", "Quận", "Huyện", "Thị xã", "Phường", "Xã" or "Thị trấn"

	// ParentCode is the district code for communes before 2025-07, the
	// province code for districts and current communes, "" for the province.
	ParentCode   string
	ProvinceCode string // "01"

	// ValidFrom and ValidTo bound the era's record of the unit, as
	// "YYYY-MM-DD", "" when open or unknown: 2020 ""…2024-12-31 (the start of
	// the 2020 arrangement is not in the data), 2025-01 2025-01-01…2025-06-30,
	// 2025-07 2025-07-01…"". A district's ValidTo is 2025-06-30 in both eras,
	// since it lived until the district level was abolished. The province has
	// both empty.
	ValidFrom, ValidTo string

	// Status is, for a 2020 commune only, what became of it on 2025-01-01:
	// "kept", "kept_renamed" (same code, new name) or "abolished_merged"
	// (merged into a neighbour the data does not name).
	Status string

	// Population2019 is the 2019 census population recorded for this code,
	// 0 when unknown. Districts and the province have exact figures. A
	// commune's figure is that of the census unit with the same code, which
	// is smaller than the commune if it absorbed neighbours later; current
	// communes have none (see the package comment).
	Population2019 int
}

// Link says that (part of) old unit FromCode of FromEra became part of unit
// ToCode of the next era ToEra.
type Link struct {
	FromEra  Era
	FromCode string
	ToEra    Era
	ToCode   string
	Full     bool    // the whole old unit went into the new one
	Weight   float64 // forward weight: 1 if Full, else 1/n for a unit split among n
}

// Share is one unit's part in a correspondence between eras: for
// [Map.Successors] a current unit and the forward weight of the old unit in
// it, for [Map.Predecessors] a 2025-01 unit and its backward weight.
type Share struct {
	Unit   Unit
	Weight float64
	Full   bool // the whole old unit went into the new one
}

// ErrNoKnownSuccessor is returned by [Map.Successors] for an old unit whose
// successor the data does not give: the 53 communes abolished and merged
// into a neighbour on 2025-01-01, and the districts.
var ErrNoKnownSuccessor = errors.New("no known successor")

// ErrUnknownUnit is returned when a code is not a unit of the era asked for,
// or the era itself is unknown.
var ErrUnknownUnit = errors.New("unknown administrative unit")

// Status values of 2020 communes, as in hanoi_units_2024.csv.
const (
	statusKept            = "kept"
	statusKeptRenamed     = "kept_renamed"
	statusAbolishedMerged = "abolished_merged"
)

// First and last days of the eras, as used in Unit.ValidFrom and ValidTo.
// The district level ended with the 2025-01 era.
const (
	era2025JanStart = "2025-01-01"
	era2025JulStart = "2025-07-01"
	era2020End      = "2024-12-31"
	era2025JanEnd   = "2025-06-30"
	districtsEnd    = era2025JanEnd
)

// Map holds Hà Nội's units in every era and the links between them. It is
// read-only once built by [LoadHanoi] and safe for concurrent use.
type Map struct {
	province Unit // with Era2025Jul; copied with the era asked for
	eras     map[Era]*eraUnits

	links   []Link
	to2025a map[string]Link    // 2020 commune code → its 2025-01 continuation
	to2025  map[string][]Link  // 2025-01 commune code → its 2025-07 successors, file order
	preds   map[string][]Share // 2025-07 commune code → its 2025-01 predecessors, backward weights
}

// eraUnits is the list of one era.
type eraUnits struct {
	districts []Unit
	communes  []Unit
	byCode    map[string]Unit // districts and communes
}

// Province returns the city of Hà Nội ("01") with Era set to [Era2025Jul].
// The city is the same in every era; [Map.Unit] returns it with the era asked for.
func (m *Map) Province() Unit { return m.province }

// Units returns the units of one level in one era, in the order of the data
// files. It returns nil for an unknown era or a level the era does not have
// (districts in 2025-07).
func (m *Map) Units(era Era, level Level) []Unit {
	eu, ok := m.eras[era]
	if !ok {
		return nil
	}
	switch level {
	case LevelProvince:
		p := m.province
		p.Era = era
		return []Unit{p}
	case LevelDistrict:
		return append([]Unit(nil), eu.districts...)
	case LevelCommune:
		return append([]Unit(nil), eu.communes...)
	}
	return nil
}

// Unit returns the unit with code in era. It returns an error wrapping
// [ErrUnknownUnit] if the era is unknown or has no such code.
func (m *Map) Unit(era Era, code string) (Unit, error) {
	eu, ok := m.eras[era]
	if !ok {
		return Unit{}, fmt.Errorf("adminunit: era %q: %w", era, ErrUnknownUnit)
	}
	if code == m.province.Code {
		p := m.province
		p.Era = era
		return p, nil
	}
	u, ok := eu.byCode[code]
	if !ok {
		return Unit{}, fmt.Errorf("adminunit: code %q in era %s: %w", code, era, ErrUnknownUnit)
	}
	return u, nil
}

// Current returns the current (2025-07) commune with code, or the province
// for "01". Any other code, including a district's or one that only existed
// before 2025-07, gives an error wrapping [ErrUnknownUnit].
func (m *Map) Current(code string) (Unit, error) { return m.Unit(Era2025Jul, code) }

// EraAt returns the era in force on the calendar date of day, read in day's
// own location: pass a time in Việt Nam's zone (UTC+7) for a local date.
// Dates before 2025-01-01 give [Era2020], the earliest era known.
func (m *Map) EraAt(day time.Time) Era {
	// ISO dates compare correctly as strings.
	switch d := day.Format(time.DateOnly); {
	case d < era2025JanStart:
		return Era2020
	case d < era2025JulStart:
		return Era2025Jan
	default:
		return Era2025Jul
	}
}

// Links returns every link between consecutive eras: the 526 identity links
// 2020 → 2025-01 of kept and kept_renamed communes (Full, weight 1), then the
// 796 links 2025-01 → 2025-07 of the mapping, in file order. Weight is the
// forward weight.
func (m *Map) Links() []Link { return append([]Link(nil), m.links...) }

// Successors returns the current (2025-07) units that unit code of era
// corresponds to today, with forward weights that sum to 1 (see the package
// comment). A 2020 commune is followed through its 2025-01 continuation; a
// current code, or the province in any era, returns itself with weight 1.
//
// Errors: [ErrUnknownUnit] if era has no such code; [ErrNoKnownSuccessor]
// for a 2020 commune abolished on 2025-01-01 or a district.
func (m *Map) Successors(era Era, code string) ([]Share, error) {
	u, err := m.Unit(era, code)
	if err != nil {
		return nil, err
	}
	switch {
	case u.Level == LevelProvince:
		return []Share{{Unit: m.province, Weight: 1, Full: true}}, nil
	case u.Level == LevelDistrict:
		// Resolution 1656 abolished the district level; a district's area
		// went to many communes with no weights of its own.
		return nil, fmt.Errorf("adminunit: %s %s (era %s): district level abolished on %s: %w",
			u.Code, u.Name, era, era2025JulStart, ErrNoKnownSuccessor)
	case era == Era2025Jul:
		return []Share{{Unit: u, Weight: 1, Full: true}}, nil
	case era == Era2020:
		l, ok := m.to2025a[code]
		if !ok {
			return nil, fmt.Errorf("adminunit: %s %s (era %s, %s): merged on %s into a neighbour the data does not name: %w",
				u.Code, u.Name, era, u.Status, era2025JanStart, ErrNoKnownSuccessor)
		}
		next, err := m.Successors(l.ToEra, l.ToCode)
		if err != nil {
			return nil, err
		}
		for i := range next {
			next[i].Weight *= l.Weight
			next[i].Full = next[i].Full && l.Full
		}
		return next, nil
	}
	links := m.to2025[code]
	shares := make([]Share, len(links))
	for i, l := range links {
		shares[i] = Share{Unit: m.eras[Era2025Jul].byCode[l.ToCode], Weight: l.Weight, Full: l.Full}
	}
	return shares, nil
}

// Predecessors returns the 2025-01 units that make up current unit code, in
// the mapping's order, with backward weights that sum to 1 (see the package
// comment). Full tells whether the whole predecessor went into the unit. For
// the province it returns the province with weight 1.
//
// Errors: [ErrUnknownUnit] if code is not a current unit.
func (m *Map) Predecessors(code string) ([]Share, error) {
	if code == m.province.Code {
		p := m.province
		p.Era = Era2025Jan
		return []Share{{Unit: p, Weight: 1, Full: true}}, nil
	}
	shares, ok := m.preds[code]
	if !ok {
		return nil, fmt.Errorf("adminunit: current code %q: %w", code, ErrUnknownUnit)
	}
	return append([]Share(nil), shares...), nil
}
