package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"hoctap/internal/people"
)

// pcgStream is the second PCG word. Why a constant: NewGenerator takes one
// uint64 seed, and PCG needs two; fixing the second keeps "same seed, same
// people" (it is the 64-bit golden ratio, an arbitrary odd constant).
const pcgStream = 0x9e3779b97f4a7c15

// idSerials is the number of possible RRRRRR suffixes of an ID number
// (programme-rules §9: six random digits).
const idSerials = 1_000_000

// Person is one synthetic person.
type Person struct {
	// FullName is Họ + tên đệm + tên in NFC, e.g. "Nguyễn Thị Thu Hà".
	FullName string
	// Gender is GenderMale or GenderFemale.
	Gender people.Gender
	// BirthDate is a date at midnight UTC.
	BirthDate time.Time
	// NationalID is a 12-digit number consistent with BirthDate, Gender
	// and the birth province.
	NationalID string
}

// Generator draws synthetic people from a seeded random source. Two
// Generators built from the same Names and seed return the same people for
// the same sequence of calls. ID numbers are unique within one Generator.
// A Generator is not safe for concurrent use.
type Generator struct {
	r      *rand.Rand
	names  *Names
	issued map[string]struct{} // every ID number handed out
	used   map[string]int      // PPPGYY prefix → numbers handed out
}

// NewGenerator returns a Generator drawing from names with a PCG source
// seeded from seed.
func NewGenerator(names *Names, seed uint64) *Generator {
	return &Generator{
		r:      rand.New(rand.NewPCG(seed, pcgStream)),
		names:  names,
		issued: make(map[string]struct{}),
		used:   make(map[string]int),
	}
}

// Surname draws a surname (họ) with the population shares of vn_names.csv:
// Nguyễn about 38 %, Trần 11 %, Lê 9.5 % …
func (g *Generator) Surname() string {
	return g.names.surnames.pick(g.r)
}

// Person draws a person of either gender (half and half), aged minAge to
// maxAge years on today, whose birth was registered in birthProvince (a
// 3-digit code of programme-rules §9; "" means Hà Nội, "001").
//
// The name is a surname, a middle name chosen by gender (none, one or two
// syllables; "Văn"/"Thị" more frequent for people born before 1980) and a
// given name. A negative minAge counts as 0 and a maxAge below minAge as
// minAge. Birth dates stay in 1900 or later, the earliest year an ID number
// can encode. It panics if birthProvince is not three digits, a programming
// error.
func (g *Generator) Person(birthProvince string, minAge, maxAge int, today time.Time) Person {
	gender := people.GenderMale
	if g.r.IntN(2) == 1 {
		gender = people.GenderFemale
	}
	return g.person(gender, "", birthProvince, minAge, maxAge, today)
}

// person draws a person of the given gender; an empty surname is drawn too.
func (g *Generator) person(gender people.Gender, surname, province string, minAge, maxAge int, today time.Time) Person {
	if province == "" {
		province = people.ProvinceHaNoi
	}
	birth := g.birthDate(minAge, maxAge, today)
	if surname == "" {
		surname = g.Surname()
	}
	middle, given := g.middleAndGiven(gender, birth.Year())
	parts := []string{surname}
	if middle != "" {
		parts = append(parts, middle)
	}
	parts = append(parts, given)
	return Person{
		FullName:   people.NormalizeName(strings.Join(parts, " ")),
		Gender:     gender,
		BirthDate:  birth,
		NationalID: g.nationalID(province, birth.Year(), gender),
	}
}

// middleAndGiven draws a middle name ("" for none) and a given name that does
// not repeat a syllable of the middle name ("Thị Ngọc Ngọc" is not a name).
func (g *Generator) middleAndGiven(gender people.Gender, birthYear int) (string, string) {
	middles := g.names.middle[gender]
	if birthYear < olderGenerationBefore {
		middles = g.names.middleOlder[gender]
	}
	middle := middles.pick(g.r)
	if middle == noMiddleName {
		middle = ""
	}
	syllables := strings.Fields(middle)
	var given string
	for range 10 { // a bounded retry; the tables are large, so 10 is ample
		given = g.names.given[gender].pick(g.r)
		repeated := false
		for _, s := range syllables {
			repeated = repeated || s == given
		}
		if !repeated {
			break
		}
	}
	return middle, given
}

// birthDate draws a birth date, uniform over the days on which a person aged
// minAge to maxAge on today could have been born.
func (g *Generator) birthDate(minAge, maxAge int, today time.Time) time.Time {
	minAge = max(minAge, 0)
	maxAge = max(maxAge, minAge)
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	// Born on or before latest: at least minAge. Born after the day that is
	// maxAge+1 years back: at most maxAge.
	latest := yearsBefore(day, minAge)
	earliest := yearsBefore(day, maxAge+1).AddDate(0, 0, 1)
	if floor := time.Date(1900, time.January, 1, 0, 0, 0, 0, time.UTC); earliest.Before(floor) {
		earliest = floor
	}
	if latest.Before(earliest) {
		latest = earliest
	}
	days := int(latest.Sub(earliest).Hours() / 24)
	return earliest.AddDate(0, 0, g.r.IntN(days+1))
}

// yearsBefore returns the date n years before day; 29 February becomes
// 28 February in a common year, where AddDate would give 1 March and make a
// person born that day one year too young.
func yearsBefore(day time.Time, n int) time.Time {
	y, m, d := day.Date()
	t := time.Date(y-n, m, d, 0, 0, 0, 0, time.UTC)
	if t.Month() != m {
		t = time.Date(y-n, m+1, 0, 0, 0, 0, 0, time.UTC) // last day of month m
	}
	return t
}

// nationalID returns an ID number not yet issued by g: PPP G YY from
// people.IDPrefix, then six random digits (programme-rules §9).
func (g *Generator) nationalID(province string, birthYear int, gender people.Gender) string {
	prefix, err := people.IDPrefix(province, birthYear, gender)
	if err != nil {
		panic(fmt.Sprintf("demo: %v", err))
	}
	if g.used[prefix] >= idSerials {
		panic(fmt.Sprintf("demo: all %d ID numbers with prefix %s issued", idSerials, prefix))
	}
	for {
		n := fmt.Sprintf("%s%06d", prefix, g.r.IntN(idSerials))
		if _, dup := g.issued[n]; !dup {
			g.issued[n] = struct{}{}
			g.used[prefix]++
			return n
		}
	}
}
