package people

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Gender is a person's gender as encoded in the personal ID number.
type Gender string

// The two genders the ID number can encode (programme-rules §9: even G digit
// = male, odd = female).
const (
	GenderMale   Gender = "M"
	GenderFemale Gender = "F"
)

// Valid reports whether g is GenderMale or GenderFemale.
func (g Gender) Valid() bool { return g == GenderMale || g == GenderFemale }

// ProvinceHaNoi is the birth-registration province code of Hà Nội
// (TT 07/2016/TT-BCA).
const ProvinceHaNoi = "001"

// NationalIDLength is the number of digits in a personal ID number
// (NĐ 137/2015/NĐ-CP Art. 13: "dãy số tự nhiên gồm 12 số").
const NationalIDLength = 12

// Error and warning codes. They are translation keys: the UI turns them into
// a message in the user's language, filling in IDError.Value and
// IDError.Other.
const (
	// CodeIDEmpty: nothing was entered.
	CodeIDEmpty = "id.empty"
	// CodeIDDigits: a character other than 0–9; Value is that character.
	CodeIDDigits = "id.digits"
	// CodeIDLength: not 12 digits; Value is the number of digits entered.
	CodeIDLength = "id.length"
	// CodeIDFutureYear: the encoded birth year is after today's year; Value
	// is that year.
	CodeIDFutureYear = "id.future_year"
	// CodeIDBirthYearMismatch: the encoded birth year (Value) differs from
	// the separately entered one (Other).
	CodeIDBirthYearMismatch = "id.birth_year_mismatch"
	// CodeIDGenderMismatch: the encoded gender (Value) differs from the
	// separately entered one (Other).
	CodeIDGenderMismatch = "id.gender_mismatch"

	// WarnIDUnknownProvince: the PPP prefix is not one of the 63 province
	// codes. Not an error, because codes for births registered abroad exist
	// but were not retrieved (programme-rules §9).
	WarnIDUnknownProvince = "id.unknown_province"
	// WarnIDAgeUnder6: the person turns less than 6 this year.
	WarnIDAgeUnder6 = "id.age_under_6"
	// WarnIDAgeOver120: the person turns more than 120 this year.
	WarnIDAgeOver120 = "id.age_over_120"
)

// IDError is the error returned by ParseNationalID and CheckIDAgainst. Code is
// a translation key (one of the CodeID… constants); Value and Other are the
// values the message needs.
//
// Why the full number never appears in an IDError: the ID is basic personal
// data (NĐ 13/2023 Art. 2, Luật 91/2025/QH15), and errors end up in logs.
type IDError struct {
	// Code is the translation key, e.g. "id.length".
	Code string
	// Value is the offending value: a character, a digit count, or the
	// year/gender read from the ID.
	Value string
	// Other is, for mismatches, the separately entered value; otherwise "".
	Other string
}

// Error returns the code and values in English, for logs and tests.
func (e *IDError) Error() string {
	switch {
	case e.Other != "":
		return fmt.Sprintf("people: %s: ID has %q, entered %q", e.Code, e.Value, e.Other)
	case e.Value != "":
		return fmt.Sprintf("people: %s: %q", e.Code, e.Value)
	default:
		return "people: " + e.Code
	}
}

// NationalID is a parsed 12-digit personal ID number (số định danh cá nhân).
type NationalID struct {
	// Number is the 12 digits, without surrounding spaces.
	Number string
	// ProvinceCode is PPP, the province where the birth was registered.
	ProvinceCode string
	// Century is the first year of the birth century: 1900, 2000, …
	Century int
	// Gender is read from the parity of the G digit.
	Gender Gender
	// BirthYear is Century + YY.
	BirthYear int
	// KnownProvince is false when ProvinceCode is not one of the 63 codes
	// of TT 07/2016/TT-BCA; the caller shows a warning, not an error.
	KnownProvince bool
}

// String returns the masked number, so that printing or logging a NationalID
// does not leak it (programme-rules §8: "CCCD masked in UI and exports").
func (id NationalID) String() string { return MaskNationalID(id.Number) }

// ParseNationalID checks a 12-digit số định danh cá nhân (NĐ 137/2015/NĐ-CP
// Art. 13; layout PPP G YY RRRRRR, programme-rules §9) and decodes it.
//
// Leading and trailing white space is ignored; any other non-digit, including
// an inner space or a dash, is an error. Errors are *IDError values with the
// codes "id.empty", "id.digits", "id.length" and "id.future_year". An unknown
// province prefix is not an error: KnownProvince is false and Warnings reports
// it. There is no check digit to verify (programme-rules §9). A 9-digit CMND
// is rejected with "id.length"; the rules accept it only as a separate legacy
// field.
func ParseNationalID(s string, today time.Time) (NationalID, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return NationalID{}, &IDError{Code: CodeIDEmpty}
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return NationalID{}, &IDError{Code: CodeIDDigits, Value: string(r)}
		}
		n++
	}
	if n != NationalIDLength {
		return NationalID{}, &IDError{Code: CodeIDLength, Value: strconv.Itoa(n)}
	}

	// programme-rules §9: G = 0/1 for the 1900s, 2/3 for the 2000s, … 8/9 for
	// the 2300s; even = male, odd = female. Birth year = 1900 + 100·⌊G/2⌋ + YY.
	g := int(s[3] - '0')
	yy := int(s[4]-'0')*10 + int(s[5]-'0')
	id := NationalID{
		Number:       s,
		ProvinceCode: s[:3],
		Century:      1900 + 100*(g/2),
		Gender:       GenderMale,
	}
	if g%2 == 1 {
		id.Gender = GenderFemale
	}
	id.BirthYear = id.Century + yy
	id.KnownProvince = IsProvinceCode(id.ProvinceCode)

	// programme-rules §9: "The birth year must not be in the future".
	if id.BirthYear > today.Year() {
		return NationalID{}, &IDError{Code: CodeIDFutureYear, Value: strconv.Itoa(id.BirthYear)}
	}
	return id, nil
}

// Warnings returns the warning codes for a parsed ID, in a fixed order:
// "id.unknown_province", then "id.age_under_6" or "id.age_over_120"
// (programme-rules §9: "warn if age < 6 or > 120"). The ID holds only the
// birth year, so the age used is the age reached in today's calendar year.
// It returns nil when there is nothing to warn about.
func Warnings(id NationalID, today time.Time) []string {
	var w []string
	if !id.KnownProvince {
		w = append(w, WarnIDUnknownProvince)
	}
	switch age := today.Year() - id.BirthYear; {
	case age < 6:
		w = append(w, WarnIDAgeUnder6)
	case age > 120:
		w = append(w, WarnIDAgeOver120)
	}
	return w
}

// CheckIDAgainst compares the ID with a separately entered birth year and
// gender (programme-rules §9: "The separately entered date of birth and gender
// must match G/YY"). The ID encodes only the year, so a caller holding a full
// date (or a year with month and day unknown) passes its year.
//
// A zero birthYear or an empty g means "not entered" and is not compared.
// A difference gives an *IDError with code "id.birth_year_mismatch" or
// "id.gender_mismatch" whose Value is what the ID says and Other what was
// entered; if both differ, the two are joined with errors.Join (errors.As
// finds the year mismatch first).
func CheckIDAgainst(id NationalID, birthYear int, g Gender) error {
	var errs []error
	if birthYear != 0 && birthYear != id.BirthYear {
		errs = append(errs, &IDError{
			Code:  CodeIDBirthYearMismatch,
			Value: strconv.Itoa(id.BirthYear),
			Other: strconv.Itoa(birthYear),
		})
	}
	if g != "" && g != id.Gender {
		errs = append(errs, &IDError{
			Code:  CodeIDGenderMismatch,
			Value: string(id.Gender),
			Other: string(g),
		})
	}
	return errors.Join(errs...)
}

// IDPrefix returns the first six digits, PPP G YY, of the ID of a person born
// in birthYear with gender g whose birth was registered in province, following
// the layout of programme-rules §9. The province must be three digits (it need
// not be a known code); the year must lie in 1900–2399, the range G can encode.
// The remaining six digits are random, with no check digit.
func IDPrefix(province string, birthYear int, g Gender) (string, error) {
	if len(province) != 3 || !allDigits(province) {
		return "", fmt.Errorf("people: id prefix: province code %q is not 3 digits", province)
	}
	if birthYear < 1900 || birthYear > 2399 {
		return "", fmt.Errorf("people: id prefix: birth year %d outside 1900–2399", birthYear)
	}
	if !g.Valid() {
		return "", fmt.Errorf("people: id prefix: gender %q is not M or F", g)
	}
	digit := 2 * ((birthYear - 1900) / 100)
	if g == GenderFemale {
		digit++
	}
	return fmt.Sprintf("%s%d%02d", province, digit, birthYear%100), nil
}

// MaskNationalID hides the middle of an ID number for display and export
// (programme-rules §9: "mask it as 001******234"). Surrounding white space is
// removed. For a 12-character number the first and last three characters stay
// visible; shorter input reveals fewer (⌊n/4⌋ on each side, so at least half
// stays hidden: a 9-digit CMND "123456789" becomes "12*****89", "12345" becomes "1***5"),
// and anything of 3 characters or fewer is fully masked. Any string is
// accepted without panicking; the result has one character per input rune.
func MaskNationalID(s string) string {
	r := []rune(strings.TrimSpace(s))
	keep := min(3, len(r)/4)
	for i := keep; i < len(r)-keep; i++ {
		r[i] = '*'
	}
	return string(r)
}

// IsProvinceCode reports whether code is one of the 63 birth-registration
// province codes of TT 07/2016/TT-BCA, as listed in programme-rules §9.
// The codes survive the 2025 province mergers: ID numbers are not re-issued
// (programme-rules §7).
func IsProvinceCode(code string) bool {
	switch code {
	case "001", "002", "004", "006", "008", "010", "011", "012", "014", "015",
		"017", "019", "020", "022", "024", "025", "026", "027", "030", "031",
		"033", "034", "035", "036", "037", "038", "040", "042", "044", "045",
		"046", "048", "049", "051", "052", "054", "056", "058", "060", "062",
		"064", "066", "067", "068", "070", "072", "074", "075", "077", "079",
		"080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
		"094", "095", "096":
		return true
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
