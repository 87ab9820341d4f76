package people

import (
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"hoctap/internal/fault"
)

// Relation is a person's relation to the head of their household.
type Relation string

// The relations kept; the import reads them from the words officials write.
const (
	RelationHead       Relation = "head"
	RelationSpouse     Relation = "spouse"
	RelationChild      Relation = "child"
	RelationParent     Relation = "parent"
	RelationGrandchild Relation = "grandchild"
	RelationSibling    Relation = "sibling"
	RelationOther      Relation = "other"
)

// Relations lists the relations in the order forms show them.
var Relations = []Relation{RelationHead, RelationSpouse, RelationChild, RelationParent, RelationGrandchild, RelationSibling, RelationOther}

// relationWords maps folded Vietnamese words to relations ("Quan hệ với chủ hộ").
var relationWords = map[string]Relation{
	"chu ho": RelationHead, "ch": RelationHead, "head": RelationHead,
	"vo": RelationSpouse, "chong": RelationSpouse, "vo/chong": RelationSpouse, "spouse": RelationSpouse,
	"con": RelationChild, "con de": RelationChild, "con trai": RelationChild, "con gai": RelationChild, "con nuoi": RelationChild, "con dau": RelationChild, "con re": RelationChild, "child": RelationChild,
	"bo": RelationParent, "me": RelationParent, "cha": RelationParent, "bo de": RelationParent, "me de": RelationParent, "bo/me": RelationParent, "parent": RelationParent,
	"chau": RelationGrandchild, "chau noi": RelationGrandchild, "chau ngoai": RelationGrandchild, "grandchild": RelationGrandchild,
	"anh": RelationSibling, "chi": RelationSibling, "em": RelationSibling, "anh trai": RelationSibling, "chi gai": RelationSibling, "em trai": RelationSibling, "em gai": RelationSibling, "sibling": RelationSibling,
	"khac": RelationOther, "ong": RelationOther, "ba": RelationOther, "other": RelationOther,
}

// ParseRelation reads a relation as officials write it ("Chủ hộ", "Vợ", "Con đẻ", …).
func ParseRelation(s string) (Relation, bool) {
	r, ok := relationWords[FoldName(s)]
	return r, ok
}

// Valid tells whether r is a known relation.
func (r Relation) Valid() bool {
	for _, x := range Relations {
		if x == r {
			return true
		}
	}
	return false
}

// TargetGroup is one of the four target groups of QĐ 324/QĐ-KHVN, each with its own form.
type TargetGroup string

// The target groups (programme-rules §3.2).
const (
	GroupResident TargetGroup = "resident" // người dân trong xã
	GroupWorker   TargetGroup = "worker"   // người lao động
	GroupStaff    TargetGroup = "staff"    // cán bộ, công nhân viên, doanh nhân
	GroupStudent  TargetGroup = "student"  // học sinh, sinh viên, học viên
)

// TargetGroups lists the groups in the order forms show them.
var TargetGroups = []TargetGroup{GroupResident, GroupWorker, GroupStaff, GroupStudent}

// Valid tells whether g is a known group ("" is allowed: not yet decided).
func (g TargetGroup) Valid() bool {
	if g == "" {
		return true
	}
	for _, x := range TargetGroups {
		if x == g {
			return true
		}
	}
	return false
}

// Limits on what a citizen's fields accept; longer values are refused, never cut.
const (
	MaxNameLen  = 100
	MaxEmailLen = 254
)

// Citizen is one person of the registry. The 12-digit ID is the identity and the
// de-duplication key; a person without one (a child not yet issued) is kept by name and birth.
type Citizen struct {
	ID           int64
	ProvinceCode string
	CommuneCode  string
	VillageID    int64
	HouseholdID  int64
	Relation     Relation
	NationalID   string
	LegacyID     string // 9-digit CMND, secondary
	FullName     string
	BirthDate    string // "YYYY-MM-DD", or "" when only the year is known
	BirthYear    int
	Gender       Gender
	Phone        string
	Email        string
	TargetGroup  TargetGroup
	WorkUnitID   int64
	Ethnicity    string `json:",omitempty"` // sensitive: only when a setting turns it on
}

// Normalize trims and normalises the typed fields (NFC names, digits-only phone).
func (c *Citizen) Normalize() {
	c.FullName = NormalizeName(c.FullName)
	c.NationalID = strings.TrimSpace(c.NationalID)
	c.LegacyID = strings.TrimSpace(c.LegacyID)
	c.Email = strings.ToLower(strings.TrimSpace(c.Email))
	c.Phone = NormalizePhone(c.Phone)
}

// NormalizePhone keeps the digits of a phone number, writing +84 as 0.
func NormalizePhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if strings.HasPrefix(strings.TrimSpace(s), "+84") || (len(d) == 11 && strings.HasPrefix(d, "84")) {
		d = "0" + strings.TrimPrefix(d, "84")
	}
	return d
}

// Validate checks the citizen against the rules of programme-rules §9: errors name their field;
// warnings (an unknown province prefix, an unusual age) do not stop the save.
func (c *Citizen) Validate(today time.Time) (warnings fault.Errors, err error) {
	c.Normalize()
	var es fault.Errors
	switch n := utf8.RuneCountInString(c.FullName); {
	case n == 0:
		es.Add("full_name", "citizen.full_name.required")
	case n > MaxNameLen:
		es.Add("full_name", "citizen.full_name.too_long", MaxNameLen)
	}
	if !c.Gender.Valid() {
		es.Add("gender", "citizen.gender.required")
	}
	if c.BirthDate != "" {
		d, perr := time.Parse("2006-01-02", c.BirthDate)
		switch {
		case perr != nil:
			es.Add("birth_date", "citizen.birth_date.invalid", c.BirthDate)
		case d.After(today):
			es.Add("birth_date", "citizen.birth_date.future")
		default:
			c.BirthYear = d.Year()
		}
	}
	switch {
	case c.BirthYear == 0:
		es.Add("birth_date", "citizen.birth_date.required")
	case c.BirthYear < today.Year()-130 || c.BirthYear > today.Year():
		es.Add("birth_date", "citizen.birth_year.invalid", c.BirthYear)
	}
	if c.NationalID != "" {
		id, perr := ParseNationalID(c.NationalID, today)
		var ie *IDError
		switch {
		case errors.As(perr, &ie):
			es.Add("national_id", ie.Code, ie.Value, ie.Other)
		case perr != nil:
			es.Add("national_id", "id.invalid")
		default:
			c.NationalID = id.Number
			if cerr := CheckIDAgainst(id, c.BirthYear, c.Gender); cerr != nil {
				for _, e := range unjoin(cerr) {
					if !errors.As(e, &ie) {
						continue
					}
					if ie.Code == CodeIDGenderMismatch { // shown as "nam"/"nữ", not as codes
						es.Add("national_id", ie.Code, fault.Key("gender.lower."+ie.Value), fault.Key("gender.lower."+ie.Other))
					} else {
						es.Add("national_id", ie.Code, ie.Value, ie.Other)
					}
				}
			}
			for _, w := range Warnings(id, today) {
				warnings.Add("national_id", w, id.ProvinceCode)
			}
		}
	}
	if c.LegacyID != "" && (len(c.LegacyID) != 9 || !allDigits(c.LegacyID)) {
		es.Add("legacy_id", "citizen.legacy_id.invalid")
	}
	if c.Phone != "" && (len(c.Phone) != 10 || c.Phone[0] != '0') {
		es.Add("phone", "citizen.phone.invalid")
	}
	if c.Email != "" {
		if _, perr := mail.ParseAddress(c.Email); perr != nil || len(c.Email) > MaxEmailLen {
			es.Add("email", "citizen.email.invalid")
		}
	}
	if c.Relation != "" && !c.Relation.Valid() {
		es.Add("relation", "citizen.relation.invalid")
	}
	if !c.TargetGroup.Valid() {
		es.Add("target_group", "citizen.target_group.invalid")
	}
	if c.CommuneCode == "" {
		es.Add("village", "citizen.village.required")
	}
	return warnings, es.Err()
}

// unjoin splits an errors.Join result into its parts.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// Age returns the age in whole years reached by day (by year only when the date is unknown).
func (c Citizen) Age(day time.Time) int {
	if d, err := time.Parse("2006-01-02", c.BirthDate); err == nil {
		age := day.Year() - d.Year()
		if day.YearDay() < d.YearDay() {
			age--
		}
		return age
	}
	return day.Year() - c.BirthYear
}

// Reverse returns s backwards: stored for ID and phone numbers so that a search by their last
// digits is a prefix search on an index.
func Reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}
