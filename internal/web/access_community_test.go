package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hoctap/internal/auth"
	"hoctap/internal/store"
)

// commIDs are the demo's records the community cases use: a contribution of the commune
// officer's ward, one of the neighbouring ward, and the demo school.
type commIDs struct {
	own, foreign, school int64
	foreignReceipt       string
}

// seedCommunity finds the demo's contributions (the demo records some in every commune).
func seedCommunity(t *testing.T, f *fixture) commIDs {
	t.Helper()
	ctx := context.Background()
	var ids commIDs
	for code, id := range map[string]*int64{"00004": &ids.own, "00008": &ids.foreign} {
		cs, err := f.db.Contributions(ctx, store.ContributionQuery{Scope: auth.Scope{All: true}, CommuneCode: code, Year: f.db.Now().Year() - 1})
		if err != nil || len(cs) == 0 {
			t.Fatalf("no demo contribution in %s: %v", code, err)
		}
		*id = cs[0].ID
		if code == "00008" {
			ids.foreignReceipt = "/contributions/" + fmt.Sprint(cs[0].ID)
		}
	}
	orgs, _, err := lookupOrgs(f)
	if err != nil || orgs.school == 0 {
		t.Fatalf("no demo school: %v", err)
	}
	ids.school = orgs.school
	return ids
}

// communityAccessCases covers every route of communityRoutes. Commune officers record and
// read their own ward's contributions, the city officer reads all and records nothing; POSTs
// carry forms the service refuses after its access check (422 for those allowed).
func communityAccessCases(f *fixture, ids commIDs) []accessCase {
	const ok, see, forbidden, unauth, invalid = 200, 303, 403, 401, 422
	at := func(format string, a ...any) func(*fixture) string {
		return func(*fixture) string { return fmt.Sprintf(format, a...) }
	}
	readers := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "commune_officer_nh": ok}
	recorders := map[string]int{"anonymous": see, "admin": ok, "commune_officer": ok, "commune_officer_nh": ok}
	ownReaders := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok}
	post := map[string]int{"anonymous": unauth, "admin": invalid, "commune_officer": invalid}
	unit := map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "unit_officer": ok}
	year := fmt.Sprint(f.db.Now().Year() - 1)
	return []accessCase{
		{pattern: "GET /contributions", path: path("/contributions?year=" + year), want: readers, deflt: forbidden,
			absent: map[string][]string{"commune_officer": {ids.foreignReceipt, "Phường Ngọc Hà"}}},
		// A ward's officer asking for the neighbouring ward's book is refused.
		{pattern: "GET /contributions", path: path("/contributions?commune=00008&year=" + year),
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer_nh": ok}, deflt: forbidden},
		{pattern: "GET /contributions/new", path: path("/contributions/new"), want: recorders, deflt: forbidden,
			absent: map[string][]string{"commune_officer": {"Phường Ngọc Hà"}, "commune_officer_nh": {"Phường Ba Đình"}}},
		{pattern: "POST /contributions", path: path("/contributions"),
			form: url.Values{"commune": {"00004"}, "donor_kind": {"business"}, "kind": {"money"}, "amount": {"-5"}, "purpose": {"scholarship"}},
			want: post, deflt: forbidden},
		{pattern: "GET /contributions/totals.xlsx", path: path("/contributions/totals.xlsx?year=" + year), want: readers, deflt: forbidden},
		{pattern: "GET /contributions/totals.xlsx", path: path("/contributions/totals.xlsx?commune=00004"), want: ownReaders, deflt: forbidden},
		{pattern: "GET /contributions/{id}", path: at("/contributions/%d", ids.own), want: ownReaders, deflt: forbidden},
		{pattern: "GET /contributions/{id}", path: at("/contributions/%d", ids.foreign),
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer_nh": ok}, deflt: forbidden},
		{pattern: "GET /contributions/{id}/receipt.pdf", path: at("/contributions/%d/receipt.pdf", ids.own), want: ownReaders, deflt: forbidden},
		{pattern: "GET /awards/new", path: path("/awards/new"), want: recorders, deflt: forbidden},
		{pattern: "POST /awards", path: path("/awards"), form: url.Values{"commune": {"00004"}, "national_id": {""}, "kind": {"money"}, "purpose": {"scholarship"}},
			want: post, deflt: forbidden},
		// The collector holds the assessments' permission but not over a work unit; the
		// neighbouring ward's officer is one scope over.
		{pattern: "GET /work-units/{id}/emulation", path: at("/work-units/%d/emulation?year=%s", ids.school, year), want: unit, deflt: forbidden},
		{pattern: "GET /work-units/{id}/emulation.xlsx", path: at("/work-units/%d/emulation.xlsx", ids.school), want: unit, deflt: forbidden},
	}
}

// TestCommunityPages checks what the pages show: a ward's contributions with their receipt, the
// refusal of a negative amount on its field, the emulation list and the sponsor on the public
// programme page.
func TestCommunityPages(t *testing.T) {
	f := newFixture(t)
	ids := seedCommunity(t, f)
	year := fmt.Sprint(f.db.Now().Year() - 1)
	if res := f.get(t, "commune_officer", "/contributions?year="+year); res.status != 200 || !strings.Contains(res.body, "/contributions/"+fmt.Sprint(ids.own)) ||
		!strings.Contains(res.body, "Công ty TNHH Thương mại Minh Phát") {
		t.Errorf("the ward's list: %d", res.status)
	}
	res := f.get(t, "commune_officer", fmt.Sprintf("/contributions/%d/receipt.pdf", ids.own))
	if res.status != 200 || !strings.HasPrefix(res.body, "%PDF") {
		t.Errorf("receipt: %d", res.status)
	}
	form := url.Values{"commune": {"00004"}, "donor_kind": {"business"}, "donor_name": {"Công ty A"}, "kind": {"money"}, "amount": {"-500.000"},
		"purpose": {"scholarship"}, "received_on": {"2099-01-01"}}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/contributions", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res = f.do(t, "commune_officer", req)
	if res.status != 422 || !strings.Contains(res.body, "Số tiền phải lớn hơn 0") || !strings.Contains(res.body, "còn ở tương lai") {
		t.Errorf("negative amount and future day: %d", res.status)
	}
	if res := f.get(t, "unit_officer", fmt.Sprintf("/work-units/%d/emulation", ids.school)); res.status != 200 || !strings.Contains(res.body, "Thi đua") {
		t.Errorf("emulation page: %d", res.status)
	}
	progs, _, err := f.db.Programmes(context.Background(), store.CatalogueQuery{Text: "ky nang so co ban", States: []string{"published"}, Limit: 1})
	if err != nil || len(progs) == 0 {
		t.Fatalf("no demo digital-skills course: %v", err)
	}
	if res := f.get(t, "anonymous", fmt.Sprintf("/programmes/%d", progs[0].ID)); !strings.Contains(res.body, "Nhà tài trợ") || !strings.Contains(res.body, "Công ty Cổ phần Viễn thông Số Việt") {
		t.Errorf("the public programme page names no sponsor (%d)", res.status)
	}
}
