package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/learningrecord"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// learnIDs are the learning records seedLearningRecord makes: in the collector's village an
// activity with an evidence photo (withFile) and one already confirmed (reviewed), and in the
// neighbouring ward a self-declared activity (foreign), with the names of their people.
type learnIDs struct {
	withFile, reviewed, foreign int64
	ownName, foreignName        string
}

// seedLearningRecord declares the activities through the service, acting with the server's
// rights, dated yesterday so that they fall in this year's review (except on 1 January).
func seedLearningRecord(t *testing.T, f *fixture) learnIDs {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	svc := &learningrecord.Service{DB: f.db, Units: units}
	today := svc.Today()
	adult := func(village int64) people.Citizen {
		cs, _, err := f.db.SearchCitizens(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, VillageID: village, MinAge: 18, AgeOnYear: svc.Year(), Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.ID != f.ownCitizen && c.TargetGroup != people.GroupStaff {
				return c
			}
		}
		t.Fatal("no adult in the village")
		return people.Citizen{}
	}
	own, foreign := adult(f.ownVillage), adult(f.foreignVillage)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89learn")
	declare := func(c people.Citizen, file []byte) int64 {
		in := learningrecord.ActivityInput{Kind: "reading", Description: "Đọc sách ở thư viện phường", StartedOn: today, Minutes: 120}
		if file != nil {
			in.Evidence = &learningrecord.Upload{FileName: "the-thu-vien.png", Data: file}
		}
		a, err := svc.Declare(ctx, nil, c.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	ids := learnIDs{withFile: declare(own, png), reviewed: declare(own, nil), foreign: declare(foreign, nil), ownName: own.FullName, foreignName: foreign.FullName}
	if _, err := svc.Review(ctx, nil, ids.reviewed, true, ""); err != nil {
		t.Fatal(err)
	}
	return ids
}

// staffOr is what the unit officer gets on the demo citizen's record where others get status:
// the same if the citizen works at the officer's unit, 403 otherwise.
func staffOr(f *fixture, status int) int {
	if f.ownCitizenStaff {
		return status
	}
	return http.StatusForbidden
}

func learningRecordAccessCases(f *fixture, ids learnIDs) []accessCase {
	const ok, see, forbidden, unauth, bad, invalid, notFound, conflict = 200, 303, 403, 401, 400, 422, 404, 409
	own := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return fmt.Sprintf("/citizens/%d%s", f.ownCitizen, suffix) }
	}
	viewers := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok, "citizen": ok, "unit_officer": staffStatus(f)}
	enterers := func(status, anonymous int) map[string]int {
		return map[string]int{"anonymous": anonymous, "admin": status, "commune_officer": status, "collector": status, "citizen": status, "unit_officer": staffOr(f, status)}
	}
	reviewers := func(status int) map[string]int {
		return map[string]int{"anonymous": unauth, "admin": status, "commune_officer": status, "collector": status}
	}
	importers := func(status, anonymous int) map[string]int {
		return map[string]int{"anonymous": anonymous, "admin": status, "city_officer": status, "commune_officer": status, "commune_officer_nh": status}
	}
	return []accessCase{
		{pattern: "GET /me/learning", path: path("/me/learning"), want: map[string]int{"anonymous": see, "citizen": ok}, deflt: forbidden},
		{pattern: "GET /citizens/{id}/learning", path: own("/learning"), want: viewers, deflt: forbidden},
		{pattern: "GET /citizens/{id}/learning/portfolio.pdf", path: own("/learning/portfolio.pdf"), want: viewers, deflt: forbidden},
		{pattern: "GET /citizens/{id}/learning/new", path: own("/learning/new"), want: enterers(ok, see), deflt: forbidden},
		// An empty declaration: refused after the access check, so nothing is written.
		{pattern: "POST /citizens/{id}/learning/activities", path: own("/learning/activities"), form: url.Values{"kind": {""}},
			want: enterers(invalid, unauth), deflt: forbidden},
		{pattern: "GET /learning/activities/{id}/evidence", path: func(*fixture) string { return fmt.Sprintf("/learning/activities/%d/evidence", ids.withFile) },
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok}, deflt: forbidden},
		// Already confirmed: those allowed meet the conflict, the others the refusal.
		{pattern: "POST /learning/activities/{id}/confirm", path: func(*fixture) string { return fmt.Sprintf("/learning/activities/%d/confirm", ids.reviewed) },
			want: reviewers(conflict), deflt: forbidden},
		// A rejection without a reason is refused after the access check.
		{pattern: "POST /learning/activities/{id}/reject", path: func(*fixture) string { return fmt.Sprintf("/learning/activities/%d/reject", ids.withFile) },
			form: url.Values{"reason": {""}}, want: reviewers(bad), deflt: forbidden},
		{pattern: "GET /learning/review", path: path("/learning/review"),
			want: map[string]int{"anonymous": see, "admin": ok, "commune_officer": ok, "commune_officer_nh": ok, "collector": ok}, deflt: forbidden,
			absent: map[string][]string{"commune_officer": {ids.foreignName}, "collector": {ids.foreignName}, "commune_officer_nh": {ids.ownName}}},
		{pattern: "GET /citizens/{id}/digital-skills", path: own("/digital-skills"), want: viewers, deflt: forbidden},
		{pattern: "POST /citizens/{id}/digital-skills", path: own("/digital-skills"), form: url.Values{"G0.1": {"can"}},
			want: enterers(invalid, unauth), deflt: forbidden},
		{pattern: "GET /digital-skills/import", path: path("/digital-skills/import"), want: importers(ok, see), deflt: forbidden},
		{pattern: "POST /digital-skills/import", path: path("/digital-skills/import"), upload: func(f *fixture) (string, []byte) {
			return multipartBody(nil, "xac-nhan.csv", []byte("Số CCCD,Ngày xác nhận,Mức,Đơn vị xác nhận\n001099999999,01/02/2025,Cơ bản,Trung tâm\n"))
		}, want: importers(ok, unauth), deflt: forbidden},
		{pattern: "POST /digital-skills/import/{id}/confirm", path: path("/digital-skills/import/999999/confirm"), want: importers(notFound, unauth), deflt: forbidden},
	}
}
