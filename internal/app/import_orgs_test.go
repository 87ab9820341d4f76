package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hoctap/internal/audit"
	"hoctap/internal/people"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

// TestImportOrgsCommand imports a work unit's staff, a branch's members and a clan's
// households from files, first as a dry run, then for real, then again changing nothing.
func TestImportOrgsCommand(t *testing.T) {
	url := testdb.URL(t)
	if code, _, stderr := run(t, "", "migrate", "--db", url); code != 0 {
		t.Fatal(stderr)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	db, err := store.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	var unit store.WorkUnit
	var branch store.Branch
	var clan store.Clan
	var household store.Household
	err = db.Write(ctx, func(tx *store.Tx) error {
		v := village.Village{ProvinceCode: "01", CommuneCode: "00004", Name: "Tổ dân phố số 1", Kind: village.KindToDanPho}
		if err := tx.CreateVillage(ctx, &v); err != nil {
			return err
		}
		household = store.Household{ProvinceCode: "01", CommuneCode: "00004", VillageID: v.ID, Code: "H001"}
		if err := tx.CreateHousehold(ctx, &household); err != nil {
			return err
		}
		c := people.Citizen{ProvinceCode: "01", CommuneCode: "00004", VillageID: v.ID, HouseholdID: household.ID, Relation: people.RelationHead,
			NationalID: "001065012345", FullName: "Trần Văn Bình", BirthYear: 1965, Gender: people.GenderMale}
		if err := tx.CreateCitizen(ctx, &c); err != nil {
			return err
		}
		unit = store.WorkUnit{ProvinceCode: "01", CommuneCode: "00004", Name: "Trường THCS Ba Đình", Kind: "school", Level: "commune"}
		if err := tx.CreateWorkUnit(ctx, &unit); err != nil {
			return err
		}
		branch = store.Branch{ProvinceCode: "01", CommuneCode: "00004", Name: "Chi hội Tổ dân phố số 1", VillageID: v.ID}
		if err := tx.CreateBranch(ctx, &branch); err != nil {
			return err
		}
		clan = store.Clan{ProvinceCode: "01", CommuneCode: "00004", Name: "Dòng họ Trần"}
		return tx.CreateClan(ctx, &clan)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	staff := write("can-bo.csv", "DANH SÁCH CÁN BỘ\nHọ và tên,Số CCCD,Chức vụ,Công chức/viên chức\nTrần Văn Bình,001065012345,Hiệu trưởng,x\nNgười Lạ,001099012345,Giáo viên,\n")
	members := write("hoi-vien.csv", "Họ và tên,Số CCCD,Cán bộ chi hội,Ngày tập huấn,Nội dung tập huấn\nTrần Văn Bình,001065012345,x,20/05/2025,Tập huấn bộ tiêu chí\n")
	households := write("ho.csv", "Số hộ,Chủ hộ,Số CCCD của chủ hộ\nH001,Trần Văn Bình,001065012345\nH404,,\n")
	importOrgs := func(kind string, args ...string) (string, error) {
		var out bytes.Buffer
		err := cmdImportOrgs(context.Background(), kind, append([]string{"--db", url}, args...), &out)
		return out.String(), err
	}
	for _, c := range []struct {
		kind, flag string
		id         int64
		file       string
		first      string // in the report of the first import
	}{
		{"staff", "--work-unit", unit.ID, staff, "can-bo.csv row 4, column B (Số CCCD)"},
		{"members", "--branch", branch.ID, members, "1 new"},
		{"clan-households", "--clan", clan.ID, households, "ho.csv row 3, column A (Số hộ)"},
	} {
		id := fmt.Sprint(c.id)
		out, err := importOrgs(c.kind, c.flag, id, c.file, "--dry-run") // flags after the file too
		if err != nil || !strings.Contains(out, "1 new") || !strings.Contains(out, "dry run") || !strings.Contains(out, c.first) {
			t.Fatalf("%s dry run: %v\n%s", c.kind, err, out)
		}
		out, err = importOrgs(c.kind, c.flag, id, c.file)
		if err != nil || !strings.Contains(out, "1 new") || !strings.Contains(out, "— written") {
			t.Fatalf("%s import: %v\n%s", c.kind, err, out)
		}
		out, err = importOrgs(c.kind, c.flag, id, c.file)
		if err != nil || !strings.Contains(out, "0 new, 0 updated, 1 unchanged") {
			t.Fatalf("%s again: %v\n%s", c.kind, err, out)
		}
	}
	if _, err := importOrgs("staff", "--work-unit", "999999", staff); err == nil || !strings.Contains(err.Error(), "no work unit 999999") {
		t.Errorf("unknown work unit: %v", err)
	}
	if _, err := importOrgs("staff", staff); err == nil || !strings.Contains(err.Error(), "--work-unit") {
		t.Errorf("no work unit given: %v", err)
	}
	if _, err := importOrgs("villains", staff); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("unknown kind: %v", err)
	}
	names := write("ten.csv", "STT,Chủ hộ\n1,Trần Văn Bình\n")
	if _, err := importOrgs("clan-households", "--clan", fmt.Sprint(clan.ID), names); err == nil {
		t.Error("a list without household numbers or IDs imported as a clan's households")
	}
}
