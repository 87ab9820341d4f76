package recognition_test

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/registry"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

// Helpers of the collective titles' tests (collective_test.go), on the same world.

// longDates2026 keeps the collective cycles of 2026 open until November, so that a test may move
// the clock past the household moves of July and still submit.
var longDates2026 = evaluation.Dates{OpensOn: "2026-03-01", PledgeBy: "2026-10-31", SelfAssessBy: "2026-11-15",
	VerifyBy: "2026-11-30", AppraiseBy: "2026-12-10", DecideBy: "2026-12-20"}

// dates2025 is a whole year 2025 for the cycles a test runs in the past.
var dates2025 = evaluation.Dates{OpensOn: "2025-01-15", PledgeBy: "2025-11-30", SelfAssessBy: "2025-11-30",
	VerifyBy: "2025-12-05", AppraiseBy: "2025-12-10", DecideBy: "2025-12-20"}

// shipped returns the stored version of a shipped criteria file (EnsureDefaultCriteria stored
// them all when the world was made).
func (w *world) shipped(file string) (store.CriteriaSet, *criteria.Set) {
	w.tb.Helper()
	files, err := criteria.Shipped()
	if err != nil {
		w.tb.Fatal(err)
	}
	set, err := criteria.Parse(files[file])
	if err != nil {
		w.tb.Fatalf("shipped %s: %v", file, err)
	}
	all, err := w.db.CriteriaSets(w.ctx)
	if err != nil {
		w.tb.Fatal(err)
	}
	for _, cs := range all {
		if cs.Title == set.Title && cs.Version == set.Version {
			return cs, set
		}
	}
	w.tb.Fatalf("shipped set %s is not stored", file)
	return store.CriteriaSet{}, nil
}

// titleCycle opens the cycle of a year for the title of a shipped criteria file.
func (w *world) titleCycle(file string, year int, d evaluation.Dates) store.Cycle {
	w.tb.Helper()
	cs, _ := w.shipped(file)
	cy, err := w.svc.CreateCycle(w.ctx, w.city, recognition.CycleInput{Year: year, CriteriaSetID: cs.ID, Dates: d})
	if err != nil {
		w.tb.Fatalf("cycle %s %d: %v", file, year, err)
	}
	return cy
}

// clockAt returns a clock stopped at 10:00 in Hà Nội on day (yyyy-mm-dd).
func clockAt(day string) *clock.Fixed {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" 10:00", clock.Vietnam)
	if err != nil {
		panic(err)
	}
	return clock.NewFixed(t)
}

// pastServices returns the recognition and registry services reading another clock, writing
// to the same database: records of an earlier day, through the ordinary services.
func (w *world) pastServices(clk clock.Clock) (*recognition.Service, *registry.Service) {
	db := w.db.WithClock(clk)
	return &recognition.Service{DB: db, Units: w.svc.Units}, &registry.Service{DB: db, Units: w.svc.Units}
}

// nationalID returns a valid 12-digit ID of Hà Nội for someone born in year, unique by seq.
func nationalID(year int, female bool, seq int) string {
	century := (year/100 - 19) * 2
	if female {
		century++
	}
	return fmt.Sprintf("001%d%02d%06d", century, year%100, seq)
}

// member registers a person in village v through reg (whose clock sets the start of their
// household membership): the head of a new household when householdID is 0, else a member of
// that household. name "" is made up.
func (w *world) member(reg *registry.Service, v village.Village, householdID int64, name string, birthYear int, group people.TargetGroup) people.Citizen {
	w.tb.Helper()
	w.seq++
	if name == "" {
		name = fmt.Sprintf("%s Thị %s", familyNames[(w.seq/len(givenNames))%len(familyNames)], givenNames[w.seq%len(givenNames)])
	}
	female := strings.Contains(name, " Thị ")
	gender := people.GenderMale
	if female {
		gender = people.GenderFemale
	}
	c := people.Citizen{VillageID: v.ID, FullName: name, NationalID: nationalID(birthYear, female, 500000+w.seq), BirthYear: birthYear,
		Gender: gender, TargetGroup: group}
	r := registry.Registration{Citizen: c, HouseholdID: householdID, NewHousehold: householdID == 0,
		Consent: people.Consent{Method: people.ConsentPaper, GivenBy: name}}
	if householdID != 0 {
		r.Citizen.Relation = people.RelationChild
	}
	c, _, err := reg.Register(w.ctx, nil, r)
	if err != nil {
		w.tb.Fatalf("register %s: %v", name, err)
	}
	return c
}

// staffAt registers a staff member of a work unit through reg (whose clock sets the start of
// the employment).
func (w *world) staffAt(reg *registry.Service, unitID int64) people.Citizen {
	w.tb.Helper()
	c := w.member(reg, w.v2, 0, "", 1985, people.GroupStaff)
	if _, err := reg.AddStaff(w.ctx, nil, unitID, c.NationalID, "Nhân viên", true); err != nil {
		w.tb.Fatalf("add staff: %v", err)
	}
	c, err := w.db.Citizen(w.ctx, c.ID)
	if err != nil {
		w.tb.Fatal(err)
	}
	return c
}

// recognise makes people learning citizens of 2026: each is taken to the appraisal, and one
// decision recognises them all.
func (w *world) recognise(cs ...people.Citizen) {
	w.tb.Helper()
	if len(cs) == 0 {
		return
	}
	for _, c := range cs {
		w.advance(c, evaluation.StateAppraised, nil)
	}
	if _, err := w.svc.Decide(w.ctx, nil, w.cycle.ID, commune, w.decision()); err != nil {
		w.tb.Fatalf("decide the learning citizens: %v", err)
	}
}

// raw opens the world's database directly, for a fixture the services never write (two
// household memberships of one person on the same day).
func (w *world) raw() *sql.DB {
	w.tb.Helper()
	var db *sql.DB
	var err error
	if path, ok := strings.CutPrefix(w.db.URL, "sqlite:"); ok {
		db, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	} else {
		db, err = sql.Open("pgx", w.db.URL)
	}
	if err != nil {
		w.tb.Fatal(err)
	}
	w.tb.Cleanup(func() { db.Close() })
	return db
}

// computed returns the computed items of an assessment as the form shows them now.
func (w *world) computed(a store.Assessment) map[string]store.Computation {
	w.tb.Helper()
	m, err := w.svc.Computed(w.ctx, a)
	if err != nil {
		w.tb.Fatalf("computed items of %s: %v", a.SubjectName, err)
	}
	return m
}

// itemScores returns scores for every indicator of a group at v, with some changed: "GD02", 5, …
func itemScores(set *criteria.Set, group string, v int, changes ...any) map[string]int {
	g, _ := set.Group(group)
	m := map[string]int{}
	for _, in := range g.Indicators {
		m[in.Code] = min(v, in.Max)
	}
	for i := 0; i+1 < len(changes); i += 2 {
		m[changes[i].(string)] = changes[i+1].(int)
	}
	return m
}

// register registers a subject for a cycle as by, failing the test on an error.
func (w *world) register(by *auth.Principal, cy store.Cycle, kind string, id int64) store.Assessment {
	w.tb.Helper()
	a, err := w.svc.Register(w.ctx, by, cy.ID, kind, id)
	if err != nil {
		w.tb.Fatalf("register %s %d for %s: %v", kind, id, cy.Title, err)
	}
	return a
}

// submit submits scores for an assessment as by, failing the test on an error.
func (w *world) submit(by *auth.Principal, a store.Assessment, sc map[string]int) store.Assessment {
	w.tb.Helper()
	a, err := w.svc.Submit(w.ctx, by, a.ID, recognition.Submission{Scores: sc})
	if err != nil {
		w.tb.Fatalf("submit %s: %v", a.SubjectName, err)
	}
	return a
}

// sameIDs tells whether a computed item's members are the given people.
func sameIDs(got []int64, want ...people.Citizen) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i].ID {
			return false
		}
	}
	return true
}
