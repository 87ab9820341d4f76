package demo

import (
	"encoding/csv"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"hoctap/internal/people"
)

var today = time.Date(2026, time.November, 28, 9, 30, 0, 0, time.UTC)

func loadNames(t testing.TB) *Names {
	t.Helper()
	n, err := LoadNames()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// ageOn returns the age in whole years of someone born on birth, on day.
func ageOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || day.Month() == birth.Month() && day.Day() < birth.Day() {
		age--
	}
	return age
}

func TestLoadNames(t *testing.T) {
	n := loadNames(t)
	// shared/data/README.md: weight_pct sums to 100 within each table
	// (zero-weight rows are skipped, which does not change the sum).
	for name, tb := range map[string]*table{
		"surnames": &n.surnames,
		"middle M": n.middle[people.GenderMale], "middle F": n.middle[people.GenderFemale],
		"given M": n.given[people.GenderMale], "given F": n.given[people.GenderFemale],
	} {
		if math.Abs(tb.total()-100) > 0.5 {
			t.Errorf("%s: total weight %.3f, want about 100", name, tb.total())
		}
		for _, s := range tb.names {
			if !norm.NFC.IsNormalString(s) || strings.TrimSpace(s) != s {
				t.Errorf("%s: %q not NFC or not trimmed", name, s)
			}
		}
	}
	if len(n.surnames.names) != 103 { // 105 rows, Huỳnh and Võ have weight 0
		t.Errorf("%d surnames, want 103", len(n.surnames.names))
	}
	if w := n.surnames.weight("Huỳnh"); w != 0 {
		t.Errorf("Huỳnh weight %v, want 0 (counted in Hoàng)", w)
	}
	if w := n.surnames.weight("Nguyễn"); w != 38.4 {
		t.Errorf("Nguyễn weight %v, want 38.4", w)
	}
	for g, want := range map[people.Gender]struct {
		name  string
		share float64
	}{
		people.GenderMale:   {"Văn", olderVanShare},
		people.GenderFemale: {"Thị", olderThiShare},
	} {
		older := n.middleOlder[g]
		if got := older.weight(want.name) / older.total(); math.Abs(got-want.share) > 1e-9 {
			t.Errorf("older %s share of %s = %v, want %v", g, want.name, got, want.share)
		}
		young := n.middle[g]
		if young.weight(want.name)/young.total() >= want.share {
			t.Errorf("young %s share of %s is not lower than the older one", g, want.name)
		}
	}
}

func TestParseNamesErrors(t *testing.T) {
	const header = "category,gender,name,weight_pct\n"
	const ok = "surname,any,Nguyễn,1\nmiddle_name,M,Văn,1\nmiddle_name,F,Thị,1\ngiven_name,M,Nam,1\ngiven_name,F,Lan,1\n"
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"bad header", "a,b,c,d\n" + ok},
		{"unknown category", header + ok + "nickname,any,Tí,1\n"},
		{"surname with gender", header + ok + "surname,M,Lê,1\n"},
		{"middle without gender", header + ok + "middle_name,any,Văn,1\n"},
		{"bad weight", header + ok + "surname,any,Lê,x\n"},
		{"negative weight", header + ok + "surname,any,Lê,-1\n"},
		{"empty name", header + ok + "surname,any, ,1\n"},
		{"short row", header + ok + "surname,any\n"},
		{"missing table", header + "surname,any,Nguyễn,1\nmiddle_name,M,Văn,1\n"},
		{"zero-weight table", header + strings.Replace(ok, "given_name,F,Lan,1", "given_name,F,Lan,0", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseNames(strings.NewReader(tt.in)); err == nil {
				t.Errorf("ParseNames accepted %q", tt.in)
			}
		})
	}
	if _, err := ParseNames(strings.NewReader(header + ok)); err != nil {
		t.Errorf("ParseNames(minimal) = %v", err)
	}
}

func TestSameSeedSameSequence(t *testing.T) {
	n := loadNames(t)
	run := func(seed uint64) ([]Person, [][]Member, []string) {
		g := NewGenerator(n, seed)
		var ps []Person
		var hs [][]Member
		var ss []string
		for range 200 {
			ps = append(ps, g.Person("001", 18, 80, today))
			ss = append(ss, g.Surname())
		}
		for range 50 {
			hs = append(hs, g.Household("", today))
		}
		return ps, hs, ss
	}
	p1, h1, s1 := run(42)
	p2, h2, s2 := run(42)
	if !slices.Equal(p1, p2) || !slices.Equal(s1, s2) {
		t.Fatal("same seed gave different people or surnames")
	}
	for i := range h1 {
		if !slices.Equal(h1[i], h2[i]) {
			t.Fatalf("same seed gave different household %d", i)
		}
	}
	p3, _, _ := run(43)
	if slices.Equal(p1, p3) {
		t.Error("seeds 42 and 43 gave the same people")
	}
}

func TestPersonIDsPassTheRules(t *testing.T) {
	n := loadNames(t)
	tests := []struct {
		name           string
		province       string
		wantProvince   string
		minAge, maxAge int
	}{
		{"Hà Nội adults", "001", "001", 18, 90},
		{"default province", "", "001", 18, 90},
		{"TP HCM", "079", "079", 6, 120},
		{"born in the 2000s", "048", "048", 6, 20},
		{"one age", "031", "031", 40, 40},
		{"newborns", "001", "001", 0, 0},
		{"swapped range", "001", "001", 50, 30},
		{"negative min", "001", "001", -5, 3},
		{"beyond 1900", "001", "001", 100, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewGenerator(n, 7)
			minAge := max(tt.minAge, 0)
			maxAge := max(tt.maxAge, minAge)
			for range 500 {
				p := g.Person(tt.province, tt.minAge, tt.maxAge, today)
				id, err := people.ParseNationalID(p.NationalID, today)
				if err != nil {
					t.Fatalf("%+v: %v", p, err)
				}
				if err := people.CheckIDAgainst(id, p.BirthDate.Year(), p.Gender); err != nil {
					t.Fatalf("%+v: %v", p, err)
				}
				if id.ProvinceCode != tt.wantProvince || !id.KnownProvince {
					t.Fatalf("%+v: province %s", p, id.ProvinceCode)
				}
				if p.BirthDate.Year() < 1900 {
					t.Fatalf("%+v: born before 1900", p)
				}
				if age := ageOn(p.BirthDate, today); p.BirthDate.Year() > 1900 && (age < minAge || age > maxAge) {
					t.Fatalf("%+v: age %d outside %d–%d", p, age, minAge, maxAge)
				}
				if h, m, s := p.BirthDate.Clock(); h+m+s != 0 || p.BirthDate.Location() != time.UTC {
					t.Fatalf("%+v: birth date is not midnight UTC", p)
				}
			}
		})
	}
}

func TestBirthDateLeapDay(t *testing.T) {
	n := loadNames(t)
	g := NewGenerator(n, 1)
	for _, day := range []time.Time{
		time.Date(2028, time.February, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2027, time.February, 28, 0, 0, 0, 0, time.UTC),
		time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, time.December, 31, 23, 59, 0, 0, time.UTC),
	} {
		for _, ages := range [][2]int{{0, 0}, {1, 1}, {3, 4}, {30, 30}} {
			for range 300 {
				b := g.birthDate(ages[0], ages[1], day)
				if age := ageOn(b, day); age < ages[0] || age > ages[1] {
					t.Fatalf("on %s born %s: age %d outside %v", day.Format(time.DateOnly), b.Format(time.DateOnly), age, ages)
				}
			}
		}
	}
}

func TestPersonPanicsOnBadProvince(t *testing.T) {
	g := NewGenerator(loadNames(t), 1)
	for _, p := range []string{"1", "0010", "abc"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Person(%q) did not panic", p)
				}
			}()
			g.Person(p, 20, 30, today)
		}()
	}
}

func TestPopulation(t *testing.T) {
	n := loadNames(t)
	g := NewGenerator(n, 2026)
	const total = 2000
	surnames := map[string]int{}
	genders := map[people.Gender]int{}
	ids := map[string]bool{}
	for range total {
		p := g.Person("001", 18, 85, today)
		if !norm.NFC.IsNormalString(p.FullName) || people.NormalizeName(p.FullName) != p.FullName {
			t.Fatalf("name %q is not normalised NFC", p.FullName)
		}
		words := strings.Fields(p.FullName)
		if len(words) < 2 || len(words) > 4 {
			t.Fatalf("name %q has %d words, want 2–4", p.FullName, len(words))
		}
		if ids[p.NationalID] {
			t.Fatalf("duplicate ID %s", p.NationalID)
		}
		ids[p.NationalID] = true
		surnames[words[0]]++
		genders[p.Gender]++
	}
	if m := genders[people.GenderMale]; m < total*45/100 || m > total*55/100 || m+genders[people.GenderFemale] != total {
		t.Errorf("genders %v, want roughly half and half", genders)
	}
	top := slices.MaxFunc(slices.Collect(maps.Keys(surnames)), func(a, b string) int { return surnames[a] - surnames[b] })
	if top != "Nguyễn" {
		t.Errorf("most frequent surname %s (%d), want Nguyễn (%d)", top, surnames[top], surnames["Nguyễn"])
	}
	// LTH2005: Nguyễn 38.4 % of the population.
	if share := float64(surnames["Nguyễn"]) / total; share < 0.33 || share > 0.44 {
		t.Errorf("Nguyễn share %.3f, want about 0.384", share)
	}
}

func TestOlderGenerationMiddleNames(t *testing.T) {
	n := loadNames(t)
	g := NewGenerator(n, 5)
	// count returns the share of people whose whole middle name is middle.
	count := func(gender people.Gender, minAge, maxAge int, middle string) float64 {
		hits := 0
		const total = 2000
		for range total {
			p := g.person(gender, "", "001", minAge, maxAge, today)
			w := strings.Fields(p.FullName)
			if strings.Join(w[1:len(w)-1], " ") == middle {
				hits++
			}
		}
		return float64(hits) / total
	}
	// Born 1946–1976 vs born 1996–2008 (today is 2026).
	if old, young := count(people.GenderMale, 50, 80, "Văn"), count(people.GenderMale, 18, 30, "Văn"); old < 0.35 || young > 0.15 {
		t.Errorf("Văn: older %.3f, younger %.3f", old, young)
	}
	if old, young := count(people.GenderFemale, 50, 80, "Thị"), count(people.GenderFemale, 18, 30, "Thị"); old < 0.45 || young > 0.2 {
		t.Errorf("Thị: older %.3f, younger %.3f", old, young)
	}
}

func TestNoRepeatedSyllable(t *testing.T) {
	g := NewGenerator(loadNames(t), 9)
	for range 3000 {
		p := g.Person("001", 18, 80, today)
		w := strings.Fields(p.FullName)
		given := w[len(w)-1]
		if slices.Contains(w[1:len(w)-1], given) {
			t.Fatalf("%q repeats its given name in the middle name", p.FullName)
		}
	}
}

func TestIDsUniqueUnderCollisions(t *testing.T) {
	// 20,000 people born in one year and one gender share a million
	// possible numbers: about 200 collisions are expected and must be
	// redrawn.
	g := NewGenerator(loadNames(t), 3)
	seen := map[string]bool{}
	for range 20000 {
		p := g.person(people.GenderFemale, "", "001", 40, 40, time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC))
		if seen[p.NationalID] {
			t.Fatalf("duplicate %s", p.NationalID)
		}
		seen[p.NationalID] = true
	}
	if len(g.used) != 1 {
		t.Errorf("prefixes used %v, want one", slices.Collect(maps.Keys(g.used)))
	}
}

func TestIDExhaustionPanics(t *testing.T) {
	g := NewGenerator(loadNames(t), 3)
	prefix, err := people.IDPrefix("001", 1986, people.GenderMale)
	if err != nil {
		t.Fatal(err)
	}
	g.used[prefix] = idSerials
	defer func() {
		if recover() == nil {
			t.Error("no panic when every number of the prefix is issued")
		}
	}()
	g.nationalID("001", 1986, people.GenderMale)
}

func TestHousehold(t *testing.T) {
	n := loadNames(t)
	g := NewGenerator(n, 11)
	const households = 3000
	sizes := make([]int, 7)
	ids := map[string]bool{}
	members := 0
	for range households {
		h := g.Household("001", today)
		if len(h) < 1 || len(h) > 6 {
			t.Fatalf("household of %d", len(h))
		}
		sizes[len(h)]++
		members += len(h)
		if h[0].Relation != RelationHead {
			t.Fatalf("first member %+v is not the head", h[0])
		}
		head := h[0]
		var spouse *Member
		var children, parents []Member
		for i, m := range h {
			id, err := people.ParseNationalID(m.NationalID, today)
			if err != nil {
				t.Fatalf("%+v: %v", m, err)
			}
			if err := people.CheckIDAgainst(id, m.BirthDate.Year(), m.Gender); err != nil {
				t.Fatalf("%+v: %v", m, err)
			}
			if ids[m.NationalID] {
				t.Fatalf("duplicate ID %s", m.NationalID)
			}
			ids[m.NationalID] = true
			switch m.Relation {
			case RelationHead:
				if i != 0 {
					t.Fatalf("second head in %+v", h)
				}
			case RelationSpouse:
				spouse = &h[i]
			case RelationChild:
				children = append(children, m)
			case RelationParent:
				parents = append(parents, m)
			default:
				t.Fatalf("relation %q", m.Relation)
			}
		}
		headAge := ageOn(head.BirthDate, today)
		if headAge < 20 || headAge > 90 {
			t.Fatalf("head aged %d: %+v", headAge, head)
		}
		motherAge := headAge
		if spouse != nil {
			if spouse.Gender == head.Gender {
				t.Fatalf("same-gender couple generated: %+v", h)
			}
			motherAge = ageOn(spouse.BirthDate, today)
			if motherAge < 18 {
				t.Fatalf("spouse aged %d", motherAge)
			}
		}
		if len(children) > 3 || len(parents) > 2 {
			t.Fatalf("%d children, %d parents", len(children), len(parents))
		}
		for _, c := range children {
			if gap := motherAge - ageOn(c.BirthDate, today); gap < 19 || gap > 40 {
				t.Fatalf("parent–child age gap %d in %+v", gap, h)
			}
			// The children share the head's surname, except a single
			// mother's, who carry their father's.
			if head.Gender == people.GenderMale && surnameOf(c.FullName) != surnameOf(head.FullName) {
				t.Fatalf("child %q does not share the head's surname %q", c.FullName, head.FullName)
			}
		}
		for _, p := range parents {
			if gap := ageOn(p.BirthDate, today) - headAge; gap < 19 {
				t.Fatalf("head's parent only %d years older: %+v", gap, h)
			}
			if p.Gender == people.GenderMale && surnameOf(p.FullName) != surnameOf(head.FullName) {
				t.Fatalf("head's father %q has another surname than %q", p.FullName, head.FullName)
			}
		}
	}
	// The 2019 census: 10.5 % of Hanoi households have one member, 28 %
	// four; the average is about 3.6 (hanoi_population.csv).
	if share := float64(sizes[1]) / households; share < 0.08 || share > 0.13 {
		t.Errorf("one-person share %.3f, want about 0.105", share)
	}
	if share := float64(sizes[4]) / households; share < 0.25 || share > 0.31 {
		t.Errorf("four-person share %.3f, want about 0.28", share)
	}
	if mean := float64(members) / households; mean < 3.2 || mean > 3.8 {
		t.Errorf("mean household size %.2f, want about 3.5", mean)
	}
}

func TestParseNamesWrapsCSVError(t *testing.T) {
	_, err := ParseNames(strings.NewReader("category,gender,name,weight_pct\n\"unterminated\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "demo: names") {
		t.Fatalf("err = %v", err)
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		t.Errorf("error %v does not wrap the CSV error", err)
	}
}
