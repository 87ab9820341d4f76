package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/pdf"
)

// The fixed layout of every sheet (docs/annual-report.md): the report's heading in rows 1–7,
// the table's header in row 9 and its rows from row 10.
const (
	headerRow = 9
	firstRow  = 10
)

// xlsxStyles are the style ids of the workbook.
type xlsxStyles struct {
	title, label, text, wrap, header, number, percent, gap, year, date, noData, bold, boldNumber int
}

// workbook writes one report as .xlsx.
type workbook struct {
	f  *excelize.File
	st xlsxStyles
	l  labels
	a  Annual
}

// column is a column of a sheet's table.
type column struct {
	title string
	width float64
}

// cell is one value and its style.
type cell struct {
	v     any
	style int
}

// WriteXLSX writes the report as an .xlsx workbook in the fixed layout of
// docs/annual-report.md: one sheet per section, each with the report's heading (unit, year,
// date) in rows 1–7, its table's header in row 9 and its rows from row 10. Percentages are
// numbers with a percent format; a missing value is the text "không có số liệu" ("no data"),
// never 0. The workbook is built in memory and written only when complete.
func WriteXLSX(w io.Writer, a Annual) error {
	l, err := prepare(&a)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	b := &workbook{f: f, l: l, a: a}
	if b.st, err = newStyles(f); err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	for i, s := range []func() error{b.indicators, b.trend, b.units, b.pipeline, b.blocks, b.untrained, b.contributions, b.method} {
		if err := s(); err != nil {
			return fmt.Errorf("report: xlsx: sheet %d: %w", i+1, err)
		}
	}
	f.SetActiveSheet(0)
	local := a.GeneratedAt.In(ict())
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:    pdf.Clean(l.T("report.title", itoa(a.Year)) + " — " + a.UnitName),
		Creator:  "hoctap",
		Created:  local.Format(time.RFC3339),
		Modified: local.Format(time.RFC3339),
		Language: a.Lang,
	}); err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	return nil
}

func newStyles(f *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	border := []excelize.Border{
		{Type: "left", Color: "808080", Style: 1}, {Type: "top", Color: "808080", Style: 1},
		{Type: "right", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1},
	}
	custom := func(s string) *string { return &s }
	defs := []struct {
		id *int
		s  excelize.Style
	}{
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.label, excelize.Style{Font: &excelize.Font{Bold: true, Color: "404040"}}},
		{&st.text, excelize.Style{NumFmt: 49, Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.wrap, excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&st.number, excelize.Style{CustomNumFmt: custom("#,##0"), Border: border, Alignment: &excelize.Alignment{Vertical: "top"}}},
		// Percentages are stored as fractions (0.405) shown as 40.5%, so that Excel can
		// compute with them; the decimal mark follows the reader's Excel.
		{&st.percent, excelize.Style{CustomNumFmt: custom("0.0%"), Border: border, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&st.gap, excelize.Style{CustomNumFmt: custom("+0.0%;-0.0%;0.0%"), Border: border, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&st.year, excelize.Style{CustomNumFmt: custom("0"), Border: border, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top"}}},
		{&st.date, excelize.Style{CustomNumFmt: custom("dd/mm/yyyy hh:mm"), Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&st.noData, excelize.Style{NumFmt: 49, Border: border, Font: &excelize.Font{Italic: true, Color: "595959"}, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}}},
		{&st.bold, excelize.Style{NumFmt: 49, Border: border, Font: &excelize.Font{Bold: true}}},
		{&st.boldNumber, excelize.Style{CustomNumFmt: custom("#,##0"), Border: border, Font: &excelize.Font{Bold: true}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.s)
		if err != nil {
			return st, err
		}
		*d.id = id
	}
	return st, nil
}

// sheet makes the next sheet: its heading block, the column widths and the header row.
// The first sheet renames the workbook's default one.
func (b *workbook) sheet(nameKey, headingKey string, cols []column) (string, error) {
	f, l, a := b.f, b.l, b.a
	name := l.T(nameKey)
	if len(f.GetSheetList()) == 1 && f.GetSheetList()[0] == "Sheet1" {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return "", err
		}
	} else if _, err := f.NewSheet(name); err != nil {
		return "", err
	}
	heading := l.T(headingKey, itoa(a.Year))
	local := a.GeneratedAt.In(ict())
	// Excel dates have no zone: the wall clock in Hà Nội is written as it reads.
	stamp := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), 0, 0, time.UTC)
	rows := [][2]cell{
		{{pdf.Clean(l.T("report.title", itoa(a.Year)) + " — " + heading), b.st.title}, {}},
		{{l.T("report.unit"), b.st.label}, {pdf.Clean(a.UnitName), b.st.wrap}},
		{{l.T("report.unit_code"), b.st.label}, {pdf.Clean(a.UnitCode), b.st.wrap}},
		{{l.T("report.level"), b.st.label}, {l.level(a.Level), b.st.wrap}},
		{{l.T("report.parent"), b.st.label}, {pdf.Clean(a.ParentName), b.st.wrap}},
		{{l.T("report.year"), b.st.label}, {a.Year, b.st.year}},
		{{l.T("report.generated"), b.st.label}, {stamp, b.st.date}},
	}
	for i, r := range rows {
		for j, c := range r {
			if c.v == nil {
				continue
			}
			if err := b.set(name, j+1, i+1, c); err != nil {
				return "", err
			}
		}
	}
	for i, c := range cols {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(name, col, col, c.width); err != nil {
			return "", err
		}
		if err := b.set(name, i+1, headerRow, cell{c.title, b.st.header}); err != nil {
			return "", err
		}
	}
	if err := f.SetRowHeight(name, headerRow, 32); err != nil {
		return "", err
	}
	return name, f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", firstRow), ActivePane: "bottomLeft"})
}

func (b *workbook) set(sheet string, col, row int, c cell) error {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	if err := b.f.SetCellValue(sheet, ref, c.v); err != nil {
		return err
	}
	return b.f.SetCellStyle(sheet, ref, ref, c.style)
}

// rows writes the table's rows from firstRow, or "Không có" when there is none.
func (b *workbook) rows(sheet string, rows [][]cell) error {
	if len(rows) == 0 {
		return b.set(sheet, 1, firstRow, cell{b.l.T("report.none"), b.st.wrap})
	}
	for i, r := range rows {
		for j, c := range r {
			if c.v == nil {
				continue
			}
			if err := b.set(sheet, j+1, firstRow+i, c); err != nil {
				return err
			}
		}
	}
	return nil
}

func (b *workbook) text(s string) cell { return cell{pdf.Clean(s), b.st.text} }
func (b *workbook) num(n int64) cell   { return cell{n, b.st.number} }

// pct writes a percentage as a fraction with a percent format, or the words for no data.
func (b *workbook) pct(v *float64) cell {
	if v == nil {
		return cell{b.l.noData(), b.st.noData}
	}
	return cell{*v / 100, b.st.percent}
}

func (b *workbook) indicators() error {
	l := b.l
	targets := targetColumns(b.a.Measures)
	cols := []column{
		{l.T("report.col.code"), 10}, {l.T("report.col.indicator"), 48}, {l.T("report.col.numerator"), 13},
		{l.T("report.col.denominator"), 13}, {l.T("report.col.value"), 11},
	}
	for _, t := range targets {
		cols = append(cols, column{l.T("report.col.target", itoa(t.Year), t.Plan), 14}, column{l.T("report.col.gap", itoa(t.Year), t.Plan), 16})
	}
	cols = append(cols, column{l.T("report.col.forecast_year"), 10}, column{l.T("report.col.forecast"), 11},
		column{l.T("report.col.forecast_low"), 11}, column{l.T("report.col.forecast_high"), 11})
	name, err := b.sheet("report.sheet.indicators", "report.section.indicators", cols)
	if err != nil {
		return err
	}
	var rows [][]cell
	for _, ind := range b.a.Measures {
		r := []cell{b.text(ind.Code), b.text(ind.Name), b.num(ind.Numerator), b.num(ind.Denominator), b.pct(ind.Value)}
		for _, k := range targets {
			var tv *float64
			for _, t := range ind.Targets {
				if t.Plan == k.Plan && t.Year == k.Year {
					tv = &t.Value
					break
				}
			}
			switch {
			case tv == nil:
				r = append(r, cell{}, cell{})
			case ind.Value == nil:
				r = append(r, cell{*tv / 100, b.st.percent}, cell{l.noData(), b.st.noData})
			default:
				r = append(r, cell{*tv / 100, b.st.percent}, cell{(*ind.Value - *tv) / 100, b.st.gap})
			}
		}
		if fc := ind.Forecast; fc != nil {
			r = append(r, cell{fc.Year, b.st.year}, cell{fc.Value / 100, b.st.percent},
				cell{min(fc.Low, fc.High) / 100, b.st.percent}, cell{max(fc.Low, fc.High) / 100, b.st.percent})
		}
		rows = append(rows, r)
	}
	return b.rows(name, rows)
}

func (b *workbook) trend() error {
	l := b.l
	years := trendYears(b.a.Measures)
	cols := []column{{l.T("report.col.code"), 10}, {l.T("report.col.indicator"), 48}}
	for _, y := range years {
		cols = append(cols, column{itoa(y), 11})
	}
	name, err := b.sheet("report.sheet.trend", "report.section.trend", cols)
	if err != nil {
		return err
	}
	var rows [][]cell
	for _, ind := range b.a.Measures {
		r := []cell{b.text(ind.Code), b.text(ind.Name)}
		for _, y := range years {
			c := cell{}
			for _, p := range ind.Trend {
				if p.Year == y {
					c = b.pct(p.Value)
				}
			}
			r = append(r, c)
		}
		rows = append(rows, r)
	}
	return b.rows(name, rows)
}

func (b *workbook) units() error {
	l := b.l
	cols := []column{{l.T("report.col.rank"), 7}, {l.T("report.col.code"), 10}, {l.T("report.col.unit"), 32}}
	for _, ind := range b.a.Measures {
		cols = append(cols, column{pdf.Clean(ind.Name), 16})
	}
	name, err := b.sheet("report.sheet.units", "report.section.units_short", cols)
	if err != nil {
		return err
	}
	var rows [][]cell
	for _, u := range rankedUnits(b.a.Units) {
		rank := cell{}
		if u.Rank > 0 {
			rank = cell{u.Rank, b.st.number}
		}
		r := []cell{rank, b.text(u.Code), b.text(u.Name)}
		for _, ind := range b.a.Measures {
			r = append(r, b.pct(u.Values[ind.Code])) // a missing entry is no data too
		}
		rows = append(rows, r)
	}
	return b.rows(name, rows)
}

func (b *workbook) pipeline() error {
	l := b.l
	cols := []column{{l.T("report.col.title"), 28}}
	for _, s := range pipelineStates {
		cols = append(cols, column{l.T("report.state." + s), 14})
	}
	cols = append(cols, column{l.T("report.col.total"), 14})
	name, err := b.sheet("report.sheet.pipeline", "report.section.pipeline", cols)
	if err != nil {
		return err
	}
	var rows [][]cell
	for _, p := range b.a.Pipeline {
		r := []cell{b.text(p.Title)}
		var total int64
		for _, c := range pipelineCounts(p) {
			r = append(r, b.num(c))
			total += c
		}
		rows = append(rows, append(r, cell{total, b.st.boldNumber}))
	}
	return b.rows(name, rows)
}

func (b *workbook) blocks() error {
	l := b.l
	name, err := b.sheet("report.sheet.blocks", "report.section.blocks",
		[]column{{l.T("report.col.block"), 28}, {l.T("report.col.measure"), 56}, {l.T("report.col.measure_value"), 20}})
	if err != nil {
		return err
	}
	var rows [][]cell
	for _, bl := range b.a.Blocks {
		for _, m := range bl.Items {
			rows = append(rows, []cell{b.text(bl.Name), b.text(m.Name), b.text(m.Value)})
		}
		if len(bl.Items) == 0 {
			rows = append(rows, []cell{b.text(bl.Name), b.text(l.T("report.none")), {}})
		}
	}
	return b.rows(name, rows)
}

func (b *workbook) untrained() error {
	l := b.l
	name, err := b.sheet("report.sheet.untrained", "report.section.untrained_short", []column{
		{l.T("report.col.no"), 6}, {l.T("report.col.name"), 28}, {l.T("report.col.branch"), 28},
		{l.T("report.col.position"), 22}, {l.T("report.col.village"), 24},
	})
	if err != nil {
		return err
	}
	var rows [][]cell
	for i, o := range b.a.Untrained {
		rows = append(rows, []cell{{i + 1, b.st.number}, b.text(o.Name), b.text(o.Branch), b.text(o.Position), b.text(o.Village)})
	}
	return b.rows(name, rows)
}

func (b *workbook) contributions() error {
	l := b.l
	name, err := b.sheet("report.sheet.contributions", "report.section.contributions", []column{
		{l.T("report.col.purpose"), 40}, {l.T("report.col.money"), 18}, {l.T("report.col.in_kind"), 14}, {l.T("report.col.contributors"), 14},
	})
	if err != nil {
		return err
	}
	var rows [][]cell
	var money, kind, people int64
	for _, c := range b.a.Contributions {
		rows = append(rows, []cell{b.text(c.Purpose), b.num(c.Money), b.num(c.InKindCount), b.num(c.Contributors)})
		money, kind, people = money+c.Money, kind+c.InKindCount, people+c.Contributors
	}
	if len(rows) > 0 {
		rows = append(rows, []cell{{l.T("report.col.total"), b.st.bold}, {money, b.st.boldNumber}, {kind, b.st.boldNumber}, {people, b.st.boldNumber}})
	}
	return b.rows(name, rows)
}

func (b *workbook) method() error {
	name, err := b.sheet("report.sheet.method", "report.section.method", []column{{b.l.T("report.col.method"), 120}})
	if err != nil {
		return err
	}
	var rows [][]cell
	for _, p := range b.a.Method {
		if p = strings.TrimSpace(p); p != "" {
			rows = append(rows, []cell{{pdf.Clean(p), b.st.wrap}})
		}
	}
	return b.rows(name, rows)
}
