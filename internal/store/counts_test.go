package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"hoctap/internal/audit"
	"hoctap/internal/clock"
	"hoctap/internal/evaluation"
	"hoctap/internal/measure"
	"hoctap/internal/people"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

// countWorld is two communes on a clock that walks from 2024 to 2026, with cycles of every
// title in each year, on which random operations run.
type countWorld struct {
	t        *testing.T
	db       *store.DB
	clk      *clock.Fixed
	ctx      context.Context
	rng      *rand.Rand
	villages []village.Village
	units    []store.WorkUnit
	branches []store.Branch
	people   []int64
	homes    []int64 // households
	staff    []int64
	members  []store.BranchMember
	memberOf map[int64]store.Branch
	cycles   map[string]int64 // title/year → cycle
	assessed []store.Assessment
	ops      map[string]int
}

var countCommunes = []string{"00004", "00008"}

func newCountWorld(t *testing.T, seed uint64) *countWorld {
	clk := clock.NewFixed(time.Date(2024, 1, 3, 3, 0, 0, 0, time.UTC))
	w := &countWorld{t: t, db: testdb.Open(t, clk), clk: clk, rng: rand.New(rand.NewPCG(seed, seed*7919)),
		ctx: audit.WithActor(context.Background(), audit.Actor{Name: "test"}), cycles: map[string]int64{}, memberOf: map[int64]store.Branch{}, ops: map[string]int{}}
	for y := 2024; y <= 2026; y++ {
		if err := w.db.EnsureCountYear(w.ctx, y); err != nil {
			t.Fatal(err)
		}
	}
	w.write("setup", func(tx *store.Tx) error {
		set := store.CriteriaSet{Title: "learning_citizen", Version: "t", Name: "t", Body: []byte("{}")}
		if err := tx.CreateCriteriaSet(w.ctx, &set); err != nil {
			return err
		}
		for y := 2024; y <= 2026; y++ {
			for _, title := range []string{"learning_citizen", "learning_family", "learning_community", "learning_unit", "learning_clan"} {
				c := store.Cycle{Title: title, Year: y, CriteriaSetID: set.ID}
				if err := tx.CreateCycle(w.ctx, &c); err != nil {
					return err
				}
				w.cycles[fmt.Sprintf("%s/%d", title, y)] = c.ID
			}
		}
		return nil
	})
	for i := 0; i < 4; i++ {
		w.newVillage()
	}
	return w
}

// write runs one operation; a refusal by the store (a conflict, a rule) is part of the game.
func (w *countWorld) write(op string, fn func(tx *store.Tx) error) bool {
	if err := w.db.Write(w.ctx, fn); err != nil {
		if op == "setup" {
			w.t.Fatal(err)
		}
		return false
	}
	w.ops[op]++
	return true
}

func (w *countWorld) pick(ids []int64) int64 { return ids[w.rng.IntN(len(ids))] }

func (w *countWorld) newVillage() {
	commune := countCommunes[w.rng.IntN(len(countCommunes))]
	v := village.Village{ProvinceCode: "01", CommuneCode: commune, Name: fmt.Sprintf("Thôn %d", len(w.villages)+1), Kind: village.KindThon}
	if w.write("village", func(tx *store.Tx) error { return tx.CreateVillage(w.ctx, &v) }) {
		w.villages = append(w.villages, v)
	}
}

func (w *countWorld) year() int { return w.clk.Now().Add(7 * time.Hour).Year() }

// step runs one random operation.
func (w *countWorld) step() {
	v := w.villages[w.rng.IntN(len(w.villages))]
	switch n := w.rng.IntN(20); {
	case n < 4: // a person registers, in a household or not, working somewhere or not
		c := people.Citizen{ProvinceCode: "01", CommuneCode: v.CommuneCode, VillageID: v.ID, FullName: "Nguyễn Văn Thử",
			BirthYear: 1940 + w.rng.IntN(70), Gender: people.GenderMale, TargetGroup: people.GroupResident}
		w.write("citizen", func(tx *store.Tx) error {
			if len(w.homes) > 0 && w.rng.IntN(2) == 0 {
				c.HouseholdID, c.Relation = w.pick(w.homes), people.RelationOther
			}
			if err := tx.CreateCitizen(w.ctx, &c); err != nil {
				return err
			}
			w.people = append(w.people, c.ID)
			return nil
		})
	case n == 4:
		h := store.Household{ProvinceCode: "01", CommuneCode: v.CommuneCode, VillageID: v.ID}
		if w.write("household", func(tx *store.Tx) error { return tx.CreateHousehold(w.ctx, &h) }) {
			w.homes = append(w.homes, h.ID)
		}
	case n == 5 && len(w.people) > 0: // a person moves, maybe to the other commune
		id := w.pick(w.people)
		w.write("move", func(tx *store.Tx) error { return tx.MoveCitizen(w.ctx, id, "01", v.CommuneCode, v.ID) })
	case n == 6 && len(w.homes) > 0:
		id := w.pick(w.homes)
		w.write("move_household", func(tx *store.Tx) error {
			h, err := w.db.Household(w.ctx, id)
			if err != nil || h.CommuneCode != v.CommuneCode {
				return fmt.Errorf("other commune")
			}
			return tx.MoveHousehold(w.ctx, id, v.ID)
		})
	case n == 7 && len(w.people) > 0 && w.rng.IntN(3) == 0:
		id := w.pick(w.people)
		w.write("erase", func(tx *store.Tx) error { return tx.EraseCitizen(w.ctx, id) })
	case n == 8 && len(w.people) > 0:
		id := w.pick(w.people)
		w.write("birth_year", func(tx *store.Tx) error {
			c, err := w.db.Citizen(w.ctx, id)
			if err != nil || c.FullName == "" {
				return fmt.Errorf("erased")
			}
			c.BirthYear = 1950 + w.rng.IntN(60)
			return tx.UpdateCitizen(w.ctx, c)
		})
	case n == 9:
		u := store.WorkUnit{ProvinceCode: "01", CommuneCode: v.CommuneCode, Name: fmt.Sprintf("Trường %d", len(w.units)), Kind: "school", Level: "commune"}
		if w.write("unit", func(tx *store.Tx) error { return tx.CreateWorkUnit(w.ctx, &u) }) {
			w.units = append(w.units, u)
			b := store.Branch{ProvinceCode: "01", CommuneCode: u.CommuneCode, Name: "Chi hội " + u.Name, WorkUnitID: u.ID}
			if w.write("branch", func(tx *store.Tx) error { return tx.CreateBranch(w.ctx, &b) }) {
				w.branches = append(w.branches, b)
			}
		}
	case n == 10 && len(w.units) > 0 && len(w.people) > 0:
		u, id := w.units[w.rng.IntN(len(w.units))], w.pick(w.people)
		m := store.StaffMember{CitizenID: id, Position: "giáo viên"}
		if w.write("staff", func(tx *store.Tx) error { return tx.AddStaff(w.ctx, u, &m) }) {
			w.staff = append(w.staff, m.ID)
		}
	case n == 11 && len(w.staff) > 0:
		id := w.pick(w.staff)
		w.write("staff_end", func(tx *store.Tx) error { _, err := tx.EndStaff(w.ctx, id); return err })
	case n == 12:
		k := store.Clan{ProvinceCode: "01", CommuneCode: v.CommuneCode, Name: fmt.Sprintf("Họ Thử %d", w.rng.IntN(1000))}
		w.write("clan", func(tx *store.Tx) error { return tx.CreateClan(w.ctx, &k) })
	case n == 13 && len(w.branches) > 0 && len(w.people) > 0:
		b, id := w.branches[w.rng.IntN(len(w.branches))], w.pick(w.people)
		m := store.BranchMember{CitizenID: id, IsOfficial: w.rng.IntN(2) == 0, Position: "ủy viên"}
		if w.write("official", func(tx *store.Tx) error { return tx.AddBranchMember(w.ctx, b, &m) }) {
			w.members = append(w.members, m)
			w.memberOf[m.ID] = b
		}
	case n == 14 && len(w.members) > 0:
		m := w.members[w.rng.IntN(len(w.members))]
		b := w.memberOf[m.ID]
		tr := store.Training{CitizenID: m.CitizenID, TrainedOn: w.clk.Now().Add(7 * time.Hour).Format("2006-01-02"), Course: "Bộ tiêu chí"}
		w.write("training", func(tx *store.Tx) error { return tx.RecordTraining(w.ctx, b, &tr) })
	case n == 15 && len(w.members) > 0:
		id := w.members[w.rng.IntN(len(w.members))].ID
		if w.rng.IntN(2) == 0 {
			w.write("official_end", func(tx *store.Tx) error { _, err := tx.EndBranchMember(w.ctx, id); return err })
		} else {
			b := w.memberOf[id]
			w.write("official_role", func(tx *store.Tx) error {
				_, err := tx.UpdateBranchMemberRole(w.ctx, b, id, w.rng.IntN(2) == 0, "ủy viên")
				return err
			})
		}
	case n == 16 && w.rng.IntN(4) == 0:
		if w.rng.IntN(2) == 0 {
			w.newVillage()
		} else {
			w.write("retire", func(tx *store.Tx) error {
				_, err := tx.RetireVillage(w.ctx, v.ID, w.clk.Now().Add(7*time.Hour).Format("2006-01-02"))
				return err
			})
		}
	case n >= 17:
		w.assess()
	}
	w.clk.Advance(time.Duration(w.rng.IntN(4)) * 24 * time.Hour)
}

// assess recognises a subject in this year's cycle of its title, or revokes or reopens a
// recognition.
func (w *countWorld) assess() {
	if len(w.assessed) > 0 && w.rng.IntN(3) == 0 {
		i := w.rng.IntN(len(w.assessed))
		a := w.assessed[i]
		w.write("revoke", func(tx *store.Tx) error {
			before, err := tx.Assessment(w.ctx, a.ID)
			if err != nil {
				return err
			}
			after := before
			after.State = evaluation.StateRevoked
			if w.rng.IntN(2) == 0 {
				after.State = evaluation.StateAppraised // reopened
			}
			return tx.SaveAssessment(w.ctx, before, after, evaluation.StepRevoke, "")
		})
		return
	}
	kinds := []struct{ kind, title string }{{"citizen", "learning_citizen"}, {"household", "learning_family"},
		{"village", "learning_community"}, {"work_unit", "learning_unit"}}
	k := kinds[w.rng.IntN(len(kinds))]
	var subject int64
	var commune string
	switch k.kind {
	case "citizen":
		if len(w.people) == 0 {
			return
		}
		subject = w.pick(w.people)
		c, err := w.db.Citizen(w.ctx, subject)
		if err != nil {
			return // erased
		}
		commune = c.CommuneCode
	case "household":
		if len(w.homes) == 0 {
			return
		}
		subject = w.pick(w.homes)
		h, err := w.db.Household(w.ctx, subject)
		if err != nil {
			w.t.Fatal(err)
		}
		commune = h.CommuneCode
	case "village":
		v := w.villages[w.rng.IntN(len(w.villages))]
		subject, commune = v.ID, v.CommuneCode
	default:
		if len(w.units) == 0 {
			return
		}
		u := w.units[w.rng.IntN(len(w.units))]
		subject, commune = u.ID, u.CommuneCode
	}
	year := w.year()
	a := store.Assessment{ProvinceCode: "01", CommuneCode: commune, CycleID: w.cycles[fmt.Sprintf("%s/%d", k.title, year)],
		SubjectKind: k.kind, SubjectID: subject, SubjectName: "thử", TargetGroup: "resident"}
	w.write("recognise", func(tx *store.Tx) error {
		if err := tx.CreateAssessment(w.ctx, &a); err != nil {
			return err
		}
		before := a
		a.State, a.ValidUntil = evaluation.StateRecognised, year+w.rng.IntN(2)
		a.DigitalSkills = w.rng.IntN(3) > 0
		a.DigitalProficient = a.DigitalSkills && w.rng.IntN(2) == 0
		if err := tx.SaveAssessment(w.ctx, before, a, evaluation.StepDecide, ""); err != nil {
			return err
		}
		w.assessed = append(w.assessed, a)
		return nil
	})
}

// TestCountsStayEqualToARecount runs long random sequences of the writes that move counts —
// registrations, moves of people and households, erasures, changed birth years, staff and
// association officials coming and going, trainings, villages opened and retired,
// recognitions, revocations and reopenings — over three years, and checks that the counts
// kept in each transaction equal a recount from the facts, on both engines.
func TestCountsStayEqualToARecount(t *testing.T) {
	steps := 600
	if os.Getenv("HOCTAP_TEST_POSTGRES") != "" {
		steps = 300 // each write is a network round trip; the same paths run
	}
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			w := newCountWorld(t, seed)
			for i := 0; i < steps; i++ {
				w.step()
				if i%100 == 99 {
					w.mustRecountClean(fmt.Sprintf("after %d steps", i+1))
				}
			}
			w.mustRecountClean("at the end")
			for _, op := range []string{"citizen", "move", "move_household", "erase", "birth_year", "staff", "staff_end", "official", "training", "recognise", "revoke"} {
				if w.ops[op] == 0 {
					t.Errorf("operation %s never ran: the sequence is too short to test it", op)
				}
			}
			totals, err := w.db.CountTotals(w.ctx, []int{2024, 2025, 2026})
			if err != nil {
				t.Fatal(err)
			}
			var adults, recognised int64
			for _, byCommune := range totals {
				for _, m := range byCommune {
					adults += m[measure.Adults]
					recognised += m[measure.AdultsRecognised]
				}
			}
			if adults == 0 || recognised == 0 {
				t.Fatalf("the counts are empty (adults %d, recognised %d): nothing was tested", adults, recognised)
			}
			t.Logf("ops %v", w.ops)
		})
	}
}

func (w *countWorld) mustRecountClean(when string) {
	w.t.Helper()
	rep, err := w.db.Recount(w.ctx, false)
	if err != nil {
		w.t.Fatal(err)
	}
	if len(rep.Years) != 3 || rep.Counts == 0 {
		w.t.Fatalf("%s: recount compared %d counts of years %v", when, rep.Counts, rep.Years)
	}
	for _, d := range append(rep.Diffs, rep.TotalsDiffs...) {
		w.t.Errorf("%s: %s", when, d)
	}
	for _, d := range rep.PipelineDiffs {
		w.t.Errorf("%s: %s", when, d)
	}
	if w.t.Failed() {
		w.t.FailNow()
	}
}

// TestRecountFindsAndRepairsADifference corrupts one kept count, as a write path that forgot
// to mark its place would, and checks that recount names it and that fixing repairs it.
func TestRecountFindsAndRepairsADifference(t *testing.T) {
	w := newCountWorld(t, 42)
	for i := 0; i < 120; i++ {
		w.step()
	}
	key := store.CountKey{Year: 2024, Commune: w.villages[0].CommuneCode, Village: w.villages[0].ID, Kind: measure.Villages}
	if err := w.db.Write(w.ctx, func(tx *store.Tx) error {
		if err := store.SetCountForTest(w.ctx, tx, key, 7); err != nil {
			return err
		}
		// and one commune's pipeline total, as a trigger that was dropped would leave it
		return store.ExecForTest(w.ctx, tx, "UPDATE pipeline_totals SET value = value + 1 WHERE state = 'recognised' AND commune_code = '"+key.Commune+
			"' AND cycle_id = (SELECT MIN(cycle_id) FROM pipeline_totals WHERE state = 'recognised' AND commune_code = '"+key.Commune+"')")
	}); err != nil {
		t.Fatal(err)
	}
	rep, err := w.db.Recount(w.ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Diffs) != 1 || rep.Diffs[0].CountKey != key || rep.Diffs[0].Stored != 7 || rep.Diffs[0].Counted != 1 {
		t.Fatalf("diffs %v, want the one corrupted count", rep.Diffs)
	}
	if len(rep.TotalsDiffs) != 1 {
		t.Fatalf("totals diffs %v, want the commune's total of villages", rep.TotalsDiffs)
	}
	if len(rep.PipelineDiffs) != 1 || !strings.HasPrefix(rep.PipelineDiffs[0], "pipeline_totals ") {
		t.Fatalf("pipeline diffs %v, want the commune's recognised total", rep.PipelineDiffs)
	}
	if _, err := w.db.Recount(w.ctx, true); err != nil {
		t.Fatal(err)
	}
	w.mustRecountClean("after the repair")
}
