package web_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/news"
	"hoctap/internal/store"
)

// newsIDs are the items seedNews makes in the demo's first commune (00004): a published
// commune item, a draft with a picture, and a published item for the demo school's staff only.
type newsIDs struct {
	published, draft, unit int64
	draftImage             int64
	draftTitle, unitTitle  string
}

// testPNG is a valid 1×1 PNG picture.
var testPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// seedNews builds the items the access table needs, acting with the server's rights.
func seedNews(t *testing.T, f *fixture) newsIDs {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	svc := &news.Service{DB: f.db, Units: units}
	orgs, _, err := lookupOrgs(f)
	if err != nil {
		t.Fatal(err)
	}
	create := func(in news.Input, publish bool) store.News {
		n, err := svc.Create(ctx, nil, in)
		if err != nil {
			t.Fatal(err)
		}
		if publish {
			if err := svc.Publish(ctx, nil, n.ID); err != nil {
				t.Fatal(err)
			}
		}
		return n
	}
	ids := newsIDs{draftTitle: "Bản nháp tin kiểm thử quyền", unitTitle: "Thông báo nội bộ kiểm thử quyền"}
	ids.published = create(news.Input{Kind: news.KindNews, Audience: news.AudienceCommune, CommuneCode: "00004", Title: "Tin công khai kiểm thử quyền", Body: "Nội dung."}, true).ID
	ids.draft = create(news.Input{Kind: news.KindAnnouncement, Audience: news.AudienceCommune, CommuneCode: "00004", Title: ids.draftTitle, Body: "Nội dung."}, false).ID
	ids.unit = create(news.Input{Kind: news.KindAnnouncement, Audience: news.AudienceUnit, WorkUnitID: orgs.school, Title: ids.unitTitle, Body: "Nội dung."}, true).ID
	m, err := svc.AddImage(ctx, nil, ids.draft, news.Upload{FileName: "anh.png", Data: testPNG})
	if err != nil {
		t.Fatal(err)
	}
	ids.draftImage = m.ID
	return ids
}

// newsAccessCases covers every route of newsRoutes and publicRoutes. The public pages answer
// everyone; a draft and a unit's item are unknown (404) to those who may not see them; the
// officers' pages need news.publish, and the service refuses items outside the officer's scope
// (403: the neighbouring ward's officer on the first ward's draft, the unit officer on a commune
// item). POSTs carry input the service refuses after its access check (an empty title, a
// publication of what is published, a withdrawal of a draft, a file that is not a picture, an
// unknown picture), so that they change nothing.
func newsAccessCases(f *fixture, ids newsIDs) []accessCase {
	const ok, see, forbidden, unauth, invalid, notFound, conflict = 200, 303, 403, 401, 422, 404, 409
	hidden := map[string][]string{}
	for _, p := range principals {
		hidden[p] = []string{ids.draftTitle, ids.unitTitle}
	}
	item := func(id int64) func(*fixture) string {
		return func(*fixture) string { return fmt.Sprintf("/news/%d", id) }
	}
	manage := func(suffix string) func(*fixture) string {
		return func(*fixture) string { return fmt.Sprintf("/news/manage/%d%s", ids.draft, suffix) }
	}
	publishers := func(status, anon int) map[string]int {
		return map[string]int{"anonymous": anon, "admin": status, "city_officer": status, "commune_officer": status, "commune_officer_nh": status, "unit_officer": status}
	}
	// On the first ward's draft: its managers act; the neighbouring ward's and the unit's officers are refused.
	onDraft := func(status, anon int) map[string]int {
		return map[string]int{"anonymous": anon, "admin": status, "city_officer": status, "commune_officer": status}
	}
	unitReaders := map[string]int{"admin": ok, "city_officer": ok, "commune_officer": ok, "unit_officer": ok, "citizen": staffNotFound(f)}
	notImage := func(f *fixture) (string, []byte) {
		return multipartFile(map[string]string{"alt": "x"}, "image", "anh.jpg", []byte("<html><script>alert(1)</script></html>"))
	}
	return []accessCase{
		{pattern: "GET /about", path: path("/about"), want: everyone(ok, ok)},
		{pattern: "GET /about/criteria", path: path("/about/criteria"), want: everyone(ok, ok)},
		{pattern: "GET /about/providers", path: path("/about/providers"), want: everyone(ok, ok)},

		{pattern: "GET /news", path: path("/news"), want: everyone(ok, ok), absent: hidden},
		{pattern: "GET /news.atom", path: path("/news.atom"), want: everyone(ok, ok), absent: hidden},
		{pattern: "GET /news/communes/{file}", path: path("/news/communes/00004.atom"), want: everyone(ok, ok), absent: hidden},
		{pattern: "GET /news/communes/{file}", path: path("/news/communes/99999.atom"), want: everyone(notFound, notFound)},
		{pattern: "GET /news/{id}", path: item(ids.published), want: everyone(ok, ok)},
		{pattern: "GET /news/{id}", path: item(ids.draft), want: onDraft(ok, notFound), deflt: notFound},
		{pattern: "GET /news/{id}", path: item(ids.unit), want: unitReaders, deflt: notFound},
		{pattern: "GET /news/{id}/images/{image}", path: func(*fixture) string { return fmt.Sprintf("/news/%d/images/%d", ids.draft, ids.draftImage) },
			want: onDraft(ok, notFound), deflt: notFound},

		{pattern: "GET /news/manage", path: path("/news/manage"), want: publishers(ok, see), deflt: forbidden,
			absent: map[string][]string{"commune_officer_nh": {ids.draftTitle, ids.unitTitle}, "unit_officer": {ids.draftTitle}}},
		{pattern: "GET /news/manage/new", path: path("/news/manage/new"), want: publishers(ok, see), deflt: forbidden,
			absent: map[string][]string{"commune_officer": {"Phường Ngọc Hà"}, "commune_officer_nh": {"Phường Ba Đình"}}},
		{pattern: "POST /news/manage", path: path("/news/manage"), form: url.Values{"kind": {"news"}, "audience": {"commune"}, "commune_code": {"00004"}, "title": {""}},
			want: publishers(invalid, unauth), deflt: forbidden},
		{pattern: "GET /news/manage/{id}", path: manage(""), want: onDraft(ok, see), deflt: forbidden},
		{pattern: "POST /news/manage/{id}", path: manage(""), form: url.Values{"kind": {"news"}, "audience": {"commune"}, "commune_code": {"00004"}, "title": {""}},
			want: onDraft(invalid, unauth), deflt: forbidden},
		{pattern: "POST /news/manage/{id}/publish", path: func(*fixture) string { return fmt.Sprintf("/news/manage/%d/publish", ids.published) },
			want: onDraft(conflict, unauth), deflt: forbidden},
		{pattern: "POST /news/manage/{id}/withdraw", path: manage("/withdraw"), want: onDraft(conflict, unauth), deflt: forbidden},
		{pattern: "POST /news/manage/{id}/images", path: manage("/images"), upload: notImage, want: onDraft(invalid, unauth), deflt: forbidden},
		{pattern: "POST /news/manage/{id}/images/{image}/delete", path: manage("/images/999999/delete"), want: onDraft(notFound, unauth), deflt: forbidden},
	}
}

// staffNotFound is what the demo citizen gets on an item for the demo school's staff: the item
// if they work there, 404 otherwise.
func staffNotFound(f *fixture) int {
	if f.ownCitizenStaff {
		return 200
	}
	return 404
}
