package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/auth"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// uploadAs posts a file to an import page as a principal.
func uploadAs(t *testing.T, f *fixture, who, path, name, content string) result {
	t.Helper()
	ct, body := multipartBody(nil, name, []byte(content))
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return f.do(t, who, req)
}

var confirmPath = regexp.MustCompile(`action="(/(?:work-units|branches|clans)/\d+/import/\d+/confirm)"`)

// confirmOf finds the confirmation form's target in a preview page, "" when there is none.
func confirmOf(body string) string {
	if m := confirmPath.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// baDinhPeople returns registered people of the demo's Ba Đình village who work nowhere, and
// households of that village other than the citizen account's, with their heads.
func baDinhPeople(t *testing.T, f *fixture) ([]people.Citizen, []store.Household, []people.Citizen) {
	t.Helper()
	ctx := context.Background()
	list, _, err := f.db.SearchCitizens(ctx, store.CitizenQuery{Scope: auth.Scope{Communes: []string{"00004"}}, VillageID: f.ownVillage, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var free []people.Citizen
	for _, c := range list {
		if c.WorkUnitID == 0 && c.NationalID != "" && c.ID != f.ownCitizen {
			free = append(free, c)
		}
	}
	hs, _, err := f.db.HouseholdsOfVillage(ctx, f.ownVillage)
	if err != nil {
		t.Fatal(err)
	}
	var others []store.Household
	var heads []people.Citizen
	for _, h := range hs {
		if h.ID == f.ownHousehold || h.HeadCitizenID == 0 || h.Code == "" {
			continue
		}
		head, err := f.db.Citizen(ctx, h.HeadCitizenID)
		if err != nil || head.NationalID == "" {
			continue
		}
		others = append(others, h)
		heads = append(heads, head)
	}
	if len(free) < 2 || len(others) < 1 {
		t.Fatalf("the demo village has %d people without work and %d other households", len(free), len(others))
	}
	return free, others, heads
}

// TestOrgImportPages walks the three imports as a commune officer does: upload, preview with
// errors, error report, confirm, and the same file again changing nothing.
func TestOrgImportPages(t *testing.T) {
	f := newFixture(t)
	ids, done, err := lookupOrgs(f)
	if err != nil || !done {
		t.Fatalf("organisations not seeded: %v", err)
	}
	ctx := context.Background()
	const officer = "commune_officer"
	free, households, heads := baDinhPeople(t, f)
	foreign, err := f.db.Citizen(ctx, f.foreignCitizen)
	if err != nil {
		t.Fatal(err)
	}
	noFullIDs := func(where, body string) {
		t.Helper()
		for _, c := range append([]people.Citizen{foreign}, free[:2]...) {
			if strings.Contains(body, c.NationalID) {
				t.Errorf("%s shows the full ID of %s", where, c.FullName)
			}
		}
	}

	t.Run("staff", func(t *testing.T) {
		base := fmt.Sprintf("/work-units/%d", ids.school)
		if res := f.get(t, officer, base+"/import"); res.status != http.StatusOK || !strings.Contains(res.body, `action="`+base+`/import"`) {
			t.Fatalf("form: %d", res.status)
		}
		list := fmt.Sprintf("UBND PHƯỜNG BA ĐÌNH\nDANH SÁCH CÁN BỘ, GIÁO VIÊN\n\nSTT,Họ và tên,Số CCCD,Chức vụ,Công chức/viên chức\n"+
			"1,%s,%s,Bảo vệ,x\n2,%s,%s,Giáo viên,\n3,%s,%s,Giáo viên,x\n4,Sai Số,12345,,\n",
			free[0].FullName, free[0].NationalID, free[1].FullName, free[1].NationalID, foreign.FullName, foreign.NationalID)
		res := uploadAs(t, f, officer, base+"/import", "can-bo.csv", list)
		if res.status != http.StatusOK || strings.Count(res.body, `class="row-new"`) != 2 || strings.Count(res.body, `class="row-error"`) != 2 {
			t.Fatalf("preview: %d, %d new, %d errors\n%s", res.status, strings.Count(res.body, `class="row-new"`), strings.Count(res.body, `class="row-error"`), res.body)
		}
		noFullIDs("the staff preview", res.body)
		confirm := confirmOf(res.body)
		if confirm == "" {
			t.Fatal("no confirmation form")
		}
		pid := strings.TrimSuffix(strings.TrimPrefix(confirm, base+"/import/"), "/confirm")

		// The error report: the file's rows with their result and problems.
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+base+"/import/"+pid+"/report.xlsx", nil)
		rep := f.do(t, officer, req)
		if rep.status != http.StatusOK {
			t.Fatalf("report: %d", rep.status)
		}
		x, err := excelize.OpenReader(strings.NewReader(rep.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(x.GetSheetName(0))
		if err != nil || len(rows) != 5 {
			t.Fatalf("report rows: %d %v", len(rows), err)
		}
		if rows[3][0] != "7" || rows[3][2] == "" || rows[1][2] != "" {
			t.Errorf("report: %q", rows)
		}

		// Only the user who uploaded the file confirms it, and only where they manage.
		if st, _, _ := submit(t, f, "commune_officer_nh", confirm, nil); st != http.StatusForbidden {
			t.Errorf("neighbouring officer confirming: %d", st)
		}
		if st, _, _ := submit(t, f, "unit_officer", confirm, nil); st != http.StatusNotFound {
			t.Errorf("another user confirming: %d", st)
		}
		if st, loc, body := submit(t, f, officer, confirm, nil); st != http.StatusSeeOther || loc != base {
			t.Fatalf("confirm: %d %s\n%s", st, loc, body)
		}
		staff, err := f.db.WorkUnitStaff(ctx, ids.school)
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, m := range staff {
			switch {
			case m.EndOn != "":
			case m.CitizenID == free[0].ID:
				found++
				if m.Position != "Bảo vệ" || !m.CivilServant {
					t.Errorf("imported staff %+v", m)
				}
			case m.CitizenID == free[1].ID:
				found++
				if m.CivilServant {
					t.Errorf("imported staff %+v", m)
				}
			case m.CitizenID == foreign.ID:
				t.Error("a person of another ward was imported")
			}
		}
		if found != 2 {
			t.Fatalf("%d of the 2 valid rows imported", found)
		}
		if st, _, _ := submit(t, f, officer, confirm, nil); st != http.StatusNotFound {
			t.Errorf("confirming twice: %d", st)
		}
		res = uploadAs(t, f, officer, base+"/import", "can-bo.csv", list)
		if res.status != http.StatusOK || strings.Contains(res.body, `class="row-new"`) || strings.Count(res.body, `class="row-unchanged"`) != 2 || confirmOf(res.body) != "" {
			t.Fatalf("the same file again: %d\n%s", res.status, res.body)
		}
	})

	t.Run("branch members", func(t *testing.T) {
		base := fmt.Sprintf("/branches/%d", ids.branch)
		list := fmt.Sprintf("Họ và tên,Số CCCD,Chức vụ,Cán bộ chi hội,Ngày tập huấn,Nội dung tập huấn\n%s,%s,Thư ký,x,20/05/2025,Tập huấn bộ tiêu chí\n%s,%s,,,20/05/2025,Tập huấn bộ tiêu chí\n",
			free[0].FullName, free[0].NationalID, free[1].FullName, free[1].NationalID)
		res := uploadAs(t, f, officer, base+"/import", "hoi-vien.csv", list)
		if res.status != http.StatusOK || strings.Count(res.body, `class="row-new"`) != 1 || strings.Count(res.body, `class="row-error"`) != 1 {
			t.Fatalf("preview: %d\n%s", res.status, res.body)
		}
		noFullIDs("the members preview", res.body)
		if st, _, body := submit(t, f, officer, confirmOf(res.body), nil); st != http.StatusSeeOther {
			t.Fatalf("confirm: %d\n%s", st, body)
		}
		members, err := f.db.BranchMembers(ctx, ids.branch)
		if err != nil {
			t.Fatal(err)
		}
		ok := false
		for _, m := range members {
			if m.CitizenID == free[0].ID && m.EndOn == "" {
				ok = m.IsOfficial && m.Position == "Thư ký" && len(m.Trainings) == 1
			}
		}
		if !ok {
			t.Fatalf("the official was not imported with their training: %+v", members)
		}
		res = uploadAs(t, f, officer, base+"/import", "hoi-vien.csv", list)
		if strings.Contains(res.body, `class="row-new"`) || strings.Contains(res.body, `class="row-update"`) || confirmOf(res.body) != "" {
			t.Fatalf("the same file again would write\n%s", res.body)
		}
	})

	t.Run("clan households", func(t *testing.T) {
		base := fmt.Sprintf("/clans/%d", ids.clan)
		own, err := f.db.Household(ctx, f.ownHousehold)
		if err != nil {
			t.Fatal(err)
		}
		ownHead, err := f.db.Citizen(ctx, own.HeadCitizenID)
		if err != nil {
			t.Fatal(err)
		}
		list := fmt.Sprintf("DANH SÁCH HỘ THUỘC DÒNG HỌ KHÚC\nSố hộ,Chủ hộ,Số CCCD của chủ hộ\n%s,%s,%s\n,%s,%s\nKHONG-CO,,\n",
			households[0].Code, heads[0].FullName, heads[0].NationalID, ownHead.FullName, ownHead.NationalID)
		res := uploadAs(t, f, officer, base+"/import", "ho.csv", list)
		if res.status != http.StatusOK || strings.Count(res.body, `class="row-new"`) != 1 || strings.Count(res.body, `class="row-unchanged"`) != 1 ||
			strings.Count(res.body, `class="row-error"`) != 1 {
			t.Fatalf("preview: %d\n%s", res.status, res.body)
		}
		if strings.Contains(res.body, heads[0].NationalID) || strings.Contains(res.body, ownHead.NationalID) {
			t.Error("the clan preview shows a full ID")
		}
		if st, _, body := submit(t, f, officer, confirmOf(res.body), nil); st != http.StatusSeeOther {
			t.Fatalf("confirm: %d\n%s", st, body)
		}
		hs, err := f.db.ClanHouseholds(ctx, ids.clan)
		if err != nil {
			t.Fatal(err)
		}
		current := 0
		for _, m := range hs {
			if m.EndOn == "" {
				current++
			}
		}
		if current != 2 {
			t.Fatalf("the clan has %d households, want 2", current)
		}
		res = uploadAs(t, f, officer, base+"/import", "ho.csv", list)
		if strings.Contains(res.body, `class="row-new"`) || confirmOf(res.body) != "" {
			t.Fatalf("the same file again would write\n%s", res.body)
		}
	})

	t.Run("bad files", func(t *testing.T) {
		base := fmt.Sprintf("/work-units/%d/import", ids.school)
		for _, c := range []struct{ name, content string }{
			{"ghi-chu.xlsx", "not a spreadsheet"},
			{"trong.csv", ""},
			{"thieu-cot.csv", "Họ và tên,Chức vụ\nA,B\n"},
		} {
			res := uploadAs(t, f, officer, base, c.name, c.content)
			if res.status != http.StatusUnprocessableEntity || !hasFieldError(res.body, "file") {
				t.Errorf("%s: %d", c.name, res.status)
			}
		}
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+base, strings.NewReader(""))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		if res := f.do(t, officer, req); res.status == http.StatusOK {
			t.Errorf("an upload without a file: %d", res.status)
		}
	})
}
