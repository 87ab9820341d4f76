package registry_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/registry"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

// orgWorld is a small registry for the organisation imports: people and households of
// Ba Đình (00004), one person of Ngọc Hà (00008), a school and a ward office, a branch, two
// clans, and the officers who manage them.
type orgWorld struct {
	svc                                  *registry.Service
	ctx                                  context.Context
	school, office, branch, clan, leClan int64
	people                               map[string]people.Citizen // by ID
	households                           map[string]int64          // by number
	officer, neighbour, unitOfficer      *auth.Principal
}

const (
	idBinh = "001065012345" // Trần Văn Bình, head of H001
	idLan  = "001168054321" // Nguyễn Thị Lan, H001
	idTam  = "001070011111" // Lê Văn Tâm, head of H002 (in the Lê clan)
	idHoa  = "001180022222" // Phạm Thị Hoa, head of H003
	idNam  = "001090033333" // Vũ Văn Nam, works at the ward office
	idXa   = "001075099999" // Hoàng Văn Xa, of Ngọc Hà, head of K9 there
)

func newOrgWorld(t *testing.T) *orgWorld {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	db := testdb.Open(t, clock.NewFixed(time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)))
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	w := &orgWorld{svc: &registry.Service{DB: db, Units: units}, ctx: ctx, people: map[string]people.Citizen{}, households: map[string]int64{}}
	err = db.Write(ctx, func(tx *store.Tx) error {
		own := village.Village{ProvinceCode: "01", CommuneCode: "00004", Name: "Tổ dân phố số 1", Kind: village.KindToDanPho}
		other := village.Village{ProvinceCode: "01", CommuneCode: "00008", Name: "Tổ dân phố Đội Cấn", Kind: village.KindToDanPho}
		for _, v := range []*village.Village{&own, &other} {
			if err := tx.CreateVillage(ctx, v); err != nil {
				return err
			}
		}
		for _, h := range []store.Household{
			{ProvinceCode: "01", CommuneCode: "00004", VillageID: own.ID, Code: "H001"},
			{ProvinceCode: "01", CommuneCode: "00004", VillageID: own.ID, Code: "H002"},
			{ProvinceCode: "01", CommuneCode: "00004", VillageID: own.ID, Code: "H003"},
			{ProvinceCode: "01", CommuneCode: "00008", VillageID: other.ID, Code: "K9"},
		} {
			if err := tx.CreateHousehold(ctx, &h); err != nil {
				return err
			}
			w.households[h.Code] = h.ID
		}
		for _, c := range []people.Citizen{
			{NationalID: idBinh, FullName: "Trần Văn Bình", BirthYear: 1965, Gender: people.GenderMale, HouseholdID: w.households["H001"], Relation: people.RelationHead},
			{NationalID: idLan, FullName: "Nguyễn Thị Lan", BirthYear: 1968, Gender: people.GenderFemale, HouseholdID: w.households["H001"], Relation: people.RelationSpouse},
			{NationalID: idTam, FullName: "Lê Văn Tâm", BirthYear: 1970, Gender: people.GenderMale, HouseholdID: w.households["H002"], Relation: people.RelationHead},
			{NationalID: idHoa, FullName: "Phạm Thị Hoa", BirthYear: 1980, Gender: people.GenderFemale, HouseholdID: w.households["H003"], Relation: people.RelationHead},
			{NationalID: idNam, FullName: "Vũ Văn Nam", BirthYear: 1990, Gender: people.GenderMale},
			{NationalID: idXa, FullName: "Hoàng Văn Xa", BirthYear: 1975, Gender: people.GenderMale, HouseholdID: w.households["K9"], Relation: people.RelationHead},
		} {
			c.ProvinceCode, c.CommuneCode, c.VillageID = "01", "00004", own.ID
			if c.NationalID == idXa {
				c.CommuneCode, c.VillageID = "00008", other.ID
			}
			if err := tx.CreateCitizen(ctx, &c); err != nil {
				return err
			}
			w.people[c.NationalID] = c
		}
		school := store.WorkUnit{ProvinceCode: "01", CommuneCode: "00004", Name: "Trường THCS Ba Đình", Kind: registry.KindSchool, Level: registry.LevelCommune}
		office := store.WorkUnit{ProvinceCode: "01", CommuneCode: "00004", Name: "UBND phường Ba Đình", Kind: registry.KindStateAgency, Level: registry.LevelCommune}
		for _, u := range []*store.WorkUnit{&school, &office} {
			if err := tx.CreateWorkUnit(ctx, u); err != nil {
				return err
			}
		}
		w.school, w.office = school.ID, office.ID
		if err := tx.AddStaff(ctx, office, &store.StaffMember{CitizenID: w.people[idNam].ID, Position: "Chuyên viên", CivilServant: true}); err != nil {
			return err
		}
		b := store.Branch{ProvinceCode: "01", CommuneCode: "00004", Name: "Chi hội khuyến học Tổ dân phố số 1", VillageID: own.ID}
		if err := tx.CreateBranch(ctx, &b); err != nil {
			return err
		}
		w.branch = b.ID
		tran := store.Clan{ProvinceCode: "01", CommuneCode: "00004", Name: "Dòng họ Trần", Origin: "Nam Định"}
		le := store.Clan{ProvinceCode: "01", CommuneCode: "00004", Name: "Dòng họ Lê"}
		for _, c := range []*store.Clan{&tran, &le} {
			if err := tx.CreateClan(ctx, c); err != nil {
				return err
			}
		}
		w.clan, w.leClan = tran.ID, le.ID
		if _, err := tx.AddClanHousehold(ctx, le, w.households["H002"]); err != nil {
			return err
		}
		for i, g := range []auth.Grant{
			{Role: auth.RoleCommuneOfficer, ProvinceCode: "01", CommuneCode: "00004"},
			{Role: auth.RoleCommuneOfficer, ProvinceCode: "01", CommuneCode: "00008"},
			{Role: auth.RoleUnitOfficer, ProvinceCode: "01", CommuneCode: "00004", WorkUnitID: school.ID},
		} {
			u := auth.User{DisplayName: "Cán bộ", Email: []string{"a@example.vn", "b@example.vn", "c@example.vn"}[i], PasswordHash: "x", Lang: "vi", Grants: []auth.Grant{g}}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			p := &auth.Principal{UserID: u.ID, DisplayName: u.DisplayName, Grants: u.Grants}
			switch i {
			case 0:
				w.officer = p
			case 1:
				w.neighbour = p
			default:
				w.unitOfficer = p
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// auditCount counts the entries of the audit log.
func (w *orgWorld) auditCount(t *testing.T) int {
	t.Helper()
	es, err := w.svc.DB.ListAudit(w.ctx, store.AuditFilter{Scope: auth.Scope{All: true}, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

func orgRow(t *testing.T, imp registry.OrgImport, number int) registry.OrgImportRow {
	t.Helper()
	for _, r := range imp.Rows {
		if r.Number == number {
			return r
		}
	}
	t.Fatalf("row %d not in the preview", number)
	return registry.OrgImportRow{}
}

// rowCase is what one row of a preview must say.
type rowCase struct {
	row    int
	status string
	want   string // a field:key among the row's errors or warnings, "" for none expected
}

func checkRows(t *testing.T, imp registry.OrgImport, cases []rowCase) {
	t.Helper()
	for _, c := range cases {
		r := orgRow(t, imp, c.row)
		problems := problemKeys(append(append([]fault.Error{}, r.Errors...), r.Warnings...))
		if r.Status != c.status {
			t.Errorf("row %d: status %s (%s), want %s", c.row, r.Status, problems, c.status)
		}
		if c.want != "" && !strings.Contains(problems, c.want) {
			t.Errorf("row %d: problems %q lack %q", c.row, problems, c.want)
		}
		if c.want == "" && problems != "" {
			t.Errorf("row %d: unexpected problems %q", c.row, problems)
		}
	}
}

// problemKeys lists a row's problems as field:key.
func problemKeys(es []fault.Error) string {
	var out []string
	for _, e := range es {
		out = append(out, e.Field+":"+e.Key)
	}
	return strings.Join(out, " ")
}

// The lines of a CSV are its row numbers: the title is row 1, the header row 4, data from 5.
const staffList = `UBND PHƯỜNG BA ĐÌNH
DANH SÁCH CÁN BỘ, GIÁO VIÊN TRƯỜNG THCS BA ĐÌNH

STT,Họ và tên,Số CCCD,Chức vụ,Công chức/viên chức
1,Trần Văn Bình,001065012345,Hiệu trưởng,x
2,Nguyễn Thị Lan,1168054321,Giáo viên,Có
3,Lê Văn Tuấn,001070011111,Bảo vệ,
4,Vũ Văn Nam,001090033333,Kế toán,1
5,Hoàng Văn Xa,001075099999,Giáo viên,x
6,Đỗ Văn Mới,001099012345,Giáo viên,x
7,Trần Văn Bình,001065012345,Phó hiệu trưởng,x
8,Sai Số,12345,Giáo viên,x
9,Phạm Thị Hoa,001180022222,Giáo viên,có lẽ
10,Không Có Số,,Giáo viên,
`

func TestStaffImport(t *testing.T) {
	w := newOrgWorld(t)
	ctx := w.ctx
	imp, err := w.svc.PreviewStaffImport(ctx, w.officer, w.school, "can-bo.csv", []byte(staffList))
	if err != nil {
		t.Fatal(err)
	}
	if imp.PendingID == 0 || imp.TargetName != "Trường THCS Ba Đình" || len(imp.Rows) != 10 {
		t.Fatalf("preview: pending %d, target %q, %d rows", imp.PendingID, imp.TargetName, len(imp.Rows))
	}
	checkRows(t, imp, []rowCase{
		{5, registry.StatusNew, ""},
		{6, registry.StatusNew, "national_id:import.id.restored_zero"},
		{7, registry.StatusNew, "full_name:orgimport.name.differs"},               // registered as Lê Văn Tâm
		{8, registry.StatusNew, "national_id:orgimport.staff.moves"},              // works at the ward office
		{9, registry.StatusError, "national_id:orgimport.person.not_registered"},  // Ngọc Hà: outside the officer's scope
		{10, registry.StatusError, "national_id:orgimport.person.not_registered"}, // not registered at all
		{11, registry.StatusError, "national_id:orgimport.id.duplicate_row"},
		{12, registry.StatusError, "national_id:id.length"},
		{13, registry.StatusError, "civil_servant:orgimport.flag.unknown"},
		{14, registry.StatusError, "national_id:orgimport.id.missing"},
	})
	if r := orgRow(t, imp, 5); !r.Flag || r.Position != "Hiệu trưởng" || r.Registered != "Trần Văn Bình" {
		t.Errorf("row 5 read as %+v", r)
	}
	if r := orgRow(t, imp, 7); r.Flag {
		t.Error("an empty civil-servant cell read as yes")
	}
	if staff, _ := w.svc.DB.WorkUnitStaff(ctx, w.school); len(staff) != 0 {
		t.Fatalf("the preview wrote %d staff", len(staff))
	}

	// Confirming writes the four valid rows in one transaction; the pending file is used up.
	done, err := w.svc.ConfirmStaffImport(ctx, w.officer, w.school, imp.PendingID)
	if err != nil {
		t.Fatal(err)
	}
	if done.Counts[registry.StatusNew] != 4 {
		t.Fatalf("confirmed %v", done.Counts)
	}
	staff, err := w.svc.DB.WorkUnitStaff(ctx, w.school)
	if err != nil || len(staff) != 4 {
		t.Fatalf("school staff: %d %v", len(staff), err)
	}
	nam, _ := w.svc.DB.Citizen(ctx, w.people[idNam].ID)
	if nam.WorkUnitID != w.school {
		t.Errorf("Vũ Văn Nam's employer %d, want the school", nam.WorkUnitID)
	}
	if office, _ := w.svc.DB.WorkUnitStaff(ctx, w.office); len(office) != 1 || office[0].EndOn == "" {
		t.Errorf("the employment at the ward office did not end: %+v", office)
	}
	if _, err := w.svc.ConfirmStaffImport(ctx, w.officer, w.school, imp.PendingID); err == nil {
		t.Fatal("a preview confirmed twice")
	}

	// The same file again changes nothing, not even the audit log.
	before := w.auditCount(t)
	again, err := w.svc.PreviewStaffImport(ctx, w.officer, w.school, "can-bo.csv", []byte(staffList))
	if err != nil {
		t.Fatal(err)
	}
	if again.Counts[registry.StatusUnchanged] != 4 || again.Writable() != 0 {
		t.Fatalf("second preview: %v", again.Counts)
	}
	if _, err := w.svc.ConfirmStaffImport(ctx, w.officer, w.school, again.PendingID); err != nil {
		t.Fatal(err)
	}
	if after := w.auditCount(t); after != before {
		t.Errorf("re-importing the same file added %d audit entries", after-before)
	}
	if staff, _ := w.svc.DB.WorkUnitStaff(ctx, w.school); len(staff) != 4 {
		t.Errorf("after the second import: %d staff", len(staff))
	}

	// A changed position or flag is an update, in place; a blank position keeps the registered one.
	changed := "Họ và tên,Số CCCD,Chức vụ,Công chức/viên chức\nLê Văn Tâm,001070011111,Nhân viên bảo vệ,\nTrần Văn Bình,001065012345,,không\nNguyễn Thị Lan,001168054321,Giáo viên,x\n"
	third, err := w.svc.ImportOrg(ctx, registry.OrgImportStaff, w.school, "sua.csv", []byte(changed), false)
	if err != nil {
		t.Fatal(err)
	}
	if third.Counts[registry.StatusUpdate] != 2 || third.Counts[registry.StatusUnchanged] != 1 {
		t.Fatalf("changes: %v", third.Counts)
	}
	staff, _ = w.svc.DB.WorkUnitStaff(ctx, w.school)
	for _, m := range staff {
		switch m.CitizenID {
		case w.people[idTam].ID:
			if m.Position != "Nhân viên bảo vệ" || m.CivilServant {
				t.Errorf("Lê Văn Tâm: %+v", m)
			}
		case w.people[idBinh].ID:
			if m.Position != "Hiệu trưởng" || m.CivilServant {
				t.Errorf("Trần Văn Bình: %+v", m)
			}
		}
	}
	if len(staff) != 4 {
		t.Errorf("an update added staff: %d", len(staff))
	}
	v, err := w.svc.DB.VerifyAudit(ctx)
	if err != nil || len(v.Problems) != 0 {
		t.Fatalf("audit chain: %v %v", err, v.Problems)
	}
}

// TestOrgImportScope checks who may import into what, and that people outside the caller's
// scope are refused as if unknown.
func TestOrgImportScope(t *testing.T) {
	w := newOrgWorld(t)
	ctx := w.ctx
	list := []byte("Họ và tên,Số CCCD\nTrần Văn Bình,001065012345\nVũ Văn Nam,001090033333\n")
	for _, c := range []struct {
		name string
		kind string
		id   int64
		by   *auth.Principal
	}{
		{"neighbouring ward, staff", registry.OrgImportStaff, w.school, w.neighbour},
		{"neighbouring ward, members", registry.OrgImportBranchMembers, w.branch, w.neighbour},
		{"neighbouring ward, clan", registry.OrgImportClanHouseholds, w.clan, w.neighbour},
		{"unit officer, another unit", registry.OrgImportStaff, w.office, w.unitOfficer},
		{"unit officer, a village branch", registry.OrgImportBranchMembers, w.branch, w.unitOfficer},
		{"unit officer, a clan", registry.OrgImportClanHouseholds, w.clan, w.unitOfficer},
	} {
		if _, err := w.svc.PreviewOrgImport(ctx, c.by, c.kind, c.id, "ds.csv", list); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("%s: %v, want forbidden", c.name, err)
		}
	}
	if _, err := w.svc.PreviewOrgImport(ctx, w.officer, registry.OrgImportStaff, 999999, "ds.csv", list); fault.KindOf(err) != fault.NotFound {
		t.Errorf("unknown unit: %v", err)
	}
	// The school's unit officer reaches the school's own staff only: Vũ Văn Nam, who works at the
	// ward office, is as unknown to them as someone never registered.
	imp, err := w.svc.PreviewStaffImport(ctx, w.unitOfficer, w.school, "ds.csv", list)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range imp.Rows {
		if r.Status != registry.StatusError || problemKeys(r.Errors) != "national_id:orgimport.person.not_registered" {
			t.Errorf("unit officer, row %d: %s %s", r.Number, r.Status, problemKeys(r.Errors))
		}
	}
	if _, err := w.svc.ImportOrg(ctx, registry.OrgImportStaff, w.school, "ds.csv", list, false); err != nil {
		t.Fatal(err)
	}
	imp, err = w.svc.PreviewStaffImport(ctx, w.unitOfficer, w.school, "ds.csv", list)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Counts[registry.StatusUnchanged] != 2 {
		t.Errorf("unit officer after the import: %v", imp.Counts)
	}
	// A pending file is its user's and its organisation's only.
	imp, err = w.svc.PreviewStaffImport(ctx, w.officer, w.school, "ds.csv", list)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.ConfirmOrgImport(ctx, w.officer, registry.OrgImportStaff, w.office, imp.PendingID); fault.KindOf(err) != fault.NotFound {
		t.Errorf("confirmed for another unit: %v", err)
	}
	if _, err := w.svc.ConfirmOrgImport(ctx, w.officer, registry.OrgImportBranchMembers, w.branch, imp.PendingID); fault.KindOf(err) != fault.NotFound {
		t.Errorf("confirmed as another kind: %v", err)
	}
	if _, err := w.svc.ConfirmStaffImport(ctx, w.unitOfficer, w.school, imp.PendingID); fault.KindOf(err) != fault.NotFound {
		t.Errorf("confirmed by another user: %v", err)
	}
	if _, err := w.svc.PendingOrgImport(ctx, w.officer, registry.OrgImportStaff, w.school, imp.PendingID); err != nil {
		t.Errorf("the pending file was used up by refused confirmations: %v", err)
	}
}

const memberList = `DANH SÁCH HỘI VIÊN CHI HỘI KHUYẾN HỌC TỔ DÂN PHỐ SỐ 1

TT,Họ và tên,Số CCCD,Chức vụ,Cán bộ chi hội,Ngày tập huấn,Nội dung tập huấn
1,Trần Văn Bình,001065012345,Chi hội trưởng,x,20/05/2025,Tập huấn bộ tiêu chí Công dân học tập
2,Nguyễn Thị Lan,001168054321,,,,
3,Lê Văn Tâm,001070011111,Chi hội phó,có,15/13/2025,Tập huấn
4,Phạm Thị Hoa,001180022222,,,20/05/2025,Tập huấn bộ tiêu chí
5,Vũ Văn Nam,001090033333,Thư ký,x,20/05/2025,
6,Hoàng Văn Xa,001075099999,,,,
7,Đỗ Văn Mới,001099012345,Thủ quỹ,x,01/01/2027,Tập huấn
`

func TestBranchMemberImport(t *testing.T) {
	w := newOrgWorld(t)
	ctx := w.ctx
	imp, err := w.svc.PreviewBranchMemberImport(ctx, w.officer, w.branch, "hoi-vien.csv", []byte(memberList))
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, imp, []rowCase{
		{4, registry.StatusNew, ""},
		{5, registry.StatusNew, ""},
		{6, registry.StatusError, "trained_on:training.trained_on.invalid"},
		{7, registry.StatusError, "trained_on:orgimport.training.not_official"},
		{8, registry.StatusError, "course:training.course.required"},
		{9, registry.StatusError, "national_id:orgimport.person.not_registered"},
		{10, registry.StatusError, "trained_on:training.trained_on.future"},
	})
	if r := orgRow(t, imp, 4); !r.Flag || r.TrainedOn != "2025-05-20" || !r.NewTraining {
		t.Errorf("row 4 read as %+v", r)
	}
	if _, err := w.svc.ConfirmBranchMemberImport(ctx, w.officer, w.branch, imp.PendingID); err != nil {
		t.Fatal(err)
	}
	members, err := w.svc.DB.BranchMembers(ctx, w.branch)
	if err != nil || len(members) != 2 {
		t.Fatalf("members: %d %v", len(members), err)
	}
	for _, m := range members {
		switch m.CitizenID {
		case w.people[idBinh].ID:
			if !m.IsOfficial || m.Position != "Chi hội trưởng" || len(m.Trainings) != 1 || m.Trainings[0].TrainedOn != "2025-05-20" {
				t.Errorf("official: %+v", m)
			}
		case w.people[idLan].ID:
			if m.IsOfficial || len(m.Trainings) != 0 {
				t.Errorf("member: %+v", m)
			}
		}
	}

	// The same file again: nothing new, the training is not recorded twice.
	before := w.auditCount(t)
	again, err := w.svc.PreviewBranchMemberImport(ctx, w.officer, w.branch, "hoi-vien.csv", []byte(memberList))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.ConfirmBranchMemberImport(ctx, w.officer, w.branch, again.PendingID); err != nil {
		t.Fatal(err)
	}
	if again.Counts[registry.StatusUnchanged] != 2 || again.Writable() != 0 || w.auditCount(t) != before {
		t.Fatalf("second import: %v, %d new audit entries", again.Counts, w.auditCount(t)-before)
	}

	// Another training of the official, and the member made an official, are updates.
	next := "Họ và tên,Số CCCD,Cán bộ chi hội,Ngày tập huấn,Nội dung tập huấn\nTrần Văn Bình,001065012345,x,10/01/2026,Tập huấn nâng cao\nNguyễn Thị Lan,001168054321,x,,\n"
	third, err := w.svc.ImportOrg(ctx, registry.OrgImportBranchMembers, w.branch, "bo-sung.csv", []byte(next), false)
	if err != nil {
		t.Fatal(err)
	}
	if third.Counts[registry.StatusUpdate] != 2 {
		t.Fatalf("third import: %v", third.Counts)
	}
	members, _ = w.svc.DB.BranchMembers(ctx, w.branch)
	for _, m := range members {
		switch m.CitizenID {
		case w.people[idBinh].ID:
			if len(m.Trainings) != 2 || m.Position != "Chi hội trưởng" {
				t.Errorf("official after a second training: %+v", m)
			}
		case w.people[idLan].ID:
			if !m.IsOfficial {
				t.Errorf("member not made an official: %+v", m)
			}
		}
	}
	list, _ := w.svc.DB.ListBranches(ctx, auth.Scope{All: true})
	if len(list) != 1 || list[0].Officials != 2 || list[0].TrainedOfficials != 1 {
		t.Errorf("branch summary: %+v", list)
	}
}

// TestBranchMemberImportXLSX reads a members' list as made in Excel: title rows, a merged
// "Tập huấn" header over "Ngày" and "Nội dung", an ID typed as a number, a date cell.
func TestBranchMemberImportXLSX(t *testing.T) {
	w := newOrgWorld(t)
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "HỘI KHUYẾN HỌC PHƯỜNG BA ĐÌNH")
	set("A2", "DANH SÁCH CÁN BỘ CHI HỘI")
	set("A4", "TT")
	set("B4", "Họ và tên")
	set("C4", "Số định danh")
	set("D4", "Là cán bộ")
	set("E4", "Tập huấn")
	set("E5", "Ngày")
	set("F5", "Nội dung")
	for _, m := range [][2]string{{"A4", "A5"}, {"B4", "B5"}, {"C4", "C5"}, {"D4", "D5"}, {"E4", "F4"}} {
		if err := f.MergeCell(sh, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	set("A6", 1)
	set("B6", "Trần Văn Bình")
	set("C6", 1065012345) // 001065012345 typed as a number
	set("D6", "x")
	set("E6", time.Date(2025, 5, 20, 0, 0, 0, 0, time.UTC))
	set("F6", "Tập huấn bộ tiêu chí")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	imp, err := w.svc.PreviewBranchMemberImport(w.ctx, w.officer, w.branch, "can-bo.xlsx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Rows) != 1 {
		t.Fatalf("%d rows, columns %v", len(imp.Rows), imp.Columns)
	}
	r := imp.Rows[0]
	if r.Status != registry.StatusNew || r.NationalID != idBinh || !r.Flag || r.TrainedOn != "2025-05-20" || r.Course != "Tập huấn bộ tiêu chí" {
		t.Fatalf("row 6: %s %+v %s", r.Status, r, problemKeys(r.Errors))
	}
	if !strings.Contains(problemKeys(r.Warnings), "national_id:import.id.restored_zero") {
		t.Errorf("warnings %s", problemKeys(r.Warnings))
	}
}

const clanList = `DANH SÁCH CÁC HỘ THUỘC DÒNG HỌ TRẦN
STT,Số hộ,Chủ hộ,Số CCCD của chủ hộ
1,H001,Trần Văn Bình,001065012345
2,,Phạm Thị Hoa,001180022222
3,H002,Lê Văn Tâm,
4,H999,,
5,H001,Nguyễn Thị Lan,001168054321
6,,Hoàng Văn Xa,001075099999
7,,,
8,H003,Phạm Thị Hòa,
`

func TestClanHouseholdImport(t *testing.T) {
	w := newOrgWorld(t)
	ctx := w.ctx
	imp, err := w.svc.PreviewClanHouseholdImport(ctx, w.officer, w.clan, "ho.csv", []byte(clanList))
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, imp, []rowCase{
		{3, registry.StatusNew, ""},
		{4, registry.StatusNew, ""}, // found by the head's ID
		{5, registry.StatusError, "household:clan.household.other_clan"},
		{6, registry.StatusError, "household:clan.household.not_found"},
		{7, registry.StatusError, "head_id:orgimport.clan.head_mismatch"},  // Lan is not the head of H001
		{8, registry.StatusError, "head_id:orgimport.clan.head_not_found"}, // a household of Ngọc Hà
		{9, registry.StatusError, "household:orgimport.clan.key_missing"},
		{10, registry.StatusError, "household:orgimport.household.duplicate_row"},
	})
	if r := orgRow(t, imp, 4); r.HouseholdCode != "H003" || r.Registered != "Phạm Thị Hoa" {
		t.Errorf("row 4 read as %+v", r)
	}
	if _, err := w.svc.ConfirmClanHouseholdImport(ctx, w.officer, w.clan, imp.PendingID); err != nil {
		t.Fatal(err)
	}
	hs, err := w.svc.DB.ClanHouseholds(ctx, w.clan)
	if err != nil || len(hs) != 2 {
		t.Fatalf("clan households: %d %v", len(hs), err)
	}
	before := w.auditCount(t)
	again, err := w.svc.PreviewClanHouseholdImport(ctx, w.officer, w.clan, "ho.csv", []byte(clanList))
	if err != nil {
		t.Fatal(err)
	}
	if again.Counts[registry.StatusUnchanged] != 2 || again.Writable() != 0 {
		t.Fatalf("second preview: %v", again.Counts)
	}
	if _, err := w.svc.ConfirmClanHouseholdImport(ctx, w.officer, w.clan, again.PendingID); err != nil {
		t.Fatal(err)
	}
	if hs, _ := w.svc.DB.ClanHouseholds(ctx, w.clan); len(hs) != 2 || w.auditCount(t) != before {
		t.Fatalf("second import: %d households, %d new audit entries", len(hs), w.auditCount(t)-before)
	}
}

func TestOrgImportRefusesBadFiles(t *testing.T) {
	w := newOrgWorld(t)
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	for _, c := range []struct {
		kind string
		id   func(*orgWorld) int64
		name string
		data string
		key  string
	}{
		{registry.OrgImportStaff, func(w *orgWorld) int64 { return w.school }, "empty.csv", "", "sheet.empty"},
		{registry.OrgImportStaff, func(w *orgWorld) int64 { return w.school }, "notes.xlsx", "not a spreadsheet", "sheet.unknown_format"},
		{registry.OrgImportStaff, func(w *orgWorld) int64 { return w.school }, "locked.xlsx", string(ole), "sheet.encrypted_or_xls"},
		{registry.OrgImportStaff, func(w *orgWorld) int64 { return w.school }, "no-id.csv", "Họ và tên,Chức vụ\nTrần Văn Bình,Giáo viên\n", "sheet.header_missing"},
		{registry.OrgImportBranchMembers, func(w *orgWorld) int64 { return w.branch }, "header-only.csv", "Họ và tên,Số CCCD\n", "import.no_rows"},
		{registry.OrgImportClanHouseholds, func(w *orgWorld) int64 { return w.clan }, "names.csv", "STT,Chủ hộ\n1,Trần Văn Bình\n", "orgimport.clan.no_key"},
		{registry.OrgImportClanHouseholds, func(w *orgWorld) int64 { return w.clan }, "other.csv", "a,b\n1,2\n", "sheet.no_header"},
	} {
		_, err := w.svc.ImportOrg(w.ctx, c.kind, c.id(w), c.name, []byte(c.data), false)
		fe, ok := fault.As(err)
		if !ok || fe.Key != c.key {
			t.Errorf("%s: %v, want %s", c.name, err, c.key)
		}
	}
	if n := w.auditCount(t); n == 0 {
		t.Fatal("no audit entries at all: the world was not built")
	}
}

func TestParseYes(t *testing.T) {
	for in, want := range map[string]bool{"x": true, "X": true, "có": true, "Có": true, "1": true, "yes": true, "✓": true, "Công chức": true,
		"": false, "không": false, "0": false, "no": false} {
		got, ok := registry.ParseYes(in)
		if !ok || got != want {
			t.Errorf("ParseYes(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if _, ok := registry.ParseYes("có lẽ"); ok {
		t.Error(`"có lẽ" read as a yes or a no`)
	}
}
