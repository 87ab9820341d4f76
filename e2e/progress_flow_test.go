package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// TestProgressDrillDown is the city officer's look at the targets: the city's dashboard with
// every KH 290 measure against its 2025 and 2030 targets and a trend since 2023, the furthest
// behind commune, its dashboard, the furthest behind village, the map, and the annual report
// downloaded as .xlsx and PDF.
func TestProgressDrillDown(t *testing.T) {
	dir := t.TempDir()
	for _, vp := range []viewport{desktop, phone} {
		ctx := titleTab(t, vp)
		titleSignIn(t, ctx, demo(t, "city_officer", 0))
		open(t, ctx, "/", 200)
		menu := titleEval[string](t, ctx, "find the menu's link", `(document.querySelector("nav a[href='/dashboard']") || {innerText: ""}).innerText.trim()`)
		if menu != "Tiến độ" {
			t.Fatalf("the menu has no link Tiến độ to /dashboard (found %q)", menu)
		}
		open(t, ctx, "/dashboard?year=2025", 200)
		if h := info(t, ctx).H1; !strings.Contains(h, "Tiến độ thực hiện chỉ tiêu") || !strings.Contains(h, "Thành phố Hà Nội") {
			t.Fatalf("the city dashboard's heading is %q", h)
		}
		rows := titleEval[[]string](t, ctx, "read the measures", `[...document.querySelectorAll("table.measures tbody tr")].map(r => r.innerText)`)
		var adults string
		for _, r := range rows {
			if strings.Contains(r, "Người trưởng thành đạt danh hiệu Công dân học tập") {
				adults = r
			}
		}
		for _, want := range []string{"KH 290/KH-UBND · 2025: 40%", "KH 290/KH-UBND · 2030: 60%"} {
			if !strings.Contains(adults, want) {
				t.Errorf("the adults' row lacks %q: %q", want, adults)
			}
		}
		if len(rows) < 9 {
			t.Errorf("%d measures on the city dashboard", len(rows))
		}
		years := titleEval[[]string](t, ctx, "read the years", `[...document.querySelectorAll("select[name=year] option")].map(o => o.value)`)
		if len(years) == 0 || years[0] != "2023" {
			t.Errorf("the years offered are %q, want from 2023", years)
		}
		if !has(t, ctx, "section svg[role=img]") || !has(t, ctx, ".map svg") {
			t.Error("the city dashboard draws no chart or no map")
		}
		screenshot(t, ctx, "progress-city-"+vp.name)
		// The furthest behind commune, then its furthest behind village.
		commune := titleEval[string](t, ctx, "find the furthest behind", `(document.querySelector("ol.behind li a") || {getAttribute: () => ""}).getAttribute("href")`)
		if !strings.HasPrefix(commune, "/dashboard/communes/") {
			t.Fatalf("the furthest behind commune links to %q", commune)
		}
		open(t, ctx, commune, 200)
		if h := info(t, ctx).H1; !strings.Contains(h, "Phường") && !strings.Contains(h, "Xã") {
			t.Errorf("the commune dashboard's heading is %q", h)
		}
		crumbs := titleEval[string](t, ctx, "read the way down", `document.querySelector("nav.crumbs").innerText`)
		if !strings.HasPrefix(crumbs, "Thành phố Hà Nội") {
			t.Errorf("the commune dashboard's way back reads %q", crumbs)
		}
		village := titleEval[string](t, ctx, "find the village", `(document.querySelector("ol.behind li a, table.ranking tbody a") || {getAttribute: () => ""}).getAttribute("href")`)
		if !strings.Contains(village, "/villages/") {
			t.Fatalf("the commune dashboard links no village: %q", village)
		}
		open(t, ctx, village, 200)
		vrows := titleEval[[]string](t, ctx, "read the village's measures", `[...document.querySelectorAll("table.measures tbody tr")].map(r => r.innerText)`)
		if len(vrows) == 0 || !strings.Contains(strings.Join(vrows, "\n"), "Người trưởng thành đạt danh hiệu Công dân học tập") {
			t.Errorf("the village dashboard shows %q", vrows)
		}
		screenshot(t, ctx, "progress-village-"+vp.name)
		if vp.name != desktop.name {
			continue
		}
		// The commune's annual report, both files.
		base, _, _ := strings.Cut(commune, "?")
		resp, body := titleGet(t, ctx, base+"/report.xlsx?year=2025")
		if resp.StatusCode != 200 {
			t.Fatalf("the report .xlsx: status %d", resp.StatusCode)
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("the report .xlsx does not open: %v", err)
		}
		sheets := f.GetSheetList()
		if len(sheets) < 5 || sheets[0] != "Chỉ tiêu" {
			t.Errorf("the report's sheets are %q", sheets)
		}
		unit, _ := f.GetCellValue(sheets[0], "B2")
		if !strings.HasPrefix(unit, "Phường") && !strings.HasPrefix(unit, "Xã") {
			t.Errorf("the report names %q as its unit", unit)
		}
		_ = f.Close()
		pdf := titleGetPDF(t, ctx, base+"/report.pdf?year=2025")
		file := filepath.Join(dir, "report.pdf")
		if err := os.WriteFile(file, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(titleTool(t, "pdftotext", "poppler-utils"), "-enc", "UTF-8", file, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		txt := strings.Join(strings.Fields(norm.NFC.String(string(out))), " ")
		for _, want := range []string{"BÁO CÁO NĂM", "Người trưởng thành đạt danh hiệu Công dân học tập", "Phường"} {
			if !strings.Contains(txt, want) {
				t.Errorf("the report PDF lacks %q", want)
			}
		}
	}
}
