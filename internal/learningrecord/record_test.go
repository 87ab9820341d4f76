package learningrecord_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/digitalskills"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/learningrecord"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/registry"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

// The clock stands at 2026-04-15 10:00 in Hà Nội.
var start = time.Date(2026, 4, 15, 3, 0, 0, 0, time.UTC)

const (
	province  = "01"
	commune   = "00004" // Phường Ba Đình
	neighbour = "00008" // Phường Ngọc Hà
)

// pngBytes is the smallest PNG header http.DetectContentType knows as image/png; n varies it,
// so that tests can make different files.
func pngBytes(n int) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"), byte(n))
}

// world is a commune with two villages, a village of the neighbouring ward, and officers.
type world struct {
	t                                         *testing.T
	ctx                                       context.Context
	clk                                       *clock.Fixed
	db                                        *store.DB
	svc                                       *learningrecord.Service
	reg                                       *registry.Service
	v1, v2, vOther                            village.Village
	collector1, collector2, officer, otherOff *auth.Principal
	admin, city                               *auth.Principal
	seq                                       int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(start)
	db := testdb.Open(t, clk)
	w := &world{t: t, clk: clk, db: db, ctx: audit.WithActor(context.Background(), audit.Actor{Name: "test"}),
		svc: &learningrecord.Service{DB: db, Units: units}, reg: &registry.Service{DB: db, Units: units}}
	mk := func(c, name string) village.Village {
		v, err := w.reg.CreateVillage(w.ctx, nil, village.Village{CommuneCode: c, Name: name, Kind: village.KindToDanPho})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	w.v1, w.v2, w.vOther = mk(commune, "Tổ dân phố số 1"), mk(commune, "Tổ dân phố số 2"), mk(neighbour, "Tổ dân phố Đội Cấn")
	w.collector1 = w.principal("Thu thập 1", auth.Grant{Role: auth.RoleCollector, ProvinceCode: province, CommuneCode: commune, VillageID: w.v1.ID})
	w.collector2 = w.principal("Thu thập 2", auth.Grant{Role: auth.RoleCollector, ProvinceCode: province, CommuneCode: commune, VillageID: w.v2.ID})
	w.officer = w.principal("Cán bộ phường", auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: province, CommuneCode: commune})
	w.otherOff = w.principal("Cán bộ Ngọc Hà", auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: province, CommuneCode: neighbour})
	w.city = w.principal("Cán bộ thành phố", auth.Grant{Role: auth.RoleCityOfficer, ProvinceCode: province})
	w.admin = w.principal("Quản trị", auth.Grant{Role: auth.RoleAdmin})
	return w
}

func (w *world) principal(name string, g auth.Grant) *auth.Principal {
	w.t.Helper()
	u := auth.User{DisplayName: name, Lang: "vi", Grants: []auth.Grant{g}}
	if g.Role == auth.RoleCitizen {
		u.CitizenID = g.CitizenID
	}
	if err := w.db.Write(w.ctx, func(tx *store.Tx) error { return tx.CreateUser(w.ctx, &u) }); err != nil {
		w.t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, DisplayName: name, Grants: u.Grants}
}

func (w *world) person(v village.Village) (people.Citizen, *auth.Principal) {
	w.t.Helper()
	w.seq++
	c := people.Citizen{VillageID: v.ID, FullName: fmt.Sprintf("Nguyễn Văn Học %d", w.seq), NationalID: fmt.Sprintf("001090%06d", w.seq),
		BirthYear: 1990, Gender: people.GenderMale, TargetGroup: people.GroupResident}
	c, _, err := w.reg.Register(w.ctx, nil, registry.Registration{Citizen: c, Consent: people.Consent{Method: people.ConsentPaper, GivenBy: c.FullName}})
	if err != nil {
		w.t.Fatal(err)
	}
	return c, w.principal(c.FullName, auth.Grant{Role: auth.RoleCitizen, ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, CitizenID: c.ID})
}

// declare adds an activity as the person and fails the test on any error.
func (w *world) declare(by *auth.Principal, c people.Citizen, in learningrecord.ActivityInput) store.Activity {
	w.t.Helper()
	a, err := w.svc.Declare(w.ctx, by, c.ID, in)
	if err != nil {
		w.t.Fatalf("declare %+v: %v", in, err)
	}
	return a
}

// fields returns the field → key of the problems of err.
func fields(err error) map[string]string {
	out := map[string]string{}
	for _, e := range fault.FieldErrors(err) {
		out[e.Field] = e.Key
	}
	return out
}

func TestDeclareBadInput(t *testing.T) {
	w := newWorld(t)
	c, me := w.person(w.v1)
	ok := learningrecord.ActivityInput{Kind: "reading", Description: "Đọc sách kỹ thuật trồng rau sạch", StartedOn: "2026-04-01", EndedOn: "2026-04-02", Minutes: 180}
	for _, tc := range []struct {
		name string
		edit func(*learningrecord.ActivityInput)
		want map[string]string
	}{
		{"hours beyond the period", func(in *learningrecord.ActivityInput) { in.Minutes = 49 * 60 }, map[string]string{"hours": "record.hours.exceed_period"}},
		{"hours beyond one day", func(in *learningrecord.ActivityInput) { in.EndedOn = ""; in.Minutes = 25 * 60 }, map[string]string{"hours": "record.hours.exceed_period"}},
		{"a future date", func(in *learningrecord.ActivityInput) { in.EndedOn = "2026-04-16" }, map[string]string{"ended_on": "record.date.future"}},
		{"starts in the future", func(in *learningrecord.ActivityInput) { in.StartedOn, in.EndedOn = "2026-05-01", "" }, map[string]string{"started_on": "record.date.future"}},
		{"ends before it starts", func(in *learningrecord.ActivityInput) { in.EndedOn = "2026-03-01" }, map[string]string{"ended_on": "record.date.order"}},
		{"not a date", func(in *learningrecord.ActivityInput) { in.StartedOn = "31/02/2026" }, map[string]string{"started_on": "record.date.invalid"}},
		{"no hours, no text, unknown kind", func(in *learningrecord.ActivityInput) { in.Minutes, in.Description, in.Kind = 0, " ", "gaming" },
			map[string]string{"hours": "record.hours.required", "description": "record.description.required", "kind": "record.kind.invalid"}},
		{"a file that is not a photo or PDF", func(in *learningrecord.ActivityInput) {
			in.Evidence = &learningrecord.Upload{FileName: "anh.jpg", Data: []byte("MZ\x90\x00 this is a program")}
		}, map[string]string{"file": "evidence.type"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.edit(&in)
			_, err := w.svc.Declare(w.ctx, me, c.ID, in)
			if got := fields(err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems %v, want %v (%v)", got, tc.want, err)
			}
		})
	}
	// Nothing was written by the refused declarations.
	rec, err := w.svc.Record(w.ctx, me, c.ID, 0)
	if err != nil || len(rec.Items) != 0 {
		t.Fatalf("record after refusals: %v %+v", err, rec.Items)
	}
	// Exactly 48 hours over two days is allowed.
	full := ok
	full.Minutes = 48 * 60
	w.declare(me, c, full)
}

func TestDeclareAccess(t *testing.T) {
	w := newWorld(t)
	c, me := w.person(w.v1)
	other, otherMe := w.person(w.v2)
	in := learningrecord.ActivityInput{Kind: "club", Description: "Sinh hoạt câu lạc bộ dưỡng sinh", StartedOn: "2026-04-10", Minutes: 90}
	for _, tc := range []struct {
		name string
		by   *auth.Principal
		ok   bool
	}{
		{"the person", me, true},
		{"the collector of the village (assisted entry)", w.collector1, true},
		{"the collector of another village", w.collector2, false},
		{"the commune officer", w.officer, true},
		{"the neighbouring ward's officer", w.otherOff, false},
		{"another person", otherMe, false},
		{"the city officer (no assisted entry)", w.city, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.svc.Declare(w.ctx, tc.by, c.ID, in)
			if (err == nil) != tc.ok || (!tc.ok && fault.KindOf(err) != fault.Forbidden) {
				t.Errorf("err %v, want allowed=%v", err, tc.ok)
			}
		})
	}
	if _, err := w.svc.Record(w.ctx, otherMe, c.ID, 0); fault.KindOf(err) != fault.Forbidden {
		t.Errorf("another person reads the record: %v", err)
	}
	if _, err := w.svc.Record(w.ctx, w.city, c.ID, 0); err != nil {
		t.Errorf("the city officer cannot read the record: %v", err)
	}
	_ = other
}

func TestReviewAndTimeline(t *testing.T) {
	w := newWorld(t)
	c, me := w.person(w.v1)
	photo := &learningrecord.Upload{FileName: "C:\\Ảnh\\the-thu-vien.png", Data: pngBytes(1)}
	read := w.declare(me, c, learningrecord.ActivityInput{Kind: "reading", Description: "Đọc 3 cuốn sách về nuôi dạy con", StartedOn: "2026-01-05", EndedOn: "2026-03-30", Minutes: 20 * 60, Evidence: photo})
	if read.EvidenceName != "the-thu-vien.png" || read.State != store.ActivitySelfDeclared {
		t.Fatalf("declared: %+v", read)
	}
	club := w.declare(w.collector1, c, learningrecord.ActivityInput{Kind: "club", Description: "Câu lạc bộ tiếng Anh", StartedOn: "2025-10-01", EndedOn: "2025-12-20", Minutes: 30 * 60})
	talk := w.declare(me, c, learningrecord.ActivityInput{Kind: "talk", Description: "Nghe nói chuyện chuyên đề pháp luật", StartedOn: "2026-02-01", Minutes: 120})

	// Who may review: the collector of the village and the commune's officers; not the person,
	// not someone who entered it, not the collector of another village.
	for _, tc := range []struct {
		name string
		by   *auth.Principal
		id   int64
		kind fault.Kind
	}{
		{"the person", me, read.ID, fault.Forbidden},
		{"another village's collector", w.collector2, read.ID, fault.Forbidden},
		{"the neighbouring ward", w.otherOff, read.ID, fault.Forbidden},
		{"the collector who entered it", w.collector1, club.ID, fault.Forbidden},
	} {
		if _, err := w.svc.Review(w.ctx, tc.by, tc.id, true, ""); fault.KindOf(err) != tc.kind {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := w.svc.Review(w.ctx, w.collector1, talk.ID, false, "  "); fields(err)["reason"] != "record.reason.required" {
		t.Errorf("a rejection without a reason: %v", err)
	}
	if _, err := w.svc.Review(w.ctx, w.collector1, read.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Review(w.ctx, w.officer, read.ID, false, "Ảnh không rõ"); fault.KindOf(err) != fault.Conflict {
		t.Errorf("a second review: %v", err)
	}
	if _, err := w.svc.Review(w.ctx, w.officer, talk.ID, false, "Không có buổi nói chuyện nào ngày này"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.Evidence(w.ctx, w.collector2, read.ID); fault.KindOf(err) != fault.Forbidden {
		t.Errorf("another village's collector reads the evidence: %v", err)
	}
	if _, data, err := w.svc.Evidence(w.ctx, me, read.ID); err != nil || len(data) == 0 {
		t.Errorf("the person's own evidence: %v", err)
	}

	// A completion confirmed by a provider, and a digital-skills result.
	if err := w.db.Write(w.ctx, func(tx *store.Tx) error {
		p := store.Provider{ProvinceCode: province, CommuneCode: commune, Name: "Trung tâm học tập cộng đồng phường Ba Đình"}
		if err := tx.CreateProvider(w.ctx, &p); err != nil {
			return err
		}
		return tx.CreateCompletion(w.ctx, &store.Completion{ProvinceCode: province, CommuneCode: commune, CitizenID: c.ID, ProviderID: p.ID,
			Title: "Kỹ năng số cho người cao tuổi", Topic: "digital_skills", CompletedOn: "2026-03-15", Minutes: 16 * 60, Source: "attendance"})
	}); err != nil {
		t.Fatal(err)
	}
	fw := digitalskills.Default()
	answers := map[string]string{}
	for _, g := range fw.Groups {
		for _, s := range g.Statements {
			answers[s.Code] = "can"
		}
	}
	res, err := w.svc.TakeDigital(w.ctx, me, c.ID, answers)
	if err != nil || res.Level != "proficient" || !res.SelfSubmitted || res.TakenOn != "2026-04-15" {
		t.Fatalf("digital: %v %+v", err, res)
	}

	rec, err := w.svc.Record(w.ctx, w.officer, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, it := range rec.Items {
		kinds = append(kinds, it.Kind+"/"+it.Status)
	}
	want := []string{"digital_result/self_assessed", "activity/confirmed", "completion/provider_confirmed", "activity/rejected", "activity/self_declared"}
	if !slices.Equal(kinds, want) {
		t.Errorf("timeline %v, want %v", kinds, want)
	}
	if len(rec.Years) != 2 {
		t.Fatalf("years %+v", rec.Years)
	}
	y26, y25 := rec.Years[0], rec.Years[1]
	// 2026: 20 h reading (confirmed) + 16 h completion; the rejected talk does not count.
	if y26.Year != 2026 || y26.Total != 36*60 || y26.Confirmed != 36*60 || y26.SelfDeclared != 0 ||
		!reflect.DeepEqual(y26.ByKind, map[string]int{"reading": 20 * 60, "completion": 16 * 60}) {
		t.Errorf("2026: %+v", y26)
	}
	if y25.Year != 2025 || y25.Total != 30*60 || y25.SelfDeclared != 30*60 {
		t.Errorf("2025: %+v", y25)
	}

	items, err := w.svc.ItemsForYear(w.ctx, me, c.ID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, it := range items {
		got[it.Kind+":"+it.Category] = it.Suggest
	}
	if !reflect.DeepEqual(got, map[string][]string{"activity:reading": {"CS01"}, "completion:digital_skills": {"CS05"}}) {
		t.Errorf("items for 2026 %v", got)
	}
	if _, err := w.svc.ItemsForYear(w.ctx, w.collector2, c.ID, 2026); fault.KindOf(err) != fault.Forbidden {
		t.Errorf("another village's collector lists the items: %v", err)
	}
}

func TestDigitalSelfAssessment(t *testing.T) {
	w := newWorld(t)
	c, me := w.person(w.v1)
	fw := digitalskills.Default()
	answers := map[string]string{}
	for _, g := range fw.Groups {
		for _, s := range g.Statements {
			answers[s.Code] = "with_help"
		}
	}
	delete(answers, "G0.1")
	if _, err := w.svc.TakeDigital(w.ctx, me, c.ID, answers); fields(err)["G0.1"] != "digital.answer.required" {
		t.Fatalf("a missing answer: %v", err)
	}
	answers["G0.1"] = "with_help"
	r, err := w.svc.TakeDigital(w.ctx, w.collector1, c.ID, answers)
	if err != nil || r.Level != "not_yet" || r.SelfSubmitted || r.Percent != 50 {
		t.Fatalf("assisted: %v %+v", err, r)
	}
	if has, err := w.db.HasDigitalConfirmation(w.ctx, c.ID, 2026); err != nil || has {
		t.Errorf("below the basic level counts: %v %v", has, err)
	}
	for _, code := range []string{"G0.1", "G0.2", "G1.1", "G2.1"} {
		answers[code] = "can"
	}
	if r, err = w.svc.TakeDigital(w.ctx, me, c.ID, answers); err != nil || r.Level != "basic" || !r.SelfSubmitted {
		t.Fatalf("basic: %v %+v", err, r)
	}
	if has, err := w.db.HasDigitalConfirmation(w.ctx, c.ID, 2026); err != nil || !has {
		t.Errorf("a basic result in 2026 does not count: %v %v", has, err)
	}
	if has, err := w.db.HasDigitalConfirmation(w.ctx, c.ID, 2025); err != nil || has {
		t.Errorf("a 2026 result counts for 2025: %v %v", has, err)
	}
	other, _ := w.person(w.v2)
	if _, err := w.svc.TakeDigital(w.ctx, me, other.ID, answers); fault.KindOf(err) != fault.Forbidden {
		t.Errorf("for someone else: %v", err)
	}
}

func TestDigitalImport(t *testing.T) {
	w := newWorld(t)
	a, _ := w.person(w.v1)
	b, _ := w.person(w.v2)
	far, _ := w.person(w.vOther)
	good := "Họ và tên,Số CCCD,Ngày xác nhận,Mức,Đơn vị xác nhận\n" +
		a.FullName + "," + a.NationalID + ",12/03/2025,Cơ bản,Trung tâm Chuyển đổi số Hà Nội\n" +
		b.FullName + "," + b.NationalID + ",2026-01-20,Thành thạo,Nền tảng Bình dân học vụ số\n"
	imp, err := w.svc.PreviewDigitalImport(w.ctx, w.officer, "xac-nhan.csv", []byte(good))
	if err != nil || imp.Counts[learningrecord.RowNew] != 2 || imp.PendingID == 0 {
		t.Fatalf("preview: %v %+v", err, imp)
	}
	if has, _ := w.db.HasDigitalConfirmation(w.ctx, a.ID, 2025); has {
		t.Fatal("the preview wrote a confirmation")
	}
	if _, err := w.svc.ConfirmDigitalImport(w.ctx, w.otherOff, imp.PendingID); fault.KindOf(err) != fault.NotFound {
		t.Errorf("another officer confirms the preview: %v", err)
	}
	done, err := w.svc.ConfirmDigitalImport(w.ctx, w.officer, imp.PendingID)
	if err != nil || done.Written != 2 {
		t.Fatalf("confirm: %v %+v", err, done)
	}
	if has, _ := w.db.HasDigitalConfirmation(w.ctx, a.ID, 2025); !has {
		t.Error("no confirmation for 2025 after the import")
	}
	if has, _ := w.db.HasDigitalConfirmation(w.ctx, b.ID, 2026); !has {
		t.Error("no confirmation for 2026 after the import")
	}
	// Again: idempotent.
	again, err := w.svc.ImportDigital(w.ctx, w.officer, "xac-nhan.csv", []byte(good))
	if err != nil || again.Written != 0 || again.Counts[learningrecord.RowExists] != 2 {
		t.Fatalf("again: %v %+v", err, again)
	}

	// A file with bad rows: every problem with its row and column, and nothing written.
	bad := "DANH SÁCH XÁC NHẬN KỸ NĂNG SỐ\n\nSố CCCD,Ngày xác nhận,Mức,Đơn vị xác nhận\n" +
		a.NationalID + ",01/02/2026,Cơ bản,Trung tâm mới\n" + // row 4: fine
		"001099999999,01/02/2026,Cơ bản,Trung tâm\n" + // row 5: nobody
		far.NationalID + ",01/02/2026,Cơ bản,Trung tâm\n" + // row 6: outside the officer's ward
		b.NationalID + ",01/05/2026,Chưa đạt mức cơ bản,\n" + // row 7: future, below basic, no issuer
		"12345,hôm qua,siêu,Trung tâm\n" // row 8
	imp, err = w.svc.PreviewDigitalImport(w.ctx, w.officer, "loi.csv", []byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	got := map[int][]string{}
	for _, r := range imp.Rows {
		for _, e := range r.Errors {
			got[r.Number] = append(got[r.Number], e.Field+"="+e.Key)
		}
	}
	want := map[int][]string{
		5: {"national_id=digital.import.person.unknown"},
		6: {"national_id=digital.import.person.unknown"},
		7: {"date=digital.import.date.future", "level=digital.import.level.below_basic", "issuer=digital.import.issuer.required"},
		8: {"national_id=digital.import.id.invalid", "date=sheet.date.format", "level=digital.import.level.unknown"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("row problems\n got %v\nwant %v", got, want)
	}
	if col := imp.Column("date"); col != "B (Ngày xác nhận)" {
		t.Errorf("column %q", col)
	}
	_, err = w.svc.ConfirmDigitalImport(w.ctx, w.officer, imp.PendingID)
	if fe, ok := fault.As(err); !ok || fe.Key != "digital.import.has_errors" {
		t.Fatalf("confirming a file with errors: %v", err)
	}
	confs, _ := w.db.DigitalConfirmationsOf(w.ctx, a.ID)
	if len(confs) != 1 {
		t.Errorf("a refused import wrote something: %+v", confs)
	}
	if _, err := w.svc.PreviewDigitalImport(w.ctx, w.collector1, "x.csv", []byte(good)); fault.KindOf(err) != fault.Forbidden {
		t.Errorf("a collector imports: %v", err)
	}
	if !strings.Contains(imp.Rows[0].MaskedID(), "*") && imp.Rows[0].MaskedID() == a.NationalID {
		t.Error("ID not masked")
	}
}

// TestAttachLearningItems attaches record items to an indicator of a Công dân học tập
// self-assessment: twice is once, and detaching removes it.
func TestAttachLearningItems(t *testing.T) {
	w := newWorld(t)
	c, me := w.person(w.v1)
	act := w.declare(me, c, learningrecord.ActivityInput{Kind: "reading", Description: "Đọc sách pháp luật", StartedOn: "2026-03-01", Minutes: 120})
	rec := &recognition.Service{DB: w.db, Units: w.svc.Units}
	set, err := rec.EnsureDefaultCriteria(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	cy, err := rec.CreateCycle(w.ctx, nil, recognition.CycleInput{Year: 2026, CriteriaSetID: set.ID, Dates: evaluation.Dates{OpensOn: "2026-03-01",
		PledgeBy: "2026-04-30", SelfAssessBy: "2026-06-30", VerifyBy: "2026-08-31", AppraiseBy: "2026-10-31", DecideBy: "2026-12-15"}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := rec.Pledge(w.ctx, nil, cy.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	items, err := w.svc.ItemsForYear(w.ctx, me, c.ID, 2026)
	if err != nil || len(items) != 1 || items[0].ID != act.ID || !slices.Equal(items[0].Suggest, []string{"CS01"}) {
		t.Fatalf("items %v %+v", err, items)
	}
	attach := func() error {
		return w.db.Write(w.ctx, func(tx *store.Tx) error {
			return tx.AttachLearningItem(w.ctx, a, items[0].Suggest[0], items[0].Kind, items[0].ID)
		})
	}
	if err := attach(); err != nil {
		t.Fatal(err)
	}
	if err := attach(); err != nil {
		t.Fatalf("attaching twice: %v", err)
	}
	links, err := w.db.LearningItemsOf(w.ctx, a.ID)
	if err != nil || len(links) != 1 || links[0].IndicatorCode != "CS01" || links[0].ItemKind != store.ItemActivity || links[0].ItemID != act.ID {
		t.Fatalf("links %v %+v", err, links)
	}
	if err := w.db.Write(w.ctx, func(tx *store.Tx) error { return tx.DetachLearningItem(w.ctx, a, "CS01", store.ItemActivity, act.ID) }); err != nil {
		t.Fatal(err)
	}
	if links, _ := w.db.LearningItemsOf(w.ctx, a.ID); len(links) != 0 {
		t.Errorf("after detaching: %+v", links)
	}
}
