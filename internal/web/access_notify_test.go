package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hoctap/internal/audit"
	"hoctap/internal/notify"
	"hoctap/internal/store"
)

// notifyComment is the text of the demo citizen's seeded message: no one else may see it.
const notifyComment = "Bổ sung ảnh giấy khen (kiểm thử hộp thư)"

// seedNotify puts a message in the demo citizen's inbox and returns its id.
func seedNotify(t *testing.T, f *fixture) int64 {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	n := store.Notice{ProvinceCode: "01", CommuneCode: "00004", CitizenID: f.ownCitizen, Kind: store.NoticeReturned,
		Args: store.NoticeArgs{Title: "learning_citizen", Year: 2026, Comment: notifyComment}, Link: "/me/title"}
	if err := f.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.QueueNotice(ctx, &n, "test:access")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n.ID
}

// notifyAccessCases cover the inbox (a message is found only in its own inbox: 404 for anyone
// else, administrators included), the choice of channels, the administrator's page and the
// collector's list of who cannot be reached, on a village of the commune (the neighbouring
// ward's officer is refused).
func notifyAccessCases(f *fixture, msg int64) []accessCase {
	const ok, see, forbidden, unauth, invalid, notFound = 200, 303, 403, 401, 422, 404
	hidden := map[string][]string{}
	for _, p := range principals {
		if p != "citizen" {
			hidden[p] = []string{notifyComment}
		}
	}
	return []accessCase{
		{pattern: "GET /inbox", path: path("/inbox"), want: everyone(ok, see), absent: hidden},
		{pattern: "GET /inbox/{id}", path: path(fmt.Sprintf("/inbox/%d", msg)), want: map[string]int{"anonymous": see, "citizen": ok}, deflt: notFound, absent: hidden},
		{pattern: "POST /inbox/{id}/read", path: path(fmt.Sprintf("/inbox/%d/read", msg)), form: url.Values{"open": {"1"}},
			want: map[string]int{"anonymous": unauth, "citizen": see}, deflt: notFound},
		{pattern: "POST /inbox/read-all", path: path("/inbox/read-all"), want: everyone(see, unauth)},
		{pattern: "GET /me/notifications", path: path("/me/notifications"), want: everyone(ok, see)},
		{pattern: "POST /me/notifications", path: path("/me/notifications"), form: url.Values{}, want: everyone(see, unauth)},
		{pattern: "GET /admin/notifications", path: path("/admin/notifications"), want: map[string]int{"anonymous": see, "admin": ok}, deflt: forbidden},
		{pattern: "POST /admin/notifications/test", path: path("/admin/notifications/test"), form: url.Values{"address": {""}},
			want: map[string]int{"anonymous": unauth, "admin": invalid}, deflt: forbidden},
		{pattern: "GET /villages/{id}/unreachable", path: func(f *fixture) string { return fmt.Sprintf("/villages/%d/unreachable", f.ownVillage) },
			want: map[string]int{"anonymous": see, "admin": ok, "city_officer": ok, "commune_officer": ok, "collector": ok}, deflt: forbidden},
	}
}

// TestNotifyPages walks the inbox of the demo citizen: the header counts the unread messages,
// opening one marks it read and leads to its page, a message of another person is not found,
// and the preferences refuse a channel the server does not deliver.
func TestNotifyPages(t *testing.T) {
	f := newFixture(t)
	msg := seedNotify(t, f)
	ctx := context.Background()
	m := store.Mailbox{Citizens: []int64{f.ownCitizen}}
	before, err := f.db.UnreadCount(ctx, m)
	if err != nil || before < 1 {
		t.Fatalf("unread before: %d %v", before, err)
	}
	home := f.get(t, "citizen", "/").body
	if want := fmt.Sprintf(`<span class="badge">%d</span>`, before); !strings.Contains(home, want) {
		t.Fatalf("header has no unread count %q", want)
	}
	inbox := f.get(t, "citizen", "/inbox").body
	if !strings.Contains(inbox, notifyComment) || !strings.Contains(inbox, "cần bổ sung") {
		t.Fatalf("inbox does not show the message")
	}
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/inbox/%d/read", f.srv.URL, msg), strings.NewReader("open=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := f.clients["citizen"].Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/me/title" {
		t.Fatalf("open: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if after, _ := f.db.UnreadCount(ctx, m); after != before-1 {
		t.Fatalf("unread after opening: %d, want %d", after, before-1)
	}
	if r := f.get(t, "collector", fmt.Sprintf("/inbox/%d", msg)); r.status != http.StatusNotFound {
		t.Fatalf("the collector reads the citizen's message: %d", r.status)
	}
	req, _ = http.NewRequest(http.MethodPost, f.srv.URL+"/me/notifications", strings.NewReader("email=on"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := f.do(t, "citizen", req); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "chưa được bật") {
		t.Fatalf("choosing email while it is off: %d", r.status)
	}

	// The administrator's page shows the settings without the password, and queues a test.
	f.web.SetNotifier(&notify.Service{DB: f.db, Cfg: notify.Config{EmailOn: true, SMTPHost: "smtp.example.vn", SMTPFrom: "noreply@example.vn",
		SMTPUser: "hoctap", SMTPPassword: "mat-khau-rat-bi-mat"}.WithDefaults()})
	page := f.get(t, "admin", "/admin/notifications").body
	if strings.Contains(page, "mat-khau-rat-bi-mat") || !strings.Contains(page, "smtp.example.vn") || !strings.Contains(page, "đã đặt") {
		t.Fatal("the settings page shows the SMTP password, or not the settings")
	}
	req, _ = http.NewRequest(http.MethodPost, f.srv.URL+"/admin/notifications/test", strings.NewReader("address=thu%40example.vn"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := f.do(t, "admin", req); r.status != http.StatusSeeOther {
		t.Fatalf("test message: %d", r.status)
	}
	if counts, _, err := f.db.OutboxStats(ctx, 5); err != nil || counts[store.OutboxQueued] != 1 {
		t.Fatalf("the test message is not queued: %v %v", counts, err)
	}
}
