package faults

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/evaluation"
	"hoctap/internal/testserver"
)

// importRows is the size of the roster killed in the middle of its import: big enough that
// writing it takes seconds on either engine.
const importRows = 20_000

// importVillage is where the roster's people live: not the collector's group, so the people
// the other tests use are untouched.
const importVillage = "Tổ dân phố số 2"

// TestKillDuringImport kills the command line's `hoctap import citizens` and the server's
// confirmation of a previewed roster while they write (1 s and 0.4 s into the transaction),
// then checks that the roster is there in full or not at all, that the counts and the audit log
// are sound, and that imports go through afterwards.
func TestKillDuringImport(t *testing.T) {
	data, ids := roster(21, "079", importRows, importVillage)

	t.Run("cli", func(t *testing.T) {
		dir := t.TempDir()
		dbURL := newDatabase(t, dir)
		file := filepath.Join(dir, "ds.csv")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"import", "citizens", "--commune", commune, "--consent-collected", "--db", dbURL, file}
		p, err := testserver.Launch(env.bin, dir, "import.log", args...)
		if err != nil {
			t.Fatal(err)
		}
		killed := killWhileWriting(t, p, dbURL, time.Second, p.Done())
		if done, code := p.Exited(); done && code > 0 {
			t.Fatalf("hoctap import ended by itself with exit %d:\n%s", code, p.Tail(20))
		}
		n := imported(t, dbURL, ids)
		t.Logf("%s: %d of %d rows present after the crash", killed, n, len(ids))
		if n != 0 && n != len(ids) {
			t.Fatalf("after SIGKILL during the import, %d of the roster's %d people are registered: want all or none", n, len(ids))
		}
		consistent(t, dir, dbURL)
		// The database takes imports after the crash: a small roster of other people goes in
		// whole (the big one again would take as long as the first time, for nothing new).
		small, smallIDs := roster(22, "080", 200, importVillage)
		if err := os.WriteFile(file, small, 0o644); err != nil {
			t.Fatal(err)
		}
		if res := hoctap(t, dir, args...); res.Code != 0 {
			t.Fatalf("import after the crash: exit %d\n%s", res.Code, res.Output)
		}
		if got := imported(t, dbURL, smallIDs); got != len(smallIDs) {
			t.Fatalf("after an import following the crash, %d of %d people are registered", got, len(smallIDs))
		}
		consistent(t, dir, dbURL)
	})

	t.Run("server", func(t *testing.T) {
		dir := t.TempDir()
		dbURL := newDatabase(t, dir)
		srv := serve(t, dir, dbURL)
		officer := demoAccount(t, "commune_officer")
		c := newClient(srv.URL)
		ctx := context.Background()
		if err := c.login(ctx, officer.Login, officer.Password); err != nil {
			t.Fatal(err)
		}
		r, err := c.postMultipart(ctx, "/citizens/import", url.Values{"commune": {commune}, "consent_attested": {"1"}},
			[]upload{{Field: "file", Name: "ds.csv", Data: data}})
		if err != nil {
			t.Fatal(err)
		}
		m := confirmAction.FindStringSubmatch(r.Body)
		if r.Status != 200 || m == nil {
			t.Fatalf("the preview of the roster has no confirm form: %s", r)
		}
		ack := post(ctx, c, m[1], url.Values{})
		killed := killWhileWriting(t, srv.Process, dbURL, 400*time.Millisecond, ack.done)
		<-ack.done
		acked := ack.err == nil
		if !acked {
			t.Logf("the confirmation got no answer: %v", ack.err)
		}

		srv = serve(t, dir, dbURL)
		n := imported(t, dbURL, ids)
		t.Logf("%s; acknowledged %v; %d of %d rows present after the restart", killed, acked, n, len(ids))
		switch {
		case acked && n != len(ids):
			t.Fatalf("the import was acknowledged, but after the restart %d of %d people are registered", n, len(ids))
		case n != 0 && n != len(ids):
			t.Fatalf("after SIGKILL during the import, %d of the roster's %d people are registered: want all or none", n, len(ids))
		}
		c = newClient(srv.URL)
		if err := c.login(ctx, officer.Login, officer.Password); err != nil {
			t.Fatalf("after the restart: %v", err)
		}
		if r, err := c.get(ctx, "/citizens?village=0"); err != nil || r.Status != 200 {
			t.Fatalf("the people list after the restart: %v %s", err, r)
		}
		consistent(t, dir, dbURL)
	})
}

// pending is a form posted in the background: done is closed when its answer (or the lack of
// one) is known; err is nil when the server acknowledged it.
type pending struct {
	done chan struct{}
	err  error
}

// post posts a form in the background.
func post(ctx context.Context, c *client, path string, form url.Values) *pending {
	p := &pending{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		r, err := c.postForm(ctx, path, form)
		if err == nil && !r.acknowledged() {
			err = fmt.Errorf("POST %s was refused: %s", path, r)
		}
		p.err = err
	}()
	return p
}

// confirmAction finds the preview's confirm form.
var confirmAction = regexp.MustCompile(`action="(/citizens/import/\d+/confirm)"`)

// killWhileWriting waits until the database has had a write transaction open for hold, or
// until finished is closed (the operation ended first), and kills p with SIGKILL either way.
// It says where the kill landed.
func killWhileWriting(t *testing.T, p *testserver.Process, dbURL string, hold time.Duration, finished <-chan struct{}) string {
	t.Helper()
	if !waitWriting(t, dbURL, hold, finished) {
		p.Kill()
		return "the operation ended before the kill"
	}
	p.Kill()
	return fmt.Sprintf("killed %s into the write transaction", hold)
}

// imported counts how many of the ID numbers are registered in the commune.
func imported(t *testing.T, dbURL string, ids []string) int {
	t.Helper()
	db := openStore(t, dbURL)
	known, err := db.CitizensOfCommuneByID(context.Background(), commune)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	n := 0
	for _, id := range ids {
		if _, ok := known["id:"+id]; ok {
			n++
		}
	}
	return n
}

// TestKillDuringDecision kills the server while it records a recognition decision over every
// appraised record of the commune, then checks that the decision took all of them (each with
// a certificate when recognised) or none, and that it can be taken after the restart.
func TestKillDuringDecision(t *testing.T) {
	dir := t.TempDir()
	dbURL := newDatabase(t, dir)
	srv := serve(t, dir, dbURL)
	officer := demoAccount(t, "commune_officer")
	ctx := context.Background()
	c := newClient(srv.URL)
	if err := c.login(ctx, officer.Login, officer.Password); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/cycles/%d/communes/%s/decisions", env.fx.CycleID, commune)
	form := url.Values{"number": {"99/QĐ-HKH"}, "signed_on": {time.Now().In(vietnam).Format("2006-01-02")},
		"signer": {"Nguyễn Văn Thành"}, "signer_title": {"Chủ tịch Hội Khuyến học"}, "issuing_body": {"Hội Khuyến học Phường Ba Đình"}}
	ack := post(ctx, c, path, form)
	killed := killWhileWriting(t, srv.Process, dbURL, 300*time.Millisecond, ack.done)
	<-ack.done
	acked := ack.err == nil

	srv = serve(t, dir, dbURL)
	decided := checkDecision(t, dbURL, acked)
	t.Logf("%s; acknowledged %v; decided after the restart: %v", killed, acked, decided)
	consistent(t, dir, dbURL)
	if decided {
		return
	}
	// Nothing was decided: the officer takes the decision again, and it goes through whole.
	c = newClient(srv.URL)
	if err := c.login(ctx, officer.Login, officer.Password); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r, err := c.postForm(ctx, path, form)
	if err != nil || !r.acknowledged() {
		t.Fatalf("the decision after the restart: %v %s", err, r)
	}
	t.Logf("the decision taken again after the restart took %s", time.Since(start).Round(time.Millisecond))
	if !checkDecision(t, dbURL, true) {
		t.Fatal("the decision taken after the restart decided nothing")
	}
	consistent(t, dir, dbURL)
}

// vietnam is the time zone of the dates the officers type.
var vietnam = time.FixedZone("ICT", 7*3600)

// checkDecision checks that the appraised records of the base are either all still appraised
// with no decision, or all decided by one decision with one certificate per recognised record.
// It tells which.
func checkDecision(t *testing.T, dbURL string, acked bool) bool {
	t.Helper()
	ctx := context.Background()
	db := openStore(t, dbURL)
	defer db.Close()
	ds, err := db.Decisions(ctx, env.fx.CycleID, auth.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	counts := stateCounts(t, db, env.fx.Appraised)
	switch len(ds) {
	case 0:
		if acked {
			t.Fatal("the decision was acknowledged, but after the restart there is none")
		}
		if counts[evaluation.StateAppraised] != len(env.fx.Appraised) {
			t.Fatalf("no decision was recorded, but the appraised records are now %v: partly decided", counts)
		}
		return false
	case 1:
	default:
		t.Fatalf("%d decisions recorded, want 1", len(ds))
	}
	d := ds[0]
	recognised, notRecognised := counts[evaluation.StateRecognised], counts[evaluation.StateNotRecognised]
	if recognised+notRecognised != len(env.fx.Appraised) {
		t.Fatalf("decision %s was recorded, but its records are %v: want every one of the %d recognised or not", d.Number, counts, len(env.fx.Appraised))
	}
	for _, id := range env.fx.Appraised {
		a, err := db.Assessment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.DecisionID != d.ID {
			t.Fatalf("assessment %d belongs to decision %d, want %d", id, a.DecisionID, d.ID)
		}
	}
	certs, err := db.CertificatesOfDecision(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != recognised {
		t.Fatalf("decision %s recognised %d people but holds %d certificates", d.Number, recognised, len(certs))
	}
	if recognised == 0 {
		t.Fatal("the decision recognised no one: the fixture's scores should pass")
	}
	return true
}

// TestKillDuringSubmissions kills the server in the middle of a burst of self-assessments,
// each with an evidence file, sent from 16 sessions of the collector at once. After the restart
// every acknowledged self-assessment is stored exactly once, with its scores and its file, and
// every other one is stored in full or not at all.
func TestKillDuringSubmissions(t *testing.T) {
	const clients, burst = 16, 240
	dir := t.TempDir()
	dbURL := newDatabase(t, dir)
	srv := serve(t, dir, dbURL)
	collector := demoAccount(t, "collector")
	ctx := context.Background()
	cs := make([]*client, clients)
	for i := range cs {
		cs[i] = newClient(srv.URL)
		if err := cs[i].login(ctx, collector.Login, collector.Password); err != nil {
			t.Fatal(err)
		}
	}
	ps := env.fx.Pledged[:burst]
	acked := make([]bool, len(ps))
	var nAcked atomic.Int32
	var mu sync.Mutex
	var refused []string
	next := make(chan int, len(ps))
	for i := range ps {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() {
			for i := range next {
				r, err := c.submit(ctx, ps[i], evidenceFor(ps[i], pdf(20<<10)))
				switch {
				case err != nil: // the server is gone
				case r.acknowledged():
					acked[i] = true
					nAcked.Add(1)
				default:
					mu.Lock()
					refused = append(refused, fmt.Sprintf("assessment %d: %s", ps[i].ID, r))
					mu.Unlock()
				}
			}
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	// Kill once a third of the burst is acknowledged: the rest are in flight or queued.
	for nAcked.Load() < burst/3 {
		select {
		case <-finished:
			t.Fatalf("the burst ended with %d of %d acknowledged before the kill: %q", nAcked.Load(), burst, refused)
		case <-time.After(2 * time.Millisecond):
		}
	}
	srv.Kill()
	<-finished
	if len(refused) > 0 {
		t.Fatalf("%d self-assessments were refused before the kill, e.g. %s", len(refused), refused[0])
	}

	srv = serve(t, dir, dbURL)
	c := newClient(srv.URL)
	if err := c.login(ctx, collector.Login, collector.Password); err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	if r, err := c.get(ctx, fmt.Sprintf("/assessments/%d", ps[0].ID)); err != nil || r.Status != 200 {
		t.Fatalf("an assessment's page after the restart: %v %s", err, r)
	}
	db := openStore(t, dbURL)
	stored := 0
	for i, p := range ps {
		if problem := checkSubmission(t, db, p, 1, acked[i]); problem != "" {
			t.Errorf("assessment %d (acknowledged %v): %s", p.ID, acked[i], problem)
		}
		if a, err := db.Assessment(ctx, p.ID); err == nil && a.State != evaluation.StatePledged {
			stored++
		}
	}
	t.Logf("%d of %d self-assessments acknowledged before the kill, %d stored", nAcked.Load(), len(ps), stored)
	consistent(t, dir, dbURL)
}

// pdf returns a file of about size bytes that the server takes for a PDF, different every time
// (the server keeps one copy of identical files).
func pdf(size int) []byte {
	b := make([]byte, size)
	_, _ = rand.Read(b)
	copy(b, "%PDF-1.4\n")
	return b
}

// evidenceFor attaches files to the first indicator of a pledge's self-assessment.
func evidenceFor(p pledge, files ...[]byte) []upload {
	code := env.fx.Indicators[p.Group][0].Code
	var out []upload
	for i, f := range files {
		out = append(out, upload{Field: "evidence_" + code, Name: fmt.Sprintf("minh-chung-%d.pdf", i+1), Data: f})
	}
	return out
}
