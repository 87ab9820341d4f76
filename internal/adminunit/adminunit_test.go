package adminunit

import (
	"errors"
	"math"
	"testing"
	"time"
)

// loadHanoi loads the embedded data or stops the test.
func loadHanoi(t testing.TB) *Map {
	t.Helper()
	m, err := LoadHanoi()
	if err != nil {
		t.Fatalf("LoadHanoi: %v", err)
	}
	return m
}

// sumWeights adds up the weights of shares.
func sumWeights(shares []Share) float64 {
	var s float64
	for _, sh := range shares {
		s += sh.Weight
	}
	return s
}

const eps = 1e-9

func TestCounts(t *testing.T) {
	m := loadHanoi(t)
	tests := []struct {
		era    Era
		level  Level
		want   int
		byType map[string]int
	}{
		{Era2020, LevelProvince, 1, map[string]int{"Thành phố": 1}},
		{Era2020, LevelDistrict, 30, map[string]int{"Quận": 12, "Huyện": 17, "Thị xã": 1}},
		{Era2020, LevelCommune, 579, map[string]int{"Phường": 175, "Xã": 383, "Thị trấn": 21}},
		{Era2025Jan, LevelDistrict, 30, map[string]int{"Quận": 12, "Huyện": 17, "Thị xã": 1}},
		{Era2025Jan, LevelCommune, 526, map[string]int{"Phường": 160, "Xã": 345, "Thị trấn": 21}},
		{Era2025Jul, LevelProvince, 1, map[string]int{"Thành phố": 1}},
		{Era2025Jul, LevelDistrict, 0, map[string]int{}},
		{Era2025Jul, LevelCommune, 126, map[string]int{"Phường": 51, "Xã": 75}},
		{Era("1999"), LevelCommune, 0, map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(string(tt.era)+"/"+string(tt.level), func(t *testing.T) {
			units := m.Units(tt.era, tt.level)
			if len(units) != tt.want {
				t.Fatalf("got %d units, want %d", len(units), tt.want)
			}
			byType := map[string]int{}
			for _, u := range units {
				byType[u.Type]++
				if u.Era != tt.era || u.Level != tt.level {
					t.Errorf("%s: era %s level %s, want %s %s", u.Code, u.Era, u.Level, tt.era, tt.level)
				}
				if u.ProvinceCode != "01" {
					t.Errorf("%s: province code %q", u.Code, u.ProvinceCode)
				}
			}
			if len(byType) != len(tt.byType) {
				t.Errorf("types %v, want %v", byType, tt.byType)
			}
			for typ, n := range tt.byType {
				if byType[typ] != n {
					t.Errorf("%d of type %s, want %d", byType[typ], typ, n)
				}
			}
		})
	}
}

func TestStatusCounts(t *testing.T) {
	m := loadHanoi(t)
	got := map[string]int{}
	for _, u := range m.Units(Era2020, LevelCommune) {
		got[u.Status]++
	}
	want := map[string]int{statusKept: 493, statusKeptRenamed: 33, statusAbolishedMerged: 53}
	for s, n := range want {
		if got[s] != n {
			t.Errorf("%s: %d, want %d", s, got[s], n)
		}
	}
	for _, era := range []Era{Era2025Jan, Era2025Jul} {
		for _, u := range m.Units(era, LevelCommune) {
			if u.Status != "" {
				t.Errorf("%s %s: status %q, want none after 2020", era, u.Code, u.Status)
			}
		}
	}
}

func TestUnitsInFileOrderAndCopied(t *testing.T) {
	m := loadHanoi(t)
	tests := []struct {
		era         Era
		level       Level
		first, last string
	}{
		{Era2020, LevelDistrict, "001", "282"},
		{Era2020, LevelCommune, "00001", "10504"},
		{Era2025Jan, LevelDistrict, "001", "282"},
		{Era2025Jan, LevelCommune, "00001", "10504"},
		{Era2025Jul, LevelCommune, "00004", "10489"},
	}
	for _, tt := range tests {
		t.Run(string(tt.era)+"/"+string(tt.level), func(t *testing.T) {
			units := m.Units(tt.era, tt.level)
			if got := units[0].Code; got != tt.first {
				t.Errorf("first %s, want %s", got, tt.first)
			}
			if got := units[len(units)-1].Code; got != tt.last {
				t.Errorf("last %s, want %s", got, tt.last)
			}
			units[0].Name = "changed"
			if m.Units(tt.era, tt.level)[0].Name == "changed" {
				t.Error("Units returned the Map's own slice")
			}
		})
	}
}

func TestUnit(t *testing.T) {
	m := loadHanoi(t)
	tests := []struct {
		name string
		era  Era
		code string
		want Unit
	}{
		{"2020 commune", Era2020, "00001", Unit{
			Era: Era2020, Code: "00001", Level: LevelCommune,
			Name: "Phường Phúc Xá", ShortName: "Phúc Xá", Type: "Phường",
			ParentCode: "001", ProvinceCode: "01", ValidFrom: "", ValidTo: "2024-12-31",
			Status: "kept", Population2019: 21946,
		}},
		{"2020 renamed commune", Era2020, "00235", Unit{
			Era: Era2020, Code: "00235", Level: LevelCommune,
			Name: "Phường Ngã Tư Sở", ShortName: "Ngã Tư Sở", Type: "Phường",
			ParentCode: "006", ProvinceCode: "01", ValidTo: "2024-12-31",
			Status: "kept_renamed", Population2019: mustPop(t, "00235"),
		}},
		{"2020 district", Era2020, "001", Unit{
			Era: Era2020, Code: "001", Level: LevelDistrict,
			Name: "Quận Ba Đình", ShortName: "Ba Đình", Type: "Quận",
			ParentCode: "01", ProvinceCode: "01", ValidTo: "2025-06-30", Population2019: 221893,
		}},
		{"2025-01 commune", Era2025Jan, "00235", Unit{
			Era: Era2025Jan, Code: "00235", Level: LevelCommune,
			Name: "Phường Thịnh Quang", ShortName: "Thịnh Quang", Type: "Phường",
			ParentCode: "006", ProvinceCode: "01", ValidFrom: "2025-01-01", ValidTo: "2025-06-30",
			Population2019: mustPop(t, "00235"),
		}},
		{"2025-01 district", Era2025Jan, "250", Unit{
			Era: Era2025Jan, Code: "250", Level: LevelDistrict,
			Name: "Huyện Mê Linh", ShortName: "Mê Linh", Type: "Huyện",
			ParentCode: "01", ProvinceCode: "01", ValidFrom: "2025-01-01", ValidTo: "2025-06-30",
			Population2019: 240555,
		}},
		{"2025-07 commune", Era2025Jul, "00097", Unit{
			Era: Era2025Jul, Code: "00097", Level: LevelCommune,
			Name: "Phường Hồng Hà", ShortName: "Hồng Hà", Type: "Phường",
			ParentCode: "01", ProvinceCode: "01", ValidFrom: "2025-07-01",
		}},
		{"province in 2020", Era2020, "01", Unit{
			Era: Era2020, Code: "01", Level: LevelProvince,
			Name: "Thành phố Hà Nội", ShortName: "Hà Nội", Type: "Thành phố",
			ProvinceCode: "01", Population2019: 8053663,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.Unit(tt.era, tt.code)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// mustPop returns the 2019 census population of a commune code, read from the
// embedded file independently of Map.
func mustPop(t *testing.T, code string) int {
	t.Helper()
	rows, err := readTable(embeddedFS(t), filePopCommunes, "commune_code", "population_2019")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.get("commune_code") == code {
			n, err := r.positiveInt("population_2019")
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no population for %s", code)
	return 0
}

func TestUnknownUnit(t *testing.T) {
	m := loadHanoi(t)
	tests := []struct {
		name string
		call func() error
	}{
		{"Unit unknown code", func() error { _, err := m.Unit(Era2020, "99999"); return err }},
		{"Unit unknown era", func() error { _, err := m.Unit(Era("2030"), "00001"); return err }},
		{"Unit district in 2025-07", func() error { _, err := m.Unit(Era2025Jul, "001"); return err }},
		{"Current old code", func() error { _, err := m.Current("00001"); return err }},
		{"Current district", func() error { _, err := m.Current("001"); return err }},
		{"Successors unknown code", func() error { _, err := m.Successors(Era2025Jan, "99999"); return err }},
		{"Successors abolished code in 2025-01", func() error { _, err := m.Successors(Era2025Jan, "00010"); return err }},
		{"Predecessors old code", func() error { _, err := m.Predecessors("00001"); return err }},
		{"Predecessors empty", func() error { _, err := m.Predecessors(""); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, ErrUnknownUnit) {
				t.Errorf("err = %v, want ErrUnknownUnit", err)
			}
		})
	}
}

func TestCurrent(t *testing.T) {
	m := loadHanoi(t)
	tests := []struct{ code, name string }{
		{"00097", "Phường Hồng Hà"},
		{"00235", "Phường Đống Đa"},
		{"01", "Thành phố Hà Nội"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			u, err := m.Current(tt.code)
			if err != nil {
				t.Fatal(err)
			}
			if u.Name != tt.name || u.Era != Era2025Jul {
				t.Errorf("got %s (%s), want %s (2025-07)", u.Name, u.Era, tt.name)
			}
		})
	}
	if p := m.Province(); p.Code != "01" || p.Era != Era2025Jul || p.ParentCode != "" || p.ValidFrom != "" || p.ValidTo != "" {
		t.Errorf("Province() = %+v", p)
	}
}

func TestEraAt(t *testing.T) {
	m := loadHanoi(t)
	hanoi := time.FixedZone("ICT", 7*60*60)
	tests := []struct {
		day  time.Time
		want Era
	}{
		{time.Date(2019, 4, 1, 0, 0, 0, 0, hanoi), Era2020},
		{time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), Era2020},
		{time.Date(2024, 12, 31, 23, 59, 59, 0, hanoi), Era2020},
		{time.Date(2025, 1, 1, 0, 0, 0, 0, hanoi), Era2025Jan},
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Era2025Jan},
		{time.Date(2025, 6, 30, 23, 59, 59, 0, hanoi), Era2025Jan},
		{time.Date(2025, 7, 1, 0, 0, 0, 0, hanoi), Era2025Jul},
		{time.Date(2026, 3, 15, 12, 0, 0, 0, hanoi), Era2025Jul},
		// 2025-07-01 00:30 in Hà Nội is still 2025-06-30 in UTC: the date is read in day's own zone.
		{time.Date(2025, 7, 1, 0, 30, 0, 0, hanoi).UTC(), Era2025Jan},
	}
	for _, tt := range tests {
		t.Run(tt.day.Format(time.RFC3339), func(t *testing.T) {
			if got := m.EraAt(tt.day); got != tt.want {
				t.Errorf("EraAt = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestEveryOldUnitReachesCurrent(t *testing.T) {
	m := loadHanoi(t)
	for _, u := range m.Units(Era2025Jan, LevelCommune) {
		t.Run(u.Code, func(t *testing.T) {
			shares, err := m.Successors(Era2025Jan, u.Code)
			if err != nil {
				t.Fatal(err)
			}
			if len(shares) == 0 {
				t.Fatal("no successor")
			}
			if s := sumWeights(shares); math.Abs(s-1) > eps {
				t.Errorf("weights sum to %v", s)
			}
			for _, sh := range shares {
				if sh.Unit.Era != Era2025Jul || sh.Unit.Level != LevelCommune {
					t.Errorf("successor %s is %s %s", sh.Unit.Code, sh.Unit.Era, sh.Unit.Level)
				}
				if sh.Full != (len(shares) == 1) {
					t.Errorf("successor %s: Full %v with %d successors", sh.Unit.Code, sh.Full, len(shares))
				}
			}
		})
	}
}

func TestEveryKept2020UnitReachesCurrent(t *testing.T) {
	m := loadHanoi(t)
	for _, u := range m.Units(Era2020, LevelCommune) {
		t.Run(u.Code, func(t *testing.T) {
			shares, err := m.Successors(Era2020, u.Code)
			if u.Status == statusAbolishedMerged {
				if !errors.Is(err, ErrNoKnownSuccessor) {
					t.Errorf("err = %v, want ErrNoKnownSuccessor", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := sumWeights(shares); len(shares) == 0 || math.Abs(s-1) > eps {
				t.Errorf("%d successors, weights sum to %v", len(shares), s)
			}
		})
	}
}

func TestEveryCurrentUnitHasPredecessors(t *testing.T) {
	m := loadHanoi(t)
	for _, u := range m.Units(Era2025Jul, LevelCommune) {
		t.Run(u.Code, func(t *testing.T) {
			shares, err := m.Predecessors(u.Code)
			if err != nil {
				t.Fatal(err)
			}
			if len(shares) == 0 {
				t.Fatal("no predecessor")
			}
			if s := sumWeights(shares); math.Abs(s-1) > eps {
				t.Errorf("weights sum to %v", s)
			}
			for _, sh := range shares {
				if sh.Unit.Era != Era2025Jan || sh.Unit.Level != LevelCommune {
					t.Errorf("predecessor %s is %s %s", sh.Unit.Code, sh.Unit.Era, sh.Unit.Level)
				}
				if sh.Weight <= 0 {
					t.Errorf("predecessor %s: weight %v", sh.Unit.Code, sh.Weight)
				}
			}
		})
	}
}

// wantShare is an expected element of Successors or Predecessors.
type wantShare struct {
	code   string
	name   string
	weight float64
	full   bool
}

// checkShares compares shares with want, in order.
func checkShares(t *testing.T, got []Share, want []wantShare) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d shares %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Unit.Code != w.code || g.Unit.Name != w.name || math.Abs(g.Weight-w.weight) > eps || g.Full != w.full {
			t.Errorf("share %d = %s %s weight %v full %v, want %s %s weight %v full %v",
				i, g.Unit.Code, g.Unit.Name, g.Weight, g.Full, w.code, w.name, w.weight, w.full)
		}
	}
}

func TestSuccessors(t *testing.T) {
	m := loadHanoi(t)
	tests := []struct {
		name    string
		era     Era
		code    string
		want    []wantShare
		wantErr error
	}{
		{"full merge", Era2025Jan, "00001", []wantShare{{"00097", "Phường Hồng Hà", 1, true}}, nil},
		{"partial split in 2", Era2025Jan, "00097", []wantShare{
			{"00097", "Phường Hồng Hà", 0.5, false},
			{"00103", "Phường Tây Hồ", 0.5, false},
		}, nil},
		// Đại Mỗ (n_successors 5): its own code goes to Tây Mỗ, its name to 00637.
		{"partial split in 5", Era2025Jan, "00634", []wantShare{
			{"00622", "Phường Xuân Phương", 0.2, false},
			{"00634", "Phường Tây Mỗ", 0.2, false},
			{"00637", "Phường Đại Mỗ", 0.2, false},
			{"09556", "Phường Hà Đông", 0.2, false},
			{"09886", "Phường Dương Nội", 0.2, false},
		}, nil},
		{"2020 kept chains through 2025-01", Era2020, "00001", []wantShare{{"00097", "Phường Hồng Hà", 1, true}}, nil},
		// Ngã Tư Sở became Thịnh Quang on 2025-01-01, which went wholly into Đống Đa.
		{"2020 kept_renamed chains to today", Era2020, "00235", []wantShare{{"00235", "Phường Đống Đa", 1, true}}, nil},
		{"2020 kept_renamed split", Era2020, "00181", []wantShare{
			{"00190", "Phường Ô Chợ Dừa", 0.5, false},
			{"00226", "Phường Văn Miếu - Quốc Tử Giám", 0.5, false},
		}, nil},
		{"2020 abolished_merged", Era2020, "00010", nil, ErrNoKnownSuccessor},
		{"district 2020", Era2020, "001", nil, ErrNoKnownSuccessor},
		{"district 2025-01", Era2025Jan, "001", nil, ErrNoKnownSuccessor},
		{"current unit is its own successor", Era2025Jul, "00004", []wantShare{{"00004", "Phường Ba Đình", 1, true}}, nil},
		{"province", Era2020, "01", []wantShare{{"01", "Thành phố Hà Nội", 1, true}}, nil},
		{"unknown code", Era2020, "12345", nil, ErrUnknownUnit},
		{"2020 kept split in 2", Era2020, "09562", []wantShare{
			{"09562", "Phường Yên Nghĩa", 0.5, false},
			{"09886", "Phường Dương Nội", 0.5, false},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.Successors(tt.era, tt.code)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkShares(t, got, tt.want)
		})
	}
}

func TestPredecessors(t *testing.T) {
	m := loadHanoi(t)
	// Láng: Ngọc Khánh (partial, 1 of 3), Láng Thượng (full), Láng Hạ (partial, 1 of 3);
	// 2019 populations 20,363, 39,173 and 29,897.
	lang := []float64{20363.0 / 3, 39173, 29897.0 / 3}
	langSum := lang[0] + lang[1] + lang[2]
	// Yên Nghĩa: Yên Nghĩa (1 of 2, 30,824) and Đồng Mai (1 of 2, 16,367).
	yn := []float64{30824.0 / 2, 16367.0 / 2}
	ynSum := yn[0] + yn[1]
	tests := []struct {
		code string
		want []wantShare
	}{
		{"00199", []wantShare{
			{"00025", "Phường Ngọc Khánh", lang[0] / langSum, false},
			{"00187", "Phường Láng Thượng", lang[1] / langSum, true},
			{"00199", "Phường Láng Hạ", lang[2] / langSum, false},
		}},
		{"09562", []wantShare{
			{"09562", "Phường Yên Nghĩa", yn[0] / ynSum, false},
			{"10117", "Phường Đồng Mai", yn[1] / ynSum, false},
		}},
		{"01", []wantShare{{"01", "Thành phố Hà Nội", 1, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, err := m.Predecessors(tt.code)
			if err != nil {
				t.Fatal(err)
			}
			checkShares(t, got, tt.want)
		})
	}
	t.Run("copy", func(t *testing.T) {
		got, _ := m.Predecessors("00199")
		got[0].Weight = 99
		again, _ := m.Predecessors("00199")
		if again[0].Weight == 99 {
			t.Error("Predecessors returned the Map's own slice")
		}
	})
}

func TestBackwardWeights(t *testing.T) {
	tests := []struct {
		name string
		fwd  []float64
		pop  []int
		want []float64
	}{
		{"single full", []float64{1}, []int{100}, []float64{1}},
		{"by population", []float64{1, 1}, []int{300, 100}, []float64{0.75, 0.25}},
		{"population times forward weight", []float64{1, 0.5}, []int{100, 400}, []float64{1.0 / 3, 2.0 / 3}},
		{"one population unknown: equal-share basis", []float64{1, 0.5}, []int{100, 0}, []float64{2.0 / 3, 1.0 / 3}},
		{"all unknown", []float64{0.5, 0.5, 1.0 / 3}, []int{0, 0, 0}, []float64{0.375, 0.375, 0.25}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := backwardWeights(tt.fwd, tt.pop)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if math.Abs(got[i]-tt.want[i]) > eps {
					t.Errorf("got %v, want %v", got, tt.want)
					break
				}
			}
		})
	}
}

func TestLinks(t *testing.T) {
	m := loadHanoi(t)
	links := m.Links()
	type step struct{ from, to Era }
	count := map[step]int{}
	full := map[step]int{}
	fwd := map[step]map[string]float64{}
	for _, l := range links {
		s := step{l.FromEra, l.ToEra}
		count[s]++
		if l.Full {
			full[s]++
			if l.Weight != 1 {
				t.Errorf("full link %s→%s has weight %v", l.FromCode, l.ToCode, l.Weight)
			}
		}
		if fwd[s] == nil {
			fwd[s] = map[string]float64{}
		}
		fwd[s][l.FromCode] += l.Weight
		if _, err := m.Unit(l.FromEra, l.FromCode); err != nil {
			t.Errorf("link from unknown unit: %v", err)
		}
		if _, err := m.Unit(l.ToEra, l.ToCode); err != nil {
			t.Errorf("link to unknown unit: %v", err)
		}
	}
	tests := []struct {
		s           step
		count, full int
		fromUnits   int
	}{
		{step{Era2020, Era2025Jan}, 526, 526, 526},
		{step{Era2025Jan, Era2025Jul}, 796, 326, 526},
	}
	for _, tt := range tests {
		t.Run(string(tt.s.from)+"→"+string(tt.s.to), func(t *testing.T) {
			if count[tt.s] != tt.count || full[tt.s] != tt.full {
				t.Errorf("%d links (%d full), want %d (%d full)", count[tt.s], full[tt.s], tt.count, tt.full)
			}
			if len(fwd[tt.s]) != tt.fromUnits {
				t.Errorf("links from %d units, want %d", len(fwd[tt.s]), tt.fromUnits)
			}
			for code, w := range fwd[tt.s] {
				if math.Abs(w-1) > eps {
					t.Errorf("forward weights of %s sum to %v", code, w)
				}
			}
		})
	}
	if len(links) != 526+796 {
		t.Errorf("%d links, want %d", len(links), 526+796)
	}
	links[0].ToCode = "changed"
	if m.Links()[0].ToCode == "changed" {
		t.Error("Links returned the Map's own slice")
	}
}

// TestPopulationCarriedForward checks that spreading the 2019 population of
// the 2025-01 communes over current ones with forward weights keeps the
// city's total (the 53 communes abolished on 2025-01-01 are missing from it).
func TestPopulationCarriedForward(t *testing.T) {
	m := loadHanoi(t)
	var before, after float64
	for _, u := range m.Units(Era2025Jan, LevelCommune) {
		before += float64(u.Population2019)
		shares, err := m.Successors(Era2025Jan, u.Code)
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range shares {
			after += float64(u.Population2019) * sh.Weight
		}
	}
	if math.Abs(before-after) > 1e-6 {
		t.Errorf("carried %v, had %v", after, before)
	}
	if total := float64(m.Province().Population2019); before >= total {
		t.Errorf("2025-01 communes hold %v of %v people: the abolished communes should be missing", before, total)
	}
}

func BenchmarkLoadHanoi(b *testing.B) {
	for b.Loop() {
		if _, err := LoadHanoi(); err != nil {
			b.Fatal(err)
		}
	}
}
