package learning_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"hoctap/internal/account"
	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
	"hoctap/internal/learning"
	"hoctap/internal/people"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

type world struct {
	db           *store.DB
	clk          *clock.Fixed
	svc          *learning.Service
	provider     int64
	people       []people.Citizen
	providerUser int64
	ctx          context.Context
}

// newWorld makes a commune with one village, a provider and eight people, on a clock at 09:00
// on 2 March 2026 in Hà Nội.
func newWorld(t *testing.T) *world {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC))
	db := testdb.Open(t, clk)
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	if err := db.SyncAdminUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, clk: clk, svc: &learning.Service{DB: db, Units: units}, ctx: ctx}
	err = db.Write(ctx, func(tx *store.Tx) error {
		v := village.Village{ProvinceCode: "01", CommuneCode: "00004", Name: "Tổ dân phố số 1", Kind: "residential_group"}
		if err := tx.CreateVillage(ctx, &v); err != nil {
			return err
		}
		p := store.Provider{ProvinceCode: "01", CommuneCode: "00004", Name: "Trung tâm học tập cộng đồng"}
		if err := tx.CreateProvider(ctx, &p); err != nil {
			return err
		}
		w.provider = p.ID
		for i := range 8 {
			c := people.Citizen{ProvinceCode: "01", CommuneCode: "00004", VillageID: v.ID, FullName: fmt.Sprintf("Nguyễn Văn %c", 'A'+i),
				NationalID: fmt.Sprintf("00108800%04d", i+1), BirthYear: 1988, BirthDate: "1988-01-01", Gender: people.GenderMale, TargetGroup: people.GroupResident}
			if err := tx.CreateCitizen(ctx, &c); err != nil {
				return err
			}
			w.people = append(w.people, c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := account.New(db).Create(ctx, nil, account.NewAccount{DisplayName: "Cán bộ trung tâm", Login: "0901999999", Password: "mot-mat-khau-dai",
		Grant: auth.Grant{Role: auth.RoleProvider, ProviderID: w.provider}})
	if err != nil {
		t.Fatal(err)
	}
	w.providerUser = u.ID
	return w
}

func (w *world) citizen(i int) *auth.Principal {
	return &auth.Principal{UserID: int64(100 + i), Grants: []auth.Grant{{Role: auth.RoleCitizen, CitizenID: w.people[i].ID}}}
}

func (w *world) providerAcc(id int64) *auth.Principal {
	return &auth.Principal{UserID: w.providerUser, Grants: []auth.Grant{{Role: auth.RoleProvider, ProviderID: id}}}
}

func course(capacity int, cert bool, days ...string) learning.ProgrammeInput {
	in := learning.ProgrammeInput{Title: "Kỹ năng số cơ bản", Topic: "digital_skills", Mode: "in_person", CommuneCode: "00004", Address: "Nhà văn hoá",
		Capacity: capacity, IssuesCertificate: cert}
	for _, d := range days {
		in.Sessions = append(in.Sessions, learning.SessionInput{Day: d, Start: "08:00", End: "10:00"})
	}
	return in
}

func keyOf(err error) string {
	if fe, ok := fault.As(err); ok {
		return fe.Key
	}
	if es := fault.FieldErrors(err); len(es) > 0 {
		return es[0].Key
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func (w *world) published(t *testing.T, in learning.ProgrammeInput) (store.Programme, []store.ProgrammeSession) {
	t.Helper()
	p, err := w.svc.CreateProgramme(w.ctx, w.providerAcc(w.provider), w.provider, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Publish(w.ctx, w.providerAcc(w.provider), p.ID); err != nil {
		t.Fatal(err)
	}
	ss, err := w.db.ProgrammeSessions(w.ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, _ = w.db.Programme(w.ctx, p.ID)
	return p, ss
}

func TestProgrammeRefusals(t *testing.T) {
	w := newWorld(t)
	prov := w.providerAcc(w.provider)
	if _, err := w.svc.CreateProgramme(w.ctx, prov, w.provider, course(5, false, "2026-03-01")); keyOf(err) != "programme.session.past" {
		t.Errorf("session in the past: %v", err)
	}
	if _, err := w.svc.CreateProgramme(w.ctx, w.providerAcc(w.provider+1), w.provider, course(5, false, "2026-03-09")); err != fault.ErrForbidden {
		t.Errorf("another provider created a programme: %v", err)
	}
	in := course(2, false, "2026-03-09")
	in.Hours = 3
	if _, err := w.svc.CreateProgramme(w.ctx, prov, w.provider, in); keyOf(err) != "programme.hours.exceed" {
		t.Errorf("hours beyond the sessions: %v", err)
	}
	p, _ := w.published(t, course(2, false, "2026-03-09"))
	for i := range 2 {
		if _, err := w.svc.Enrol(w.ctx, w.citizen(i), p.ID, w.people[i].ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.UpdateProgramme(w.ctx, prov, p.ID, course(1, false, "2026-03-09")); keyOf(err) != "programme.capacity.below_enrolled" {
		t.Errorf("capacity below the enrolments: %v", err)
	}
	if _, err := w.svc.Enrol(w.ctx, w.citizen(3), p.ID, w.people[4].ID); err != fault.ErrForbidden {
		t.Errorf("a citizen enrolled someone else: %v", err)
	}
}

func TestWaitingList(t *testing.T) {
	w := newWorld(t)
	p, _ := w.published(t, course(2, false, "2026-03-09"))
	var states []string
	for i := range 4 {
		e, err := w.svc.Enrol(w.ctx, w.citizen(i), p.ID, w.people[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, e.State)
		w.clk.Advance(time.Second)
	}
	if fmt.Sprint(states) != "[enrolled enrolled waiting waiting]" {
		t.Fatalf("states %v", states)
	}
	if _, err := w.svc.Enrol(w.ctx, w.citizen(0), p.ID, w.people[0].ID); keyOf(err) != "enrolment.exists" {
		t.Errorf("double enrolment: %v", err)
	}
	if err := w.svc.CancelEnrolment(w.ctx, w.citizen(1), p.ID, w.people[1].ID); err != nil {
		t.Fatal(err)
	}
	// The first in line (person 2), not person 3, takes the place.
	for i, want := range []string{"enrolled", "cancelled", "enrolled", "waiting"} {
		e, err := w.db.Enrolment(w.ctx, p.ID, w.people[i].ID)
		if err != nil || e.State != want {
			t.Errorf("person %d: %s, want %s (%v)", i, e.State, want, err)
		}
	}
	// A larger capacity serves the waiting list.
	if _, err := w.svc.UpdateProgramme(w.ctx, w.providerAcc(w.provider), p.ID, course(3, false, "2026-03-09")); err != nil {
		t.Fatal(err)
	}
	if e, _ := w.db.Enrolment(w.ctx, p.ID, w.people[3].ID); e.State != "enrolled" {
		t.Errorf("person 3 not promoted: %s", e.State)
	}
}

func TestCheckinAndCompletion(t *testing.T) {
	w := newWorld(t)
	prov := w.providerAcc(w.provider)
	// Created on 2 March: sessions on 2, 3, 4, 5 and 6 March; 80% is 4 of 5.
	p, ss := w.published(t, course(10, true, "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"))
	for i := range 2 {
		if _, err := w.svc.Enrol(w.ctx, w.citizen(i), p.ID, w.people[i].ID); err != nil {
			t.Fatal(err)
		}
	}
	key, err := w.db.CheckinKey(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Not open yet.
	if _, _, err := w.svc.CheckIn(w.ctx, w.citizen(0), learning.Token(key, ss[0].ID, w.db.Now())); keyOf(err) != "session.not_open" {
		t.Errorf("closed session: %v", err)
	}
	if err := w.svc.OpenSession(w.ctx, prov, ss[1].ID); keyOf(err) != "session.not_today" {
		t.Errorf("opened tomorrow's session: %v", err)
	}
	if err := w.svc.OpenSession(w.ctx, w.providerAcc(w.provider+7), ss[0].ID); err != fault.ErrForbidden {
		t.Errorf("another provider opened the session: %v", err)
	}
	checkinDay := func(i int) {
		t.Helper()
		if err := w.svc.OpenSession(w.ctx, prov, ss[i].ID); err != nil {
			t.Fatal(err)
		}
		tok, _, err := w.svc.QR(w.ctx, prov, ss[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.svc.CheckIn(w.ctx, w.citizen(0), tok); err != nil {
			t.Fatalf("day %d: %v", i, err)
		}
		// A copy of the same code: the same person is refused, someone not enrolled too.
		if _, _, err := w.svc.CheckIn(w.ctx, w.citizen(0), tok); keyOf(err) != "checkin.already" {
			t.Errorf("replayed code: %v", err)
		}
		if _, _, err := w.svc.CheckIn(w.ctx, w.citizen(5), tok); keyOf(err) != "checkin.not_enrolled" {
			t.Errorf("not enrolled: %v", err)
		}
		// Yesterday's photo of the code is expired; a code of another session is refused.
		if i > 0 {
			old := learning.Token(key, ss[i-1].ID, w.db.Now().Add(-24*time.Hour))
			if _, _, err := w.svc.CheckIn(w.ctx, w.citizen(1), old); keyOf(err) != learning.KeyTokenExpired {
				t.Errorf("expired code: %v", err)
			}
			other := learning.Token(key, ss[i-1].ID, w.db.Now())
			if _, _, err := w.svc.CheckIn(w.ctx, w.citizen(1), other); keyOf(err) != "session.not_open" {
				t.Errorf("code of another session: %v", err)
			}
		}
		w.clk.Advance(3 * time.Minute)
		if _, _, err := w.svc.CheckIn(w.ctx, w.citizen(1), tok); keyOf(err) != learning.KeyTokenExpired {
			t.Errorf("code after three minutes: %v", err)
		}
	}
	for i := range 3 {
		checkinDay(i)
		w.clk.Advance(24*time.Hour - 3*time.Minute)
	}
	ks, _ := w.db.CompletionsOfCitizen(w.ctx, w.people[0].ID)
	if len(ks) != 0 {
		t.Fatalf("completed after 3 of 5: %+v", ks)
	}
	// The fourth session by the provider's list completes the rule: dated that day, 8 hours, with a certificate.
	if _, err := w.svc.MarkAttendance(w.ctx, prov, ss[4].ID, []int64{w.people[0].ID}); keyOf(err) != "session.future" {
		t.Errorf("ticked a future session: %v", err)
	}
	if _, err := w.svc.MarkAttendance(w.ctx, prov, ss[3].ID, []int64{w.people[0].ID, w.people[1].ID}); err != nil {
		t.Fatal(err)
	}
	ks, _ = w.db.CompletionsOfCitizen(w.ctx, w.people[0].ID)
	if len(ks) != 1 || ks[0].CompletedOn != "2026-03-05" || ks[0].Minutes != 480 || ks[0].Source != "attendance" || ks[0].CertificateCode == "" {
		t.Fatalf("completion %+v", ks)
	}
	v, err := w.svc.Verify(w.ctx, ks[0].CertificateCode)
	if err != nil || v.Title != p.Title || v.Hours != "8" {
		t.Errorf("verification %+v %v", v, err)
	}
	var pdf bytes.Buffer
	if err := w.svc.CertificatePDF(w.ctx, w.citizen(0), ks[0].ID, "https://hoctap.example", &pdf); err != nil || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF")) {
		t.Errorf("certificate: %v", err)
	}
	if err := w.svc.CertificatePDF(w.ctx, w.citizen(1), ks[0].ID, "https://hoctap.example", &pdf); err != fault.ErrForbidden {
		t.Errorf("another person's certificate: %v", err)
	}
	// Unticking removes the completion the attendance no longer supports.
	if _, err := w.svc.MarkAttendance(w.ctx, prov, ss[3].ID, []int64{w.people[1].ID}); err != nil {
		t.Fatal(err)
	}
	if ks, _ = w.db.CompletionsOfCitizen(w.ctx, w.people[0].ID); len(ks) != 0 {
		t.Errorf("completion kept after unticking: %+v", ks)
	}
}

func xlsx(t *testing.T, rows [][]any) []byte {
	t.Helper()
	var b bytes.Buffer
	cols := []sheet.Column{{Title: "Số CCCD"}, {Title: "Chương trình"}, {Title: "Ngày hoàn thành"}, {Title: "Số giờ"}}
	err := sheet.WriteXLSX(&b, "Hoàn thành", cols, func(yield func([]any) bool) {
		for _, r := range rows {
			if !yield(r) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportCompletions(t *testing.T) {
	w := newWorld(t)
	prov := w.providerAcc(w.provider)
	p, _ := w.published(t, course(10, true, "2026-03-02"))
	good := [][]any{
		{w.people[0].NationalID, p.Title, "02/03/2026", "2"},
		{w.people[1].NationalID, fmt.Sprint(p.ID), "02/03/2026", "1,5"},
	}
	bad := append(append([][]any{}, good...),
		[]any{"001099999999", p.Title, "02/03/2026", "2"},                // unknown person
		[]any{w.people[2].NationalID, "Lớp không có", "02/03/2026", "2"}, // unknown programme
		[]any{w.people[3].NationalID, p.Title, "02/03/2026", "3"},        // more hours than the programme
		[]any{w.people[4].NationalID, p.Title, "10/03/2026", "1"},        // in the future
	)
	imp, err := w.svc.PreviewImport(w.ctx, prov, w.provider, "hoan-thanh.xlsx", xlsx(t, bad))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"completion.import.person_unknown", "completion.import.programme_unknown", "completion.import.hours_exceed", "completion.import.date_future"}
	errs := imp.Errors()
	if imp.Counts["new"] != 2 || imp.Counts["error"] != 4 || len(errs) != 4 {
		t.Fatalf("counts %v, errors %+v", imp.Counts, errs)
	}
	for i, e := range errs {
		if e.Key != want[i] || e.Row != i+4 || e.File != "hoan-thanh.xlsx" || e.Column == "" {
			t.Errorf("error %d: %+v, want %s on row %d", i, e, want[i], i+4)
		}
	}
	// Nothing partial: a file with errors writes nothing.
	if _, err := w.svc.ConfirmImport(w.ctx, prov, w.provider, imp.PendingID); keyOf(err) != "completion.import.has_errors" {
		t.Errorf("confirmed a file with errors: %v", err)
	}
	if ks, _ := w.db.CompletionsOfCitizen(w.ctx, w.people[0].ID); len(ks) != 0 {
		t.Fatalf("partial write: %+v", ks)
	}
	// Another provider cannot import into this one.
	if _, err := w.svc.PreviewImport(w.ctx, w.providerAcc(w.provider+3), w.provider, "x.xlsx", xlsx(t, good)); err != fault.ErrForbidden {
		t.Errorf("another provider: %v", err)
	}
	imp, err = w.svc.PreviewImport(w.ctx, prov, w.provider, "hoan-thanh.xlsx", xlsx(t, good))
	if err != nil {
		t.Fatal(err)
	}
	done, err := w.svc.ConfirmImport(w.ctx, prov, w.provider, imp.PendingID)
	if err != nil || done.Written != 2 {
		t.Fatalf("import: %d written, %v", done.Written, err)
	}
	ks, _ := w.db.CompletionsOfCitizen(w.ctx, w.people[1].ID)
	if len(ks) != 1 || ks[0].Minutes != 90 || ks[0].Source != "import" || ks[0].CertificateCode == "" {
		t.Errorf("imported completion %+v", ks)
	}
	// Importing the same file again changes nothing.
	again, err := w.svc.ImportCompletions(w.ctx, w.provider, "hoan-thanh.xlsx", xlsx(t, good))
	if err != nil || again.Written != 0 || again.Counts["unchanged"] != 2 {
		t.Errorf("re-import: %+v %v", again.Counts, err)
	}
}

func TestCatalogueSearch(t *testing.T) {
	w := newWorld(t)
	w.published(t, course(5, false, "2026-03-09"))
	draft := course(5, false, "2026-03-10")
	draft.Title = "Bản nháp kỹ năng"
	if _, err := w.svc.CreateProgramme(w.ctx, w.providerAcc(w.provider), w.provider, draft); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    store.CatalogueQuery
		want int
	}{
		{store.CatalogueQuery{Text: "ky nang SO"}, 1}, // without diacritics, the draft hidden
		{store.CatalogueQuery{Text: "Kỹ năng"}, 1},
		{store.CatalogueQuery{Topic: "law"}, 0},
		{store.CatalogueQuery{CommuneCode: "00004", From: "2026-03-09", To: "2026-03-09"}, 1},
		{store.CatalogueQuery{From: "2026-03-10"}, 0},
	} {
		_, n, err := w.svc.Catalogue(w.ctx, c.q)
		if err != nil || n != c.want {
			t.Errorf("%+v: %d, want %d (%v)", c.q, n, c.want, err)
		}
	}
}
