package learningrecord

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"hoctap/internal/store"
)

// Rules are the data the learning record applies: the kinds of self-declared activity, which
// Công dân học tập indicators each kind and each programme topic supports (suggested when the
// person attaches an item to their self-assessment), and the thresholds of the checks on
// self-declared claims. All of it is assumed (Prov) until the programme signs it off.
type Rules struct {
	Format                  int                 `json:"format"`
	Prov                    string              `json:"prov"`
	Note                    string              `json:"note"`
	Kinds                   []KindRule          `json:"kinds"`
	Topics                  map[string][]string `json:"topics"`
	DigitalResultIndicators []string            `json:"digital_result_indicators"`
	Checks                  Checks              `json:"checks"`
}

// KindRule is one kind of self-declared activity and the indicators it supports.
type KindRule struct {
	Code       string   `json:"code"`
	Indicators []string `json:"indicators"`
}

// Checks are the thresholds of the flags on self-declared claims (anchors.md: SkillsFuture's
// false claims were caught by analytics flags, then by attendance taken in person).
type Checks struct {
	MaxHoursPerYear      int `json:"max_hours_per_year"`     // a person declaring more in a year is flagged
	MaxHoursPerDay       int `json:"max_hours_per_day"`      // an activity longer than this per day of its period is flagged
	SharedEvidencePeople int `json:"shared_evidence_people"` // the same file used by this many people or more is flagged
	SamplePerVillage     int `json:"sample_per_village"`     // self-declared items drawn per village and year for review
}

//go:embed rules.json
var rulesJSON []byte

// ParseRules reads and checks a rules file.
func ParseRules(data []byte) (*Rules, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Rules
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("learningrecord: rules: %w", err)
	}
	c := r.Checks
	if r.Format != 1 || len(r.Kinds) == 0 || c.MaxHoursPerDay <= 0 || c.MaxHoursPerDay > 24 || c.MaxHoursPerYear <= 0 || c.SharedEvidencePeople < 2 || c.SamplePerVillage < 0 {
		return nil, fmt.Errorf("learningrecord: rules: format 1, kinds, 1–24 hours a day, a yearly maximum, at least 2 people for shared evidence")
	}
	return &r, nil
}

// DefaultRules returns the embedded rules; the package's tests make sure they parse.
func DefaultRules() *Rules {
	r, err := ParseRules(rulesJSON)
	if err != nil {
		panic(err)
	}
	return r
}

// KindCodes lists the kinds of activity, in the file's order.
func (r *Rules) KindCodes() []string {
	var out []string
	for _, k := range r.Kinds {
		out = append(out, k.Code)
	}
	return out
}

// ValidKind tells whether code is a kind of activity.
func (r *Rules) ValidKind(code string) bool { return slices.Contains(r.KindCodes(), code) }

// SuggestKind returns the indicators an activity of a kind supports.
func (r *Rules) SuggestKind(kind string) []string {
	for _, k := range r.Kinds {
		if k.Code == kind {
			return slices.Clone(k.Indicators)
		}
	}
	return nil
}

// SuggestTopic returns the indicators a completion of a programme topic supports; an unknown
// topic suggests nothing.
func (r *Rules) SuggestTopic(topic string) []string { return slices.Clone(r.Topics[topic]) }

// The flags on a self-declared activity.
const (
	FlagHoursDay       = "hours_day"       // more hours than MaxHoursPerDay per day of its period
	FlagHoursYear      = "hours_year"      // the person declares more than MaxHoursPerYear in the year
	FlagSharedEvidence = "shared_evidence" // its file is used by SharedEvidencePeople people or more
	FlagFuture         = "future"          // dated after today or after the day it was declared
	FlagOutsideYear    = "outside_year"    // reviewed in a year its period does not lie in
)

// Flag is one reason to look closer at an activity; Args fill its message.
type Flag struct {
	Code string
	Args []any
}

// days returns the number of days from start to end inclusive, 0 when either is not a date.
func days(start, end string) int {
	a, err1 := time.Parse("2006-01-02", start)
	b, err2 := time.Parse("2006-01-02", end)
	if err1 != nil || err2 != nil || b.Before(a) {
		return 0
	}
	return int(b.Sub(a).Hours()/24) + 1
}

// CheckActivities flags the activities reviewed in year. yearMinutes holds each person's
// minutes in the year (not rejected), evidenceUsers the number of people using each file, and
// today is the day of the check (yyyy-mm-dd, Hà Nội). Rejected activities are not flagged.
func (r *Rules) CheckActivities(year int, today string, acts []store.Activity, yearMinutes map[int64]int, evidenceUsers map[string]int) map[int64][]Flag {
	c := r.Checks
	out := map[int64][]Flag{}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	for _, a := range acts {
		if a.State == store.ActivityRejected {
			continue
		}
		var fs []Flag
		if n := days(a.StartedOn, a.EndedOn); n > 0 && a.Minutes > n*c.MaxHoursPerDay*60 {
			fs = append(fs, Flag{FlagHoursDay, []any{c.MaxHoursPerDay}})
		}
		if m := yearMinutes[a.CitizenID]; m > c.MaxHoursPerYear*60 {
			fs = append(fs, Flag{FlagHoursYear, []any{m / 60, c.MaxHoursPerYear}})
		}
		if n := evidenceUsers[a.EvidenceSHA256]; a.EvidenceSHA256 != "" && n >= c.SharedEvidencePeople {
			fs = append(fs, Flag{FlagSharedEvidence, []any{n}})
		}
		declared := a.DeclaredAt.In(ict).Format("2006-01-02")
		if a.EndedOn > today || a.StartedOn > today || (!a.DeclaredAt.IsZero() && a.EndedOn > declared) {
			fs = append(fs, Flag{FlagFuture, nil})
		}
		if a.StartedOn < from || a.EndedOn > to {
			fs = append(fs, Flag{FlagOutsideYear, []any{strconv.Itoa(year)}}) // a year, not a number to group
		}
		if len(fs) > 0 {
			out[a.ID] = fs
		}
	}
	return out
}

// Sample draws, in each village, up to SamplePerVillage of the activities for review in year.
// The draw is random but reproducible: each activity gets a key from the SHA-256 of the year,
// the village and its id, and the smallest keys are drawn. The same year and village always
// draw the same activities, and an activity declared later displaces one only if its key is
// smaller, so the sample barely moves while the year goes on.
func (r *Rules) Sample(year int, acts []store.Activity) map[int64]bool {
	byVillage := map[int64][]store.Activity{}
	for _, a := range acts {
		byVillage[a.VillageID] = append(byVillage[a.VillageID], a)
	}
	out := map[int64]bool{}
	for village, list := range byVillage {
		key := func(a store.Activity) uint64 {
			var b [24]byte
			binary.BigEndian.PutUint64(b[0:], uint64(year))
			binary.BigEndian.PutUint64(b[8:], uint64(village))
			binary.BigEndian.PutUint64(b[16:], uint64(a.ID))
			h := sha256.Sum256(b[:])
			return binary.BigEndian.Uint64(h[:8])
		}
		sort.Slice(list, func(i, j int) bool { return key(list[i]) < key(list[j]) })
		for _, a := range list[:min(len(list), r.Checks.SamplePerVillage)] {
			out[a.ID] = true
		}
	}
	return out
}
