package registry_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/registry"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

// setup makes a database with two villages in Ba Đình (00004) and one in Ngọc Hà (00008),
// and one person registered in Ngọc Hà.
func setup(t testing.TB) (*registry.Service, map[string]int64) {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	db := testdb.Open(t, nil)
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	err = db.Write(ctx, func(tx *store.Tx) error {
		for _, v := range []village.Village{
			{ProvinceCode: "01", CommuneCode: "00004", Name: "Tổ dân phố số 1", Kind: village.KindToDanPho},
			{ProvinceCode: "01", CommuneCode: "00004", Name: "Tổ dân phố số 2", Kind: village.KindToDanPho},
			{ProvinceCode: "01", CommuneCode: "00008", Name: "Tổ dân phố Đội Cấn", Kind: village.KindToDanPho},
		} {
			if err := tx.CreateVillage(ctx, &v); err != nil {
				return err
			}
			ids[v.Name] = v.ID
		}
		c := people.Citizen{ProvinceCode: "01", CommuneCode: "00008", VillageID: ids["Tổ dân phố Đội Cấn"], NationalID: "001075099999",
			FullName: "Hoàng Văn Xa", BirthYear: 1975, Gender: people.GenderMale}
		return tx.CreateCitizen(ctx, &c)
	})
	if err != nil {
		t.Fatal(err)
	}
	return &registry.Service{DB: db, Units: units}, ids
}

const roster = `UBND PHƯỜNG BA ĐÌNH
DANH SÁCH NHÂN KHẨU

STT,Số hộ,Họ và tên,Ngày sinh,Giới tính,Số CCCD,Quan hệ với chủ hộ,Thôn/Tổ dân phố
1,H001,Trần Văn Bình,12/05/1965,Nam,001065012345,Chủ hộ,Tổ dân phố số 1
2,H001,Nguyễn Thị Lan,3/7/68,Nữ,001168054321,Vợ,TDP số 1
3,H001,Trần Minh Đức,1995,Nam,1095012399,Con,Tổ dân phố số 1
4,H002,Lê Văn Tâm,31/02/1970,Nam,001070011111,Chủ hộ,Tổ dân phố số 2
5,H003,Phạm Thị Hoa,15/08/1980,Nữ,001180022222,Con,Tổ dân phố số 2
6,H001,Trần Thị Mai,20/10/2001,Nữ,001065012345,Con,Tổ dân phố số 1
7,H004,Vũ Văn Nam,01/01/1990,Nam,001090033333,Chủ hộ,Tổ dân phố Đội Cấn
8,H005,Đỗ Văn Hải,02/02/1975,Nam,001075099999,Chủ hộ,Tổ dân phố số 2
9,H006,Bùi Thị Thu,05/06/1985,Nam,001185044444,Chủ hộ,Tổ dân phố số 2
10,H007,Ngô Văn Một,01/01/1950,Nam,001050055555,Chủ hộ,Tổ dân phố số 2
11,H007,Ngô Văn Hai,01/01/1955,Nam,001055066666,Chủ hộ,Tổ dân phố số 2
`

func findRow(t *testing.T, imp registry.CitizenImport, number int) registry.CitizenImportRow {
	t.Helper()
	for _, r := range imp.Rows {
		if r.Number == number {
			return r
		}
	}
	t.Fatalf("row %d not in the preview", number)
	return registry.CitizenImportRow{}
}

func keys(es []fault.Error) string {
	var out []string
	for _, e := range es {
		out = append(out, e.Field+":"+e.Key)
	}
	return strings.Join(out, " ")
}

func TestCitizenImportPreviewFindsEveryProblem(t *testing.T) {
	svc, _ := setup(t)
	imp, err := svc.ImportCitizens(context.Background(), "00004", "ds.csv", []byte(roster), registry.CitizenImportOptions{}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		row    int
		status string
		want   string // a field:key that must be among the row's errors or warnings
	}{
		{5, registry.StatusNew, ""},
		{6, registry.StatusNew, ""}, // "TDP số 1" is Tổ dân phố số 1; "3/7/68" is 1968
		{7, registry.StatusNew, "national_id:import.id.restored_zero"},
		{8, registry.StatusError, "birth_date:sheet.date.impossible"},
		{9, registry.StatusError, "relation:import.household.no_head"},
		{10, registry.StatusError, "national_id:import.id.duplicate_row"},
		{11, registry.StatusError, "village:import.village.unknown"},      // a village of another commune
		{12, registry.StatusError, "national_id:import.id.elsewhere"},     // registered in Ngọc Hà
		{13, registry.StatusError, "national_id:id.gender_mismatch"},      // the ID says female
		{15, registry.StatusError, "relation:import.household.two_heads"}, // H007 has two heads
	} {
		r := findRow(t, imp, c.row)
		if r.Status != c.status {
			t.Errorf("row %d: status %s (%s), want %s", c.row, r.Status, keys(append(r.Errors, r.Warnings...)), c.status)
		}
		if c.want != "" && !strings.Contains(keys(append(r.Errors, r.Warnings...)), c.want) {
			t.Errorf("row %d: problems %q lack %q", c.row, keys(append(r.Errors, r.Warnings...)), c.want)
		}
	}
	if got := findRow(t, imp, 6).Citizen; got.BirthDate != "1968-07-03" || got.Gender != people.GenderFemale {
		t.Errorf("row 6 read as %s %s", got.BirthDate, got.Gender)
	}
	if got := findRow(t, imp, 7).Citizen; got.BirthDate != "" || got.BirthYear != 1995 || got.NationalID != "001095012399" {
		t.Errorf("row 7 read as %q %d %s", got.BirthDate, got.BirthYear, got.NationalID)
	}
}

func TestCitizenImportWritesAllValidRowsOnceAndNothingElse(t *testing.T) {
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	svc, _ := setup(t)
	if _, err := svc.ImportCitizens(ctx, "00004", "ds.csv", []byte(roster), registry.CitizenImportOptions{}, false); fault.FieldErrors(err) == nil {
		t.Fatalf("import without the consent attestation: %v", err)
	}
	count := func() int {
		_, n, err := svc.DB.SearchCitizens(ctx, store.CitizenQuery{Scope: auth.Scope{Communes: []string{"00004"}}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("a refused import wrote %d people", n)
	}
	opt := registry.CitizenImportOptions{ConsentAttested: true}
	imp, err := svc.ImportCitizens(ctx, "00004", "ds.csv", []byte(roster), opt, false)
	if err != nil {
		t.Fatal(err)
	}
	// Valid: rows 5–7 (household H001) and row 14, the first of H007's two heads (row 15 is refused).
	if imp.Counts[registry.StatusNew] != 4 || count() != 4 {
		t.Fatalf("wrote %d (counted %d new), want the 4 valid rows", count(), imp.Counts[registry.StatusNew])
	}
	head, err := svc.DB.CitizenByNationalID(ctx, "001065012345")
	if err != nil {
		t.Fatal(err)
	}
	members, err := svc.DB.HouseholdMembers(ctx, head.HouseholdID)
	if err != nil || len(members) != 3 || members[0].ID != head.ID || head.Relation != people.RelationHead {
		t.Fatalf("household H001: %d members, head first %v", len(members), err)
	}
	consents, err := svc.DB.Consents(ctx, head.ID)
	if err != nil || len(consents) != 1 || consents[0].Method != people.ConsentPaper {
		t.Fatalf("consent: %+v %v", consents, err)
	}
	again, err := svc.ImportCitizens(ctx, "00004", "ds.csv", []byte(roster), opt, false)
	if err != nil {
		t.Fatal(err)
	}
	if again.Counts[registry.StatusNew] != 0 || again.Counts[registry.StatusUnchanged] != 4 || count() != 4 {
		t.Fatalf("second import: %v, %d people", again.Counts, count())
	}
	fixed := strings.Replace(roster, "Trần Minh Đức,1995", "Trần Minh Đức,14/02/1995", 1)
	third, err := svc.ImportCitizens(ctx, "00004", "ds.csv", []byte(fixed), opt, false)
	if err != nil {
		t.Fatal(err)
	}
	son, _ := svc.DB.CitizenByNationalID(ctx, "001095012399")
	if third.Counts[registry.StatusUpdate] != 1 || son.BirthDate != "1995-02-14" {
		t.Fatalf("a corrected row: %v, birth %q", third.Counts, son.BirthDate)
	}
	v, err := svc.DB.VerifyAudit(ctx)
	if err != nil || len(v.Problems) != 0 {
		t.Fatalf("audit chain: %v %v", err, v.Problems)
	}
}

// TestCitizenImportXLSX reads a roster as officials make it in Excel: title rows, a merged
// "Ngày sinh" header over "Nam" and "Nữ", IDs typed as numbers, dates as date cells.
func TestCitizenImportXLSX(t *testing.T) {
	svc, ids := setup(t)
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "DANH SÁCH HỘ GIA ĐÌNH")
	set("A3", "TT")
	set("B3", "Họ và tên")
	set("C3", "Ngày sinh")
	set("E3", "Số định danh")
	set("F3", "Quan hệ với chủ hộ")
	set("G3", "Số hộ")
	set("C4", "Nam")
	set("D4", "Nữ")
	for _, m := range []string{"A3:A4", "B3:B4", "C3:D3", "E3:E4", "F3:F4", "G3:G4"} {
		parts := strings.Split(m, ":")
		if err := f.MergeCell(sh, parts[0], parts[1]); err != nil {
			t.Fatal(err)
		}
	}
	set("A5", 1)
	set("B5", "Đặng Văn Đức")
	set("C5", "15/03/1958")
	set("E5", 1058012345) // 001058012345 typed as a number: Excel drops the leading zeros
	set("F5", "Chủ hộ")
	set("G5", "K12")
	set("A6", 2)
	set("B6", "Nguyễn Thị Hằng")
	set("D6", "20/11/1962")
	set("E6", "001162054321")
	set("F6", "Vợ")
	set("G6", "K12")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	imp, err := svc.ImportCitizens(context.Background(), "00004", "ds.xlsx", buf.Bytes(), registry.CitizenImportOptions{DefaultVillage: ids["Tổ dân phố số 1"]}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Missing) > 0 || len(imp.Rows) != 2 {
		t.Fatalf("header: missing %v, %d rows", imp.Missing, len(imp.Rows))
	}
	duc, hang := imp.Rows[0], imp.Rows[1]
	if duc.Status != registry.StatusNew || duc.Citizen.Gender != people.GenderMale || duc.Citizen.BirthDate != "1958-03-15" || duc.Citizen.NationalID != "001058012345" {
		t.Errorf("row 5: %s %+v %s", duc.Status, duc.Citizen, keys(duc.Errors))
	}
	if hang.Status != registry.StatusNew || hang.Citizen.Gender != people.GenderFemale || hang.Citizen.BirthDate != "1962-11-20" {
		t.Errorf("row 6: %s %+v %s", hang.Status, hang.Citizen, keys(hang.Errors))
	}
}

func TestCitizenImportRefusesBadFiles(t *testing.T) {
	svc, _ := setup(t)
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	for _, c := range []struct {
		name string
		data []byte
		key  string
	}{
		{"empty.csv", nil, "sheet.empty"},
		{"notes.xlsx", []byte("this is not a spreadsheet at all"), "sheet.unknown_format"},
		{"locked.xlsx", ole, "sheet.encrypted_or_xls"},
		{"header-only.csv", []byte("Họ và tên,Ngày sinh\n"), "import.no_rows"},
		{"no-header.csv", []byte("a,b,c\n1,2,3\n"), "sheet.no_header"},
	} {
		_, err := svc.ImportCitizens(context.Background(), "00004", c.name, c.data, registry.CitizenImportOptions{ConsentAttested: true}, false)
		fe, ok := fault.As(err)
		if !ok || fe.Key != c.key {
			t.Errorf("%s: %v, want %s", c.name, err, c.key)
		}
	}
}

func TestCitizenImportAsksForAMappingAndUsesIt(t *testing.T) {
	svc, ids := setup(t)
	data := []byte("Họ và tên,Sinh nhật,Phái\nTrần Văn Bình,12/05/1965,Nam\n")
	imp, err := svc.ImportCitizens(context.Background(), "00004", "ds.csv", data, registry.CitizenImportOptions{DefaultVillage: ids["Tổ dân phố số 1"]}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Missing) != 1 || imp.Missing[0] != "birth_date" || len(imp.Rows) != 0 {
		t.Fatalf("missing %v, rows %d", imp.Missing, len(imp.Rows))
	}
	opt := registry.CitizenImportOptions{DefaultVillage: ids["Tổ dân phố số 1"], Mapping: map[int]string{1: "birth_date", 2: "gender"}}
	imp, err = svc.ImportCitizens(context.Background(), "00004", "ds.csv", data, opt, true)
	if err != nil || len(imp.Rows) != 1 || imp.Rows[0].Status != registry.StatusNew || imp.Rows[0].Citizen.Gender != people.GenderMale {
		t.Fatalf("mapped: %v %+v", err, imp.Rows)
	}
}
