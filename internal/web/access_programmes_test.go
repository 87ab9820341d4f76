package web_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/clock"
	"hoctap/internal/learning"
	"hoctap/internal/store"
)

// progIDs are the records seedProgrammes makes: a published programme of the demo provider
// with a session today (check-in open) and one next week, the demo citizen enrolled; a draft of
// the demo provider; a programme of another provider; and the demo citizen's completion with a
// certificate.
type progIDs struct {
	provider, otherProvider       int64
	own, draft, foreign           int64
	today, future, foreignSession int64
	completion                    int64
	code                          string
	key                           []byte
}

// seedProgrammes builds the programmes the access table needs, acting with the server's rights.
func seedProgrammes(t *testing.T, f *fixture) progIDs {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	svc := &learning.Service{DB: f.db, Units: units}
	provs, err := f.db.Providers(ctx)
	if err != nil || len(provs) == 0 {
		t.Fatalf("no demo provider: %v", err)
	}
	ids := progIDs{provider: provs[0].ID}
	other := store.Provider{ProvinceCode: provs[0].ProvinceCode, CommuneCode: provs[0].CommuneCode, Name: "Trung tâm Giáo dục thường xuyên (kiểm thử)"}
	if err := f.db.Write(ctx, func(tx *store.Tx) error { return tx.CreateProvider(ctx, &other) }); err != nil {
		t.Fatal(err)
	}
	ids.otherProvider = other.ID
	today := svc.Today()
	next := f.db.Now().AddDate(0, 0, 7).In(clock.Vietnam).Format("2006-01-02")
	in := func(title string, cert bool, days ...string) learning.ProgrammeInput {
		p := learning.ProgrammeInput{Title: title, Topic: "digital_skills", Mode: "in_person", CommuneCode: provs[0].CommuneCode, Address: "Nhà văn hoá",
			Capacity: 10, IssuesCertificate: cert}
		for _, d := range days {
			p.Sessions = append(p.Sessions, learning.SessionInput{Day: d, Start: "08:00", End: "10:00"})
		}
		return p
	}
	published := func(provider int64, p learning.ProgrammeInput) store.Programme {
		prog, err := svc.CreateProgramme(ctx, nil, provider, p)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Publish(ctx, nil, prog.ID); err != nil {
			t.Fatal(err)
		}
		return prog
	}
	sessions := func(id int64) []store.ProgrammeSession {
		ss, err := f.db.ProgrammeSessions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return ss
	}
	own := published(ids.provider, in("Lớp kiểm thử quyền truy cập", false, today, next))
	ids.own = own.ID
	ss := sessions(own.ID)
	ids.today, ids.future = ss[0].ID, ss[1].ID
	if err := svc.OpenSession(ctx, nil, ids.today); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Enrol(ctx, nil, own.ID, f.ownCitizen); err != nil {
		t.Fatal(err)
	}
	draft, err := svc.CreateProgramme(ctx, nil, ids.provider, in("Bản nháp kiểm thử", false, next))
	if err != nil {
		t.Fatal(err)
	}
	ids.draft = draft.ID
	foreign := published(ids.otherProvider, in("Chương trình của đơn vị khác", false, today))
	ids.foreign = foreign.ID
	ids.foreignSession = sessions(foreign.ID)[0].ID
	if err := svc.OpenSession(ctx, nil, ids.foreignSession); err != nil {
		t.Fatal(err)
	}
	done := published(ids.provider, in("Buổi chuyên đề có chứng nhận", true, today))
	if _, err := svc.Enrol(ctx, nil, done.ID, f.ownCitizen); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.MarkAttendance(ctx, nil, sessions(done.ID)[0].ID, []int64{f.ownCitizen}); err != nil {
		t.Fatal(err)
	}
	ks, err := f.db.CompletionsOfCitizen(ctx, f.ownCitizen)
	if err != nil || len(ks) == 0 || ks[0].CertificateCode == "" {
		t.Fatalf("no completion with a certificate: %v %+v", err, ks)
	}
	ids.completion, ids.code = ks[0].ID, ks[0].CertificateCode
	if ids.key, err = f.db.CheckinKey(ctx); err != nil {
		t.Fatal(err)
	}
	return ids
}

// programmeAccessCases covers every route of programmeRoutes. POSTs carry input the service
// refuses after its access check (an unknown ID number, an empty form, a future session, a
// missing file, an unknown import), except the open of an already open session (idempotent),
// the preview of an attendance list (it writes no attendance) and the citizen's own check-in,
// which runs last for that route.
func programmeAccessCases(f *fixture, ids progIDs) []accessCase {
	const ok, see, forbidden, unauth, invalid, notFound = 200, 303, 403, 401, 422, 404
	managers := func(s int) map[string]int {
		return map[string]int{"anonymous": see, "admin": s, "provider": s}
	}
	managersPost := func(s int) map[string]int {
		return map[string]int{"anonymous": unauth, "admin": s, "provider": s}
	}
	id := func(n int64) string { return fmt.Sprint(n) }
	own := "/provider/programmes/" + id(ids.own)
	token := func(session int64) func(*fixture) string {
		return func(f *fixture) string { return "/checkin/" + learning.Token(ids.key, session, f.db.Now()) }
	}
	unknownPerson := url.Values{"national_id": {"001099000000"}}
	// Officers who may see the demo citizen's completion: the city, the commune, the collector
	// of the village, the provider that confirmed it, and the person.
	certificate := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok, "provider": ok, "citizen": ok}
	if f.ownCitizenStaff {
		certificate["unit_officer"] = ok
	}
	return []accessCase{
		{pattern: "GET /programmes", path: path("/programmes?q=kiem+thu"), want: everyone(ok, ok)},
		{pattern: "GET /programmes/{id}", path: path("/programmes/" + id(ids.own)), want: everyone(ok, ok)},
		{pattern: "GET /programmes/{id}", path: path("/programmes/" + id(ids.draft)), want: map[string]int{"admin": ok, "provider": ok}, deflt: notFound},
		{pattern: "POST /programmes/{id}/enrol", path: path("/programmes/" + id(ids.own) + "/enrol"), form: unknownPerson, want: everyone(invalid, unauth)},
		{pattern: "POST /programmes/{id}/unenrol", path: path("/programmes/" + id(ids.own) + "/unenrol"), form: unknownPerson, want: everyone(invalid, unauth)},
		{pattern: "GET /me/programmes", path: path("/me/programmes"), want: map[string]int{"anonymous": see, "citizen": ok}, deflt: forbidden},
		{pattern: "GET /completions/{id}/certificate.pdf", path: path("/completions/" + id(ids.completion) + "/certificate.pdf"), want: certificate, deflt: forbidden},
		{pattern: "GET /checkin/{token}", path: token(ids.today), want: map[string]int{"anonymous": see, "citizen": ok}, deflt: forbidden},
		// The citizen is not enrolled in the other provider's programme.
		{pattern: "GET /checkin/{token}", path: token(ids.foreignSession), want: map[string]int{"anonymous": see}, deflt: forbidden},
		{pattern: "GET /checkin/{token}", path: path("/checkin/1.1.AAAA"), want: map[string]int{"anonymous": see, "citizen": invalid}, deflt: forbidden},
		{pattern: "POST /checkin/{token}", path: token(ids.today), want: map[string]int{"anonymous": unauth, "citizen": ok}, deflt: forbidden},
		{pattern: "GET /verify/learning/{code}", path: path("/verify/learning/" + ids.code), want: everyone(ok, ok)},

		{pattern: "GET /provider/programmes", path: path("/provider/programmes"), want: managers(ok), deflt: forbidden,
			absent: map[string][]string{"provider": {"Chương trình của đơn vị khác"}}},
		{pattern: "GET /provider/programmes/new", path: path("/provider/programmes/new"), want: managers(ok), deflt: forbidden},
		{pattern: "POST /provider/programmes", path: path("/provider/programmes"), form: url.Values{"provider_id": {id(ids.provider)}, "title": {""}},
			want: managersPost(invalid), deflt: forbidden},
		{pattern: "GET /provider/programmes/{id}", path: path(own), want: managers(ok), deflt: forbidden},
		// Another provider's programme: forbidden to the demo provider.
		{pattern: "GET /provider/programmes/{id}", path: path("/provider/programmes/" + id(ids.foreign)), want: map[string]int{"anonymous": see, "admin": ok}, deflt: forbidden},
		{pattern: "GET /provider/programmes/{id}/edit", path: path(own + "/edit"), want: managers(ok), deflt: forbidden},
		{pattern: "GET /provider/programmes/{id}/edit", path: path("/provider/programmes/" + id(ids.foreign) + "/edit"), want: map[string]int{"anonymous": see, "admin": ok}, deflt: forbidden},
		{pattern: "POST /provider/programmes/{id}", path: path(own), form: url.Values{"title": {""}}, want: managersPost(invalid), deflt: forbidden},
		{pattern: "POST /provider/programmes/{id}", path: path("/provider/programmes/" + id(ids.foreign)), form: url.Values{"title": {""}},
			want: map[string]int{"anonymous": unauth, "admin": invalid}, deflt: forbidden},
		{pattern: "POST /provider/programmes/{id}/publish", path: path(own + "/publish"), want: managersPost(invalid), deflt: forbidden},
		{pattern: "POST /provider/programmes/{id}/publish", path: path("/provider/programmes/" + id(ids.foreign) + "/publish"),
			want: map[string]int{"anonymous": unauth, "admin": invalid}, deflt: forbidden},
		{pattern: "POST /provider/programmes/{id}/cancel", path: path(own + "/cancel"), form: url.Values{"reason": {""}}, want: managersPost(invalid), deflt: forbidden},
		{pattern: "GET /provider/sessions/{id}", path: path("/provider/sessions/" + id(ids.today)), want: managers(ok), deflt: forbidden},
		{pattern: "GET /provider/sessions/{id}", path: path("/provider/sessions/" + id(ids.foreignSession)), want: map[string]int{"anonymous": see, "admin": ok}, deflt: forbidden},
		{pattern: "POST /provider/sessions/{id}/open", path: path("/provider/sessions/" + id(ids.today) + "/open"), want: managersPost(see), deflt: forbidden},
		{pattern: "POST /provider/sessions/{id}/open", path: path("/provider/sessions/" + id(ids.foreignSession) + "/open"),
			want: map[string]int{"anonymous": unauth, "admin": see}, deflt: forbidden},
		{pattern: "GET /provider/sessions/{id}/qr.json", path: path("/provider/sessions/" + id(ids.today) + "/qr.json"), want: managers(ok), deflt: forbidden},
		{pattern: "GET /provider/sessions/{id}/qr.json", path: path("/provider/sessions/" + id(ids.foreignSession) + "/qr.json"),
			want: map[string]int{"anonymous": see, "admin": ok}, deflt: forbidden},
		{pattern: "POST /provider/sessions/{id}/attendance", path: path("/provider/sessions/" + id(ids.future) + "/attendance"),
			form: url.Values{"present": {id(f.ownCitizen)}}, want: managersPost(invalid), deflt: forbidden},
		{pattern: "POST /provider/sessions/{id}/attendance", path: path("/provider/sessions/" + id(ids.foreignSession) + "/attendance"),
			form: url.Values{}, want: map[string]int{"anonymous": unauth, "admin": see}, deflt: forbidden},
		{pattern: "POST /provider/sessions/{id}/attendance/import", path: path("/provider/sessions/" + id(ids.today) + "/attendance/import"),
			form: url.Values{}, want: managersPost(invalid), deflt: forbidden},
		// A real list is only previewed: the preview keeps the file, it writes no attendance.
		{pattern: "POST /provider/sessions/{id}/attendance/import", path: path("/provider/sessions/" + id(ids.today) + "/attendance/import"),
			upload: func(*fixture) (string, []byte) {
				return multipartBody(nil, "diem-danh.csv", []byte("Số CCCD,Có mặt\n001099000000,x\n"))
			}, want: managersPost(ok), deflt: forbidden},
		{pattern: "POST /provider/sessions/{id}/attendance/import", path: path("/provider/sessions/" + id(ids.foreignSession) + "/attendance/import"),
			form: url.Values{}, want: map[string]int{"anonymous": unauth, "admin": invalid}, deflt: forbidden},
		// An unknown import: refused after the session's access check.
		{pattern: "POST /provider/sessions/{id}/attendance/import/{pending}/confirm", path: path("/provider/sessions/" + id(ids.today) + "/attendance/import/999999/confirm"),
			want: managersPost(notFound), deflt: forbidden},
		{pattern: "POST /provider/sessions/{id}/attendance/import/{pending}/confirm", path: path("/provider/sessions/" + id(ids.foreignSession) + "/attendance/import/999999/confirm"),
			want: map[string]int{"anonymous": unauth, "admin": notFound}, deflt: forbidden},
		{pattern: "GET /provider/sessions/{id}/attendance/import/{pending}/report.xlsx", path: path("/provider/sessions/" + id(ids.today) + "/attendance/import/999999/report.xlsx"),
			want: managers(notFound), deflt: forbidden},
		{pattern: "GET /provider/sessions/{id}/attendance/import/{pending}/report.xlsx", path: path("/provider/sessions/" + id(ids.foreignSession) + "/attendance/import/999999/report.xlsx"),
			want: map[string]int{"anonymous": see, "admin": notFound}, deflt: forbidden},
		{pattern: "GET /provider/completions/import", path: path("/provider/completions/import"), want: managers(ok), deflt: forbidden},
		{pattern: "POST /provider/completions/import", path: path("/provider/completions/import"), form: url.Values{}, want: managersPost(invalid), deflt: forbidden},
		{pattern: "POST /provider/completions/import/{id}/confirm", path: path("/provider/completions/import/999999/confirm"),
			form: url.Values{"provider_id": {id(ids.provider)}}, want: managersPost(notFound), deflt: forbidden},
	}
}
