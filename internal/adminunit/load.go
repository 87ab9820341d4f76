package adminunit

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// hanoiData holds the CSV files described in data/README.md.
//
//go:embed data/hanoi/*.csv
var hanoiData embed.FS

// The embedded files, relative to data/hanoi.
const (
	fileUnits2020    = "hanoi_units_2024.csv"
	fileUnits2025Jan = "hanoi_units_2025_01.csv"
	fileUnits2025Jul = "hanoi_units_2025.csv"
	fileMapping      = "hanoi_units_2025_mapping.csv"
	filePopCommunes  = "hanoi_population_communes_2019.csv"
	filePopDistricts = "hanoi_population.csv"
)

// The city itself. Its name is in none of the files, which give only its code.
const (
	provinceCode      = "01"
	provinceName      = "Thành phố Hà Nội"
	provinceShortName = "Hà Nội"
	provinceType      = "Thành phố"
)

// Unit types allowed at each level.
var (
	districtTypes       = []string{"Quận", "Huyện", "Thị xã"}
	communeTypesOld     = []string{"Phường", "Xã", "Thị trấn"}
	communeTypesCurrent = []string{"Phường", "Xã"} // Res. 1656: thị trấn were abolished with the districts
)

// LoadHanoi parses and cross-checks the embedded data for Hà Nội and returns
// the map of its units. An error names the file and line at fault; with the
// data as shipped it does not fail.
func LoadHanoi() (*Map, error) {
	fsys, err := fs.Sub(hanoiData, "data/hanoi")
	if err != nil {
		return nil, fmt.Errorf("adminunit: %w", err)
	}
	return load(fsys)
}

// oldCommune is what hanoi_units_2024.csv says beyond the Unit itself.
type oldCommune struct {
	rec       record
	name2025a string
}

// load builds a Map from the files in fsys (named as in data/hanoi).
func load(fsys fs.FS) (*Map, error) {
	districtPop, err := readDistrictPopulation(fsys)
	if err != nil {
		return nil, err
	}
	communePop, err := readCommunePopulation(fsys, districtPop)
	if err != nil {
		return nil, err
	}

	m := &Map{
		eras:    make(map[Era]*eraUnits, 3),
		to2025a: make(map[string]Link),
		to2025:  make(map[string][]Link),
		preds:   make(map[string][]Share),
	}
	province := Unit{
		Era: Era2025Jul, Code: provinceCode, Level: LevelProvince,
		Name: provinceName, ShortName: provinceShortName, Type: provinceType,
		ProvinceCode: provinceCode,
	}
	for _, d := range districtPop {
		province.Population2019 += d.pop
	}
	m.province = province

	eu2020, old, err := readOldEra(fsys, fileUnits2020, Era2020, "", era2020End, districtPop, communePop)
	if err != nil {
		return nil, err
	}
	eu2025a, _, err := readOldEra(fsys, fileUnits2025Jan, Era2025Jan, era2025JanStart, era2025JanEnd, districtPop, communePop)
	if err != nil {
		return nil, err
	}
	m.eras[Era2020], m.eras[Era2025Jan] = eu2020, eu2025a
	if err := checkCensusCoverage(communePop, eu2020); err != nil {
		return nil, err
	}
	if err := m.link2020(old); err != nil {
		return nil, err
	}

	eu2025, counts, err := readCurrentEra(fsys)
	if err != nil {
		return nil, err
	}
	m.eras[Era2025Jul] = eu2025
	if err := m.readMapping(fsys, counts); err != nil {
		return nil, err
	}
	return m, nil
}

// districtPopulation is one row of hanoi_population.csv.
type districtPopulation struct {
	rec  record
	name string
	pop  int
}

// readDistrictPopulation reads the 2019 population of the 30 districts.
func readDistrictPopulation(fsys fs.FS) (map[string]districtPopulation, error) {
	rows, err := readTable(fsys, filePopDistricts, "district_code", "district_name", "population_2019")
	if err != nil {
		return nil, err
	}
	out := make(map[string]districtPopulation, len(rows))
	for _, r := range rows {
		code, err := r.code("district_code", 3)
		if err != nil {
			return nil, err
		}
		if _, dup := out[code]; dup {
			return nil, r.errorf("district %s listed twice", code)
		}
		pop, err := r.positiveInt("population_2019")
		if err != nil {
			return nil, err
		}
		out[code] = districtPopulation{rec: r, name: r.get("district_name"), pop: pop}
	}
	return out, nil
}

// censusCommune is one row of hanoi_population_communes_2019.csv.
type censusCommune struct {
	rec          record
	districtCode string
	in2024       bool
	pop          int
}

// readCommunePopulation reads the 2019 population of the 584 census-day
// communes and checks that they add up to their districts' totals.
func readCommunePopulation(fsys fs.FS, districts map[string]districtPopulation) (map[string]censusCommune, error) {
	rows, err := readTable(fsys, filePopCommunes, "district_code", "commune_code", "in_2024_list", "population_2019")
	if err != nil {
		return nil, err
	}
	out := make(map[string]censusCommune, len(rows))
	sums := make(map[string]int, len(districts))
	for _, r := range rows {
		dcode, err := r.code("district_code", 3)
		if err != nil {
			return nil, err
		}
		if _, ok := districts[dcode]; !ok {
			return nil, r.errorf("district %s is not in %s", dcode, filePopDistricts)
		}
		code, err := r.code("commune_code", 5)
		if err != nil {
			return nil, err
		}
		if _, dup := out[code]; dup {
			return nil, r.errorf("commune %s listed twice", code)
		}
		pop, err := r.positiveInt("population_2019")
		if err != nil {
			return nil, err
		}
		var in2024 bool
		switch v := r.get("in_2024_list"); v {
		case "yes":
			in2024 = true
		case "no":
		default:
			return nil, r.errorf("in_2024_list = %q, want yes or no", v)
		}
		out[code] = censusCommune{rec: r, districtCode: dcode, in2024: in2024, pop: pop}
		sums[dcode] += pop
	}
	for _, code := range slices.Sorted(maps.Keys(districts)) {
		if d := districts[code]; sums[code] != d.pop {
			return nil, d.rec.errorf("district %s population %d, but its communes in %s add up to %d",
				code, d.pop, filePopCommunes, sums[code])
		}
	}
	return out, nil
}

// readOldEra reads a list of districts and communes (2020 or 2025-01). For
// the 2020 file it also returns, per commune code, its row and the name it
// took on 2025-01-01.
func readOldEra(fsys fs.FS, file string, era Era, validFrom, validTo string,
	districtPop map[string]districtPopulation, communePop map[string]censusCommune,
) (*eraUnits, map[string]oldCommune, error) {
	cols := []string{"province_code", "district_code", "district_name", "district_name_short", "district_type",
		"commune_code", "commune_name", "commune_name_short", "commune_type"}
	withStatus := era == Era2020
	if withStatus {
		cols = append(cols, "status_2025_01", "name_2025_01")
	}
	rows, err := readTable(fsys, file, cols...)
	if err != nil {
		return nil, nil, err
	}
	eu := &eraUnits{byCode: make(map[string]Unit, len(rows)+30)}
	old := make(map[string]oldCommune)
	for _, r := range rows {
		if err := r.is("province_code", provinceCode); err != nil {
			return nil, nil, err
		}
		dcode, err := r.code("district_code", 3)
		if err != nil {
			return nil, nil, err
		}
		district, err := r.unit(era, dcode, LevelDistrict, "district_name", "district_name_short", "district_type", districtTypes)
		if err != nil {
			return nil, nil, err
		}
		district.ParentCode = provinceCode
		district.ValidFrom, district.ValidTo = validFrom, districtsEnd
		if prev, seen := eu.byCode[dcode]; !seen {
			dp, ok := districtPop[dcode]
			if !ok {
				return nil, nil, r.errorf("district %s is not in %s", dcode, filePopDistricts)
			}
			if dp.name != district.Name {
				return nil, nil, r.errorf("district %s is %q here but %q in %s", dcode, district.Name, dp.name, filePopDistricts)
			}
			district.Population2019 = dp.pop
			eu.byCode[dcode] = district
			eu.districts = append(eu.districts, district)
		} else if prev.Name != district.Name || prev.Type != district.Type {
			return nil, nil, r.errorf("district %s is %q here but %q on an earlier line", dcode, district.Name, prev.Name)
		}

		code, err := r.code("commune_code", 5)
		if err != nil {
			return nil, nil, err
		}
		if _, dup := eu.byCode[code]; dup {
			return nil, nil, r.errorf("commune %s listed twice", code)
		}
		u, err := r.unit(era, code, LevelCommune, "commune_name", "commune_name_short", "commune_type", communeTypesOld)
		if err != nil {
			return nil, nil, err
		}
		u.ParentCode = dcode
		u.ValidFrom, u.ValidTo = validFrom, validTo
		u.Population2019 = communePop[code].pop
		if withStatus {
			u.Status = r.get("status_2025_01")
			if !slices.Contains([]string{statusKept, statusKeptRenamed, statusAbolishedMerged}, u.Status) {
				return nil, nil, r.errorf("status_2025_01 = %q, want %s, %s or %s",
					u.Status, statusKept, statusKeptRenamed, statusAbolishedMerged)
			}
			old[code] = oldCommune{rec: r, name2025a: r.get("name_2025_01")}
		}
		eu.byCode[code] = u
		eu.communes = append(eu.communes, u)
	}
	for _, code := range slices.Sorted(maps.Keys(districtPop)) {
		if _, ok := eu.byCode[code]; !ok {
			return nil, nil, districtPop[code].rec.errorf("district %s has no commune in %s", code, file)
		}
	}
	return eu, old, nil
}

// checkCensusCoverage checks that the census-day communes still listed in
// 2024 are exactly the 2020 communes, in the same districts.
func checkCensusCoverage(census map[string]censusCommune, eu2020 *eraUnits) error {
	for _, code := range slices.Sorted(maps.Keys(census)) {
		c := census[code]
		u, ok := eu2020.byCode[code]
		switch {
		case c.in2024 && !ok:
			return c.rec.errorf("commune %s has in_2024_list=yes but is not in %s", code, fileUnits2020)
		case !c.in2024 && ok:
			return c.rec.errorf("commune %s has in_2024_list=no but is in %s", code, fileUnits2020)
		case ok && u.ParentCode != c.districtCode:
			return c.rec.errorf("commune %s is in district %s here but in %s in %s", code, c.districtCode, u.ParentCode, fileUnits2020)
		}
	}
	for _, u := range eu2020.communes {
		if _, ok := census[u.Code]; !ok {
			return fmt.Errorf("adminunit: %s: commune %s %s has no 2019 population in %s", fileUnits2020, u.Code, u.Name, filePopCommunes)
		}
	}
	return nil
}

// link2020 checks the status of each 2020 commune against the 2025-01 list
// and records the identity links of the kept ones.
func (m *Map) link2020(old map[string]oldCommune) error {
	eu2020, eu2025a := m.eras[Era2020], m.eras[Era2025Jan]
	for _, u := range eu2020.communes {
		o := old[u.Code]
		next, exists := eu2025a.byCode[u.Code]
		switch u.Status {
		case statusAbolishedMerged:
			if exists {
				return o.rec.errorf("commune %s is %s but still in %s as %s", u.Code, u.Status, fileUnits2025Jan, next.Name)
			}
			if o.name2025a != "" {
				return o.rec.errorf("commune %s is %s but has name_2025_01 %q", u.Code, u.Status, o.name2025a)
			}
			continue
		case statusKept:
			if o.name2025a != u.Name {
				return o.rec.errorf("commune %s is %s but name_2025_01 %q differs from %q", u.Code, u.Status, o.name2025a, u.Name)
			}
		case statusKeptRenamed:
			if o.name2025a == u.Name {
				return o.rec.errorf("commune %s is %s but name_2025_01 is unchanged", u.Code, u.Status)
			}
		}
		switch {
		case !exists:
			return o.rec.errorf("commune %s is %s but not in %s", u.Code, u.Status, fileUnits2025Jan)
		case next.Name != o.name2025a:
			return o.rec.errorf("commune %s: name_2025_01 %q, but %s names it %q", u.Code, o.name2025a, fileUnits2025Jan, next.Name)
		case next.ParentCode != u.ParentCode:
			return o.rec.errorf("commune %s moved from district %s to %s", u.Code, u.ParentCode, next.ParentCode)
		}
		l := Link{FromEra: Era2020, FromCode: u.Code, ToEra: Era2025Jan, ToCode: u.Code, Full: true, Weight: 1}
		m.to2025a[u.Code] = l
		m.links = append(m.links, l)
	}
	// Every 2025-01 commune continues a 2020 one: Res. 1286 created no new codes.
	for _, u := range eu2025a.communes {
		if _, ok := m.to2025a[u.Code]; !ok {
			return fmt.Errorf("adminunit: %s: commune %s %s continues no kept 2020 commune", fileUnits2025Jan, u.Code, u.Name)
		}
	}
	return nil
}

// predecessorCounts is what hanoi_units_2025.csv says about a current unit's
// predecessors, to be checked against the mapping.
type predecessorCounts struct {
	rec             record
	n, nFull        int
	formerDistricts []string
}

// readCurrentEra reads the 126 communes of 2025-07.
func readCurrentEra(fsys fs.FS) (*eraUnits, map[string]predecessorCounts, error) {
	rows, err := readTable(fsys, fileUnits2025Jul, "province_code", "commune_code", "commune_name",
		"commune_name_short", "commune_type", "n_predecessors", "n_predecessors_full", "former_districts")
	if err != nil {
		return nil, nil, err
	}
	eu := &eraUnits{byCode: make(map[string]Unit, len(rows))}
	counts := make(map[string]predecessorCounts, len(rows))
	for _, r := range rows {
		if err := r.is("province_code", provinceCode); err != nil {
			return nil, nil, err
		}
		code, err := r.code("commune_code", 5)
		if err != nil {
			return nil, nil, err
		}
		if _, dup := eu.byCode[code]; dup {
			return nil, nil, r.errorf("commune %s listed twice", code)
		}
		u, err := r.unit(Era2025Jul, code, LevelCommune, "commune_name", "commune_name_short", "commune_type", communeTypesCurrent)
		if err != nil {
			return nil, nil, err
		}
		u.ParentCode = provinceCode
		u.ValidFrom = era2025JulStart
		// Population2019 stays 0: the census unit with this code, if any, was
		// only a part of the new commune.
		n, err := r.positiveInt("n_predecessors")
		if err != nil {
			return nil, nil, err
		}
		nFull, err := strconv.Atoi(r.get("n_predecessors_full"))
		if err != nil || nFull < 0 || nFull > n {
			return nil, nil, r.errorf("n_predecessors_full = %q, want 0…%d", r.get("n_predecessors_full"), n)
		}
		fd := strings.Split(r.get("former_districts"), "; ")
		slices.Sort(fd)
		counts[code] = predecessorCounts{rec: r, n: n, nFull: nFull, formerDistricts: fd}
		eu.byCode[code] = u
		eu.communes = append(eu.communes, u)
	}
	return eu, counts, nil
}

// readMapping reads the 2025-01 → 2025-07 mapping, checks it against both
// lists, and records the links and the backward weights.
func (m *Map) readMapping(fsys fs.FS, counts map[string]predecessorCounts) error {
	rows, err := readTable(fsys, fileMapping, "old_district_code", "old_district_name", "old_commune_code",
		"old_commune_name", "old_commune_type", "new_commune_code", "new_commune_name", "new_commune_type",
		"merge_type", "n_successors")
	if err != nil {
		return err
	}
	eu2025a, eu2025 := m.eras[Era2025Jan], m.eras[Era2025Jul]
	type pair struct{ from, to string }
	seen := make(map[pair]bool, len(rows))
	nSucc := make(map[string]int)
	var order []string // current codes in order of first appearance
	byNew := make(map[string][]Link)
	for _, r := range rows {
		oldCode, err := r.code("old_commune_code", 5)
		if err != nil {
			return err
		}
		newCode, err := r.code("new_commune_code", 5)
		if err != nil {
			return err
		}
		o, ok := eu2025a.byCode[oldCode]
		if !ok || o.Level != LevelCommune {
			return r.errorf("old commune %s is not in %s", oldCode, fileUnits2025Jan)
		}
		district := eu2025a.byCode[o.ParentCode]
		if r.get("old_commune_name") != o.Name || r.get("old_commune_type") != o.Type ||
			r.get("old_district_code") != district.Code || r.get("old_district_name") != district.Name {
			return r.errorf("old commune %s is %q (%s) of district %s %q here but %q (%s) of %s %q in %s", oldCode,
				r.get("old_commune_name"), r.get("old_commune_type"), r.get("old_district_code"), r.get("old_district_name"),
				o.Name, o.Type, district.Code, district.Name, fileUnits2025Jan)
		}
		n, ok := eu2025.byCode[newCode]
		if !ok {
			return r.errorf("new commune %s is not in %s", newCode, fileUnits2025Jul)
		}
		if r.get("new_commune_name") != n.Name || r.get("new_commune_type") != n.Type {
			return r.errorf("new commune %s is %q (%s), not %q (%s) as in %s", newCode,
				r.get("new_commune_name"), r.get("new_commune_type"), n.Name, n.Type, fileUnits2025Jul)
		}
		p := pair{oldCode, newCode}
		if seen[p] {
			return r.errorf("pair %s → %s listed twice", oldCode, newCode)
		}
		seen[p] = true
		ns, err := r.positiveInt("n_successors")
		if err != nil {
			return err
		}
		var full bool
		switch mt := r.get("merge_type"); {
		case mt == "full" && ns == 1:
			full = true
		case mt == "partial" && ns > 1:
		default:
			return r.errorf("merge_type %q with n_successors %d, want full with 1 or partial with more", mt, ns)
		}
		if prev, ok := nSucc[oldCode]; ok && prev != ns {
			return r.errorf("old commune %s has n_successors %d here and %d on an earlier line", oldCode, ns, prev)
		}
		nSucc[oldCode] = ns
		l := Link{FromEra: Era2025Jan, FromCode: oldCode, ToEra: Era2025Jul, ToCode: newCode, Full: full, Weight: 1 / float64(ns)}
		m.links = append(m.links, l)
		m.to2025[oldCode] = append(m.to2025[oldCode], l)
		if _, ok := byNew[newCode]; !ok {
			order = append(order, newCode)
		}
		byNew[newCode] = append(byNew[newCode], l)
	}

	for _, u := range eu2025a.communes {
		if len(m.to2025[u.Code]) == 0 {
			return fmt.Errorf("adminunit: %s: old commune %s %s has no successor", fileMapping, u.Code, u.Name)
		}
		if got, want := len(m.to2025[u.Code]), nSucc[u.Code]; got != want {
			return fmt.Errorf("adminunit: %s: old commune %s %s has %d successors, but n_successors = %d",
				fileMapping, u.Code, u.Name, got, want)
		}
	}
	for _, u := range eu2025.communes {
		links := byNew[u.Code]
		c := counts[u.Code]
		nFull := 0
		var districts []string
		for _, l := range links {
			if l.Full {
				nFull++
			}
			d := eu2025a.byCode[eu2025a.byCode[l.FromCode].ParentCode].Name
			if !slices.Contains(districts, d) {
				districts = append(districts, d)
			}
		}
		slices.Sort(districts)
		switch {
		case len(links) == 0:
			return c.rec.errorf("new commune %s %s has no predecessor in %s", u.Code, u.Name, fileMapping)
		case len(links) != c.n || nFull != c.nFull:
			return c.rec.errorf("new commune %s says %d predecessors (%d full), %s gives %d (%d full)",
				u.Code, c.n, c.nFull, fileMapping, len(links), nFull)
		case !slices.Equal(districts, c.formerDistricts):
			return c.rec.errorf("new commune %s says former districts %q, %s gives %q",
				u.Code, strings.Join(c.formerDistricts, "; "), fileMapping, strings.Join(districts, "; "))
		}
	}

	for _, code := range order {
		links := byNew[code]
		fwd := make([]float64, len(links))
		pop := make([]int, len(links))
		for i, l := range links {
			fwd[i] = l.Weight
			pop[i] = eu2025a.byCode[l.FromCode].Population2019
		}
		shares := make([]Share, len(links))
		for i, w := range backwardWeights(fwd, pop) {
			shares[i] = Share{Unit: eu2025a.byCode[links[i].FromCode], Weight: w, Full: links[i].Full}
		}
		m.preds[code] = shares
	}
	return nil
}

// backwardWeights returns the backward weight of each predecessor of one new
// unit, given its forward weight into that unit and its 2019 population
// (0 = unknown), by the rule in the package comment: population × forward
// weight, normalised; forward weight alone, normalised, if any population is
// unknown. fwd must hold at least one positive weight.
func backwardWeights(fwd []float64, pop []int) []float64 {
	byPopulation := !slices.ContainsFunc(pop, func(p int) bool { return p <= 0 })
	w := make([]float64, len(fwd))
	var sum float64
	for i, f := range fwd {
		w[i] = f
		if byPopulation {
			w[i] = float64(pop[i]) * f
		}
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// record is one data row of a CSV file, with the file's column positions.
type record struct {
	file   string
	line   int
	fields []string
	cols   map[string]int
}

// readTable reads a CSV file with a header row that has at least columns.
func readTable(fsys fs.FS, file string, columns ...string) ([]record, error) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, fmt.Errorf("adminunit: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("adminunit: %s: header: %w", file, err)
	}
	cols := make(map[string]int, len(header))
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		if _, dup := cols[h]; dup {
			return nil, fmt.Errorf("adminunit: %s: column %q appears twice", file, h)
		}
		cols[h] = i
	}
	for _, c := range columns {
		if _, ok := cols[c]; !ok {
			return nil, fmt.Errorf("adminunit: %s: missing column %q", file, c)
		}
	}
	var rows []record
	for {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// csv.ParseError carries the line number.
			return nil, fmt.Errorf("adminunit: %s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, record{file: file, line: line, fields: fields, cols: cols})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("adminunit: %s: no rows", file)
	}
	return rows, nil
}

// get returns the value of column col, which readTable has checked exists.
func (r record) get(col string) string { return r.fields[r.cols[col]] }

// errorf returns an error that names the file and line of r.
func (r record) errorf(format string, args ...any) error {
	return fmt.Errorf("adminunit: %s line %d: %s", r.file, r.line, fmt.Sprintf(format, args...))
}

// is checks that column col holds want.
func (r record) is(col, want string) error {
	if got := r.get(col); got != want {
		return r.errorf("%s = %q, want %q", col, got, want)
	}
	return nil
}

// code returns column col, checked to be a code of digits digits.
func (r record) code(col string, digits int) (string, error) {
	v := r.get(col)
	if len(v) != digits || strings.Trim(v, "0123456789") != "" {
		return "", r.errorf("%s = %q, want a code of %d digits", col, v, digits)
	}
	return v, nil
}

// positiveInt returns column col as an integer > 0.
func (r record) positiveInt(col string) (int, error) {
	n, err := strconv.Atoi(r.get(col))
	if err != nil || n <= 0 {
		return 0, r.errorf("%s = %q, want a positive integer", col, r.get(col))
	}
	return n, nil
}

// unit builds a Unit from the name, short name and type columns, checking
// that the type is one of types and that the name is the type followed by
// the short name.
func (r record) unit(era Era, code string, level Level, nameCol, shortCol, typeCol string, types []string) (Unit, error) {
	u := Unit{
		Era: era, Code: code, Level: level,
		Name: r.get(nameCol), ShortName: r.get(shortCol), Type: r.get(typeCol),
		ProvinceCode: provinceCode,
	}
	if !slices.Contains(types, u.Type) {
		return Unit{}, r.errorf("%s = %q, want one of %v", typeCol, u.Type, types)
	}
	if u.ShortName == "" || u.Name != u.Type+" "+u.ShortName {
		return Unit{}, r.errorf("%s %q is not %s %q preceded by %s %q", nameCol, u.Name, shortCol, u.ShortName, typeCol, u.Type)
	}
	return u, nil
}
