package citygen_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"hash"
	"math"
	"testing"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/citygen"
	"hoctap/internal/clock"
	"hoctap/internal/evaluation"
	"hoctap/internal/people"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
)

// today is the tests' clock: late in the year, so the current cycle is well under way.
var today = time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)

func open(t testing.TB) (*store.DB, *adminunit.Map) {
	t.Helper()
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	db := testdb.Open(t, clock.NewFixed(today))
	if err := db.SyncAdminUnits(context.Background(), units); err != nil {
		t.Fatal(err)
	}
	return db, units
}

// digest hashes the people of the communes and every assessment of the title's cycles.
func digest(t *testing.T, db *store.DB, communes []string) string {
	t.Helper()
	ctx := context.Background()
	h := sha256.New()
	for _, code := range communes {
		err := db.EachCitizen(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, CommuneCode: code}, func(c people.Citizen) error {
			fmt.Fprintf(h, "%d|%s|%s|%s|%s|%d|%d|%s|%s|%d\n", c.ID, c.NationalID, c.FullName, c.BirthDate, c.Gender, c.HouseholdID, c.VillageID,
				c.Relation, c.TargetGroup, c.WorkUnitID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		eachAssessment(t, db, code, func(a store.Assessment) { hashAssessment(h, a) })
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func hashAssessment(h hash.Hash, a store.Assessment) {
	fmt.Fprintf(h, "%d|%d|%s|%d|%s|%s|%v|%d|%v|%v|%d\n", a.ID, a.CycleID, a.SubjectKind, a.SubjectID, a.TargetGroup, a.State, a.SelfScores,
		a.Total, a.Passed, a.DigitalSkills, a.ValidUntil)
}

// eachAssessment calls fn for every assessment of the commune, in every cycle of every title.
func eachAssessment(t *testing.T, db *store.DB, commune string, fn func(store.Assessment)) {
	t.Helper()
	ctx := context.Background()
	for _, title := range []string{"learning_citizen", "learning_family", "learning_clan", "learning_community", "learning_unit"} {
		cycles, err := db.Cycles(ctx, title)
		if err != nil {
			t.Fatal(err)
		}
		for _, cy := range cycles {
			as, _, err := db.Assessments(ctx, store.AssessmentQuery{CycleID: cy.ID, Scope: auth.Scope{All: true}, CommuneCode: commune})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				fn(a)
			}
		}
	}
}

// TestDeterministic generates a tiny city twice with one seed and once with another.
func TestDeterministic(t *testing.T) {
	ctx := context.Background()
	run := func(seed uint64) string {
		db, units := open(t)
		res, err := citygen.Generate(ctx, db, units, citygen.Options{Scale: citygen.ScaleDistrict, Seed: seed, MaxPeople: 300})
		if err != nil {
			t.Fatal(err)
		}
		if res.Communes < 2 || res.People != 300*res.Communes {
			t.Fatalf("generated %d people in %d communes, want 300 in each of several", res.People, res.Communes)
		}
		plans, err := citygen.Plan(units, citygen.ScaleDistrict)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, p := range plans {
			codes = append(codes, p.Unit.Code)
		}
		return digest(t, db, codes)
	}
	a, b, c := run(7), run(7), run(8)
	if a != b {
		t.Errorf("the same seed gave different rows: %s and %s", a, b)
	}
	if a == c {
		t.Errorf("seeds 7 and 8 gave the same rows")
	}
}

// TestCommuneScale generates the commune scale and checks it against the census and the
// configured pass rates, then the counts and the audit chain.
func TestCommuneScale(t *testing.T) {
	ctx := context.Background()
	db, units := open(t)
	start := time.Now()
	res, err := citygen.Generate(ctx, db, units, citygen.Options{Scale: citygen.ScaleCommune, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d people, %d assessments in %s", db.Dialect(), res.People, res.Rows["assessments"], time.Since(start).Round(time.Millisecond))
	plans, err := citygen.Plan(units, citygen.ScaleCommune)
	if err != nil {
		t.Fatal(err)
	}
	city, err := citygen.Plan(units, citygen.ScaleCity)
	if err != nil {
		t.Fatal(err)
	}
	census := 0.0
	for _, p := range city {
		census += p.Census
	}
	plan := plans[0]
	year := today.In(clock.Vietnam).Year()

	t.Run("population", func(t *testing.T) {
		n, adults := 0, 0
		err := db.EachCitizen(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, CommuneCode: plan.Unit.Code}, func(c people.Citizen) error {
			n++
			if year-c.BirthYear >= 18 {
				adults++
			}
			id, err := people.ParseNationalID(c.NationalID, today)
			if err == nil {
				err = people.CheckIDAgainst(id, c.BirthYear, c.Gender)
			}
			if err != nil {
				return fmt.Errorf("%s %s: %w", c.NationalID, c.FullName, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// The commune's census figure, grown as the whole city has since 2019.
		want := plan.Census * citygen.CityPopulation / census
		if math.Abs(float64(n)-want)/want > 0.02 {
			t.Errorf("%d people, want %.0f (census %.0f grown to the city's %d) within 2%%", n, want, plan.Census, citygen.CityPopulation)
		}
		if grown := float64(n) / plan.Census; grown < 1 || grown > 1.15 {
			t.Errorf("%d people for a 2019 census figure of %.0f: growth %.2f is not plausible", n, plan.Census, grown)
		}
		if share := float64(adults) / float64(n); share < 0.66 || share > 0.76 {
			t.Errorf("adults are %.1f%% of the people, want about 70%% (2019 census: 70.9%%)", 100*share)
		}
	})

	t.Run("pass rates", func(t *testing.T) {
		decided, passed := map[string]int{}, map[string]int{}
		eachAssessment(t, db, plan.Unit.Code, func(a store.Assessment) {
			if a.SubjectKind != "citizen" {
				return
			}
			switch a.State {
			case evaluation.StateRecognised:
				passed[a.TargetGroup]++
				decided[a.TargetGroup]++
			case evaluation.StateNotRecognised:
				decided[a.TargetGroup]++
			}
		})
		for group, rate := range citygen.PassRate {
			n := decided[string(group)]
			if n < 200 {
				t.Errorf("only %d decided assessments of group %s", n, group)
				continue
			}
			got := float64(passed[string(group)]) / float64(n)
			// four standard deviations of a share of n draws
			if tol := 4 * math.Sqrt(rate*(1-rate)/float64(n)); math.Abs(got-rate) > tol {
				t.Errorf("group %s: %.3f of %d recognised, want %.2f ± %.3f", group, got, n, rate, tol)
			}
		}
	})

	t.Run("recount", func(t *testing.T) {
		rep, err := db.Recount(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Counts < 100 || len(rep.Years) < 3 {
			t.Errorf("recount compared %d counts over years %v", rep.Counts, rep.Years)
		}
		for _, d := range append(rep.Diffs, rep.TotalsDiffs...) {
			t.Errorf("recount: %s", d)
		}
		for _, d := range rep.PipelineDiffs {
			t.Errorf("recount: %s", d)
		}
	})

	t.Run("audit", func(t *testing.T) {
		v, err := db.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range v.Problems {
			t.Errorf("audit: entry %d: %s", p.ID, p.Reason)
		}
		if v.Count() > 100 {
			t.Errorf("%d audit entries for one commune: want one per batch, not one per row", v.Count())
		}
	})
}

// TestRefusesAFilledDatabase checks that a second load is refused before it writes anything.
func TestRefusesAFilledDatabase(t *testing.T) {
	ctx := context.Background()
	db, units := open(t)
	if _, err := citygen.Generate(ctx, db, units, citygen.Options{Scale: citygen.ScaleCommune, Seed: 1, MaxPeople: 50}); err != nil {
		t.Fatal(err)
	}
	before, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := citygen.Generate(ctx, db, units, citygen.Options{Scale: citygen.ScaleCommune, Seed: 2, MaxPeople: 50}); err == nil {
		t.Fatal("a second load into the same database was accepted")
	}
	after, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Count() != before.Count() {
		t.Errorf("the refused load wrote %d audit entries", after.Count()-before.Count())
	}
	if _, err := citygen.Generate(ctx, db, units, citygen.Options{Scale: "town", Seed: 1}); err == nil {
		t.Error("an unknown scale was accepted")
	}
}
