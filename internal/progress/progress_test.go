package progress_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/evaluation"
	"hoctap/internal/measure"
	"hoctap/internal/people"
	"hoctap/internal/progress"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

// world is a small city with known answers: in Phường Ba Đình (00004), village A has four
// adults and a child, village B two adults; two adults of A hold Công dân học tập for 2025,
// one of them with digital skills and proficient. The old communes Vĩnh Phúc (00006, wholly
// into Ngọc Hà 00008) and Cống Vị (00007, split between Ngọc Hà and Giảng Võ 00025) reported
// their 2024 figures before the system.
type world struct {
	svc  *progress.Service
	ctx  context.Context
	a, b village.Village
}

func newWorld(t *testing.T) *world {
	t.Helper()
	clk := clock.NewFixed(time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC))
	db := testdb.Open(t, clk)
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	if err := db.SyncAdminUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	w := &world{svc: &progress.Service{DB: db, Units: units}, ctx: ctx}
	w.a = village.Village{ProvinceCode: "01", CommuneCode: "00004", Name: "Tổ dân phố A", Kind: village.KindToDanPho}
	w.b = village.Village{ProvinceCode: "01", CommuneCode: "00004", Name: "Tổ dân phố B", Kind: village.KindToDanPho}
	err = db.Write(ctx, func(tx *store.Tx) error {
		for _, v := range []*village.Village{&w.a, &w.b} {
			if err := tx.CreateVillage(ctx, v); err != nil {
				return err
			}
		}
		person := func(v village.Village, born int) (int64, error) {
			c := people.Citizen{ProvinceCode: "01", CommuneCode: "00004", VillageID: v.ID, FullName: "Nguyễn Văn Thử", BirthYear: born,
				Gender: people.GenderMale, TargetGroup: people.GroupResident}
			return c.ID, tx.CreateCitizen(ctx, &c)
		}
		var inA []int64
		for _, born := range []int{1980, 1981, 1990, 2007, 2015} { // 2007 turns 18 in 2025: an adult that year
			id, err := person(w.a, born)
			if err != nil {
				return err
			}
			inA = append(inA, id)
		}
		for _, born := range []int{1970, 1975} {
			if _, err := person(w.b, born); err != nil {
				return err
			}
		}
		set := store.CriteriaSet{Title: "learning_citizen", Version: "t", Name: "t", Body: []byte("{}")}
		if err := tx.CreateCriteriaSet(ctx, &set); err != nil {
			return err
		}
		cy := store.Cycle{Title: "learning_citizen", Year: 2025, CriteriaSetID: set.ID}
		if err := tx.CreateCycle(ctx, &cy); err != nil {
			return err
		}
		for i, id := range inA[:3] {
			a := store.Assessment{ProvinceCode: "01", CommuneCode: "00004", CycleID: cy.ID, SubjectKind: "citizen", SubjectID: id, CitizenID: id,
				SubjectName: "t", VillageID: w.a.ID, TargetGroup: "resident"}
			if err := tx.CreateAssessment(ctx, &a); err != nil {
				return err
			}
			if i == 2 {
				continue // still pledged
			}
			before := a
			a.State, a.ValidUntil = evaluation.StateRecognised, 2025
			a.DigitalSkills, a.DigitalProficient = i == 0, i == 0
			if err := tx.SaveAssessment(ctx, before, a, evaluation.StepDecide, ""); err != nil {
				return err
			}
		}
		var figs []store.PastFigure
		for code, v := range map[string][2]int64{"00006": {1000, 500}, "00007": {1000, 200}} {
			figs = append(figs, store.PastFigure{Year: 2024, Era: "2020", UnitCode: code, Kind: measure.Adults, Value: v[0]},
				store.PastFigure{Year: 2024, Era: "2020", UnitCode: code, Kind: measure.AdultsRecognised, Value: v[1]})
		}
		return tx.SavePastFigures(ctx, figs, "test")
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, func(tx *store.Tx) error {
		return tx.SetCountSettings(ctx, store.CountSettings{AdultAge: 18, FirstYear: 2024})
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

func row(t *testing.T, d *progress.Dashboard, code string) progress.Row {
	t.Helper()
	for _, r := range d.Rows {
		if r.Measure.Code == code {
			return r
		}
	}
	t.Fatalf("no measure %s on the %s dashboard", code, d.Level)
	return progress.Row{}
}

func near(v *float64, want float64) bool { return v != nil && math.Abs(*v-want) < 1e-9 }

func show(v *float64) string {
	if v == nil {
		return "no data"
	}
	return fmt.Sprintf("%.4f", *v)
}

func TestValuesOnASmallCityHaveKnownAnswers(t *testing.T) {
	w := newWorld(t)
	commune, err := w.svc.Build(w.ctx, nil, progress.Request{Level: progress.LevelCommune, Commune: "00004", Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]float64{"cdht_adults": 100 * 2.0 / 6, "digital": 50, "proficient": 100} {
		if r := row(t, commune, code); !near(r.Value, want) {
			t.Errorf("commune %s = %s, want %.4f", code, show(r.Value), want)
		}
	}
	if r := row(t, commune, "clans"); r.Value != nil {
		t.Errorf("clans with no clan = %s, want no data (not 0%%)", show(r.Value))
	}
	adults := row(t, commune, "cdht_adults")
	if adults.Num != 2 || adults.Den != 6 {
		t.Errorf("adults %v/%v, want 2/6 (the one born in 2007 is 18 at the end of 2025, the child is not)", adults.Num, adults.Den)
	}
	if len(commune.Units) != 2 || commune.Units[0].Name != "Tổ dân phố A" || !near(commune.Units[0].Values["cdht_adults"], 50) ||
		!near(commune.Units[1].Values["cdht_adults"], 0) {
		t.Errorf("village ranking %+v, want A 50%% then B 0%%", commune.Units)
	}
	if len(commune.Behind) != 1 || commune.Behind[0].Name != "Tổ dân phố B" {
		t.Errorf("furthest behind %+v, want B alone (A is above the 40%% target)", commune.Behind)
	}
	var kh290 []progress.TargetView
	for _, tv := range adults.Targets {
		if tv.Plan == "KH290" {
			kh290 = append(kh290, tv)
		}
	}
	if len(kh290) != 2 || kh290[0].Year != 2025 || kh290[0].Value != 40 || kh290[1].Year != 2030 || kh290[1].Value != 60 ||
		!near(kh290[0].Gap, 40-100*2.0/6) {
		t.Errorf("KH 290 targets of adults %+v", kh290)
	}
	if len(commune.Pipeline) != 1 || commune.Pipeline[0].States[evaluation.StateRecognised] != 2 || commune.Pipeline[0].States[evaluation.StatePledged] != 1 {
		t.Errorf("pipeline %+v, want 2 recognised and 1 pledged", commune.Pipeline)
	}
	vil, err := w.svc.Build(w.ctx, nil, progress.Request{Level: progress.LevelVillage, Commune: "00004", Village: w.b.ID, Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	if r := row(t, vil, "cdht_adults"); !near(r.Value, 0) || r.Den != 2 {
		t.Errorf("village B adults %s of %v, want 0%% of 2", show(r.Value), r.Den)
	}
	for _, r := range vil.Rows {
		if r.Measure.Code == "cdht_staff" || r.Measure.Code == "clans" {
			t.Errorf("a village dashboard shows %s, which no village counts", r.Measure.Code)
		}
	}
}

// TestAcrossTheReform checks the figures of 2024, reported by the old communes: the city's
// dashboard ranks the old districts, and a new commune's trend reaches back through the
// old→new links with their weights.
func TestAcrossTheReform(t *testing.T) {
	w := newWorld(t)
	city, err := w.svc.Build(w.ctx, nil, progress.Request{Level: progress.LevelCity, Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	if city.Source != progress.SourceReported || city.UnitKind != "district" || city.Era != adminunit.Era2020 {
		t.Fatalf("2024 city dashboard: source %s, units %s, era %s; want the old districts' reports", city.Source, city.UnitKind, city.Era)
	}
	if r := row(t, city, "cdht_adults"); !near(r.Value, 35) {
		t.Errorf("city 2024 = %s, want (500+200)/(1000+1000) = 35%%", show(r.Value))
	}
	if len(city.Units) != 30 || city.Units[0].Name != "Quận Ba Đình" || !near(city.Units[0].Values["cdht_adults"], 35) {
		t.Errorf("districts: %d, first %+v; want Ba Đình 35%% first of 30", len(city.Units), city.Units[0])
	}
	// Ngọc Hà took all of Vĩnh Phúc and half of Cống Vị: (500 + 200/2) / (1000 + 1000/2) = 40%.
	// Giảng Võ took the other half of Cống Vị: 100/500 = 20%.
	for code, want := range map[string]float64{"00008": 40, "00025": 20} {
		d, err := w.svc.Build(w.ctx, nil, progress.Request{Level: progress.LevelCommune, Commune: code, Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		r := row(t, d, "cdht_adults")
		var got *float64
		for _, p := range r.Trend {
			if p.Year == 2024 {
				got = p.Value
			}
		}
		if !near(got, want) {
			t.Errorf("commune %s in 2024 = %s, want %.0f%%", code, show(got), want)
		}
		if r.Value != nil {
			t.Errorf("commune %s in 2025 = %s: it has no figures that year", code, show(r.Value))
		}
	}
	now, err := w.svc.Build(w.ctx, nil, progress.Request{Level: progress.LevelCity, Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	if now.UnitKind != "commune" || len(now.Units) != 126 || now.OnSystem != 1 {
		t.Errorf("2025 city: %s × %d, %d on the system; want 126 communes, 1 on the system", now.UnitKind, len(now.Units), now.OnSystem)
	}
}

func TestAccessToDashboards(t *testing.T) {
	w := newWorld(t)
	officer := &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleCommuneOfficer, ProvinceCode: "01", CommuneCode: "00004"}}}
	if _, err := w.svc.Build(w.ctx, officer, progress.Request{Level: progress.LevelCommune, Commune: "00004", Year: 2025}); err != nil {
		t.Errorf("own commune: %v", err)
	}
	for _, r := range []progress.Request{{Level: progress.LevelCity}, {Level: progress.LevelCommune, Commune: "00008"}} {
		if _, err := w.svc.Build(w.ctx, officer, r); err == nil {
			t.Errorf("a commune officer sees %+v", r)
		}
	}
	collector := &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleCollector, ProvinceCode: "01", CommuneCode: "00004", VillageID: w.a.ID}}}
	if _, err := w.svc.Build(w.ctx, collector, progress.Request{Level: progress.LevelVillage, Commune: "00004", Village: w.a.ID, Year: 2025}); err != nil {
		t.Errorf("collector's own village: %v", err)
	}
	if _, err := w.svc.Build(w.ctx, collector, progress.Request{Level: progress.LevelVillage, Commune: "00004", Village: w.b.ID}); err == nil {
		t.Error("a collector sees another village")
	}
}

// TestDashboardsAreKeptUntilAWrite checks that a dashboard is built once and built again as
// soon as this process commits a write.
func TestDashboardsAreKeptUntilAWrite(t *testing.T) {
	w := newWorld(t)
	req := progress.Request{Level: progress.LevelCommune, Commune: "00004", Year: 2025}
	// The first build of a year writes the year's counts: the one after it is kept.
	if _, err := w.svc.BuildKept(w.ctx, nil, req); err != nil {
		t.Fatal(err)
	}
	first, err := w.svc.BuildKept(w.ctx, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := w.svc.BuildKept(w.ctx, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Error("the second build was built again, with nothing written in between")
	}
	if got := row(t, first, "cdht_adults").Den; got != 6 {
		t.Fatalf("adults %v, want 6", got)
	}
	err = w.svc.DB.Write(w.ctx, func(tx *store.Tx) error {
		c := people.Citizen{ProvinceCode: "01", CommuneCode: "00004", VillageID: w.b.ID, FullName: "Trần Thị Mới", BirthYear: 1960,
			Gender: people.GenderFemale, TargetGroup: people.GroupResident}
		return tx.CreateCitizen(w.ctx, &c)
	})
	if err != nil {
		t.Fatal(err)
	}
	after, err := w.svc.BuildKept(w.ctx, nil, req)
	if err != nil {
		t.Fatal(err)
	}
	if got := row(t, after, "cdht_adults").Den; got != 7 {
		t.Errorf("after a new adult the kept dashboard counts %v adults, want 7", got)
	}
	// A kept dashboard is still refused to whoever may not see it.
	neighbour := &auth.Principal{Grants: []auth.Grant{{Role: auth.RoleCommuneOfficer, ProvinceCode: "01", CommuneCode: "00008"}}}
	if _, err := w.svc.BuildKept(w.ctx, neighbour, req); err == nil {
		t.Error("the officer of another commune was given the kept dashboard of Ba Đình")
	}
}
