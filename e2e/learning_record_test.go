package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/unicode/norm"
)

// TestLearningRecord walks the learning record: on a 360 px phone the demo citizen declares an
// activity with a photo (first with more hours than the day holds, which is refused), takes
// the digital-skills self-assessment, sees the timeline with this year's totals and downloads
// the portfolio PDF; then the collector of the village confirms the activity at a desk.
func TestLearningRecord(t *testing.T) {
	dir := t.TempDir()
	photo := filepath.Join(dir, "the-thu-vien.png")
	writeEvidencePhoto(t, photo)
	year := time.Now().In(titleZone).Year()
	desc := "Sinh hoạt câu lạc bộ tiếng Anh tổ dân phố " + strconv.FormatInt(time.Now().UnixNano()%100000, 10)

	// ==== 1. The citizen declares an activity with a photo, on a phone.
	cit := titleTab(t, phone)
	citizen := demo(t, "citizen", 0)
	titleSignIn(t, cit, citizen)
	click(t, cit, `nav a[href="/me/learning"]`)
	if pi := info(t, cit); pi.Path != "/me/learning" || !strings.Contains(pi.H1, "Sổ học tập suốt đời") {
		t.Fatalf("the menu's «Sổ học tập» led to %s, h1 %q", pi.Path, pi.H1)
	}
	m := regexp.MustCompile(`/citizens/(\d+)/learning/portfolio\.pdf`).FindStringSubmatch(titleEval[string](t, cit, "read the portfolio link", `document.querySelector("#portfolio").getAttribute("href")`))
	if m == nil {
		t.Fatal("no portfolio link on /me/learning")
	}
	citizenID := m[1]
	click(t, cit, `a[href$="/learning/new"]`)
	wait(t, cit, "form#declare")
	if err := chromedp.Do(cit,
		chromedp.Click(chromedp.CSS(`input[name=kind][value=club]`), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.ID("description"), desc),
		typeInto("hours", "30"),
	); err != nil {
		t.Fatalf("fill in the declaration: %v", err)
	}
	if resp := click(t, cit, `form#declare button[type=submit]`); resp.Status != 422 {
		t.Fatalf("30 hours in one day: status %d, want 422; %s", resp.Status, messages(cit))
	}
	if msg, _ := text(cit, "#hours ~ .field-error"); !strings.Contains(msg, "vượt quá thời gian giữa hai ngày") || !strings.Contains(msg, "24 giờ") {
		t.Errorf("30 hours in one day: the message next to the hours is %q", msg)
	}
	if err := chromedp.Do(cit, typeInto("hours", "2,5"), chromedp.SetUploadFiles(chromedp.CSS("input#file"), []string{photo})); err != nil {
		t.Fatalf("correct the hours and attach the photo: %v", err)
	}
	noteOverflow(t, cit, "declaration form at 360px")
	screenshot(t, cit, "record_declare_phone")
	click(t, cit, `form#declare button[type=submit]`)
	if p := titlePath(t, cit); p != "/me/learning" {
		t.Fatalf("after declaring the tab is on %s; %s", p, messages(cit))
	}
	titleFlash(t, cit, "declaring", "Đã ghi hoạt động vào sổ học tập")
	row := `#timeline tr[data-status="self_declared"]`
	if s, _ := text(cit, row); !strings.Contains(s, desc) || !strings.Contains(s, "Tự kê khai") || !strings.Contains(s, "2,5") {
		t.Errorf("the new activity's row reads %q, want the description, 2,5 hours and «Tự kê khai»", s)
	}
	if !has(t, cit, row+` a[href$="/evidence"]`) {
		t.Error("the new activity has no link to its photo")
	}
	if s, _ := text(cit, `#totals tr[data-year="`+strconv.Itoa(year)+`"]`); !strings.Contains(s, "2,5 giờ") {
		t.Errorf("this year's totals read %q, want 2,5 self-declared hours", s)
	}

	// ==== 2. The digital-skills self-assessment, on the phone.
	click(t, cit, `a[href$="/digital-skills"]`)
	wait(t, cit, "form#digital-form")
	n := titleEval[int](t, cit, "count the statements", `document.querySelectorAll("fieldset.statement").length`)
	if n < 12 {
		t.Fatalf("the self-assessment has %d statements", n)
	}
	// Tap "Tôi làm được" for every statement but two, which the citizen can do with help.
	for i := range n {
		answer := "can"
		if i == 2 || i == 9 {
			answer = "with_help"
		}
		titleEval[bool](t, cit, "answer statement "+strconv.Itoa(i+1), `(() => { const f = document.querySelectorAll("fieldset.statement")[`+strconv.Itoa(i)+`]; f.scrollIntoView(); f.querySelector("input[value=`+answer+`]").click(); return true })()`)
	}
	noteOverflow(t, cit, "digital-skills form at 360px")
	screenshot(t, cit, "record_digital_phone")
	click(t, cit, `form#digital-form button[type=submit]`)
	titleFlash(t, cit, "the self-assessment", "Đã lưu kết quả tự đánh giá kỹ năng số")
	if s, _ := text(cit, "#result"); !strings.Contains(s, "Thành thạo") {
		t.Errorf("the result reads %q, want «Thành thạo»", s)
	}
	screenshot(t, cit, "record_digital_result_phone")

	// ==== 3. The timeline and the portfolio.
	click(t, cit, `a[href="/me/learning"]`)
	if s, _ := text(cit, "#timeline tr.item-digital_result"); !strings.Contains(s, "Thành thạo") {
		t.Errorf("the timeline's digital-skills row reads %q", s)
	}
	noteOverflow(t, cit, "learning record at 360px")
	screenshot(t, cit, "record_timeline_phone")
	pdfData := titleGetPDF(t, cit, "/citizens/"+citizenID+"/learning/portfolio.pdf?year="+strconv.Itoa(year))
	file := filepath.Join(dir, "so-hoc-tap.pdf")
	if err := os.WriteFile(file, pdfData, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(titleTool(t, "pdftotext", "poppler-utils"), "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	txt := strings.Join(strings.Fields(norm.NFC.String(string(out))), " ")
	for _, want := range []string{"Sổ học tập suốt đời", "Năm " + strconv.Itoa(year), desc[:40], "Tự kê khai", "Sinh hoạt câu lạc bộ", "Tự đánh giá kỹ năng số", "Thành thạo"} {
		if !strings.Contains(txt, norm.NFC.String(want)) {
			t.Errorf("the portfolio's text lacks %q; it reads %q", want, txt[:min(len(txt), 800)])
		}
	}
	if err := chromedp.Do(cit, emulate(desktop)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, cit, "record_timeline_desktop")

	// ==== 4. The collector of the village confirms the activity.
	col := titleTab(t, desktop)
	titleSignIn(t, col, demo(t, "collector", 0))
	click(t, col, `nav a[href="/learning/review"]`)
	if pi := info(t, col); pi.Path != "/learning/review" || !strings.Contains(pi.H1, "Kiểm tra kê khai") {
		t.Fatalf("the menu's «Kiểm tra kê khai» led to %s, h1 %q", pi.Path, pi.H1)
	}
	screenshot(t, col, "record_review_desktop")
	if err := chromedp.Do(col, emulate(phone)); err != nil {
		t.Fatal(err)
	}
	noteOverflow(t, col, "review at 360px")
	screenshot(t, col, "record_review_phone")
	if err := chromedp.Do(col, emulate(desktop)); err != nil {
		t.Fatal(err)
	}
	open(t, col, "/citizens/"+citizenID+"/learning", 200)
	mine := `#timeline tr[data-status="self_declared"]`
	if s, _ := text(col, mine); !strings.Contains(s, desc) {
		t.Fatalf("the collector does not see the activity as self-declared: %q", s)
	}
	click(t, col, mine+` form[action$="/confirm"] button`)
	titleFlash(t, col, "confirming", "Đã xác nhận hoạt động học tập")
	if s, _ := text(col, "#timeline"); !strings.Contains(s, desc) || has(t, col, mine) {
		t.Errorf("after confirming the activity is still self-declared: %q", s)
	}
	open(t, cit, "/me/learning", 200)
	if s, _ := text(cit, `#totals tr[data-year="`+strconv.Itoa(year)+`"]`); !strings.Contains(s, "0 giờ") {
		t.Errorf("after the confirmation this year's totals read %q, want 0 self-declared hours", s)
	}
}
