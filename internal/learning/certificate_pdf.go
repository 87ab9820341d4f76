package learning

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"hoctap/internal/certificate"
	"hoctap/internal/clock"
	"hoctap/internal/pdf"
	"hoctap/internal/store"
)

// printedCertificate is what a completion certificate prints.
type printedCertificate struct {
	FullName, Title, Provider, Commune, Code, VerifyURL, Hours string
	BirthYear                                                  int
	CompletedOn                                                time.Time
}

func certificateOf(k store.CompletionDetail, commune, url string) printedCertificate {
	day, _ := time.ParseInLocation("2006-01-02", k.CompletedOn, clock.Vietnam)
	return printedCertificate{FullName: k.FullName, Title: k.Title, Provider: k.ProviderName, Commune: commune, Code: k.CertificateCode,
		VerifyURL: url, Hours: FormatHours(k.Minutes), BirthYear: k.BirthYear, CompletedOn: day}
}

// renderCertificate draws a one-page A4 landscape completion certificate with Noto Sans and a
// QR code to the public verification page. It is deterministic for the same completion.
func renderCertificate(w io.Writer, c printedCertificate) (err error) {
	defer func() {
		if p := recover(); p != nil { // fpdf panics on some inputs; printing must not take the server down
			err = fmt.Errorf("learning: certificate: %v", p)
		}
	}()
	const family = "NotoSans"
	f := fpdf.New("L", "mm", "A4", "")
	regular, bold := pdf.NotoSans()
	f.AddUTF8FontFromBytes(family, "", regular)
	f.AddUTF8FontFromBytes(family, "B", bold)
	f.SetCreationDate(c.CompletedOn)
	f.SetModificationDate(c.CompletedOn)
	f.SetCatalogSort(true)
	f.SetCreator("hoctap", false)
	f.SetLang("vi")
	f.SetTitle("Giấy chứng nhận hoàn thành chương trình học tập", true)
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(20, 20, 20)
	f.AddPage()
	nfc := norm.NFC.String
	// A double frame in the programme's blue.
	f.SetDrawColor(30, 80, 150)
	f.SetLineWidth(1.2)
	f.Rect(10, 10, 277, 190, "D")
	f.SetLineWidth(0.3)
	f.Rect(13, 13, 271, 184, "D")
	line := func(y float64, style string, size float64, s string, rgb [3]int) {
		f.SetFont(family, style, size)
		f.SetTextColor(rgb[0], rgb[1], rgb[2])
		f.SetXY(20, y)
		f.CellFormat(257, size*0.5, nfc(s), "", 0, "C", false, 0, "")
	}
	ink, blue, red := [3]int{30, 30, 30}, [3]int{30, 80, 150}, [3]int{170, 30, 30}
	line(22, "B", 12, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", ink)
	line(29, "B", 11, "Độc lập – Tự do – Hạnh phúc", ink)
	line(38, "", 11, c.Provider, ink)
	line(52, "B", 26, "GIẤY CHỨNG NHẬN", red)
	line(66, "B", 15, "HOÀN THÀNH CHƯƠNG TRÌNH HỌC TẬP SUỐT ĐỜI", blue)
	line(82, "", 12, "Chứng nhận Ông/Bà", ink)
	line(91, "B", 22, c.FullName, ink)
	line(103, "", 12, fmt.Sprintf("Năm sinh: %d", c.BirthYear), ink)
	line(115, "", 12, "đã hoàn thành chương trình", ink)
	size := 17.0
	f.SetFont(family, "B", size)
	for size > 11 && f.GetStringWidth(nfc(c.Title)) > 250 {
		size--
		f.SetFont(family, "B", size)
	}
	line(124, "B", size, c.Title, blue)
	line(138, "", 12, fmt.Sprintf("Thời lượng: %s giờ · Ngày hoàn thành: %s", c.Hours, c.CompletedOn.Format("02/01/2006")), ink)
	line(160, "", 11, fmt.Sprintf("%s, ngày %02d tháng %02d năm %d", c.Commune, c.CompletedOn.Day(), int(c.CompletedOn.Month()), c.CompletedOn.Year()), ink)
	line(168, "B", 11, c.Provider, ink)
	png, err := certificate.QRPNG(c.VerifyURL, 300)
	if err != nil {
		return err
	}
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	f.RegisterImageOptionsReader("qr", opt, bytes.NewReader(png))
	f.ImageOptions("qr", 24, 150, 34, 34, false, opt, 0, "")
	f.SetFont(family, "", 8)
	f.SetTextColor(80, 80, 80)
	f.SetXY(20, 185)
	f.CellFormat(120, 4, nfc("Kiểm tra: "+c.VerifyURL), "", 0, "L", false, 0, "")
	f.SetXY(20, 189)
	f.CellFormat(120, 4, "Mã: "+grouped(c.Code), "", 0, "L", false, 0, "")
	if err := f.Error(); err != nil {
		return fmt.Errorf("learning: certificate: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return fmt.Errorf("learning: certificate: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}
