package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// collectiveOrder is the order the collective titles are decided in a year: a clan's and a
// village's items count the learning families, a commune's the learning communities.
var collectiveOrder = []string{"learning_family", "learning_clan", "learning_community", "learning_unit", "learning_community_commune"}

// collective gives the demo two clans, two past years of the collective titles decided
// (the commune-level community once, for three years), and this year's cycles open, with the
// collector's village and the school left unregistered so the year can be tried on them.
func (d *demoEvaluation) collective(ctx context.Context, collectorVillage int64) error {
	rec := &recognition.Service{DB: d.db, Units: d.units}
	sets := map[string]int64{}
	for _, title := range collectiveOrder {
		cs, err := rec.ShippedSet(ctx, title)
		if err != nil {
			return fmt.Errorf("demo: no shipped set for %s: %w", title, err)
		}
		sets[title] = cs.ID
	}
	if err := d.clans(ctx); err != nil {
		return err
	}
	year := d.db.Now().In(clock.Vietnam).Year()
	for _, y := range []int{year - 2, year - 1} {
		for _, title := range collectiveOrder {
			if title == "learning_community_commune" && y != year-2 {
				continue // recognised for three years (TT 25/2023)
			}
			if err := d.pastCollective(ctx, sets[title], title, y); err != nil {
				return fmt.Errorf("demo: %s %d: %w", title, y, err)
			}
		}
	}
	return d.currentCollective(ctx, sets, year, collectorVillage)
}

// clans makes two clans of the first commune, with households of its third and fourth villages,
// as they were three years ago.
func (d *demoEvaluation) clans(ctx context.Context) error {
	now := d.db.Now()
	registered := d.db.WithClock(clock.NewFixed(time.Date(now.Year()-3, 1, 3, 2, 0, 0, 0, time.UTC)))
	vs, err := d.db.ListVillages(ctx, store.VillageFilter{Scope: auth.Scope{All: true}, CommuneCode: d.communes[0]})
	if err != nil {
		return err
	}
	return registered.Write(ctx, func(tx *store.Tx) error {
		for i, name := range []string{"Dòng họ Nguyễn Đình", "Dòng họ Trần Văn"} {
			// Villages 3 and 4: the collector's village stays clear of the demo's clans.
			if len(vs) < 4+i {
				break
			}
			hs, _, err := d.db.HouseholdsOfVillage(ctx, vs[2+i].ID)
			if err != nil {
				return err
			}
			var members []store.Household
			for j := 0; j < len(hs); j += 2 {
				members = append(members, hs[j])
			}
			if len(members) == 0 {
				continue
			}
			c := store.Clan{ProvinceCode: d.units.Province().Code, CommuneCode: d.communes[0], Name: name, Origin: "Hà Nội",
				RepresentativeID: members[0].HeadCitizenID}
			if err := tx.CreateClan(ctx, &c); err != nil {
				return err
			}
			for _, h := range members {
				if _, err := tx.AddClanHousehold(ctx, c, h.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// subjects lists the ids of a title's subjects in a commune.
func (d *demoEvaluation) subjects(ctx context.Context, title, commune string) ([]int64, error) {
	var ids []int64
	switch title {
	case "learning_family":
		vs, err := d.db.ListVillages(ctx, store.VillageFilter{Scope: auth.Scope{All: true}, CommuneCode: commune})
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			hs, _, err := d.db.HouseholdsOfVillage(ctx, v.ID)
			if err != nil {
				return nil, err
			}
			for _, h := range hs {
				ids = append(ids, h.ID)
			}
		}
	case "learning_clan":
		cs, err := d.db.ListClans(ctx, auth.Scope{Communes: []string{commune}})
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
	case "learning_community":
		vs, err := d.db.ListVillages(ctx, store.VillageFilter{Scope: auth.Scope{All: true}, CommuneCode: commune})
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			ids = append(ids, v.ID)
		}
	case "learning_unit":
		us, err := d.db.ListWorkUnits(ctx, auth.Scope{Communes: []string{commune}})
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			ids = append(ids, u.ID)
		}
	case "learning_community_commune":
		n, err := strconv.ParseInt(commune, 10, 64) // base 10: a code such as "09619" is not octal
		if err != nil {
			return nil, err
		}
		ids = append(ids, n)
	}
	return ids, nil
}

// kindOf is the subject kind of a collective title.
var kindOf = map[string]string{"learning_family": criteria.SubjectHousehold, "learning_clan": criteria.SubjectClan,
	"learning_community": criteria.SubjectVillage, "learning_unit": criteria.SubjectWorkUnit, "learning_community_commune": criteria.SubjectCommune}

// collectiveScores draws the scores a subject gives itself on the items typed by hand; the
// computed ones come from the registry.
func (d *demoEvaluation) collectiveScores(set *criteria.Set) map[string]int {
	out := map[string]int{}
	good := d.rnd.Float64() < 0.7
	for _, in := range set.TargetGroups[0].Indicators {
		if in.Computed.Measure != "" {
			continue
		}
		switch {
		case in.Max == 1:
			out[in.Code] = 1
			if !good && d.rnd.Float64() < 0.3 {
				out[in.Code] = 0
			}
		case good:
			out[in.Code] = in.Max - d.rnd.IntN(max(in.Max/5, 1)+1)/2
		default:
			out[in.Code] = in.Max/2 + d.rnd.IntN(in.Max/2+1)
		}
	}
	return out
}

func (d *demoEvaluation) pastCollective(ctx context.Context, setID int64, title string, year int) error {
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
	var done []int64
	for _, commune := range d.communes {
		ids, err := d.subjects(ctx, title, commune)
		if err != nil {
			return err
		}
		var mine []int64
		for _, id := range ids {
			if title == "learning_family" && d.rnd.Float64() > 0.5 {
				continue
			}
			a, err := d.at(y+"-03-01").Register(ctx, nil, cy.ID, kindOf[title], id)
			if err != nil {
				return err
			}
			_, err = d.at(y+"-09-20").Submit(ctx, nil, a.ID, recognition.Submission{Scores: d.collectiveScores(set)})
			if fault.KindOf(err) == fault.Invalid || fault.KindOf(err) == fault.Conflict {
				continue // nothing to compute (no adult, no staff): it stays registered
			}
			if err != nil {
				return err
			}
			mine = append(mine, a.ID)
		}
		if _, err := d.at(y+"-10-25").VerifyMany(ctx, nil, mine); err != nil {
			return err
		}
		if _, err := d.at(y+"-11-18").AppraiseMany(ctx, nil, mine); err != nil {
			return err
		}
		done = append(done, mine...)
		if set.RecognisingLevel() == "city" || len(mine) == 0 {
			continue
		}
		if _, err := d.at(y+"-12-12").Decide(ctx, nil, cy.ID, commune, recognition.DecisionInput{
			Number: fmt.Sprintf("%d/QĐ-UBND", 40+len(done)), SignedOn: y + "-12-12", Signer: "Phạm Quang Huy",
			SignerTitle: "Chủ tịch Ủy ban nhân dân", IssuingBody: "Ủy ban nhân dân " + d.communeName(commune)}); err != nil {
			return err
		}
	}
	if set.RecognisingLevel() == "city" && len(done) > 0 {
		if _, err := d.at(y+"-12-14").Decide(ctx, nil, cy.ID, "", recognition.DecisionInput{Number: "1250/QĐ-UBND", SignedOn: y + "-12-14",
			Signer: "Nguyễn Thị Thu", SignerTitle: "Phó Chủ tịch Ủy ban nhân dân Thành phố", IssuingBody: "Ủy ban nhân dân Thành phố Hà Nội"}); err != nil {
			return err
		}
	}
	if d.out != nil {
		fmt.Fprintf(d.out, "demo: %d: %s, %d decided\n", year, recognition.TitleName(title), len(done))
	}
	return nil
}

// currentCollective opens this year's cycles of the collective titles (the commune-level
// community is valid for three years and has none) and starts some of them, away from the
// collector's village and the school.
func (d *demoEvaluation) currentCollective(ctx context.Context, sets map[string]int64, year int, collectorVillage int64) error {
	now := d.db.Now().In(clock.Vietnam)
	day := func(days int) string { return now.AddDate(0, 0, days).Format("2006-01-02") }
	opens := fmt.Sprintf("%d-01-05", year)
	if opens > day(0) {
		opens = day(0)
	}
	rec := &recognition.Service{DB: d.db, Units: d.units}
	for _, title := range collectiveOrder[:4] {
		cy, err := rec.CreateCycle(ctx, nil, recognition.CycleInput{Year: year, CriteriaSetID: sets[title], Dates: evaluation.Dates{
			OpensOn: opens, PledgeBy: day(21), SelfAssessBy: day(28), VerifyBy: day(35), AppraiseBy: day(40), DecideBy: day(45)}})
		if err != nil {
			return err
		}
		if title != "learning_family" {
			continue
		}
		set, err := rec.Set(ctx, sets[title])
		if err != nil {
			return err
		}
		vs, err := d.db.ListVillages(ctx, store.VillageFilter{Scope: auth.Scope{All: true}, CommuneCode: d.communes[0]})
		if err != nil {
			return err
		}
		for _, v := range vs {
			if v.ID == collectorVillage || v.RetiredOn != "" {
				continue
			}
			hs, _, err := d.db.HouseholdsOfVillage(ctx, v.ID)
			if err != nil {
				return err
			}
			for i, h := range hs {
				if i%2 == 1 {
					continue
				}
				a, err := rec.Register(ctx, nil, cy.ID, criteria.SubjectHousehold, h.ID)
				if err != nil {
					return err
				}
				if i%4 == 0 {
					if _, err := rec.Submit(ctx, nil, a.ID, recognition.Submission{Scores: d.collectiveScores(set)}); err != nil && fault.KindOf(err) != fault.Invalid {
						return err
					}
				}
			}
		}
	}
	return nil
}
