package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeServer answers like hoctap's pages: a sign-in form that sets a session cookie and
// redirects, a city dashboard linking a commune, a commune dashboard linking a village, and
// pages that need the session.
func fakeServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var unsigned atomic.Int64 // requests to officer pages without the session
	mux := http.NewServeMux()
	signedIn := func(r *http.Request) bool {
		c, err := r.Cookie("hoctap_session")
		return err == nil && c.Value == "tok"
	}
	officer := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !signedIn(r) {
				unsigned.Add(1)
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			w.Write([]byte(body))
		}
	}
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.PostFormValue("login") != "officer" || r.PostFormValue("password") != "secret-pw" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "hoctap_session", Value: "tok", Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "flash", Value: "", MaxAge: -1})
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	for _, p := range PublicPaths() {
		mux.HandleFunc("GET "+p, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("public page")) })
	}
	mux.HandleFunc("GET /dashboard", officer(`<a href="/dashboard/communes/09931?m=x&amp;year=2026">Hưng Đạo</a> <a href="/dashboard/communes/00004">Ba Đình</a>`))
	mux.HandleFunc("GET /dashboard/communes/{code}", officer(`<a href="/dashboard/communes/09931/villages/17?year=2026">Thôn 1</a>`))
	mux.HandleFunc("GET /citizens", officer("people"))
	return httptest.NewServer(mux), &unsigned
}

func TestRunSignedIn(t *testing.T) {
	srv, unsigned := fakeServer(t)
	defer srv.Close()
	res, err := Run(context.Background(), Config{Target: srv.URL, Connections: 4, Duration: 300 * time.Millisecond, Login: "officer", Password: "secret-pw"})
	if err != nil {
		t.Fatal(err)
	}
	want := append(PublicPaths(), "/dashboard", "/dashboard/communes/09931", "/citizens?village=17", "/citizens?village=17&q=van+duc")
	var got []string
	for _, p := range res.Paths {
		got = append(got, p.Path)
		if p.Requests == 0 {
			t.Errorf("%s: no requests", p.Path)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("paths = %v, want %v", got, want)
	}
	if !res.SignedIn || res.Errors != 0 || res.Requests == 0 || res.Status[200] != res.Requests {
		t.Errorf("signed in %v, %d requests, %d errors, status %v: want every answer 200", res.SignedIn, res.Requests, res.Errors, res.Status)
	}
	if n := unsigned.Load(); n != 0 {
		t.Errorf("%d officer requests went without the session", n)
	}
	if res.RequestsPerSec <= 0 || res.Latency.P50 <= 0 || res.Latency.P50 > res.Latency.P95 || res.Latency.P95 > res.Latency.P99 || res.Latency.P99 > res.Latency.Max {
		t.Errorf("rate %.0f, latency %+v: want positive and ordered", res.RequestsPerSec, res.Latency)
	}
	if res.Seconds < 0.3 || res.Seconds > 5 {
		t.Errorf("ran %.2f s, want about 0.3 s", res.Seconds)
	}
}

func TestRunAnonymousCountsStatuses(t *testing.T) {
	srv, _ := fakeServer(t)
	defer srv.Close()
	res, err := Run(context.Background(), Config{Target: srv.URL, Connections: 2, Duration: 100 * time.Millisecond, Paths: []string{"/about", "/dashboard", "/missing"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []int{200, 303, 404} {
		if res.Status[code] == 0 {
			t.Errorf("status %v: want some %d", res.Status, code)
		}
	}
	if res.SignedIn || len(res.Notes) != 0 {
		t.Errorf("signed in %v, notes %v", res.SignedIn, res.Notes)
	}
}

func TestRunCountsErrors(t *testing.T) {
	srv, _ := fakeServer(t)
	url := srv.URL
	srv.Close() // nothing listens any more
	res, err := Run(context.Background(), Config{Target: url, Connections: 2, Duration: 50 * time.Millisecond, Paths: []string{"/about"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors == 0 || len(res.ErrorSamples) == 0 || res.Requests != 0 {
		t.Errorf("%d errors (%v), %d requests: want only errors", res.Errors, res.ErrorSamples, res.Requests)
	}
}

func TestSignInRefused(t *testing.T) {
	srv, _ := fakeServer(t)
	defer srv.Close()
	_, err := Run(context.Background(), Config{Target: srv.URL, Connections: 1, Duration: time.Second, Login: "officer", Password: "wrong-pw"})
	if err == nil || !strings.Contains(err.Error(), "status 401") {
		t.Errorf("err = %v, want a refused sign-in", err)
	}
}

func TestDiscoverWithoutCommune(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("no links")) }))
	defer srv.Close()
	paths, notes := Discover(context.Background(), srv.Client(), srv.URL, nil)
	if !slices.Equal(paths, []string{"/dashboard"}) || len(notes) != 1 {
		t.Errorf("paths %v, notes %v", paths, notes)
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, tc := range []struct {
		target string
		ok     bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://127.9.8.7", true},
		{"https://localhost:8443/", true},
		{"http://LOCALHOST", true},
		{"http://[::1]:8080", true},
		{"http://10.0.0.1:8080", false},
		{"http://192.168.1.1", false},
		{"http://example.com", false},
		{"http://localhost.example.com", false},
		{"http://[::ffff:8.8.8.8]", false},
		{"http://0.0.0.0:8080", false},
		{"ftp://127.0.0.1", false},
		{"127.0.0.1:8080", false},
	} {
		t.Run(tc.target, func(t *testing.T) {
			if err := CheckLoopback(tc.target); (err == nil) != tc.ok {
				t.Errorf("CheckLoopback(%q) = %v, want ok %v", tc.target, err, tc.ok)
			}
		})
	}
}

func TestValidateBounds(t *testing.T) {
	ok := Config{Target: "http://127.0.0.1:1", Connections: 64, Duration: 30 * time.Second}
	for name, mod := range map[string]func(*Config){
		"no connections":         func(c *Config) { c.Connections = 0 },
		"too many connections":   func(c *Config) { c.Connections = MaxConnections + 1 },
		"no duration":            func(c *Config) { c.Duration = 0 },
		"too long":               func(c *Config) { c.Duration = MaxDuration + time.Second },
		"login without password": func(c *Config) { c.Login = "x" },
		"relative path":          func(c *Config) { c.Paths = []string{"about"} },
		"remote":                 func(c *Config) { c.Target = "http://8.8.8.8" },
	} {
		c := ok
		mod(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid config refused: %v", err)
	}
}

func TestMainJSON(t *testing.T) {
	srv, _ := fakeServer(t)
	defer srv.Close()
	var out, errOut bytes.Buffer
	t.Setenv(PasswordEnv, "secret-pw")
	code := Main(context.Background(), []string{"-url", srv.URL, "-c", "2", "-d", "100ms", "-login", "officer", "-json"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var res Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if !res.SignedIn || res.Requests == 0 || res.Connections != 2 {
		t.Errorf("result %+v", res)
	}
	file := t.TempDir() + "/load.json"
	out.Reset()
	if code := Main(context.Background(), []string{"-url", srv.URL, "-c", "1", "-d", "50ms", "-path", "/about", "-json-out", file}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "req/s") {
		t.Errorf("text output: %s", out.String())
	}
	if b, err := os.ReadFile(file); err != nil || !strings.Contains(string(b), `"requests_per_s"`) {
		t.Errorf("json file: %v, %s", err, b)
	}
	if code := Main(context.Background(), []string{"-url", "http://example.com"}, &out, &errOut); code != 1 {
		t.Errorf("remote target: exit %d, want 1", code)
	}
}
