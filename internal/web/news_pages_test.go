package web_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"hoctap/internal/account"
	"hoctap/internal/app"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
)

// newsIDIn reads the item id from the address a news form redirected to.
var newsIDIn = regexp.MustCompile(`^/news/manage/(\d+)`)

// postNews creates an item through the officer's form, as who, and returns its id.
func postNews(t *testing.T, f *fixture, who string, v url.Values) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/news/manage", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := f.clients[who].Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	m := newsIDIn.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create news as %s: status %d, location %q", who, resp.StatusCode, resp.Header.Get("Location"))
	}
	return m[1]
}

func (f *fixture) post(t *testing.T, who, path string, v url.Values) result {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return f.do(t, who, req)
}

func today(f *fixture) string { return f.db.Now().In(clock.Vietnam).Format("2006-01-02") }

// TestNewsScriptIsNeutralised publishes an item whose text carries script, an onerror
// attribute, a style and a javascript: link, and checks that none reaches the page or the feed
// as markup, while the words stay readable.
func TestNewsScriptIsNeutralised(t *testing.T) {
	f := newFixture(t)
	body := "Mở đầu <script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n<style>body{display:none}</style>\n\n" +
		"[bấm vào](javascript:alert(1)) và [trang tốt](https://hanoi.gov.vn/)\n\n<a href=\"javascript:alert(2)\" style=\"color:red\">x</a>"
	id := postNews(t, f, "commune_officer", url.Values{"kind": {"news"}, "audience": {"commune"}, "commune_code": {"00004"},
		"title": {"Tin có <script>alert(3)</script> trong tiêu đề"}, "body": {body}})
	if r := f.post(t, "commune_officer", "/news/manage/"+id+"/publish", nil); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}
	page := f.get(t, "anonymous", "/news/"+id)
	if page.status != http.StatusOK {
		t.Fatalf("public page: %d", page.status)
	}
	for _, bad := range []string{"<script>alert", "<img src=x", "<style>", `href="javascript:`, "style=\"color:red\"", "<a href=\"javascript"} {
		if strings.Contains(page.body, bad) {
			t.Errorf("the page carries %q", bad)
		}
	}
	for _, shown := range []string{"&lt;script&gt;alert(", "&lt;img src=x onerror=alert(1)&gt;", `<a href="https://hanoi.gov.vn/" rel="nofollow noopener">trang tốt</a>`, "bấm vào"} {
		if !strings.Contains(page.body, shown) {
			t.Errorf("the page lacks %q", shown)
		}
	}
	feed := parseFeed(t, f.get(t, "anonymous", "/news.atom"))
	found := false
	for _, e := range feed.Entries {
		if strings.HasSuffix(e.Link.Href, "/news/"+id) {
			found = true
			// The content is HTML escaped once in the XML; decoded, it must still hold no markup of the text's own.
			for _, bad := range []string{"<script", "<img src=x", "<style", `href="javascript`, "<a href=\"javascript"} {
				if strings.Contains(e.Content, bad) {
					t.Errorf("the feed's content carries %q: %s", bad, e.Content)
				}
			}
		}
	}
	if !found {
		t.Fatal("the published item is not in the feed")
	}
}

// TestNewsImageUpload refuses a file that is not a picture, whatever its name, with a clear
// message, and serves an accepted picture with its type and cache headers.
func TestNewsImageUpload(t *testing.T) {
	f := newFixture(t)
	id := postNews(t, f, "commune_officer", url.Values{"kind": {"news"}, "audience": {"commune"}, "commune_code": {"00004"}, "title": {"Tin có ảnh"}, "body": {"[ảnh 1]"}})
	upload := func(name string, data []byte) result {
		ct, b := multipartFile(map[string]string{"alt": "Khai mạc"}, "image", name, data)
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/news/manage/"+id+"/images", bytes.NewReader(b))
		req.Header.Set("Content-Type", ct)
		return f.do(t, "commune_officer", req)
	}
	for name, data := range map[string][]byte{"anh.jpg": []byte("MZ\x90\x00 not a picture at all"), "trang.png": []byte("<html><body>x</body></html>")} {
		r := upload(name, data)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "không phải ảnh JPEG, PNG hoặc WebP") {
			t.Errorf("%s: status %d, want 422 with the message", name, r.status)
		}
	}
	if r := upload("anh.png", testPNG); r.status != http.StatusSeeOther {
		t.Fatalf("a real PNG: status %d", r.status)
	}
	if r := f.post(t, "commune_officer", "/news/manage/"+id+"/publish", nil); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}
	page := f.get(t, "anonymous", "/news/"+id).body
	src := regexp.MustCompile(`<img src="(/news/` + id + `/images/\d+)" alt="Khai mạc" loading="lazy"`).FindStringSubmatch(page)
	if src == nil {
		t.Fatalf("no lazy picture placed on the page")
	}
	if !strings.Contains(page, `property="og:image" content="`+f.srv.URL+src[1]+`"`) {
		t.Error("the sharing card has no absolute picture")
	}
	resp, err := http.Get(f.srv.URL + src[1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age") || resp.Header.Get("ETag") == "" {
		t.Errorf("picture served with %d %q %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"), resp.Header.Get("ETag"))
	}
}

// TestNewsCampaignOnHomePages publishes a campaign of the first ward running today: it shows
// on the home page of a citizen of that ward, and not on that of a citizen of the neighbouring
// ward, nor on the neighbouring ward's officer's.
func TestNewsCampaignOnHomePages(t *testing.T) {
	f := newFixture(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	foreign, err := f.db.Citizen(ctx, f.foreignCitizen)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := account.New(f.db).Create(ctx, nil, account.NewAccount{DisplayName: foreign.FullName, Login: foreign.NationalID, Password: "mot-mat-khau-dai",
		Grant: auth.Grant{Role: auth.RoleCitizen, CitizenID: foreign.ID}, CitizenID: foreign.ID}); err != nil {
		t.Fatal(err)
	}
	f.accounts["citizen_nh"] = app.DemoAccount{Role: auth.RoleCitizen, Login: foreign.NationalID, Password: "mot-mat-khau-dai"}
	f.clients["citizen_nh"] = f.client(t, "citizen_nh")

	const title = "Tuần lễ hưởng ứng học tập suốt đời (kiểm thử)"
	day := today(f)
	id := postNews(t, f, "commune_officer", url.Values{"kind": {"campaign"}, "audience": {"commune"}, "commune_code": {"00004"}, "title": {title},
		"summary": {"Một tuần học tập"}, "body": {"Nội dung"}, "starts_on": {day}, "ends_on": {day}})
	if strings.Contains(f.get(t, "citizen", "/").body, title) {
		t.Fatal("a draft campaign shows on a home page")
	}
	if r := f.post(t, "commune_officer", "/news/manage/"+id+"/publish", nil); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}
	if !strings.Contains(f.get(t, "citizen", "/").body, title) {
		t.Error("the campaign is missing from the home page of a citizen of the ward")
	}
	for _, who := range []string{"citizen_nh", "commune_officer_nh"} {
		if home := f.get(t, who, "/"); home.status != http.StatusOK || strings.Contains(home.body, title) {
			t.Errorf("%s: status %d; the first ward's campaign shows: %v", who, home.status, strings.Contains(home.body, title))
		}
	}
	if !strings.Contains(f.get(t, "anonymous", "/").body, title) {
		t.Error("the public campaign is missing from the visitors' landing page")
	}
	// Withdrawn, it leaves the home page; who withdrew it and when is kept.
	if r := f.post(t, "commune_officer", "/news/manage/"+id+"/withdraw", url.Values{"reason": {"Đăng nhầm"}}); r.status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", r.status)
	}
	if strings.Contains(f.get(t, "citizen", "/").body, title) {
		t.Error("a withdrawn campaign still shows")
	}
	if page := f.get(t, "commune_officer", "/news/manage/"+id).body; !strings.Contains(page, "Gỡ bởi Nguyễn Văn Minh") || !strings.Contains(page, "Đăng nhầm") {
		t.Error("the form does not say who withdrew the item and why")
	}
}

// atomDoc is what the test reads of an Atom feed.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content string `xml:"content"`
	} `xml:"entry"`
}

func parseFeed(t *testing.T, r result) atomDoc {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("feed: status %d", r.status)
	}
	var doc atomDoc
	if err := xml.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatalf("the feed is not valid XML: %v", err)
	}
	return doc
}

// TestNewsFeed parses the Atom feeds and checks that they list the published public items
// only, with absolute addresses: not a draft, a unit's item, a withdrawn item or one not
// started yet; the commune's feed leaves out the neighbouring ward's items.
func TestNewsFeed(t *testing.T) {
	f := newFixture(t)
	ids := seedNews(t, f)
	next := f.db.Now().AddDate(0, 0, 10).In(clock.Vietnam).Format("2006-01-02")
	mk := func(who, commune, title, startsOn string, publish bool) string {
		id := postNews(t, f, who, url.Values{"kind": {"announcement"}, "audience": {"commune"}, "commune_code": {commune}, "title": {title}, "body": {"Nội dung"}, "starts_on": {startsOn}})
		if publish {
			if r := f.post(t, who, "/news/manage/"+id+"/publish", nil); r.status != http.StatusSeeOther {
				t.Fatalf("publish %s: %d", title, r.status)
			}
		}
		return id
	}
	own := mk("commune_officer", "00004", "Thông báo của Ba Đình", "", true)
	neighbour := mk("commune_officer_nh", "00008", "Thông báo của Ngọc Hà", "", true)
	later := mk("commune_officer", "00004", "Thông báo chưa tới ngày", next, true)
	gone := mk("commune_officer", "00004", "Thông báo đã gỡ", "", true)
	if r := f.post(t, "commune_officer", "/news/manage/"+gone+"/withdraw", nil); r.status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", r.status)
	}
	city := postNews(t, f, "city_officer", url.Values{"kind": {"news"}, "audience": {"city"}, "title": {"Tin của thành phố"}, "body": {"[trang](/about)"}})
	if r := f.post(t, "city_officer", "/news/manage/"+city+"/publish", nil); r.status != http.StatusSeeOther {
		t.Fatalf("publish city item: %d", r.status)
	}
	ids2 := func(doc atomDoc) map[string]bool {
		out := map[string]bool{}
		for _, e := range doc.Entries {
			if !strings.HasPrefix(e.ID, f.srv.URL+"/news/") || e.Link.Href != e.ID || e.Updated == "" {
				t.Errorf("entry %q: id %q, link %q, updated %q", e.Title, e.ID, e.Link.Href, e.Updated)
			}
			if strings.Contains(e.Content, `href="/`) {
				t.Errorf("entry %q has a relative link: %s", e.Title, e.Content)
			}
			out[strings.TrimPrefix(e.ID, f.srv.URL+"/news/")] = true
		}
		return out
	}
	whole := parseFeed(t, f.get(t, "anonymous", "/news.atom"))
	if whole.ID != f.srv.URL+"/news.atom" || whole.Updated == "" {
		t.Errorf("feed id %q, updated %q", whole.ID, whole.Updated)
	}
	got := ids2(whole)
	for _, want := range []string{own, neighbour, city, fmt.Sprint(ids.published)} {
		if !got[want] {
			t.Errorf("item %s missing from the city's feed", want)
		}
	}
	for _, not := range []string{later, gone, fmt.Sprint(ids.draft), fmt.Sprint(ids.unit)} {
		if got[not] {
			t.Errorf("item %s is in the city's feed", not)
		}
	}
	ward := ids2(parseFeed(t, f.get(t, "anonymous", "/news/communes/00004.atom")))
	if !ward[own] || !ward[city] || ward[neighbour] || ward[fmt.Sprint(ids.unit)] {
		t.Errorf("the ward's feed: own %v, city %v, neighbour %v, unit %v", ward[own], ward[city], ward[neighbour], ward[fmt.Sprint(ids.unit)])
	}
}
