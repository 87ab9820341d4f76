package faults

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Phases of TestPostgresRestart, in order.
const (
	phaseUp       int32 = iota // PostgreSQL runs
	phaseStopping              // pg_ctl stop runs
	phaseDown                  // PostgreSQL is stopped
	phaseStarting              // pg_ctl start runs
	phaseBack                  // PostgreSQL runs again
)

// The page a user sees while the database is down, in each language (catalog key
// error.db_unavailable).
var unavailableText = map[string]string{"vi": "không kết nối được cơ sở dữ liệu", "en": "database cannot be reached"}

// TestPostgresRestart stops PostgreSQL under load and starts it again, without restarting
// hoctap. While it is down every request must get a 503 page that says so in the user's
// language (and /readyz 503), none a 500 and none hang; once it is back, requests succeed
// again: database/sql drops the dead connections and opens new ones.
//
// It needs a PostgreSQL server it may stop, so it runs on a private cluster of its own, in
// both passes of the test command (the SQLite pass too: hoctap is the same binary).
func TestPostgresRestart(t *testing.T) {
	c := privateCluster(t)
	dir := t.TempDir()
	dbURL := c.newDatabase(t)
	srv := serve(t, dir, dbURL)
	officer := c.account(t, "commune_officer")
	ctx := context.Background()

	// The load: signed-in officers reading the people list and saving their language (a
	// write), in Vietnamese, and a visitor signing in, in English.
	type outcome struct {
		from, to int32 // the phase when the request was sent and when its answer came
		sent     time.Time
		lang     string
		what     string
		r        response
		err      error
	}
	var phase atomic.Int32
	var mu sync.Mutex
	var outcomes []outcome
	record := func(o outcome) {
		mu.Lock()
		outcomes = append(outcomes, o)
		mu.Unlock()
	}
	var firstBack atomic.Int64 // when a request first succeeded after the restart (unix ns)
	done := make(chan struct{})
	var wg sync.WaitGroup
	answered := make(chan struct{}, 5) // a worker's first request was answered
	worker := func(cl *client, lang string, requests []func(*client) (string, response, error)) {
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			from, sent := phase.Load(), time.Now()
			what, r, err := requests[i%len(requests)](cl)
			o := outcome{from: from, to: phase.Load(), sent: sent, lang: lang, what: what, r: r, err: err}
			if o.from == phaseBack && err == nil && r.Status < 400 {
				firstBack.CompareAndSwap(0, time.Now().UnixNano())
			}
			record(o)
			if i == 0 {
				answered <- struct{}{}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	officerRequests := []func(*client) (string, response, error){
		func(cl *client) (string, response, error) {
			r, err := cl.get(ctx, "/citizens")
			return "GET /citizens", r, err
		},
		func(cl *client) (string, response, error) {
			r, err := cl.postForm(ctx, "/language", url.Values{"lang": {"vi"}, "next": {"/"}})
			return "POST /language", r, err
		},
	}
	visitorRequests := []func(*client) (string, response, error){
		func(cl *client) (string, response, error) {
			cl.hc.Jar, _ = cookiejar.New(nil) // a new visitor each time, not the officer signed in last time
			r, err := cl.postForm(ctx, "/login", url.Values{"login": {officer.Login}, "password": {officer.Password}, "next": {"/"}})
			return "POST /login", r, err
		},
	}
	for i := range 5 {
		cl, lang, requests := newClient(srv.URL), "vi", officerRequests
		if i == 0 {
			cl.lang, lang, requests = "en-US,en", "en", visitorRequests
		} else if err := cl.login(ctx, officer.Login, officer.Password); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() { worker(cl, lang, requests) })
	}

	readyz := func() int {
		r, err := newClient(srv.URL).get(ctx, "/readyz")
		if err != nil {
			t.Errorf("/readyz: %v", err)
		}
		return r.Status
	}
	for range 5 {
		<-answered
	}
	time.Sleep(500 * time.Millisecond)
	phase.Store(phaseStopping)
	if err := c.stop(); err != nil {
		t.Fatal(err)
	}
	phase.Store(phaseDown)
	time.Sleep(2 * time.Second)
	if s := readyz(); s != http.StatusServiceUnavailable {
		t.Errorf("/readyz while PostgreSQL is stopped: status %d, want 503", s)
	}
	phase.Store(phaseStarting)
	if err := c.start(); err != nil {
		t.Fatal(err)
	}
	phase.Store(phaseBack)
	deadline := time.Now().Add(time.Minute)
	for firstBack.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if firstBack.Load() == 0 {
		close(done)
		wg.Wait()
		t.Fatal("no request succeeded within a minute of PostgreSQL's restart")
	}
	time.Sleep(1500 * time.Millisecond) // requests keep coming after the first success
	close(done)
	wg.Wait()
	if done, _ := srv.Exited(); done {
		t.Fatal("hoctap serve exited during the PostgreSQL restart")
	}
	if s := readyz(); s != http.StatusOK {
		t.Errorf("/readyz after PostgreSQL's restart: status %d, want 200", s)
	}

	ok := func(o outcome) bool { return o.err == nil && o.r.Status < 400 }
	unavailable := func(o outcome) bool {
		return o.err == nil && o.r.Status == http.StatusServiceUnavailable && o.r.says(unavailableText[o.lang])
	}
	down := map[string]int{}
	var after int
	for _, o := range outcomes {
		switch {
		case o.from == phaseUp && o.to == phaseUp && !ok(o):
			t.Errorf("%s before PostgreSQL stopped: %v %s", o.what, o.err, o.r)
		case o.from == phaseDown && o.to == phaseDown:
			if !unavailable(o) {
				t.Errorf("%s (%s) while PostgreSQL was stopped: %v %s; want 503 saying %q", o.what, o.lang, o.err, o.r, unavailableText[o.lang])
			}
			down[o.what]++
		case o.from == phaseBack && o.sent.UnixNano() > firstBack.Load():
			// Sent after a request succeeded again: the pool must not hand out dead connections.
			if !ok(o) {
				t.Errorf("%s after the restart, once requests succeeded again: %v %s", o.what, o.err, o.r)
			}
			after++
		case !ok(o) && !unavailable(o):
			// Sent or answered while PostgreSQL stopped or started: either outcome, stated clearly.
			t.Errorf("%s (%s) while PostgreSQL was stopping or starting: %v %s; want success or a 503 saying %q", o.what, o.lang, o.err, o.r, unavailableText[o.lang])
		}
	}
	for _, what := range []string{"GET /citizens", "POST /language", "POST /login"} {
		if down[what] == 0 {
			t.Errorf("no %s was answered while PostgreSQL was stopped", what)
		}
	}
	if after == 0 {
		t.Error("no request succeeded after PostgreSQL's restart")
	}
	t.Logf("%d requests: answered while stopped %v, succeeded after the restart %d", len(outcomes), down, after)
	consistent(t, dir, dbURL)
}
