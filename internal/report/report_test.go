package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

func writeXLSX(t *testing.T, a Annual) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, a); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// cellIs checks a cell's value as shown, or raw when raw is set.
func cellIs(t *testing.T, f *excelize.File, sheet, ref, want string, raw bool) {
	t.Helper()
	var opts []excelize.Options
	if raw {
		opts = append(opts, excelize.Options{RawCellValue: true})
	}
	got, err := f.GetCellValue(sheet, ref, opts...)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	if got != want {
		t.Errorf("%s!%s = %q, want %q", sheet, ref, got, want)
	}
}

// numFmt returns the number format of a cell's style.
func numFmt(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	return ""
}

func TestXLSXFixedLayout(t *testing.T) {
	f := writeXLSX(t, cityReport(10, 4))
	wantSheets := []string{"Chỉ tiêu", "Xu hướng", "Đơn vị", "Tiến độ", "Khối GNLC", "Chưa tập huấn", "Đóng góp", "Phương pháp"}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(wantSheets, "|") {
		t.Fatalf("sheets %q, want %q", got, wantSheets)
	}
	// The heading block, the same on every sheet.
	for _, sh := range wantSheets {
		cellIs(t, f, sh, "A2", "Đơn vị báo cáo", false)
		cellIs(t, f, sh, "B2", "Thành phố Hà Nội", false)
		cellIs(t, f, sh, "B3", "01", false)
		cellIs(t, f, sh, "B4", "Tỉnh, thành phố", false)
		cellIs(t, f, sh, "B5", "Trung ương Hội Khuyến học Việt Nam", false)
		cellIs(t, f, sh, "B6", "2025", true)
		cellIs(t, f, sh, "B6", "2025", false) // no thousands separator on a year
		cellIs(t, f, sh, "B7", "31/12/2025 10:04", false)
	}
	cellIs(t, f, "Chỉ tiêu", "A1", "Báo cáo năm 2025 — Kết quả so với chỉ tiêu", false)

	// Indicators: code, name, numerator, denominator, value, then each target and its gap.
	const sh = "Chỉ tiêu"
	for ref, want := range map[string]string{
		"A9": "Mã", "B9": "Chỉ số", "C9": "Tử số", "D9": "Mẫu số", "E9": "Kết quả",
		"F9": "Chỉ tiêu 2025 (KH 290/KH-UBND)", "G9": "Chênh lệch so với chỉ tiêu 2025 (KH 290/KH-UBND), điểm %",
		"H9": "Chỉ tiêu 2030 (KH 290/KH-UBND)", "J9": "Năm dự báo", "K9": "Dự báo",
		"A10": "M1", "B10": adultsNameNFC, "A11": "M2",
	} {
		cellIs(t, f, sh, ref, want, false)
	}
	cellIs(t, f, sh, "C10", "405", true)
	cellIs(t, f, sh, "D10", "1000", true)
	cellIs(t, f, sh, "E10", "0.405", true) // 40.5% stored as a number
	if got := numFmt(t, f, sh, "E10"); !strings.Contains(got, "%") {
		t.Errorf("E10 number format %q, want a percent format", got)
	}
	cellIs(t, f, sh, "E10", "40.5%", false)
	cellIs(t, f, sh, "F10", "0.4", true)
	cellIs(t, f, sh, "G10", "+0.5%", false)            // 40.5 − 40 points
	cellIs(t, f, sh, "I10", "-19.5%", false)           // 40.5 − 60 points
	cellIs(t, f, sh, "E11", "không có số liệu", false) // denominator zero: no data, not 0
	cellIs(t, f, sh, "G11", "không có số liệu", false)
	cellIs(t, f, sh, "D11", "0", true)
	cellIs(t, f, sh, "J10", "2030", true)
	cellIs(t, f, sh, "K10", "0.55", true)
	if name, _ := f.GetCellValue(sh, "B10"); !norm.NFC.IsNormalString(name) {
		t.Errorf("B10 is not NFC: %q", name)
	}

	// Trend: a year without data says so; a year is a column.
	cellIs(t, f, "Xu hướng", "C9", "2021", false)
	cellIs(t, f, "Xu hướng", "E9", "2023", false)
	cellIs(t, f, "Xu hướng", "E10", "không có số liệu", false)
	cellIs(t, f, "Xu hướng", "D10", "0.155", true)

	// Units, by rank, every indicator a column; the third has no data anywhere.
	cellIs(t, f, "Đơn vị", "A10", "1", true)
	cellIs(t, f, "Đơn vị", "B10", "00004", false) // a code keeps its leading zeros
	cellIs(t, f, "Đơn vị", "C10", "Phường Ba Đình", false)
	cellIs(t, f, "Đơn vị", "D11", "0.07", true)
	cellIs(t, f, "Đơn vị", "F11", "không có số liệu", false)
	cellIs(t, f, "Đơn vị", "C19", "Phường Thanh Xuân", false)

	cellIs(t, f, "Tiến độ", "B9", "Đăng ký", false)
	cellIs(t, f, "Tiến độ", "A10", "Công dân học tập", false)
	cellIs(t, f, "Tiến độ", "B10", "120345", true)
	cellIs(t, f, "Tiến độ", "H10", "576401", true)
	cellIs(t, f, "Khối GNLC", "A10", "Gia đình và cộng đồng", false)
	cellIs(t, f, "Khối GNLC", "C11", "48%", false)
	cellIs(t, f, "Chưa tập huấn", "B10", "Nguyễn Thị Ánh Tuyết", false)
	cellIs(t, f, "Chưa tập huấn", "C11", "Chi hội Trường Tiểu học Dịch Vọng", false)
	cellIs(t, f, "Chưa tập huấn", "E12", "Thôn Thượng", false)
	cellIs(t, f, "Đóng góp", "B10", "125000000", true)
	cellIs(t, f, "Đóng góp", "A12", "Tổng", false)
	cellIs(t, f, "Đóng góp", "B12", "133500000", true)
	cellIs(t, f, "Đóng góp", "C12", "1290", true)
	cellIs(t, f, "Phương pháp", "A11", "Số liệu trước ngày 01/07/2025 được quy về các xã, phường mới theo bảng chuyển đổi đơn vị hành chính và trọng số dân số.", false)
}

func TestXLSXInEnglishAndEmpty(t *testing.T) {
	a := cityReport(2, 2)
	a.Lang = "en"
	a.Contributions = nil
	f := writeXLSX(t, a)
	if got := f.GetSheetList(); got[0] != "Indicators" || got[6] != "Contributions" {
		t.Errorf("sheets %q", got)
	}
	cellIs(t, f, "Indicators", "A2", "Reporting unit", false)
	cellIs(t, f, "Indicators", "E11", "no data", false)
	cellIs(t, f, "Contributions", "A10", "None", false)

	f = writeXLSX(t, Annual{Year: 2024, Level: "commune", UnitName: "Phường Ba Đình", GeneratedAt: time.Now()})
	cellIs(t, f, "Chỉ tiêu", "A10", "Không có", false)
	cellIs(t, f, "Chỉ tiêu", "B4", "Xã, phường, đặc khu", false)
	cellIs(t, f, "Đơn vị", "A10", "Không có", false)
}

func TestBadInput(t *testing.T) {
	good := cityReport(1, 1)
	for name, change := range map[string]func(*Annual){
		"language": func(a *Annual) { a.Lang = "fr" },
		"level":    func(a *Annual) { a.Level = "district" },
		"year":     func(a *Annual) { a.Year = 25 },
		"date":     func(a *Annual) { a.GeneratedAt = time.Time{} },
	} {
		a := good
		change(&a)
		if err := WriteXLSX(&bytes.Buffer{}, a); err == nil {
			t.Errorf("%s: WriteXLSX accepted it", name)
		}
		if err := WritePDF(&bytes.Buffer{}, a); err == nil {
			t.Errorf("%s: WritePDF accepted it", name)
		}
	}
}

func requireTool(t *testing.T, name, debianPackage string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install the Debian package %s (apt-get install %s)", name, debianPackage, debianPackage)
	}
	return path
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// pdfText writes the report as a PDF and returns its text, words separated by single spaces.
func pdfText(t *testing.T, a Annual) (string, string) {
	t.Helper()
	pdftotext := requireTool(t, "pdftotext", "poppler-utils")
	var buf bytes.Buffer
	if err := WritePDF(&buf, a); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(run(t, pdftotext, "-enc", "UTF-8", path, "-")), " "), path
}

func TestPDFText(t *testing.T) {
	text, path := pdfText(t, cityReport(10, 4))
	for _, want := range []string{
		"BÁO CÁO NĂM 2025", "Thành phố Hà Nội", "Trung ương Hội Khuyến học Việt Nam", "31/12/2025 10:04",
		adultsNameNFC, // composed, though it was given decomposed
		"Tỷ lệ cán bộ, hội viên Hội Khuyến học được tập huấn <bộ tiêu chí> & \"quy trình\"",
		"405 / 1.000", "40,5%", "+0,5 điểm %", "-19,5 điểm %", "không có số liệu",
		"2030: 55% (khoảng", // the range wraps to the next line of its cell
		// The charts' axes: 80% and 2027 appear nowhere else in this report.
		"80%", "2027", "Sắp xếp đơn vị hành chính", "Thực hiện", "Chỉ tiêu", "Dự báo",
		"1. Phường Ba Đình", "Chỉ tiêu 40%", "120.345", "576.401",
		"Nguyễn Thị Ánh Tuyết", "Trần Văn Đức", "Lê Quỳnh Hương", "Chi hội Trường Tiểu học Dịch Vọng",
		"125.000.000", "133.500.000", "Phương pháp tính", "trọng số dân số",
		"Trang 1/",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if strings.Contains(text, norm.NFD.String("người lớn")) && !norm.NFC.IsNormalString(text) {
		t.Error("the PDF has decomposed text")
	}
	pdfinfo := requireTool(t, "pdfinfo", "poppler-utils")
	info := run(t, pdfinfo, path)
	if !strings.Contains(info, "(A4)") {
		t.Errorf("not A4:\n%s", info)
	}
	pages := ""
	for _, l := range strings.Split(info, "\n") {
		if strings.HasPrefix(l, "Pages:") {
			pages = strings.TrimSpace(strings.TrimPrefix(l, "Pages:"))
		}
	}
	if !strings.Contains(text, "Trang "+pages+"/"+pages) {
		t.Errorf("no footer 'Trang %s/%s'", pages, pages)
	}
}

func TestPDFInEnglishAndEmpty(t *testing.T) {
	a := cityReport(3, 2)
	a.Lang = "en"
	text, _ := pdfText(t, a)
	for _, want := range []string{"ANNUAL REPORT 2025", "40.5%", "+0.5 pp", "no data", "Actual", "Target", "Forecast", "80%", "Page 1/"} {
		if !strings.Contains(text, want) {
			t.Errorf("the English PDF lacks %q", want)
		}
	}
	text, _ = pdfText(t, Annual{Year: 2024, Level: "commune", UnitName: "Phường Ba Đình", ParentName: "Thành phố Hà Nội", GeneratedAt: time.Now()})
	for _, want := range []string{"BÁO CÁO NĂM 2024", "Phường Ba Đình", "Không có", "Trang 1/1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the empty PDF lacks %q: %s", want, text)
		}
	}
}

func TestPDFIsReproducible(t *testing.T) {
	a := cityReport(5, 3)
	var one, two bytes.Buffer
	if err := WritePDF(&one, a); err != nil {
		t.Fatal(err)
	}
	if err := WritePDF(&two, a); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one.Bytes(), two.Bytes()) {
		t.Error("the same report gave different PDFs")
	}
}
