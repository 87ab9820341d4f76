package demo

import (
	"time"

	"hoctap/internal/people"
)

// Relation is a member's relation to the head of household (chủ hộ).
type Relation string

// The relations a generated household uses.
const (
	RelationHead   Relation = "head"
	RelationSpouse Relation = "spouse"
	RelationChild  Relation = "child"
	RelationParent Relation = "parent" // a parent of the head
)

// Member is a Person in a household, with their relation to the head.
type Member struct {
	Person
	Relation Relation
}

// Household draws a household of 1 to 6 people, sized with the Hanoi 2019
// census shares, all with births registered in birthProvince. Members come in
// the order head, spouse, children (in no particular order), parents of the
// head.
//
// The composition is an approximation [INF]: a married couple (85 % of
// households of two or more; the husband is the head) with up to three
// children, and the head's father and/or mother filling larger households;
// otherwise a single parent (a mother in 70 % of cases) with children.
// Children take their father's surname, as is the custom: the head's, except
// for a single mother, whose children carry an (absent) father's surname.
// The head's father shares the head's surname, as do children of a male
// head. Mothers are 19–40 years older than their children, wives 0–6 years
// younger than their husbands.
func (g *Generator) Household(birthProvince string, today time.Time) []Member {
	// Why these weights: the percentages of Hanoi households with 1 … 6
	// members in the 2019 census (shared/data/hanoi_population_communes_2019.csv,
	// hh_1 … hh_7_plus summed over the city); 7 or more count as 6, the
	// largest size generated.
	sizeShares := []float64{10.5, 17.0, 18.4, 28.0, 15.7, 6.9 + 3.5}
	size := 1 + g.pickIndex(sizeShares)
	if size == 1 {
		gender := people.GenderMale
		if g.r.IntN(2) == 1 {
			gender = people.GenderFemale
		}
		head := g.person(gender, "", birthProvince, 20, 90, today)
		return []Member{{head, RelationHead}}
	}

	couple := g.r.Float64() < 0.85
	rest := size - 1
	if couple {
		rest--
	}
	parents := max(0, rest-3) // at most 3 children; the rest are the head's parents
	children := rest - parents

	headGender := people.GenderMale
	if !couple && g.r.Float64() < 0.70 {
		headGender = people.GenderFemale
	}
	var headAge int
	switch {
	case parents > 0:
		headAge = g.between(25, 55) // so that the head's parents are alive
	case children > 0:
		headAge = g.between(25, 70)
	default:
		headAge = g.between(20, 85)
	}
	head := g.person(headGender, "", birthProvince, headAge, headAge, today)
	headSurname := surnameOf(head.FullName)
	out := []Member{{head, RelationHead}}

	// The children's mother and their surname.
	motherAge, childSurname := headAge, headSurname
	if couple {
		motherAge = max(18, headAge-g.between(0, 6))
		wife := g.person(people.GenderFemale, "", birthProvince, motherAge, motherAge, today)
		out = append(out, Member{wife, RelationSpouse})
	} else if headGender == people.GenderFemale {
		childSurname = g.Surname()
	}
	for range children {
		age := max(0, motherAge-g.between(19, min(40, max(19, motherAge))))
		gender := people.GenderMale
		if g.r.IntN(2) == 1 {
			gender = people.GenderFemale
		}
		child := g.person(gender, childSurname, birthProvince, age, age, today)
		out = append(out, Member{child, RelationChild})
	}

	// The head's parents: father first; a lone parent is the mother in two
	// cases out of three, as women live longer.
	withFather, withMother := parents == 2, parents == 2
	if parents == 1 {
		withMother = g.r.IntN(3) < 2
		withFather = !withMother
	}
	fatherAge := min(100, headAge+g.between(22, 40))
	if withFather {
		father := g.person(people.GenderMale, headSurname, birthProvince, fatherAge, fatherAge, today)
		out = append(out, Member{father, RelationParent})
	}
	if withMother {
		age := min(100, max(headAge+19, fatherAge-g.between(0, 6)))
		mother := g.person(people.GenderFemale, "", birthProvince, age, age, today)
		out = append(out, Member{mother, RelationParent})
	}
	return out
}

// between returns a uniform integer in [lo, hi].
func (g *Generator) between(lo, hi int) int {
	return lo + g.r.IntN(hi-lo+1)
}

// pickIndex returns an index of weights, drawn in proportion to them.
func (g *Generator) pickIndex(weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := g.r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// surnameOf returns the first word of a full name: Vietnamese surnames in
// vn_names.csv are one syllable.
func surnameOf(fullName string) string {
	for i, r := range fullName {
		if r == ' ' {
			return fullName[:i]
		}
	}
	return fullName
}
