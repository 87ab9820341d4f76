package e2e

// TestCollectiveYear walks the collective titles through the browser: the collector registers
// a household of their village for «Gia đình học tập» from the household's page, sees the
// items computed from the registry on the form, scores the others and submits; verifies it;
// the Ba Đình commune officer appraises it and records the decision; the certificate prints
// with the household's name and its QR code opens the public page. Then the school's unit
// officer registers the school for «Đơn vị học tập» (TT 22/2020, recognised by the commune)
// and the commune officer verifies, appraises and decides it; its certificate names the grade.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// collectiveComputed is one computed line of a self-assessment form.
type collectiveComputed struct {
	Code    string   `json:"code"`
	Text    string   `json:"text"`
	Members []string `json:"members"`
}

// collectiveReadComputed reads the "Tính từ dữ liệu" lines of the form on screen.
func collectiveReadComputed(t *testing.T, ctx context.Context) []collectiveComputed {
	t.Helper()
	return titleEval[[]collectiveComputed](t, ctx, "read the computed items", `[...document.querySelectorAll("form#self-assessment fieldset.indicator")]
		.filter(f => f.querySelector(".computed-item")).map(f => ({code: f.dataset.code, text: f.querySelector(".computed-item").innerText.trim(),
		members: [...f.querySelectorAll(".computed-item + details li")].map(li => li.textContent.trim())}))`)
}

// collectiveScoreAll taps the highest score of every indicator that is not computed, and returns
// how many it tapped.
func collectiveScoreAll(t *testing.T, ctx context.Context) int {
	t.Helper()
	return titleEval[int](t, ctx, "tap the scores", `(() => { let n = 0;
		for (const f of document.querySelectorAll("form#self-assessment fieldset.indicator")) {
			if (f.querySelector(".computed-item")) continue;
			const ls = f.querySelectorAll("label.point");
			if (ls.length) { ls[ls.length - 1].click(); n++; }
		}
		return n; })()`)
}

// collectiveDecide records a decision on the commune's proposal page of a cycle and returns
// the decision's id.
func collectiveDecide(t *testing.T, ctx context.Context, cycleID, number string) string {
	t.Helper()
	today := time.Now().In(titleZone).Format("2006-01-02")
	open(t, ctx, fmt.Sprintf("/cycles/%s/communes/%s", cycleID, titleCommune), 200)
	wait(t, ctx, "main form[action$='/decisions'] input#number")
	if err := chromedp.Do(ctx,
		typeInto("number", number),
		chromedp.SetValue(chromedp.ID("signed_on"), today),
		typeInto("signer", titleSigner),
		typeInto("signer_title", titleSignerTitle),
		typeInto("issuing_body", titleIssuingBody),
	); err != nil {
		t.Fatalf("fill in the decision form: %v", err)
	}
	resp := titleButton(t, ctx, "main form[action$='/decisions'] button[type=submit]", "Ghi quyết định công nhận")
	if resp.Status != 200 {
		t.Fatalf("recording the decision gave status %d on %s; %s", resp.Status, location(ctx), messages(ctx))
	}
	return titleMatch(t, ctx, "recording the decision", regexp.MustCompile(`^/decisions/(\d+)$`))[1]
}

// collectiveCycleID returns the id of this year's cycle of a title from the list of cycles.
func collectiveCycleID(t *testing.T, ctx context.Context, title string) string {
	t.Helper()
	year := time.Now().In(titleZone).Year()
	open(t, ctx, "/cycles", 200)
	href := titleLinkByText(t, ctx, fmt.Sprintf("%s %d", title, year))
	m := regexp.MustCompile(`^/cycles/(\d+)$`).FindStringSubmatch(href)
	if m == nil {
		t.Fatalf("the cycle «%s %d» links to %q", title, year, href)
	}
	return m[1]
}

// collectiveShots takes a screenshot at desktop and phone widths and returns to the desktop.
func collectiveShots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if err := chromedp.Do(ctx, emulate(desktop)); err != nil {
		t.Fatal(err)
	}
	noteOverflow(t, ctx, name+" at 1280px")
	screenshot(t, ctx, name+"_desktop")
	if err := chromedp.Do(ctx, emulate(titlePhone)); err != nil {
		t.Fatal(err)
	}
	noteOverflow(t, ctx, name+" at 360px")
	screenshot(t, ctx, name+"_phone")
	if err := chromedp.Do(ctx, emulate(desktop)); err != nil {
		t.Fatal(err)
	}
}

// collectivePDF downloads a certificate, checks its text and decodes its QR code, then opens
// the public page it points to and returns that page's facts.
func collectivePDF(t *testing.T, ctx context.Context, dir, name, assessmentID string, wantText ...string) map[string]string {
	t.Helper()
	urls := titleReadPDF(t, dir, name, titleGetPDF(t, ctx, "/assessments/"+assessmentID+"/certificate.pdf"), wantText...)
	if len(urls) != 1 {
		t.Fatalf("the certificate %s has %d readable QR codes, want 1: %q", name, len(urls), urls)
	}
	anon := titleTab(t, titlePhone)
	open(t, anon, strings.TrimPrefix(urls[0], env.baseURL), 200)
	if v, err := text(anon, "main .verdict"); err != nil || !strings.Contains(v, "Giấy chứng nhận hợp lệ") {
		t.Errorf("the verification page of %s says %q (%v), want «Giấy chứng nhận hợp lệ»", name, v, err)
	}
	page := titleEval[string](t, anon, "read the page", `document.querySelector("main").innerText`)
	facts := titleFacts(t, anon)
	facts["(page)"] = page
	screenshot(t, anon, name+"_verify_phone")
	return facts
}

func TestCollectiveYear(t *testing.T) {
	dir := t.TempDir()

	// ==== 1. The collector: a household of their village, from its page.
	col := titleTab(t, desktop)
	collector := demo(t, "collector", 0)
	titleSignIn(t, col, collector)
	pledgesHref := titleLinkByText(t, col, "Đăng ký phấn đấu cho người trong thôn")
	vm := regexp.MustCompile(`^/villages/(\d+)/pledges$`).FindStringSubmatch(pledgesHref)
	if vm == nil {
		t.Fatalf("the collector's home links the pledges to %q", pledgesHref)
	}
	villageID := vm[1]
	open(t, col, "/villages/"+villageID+"/families", 200)
	households := titleEval[[]string](t, col, "list the households", `[...document.querySelectorAll("main table tbody tr")]
		.filter(r => r.querySelector("form[action^='/register/household/']")).map(r => r.querySelector("a[href^='/households/']").getAttribute("href"))`)
	if len(households) == 0 {
		t.Fatalf("the families page of village %s has no household left to register; %s", villageID, messages(col))
	}
	register := `main section.title-box form[action^="/register/household/"] button[type=submit]`
	var householdHref, assessmentID, householdName string
	var computed []collectiveComputed
	for _, h := range households {
		open(t, col, h, 200)
		householdName = info(t, col).H1
		resp := titleButton(t, col, register, "Đăng ký «Gia đình học tập» năm nay")
		if resp.Status != 200 {
			t.Fatalf("registering %s gave status %d; %s", h, resp.Status, messages(col))
		}
		m := titleMatch(t, col, "registering the household", regexp.MustCompile(`^/assessments/(\d+)/form$`))
		computed = collectiveReadComputed(t, col)
		if len(computed) == 2 { // GD01 and GD06 both defined: a household with adults of 19–60
			householdHref, assessmentID = h, m[1]
			break
		}
		t.Logf("%s (%s): %d computed items defined, trying another household", h, householdName, len(computed))
	}
	if assessmentID == "" {
		t.Fatalf("no household of village %s has both computed items defined", villageID)
	}
	t.Logf("household %s %q: computed %+v", householdHref, householdName, computed)
	valueRe := regexp.MustCompile(`^Tính từ dữ liệu: (\d+)/10 (?i:điểm) — (\d+)/(\d+) \((\d+)%\) vào ngày \d{2}/\d{2}/\d{4}$`)
	noneRe := regexp.MustCompile(`^Tính từ dữ liệu: 10/10 điểm — không có ai thuộc diện tính: được tính đủ điểm$`)
	for _, c := range computed {
		if c.Code == "GD01" && len(c.Members) == 0 && noneRe.MatchString(c.Text) {
			continue // no child of school age: full marks (if_none "full")
		}
		m := valueRe.FindStringSubmatch(c.Text)
		if m == nil {
			t.Errorf("the computed line of %s reads %q, want «Tính từ dữ liệu: P/10 điểm — n/d (p%%) vào ngày dd/mm/yyyy»", c.Code, c.Text)
			continue
		}
		if c.Code == "GD06" && (m[3] == "0" || len(c.Members) == 0) {
			t.Errorf("GD06 of the household counts no adult: %q, members %q", c.Text, c.Members)
		}
		if m[3] != fmt.Sprint(len(c.Members)) {
			t.Errorf("%s: the denominator %s does not match the %d members listed %q", c.Code, m[3], len(c.Members), c.Members)
		}
	}
	if has(t, col, "fieldset.consent") {
		t.Errorf("the household's form asks for a person's consent")
	}
	if n := collectiveScoreAll(t, col); n != 8 {
		t.Errorf("tapped %d indicators, want the 8 that are not computed", n)
	}
	collectiveShots(t, col, "collective_household_form")
	resp := titleButton(t, col, "form#self-assessment button[type=submit]", "Nộp bản tự đánh giá")
	if resp.Status != 200 || info(t, col).Path != "/assessments/"+assessmentID {
		t.Fatalf("submitting the household gave status %d on %s; %s", resp.Status, location(col), messages(col))
	}
	if s := titleState(t, col); s != "Đã tự đánh giá" {
		t.Errorf("after submitting, the household is %q", s)
	}
	// The collector verifies the households of their village.
	resp = titleButton(t, col, `main form[action$="/verify"] button[type=submit]`, "Xác nhận")
	if resp.Status != 200 {
		t.Fatalf("verifying the household gave status %d; %s", resp.Status, messages(col))
	}
	if s := titleState(t, col); s != "Đã xác nhận" {
		t.Fatalf("after verifying, the household is %q; %s", s, messages(col))
	}

	// ==== 2. The commune officer appraises and decides.
	off := titleTab(t, desktop)
	officer := demo(t, "commune_officer", 0)
	titleSignIn(t, off, officer)
	open(t, off, "/assessments/"+assessmentID, 200)
	propose := `main form[action$="/appraise"]:has(input[name=propose][value="1"]) button[type=submit]`
	if resp := titleButton(t, off, propose, "Đề nghị công nhận"); resp.Status != 200 {
		t.Fatalf("appraising the household gave status %d; %s", resp.Status, messages(off))
	}
	familyCycle := collectiveCycleID(t, off, "Gia đình học tập")
	collectiveDecide(t, off, familyCycle, "31/QĐ-HKH")
	open(t, off, "/assessments/"+assessmentID, 200)
	if s := titleState(t, off); s != "Được công nhận" {
		t.Fatalf("after the decision the household is %q", s)
	}
	subject := titleEval[string](t, off, "read the subject", `document.querySelector("main h1 a").innerText.trim()`)
	facts := collectivePDF(t, col, dir, "collective_household_certificate", assessmentID, subject, "Gia đình học tập")
	if !strings.Contains(facts["(page)"], "Gia đình học tập") {
		t.Errorf("the household's verification page does not name «Gia đình học tập»: %q", facts["(page)"])
	}
	if got := facts["Người được công nhận"]; !strings.HasPrefix(got, "Hộ ") || got != "Hộ "+titleMask(strings.TrimPrefix(subject, "Hộ ")) {
		t.Errorf("the household's verification page shows %q, want «Hộ » and the head's masked name (of %q)", got, subject)
	}

	// ==== 3. The unit officer: the school, from its page.
	uo := titleTab(t, desktop)
	titleSignIn(t, uo, demo(t, "unit_officer", 0))
	open(t, uo, "/work-units", 200)
	unitHref := titleLinkByText(t, uo, "Trường Tiểu học Ba Đình")
	open(t, uo, unitHref, 200)
	resp = titleButton(t, uo, `main section.title-box form[action^="/register/work_unit/"] button[type=submit]`, "Đăng ký «Đơn vị học tập» năm nay")
	if resp.Status != 200 {
		t.Fatalf("registering the school gave status %d; %s", resp.Status, messages(uo))
	}
	unitAID := titleMatch(t, uo, "registering the school", regexp.MustCompile(`^/assessments/(\d+)/form$`))[1]
	uc := collectiveReadComputed(t, uo)
	if len(uc) != 1 || uc[0].Code != "DV08" || !strings.Contains(uc[0].Text, "Tính từ dữ liệu") || len(uc[0].Members) == 0 {
		t.Fatalf("the school's form computes %+v, want DV08 with the staff listed", uc)
	}
	t.Logf("school DV08: %q (%d staff listed)", uc[0].Text, len(uc[0].Members))
	collectiveScoreAll(t, uo)
	resp = titleButton(t, uo, "form#self-assessment button[type=submit]", "Nộp bản tự đánh giá")
	if resp.Status != 200 || info(t, uo).Path != "/assessments/"+unitAID {
		t.Fatalf("submitting the school gave status %d on %s; %s", resp.Status, location(uo), messages(uo))
	}
	if has(t, uo, `main form[action$="/verify"]`) {
		t.Errorf("the unit officer may verify their own unit")
	}

	// The commune verifies, appraises and decides (TT 22/2020: the commune recognises).
	open(t, off, "/assessments/"+unitAID, 200)
	if resp := titleButton(t, off, `main form[action$="/verify"] button[type=submit]`, "Xác nhận"); resp.Status != 200 {
		t.Fatalf("verifying the school gave status %d; %s", resp.Status, messages(off))
	}
	if resp := titleButton(t, off, propose, "Đề nghị công nhận"); resp.Status != 200 {
		t.Fatalf("appraising the school gave status %d; %s", resp.Status, messages(off))
	}
	grade := titleFacts(t, off)["Xếp loại"]
	if grade == "" {
		t.Errorf("the appraised school shows no grade (Xếp loại)")
	}
	unitCycle := collectiveCycleID(t, off, "Đơn vị học tập")
	collectiveDecide(t, off, unitCycle, "32/QĐ-HKH")
	open(t, off, "/assessments/"+unitAID, 200)
	if s := titleState(t, off); s != "Được công nhận" {
		t.Fatalf("after the decision the school is %q", s)
	}
	collectiveShots(t, off, "collective_unit_assessment")
	open(t, uo, "/assessments/"+unitAID, 200)
	facts = collectivePDF(t, uo, dir, "collective_unit_certificate", unitAID, "Trường Tiểu học Ba Đình", "Đơn vị học tập", grade)
	if !strings.Contains(facts["(page)"], grade) || !strings.Contains(facts["(page)"], "Đơn vị học tập") {
		t.Errorf("the school's verification page lacks the grade %q or the title: %q", grade, facts["(page)"])
	}
}
