package notify_test

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/evaluation"
	"hoctap/internal/i18n"
	"hoctap/internal/notify"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/registry"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

// The cycle of 2026: the self-assessment deadline is 30 June, verification 31 August.
var dates2026 = evaluation.Dates{OpensOn: "2026-03-01", PledgeBy: "2026-04-30", SelfAssessBy: "2026-06-30",
	VerifyBy: "2026-08-31", AppraiseBy: "2026-10-31", DecideBy: "2026-12-15"}

const (
	province = "01"
	commune  = "00004" // Phường Ba Đình
)

// world is one village with its collector and the open cycle of 2026; the clock starts on
// 2026-04-15 at 10:00 in Hà Nội.
type world struct {
	t         *testing.T
	ctx       context.Context
	clk       *clock.Fixed
	db        *store.DB
	cat       *i18n.Catalogs
	rec       *recognition.Service
	reg       *registry.Service
	cycle     store.Cycle
	v         village.Village
	collector *auth.Principal
	seq       int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 4, 15, 3, 0, 0, 0, time.UTC))
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	db := testdb.Open(t, clk)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, clk: clk, db: db, cat: cat, ctx: audit.WithActor(context.Background(), audit.Actor{Name: "test"}),
		rec: &recognition.Service{DB: db, Units: units}, reg: &registry.Service{DB: db, Units: units}}
	if w.v, err = w.reg.CreateVillage(w.ctx, nil, village.Village{CommuneCode: commune, Name: "Tổ dân phố số 1", Kind: village.KindToDanPho}); err != nil {
		t.Fatal(err)
	}
	w.collector = w.account("Cán bộ TDP 1", auth.Grant{Role: auth.RoleCollector, ProvinceCode: province, CommuneCode: commune, VillageID: w.v.ID})
	set, err := w.rec.EnsureDefaultCriteria(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if w.cycle, err = w.rec.CreateCycle(w.ctx, nil, recognition.CycleInput{Year: 2026, CriteriaSetID: set.ID, Dates: dates2026}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) account(name string, g auth.Grant) *auth.Principal {
	w.t.Helper()
	u := auth.User{DisplayName: name, Lang: "vi", Grants: []auth.Grant{g}, CitizenID: g.CitizenID}
	if err := w.db.Write(w.ctx, func(tx *store.Tx) error { return tx.CreateUser(w.ctx, &u) }); err != nil {
		w.t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, DisplayName: name, Grants: u.Grants}
}

// person registers someone of the village with an email and a phone, gives them an account
// choosing the given channels, and pledges them in the cycle.
func (w *world) person(email, webhook bool) (people.Citizen, *auth.Principal, store.Assessment) {
	w.t.Helper()
	w.seq++
	c := people.Citizen{VillageID: w.v.ID, FullName: fmt.Sprintf("Nguyễn Thị Hằng %d", w.seq), NationalID: fmt.Sprintf("001190%06d", w.seq),
		BirthYear: 1990, Gender: people.GenderFemale, TargetGroup: people.GroupResident,
		Email: fmt.Sprintf("hang%d@example.vn", w.seq), Phone: fmt.Sprintf("09120%05d", w.seq)}
	c, _, err := w.reg.Register(w.ctx, nil, registry.Registration{Citizen: c, Consent: people.Consent{Method: people.ConsentPaper, GivenBy: c.FullName}})
	if err != nil {
		w.t.Fatalf("register: %v", err)
	}
	p := w.account(c.FullName, auth.Grant{Role: auth.RoleCitizen, ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, CitizenID: c.ID})
	if err := w.db.Write(w.ctx, func(tx *store.Tx) error {
		return tx.SetPrefs(w.ctx, p.UserID, auth.Place{CitizenID: c.ID}, store.Prefs{Email: email, Webhook: webhook})
	}); err != nil {
		w.t.Fatal(err)
	}
	a, err := w.rec.Pledge(w.ctx, nil, w.cycle.ID, c.ID)
	if err != nil {
		w.t.Fatalf("pledge: %v", err)
	}
	return c, p, a
}

// returned takes a pledged record through self-assessment and verification back to the person.
func (w *world) returned(a store.Assessment, comment string) {
	w.t.Helper()
	sc := map[string]int{}
	for i := 1; i <= 10; i++ {
		sc[fmt.Sprintf("CS%02d", i)] = 9
	}
	if _, err := w.rec.Submit(w.ctx, nil, a.ID, recognition.Submission{Scores: sc, ConsentMethod: recognition.ConsentPaper}); err != nil {
		w.t.Fatalf("submit: %v", err)
	}
	if err := w.rec.Return(w.ctx, nil, a.ID, comment); err != nil {
		w.t.Fatalf("return: %v", err)
	}
}

func (w *world) worker(cfg notify.Config) *notify.Worker {
	wk := notify.NewWorker(w.db, w.cat, w.rec, cfg, nil)
	return wk
}

func (w *world) counts() map[string]int {
	w.t.Helper()
	c, _, err := w.db.OutboxStats(w.ctx, 10)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// smtpServer is a small SMTP server on 127.0.0.1 that records the messages it is given.
type smtpServer struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
	auth []string
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return s
}

func (s *smtpServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(line string) { fmt.Fprintf(conn, "%s\r\n", line) }
	say("220 test.local ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-test.local")
			say("250-AUTH PLAIN")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "AUTH"):
			s.mu.Lock()
			s.auth = append(s.auth, strings.TrimSpace(line))
			s.mu.Unlock()
			say("235 ok")
		case strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"), strings.HasPrefix(cmd, "RSET"), strings.HasPrefix(cmd, "NOOP"):
			say("250 ok")
		case strings.HasPrefix(cmd, "DATA"):
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, b.String())
			s.mu.Unlock()
			say("250 queued")
		case strings.HasPrefix(cmd, "QUIT"):
			say("221 bye")
			return
		default:
			say("502 unknown")
		}
	}
}

func (s *smtpServer) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.msgs...)
}

// TestReminderDeliveredByLocalSMTP queues the reminders seven days before the self-assessment
// deadline, delivers them to an SMTP server started by the test, and checks that the message
// arrives once, with its Vietnamese subject encoded by RFC 2047 and intact, and that neither a
// second run of the reminders nor a second pass of the worker sends it again.
func TestReminderDeliveredByLocalSMTP(t *testing.T) {
	w := newWorld(t)
	c, p, _ := w.person(true, false)
	w.person(false, false) // a person with no external channel: in the inbox only
	srv := startSMTP(t)
	wk := w.worker(notify.Config{EmailOn: true, SMTPHost: "127.0.0.1", SMTPPort: srv.port(), SMTPUser: "hoctap", SMTPPassword: "mat-khau",
		SMTPFrom: "Học tập <noreply@hoctap.example.vn>", SMTPTLS: "none", PublicURL: "https://hoctap.example.vn"})

	res, err := wk.Reminders(w.ctx, "2026-06-23")
	if err != nil {
		t.Fatal(err)
	}
	if res.People != 2 || res.Officers != 0 {
		t.Fatalf("reminders on 23/06: %+v, want 2 people and no officer", res)
	}
	if res, err := wk.Reminders(w.ctx, "2026-06-23"); err != nil || res.Queued() != 0 {
		t.Fatalf("second run of the same day queued %+v (%v), want nothing", res, err)
	}
	if res, err := wk.Reminders(w.ctx, "2026-06-24"); err != nil || res.Queued() != 0 {
		t.Fatalf("a day with no deadline 7 or 1 days ahead queued %+v (%v)", res, err)
	}
	inbox, err := w.db.Inbox(w.ctx, store.MailboxOf(p))
	if err != nil || len(inbox) != 1 || inbox[0].Kind != store.NoticeReminderPerson {
		t.Fatalf("inbox of the person: %+v %v", inbox, err)
	}

	pass, err := wk.RunOnce(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pass.Sent != 1 {
		t.Fatalf("first pass: %+v, want one email sent", pass)
	}
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("the SMTP server received %d messages, want 1", len(msgs))
	}
	m, err := mail.ReadMessage(strings.NewReader(msgs[0]))
	if err != nil {
		t.Fatal(err)
	}
	raw := m.Header.Get("Subject")
	if !strings.HasPrefix(raw, "=?utf-8?") {
		t.Errorf("subject not RFC 2047 encoded: %q", raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(raw)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Nhắc việc: còn 7 ngày để tự đánh giá Công dân học tập năm 2026"; subject != want {
		t.Errorf("subject %q, want %q", subject, want)
	}
	if to := m.Header.Get("To"); !strings.Contains(to, c.Email) {
		t.Errorf("To: %q, want %s", to, c.Email)
	}
	body, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
	if !strings.Contains(string(body), "30/06/2026") || !strings.Contains(string(body), "https://hoctap.example.vn/assessments/") {
		t.Errorf("body: %q", body)
	}
	if id := m.Header.Get("Message-Id"); !strings.HasPrefix(id, "<hoctap-outbox-") {
		t.Errorf("Message-ID %q does not carry the outbox id", id)
	}
	if len(srv.auth) == 0 || !strings.HasPrefix(srv.auth[0], "AUTH PLAIN ") {
		t.Errorf("no PLAIN authentication: %v", srv.auth)
	}

	if pass, err := wk.RunOnce(w.ctx); err != nil || pass.Claimed != 0 {
		t.Fatalf("second pass: %+v %v, want nothing claimed", pass, err)
	}
	w.clk.Advance(48 * time.Hour)
	if pass, err := wk.RunOnce(w.ctx); err != nil || pass.Claimed != 0 {
		t.Fatalf("pass two days later: %+v %v", pass, err)
	}
	if n := len(srv.messages()); n != 1 {
		t.Fatalf("after more passes the server holds %d messages, want 1", n)
	}
	if got := w.counts(); got[store.OutboxSent] != 1 || len(got) != 1 {
		t.Fatalf("outbox: %v, want one row sent", got)
	}
}

// TestOfficerSummaryBeforeVerification: the day before the verification deadline the village's
// collector gets one summary with the count of records to verify.
func TestOfficerSummaryBeforeVerification(t *testing.T) {
	w := newWorld(t)
	_, _, a := w.person(false, false)
	w.returned(a, "Thiếu ảnh")
	sc := map[string]int{}
	for i := 1; i <= 10; i++ {
		sc[fmt.Sprintf("CS%02d", i)] = 8
	}
	if _, err := w.rec.Submit(w.ctx, nil, a.ID, recognition.Submission{Scores: sc, ConsentMethod: recognition.ConsentPaper}); err != nil {
		t.Fatal(err)
	}
	wk := w.worker(notify.Config{})
	res, err := wk.Reminders(w.ctx, "2026-08-30")
	if err != nil || res.Officers != 1 || res.People != 0 {
		t.Fatalf("reminders on 30/08: %+v %v, want one officer", res, err)
	}
	ns, err := w.db.Inbox(w.ctx, store.MailboxOf(w.collector))
	if err != nil || len(ns) != 1 {
		t.Fatalf("collector's inbox: %v %v", ns, err)
	}
	out := notify.Render(w.cat, "vi", ns[0])
	if !strings.Contains(out.Text, "1 hồ sơ cần xác nhận") || !strings.Contains(out.Subject, "31/08/2026") {
		t.Fatalf("summary: %+v", out)
	}
	if res, _ := wk.Reminders(w.ctx, "2026-08-30"); res.Queued() != 0 {
		t.Fatalf("the summary was queued twice: %+v", res)
	}
}

// gateway is a webhook receiver that hangs on its first calls, then answers.
type gateway struct {
	mu      sync.Mutex
	calls   int
	hang    int // how many calls hang
	keys    []string
	bodies  [][]byte
	signed  []string
	answers int
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.calls++
	n := g.calls
	g.keys = append(g.keys, r.Header.Get("Idempotency-Key"))
	g.signed = append(g.signed, r.Header.Get("X-Hoctap-Signature"))
	g.bodies = append(g.bodies, body)
	g.mu.Unlock()
	if n <= g.hang {
		select { // hang past the client's timeout
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return
	}
	g.mu.Lock()
	g.answers++
	g.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// TestWebhookTimeoutRetried: a gateway that hangs makes the call time out; the row waits for its
// back-off (not retried before), is retried after it, and is sent once the gateway answers,
// each attempt with the same idempotency key and a valid signature.
func TestWebhookTimeoutRetried(t *testing.T) {
	w := newWorld(t)
	c, _, a := w.person(false, true)
	w.returned(a, "Thiếu minh chứng tiêu chí 5")
	g := &gateway{hang: 1}
	hs := httptest.NewServer(g)
	t.Cleanup(hs.Close)
	wk := w.worker(notify.Config{WebhookOn: true, WebhookURL: hs.URL, WebhookSecret: "bi-mat", WebhookTimeout: 300 * time.Millisecond})

	started := time.Now()
	pass, err := wk.RunOnce(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pass.Retried != 1 || pass.Sent != 0 {
		t.Fatalf("first pass: %+v, want one retry", pass)
	}
	if took := time.Since(started); took > 3*time.Second {
		t.Fatalf("the hanging gateway held the worker %v: no timeout", took)
	}
	_, problems, err := w.db.OutboxStats(w.ctx, 10)
	if err != nil || len(problems) != 1 || !strings.Contains(problems[0].LastError, "timeout") && !strings.Contains(problems[0].LastError, "deadline") {
		t.Fatalf("the retry does not say it timed out: %+v %v", problems, err)
	}
	if want := w.db.Now().Add(time.Minute); !problems[0].NextAt.Equal(want) {
		t.Errorf("next attempt at %v, want %v (one minute)", problems[0].NextAt, want)
	}
	if pass, _ := wk.RunOnce(w.ctx); pass.Claimed != 0 {
		t.Fatalf("retried before its back-off: %+v", pass)
	}
	w.clk.Advance(61 * time.Second)
	if pass, err := wk.RunOnce(w.ctx); err != nil || pass.Sent != 1 {
		t.Fatalf("pass after the back-off: %+v %v", pass, err)
	}
	if pass, _ := wk.RunOnce(w.ctx); pass.Claimed != 0 {
		t.Fatalf("sent again: %+v", pass)
	}
	if g.calls != 2 || g.answers != 1 {
		t.Fatalf("gateway: %d calls, %d answered; want 2 and 1", g.calls, g.answers)
	}
	if g.keys[0] == "" || g.keys[0] != g.keys[1] {
		t.Errorf("idempotency keys %v: want the same key on both attempts", g.keys)
	}
	var payload map[string]string
	if err := json.Unmarshal(g.bodies[1], &payload); err != nil {
		t.Fatal(err)
	}
	if payload["phone"] != c.Phone || payload["id"] != g.keys[1] || !strings.Contains(payload["text"], "Thiếu minh chứng tiêu chí 5") {
		t.Errorf("payload %v", payload)
	}
	mac := hmac.New(sha256.New, []byte("bi-mat"))
	mac.Write(g.bodies[1])
	if g.signed[1] != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
		t.Errorf("signature %q does not match the body", g.signed[1])
	}
}

// TestBackoffThenFailed: a gateway that always refuses is tried six times, with the waits of
// the schedule between, and the row then fails for good with the gateway's answer.
func TestBackoffThenFailed(t *testing.T) {
	w := newWorld(t)
	_, _, a := w.person(false, true)
	w.returned(a, "Bổ sung")
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "quota exceeded", http.StatusTooManyRequests)
	}))
	t.Cleanup(hs.Close)
	wk := w.worker(notify.Config{WebhookOn: true, WebhookURL: hs.URL})
	for i := 0; i < notify.MaxAttempts; i++ {
		pass, err := wk.RunOnce(w.ctx)
		if err != nil || pass.Claimed != 1 {
			t.Fatalf("attempt %d: %+v %v", i+1, pass, err)
		}
		if i < len(notify.Backoff) {
			w.clk.Advance(notify.Backoff[i] - time.Second)
			if pass, _ := wk.RunOnce(w.ctx); pass.Claimed != 0 {
				t.Fatalf("attempt %d retried before %v", i+1, notify.Backoff[i])
			}
			w.clk.Advance(time.Second)
		}
	}
	_, problems, _ := w.db.OutboxStats(w.ctx, 10)
	if got := w.counts(); got[store.OutboxFailed] != 1 || len(problems) != 1 || problems[0].Attempts != notify.MaxAttempts || !strings.Contains(problems[0].LastError, "429") {
		t.Fatalf("after %d attempts: %v %+v", notify.MaxAttempts, got, problems)
	}
}

// recorder is a sender that counts each delivery.
type recorder struct {
	mu   sync.Mutex
	sent map[int64]int
}

func (r *recorder) Send(ctx context.Context, m notify.Message) error {
	time.Sleep(2 * time.Millisecond) // let the other worker run meanwhile
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent[m.ID]++
	return nil
}

// TestConsentWithdrawnSkipped: a person who withdrew consent still finds the message in the
// inbox, but nothing goes out: the outbox row is skipped with the reason, at queuing and again
// at sending for a withdrawal in between.
func TestConsentWithdrawnSkipped(t *testing.T) {
	w := newWorld(t)
	c, p, a := w.person(true, true)
	if err := w.reg.WithdrawConsent(w.ctx, nil, c.ID); err != nil {
		t.Fatal(err)
	}
	w.returned(a, "Thiếu ảnh")
	ns, err := w.db.Inbox(w.ctx, store.MailboxOf(p))
	if err != nil || len(ns) != 1 || ns[0].Kind != store.NoticeReturned {
		t.Fatalf("inbox: %+v %v", ns, err)
	}
	if got := w.counts(); got[store.OutboxSkipped] != 2 || got[store.OutboxQueued] != 0 {
		t.Fatalf("outbox: %v, want both channels skipped", got)
	}
	_, problems, _ := w.db.OutboxStats(w.ctx, 10)
	for _, r := range problems {
		if r.LastError != store.SkipConsentWithdrawn {
			t.Errorf("row %d skipped for %q, want %q", r.ID, r.LastError, store.SkipConsentWithdrawn)
		}
	}
	rec := &recorder{sent: map[int64]int{}}
	wk := w.worker(notify.Config{EmailOn: true, WebhookOn: true})
	wk.Email, wk.Webhook = rec, rec
	if pass, err := wk.RunOnce(w.ctx); err != nil || pass.Claimed != 0 || len(rec.sent) != 0 {
		t.Fatalf("a skipped row was sent: %+v %v %v", pass, err, rec.sent)
	}

	// Queued while consent stood, withdrawn before the worker ran: skipped at sending.
	c2, _, a2 := w.person(true, false)
	w.returned(a2, "Thiếu ảnh")
	if err := w.reg.WithdrawConsent(w.ctx, nil, c2.ID); err != nil {
		t.Fatal(err)
	}
	if pass, err := wk.RunOnce(w.ctx); err != nil || pass.Skipped != 1 || len(rec.sent) != 0 {
		t.Fatalf("withdrawn before sending: %+v %v %v", pass, err, rec.sent)
	}
}

// TestRacingWorkersSendOnce: two workers on the same outbox send each message exactly once.
func TestRacingWorkersSendOnce(t *testing.T) {
	w := newWorld(t)
	const n = 24
	for i := 0; i < n; i++ {
		_, _, a := w.person(true, false)
		w.returned(a, fmt.Sprintf("Bổ sung %d", i))
	}
	rec := &recorder{sent: map[int64]int{}}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, name := range []string{"worker-a", "worker-b"} {
		wk := w.worker(notify.Config{EmailOn: true})
		wk.Name, wk.Email = name, rec
		wg.Go(func() {
			for {
				pass, err := wk.RunOnce(w.ctx)
				if err != nil {
					errs <- err
					return
				}
				if pass.Claimed == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(rec.sent) != n {
		t.Fatalf("%d messages delivered, want %d", len(rec.sent), n)
	}
	for id, k := range rec.sent {
		if k != 1 {
			t.Errorf("outbox row %d sent %d times", id, k)
		}
	}
	if got := w.counts(); got[store.OutboxSent] != n {
		t.Fatalf("outbox: %v", got)
	}
}

// TestMessageInTheChangeTransaction: the message of a state change is written by the change's
// transaction: a change rolled back leaves no message and no outbox row, a committed one both.
func TestMessageInTheChangeTransaction(t *testing.T) {
	w := newWorld(t)
	_, p, a := w.person(true, false)
	sc := map[string]int{}
	for i := 1; i <= 10; i++ {
		sc[fmt.Sprintf("CS%02d", i)] = 9
	}
	if _, err := w.rec.Submit(w.ctx, nil, a.ID, recognition.Submission{Scores: sc, ConsentMethod: recognition.ConsentPaper}); err != nil {
		t.Fatal(err)
	}
	ret := func(fail error) error {
		return w.db.Write(w.ctx, func(tx *store.Tx) error {
			before, err := tx.Assessment(w.ctx, a.ID)
			if err != nil {
				return err
			}
			after := before
			after.State, after.Comment = evaluation.StateReturned, "Thiếu ảnh"
			if err := tx.SaveAssessment(w.ctx, before, after, evaluation.StepReturn, "Thiếu ảnh"); err != nil {
				return err
			}
			return fail
		})
	}
	boom := errors.New("a later part of the change failed")
	if err := ret(boom); !errors.Is(err, boom) {
		t.Fatalf("rolled back change: %v", err)
	}
	if ns, err := w.db.Inbox(w.ctx, store.MailboxOf(p)); err != nil || len(ns) != 0 {
		t.Fatalf("a rolled-back change left %d messages (%v)", len(ns), err)
	}
	if got := w.counts(); len(got) != 0 {
		t.Fatalf("a rolled-back change left outbox rows: %v", got)
	}
	if err := ret(nil); err != nil {
		t.Fatal(err)
	}
	ns, err := w.db.Inbox(w.ctx, store.MailboxOf(p))
	if err != nil || len(ns) != 1 || ns[0].Kind != store.NoticeReturned || ns[0].Args.Comment != "Thiếu ảnh" {
		t.Fatalf("committed change: %+v %v", ns, err)
	}
	if got := w.counts(); got[store.OutboxQueued] != 1 {
		t.Fatalf("outbox after the commit: %v", got)
	}
	if n, err := w.db.UnreadCount(w.ctx, store.MailboxOf(p)); err != nil || n != 1 {
		t.Fatalf("unread: %d %v", n, err)
	}
}
