package faults

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"hoctap/internal/account"
	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/demo"
	"hoctap/internal/evaluation"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/registry"
	"hoctap/internal/store"
)

// The demo's first ward and its first residential group, where the collector works.
const (
	commune     = "00004" // Phường Ba Đình
	villageName = "Tổ dân phố số 1"
)

// Sizes of the base database: enough appraised records that a decision takes a while, and
// enough pledged people for 200 clients at once plus a burst.
const (
	baseRoster    = 1400 // adults imported into the collector's residential group
	baseAppraised = 700  // of them self-assessed, verified and appraised
)

// fixture is what the base database holds for the tests.
type fixture struct {
	VillageID  int64
	CycleID    int64               // this year's Learning Citizen cycle
	Appraised  []int64             // appraised assessments of the commune, not yet decided
	Pledged    []pledge            // pledged and not self-assessed, in the collector's village
	Indicators map[string][]scored // target group → the indicators a person scores
	Sessions   []string            // session tokens of the collector, one per concurrent client
}

// pledge is one person's assessment waiting for their self-assessment.
type pledge struct {
	ID    int64
	Group string
}

// scored is an indicator and the points the tests give it.
type scored struct {
	Code   string
	Points int
}

// prepareBase adds the tests' people and records to the demo database, through the same
// services the pages call: n adults in the collector's residential group, all pledged, the
// first appraised of them self-assessed, verified and appraised; and sessions sessions of the
// collector, whose login is given.
func prepareBase(ctx context.Context, dbURL string, n, appraised int, collector string, sessions int) (fixture, error) {
	var fx fixture
	ctx = audit.WithActor(ctx, audit.Actor{Name: "faults"})
	db, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		return fx, err
	}
	defer db.Close()
	units, err := adminunit.LoadHanoi()
	if err != nil {
		return fx, err
	}
	vs, err := db.ListVillages(ctx, store.VillageFilter{Scope: auth.Scope{All: true}, CommuneCode: commune})
	if err != nil {
		return fx, err
	}
	for _, v := range vs {
		if v.Name == villageName {
			fx.VillageID = v.ID
		}
	}
	if fx.VillageID == 0 {
		return fx, fmt.Errorf("the demo has no %s in commune %s", villageName, commune)
	}

	reg := &registry.Service{DB: db, Units: units}
	data, ids := roster(11, "036", n, villageName)
	imp, err := reg.ImportCitizens(ctx, commune, "faults.csv", data, registry.CitizenImportOptions{ConsentAttested: true}, false)
	if err != nil {
		return fx, fmt.Errorf("import the roster: %w", err)
	}
	for _, r := range imp.Rows {
		if len(r.Errors) > 0 {
			return fx, fmt.Errorf("row %d of the roster (%q): %+v", r.Number, r.Cells, r.Errors)
		}
	}
	known, err := db.CitizensOfCommuneByID(ctx, commune)
	if err != nil {
		return fx, err
	}
	mine := map[int64]bool{}
	var citizens []int64
	for _, id := range ids {
		k, ok := known["id:"+id]
		if !ok {
			return fx, fmt.Errorf("the imported person %s is missing", id)
		}
		mine[k.ID] = true
		citizens = append(citizens, k.ID)
	}

	rec := &recognition.Service{DB: db, Units: units}
	cy, err := rec.CurrentCycle(ctx)
	if err != nil {
		return fx, err
	}
	fx.CycleID = cy.ID
	set, err := rec.Set(ctx, cy.CriteriaSetID)
	if err != nil {
		return fx, err
	}
	fx.Indicators = map[string][]scored{}
	for _, g := range set.TargetGroups {
		for _, in := range g.Indicators {
			fx.Indicators[g.Code] = append(fx.Indicators[g.Code], scored{Code: in.Code, Points: in.Max * 8 / 10})
		}
	}
	if _, err := rec.PledgeMany(ctx, nil, cy.ID, citizens); err != nil {
		return fx, fmt.Errorf("pledge: %w", err)
	}
	as, _, err := db.Assessments(ctx, store.AssessmentQuery{CycleID: cy.ID, Scope: auth.Scope{All: true}, CommuneCode: commune,
		States: []evaluation.State{evaluation.StatePledged}})
	if err != nil {
		return fx, err
	}
	slices.SortFunc(as, func(a, b store.Assessment) int { return int(a.ID - b.ID) })
	var appraise []int64
	for _, a := range as {
		if !mine[a.CitizenID] {
			continue
		}
		if len(appraise) == appraised {
			fx.Pledged = append(fx.Pledged, pledge{ID: a.ID, Group: a.TargetGroup})
			continue
		}
		sub := recognition.Submission{Scores: scoresOf(fx.Indicators[a.TargetGroup]), ConsentMethod: recognition.ConsentPaper}
		if _, err := rec.Submit(ctx, nil, a.ID, sub); err != nil {
			return fx, fmt.Errorf("self-assess %d: %w", a.ID, err)
		}
		appraise = append(appraise, a.ID)
	}
	if fx.Sessions, err = signIn(ctx, db, collector, sessions); err != nil {
		return fx, err
	}
	if len(appraise) == 0 {
		return fx, db.Optimize(ctx)
	}
	if _, err := rec.VerifyMany(ctx, nil, appraise); err != nil {
		return fx, fmt.Errorf("verify: %w", err)
	}
	if _, err := rec.AppraiseMany(ctx, nil, appraise); err != nil {
		return fx, fmt.Errorf("appraise: %w", err)
	}
	done, _, err := db.Assessments(ctx, store.AssessmentQuery{CycleID: cy.ID, Scope: auth.Scope{All: true}, CommuneCode: commune,
		States: []evaluation.State{evaluation.StateAppraised}})
	if err != nil {
		return fx, err
	}
	for _, a := range done {
		fx.Appraised = append(fx.Appraised, a.ID)
	}
	return fx, db.Optimize(ctx)
}

// signIn opens n sessions of the account with login, as n logins would, and returns their
// tokens. Made here, not through the login form: each login spends about 50 ms and 19 MiB on
// argon2id, and 200 of them were most of TestConcurrentClients' time.
func signIn(ctx context.Context, db *store.DB, login string, n int) ([]string, error) {
	kind, norm, ok := auth.ParseLogin(login)
	if !ok {
		return nil, fmt.Errorf("bad login %q", login)
	}
	u, err := db.UserByLogin(ctx, kind, norm)
	if err != nil {
		return nil, err
	}
	var tokens []string
	err = db.Write(ctx, func(tx *store.Tx) error {
		for range n {
			token, err := auth.NewToken()
			if err != nil {
				return err
			}
			if err := tx.CreateSession(ctx, account.HashToken(token), u.ID, 12*time.Hour, "127.0.0.1", "faults"); err != nil {
				return err
			}
			tokens = append(tokens, token)
		}
		return nil
	})
	return tokens, err
}

// scoresOf is the self-assessment the tests send: the same points as scored says.
func scoresOf(ins []scored) map[string]int {
	out := map[string]int{}
	for _, in := range ins {
		out[in.Code] = in.Points
	}
	return out
}

// roster writes a CSV roster of n adults, each the head of a household of one, living in
// village, as a commune's list has them. Their ID numbers carry the birth province given, which
// the demo never uses, so they meet no one already registered. It returns the file and the
// ID numbers.
func roster(seed uint64, province string, n int, village string) ([]byte, []string) {
	names, err := demo.LoadNames()
	if err != nil {
		panic(err) // embedded data
	}
	gen := demo.NewGenerator(names, seed)
	today := time.Now()
	var b bytes.Buffer
	b.WriteString("STT,Số hộ,Họ và tên,Ngày sinh,Giới tính,Số CCCD,Quan hệ với chủ hộ,Thôn/Tổ dân phố\n")
	ids := make([]string, 0, n)
	for i := range n {
		p := gen.Person(province, 20, 80, today)
		g := "Nam"
		if p.Gender == people.GenderFemale {
			g = "Nữ"
		}
		fmt.Fprintf(&b, "%d,F%s%06d,%s,%s,%s,%s,Chủ hộ,%s\n", i+1, province, i, p.FullName, p.BirthDate.Format("02/01/2006"), g, p.NationalID, village)
		ids = append(ids, p.NationalID)
	}
	return b.Bytes(), ids
}
