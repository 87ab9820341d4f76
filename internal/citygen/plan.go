// Package citygen builds a synthetic city at the scale of Hà Nội (hoctap demo --scale): people
// in households and villages with ages and household sizes of the 2019 census, work units and
// their staff, clans, association branches and their officials, programmes and learning records,
// and three years of the titles with their decisions, written in bulk through store.Bulk with
// the dashboards' counts. The same seed and scale give the same rows.
package citygen

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"sort"
	"strconv"

	"hoctap/internal/adminunit"
)

// Copies of shared/data files (see its README for the sources: the 2019 census cubes of GSO):
// the age pyramid of each old district, and households by number of members per old commune.
var (
	//go:embed data/hanoi_population_age_2019.csv
	ageCSV []byte
	//go:embed data/hanoi_population_communes_2019.csv
	communesCSV []byte
)

// Scale is how much of the city is generated.
type Scale string

// The scales: the whole city, a handful of communes, one commune.
const (
	ScaleCity     Scale = "city"     // all 126 communes, about 8.5 million people
	ScaleDistrict Scale = "district" // neighbouring communes, about 300,000 people
	ScaleCommune  Scale = "commune"  // one commune of about 30,000 people
)

// CityPopulation is the population the city scale reaches: Hà Nội's 8,053,663 people of the
// 2019 census have grown to about 8.5 million (DESIGN §6). Each commune gets its share of it in
// proportion to the census figures carried to it.
const CityPopulation = 8_500_000

// Targets of the smaller scales.
const (
	districtPopulation = 300_000
	communePopulation  = 30_000
)

// AgeGroups is the number of 5-year age groups of the census (0–4 … 80–84, 85+).
const AgeGroups = 18

// CommunePlan is what is generated for one current commune.
type CommunePlan struct {
	Unit adminunit.Unit
	// Census is the 2019 census population carried to the commune: each 2025-01 predecessor's
	// figure times its forward weight (adminunit: 1 for a whole unit, 1/n for one split in n).
	Census float64
	// People is the number of people generated: Census scaled to CityPopulation.
	People int
	// HouseholdSizes are the shares of households of 1 … 6 and 7 or more members, and Ages the
	// shares of the 5-year age groups, both mixed from the predecessors by their weight.
	HouseholdSizes [7]float64
	Ages           [AgeGroups]float64
	// Villages is the number of villages (thôn, tổ dân phố): about one per 1,700 people, the
	// city's ~5,000 villages over its people, between 20 and 80.
	Villages int
}

// Plan returns the communes of a scale, in code order, with what each will hold.
func Plan(units *adminunit.Map, scale Scale) ([]CommunePlan, error) {
	ages, err := readAges()
	if err != nil {
		return nil, err
	}
	sizes, err := readHouseholdSizes()
	if err != nil {
		return nil, err
	}
	current := units.Units(adminunit.Era2025Jul, adminunit.LevelCommune)
	plans := make([]CommunePlan, len(current))
	index := map[string]int{}
	for i, u := range current {
		plans[i].Unit = u
		index[u.Code] = i
	}
	for _, old := range units.Units(adminunit.Era2025Jan, adminunit.LevelCommune) {
		if old.Population2019 <= 0 {
			continue
		}
		shares, err := units.Successors(adminunit.Era2025Jan, old.Code)
		if err != nil {
			return nil, fmt.Errorf("citygen: successors of %s: %w", old.Code, err)
		}
		a, ok := ages[old.ParentCode]
		if !ok {
			return nil, fmt.Errorf("citygen: no age pyramid for district %s", old.ParentCode)
		}
		hh, ok := sizes[old.Code]
		if !ok {
			return nil, fmt.Errorf("citygen: no household sizes for commune %s", old.Code)
		}
		for _, s := range shares {
			i, ok := index[s.Unit.Code]
			if !ok {
				return nil, fmt.Errorf("citygen: %s is not a current commune", s.Unit.Code)
			}
			w := float64(old.Population2019) * s.Weight
			p := &plans[i]
			p.Census += w
			for k := range a {
				p.Ages[k] += w * a[k]
			}
			for k := range hh {
				p.HouseholdSizes[k] += w * hh[k]
			}
		}
	}
	total := 0.0
	for _, p := range plans {
		total += p.Census
	}
	if total == 0 {
		return nil, fmt.Errorf("citygen: no census population carried to the current communes")
	}
	for i := range plans {
		p := &plans[i]
		if p.Census == 0 {
			return nil, fmt.Errorf("citygen: commune %s %s has no census population", p.Unit.Code, p.Unit.Name)
		}
		normalise(p.Ages[:])
		normalise(p.HouseholdSizes[:])
		p.People = int(math.Round(p.Census * CityPopulation / total))
		p.Villages = min(80, max(20, int(math.Round(float64(p.People)/1700))))
	}
	sort.Slice(plans, func(i, j int) bool { return plans[i].Unit.Code < plans[j].Unit.Code })
	switch scale {
	case ScaleCity:
		return plans, nil
	case ScaleCommune, ScaleDistrict:
		// The commune closest to 30,000 people; the district scale adds the communes that follow
		// it in code order (neighbours in the old districts) until 300,000.
		best := 0
		for i, p := range plans {
			if abs(p.People-communePopulation) < abs(plans[best].People-communePopulation) {
				best = i
			}
		}
		if scale == ScaleCommune {
			return plans[best : best+1], nil
		}
		var out []CommunePlan
		sum := 0
		for k := 0; k < len(plans) && sum < districtPopulation; k++ {
			p := plans[(best+k)%len(plans)]
			out = append(out, p)
			sum += p.People
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Unit.Code < out[j].Unit.Code })
		return out, nil
	}
	return nil, fmt.Errorf("citygen: unknown scale %q: use city, district or commune", scale)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func normalise(v []float64) {
	s := 0.0
	for _, x := range v {
		s += x
	}
	if s == 0 {
		return
	}
	for i := range v {
		v[i] /= s
	}
}

// readAges returns each district's shares of the 18 age groups.
func readAges() (map[string][AgeGroups]float64, error) {
	rows, err := readCSV(ageCSV, "hanoi_population_age_2019.csv")
	if err != nil {
		return nil, err
	}
	out := map[string][AgeGroups]float64{}
	for _, r := range rows[1:] {
		if len(r) != 3+AgeGroups {
			return nil, fmt.Errorf("citygen: hanoi_population_age_2019.csv: %d columns in the row of %s", len(r), r[0])
		}
		var a [AgeGroups]float64
		for k := range a {
			n, err := strconv.Atoi(r[3+k])
			if err != nil {
				return nil, fmt.Errorf("citygen: hanoi_population_age_2019.csv, district %s: %w", r[0], err)
			}
			a[k] = float64(n)
		}
		normalise(a[:])
		out[r[0]] = a
	}
	return out, nil
}

// readHouseholdSizes returns each census commune's shares of households by size (hh_1 … hh_7_plus).
func readHouseholdSizes() (map[string][7]float64, error) {
	rows, err := readCSV(communesCSV, "hanoi_population_communes_2019.csv")
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	out := map[string][7]float64{}
	names := []string{"hh_1", "hh_2", "hh_3", "hh_4", "hh_5", "hh_6", "hh_7_plus"}
	for _, r := range rows[1:] {
		var s [7]float64
		for k, name := range names {
			i, ok := col[name]
			if !ok {
				return nil, fmt.Errorf("citygen: hanoi_population_communes_2019.csv has no column %s", name)
			}
			n, err := strconv.Atoi(r[i])
			if err != nil {
				return nil, fmt.Errorf("citygen: hanoi_population_communes_2019.csv, commune %s: %w", r[col["commune_code"]], err)
			}
			s[k] = float64(n)
		}
		normalise(s[:])
		out[r[col["commune_code"]]] = s
	}
	return out, nil
}

func readCSV(data []byte, name string) ([][]string, error) {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("citygen: %s: %w", name, err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("citygen: %s is empty", name)
	}
	return rows, nil
}
