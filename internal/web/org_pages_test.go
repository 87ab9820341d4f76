package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"hoctap/internal/auth"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// submit posts a form as a principal and returns the status, the redirect target and the body.
func submit(t *testing.T, f *fixture, who, path string, form url.Values) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := f.clients[who].Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// hasFieldError tells whether the form field with this id is followed by its error message.
func hasFieldError(body, field string) bool {
	i := strings.Index(body, `id="`+field+`"`)
	if i < 0 {
		return false
	}
	rest := body[i:]
	end := strings.Index(rest, "</div>")
	if fs := strings.Index(rest, "</fieldset>"); end < 0 || (fs >= 0 && fs < end) {
		end = fs
	}
	return end > 0 && strings.Contains(rest[:end], `class="field-error"`)
}

var createdID = regexp.MustCompile(`^/(?:work-units|clans|branches)/(\d+)$`)

// create posts a form that creates an organisation and reads the new id from the redirect.
func create(t *testing.T, f *fixture, who, path string, form url.Values) int64 {
	t.Helper()
	status, loc, body := submit(t, f, who, path, form)
	m := createdID.FindStringSubmatch(loc)
	if status != http.StatusSeeOther || m == nil {
		t.Fatalf("create: status %d, location %q\n%s", status, loc, body)
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestOrgPages walks the organisation pages as officers do: a work unit with staff who moves
// and leaves, a clan with households, a branch with an official and their training.
func TestOrgPages(t *testing.T) {
	f := newFixture(t)
	seedOrgs(t, f)
	ctx := context.Background()
	const officer = "commune_officer"
	own, err := f.db.Citizen(ctx, f.ownCitizen)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := f.db.Citizen(ctx, f.foreignCitizen)
	if err != nil {
		t.Fatal(err)
	}
	noFullIDs := func(where, body string) {
		t.Helper()
		for _, id := range []string{own.NationalID, foreign.NationalID} {
			if strings.Contains(body, id) {
				t.Errorf("%s shows a full ID number", where)
			}
		}
	}

	t.Run("work unit and staff", func(t *testing.T) {
		unit := create(t, f, officer, "/work-units", url.Values{"commune": {"00004"}, "name": {"  Trường Mầm non   Hoa Sen "}, "kind": {"school"}, "level": {"commune"}})
		if u, _ := f.db.WorkUnit(ctx, unit); u.Name != "Trường Mầm non Hoa Sen" || u.CommuneCode != "00004" || u.ProvinceCode != "01" {
			t.Fatalf("created %+v", u)
		}
		// A city officer creates the city's units, not the commune's.
		st, _, body := submit(t, f, "city_officer", "/work-units", url.Values{"commune": {"00004"}, "name": {"Sở Giáo dục và Đào tạo"}, "kind": {"state_agency"}, "level": {"commune"}})
		if st != http.StatusUnprocessableEntity || !hasFieldError(body, "level") {
			t.Fatalf("city officer, commune level: %d", st)
		}
		create(t, f, "city_officer", "/work-units", url.Values{"commune": {"00004"}, "name": {"Sở Giáo dục và Đào tạo"}, "kind": {"state_agency"}, "level": {"city"}})
		if st, _, _ := submit(t, f, "commune_officer_nh", "/work-units", url.Values{"commune": {"00004"}, "name": {"X"}, "kind": {"other"}, "level": {"commune"}}); st != http.StatusForbidden {
			t.Fatalf("neighbouring officer creating in Ba Đình: %d", st)
		}

		staffPath := fmt.Sprintf("/work-units/%d/staff", unit)
		if st, loc, body := submit(t, f, officer, staffPath, url.Values{"national_id": {own.NationalID}, "position": {"Bảo vệ"}, "civil_servant": {"1"}}); st != http.StatusSeeOther {
			t.Fatalf("add staff: %d %s\n%s", st, loc, body)
		}
		if c, _ := f.db.Citizen(ctx, own.ID); c.WorkUnitID != unit {
			t.Fatalf("employer %d, want %d", c.WorkUnitID, unit)
		}
		for _, c := range []struct {
			name, id string
		}{
			{"again", own.NationalID},
			{"another ward's person", foreign.NationalID},
			{"malformed", "12345"},
			{"empty", ""},
		} {
			st, _, body := submit(t, f, officer, staffPath, url.Values{"national_id": {c.id}})
			if st != http.StatusUnprocessableEntity || !hasFieldError(body, "national_id") {
				t.Errorf("%s: %d, want 422 with an error on the ID", c.name, st)
			}
			if strings.Contains(body, foreign.FullName) {
				t.Errorf("%s: the page names someone of another ward", c.name)
			}
		}
		page := f.get(t, officer, fmt.Sprintf("/work-units/%d", unit)).body
		if !strings.Contains(page, own.FullName) || !strings.Contains(page, people.MaskNationalID(own.NationalID)) || !strings.Contains(page, "Bảo vệ") {
			t.Fatal("the staff list misses the new staff member")
		}
		noFullIDs("the work unit page", page)

		staff, err := f.db.WorkUnitStaff(ctx, unit)
		if err != nil || len(staff) != 1 {
			t.Fatalf("staff: %v %+v", err, staff)
		}
		if st, _, _ := submit(t, f, "unit_officer", fmt.Sprintf("%s/%d/end", staffPath, staff[0].ID), nil); st != http.StatusForbidden {
			t.Fatalf("another unit's officer ends the employment: %d", st)
		}
		if st, _, _ := submit(t, f, officer, fmt.Sprintf("%s/%d/end", staffPath, staff[0].ID), nil); st != http.StatusSeeOther {
			t.Fatalf("end: %d", st)
		}
		if c, _ := f.db.Citizen(ctx, own.ID); c.WorkUnitID != 0 {
			t.Fatalf("employer %d after ending, want none", c.WorkUnitID)
		}
		if staff, _ = f.db.WorkUnitStaff(ctx, unit); len(staff) != 1 || staff[0].EndOn == "" {
			t.Fatalf("history: %+v", staff)
		}
	})

	t.Run("clan and households", func(t *testing.T) {
		clan := create(t, f, officer, "/clans", url.Values{"commune": {"00004"}, "name": {"Dòng họ Phạm"}, "origin": {"Thái Bình"}, "representative": {own.NationalID}})
		st, _, body := submit(t, f, officer, "/clans", url.Values{"commune": {"00004"}, "name": {"dong ho PHAM"}, "origin": {"Thai Binh"}})
		if st != http.StatusUnprocessableEntity || !hasFieldError(body, "name") {
			t.Fatalf("same name and origin: %d", st)
		}
		st, _, body = submit(t, f, officer, "/clans", url.Values{"commune": {"00004"}, "name": {"Dòng họ Vũ"}, "representative": {foreign.NationalID}})
		if st != http.StatusUnprocessableEntity || !hasFieldError(body, "representative") {
			t.Fatalf("a representative of another ward: %d", st)
		}
		households, heads, err := f.db.HouseholdsOfVillage(ctx, f.ownVillage)
		if err != nil {
			t.Fatal(err)
		}
		var other store.Household
		var head string
		for i, h := range households {
			if h.ID != f.ownHousehold && heads[i] != "" {
				other, head = h, heads[i]
				break
			}
		}
		if other.ID == 0 {
			t.Fatal("no second household in the village")
		}
		key := other.Code
		if key == "" {
			key = fmt.Sprint(other.ID)
		}
		path := fmt.Sprintf("/clans/%d/households", clan)
		if st, _, body := submit(t, f, officer, path, url.Values{"household": {key}}); st != http.StatusSeeOther {
			t.Fatalf("add household %q: %d\n%s", key, st, body)
		}
		foreignHouseholds, _, _ := f.db.HouseholdsOfVillage(ctx, f.foreignVillage)
		for name, k := range map[string]string{"already in the clan": key, "in another clan": fmt.Sprint(f.ownHousehold),
			"of another ward": fmt.Sprint(foreignHouseholds[0].ID), "unknown": "không-có"} {
			if st, _, body := submit(t, f, officer, path, url.Values{"household": {k}}); st != http.StatusUnprocessableEntity || !hasFieldError(body, "household") {
				t.Errorf("household %s: %d, want 422", name, st)
			}
		}
		page := f.get(t, officer, fmt.Sprintf("/clans/%d", clan)).body
		if !strings.Contains(page, head) || !strings.Contains(page, "Tổ dân phố số 1") || !strings.Contains(page, own.FullName) {
			t.Fatal("the clan page misses the household's head, its village or the representative")
		}
		noFullIDs("the clan page", page)
		members, _ := f.db.ClanHouseholds(ctx, clan)
		if len(members) != 1 {
			t.Fatalf("clan households: %+v", members)
		}
		if st, _, _ := submit(t, f, officer, fmt.Sprintf("%s/%d/end", path, members[0].ID), nil); st != http.StatusSeeOther {
			t.Fatalf("end: %d", st)
		}
		if members, _ = f.db.ClanHouseholds(ctx, clan); len(members) != 1 || members[0].EndOn == "" {
			t.Fatalf("history: %+v", members)
		}
	})

	t.Run("branch, officials and training", func(t *testing.T) {
		branch := create(t, f, officer, "/branches", url.Values{"name": {"Chi hội khuyến học Tổ dân phố số 1"}, "village": {fmt.Sprint(f.ownVillage)}})
		ids, _, _ := lookupOrgs(f)
		for name, form := range map[string]url.Values{
			"a second branch of the village": {"name": {"Chi hội thứ hai"}, "village": {fmt.Sprint(f.ownVillage)}},
			"both a village and a unit":      {"name": {"Chi hội"}, "village": {fmt.Sprint(f.ownVillage)}, "work_unit": {fmt.Sprint(ids.school)}},
			"neither":                        {"name": {"Chi hội"}},
		} {
			if st, _, body := submit(t, f, officer, "/branches", form); st != http.StatusUnprocessableEntity || !strings.Contains(body, `class="field-error"`) {
				t.Errorf("%s: %d, want 422", name, st)
			}
		}
		// A unit officer creates their unit's branch only, and it exists already.
		if st, _, _ := submit(t, f, "unit_officer", "/branches", url.Values{"name": {"Chi hội"}, "village": {fmt.Sprint(f.ownVillage)}}); st != http.StatusForbidden {
			t.Errorf("unit officer creating a village's branch: %d", st)
		}
		if st, _, body := submit(t, f, "unit_officer", "/branches", url.Values{"name": {"Chi hội"}, "work_unit": {fmt.Sprint(ids.school)}}); st != http.StatusUnprocessableEntity || !hasFieldError(body, "work_unit") {
			t.Errorf("unit officer creating a second branch of the unit: %d", st)
		}

		base := fmt.Sprintf("/branches/%d", branch)
		if st, _, body := submit(t, f, officer, base+"/members", url.Values{"national_id": {own.NationalID}, "role": {"official"}, "position": {"Chi hội phó"}}); st != http.StatusSeeOther {
			t.Fatalf("add official: %d\n%s", st, body)
		}
		for name, form := range map[string]url.Values{
			"in the future":   {"official": {fmt.Sprint(own.ID)}, "trained_on": {"01/01/2099"}, "course": {"Lớp A"}},
			"not a date":      {"official": {fmt.Sprint(own.ID)}, "trained_on": {"31/02/2025"}, "course": {"Lớp A"}},
			"without course":  {"official": {fmt.Sprint(own.ID)}, "trained_on": {"15/03/2025"}},
			"not an official": {"official": {fmt.Sprint(foreign.ID)}, "trained_on": {"15/03/2025"}, "course": {"Lớp A"}},
		} {
			if st, _, body := submit(t, f, officer, base+"/trainings", form); st != http.StatusUnprocessableEntity || !strings.Contains(body, `class="field-error"`) {
				t.Errorf("training %s: %d, want 422", name, st)
			}
		}
		if st, _, body := submit(t, f, officer, base+"/trainings", url.Values{"official": {fmt.Sprint(own.ID)}, "trained_on": {"2025-03-15"},
			"course": {"Tập huấn bộ tiêu chí CDHT 2025"}, "trainer": {"Hội Khuyến học phường"}}); st != http.StatusSeeOther {
			t.Fatalf("record training: %d\n%s", st, body)
		}
		page := f.get(t, officer, base).body
		if !strings.Contains(page, "15/03/2025 — Tập huấn bộ tiêu chí CDHT 2025") || !strings.Contains(page, "Chi hội phó") {
			t.Fatal("the branch page misses the official's training")
		}
		noFullIDs("the branch page", page)
		list := f.get(t, officer, "/branches").body
		if !strings.Contains(list, "Chi hội khuyến học Tổ dân phố số 1") || !strings.Contains(list, seedBranch) {
			t.Fatal("the branch list misses a branch of the commune")
		}
		// The school's branch, seeded with a trained official, is the unit officer's to keep.
		if page := f.get(t, "unit_officer", fmt.Sprintf("/branches/%d", ids.branch)); page.status != http.StatusOK || !strings.Contains(page.body, "20/05/2025") {
			t.Fatalf("unit officer on the school's branch: %d", page.status)
		}

		members, _ := f.db.BranchMembers(ctx, branch)
		if len(members) != 1 || len(members[0].Trainings) != 1 {
			t.Fatalf("members: %+v", members)
		}
		if st, _, _ := submit(t, f, officer, fmt.Sprintf("%s/members/%d/end", base, members[0].ID), nil); st != http.StatusSeeOther {
			t.Fatalf("end membership: %d", st)
		}
		if st, _, _ := submit(t, f, officer, base+"/trainings", url.Values{"official": {fmt.Sprint(own.ID)}, "trained_on": {"16/03/2025"}, "course": {"Lớp B"}}); st != http.StatusUnprocessableEntity {
			t.Errorf("training of a former official: %d, want 422", st)
		}
	})

	entries, err := f.db.ListAudit(ctx, store.AuditFilter{Scope: auth.Scope{Communes: []string{"00004"}}, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.Action] = true
	}
	for _, a := range []string{"work_unit.create", "work_unit.staff_add", "work_unit.staff_end", "clan.create", "clan.household_add",
		"clan.household_end", "branch.create", "branch.member_add", "branch.member_end", "training.record"} {
		if !seen[a] {
			t.Errorf("no audit entry %s", a)
		}
	}
}
