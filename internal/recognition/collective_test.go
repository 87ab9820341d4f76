package recognition_test

// The collective titles (Gia đình học tập, Dòng họ học tập, Cộng đồng học tập, Đơn vị học tập)
// on the engine of the individual title: computed items on small fixtures with known answers,
// the workflow per title and role, and the certificates of a title the city recognises.

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

const (
	familyFile    = "learning-family-qd448.json"
	clanFile      = "learning-clan.json"
	villageFile   = "learning-community-village.json"
	communeFile   = "learning-community-commune-tt25.json"
	unitTT22File  = "learning-unit-tt22.json"
	unitTT24File  = "learning-unit-tt24.json"
	familyHeadVN  = "Nguyễn Văn An"
	familyMasked  = "Hộ Nguyễn V. A."
	householdKind = criteria.SubjectHousehold
)

// wantComputed checks one computed item: numerator, denominator, percent, points, defined.
func wantComputed(t *testing.T, what string, got store.Computation, num, den, pct, points int) {
	t.Helper()
	if got.Numerator != num || got.Denominator != den || got.Percent != pct || got.Points != points || !got.Defined {
		t.Errorf("%s: %d/%d = %d%% → %d points (defined %v), want %d/%d = %d%% → %d points",
			what, got.Numerator, got.Denominator, got.Percent, got.Points, got.Defined, num, den, pct, points)
	}
}

// TestCollectiveHouseholdItems: a household of four — two adults of 19–60 of whom one is a
// learning citizen this year, a pupil of 10, a grandparent of 70 — has GD06 at 1/2 = 50% → 5 of
// 10 points and GD01 at 1/1 → 10; a household with no child of school age gets GD01 in full
// (if_none "full"). The computed points replace what the form sends.
func TestCollectiveHouseholdItems(t *testing.T) {
	w := newWorld(t)
	cy := w.titleCycle(familyFile, 2026, longDates2026)
	_, set := w.shipped(familyFile)

	head := w.member(w.reg, w.v1, 0, familyHeadVN, 1990, people.GroupResident) // 36 at the end of 2026
	h := head.HouseholdID
	spouse := w.member(w.reg, w.v1, h, "Trần Thị Bình", 1980, people.GroupWorker) // 46
	child := w.member(w.reg, w.v1, h, "Nguyễn Văn Cường", 2016, people.GroupStudent)
	grandma := w.member(w.reg, w.v1, h, "Lê Thị Dung", 1956, people.GroupResident) // 70: not an adult of 19–60
	w.recognise(head)

	single := w.member(w.reg, w.v1, 0, "Phạm Văn Giang", 1988, people.GroupResident) // no child

	a := w.register(w.collector1, cy, householdKind, h)
	if a.SubjectName != "Hộ "+familyHeadVN || a.CitizenID != head.ID || a.VillageID != w.v1.ID || a.TargetGroup != "household" {
		t.Fatalf("registered household: %+v", a)
	}
	c := w.computed(a)
	wantComputed(t, "GD06 (adults recognised)", c["GD06"], 1, 2, 50, 5)
	wantComputed(t, "GD01 (children at school)", c["GD01"], 1, 1, 100, 10)
	if !sameIDs(c["GD06"].Members, head, spouse) || !sameIDs(c["GD01"].Members, child) {
		t.Errorf("members behind the figures: GD06 %v, GD01 %v (grandmother %d must be in neither)", c["GD06"].Members, c["GD01"].Members, grandma.ID)
	}
	if c["GD06"].On != "2026-04-15" {
		t.Errorf("reference day %q, want today 2026-04-15 (before 31 December)", c["GD06"].On)
	}
	if len(c) != 2 {
		t.Errorf("computed items %v, want GD01 and GD06 only", c)
	}

	// Typed scores of computed items are replaced by the registry's figures.
	a = w.submit(w.collector1, a, itemScores(set, "household", 10))
	if a.Scores["GD06"] != 5 || a.Scores["GD01"] != 10 || a.SelfScores["GD06"] != 5 || a.Total != 95 || !a.Passed {
		t.Fatalf("submitted household: GD06 %d GD01 %d total %d passed %v", a.Scores["GD06"], a.Scores["GD01"], a.Total, a.Passed)
	}
	if a.Computed["GD06"].Points != 5 || a.Computed["GD06"].Denominator != 2 {
		t.Fatalf("recorded computation: %+v", a.Computed)
	}
	if a.ConsentMethod != "" {
		t.Errorf("a household's submission asked for a person's consent: %q", a.ConsentMethod)
	}

	b := w.register(nil, cy, householdKind, single.HouseholdID)
	c = w.computed(b)
	wantComputed(t, "GD01 of a household without children (if_none full)", c["GD01"], 0, 0, 100, 10)
	wantComputed(t, "GD06 of a single adult not recognised", c["GD06"], 0, 1, 0, 0)
	if len(c["GD01"].Members) != 0 {
		t.Errorf("GD01 members %v, want none", c["GD01"].Members)
	}
}

// TestCollectiveMoveDuringYear: a person counts in the household they belong to on the
// reference day (31 December, or today when earlier). Someone who left household 1 at the end
// of June for household 2 from 1 July counts in household 1 before the move and in household 2
// after it, never in both.
func TestCollectiveMoveDuringYear(t *testing.T) {
	w := newWorld(t)
	cy := w.titleCycle(familyFile, 2026, longDates2026)
	_, set := w.shipped(familyFile)
	_, jan := w.pastServices(clockAt("2026-01-05"))

	x := w.member(jan, w.v1, 0, "Hoàng Văn Hùng", 1980, people.GroupResident)
	mover := w.member(jan, w.v1, x.HouseholdID, "Hoàng Thị Lan", 1995, people.GroupResident)
	y := w.member(jan, w.v2, 0, "Vũ Văn Minh", 1985, people.GroupResident)
	w.recognise(mover) // a learning citizen of 2026, wherever she lives

	// Recorded ahead of time: she leaves household 1 on 1 July (the end is exclusive: her
	// last day there is 30 June) and joins household 2, in village 2, that day.
	jul := w.db.WithClock(clockAt("2026-07-01"))
	if err := jul.Write(w.ctx, func(tx *store.Tx) error {
		return tx.SetHousehold(w.ctx, mover.ID, y.HouseholdID, people.RelationSpouse)
	}); err != nil {
		t.Fatal(err)
	}
	h1 := w.register(nil, cy, householdKind, x.HouseholdID)
	h2 := w.register(nil, cy, householdKind, y.HouseholdID)

	// 15 April: still in household 1.
	c1, c2 := w.computed(h1), w.computed(h2)
	wantComputed(t, "household 1 before the move", c1["GD06"], 1, 2, 50, 5)
	wantComputed(t, "household 2 before the move", c2["GD06"], 0, 1, 0, 0)
	if !sameIDs(c1["GD06"].Members, x, mover) || !sameIDs(c2["GD06"].Members, y) {
		t.Errorf("members before the move: %v and %v", c1["GD06"].Members, c2["GD06"].Members)
	}
	// 30 June, her last day in household 1.
	w.clk.Advance(76 * 24 * time.Hour)
	if d := w.svc.Today(); d != "2026-06-30" {
		t.Fatalf("today %s", d)
	}
	wantComputed(t, "household 1 on 30 June", w.computed(h1)["GD06"], 1, 2, 50, 5)
	wantComputed(t, "household 2 on 30 June", w.computed(h2)["GD06"], 0, 1, 0, 0)

	// 3 August: she counts in household 2 only.
	w.clk.Advance(34 * 24 * time.Hour)
	c1, c2 = w.computed(h1), w.computed(h2)
	wantComputed(t, "household 1 after the move", c1["GD06"], 0, 1, 0, 0)
	wantComputed(t, "household 2 after the move", c2["GD06"], 1, 2, 50, 5)
	if !sameIDs(c1["GD06"].Members, x) || !sameIDs(c2["GD06"].Members, mover, y) || c2["GD06"].On != "2026-08-03" {
		t.Errorf("members after the move: %v and %v (on %s)", c1["GD06"].Members, c2["GD06"].Members, c2["GD06"].On)
	}
	// What is submitted is what the registry says on the day of the submission.
	a2 := w.submit(nil, h2, itemScores(set, "household", 10))
	if a2.Scores["GD06"] != 5 || a2.Computed["GD06"].On != "2026-08-03" {
		t.Fatalf("household 2 submitted: GD06 %d on %s", a2.Scores["GD06"], a2.Computed["GD06"].On)
	}
	a1 := w.submit(nil, h1, itemScores(set, "household", 10))
	if a1.Scores["GD06"] != 0 {
		t.Fatalf("household 1 submitted: GD06 %d, want 0", a1.Scores["GD06"])
	}
	// A household of another year's cycle takes 31 December as its day: 2026's cycle, seen from
	// 2027, counts her in household 2.
	w.clk.Advance(160 * 24 * time.Hour)
	if w.svc.Today() < "2027-01-01" {
		t.Fatalf("today %s", w.svc.Today())
	}
	sh, err := w.db.HouseholdMembersOn(w.ctx, y.HouseholdID, "2026-12-31", 2026, 19, 60, false)
	if err != nil || len(sh.Members) != 2 || len(sh.Counted) != 1 || sh.Counted[0] != mover.ID {
		t.Fatalf("household 2 on 31 December: %v %+v", err, sh)
	}
}

// TestCollectiveTwoHouseholds: a person recorded in two households on the same day is refused
// with computed.two_households naming them, and the submission changes nothing.
func TestCollectiveTwoHouseholds(t *testing.T) {
	w := newWorld(t)
	cy := w.titleCycle(familyFile, 2026, longDates2026)
	_, set := w.shipped(familyFile)
	x := w.member(w.reg, w.v1, 0, "Đặng Văn Phúc", 1980, people.GroupResident)
	twice := w.member(w.reg, w.v1, x.HouseholdID, "Đặng Thị Nga", 1982, people.GroupResident)
	other := w.member(w.reg, w.v1, 0, "Bùi Văn Quang", 1979, people.GroupResident)
	a := w.register(nil, cy, householdKind, x.HouseholdID)
	b := w.register(nil, cy, householdKind, other.HouseholdID)

	db := w.raw()
	if _, err := db.ExecContext(w.ctx, fmt.Sprintf(`INSERT INTO household_memberships (province_code, commune_code, household_id, citizen_id, relation, start_on)
		VALUES ('%s', '%s', %d, %d, 'other', '2026-01-01')`, province, commune, other.HouseholdID, twice.ID)); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []store.Assessment{a, b} {
		err := w.unchanged([]int64{sub.ID}, func() error {
			_, err := w.svc.Submit(w.ctx, w.collector1, sub.ID, recognition.Submission{Scores: itemScores(set, "household", 10)})
			return err
		})
		wantKey(t, err, fault.Conflict, "computed.two_households")
		if fe, _ := fault.As(err); len(fe.Args) == 0 || fe.Args[0] != twice.FullName {
			t.Errorf("the error %v does not name %s", err, twice.FullName)
		}
		if _, err := w.svc.Computed(w.ctx, sub); !isKey(err, "computed.two_households") {
			t.Errorf("the form's figures of %s: %v", sub.SubjectName, err)
		}
	}
}

// TestCollectiveUndefinedItems: a share with nothing to count refuses the submission (the
// subject cannot be recognised on an undefined figure) and changes nothing: a household with no
// adult of 19–60, a clan with no households, a work unit with no staff, a village with no
// households.
func TestCollectiveUndefinedItems(t *testing.T) {
	w := newWorld(t)
	family := w.titleCycle(familyFile, 2026, longDates2026)
	clans := w.titleCycle(clanFile, 2026, longDates2026)
	units := w.titleCycle(unitTT22File, 2026, longDates2026)
	villages := w.titleCycle(villageFile, 2026, longDates2026)

	old := w.member(w.reg, w.v1, 0, "Lê Văn Sơn", 1950, people.GroupResident) // 76
	w.member(w.reg, w.v1, old.HouseholdID, "Lê Văn Trung", 2018, people.GroupStudent)
	rep := w.member(w.reg, w.v1, 0, "Phạm Văn Vân", 1970, people.GroupResident)
	clan, err := w.reg.CreateClan(w.ctx, nil, store.Clan{CommuneCode: commune, Name: "Dòng họ Phạm", Origin: "Hà Nội"}, rep.NationalID)
	if err != nil {
		t.Fatal(err)
	}
	unit, err := w.reg.CreateWorkUnit(w.ctx, nil, store.WorkUnit{CommuneCode: commune, Name: "Trạm Y tế phường", Kind: w.unit.Kind, Level: w.unit.Level})
	if err != nil {
		t.Fatal(err)
	}
	empty, err := w.reg.CreateVillage(w.ctx, nil, villageOf(w, "Tổ dân phố số 9"))
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		cy   store.Cycle
		file string
		kind string
		id   int64
		code string
	}{
		{"household with no adult of 19–60", family, familyFile, householdKind, old.HouseholdID, "GD06"},
		{"clan with no households", clans, clanFile, criteria.SubjectClan, clan.ID, "DH02"},
		{"work unit with no staff", units, unitTT22File, criteria.SubjectWorkUnit, unit.ID, "DV08"},
		{"village with no households", villages, villageFile, criteria.SubjectVillage, empty.ID, "CD06"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, set := w.shipped(tc.file)
			a := w.register(w.communeOfficer, tc.cy, tc.kind, tc.id)
			if c := w.computed(a)[tc.code]; c.Defined || c.Denominator != 0 {
				t.Errorf("%s shows %+v, want undefined", tc.code, c)
			}
			err := w.unchanged([]int64{a.ID}, func() error {
				_, err := w.svc.Submit(w.ctx, w.communeOfficer, a.ID, recognition.Submission{Scores: itemScores(set, set.TargetGroups[0].Code, 10)})
				return err
			})
			wantKey(t, err, fault.Invalid, "assessment.computed.undefined")
			if es := fault.FieldErrors(err); len(es) != 1 || es[0].Field != tc.code {
				t.Errorf("errors %v, want one on %s", es, tc.code)
			}
			if w.state(a.ID) != evaluation.StatePledged {
				t.Errorf("state %s", w.state(a.ID))
			}
		})
	}
	// The household's GD01 stays defined (a pupil of 8 at school): only GD06 refuses.
	a, _ := w.db.SubjectAssessment(w.ctx, family.ID, householdKind, old.HouseholdID)
	wantComputed(t, "GD01 of the elderly household", w.computed(a)["GD01"], 1, 1, 100, 10)
}

// TestCollectiveUnitTT22: the share of a unit's staff who are learning citizens (DV08, 25
// points at 100%, nothing below it) on a unit of 100: 99 recognised is 99% → 0 points, the
// hundredth makes it 25; TT 22 grades the appraised record (85 points: Tốt). Only the commune
// verifies, appraises and decides; the certificate names the grade.
func TestCollectiveUnitTT22(t *testing.T) {
	w := newWorld(t)
	cy := w.titleCycle(unitTT22File, 2026, longDates2026)
	_, set := w.shipped(unitTT22File)
	g, _ := set.Group("unit")
	for _, in := range g.Indicators {
		if in.Code != "DV08" {
			continue
		}
		for _, c := range []struct{ num, den, points, pct int }{{100, 100, 25, 100}, {99, 100, 0, 99}, {199, 200, 0, 99}, {0, 3, 0, 0}} {
			if p, pct, ok := in.ComputedScore(c.num, c.den); p != c.points || pct != c.pct || !ok {
				t.Errorf("DV08 at %d/%d: %d points, %d%%, want %d, %d%%", c.num, c.den, p, pct, c.points, c.pct)
			}
		}
	}

	var staff []people.Citizen
	for range 100 {
		staff = append(staff, w.staff())
	}
	w.recognise(staff[:99]...)

	// Self-assessed by the unit's officer: 60 points besides DV08.
	sc := map[string]int{"DV01": 10, "DV02": 10, "DV03": 10, "DV04": 10, "DV05": 5, "DV06": 5, "DV07": 5, "DV08": 25, "DV09": 5, "DV10": 0}
	for _, by := range []*auth.Principal{w.collector1, w.otherCommune, w.citizenOf(staff[0])} {
		err := w.unchanged(nil, func() error {
			_, err := w.svc.Register(w.ctx, by, cy.ID, criteria.SubjectWorkUnit, w.unit.ID)
			return err
		})
		if fault.KindOf(err) != fault.Forbidden {
			t.Errorf("%s registered the school: %v", by.DisplayName, err)
		}
	}
	a := w.register(w.unitOfficer, cy, criteria.SubjectWorkUnit, w.unit.ID)
	a = w.submit(w.unitOfficer, a, sc)
	wantComputed(t, "DV08 at 99 of 100", a.Computed["DV08"], 99, 100, 99, 0)
	if a.Total != 60 || !a.Passed {
		t.Fatalf("at 99%%: total %d passed %v", a.Total, a.Passed)
	}
	if len(a.Computed["DV08"].Members) != 100 {
		t.Errorf("DV08 lists %d staff", len(a.Computed["DV08"].Members))
	}
	w.recognise(staff[99])
	a = w.submit(w.unitOfficer, a, sc)
	wantComputed(t, "DV08 at 100 of 100", a.Computed["DV08"], 100, 100, 100, 25)
	if a.Total != 85 || !a.Passed {
		t.Fatalf("at 100%%: total %d passed %v", a.Total, a.Passed)
	}
	if r, err := set.Evaluate("unit", a.Scores); err != nil || r.Grade == nil || r.Grade.NameVI != "Tốt" {
		t.Fatalf("grade of 85: %v %+v", err, r.Grade)
	}

	// Verification by the commune only: not the village, not the unit itself.
	for _, by := range []*auth.Principal{w.collector1, w.unitOfficer, w.otherCommune, w.city} {
		err := w.unchanged([]int64{a.ID}, func() error { _, err := w.svc.Verify(w.ctx, by, a.ID, nil); return err })
		if fault.KindOf(err) != fault.Forbidden {
			t.Errorf("%s verified the unit: %v", by.DisplayName, err)
		}
		if recognition.MayVerify(by, a) {
			t.Errorf("MayVerify(%s) for the unit", by.DisplayName)
		}
	}
	if !recognition.MayVerify(w.communeOfficer, a) {
		t.Errorf("the commune officer may not verify the unit")
	}
	if _, err := w.svc.Verify(w.ctx, w.communeOfficer, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	for _, by := range []*auth.Principal{w.unitOfficer, w.city, w.otherCommune} {
		err := w.unchanged([]int64{a.ID}, func() error { return w.svc.Appraise(w.ctx, by, a.ID, true, "") })
		if fault.KindOf(err) != fault.Forbidden {
			t.Errorf("%s appraised a unit the commune recognises: %v", by.DisplayName, err)
		}
	}
	if err := w.svc.Appraise(w.ctx, w.communeOfficer, a.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	a, _ = w.db.Assessment(w.ctx, a.ID)
	if a.Grade != "tot" || a.Level != 0 || a.State != evaluation.StateAppraised {
		t.Fatalf("appraised: grade %q level %d state %s", a.Grade, a.Level, a.State)
	}
	for _, by := range []*auth.Principal{w.city, w.otherCommune, w.unitOfficer} {
		err := w.unchanged([]int64{a.ID}, func() error { _, err := w.svc.Decide(w.ctx, by, cy.ID, commune, w.decision()); return err })
		if fault.KindOf(err) != fault.Forbidden {
			t.Errorf("%s decided the commune's units: %v", by.DisplayName, err)
		}
	}
	d, err := w.svc.Decide(w.ctx, w.communeOfficer, cy.ID, commune, w.decision())
	if err != nil {
		t.Fatal(err)
	}
	if d.CommuneCode != commune {
		t.Errorf("decision of %q", d.CommuneCode)
	}
	a, _ = w.db.Assessment(w.ctx, a.ID)
	if a.State != evaluation.StateRecognised || a.ValidUntil != 2026 {
		t.Fatalf("decided: %s valid until %d", a.State, a.ValidUntil)
	}
	k, err := w.db.CertificateOf(w.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.svc.Verification(w.ctx, k.Code)
	if err != nil || v.TitleName != "Đơn vị học tập" || v.Grade != "Tốt" || v.MaskedName != w.unit.Name || v.ValidUntil != 2026 ||
		v.CommuneName != "Phường Ba Đình" {
		t.Fatalf("verification: %v %+v", err, v)
	}
	var pdf bytes.Buffer
	if err := w.svc.CertificatePDF(w.ctx, w.communeOfficer, a.ID, "https://hoctap.example", &pdf); err != nil {
		t.Fatal(err)
	}
	if txt := pdfText(t, pdf.Bytes()); !strings.Contains(txt, w.unit.Name) || !strings.Contains(txt, "Tốt") {
		t.Errorf("certificate text: %s", txt)
	}
}

// TestCollectiveUnitTT24Levels: under TT 24/2023 the city recognises units at two levels: 92% of
// staff recognised is level 1; 96% reaches level 2 only when a level-1 decision was signed at
// least 12 months before, and is otherwise proposed at level 1. The commune verifies but neither
// appraises nor decides; the city's decision (for the whole city) issues certificates valid for
// three years that name the level.
func TestCollectiveUnitTT24Levels(t *testing.T) {
	w := newWorld(t)
	_, set := w.shipped(unitTT24File)
	clk25 := clockAt("2025-02-01")
	svc25, reg25 := w.pastServices(clk25)
	mkUnit := func(name string) store.WorkUnit {
		u, err := w.reg.CreateWorkUnit(w.ctx, nil, store.WorkUnit{CommuneCode: commune, Name: name, Kind: w.unit.Kind, Level: w.unit.Level})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	early, late, fresh := mkUnit("Trường Mầm non Hoa Sen"), mkUnit("Trường THCS Phan Chu Trinh"), mkUnit("Trường Tiểu học Ngọc Hà")
	staffOf := map[int64][]people.Citizen{}
	for _, u := range []store.WorkUnit{early, late} {
		for range 25 {
			staffOf[u.ID] = append(staffOf[u.ID], w.staffAt(reg25, u.ID)) // employed since February 2025
		}
	}
	for range 25 {
		staffOf[fresh.ID] = append(staffOf[fresh.ID], w.staffAt(w.reg, fresh.ID))
	}

	// 2025: both older units are recognised at level 1, one in April, one in June. Nobody of
	// their staff was a learning citizen in 2025: the commune changes DV09 with a reason.
	cy25 := w.titleCycle(unitTT24File, 2025, dates2025)
	ones := itemScores(set, "unit", 2)
	past := map[int64]int64{}
	for _, u := range []store.WorkUnit{early, late} {
		a, err := svc25.Register(w.ctx, nil, cy25.ID, criteria.SubjectWorkUnit, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a, err = svc25.Submit(w.ctx, nil, a.ID, recognition.Submission{Scores: ones}); err != nil {
			t.Fatal(err)
		}
		wantComputed(t, "DV09 in 2025", a.Computed["DV09"], 0, 25, 0, 0)
		if _, err := svc25.Verify(w.ctx, w.communeOfficer, a.ID, map[string]recognition.ScoreChange{
			"DV09": {To: 100, Reason: "Theo báo cáo năm 2025 của đơn vị"}}); err != nil {
			t.Fatal(err)
		}
		past[u.ID] = a.ID
	}
	decide25 := func(unit store.WorkUnit, signed string) {
		if err := svc25.Appraise(w.ctx, w.city, past[unit.ID], true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc25.Decide(w.ctx, w.city, cy25.ID, "", recognition.DecisionInput{Number: "QĐ-" + signed, SignedOn: signed,
			Signer: "Trần Văn Sở", SignerTitle: "Giám đốc Sở Giáo dục và Đào tạo", IssuingBody: "Sở Giáo dục và Đào tạo Hà Nội"}); err != nil {
			t.Fatal(err)
		}
		a, _ := w.db.Assessment(w.ctx, past[unit.ID])
		if a.State != evaluation.StateRecognised || a.Level != 1 || a.ValidUntil != 2027 {
			t.Fatalf("%s in 2025: %s level %d valid until %d (level 2 needs a year at level 1)", unit.Name, a.State, a.Level, a.ValidUntil)
		}
	}
	clk25.Advance(70 * 24 * time.Hour) // 12 April 2025
	decide25(early, "2025-04-10")
	clk25.Advance(51 * 24 * time.Hour) // 2 June 2025
	decide25(late, "2025-06-01")

	// 2026: 24 of 25 are learning citizens in the older units (96%), 23 of 25 in the new one (92%).
	var learners []people.Citizen
	learners = append(learners, staffOf[early.ID][:24]...)
	learners = append(learners, staffOf[late.ID][:24]...)
	learners = append(learners, staffOf[fresh.ID][:23]...)
	w.recognise(learners...)
	cy := w.titleCycle(unitTT24File, 2026, longDates2026)
	want := map[int64]struct{ num, byScores, level int }{early.ID: {24, 2, 2}, late.ID: {24, 2, 1}, fresh.ID: {23, 1, 1}}
	ids := map[int64]int64{}
	for _, u := range []store.WorkUnit{early, late, fresh} {
		a := w.register(w.communeOfficer, cy, criteria.SubjectWorkUnit, u.ID)
		a = w.submit(w.communeOfficer, a, ones)
		num := want[u.ID].num
		wantComputed(t, u.Name+" DV09", a.Computed["DV09"], num, 25, num*4, num*4)
		if r, err := set.Evaluate("unit", a.Scores); err != nil || r.Level != want[u.ID].byScores {
			t.Errorf("%s reaches level %d by its scores, want %d (%v)", u.Name, r.Level, want[u.ID].byScores, err)
		}
		ids[u.ID] = a.ID
		// Verified by the commune, not by the village's collector, the unit or the city.
		for _, by := range []*auth.Principal{w.collector1, w.city, w.otherCommune} {
			err := w.unchanged([]int64{a.ID}, func() error { _, err := w.svc.Verify(w.ctx, by, a.ID, nil); return err })
			if fault.KindOf(err) != fault.Forbidden {
				t.Errorf("%s verified %s: %v", by.DisplayName, u.Name, err)
			}
		}
		if _, err := w.svc.Verify(w.ctx, w.communeOfficer, a.ID, nil); err != nil {
			t.Fatal(err)
		}
		// Appraised by the city: a commune officer is refused.
		err := w.unchanged([]int64{a.ID}, func() error { return w.svc.Appraise(w.ctx, w.communeOfficer, a.ID, true, "") })
		if fault.KindOf(err) != fault.Forbidden {
			t.Errorf("refused with %v, want forbidden", err)
		}
		if recognition.MayRecognise(w.communeOfficer, a, set) || !recognition.MayRecognise(w.city, a, set) {
			t.Errorf("MayRecognise: commune %v, city %v", recognition.MayRecognise(w.communeOfficer, a, set), recognition.MayRecognise(w.city, a, set))
		}
		if err := w.svc.Appraise(w.ctx, w.city, a.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		a, _ = w.db.Assessment(w.ctx, a.ID)
		if a.Level != want[u.ID].level {
			t.Errorf("%s proposed at level %d, want %d", u.Name, a.Level, want[u.ID].level)
		}
	}
	if w.svc.MayDecide(w.communeOfficer, cy, commune) || !w.svc.MayDecide(w.city, cy, "") {
		t.Errorf("MayDecide: commune %v, city %v", w.svc.MayDecide(w.communeOfficer, cy, commune), w.svc.MayDecide(w.city, cy, ""))
	}
	err := w.unchanged([]int64{ids[early.ID]}, func() error {
		_, err := w.svc.Decide(w.ctx, w.communeOfficer, cy.ID, commune, w.decision())
		return err
	})
	if fault.KindOf(err) != fault.Forbidden {
		t.Errorf("refused with %v, want forbidden", err)
	}
	d, err := w.svc.Decide(w.ctx, w.city, cy.ID, commune, recognition.DecisionInput{Number: "105/QĐ-SGDĐT", SignedOn: "2026-04-15",
		Signer: "Trần Văn Sở", SignerTitle: "Giám đốc Sở Giáo dục và Đào tạo", IssuingBody: "Sở Giáo dục và Đào tạo Hà Nội"})
	if err != nil {
		t.Fatal(err)
	}
	if d.CommuneCode != "" {
		t.Errorf("a city decision for commune %q", d.CommuneCode)
	}
	for _, u := range []store.WorkUnit{early, late, fresh} {
		a, _ := w.db.Assessment(w.ctx, ids[u.ID])
		if a.State != evaluation.StateRecognised || a.ValidUntil != 2028 || a.DecisionID != d.ID {
			t.Errorf("%s: %s valid until %d", u.Name, a.State, a.ValidUntil)
		}
		k, err := w.db.CertificateOf(w.ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		v, err := w.svc.Verification(w.ctx, k.Code)
		wantLevel := fmt.Sprintf("Mức độ %d", want[u.ID].level)
		if err != nil || v.TitleName != "Đơn vị học tập" || v.Grade != wantLevel || v.ValidUntil != 2028 || v.Year != 2026 ||
			v.MaskedName != u.Name || v.Decision != "105/QĐ-SGDĐT" {
			t.Errorf("verification of %s: %v %+v (want %s)", u.Name, err, v, wantLevel)
		}
	}
}

// villageOf returns a new village of the world's commune.
func villageOf(w *world, name string) village.Village {
	return village.Village{CommuneCode: commune, Name: name, Kind: w.v1.Kind}
}

// refusedAll checks that every principal is refused a step (forbidden) and that the refusal
// moves neither the audit head nor the assessments.
func refusedAll(t *testing.T, w *world, what string, ids []int64, bys []*auth.Principal, step func(by *auth.Principal) error) {
	t.Helper()
	for _, by := range bys {
		err := w.unchanged(ids, func() error { return step(by) })
		if fault.KindOf(err) != fault.Forbidden {
			t.Errorf("%s by %s: %v, want forbidden", what, by.DisplayName, err)
		}
	}
}

// TestCollectiveWorkflowByRole takes a household, a clan, a village and the commune through
// registration, verification, appraisal and the decision, each step by who may take it and
// refused to those who may not.
func TestCollectiveWorkflowByRole(t *testing.T) {
	w := newWorld(t)
	ctx := w.ctx
	family := w.titleCycle(familyFile, 2026, longDates2026)
	clans := w.titleCycle(clanFile, 2026, longDates2026)
	villages := w.titleCycle(villageFile, 2026, longDates2026)
	communes := w.titleCycle(communeFile, 2026, longDates2026)
	_, familySet := w.shipped(familyFile)
	_, clanSet := w.shipped(clanFile)
	_, villageSet := w.shipped(villageFile)
	_, communeSet := w.shipped(communeFile)

	// Three households of village 1, each with two adults who are learning citizens.
	var heads []people.Citizen
	var learners []people.Citizen
	for i, name := range []string{familyHeadVN, "Trần Văn Bình", "Lê Văn Cường"} {
		h := w.member(w.reg, w.v1, 0, name, 1980+i, people.GroupResident)
		s := w.member(w.reg, w.v1, h.HouseholdID, "", 1982+i, people.GroupResident)
		heads, learners = append(heads, h), append(learners, h, s)
	}
	w.recognise(learners...)
	stranger := w.citizenOf(w.resident())
	neighbourOfficer, collector2 := w.otherCommune, w.collector2

	// Registration of a household: by its head, by the collector of its village, by the
	// commune; not by another village's collector, the neighbouring ward or another citizen.
	refusedAll(t, w, "register household", nil, []*auth.Principal{neighbourOfficer, collector2, stranger, w.unitOfficer},
		func(by *auth.Principal) error {
			_, err := w.svc.Register(ctx, by, family.ID, householdKind, heads[0].HouseholdID)
			return err
		})
	hs := []store.Assessment{
		w.register(w.citizenOf(heads[0]), family, householdKind, heads[0].HouseholdID),
		w.register(w.collector1, family, householdKind, heads[1].HouseholdID),
		w.register(w.communeOfficer, family, householdKind, heads[2].HouseholdID),
	}
	if _, err := w.svc.Register(ctx, w.collector1, family.ID, householdKind, heads[0].HouseholdID); !isKey(err, "assessment.exists") {
		t.Errorf("registered twice: %v", err)
	}
	// A household registers for its own title only.
	if _, err := w.svc.Register(ctx, nil, clans.ID, householdKind, heads[0].HouseholdID); !isKey(err, "assessment.subject.wrong_title") {
		t.Errorf("a household registered for the clan title: %v", err)
	}
	for i := range hs {
		hs[i] = w.submit(w.citizenOf(heads[i]), hs[i], itemScores(familySet, "household", 9))
		if hs[i].Scores["GD06"] != 10 || hs[i].Total != 92 || !hs[i].Passed {
			t.Fatalf("household %d: GD06 %d total %d", i, hs[i].Scores["GD06"], hs[i].Total)
		}
	}
	// Verification: the collector of the village or the commune.
	refusedAll(t, w, "verify household", []int64{hs[0].ID}, []*auth.Principal{collector2, neighbourOfficer, w.unitOfficer, stranger, w.city},
		func(by *auth.Principal) error { _, err := w.svc.Verify(ctx, by, hs[0].ID, nil); return err })
	headAccount := w.citizenOf(heads[0])
	err := w.unchanged([]int64{hs[0].ID}, func() error { _, err := w.svc.Verify(ctx, headAccount, hs[0].ID, nil); return err })
	if fault.KindOf(err) != fault.Forbidden {
		t.Errorf("the head verified their own household: %v", err)
	}
	for i, by := range []*auth.Principal{w.collector1, w.communeOfficer, w.collector1} {
		if _, err := w.svc.Verify(ctx, by, hs[i].ID, nil); err != nil {
			t.Fatalf("verify household %d by %s: %v", i, by.DisplayName, err)
		}
	}
	// Appraisal and decision: the commune.
	refusedAll(t, w, "appraise household", []int64{hs[0].ID}, []*auth.Principal{w.collector1, w.city, neighbourOfficer},
		func(by *auth.Principal) error { return w.svc.Appraise(ctx, by, hs[0].ID, true, "") })
	for _, a := range hs {
		if err := w.svc.Appraise(ctx, w.communeOfficer, a.ID, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	refusedAll(t, w, "decide households", []int64{hs[0].ID}, []*auth.Principal{w.collector1, w.city, neighbourOfficer},
		func(by *auth.Principal) error {
			_, err := w.svc.Decide(ctx, by, family.ID, commune, w.decision())
			return err
		})
	if _, err := w.svc.Decide(ctx, w.communeOfficer, family.ID, commune, w.decision()); err != nil {
		t.Fatal(err)
	}
	k, err := w.db.CertificateOf(ctx, hs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.svc.Verification(ctx, k.Code)
	if err != nil || v.MaskedName != familyMasked || v.TitleName != "Gia đình học tập" || v.Grade != "" || v.ValidUntil != 2026 {
		t.Fatalf("household verification: %v %+v", err, v)
	}

	// A clan of two of the households: its representative or the collector of their village
	// registers it; only the commune verifies, appraises and decides.
	clan, err := w.reg.CreateClan(ctx, nil, store.Clan{CommuneCode: commune, Name: "Dòng họ Nguyễn Văn", Origin: "Hà Nội"}, heads[0].NationalID)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range heads[:2] {
		if _, err := w.reg.AddClanHousehold(ctx, nil, clan.ID, fmt.Sprint(h.HouseholdID)); err != nil {
			t.Fatal(err)
		}
	}
	extra := w.member(w.reg, w.v1, 0, "Nguyễn Văn Hải", 1975, people.GroupResident) // not a learning family
	if _, err := w.reg.AddClanHousehold(ctx, nil, clan.ID, fmt.Sprint(extra.HouseholdID)); err != nil {
		t.Fatal(err)
	}
	refusedAll(t, w, "register clan", nil, []*auth.Principal{neighbourOfficer, stranger, collector2},
		func(by *auth.Principal) error {
			_, err := w.svc.Register(ctx, by, clans.ID, criteria.SubjectClan, clan.ID)
			return err
		})
	ca := w.register(w.citizenOf(heads[0]), clans, criteria.SubjectClan, clan.ID)
	ca = w.submit(w.collector1, ca, itemScores(clanSet, "clan", 9))
	wantComputed(t, "DH02 (households of the clan recognised)", ca.Computed["DH02"], 2, 3, 66, 20)
	refusedAll(t, w, "verify clan", []int64{ca.ID}, []*auth.Principal{w.collector1, neighbourOfficer, w.city},
		func(by *auth.Principal) error { _, err := w.svc.Verify(ctx, by, ca.ID, nil); return err })
	if _, err := w.svc.Verify(ctx, w.communeOfficer, ca.ID, nil); err != nil {
		t.Fatal(err)
	}
	refusedAll(t, w, "appraise clan", []int64{ca.ID}, []*auth.Principal{w.collector1, w.city, neighbourOfficer},
		func(by *auth.Principal) error { return w.svc.Appraise(ctx, by, ca.ID, true, "") })
	if err := w.svc.Appraise(ctx, w.communeOfficer, ca.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Decide(ctx, w.communeOfficer, clans.ID, commune, w.decision()); err != nil {
		t.Fatal(err)
	}
	if w.state(ca.ID) != evaluation.StateRecognised {
		t.Fatalf("clan: %s", w.state(ca.ID))
	}

	// Village 1: 3 of its 4 households are learning families (75% ≥ 50% → 20 points).
	refusedAll(t, w, "register village", nil, []*auth.Principal{neighbourOfficer, stranger, collector2},
		func(by *auth.Principal) error {
			_, err := w.svc.Register(ctx, by, villages.ID, criteria.SubjectVillage, w.v1.ID)
			return err
		})
	va := w.register(w.communeOfficer, villages, criteria.SubjectVillage, w.v1.ID)
	va = w.submit(w.communeOfficer, va, itemScores(villageSet, "village", 9))
	wantComputed(t, "CD06 (households of the village recognised)", va.Computed["CD06"], 3, 4, 75, 20)
	refusedAll(t, w, "verify village", []int64{va.ID}, []*auth.Principal{w.collector1, neighbourOfficer, w.city},
		func(by *auth.Principal) error { _, err := w.svc.Verify(ctx, by, va.ID, nil); return err })
	if _, err := w.svc.Verify(ctx, w.communeOfficer, va.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Appraise(ctx, w.communeOfficer, va.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Decide(ctx, w.communeOfficer, villages.ID, commune, w.decision()); err != nil {
		t.Fatal(err)
	}

	// The commune (TT 25/2023): registered by the commune, verified, appraised and decided by
	// the city; the commune officer is refused each of those.
	code := int64(4) // 00004
	refusedAll(t, w, "register commune", nil, []*auth.Principal{neighbourOfficer, w.collector1},
		func(by *auth.Principal) error {
			_, err := w.svc.Register(ctx, by, communes.ID, criteria.SubjectCommune, code)
			return err
		})
	xa := w.register(w.communeOfficer, communes, criteria.SubjectCommune, code)
	xa = w.submit(w.communeOfficer, xa, itemScores(communeSet, "commune", 1))
	if c := xa.Computed["CX11"]; c.Numerator != 1 || c.Denominator != 2 || c.Points != 50 {
		t.Errorf("CX11 (villages recognised): %+v, want 1/2 → 50", c)
	}
	refusedAll(t, w, "verify commune", []int64{xa.ID}, []*auth.Principal{w.communeOfficer, w.collector1, neighbourOfficer},
		func(by *auth.Principal) error { _, err := w.svc.Verify(ctx, by, xa.ID, nil); return err })
	if _, err := w.svc.Verify(ctx, w.city, xa.ID, map[string]recognition.ScoreChange{
		"CX10": {To: 100, Reason: "Số liệu điều tra của phường"}, "CX11": {To: 100, Reason: "Tính cả tổ dân phố mới"}}); err != nil {
		t.Fatal(err)
	}
	refusedAll(t, w, "appraise commune", []int64{xa.ID}, []*auth.Principal{w.communeOfficer, neighbourOfficer},
		func(by *auth.Principal) error { return w.svc.Appraise(ctx, by, xa.ID, true, "") })
	if err := w.svc.Appraise(ctx, w.city, xa.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	refusedAll(t, w, "decide commune", []int64{xa.ID}, []*auth.Principal{w.communeOfficer},
		func(by *auth.Principal) error {
			_, err := w.svc.Decide(ctx, by, communes.ID, commune, w.decision())
			return err
		})
	d, err := w.svc.Decide(ctx, w.city, communes.ID, "", recognition.DecisionInput{Number: "7/QĐ-UBND", SignedOn: "2026-04-15",
		Signer: "Trần Sỹ Thanh", SignerTitle: "Chủ tịch UBND Thành phố", IssuingBody: "Ủy ban nhân dân thành phố Hà Nội"})
	if err != nil {
		t.Fatal(err)
	}
	xa, _ = w.db.Assessment(ctx, xa.ID)
	if d.CommuneCode != "" || xa.State != evaluation.StateRecognised || xa.Level != 1 || xa.ValidUntil != 2028 {
		t.Fatalf("commune decided: decision of %q, %s level %d until %d", d.CommuneCode, xa.State, xa.Level, xa.ValidUntil)
	}
	k, err = w.db.CertificateOf(ctx, xa.ID)
	if err != nil {
		t.Fatal(err)
	}
	v, err = w.svc.Verification(ctx, k.Code)
	if err != nil || v.TitleName != "Cộng đồng học tập cấp xã" || v.Grade != "Mức độ 1 (Khá)" || v.ValidUntil != 2028 || v.MaskedName != "Phường Ba Đình" {
		t.Fatalf("commune verification: %v %+v", err, v)
	}
	if v, err := w.db.VerifyAudit(ctx); err != nil || len(v.Problems) != 0 {
		t.Fatalf("audit chain: %v %v", err, v.Problems)
	}
}
