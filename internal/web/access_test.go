package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"hoctap/internal/account"
	"hoctap/internal/adminunit"
	"hoctap/internal/app"
	"hoctap/internal/auth"
	"hoctap/internal/i18n"
	"hoctap/internal/recognition"
	"hoctap/internal/registry"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
	"hoctap/internal/web"
)

// fixture is a running server on a demo city, with a signed-in client per principal.
type fixture struct {
	srv      *httptest.Server
	web      *web.Server
	db       *store.DB
	clients  map[string]*http.Client
	accounts map[string]app.DemoAccount
	// ids of the demo's places
	ownVillage, foreignVillage      int64
	collectorUser, neighbourOfficer int64
	cssURL                          string
	// people of the demo: the citizen account's own record and household, someone of the
	// neighbouring ward, and someone the erase case removes
	ownCitizen, ownHousehold, foreignCitizen, eraseTarget int64
	ownCitizenName, foreignCitizenName                    string
	ownCitizenStaff                                       bool
}

// principals are the names the access table uses: anonymous, each demo role, and
// commune_officer_nh, the commune officer of the neighbouring ward (one scope over).
var principals = []string{"anonymous", "admin", "city_officer", "commune_officer", "commune_officer_nh", "collector", "unit_officer", "provider", "citizen"}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := testdb.Open(t, nil)
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SyncAdminUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	demo, err := app.LoadDemo(ctx, db, units, 3, 120, nil)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	accounts := account.New(db)
	accounts.Throttle.AddressMaxFailures = 1000 // every client of the test shares one address
	ws, err := web.New(web.Config{}, db, accounts, &registry.Service{DB: db, Units: units}, &recognition.Service{DB: db, Units: units}, units, cat, slog.New(slog.NewTextHandler(testLog(), nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ws.Handler())
	t.Cleanup(srv.Close)
	f := &fixture{srv: srv, web: ws, db: db, clients: map[string]*http.Client{}, accounts: map[string]app.DemoAccount{}}
	for _, a := range demo {
		key := string(a.Role)
		if _, dup := f.accounts[key]; dup {
			key += "_nh"
		}
		f.accounts[key] = a
	}
	for _, p := range principals {
		f.clients[p] = f.client(t, p)
	}
	vs, err := db.ListVillages(ctx, store.VillageFilter{Scope: auth.Scope{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		switch v.Name {
		case "Tổ dân phố số 1":
			f.ownVillage = v.ID
		case "Tổ dân phố Ngọc Hà 1":
			f.foreignVillage = v.ID
		}
	}
	users, err := db.ListUsers(ctx, store.AccountFilter{Scope: auth.Scope{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		switch u.Login() {
		case f.accounts["collector"].Login:
			f.collectorUser = u.ID
		case f.accounts["commune_officer_nh"].Login:
			f.neighbourOfficer = u.ID
		}
	}
	if f.ownVillage == 0 || f.foreignVillage == 0 || f.collectorUser == 0 || f.neighbourOfficer == 0 {
		t.Fatalf("demo fixture incomplete: %+v", f)
	}
	own, err := db.CitizenByNationalID(ctx, f.accounts["citizen"].Login)
	if err != nil {
		t.Fatal(err)
	}
	f.ownCitizen, f.ownHousehold, f.ownCitizenName, f.ownCitizenStaff = own.ID, own.HouseholdID, own.FullName, own.WorkUnitID != 0
	foreign, _, err := db.SearchCitizens(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, VillageID: f.foreignVillage, Limit: 2})
	if err != nil || len(foreign) < 2 {
		t.Fatalf("no people in the neighbouring village: %v", err)
	}
	f.foreignCitizen, f.foreignCitizenName, f.eraseTarget = foreign[0].ID, foreign[0].FullName, foreign[1].ID
	seedOrgs(t, f)
	body := f.get(t, "admin", "/").body
	i := strings.Index(body, "/static/app.")
	f.cssURL = body[i : i+strings.Index(body[i:], `"`)]
	return f
}

// client signs a principal in through the login form and keeps its cookies.
func (f *fixture) client(t *testing.T, who string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if who == "anonymous" {
		return c
	}
	a, ok := f.accounts[who]
	if !ok {
		t.Fatalf("no demo account for %s", who)
	}
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"login": {a.Login}, "password": {a.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s: login status %d", who, resp.StatusCode)
	}
	return c
}

type result struct {
	status int
	body   string
}

func (f *fixture) do(t *testing.T, who string, req *http.Request) result {
	t.Helper()
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := f.clients[who].Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return result{resp.StatusCode, string(b)}
}

func (f *fixture) get(t *testing.T, who, path string) result {
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	return f.do(t, who, req)
}

// accessCase is one route's expectations: a request, the status for each principal (those not
// listed expect deflt), and text that must not appear in a principal's response.
type accessCase struct {
	pattern string
	method  string
	path    func(f *fixture) string
	form    url.Values
	upload  func(f *fixture) (string, []byte) // multipart body: content type, bytes
	want    map[string]int
	deflt   int
	absent  map[string][]string
}

// Statuses every signed-in role gets on pages for any signed-in user.
func everyone(status, anonymous int) map[string]int {
	m := map[string]int{"anonymous": anonymous}
	for _, p := range principals[1:] {
		m[p] = status
	}
	return m
}

func only(status, others int, who ...string) (map[string]int, int) {
	m := map[string]int{"anonymous": http.StatusSeeOther}
	for _, w := range who {
		m[w] = status
	}
	return m, others
}

func path(p string) func(*fixture) string { return func(*fixture) string { return p } }

func accessCases(f *fixture) []accessCase {
	const ok, see, forbidden, unauth, invalid, notFound, conflict = 200, 303, 403, 401, 422, 404, 409
	villagesView, _ := only(ok, forbidden, "admin", "city_officer", "commune_officer", "commune_officer_nh", "collector")
	manageVillages, _ := only(ok, forbidden, "admin", "commune_officer", "commune_officer_nh")
	manageAccounts, _ := only(ok, forbidden, "admin", "city_officer", "commune_officer", "commune_officer_nh", "collector", "unit_officer")
	auditView, _ := only(ok, forbidden, "admin", "city_officer", "commune_officer", "commune_officer_nh")
	withAnon := func(m map[string]int, anon int) map[string]int {
		out := map[string]int{}
		for k, v := range m {
			out[k] = v
		}
		out["anonymous"] = anon
		return out
	}
	status := func(m map[string]int, s int) map[string]int {
		out := map[string]int{}
		for k := range m {
			out[k] = s
		}
		return out
	}
	return []accessCase{
		{pattern: "GET /healthz", path: path("/healthz"), want: everyone(ok, ok)},
		{pattern: "GET /readyz", path: path("/readyz"), want: everyone(ok, ok)},
		{pattern: "GET /metrics", path: path("/metrics"), want: everyone(ok, ok)},
		{pattern: "GET /static/{file}", path: func(f *fixture) string { return f.cssURL }, want: everyone(ok, ok)},
		{pattern: "GET /{$}", path: path("/"), want: everyone(ok, ok),
			absent: map[string][]string{"commune_officer": {"Tổ dân phố Ngọc Hà 1"}, "commune_officer_nh": {"Tổ dân phố số 1"}, "collector": {"Tổ dân phố số 2"}}},
		{pattern: "GET /login", path: path("/login"), want: everyone(see, ok)},
		{pattern: "POST /language", path: path("/language"), form: url.Values{"lang": {"vi"}, "next": {"/"}}, want: everyone(see, see)},
		{pattern: "GET /reset/{token}", path: path("/reset/not-a-token"), want: everyone(notFound, notFound)},
		{pattern: "POST /reset/{token}", path: path("/reset/not-a-token"), form: url.Values{"new": {"mot-mat-khau-dai"}, "confirm": {"mot-mat-khau-dai"}}, want: everyone(notFound, notFound)},
		{pattern: "GET /account/password", path: path("/account/password"), want: everyone(ok, see)},
		{pattern: "POST /account/password", path: path("/account/password"), form: url.Values{"current": {""}}, want: everyone(invalid, unauth)},

		{pattern: "GET /accounts", path: path("/accounts"), want: withAnon(map[string]int{"admin": ok, "city_officer": ok, "commune_officer": ok, "commune_officer_nh": ok, "collector": ok, "unit_officer": ok}, see), deflt: forbidden,
			absent: map[string][]string{"commune_officer": {"Lê Thị Lan"}, "commune_officer_nh": {"Nguyễn Văn Minh", "Phạm Thị Hoa"}, "collector": {"Nguyễn Văn Minh"}, "unit_officer": {"Phạm Thị Hoa"}}},
		{pattern: "GET /accounts/new", path: path("/accounts/new"), want: manageAccounts, deflt: forbidden},
		{pattern: "POST /accounts", path: path("/accounts"), form: url.Values{"display_name": {""}}, want: withAnon(status(manageAccounts, invalid), unauth), deflt: forbidden},
		{pattern: "GET /accounts/{id}", path: func(f *fixture) string { return fmt.Sprintf("/accounts/%d", f.collectorUser) },
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok}, deflt: forbidden},
		{pattern: "POST /accounts/{id}/reset", path: func(f *fixture) string { return fmt.Sprintf("/accounts/%d/reset", f.neighbourOfficer) },
			want: map[string]int{"anonymous": unauth, "admin": ok, "city_officer": ok}, deflt: forbidden},

		{pattern: "GET /villages", path: path("/villages"), want: villagesView, deflt: forbidden,
			absent: map[string][]string{"commune_officer": {"Tổ dân phố Ngọc Hà 1"}, "commune_officer_nh": {"Tổ dân phố số 1"}, "collector": {"Tổ dân phố số 2", "Ngọc Hà"}}},
		{pattern: "GET /villages/new", path: path("/villages/new"), want: manageVillages, deflt: forbidden,
			absent: map[string][]string{"commune_officer": {"Phường Ngọc Hà"}, "commune_officer_nh": {"Phường Ba Đình"}}},
		{pattern: "POST /villages", path: path("/villages"), form: url.Values{"commune": {"00004"}, "name": {""}, "kind": {"thon"}},
			want: map[string]int{"anonymous": unauth, "admin": invalid, "commune_officer": invalid}, deflt: forbidden},
		{pattern: "GET /villages/import", path: path("/villages/import"), want: manageVillages, deflt: forbidden},
		{pattern: "POST /villages/import", path: path("/villages/import"), upload: func(f *fixture) (string, []byte) {
			return multipartBody(map[string]string{"commune": "00004", "kind": "to_dan_pho"}, "ds.csv", []byte("Tên thôn/tổ dân phố\nTổ dân phố số 9\n"))
		}, want: map[string]int{"anonymous": unauth, "admin": ok, "commune_officer": ok}, deflt: forbidden},
		{pattern: "POST /villages/import/{id}/confirm", path: path("/villages/import/999999/confirm"),
			want: map[string]int{"anonymous": unauth, "admin": notFound, "commune_officer": notFound, "commune_officer_nh": notFound}, deflt: forbidden},
		{pattern: "GET /villages/{id}", path: func(f *fixture) string { return fmt.Sprintf("/villages/%d", f.ownVillage) },
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok}, deflt: forbidden},
		{pattern: "POST /villages/{id}", path: func(f *fixture) string { return fmt.Sprintf("/villages/%d", f.ownVillage) }, form: url.Values{"name": {""}, "kind": {"to_dan_pho"}},
			want: map[string]int{"anonymous": unauth, "admin": invalid, "commune_officer": invalid}, deflt: forbidden},
		{pattern: "POST /villages/{id}/retire", path: func(f *fixture) string { return fmt.Sprintf("/villages/%d/retire", f.ownVillage) }, form: url.Values{"retired_on": {""}},
			want: map[string]int{"anonymous": unauth, "admin": invalid, "commune_officer": invalid}, deflt: forbidden},
		{pattern: "POST /villages/{id}/delete", path: func(f *fixture) string { return fmt.Sprintf("/villages/%d/delete", f.ownVillage) },
			want: map[string]int{"anonymous": unauth, "admin": conflict, "commune_officer": conflict}, deflt: forbidden},

		{pattern: "GET /citizens", path: path("/citizens"), want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok,
			"commune_officer_nh": ok, "collector": ok, "unit_officer": ok}, deflt: forbidden,
			absent: map[string][]string{"commune_officer": {f.foreignCitizenName}, "commune_officer_nh": {f.ownCitizenName}, "collector": {f.foreignCitizenName}, "unit_officer": {f.foreignCitizenName}}},
		{pattern: "GET /citizens/new", path: path("/citizens/new"), want: map[string]int{"anonymous": see, "admin": ok, "commune_officer": ok, "commune_officer_nh": ok, "collector": ok}, deflt: forbidden},
		{pattern: "POST /citizens", path: path("/citizens"), form: url.Values{"village": {fmt.Sprint(f.ownVillage)}, "full_name": {""}},
			want: map[string]int{"anonymous": unauth, "admin": invalid, "commune_officer": invalid, "collector": invalid}, deflt: forbidden},
		{pattern: "POST /citizens/transfer", path: path("/citizens/transfer"), form: url.Values{"village": {fmt.Sprint(f.ownVillage)}, "national_id": {"001099000000"}},
			want: map[string]int{"anonymous": unauth, "admin": http.StatusBadRequest, "commune_officer": http.StatusBadRequest}, deflt: forbidden},
		{pattern: "GET /citizens/import", path: path("/citizens/import"), want: map[string]int{"anonymous": see, "admin": ok, "commune_officer": ok, "commune_officer_nh": ok}, deflt: forbidden},
		{pattern: "POST /citizens/import", path: path("/citizens/import"), upload: func(f *fixture) (string, []byte) {
			return multipartBody(map[string]string{"commune": "00004", "village": fmt.Sprint(f.ownVillage)}, "ds.csv", []byte("Họ và tên,Ngày sinh,Giới tính\nNguyễn Văn Test,01/01/1980,Nam\n"))
		}, want: map[string]int{"anonymous": unauth, "admin": ok, "commune_officer": ok}, deflt: forbidden},
		{pattern: "POST /citizens/import/{id}/map", path: path("/citizens/import/999999/map"),
			want: map[string]int{"anonymous": unauth, "admin": notFound, "commune_officer": notFound, "commune_officer_nh": notFound}, deflt: forbidden},
		{pattern: "POST /citizens/import/{id}/confirm", path: path("/citizens/import/999999/confirm"),
			want: map[string]int{"anonymous": unauth, "admin": notFound, "commune_officer": notFound, "commune_officer_nh": notFound}, deflt: forbidden},
		{pattern: "GET /citizens/import/{id}/report.xlsx", path: path("/citizens/import/999999/report.xlsx"),
			want: map[string]int{"anonymous": see, "admin": notFound, "commune_officer": notFound, "commune_officer_nh": notFound}, deflt: forbidden},
		{pattern: "GET /citizens/export", path: path("/citizens/export?format=csv"), want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok,
			"commune_officer_nh": ok, "collector": ok, "unit_officer": ok}, deflt: forbidden,
			absent: map[string][]string{"commune_officer": {f.foreignCitizenName, f.accounts["citizen"].Login}, "commune_officer_nh": {f.ownCitizenName}, "collector": {f.foreignCitizenName}}},
		{pattern: "GET /citizens/{id}", path: func(f *fixture) string { return fmt.Sprintf("/citizens/%d", f.ownCitizen) },
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok, "citizen": ok, "unit_officer": staffStatus(f)}, deflt: forbidden,
			absent: map[string][]string{"city_officer": {f.accounts["citizen"].Login}}},
		{pattern: "POST /citizens/{id}", path: func(f *fixture) string { return fmt.Sprintf("/citizens/%d", f.ownCitizen) }, form: url.Values{"full_name": {""}},
			want: map[string]int{"anonymous": unauth, "admin": invalid, "commune_officer": invalid, "collector": invalid}, deflt: forbidden},
		// The administrator, first in the table, withdraws the demo's consent; for those allowed
		// after it there is nothing left to withdraw.
		{pattern: "POST /citizens/{id}/consent/withdraw", path: func(f *fixture) string { return fmt.Sprintf("/citizens/%d/consent/withdraw", f.ownCitizen) },
			want: map[string]int{"anonymous": unauth, "admin": see, "commune_officer": conflict, "collector": conflict, "citizen": conflict}, deflt: forbidden},
		{pattern: "POST /citizens/{id}/erase", path: func(f *fixture) string { return fmt.Sprintf("/citizens/%d/erase", f.eraseTarget) },
			want: map[string]int{"anonymous": unauth, "admin": see}, deflt: forbidden},
		{pattern: "GET /citizens/{id}/data.json", path: func(f *fixture) string { return fmt.Sprintf("/citizens/%d/data.json", f.ownCitizen) },
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok, "citizen": ok, "unit_officer": staffStatus(f)}, deflt: forbidden},
		{pattern: "GET /citizens/{id}/data.pdf", path: func(f *fixture) string { return fmt.Sprintf("/citizens/%d/data.pdf", f.ownCitizen) },
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok, "citizen": ok, "unit_officer": staffStatus(f)}, deflt: forbidden},
		{pattern: "GET /households/{id}", path: func(f *fixture) string { return fmt.Sprintf("/households/%d", f.ownHousehold) },
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok}, deflt: forbidden},
		{pattern: "POST /households/{id}/move", path: func(f *fixture) string { return fmt.Sprintf("/households/%d/move", f.ownHousehold) }, form: url.Values{"village": {"0"}},
			want: map[string]int{"anonymous": unauth, "admin": invalid, "commune_officer": invalid, "collector": invalid}, deflt: forbidden},
		{pattern: "POST /households/{id}/split", path: func(f *fixture) string { return fmt.Sprintf("/households/%d/split", f.ownHousehold) },
			want: map[string]int{"anonymous": unauth, "admin": invalid, "commune_officer": invalid, "collector": invalid}, deflt: forbidden},

		{pattern: "GET /units", path: path("/units"), want: everyone(ok, see)},
		{pattern: "GET /units/{era}/{code}", path: path("/units/2025-07/00004"), want: everyone(ok, see)},
		{pattern: "GET /audit", path: path("/audit"), want: withAnon(auditView, see), deflt: forbidden,
			absent: map[string][]string{"commune_officer_nh": {"00004&#34;"}, "commune_officer": {"00008&#34;"}}},
	}
}

// staffStatus is what the unit officer gets for the demo citizen: their record if they work at
// the officer's unit, 403 otherwise.
func staffStatus(f *fixture) int {
	if f.ownCitizenStaff {
		return http.StatusOK
	}
	return http.StatusForbidden
}

func multipartBody(fields map[string]string, fileName string, content []byte) (string, []byte) {
	return multipartFile(fields, "file", fileName, content)
}

// multipartFile builds a form with fields and one file sent as field.
func multipartFile(fields map[string]string, field, fileName string, content []byte) (string, []byte) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile(field, fileName)
	_, _ = fw.Write(content)
	_ = w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

// TestAccess walks every registered route with every principal: anonymous, each role, and the
// commune officer of the neighbouring ward, checking the status and that no foreign data shows.
func TestAccess(t *testing.T) {
	f := newFixture(t)
	rids := seedRecognition(t, f)
	var cases []accessCase
	// Each area of the product lists its own cases in its own file.
	for _, area := range [][]accessCase{
		accessCases(f),
		orgAccessCases(f),
		orgImportAccessCases(f),
		recognitionAccessCases(f, rids),
		learningRecordAccessCases(f, seedLearningRecord(t, f)),
		programmeAccessCases(f, seedProgrammes(t, f)),
		progressAccessCases(f),
		targetsAccessCases(),
		communityAccessCases(f, seedCommunity(t, f)),
		newsAccessCases(f, seedNews(t, f)),
		notifyAccessCases(f, seedNotify(t, f)),
		boundaryAccessCases(f),
	} {
		cases = append(cases, area...)
	}
	covered := map[string]bool{"POST /login": true, "POST /logout": true} // tested in TestLoginLogout
	for _, c := range cases {
		covered[c.pattern] = true
	}
	for _, r := range f.web.Routes() {
		if !covered[r.Pattern] {
			t.Errorf("route %s has no access case", r.Pattern)
		}
	}
	for _, c := range cases {
		method, _, _ := strings.Cut(c.pattern, " ")
		for _, who := range principals {
			want, ok := c.want[who]
			if !ok {
				want = c.deflt
			}
			t.Run(c.pattern+"/"+who, func(t *testing.T) {
				var req *http.Request
				target := f.srv.URL + c.path(f)
				switch {
				case c.upload != nil:
					ct, body := c.upload(f)
					req, _ = http.NewRequest(method, target, bytes.NewReader(body))
					req.Header.Set("Content-Type", ct)
				case method == http.MethodPost:
					req, _ = http.NewRequest(method, target, strings.NewReader(c.form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				default:
					req, _ = http.NewRequest(method, target, nil)
				}
				res := f.do(t, who, req)
				if res.status != want {
					t.Fatalf("%s as %s: status %d, want %d", c.pattern, who, res.status, want)
				}
				for _, s := range c.absent[who] {
					if strings.Contains(res.body, s) {
						t.Errorf("%s as %s: body shows %q, which is outside the scope", c.pattern, who, s)
					}
				}
			})
		}
	}
	checkSeededStates(t, f, rids)
}

// TestScopedListsShowOwnData checks the positive side of scoping: each officer sees their own rows.
func TestScopedListsShowOwnData(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct{ who, path, want string }{
		{"commune_officer", "/villages", "Tổ dân phố số 1"},
		{"commune_officer_nh", "/villages", "Tổ dân phố Ngọc Hà 1"},
		{"collector", "/villages", "Tổ dân phố số 1"},
		{"city_officer", "/villages?commune=00008", "Tổ dân phố Ngọc Hà 1"}, // one commune at a time
		{"commune_officer", "/accounts", "Phạm Thị Hoa"},
		{"commune_officer_nh", "/accounts", "Lê Thị Lan"},
		{"citizen", "/", "Hộ gia đình"},
	} {
		if res := f.get(t, c.who, c.path); !strings.Contains(res.body, c.want) {
			t.Errorf("%s on %s: %q missing", c.who, c.path, c.want)
		}
	}
}

// TestLoginLogout covers the two routes the table leaves out because they change the session.
func TestLoginLogout(t *testing.T) {
	f := newFixture(t)
	a := f.accounts["commune_officer"]
	c := f.client(t, "anonymous")
	post := func(path string, v url.Values) result {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return result{resp.StatusCode, string(b)}
	}
	if r := post("/login", url.Values{"login": {a.Login}, "password": {"sai-mat-khau"}}); r.status != http.StatusUnauthorized || !strings.Contains(r.body, "không đúng") {
		t.Fatalf("wrong password: %d", r.status)
	}
	if r := post("/login", url.Values{"login": {""}, "password": {""}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Vui lòng nhập") {
		t.Fatalf("empty form: %d", r.status)
	}
	if r := post("/login", url.Values{"login": {a.Login}, "password": {a.Password}, "next": {"//evil.example/"}}); r.status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.status)
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/villages", nil)
	resp, _ := c.Do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after login: %d", resp.StatusCode)
	}
	if r := post("/logout", nil); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	resp, _ = c.Do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after logout /villages: %d, want a redirect to the login page", resp.StatusCode)
	}
}

// TestCrossOriginPostRefused checks that an unsafe request from another site is refused.
func TestCrossOriginPostRefused(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/villages", strings.NewReader("commune=00004&name=X&kind=thon"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := f.clients["commune_officer"].Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", resp.StatusCode)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP header: %q", csp)
	}
}

// TestVillageLifecycle creates, renames, imports twice and retires a village through the pages.
func TestVillageLifecycle(t *testing.T) {
	f := newFixture(t)
	post := func(path string, v url.Values) result {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return f.do(t, "commune_officer", req)
	}
	if r := post("/villages", url.Values{"commune": {"00004"}, "name": {"  Tổ dân phố   số 7 "}, "kind": {"to_dan_pho"}}); r.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if r := post("/villages", url.Values{"commune": {"00004"}, "name": {"TO DAN PHO SO 7"}, "kind": {"to_dan_pho"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "đã có thôn, tổ dân phố tên") {
		t.Fatalf("duplicate (ignoring accents and case): %d", r.status)
	}
	if r := post("/villages", url.Values{"commune": {"00004"}, "name": {strings.Repeat("a", village.MaxNameLen+1)}, "kind": {"thon"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "không được dài quá") {
		t.Fatalf("too long: %d", r.status)
	}
	csv := []byte("DANH SÁCH THÔN, TỔ DÂN PHỐ\n\nSTT,Tên thôn/tổ dân phố,Loại\n1,Tổ dân phố số 8,TDP\n2,Tổ dân phố số 1,Tổ dân phố\n3,,Thôn\n4,Tổ dân phố số 8,TDP\n")
	upload := func() result {
		ct, body := multipartBody(map[string]string{"commune": "00004", "kind": "to_dan_pho"}, "ds.csv", csv)
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/villages/import", bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		return f.do(t, "commune_officer", req)
	}
	r := upload()
	if r.status != http.StatusOK || !strings.Contains(r.body, "row-new") || !strings.Contains(r.body, "Trùng tên với dòng 4") {
		t.Fatalf("preview: %d", r.status)
	}
	before, _ := f.db.ListVillages(context.Background(), store.VillageFilter{Scope: auth.Scope{Communes: []string{"00004"}}})
	i := strings.Index(r.body, "/villages/import/")
	confirm := r.body[i : i+strings.Index(r.body[i:], `"`)]
	if res := post(confirm, nil); res.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", res.status, res.body)
	}
	after, _ := f.db.ListVillages(context.Background(), store.VillageFilter{Scope: auth.Scope{Communes: []string{"00004"}}})
	if len(after) != len(before)+1 {
		t.Fatalf("import wrote %d villages, want 1", len(after)-len(before))
	}
	if res := post(confirm, nil); res.status != http.StatusNotFound {
		t.Fatalf("confirming twice: %d, want 404", res.status)
	}
	r = upload()
	if strings.Contains(r.body, "row-new") {
		t.Fatalf("a second import of the same file would add rows")
	}
	var seven int64
	for _, v := range after {
		if v.Name == "Tổ dân phố số 7" {
			seven = v.ID
		}
	}
	if seven == 0 {
		t.Fatal("created village not found with a normalised name")
	}
	if r := post(fmt.Sprintf("/villages/%d/retire", seven), url.Values{"retired_on": {"31/12/2026"}}); r.status != http.StatusSeeOther {
		t.Fatalf("retire: %d", r.status)
	}
	v, _ := f.db.Village(context.Background(), seven)
	if v.RetiredOn != "2026-12-31" {
		t.Fatalf("retired on %q", v.RetiredOn)
	}
	if got := f.get(t, "commune_officer", "/villages").body; strings.Contains(got, "Tổ dân phố số 7") {
		t.Error("a retired village still shows in the default list")
	}
	if r := post(fmt.Sprintf("/villages/%d/delete", seven), nil); r.status != http.StatusSeeOther {
		t.Fatalf("delete unused village: %d", r.status)
	}
	_ = time.Now
}

// TestAuditPageMasksIDs checks that personal ID numbers recorded in the audit log are masked.
func TestAuditPageMasksIDs(t *testing.T) {
	f := newFixture(t)
	// The page of the log that holds the newest registration of a person (the demo's evaluation
	// comes after the registrations).
	es, err := f.db.ListAudit(context.Background(), store.AuditFilter{Scope: auth.Scope{All: true}, Entity: "citizen", Limit: 1})
	if err != nil || len(es) == 0 {
		t.Fatalf("no registration in the audit log: %v", err)
	}
	body := f.get(t, "commune_officer", fmt.Sprintf("/audit?before=%d", es[0].ID+1)).body
	if !strings.Contains(body, "******") {
		t.Fatal("no masked ID on the audit page")
	}
	if id := f.accounts["citizen"].Login; strings.Contains(body, id) {
		t.Fatalf("the audit page shows the full ID %s", id)
	}
}

// testLog is where the server under test logs: nowhere, unless HOCTAP_TEST_LOG is set.
func testLog() io.Writer {
	if os.Getenv("HOCTAP_TEST_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}

// TestCitizenEditKeepsTheMaskedID checks that saving the edit form, whose ID field stays empty
// while the ID is masked, does not erase the person's ID.
func TestCitizenEditKeepsTheMaskedID(t *testing.T) {
	f := newFixture(t)
	before, err := f.db.Citizen(context.Background(), f.ownCitizen)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"full_name": {before.FullName + " Con"}, "national_id": {""}, "birth_date": {before.BirthDate[8:10] + "/" + before.BirthDate[5:7] + "/" + before.BirthDate[:4]},
		"gender": {string(before.Gender)}, "target_group": {string(before.TargetGroup)}}
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/citizens/%d", f.srv.URL, f.ownCitizen), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := f.do(t, "commune_officer", req); res.status != http.StatusSeeOther {
		t.Fatalf("save: %d", res.status)
	}
	after, _ := f.db.Citizen(context.Background(), f.ownCitizen)
	if after.NationalID != before.NationalID || after.FullName != before.FullName+" Con" {
		t.Fatalf("after saving: ID %q (was %q), name %q", after.NationalID, before.NationalID, after.FullName)
	}
}
