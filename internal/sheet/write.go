package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// ColumnKind says how an export column's values are written.
type ColumnKind int

// The kinds of export column.
const (
	// ColumnText is written as text, so IDs and phone numbers keep their leading zeros.
	ColumnText ColumnKind = iota
	// ColumnNumber is written as a number when the value is one.
	ColumnNumber
	// ColumnDate takes time.Time or Date values, written as dd/mm/yyyy dates.
	ColumnDate
)

// Column is one column of an export.
type Column struct {
	Title string
	Width float64 // in Excel character widths; 0 leaves Excel's default
	Kind  ColumnKind
}

// DateLayout is how exports write dates, the Vietnamese order.
const DateLayout = "02/01/2006"

// xlsxStyles are the style ids of one export workbook.
type xlsxStyles struct{ header, text, date int }

// WriteXLSX writes an .xlsx with one sheet: a bold, shaded and bordered header row that
// stays in view when scrolling (frozen pane), the columns' widths, then one row per
// value slice from rows (nil values leave the cell empty). Rows are streamed to the
// writer's temporary storage, so large exports do not sit in memory.
func WriteXLSX(w io.Writer, sheetName string, columns []Column, rows func(yield func([]any) bool)) error {
	f := excelize.NewFile()
	defer f.Close()
	name := safeSheetName(sheetName)
	if name != "Sheet1" {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return fmt.Errorf("sheet: export: %w", err)
		}
	}
	st, err := newXLSXStyles(f)
	if err != nil {
		return fmt.Errorf("sheet: export: %w", err)
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("sheet: export: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("sheet: export: %w", err)
	}
	for i, c := range columns {
		if c.Width > 0 {
			if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
				return fmt.Errorf("sheet: export: %w", err)
			}
		}
	}
	header := make([]any, len(columns))
	for i, c := range columns {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.Title}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 30}); err != nil {
		return fmt.Errorf("sheet: export: %w", err)
	}
	n := 1
	var rowErr error
	if rows != nil {
		rows(func(vals []any) bool {
			n++
			if n > excelize.TotalRows {
				rowErr = fmt.Errorf("more than %d rows", excelize.TotalRows-1)
				return false
			}
			cells := make([]any, len(columns))
			for i, c := range columns {
				if i < len(vals) {
					cells[i] = xlsxValue(c.Kind, vals[i], st)
				}
			}
			if err := sw.SetRow("A"+strconv.Itoa(n), cells); err != nil {
				rowErr = err
				return false
			}
			return true
		})
	}
	if rowErr != nil {
		return fmt.Errorf("sheet: export: %w", rowErr)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("sheet: export: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("sheet: export: %w", err)
	}
	return nil
}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	border := []excelize.Border{
		{Type: "left", Color: "808080", Style: 1}, {Type: "top", Color: "808080", Style: 1},
		{Type: "right", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1},
	}
	st.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	})
	if err != nil {
		return st, err
	}
	// Text format "@" keeps Excel from turning an edited ID back into a number.
	if st.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return st, err
	}
	layout := "dd/mm/yyyy"
	st.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &layout})
	return st, err
}

// safeSheetName makes a valid sheet name: at most 31 characters, none of : \ / ? * [ ].
func safeSheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.Trim(s, "'")
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	if s == "" {
		return "Sheet1"
	}
	return s
}

func xlsxValue(kind ColumnKind, v any, st xlsxStyles) any {
	v = deref(v)
	if v == nil {
		return nil
	}
	switch kind {
	case ColumnNumber:
		switch v.(type) {
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
			return v
		}
		return excelize.Cell{StyleID: st.text, Value: textValue(v)}
	case ColumnDate:
		switch d := v.(type) {
		case time.Time:
			if d.IsZero() {
				return nil
			}
			return excelize.Cell{StyleID: st.date, Value: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)}
		case Date:
			if d.Full() {
				return excelize.Cell{StyleID: st.date, Value: d.Time()}
			}
			if d.IsZero() {
				return nil
			}
			return excelize.Cell{StyleID: st.text, Value: d.String()} // "1958" or "03/1990"
		}
	}
	s := textValue(v)
	if s == "" {
		return nil
	}
	return excelize.Cell{StyleID: st.text, Value: s}
}

// deref turns nil pointers into nil and other pointers into what they point to, so that
// a *time.Time or *string field can be passed as it is.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer {
		return v
	}
	if rv.IsNil() {
		return nil
	}
	return rv.Elem().Interface()
}

// textValue renders any value as the text an export shows.
func textValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.Format(DateLayout)
	case Date:
		return x.String()
	case float64:
		return generalNumber("", x)
	case float32:
		return generalNumber("", float64(x))
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// WriteCSV writes a CSV export in UTF-8 with a byte order mark, which is what makes Excel
// open Vietnamese text correctly, and CRLF line ends. Dates are dd/mm/yyyy. Text that
// Excel would run as a formula (starting with = + - @) gets a leading apostrophe, unless
// it is a plain number such as +84912345678.
//
// Note that Excel drops the leading zeros of IDs when it opens a CSV; WriteXLSX keeps them.
func WriteCSV(w io.Writer, columns []Column, rows func(yield func([]any) bool)) error {
	if _, err := w.Write(utf8BOM); err != nil {
		return fmt.Errorf("sheet: export: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rec := make([]string, len(columns))
	for i, c := range columns {
		rec[i] = c.Title
	}
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("sheet: export: %w", err)
	}
	var rowErr error
	if rows != nil {
		rows(func(vals []any) bool {
			for i, c := range columns {
				rec[i] = ""
				if i < len(vals) {
					rec[i] = csvValue(c.Kind, deref(vals[i]))
				}
			}
			if err := cw.Write(rec); err != nil {
				rowErr = err
				return false
			}
			return true
		})
	}
	cw.Flush()
	if rowErr == nil {
		rowErr = cw.Error()
	}
	if rowErr != nil {
		return fmt.Errorf("sheet: export: %w", rowErr)
	}
	return nil
}

func csvValue(kind ColumnKind, v any) string {
	s := textValue(v)
	if kind == ColumnText && s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) && !plainNumber(s) {
		// Why: a CSV opened in Excel runs "=HYPERLINK(…)" typed into a name field (OWASP "CSV injection").
		return "'" + s
	}
	return s
}

func plainNumber(s string) bool {
	t := strings.TrimLeft(s, "+-")
	return t != "" && len(s)-len(t) == 1 && strings.Trim(t, "0123456789 .") == ""
}
