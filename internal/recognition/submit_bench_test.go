package recognition_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/evaluation"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// submitters is how many people submit at the same moment (browsers of one commune at the
// end of a campaign evening), whatever the number of cores.
const submitters = 8

// BenchmarkSubmit measures sustained self-assessment submissions (DESIGN §6: ≥ 500/s on
// SQLite). b.N people of one commune have pledged (created in bulk, outside the timer); eight
// goroutines then submit their self-assessments online, each as the person themself, through
// the whole service path (access check, cycle and deadline, scoring, one transaction with
// the step and the audit entry). Afterwards every acknowledged submission must be stored
// exactly once.
//
//	go test ./internal/recognition -run '^$' -bench Submit -benchtime 3000x
func BenchmarkSubmit(b *testing.B) {
	w := newWorld(b)
	ctx := w.ctx
	n := b.N

	// Bulk set-up: the people and their accounts in one transaction, the pledges in another.
	citizens := make([]int64, n)
	principals := make([]*auth.Principal, n)
	err := w.db.Write(ctx, func(tx *store.Tx) error {
		for i := range n {
			v := w.v1
			if i%2 == 1 {
				v = w.v2
			}
			c := people.Citizen{ProvinceCode: province, CommuneCode: commune, VillageID: v.ID,
				FullName:   fmt.Sprintf("%s Thị %s", familyNames[i%len(familyNames)], givenNames[(i/len(familyNames))%len(givenNames)]),
				NationalID: fmt.Sprintf("001185%06d", i), BirthYear: 1985, Gender: people.GenderFemale, TargetGroup: people.GroupResident}
			if err := tx.CreateCitizen(ctx, &c); err != nil {
				return err
			}
			g := auth.Grant{Role: auth.RoleCitizen, ProvinceCode: province, CommuneCode: commune, CitizenID: c.ID}
			u := auth.User{DisplayName: c.FullName, Lang: "vi", CitizenID: c.ID, Grants: []auth.Grant{g}}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			citizens[i] = c.ID
			principals[i] = &auth.Principal{UserID: u.ID, DisplayName: u.DisplayName, Grants: u.Grants}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if pledged, err := w.svc.PledgeMany(ctx, nil, w.cycle.ID, citizens); err != nil || pledged != n {
		b.Fatalf("pledges: %d of %d, %v", pledged, n, err)
	}
	byCitizen := map[int64]int64{}
	as, _, err := w.db.Assessments(ctx, store.AssessmentQuery{CycleID: w.cycle.ID, Scope: auth.Scope{All: true}})
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range as {
		byCitizen[a.CitizenID] = a.ID
	}
	ids := make([]int64, n)
	for i, c := range citizens {
		ids[i] = byCitizen[c]
	}
	if err := w.db.Optimize(ctx); err != nil {
		b.Fatal(err)
	}

	var next, acked, failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	began := time.Now()
	for range submitters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				// 80–100 points, CS05 between 6 and 9: some have digital skills, some not.
				sub := recognition.Submission{Scores: scores(8+i%3, "CS05", 6+i%4)}
				if _, err := w.svc.Submit(ctx, principals[i], ids[i], sub); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				acked.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)
	b.StopTimer()

	b.ReportMetric(float64(acked.Load())/elapsed.Seconds(), "submissions/s")
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d submissions failed; first: %v", f, n, firstErr.Load())
	}

	// Every acknowledged submission is stored, once.
	counts, err := w.db.StateCounts(ctx, store.AssessmentQuery{CycleID: w.cycle.ID, Scope: auth.Scope{All: true}})
	if err != nil {
		b.Fatal(err)
	}
	if got := int64(counts[evaluation.StateSelfAssessed]); got != acked.Load() || counts[evaluation.StatePledged] != 0 {
		b.Fatalf("%d self-assessed rows (%d still pledged), %d submissions acknowledged", got, counts[evaluation.StatePledged], acked.Load())
	}
	// One submit step per person in the history; a sample keeps the check short for large N.
	stride := max(1, n/500)
	for i := 0; i < n; i += stride {
		steps, err := w.db.AssessmentSteps(ctx, ids[i])
		if err != nil {
			b.Fatal(err)
		}
		submits := 0
		for _, s := range steps {
			if s.Step == evaluation.StepSubmit {
				submits++
			}
		}
		if submits != 1 || len(steps) != 2 {
			b.Fatalf("assessment %d: %d submit steps of %d", ids[i], submits, len(steps))
		}
		a, err := w.db.Assessment(ctx, ids[i])
		if err != nil {
			b.Fatal(err)
		}
		if !a.SelfSubmitted || a.Total != (8+i%3)*9+6+i%4 {
			b.Fatalf("assessment %d stored as %+v", ids[i], a)
		}
	}
	b.ReportMetric(float64(acked.Load()), "stored")
}
