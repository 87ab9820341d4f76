package sheet

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var exportColumns = []Column{
	{Title: "Họ và tên", Width: 28, Kind: ColumnText},
	{Title: "Số định danh", Width: 16, Kind: ColumnText},
	{Title: "Ngày sinh", Width: 12, Kind: ColumnDate},
	{Title: "Số giờ học", Width: 10, Kind: ColumnNumber},
	{Title: "Ghi chú", Kind: ColumnText},
}

type person struct {
	name, id string
	born     any
	hours    any
	note     any
}

var exportPeople = []person{
	{"Nguyễn Văn Đức", "001090000123", time.Date(1990, 3, 15, 0, 0, 0, 0, time.UTC), 12, nil},
	{"Đặng Thị Ánh", "001190000456", Date{Year: 1958}, 2.5, "=HYPERLINK(\"http://x\")"},
	{"Lê Văn An", "031090000789", Date{1992, 7, 1}, nil, "+84912345678"},
}

func exportRows(yield func([]any) bool) {
	for _, p := range exportPeople {
		if !yield([]any{p.name, p.id, p.born, p.hours, p.note}) {
			return
		}
	}
}

func TestWriteXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "Danh sách công dân", exportColumns, exportRows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	must(t, err)
	defer f.Close()
	const sh = "Danh sách công dân"
	if got := f.GetSheetList(); !slices.Equal(got, []string{sh}) {
		t.Fatalf("sheets %q", got)
	}

	t.Run("header style", func(t *testing.T) {
		id, err := f.GetCellStyle(sh, "B1")
		must(t, err)
		st, err := f.GetStyle(id)
		must(t, err)
		if st.Font == nil || !st.Font.Bold {
			t.Error("header not bold")
		}
		if st.Fill.Type != "pattern" || len(st.Fill.Color) == 0 || st.Fill.Color[0] == "" {
			t.Errorf("header fill %+v", st.Fill)
		}
		if len(st.Border) != 4 {
			t.Errorf("header borders %+v", st.Border)
		}
		if v, _ := f.GetCellValue(sh, "A1"); v != "Họ và tên" {
			t.Errorf("A1 = %q", v)
		}
	})
	t.Run("frozen first row", func(t *testing.T) {
		p, err := f.GetPanes(sh)
		must(t, err)
		if !p.Freeze || p.YSplit != 1 || p.XSplit != 0 || p.TopLeftCell != "A2" {
			t.Errorf("panes %+v", p)
		}
	})
	t.Run("column widths", func(t *testing.T) {
		for col, want := range map[string]float64{"A": 28, "B": 16, "C": 12} {
			if w, err := f.GetColWidth(sh, col); err != nil || w != want {
				t.Errorf("width of %s = %v, want %v (%v)", col, w, want, err)
			}
		}
	})
	t.Run("values", func(t *testing.T) {
		get := func(cell string) string {
			v, err := f.GetCellValue(sh, cell)
			must(t, err)
			return v
		}
		if get("A2") != "Nguyễn Văn Đức" || get("A3") != "Đặng Thị Ánh" {
			t.Errorf("names %q %q", get("A2"), get("A3"))
		}
		if get("B2") != "001090000123" {
			t.Errorf("ID lost its zeros: %q", get("B2"))
		}
		if typ, _ := f.GetCellType(sh, "B2"); typ == excelize.CellTypeNumber {
			t.Error("ID written as a number")
		}
		if get("C2") != "15/03/1990" || get("C4") != "01/07/1992" {
			t.Errorf("dates %q %q", get("C2"), get("C4"))
		}
		if raw, _ := f.GetCellValue(sh, "C2", excelize.Options{RawCellValue: true}); raw != "32947" {
			t.Errorf("date is not a date cell: raw %q", raw)
		}
		if get("C3") != "1958" || get("D2") != "12" || get("D3") != "2.5" || get("D4") != "" {
			t.Errorf("year/number cells %q %q %q %q", get("C3"), get("D2"), get("D3"), get("D4"))
		}
		if typ, _ := f.GetCellType(sh, "D2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("number cell type %v", typ)
		}
		if get("E3") != `=HYPERLINK("http://x")` {
			t.Errorf("text is kept as text in xlsx: %q", get("E3"))
		}
		if fm, _ := f.GetCellFormula(sh, "E3"); fm != "" {
			t.Errorf("text became a formula %q", fm)
		}
	})
	t.Run("our reader reads it back", func(t *testing.T) {
		rows, _ := readAll(t, "export.xlsx", buf.Bytes())
		if len(rows) != 4 {
			t.Fatalf("%d rows", len(rows))
		}
		d, err := ParseSerialDate(rows[1].RawCell(2))
		if err != nil || d != (Date{1990, 3, 15}) || rows[1].Cell(2) != "15/03/1990" {
			t.Errorf("date %v %v %q", d, err, rows[1].Cell(2))
		}
		if id, restored, ok := ParseNationalIDCell(rows[3].Cell(1)); id != "031090000789" || restored || !ok {
			t.Errorf("id %q %v %v", id, restored, ok)
		}
	})
}

func TestWriteXLSXEmptyAndOddNames(t *testing.T) {
	for _, name := range []string{"", "Danh sách: thôn/xóm [2026] rất dài quá ba mươi mốt ký tự"} {
		var buf bytes.Buffer
		if err := WriteXLSX(&buf, name, exportColumns, nil); err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		rows, _ := readAll(t, "x.xlsx", buf.Bytes())
		if len(rows) != 1 || rows[0].Cell(0) != "Họ và tên" {
			t.Errorf("%q: rows %v", name, rows)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, exportColumns, exportRows); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Error("no UTF-8 BOM")
	}
	if !strings.Contains(buf.String(), "\r\n") {
		t.Error("no CRLF line ends")
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")))).ReadAll()
	must(t, err)
	want := [][]string{
		{"Họ và tên", "Số định danh", "Ngày sinh", "Số giờ học", "Ghi chú"},
		{"Nguyễn Văn Đức", "001090000123", "15/03/1990", "12", ""},
		{"Đặng Thị Ánh", "001190000456", "1958", "2.5", `'=HYPERLINK("http://x")`},
		{"Lê Văn An", "031090000789", "01/07/1992", "", "+84912345678"},
	}
	if !slices.EqualFunc(recs, want, slices.Equal) {
		t.Errorf("csv = %q, want %q", recs, want)
	}
	// Our reader takes it back, BOM and all.
	rows, _ := readAll(t, "export.csv", buf.Bytes())
	if len(rows) != 4 || rows[1].Cell(0) != "Nguyễn Văn Đức" {
		t.Errorf("read back %v", rows)
	}
}
