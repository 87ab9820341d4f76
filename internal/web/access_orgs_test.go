package web_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/store"
)

// The organisations seedOrgs adds to the demo in Phường Ba Đình (00004), named so that the
// neighbouring ward's officer can be checked not to see them.
const (
	seedSchool = "Trường Tiểu học Ba Đình" // made by the demo
	seedClan   = "Dòng họ Khúc"
	seedBranch = "Chi hội khuyến học Trường Tiểu học Ba Đình"
)

// orgIDs are the ids of the demo's work unit and of the clan and branch seedOrgs adds.
type orgIDs struct {
	school, clan, branch int64
}

// lookupOrgs finds the seeded organisations by name; done is false before seedOrgs ran.
func lookupOrgs(f *fixture) (ids orgIDs, done bool, err error) {
	ctx := context.Background()
	all := auth.Scope{All: true}
	units, err := f.db.ListWorkUnits(ctx, all)
	if err != nil {
		return ids, false, err
	}
	for _, u := range units {
		if u.Name == seedSchool {
			ids.school = u.ID
		}
	}
	clans, err := f.db.ListClans(ctx, all)
	if err != nil {
		return ids, false, err
	}
	for _, c := range clans {
		if c.Name == seedClan {
			ids.clan = c.ID
		}
	}
	branches, err := f.db.ListBranches(ctx, all)
	if err != nil {
		return ids, false, err
	}
	for _, b := range branches {
		if b.Name == seedBranch {
			ids.branch = b.ID
		}
	}
	if ids.school == 0 {
		return ids, false, fmt.Errorf("the demo has no work unit %q", seedSchool)
	}
	return ids, ids.clan != 0 && ids.branch != 0, nil
}

// seedOrgs adds to the demo a clan with the citizen account's household, and a branch of the
// demo's school with one of its staff as a trained official. It may run more than once.
func seedOrgs(t *testing.T, f *fixture) {
	t.Helper()
	ids, done, err := lookupOrgs(f)
	if err != nil {
		t.Fatal(err)
	}
	if done {
		return
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "seedOrgs", IP: "127.0.0.1"})
	school, err := f.db.WorkUnit(ctx, ids.school)
	if err != nil {
		t.Fatal(err)
	}
	staff, err := f.db.WorkUnitStaff(ctx, school.ID)
	if err != nil || len(staff) == 0 {
		t.Fatalf("the demo school has no staff: %v", err)
	}
	err = f.db.Write(ctx, func(tx *store.Tx) error {
		clan := store.Clan{ProvinceCode: school.ProvinceCode, CommuneCode: school.CommuneCode, Name: seedClan, Origin: "Hải Dương"}
		if err := tx.CreateClan(ctx, &clan); err != nil {
			return err
		}
		if _, err := tx.AddClanHousehold(ctx, clan, f.ownHousehold); err != nil {
			return err
		}
		b := store.Branch{ProvinceCode: school.ProvinceCode, CommuneCode: school.CommuneCode, Name: seedBranch, WorkUnitID: school.ID}
		if err := tx.CreateBranch(ctx, &b); err != nil {
			return err
		}
		official := store.BranchMember{CitizenID: staff[0].CitizenID, IsOfficial: true, Position: "Chi hội trưởng"}
		if err := tx.AddBranchMember(ctx, b, &official); err != nil {
			return err
		}
		return tx.RecordTraining(ctx, b, &store.Training{CitizenID: official.CitizenID, TrainedOn: "2025-05-20",
			Course: "Tập huấn bộ tiêu chí Công dân học tập", Trainer: "Hội Khuyến học thành phố"})
	})
	if err != nil {
		t.Fatalf("seed organisations: %v", err)
	}
}

// orgAccessCases covers every route of orgRoutes. POSTs carry invalid forms (or an unknown
// membership id), so that nothing changes: those allowed get 422 (or 404), the others 403.
func orgAccessCases(f *fixture) []accessCase {
	const ok, see, forbidden, unauth, invalid, notFound = 200, 303, 403, 401, 422, 404
	ids, _, _ := lookupOrgs(f) // unseeded, the paths name id 0 and every case fails loudly
	at := func(format string, id int64) func(*fixture) string {
		return func(*fixture) string { return fmt.Sprintf(format, id) }
	}
	// Every role that holds PermViewOrgs reaches the lists; each sees only its own scope.
	viewOrgs := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "commune_officer_nh": ok, "collector": ok, "unit_officer": ok}
	// Those who manage the commune's organisations (and, for a unit and its branch, the unit officer).
	communeOnly := func(status int) map[string]int {
		return map[string]int{"anonymous": unauth, "admin": status, "commune_officer": status}
	}
	withUnit := func(status int) map[string]int {
		return map[string]int{"anonymous": unauth, "admin": status, "commune_officer": status, "unit_officer": status}
	}
	return []accessCase{
		{pattern: "GET /work-units", path: path("/work-units"), want: viewOrgs, deflt: forbidden,
			absent: map[string][]string{"commune_officer_nh": {seedSchool}, "collector": {seedSchool}}},
		{pattern: "GET /work-units/new", path: path("/work-units/new"),
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "commune_officer_nh": ok}, deflt: forbidden,
			absent: map[string][]string{"commune_officer": {"Phường Ngọc Hà"}, "commune_officer_nh": {"Phường Ba Đình"}}},
		// The city officer may create units here, of the city and central levels only: a commune-level
		// unit is a field error, not a refusal.
		{pattern: "POST /work-units", path: path("/work-units"), form: url.Values{"commune": {"00004"}, "name": {""}, "kind": {"school"}, "level": {"commune"}},
			want: map[string]int{"anonymous": unauth, "admin": invalid, "city_officer": invalid, "commune_officer": invalid}, deflt: forbidden},
		{pattern: "GET /work-units/{id}", path: at("/work-units/%d", ids.school),
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "unit_officer": ok}, deflt: forbidden},
		{pattern: "POST /work-units/{id}/staff", path: at("/work-units/%d/staff", ids.school), form: url.Values{"national_id": {""}},
			want: withUnit(invalid), deflt: forbidden},
		{pattern: "POST /work-units/{id}/staff/{sid}/end", path: at("/work-units/%d/staff/999999/end", ids.school),
			want: withUnit(notFound), deflt: forbidden},

		{pattern: "GET /clans", path: path("/clans"), want: viewOrgs, deflt: forbidden,
			absent: map[string][]string{"commune_officer_nh": {seedClan}, "collector": {seedClan}, "unit_officer": {seedClan}}},
		{pattern: "GET /clans/new", path: path("/clans/new"),
			want: map[string]int{"anonymous": see, "admin": ok, "commune_officer": ok, "commune_officer_nh": ok}, deflt: forbidden,
			absent: map[string][]string{"commune_officer": {"Phường Ngọc Hà"}, "commune_officer_nh": {"Phường Ba Đình"}}},
		{pattern: "POST /clans", path: path("/clans"), form: url.Values{"commune": {"00004"}, "name": {""}},
			want: communeOnly(invalid), deflt: forbidden},
		{pattern: "GET /clans/{id}", path: at("/clans/%d", ids.clan),
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok}, deflt: forbidden},
		{pattern: "POST /clans/{id}/households", path: at("/clans/%d/households", ids.clan), form: url.Values{"household": {""}},
			want: communeOnly(invalid), deflt: forbidden},
		{pattern: "POST /clans/{id}/households/{mid}/end", path: at("/clans/%d/households/999999/end", ids.clan),
			want: communeOnly(notFound), deflt: forbidden},

		{pattern: "GET /branches", path: path("/branches"), want: viewOrgs, deflt: forbidden,
			absent: map[string][]string{"commune_officer_nh": {seedBranch}, "collector": {seedBranch}}},
		{pattern: "GET /branches/new", path: path("/branches/new"),
			want: map[string]int{"anonymous": see, "admin": ok, "commune_officer": ok, "commune_officer_nh": ok, "unit_officer": ok}, deflt: forbidden,
			absent: map[string][]string{"commune_officer": {"Ngọc Hà"}, "commune_officer_nh": {"Tổ dân phố số 1", seedSchool}, "unit_officer": {"Tổ dân phố số 1"}}},
		{pattern: "POST /branches", path: path("/branches"), form: url.Values{"name": {""}, "village": {fmt.Sprint(f.ownVillage)}},
			want: communeOnly(invalid), deflt: forbidden},
		{pattern: "GET /branches/{id}", path: at("/branches/%d", ids.branch),
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "unit_officer": ok}, deflt: forbidden},
		{pattern: "POST /branches/{id}/members", path: at("/branches/%d/members", ids.branch), form: url.Values{"national_id": {""}, "role": {"official"}},
			want: withUnit(invalid), deflt: forbidden},
		{pattern: "POST /branches/{id}/members/{mid}/end", path: at("/branches/%d/members/999999/end", ids.branch),
			want: withUnit(notFound), deflt: forbidden},
		{pattern: "POST /branches/{id}/trainings", path: at("/branches/%d/trainings", ids.branch), form: url.Values{"official": {""}, "course": {""}},
			want: withUnit(invalid), deflt: forbidden},
	}
}
