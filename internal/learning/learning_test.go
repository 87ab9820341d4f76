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

// attendanceCSV is an attendance list: ID number, present, name.
func attendanceCSV(rows ...[3]string) []byte {
	var b bytes.Buffer
	b.WriteString("Số CCCD,Có mặt,Họ và tên\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,%s,%s\n", r[0], r[1], r[2])
	}
	return b.Bytes()
}

func TestImportAttendance(t *testing.T) {
	w := newWorld(t)
	prov := w.providerAcc(w.provider)
	// One session today: attending it completes the programme.
	p, ss := w.published(t, course(10, true, "2026-03-02"))
	for i := range 3 {
		if _, err := w.svc.Enrol(w.ctx, w.citizen(i), p.ID, w.people[i].ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.MarkAttendance(w.ctx, prov, ss[0].ID, []int64{w.people[2].ID}); err != nil {
		t.Fatal(err)
	}
	id := func(i int) string { return w.people[i].NationalID }
	file := attendanceCSV(
		[3]string{id(0), "x", "A"},          // row 2: marked present
		[3]string{id(1), "có", "B"},         // row 3: marked present
		[3]string{id(2), "1", "C"},          // row 4: present already, unchanged
		[3]string{"001099999999", "x", "?"}, // row 5: nobody has this ID
		[3]string{id(5), "x", "F"},          // row 6: a person not enrolled
		[3]string{"12345", "x", "?"},        // row 7: not an ID number
		[3]string{id(0), "x", "A"},          // row 8: repeats row 2
		[3]string{id(1), "có lẽ", "B"},      // row 9: neither present nor absent
	)
	attendance := func() map[int64]string {
		t.Helper()
		a, err := w.db.SessionAttendance(w.ctx, ss[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	completed := func(i int) int {
		ks, err := w.db.CompletionsOfCitizen(w.ctx, w.people[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(ks)
	}

	imp, err := w.svc.PreviewAttendanceImport(w.ctx, prov, ss[0].ID, "diem-danh.csv", file)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Counts[learning.RowPresent] != 2 || imp.Counts[learning.RowUnchanged] != 1 || imp.Counts[learning.RowFailed] != 5 || imp.PendingID == 0 {
		t.Fatalf("counts %v, pending %d", imp.Counts, imp.PendingID)
	}
	want := []struct {
		row         int
		column, key string
	}{
		{5, "Số CCCD", "attendance.import.person_unknown"},
		{6, "Số CCCD", "attendance.import.not_enrolled"},
		{7, "Số CCCD", "learning.import.id_invalid"},
		{8, "Số CCCD", "attendance.import.duplicate"},
		{9, "Có mặt", "attendance.import.present_invalid"},
	}
	errs := imp.Errors()
	if len(errs) != len(want) {
		t.Fatalf("errors %+v", errs)
	}
	for i, e := range errs {
		if e.Row != want[i].row || e.Column != want[i].column || e.Key != want[i].key || e.File != "diem-danh.csv" {
			t.Errorf("error %d: %+v, want %+v", i, e, want[i])
		}
	}
	if imp.Rows[0].FullName != w.people[0].FullName || len(imp.Rows[0].Cells) != 3 || imp.Titles[0] != "Số CCCD" {
		t.Errorf("row for the preview and the result file: %+v, titles %v", imp.Rows[0], imp.Titles)
	}
	// The preview writes nothing.
	if a := attendance(); len(a) != 1 || completed(0) != 0 {
		t.Fatalf("written before confirming: %v", a)
	}
	// The result file reads the kept file again without using it up.
	again, err := w.svc.PendingAttendanceImport(w.ctx, prov, ss[0].ID, imp.PendingID)
	if err != nil || again.Counts[learning.RowFailed] != 5 {
		t.Errorf("pending import: %v %v", again.Counts, err)
	}

	// Another provider can neither preview nor confirm; the refused confirmation keeps the file.
	other := w.providerAcc(w.provider + 3)
	if _, err := w.svc.PreviewAttendanceImport(w.ctx, other, ss[0].ID, "x.csv", file); err != fault.ErrForbidden {
		t.Errorf("another provider previewed: %v", err)
	}
	if _, err := w.svc.ConfirmAttendanceImport(w.ctx, other, ss[0].ID, imp.PendingID); err != fault.ErrForbidden {
		t.Errorf("another provider confirmed: %v", err)
	}
	// A session in the future cannot be imported; a pending import of another session is unknown.
	_, fs := w.published(t, course(10, false, "2026-03-09"))
	if _, err := w.svc.PreviewAttendanceImport(w.ctx, prov, fs[0].ID, "x.csv", file); keyOf(err) != "session.future" {
		t.Errorf("future session: %v", err)
	}

	// The confirmation writes the valid rows only, in one go, and completes the programme.
	done, err := w.svc.ConfirmAttendanceImport(w.ctx, prov, ss[0].ID, imp.PendingID)
	if err != nil || done.Written != 2 {
		t.Fatalf("confirm: %d written, %v", done.Written, err)
	}
	a := attendance()
	if len(a) != 3 || a[w.people[0].ID] != learning.MethodImport || a[w.people[1].ID] != learning.MethodImport || a[w.people[2].ID] != learning.MethodList {
		t.Errorf("attendance after confirming: %v", a)
	}
	if _, ok := a[w.people[5].ID]; ok {
		t.Errorf("a person not enrolled was recorded")
	}
	if completed(0) != 1 || completed(1) != 1 {
		t.Errorf("completions: %d, %d", completed(0), completed(1))
	}
	if _, err := w.svc.ConfirmAttendanceImport(w.ctx, prov, ss[0].ID, imp.PendingID); keyOf(err) != "import.expired" {
		t.Errorf("confirmed twice: %v", err)
	}

	// Importing the same file again changes nothing.
	imp, err = w.svc.PreviewAttendanceImport(w.ctx, prov, ss[0].ID, "diem-danh.csv", file)
	if err != nil || imp.Counts[learning.RowUnchanged] != 3 || imp.Writable() != 0 {
		t.Fatalf("second preview: %v %v", imp.Counts, err)
	}
	if done, err = w.svc.ConfirmAttendanceImport(w.ctx, prov, ss[0].ID, imp.PendingID); err != nil || done.Written != 0 {
		t.Errorf("second import: %d written, %v", done.Written, err)
	}
	if a := attendance(); len(a) != 3 || completed(0) != 1 {
		t.Errorf("second import changed the attendance: %v", a)
	}

	// A person marked absent in a list loses the attendance and the completion it supported.
	imp, err = w.svc.PreviewAttendanceImport(w.ctx, prov, ss[0].ID, "vang.csv", attendanceCSV([3]string{id(1), "vắng", "B"}))
	if err != nil || imp.Counts[learning.RowAbsent] != 1 {
		t.Fatalf("absent preview: %v %v", imp.Counts, err)
	}
	if _, err := w.svc.ConfirmAttendanceImport(w.ctx, prov, fs[0].ID, imp.PendingID); keyOf(err) != "session.future" {
		t.Errorf("confirmed into another session: %v", err)
	}
	if done, err = w.svc.ConfirmAttendanceImport(w.ctx, prov, ss[0].ID, imp.PendingID); err != nil || done.Written != 1 {
		t.Fatalf("absent import: %d written, %v", done.Written, err)
	}
	if _, ok := attendance()[w.people[1].ID]; ok || completed(1) != 0 {
		t.Errorf("person 1 still present or completed")
	}
}
