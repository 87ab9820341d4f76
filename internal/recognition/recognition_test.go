package recognition_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/auth"
	"hoctap/internal/certificate"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// TestWholePath takes four people through the year: pledges by the person and by a collector,
// self-submitted and assisted self-assessments with evidence, verification with adjustments,
// appraisal, the decision with its certificates, public verification, revocation and reopening.
func TestWholePath(t *testing.T) {
	w := newWorld(t)
	ctx := w.ctx
	p1, p2, p3 := w.resident(), w.resident(), w.resident()
	p4 := w.staff()
	self1, self3 := w.citizenOf(p1), w.citizenOf(p3)

	// Pledges: p1 and p3 themselves, p2 by the collector of their village, p4 by the school.
	a1, err := w.svc.Pledge(ctx, self1, w.cycle.ID, p1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a1.State != evaluation.StatePledged || a1.TargetGroup != "resident" || a1.VillageID != w.v1.ID || a1.FullName != p1.FullName {
		t.Fatalf("pledged: %+v", a1)
	}
	a2, err := w.svc.Pledge(ctx, w.collector1, w.cycle.ID, p2.ID)
	if err != nil {
		t.Fatal(err)
	}
	a3, err := w.svc.Pledge(ctx, self3, w.cycle.ID, p3.ID)
	if err != nil {
		t.Fatal(err)
	}
	a4, err := w.svc.Pledge(ctx, w.unitOfficer, w.cycle.ID, p4.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a4.TargetGroup != "staff" || a4.WorkUnitID != w.unit.ID {
		t.Fatalf("staff pledge: %+v", a4)
	}

	// p1 submits online with a photo: self-submitted, CS05 = 7 is the digital-skills threshold.
	photo := pngFile(t)
	a1, err = w.svc.Submit(ctx, self1, a1.ID, recognition.Submission{Scores: scores(9, "CS05", 7),
		Evidence: []recognition.Upload{{Indicator: "CS01", FileName: `C:\Ảnh\thẻ thư viện.png`, Data: photo}}})
	if err != nil {
		t.Fatal(err)
	}
	if !a1.SelfSubmitted || a1.ConsentMethod != "" || a1.Total != 88 || !a1.Passed || !a1.DigitalSkills || !a1.DigitalProficient ||
		a1.State != evaluation.StateSelfAssessed || a1.SubmittedBy != self1.UserID {
		t.Fatalf("self-submitted: %+v", a1)
	}
	ev, err := w.db.EvidenceOf(ctx, a1.ID)
	if err != nil || len(ev) != 1 {
		t.Fatalf("evidence: %v %+v", err, ev)
	}
	if ev[0].IndicatorCode != "CS01" || ev[0].ContentType != "image/png" || ev[0].Size != int64(len(photo)) || ev[0].FileName != "thẻ thư viện.png" {
		t.Fatalf("stored evidence: %+v", ev[0])
	}
	if e, data, err := w.svc.EvidenceFile(ctx, self1, ev[0].ID); err != nil || !bytes.Equal(data, photo) || e.AssessmentID != a1.ID {
		t.Fatalf("evidence file: %v", err)
	}
	if _, _, err := w.svc.EvidenceFile(ctx, self3, ev[0].ID); fault.KindOf(err) != fault.Forbidden {
		t.Fatalf("another citizen read the evidence: %v", err)
	}

	// p3 submits online below the threshold: CS05 = 6 gives no digital skills.
	a3, err = w.svc.Submit(ctx, self3, a3.ID, recognition.Submission{Scores: scores(7, "CS05", 6)})
	if err != nil {
		t.Fatal(err)
	}
	if !a3.SelfSubmitted || a3.Total != 69 || a3.Passed || a3.DigitalSkills || a3.DigitalProficient {
		t.Fatalf("p3 submitted: %+v", a3)
	}

	// p2 is entered by the collector: consent is required and recorded; never proficient.
	err = w.unchanged([]int64{a2.ID}, func() error {
		_, err := w.svc.Submit(ctx, w.collector1, a2.ID, recognition.Submission{Scores: scores(10)})
		return err
	})
	wantKey(t, err, fault.Invalid, "assessment.consent.required")
	a2, err = w.svc.Submit(ctx, w.collector1, a2.ID, recognition.Submission{Scores: scores(10), ConsentMethod: recognition.ConsentSpoken})
	if err != nil {
		t.Fatal(err)
	}
	if a2.SelfSubmitted || a2.ConsentMethod != "spoken" || !a2.DigitalSkills || a2.DigitalProficient || a2.Total != 100 || a2.SubmittedBy != w.collector1.UserID {
		t.Fatalf("assisted: %+v", a2)
	}
	a4, err = w.svc.Submit(ctx, w.unitOfficer, a4.ID, recognition.Submission{Scores: scores(8), ConsentMethod: recognition.ConsentPaper})
	if err != nil {
		t.Fatal(err)
	}
	if a4.Total != 80 || !a4.Passed || a4.ConsentMethod != "paper" {
		t.Fatalf("p4 (80 points, the pass mark): %+v", a4)
	}

	// Verification: a change needs a reason; totals and the result are computed again.
	err = w.unchanged([]int64{a1.ID}, func() error {
		_, err := w.svc.Verify(ctx, w.collector1, a1.ID, map[string]recognition.ScoreChange{"CS02": {To: 6, Reason: "  "}})
		return err
	})
	wantKey(t, err, fault.Invalid, "assessment.adjust.reason_required")
	a1, err = w.svc.Verify(ctx, w.collector1, a1.ID, map[string]recognition.ScoreChange{
		"CS02": {To: 6, Reason: "Chưa có kế hoạch học tập bằng văn bản"},
		"CS03": {To: 9, Reason: "unchanged, ignored"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if a1.State != evaluation.StateVerified || a1.Scores["CS02"] != 6 || a1.SelfScores["CS02"] != 9 || a1.Total != 85 || !a1.Passed ||
		a1.VerifiedBy != w.collector1.UserID {
		t.Fatalf("verified with an adjustment: %+v", a1)
	}
	if len(a1.Adjustments) != 1 || a1.Adjustments[0] != (store.Adjustment{Code: "CS02", From: 9, To: 6,
		Reason: "Chưa có kế hoạch học tập bằng văn bản", By: w.collector1.UserID, At: a1.Adjustments[0].At}) || a1.Adjustments[0].At.IsZero() {
		t.Fatalf("adjustments: %+v", a1.Adjustments)
	}
	stored, _ := w.db.Assessment(ctx, a1.ID)
	if stored.Total != 85 || len(stored.Adjustments) != 1 || stored.Scores["CS02"] != 6 {
		t.Fatalf("stored after verification: %+v", stored)
	}
	// An adjustment to 4 fails the record although the total stays high (no indicator below 5).
	a2, err = w.svc.Verify(ctx, w.communeOfficer, a2.ID, map[string]recognition.ScoreChange{"CS04": {To: 4, Reason: "Không có minh chứng"}})
	if err != nil {
		t.Fatal(err)
	}
	if a2.Total != 94 || a2.Passed {
		t.Fatalf("adjusted below 5: total %d passed %v", a2.Total, a2.Passed)
	}
	// A change to an unknown indicator is refused.
	err = w.unchanged([]int64{a3.ID}, func() error {
		_, err := w.svc.Verify(ctx, w.collector1, a3.ID, map[string]recognition.ScoreChange{"CS11": {To: 5, Reason: "x"}})
		return err
	})
	wantKey(t, err, fault.Invalid, "criteria.score.unknown_indicator")
	if _, err := w.svc.Verify(ctx, w.collector1, a3.ID, nil); err != nil {
		t.Fatal(err)
	}
	// The staff member is verified at the school, not in the village.
	if _, err := w.svc.Verify(ctx, w.collector1, a4.ID, nil); fault.KindOf(err) != fault.Forbidden {
		t.Fatalf("the village verified a staff member: %v", err)
	}
	if _, err := w.svc.Verify(ctx, w.unitOfficer, a4.ID, nil); err != nil {
		t.Fatal(err)
	}

	// Appraisal: only a passing record is proposed; a passing one set aside needs a reason.
	co := w.communeOfficer
	err = w.unchanged([]int64{a2.ID}, func() error { return w.svc.Appraise(ctx, co, a2.ID, true, "") })
	wantKey(t, err, fault.Invalid, "assessment.appraise.not_passed")
	err = w.unchanged([]int64{a4.ID}, func() error { return w.svc.Appraise(ctx, co, a4.ID, false, " ") })
	wantKey(t, err, fault.Invalid, "assessment.appraise.reason")
	for _, step := range []struct {
		id      int64
		propose bool
	}{{a1.ID, true}, {a2.ID, false}, {a3.ID, false}, {a4.ID, true}} {
		if err := w.svc.Appraise(ctx, co, step.id, step.propose, ""); err != nil {
			t.Fatal(err)
		}
	}

	// The decision: the proposed are recognised with a certificate, the others are not.
	in := w.decision()
	d, err := w.svc.Decide(ctx, co, w.cycle.ID, commune, in)
	if err != nil {
		t.Fatal(err)
	}
	d, err = w.db.Decision(ctx, d.ID)
	if err != nil || d.Recognised != 2 || d.Refused != 2 || d.Number != in.Number {
		t.Fatalf("decision: %v %+v", err, d)
	}
	want := map[int64]evaluation.State{a1.ID: evaluation.StateRecognised, a2.ID: evaluation.StateNotRecognised,
		a3.ID: evaluation.StateNotRecognised, a4.ID: evaluation.StateRecognised}
	for id, st := range want {
		a, _ := w.db.Assessment(ctx, id)
		if a.State != st || a.DecisionID != d.ID {
			t.Errorf("assessment %d after the decision: %s (decision %d), want %s (%d)", id, a.State, a.DecisionID, st, d.ID)
		}
		k, err := w.db.CertificateOf(ctx, id)
		if hasCert := err == nil; hasCert != (st == evaluation.StateRecognised) {
			t.Errorf("assessment %d (%s): certificate %v", id, st, err)
		}
		if err == nil && (len(k.Code) != 26 || strings.Trim(k.Code, "abcdefghijklmnopqrstuvwxyz234567") != "" || k.Revoked()) {
			t.Errorf("certificate code %q", k.Code)
		}
	}
	// A decided record is locked.
	err = w.unchanged([]int64{a1.ID}, func() error {
		_, err := w.svc.Submit(ctx, self1, a1.ID, recognition.Submission{Scores: scores(10)})
		return err
	})
	wantKey(t, err, fault.Conflict, "assessment.step.out_of_order")

	// The public page shows a masked name and the decision.
	k1, _ := w.db.CertificateOf(ctx, a1.ID)
	v, err := w.svc.Verification(ctx, "  "+strings.ToUpper(k1.Code)+" ")
	if err != nil {
		t.Fatal(err)
	}
	if v.MaskedName != people.MaskName(p1.FullName) || v.MaskedName == p1.FullName || strings.Contains(v.MaskedName, strings.Fields(p1.FullName)[2]) ||
		v.Revoked || v.Decision != in.Number || v.Year != 2026 || v.CommuneName != "Phường Ba Đình" || v.IssuingBody != in.IssuingBody {
		t.Fatalf("verification: %+v", v)
	}
	if _, err := w.svc.Verification(ctx, strings.Repeat("a", 26)); fault.KindOf(err) != fault.NotFound {
		t.Fatalf("unknown code: %v", err)
	}
	if _, err := w.svc.Verification(ctx, k1.Code[:25]); fault.KindOf(err) != fault.NotFound {
		t.Fatalf("short code: %v", err)
	}

	// Revocation: the page then says so, and the certificate can no longer be printed.
	if err := w.svc.Revoke(ctx, co, a1.ID, " "); fault.KindOf(err) != fault.Invalid {
		t.Fatalf("revoked without a reason: %v", err)
	}
	if err := w.svc.Revoke(ctx, co, a2.ID, "Sai"); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("revoked a record never recognised: %v", err)
	}
	if err := w.svc.Revoke(ctx, co, a1.ID, "Kê khai không trung thực"); err != nil {
		t.Fatal(err)
	}
	v, err = w.svc.Verification(ctx, k1.Code)
	if err != nil || !v.Revoked || v.RevokeReason != "Kê khai không trung thực" || !v.RevokedAt.Equal(w.db.Now()) {
		t.Fatalf("after revocation: %v %+v", err, v)
	}
	if w.state(a1.ID) != evaluation.StateRevoked {
		t.Fatalf("state after revocation: %s", w.state(a1.ID))
	}
	if err := w.svc.CertificatePDF(ctx, co, a1.ID, "https://hoctap.example", &bytes.Buffer{}); !isKey(err, "certificate.revoked") {
		t.Fatalf("printed a revoked certificate: %v", err)
	}

	// Reopening p4: back to self-assessed, out of the decision, its certificate revoked; the
	// steps are taken again.
	k4, _ := w.db.CertificateOf(ctx, a4.ID)
	if err := w.svc.Reopen(ctx, co, a4.ID, "Sai tên đơn vị"); err != nil {
		t.Fatal(err)
	}
	r4, _ := w.db.Assessment(ctx, a4.ID)
	if r4.State != evaluation.StateSelfAssessed || r4.DecisionID != 0 || r4.Proposed || r4.Reason != "Sai tên đơn vị" {
		t.Fatalf("reopened: %+v", r4)
	}
	if v, _ := w.svc.Verification(ctx, k4.Code); !v.Revoked {
		t.Fatalf("the reopened record's certificate is still valid: %+v", v)
	}
	if _, err := w.svc.Verify(ctx, w.unitOfficer, a4.ID, nil); err != nil {
		t.Fatalf("verify again after reopening: %v", err)
	}
	if d, _ := w.db.Decision(ctx, d.ID); d.Recognised != 1 {
		t.Fatalf("the decision still counts %d recognised (p1 revoked, p4 reopened)", d.Recognised)
	}
	// A not-recognised record may be reopened too.
	if err := w.svc.Reopen(ctx, co, a3.ID, "Chấm lại"); err != nil {
		t.Fatal(err)
	}

	// The history of p1, step by step, and an intact audit chain.
	steps, err := w.db.AssessmentSteps(ctx, a1.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range steps {
		got = append(got, string(s.Step)+">"+string(s.ToState))
	}
	if strings.Join(got, " ") != "pledge>pledged submit>self_assessed verify>verified appraise>appraised decide>recognised revoke>revoked" {
		t.Fatalf("history: %v", got)
	}
	if v, err := w.db.VerifyAudit(ctx); err != nil || len(v.Problems) != 0 {
		t.Fatalf("audit chain: %v %v", err, v.Problems)
	}
}

func isKey(err error, key string) bool {
	fe, ok := fault.As(err)
	return ok && fe.Key == key
}

// roleCase is one principal trying a step on a subject: a resident of village 1, or a staff
// member of the school (who also lives in village 1).
type roleCase struct {
	name  string
	staff bool
	by    func(w *world, subject people.Citizen) *auth.Principal
}

var roleCases = []roleCase{
	{"citizen(self)", false, func(w *world, c people.Citizen) *auth.Principal { return w.citizenOf(c) }},
	{"citizen(other person)", false, func(w *world, c people.Citizen) *auth.Principal { return w.citizenOf(w.resident()) }},
	{"collector(own village)", false, func(w *world, c people.Citizen) *auth.Principal { return w.collector1 }},
	{"collector(own village, staff member)", true, func(w *world, c people.Citizen) *auth.Principal { return w.collector1 }},
	{"collector(other village)", false, func(w *world, c people.Citizen) *auth.Principal { return w.collector2 }},
	{"unit_officer(own unit, staff member)", true, func(w *world, c people.Citizen) *auth.Principal { return w.unitOfficer }},
	{"unit_officer(resident)", false, func(w *world, c people.Citizen) *auth.Principal { return w.unitOfficer }},
	{"commune_officer", false, func(w *world, c people.Citizen) *auth.Principal { return w.communeOfficer }},
	{"commune_officer(other commune)", false, func(w *world, c people.Citizen) *auth.Principal { return w.otherCommune }},
	{"city_officer", false, func(w *world, c people.Citizen) *auth.Principal { return w.city }},
	{"admin", false, func(w *world, c people.Citizen) *auth.Principal { return w.admin }},
}

// stepCase is one step: the state its subject starts in, how to take it, and the state it
// leads to; allowed lists the role cases that may take it.
type stepCase struct {
	name    string
	from    evaluation.State // "" = no assessment yet
	to      evaluation.State
	take    func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error
	allowed []string
}

var (
	assisting   = []string{"citizen(self)", "collector(own village)", "collector(own village, staff member)", "unit_officer(own unit, staff member)", "commune_officer", "admin"}
	verifying   = []string{"collector(own village)", "unit_officer(own unit, staff member)", "commune_officer", "admin"}
	communeOnly = []string{"commune_officer", "admin"}
)

var stepCases = []stepCase{
	{"pledge", "", evaluation.StatePledged, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		_, err := w.svc.Pledge(w.ctx, by, w.cycle.ID, c.ID)
		return err
	}, assisting},
	{"pledge_many", "", evaluation.StatePledged, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		_, err := w.svc.PledgeMany(w.ctx, by, w.cycle.ID, []int64{c.ID})
		return err
	}, assisting},
	{"submit", evaluation.StatePledged, evaluation.StateSelfAssessed, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		_, err := w.svc.Submit(w.ctx, by, a.ID, recognition.Submission{Scores: scores(9), ConsentMethod: recognition.ConsentPaper})
		return err
	}, assisting},
	{"add_evidence", evaluation.StatePledged, evaluation.StatePledged, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		_, err := w.svc.AddEvidence(w.ctx, by, a.ID, recognition.Upload{Indicator: "CS01", FileName: "a.png", Data: pngFile(w.tb)})
		return err
	}, assisting},
	{"verify", evaluation.StateSelfAssessed, evaluation.StateVerified, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		_, err := w.svc.Verify(w.ctx, by, a.ID, map[string]recognition.ScoreChange{"CS01": {To: 8, Reason: "Thiếu minh chứng"}})
		return err
	}, verifying},
	{"verify_many", evaluation.StateSelfAssessed, evaluation.StateVerified, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		_, err := w.svc.VerifyMany(w.ctx, by, []int64{a.ID})
		return err
	}, verifying},
	{"return(self_assessed)", evaluation.StateSelfAssessed, evaluation.StateReturned, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		return w.svc.Return(w.ctx, by, a.ID, "Bổ sung minh chứng CS03")
	}, verifying},
	{"return(verified)", evaluation.StateVerified, evaluation.StateReturned, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		return w.svc.Return(w.ctx, by, a.ID, "Bổ sung minh chứng CS03")
	}, communeOnly},
	{"appraise", evaluation.StateVerified, evaluation.StateAppraised, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		return w.svc.Appraise(w.ctx, by, a.ID, true, "")
	}, communeOnly},
	{"appraise_many", evaluation.StateVerified, evaluation.StateAppraised, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		_, err := w.svc.AppraiseMany(w.ctx, by, []int64{a.ID})
		return err
	}, communeOnly},
	{"decide", evaluation.StateAppraised, evaluation.StateRecognised, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		_, err := w.svc.Decide(w.ctx, by, w.cycle.ID, commune, w.decision())
		return err
	}, communeOnly},
	{"reopen", evaluation.StateRecognised, evaluation.StateSelfAssessed, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		return w.svc.Reopen(w.ctx, by, a.ID, "Sai sót khi nhập")
	}, communeOnly},
	{"revoke", evaluation.StateRecognised, evaluation.StateRevoked, func(w *world, by *auth.Principal, c people.Citizen, a store.Assessment) error {
		return w.svc.Revoke(w.ctx, by, a.ID, "Kê khai không trung thực")
	}, communeOnly},
}

// TestStepsByRole tries every step with every kind of principal: those allowed take it (on a
// fresh subject each), the others are refused with Forbidden and change nothing.
func TestStepsByRole(t *testing.T) {
	w := newWorld(t)
	for _, sc := range stepCases {
		t.Run(sc.name, func(t *testing.T) {
			w.tb = t
			defer func() { w.tb = nil }()
			allowed := map[string]bool{}
			for _, n := range sc.allowed {
				allowed[n] = true
			}
			for _, rc := range roleCases {
				t.Run(rc.name, func(t *testing.T) {
					w.tb = t
					var c people.Citizen
					if rc.staff {
						c = w.staff()
					} else {
						c = w.resident()
					}
					var a store.Assessment
					if sc.from != "" {
						a = w.advance(c, sc.from, nil)
					}
					by := rc.by(w, c)
					if !allowed[rc.name] {
						var ids []int64
						if a.ID != 0 {
							ids = []int64{a.ID}
						}
						err := w.unchanged(ids, func() error { return sc.take(w, by, c, a) })
						if fault.KindOf(err) != fault.Forbidden {
							t.Fatalf("refused with %v, want Forbidden", err)
						}
						if sc.from == "" {
							if _, err := w.db.AssessmentOf(w.ctx, w.cycle.ID, c.ID); fault.KindOf(err) != fault.NotFound {
								t.Fatalf("a refused pledge left an assessment: %v", err)
							}
						}
						return
					}
					head := w.head()
					if err := sc.take(w, by, c, a); err != nil {
						t.Fatalf("allowed step refused: %v", err)
					}
					got, err := w.db.AssessmentOf(w.ctx, w.cycle.ID, c.ID)
					if err != nil {
						t.Fatal(err)
					}
					if got.State != sc.to {
						t.Fatalf("state %s, want %s", got.State, sc.to)
					}
					if w.head() == head {
						t.Fatal("an allowed step wrote no audit entry")
					}
				})
			}
		})
	}
	w.tb = t
	if v, err := w.db.VerifyAudit(w.ctx); err != nil || len(v.Problems) != 0 {
		t.Fatalf("audit chain: %v %v", err, v.Problems)
	}
}

// TestRefusals feeds the bad input of the issue to the service: each is refused with its
// kind and key, and nothing changes.
func TestRefusals(t *testing.T) {
	w := newWorld(t)
	ctx := w.ctx
	p := w.resident()
	self := w.citizenOf(p)
	a, err := w.svc.Pledge(ctx, self, w.cycle.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	submit := func(sub recognition.Submission) func() error {
		return func() error { _, err := w.svc.Submit(ctx, self, a.ID, sub); return err }
	}

	t.Run("score 11", func(t *testing.T) {
		w.tb = t
		err := w.unchanged([]int64{a.ID}, submit(recognition.Submission{Scores: scores(9, "CS03", 11)}))
		wantField(t, err, "CS03", "criteria.score.range")
	})
	t.Run("score -1", func(t *testing.T) {
		w.tb = t
		err := w.unchanged([]int64{a.ID}, submit(recognition.Submission{Scores: scores(9, "CS10", -1)}))
		wantField(t, err, "CS10", "criteria.score.range")
	})
	t.Run("missing indicator", func(t *testing.T) {
		w.tb = t
		sc := scores(9)
		delete(sc, "CS07")
		err := w.unchanged([]int64{a.ID}, submit(recognition.Submission{Scores: sc}))
		wantField(t, err, "CS07", "criteria.score.missing")
	})
	t.Run("unknown target group", func(t *testing.T) {
		w.tb = t
		err := w.unchanged([]int64{a.ID}, submit(recognition.Submission{TargetGroup: "tourist", Scores: scores(9)}))
		wantField(t, err, "target_group", "criteria.score.group.unknown")
	})
	t.Run("executable renamed .jpg", func(t *testing.T) {
		w.tb = t
		err := w.unchanged([]int64{a.ID}, submit(recognition.Submission{Scores: scores(9),
			Evidence: []recognition.Upload{{Indicator: "CS01", FileName: "anh.jpg", Data: elfFile()}}}))
		wantField(t, err, "CS01", "evidence.type")
		err = w.unchanged([]int64{a.ID}, func() error {
			_, err := w.svc.AddEvidence(ctx, self, a.ID, recognition.Upload{Indicator: "CS01", FileName: "anh.jpg", Data: elfFile()})
			return err
		})
		wantField(t, err, "CS01", "evidence.type")
	})
	t.Run("file too large", func(t *testing.T) {
		w.tb = t
		big := make([]byte, recognition.MaxEvidenceBytes+1)
		copy(big, pngFile(t))
		err := w.unchanged([]int64{a.ID}, func() error {
			_, err := w.svc.AddEvidence(ctx, self, a.ID, recognition.Upload{Indicator: "CS01", FileName: "big.png", Data: big})
			return err
		})
		wantField(t, err, "CS01", "evidence.too_large")
		// Exactly the limit is accepted.
		if _, err := w.svc.AddEvidence(ctx, self, a.ID, recognition.Upload{Indicator: "CS01", FileName: "max.png", Data: big[:recognition.MaxEvidenceBytes]}); err != nil {
			t.Fatalf("a file of exactly the limit: %v", err)
		}
	})
	t.Run("evidence for an unknown indicator", func(t *testing.T) {
		w.tb = t
		err := w.unchanged([]int64{a.ID}, func() error {
			_, err := w.svc.AddEvidence(ctx, self, a.ID, recognition.Upload{Indicator: "CS99", FileName: "a.png", Data: pngFile(t)})
			return err
		})
		wantField(t, err, "indicator", "evidence.indicator.unknown")
	})
	if ev, _ := w.db.EvidenceOf(ctx, a.ID); len(ev) != 1 {
		t.Fatalf("evidence after the refusals: %d files, want 1", len(ev))
	}
	t.Run("too many files on one indicator in one submission", func(t *testing.T) {
		w.tb = t
		b := w.advance(w.resident(), evaluation.StatePledged, nil)
		var ups []recognition.Upload
		for range recognition.MaxEvidencePerIndicator + 1 {
			ups = append(ups, recognition.Upload{Indicator: "CS02", FileName: "a.png", Data: pngFile(t)})
		}
		err := w.unchanged([]int64{b.ID}, func() error {
			_, err := w.svc.Submit(ctx, w.collector1, b.ID, recognition.Submission{Scores: scores(9), ConsentMethod: recognition.ConsentPaper, Evidence: ups})
			return err
		})
		wantField(t, err, "CS02", "evidence.too_many")
		if ev, _ := w.db.EvidenceOf(ctx, b.ID); len(ev) != 0 {
			t.Fatalf("%d files stored by a refused submission", len(ev))
		}
		if _, err := w.svc.Submit(ctx, w.collector1, b.ID, recognition.Submission{Scores: scores(9), ConsentMethod: recognition.ConsentPaper,
			Evidence: ups[:recognition.MaxEvidencePerIndicator]}); err != nil {
			t.Fatalf("the maximum number of files: %v", err)
		}
		if ev, _ := w.db.EvidenceOf(ctx, b.ID); len(ev) != recognition.MaxEvidencePerIndicator {
			t.Fatalf("%d files stored, want %d", len(ev), recognition.MaxEvidencePerIndicator)
		}
		err = w.unchanged([]int64{b.ID}, func() error {
			_, err := w.svc.AddEvidence(ctx, w.collector1, b.ID, recognition.Upload{Indicator: "CS02", FileName: "b.png", Data: pngFile(t)})
			return err
		})
		wantField(t, err, "CS02", "evidence.too_many")
	})
	t.Run("verification to a score out of range", func(t *testing.T) {
		w.tb = t
		b := w.advance(w.resident(), evaluation.StateSelfAssessed, nil)
		err := w.unchanged([]int64{b.ID}, func() error {
			_, err := w.svc.Verify(ctx, w.collector1, b.ID, map[string]recognition.ScoreChange{"CS04": {To: 11, Reason: "x"}})
			return err
		})
		wantField(t, err, "CS04", "criteria.score.range")
	})
	w.tb = t

	t.Run("second pledge", func(t *testing.T) {
		w.tb = t
		err := w.unchanged([]int64{a.ID}, func() error { _, err := w.svc.Pledge(ctx, w.collector1, w.cycle.ID, p.ID); return err })
		wantKey(t, err, fault.Conflict, "assessment.exists")
		// PledgeMany skips people who already pledged and adds the others.
		q := w.resident()
		n, err := w.svc.PledgeMany(ctx, w.collector1, w.cycle.ID, []int64{p.ID, q.ID})
		if err != nil || n != 1 {
			t.Fatalf("pledge many: %d %v", n, err)
		}
	})
	t.Run("appraise before verify", func(t *testing.T) {
		w.tb = t
		b := w.advance(w.resident(), evaluation.StateSelfAssessed, nil)
		err := w.unchanged([]int64{b.ID}, func() error { return w.svc.Appraise(ctx, w.communeOfficer, b.ID, true, "") })
		wantKey(t, err, fault.Conflict, "assessment.step.out_of_order")
		err = w.unchanged([]int64{b.ID}, func() error { return w.svc.Revoke(ctx, w.communeOfficer, b.ID, "x") })
		wantKey(t, err, fault.Conflict, "assessment.step.out_of_order")
		err = w.unchanged([]int64{a.ID}, func() error { _, err := w.svc.Verify(ctx, w.collector1, a.ID, nil); return err })
		wantKey(t, err, fault.Conflict, "assessment.step.out_of_order")
	})
	t.Run("bulk verify outside the scope", func(t *testing.T) {
		w.tb = t
		in := w.advance(w.resident(), evaluation.StateSelfAssessed, nil)
		out := w.advance(w.person(w.v2, "resident"), evaluation.StateSelfAssessed, nil)
		err := w.unchanged([]int64{in.ID, out.ID}, func() error {
			n, err := w.svc.VerifyMany(ctx, w.collector1, []int64{in.ID, out.ID})
			if n != 0 {
				t.Errorf("VerifyMany says %d verified", n)
			}
			return err
		})
		if fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("bulk verify: %v", err)
		}
		if n, err := w.svc.VerifyMany(ctx, w.collector1, []int64{in.ID}); err != nil || n != 1 || w.state(in.ID) != evaluation.StateVerified {
			t.Fatalf("bulk verify in scope: %d %v", n, err)
		}
	})
	t.Run("decision with nothing appraised", func(t *testing.T) {
		w.tb = t
		err := w.unchanged(nil, func() error {
			_, err := w.svc.Decide(ctx, w.communeOfficer, w.cycle.ID, commune, w.decision())
			return err
		})
		wantKey(t, err, fault.Conflict, "decision.empty")
	})
	t.Run("decision number used twice", func(t *testing.T) {
		w.tb = t
		w.advance(w.resident(), evaluation.StateAppraised, nil)
		in := w.decision()
		if _, err := w.svc.Decide(ctx, w.communeOfficer, w.cycle.ID, commune, in); err != nil {
			t.Fatal(err)
		}
		b := w.advance(w.resident(), evaluation.StateAppraised, nil)
		err := w.unchanged([]int64{b.ID}, func() error {
			_, err := w.svc.Decide(ctx, w.communeOfficer, w.cycle.ID, commune, in)
			return err
		})
		wantField(t, err, "number", "decision.number.exists")
	})
	t.Run("decision signed in the future", func(t *testing.T) {
		w.tb = t
		in := w.decision()
		in.SignedOn = "2026-04-16"
		err := w.unchanged(nil, func() error { _, err := w.svc.Decide(ctx, w.communeOfficer, w.cycle.ID, commune, in); return err })
		wantField(t, err, "signed_on", "decision.date.future")
	})

	t.Run("criteria with a duplicate code and an unreachable pass rule", func(t *testing.T) {
		w.tb = t
		body := strings.Replace(string(criteria.DefaultJSON()), `"code": "CS03"`, `"code": "CS02"`, 1)
		body = strings.Replace(body, `"min_total": 80`, `"min_total": 101`, 1)
		body = strings.Replace(body, `"version": "2023.1"`, `"version": "2026.bad"`, 1)
		before, _ := w.db.CriteriaSets(ctx)
		err := w.unchanged(nil, func() error { _, err := w.svc.UploadCriteria(ctx, w.city, []byte(body)); return err })
		var es fault.Errors
		if !errors.As(err, &es) {
			t.Fatalf("upload: %v", err)
		}
		keys := map[string]bool{}
		for _, e := range es {
			keys[e.Key] = true
		}
		if !keys["criteria.indicator.duplicate"] || !keys["criteria.pass_rule.min_total.unreachable"] {
			t.Fatalf("problems listed: %v", err)
		}
		if after, _ := w.db.CriteriaSets(ctx); len(after) != len(before) {
			t.Fatalf("a bad set was stored")
		}
		// A commune officer may not upload at all.
		good := strings.Replace(string(criteria.DefaultJSON()), `"version": "2023.1"`, `"version": "2026.1"`, 1)
		err = w.unchanged(nil, func() error { _, err := w.svc.UploadCriteria(ctx, w.communeOfficer, []byte(good)); return err })
		if fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("commune officer upload: %v", err)
		}
	})
	t.Run("set of a cycle with assessments", func(t *testing.T) {
		w.tb = t
		good := strings.Replace(string(criteria.DefaultJSON()), `"version": "2023.1"`, `"version": "2026.1"`, 1)
		cs, err := w.svc.UploadCriteria(ctx, w.city, []byte(good))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.UploadCriteria(ctx, w.city, []byte(good)); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("the same version twice: %v", err)
		}
		in := recognition.CycleInput{CriteriaSetID: cs.ID, Dates: dates2026}
		err = w.unchanged(nil, func() error { return w.svc.UpdateCycle(ctx, w.city, w.cycle.ID, in) })
		wantField(t, err, "criteria_set_id", "cycle.set.frozen")
		if c, _ := w.db.Cycle(ctx, w.cycle.ID); c.CriteriaSetID != w.set.ID {
			t.Fatalf("the set changed to %d", c.CriteriaSetID)
		}
		// Deadlines may still move; a cycle without assessments may change its set.
		later := dates2026
		later.DecideBy = "2026-12-31"
		if err := w.svc.UpdateCycle(ctx, w.city, w.cycle.ID, recognition.CycleInput{CriteriaSetID: w.set.ID, Dates: later}); err != nil {
			t.Fatal(err)
		}
		next, err := w.svc.CreateCycle(ctx, w.city, recognition.CycleInput{Year: 2027, CriteriaSetID: w.set.ID, Dates: shiftYear(dates2026)})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.UpdateCycle(ctx, w.city, next.ID, recognition.CycleInput{CriteriaSetID: cs.ID, Dates: shiftYear(dates2026)}); err != nil {
			t.Fatalf("change the set of an empty cycle: %v", err)
		}
		if c, _ := w.db.Cycle(ctx, next.ID); c.CriteriaSetID != cs.ID {
			t.Fatalf("the empty cycle kept set %d", c.CriteriaSetID)
		}
	})
	t.Run("cycle dates out of order", func(t *testing.T) {
		w.tb = t
		bad := dates2026
		bad.VerifyBy = "2026-06-01"
		err := w.unchanged(nil, func() error {
			_, err := w.svc.CreateCycle(ctx, w.city, recognition.CycleInput{Year: 2028, CriteriaSetID: w.set.ID, Dates: bad})
			return err
		})
		wantField(t, err, "decide_by", "cycle.dates.order")
		err = w.unchanged(nil, func() error {
			_, err := w.svc.CreateCycle(ctx, w.city, recognition.CycleInput{Year: 2026, CriteriaSetID: w.set.ID, Dates: dates2026})
			return err
		})
		wantField(t, err, "year", "cycle.year.exists")
	})
	w.tb = t
	if v, err := w.db.VerifyAudit(ctx); err != nil || len(v.Problems) != 0 {
		t.Fatalf("audit chain: %v %v", err, v.Problems)
	}
}

func shiftYear(d evaluation.Dates) evaluation.Dates {
	f := func(s string) string { return "2027" + s[4:] }
	return evaluation.Dates{OpensOn: f(d.OpensOn), PledgeBy: f(d.PledgeBy), SelfAssessBy: f(d.SelfAssessBy), VerifyBy: f(d.VerifyBy),
		AppraiseBy: f(d.AppraiseBy), DecideBy: f(d.DecideBy)}
}

// wantField checks that err is invalid input carrying key on field.
func wantField(tb testing.TB, err error, field, key string) {
	tb.Helper()
	if fault.KindOf(err) != fault.Invalid {
		tb.Fatalf("error %v: kind %v, want Invalid", err, fault.KindOf(err))
	}
	for _, e := range fault.FieldErrors(err) {
		if e.Field == field && e.Key == key {
			return
		}
	}
	tb.Fatalf("error %v lacks %s %s", err, field, key)
}

// TestDeadlines moves the clock past the pledge and self-assessment deadlines: the last day
// itself is still open (in Hà Nội time), the next day is refused.
func TestDeadlines(t *testing.T) {
	w := newWorld(t)
	ctx := w.ctx
	p, q := w.resident(), w.resident()
	late := w.resident()
	a := w.advance(p, evaluation.StatePledged, nil)

	// 2026-04-30 23:30 in Hà Nội is 16:30 UTC: the pledge deadline day, still open.
	w.clk.Advance(time.Date(2026, 4, 30, 16, 30, 0, 0, time.UTC).Sub(w.clk.Now()))
	if _, err := w.svc.Pledge(ctx, w.collector1, w.cycle.ID, q.ID); err != nil {
		t.Fatalf("pledge on the last day: %v", err)
	}
	w.clk.Advance(30 * time.Minute) // 00:00 on 1 May in Hà Nội
	err := w.unchanged(nil, func() error { _, err := w.svc.Pledge(ctx, w.collector1, w.cycle.ID, late.ID); return err })
	wantKey(t, err, fault.Conflict, "assessment.deadline.passed")
	if _, err := w.db.AssessmentOf(ctx, w.cycle.ID, late.ID); fault.KindOf(err) != fault.NotFound {
		t.Fatalf("a late pledge was stored: %v", err)
	}

	// Self-assessment: open until the end of 30 June.
	w.clk.Advance(time.Date(2026, 6, 30, 16, 59, 0, 0, time.UTC).Sub(w.clk.Now()))
	b := w.advance(q, evaluation.StateSelfAssessed, nil)
	w.clk.Advance(time.Minute)
	err = w.unchanged([]int64{a.ID}, func() error {
		_, err := w.svc.Submit(ctx, w.collector1, a.ID, recognition.Submission{Scores: scores(9), ConsentMethod: recognition.ConsentPaper})
		return err
	})
	wantKey(t, err, fault.Conflict, "assessment.deadline.passed")
	err = w.unchanged([]int64{b.ID}, func() error {
		_, err := w.svc.Submit(ctx, w.collector1, b.ID, recognition.Submission{Scores: scores(10), ConsentMethod: recognition.ConsentPaper})
		return err
	})
	wantKey(t, err, fault.Conflict, "assessment.deadline.passed")
}

// TestDocuments checks the printed and signed documents by reading them back.
func TestDocuments(t *testing.T) {
	w := newWorld(t)
	ctx := w.ctx
	co := w.communeOfficer
	p1, p2, p3 := w.resident(), w.person(w.v2, "resident"), w.resident()
	a1 := w.advance(p1, evaluation.StateAppraised, nil)
	w.advance(p2, evaluation.StateAppraised, scores(8))
	w.advance(p3, evaluation.StateAppraised, scores(6))
	in := w.decision()
	d, err := w.svc.Decide(ctx, co, w.cycle.ID, commune, in)
	if err != nil {
		t.Fatal(err)
	}
	// Left for the proposal list: one verified, one appraised (after the decision).
	p4, p5 := w.resident(), w.person(w.v2, "resident")
	w.advance(p4, evaluation.StateVerified, nil)
	w.advance(p5, evaluation.StateAppraised, nil)

	t.Run("certificate pdf", func(t *testing.T) {
		var buf bytes.Buffer
		if err := w.svc.CertificatePDF(ctx, co, a1.ID, "https://hoctap.example", &buf); err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, buf.Bytes())
		k, _ := w.db.CertificateOf(ctx, a1.ID)
		for _, want := range []string{p1.FullName, in.Number, k.Code, "Công dân học tập"} {
			if !strings.Contains(text, want) {
				t.Errorf("certificate lacks %q:\n%s", want, text)
			}
		}
		// The person may print their own; the collector of another village may not.
		if err := w.svc.CertificatePDF(ctx, w.citizenOf(p1), a1.ID, "https://hoctap.example", &bytes.Buffer{}); err != nil {
			t.Fatalf("the person's own certificate: %v", err)
		}
		if err := w.svc.CertificatePDF(ctx, w.collector2, a1.ID, "https://hoctap.example", &bytes.Buffer{}); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("another village printed it: %v", err)
		}
		a3, _ := w.db.AssessmentOf(ctx, w.cycle.ID, p3.ID)
		if err := w.svc.CertificatePDF(ctx, co, a3.ID, "https://hoctap.example", &bytes.Buffer{}); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("certificate of someone not recognised: %v", err)
		}
	})
	t.Run("credential", func(t *testing.T) {
		data, err := w.svc.Credential(ctx, co, a1.ID, "https://hoctap.example")
		if err != nil {
			t.Fatal(err)
		}
		claims, err := certificate.VerifyCredential(data)
		if err != nil {
			t.Fatal(err)
		}
		k, _ := w.db.CertificateOf(ctx, a1.ID)
		if claims.FullName != p1.FullName || claims.DecisionNumber != in.Number || claims.Code != k.Code || claims.Year != 2026 ||
			claims.IssuerName != in.IssuingBody || claims.TitleVI == "" {
			t.Fatalf("claims: %+v", claims)
		}
		// The same key signs every credential.
		again, _ := w.svc.Credential(ctx, co, a1.ID, "https://hoctap.example")
		c2, err := certificate.VerifyCredential(again)
		if err != nil || c2.IssuerDID != claims.IssuerDID {
			t.Fatalf("second credential: %v %s vs %s", err, c2.IssuerDID, claims.IssuerDID)
		}
		tampered := bytes.Replace(data, []byte(p1.FullName), []byte("Trần Văn Giả"), 1)
		if _, err := certificate.VerifyCredential(tampered); !errors.Is(err, certificate.ErrInvalid) {
			t.Fatalf("a changed credential verifies: %v", err)
		}
	})
	t.Run("decision annex xlsx", func(t *testing.T) {
		var buf bytes.Buffer
		if err := w.svc.DecisionAnnexXLSX(ctx, co, d.ID, &buf); err != nil {
			t.Fatal(err)
		}
		names := xlsxNames(t, buf.Bytes())
		if len(names) != 2 || !names[p1.FullName] || !names[p2.FullName] || names[p3.FullName] {
			t.Fatalf("annex lists %v, want %s and %s", names, p1.FullName, p2.FullName)
		}
		if err := w.svc.DecisionAnnexXLSX(ctx, w.otherCommune, d.ID, &bytes.Buffer{}); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("another commune read the annex: %v", err)
		}
	})
	t.Run("decision annex pdf", func(t *testing.T) {
		var buf bytes.Buffer
		if err := w.svc.DecisionAnnexPDF(ctx, co, d.ID, &buf); err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, buf.Bytes())
		for _, want := range []string{p1.FullName, p2.FullName, in.Number, "2 người"} {
			if !strings.Contains(text, want) {
				t.Errorf("annex pdf lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, p3.FullName) {
			t.Errorf("annex pdf lists %s, who was not recognised", p3.FullName)
		}
	})
	t.Run("proposal xlsx", func(t *testing.T) {
		var buf bytes.Buffer
		if err := w.svc.ProposalXLSX(ctx, co, w.cycle.ID, commune, &buf); err != nil {
			t.Fatal(err)
		}
		names := xlsxNames(t, buf.Bytes())
		if len(names) != 2 || !names[p4.FullName] || !names[p5.FullName] {
			t.Fatalf("proposal lists %v, want %s and %s", names, p4.FullName, p5.FullName)
		}
		if err := w.svc.ProposalXLSX(ctx, w.otherCommune, w.cycle.ID, commune, &bytes.Buffer{}); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("another commune read the proposal: %v", err)
		}
	})
}

// xlsxNames opens a result list and returns the names of its "Họ và tên" column; the full
// ID number never appears.
func xlsxNames(t *testing.T, data []byte) map[string]bool {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	out := map[string]bool{}
	for _, r := range rows {
		if col < 0 {
			for i, c := range r {
				if c == "Họ và tên" {
					col = i
				}
			}
			continue
		}
		if col < len(r) && r[col] != "" {
			out[r[col]] = true
		}
		for _, c := range r {
			if len(c) == 12 && strings.HasPrefix(c, "001090") {
				t.Errorf("full ID number %s in the list", c)
			}
		}
	}
	if col < 0 {
		t.Fatalf("no name column in %v", rows)
	}
	return out
}

// TestWorkQueue counts what waits for a collector, a unit officer and a commune officer, and
// what is late as the clock passes the deadlines.
func TestWorkQueue(t *testing.T) {
	w := newWorld(t)
	ctx := w.ctx
	w.advance(w.resident(), evaluation.StatePledged, nil)                        // R1
	w.advance(w.resident(), evaluation.StateSelfAssessed, nil)                   // R2
	w.advance(w.resident(), evaluation.StateSelfAssessed, nil)                   // R3
	w.advance(w.person(w.v2, "resident"), evaluation.StateSelfAssessed, nil)     // R4, village 2
	w.advance(w.staff(), evaluation.StateSelfAssessed, nil)                      // S1, verified at the school
	w.advance(w.resident(), evaluation.StateVerified, nil)                       // R5
	w.advance(w.person(w.v2, "resident"), evaluation.StateVerified, nil)         // R6
	w.advance(w.person(w.vOther, "resident"), evaluation.StateSelfAssessed, nil) // elsewhere

	type counts struct{ toVerify, toAppraise, toDecide, waiting, late int }
	check := func(name string, by *auth.Principal, want counts, wantLate map[evaluation.State]int) {
		t.Helper()
		q, err := w.svc.WorkQueue(ctx, by)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := counts{q.ToVerify, q.ToAppraise, q.ToDecide, q.Waiting, q.LateTotal}
		if got != want {
			t.Errorf("%s on %s: %+v, want %+v (pipeline %v)", name, q.Today, got, want, q.Pipeline)
		}
		for st, n := range wantLate {
			if q.Late[st] != n {
				t.Errorf("%s on %s: late %s %d, want %d", name, q.Today, st, q.Late[st], n)
			}
		}
		if q.Cycle.ID != w.cycle.ID {
			t.Errorf("%s: cycle %d", name, q.Cycle.ID)
		}
	}
	check("collector", w.collector1, counts{toVerify: 2, waiting: 1}, nil)
	check("unit officer", w.unitOfficer, counts{toVerify: 1}, nil)
	check("commune officer", w.communeOfficer, counts{toVerify: 4, toAppraise: 2, waiting: 1}, nil)
	if q, _ := w.svc.WorkQueue(ctx, w.collector1); q.Pipeline[evaluation.StateSelfAssessed] != 3 || q.Pipeline[evaluation.StateVerified] != 1 {
		t.Errorf("collector's pipeline: %v (the staff member lives in the village)", q.Pipeline)
	}
	if _, err := w.svc.WorkQueue(ctx, w.citizenOf(w.resident())); fault.KindOf(err) != fault.Forbidden {
		t.Errorf("a citizen's work queue: %v", err)
	}

	// 1 July: the pledged one is late for self-assessment.
	w.clk.Advance(time.Date(2026, 6, 30, 17, 0, 0, 0, time.UTC).Sub(w.clk.Now()))
	check("collector", w.collector1, counts{toVerify: 2, waiting: 1, late: 1}, map[evaluation.State]int{evaluation.StatePledged: 1})
	check("commune officer", w.communeOfficer, counts{toVerify: 4, toAppraise: 2, waiting: 1, late: 1}, map[evaluation.State]int{evaluation.StatePledged: 1})
	// 1 September: the self-assessed are late for verification too; the verified are not yet.
	w.clk.Advance(time.Date(2026, 8, 31, 17, 0, 0, 0, time.UTC).Sub(w.clk.Now()))
	check("collector", w.collector1, counts{toVerify: 2, waiting: 1, late: 4},
		map[evaluation.State]int{evaluation.StatePledged: 1, evaluation.StateSelfAssessed: 3, evaluation.StateVerified: 0})
	check("commune officer", w.communeOfficer, counts{toVerify: 4, toAppraise: 2, waiting: 1, late: 5},
		map[evaluation.State]int{evaluation.StatePledged: 1, evaluation.StateSelfAssessed: 4, evaluation.StateVerified: 0})
	// 1 November: the verified are late for appraisal.
	w.clk.Advance(time.Date(2026, 10, 31, 17, 0, 0, 0, time.UTC).Sub(w.clk.Now()))
	check("commune officer", w.communeOfficer, counts{toVerify: 4, toAppraise: 2, waiting: 1, late: 7},
		map[evaluation.State]int{evaluation.StateVerified: 2})
}
