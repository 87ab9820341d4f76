package recognition_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/registry"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

// The cycle of 2026 used by every test; the clock starts on 2026-04-15 at 10:00 in Hà Nội,
// inside the pledge period.
var dates2026 = evaluation.Dates{OpensOn: "2026-03-01", PledgeBy: "2026-04-30", SelfAssessBy: "2026-06-30",
	VerifyBy: "2026-08-31", AppraiseBy: "2026-10-31", DecideBy: "2026-12-15"}

var start = time.Date(2026, 4, 15, 3, 0, 0, 0, time.UTC)

const (
	province  = "01"
	commune   = "00004" // Phường Ba Đình
	neighbour = "00008" // Phường Ngọc Hà
)

// world is one commune with two villages and a work unit, a third village in the neighbouring
// ward, the officers of each, and the open cycle of 2026 with the default criteria.
type world struct {
	tb    testing.TB
	ctx   context.Context
	clk   *clock.Fixed
	db    *store.DB
	svc   *recognition.Service
	reg   *registry.Service
	set   store.CriteriaSet
	cycle store.Cycle

	v1, v2, vOther village.Village
	unit           store.WorkUnit

	collector1, collector2, unitOfficer, communeOfficer, otherCommune, city, admin *auth.Principal

	seq       int
	decisions int
}

func newWorld(tb testing.TB) *world {
	tb.Helper()
	clk := clock.NewFixed(start)
	units, err := adminunit.LoadHanoi()
	if err != nil {
		tb.Fatal(err)
	}
	db := testdb.Open(tb, clk)
	w := &world{tb: tb, clk: clk, db: db,
		ctx: audit.WithActor(context.Background(), audit.Actor{Name: "test", IP: "127.0.0.1"}),
		svc: &recognition.Service{DB: db, Units: units}, reg: &registry.Service{DB: db, Units: units}}
	mk := func(v village.Village) village.Village {
		v, err := w.reg.CreateVillage(w.ctx, nil, v)
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
	w.v1 = mk(village.Village{CommuneCode: commune, Name: "Tổ dân phố số 1", Kind: village.KindToDanPho})
	w.v2 = mk(village.Village{CommuneCode: commune, Name: "Tổ dân phố số 2", Kind: village.KindToDanPho})
	w.vOther = mk(village.Village{CommuneCode: neighbour, Name: "Tổ dân phố Đội Cấn", Kind: village.KindToDanPho})
	if w.unit, err = w.reg.CreateWorkUnit(w.ctx, nil, store.WorkUnit{CommuneCode: commune, Name: "Trường Tiểu học Ba Đình",
		Kind: registry.KindSchool, Level: registry.LevelCommune}); err != nil {
		tb.Fatal(err)
	}
	w.collector1 = w.principal("Thu thập TDP 1", auth.Grant{Role: auth.RoleCollector, ProvinceCode: province, CommuneCode: commune, VillageID: w.v1.ID})
	w.collector2 = w.principal("Thu thập TDP 2", auth.Grant{Role: auth.RoleCollector, ProvinceCode: province, CommuneCode: commune, VillageID: w.v2.ID})
	w.unitOfficer = w.principal("Cán bộ trường", auth.Grant{Role: auth.RoleUnitOfficer, ProvinceCode: province, CommuneCode: commune, WorkUnitID: w.unit.ID})
	w.communeOfficer = w.principal("Cán bộ phường", auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: province, CommuneCode: commune})
	w.otherCommune = w.principal("Cán bộ Ngọc Hà", auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: province, CommuneCode: neighbour})
	w.city = w.principal("Cán bộ thành phố", auth.Grant{Role: auth.RoleCityOfficer, ProvinceCode: province})
	w.admin = w.principal("Quản trị", auth.Grant{Role: auth.RoleAdmin})

	if w.set, err = w.svc.EnsureDefaultCriteria(w.ctx); err != nil {
		tb.Fatal(err)
	}
	if w.cycle, err = w.svc.CreateCycle(w.ctx, w.city, recognition.CycleInput{Year: 2026, CriteriaSetID: w.set.ID, Dates: dates2026}); err != nil {
		tb.Fatal(err)
	}
	return w
}

// principal creates an account with one grant and returns it as a principal.
func (w *world) principal(name string, g auth.Grant) *auth.Principal {
	w.tb.Helper()
	u := auth.User{DisplayName: name, Lang: "vi", Grants: []auth.Grant{g}}
	if g.Role == auth.RoleCitizen {
		u.CitizenID = g.CitizenID
	}
	if err := w.db.Write(w.ctx, func(tx *store.Tx) error { return tx.CreateUser(w.ctx, &u) }); err != nil {
		w.tb.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, DisplayName: name, Grants: u.Grants}
}

// citizenOf returns the account of a person acting on their own record.
func (w *world) citizenOf(c people.Citizen) *auth.Principal {
	return w.principal(c.FullName, auth.Grant{Role: auth.RoleCitizen, ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, CitizenID: c.ID})
}

var familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"}

var givenNames = []string{"An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hùng", "Lan", "Minh", "Nga", "Phúc", "Quang", "Sơn", "Thảo", "Trung", "Vân"}

// person registers someone in a village with a unique ID (a man born in 1990).
func (w *world) person(v village.Village, group people.TargetGroup) people.Citizen {
	w.tb.Helper()
	w.seq++
	name := fmt.Sprintf("%s Văn %s", familyNames[(w.seq/len(givenNames))%len(familyNames)], givenNames[w.seq%len(givenNames)])
	c := people.Citizen{VillageID: v.ID, FullName: name, NationalID: fmt.Sprintf("001090%06d", w.seq), BirthYear: 1990,
		Gender: people.GenderMale, TargetGroup: group}
	c, _, err := w.reg.Register(w.ctx, nil, registry.Registration{Citizen: c, Consent: people.Consent{Method: people.ConsentPaper, GivenBy: c.FullName}})
	if err != nil {
		w.tb.Fatalf("register: %v", err)
	}
	return c
}

// resident registers someone in village 1.
func (w *world) resident() people.Citizen { return w.person(w.v1, people.GroupResident) }

// staff registers someone who lives in village 1 and works at the school.
func (w *world) staff() people.Citizen {
	w.tb.Helper()
	c := w.person(w.v1, people.GroupStaff)
	if _, err := w.reg.AddStaff(w.ctx, nil, w.unit.ID, c.NationalID, "Giáo viên", true); err != nil {
		w.tb.Fatal(err)
	}
	c, err := w.db.Citizen(w.ctx, c.ID)
	if err != nil || c.WorkUnitID != w.unit.ID {
		w.tb.Fatalf("staff member: %v %+v", err, c)
	}
	return c
}

// scores returns the ten indicators at v, with some changed: "CS05", 7, …
func scores(v int, changes ...any) map[string]int {
	m := map[string]int{}
	for i := 1; i <= 10; i++ {
		m[fmt.Sprintf("CS%02d", i)] = v
	}
	for i := 0; i+1 < len(changes); i += 2 {
		m[changes[i].(string)] = changes[i+1].(int)
	}
	return m
}

// advance takes a person's assessment to state as the command line would, and returns it.
// Decided states are reached through a decision over the whole commune.
func (w *world) advance(c people.Citizen, to evaluation.State, sc map[string]int) store.Assessment {
	w.tb.Helper()
	a, err := w.db.AssessmentOf(w.ctx, w.cycle.ID, c.ID)
	if fault.KindOf(err) == fault.NotFound {
		if a, err = w.svc.Pledge(w.ctx, nil, w.cycle.ID, c.ID); err != nil {
			w.tb.Fatalf("pledge: %v", err)
		}
	} else if err != nil {
		w.tb.Fatal(err)
	}
	if sc == nil {
		sc = scores(9)
	}
	for a.State != to {
		switch a.State {
		case evaluation.StatePledged, evaluation.StateReturned:
			a, err = w.svc.Submit(w.ctx, nil, a.ID, recognition.Submission{Scores: sc, ConsentMethod: recognition.ConsentPaper})
		case evaluation.StateSelfAssessed:
			a, err = w.svc.Verify(w.ctx, nil, a.ID, nil)
		case evaluation.StateVerified:
			if to == evaluation.StateReturned {
				err = w.svc.Return(w.ctx, nil, a.ID, "Bổ sung minh chứng")
			} else {
				err = w.svc.Appraise(w.ctx, nil, a.ID, a.Passed && to != evaluation.StateNotRecognised, "Không đủ điều kiện")
			}
		case evaluation.StateAppraised:
			_, err = w.svc.Decide(w.ctx, nil, w.cycle.ID, a.CommuneCode, w.decision())
		case evaluation.StateRecognised:
			err = w.svc.Revoke(w.ctx, nil, a.ID, "Thu hồi")
		default:
			w.tb.Fatalf("cannot take %s to %s", a.State, to)
		}
		if err != nil {
			w.tb.Fatalf("advance %s towards %s: %v", a.State, to, err)
		}
		if a, err = w.db.Assessment(w.ctx, a.ID); err != nil {
			w.tb.Fatal(err)
		}
	}
	return a
}

// decision returns the input of a new decision with a number not used before.
func (w *world) decision() recognition.DecisionInput {
	w.decisions++
	return recognition.DecisionInput{Number: fmt.Sprintf("%d/QĐ-HKH", 14+w.decisions), SignedOn: "2026-04-15", Signer: "Lê Văn Thắng",
		SignerTitle: "Chủ tịch Hội Khuyến học phường", IssuingBody: "Hội Khuyến học phường Ba Đình"}
}

// state returns the current state of an assessment.
func (w *world) state(id int64) evaluation.State {
	w.tb.Helper()
	a, err := w.db.Assessment(w.ctx, id)
	if err != nil {
		w.tb.Fatal(err)
	}
	return a.State
}

// head is the newest audit entry (id and hash): a write that changed anything moved it.
func (w *world) head() string {
	w.tb.Helper()
	es, err := w.db.ListAudit(w.ctx, store.AuditFilter{Scope: auth.Scope{All: true}, Limit: 1})
	if err != nil || len(es) != 1 {
		w.tb.Fatalf("audit head: %v %d", err, len(es))
	}
	return fmt.Sprintf("%d %s", es[0].ID, es[0].Hash)
}

// unchanged runs fn, which must be refused, and checks that the audit head and the given
// assessments (by id → state) did not move.
func (w *world) unchanged(ids []int64, fn func() error) error {
	w.tb.Helper()
	head := w.head()
	before := map[int64]store.Assessment{}
	for _, id := range ids {
		a, err := w.db.Assessment(w.ctx, id)
		if err != nil {
			w.tb.Fatal(err)
		}
		before[id] = a
	}
	err := fn()
	if err == nil {
		w.tb.Fatalf("the step was not refused")
	}
	if h := w.head(); h != head {
		w.tb.Errorf("refused step (%v) moved the audit head from %s to %s", err, head, h)
	}
	for _, id := range ids {
		a, _ := w.db.Assessment(w.ctx, id)
		b := before[id]
		if a.State != b.State || !a.UpdatedAt.Equal(b.UpdatedAt) || a.Total != b.Total || len(a.Adjustments) != len(b.Adjustments) {
			w.tb.Errorf("refused step (%v) changed assessment %d: %s → %s", err, id, b.State, a.State)
		}
	}
	return err
}

// wantKey checks an error's kind and key; a fault.Errors must hold an error with the key.
func wantKey(tb testing.TB, err error, kind fault.Kind, key string) {
	tb.Helper()
	if fault.KindOf(err) != kind {
		tb.Fatalf("error %v: kind %v, want %v", err, fault.KindOf(err), kind)
	}
	if es := fault.FieldErrors(err); len(es) > 0 {
		for _, e := range es {
			if e.Key == key {
				return
			}
		}
		tb.Fatalf("error %v lacks %s", err, key)
	}
	fe, ok := fault.As(err)
	if !ok || fe.Key != key {
		tb.Fatalf("error %v, want key %s", err, key)
	}
}

// pngFile returns a small real PNG.
func pngFile(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for x := 0; x < 4; x++ {
		img.Set(x, x, color.RGBA{200, 0, 0, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// elfFile is the start of a Linux executable.
func elfFile() []byte {
	b := make([]byte, 512)
	copy(b, []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0})
	b[16], b[18] = 2, 0x3e // ET_EXEC, x86-64
	return b
}

// pdfText returns the words of a PDF as pdftotext reads them, joined by single spaces.
func pdfText(tb testing.TB, data []byte) string {
	tb.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Fatalf("pdftotext not found: install the Debian package poppler-utils")
	}
	path := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
