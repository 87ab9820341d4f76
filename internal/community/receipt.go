package community

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/i18n"
	"hoctap/internal/pdf"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
)

// PurposeNames are the purposes as receipts and exports print them.
var PurposeNames = map[string]string{
	store.PurposeScholarship: "Quỹ học bổng khuyến học",
	store.PurposeEquipment:   "Trang thiết bị trung tâm học tập cộng đồng",
	store.PurposePrize:       "Khen thưởng, giải thưởng",
	store.PurposeSponsorship: "Tài trợ chương trình học tập",
	store.PurposeOther:       "Mục đích khác",
}

// money writes đồng as Vietnamese lists do: 1.250.000.
func money(n int64) string { return i18n.Format("vi", n) }

// AssociationName is the name of a commune's association as its papers head it:
// "HỘI KHUYẾN HỌC PHƯỜNG BA ĐÌNH".
func (s *Service) AssociationName(commune string) string {
	return "HỘI KHUYẾN HỌC " + strings.ToUpper(s.CommuneName(commune))
}

// ReceiptPDF writes the receipt of a contribution by may read: one A5 page with the
// association's name, the receipt number, the donor, the amount in figures and in words (or the
// items and their estimated value), the purpose, the day and the lines where the donor and the
// receiver sign. Errors: ErrNotFound, ErrForbidden.
func (s *Service) ReceiptPDF(ctx context.Context, by *auth.Principal, id int64, w io.Writer) error {
	c, err := s.Contribution(ctx, by, id)
	if err != nil {
		return err
	}
	return renderReceipt(w, s.receiptOf(c))
}

// printedReceipt is what a receipt prints.
type printedReceipt struct {
	Association, Branch, Place, Number string
	Donor, Address                     string
	Lines                              [][2]string // label, value
	Day                                time.Time
}

func (s *Service) receiptOf(c store.Contribution) printedReceipt {
	day, _ := time.ParseInLocation("2006-01-02", c.ReceivedOn, clock.Vietnam)
	// A person is addressed as Ông/Bà; the other donors' names say what they are already.
	donor := c.DonorName
	switch c.DonorKind {
	case store.DonorPerson:
		donor = "Ông/Bà " + c.DonorName
	case store.DonorAnonymous:
		donor = "Nhà hảo tâm (không nêu tên)"
	}
	r := printedReceipt{Association: s.AssociationName(c.CommuneCode), Branch: c.BranchName, Place: s.CommuneName(c.CommuneCode),
		Number: c.ReceiptNo, Donor: donor, Address: c.DonorAddress, Day: day}
	if c.Kind == store.ContributionMoney {
		r.Lines = append(r.Lines, [2]string{"Số tiền", money(c.Amount) + " đồng"}, [2]string{"Bằng chữ", MoneyWords(c.Amount)})
	} else {
		qty := money(int64(c.Quantity))
		if c.Unit != "" {
			qty += " " + c.Unit
		}
		r.Lines = append(r.Lines, [2]string{"Hiện vật", c.Item}, [2]string{"Số lượng", qty})
		if c.EstimatedValue > 0 {
			r.Lines = append(r.Lines, [2]string{"Giá trị ước tính", money(c.EstimatedValue) + " đồng"},
				[2]string{"Bằng chữ", MoneyWords(c.EstimatedValue)})
		}
	}
	purpose := PurposeNames[c.Purpose]
	if c.Purpose == store.PurposeSponsorship && c.ProgrammeTitle != "" {
		purpose += ": " + c.ProgrammeTitle
	}
	r.Lines = append(r.Lines, [2]string{"Mục đích", purpose})
	if c.Note != "" {
		r.Lines = append(r.Lines, [2]string{"Ghi chú", c.Note})
	}
	return r
}

// renderReceipt draws the receipt on one A5 page with Noto Sans; the same contribution gives
// the same bytes.
func renderReceipt(w io.Writer, r printedReceipt) (err error) {
	defer func() {
		if p := recover(); p != nil { // fpdf panics on some inputs; printing must not take the server down
			err = fmt.Errorf("community: receipt: %v", p)
		}
	}()
	const family = "NotoSans"
	const left, width = 12.0, 124.0 // A5 is 148 × 210 mm
	f := fpdf.New("P", "mm", "A5", "")
	regular, bold := pdf.NotoSans()
	f.AddUTF8FontFromBytes(family, "", regular)
	f.AddUTF8FontFromBytes(family, "B", bold)
	f.SetCreationDate(r.Day)
	f.SetModificationDate(r.Day)
	f.SetCatalogSort(true)
	f.SetCreator("hoctap", false)
	f.SetLang("vi")
	f.SetTitle("Biên nhận ủng hộ số "+r.Number, true)
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(left, 12, left)
	f.AddPage()
	nfc := norm.NFC.String
	cell := func(x, y, wd float64, style string, size float64, align, s string) {
		f.SetFont(family, style, size)
		f.SetXY(x, y)
		f.CellFormat(wd, size*0.45, nfc(s), "", 0, align, false, 0, "")
	}
	f.SetTextColor(30, 30, 30)
	// The association on the left, the national motto on the right, as official papers head.
	assoc := r.Association
	size := 9.0
	f.SetFont(family, "B", size)
	for size > 6.5 && f.GetStringWidth(nfc(assoc)) > 58 {
		size -= 0.5
		f.SetFont(family, "B", size)
	}
	cell(left, 12, 58, "B", size, "C", assoc)
	if r.Branch != "" {
		cell(left, 17, 58, "", 8, "C", r.Branch)
	}
	cell(left+58, 12, 66, "B", 8.5, "C", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
	cell(left+58, 17, 66, "B", 8.5, "C", "Độc lập – Tự do – Hạnh phúc")
	f.SetDrawColor(30, 30, 30)
	f.SetFont(family, "B", 8.5)
	mw, cx := f.GetStringWidth(nfc("Độc lập – Tự do – Hạnh phúc")), left+58+33
	f.Line(cx-mw/2, 21.5, cx+mw/2, 21.5)

	f.SetTextColor(170, 30, 30)
	cell(left, 32, width, "B", 16, "C", "BIÊN NHẬN ỦNG HỘ")
	f.SetTextColor(30, 30, 30)
	cell(left, 41, width, "", 10, "C", "Số: "+r.Number)

	y := 52.0
	row := func(label, value string, strong bool) {
		f.SetFont(family, "", 10.5)
		f.SetXY(left, y)
		f.CellFormat(34, 6, nfc(label+":"), "", 0, "L", false, 0, "")
		style := ""
		if strong {
			style = "B"
		}
		f.SetFont(family, style, 10.5)
		f.SetXY(left+34, y)
		f.MultiCell(width-34, 6, nfc(value), "", "L", false)
		y = f.GetY() + 1.5
	}
	row("Nhận của", r.Donor, true)
	if r.Address != "" {
		row("Địa chỉ", r.Address, false)
	}
	for _, l := range r.Lines {
		row(l[0], l[1], l[0] == "Số tiền" || l[0] == "Bằng chữ" || l[0] == "Hiện vật")
	}
	y = max(y+6, 128)
	f.SetFont(family, "", 10)
	cell(left+50, y, width-50, "", 10, "C", fmt.Sprintf("%s, ngày %02d tháng %02d năm %d", r.Place, r.Day.Day(), int(r.Day.Month()), r.Day.Year()))
	y += 8
	cell(left, y, 60, "B", 10.5, "C", "Người ủng hộ")
	cell(left+64, y, 60, "B", 10.5, "C", "Người nhận")
	y += 5.5
	cell(left, y, 60, "", 9, "C", "(Ký, ghi rõ họ tên)")
	cell(left+64, y, 60, "", 9, "C", "(Ký, ghi rõ họ tên, đóng dấu)")
	f.SetTextColor(90, 90, 90)
	cell(left, 196, width, "", 8, "C", "In biên nhận này thành hai bản: người ủng hộ giữ một bản, Hội Khuyến học giữ một bản.")
	if err := f.Error(); err != nil {
		return fmt.Errorf("community: receipt: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return fmt.Errorf("community: receipt: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// totalsColumns are the columns of the totals workbook.
var totalsColumns = []sheet.Column{
	{Title: "Năm", Width: 8, Kind: sheet.ColumnNumber},
	{Title: "Xã, phường", Width: 26},
	{Title: "Mục đích", Width: 36},
	{Title: "Tiền (đồng)", Width: 16, Kind: sheet.ColumnNumber},
	{Title: "Hiện vật (lượt)", Width: 12, Kind: sheet.ColumnNumber},
	{Title: "Giá trị hiện vật ước tính (đồng)", Width: 18, Kind: sheet.ColumnNumber},
	{Title: "Số người, đơn vị ủng hộ", Width: 14, Kind: sheet.ColumnNumber},
	{Title: "Số lượt ủng hộ", Width: 12, Kind: sheet.ColumnNumber},
}

// TotalsXLSX writes a year's totals as a workbook: for a commune, one row per purpose and a
// total row; for the whole city ("" commune), the same for each commune that received
// something, then the city's. Errors: ErrForbidden.
func (s *Service) TotalsXLSX(ctx context.Context, by *auth.Principal, year int, commune string, w io.Writer) error {
	t, err := s.Totals(ctx, by, year, commune)
	if err != nil {
		return err
	}
	var blocks []Totals
	if commune == "" {
		for _, c := range t.ByCommune {
			ct, err := s.Totals(ctx, by, year, c.CommuneCode)
			if err != nil {
				return err
			}
			blocks = append(blocks, ct)
		}
	}
	blocks = append(blocks, t)
	return sheet.WriteXLSX(w, fmt.Sprintf("Xã hội hoá %d", year), totalsColumns, func(yield func([]any) bool) {
		for _, b := range blocks {
			name := s.Units.Province().Name
			if b.CommuneCode != "" {
				name = s.CommuneName(b.CommuneCode)
			}
			for _, p := range b.ByPurpose {
				if !yield([]any{year, name, PurposeNames[p.Purpose], p.Money, p.InKindCount, p.InKindValue, p.Contributors, p.Contributions}) {
					return
				}
			}
			a := b.All
			if !yield([]any{year, name, "Cộng", a.Money, a.InKindCount, a.InKindValue, a.Contributors, a.Contributions}) {
				return
			}
		}
	})
}
