package app

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/measure"
	"hoctap/internal/store"
)

// loadDemoProgress gives the demo what the dashboards need beyond the titles already decided:
// the association's branches with their officials, most of them trained on the criteria over
// the years; the figures the old districts' communes reported for the years before the
// system (plausible, drawn from their 2019 population, marked as illustrative); and the
// counts of every year from the first kept one, so the first dashboard opens at once.
func loadDemoProgress(ctx context.Context, db *store.DB, units *adminunit.Map, seed uint64, communes []string, out io.Writer) error {
	start := time.Now()
	ctx = audit.WithActor(ctx, audit.Actor{Name: "demo"})
	rng := rand.New(rand.NewPCG(seed, seed^0x9a0))
	today := db.Now()
	first := today.Year() - 3
	registered := db.WithClock(clock.NewFixed(time.Date(first, 1, 2, 2, 0, 0, 0, time.UTC)))
	officials, trained := 0, 0
	err := registered.Write(ctx, func(tx *store.Tx) error {
		for _, code := range communes {
			villages, err := tx.ListVillages(ctx, store.VillageFilter{Scope: auth.Scope{Communes: []string{code}}, CommuneCode: code})
			if err != nil {
				return err
			}
			for i, v := range villages {
				if code == communes[0] && i == 0 {
					continue // the collector's village has no branch yet: an officer can walk through founding one
				}
				b := store.Branch{ProvinceCode: v.ProvinceCode, CommuneCode: v.CommuneCode, Name: "Chi hội Khuyến học " + v.Name, VillageID: v.ID}
				if err := tx.CreateBranch(ctx, &b); err != nil {
					return err
				}
				people, _, err := db.SearchCitizens(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, VillageID: v.ID, MinAge: 35, AgeOnYear: first, Limit: 3})
				if err != nil {
					return err
				}
				for i, p := range people {
					m := store.BranchMember{CitizenID: p.ID, IsOfficial: true, Position: []string{"Chi hội trưởng", "Chi hội phó", "Ủy viên"}[i%3]}
					if err := tx.AddBranchMember(ctx, b, &m); err != nil {
						return err
					}
					officials++
					if rng.IntN(4) == 0 {
						continue // not trained yet: on the list the commune is asked for
					}
					day := time.Date(first+rng.IntN(today.Year()-first+1), time.Month(3+rng.IntN(6)), 1+rng.IntN(28), 0, 0, 0, 0, clock.Vietnam)
					if day.After(today) {
						day = today
					}
					t := store.Training{CitizenID: p.ID, TrainedOn: day.Format("2006-01-02"), Course: "Tập huấn Bộ tiêu chí Công dân học tập (QĐ 324/QĐ-KHVN)", Trainer: "Hội Khuyến học Thành phố"}
					if err := tx.RecordTraining(ctx, b, &t); err != nil {
						return err
					}
					trained++
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo: officials: %w", err)
	}
	figs := demoPastFigures(units, rng, first, reformYearOfFigures)
	if err := db.Write(ctx, func(tx *store.Tx) error {
		return tx.SavePastFigures(ctx, figs, "Báo cáo năm của các xã, phường, thị trấn (số liệu minh họa của bản trình diễn)")
	}); err != nil {
		return fmt.Errorf("demo: past figures: %w", err)
	}
	for y := first; y <= today.Year(); y++ {
		if err := db.EnsureCountYear(ctx, y); err != nil {
			return err
		}
	}
	if out != nil {
		fmt.Fprintf(out, "demo: %d association officials (%d trained), %d reported figures of the old units, counts of %d–%d in %s\n",
			officials, trained, len(figs), first, today.Year(), time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// reformYearOfFigures is the first year whose figures belong to today's communes.
const reformYearOfFigures = 2025

// demoPastFigures draws, for every commune of the 2020 arrangement and every year from first
// to the one before the reform, the counts it would have reported: adults from its 2019
// population, shares that grow a few points a year and differ from commune to commune.
func demoPastFigures(units *adminunit.Map, rng *rand.Rand, first, until int) []store.PastFigure {
	var out []store.PastFigure
	part := func(n int64, share float64) int64 { return int64(float64(n) * min(1, max(0, share))) }
	for _, c := range units.Units(adminunit.Era2020, adminunit.LevelCommune) {
		pop := c.Population2019
		if pop == 0 {
			continue
		}
		base := 0.12 + 0.2*rng.Float64() // this commune's starting share
		for y := first; y < until; y++ {
			grow := base + 0.06*float64(y-first) + 0.03*rng.Float64()
			adults := int64(float64(pop) * 0.71)
			rec := part(adults, grow)
			digital := part(rec, 0.5+0.25*rng.Float64())
			households := int64(float64(pop) / 3.6)
			villages := int64(4 + pop/2500)
			staff := int64(40 + pop/120)
			officials := int64(6 + rng.IntN(10))
			add := func(k measure.Count, v int64) {
				out = append(out, store.PastFigure{Year: y, Era: string(adminunit.Era2020), UnitCode: c.Code, Kind: k, Value: v})
			}
			add(measure.Adults, adults)
			add(measure.AdultsRecognised, rec)
			add(measure.Recognised, rec)
			add(measure.RecognisedDigital, digital)
			add(measure.RecognisedProficient, part(digital, 0.4+0.25*rng.Float64()))
			add(measure.Households, households)
			add(measure.HouseholdsRecognised, part(households, grow+0.3))
			add(measure.Villages, villages)
			add(measure.VillagesRecognised, part(villages, grow+0.25))
			add(measure.Staff, staff)
			add(measure.StaffRecognised, part(staff, grow+0.2))
			add(measure.Officials, officials)
			add(measure.OfficialsTrained, part(officials, 0.5+0.1*float64(y-first)+0.3*rng.Float64()))
		}
	}
	return out
}
