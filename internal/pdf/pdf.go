// Package pdf renders simple, printable A4 reports (a title, a subtitle and sections of
// label–value rows, tables or paragraphs) with embedded Noto Sans, so that Vietnamese text
// prints and copies correctly. The certificate package draws its own page with the same fonts.
package pdf

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// The fonts are Noto Sans from Debian's fonts-noto-core, under the SIL Open Font License
// (fonts/LICENSE.txt). They cover every Vietnamese letter with its precomposed marks.
var (
	//go:embed fonts/NotoSans-Regular.ttf
	fontRegular []byte
	//go:embed fonts/NotoSans-Bold.ttf
	fontBold []byte
)

// Document is a simple, printable A4 report: a title, a subtitle, and sections of label–value
// rows or tables.
type Document struct {
	Title, Subtitle string
	Lang            string    // "vi" or "en" — only for the footer's page label ("Trang 1/3" / "Page 1/3"); "" means "vi"
	GeneratedAt     time.Time // shown in Asia/Ho_Chi_Minh (UTC+7) as dd/mm/yyyy HH:MM; required
	Footer          string    // e.g. who generated it and the legal basis
	Sections        []Section
}

// Section is a heading followed by, in this order, its label–value rows, its table and its note;
// any of the three may be empty.
type Section struct {
	Heading string
	Fields  []Field // label–value rows
	Table   *Table  // or a table
	Note    string  // a paragraph; "\n" starts a new line
}

// Field is one label–value row of a section.
type Field struct{ Label, Value string }

// Table is a table whose header row is repeated at the top of every page it spans.
// Widths, in mm, are optional: without them the columns share the page width according to
// their content. A column whose cells are all numbers is right-aligned.
type Table struct {
	Columns []string
	Widths  []float64 // mm, optional; scaled down when wider than the page
	Rows    [][]string
}

// Layout, in mm and points. A4 is 210 × 297 mm.
const (
	family      = "NotoSans"
	margin      = 15.0 // all four sides
	baseSize    = 11.0 // pt
	titleSize   = 16.0
	headingSize = 13.0
	footerSize  = 9.0
	// Line heights are about 1.45 × the font size: Vietnamese stacks two marks above some
	// capitals (Ễ, Ằ), which need more room than the usual 1.2.
	lineH       = 5.6
	titleLineH  = 7.6
	headLineH   = 6.6
	footerLineH = 4.6
	padH        = 1.5 // left and right inside a cell
	padV        = 1.0 // above and below the text of a row
)

// ict is Asia/Ho_Chi_Minh. Việt Nam has kept UTC+7 without daylight saving since 1975, so a
// fixed zone is exact and does not depend on the tz database being installed.
func ict() *time.Location { return time.FixedZone("ICT", 7*60*60) }

// Render writes d as a PDF to w. The same document gives the same bytes: the PDF's creation
// date is GeneratedAt, not the time of rendering. The output is built in memory and written
// only when complete.
func Render(w io.Writer, d Document) (err error) {
	if err := validate(d); err != nil {
		return err
	}
	d = normaliseDocument(d)

	// fpdf reports most problems through Err, but some inputs make it panic; a report must
	// never take the server down, so a panic becomes an error here.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("pdf: render: %v", p)
		}
	}()

	// The footer shows "page X of Y". fpdf's page-count alias would leave a gap where the
	// placeholder was measured, and its font subset may lack the digits it needs, so the
	// document is laid out once to count the pages and again with the count.
	first, err := layout(d, 0)
	if err != nil {
		return err
	}
	pages := first.PageNo()
	f, err := layout(d, pages)
	if err != nil {
		return err
	}
	if f.PageNo() != pages {
		return fmt.Errorf("pdf: render: page count changed from %d to %d", pages, f.PageNo())
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("pdf: render: %w", err)
	}
	return nil
}

func validate(d Document) error {
	if d.GeneratedAt.IsZero() {
		return errors.New("pdf: GeneratedAt is required")
	}
	switch d.Lang {
	case "", "vi", "en":
	default:
		return fmt.Errorf("pdf: unsupported language %q", d.Lang)
	}
	for i, s := range d.Sections {
		t := s.Table
		if t == nil {
			continue
		}
		if len(t.Columns) == 0 {
			return fmt.Errorf("pdf: section %d: table has no columns", i+1)
		}
		if t.Widths != nil {
			if len(t.Widths) != len(t.Columns) {
				return fmt.Errorf("pdf: section %d: %d widths for %d columns", i+1, len(t.Widths), len(t.Columns))
			}
			for _, w := range t.Widths {
				if !(w > 0) || math.IsInf(w, 0) {
					return fmt.Errorf("pdf: section %d: column width %v is not positive", i+1, w)
				}
			}
		}
		for j, r := range t.Rows {
			if len(r) > len(t.Columns) {
				return fmt.Errorf("pdf: section %d: row %d has %d cells for %d columns", i+1, j+1, len(r), len(t.Columns))
			}
		}
	}
	return nil
}

// clean prepares text for the PDF. NFC first: fpdf draws a combining mark as a separate glyph
// at a fixed place, so decomposed (NFD) input such as "e" + U+0302 + U+0303 prints with the
// marks colliding, while the precomposed "ễ" has a glyph of its own. Then tabs become spaces,
// line ends become "\n", other control characters go, and characters outside the Basic
// Multilingual Plane (emoji), which fpdf's font tables cannot index, become U+FFFD.
func clean(s string) string {
	s = norm.NFC.String(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		case r > 0xFFFF:
			return '\uFFFD'
		}
		return r
	}, s)
}

func normaliseDocument(d Document) Document {
	out := Document{
		Title:       clean(d.Title),
		Subtitle:    clean(d.Subtitle),
		Lang:        d.Lang,
		GeneratedAt: d.GeneratedAt,
		Footer:      clean(d.Footer),
		Sections:    make([]Section, len(d.Sections)),
	}
	for i, s := range d.Sections {
		ns := Section{Heading: clean(s.Heading), Note: clean(s.Note)}
		for _, f := range s.Fields {
			ns.Fields = append(ns.Fields, Field{Label: clean(f.Label), Value: clean(f.Value)})
		}
		if t := s.Table; t != nil {
			nt := &Table{Columns: cleanAll(t.Columns), Widths: t.Widths} // read only, never written
			for _, r := range t.Rows {
				nt.Rows = append(nt.Rows, cleanAll(r))
			}
			ns.Table = nt
		}
		out.Sections[i] = ns
	}
	return out
}

func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clean(s)
	}
	return out
}

// renderer lays out one document on one fpdf instance.
type renderer struct {
	f        *fpdf.Fpdf
	d        Document
	pages    int // total, or 0 on the counting pass
	pageW    float64
	pageH    float64
	contentW float64
	bottom   float64 // lowest y the body may reach; the footer sits below it
}

// layout draws the whole document; pages is the total shown in the footer (0 while counting).
func layout(d Document, pages int) (*fpdf.Fpdf, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(family, "", fontRegular)
	f.AddUTF8FontFromBytes(family, "B", fontBold)
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("pdf: load fonts: %w", err)
	}
	local := d.GeneratedAt.In(ict())
	f.SetCreationDate(local)
	f.SetModificationDate(local)
	f.SetCatalogSort(true) // resources in a fixed order, for byte-identical output
	f.SetTitle(d.Title, true)
	f.SetCreator("hoctap", false)
	f.SetLang(langOf(d))
	f.SetMargins(margin, margin, margin)
	f.SetCellMargin(padH)

	r := &renderer{f: f, d: d, pages: pages}
	r.pageW, r.pageH = f.GetPageSize()
	r.contentW = r.pageW - 2*margin

	f.SetFont(family, "", footerSize)
	footLines := f.SplitText(d.Footer, r.contentW)
	footerH := 1.5 + float64(len(footLines)+1)*footerLineH // rule, footer text, date and page line
	r.bottom = r.pageH - margin - footerH - 3
	// Page breaks are made here, not by fpdf, so that rows are measured and broken by the
	// same line-breaking code that draws them, and tables can repeat their header.
	f.SetAutoPageBreak(false, r.pageH-r.bottom)
	f.SetFooterFunc(func() { r.footer(footLines, footerH) })

	f.AddPage()
	r.titleBlock()
	for i, s := range d.Sections {
		r.section(s, i == 0)
	}
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("pdf: render: %w", err)
	}
	return f, nil
}

func langOf(d Document) string {
	if d.Lang == "" {
		return "vi"
	}
	return d.Lang
}

func (r *renderer) pageLabel(n int) string {
	total := "?"
	if r.pages > 0 {
		total = fmt.Sprint(r.pages)
	}
	if langOf(r.d) == "en" {
		return fmt.Sprintf("Page %d/%s", n, total)
	}
	return fmt.Sprintf("Trang %d/%s", n, total)
}

func (r *renderer) footer(lines []string, h float64) {
	f := r.f
	y := r.pageH - margin - h
	f.SetDrawColor(150, 150, 150)
	f.SetLineWidth(0.2)
	f.Line(margin, y, r.pageW-margin, y)
	f.SetFont(family, "", footerSize)
	f.SetTextColor(80, 80, 80)
	f.SetXY(margin, y+1.5)
	for _, l := range lines {
		f.CellFormat(r.contentW, footerLineH, l, "", 2, "L", false, 0, "")
	}
	date := r.d.GeneratedAt.In(ict()).Format("02/01/2006 15:04")
	f.CellFormat(r.contentW/2, footerLineH, date, "", 0, "L", false, 0, "")
	f.CellFormat(r.contentW/2, footerLineH, r.pageLabel(f.PageNo()), "", 0, "R", false, 0, "")
}

func (r *renderer) atTop() bool { return r.f.GetY() <= margin+0.01 }

func (r *renderer) newPage() {
	r.f.AddPage()
	r.f.SetXY(margin, margin)
}

// text draws wrapped full-width lines, breaking the page between lines when needed.
func (r *renderer) text(s, style string, size, lh float64, gray int) {
	f := r.f
	f.SetFont(family, style, size)
	f.SetTextColor(gray, gray, gray)
	for _, l := range f.SplitText(s, r.contentW) {
		if f.GetY()+lh > r.bottom && !r.atTop() {
			r.newPage()
		}
		f.SetX(margin)
		f.CellFormat(r.contentW, lh, l, "", 2, "L", false, 0, "")
	}
}

func (r *renderer) titleBlock() {
	f := r.f
	if r.d.Title != "" {
		r.text(r.d.Title, "B", titleSize, titleLineH, 0)
	}
	if r.d.Subtitle != "" {
		r.text(r.d.Subtitle, "", baseSize, lineH, 70)
	}
	if r.d.Title != "" || r.d.Subtitle != "" {
		y := f.GetY() + 2
		f.SetDrawColor(0, 0, 0)
		f.SetLineWidth(0.4)
		f.Line(margin, y, r.pageW-margin, y)
		f.SetY(y + 3)
	}
}

func (r *renderer) section(s Section, first bool) {
	f := r.f
	if !first && !r.atTop() {
		f.SetY(f.GetY() + 5)
	}
	if s.Heading != "" {
		f.SetFont(family, "B", headingSize)
		lines := f.SplitText(s.Heading, r.contentW)
		// Keep the heading with the first row of what follows.
		need := float64(len(lines))*headLineH + 1.5 + lineH + 2*padV
		if s.Table != nil && len(s.Fields) == 0 {
			need += lineH + 2*padV
		}
		if f.GetY()+need > r.bottom && !r.atTop() {
			r.newPage()
		}
		r.text(s.Heading, "B", headingSize, headLineH, 0)
		f.SetY(f.GetY() + 1.5)
	}
	gap := false
	if len(s.Fields) > 0 {
		r.fields(s.Fields)
		gap = true
	}
	if s.Table != nil {
		if gap {
			f.SetY(f.GetY() + 3)
		}
		r.table(s.Table)
		gap = true
	}
	if s.Note != "" {
		if gap {
			f.SetY(f.GetY() + 3)
		}
		f.SetFont(family, "", baseSize)
		r.row([]float64{margin}, []float64{r.contentW}, []cell{{lines: f.SplitText(s.Note, r.contentW), gray: 0}},
			rowStyle{fill: -1}, 0, nil)
	}
}

// cell is one cell of a row, already broken into lines.
type cell struct {
	lines []string
	align string // "L" or "R"; "" means "L"
	gray  int    // text colour
}

type rowStyle struct {
	bold   bool
	fill   int  // background grey level, -1 for none
	border bool // a frame around each cell
	rule   bool // a thin line under the row
}

// row draws cells side by side. A row that does not fit in the space left starts a new page; a
// row taller than a whole page is split between pages. After each page break it calls
// repeat (the table header), whose height is repeatH.
func (r *renderer) row(xs, ws []float64, cells []cell, st rowStyle, repeatH float64, repeat func()) {
	f := r.f
	total := 1
	for _, c := range cells {
		total = max(total, len(c.lines))
	}
	fits := func(space float64) int { return int(math.Floor((space - 2*padV + 1e-6) / lineH)) }
	perPage := fits(r.bottom - margin - repeatH)
	fresh := r.atTop()
	for start := 0; start < total; {
		left := total - start
		n := fits(r.bottom - f.GetY())
		switch {
		case n >= left:
			n = left
		case fresh:
			n = max(n, 1) // nothing more can be gained by a new page
		case n >= 1 && left > perPage:
			// taller than a page: fill this one and go on
		default:
			r.newPage()
			if repeat != nil {
				repeat()
			}
			fresh = true
			continue
		}
		r.chunk(xs, ws, cells, st, start, n)
		start += n
		fresh = false
	}
}

// chunk draws lines [start, start+n) of each cell as one band of the row.
func (r *renderer) chunk(xs, ws []float64, cells []cell, st rowStyle, start, n int) {
	f := r.f
	y := f.GetY()
	h := float64(n)*lineH + 2*padV
	style := ""
	if st.bold {
		style = "B"
	}
	f.SetFont(family, style, baseSize)
	f.SetLineWidth(0.2)
	f.SetDrawColor(150, 150, 150)
	for i, c := range cells {
		if st.fill >= 0 {
			f.SetFillColor(st.fill, st.fill, st.fill)
			f.Rect(xs[i], y, ws[i], h, "F")
		}
		if st.border {
			f.Rect(xs[i], y, ws[i], h, "D")
		}
		align := c.align
		if align == "" {
			align = "L"
		}
		f.SetTextColor(c.gray, c.gray, c.gray)
		for j := start; j < start+n && j < len(c.lines); j++ {
			f.SetXY(xs[i], y+padV+float64(j-start)*lineH)
			f.CellFormat(ws[i], lineH, c.lines[j], "", 0, align, false, 0, "")
		}
	}
	if st.rule {
		f.SetDrawColor(210, 210, 210)
		f.Line(xs[0], y+h, xs[len(xs)-1]+ws[len(ws)-1], y+h)
	}
	f.SetXY(margin, y+h)
}

func (r *renderer) fields(fields []Field) {
	f := r.f
	f.SetFont(family, "", baseSize)
	labelW := 0.0
	for _, fl := range fields {
		for _, l := range strings.Split(fl.Label, "\n") {
			labelW = max(labelW, f.GetStringWidth(l)+2*padH+1)
		}
	}
	labelW = min(max(labelW, 30), 0.4*r.contentW)
	xs := []float64{margin, margin + labelW}
	ws := []float64{labelW, r.contentW - labelW}
	for _, fl := range fields {
		cells := []cell{
			{lines: f.SplitText(fl.Label, ws[0]), gray: 80},
			{lines: f.SplitText(fl.Value, ws[1]), gray: 0},
		}
		r.row(xs, ws, cells, rowStyle{fill: -1, rule: true}, 0, nil)
	}
}

func (r *renderer) table(t *Table) {
	f := r.f
	ws := r.columnWidths(t)
	xs := make([]float64, len(ws))
	x := margin
	for i, w := range ws {
		xs[i] = x
		x += w
	}
	align := make([]string, len(ws))
	for i := range align {
		align[i] = "L"
		if numericColumn(t.Rows, i) {
			align[i] = "R"
		}
	}

	f.SetFont(family, "B", baseSize)
	head := make([]cell, len(ws))
	headLines := 1
	for i, c := range t.Columns {
		head[i] = cell{lines: f.SplitText(c, ws[i]), align: align[i]}
		headLines = max(headLines, len(head[i].lines))
	}
	headH := float64(headLines)*lineH + 2*padV
	drawHead := func() { r.chunk(xs, ws, head, rowStyle{bold: true, fill: 225, border: true}, 0, headLines) }

	// Keep the header with the first row.
	if f.GetY()+headH+lineH+2*padV > r.bottom && !r.atTop() {
		r.newPage()
	}
	drawHead()

	f.SetFont(family, "", baseSize)
	for k, row := range t.Rows {
		cells := make([]cell, len(ws))
		for i := range ws {
			s := ""
			if i < len(row) {
				s = row[i]
			}
			cells[i] = cell{lines: f.SplitText(s, ws[i]), align: align[i]}
		}
		fill := -1
		if k%2 == 1 {
			fill = 245 // zebra stripes help the eye follow a row across a wide table
		}
		r.row(xs, ws, cells, rowStyle{fill: fill, border: true}, headH, drawHead)
		f.SetFont(family, "", baseSize)
	}
}

// columnWidths returns the table's widths in mm: the given ones (scaled down to the page
// width if wider), or widths shared according to each column's widest text.
func (r *renderer) columnWidths(t *Table) []float64 {
	n := len(t.Columns)
	if t.Widths != nil {
		ws := append([]float64(nil), t.Widths...)
		sum := 0.0
		for _, w := range ws {
			sum += w
		}
		if sum > r.contentW {
			for i := range ws {
				ws[i] *= r.contentW / sum
			}
		}
		return ws
	}

	f := r.f
	natural := make([]float64, n)
	f.SetFont(family, "B", baseSize)
	for i, c := range t.Columns {
		natural[i] = widest(f, c)
	}
	f.SetFont(family, "", baseSize)
	for _, row := range t.Rows {
		for i := 0; i < n && i < len(row); i++ {
			natural[i] = max(natural[i], widest(f, row[i]))
		}
	}
	sum := 0.0
	for i := range natural {
		natural[i] = min(natural[i]+2*padH+0.5, r.contentW)
		sum += natural[i]
	}
	ws := make([]float64, n)
	if sum <= r.contentW {
		for i := range ws {
			ws[i] = natural[i] * r.contentW / sum
		}
		return ws
	}
	// Too wide: narrow columns keep their width, the wide ones share the rest in proportion.
	fixed := make([]bool, n)
	left, open := r.contentW, n
	for changed := true; changed && open > 0; {
		changed = false
		share := left / float64(open)
		for i := range natural {
			if !fixed[i] && natural[i] <= share {
				fixed[i], ws[i] = true, natural[i]
				left -= natural[i]
				open--
				changed = true
			}
		}
	}
	wide := 0.0
	for i := range natural {
		if !fixed[i] {
			wide += natural[i]
		}
	}
	for i := range natural {
		if !fixed[i] {
			ws[i] = left * natural[i] / wide
		}
	}
	return ws
}

// widest returns the width of the longest line of s in the current font.
func widest(f *fpdf.Fpdf, s string) float64 {
	w := 0.0
	for _, l := range strings.Split(s, "\n") {
		w = max(w, f.GetStringWidth(l))
	}
	return w
}

// numericColumn reports whether every non-empty cell of column i is a number such as
// "1.234", "-5", "12,5" or "80%".
func numericColumn(rows [][]string, i int) bool {
	seen := false
	for _, r := range rows {
		if i >= len(r) {
			continue
		}
		s := strings.TrimSpace(r[i])
		if s == "" {
			continue
		}
		digits := false
		for _, c := range s {
			switch {
			case c >= '0' && c <= '9':
				digits = true
			case strings.ContainsRune(".,%+- ", c):
			default:
				return false
			}
		}
		if !digits {
			return false
		}
		seen = true
	}
	return seen
}
