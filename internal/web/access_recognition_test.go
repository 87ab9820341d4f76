package web_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/evaluation"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// recIDs are the records seedRecognition makes in a cycle of next year, so that the current
// year's pledge stays open for the demo citizen: in the collector's village a self-assessed (S),
// a verified (V) and a recognised (R) record, the demo citizen's own self-assessed record (Own)
// with an evidence file, and a self-assessed record of the neighbouring ward (Foreign).
type recIDs struct {
	cycle, setID                 int64
	s, v, r, own, foreign, ownEv int64
	decision                     int64
	code                         string // R's certificate
	sName, foreignName, rName    string
}

// seedRecognition builds the records the access table needs, through the service acting with
// the server's rights, on a clock moved into next year's cycle.
func seedRecognition(t *testing.T, f *fixture) recIDs {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	year := f.db.Now().In(clock.Vietnam).Year() + 1
	at := clock.NewFixed(time.Date(year, 2, 1, 3, 0, 0, 0, time.UTC))
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	rec := &recognition.Service{DB: f.db.WithClock(at), Units: units}
	set, err := rec.EnsureDefaultCriteria(ctx)
	if err != nil {
		t.Fatal(err)
	}
	y := fmt.Sprint(year)
	cy, err := rec.CreateCycle(ctx, nil, recognition.CycleInput{Year: year, CriteriaSetID: set.ID, Dates: evaluation.Dates{
		OpensOn: y + "-01-05", PledgeBy: y + "-03-31", SelfAssessBy: y + "-09-30", VerifyBy: y + "-10-31", AppraiseBy: y + "-11-20", DecideBy: y + "-12-15"}})
	if err != nil {
		t.Fatal(err)
	}
	ids := recIDs{cycle: cy.ID, setID: set.ID}
	adults := func(village int64) []people.Citizen {
		cs, _, err := f.db.SearchCitizens(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, VillageID: village, MinAge: 18, AgeOnYear: year, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		var out []people.Citizen
		for _, c := range cs {
			if c.ID != f.ownCitizen && c.TargetGroup != people.GroupStaff {
				out = append(out, c)
			}
		}
		return out
	}
	own, foreign := adults(f.ownVillage), adults(f.foreignVillage)
	if len(own) < 3 || len(foreign) < 1 {
		t.Fatalf("the demo villages have too few adults: %d, %d", len(own), len(foreign))
	}
	pass := map[string]int{}
	for i := 1; i <= 10; i++ {
		pass[fmt.Sprintf("CS%02d", i)] = 9
	}
	submitted := func(citizen int64) int64 {
		a, err := rec.Pledge(ctx, nil, cy.ID, citizen)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rec.Submit(ctx, nil, a.ID, recognition.Submission{Scores: pass, ConsentMethod: recognition.ConsentPaper}); err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	ids.r, ids.rName = submitted(own[0].ID), own[0].FullName
	for _, step := range []func() error{
		func() error { _, err := rec.Verify(ctx, nil, ids.r, nil); return err },
		func() error { return rec.Appraise(ctx, nil, ids.r, true, "") },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	d, err := rec.Decide(ctx, nil, cy.ID, "00004", recognition.DecisionInput{Number: "01/QĐ-TEST", SignedOn: y + "-01-31",
		Signer: "Nguyễn Văn Ký", SignerTitle: "Chủ tịch", IssuingBody: "Hội Khuyến học phường Ba Đình"})
	if err != nil {
		t.Fatal(err)
	}
	ids.decision = d.ID
	k, err := f.db.CertificateOf(ctx, ids.r)
	if err != nil {
		t.Fatal(err)
	}
	ids.code = k.Code
	ids.v = submitted(own[1].ID)
	if _, err := rec.Verify(ctx, nil, ids.v, nil); err != nil {
		t.Fatal(err)
	}
	ids.s, ids.sName = submitted(own[2].ID), own[2].FullName
	ids.foreign, ids.foreignName = submitted(foreign[0].ID), foreign[0].FullName
	ids.own = submitted(f.ownCitizen)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	e, err := rec.AddEvidence(ctx, nil, ids.own, recognition.Upload{Indicator: "CS01", FileName: "anh.png", Data: png})
	if err != nil {
		t.Fatal(err)
	}
	ids.ownEv = e.ID
	return ids
}

// recognitionAccessCases covers the routes of the yearly title. Steps that would change a
// record are sent with input the service refuses after its access check (a missing reason, a
// step out of order), so every allowed principal gets 422 and the records stay as seeded.
func recognitionAccessCases(f *fixture, ids recIDs) []accessCase {
	const ok, see, forbidden, unauth, invalid = 200, 303, 403, 401, 422
	at := func(format string, args ...any) func(*fixture) string {
		return func(*fixture) string { return fmt.Sprintf(format, args...) }
	}
	viewers := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "commune_officer_nh": ok, "collector": ok, "unit_officer": ok}
	communeView := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok}
	ownVillageView := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok}
	managers := map[string]int{"anonymous": unauth, "admin": invalid, "city_officer": invalid}
	appraisers := map[string]int{"anonymous": unauth, "admin": invalid, "commune_officer": invalid}
	verifiers := map[string]int{"anonymous": unauth, "admin": invalid, "commune_officer": invalid, "collector": invalid}
	ownForm := map[string]int{"anonymous": see, "admin": ok, "commune_officer": ok, "collector": ok, "citizen": ok}
	ownSubmit := map[string]int{"anonymous": unauth, "admin": invalid, "commune_officer": invalid, "collector": invalid, "citizen": invalid}
	ownView := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok, "citizen": ok}
	if f.ownCitizenStaff {
		ownForm["unit_officer"], ownSubmit["unit_officer"], ownView["unit_officer"] = ok, invalid, ok
	}
	pledgers := map[string]int{"anonymous": unauth, "admin": see, "commune_officer": see, "collector": see, "citizen": see}
	if f.ownCitizenStaff { // the unit officer pledges for the unit's staff
		pledgers["unit_officer"] = see
	}
	hidden := map[string][]string{"commune_officer_nh": {ids.sName}, "collector": {ids.foreignName}}
	return []accessCase{
		{pattern: "GET /criteria", path: path("/criteria"), want: viewers, deflt: forbidden},
		{pattern: "POST /criteria", path: path("/criteria"), upload: func(*fixture) (string, []byte) {
			return multipartBody(nil, "bo-tieu-chi.json", []byte(`{"format": 1, "title": "learning_citizen"}`))
		}, want: managers, deflt: forbidden},
		{pattern: "GET /criteria/{id}", path: at("/criteria/%d", ids.setID), want: viewers, deflt: forbidden},
		{pattern: "GET /criteria/{id}/file.json", path: at("/criteria/%d/file.json", ids.setID), want: viewers, deflt: forbidden},
		{pattern: "GET /evaluation", path: path("/evaluation"), want: map[string]int{"anonymous": see, "admin": see, "city_officer": see,
			"commune_officer": see, "commune_officer_nh": see, "collector": see, "unit_officer": see}, deflt: forbidden},
		{pattern: "GET /cycles", path: path("/cycles"), want: viewers, deflt: forbidden},
		{pattern: "POST /cycles", path: path("/cycles"), form: url.Values{"year": {"1999"}}, want: managers, deflt: forbidden},
		{pattern: "GET /cycles/{id}", path: at("/cycles/%d", ids.cycle), want: viewers, deflt: forbidden},
		{pattern: "POST /cycles/{id}", path: at("/cycles/%d", ids.cycle), form: url.Values{"opens_on": {"not a date"}}, want: managers, deflt: forbidden},
		{pattern: "GET /cycles/{id}/assessments", path: at("/cycles/%d/assessments", ids.cycle), want: viewers, deflt: forbidden, absent: hidden},
		{pattern: "GET /cycles/{id}/communes/{code}", path: at("/cycles/%d/communes/00004", ids.cycle), want: communeView, deflt: forbidden},
		{pattern: "GET /cycles/{id}/communes/{code}/proposal.xlsx", path: at("/cycles/%d/communes/00004/proposal.xlsx", ids.cycle), want: communeView, deflt: forbidden},
		{pattern: "POST /cycles/{id}/communes/{code}/decisions", path: at("/cycles/%d/communes/00004/decisions", ids.cycle),
			form: url.Values{"number": {""}}, want: appraisers, deflt: forbidden},

		{pattern: "GET /me/title", path: path("/me/title"), want: map[string]int{"anonymous": see, "citizen": ok}, deflt: forbidden},
		// The first allowed principal pledges the demo citizen for this year; the others find the
		// pledge and are sent to it.
		{pattern: "POST /citizens/{id}/pledge", path: at("/citizens/%d/pledge", f.ownCitizen), want: pledgers, deflt: forbidden},
		// The demo citizen heads their household: they, the collector and the commune register it
		// for this year's learning-family title (the first registers, the others are sent to it).
		{pattern: "POST /register/{kind}/{id}", path: at("/register/household/%d", f.ownHousehold),
			want: map[string]int{"anonymous": unauth, "admin": see, "commune_officer": see, "collector": see, "citizen": see}, deflt: forbidden},
		{pattern: "GET /villages/{id}/families", path: at("/villages/%d/families", f.ownVillage), want: ownVillageView, deflt: forbidden},
		{pattern: "GET /villages/{id}/pledges", path: at("/villages/%d/pledges", f.ownVillage),
			want: map[string]int{"anonymous": see, "admin": ok, "commune_officer": ok, "collector": ok}, deflt: forbidden},
		{pattern: "POST /villages/{id}/pledges", path: at("/villages/%d/pledges", f.ownVillage),
			want: map[string]int{"anonymous": unauth, "admin": see, "commune_officer": see, "collector": see}, deflt: forbidden},

		{pattern: "GET /assessments/{id}", path: at("/assessments/%d", ids.s), want: ownVillageView, deflt: forbidden},
		{pattern: "GET /assessments/{id}/form", path: at("/assessments/%d/form", ids.own), want: ownForm, deflt: forbidden},
		{pattern: "POST /assessments/{id}/submit", path: at("/assessments/%d/submit", ids.own), form: url.Values{"CS01": {"mười"}},
			want: ownSubmit, deflt: forbidden},
		{pattern: "GET /evidence/{id}", path: at("/evidence/%d", ids.ownEv), want: ownView, deflt: forbidden},
		{pattern: "POST /assessments/{id}/verify", path: at("/assessments/%d/verify", ids.s), form: url.Values{"score_CS01": {"5"}},
			want: verifiers, deflt: forbidden},
		{pattern: "POST /assessments/{id}/return", path: at("/assessments/%d/return", ids.s), form: url.Values{"comment": {" "}},
			want: verifiers, deflt: forbidden},
		{pattern: "POST /assessments/{id}/appraise", path: at("/assessments/%d/appraise", ids.v), form: url.Values{"propose": {"0"}},
			want: appraisers, deflt: forbidden},
		{pattern: "POST /assessments/{id}/reopen", path: at("/assessments/%d/reopen", ids.r), form: url.Values{"reason": {""}},
			want: appraisers, deflt: forbidden},
		{pattern: "POST /assessments/{id}/revoke", path: at("/assessments/%d/revoke", ids.r), form: url.Values{"reason": {""}},
			want: appraisers, deflt: forbidden},
		{pattern: "POST /assessments/verify", path: path("/assessments/verify"), form: url.Values{"id": {fmt.Sprint(ids.v)}, "next": {"/"}},
			want: verifiers, deflt: forbidden},
		{pattern: "POST /assessments/appraise", path: path("/assessments/appraise"), form: url.Values{"id": {fmt.Sprint(ids.s)}, "next": {"/"}},
			want: appraisers, deflt: forbidden},
		{pattern: "GET /assessments/{id}/certificate.pdf", path: at("/assessments/%d/certificate.pdf", ids.r), want: ownVillageView, deflt: forbidden},
		{pattern: "GET /assessments/{id}/credential.json", path: at("/assessments/%d/credential.json", ids.r), want: ownVillageView, deflt: forbidden},

		{pattern: "GET /decisions/{id}", path: at("/decisions/%d", ids.decision), want: communeView, deflt: forbidden},
		{pattern: "GET /decisions/{id}/{file}", path: at("/decisions/%d/annex.xlsx", ids.decision), want: communeView, deflt: forbidden},

		{pattern: "GET /verify", path: path("/verify"), deflt: ok},
		{pattern: "GET /verify/{code}", path: at("/verify/%s", ids.code), deflt: ok,
			absent: map[string][]string{"anonymous": {ids.rName}}},
	}
}

// checkSeededStates checks that the access table's refused and invalid steps
// left the seeded records in their states.
func checkSeededStates(t *testing.T, f *fixture, ids recIDs) {
	t.Helper()
	for id, want := range map[int64]evaluation.State{ids.s: evaluation.StateSelfAssessed, ids.v: evaluation.StateVerified,
		ids.r: evaluation.StateRecognised, ids.own: evaluation.StateSelfAssessed, ids.foreign: evaluation.StateSelfAssessed} {
		a, err := f.db.Assessment(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if a.State != want {
			t.Errorf("assessment %d is %s after the access table, want %s", id, a.State, want)
		}
	}
}
