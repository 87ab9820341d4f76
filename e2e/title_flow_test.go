package e2e

// TestTitleYear walks one year of the «Công dân học tập» title through the browser, in
// Vietnamese: the demo citizen pledges and assesses themself online with a photo as evidence;
// the collector pledges an elderly neighbour and enters her self-assessment on her behalf
// (consent first), verifies the citizen with a changed score and the neighbour in bulk; the
// Ba Đình commune officer appraises both, downloads the proposal list and records the
// decision; the certificates are printed, their QR codes decoded and the public verification
// page opened from the code.

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// titleTimeout bounds what each tab of TestTitleYear does: the tabs live through the whole year.
const titleTimeout = 4 * time.Minute

const (
	titleCommune      = "00004" // Phường Ba Đình
	titleDecision     = "25/QĐ-HKH"
	titleSigner       = "Nguyễn Thị Minh Tâm"
	titleSignerTitle  = "Chủ tịch Hội Khuyến học"
	titleIssuingBody  = "Hội Khuyến học Phường Ba Đình"
	titleEvidenceName = "anh-minh-chung-cs01.png"
	titleAdjustCode   = "CS06"
	titleAdjustTo     = 7
	titleAdjustReason = "Chưa có minh chứng tham gia sinh hoạt câu lạc bộ"
)

var (
	// The citizen's scores, CS01…CS10: 84 points, CS05 (digital skills) 7 or more.
	titleCitizenScores = []int{9, 9, 8, 8, 7, 9, 8, 8, 9, 9}
	// The elderly neighbour's scores, entered by the collector: 82 points, all passing.
	titleElderScores = []int{8, 8, 8, 8, 8, 9, 8, 8, 8, 9}
	// A phone a little shorter than the other tests' one.
	titlePhone = viewport{"phone", 360, 740, true}
	// Hà Nội's time, for "today" and ages (the server counts days in Vietnam).
	titleZone = time.FixedZone("ICT", 7*3600)
)

// titleTab opens a tab in a new browser context, with its own cookies, at the size of vp.
func titleTab(t *testing.T, vp viewport) context.Context {
	t.Helper()
	tctx, cancelTimeout := context.WithTimeout(env.browser, titleTimeout)
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

// titleSignIn signs in as acc and checks the home page.
func titleSignIn(t *testing.T, ctx context.Context, acc demoAccount) {
	t.Helper()
	if resp := signIn(t, ctx, acc.Login, acc.Password); resp.Status != 200 {
		t.Fatalf("signing in as %s (%s) gave status %d on %s; %s", acc.Login, acc.Role, resp.Status, location(ctx), messages(ctx))
	}
	checkHome(t, ctx, acc)
}

// titleEval evaluates a JavaScript expression in the page and fails the test on an error.
func titleEval[T any](t *testing.T, ctx context.Context, what, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s on %s: %v", what, location(ctx), err)
	}
	return v
}

// titlePath returns the tab's path and query, without the server's address.
func titlePath(t *testing.T, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("read the location: %v", err)
	}
	return strings.TrimPrefix(u, env.baseURL)
}

// titleMatch checks that the tab is on a path matching re and returns the submatches.
func titleMatch(t *testing.T, ctx context.Context, what string, re *regexp.Regexp) []string {
	t.Helper()
	wait(t, ctx, "h1")
	p := titlePath(t, ctx)
	m := re.FindStringSubmatch(p)
	if m == nil {
		t.Fatalf("%s led to %s, want a path like %s; h1 %q; %s", what, p, re, info(t, ctx).H1, messages(ctx))
	}
	return m
}

// titleFlash checks the flash message of the page.
func titleFlash(t *testing.T, ctx context.Context, what, want string) {
	t.Helper()
	if f, err := text(ctx, ".flash"); err != nil || !strings.Contains(f, want) {
		t.Errorf("%s: the flash says %q (%v), want %q", what, f, err, want)
	}
}

// titleFacts reads the <dl class="facts"> of the main part of the page.
func titleFacts(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	wait(t, ctx, "main dl.facts")
	return titleEval[map[string]string](t, ctx, "read the facts", `(() => {
		const m = {};
		for (const dt of document.querySelectorAll("main dl.facts dt")) {
			const dd = dt.nextElementSibling;
			if (dd && dd.tagName === "DD" && !(dt.innerText.trim() in m)) m[dt.innerText.trim()] = dd.innerText.trim();
		}
		return m;
	})()`)
}

// titleState reads the state badge of an assessment page or of my title page.
func titleState(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := text(ctx, "main .status-line .status")
	if err != nil {
		t.Fatalf("no state on %s: %v; %s", location(ctx), err, messages(ctx))
	}
	return s
}

// titleStateBehind fetches an assessment page in the background, so the page on screen
// (a form with an error) stays, and returns the state it shows.
func titleStateBehind(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	js := fmt.Sprintf(`fetch(%s, {credentials: "same-origin"}).then(r => r.text()).then(h => {
		const e = new DOMParser().parseFromString(h, "text/html").querySelector("main .status-line .status");
		return e ? e.textContent.trim() : "(no state on the page)";
	})`, jsString("/assessments/"+id))
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch /assessments/%s: %v", id, err)
	}
	return s
}

// titleLinkByText returns the href of the first link in main whose text is label.
func titleLinkByText(t *testing.T, ctx context.Context, label string) string {
	t.Helper()
	wait(t, ctx, "main a")
	href := titleEval[string](t, ctx, "look for the link "+label, fmt.Sprintf(
		`([...document.querySelectorAll("main a")].find(a => a.innerText.trim() === %s) || {getAttribute: () => ""}).getAttribute("href")`, jsString(label)))
	if href == "" {
		links := titleEval[[]string](t, ctx, "list the links", `[...document.querySelectorAll("main a")].map(a => a.innerText.trim())`)
		t.Fatalf("%s has no link %q; its links are %q", location(ctx), label, links)
	}
	return href
}

// titleButton checks the text of the submit button sel and presses it.
func titleButton(t *testing.T, ctx context.Context, sel, label string) *network.Response {
	t.Helper()
	if b, err := text(ctx, sel); err != nil || b != label {
		t.Fatalf("the button %s on %s says %q (%v), want %q", sel, location(ctx), b, err, label)
	}
	return click(t, ctx, sel)
}

// titleScores taps the score of each indicator on the self-assessment form, as a person does:
// on the number of the label (the radio inside is hidden). It checks the running total after
// each tap.
func titleScores(t *testing.T, ctx context.Context, scores []int) {
	t.Helper()
	wait(t, ctx, "form#self-assessment fieldset.indicator")
	codes := titleEval[[]string](t, ctx, "read the indicators", `[...document.querySelectorAll("form#self-assessment fieldset.indicator")].map(f => f.dataset.code)`)
	var want []string
	for i := range scores {
		want = append(want, fmt.Sprintf("CS%02d", i+1))
	}
	if !slices.Equal(codes, want) {
		t.Fatalf("the self-assessment form has the indicators %q, want %q", codes, want)
	}
	sum, noted := 0, false
	for i, v := range scores {
		code := want[i]
		sel := fmt.Sprintf(`fieldset.indicator[data-code=%q] label.point:has(> input[name=%q][value="%d"]) > span`, code, code, v)
		wait(t, ctx, sel)
		// chromedp scrolls a target only just into view, where the sticky total bar at the
		// bottom of the form may cover it (a tap there would press «Nộp»). Note it once, then
		// scroll the row to the middle of the screen, as a person would.
		if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(sel))); err != nil {
			t.Fatalf("scroll to %s: %v", sel, err)
		}
		if cover := titleEval[string](t, ctx, "look at "+sel, fmt.Sprintf(`(() => {
			const e = document.querySelector(%s), r = e.getBoundingClientRect();
			const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
			return !top || e.contains(top) || top.contains(e) ? "" : top.tagName.toLowerCase() + (top.className ? "." + top.className : "") + " in " + (top.closest(".total-bar") ? "div.total-bar" : "the page");
		})()`, jsString(sel))); cover != "" && !noted {
			noted = true
			t.Logf("layout: at %s, once scrolled just into view, the score %d of %s is covered by %s: a tap there does not reach it", location(ctx), v, code, cover)
		}
		titleEval[bool](t, ctx, "scroll "+sel, fmt.Sprintf(`(document.querySelector(%s).scrollIntoView({block: "center"}), true)`, jsString(sel)))
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
			t.Fatalf("tap %d for %s: %v", v, code, err)
		}
		sum += v
		total := fmt.Sprintf("%d (%d/%d)", sum, i+1, len(scores))
		c, cancel := context.WithTimeout(ctx, waitTimeout)
		_, err := chromedp.Run(c, chromedp.Poll[bool](fmt.Sprintf(`document.querySelector("#total").textContent.trim() === %s`, jsString(total)),
			chromedp.WithPollingTimeout(waitTimeout)))
		cancel()
		if err != nil {
			got, _ := text(ctx, "#total")
			t.Fatalf("after tapping %d for %s the running total #total says %q, want %q (%v)", v, code, got, total, err)
		}
		checked := titleEval[string](t, ctx, "read "+code, fmt.Sprintf(`(document.querySelector("input[name=%s]:checked") || {value: ""}).value`, code))
		if checked != strconv.Itoa(v) {
			t.Fatalf("after tapping %d for %s the checked radio is %q", v, code, checked)
		}
	}
}

// titleCheckedScores reads the checked score of each indicator ("" when none is).
func titleCheckedScores(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return titleEval[[]string](t, ctx, "read the scores", `[...document.querySelectorAll("form#self-assessment fieldset.indicator")].map(f => {
		const c = f.querySelector("input[type=radio]:checked");
		return c ? c.value : "";
	})`)
}

// titleScoreRow is a row of the scores table of an assessment page.
type titleScoreRow struct {
	Indicator string   `json:"indicator"`
	Self      string   `json:"self"`
	Score     string   `json:"score"`
	Evidence  []string `json:"evidence"` // the links: "name|href"
}

func titleScoreRows(t *testing.T, ctx context.Context) []titleScoreRow {
	t.Helper()
	wait(t, ctx, "main table.scores tbody tr")
	return titleEval[[]titleScoreRow](t, ctx, "read the scores table", `[...document.querySelectorAll("main table.scores tbody tr")].map(r => ({
		indicator: r.cells[0].innerText.trim(), self: r.cells[1].innerText.trim(), score: r.cells[2].innerText.trim(),
		evidence: [...r.cells[3].querySelectorAll("a")].map(a => a.innerText.trim() + "|" + a.getAttribute("href"))}))`)
}

// titleListRow is a row of a list with tick boxes: the village's pledge list, the list of
// assessments to verify or appraise.
type titleListRow struct {
	Name   string `json:"name"`
	Href   string `json:"href"`
	Birth  string `json:"birth"`
	Tick   string `json:"tick"` // the value of the row's tick box, "" when it has none
	State  string `json:"state"`
	Status string `json:"status"` // the whole cell
	Assist string `json:"assist"` // the href of the "Nhập hộ" button
	Label  string `json:"label"`  // its text
}

// titlePledgeRows reads the village's pledge list.
func titlePledgeRows(t *testing.T, ctx context.Context) []titleListRow {
	t.Helper()
	wait(t, ctx, "main table tbody tr")
	return titleEval[[]titleListRow](t, ctx, "read the pledge list", `[...document.querySelectorAll("main table tbody tr")].map(r => {
		const a = r.cells[1].querySelector("a"), tick = r.querySelector("input[name=id]"), st = r.cells[4].querySelector(".status"), b = r.cells[4].querySelector("a.button");
		return {name: a ? a.innerText.trim() : r.cells[1].innerText.trim(), href: a ? a.getAttribute("href") : "", birth: r.cells[2].innerText.trim(),
			tick: tick ? tick.value : "", state: st ? st.innerText.trim() : "", status: r.cells[4].innerText.trim(),
			assist: b ? b.getAttribute("href") : "", label: b ? b.innerText.trim() : ""};
	})`)
}

// titleTickAndPress ticks the rows whose tick box has one of the values and presses the button.
func titleTickAndPress(t *testing.T, ctx context.Context, values []string, button, label string) *network.Response {
	t.Helper()
	for _, v := range values {
		sel := fmt.Sprintf(`main input[type=checkbox][name=id][value=%q]`, v)
		if !has(t, ctx, sel) {
			ticks := titleEval[[]string](t, ctx, "list the tick boxes", `[...document.querySelectorAll("main input[name=id]")].map(i => i.value + " " + i.getAttribute("aria-label"))`)
			t.Fatalf("%s has no tick box for %s; it has %q", location(ctx), v, ticks)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
			t.Fatalf("tick %s on %s: %v", v, location(ctx), err)
		}
		if on := titleEval[bool](t, ctx, "read "+sel, fmt.Sprintf(`document.querySelector(%s).checked`, jsString(sel))); !on {
			t.Fatalf("clicking the tick box %s did not tick it", sel)
		}
	}
	return titleButton(t, ctx, button, label)
}

// titleFetched is a file downloaded within a tab's session.
type titleFetched struct {
	Status      int    `json:"status"`
	Type        string `json:"type"`
	Disposition string `json:"disposition"`
	Body        string `json:"body"` // base64
}

// titleFetch fetches path in the page, with the tab's cookies.
func titleFetch(t *testing.T, ctx context.Context, path string) (titleFetched, []byte) {
	t.Helper()
	js := fmt.Sprintf(`fetch(%s, {credentials: "same-origin"}).then(async r => {
		const u = new Uint8Array(await r.arrayBuffer());
		let s = "";
		for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode.apply(null, u.subarray(i, i + 0x8000));
		return {status: r.status, type: r.headers.get("content-type") || "", disposition: r.headers.get("content-disposition") || "", body: btoa(s)};
	})`, jsString(path))
	f, err := chromedp.Run(ctx, chromedp.Evaluate[titleFetched](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s in the page: %v", path, err)
	}
	body, err := base64.StdEncoding.DecodeString(f.Body)
	if err != nil {
		t.Fatalf("fetch %s: %v", path, err)
	}
	return f, body
}

// titleGet downloads path with the Go HTTP client, carrying the tab's cookies (the session).
func titleGet(t *testing.T, ctx context.Context, path string) (*http.Response, []byte) {
	t.Helper()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{env.baseURL}})
	if err != nil {
		t.Fatalf("read the tab's cookies: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, env.baseURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	req.Header.Set("Accept-Language", "vi-VN,vi")
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp, buf.Bytes()
}

// titleGetPDF downloads a PDF with the tab's session and fails unless it is one.
func titleGetPDF(t *testing.T, ctx context.Context, path string) []byte {
	t.Helper()
	resp, body := titleGet(t, ctx, path)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/pdf") || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatalf("GET %s: status %d, Content-Type %q, want 200 and a PDF; body starts %q", path, resp.StatusCode, resp.Header.Get("Content-Type"), body[:min(len(body), 200)])
	}
	return body
}

// titleTool returns the path of a command line tool or fails with how to install it.
func titleTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is missing: install it with apt-get install %s (scripts/test.sh does)", name, pkg)
	}
	return p
}

// titleVerifyURL is what a certificate's QR code holds.
func titleVerifyURL() *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(env.baseURL) + `/verify/([0-9A-Za-z]{26})$`)
}

// titleReadPDF writes a PDF into dir, checks that its text holds each of wantText, renders its
// pages and decodes their QR codes. It returns the verification URLs, page by page.
func titleReadPDF(t *testing.T, dir, name string, data []byte, wantText ...string) []string {
	t.Helper()
	pdftotext := titleTool(t, "pdftotext", "poppler-utils")
	pdftoppm := titleTool(t, "pdftoppm", "poppler-utils")
	zbarimg := titleTool(t, "zbarimg", "zbar-tools")
	file := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", name, err)
	}
	txt := strings.Join(strings.Fields(norm.NFC.String(string(out))), " ")
	for _, w := range wantText {
		if !strings.Contains(txt, norm.NFC.String(w)) {
			t.Errorf("the text of %s.pdf lacks %q; it reads %q", name, w, txt[:min(len(txt), 600)])
		}
	}
	prefix := filepath.Join(dir, name)
	if out, err := exec.Command(pdftoppm, "-r", "150", "-png", file, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm %s: %v\n%s", name, err, out)
	}
	pages, _ := filepath.Glob(prefix + "-*.png")
	slices.Sort(pages) // pdftoppm pads the page numbers
	if len(pages) == 0 {
		t.Fatalf("pdftoppm made no page image of %s.pdf", name)
	}
	var urls []string
	re := titleVerifyURL()
	for i, page := range pages {
		out, err := exec.Command(zbarimg, "--raw", "-q", page).Output()
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 4 {
			t.Errorf("page %d of %s.pdf has no QR code that zbarimg can read (%s)", i+1, name, page)
			continue
		}
		if err != nil {
			t.Fatalf("zbarimg %s: %v", page, err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			line = strings.TrimSpace(line)
			if !re.MatchString(line) {
				t.Errorf("a QR code on page %d of %s.pdf holds %q, want %s/verify/<26 characters>", i+1, name, line, env.baseURL)
				continue
			}
			urls = append(urls, line)
		}
	}
	return urls
}

// titleMask is the name a public page may show: the family name and the initials.
func titleMask(full string) string {
	w := strings.Fields(full)
	for i := 1; i < len(w); i++ {
		w[i] = string([]rune(w[i])[0]) + "."
	}
	return strings.Join(w, " ")
}

// writeEvidencePhoto writes a small real PNG: a gradient with a frame, like a scanned card.
func writeEvidencePhoto(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 96, 64))
	for y := range 64 {
		for x := range 96 {
			c := color.RGBA{uint8(40 + x*2), uint8(90 + y*2), 160, 255}
			if x < 3 || y < 3 || x > 92 || y > 60 {
				c = color.RGBA{150, 20, 20, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTitleYear(t *testing.T) {
	began := time.Now()
	last := began
	lap := func(what string) {
		t.Logf("%-52s %5.1fs (%.1fs in all)", what, time.Since(last).Seconds(), time.Since(began).Seconds())
		last = time.Now()
	}
	dir := t.TempDir()
	photo := filepath.Join(dir, titleEvidenceName)
	writeEvidencePhoto(t, photo)
	today := time.Now().In(titleZone)
	year := today.Year()

	// ==== 1. The citizen pledges and assesses themself online.
	cit := titleTab(t, titlePhone)
	citizen := demo(t, "citizen", 0)
	titleSignIn(t, cit, citizen)
	citizenName, err := text(cit, `section.panel[data-role="citizen"] dl.facts dd`)
	if err != nil || citizenName == "" {
		t.Fatalf("the citizen's home page shows no name: %v", err)
	}
	nationalID := citizen.Login // the demo citizen signs in with the ID number
	if !regexp.MustCompile(`^\d{12}$`).MatchString(nationalID) {
		t.Fatalf("the demo citizen's login %q is not a 12-digit ID number", nationalID)
	}
	if h, err := text(cit, "section.panel.my-title h2"); err != nil || !strings.Contains(h, "Danh hiệu của tôi") || !strings.Contains(h, strconv.Itoa(year)) {
		t.Fatalf("the citizen's home page has no panel «Danh hiệu của tôi — %d»: %q (%v)", year, h, err)
	}
	click(t, cit, `section.panel.my-title a[href="/me/title"]`)
	if pi := info(t, cit); pi.Path != "/me/title" || pi.H1 != "Danh hiệu của tôi" {
		t.Fatalf("the home page's title button led to %s, h1 %q; want /me/title, «Danh hiệu của tôi»", pi.Path, pi.H1)
	}
	titleButton(t, cit, `main form[action$="/pledge"] button[type=submit]`, "Đăng ký phấn đấu năm nay")
	citizenAID := titleMatch(t, cit, "pledging", regexp.MustCompile(`^/assessments/(\d+)/form$`))[1]
	titleFlash(t, cit, "pledging", "Đã đăng ký phấn đấu")
	if h1 := info(t, cit).H1; !strings.Contains(h1, citizenName) || !strings.Contains(h1, "Tự đánh giá") {
		t.Errorf("the self-assessment form's h1 is %q, want the name %q and «Tự đánh giá»", h1, citizenName)
	}
	if has(t, cit, "fieldset.consent") {
		t.Errorf("the citizen's own form asks for consent (fieldset.consent): only an officer entering for someone should see it")
	}
	if s, _ := text(cit, "#total"); !strings.HasPrefix(s, "0 (0/10)") {
		t.Errorf("before any tap the running total says %q, want «0 (0/10)»", s)
	}
	lap("citizen: sign in, pledge")

	titleScores(t, cit, titleCitizenScores)
	if err := chromedp.Do(cit, chromedp.SetUploadFiles(chromedp.CSS("input#evidence_CS01"), []string{photo})); err != nil {
		t.Fatalf("attach %s to CS01: %v", photo, err)
	}
	if files := titleEval[[]string](t, cit, "read input#evidence_CS01", `[...document.querySelector("input#evidence_CS01").files].map(f => f.name)`); len(files) != 1 || files[0] != titleEvidenceName {
		t.Fatalf("input#evidence_CS01 holds %q, want %s", files, titleEvidenceName)
	}
	if v, _ := text(cit, "#verdict"); !strings.Contains(v, "đạt yêu cầu") {
		t.Errorf("with 84 points the form's verdict says %q, want «đạt yêu cầu»", v)
	}
	noteOverflow(t, cit, "the self-assessment form at 360px")
	screenshot(t, cit, "title_self_assessment_phone")
	if err := chromedp.Do(cit, emulate(desktop)); err != nil {
		t.Fatalf("switch to the desktop size: %v", err)
	}
	screenshot(t, cit, "title_self_assessment_desktop")
	if err := chromedp.Do(cit, emulate(titlePhone)); err != nil {
		t.Fatalf("switch back to the phone size: %v", err)
	}
	resp := titleButton(t, cit, "form#self-assessment button[type=submit]", "Nộp bản tự đánh giá")
	if resp.Status != 200 {
		t.Fatalf("submitting the self-assessment gave status %d on %s; %s", resp.Status, location(cit), messages(cit))
	}
	if p := info(t, cit).Path; p != "/assessments/"+citizenAID {
		t.Fatalf("submitting the self-assessment led to %s, want /assessments/%s; %s", p, citizenAID, messages(cit))
	}
	titleFlash(t, cit, "submitting", "Đã nộp bản tự đánh giá")
	if s := titleState(t, cit); s != "Đã tự đánh giá" {
		t.Errorf("after submitting, the state is %q, want «Đã tự đánh giá»", s)
	}
	fs := titleFacts(t, cit)
	if fs["Cách nộp"] != "Tự nộp trực tuyến" {
		t.Errorf("the assessment says «Cách nộp: %s», want «Tự nộp trực tuyến»; facts %q", fs["Cách nộp"], fs)
	}
	if !strings.HasPrefix(fs["Tổng điểm"], "84") {
		t.Errorf("the assessment's total is %q, want 84; facts %q", fs["Tổng điểm"], fs)
	}
	rows := titleScoreRows(t, cit)
	if len(rows) != 10 {
		t.Fatalf("the scores table has %d rows, want 10", len(rows))
	}
	for i, r := range rows {
		if r.Self != strconv.Itoa(titleCitizenScores[i]) {
			t.Errorf("row %d (%s) shows the self score %q, want %d", i+1, r.Indicator, r.Self, titleCitizenScores[i])
		}
	}
	if len(rows[0].Evidence) != 1 || !strings.HasPrefix(rows[0].Evidence[0], titleEvidenceName+"|/evidence/") {
		t.Fatalf("CS01's evidence is %q, want one link %s to /evidence/ID", rows[0].Evidence, titleEvidenceName)
	}
	evidenceHref := strings.SplitN(rows[0].Evidence[0], "|", 2)[1]
	if f, body := titleFetch(t, cit, evidenceHref); f.Status != 200 || f.Type != "image/png" || !bytes.HasPrefix(body, []byte("\x89PNG")) {
		t.Errorf("the evidence %s: status %d, type %q, %d bytes; want 200, image/png, the photo", evidenceHref, f.Status, f.Type, len(body))
	}
	lap("citizen: score, attach a photo, submit")

	// ==== 2. The collector: pledges for the elderly neighbour, enters her assessment, verifies.
	col := titleTab(t, desktop)
	collector := demo(t, "collector", 0)
	titleSignIn(t, col, collector)
	if h, err := text(col, "section.queue h2"); err != nil || !strings.Contains(h, "Việc cần làm") {
		t.Fatalf("the collector's home page has no work queue (section.queue): %q (%v)", h, err)
	}
	cycleHref, err := chromedp.Run(col, chromedp.Evaluate[string](`(document.querySelector("section.queue a[href^='/cycles/']") || {getAttribute: () => ""}).getAttribute("href")`))
	cm := regexp.MustCompile(`^/cycles/(\d+)`).FindStringSubmatch(cycleHref)
	if err != nil || cm == nil {
		t.Fatalf("the work queue has no link to the cycle: %q (%v)", cycleHref, err)
	}
	cycleID := cm[1]
	pledgesHref := titleLinkByText(t, col, "Đăng ký phấn đấu cho người trong thôn")
	vm := regexp.MustCompile(`^/villages/(\d+)/pledges$`).FindStringSubmatch(pledgesHref)
	if vm == nil {
		t.Fatalf("the link «Đăng ký phấn đấu cho người trong thôn» goes to %q, want /villages/ID/pledges", pledgesHref)
	}
	villageID := vm[1]
	click(t, col, fmt.Sprintf(`main a[href=%q]`, pledgesHref))
	if pi := info(t, col); pi.Path != pledgesHref || !strings.HasPrefix(pi.H1, "Đăng ký phấn đấu") {
		t.Fatalf("the pledge link led to %s, h1 %q; want %s, «Đăng ký phấn đấu…»", pi.Path, pi.H1, pledgesHref)
	}
	prows := titlePledgeRows(t, col)
	k := slices.IndexFunc(prows, func(r titleListRow) bool { return r.Name == citizenName })
	if k < 0 {
		t.Fatalf("the pledge list of %s lacks the citizen %s (%d rows)", collector.Scope, citizenName, len(prows))
	}
	if r := prows[k]; r.State != "Đã tự đánh giá" || r.Href != "/assessments/"+citizenAID {
		t.Errorf("the pledge list shows the citizen as %q linking to %q, want «Đã tự đánh giá» and /assessments/%s", r.State, r.Href, citizenAID)
	}
	// The elderly person the demo left without a pledge: the first of the village, in the
	// list's order, aged 70 or more this year (the server prints "NAME (YEAR) … has not pledged yet").
	k = slices.IndexFunc(prows, func(r titleListRow) bool {
		y, err := strconv.Atoi(r.Birth[max(len(r.Birth)-4, 0):])
		return err == nil && year-y >= 70
	})
	if k < 0 || prows[k].Tick == "" {
		var old []string
		for _, r := range prows {
			if y, err := strconv.Atoi(r.Birth[max(len(r.Birth)-4, 0):]); err == nil && year-y >= 70 {
				old = append(old, fmt.Sprintf("%s %s %q", r.Name, r.Birth, r.Status))
			}
		}
		t.Fatalf("the pledge list has no person aged 70+ without a pledge first in line, as the demo promises; the people aged 70+ are %q", old)
	}
	elder := prows[k]
	t.Logf("the elderly person: %s, born %s (citizen %s)", elder.Name, elder.Birth, elder.Tick)
	if elder.Status != "Chưa đăng ký" {
		t.Errorf("%s's row says %q, want «Chưa đăng ký»", elder.Name, elder.Status)
	}
	titleTickAndPress(t, col, []string{elder.Tick}, `main form[action$="/pledges"] button[type=submit]`, "Đăng ký cho những người đã chọn")
	if p := info(t, col).Path; p != pledgesHref {
		t.Fatalf("pledging led to %s, want back to %s; %s", p, pledgesHref, messages(col))
	}
	titleFlash(t, col, "pledging for the elderly person", "Đã đăng ký phấn đấu cho những người đã chọn")
	prows = titlePledgeRows(t, col)
	k = slices.IndexFunc(prows, func(r titleListRow) bool { return r.Name == elder.Name && r.Birth == elder.Birth })
	if k < 0 {
		t.Fatalf("after pledging, the list lost %s", elder.Name)
	}
	er := prows[k]
	am := regexp.MustCompile(`^/assessments/(\d+)/form$`).FindStringSubmatch(er.Assist)
	if er.State != "Đã đăng ký" || er.Label != "Nhập hộ" || am == nil || er.Tick != "" {
		t.Fatalf("after pledging, %s's row shows %q, button %q → %q, tick box %q; want «Đã đăng ký», «Nhập hộ» → /assessments/ID/form, none", elder.Name, er.Status, er.Label, er.Assist, er.Tick)
	}
	elderAID := am[1]
	lap("collector: pledge for the elderly person")

	click(t, col, fmt.Sprintf(`main a.button[href=%q]`, er.Assist))
	if p := info(t, col).Path; p != er.Assist {
		t.Fatalf("«Nhập hộ» led to %s, want %s", p, er.Assist)
	}
	if lg, err := text(col, "fieldset.consent legend"); err != nil || lg != "Sự đồng ý của người dân" {
		t.Fatalf("the assisted form has no consent block: legend %q (%v)", lg, err)
	}
	if n := titleEval[int](t, col, "count the consent choices", `document.querySelectorAll("fieldset.consent input[name=consent_method]:checked").length`); n != 0 {
		t.Errorf("a consent choice is made before the collector makes it")
	}
	titleScores(t, col, titleElderScores)
	resp = titleButton(t, col, "form#self-assessment button[type=submit]", "Nộp bản tự đánh giá")
	if resp.Status != 422 {
		t.Errorf("submitting without consent gave status %d, want 422", resp.Status)
	}
	if e, err := text(col, "fieldset.consent .field-error"); err != nil || !strings.Contains(e, "Hãy ghi nhận sự đồng ý") {
		t.Fatalf("submitting without consent: the consent block says %q (%v), want «Hãy ghi nhận sự đồng ý…»; %s", e, err, messages(col))
	}
	screenshot(t, col, "title_assisted_no_consent_desktop")
	if s := titleStateBehind(t, col, elderAID); s != "Đã đăng ký" {
		t.Errorf("after the refused submission the assessment is %q, want still «Đã đăng ký» (nothing saved)", s)
	}
	got := titleCheckedScores(t, col)
	var want []string
	for _, v := range titleElderScores {
		want = append(want, strconv.Itoa(v))
	}
	if !slices.Equal(got, want) {
		t.Errorf("after the refusal the form kept the scores %q, want %q: the collector must tap them again", got, want)
		titleScores(t, col, titleElderScores)
	}
	paper := `fieldset.consent input[name=consent_method][value="paper"]`
	if err := chromedp.Do(col, chromedp.Click(chromedp.CSS(paper), chromedp.NodeVisible)); err != nil {
		t.Fatalf("choose paper consent: %v", err)
	}
	noteOverflow(t, col, "the assisted form at 1280px")
	resp = titleButton(t, col, "form#self-assessment button[type=submit]", "Nộp bản tự đánh giá")
	if resp.Status != 200 || info(t, col).Path != "/assessments/"+elderAID {
		t.Fatalf("submitting with paper consent gave status %d on %s, want /assessments/%s; %s", resp.Status, location(col), elderAID, messages(col))
	}
	if s := titleState(t, col); s != "Đã tự đánh giá" {
		t.Errorf("after the assisted submission the state is %q, want «Đã tự đánh giá»", s)
	}
	if e := titleFacts(t, col)["Cách nộp"]; !strings.HasPrefix(e, "Cán bộ nhập hộ") || !strings.Contains(e, "Ký trên giấy") {
		t.Errorf("the assisted assessment says «Cách nộp: %s», want «Cán bộ nhập hộ, … Ký trên giấy»", e)
	}
	lap("collector: assisted entry, refused then with consent")

	// Residents are verified at their village, by the collector; staff at their work unit. The
	// demo citizen is a resident of the collector's village.
	open(t, col, "/assessments/"+citizenAID, 200)
	if s := titleState(t, col); s != "Đã tự đánh giá" {
		t.Errorf("the collector sees the citizen's assessment as %q, want «Đã tự đánh giá»", s)
	}
	if fs := titleFacts(t, col); fs["Nhóm đối tượng"] == "Cán bộ, công chức, viên chức, nhân viên, doanh nhân" {
		t.Fatalf("the demo citizen is staff of a work unit: the collector cannot verify them")
	}
	open(t, col, "/cycles/"+cycleID+"/assessments?state=self_assessed&verify=1", 200)
	if !has(t, col, fmt.Sprintf(`main input[name=id][value=%q]`, citizenAID)) {
		t.Errorf("the collector's list to verify does not hold the citizen of their village")
	}

	// Verify the elderly person's in bulk, on that list.
	titleTickAndPress(t, col, []string{elderAID}, `main form[action="/assessments/verify"] button[type=submit]`, "Xác nhận các hồ sơ đã chọn")
	titleFlash(t, col, "verifying in bulk", "Đã xác nhận các hồ sơ đã chọn")
	if has(t, col, fmt.Sprintf(`main input[name=id][value=%q]`, elderAID)) {
		t.Errorf("after verifying in bulk, %s is still on the list to verify", elder.Name)
	}
	open(t, col, "/assessments/"+elderAID, 200)
	if s := titleState(t, col); s != "Đã xác nhận" {
		t.Errorf("after verifying in bulk, %s's assessment is %q, want «Đã xác nhận»", elder.Name, s)
	}
	lap("collector: verify the elderly person in bulk")
	// ==== 2b. The collector verifies the citizen, changing one score.
	unit := col
	open(t, unit, "/cycles/"+cycleID+"/assessments?state=self_assessed&verify=1", 200)
	click(t, unit, fmt.Sprintf(`main a[href="/assessments/%s"]`, citizenAID))
	// First without a reason.
	scoreSel := fmt.Sprintf(`main form[action$="/verify"] input[name="score_%s"]`, titleAdjustCode)
	wait(t, unit, scoreSel)
	if v, err := chromedp.Run(unit, chromedp.Value(chromedp.CSS(scoreSel))); err != nil || v != strconv.Itoa(titleCitizenScores[5]) {
		t.Fatalf("%s holds %q (%v), want the self score %d", scoreSel, v, err, titleCitizenScores[5])
	}
	if err := chromedp.Do(unit, chromedp.Clear(chromedp.CSS(scoreSel)), chromedp.SendKeys(chromedp.CSS(scoreSel), strconv.Itoa(titleAdjustTo))); err != nil {
		t.Fatalf("type the new score of %s: %v", titleAdjustCode, err)
	}
	verifyButton := `main form[action$="/verify"] button[type=submit]`
	resp = titleButton(t, unit, verifyButton, "Xác nhận")
	if resp.Status != 422 {
		t.Errorf("verifying a changed score without a reason gave status %d, want 422", resp.Status)
	}
	errText, err := text(unit, "main .error-box")
	if err != nil {
		t.Fatalf("verifying a changed score without a reason shows no error box: %v; %s", err, messages(unit))
	}
	if !strings.Contains(errText, titleAdjustCode) || !strings.Contains(errText, "lý do") {
		t.Errorf("without a reason the error box says %q, want it to name %s and ask for the reason («… lý do …»)", errText, titleAdjustCode)
	}
	rowErr, err := text(unit, "main table.scores tbody tr:nth-child(6) .field-error")
	if err != nil || rowErr == "" {
		t.Errorf("without a reason the row of %s shows no error: %q (%v)", titleAdjustCode, rowErr, err)
	}
	t.Logf("without a reason the page says %q, and in the row of %s %q", errText, titleAdjustCode, rowErr)
	if s := titleState(t, unit); s != "Đã tự đánh giá" {
		t.Errorf("after the refused verification the page shows %q, want «Đã tự đánh giá»", s)
	}
	if s := titleStateBehind(t, unit, citizenAID); s != "Đã tự đánh giá" {
		t.Errorf("after the refused verification the assessment is %q, want still «Đã tự đánh giá»", s)
	}
	if v, _ := chromedp.Run(unit, chromedp.Value(chromedp.CSS(scoreSel))); v != strconv.Itoa(titleAdjustTo) {
		t.Errorf("after the refusal %s holds %q, want the typed %d kept", scoreSel, v, titleAdjustTo)
		_ = chromedp.Do(unit, chromedp.Clear(chromedp.CSS(scoreSel)), chromedp.SendKeys(chromedp.CSS(scoreSel), strconv.Itoa(titleAdjustTo)))
	}
	if err := chromedp.Do(unit, typeInto("reason_"+titleAdjustCode, titleAdjustReason)); err != nil {
		t.Fatalf("type the reason: %v", err)
	}
	resp = titleButton(t, unit, verifyButton, "Xác nhận")
	if resp.Status != 200 || info(t, unit).Path != "/assessments/"+citizenAID {
		t.Fatalf("verifying with a reason gave status %d on %s; %s", resp.Status, location(unit), messages(unit))
	}
	titleFlash(t, unit, "verifying", "Đã xác nhận hồ sơ")
	if s := titleState(t, unit); s != "Đã xác nhận" {
		t.Errorf("after verifying, the state is %q, want «Đã xác nhận»", s)
	}
	rows = titleScoreRows(t, unit)
	adjusted := fmt.Sprintf("Đã sửa từ %d thành %d: %s", titleCitizenScores[5], titleAdjustTo, titleAdjustReason)
	if r := rows[5]; !strings.HasPrefix(r.Indicator, titleAdjustCode) || !strings.Contains(r.Indicator, adjusted) || r.Score != strconv.Itoa(titleAdjustTo) {
		t.Errorf("the row of %s reads %q / %q, want the adjustment «%s»", titleAdjustCode, r.Indicator, r.Score, adjusted)
	}
	if tot := titleFacts(t, unit)["Tổng điểm"]; !strings.HasPrefix(tot, "82") {
		t.Errorf("after the adjustment the total is %q, want 82", tot)
	}
	screenshot(t, unit, "title_assessment_verified_desktop")
	if err := chromedp.Do(unit, emulate(titlePhone)); err != nil {
		t.Fatal(err)
	}
	noteOverflow(t, unit, "the verified assessment at 360px")
	screenshot(t, unit, "title_assessment_verified_phone")
	if err := chromedp.Do(unit, emulate(desktop)); err != nil {
		t.Fatal(err)
	}
	lap("collector: verify the citizen with an adjustment")

	// ==== 3. The commune officer: appraisal, proposal list, decision, certificates.
	off := titleTab(t, desktop)
	officer := demo(t, "commune_officer", 0)
	if officer.Scope != "Phường Ba Đình" {
		t.Fatalf("the first commune officer covers %q, want Phường Ba Đình", officer.Scope)
	}
	titleSignIn(t, off, officer)
	click(t, off, fmt.Sprintf(`section.queue a[href="/cycles/%s"]`, cycleID))
	if pi := info(t, off); pi.Path != "/cycles/"+cycleID || !strings.HasPrefix(pi.H1, "Công dân học tập") || !strings.HasSuffix(pi.H1, fmt.Sprintf("Năm đánh giá %d", year)) {
		t.Fatalf("the work queue led to %s, h1 %q; want /cycles/%s, «Công dân học tập … Năm đánh giá %d»", pi.Path, pi.H1, cycleID, year)
	}
	click(t, off, `ol.pipeline a[href$="state=verified"]`)
	if p := titlePath(t, off); p != "/cycles/"+cycleID+"/assessments?state=verified" {
		t.Fatalf("the pipeline's «Đã xác nhận» led to %s", p)
	}
	// The commune has many verified records; show only the collector's village.
	open(t, off, "/cycles/"+cycleID+"/assessments?state=verified&village="+villageID, 200)
	for _, id := range []string{citizenAID, elderAID} {
		if !has(t, off, fmt.Sprintf(`main input[name=id][value=%q]`, id)) {
			t.Fatalf("the appraisal list of the village lacks assessment %s", id)
		}
	}
	// The citizen one by one, the elderly person in bulk.
	open(t, off, "/assessments/"+citizenAID, 200)
	propose := `main form[action$="/appraise"]:has(input[name=propose][value="1"]) button[type=submit]`
	if resp := titleButton(t, off, propose, "Đề nghị công nhận"); resp.Status != 200 {
		t.Fatalf("«Đề nghị công nhận» gave status %d on %s; %s", resp.Status, location(off), messages(off))
	}
	titleFlash(t, off, "appraising", "Đã ghi kết quả thẩm định")
	if s := titleState(t, off); s != "Đã thẩm định" {
		t.Errorf("after appraising, the citizen's assessment is %q, want «Đã thẩm định»", s)
	}
	open(t, off, "/cycles/"+cycleID+"/assessments?state=verified&village="+villageID, 200)
	titleTickAndPress(t, off, []string{elderAID}, `main form[action="/assessments/appraise"] button[type=submit]`, "Thẩm định các hồ sơ đã chọn")
	titleFlash(t, off, "appraising in bulk", "Đã thẩm định các hồ sơ đã chọn")
	lap("officer: appraise one by one and in bulk")

	open(t, off, "/cycles/"+cycleID, 200)
	proposalHref := fmt.Sprintf("/cycles/%s/communes/%s", cycleID, titleCommune)
	click(t, off, fmt.Sprintf(`main a[href=%q]`, proposalHref))
	if pi := info(t, off); pi.Path != proposalHref || !strings.HasPrefix(pi.H1, "Danh sách đề nghị công nhận") {
		t.Fatalf("the commune link led to %s, h1 %q; want %s", pi.Path, pi.H1, proposalHref)
	}
	type proposalRow struct {
		Name  string `json:"name"`
		Href  string `json:"href"`
		State string `json:"state"`
	}
	props := titleEval[[]proposalRow](t, off, "read the proposal list", `[...document.querySelectorAll("main table tbody tr")].map(r => ({
		name: r.cells[0].innerText.trim(), href: r.cells[0].querySelector("a").getAttribute("href"), state: r.cells[4].innerText.trim()}))`)
	for _, id := range []string{citizenAID, elderAID} {
		k := slices.IndexFunc(props, func(r proposalRow) bool { return r.Href == "/assessments/"+id })
		if k < 0 {
			t.Errorf("the proposal list lacks /assessments/%s", id)
		} else if props[k].State != "Đã thẩm định — đề nghị công nhận" {
			t.Errorf("the proposal list shows %s as %q, want «Đã thẩm định — đề nghị công nhận»", props[k].Name, props[k].State)
		}
	}
	xlsxHref := titleLinkByText(t, off, "Xuất danh sách đề nghị công nhận (Excel)")
	f, body := titleFetch(t, off, xlsxHref)
	if f.Status != 200 || f.Type != titleXLSXType {
		t.Fatalf("fetch %s: status %d, Content-Type %q, want 200 and %s; body starts %q", xlsxHref, f.Status, f.Type, titleXLSXType, body[:min(len(body), 200)])
	}
	if !strings.Contains(f.Disposition, "attachment") || !strings.Contains(f.Disposition, ".xlsx") {
		t.Errorf("fetch %s: Content-Disposition %q, want an attachment *.xlsx", xlsxHref, f.Disposition)
	}
	if book, err := excelize.OpenReader(bytes.NewReader(body)); err != nil {
		t.Errorf("the proposal list is no .xlsx that excelize opens: %v", err)
	} else {
		var cells []string
		for _, sh := range book.GetSheetList() {
			rows, _ := book.GetRows(sh)
			for _, r := range rows {
				cells = append(cells, strings.Join(r, " | "))
			}
		}
		book.Close()
		all := strings.Join(cells, "\n")
		for _, name := range []string{citizenName, elder.Name} {
			if !strings.Contains(all, name) {
				t.Errorf("the proposal list .xlsx lacks %s; its rows: %q", name, cells[:min(len(cells), 8)])
			}
		}
	}
	lap("officer: proposal page and its .xlsx")

	wait(t, off, "main form[action$='/decisions'] input#number")
	if v, _ := chromedp.Run(off, chromedp.Value(chromedp.ID("signed_on"))); v != today.Format("2006-01-02") {
		t.Errorf("the decision form's date starts at %q, want today %s", v, today.Format("2006-01-02"))
	}
	if err := chromedp.Do(off,
		typeInto("number", titleDecision),
		chromedp.SetValue(chromedp.ID("signed_on"), today.Format("2006-01-02")),
		typeInto("signer", titleSigner),
		typeInto("signer_title", titleSignerTitle),
		typeInto("issuing_body", titleIssuingBody),
	); err != nil {
		t.Fatalf("fill in the decision form: %v", err)
	}
	resp = titleButton(t, off, "main form[action$='/decisions'] button[type=submit]", "Ghi quyết định công nhận")
	if resp.Status != 200 {
		t.Fatalf("recording the decision gave status %d on %s; %s", resp.Status, location(off), messages(off))
	}
	decisionID := titleMatch(t, off, "recording the decision", regexp.MustCompile(`^/decisions/(\d+)$`))[1]
	titleFlash(t, off, "recording the decision", "Đã ghi quyết định công nhận")
	if h1 := info(t, off).H1; h1 != "Quyết định "+titleDecision {
		t.Errorf("the decision page's h1 is %q, want «Quyết định %s»", h1, titleDecision)
	}
	dfs := titleFacts(t, off)
	if dfs["Được công nhận"] != "2" || dfs["Người ký"] != titleSignerTitle+": "+titleSigner || dfs["Cơ quan ban hành"] != titleIssuingBody {
		t.Errorf("the decision page shows %q, want 2 recognised, signed by %s: %s, issued by %s", dfs, titleSignerTitle, titleSigner, titleIssuingBody)
	}
	decided := titleEval[[]proposalRow](t, off, "read the decision's list", `[...document.querySelectorAll("main table tbody tr")].map(r => ({
		name: r.cells[0].innerText.trim(), href: r.cells[0].querySelector("a").getAttribute("href"), state: r.cells[4].innerText.trim()}))`)
	for _, p := range []struct{ id, name string }{{citizenAID, citizenName}, {elderAID, elder.Name}} {
		k := slices.IndexFunc(decided, func(r proposalRow) bool { return r.Href == "/assessments/"+p.id })
		if k < 0 || decided[k].Name != p.name || decided[k].State != "Được công nhận" {
			t.Errorf("the decision lists %+v, want %s (/assessments/%s) «Được công nhận»", decided, p.name, p.id)
		}
	}
	if len(decided) != 2 {
		t.Errorf("the decision lists %d people, want the 2 of this test: %+v", len(decided), decided)
	}
	screenshot(t, off, "title_decision_desktop")
	if err := chromedp.Do(off, emulate(titlePhone)); err != nil {
		t.Fatal(err)
	}
	noteOverflow(t, off, "the decision page at 360px")
	screenshot(t, off, "title_decision_phone")
	lap("officer: record the decision")

	all := titleReadPDF(t, dir, "certificates", titleGetPDF(t, off, "/decisions/"+decisionID+"/certificates.pdf"), citizenName, elder.Name, titleDecision)
	if len(all) != 2 {
		t.Errorf("the decision's certificates.pdf has %d readable QR codes, want 2 (one per person): %q", len(all), all)
	}
	lap("officer: certificates.pdf, text and QR codes")

	// The citizen's own certificate.
	open(t, cit, "/me/title", 200)
	if s := titleState(t, cit); s != "Được công nhận" {
		t.Errorf("the citizen's title page shows %q, want «Được công nhận»", s)
	}
	certHref := fmt.Sprintf("/assessments/%s/certificate.pdf", citizenAID)
	if b, err := text(cit, fmt.Sprintf(`main a[href=%q]`, certHref)); err != nil || b != "Tải giấy chứng nhận (PDF)" {
		t.Errorf("the citizen's title page has no button «Tải giấy chứng nhận (PDF)» to %s: %q (%v)", certHref, b, err)
	}
	own := titleReadPDF(t, dir, "certificate-citizen", titleGetPDF(t, cit, certHref), citizenName, titleDecision)
	if pages, _ := filepath.Glob(filepath.Join(dir, "certificate-citizen-*.png")); len(pages) > 0 {
		slices.Sort(pages)
		if b, err := os.ReadFile(pages[0]); err == nil {
			if err := os.WriteFile(filepath.Join(env.shots, "title_certificate_page1.png"), b, 0o644); err != nil {
				t.Errorf("keep the certificate's page: %v", err)
			}
		}
	}
	if len(own) != 1 {
		t.Fatalf("the citizen's certificate has %d readable QR codes, want 1: %q", len(own), own)
	}
	if !slices.Contains(all, own[0]) {
		t.Errorf("the citizen's certificate points to %s, which is not among the decision's certificates %q", own[0], all)
	}
	if resp, _ := titleGet(t, cit, fmt.Sprintf("/assessments/%s/certificate.pdf", elderAID)); resp.StatusCode == 200 {
		t.Errorf("the citizen may download the elderly neighbour's certificate (status 200)")
	}
	lap("citizen: own certificate")

	// ==== The public verification page, from the QR code, without signing in.
	anon := titleTab(t, titlePhone)
	verifyPath := strings.TrimPrefix(own[0], env.baseURL)
	open(t, anon, verifyPath, 200)
	if pi := info(t, anon); pi.H1 != "Kiểm tra giấy chứng nhận" {
		t.Errorf("the verification page's h1 is %q, want «Kiểm tra giấy chứng nhận»", pi.H1)
	}
	if v, err := text(anon, "main .verdict"); err != nil || !strings.Contains(v, "Giấy chứng nhận hợp lệ") {
		t.Errorf("the verification page says %q (%v), want «Giấy chứng nhận hợp lệ»", v, err)
	}
	vfs := titleFacts(t, anon)
	if got, want := vfs["Người được công nhận"], titleMask(citizenName); got != want {
		t.Errorf("the verification page shows the holder %q, want %q (family name and initials)", got, want)
	}
	if !strings.Contains(vfs["Số quyết định"], titleDecision) {
		t.Errorf("the verification page shows the decision %q, want %s", vfs["Số quyết định"], titleDecision)
	}
	page := titleEval[string](t, anon, "read the page", `document.documentElement.innerText + "\n" + document.documentElement.outerHTML`)
	if strings.Contains(page, citizenName) {
		t.Errorf("the public verification page shows the full name %q", citizenName)
	}
	if strings.Contains(page, nationalID) || regexp.MustCompile(`\b\d{12}\b`).MatchString(page) {
		t.Errorf("the public verification page shows an ID number")
	}
	if has(t, anon, `form[action="/logout"]`) {
		t.Errorf("the anonymous tab is signed in")
	}
	noteOverflow(t, anon, "the verification page at 360px")
	screenshot(t, anon, "title_verify_phone")
	lap("anonymous: the verification page")
	if d := time.Since(began); d > 2*time.Minute {
		t.Logf("the year took %s, more than two minutes", d.Round(time.Second))
	}
}

const titleXLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
