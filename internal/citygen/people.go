package citygen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"hoctap/internal/demo"
	"hoctap/internal/people"
)

// person is one generated person of a commune, with what the rest of the load needs of them.
type person struct {
	id, household, village, unit int64
	name                         string
	gender                       people.Gender
	birth                        time.Time
	nationalID                   string
	relation                     people.Relation
	group                        people.TargetGroup
	civilServant                 bool
	// held is, for each counted year (index year − first counted year), what the counts read of
	// the person's title: 0 none, else 1 + 2 (digital skills) + 4 (proficient), the highest of
	// the recognitions valid that year, as citizenTitle in store/counts.go.
	held [maxYears]uint8
}

// maxYears bounds the counted years a load keeps per person.
const maxYears = 12

// household is one generated household.
type household struct {
	id, village int64
	code        string
	members     []int // indexes into the commune's people
}

// idSerials hands out the six random digits of ID numbers (programme-rules §9) without keeping
// the numbers: per prefix PPPGYY (province, century and gender, year of birth), serials run from
// a random start, so numbers are unique for up to a million people per prefix and year.
type idSerials struct {
	rnd  *rand.Rand
	next map[string]int
	left map[string]int
}

func newIDSerials(seed uint64) *idSerials {
	return &idSerials{rnd: rand.New(rand.NewPCG(seed, 0x1d5e7a1)), next: map[string]int{}, left: map[string]int{}}
}

func (s *idSerials) issue(birthYear int, g people.Gender) (string, error) {
	prefix, err := people.IDPrefix(people.ProvinceHaNoi, birthYear, g)
	if err != nil {
		return "", err
	}
	n, ok := s.next[prefix]
	if !ok {
		n = s.rnd.IntN(1_000_000)
		s.left[prefix] = 1_000_000
	}
	if s.left[prefix] == 0 {
		return "", fmt.Errorf("citygen: more than a million people with ID prefix %s", prefix)
	}
	s.next[prefix] = (n + 1) % 1_000_000
	s.left[prefix]--
	return fmt.Sprintf("%s%06d", prefix, n), nil
}

// drawAge draws an age in years from the shares of the 5-year groups; the last group (85+)
// spreads over 85–99.
func drawAge(r *rand.Rand, shares *[AgeGroups]float64, minAge int) int {
	for {
		x := r.Float64()
		g := AgeGroups - 1
		for k, s := range shares {
			if x < s {
				g = k
				break
			}
			x -= s
		}
		width := 5
		if g == AgeGroups-1 {
			width = 15
		}
		if g*5+width-1 < minAge {
			continue
		}
		age := g*5 + r.IntN(width)
		if age >= minAge {
			return age
		}
	}
}

// drawSize draws a household size from the census shares of 1 … 6 and 7+ (7 or 8).
func drawSize(r *rand.Rand, shares *[7]float64) int {
	x := r.Float64()
	for k, s := range shares {
		if x < s {
			if k == 6 {
				return 7 + r.IntN(2)
			}
			return k + 1
		}
		x -= s
	}
	return 4
}

// makeHousehold draws the ages of a household's members from the commune's pyramid (so the
// commune's ages follow the census), makes the oldest adult under 70 the head and names the
// others' relations by their ages: a partner of about the same age, children, grandchildren,
// parents, siblings. Names follow the custom: children and siblings take the head's surname.
func makeHousehold(r *rand.Rand, g *demo.Generator, ids *idSerials, plan *CommunePlan, size int, today time.Time) ([]person, error) {
	ages := make([]int, size)
	adult := -1
	for i := range ages {
		ages[i] = drawAge(r, &plan.Ages, 0)
	}
	for i, a := range ages {
		if a >= 21 && a < 70 && (adult < 0 || a > ages[adult]) {
			adult = i
		}
	}
	if adult < 0 {
		for i, a := range ages {
			if a >= 21 && (adult < 0 || a < ages[adult]) {
				adult = i
			}
		}
	}
	if adult < 0 { // nobody could head it: the first member is drawn again among adults
		ages[0] = drawAge(r, &plan.Ages, 21)
		adult = 0
	}
	ages[0], ages[adult] = ages[adult], ages[0]
	headAge := ages[0]
	// Most households of two or more are a couple; the independent draws above rarely make
	// one. Another adult of the household, if there is one, becomes the head's partner (of
	// about the head's age), so that the share of adults stays that of the pyramid.
	if size >= 2 && r.Float64() < 0.85 {
		other := -1
		for i, a := range ages[1:] {
			if a >= 18 && a >= headAge-10 && a <= headAge+10 {
				other = -1
				break
			}
			if a >= 18 && other < 0 {
				other = i + 1
			}
		}
		if other > 0 {
			ages[other] = min(99, max(18, headAge-6+r.IntN(10)))
		}
	}
	out := make([]person, size)
	headGender := people.GenderMale
	if r.IntN(10) < 4 {
		headGender = people.GenderFemale
	}
	spouse := false
	for i, a := range ages {
		p := &out[i]
		p.gender = people.GenderMale
		if r.IntN(2) == 1 {
			p.gender = people.GenderFemale
		}
		switch d := a - headAge; {
		case i == 0:
			p.relation, p.gender = people.RelationHead, headGender
		case !spouse && a >= 18 && d >= -10 && d <= 10:
			spouse = true
			p.relation = people.RelationSpouse
			p.gender = people.GenderFemale
			if headGender == people.GenderFemale {
				p.gender = people.GenderMale
			}
		case d <= -40:
			p.relation = people.RelationGrandchild
		case d <= -15:
			p.relation = people.RelationChild
		case d >= 15:
			p.relation = people.RelationParent
		default:
			p.relation = people.RelationSibling
		}
		p.birth = yearsBefore(today, a).AddDate(0, 0, -r.IntN(365))
	}
	surname := g.Surname()
	for i := range out {
		p := &out[i]
		s := ""
		switch p.relation {
		case people.RelationHead, people.RelationChild, people.RelationGrandchild, people.RelationSibling:
			s = surname
		case people.RelationParent:
			if p.gender == people.GenderMale {
				s = surname
			}
		}
		p.name = g.Name(p.gender, s, p.birth.Year())
		id, err := ids.issue(p.birth.Year(), p.gender)
		if err != nil {
			return nil, err
		}
		p.nationalID = id
	}
	return out, nil
}

// yearsBefore returns the date n years before day (29 February becomes 28 February).
func yearsBefore(day time.Time, n int) time.Time {
	y, m, d := day.Date()
	t := time.Date(y-n, m, d, 0, 0, 0, 0, time.UTC)
	if t.Month() != m {
		t = time.Date(y-n, m+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return t
}

// nameWords returns the distinct words of a folded name, as the search index keeps them.
func nameWords(folded string) []string {
	words := strings.Fields(folded)
	out := words[:0]
	for _, w := range words {
		dup := false
		for _, o := range out {
			dup = dup || o == w
		}
		if !dup {
			out = append(out, w)
		}
	}
	return out
}
