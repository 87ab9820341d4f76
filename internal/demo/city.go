package demo

import (
	"strings"

	"hoctap/internal/people"
)

// Name draws a full name (Họ + tên đệm + tên, NFC) for a person of gender born in birthYear,
// with the surname given, or one drawn when surname is "". Unlike Person it issues no ID number,
// so a caller that makes millions of people (the synthetic city) keeps no set of issued numbers.
func (g *Generator) Name(gender people.Gender, surname string, birthYear int) string {
	if surname == "" {
		surname = g.Surname()
	}
	middle, given := g.middleAndGiven(gender, birthYear)
	var b strings.Builder
	b.Grow(len(surname) + len(middle) + len(given) + 2)
	b.WriteString(surname)
	if middle != "" {
		b.WriteByte(' ')
		b.WriteString(middle)
	}
	b.WriteByte(' ')
	b.WriteString(given)
	return people.NormalizeName(b.String())
}
