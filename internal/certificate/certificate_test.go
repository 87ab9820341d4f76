package certificate

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// sample returns two certificates of one commune's list.
func sample() []Certificate {
	base := Certificate{
		CommuneName:    "Phường Ba Đình",
		ProvinceName:   "Thành phố Hà Nội",
		Year:           2026,
		TitleVI:        "Công dân học tập",
		TitleEN:        "Learning Citizen",
		DecisionNumber: "15/QĐ-HKH",
		DecisionDate:   time.Date(2026, 12, 5, 0, 0, 0, 0, ict),
		Signer:         "Lê Văn Thắng",
		SignerTitle:    "Chủ tịch Hội Khuyến học phường",
		IssuingBody:    "Hội Khuyến học phường Ba Đình",
	}
	a, b := base, base
	a.Code, a.FullName, a.BirthYear = "7KQ2-M9XH-4TZP-WB3D", "Nguyễn Thị Hằng", 1978
	a.VerifyURL = "https://hoctap.hanoi.gov.vn/verify/" + a.Code
	b.Code, b.FullName, b.BirthYear = "R8VN-2CJE-K6YA-Q5TM", "Trần Văn Đức", 1990
	b.VerifyURL = "https://hoctap.hanoi.gov.vn/verify/" + b.Code
	return []Certificate{a, b}
}

// requireTool fails (never skips) when a command the test needs is missing: CI installs it.
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

func renderFile(t *testing.T, certs []Certificate) string {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderPDF(&buf, certs); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "certificates.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRenderPDF prints two certificates and reads them back as a person and a phone would:
// the text of each page, and the QR code of each page scanned from a 150 dpi image.
func TestRenderPDF(t *testing.T) {
	pdftotext := requireTool(t, "pdftotext", "poppler-utils")
	pdftoppm := requireTool(t, "pdftoppm", "poppler-utils")
	zbarimg := requireTool(t, "zbarimg", "zbar-tools")

	certs := sample()
	path := renderFile(t, certs)

	all := run(t, pdftotext, "-enc", "UTF-8", path, "-")
	if n := strings.Count(all, "\f"); n != 2 {
		t.Errorf("pdftotext found %d pages, want 2", n)
	}
	for i, c := range certs {
		t.Run(c.FullName, func(t *testing.T) {
			page := strconv.Itoa(i + 1)
			// Words only: pdftotext spaces the label and the larger name apart as it sees fit.
			text := strings.Join(strings.Fields(norm.NFC.String(
				run(t, pdftotext, "-enc", "UTF-8", "-f", page, "-l", page, path, "-"))), " ")
			for _, want := range []string{
				"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
				"Độc lập - Tự do - Hạnh phúc",
				"HỘI KHUYẾN HỌC PHƯỜNG BA ĐÌNH",
				"GIẤY CHỨNG NHẬN",
				"Danh hiệu «Công dân học tập» năm 2026",
				"Ông/Bà: " + c.FullName,
				"Năm sinh: " + strconv.Itoa(c.BirthYear),
				"Nơi cư trú: Phường Ba Đình, Thành phố Hà Nội",
				"Theo Quyết định số 15/QĐ-HKH ngày 05/12/2026",
				"Hà Nội, ngày 05 tháng 12 năm 2026",
				"CHỦ TỊCH HỘI KHUYẾN HỌC PHƯỜNG",
				"Lê Văn Thắng",
				"Quét mã để kiểm tra",
				c.Code,
			} {
				if !strings.Contains(text, want) {
					t.Errorf("page %d lacks %q:\n%s", i+1, want, text)
				}
			}
			other := certs[1-i].FullName
			if strings.Contains(text, other) {
				t.Errorf("page %d shows the other person, %q", i+1, other)
			}
		})
	}

	prefix := filepath.Join(t.TempDir(), "page")
	run(t, pdftoppm, "-r", "150", "-png", path, prefix)
	for i, c := range certs {
		png := prefix + "-" + strconv.Itoa(i+1) + ".png"
		got := strings.TrimSpace(run(t, zbarimg, "--raw", "-q", png))
		if got != c.VerifyURL {
			t.Errorf("QR code of page %d = %q, want %q", i+1, got, c.VerifyURL)
		}
	}
}

// TestRenderPDFDecomposed checks that decomposed (NFD) input, as some keyboards and
// spreadsheets produce, prints as the precomposed letters.
func TestRenderPDFDecomposed(t *testing.T) {
	pdftotext := requireTool(t, "pdftotext", "poppler-utils")
	c := sample()[:1]
	c[0].FullName = norm.NFD.String("Nguyễn Thị Hằng")
	text := run(t, pdftotext, "-enc", "UTF-8", renderFile(t, c), "-")
	if !strings.Contains(text, "Nguyễn Thị Hằng") {
		t.Errorf("NFD name not printed as NFC:\n%s", text)
	}
}

// TestRenderPDFLongName checks that a name too long for the line is printed whole, smaller.
func TestRenderPDFLongName(t *testing.T) {
	pdftotext := requireTool(t, "pdftotext", "poppler-utils")
	c := sample()[:1]
	c[0].FullName = "Tôn Nữ Hoàng Thị Phương Thảo Nguyễn Ngọc Khánh Linh Đặng Trần Bảo Ngọc"
	text := run(t, pdftotext, "-enc", "UTF-8", renderFile(t, c), "-")
	if !strings.Contains(text, c[0].FullName) {
		t.Errorf("long name not printed whole:\n%s", text)
	}
}

func TestRenderPDFDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := RenderPDF(&a, sample()); err != nil {
		t.Fatal(err)
	}
	if err := RenderPDF(&b, sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings of the same certificates differ")
	}
}

func TestRenderPDFInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Certificate)
	}{
		{"no code", func(c *Certificate) { c.Code = " " }},
		{"relative URL", func(c *Certificate) { c.VerifyURL = "/verify/x" }},
		{"no name", func(c *Certificate) { c.FullName = "" }},
		{"no year", func(c *Certificate) { c.Year = 0 }},
		{"no decision", func(c *Certificate) { c.DecisionNumber = "" }},
		{"no decision date", func(c *Certificate) { c.DecisionDate = time.Time{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certs := sample()
			tt.change(&certs[1])
			var buf bytes.Buffer
			if err := RenderPDF(&buf, certs); err == nil {
				t.Error("no error")
			}
			if buf.Len() != 0 {
				t.Error("wrote a partial file")
			}
		})
	}
	if err := RenderPDF(&bytes.Buffer{}, nil); err == nil {
		t.Error("an empty list printed")
	}
}

func TestQRPNG(t *testing.T) {
	zbarimg := requireTool(t, "zbarimg", "zbar-tools")
	url := sample()[0].VerifyURL
	png, err := QRPNG(url, 256)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatal("not a PNG")
	}
	path := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(run(t, zbarimg, "--raw", "-q", path)); got != url {
		t.Errorf("decoded %q, want %q", got, url)
	}
	if _, err := QRPNG(url, 10); err == nil {
		t.Error("a 10 px QR code was made")
	}
}
