package pdf_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"hoctap/internal/pdf"
)

// generatedAt is 14:05 UTC, which the footer must show as 21:05 in Hà Nội.
var generatedAt = time.Date(2026, 11, 28, 14, 5, 0, 0, time.UTC)

// Text the report must give back exactly, in NFC.
const (
	nameHang  = "Nguyễn Thị Hằng"
	nameDuc   = "Đặng Văn Đức"
	marks     = "ễ ằ ờ ữ ặ"
	nameNFD   = "Lê Thị Hường" // given to Render in NFD
	longValue = "Tham gia đầy đủ các buổi sinh hoạt của Trung tâm học tập cộng đồng phường, " +
		"hoàn thành khoá học kỹ năng số cơ bản và hướng dẫn ba người cao tuổi trong tổ dân phố " +
		"sử dụng dịch vụ công trực tuyến trên Cổng Dịch vụ công quốc gia."
)

var givenNames = []string{"Nguyễn Thị Hằng", "Trần Văn Bình", "Lê Thị Hường", "Phạm Ngọc Ánh", "Hoàng Đức Thắng",
	"Vũ Thị Thuỷ", "Đặng Văn Đức", "Bùi Thị Ngọc Diệp", "Đỗ Minh Khôi", "Hồ Thị Mỹ Duyên"}

// sample is a report with a field list, a 200-row table that spans pages and a note.
func sample(lang string) pdf.Document {
	rows := make([][]string, 200)
	for i := range rows {
		rows[i] = []string{
			fmt.Sprint(i + 1),
			fmt.Sprintf("%s %03d", givenNames[i%len(givenNames)], i+1),
			fmt.Sprintf("%02d/%02d/19%02d", i%28+1, i%12+1, 40+i%60),
			fmt.Sprintf("Tổ dân phố số %d", i%17+1),
			fmt.Sprint(60 + i%41),
		}
	}
	return pdf.Document{
		Title:       "Báo cáo kết quả đánh giá “Công dân học tập” năm 2026",
		Subtitle:    "Phường Hoàn Kiếm, Thành phố Hà Nội",
		Lang:        lang,
		GeneratedAt: generatedAt,
		Footer: "Người lập: " + nameDuc + ", cán bộ văn hoá – xã hội. Căn cứ Quyết định số " +
			"387/QĐ-BGDĐT và Kế hoạch của UBND Thành phố Hà Nội về xây dựng xã hội học tập.",
		Sections: []pdf.Section{
			{
				Heading: "Thông tin người được đánh giá",
				Fields: []pdf.Field{
					{Label: "Họ và tên", Value: nameHang},
					{Label: "Người hướng dẫn", Value: norm.NFD.String(nameNFD)},
					{Label: "Người xác nhận", Value: nameDuc},
					{Label: "Kết quả học tập", Value: longValue},
				},
				Note: "Các dấu cần in đúng: " + marks + ".",
			},
			{
				Heading: "Danh sách công dân học tập của phường",
				Table: &pdf.Table{
					Columns: []string{"STT", "Họ và tên", "Ngày sinh", "Thôn / tổ dân phố", "Điểm"},
					Rows:    rows,
				},
			},
		},
	}
}

// pdftotext extracts the text of a PDF, one string per page. The test fails, never skips,
// without the tool: scripts/test.sh installs poppler-utils.
func pdftotext(t *testing.T, doc []byte) []string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext not found (Debian package poppler-utils; scripts/test.sh installs it): %v", err)
	}
	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(string(out), "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

func render(t *testing.T, d pdf.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := pdf.Render(&buf, d); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

// flat joins the words of s with single spaces, undoing line wrapping.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestRenderVietnamese(t *testing.T) {
	doc := render(t, sample("vi"))
	pages := pdftotext(t, doc)
	all := strings.Join(pages, "\n")
	n := len(pages)
	if n < 3 {
		t.Fatalf("got %d pages, want the 200-row table to span at least 3", n)
	}

	for _, want := range []string{nameHang, nameDuc, marks, nameNFD, "Hoàn Kiếm", "Thôn / tổ dân phố",
		"Báo cáo kết quả đánh giá “Công dân học tập” năm 2026"} {
		if !strings.Contains(all, want) {
			t.Errorf("extracted text lacks %q", want)
		}
	}
	if !strings.Contains(flat(all), longValue) {
		t.Errorf("extracted text lacks the wrapped long value %q", longValue)
	}
	for _, r := range all {
		if unicode.Is(unicode.Mn, r) {
			t.Fatalf("extracted text has the combining mark %U: the NFD name was not normalised", r)
		}
	}
	if !norm.NFC.IsNormalString(all) {
		t.Error("extracted text is not in NFC")
	}

	for i := 1; i <= 200; i++ {
		want := fmt.Sprintf("%s %03d", givenNames[(i-1)%len(givenNames)], i)
		if !strings.Contains(all, want) {
			t.Fatalf("table row %d (%q) is missing", i, want)
		}
	}

	for i, p := range pages {
		label := fmt.Sprintf("Trang %d/%d", i+1, n)
		if !strings.Contains(p, label) {
			t.Errorf("page %d lacks %q", i+1, label)
		}
		if !strings.Contains(p, "28/11/2026 21:05") {
			t.Errorf("page %d lacks the generation time in Hà Nội time", i+1)
		}
		if !strings.Contains(flat(p), "Người lập: "+nameDuc) {
			t.Errorf("page %d lacks the footer", i+1)
		}
		if i > 0 && !strings.Contains(p, "Thôn / tổ dân phố") {
			t.Errorf("page %d does not repeat the table header", i+1)
		}
	}
	if !strings.Contains(pages[0], "Trang 1/") {
		t.Error(`page 1 lacks "Trang 1/"`)
	}
}

func TestRenderEnglishPageLabel(t *testing.T) {
	pages := pdftotext(t, render(t, sample("en")))
	for i, p := range pages {
		if want := fmt.Sprintf("Page %d/%d", i+1, len(pages)); !strings.Contains(p, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
		if strings.Contains(p, "Trang ") {
			t.Errorf("page %d has a Vietnamese page label", i+1)
		}
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	a := render(t, sample("vi"))
	b := render(t, sample("vi"))
	if !bytes.Equal(a, b) {
		t.Fatal("the same document rendered to different bytes")
	}
	later := sample("vi")
	later.GeneratedAt = generatedAt.Add(time.Hour)
	if bytes.Equal(a, render(t, later)) {
		t.Fatal("a different GeneratedAt gave the same bytes")
	}
	if !bytes.Contains(a, []byte("D:20261128210500")) {
		t.Error("the PDF creation date is not GeneratedAt in Hà Nội time")
	}
}

func TestRenderEdgeCases(t *testing.T) {
	tall := strings.Repeat("Một dòng rất dài của ghi chú cần được ngắt. ", 600) // several pages in one cell
	tests := []struct {
		name string
		doc  pdf.Document
		want []string
	}{
		{"empty document", pdf.Document{GeneratedAt: generatedAt}, []string{"Trang 1/1"}},
		{"emoji and control characters", pdf.Document{GeneratedAt: generatedAt, Title: "Chúc mừng 🎉\x07 " + nameHang},
			[]string{nameHang}},
		{"given widths wider than the page", pdf.Document{GeneratedAt: generatedAt, Sections: []pdf.Section{{
			Table: &pdf.Table{Columns: []string{"Họ và tên", "Ghi chú"}, Widths: []float64{200, 200},
				Rows: [][]string{{nameDuc}, {nameHang, longValue}}},
		}}}, []string{nameDuc, nameHang}},
		{"a table cell taller than a page", pdf.Document{GeneratedAt: generatedAt, Sections: []pdf.Section{{
			Heading: "Ghi chú",
			Table:   &pdf.Table{Columns: []string{"Họ và tên", "Ghi chú"}, Rows: [][]string{{nameHang, tall}, {nameDuc, "x"}}},
		}}}, []string{nameHang, nameDuc, "Trang 3/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := strings.Join(pdftotext(t, render(t, tt.doc)), "\n")
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("extracted text lacks %q:\n%s", w, all)
				}
			}
		})
	}
}

func TestRenderRejects(t *testing.T) {
	table := func(tb pdf.Table) pdf.Document {
		return pdf.Document{GeneratedAt: generatedAt, Sections: []pdf.Section{{Table: &tb}}}
	}
	tests := []struct {
		name string
		doc  pdf.Document
	}{
		{"no generation time", pdf.Document{Title: "x"}},
		{"unknown language", pdf.Document{GeneratedAt: generatedAt, Lang: "fr"}},
		{"table without columns", table(pdf.Table{Rows: [][]string{{"a"}}})},
		{"widths do not match columns", table(pdf.Table{Columns: []string{"a", "b"}, Widths: []float64{10}})},
		{"zero width", table(pdf.Table{Columns: []string{"a"}, Widths: []float64{0}})},
		{"row longer than the header", table(pdf.Table{Columns: []string{"a"}, Rows: [][]string{{"1", "2"}}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := pdf.Render(&buf, tt.doc); err == nil {
				t.Fatal("Render accepted the document")
			}
			if buf.Len() != 0 {
				t.Errorf("Render wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

// TestSampleImage writes the sample report and its first page as a PNG at 100 dpi to the
// screenshot folder when HOCTAP_SCREENSHOTS is set (scripts/test.sh sets it), for a person
// to check the Vietnamese marks by eye.
func TestSampleImage(t *testing.T) {
	dir := os.Getenv("HOCTAP_SCREENSHOTS")
	if dir == "" {
		t.Log("HOCTAP_SCREENSHOTS is not set; no sample written")
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "pdf_report_vi.pdf")
	if err := os.WriteFile(file, render(t, sample("vi")), 0o644); err != nil {
		t.Fatal(err)
	}
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Fatalf("pdftoppm not found (Debian package poppler-utils): %v", err)
	}
	out := filepath.Join(dir, "pdf_report_vi")
	if msg, err := exec.Command(bin, "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", file, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, msg)
	}
}

func BenchmarkRender3Pages(b *testing.B) {
	d := sample("vi")
	d.Sections[1].Table.Rows = d.Sections[1].Table.Rows[:75]
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := pdf.Render(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KB/pdf")
}
