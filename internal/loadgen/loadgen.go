// Package loadgen keeps a hoctap server busy with page reads from a separate process and
// measures what it serves: requests per second, latency percentiles, status counts and
// errors (DESIGN §6: read pages under load at 64 connections, ≥ 3,000 req/s). It is the
// checked-in stand-in for wrk, run by scripts/bench.sh as cmd/hoctap-load.
//
// It only targets loopback addresses: it measures one's own server, and a mistyped address
// must not turn it on someone else's.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Bounds of a run: it always stops by itself.
const (
	MaxDuration    = 10 * time.Minute
	MaxConnections = 1024
)

// PublicPaths returns the read pages loaded by default: pages anyone may open.
func PublicPaths() []string { return []string{"/about", "/about/progress", "/programmes", "/news"} }

// Config is one run.
type Config struct {
	Target      string        // base URL of the server, e.g. http://127.0.0.1:8080
	Paths       []string      // paths to read in turn; empty: PublicPaths(), and signed in the officer's pages found by Discover
	Connections int           // connections kept busy at once
	Duration    time.Duration // how long new requests are sent
	Timeout     time.Duration // of one request (0: 30 s)
	Login       string        // sign in with this login and Password first; "" stays anonymous
	Password    string
}

// Validate checks the bounds of the run and that the target is a loopback address.
func (c Config) Validate() error {
	if c.Connections < 1 || c.Connections > MaxConnections {
		return fmt.Errorf("loadgen: %d connections: give 1 to %d", c.Connections, MaxConnections)
	}
	if c.Duration <= 0 || c.Duration > MaxDuration {
		return fmt.Errorf("loadgen: duration %s: give more than 0 and at most %s", c.Duration, MaxDuration)
	}
	if c.Login != "" && c.Password == "" {
		return errors.New("loadgen: a login needs a password")
	}
	for _, p := range c.Paths {
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("loadgen: path %q: give a path starting with /", p)
		}
	}
	return CheckLoopback(c.Target)
}

// CheckLoopback refuses any target that is not http(s) on 127.0.0.0/8, ::1 or localhost.
// Names other than localhost are refused without being looked up.
func CheckLoopback(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("loadgen: target %q: %w", target, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("loadgen: target %q: give an http:// or https:// address", target)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("loadgen: target %q is not a loopback address (127.0.0.0/8, ::1 or localhost): refused", target)
}

// Latency summarises durations, in milliseconds.
type Latency struct {
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// PathResult is what one path got.
type PathResult struct {
	Path     string `json:"path"`
	Requests int64  `json:"requests"`
	Latency
}

// Result is what a run measured. Requests counts every answer, whatever its status; Errors
// are requests that got no answer (refused, reset, timed out).
type Result struct {
	Target         string        `json:"target"`
	Connections    int           `json:"connections"`
	SignedIn       bool          `json:"signed_in"`
	Seconds        float64       `json:"seconds"`
	Requests       int64         `json:"requests"`
	RequestsPerSec float64       `json:"requests_per_s"`
	Bytes          int64         `json:"bytes"`
	Latency        Latency       `json:"latency"`
	Status         map[int]int64 `json:"status"`
	Errors         int64         `json:"errors"`
	ErrorSamples   []string      `json:"error_samples,omitempty"`
	Paths          []PathResult  `json:"paths"`
	Notes          []string      `json:"notes,omitempty"`
}

// worker holds what one connection's loop measured; merged at the end, so the loop takes no lock.
type worker struct {
	took    [][]time.Duration // per path
	status  map[int]int64
	bytes   int64
	errors  int64
	samples []string
}

// Run signs in if asked, chooses the paths, then keeps cfg.Connections requests in flight
// until cfg.Duration has passed; requests in flight then finish. Cancelling ctx stops it early.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	base := strings.TrimRight(cfg.Target, "/")
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	tr := &http.Transport{
		Proxy:               nil, // a loopback target is never reached through a proxy
		MaxConnsPerHost:     cfg.Connections,
		MaxIdleConns:        cfg.Connections,
		MaxIdleConnsPerHost: cfg.Connections,
		IdleConnTimeout:     90 * time.Second,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: timeout,
		// Redirects are counted as they are (303 to /login for a page that needs a sign-in),
		// and never followed to another address.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	res := &Result{Target: base, Connections: cfg.Connections, Status: map[int]int64{}}
	var cookies []*http.Cookie
	if cfg.Login != "" {
		var err error
		if cookies, err = SignIn(ctx, client, base, cfg.Login, cfg.Password); err != nil {
			return nil, err
		}
		res.SignedIn = true
	}
	paths := cfg.Paths
	if len(paths) == 0 {
		paths = PublicPaths()
		if res.SignedIn {
			found, notes := Discover(ctx, client, base, cookies)
			paths = append(paths, found...)
			res.Notes = append(res.Notes, notes...)
		}
	}

	workers := make([]*worker, cfg.Connections)
	deadline := time.Now().Add(cfg.Duration)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{took: make([][]time.Duration, len(paths)), status: map[int]int64{}}
		workers[i] = w
		wg.Add(1)
		go func(next int) {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				w.get(ctx, client, base, paths, next%len(paths), cookies)
				next++
			}
		}(i) // each connection starts on another path, so the mix is even from the start
	}
	wg.Wait()
	elapsed := time.Since(start)

	var all []time.Duration
	for p, path := range paths {
		var took []time.Duration
		for _, w := range workers {
			took = append(took, w.took[p]...)
		}
		all = append(all, took...)
		res.Paths = append(res.Paths, PathResult{Path: path, Requests: int64(len(took)), Latency: summarise(took)})
	}
	for _, w := range workers {
		for s, n := range w.status {
			res.Status[s] += n
		}
		res.Bytes += w.bytes
		res.Errors += w.errors
		for _, s := range w.samples {
			if len(res.ErrorSamples) < 5 && !slices.Contains(res.ErrorSamples, s) {
				res.ErrorSamples = append(res.ErrorSamples, s)
			}
		}
	}
	res.Seconds = elapsed.Seconds()
	res.Requests = int64(len(all))
	res.RequestsPerSec = float64(res.Requests) / elapsed.Seconds()
	res.Latency = summarise(all)
	return res, nil
}

// get reads one path to the end (so the connection is kept) and records the answer.
func (w *worker) get(ctx context.Context, client *http.Client, base string, paths []string, p int, cookies []*http.Cookie) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+paths[p], nil)
	if err != nil {
		w.fail(err)
		return
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	t0 := time.Now()
	resp, err := client.Do(req)
	if err == nil {
		var n int64
		n, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		w.bytes += n
	}
	if err != nil {
		if ctx.Err() == nil { // a request cut short by the caller is no error of the server
			w.fail(err)
		}
		return
	}
	w.took[p] = append(w.took[p], time.Since(t0))
	w.status[resp.StatusCode]++
}

func (w *worker) fail(err error) {
	w.errors++
	if len(w.samples) < 5 {
		w.samples = append(w.samples, err.Error())
	}
}

// summarise returns the percentiles of durations (sorted in place).
func summarise(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	at := func(q float64) float64 {
		i := int(q * float64(len(d)))
		return ms(d[min(i, len(d)-1)])
	}
	return Latency{P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: ms(d[len(d)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// SignIn posts the sign-in form (login, password) and returns the cookies the server set
// (the session). The server answers a good sign-in with a redirect (303). A request without
// an Origin or Sec-Fetch-Site header passes the server's cross-origin check, as curl's does.
func SignIn(ctx context.Context, client *http.Client, base, login, password string) ([]*http.Cookie, error) {
	form := url.Values{"login": {login}, "password": {password}, "next": {"/"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("loadgen: sign in: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("loadgen: sign in: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body) // only the status and cookies matter
	resp.Body.Close()
	var cookies []*http.Cookie
	for _, c := range resp.Cookies() {
		if c.Value != "" && c.MaxAge >= 0 {
			cookies = append(cookies, &http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	if resp.StatusCode != http.StatusSeeOther || len(cookies) == 0 {
		return nil, fmt.Errorf("loadgen: sign in as %s: status %d, %d cookies: check the login and password", login, resp.StatusCode, len(cookies))
	}
	return cookies, nil
}

var (
	communeLink = regexp.MustCompile(`/dashboard/communes/(\d+)`)
	villageLink = regexp.MustCompile(`/dashboard/communes/\d+/villages/(\d+)`)
)

// Discover finds an officer's read pages on the server: the city's dashboard, the dashboard of
// the first commune it ranks (a commune with data), and, in the first village of that commune,
// the list of people and a search by name. The search is kept to the village: a city-wide
// search is not a page an officer reads in a loop. Notes say what could not be found.
func Discover(ctx context.Context, client *http.Client, base string, cookies []*http.Cookie) (paths, notes []string) {
	paths = []string{"/dashboard"}
	page := func(path string) string {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return ""
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, err := client.Do(req)
		if err != nil {
			notes = append(notes, fmt.Sprintf("discover %s: %v", path, err))
			return ""
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		if err != nil || resp.StatusCode != http.StatusOK {
			notes = append(notes, fmt.Sprintf("discover %s: status %d", path, resp.StatusCode))
			return ""
		}
		return string(b)
	}
	m := communeLink.FindStringSubmatch(page("/dashboard"))
	if m == nil {
		return paths, append(notes, "no commune found on /dashboard: commune and village pages left out")
	}
	commune := "/dashboard/communes/" + m[1]
	paths = append(paths, commune)
	v := villageLink.FindStringSubmatch(page(commune))
	if v == nil {
		return paths, append(notes, "no village found on "+commune+": village pages left out")
	}
	return append(paths, "/citizens?village="+v[1], "/citizens?village="+v[1]+"&q=van+duc"), notes
}
