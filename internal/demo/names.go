// Package demo generates deterministic synthetic Vietnamese people for
// seeding, demonstrations and tests: realistic names, birth dates, genders and
// personal ID numbers that pass the rules of package people. It touches no
// database; the same seed always gives the same people.
package demo

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"hoctap/internal/people"
)

// vnNamesCSV is a copy of shared/data/vn_names.csv; see shared/data/README.md
// for its sources (LTH2005 surname shares, SAMPLE_A middle and given names).
//
//go:embed data/vn_names.csv
var vnNamesCSV []byte

// noMiddleName is how vn_names.csv writes "no middle name".
const noMiddleName = "(none)"

// Why these numbers: shared/data/README.md says the name samples are young
// (born ~1995–2006) and under-represent "Văn" (M) and "Thị" (F), and suggests
// raising them for people born before ~1980. It gives no target share; these
// are our estimates [INF] for northern adults of that generation. For women,
// the table's two-syllable "Thị X" names come on top of the plain "Thị".
const (
	olderGenerationBefore = 1980 // birth years below this get the raised weights
	olderVanShare         = 0.40 // share of men with the middle name "Văn"
	olderThiShare         = 0.50 // share of women with the middle name "Thị"
)

// table is a weighted list of names, drawn by binary search on cumulative
// weights.
type table struct {
	names []string
	cum   []float64 // cum[i] = sum of the weights of names[0..i]
}

func (t *table) add(name string, weight float64) {
	total := 0.0
	if n := len(t.cum); n > 0 {
		total = t.cum[n-1]
	}
	t.names = append(t.names, name)
	t.cum = append(t.cum, total+weight)
}

func (t *table) total() float64 { return t.cum[len(t.cum)-1] }

func (t *table) pick(r *rand.Rand) string {
	x := r.Float64() * t.total()
	i := sort.Search(len(t.cum), func(i int) bool { return t.cum[i] > x })
	return t.names[min(i, len(t.names)-1)]
}

// weight returns the weight of name in t, or 0.
func (t *table) weight(name string) float64 {
	for i, n := range t.names {
		if n == name {
			if i == 0 {
				return t.cum[0]
			}
			return t.cum[i] - t.cum[i-1]
		}
	}
	return 0
}

// withShare returns a copy of t in which name (added if missing) has the
// given share of the total weight, the others keeping their relative weights.
func (t *table) withShare(name string, share float64) table {
	w := t.weight(name)
	rest := t.total() - w
	// Solve w' / (rest + w') = share.
	boosted := share * rest / (1 - share)
	var out table
	for i, n := range t.names {
		wi := t.cum[i]
		if i > 0 {
			wi -= t.cum[i-1]
		}
		if n == name {
			wi = boosted
		}
		out.add(n, wi)
	}
	if w == 0 {
		out.add(name, boosted)
	}
	return out
}

// Names holds the weighted name tables of vn_names.csv: surnames (for either
// gender), and middle and given names by gender, with a variant of the middle
// names for the older generation. A Names is read-only once loaded and may be
// shared by many Generators.
type Names struct {
	surnames    table
	middle      map[people.Gender]*table
	middleOlder map[people.Gender]*table
	given       map[people.Gender]*table
}

// LoadNames parses the embedded copy of vn_names.csv.
func LoadNames() (*Names, error) {
	return ParseNames(bytes.NewReader(vnNamesCSV))
}

// ParseNames reads name tables in the vn_names.csv format: a header row, then
// category (surname|middle_name|given_name), gender (any for surnames, M or F
// otherwise), name, weight_pct, and further columns that are ignored. Names
// are stored in NFC; rows of weight 0 are skipped; every table must have a
// positive total weight.
func ParseNames(r io.Reader) (*Names, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("demo: names: header: %w", err)
	}
	if len(header) < 4 || header[0] != "category" || header[1] != "gender" || header[2] != "name" || header[3] != "weight_pct" {
		return nil, fmt.Errorf("demo: names: unexpected header %q", header)
	}
	n := &Names{
		middle: map[people.Gender]*table{people.GenderMale: {}, people.GenderFemale: {}},
		given:  map[people.Gender]*table{people.GenderMale: {}, people.GenderFemale: {}},
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("demo: names: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < 4 {
			return nil, fmt.Errorf("demo: names: line %d: %d fields, want at least 4", line, len(rec))
		}
		category, gender := rec[0], rec[1]
		name := strings.Join(strings.Fields(norm.NFC.String(rec[2])), " ")
		weight, err := strconv.ParseFloat(rec[3], 64)
		if err != nil || weight < 0 {
			return nil, fmt.Errorf("demo: names: line %d: bad weight %q", line, rec[3])
		}
		if name == "" {
			return nil, fmt.Errorf("demo: names: line %d: empty name", line)
		}
		if weight == 0 {
			continue // Huỳnh and Võ: counted inside Hoàng and Vũ (data README)
		}
		var t *table
		switch category {
		case "surname":
			if gender != "any" {
				return nil, fmt.Errorf("demo: names: line %d: surname gender %q, want any", line, gender)
			}
			t = &n.surnames
		case "middle_name", "given_name":
			g := people.Gender(gender)
			if !g.Valid() {
				return nil, fmt.Errorf("demo: names: line %d: gender %q, want M or F", line, gender)
			}
			if category == "middle_name" {
				t = n.middle[g]
			} else {
				t = n.given[g]
			}
		default:
			return nil, fmt.Errorf("demo: names: line %d: unknown category %q", line, category)
		}
		t.add(name, weight)
	}
	for _, c := range []struct {
		what string
		t    *table
	}{
		{"surnames", &n.surnames},
		{"male middle names", n.middle[people.GenderMale]},
		{"female middle names", n.middle[people.GenderFemale]},
		{"male given names", n.given[people.GenderMale]},
		{"female given names", n.given[people.GenderFemale]},
	} {
		if len(c.t.cum) == 0 || c.t.total() <= 0 {
			return nil, fmt.Errorf("demo: names: no %s", c.what)
		}
	}
	olderM := n.middle[people.GenderMale].withShare("Văn", olderVanShare)
	olderF := n.middle[people.GenderFemale].withShare("Thị", olderThiShare)
	n.middleOlder = map[people.Gender]*table{people.GenderMale: &olderM, people.GenderFemale: &olderF}
	return n, nil
}
