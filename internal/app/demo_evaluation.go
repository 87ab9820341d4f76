package app

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// demoPassRate is the share of each target group that reaches the title in the demo: the pilot
// pass rates of programme-rules §3.2 (43% of farmers and rural workers, 65% of workers, 87% of
// officials), with students put between the last two.
var demoPassRate = map[people.TargetGroup]float64{people.GroupResident: 0.43, people.GroupWorker: 0.65, people.GroupStaff: 0.87, people.GroupStudent: 0.75}

// demoEvaluation gives the demo two past years with decisions and certificates, and the
// current year under way: pledges, self-assessments waiting for verification, verified records
// waiting for appraisal. The demo citizen and one elderly person of the collector's village are
// left without a pledge so that the whole year can be tried on them.
type demoEvaluation struct {
	db       *store.DB
	units    *adminunit.Map
	rnd      *rand.Rand
	keep     map[int64]bool // people left for trying the year by hand
	communes []string
	out      io.Writer
}

func loadDemoEvaluation(ctx context.Context, db *store.DB, units *adminunit.Map, seed uint64, communes []string, keep map[int64]bool, collectorVillage int64, out io.Writer) error {
	d := &demoEvaluation{db: db, units: units, rnd: rand.New(rand.NewPCG(seed, seed^0xcd47)), keep: keep, communes: communes, out: out}
	rec := &recognition.Service{DB: db, Units: units}
	set, err := rec.EnsureDefaultCriteria(ctx)
	if err != nil {
		return err
	}
	year := db.Now().In(clock.Vietnam).Year()
	for _, y := range []int{year - 2, year - 1} {
		if err := d.pastYear(ctx, set.ID, y); err != nil {
			return fmt.Errorf("demo: year %d: %w", y, err)
		}
	}
	if err := d.currentYear(ctx, set.ID, year); err != nil {
		return err
	}
	return d.collective(ctx, collectorVillage)
}

// at returns the services reading a clock stopped on day (yyyy-mm-dd, 9:00 in Hà Nội).
func (d *demoEvaluation) at(day string) *recognition.Service {
	t, _ := time.ParseInLocation("2006-01-02 15:04", day+" 09:00", clock.Vietnam)
	return &recognition.Service{DB: d.db.WithClock(clock.NewFixed(t)), Units: d.units}
}

// adults returns the commune's people aged 15 or more in year, by village order.
func (d *demoEvaluation) adults(ctx context.Context, commune string, year int) ([]people.Citizen, error) {
	var out []people.Citizen
	err := d.db.EachCitizen(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, CommuneCode: commune}, func(c people.Citizen) error {
		if year-c.BirthYear >= 15 && !d.keep[c.ID] {
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// scores draws a self-assessment that passes with the group's pass rate.
func (d *demoEvaluation) scores(set *criteria.Set, group string) map[string]int {
	g, _ := set.Group(group)
	pass := d.rnd.Float64() < demoPassRate[people.TargetGroup(group)]
	out := map[string]int{}
	for _, in := range g.Indicators {
		if pass {
			out[in.Code] = 8 + d.rnd.IntN(3)
		} else {
			out[in.Code] = 4 + d.rnd.IntN(6)
		}
	}
	return out
}

func (d *demoEvaluation) pastYear(ctx context.Context, setID int64, year int) error {
	y := fmt.Sprint(year)
	dates := evaluation.Dates{OpensOn: y + "-01-05", PledgeBy: y + "-03-31", SelfAssessBy: y + "-09-30", VerifyBy: y + "-10-31",
		AppraiseBy: y + "-11-20", DecideBy: y + "-12-15"}
	cy, err := d.at(y+"-01-02").CreateCycle(ctx, nil, recognition.CycleInput{Year: year, CriteriaSetID: setID, Dates: dates})
	if err != nil {
		return err
	}
	set, err := d.at(y+"-01-02").Set(ctx, setID)
	if err != nil {
		return err
	}
	total := 0
	for ci, commune := range d.communes {
		adults, err := d.adults(ctx, commune, year)
		if err != nil {
			return err
		}
		var ids, pledged []int64
		for _, c := range adults {
			if d.rnd.Float64() < 0.4 {
				ids = append(ids, c.ID)
			}
		}
		if _, err := d.at(y+"-03-10").PledgeMany(ctx, nil, cy.ID, ids); err != nil {
			return err
		}
		as, _, err := d.db.Assessments(ctx, store.AssessmentQuery{CycleID: cy.ID, Scope: auth.Scope{All: true}, CommuneCode: commune})
		if err != nil {
			return err
		}
		sub := d.at(y + "-06-15")
		for _, a := range as {
			if d.rnd.Float64() < 0.08 {
				continue // pledged and never assessed
			}
			s := recognition.Submission{Scores: d.scores(set, a.TargetGroup), ConsentMethod: recognition.ConsentPaper}
			if _, err := sub.Submit(ctx, nil, a.ID, s); err != nil {
				return err
			}
			pledged = append(pledged, a.ID)
		}
		if _, err := d.at(y+"-10-20").VerifyMany(ctx, nil, pledged); err != nil {
			return err
		}
		if _, err := d.at(y+"-11-15").AppraiseMany(ctx, nil, pledged); err != nil {
			return err
		}
		name := d.communeName(commune)
		if _, err := d.at(y+"-12-10").Decide(ctx, nil, cy.ID, commune, recognition.DecisionInput{
			Number: fmt.Sprintf("%02d/QĐ-HKH", 10+ci), SignedOn: y + "-12-10", Signer: []string{"Nguyễn Văn Thành", "Lê Minh Đức", "Trần Thị Hương"}[ci%3],
			SignerTitle: "Chủ tịch Hội Khuyến học", IssuingBody: "Hội Khuyến học " + name}); err != nil {
			return err
		}
		total += len(pledged)
	}
	if d.out != nil {
		fmt.Fprintf(d.out, "demo: %d: %d self-assessments decided\n", year, total)
	}
	return nil
}

// currentYear opens this year's cycle with deadlines ahead of today, whatever today is, so the
// demo always has open steps to try.
func (d *demoEvaluation) currentYear(ctx context.Context, setID int64, year int) error {
	now := d.db.Now().In(clock.Vietnam)
	day := func(days int) string { return now.AddDate(0, 0, days).Format("2006-01-02") }
	opens := fmt.Sprintf("%d-01-05", year)
	if opens > day(0) {
		opens = day(0)
	}
	dates := evaluation.Dates{OpensOn: opens, PledgeBy: day(21), SelfAssessBy: day(28), VerifyBy: day(35), AppraiseBy: day(40), DecideBy: day(45)}
	rec := &recognition.Service{DB: d.db, Units: d.units}
	cy, err := rec.CreateCycle(ctx, nil, recognition.CycleInput{Year: year, CriteriaSetID: setID, Dates: dates})
	if err != nil {
		return err
	}
	set, err := rec.Set(ctx, setID)
	if err != nil {
		return err
	}
	for _, commune := range d.communes {
		adults, err := d.adults(ctx, commune, year)
		if err != nil {
			return err
		}
		var ids []int64
		for _, c := range adults {
			if d.rnd.Float64() < 0.35 {
				ids = append(ids, c.ID)
			}
		}
		if _, err := rec.PledgeMany(ctx, nil, cy.ID, ids); err != nil {
			return err
		}
		as, _, err := d.db.Assessments(ctx, store.AssessmentQuery{CycleID: cy.ID, Scope: auth.Scope{All: true}, CommuneCode: commune})
		if err != nil {
			return err
		}
		var verify []int64
		for _, a := range as {
			switch r := d.rnd.Float64(); {
			case r < 0.35: // still to self-assess
			default:
				if _, err := rec.Submit(ctx, nil, a.ID, recognition.Submission{Scores: d.scores(set, a.TargetGroup), ConsentMethod: recognition.ConsentPaper}); err != nil {
					return err
				}
				if r > 0.7 {
					verify = append(verify, a.ID)
				}
			}
		}
		if _, err := rec.VerifyMany(ctx, nil, verify); err != nil {
			return err
		}
	}
	return nil
}

func (d *demoEvaluation) communeName(code string) string {
	if u, err := d.units.Current(code); err == nil {
		return u.Name
	}
	return code
}
