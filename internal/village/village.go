// Package village holds the rules of villages and residential groups (thôn, tổ dân phố):
// the units below the commune that the commune creates, renames and retires, but never
// deletes once anything refers to them.
package village

import (
	"strings"
	"time"
	"unicode/utf8"

	"hoctap/internal/fault"
)

// Kind is the sort of village; the names differ between rural and urban communes and regions.
type Kind string

// The kinds of village.
const (
	KindThon     Kind = "thon"       // thôn (rural)
	KindToDanPho Kind = "to_dan_pho" // tổ dân phố (urban)
	KindBan      Kind = "ban"        // bản (mountain)
	KindAp       Kind = "ap"         // ấp (south)
	KindKhuPho   Kind = "khu_pho"    // khu phố
)

// Kinds lists the kinds in the order forms show them.
var Kinds = []Kind{KindThon, KindToDanPho, KindBan, KindAp, KindKhuPho}

// Valid tells whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// MaxNameLen bounds a village name; longer names are refused, never cut.
const MaxNameLen = 100

// Village is a thôn or tổ dân phố of one commune.
type Village struct {
	ID           int64
	ProvinceCode string
	CommuneCode  string
	Name         string
	Kind         Kind
	CreatedAt    time.Time
	RetiredOn    string // "YYYY-MM-DD", "" while in use
	Households   int    `json:"-"` // counted, not stored
	People       int    `json:"-"`
}

// Retired tells whether the village has been retired.
func (v Village) Retired() bool { return v.RetiredOn != "" }

// Validate checks the fields a user types; the returned errors name the field.
func (v *Village) Validate() error {
	var es fault.Errors
	v.Name = strings.Join(strings.Fields(v.Name), " ")
	switch n := utf8.RuneCountInString(v.Name); {
	case n == 0:
		es.Add("name", "village.name.required")
	case n > MaxNameLen:
		es.Add("name", "village.name.too_long", MaxNameLen)
	}
	if !v.Kind.Valid() {
		es.Add("kind", "village.kind.invalid")
	}
	if v.CommuneCode == "" {
		es.Add("commune", "village.commune.required")
	}
	return es.Err()
}

// ValidateRetireDate checks the date a village stops being used.
func ValidateRetireDate(day string) (string, error) {
	day = strings.TrimSpace(day)
	if day == "" {
		return "", fault.Field("retired_on", "village.retired_on.required")
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, day); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fault.Field("retired_on", "village.retired_on.invalid", day)
}
