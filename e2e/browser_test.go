// Package e2e drives a real browser against a real hoctap server.
//
// TestMain builds cmd/hoctap, starts `hoctap serve --demo --seed 7` on a free port and reads
// the demo accounts it prints. It also starts one headless Chromium that every test shares.
// Each test opens its own browser context, so it has its own cookies. The tests sign in through
// the login form as every role, enter wrong passwords until an account is locked, check what a
// commune officer may see, and switch the language. They write screenshots as they go.
//
// Environment:
//
//	HOCTAP_CHROMIUM       the browser (default /usr/bin/chromium)
//	HOCTAP_SCREENSHOTS    the folder for the PNG screenshots (default <module root>/screenshots)
//	HOCTAP_TEST_POSTGRES  a postgres:// URL. When it is set, the server runs on PostgreSQL in a
//	                      new database hoctap_e2e_<random> on that server. The tests create the
//	                      database and drop it at the end. Otherwise the server uses SQLite.
package e2e

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
)

const (
	startTimeout = 3 * time.Minute  // building hoctap and loading the demo data
	testTimeout  = 45 * time.Second // everything one test does in its tab
	waitTimeout  = 10 * time.Second // waiting for one element
	serveSeed    = "7"
)

// viewport is a window size that a test shows its pages at.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var (
	phone   = viewport{"phone", 360, 800, true}
	desktop = viewport{"desktop", 1280, 900, false}
)

// demoAccount is one row of the table that `hoctap serve --demo` prints.
type demoAccount struct {
	Role, Login, Password, Scope string
}

// roleNames are the Vietnamese names of the roles, as the home page's panels show them.
var roleNames = map[string]string{
	"admin":           "Quản trị hệ thống",
	"city_officer":    "Cán bộ thành phố",
	"commune_officer": "Cán bộ xã, phường",
	"collector":       "Cán bộ chi hội, thôn, tổ dân phố",
	"unit_officer":    "Cán bộ cơ quan, đơn vị",
	"provider":        "Cơ sở cung cấp chương trình học tập",
	"citizen":         "Công dân",
}

// wantDemoRoles is how many demo accounts each role must have.
var wantDemoRoles = map[string]int{
	"admin": 1, "city_officer": 1, "commune_officer": 2, "collector": 1,
	"unit_officer": 1, "provider": 1, "citizen": 1,
}

// env is what TestMain set up for the tests.
var env struct {
	baseURL  string          // http://127.0.0.1:PORT of the server
	accounts []demoAccount   // the demo accounts, in the order printed
	browser  context.Context // a chromedp context with a running browser
	shots    string          // the screenshot folder
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runMain(m))
}

// runMain sets everything up, runs the tests and tears everything down again before the
// process exits (os.Exit skips deferred calls, so they live here).
func runMain(m *testing.M) int {
	var cleanups []func()
	defer func() {
		for _, f := range slices.Backward(cleanups) {
			f()
		}
	}()
	srv, err := setup(&cleanups)
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		if srv != nil {
			srv.dumpLog(os.Stderr)
		}
		return 1
	}
	code := m.Run()
	if code != 0 {
		srv.dumpLog(os.Stderr)
	}
	return code
}

func setup(cleanups *[]func()) (*server, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "hoctap-e2e-")
	if err != nil {
		return nil, err
	}
	*cleanups = append(*cleanups, func() { removeAllRetry(tmp) })

	env.shots = os.Getenv("HOCTAP_SCREENSHOTS")
	if env.shots == "" {
		env.shots = filepath.Join(root, "screenshots")
	}
	if env.shots, err = filepath.Abs(env.shots); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(env.shots, 0o755); err != nil {
		return nil, fmt.Errorf("screenshot folder: %w", err)
	}
	fmt.Printf("e2e: screenshots go to %s\n", env.shots)

	chromium := os.Getenv("HOCTAP_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		return nil, fmt.Errorf("no browser at %s (install it with apt-get install chromium, or set HOCTAP_CHROMIUM): %w", chromium, err)
	}

	bin := filepath.Join(tmp, "hoctap")
	build := exec.Command(goTool(), "build", "-o", bin, "./cmd/hoctap")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./cmd/hoctap: %w\n%s", err, out)
	}

	dbURL := "sqlite:" + filepath.Join(tmp, "e2e.db")
	if pg := os.Getenv("HOCTAP_TEST_POSTGRES"); pg != "" {
		u, drop, err := createDatabase(pg)
		if err != nil {
			return nil, err
		}
		*cleanups = append(*cleanups, drop)
		dbURL = u
	}

	srv, err := startServer(bin, dbURL, tmp)
	if srv != nil {
		*cleanups = append(*cleanups, srv.stop)
	}
	if err != nil {
		return srv, err
	}
	fmt.Printf("e2e: hoctap serves %s on %s\n", redact(dbURL), env.baseURL)

	profile := filepath.Join(tmp, "chromium-profile")
	if err := os.Mkdir(profile, 0o700); err != nil {
		return srv, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		// A Vietnamese user's browser: the server picks the language from Accept-Language,
		// and Chromium would otherwise ask for en-US.
		chromedp.Flag("lang", "vi-VN"),
		chromedp.Flag("accept-lang", "vi-VN,vi"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(int(desktop.width), int(desktop.height)),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	*cleanups = append(*cleanups, cancelAlloc) // waits until the browser has exited
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	*cleanups = append(*cleanups, cancelBrowser)
	// The first Do starts the browser, bound to browserCtx, which has no deadline.
	if err := chromedp.Do(browserCtx); err != nil {
		return srv, fmt.Errorf("start %s: %w", chromium, err)
	}
	env.browser = browserCtx
	return srv, nil
}

// moduleRoot walks up from the working directory to the folder that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// goTool is the go command: go test puts $GOROOT/bin first on PATH.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// createDatabase makes a new, empty database next to the one that adminURL names, so that
// other test packages can use that one at the same time. drop removes it again.
func createDatabase(adminURL string) (dbURL string, drop func(), err error) {
	u, err := url.Parse(adminURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("HOCTAP_TEST_POSTGRES must be a postgres:// URL, not %q", redact(adminURL))
	}
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	name := "hoctap_e2e_" + hex.EncodeToString(buf)
	ident := pgx.Identifier{name}.Sanitize()
	run := func(sql string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, adminURL)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := run("CREATE DATABASE " + ident); err != nil {
		return "", nil, fmt.Errorf("create the test database %s on %s: %w", name, u.Redacted(), err)
	}
	drop = func() {
		// WITH (FORCE) ends sessions that a killed server may have left behind.
		if err := run("DROP DATABASE IF EXISTS " + ident + " WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: drop the test database %s: %v\n", name, err)
		}
	}
	nu := *u
	nu.Path, nu.RawPath = "/"+name, ""
	return nu.String(), drop, nil
}

// redact hides a password in a database URL.
func redact(dbURL string) string {
	if u, err := url.Parse(dbURL); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dbURL
}

// server is the running `hoctap serve` process.
type server struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	logPath string        // its standard output and standard error
}

// startServer starts hoctap serve and waits until it prints the URL it serves on. It reads the
// demo accounts from the table printed before that line.
func startServer(bin, dbURL, dir string) (*server, error) {
	s := &server{done: make(chan struct{}), logPath: filepath.Join(dir, "serve.log")}
	logFile, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	s.cmd = exec.Command(bin, "serve", "--demo", "--seed", serveSeed, "--addr", "127.0.0.1:0", "--db", dbURL)
	s.cmd.Dir = dir
	s.cmd.Stdout = pw
	s.cmd.Stderr = logFile
	setParentDeathSignal(s.cmd)

	started := make(chan error, 1)
	go func() {
		// The parent-death signal follows the thread that started the process, so this
		// goroutine keeps its thread until the process has exited.
		runtime.LockOSThread()
		defer close(s.done)
		if err := s.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = s.cmd.Wait()
	}()
	err = <-started
	pw.Close() // the child has its own copy
	if err != nil {
		pr.Close()
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}

	type result struct {
		url      string
		accounts []demoAccount
		err      error
	}
	results := make(chan result, 1)
	go func() {
		defer pr.Close()
		defer logFile.Close()
		var t demoTable
		sent := false
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logFile, line)
			if sent {
				continue
			}
			if m := servingLine.FindStringSubmatch(line); m != nil {
				results <- result{m[1], t.accounts, t.check()}
				sent = true
				continue
			}
			t.add(line)
		}
		if !sent {
			results <- result{err: errors.New(`hoctap serve stopped before it printed "hoctap: serving … on http://…"`)}
		}
	}()

	select {
	case r := <-results:
		if r.err != nil {
			return s, r.err
		}
		env.baseURL, env.accounts = r.url, r.accounts
		return s, nil
	case <-time.After(startTimeout):
		return s, fmt.Errorf("hoctap serve did not print its URL within %s", startTimeout)
	}
}

// servingLine is the line that says where the server listens.
var servingLine = regexp.MustCompile(`^hoctap: serving .* on (http://\S+)\s*$`)

// demoTable reads the account table: a line "Demo accounts…", a header ROLE LOGIN PASSWORD
// SCOPE, rows with columns separated by two or more spaces, and a line of dashes.
type demoTable struct {
	in, ended bool
	accounts  []demoAccount
	bad       []string
}

var columnGap = regexp.MustCompile(`\s{2,}`)

func (t *demoTable) add(line string) {
	switch {
	case strings.HasPrefix(line, "Demo accounts"):
		t.in = true
	case !t.in || t.ended:
	case strings.HasPrefix(line, "---"):
		t.ended = true
	default:
		f := columnGap.Split(strings.TrimSpace(line), -1)
		switch {
		case len(f) == 4 && f[0] == "ROLE":
		case len(f) == 4:
			t.accounts = append(t.accounts, demoAccount{Role: f[0], Login: f[1], Password: f[2], Scope: f[3]})
		default:
			t.bad = append(t.bad, line)
		}
	}
}

// check says what is missing from the table.
func (t *demoTable) check() error {
	if !t.in {
		return errors.New(`hoctap serve printed no "Demo accounts" table (is the database new?)`)
	}
	if len(t.bad) > 0 {
		return fmt.Errorf("cannot read these lines of the demo account table: %q", t.bad)
	}
	count := map[string]int{}
	for _, a := range t.accounts {
		count[a.Role]++
	}
	for role, n := range wantDemoRoles {
		if count[role] != n {
			return fmt.Errorf("the demo account table has %d %s account(s), want %d: %+v", count[role], role, n, t.accounts)
		}
	}
	return nil
}

// stop ends the server: SIGINT for a graceful stop, SIGKILL after 10 s.
func (s *server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// dumpLog prints the end of the server's output, to explain a failure.
func (s *server) dumpLog(w io.Writer) {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	fmt.Fprintf(w, "e2e: the last lines of hoctap serve's output:\n\t%s\n", strings.Join(lines, "\n\t"))
}

// removeAllRetry removes dir; Chromium's helper processes can still write in it for a moment.
func removeAllRetry(dir string) {
	var err error
	for range 50 {
		if err = os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "e2e: remove %s: %v\n", dir, err)
}

// ---------------------------------------------------------------------------- helpers

// demo returns the nth demo account (from 0) that has role.
func demo(t *testing.T, role string, nth int) demoAccount {
	t.Helper()
	seen := 0
	for _, a := range env.accounts {
		if a.Role == role {
			if seen == nth {
				return a
			}
			seen++
		}
	}
	t.Fatalf("the demo has %d %s account(s); the test needs number %d (from 0)", seen, role, nth)
	return demoAccount{}
}

// newTab opens a tab in a new browser context, with its own cookies, at the size of vp.
// The tab closes when the test ends or after testTimeout.
func newTab(t *testing.T, vp viewport) context.Context {
	t.Helper()
	tctx, cancelTimeout := context.WithTimeout(env.browser, testTimeout)
	ctx, cancel := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancel()
		cancelTimeout()
	})
	if err := chromedp.Do(ctx, emulate(vp)); err != nil {
		t.Fatalf("open a tab at %dx%d: %v", vp.width, vp.height, err)
	}
	return ctx
}

func emulate(vp viewport) chromedp.Action[chromedp.Void] {
	if vp.mobile {
		return chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateMobile)
	}
	return chromedp.EmulateViewport(vp.width, vp.height)
}

// open loads path and fails the test unless the server answers with status want.
func open(t *testing.T, ctx context.Context, path string, want int64) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(env.baseURL+path))
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	if resp.Status != want {
		t.Fatalf("open %s: status %d %s, want %d", path, resp.Status, resp.StatusText, want)
	}
}

// click clicks the element that sel selects and waits for the page that the click loads.
func click(t *testing.T, ctx context.Context, sel string) *network.Response {
	t.Helper()
	wait(t, ctx, sel)
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("click %s and wait for the next page: %v", sel, err)
	}
	if resp == nil {
		t.Fatalf("click %s: no page loaded", sel)
	}
	return resp
}

// wait waits until sel selects a visible element.
func wait(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	if err := chromedp.Do(c, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		t.Fatalf("no visible %s on %s within %s: %v", sel, location(ctx), waitTimeout, err)
	}
}

// text returns the visible text of the first element that sel selects, waiting for it.
func text(ctx context.Context, sel string) (string, error) {
	c, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
	if errors.Is(err, context.DeadlineExceeded) {
		return "", fmt.Errorf("no element %s on %s within %s", sel, location(ctx), waitTimeout)
	}
	return strings.TrimSpace(s), err
}

// has says whether sel selects an element now, without waiting.
func has(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%s) !== null", jsString(sel))))
	if err != nil {
		t.Fatalf("look for %s: %v", sel, err)
	}
	return ok
}

// pageInfo is what most checks look at first.
type pageInfo struct {
	Path string `json:"path"`
	Lang string `json:"lang"`
	H1   string `json:"h1"`
}

// info waits for the page's h1 and returns its path, language and h1.
func info(t *testing.T, ctx context.Context) pageInfo {
	t.Helper()
	wait(t, ctx, "h1")
	pi, err := chromedp.Run(ctx, chromedp.Evaluate[pageInfo](
		`({path: location.pathname, lang: document.documentElement.lang, h1: document.querySelector("h1").innerText.trim()})`))
	if err != nil {
		t.Fatalf("read the page: %v", err)
	}
	return pi
}

// location is the tab's URL, for messages.
func location(ctx context.Context) string {
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown page)"
	}
	return strings.TrimPrefix(u, env.baseURL)
}

// messages returns the texts of the error boxes and field errors on the page, for messages.
func messages(ctx context.Context) string {
	s, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(".error-box, .field-error, .flash")].map(e => e.innerText.trim())`))
	if err != nil || len(s) == 0 {
		return "no message on the page"
	}
	return fmt.Sprintf("messages %q", s)
}

// typeInto replaces the value of the input with the id by typing v.
func typeInto(id, v string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Clear(chromedp.ID(id)), chromedp.SendKeys(chromedp.ID(id), v))
}

// submitLogin types a login and a password into the sign-in form on the page and submits it.
func submitLogin(t *testing.T, ctx context.Context, login, password string) *network.Response {
	t.Helper()
	wait(t, ctx, "#login")
	if err := chromedp.Do(ctx, typeInto("login", login), typeInto("password", password)); err != nil {
		t.Fatalf("fill in the sign-in form: %v", err)
	}
	return click(t, ctx, "main form button[type=submit]")
}

// signIn opens the sign-in page and signs in.
func signIn(t *testing.T, ctx context.Context, login, password string) *network.Response {
	t.Helper()
	open(t, ctx, "/login", 200)
	return submitLogin(t, ctx, login, password)
}

// screenshot writes a full-page PNG named name.png into the screenshot folder.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(env.shots, name+".png"), buf, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// noteOverflow logs what does not fit the width of the viewport: a page that scrolls sideways,
// and boxes (such as a table or the menu) whose content one must scroll sideways to see. It
// does not fail the test: it is there for the people who look at the layout.
func noteOverflow(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	type overflow struct {
		Page     int      `json:"page"`
		View     int      `json:"view"`
		Sticking []string `json:"sticking"` // elements past the right edge of the page
		Scrolled []string `json:"scrolled"` // boxes whose content is wider than the box
	}
	o, err := chromedp.Run(ctx, chromedp.Evaluate[overflow](`(() => {
		const view = document.documentElement.clientWidth;
		const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
			(typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : "");
		const sticking = [], scrolled = new Set();
		for (const e of document.querySelectorAll("body *")) {
			const r = e.getBoundingClientRect();
			if (r.width === 0 || r.right <= view + 1) continue;
			let clip = null;
			for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
				if (getComputedStyle(a).overflowX !== "visible") { clip = a; break; }
			}
			if (clip) scrolled.add(name(clip) + " (" + clip.scrollWidth + "px of content in " + clip.clientWidth + "px)");
			else sticking.push(name(e) + " (to " + Math.round(r.right) + "px)");
		}
		return {page: document.documentElement.scrollWidth, view, sticking: sticking.slice(0, 6), scrolled: [...scrolled]};
	})()`))
	if err != nil {
		t.Logf("layout check of %s: %v", what, err)
		return
	}
	if o.Page > o.View || len(o.Sticking) > 0 {
		t.Logf("layout: %s is %dpx wide in a %dpx viewport; sticking out: %s", what, o.Page, o.View, strings.Join(o.Sticking, ", "))
	}
	if len(o.Scrolled) > 0 {
		t.Logf("layout: %s has content to scroll sideways in %s", what, strings.Join(o.Scrolled, "; "))
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\u2028", `\u2028`, "\u2029", `\u2029`)
	return `"` + r.Replace(s) + `"`
}

// ---------------------------------------------------------------------------- tests

// TestBrowserLogin signs in as each demo account through the form and checks its home page in
// Vietnamese, at a phone size and at a desktop size.
func TestBrowserLogin(t *testing.T) {
	cases := []struct {
		name string // also the screenshot's name
		role string
		nth  int // which account of the role, from 0
	}{
		{"admin", "admin", 0},
		{"city_officer", "city_officer", 0},
		{"commune_officer", "commune_officer", 0}, // Phường Ba Đình
		{"commune_officer_ngoc_ha", "commune_officer", 1},
		{"collector", "collector", 0},
		{"unit_officer", "unit_officer", 0},
		{"provider", "provider", 0},
		{"citizen", "citizen", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := newTab(t, phone)
			acc := demo(t, tc.role, tc.nth)
			resp := signIn(t, ctx, acc.Login, acc.Password)
			if resp.Status != 200 {
				t.Fatalf("signing in as %s (%s) gave status %d on %s; %s", acc.Login, tc.role, resp.Status, location(ctx), messages(ctx))
			}
			checkHome(t, ctx, acc)
			noteOverflow(t, ctx, "the home page of "+tc.name+" at 360px")
			screenshot(t, ctx, "home_"+tc.name+"_phone")

			// The same page on a desktop; the reload also shows that the session cookie works.
			if err := chromedp.Do(ctx, emulate(desktop), chromedp.Reload()); err != nil {
				t.Fatalf("reload at %dx%d: %v", desktop.width, desktop.height, err)
			}
			checkHome(t, ctx, acc)
			screenshot(t, ctx, "home_"+tc.name+"_desktop")
		})
	}
}

// checkHome checks that the page is acc's home page in Vietnamese.
func checkHome(t *testing.T, ctx context.Context, acc demoAccount) {
	t.Helper()
	pi := info(t, ctx)
	if pi.Path != "/" {
		t.Fatalf("after signing in as %s the browser is on %s, want /; h1 %q; %s", acc.Login, pi.Path, pi.H1, messages(ctx))
	}
	if pi.Lang != "vi" {
		t.Errorf(`<html lang=%q>, want "vi"`, pi.Lang)
	}
	if !strings.HasPrefix(pi.H1, "Xin chào,") {
		t.Errorf(`h1 is %q, want it to start with "Xin chào,"`, pi.H1)
	}
	sel := fmt.Sprintf(`section.panel[data-role="%s"] h2`, acc.Role)
	h2, err := text(ctx, sel)
	if err != nil {
		t.Errorf("the home page of %s has no %s: %v", acc.Role, sel, err)
		return
	}
	if want := roleNames[acc.Role]; !strings.Contains(h2, want) {
		t.Errorf("%s is %q, want it to contain %q", sel, h2, want)
	}
	// The heading also names the place the role covers, as the demo table does.
	if acc.Scope != "—" && !strings.Contains(h2, acc.Scope) {
		t.Errorf("%s is %q, want it to name the scope %q", sel, h2, acc.Scope)
	}
}

// TestBrowserWrongPassword checks that a wrong password keeps the user on the sign-in page
// with an error.
func TestBrowserWrongPassword(t *testing.T) {
	ctx := newTab(t, desktop)
	acc := demo(t, "city_officer", 0)
	resp := signIn(t, ctx, acc.Login, acc.Password+"-sai")
	if resp.Status != 401 {
		t.Errorf("a wrong password gave status %d, want 401", resp.Status)
	}
	pi := info(t, ctx)
	if pi.Path != "/login" {
		t.Errorf("after a wrong password the browser is on %s, want /login", pi.Path)
	}
	if strings.HasPrefix(pi.H1, "Xin chào") || has(t, ctx, `form[action="/logout"]`) {
		t.Errorf("a wrong password signed in: h1 %q", pi.H1)
	}
	msg, err := text(ctx, "p.error-box#login-error")
	if err != nil {
		t.Fatalf("no error message: %v; %s", err, messages(ctx))
	}
	if !strings.Contains(msg, "không đúng") {
		t.Errorf(`the error is %q, want it to contain "không đúng"`, msg)
	}
	screenshot(t, ctx, "login_wrong_password_desktop")
}

// TestBrowserLockout creates an account as the administrator, enters a wrong password for it
// five times, and checks that the right password is then refused too.
func TestBrowserLockout(t *testing.T) {
	const (
		name     = "Kiểm Thử Khóa Tài Khoản"
		login    = "0909999999"
		password = "mat-khau-dung-1"
	)
	ctx := newTab(t, phone)
	admin := demo(t, "admin", 0)
	if resp := signIn(t, ctx, admin.Login, admin.Password); resp.Status != 200 || info(t, ctx).Path != "/" {
		t.Fatalf("the administrator could not sign in: status %d on %s; %s", resp.Status, location(ctx), messages(ctx))
	}

	open(t, ctx, "/accounts/new", 200)
	wait(t, ctx, "#display_name")
	if err := chromedp.Do(ctx,
		typeInto("display_name", name),
		typeInto("login", login),
		chromedp.SetValue(chromedp.ID("role"), "city_officer"),
		chromedp.SetValue(chromedp.ID("scope"), "province:01"),
		typeInto("password", password),
	); err != nil {
		t.Fatalf("fill in the new account form: %v", err)
	}
	for id, want := range map[string]string{"display_name": name, "login": login, "role": "city_officer", "scope": "province:01"} {
		got, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID(id)))
		if err != nil || got != want {
			t.Fatalf("#%s holds %q (%v), want %q: the form has no such value or option", id, got, err, want)
		}
	}
	click(t, ctx, "main form button[type=submit]")
	pi := info(t, ctx)
	if !regexp.MustCompile(`^/accounts/\d+$`).MatchString(pi.Path) {
		t.Fatalf("creating the account led to %s, want /accounts/ID; %s", pi.Path, messages(ctx))
	}
	if pi.H1 != name {
		t.Errorf("the new account's page has h1 %q, want %q", pi.H1, name)
	}

	click(t, ctx, `form[action="/logout"] button`)
	if pi := info(t, ctx); pi.Path != "/login" || has(t, ctx, `form[action="/logout"]`) {
		t.Fatalf("signing out led to %s, still signed in: %v", pi.Path, has(t, ctx, `form[action="/logout"]`))
	}

	for i := 1; i <= 5; i++ {
		resp := submitLogin(t, ctx, login, fmt.Sprintf("mat-khau-sai-%d", i))
		msg, err := text(ctx, "#login-error")
		if err != nil {
			t.Fatalf("wrong password %d: no error message: %v; %s", i, err, messages(ctx))
		}
		if i < 5 && (!strings.Contains(msg, "không đúng") || strings.Contains(msg, "tạm khóa")) {
			t.Fatalf(`wrong password %d: the error is %q (status %d), want "không đúng" and no lock yet`, i, msg, resp.Status)
		}
		if i == 5 && !strings.Contains(msg, "tạm khóa") {
			t.Fatalf(`wrong password %d: the error is %q (status %d), want the account locked ("tạm khóa")`, i, msg, resp.Status)
		}
	}

	resp := submitLogin(t, ctx, login, password)
	pi = info(t, ctx)
	if pi.Path != "/login" || strings.HasPrefix(pi.H1, "Xin chào") || has(t, ctx, `form[action="/logout"]`) {
		t.Fatalf("the right password signed in to a locked account: status %d on %s, h1 %q", resp.Status, pi.Path, pi.H1)
	}
	msg, err := text(ctx, "p.error-box#login-error")
	if err != nil {
		t.Fatalf("the right password on a locked account: no error message: %v; %s", err, messages(ctx))
	}
	if !strings.Contains(msg, "tạm khóa") {
		t.Errorf(`the right password on a locked account: the error is %q (status %d), want "tạm khóa"`, msg, resp.Status)
	}
	screenshot(t, ctx, "login_locked_phone")
}

// TestBrowserVillageScope checks that a commune officer's village list holds the villages of
// their ward and none of the neighbouring ward's.
func TestBrowserVillageScope(t *testing.T) {
	cases := []struct {
		name      string
		nth       int // which commune officer
		want, not string
	}{
		{"commune_officer", 0, "Tổ dân phố số 1", "Tổ dân phố Ngọc Hà 1"}, // Phường Ba Đình
		{"commune_officer_ngoc_ha", 1, "Tổ dân phố Ngọc Hà 1", "Tổ dân phố số 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := newTab(t, phone)
			acc := demo(t, "commune_officer", tc.nth)
			if resp := signIn(t, ctx, acc.Login, acc.Password); resp.Status != 200 {
				t.Fatalf("signing in gave status %d; %s", resp.Status, messages(ctx))
			}
			open(t, ctx, "/villages", 200)
			wait(t, ctx, "main table tbody tr")
			type row struct {
				Name    string `json:"name"`
				Commune string `json:"commune"`
			}
			rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]row](
				`[...document.querySelectorAll("main table tbody tr")].map(r => ({name: r.cells[0].querySelector("a").innerText.trim(), commune: r.cells[2].innerText.trim()}))`))
			if err != nil {
				t.Fatalf("read the village list: %v", err)
			}
			var names []string
			for _, r := range rows {
				names = append(names, r.Name)
				if r.Commune != acc.Scope {
					t.Errorf("the list has %q of %q, outside %s", r.Name, r.Commune, acc.Scope)
				}
			}
			if !slices.Contains(names, tc.want) {
				t.Errorf("the village list of %s lacks %q: %q", acc.Scope, tc.want, names)
			}
			if slices.Contains(names, tc.not) {
				t.Errorf("the village list of %s shows %q of the neighbouring ward: %q", acc.Scope, tc.not, names)
			}
			noteOverflow(t, ctx, "the village list at 360px")
			screenshot(t, ctx, "villages_"+tc.name+"_phone")
		})
	}
}

// TestBrowserEnglish switches the sign-in page to English with the header's button.
func TestBrowserEnglish(t *testing.T) {
	ctx := newTab(t, phone)
	open(t, ctx, "/login", 200)
	pi := info(t, ctx)
	if pi.Lang != "vi" || pi.H1 != "Đăng nhập" {
		t.Errorf(`before the switch: <html lang=%q>, h1 %q; want "vi" and "Đăng nhập"`, pi.Lang, pi.H1)
	}
	if b, err := text(ctx, "form.lang button"); err != nil || b != "English" {
		t.Errorf(`the language button says %q (%v), want "English"`, b, err)
	}
	click(t, ctx, "form.lang button")
	pi = info(t, ctx)
	if pi.Lang != "en" {
		t.Errorf(`after the switch <html lang=%q>, want "en"`, pi.Lang)
	}
	if pi.H1 != "Sign in" {
		t.Errorf(`after the switch the h1 is %q, want "Sign in"`, pi.H1)
	}
	if pi.Path != "/login" {
		t.Errorf("after the switch the browser is on %s, want /login", pi.Path)
	}
	if b, err := text(ctx, "form.lang button"); err != nil || b != "Tiếng Việt" {
		t.Errorf(`after the switch the language button says %q (%v), want "Tiếng Việt"`, b, err)
	}
	screenshot(t, ctx, "login_en_phone")
}
