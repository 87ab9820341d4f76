package report

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/go-pdf/fpdf"

	"hoctap/internal/chart"
	"hoctap/internal/pdf"
)

// Layout of the PDF, in mm and points. A4 is 210 × 297 mm.
const (
	family    = "NotoSans"
	margin    = 15.0
	baseSize  = 10.0 // pt
	smallSize = 8.5
	lineH     = 5.0 // about 1.45 × the font size: Vietnamese stacks two marks on some capitals
	smallLH   = 4.2
	padH      = 1.4
	padV      = 0.9
	// Charts: the trends two to a row, the ranking and the pipeline narrower than the page so
	// that their text prints at about 9 pt.
	trendGap   = 6.0
	rankWidth  = 130.0
	pipeWidth  = 140.0
	footerSize = 8.0
)

// WritePDF writes the report as an A4 PDF: a heading with the unit, the year and the date;
// the indicators against their targets; a trend chart per indicator with its targets and
// forecast; the ranking of the units below; the pipeline of the cycle; the building blocks;
// the officials not yet trained; the contributions; and the method. The charts are the
// figures of internal/chart, drawn with the PDF's own lines and text. The same report gives
// the same bytes: the PDF's dates are GeneratedAt. The output is built in memory and written
// only when complete.
func WritePDF(w io.Writer, a Annual) (err error) {
	l, err := prepare(&a)
	if err != nil {
		return err
	}
	// fpdf panics on some inputs; a report must never take the server down.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("report: pdf: %v", p)
		}
	}()
	regular, bold := pdf.NotoSans()
	// The footer says "page X of Y": the report is laid out once to count its pages, then
	// again with the count (fpdf's page-count alias would leave a gap in a subset font).
	first, err := layoutPDF(a, l, regular, bold, 0)
	if err != nil {
		return err
	}
	f, err := layoutPDF(a, l, regular, bold, first.PageNo())
	if err != nil {
		return err
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	return nil
}

// page lays out one report on one fpdf document.
type page struct {
	f      *fpdf.Fpdf
	a      Annual
	l      labels
	pages  int
	width  float64 // the content's width
	bottom float64 // the lowest y the body reaches
}

func layoutPDF(a Annual, l labels, regular, bold []byte, pages int) (*fpdf.Fpdf, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(family, "", regular)
	f.AddUTF8FontFromBytes(family, "B", bold)
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("report: pdf: fonts: %w", err)
	}
	local := a.GeneratedAt.In(ict())
	f.SetCreationDate(local)
	f.SetModificationDate(local)
	f.SetCatalogSort(true)
	f.SetTitle(pdf.Clean(l.T("report.title", itoa(a.Year))+" — "+a.UnitName), true)
	f.SetCreator("hoctap", false)
	f.SetLang(a.Lang)
	f.SetMargins(margin, margin, margin)
	f.SetCellMargin(padH)
	pw, ph := f.GetPageSize()
	p := &page{f: f, a: a, l: l, pages: pages, width: pw - 2*margin, bottom: ph - margin - 12}
	f.SetAutoPageBreak(false, margin)
	f.SetFooterFunc(p.footer)
	f.AddPage()

	p.cover()
	p.indicatorTable()
	p.trends()
	p.ranking()
	p.pipeline()
	p.blocks()
	p.untrained()
	p.contributions()
	p.method()
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("report: pdf: %w", err)
	}
	return f, nil
}

func (p *page) footer() {
	f := p.f
	pw, ph := f.GetPageSize()
	y := ph - margin - 7
	f.SetDrawColor(150, 150, 150)
	f.SetLineWidth(0.2)
	f.SetDashPattern(nil, 0)
	f.Line(margin, y, pw-margin, y)
	f.SetFont(family, "", footerSize)
	f.SetTextColor(80, 80, 80)
	f.SetXY(margin, y+1)
	total := "?"
	if p.pages > 0 {
		total = itoa(p.pages)
	}
	left := pdf.Clean(p.l.T("report.footer", p.a.UnitName, itoa(p.a.Year))) + " · " + p.a.GeneratedAt.In(ict()).Format("02/01/2006 15:04")
	f.CellFormat(p.width*0.75, 4.5, left, "", 0, "L", false, 0, "")
	f.CellFormat(p.width*0.25, 4.5, p.l.T("report.page", itoa(f.PageNo()), total), "", 0, "R", false, 0, "")
}

// need starts a new page unless h mm fit below the current position.
func (p *page) need(h float64) {
	if p.f.GetY()+h > p.bottom && p.f.GetY() > margin+0.1 {
		p.f.AddPage()
		p.f.SetXY(margin, margin)
	}
}

// text writes wrapped lines across the page.
func (p *page) text(s, style string, size, lh float64, gray int) {
	f := p.f
	f.SetFont(family, style, size)
	f.SetTextColor(gray, gray, gray)
	for _, line := range f.SplitText(pdf.Clean(s), p.width) {
		p.need(lh)
		f.SetX(margin)
		f.CellFormat(p.width, lh, line, "", 2, "L", false, 0, "")
	}
}

// heading starts a numbered section, kept with at least keep mm of what follows.
func (p *page) heading(n int, s string, keep float64) {
	f := p.f
	if f.GetY() > margin+0.1 {
		f.SetY(f.GetY() + 4)
	}
	f.SetFont(family, "B", 12.5)
	lines := f.SplitText(pdf.Clean(fmt.Sprintf("%d. %s", n, s)), p.width)
	p.need(float64(len(lines))*6.4 + keep)
	p.text(fmt.Sprintf("%d. %s", n, s), "B", 12.5, 6.4, 0)
	f.SetY(f.GetY() + 1.5)
}

func (p *page) cover() {
	f, l, a := p.f, p.l, p.a
	p.text(strings.ToUpper(l.T("report.title", itoa(a.Year))), "B", 17, 8, 0)
	p.text(l.T("report.subtitle"), "", 11.5, 6, 60)
	f.SetY(f.GetY() + 3)
	unit := a.UnitName
	if a.UnitCode != "" {
		unit += " (" + l.T("report.unit_code") + " " + a.UnitCode + ")"
	}
	p.fields([][2]string{
		{l.T("report.unit"), unit},
		{l.T("report.level"), l.level(a.Level)},
		{l.T("report.parent"), a.ParentName},
		{l.T("report.year"), itoa(a.Year)},
		{l.T("report.generated"), a.GeneratedAt.In(ict()).Format("02/01/2006 15:04")},
	})
	y := f.GetY() + 2
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.5)
	f.Line(margin, y, margin+p.width, y)
	f.SetY(y + 2)
}

// fields writes label–value rows.
func (p *page) fields(rows [][2]string) {
	f := p.f
	f.SetFont(family, "", baseSize)
	lw := 0.0
	for _, r := range rows {
		lw = max(lw, f.GetStringWidth(pdf.Clean(r[0]))+2*padH+1)
	}
	lw = min(lw, 0.4*p.width)
	for _, r := range rows {
		p.row([]float64{lw, p.width - lw}, []string{r[0], r[1]}, []string{"L", "L"}, rowStyle{labelGray: true})
	}
}

type rowStyle struct {
	bold      bool
	fill      int // grey level, 0 = none
	border    bool
	labelGray bool // the first cell in grey (a label)
}

// row draws one table row of cells (left to right from the margin) and returns its height.
func (p *page) row(ws []float64, cells, align []string, st rowStyle) float64 {
	f := p.f
	style := ""
	if st.bold {
		style = "B"
	}
	f.SetFont(family, style, baseSize)
	lines := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		lines[i] = f.SplitText(pdf.Clean(c), ws[i])
		n = max(n, len(lines[i]))
	}
	h := float64(n)*lineH + 2*padV
	y := f.GetY()
	x := margin
	f.SetLineWidth(0.2)
	f.SetDrawColor(150, 150, 150)
	f.SetDashPattern(nil, 0)
	for i := range cells {
		if st.fill > 0 {
			f.SetFillColor(st.fill, st.fill, st.fill)
			f.Rect(x, y, ws[i], h, "F")
		}
		if st.border {
			f.Rect(x, y, ws[i], h, "D")
		}
		g := 0
		if st.labelGray && i == 0 {
			g = 80
		}
		f.SetTextColor(g, g, g)
		for j, line := range lines[i] {
			f.SetXY(x, y+padV+float64(j)*lineH)
			f.CellFormat(ws[i], lineH, line, "", 0, align[i], false, 0, "")
		}
		x += ws[i]
	}
	if !st.border {
		f.SetDrawColor(215, 215, 215)
		f.Line(margin, y+h, margin+sum(ws), y+h)
	}
	f.SetXY(margin, y+h)
	return h
}

// rowHeight is the height row would draw.
func (p *page) rowHeight(ws []float64, cells []string, bold bool) float64 {
	style := ""
	if bold {
		style = "B"
	}
	p.f.SetFont(family, style, baseSize)
	n := 1
	for i, c := range cells {
		n = max(n, len(p.f.SplitText(pdf.Clean(c), ws[i])))
	}
	return float64(n)*lineH + 2*padV
}

// table draws a table whose header row is repeated on every page it spans; widths are
// fractions of the page's width. A row with bold set in boldRows is a total.
func (p *page) table(cols []string, widths []float64, align []string, rows [][]string, boldLast bool) {
	ws := make([]float64, len(widths))
	total := sum(widths)
	for i, w := range widths {
		ws[i] = w / total * p.width
	}
	head := func() {
		p.row(ws, cols, align, rowStyle{bold: true, fill: 225, border: true})
	}
	headH := p.rowHeight(ws, cols, true)
	first := 0.0
	if len(rows) > 0 {
		first = p.rowHeight(ws, rows[0], false)
	}
	p.need(headH + first)
	head()
	for i, r := range rows {
		bold := boldLast && i == len(rows)-1
		h := p.rowHeight(ws, r, bold)
		if p.f.GetY()+h > p.bottom {
			p.f.AddPage()
			p.f.SetXY(margin, margin)
			head()
		}
		fill := 0
		if i%2 == 1 {
			fill = 245
		}
		p.row(ws, r, align, rowStyle{bold: bold, fill: fill, border: true})
	}
}

func (p *page) none() { p.text(p.l.T("report.none"), "", baseSize, lineH, 80) }

func (p *page) indicatorTable() {
	l, a := p.l, p.a
	p.heading(1, l.T("report.section.indicators"), 20)
	many := len(plans(a.Measures)) > 1
	var rows [][]string
	for _, ind := range a.Measures {
		var ts, gaps []string
		for _, t := range ind.Targets {
			s := itoa(t.Year) + ": " + l.pct(t.Value)
			if many && t.Plan != "" {
				s += " (" + t.Plan + ")"
			}
			ts = append(ts, s)
			if ind.Value == nil {
				gaps = append(gaps, l.noData())
			} else {
				gaps = append(gaps, l.gap(*ind.Value-t.Value))
			}
		}
		fc := ""
		if f := ind.Forecast; f != nil {
			fc = l.T("report.forecast", itoa(f.Year), l.pct(f.Value), l.pct(math.Min(f.Low, f.High)), l.pct(math.Max(f.Low, f.High)))
		}
		rows = append(rows, []string{ind.Name, l.count(ind.Numerator) + " / " + l.count(ind.Denominator),
			l.value(ind.Value), strings.Join(ts, "\n"), strings.Join(gaps, "\n"), fc})
	}
	if len(rows) == 0 {
		p.none()
		return
	}
	p.table([]string{l.T("report.col.indicator"), l.T("report.col.fraction"), l.T("report.col.value"),
		l.T("report.col.target_short"), l.T("report.col.gap_short"), l.T("report.col.forecast")},
		[]float64{50, 24, 16, 26, 27, 37}, []string{"L", "R", "R", "R", "R", "L"}, rows, false)
	if ps := plans(a.Measures); len(ps) > 0 {
		p.f.SetY(p.f.GetY() + 1.5)
		p.text(l.T("report.target_plans", strings.Join(ps, ", ")), "", smallSize, smallLH, 80)
	}
}

// trendOptions are the trend chart of one indicator, the same as the dashboard's.
func (p *page) trendOptions(ind MeasureRow) chart.TrendOptions {
	o := chart.TrendOptions{Lang: p.a.Lang, Title: ind.Name}
	for _, pt := range ind.Trend {
		o.Points = append(o.Points, chart.Point{Year: pt.Year, Value: pt.Value})
	}
	for _, t := range ind.Targets {
		o.Targets = append(o.Targets, chart.Target{Year: t.Year, Value: t.Value, Plan: t.Plan})
	}
	if f := ind.Forecast; f != nil {
		o.Forecast = &chart.Forecast{Year: f.Year, Value: f.Value, Low: f.Low, High: f.High}
	}
	if p.a.ReformYear != 0 {
		o.Marker = &chart.Marker{Year: p.a.ReformYear, Label: p.l.T("report.reform")}
	}
	return o
}

// trends draws one chart per indicator, two to a row, each under its indicator's name.
func (p *page) trends() {
	f, a := p.f, p.a
	if len(a.Measures) == 0 {
		return
	}
	colW := (p.width - trendGap) / 2
	first := chart.TrendFigure(p.trendOptions(a.Measures[0]))
	chartH := first.Height * colW / first.Width
	p.heading(2, p.l.T("report.section.trend"), chartH+10)
	for i := 0; i < len(a.Measures); i += 2 {
		pair := a.Measures[i:min(i+2, len(a.Measures))]
		// The taller of the two names decides where both charts start.
		f.SetFont(family, "B", 9)
		titleLines := 1
		for _, ind := range pair {
			titleLines = max(titleLines, len(f.SplitText(pdf.Clean(ind.Name), colW)))
		}
		titleH := float64(titleLines) * 4.3
		p.need(titleH + chartH + 4)
		y := f.GetY()
		for j, ind := range pair {
			x := margin + float64(j)*(colW+trendGap)
			f.SetFont(family, "B", 9)
			f.SetTextColor(0, 0, 0)
			for k, line := range f.SplitText(pdf.Clean(ind.Name), colW) {
				f.SetXY(x, y+float64(k)*4.3)
				f.CellFormat(colW, 4.3, line, "", 0, "L", false, 0, "")
			}
			chart.TrendFigure(p.trendOptions(ind)).DrawPDF(f, x, y+titleH+0.5, colW, family)
		}
		f.SetXY(margin, y+titleH+chartH+4)
	}
}

// ranking draws the units as bars of the ranking indicator, as many to a page as fit.
func (p *page) ranking() {
	a, l := p.a, p.l
	ind := rankIndicator(a)
	if ind == nil || len(a.Units) == 0 {
		return
	}
	var target *float64
	if t := nextTarget(ind, a.Year); t != nil {
		target = &t.Value
	}
	// Units with no figure are named in one line after the bars: a page of "no data" bars
	// says nothing.
	var bars []chart.Bar
	var without []string
	for _, u := range rankedUnits(a.Units) {
		if u.Values[ind.Code] == nil {
			without = append(without, u.Name)
			continue
		}
		label := u.Name
		if u.Rank > 0 {
			label = itoa(u.Rank) + ". " + u.Name
		}
		bars = append(bars, chart.Bar{Label: label, Value: u.Values[ind.Code]})
	}
	defer func() {
		if len(without) > 0 {
			p.text(l.T("report.units_without", itoa(len(without)), strings.Join(without, ", ")), "", baseSize, lineH, 80)
		}
	}()
	if len(bars) == 0 {
		return
	}
	one := chart.BarsFigure(chart.BarsOptions{Lang: a.Lang, Bars: bars[:1], Compact: true})
	two := chart.BarsFigure(chart.BarsOptions{Lang: a.Lang, Bars: []chart.Bar{bars[0], bars[0]}, Compact: true})
	k := rankWidth / one.Width
	rowH := (two.Height - one.Height) * k
	frame := one.Height*k - rowH // the target's label and the axis
	p.heading(3, l.T("report.section.units", ind.Name), frame+3*rowH)
	x := margin + (p.width-rankWidth)/2
	for start := 0; start < len(bars); {
		room := p.bottom - p.f.GetY() - frame
		n := int(room / rowH)
		if n < 3 && p.f.GetY() > margin+0.1 {
			p.f.AddPage()
			p.f.SetXY(margin, margin)
			continue
		}
		n = max(1, min(n, len(bars)-start))
		fig := chart.BarsFigure(chart.BarsOptions{Lang: a.Lang, Title: ind.Name, Bars: bars[start : start+n], Target: target, Compact: true})
		h := fig.DrawPDF(p.f, x, p.f.GetY(), rankWidth, family)
		p.f.SetXY(margin, p.f.GetY()+h+2)
		start += n
	}
}

func (p *page) pipeline() {
	a, l := p.a, p.l
	states := make([]string, len(pipelineStates))
	for i, s := range pipelineStates {
		states[i] = l.T("report.state." + s)
	}
	o := chart.PipelineOptions{Lang: a.Lang, Title: l.T("report.section.pipeline", itoa(a.Year)), States: states}
	for _, r := range a.Pipeline {
		o.Stages = append(o.Stages, chart.Stage{Label: r.Title, Counts: pipelineCounts(r)})
	}
	fig := chart.PipelineFigure(o)
	h := fig.Height * pipeWidth / fig.Width
	p.heading(4, o.Title, min(h, p.bottom-margin-20)+2)
	if len(a.Pipeline) == 0 {
		p.none()
		return
	}
	if p.f.GetY()+h > p.bottom {
		p.f.AddPage()
		p.f.SetXY(margin, margin)
	}
	y := p.f.GetY()
	fig.DrawPDF(p.f, margin+(p.width-pipeWidth)/2, y, pipeWidth, family)
	p.f.SetXY(margin, y+h+3)
	cols := append([]string{l.T("report.col.title")}, states...)
	cols = append(cols, l.T("report.col.total"))
	var rows [][]string
	for _, r := range a.Pipeline {
		row := []string{r.Title}
		var total int64
		for _, c := range pipelineCounts(r) {
			row = append(row, l.count(c))
			total += c
		}
		rows = append(rows, append(row, l.count(total)))
	}
	align := []string{"L", "R", "R", "R", "R", "R", "R", "R"}
	p.table(cols, []float64{26, 12, 12, 12, 12, 12, 12, 12}, align, rows, false)
}

func (p *page) blocks() {
	l := p.l
	p.heading(5, l.T("report.section.blocks"), 14)
	if len(p.a.Blocks) == 0 {
		p.none()
		return
	}
	for _, b := range p.a.Blocks {
		p.f.SetY(p.f.GetY() + 1.5)
		p.need(6 + lineH + 2*padV)
		p.text(b.Name, "B", 10.5, 5.6, 0)
		var rows [][2]string
		for _, m := range b.Items {
			rows = append(rows, [2]string{m.Name, m.Value})
		}
		if len(rows) == 0 {
			p.none()
			continue
		}
		ws := []float64{p.width * 0.7, p.width * 0.3}
		for _, r := range rows {
			h := p.rowHeight(ws, r[:], false)
			p.need(h)
			p.row(ws, r[:], []string{"L", "R"}, rowStyle{labelGray: true})
		}
	}
}

func (p *page) untrained() {
	l := p.l
	p.heading(6, l.T("report.section.untrained", l.count(int64(len(p.a.Untrained)))), 14)
	if len(p.a.Untrained) == 0 {
		p.none()
		return
	}
	var rows [][]string
	for i, o := range p.a.Untrained {
		rows = append(rows, []string{itoa(i + 1), o.Name, o.Branch, o.Position, o.Village})
	}
	p.table([]string{l.T("report.col.no"), l.T("report.col.name"), l.T("report.col.branch"), l.T("report.col.position"), l.T("report.col.village")},
		[]float64{8, 30, 28, 20, 24}, []string{"R", "L", "L", "L", "L"}, rows, false)
}

func (p *page) contributions() {
	l := p.l
	p.heading(7, l.T("report.section.contributions"), 14)
	if len(p.a.Contributions) == 0 {
		p.none()
		return
	}
	var rows [][]string
	var money, kind, people int64
	for _, c := range p.a.Contributions {
		rows = append(rows, []string{c.Purpose, l.count(c.Money), l.count(c.InKindCount), l.count(c.Contributors)})
		money, kind, people = money+c.Money, kind+c.InKindCount, people+c.Contributors
	}
	rows = append(rows, []string{l.T("report.col.total"), l.count(money), l.count(kind), l.count(people)})
	p.table([]string{l.T("report.col.purpose"), l.T("report.col.money"), l.T("report.col.in_kind"), l.T("report.col.contributors")},
		[]float64{40, 22, 16, 18}, []string{"L", "R", "R", "R"}, rows, true)
}

func (p *page) method() {
	p.heading(8, p.l.T("report.section.method"), 12)
	if len(p.a.Method) == 0 {
		p.none()
		return
	}
	for _, m := range p.a.Method {
		if m = strings.TrimSpace(m); m != "" {
			p.text(m, "", baseSize, lineH, 0)
			p.f.SetY(p.f.GetY() + 1.5)
		}
	}
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}
