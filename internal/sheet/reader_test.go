package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// rosterXLSX is a roster as officials make it: title rows, a header over two rows with
// merged cells, dates typed as dates, IDs typed as numbers, a merged village column.
func rosterXLSX(t testing.TB) []byte {
	return xlsxBytes(t, func(f *excelize.File) {
		dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		must(t, err)
		ddmm := "dd/mm/yyyy"
		customDate, err := f.NewStyle(&excelize.Style{CustomNumFmt: &ddmm})
		must(t, err)
		zeros := "000000000000"
		idStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &zeros})
		must(t, err)

		setRow(t, f, "A1", "UBND XÃ ĐÔNG ANH")
		must(t, f.MergeCell("Sheet1", "A1", "D1"))
		setRow(t, f, "A2", "DANH SÁCH CÔNG DÂN HỌC TẬP NĂM 2026")
		must(t, f.MergeCell("Sheet1", "A2", "H2"))
		setRow(t, f, "A4", "STT", "Họ và tên", "Ngày sinh", nil, "Số CCCD", "Thôn", "Quan hệ với chủ hộ", "Năm sinh")
		setRow(t, f, "C5", "Nam", "Nữ")
		for _, m := range [][2]string{{"A4", "A5"}, {"B4", "B5"}, {"C4", "D4"}, {"E4", "E5"}, {"F4", "F5"}, {"G4", "G5"}, {"H4", "H5"}} {
			must(t, f.MergeCell("Sheet1", m[0], m[1]))
		}
		setRow(t, f, "A6", 1, "Nguyễn Văn Đức", time.Date(1990, 3, 15, 0, 0, 0, 0, time.UTC), nil, 1234567890, "Thôn Đông", "Chủ hộ", 1958)
		must(t, f.SetCellStyle("Sheet1", "C6", "C6", dateStyle))
		setRow(t, f, "A7", 2, "Lê Thị Hà", nil, time.Date(1992, 7, 1, 0, 0, 0, 0, time.UTC), 1234567891, nil, "Vợ")
		must(t, f.SetCellStyle("Sheet1", "D7", "D7", customDate))
		must(t, f.SetCellStyle("Sheet1", "E7", "E7", idStyle))
		setRow(t, f, "A8", 3, "Nguyễn Văn An", "05/06/2015", nil, "001215000123", nil, "Con")
		must(t, f.SetCellValue("Sheet1", "F6", "Thôn Đông"))
		must(t, f.MergeCell("Sheet1", "F6", "F8"))
		must(t, f.SetCellStyle("Sheet1", "A9", "H9", dateStyle)) // formatted but blank: skipped
		setRow(t, f, "A10", 4, "Trần Văn Bình", nil, nil, 123456789012, "Xóm Chợ", "Chủ hộ", 1.5)
		must(t, f.SetCellBool("Sheet1", "I10", true))
	})
}

func TestOpenXLSXRoster(t *testing.T) {
	rows, r := readAll(t, "danh-sach.xlsx", rosterXLSX(t))
	if len(r.Warnings()) != 0 {
		t.Errorf("warnings %v, want none", r.Warnings())
	}
	title := "UBND XÃ ĐÔNG ANH"
	wantCells := map[int][]string{
		1:  {title, title, title, title},
		4:  {"STT", "Họ và tên", "Ngày sinh", "Ngày sinh", "Số CCCD", "Thôn", "Quan hệ với chủ hộ", "Năm sinh"},
		5:  {"STT", "Họ và tên", "Nam", "Nữ", "Số CCCD", "Thôn", "Quan hệ với chủ hộ", "Năm sinh"},
		6:  {"1", "Nguyễn Văn Đức", "15/03/1990", "", "1234567890", "Thôn Đông", "Chủ hộ", "1958"},
		7:  {"2", "Lê Thị Hà", "", "01/07/1992", "001234567891", "Thôn Đông", "Vợ"},
		8:  {"3", "Nguyễn Văn An", "05/06/2015", "", "001215000123", "Thôn Đông", "Con"},
		10: {"4", "Trần Văn Bình", "", "", "123456789012", "Xóm Chợ", "Chủ hộ", "1.5", "TRUE"},
	}
	wantRaw := map[int][]string{
		6:  {"1", "", "32947", "", "1234567890", "", "", "1958"},
		7:  {"2", "", "", "33786", "1234567891"},
		10: {"4", "", "", "", "123456789012", "", "", "1.5"},
	}
	var numbers []int
	for _, row := range rows {
		numbers = append(numbers, row.Number)
		if want, ok := wantCells[row.Number]; ok && !slices.Equal(cells(row), want) {
			t.Errorf("row %d cells = %q, want %q", row.Number, cells(row), want)
		}
		if want, ok := wantRaw[row.Number]; ok && !slices.Equal(row.Raw, want) {
			t.Errorf("row %d raw = %q, want %q", row.Number, row.Raw, want)
		}
	}
	if want := []int{1, 2, 4, 5, 6, 7, 8, 10}; !slices.Equal(numbers, want) {
		t.Errorf("row numbers %v, want %v", numbers, want)
	}
	// What an import does with the raw values.
	row6 := rows[4]
	if d, err := ParseSerialDate(row6.RawCell(2)); err != nil || d != (Date{1990, 3, 15}) {
		t.Errorf("date cell: %v, %v", d, err)
	}
	if id, restored, ok := ParseNationalIDCell(row6.Cell(4)); id != "001234567890" || !restored || !ok {
		t.Errorf("ID typed as a number: %q %v %v", id, restored, ok)
	}
}

// TestOpenXLSXAgreesWithExcelize reads random sheets written through excelize's two APIs
// (shared strings, and the stream writer's inline strings) and compares with what
// excelize reads back as raw values.
func TestOpenXLSXAgreesWithExcelize(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	texts := []string{"Nguyễn Văn Đức", "a < b & c > d", "  spaces  ", "line\nbreak", "quote \" '", "tab\there", "_x000D_ literal?", "Đặng Thị Ánh", "=1+1", "0012", "😀 emoji"}
	value := func() any {
		switch rng.IntN(6) {
		case 0:
			return texts[rng.IntN(len(texts))]
		case 1:
			return rng.IntN(1_000_000_000_000)
		case 2:
			return rng.Float64() * 1000
		case 3:
			return rng.IntN(2) == 0
		case 4:
			return nil
		}
		return -rng.IntN(1000)
	}
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", stream), func(t *testing.T) {
			data := xlsxBytes(t, func(f *excelize.File) {
				var sw *excelize.StreamWriter
				if stream {
					var err error
					sw, err = f.NewStreamWriter("Sheet1")
					must(t, err)
				}
				for r := 1; r <= 300; r++ {
					vals := make([]any, 1+rng.IntN(12))
					for i := range vals {
						vals[i] = value()
					}
					ref := "A" + strconv.Itoa(r)
					if stream {
						must(t, sw.SetRow(ref, vals))
					} else {
						must(t, f.SetSheetRow("Sheet1", ref, &vals))
					}
				}
				if stream {
					must(t, sw.Flush())
				}
			})
			f, err := excelize.OpenReader(bytes.NewReader(data))
			must(t, err)
			defer f.Close()
			want, err := f.GetRows("Sheet1", excelize.Options{RawCellValue: true})
			must(t, err)
			got, _ := readAll(t, "random.xlsx", data)
			gi := 0
			for wi, w := range want {
				empty := true
				for _, c := range w {
					if strings.TrimSpace(c) != "" {
						empty = false
					}
				}
				if empty {
					continue
				}
				if gi >= len(got) {
					t.Fatalf("missing row %d", wi+1)
				}
				g := got[gi]
				gi++
				if g.Number != wi+1 {
					t.Fatalf("row number %d, want %d", g.Number, wi+1)
				}
				for c := range max(len(w), len(g.Cells)) {
					wc := cellAt(w, c)
					gc := g.RawCell(c)
					if gc == "" {
						gc = cellAt(g.Cells, c)
						if wc == "1" && gc == "TRUE" || wc == "0" && gc == "FALSE" {
							continue
						}
					}
					if gc != wc {
						t.Errorf("row %d col %d: got %q, excelize %q", g.Number, c+1, gc, wc)
					}
				}
			}
			if gi != len(got) {
				t.Errorf("read %d rows, excelize %d", len(got), gi)
			}
		})
	}
}

func TestOpenXLSXHandWrittenXML(t *testing.T) {
	sheet := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE x:worksheet [ <!ENTITY boom "&boom;&boom;"> ]>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<x:dimension ref="A1:D4"/>
<!-- a comment with <row> inside -->
<x:sheetData>
<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Họ &amp; tên</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:r><x:t>Ngày </x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t>sinh</x:t></x:r><x:rPh><x:t>ignored</x:t></x:rPh></x:is></x:c></x:row>
<x:row><x:c r="A2" t="str"><x:f>A1&amp;"x"</x:f><x:v>computed</x:v></x:c><x:c r="C2" s="0"/><x:c r="D2"><x:v>&#x33;2947</x:v></x:c></x:row>
<x:row r="4" spans="1:4"><x:c r="B4" t="inlineStr"><x:is><x:t><![CDATA[<CDATA> & raw]]></x:t></x:is></x:c><x:c r="A4" t="inlineStr"><x:is><x:t xml:space="preserve">dòng_x000D_
hai</x:t></x:is></x:c><x:c r="C4" t="e"><x:v>#N/A</x:v></x:c><x:c r="D4" t="b"><x:v>0</x:v></x:c></x:row>
</x:sheetData>
<x:mergeCells count="1"><x:mergeCell ref="B2:C2"/></x:mergeCells>
</x:worksheet>`
	rows, _ := readAll(t, "hand.xlsx", zipBytes(t, minimalParts(sheet)...))
	want := []Row{
		{Number: 1, Cells: []string{"Họ & tên", "Ngày sinh"}},
		{Number: 2, Cells: []string{"computed", "", "", "32947"}, Raw: []string{"", "", "", "32947"}},
		{Number: 4, Cells: []string{"dòng\r\nhai", "<CDATA> & raw", "#N/A", "FALSE"}},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows: %v", len(rows), rows)
	}
	for i := range want {
		if rows[i].Number != want[i].Number || !slices.Equal(rows[i].Cells, want[i].Cells) || !slices.Equal(rows[i].Raw, want[i].Raw) {
			t.Errorf("row %d = %q %q, want %q %q", i, rows[i].Cells, rows[i].Raw, want[i].Cells, want[i].Raw)
		}
	}
}

func TestOpenXLSXSheetChoiceAndDate1904(t *testing.T) {
	data := xlsxBytes(t, func(f *excelize.File) {
		yes := true
		must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
		setRow(t, f, "A1", "hướng dẫn: sheet ẩn")
		idx, err := f.NewSheet("Danh sách")
		must(t, err)
		f.SetActiveSheet(idx) // excelize does not hide the active sheet
		must(t, f.SetSheetVisible("Sheet1", false))
		must(t, f.SetSheetRow("Danh sách", "A1", &[]any{"Ngày sinh"}))
		must(t, f.SetCellValue("Danh sách", "A2", 31485)) // 15/03/1990 in the 1904 system
		style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		must(t, err)
		must(t, f.SetCellStyle("Danh sách", "A2", "A2", style))
	})
	rows, _ := readAll(t, "1904.xlsx", data)
	if len(rows) != 2 || rows[0].Cell(0) != "Ngày sinh" {
		t.Fatalf("rows %v: want the visible sheet", rows)
	}
	if rows[1].Cell(0) != "15/03/1990" || rows[1].RawCell(0) != "32947" {
		t.Errorf("1904 date: %q raw %q, want 15/03/1990 raw 32947 (1900 system)", rows[1].Cells, rows[1].Raw)
	}
}

func TestNumberFormats(t *testing.T) {
	tests := []struct {
		code string
		id   int
		v    string
		want string
	}{
		{"", 0, "1234567890", "1234567890"},
		{"", 0, "123456789012", "123456789012"},
		{"", 0, "0.30000000000000004", "0.3"},
		{"", 0, "1.5", "1.5"},
		{"", 1, "2.6", "3"},
		{"", 2, "2.5", "2.50"},
		{"", 3, "1234567", "1234567"}, // no thousands separators
		{"", 9, "0.25", "25%"},
		{"", 14, "32947", "15/03/1990"},
		{"", 22, "32947.5", "15/03/1990 12:00"},
		{"", 20, "0.75", "18:00"},
		{"", 49, "123", "123"},
		{"000000000000", 0, "1234567890", "001234567890"},
		{"00000", 0, "42", "00042"},
		{"dd/mm/yyyy", 0, "32947", "15/03/1990"},
		{"[$-42A]d mmmm yyyy", 0, "32947", "15/03/1990"},
		{`"Ngày "dd" tháng "mm`, 0, "32947", "15/03/1990"},
		{"yyyy", 0, "32947", "15/03/1990"},
		{"hh:mm:ss", 0, "0.5", "12:00:00"},
		{"[h]:mm", 0, "1.5", "12:00"},
		{"0.00E+00", 0, "123456789012", "123456789012"},
		{"#,##0.00 \"đ\"", 0, "1234.5", "1234.50"},
		{"[Red]0.0", 0, "-3.14", "-3.1"},
		{"# ?/?", 0, "1.5", "1.5"},
		{"@", 0, "12", "12"},
		{"General", 0, "7", "7"},
	}
	for _, tt := range tests {
		nf := builtinNumFmt(tt.id)
		if tt.code != "" {
			nf = parseNumFmt(tt.code)
		}
		v, _ := strconv.ParseFloat(tt.v, 64)
		if got := nf.format(tt.v, v, false); got != tt.want {
			t.Errorf("format(%q/%d, %s) = %q, want %q", tt.code, tt.id, tt.v, got, tt.want)
		}
	}
}

func TestOpenCSV(t *testing.T) {
	build := func(sep string) string {
		return strings.Join([]string{"STT", "Họ và tên", "Ngày sinh"}, sep) + "\r\n" +
			strings.Join([]string{"1", "Nguyễn Văn Đức", "15/03/1990"}, sep) + "\r\n" +
			strings.Join([]string{"2", `"Lê Thị Hà, Hà Nội"`, ""}, sep) + "\r\n"
	}
	text, semicolon, tab := build(","), build(";"), build("\t")
	want := [][]string{{"STT", "Họ và tên", "Ngày sinh"}, {"1", "Nguyễn Văn Đức", "15/03/1990"}, {"2", "Lê Thị Hà, Hà Nội", ""}}
	legacyRows := func(enc Encoding) []byte {
		return latin1Bytes(toLegacy(t, text, enc))
	}
	tests := []struct {
		name     string
		file     string
		data     []byte
		want     [][]string
		encoding Encoding
	}{
		{"utf-8", "a.csv", []byte(text), want, Unicode},
		{"utf-8 bom", "a.csv", append([]byte("\xEF\xBB\xBF"), text...), want, Unicode},
		{"utf-16le tab", "a.txt", utf16Bytes(tab, false), want, Unicode},
		{"utf-16be tab", "a.txt", utf16Bytes(tab, true), want, Unicode},
		{"semicolon", "a.csv", []byte(semicolon), want, Unicode},
		{"title line without delimiters", "a.csv", []byte("DANH SÁCH CÔNG DÂN\n" + semicolon), append([][]string{{"DANH SÁCH CÔNG DÂN"}}, want...), Unicode},
		{"tcvn3 bytes", "a.csv", legacyRows(TCVN3), want, TCVN3},
		{"vni bytes", "a.csv", legacyRows(VNI), want, VNI},
		{"windows-1258 bytes", "a.csv", legacyRows(Windows1258), want, Windows1258},
		{"tcvn3 font text saved as utf-8", "a.csv", []byte(toLegacy(t, text, TCVN3)), want, TCVN3},
		{"blank lines and empty records", "a.csv", []byte(",,\n\n" + text + ",,,\n"), want, Unicode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, r := readAll(t, tt.file, tt.data)
			var got [][]string
			for _, row := range rows {
				got = append(got, cells(row))
			}
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("rows = %q, want %q", got, tt.want)
			}
			if r.Encoding() != tt.encoding {
				t.Errorf("encoding %v, want %v", r.Encoding(), tt.encoding)
			}
			warned := len(r.Warnings()) == 1 && r.Warnings()[0].Key == KeyLegacyEncoding && r.Warnings()[0].Args[1] == tt.encoding.String()
			if (tt.encoding != Unicode) != warned {
				t.Errorf("warnings %v", r.Warnings())
			}
		})
	}
}

func TestCSVRowNumbers(t *testing.T) {
	rows, _ := readAll(t, "a.csv", []byte("a,b\n\n\"multi\nline\",x\nlast,y\n"))
	var got []int
	for _, r := range rows {
		got = append(got, r.Number)
	}
	if want := []int{1, 3, 5}; !slices.Equal(got, want) {
		t.Errorf("row numbers %v, want %v", got, want)
	}
}

func TestOpenXLSXLegacyFontText(t *testing.T) {
	for _, enc := range []Encoding{TCVN3, VNI} {
		t.Run(enc.String(), func(t *testing.T) {
			names := names(rand.New(rand.NewPCG(5, 6)), 30)
			data := xlsxBytes(t, func(f *excelize.File) {
				setRow(t, f, "A1", toLegacy(t, "Họ và tên", enc), toLegacy(t, "Thôn", enc), "CCCD")
				for i, n := range names {
					setRow(t, f, "A"+strconv.Itoa(i+2), toLegacy(t, n, enc), toLegacy(t, "Thôn Đông", enc), 1234567890+i)
				}
			})
			rows, r := readAll(t, "cu.xlsx", data)
			if r.Encoding() != enc || len(r.Warnings()) != 1 || r.Warnings()[0].Key != KeyLegacyEncoding {
				t.Fatalf("encoding %v, warnings %v", r.Encoding(), r.Warnings())
			}
			if got := cells(rows[0]); !slices.Equal(got, []string{"Họ và tên", "Thôn", "CCCD"}) {
				t.Errorf("header %q", got)
			}
			for i, n := range names {
				if rows[i+1].Cell(0) != n || rows[i+1].Cell(1) != "Thôn Đông" || rows[i+1].Cell(2) != strconv.Itoa(1234567890+i) {
					t.Errorf("row %d = %q, want %q", i+2, rows[i+1].Cells, n)
				}
			}
		})
	}
}

func TestOpenBadFiles(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	docx := zipBytes(t, [2]string{"[Content_Types].xml", "<Types/>"}, [2]string{"word/document.xml", "<w:document/>"})
	tests := []struct {
		name string
		file string
		data []byte
		key  string
	}{
		{"empty", "a.xlsx", nil, "sheet.empty"},
		{"empty csv", "a.csv", []byte{}, "sheet.empty"},
		{"only a BOM and blanks", "a.csv", []byte("\xEF\xBB\xBF \r\n"), "sheet.empty"},
		{"only empty records", "a.csv", []byte(",,,\n,,\n"), "sheet.empty"},
		{"utf-16 BOM only", "a.txt", []byte{0xFF, 0xFE}, "sheet.empty"},
		{"xlsx that is not a zip", "a.xlsx", []byte("STT,Họ tên\n1,An\n"), "sheet.unknown_format"},
		{"pdf", "a.pdf", []byte("%PDF-1.7\n"), "sheet.unknown_format"},
		{"encrypted xlsx or xls", "a.xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "sheet.encrypted_or_xls"},
		{"png renamed csv", "a.csv", png, "sheet.unknown_format"},
		{"zip that is no workbook", "a.xlsx", docx, "sheet.unknown_format"},
		{"damaged zip", "a.xlsx", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0xAB}, 100)...), "sheet.unreadable"},
		{"western ansi csv", "a.csv", []byte("Name,City\nJos\xe9,M\xfcnchen\nFran\xe7ois,Z\xfcrich\n"), "sheet.not_utf8"},
		{"bad shared string index", "a.xlsx", zipBytes(t, minimalParts(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData></worksheet>`)...), "sheet.unreadable"},
		{"truncated sheet xml", "a.xlsx", zipBytes(t, minimalParts(`<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2`)...), "sheet.unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(tt.file, tt.data, DefaultLimits)
			if got := faultKey(err); got != tt.key {
				t.Errorf("error %q (%v), want %q", got, err, tt.key)
			}
		})
	}
}

// bombXLSX returns an .xlsx whose sheet XML inflates to size bytes of one huge cell. The
// deflate stream is built by repeating the compressed form of a 1 MiB run, so making a
// 1 GiB bomb takes milliseconds. declared is the size the zip header claims.
func bombXLSX(t testing.TB, size, declared uint64) []byte {
	t.Helper()
	const chunk = 1 << 20
	prefix := `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`
	suffix := `</t></is></c></row></sheetData></worksheet>`
	run := bytes.Repeat([]byte("a"), chunk)
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestCompression)
	must(t, err)
	fw.Write([]byte(prefix))
	fw.Write(run)
	must(t, fw.Flush())
	mark := comp.Len()
	fw.Write(run)
	must(t, fw.Flush())
	rep := comp.Bytes()[mark:] // 1 MiB of "a" after "a"s: valid wherever the history is "a"
	n := (size + chunk - 1) / chunk
	crc := crc32.NewIEEE()
	crc.Write([]byte(prefix))
	var stream bytes.Buffer
	stream.Write(comp.Bytes()[:mark])
	crc.Write(run)
	for i := uint64(1); i < n; i++ {
		stream.Write(rep)
		crc.Write(run)
	}
	// The end: the suffix in stored blocks, which refer to nothing before them.
	fw2, err := flate.NewWriter(&stream, flate.NoCompression)
	must(t, err)
	fw2.Write([]byte(suffix))
	must(t, fw2.Close())
	crc.Write([]byte(suffix))
	total := uint64(len(prefix)) + n*chunk + uint64(len(suffix))

	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range minimalParts("")[:4] {
		w, err := zw.Create(p[0])
		must(t, err)
		w.Write([]byte(p[1]))
	}
	if declared == 0 {
		declared = total
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CRC32: crc.Sum32(), CompressedSize64: uint64(stream.Len()), UncompressedSize64: declared})
	must(t, err)
	w.Write(stream.Bytes())
	must(t, zw.Close())
	return b.Bytes()
}

func TestZipBomb(t *testing.T) {
	tests := []struct {
		name     string
		declared uint64
		key      string
	}{
		{"declares 1 GiB", 0, KeyTooLarge},
		{"lies about its size", 4 << 10, "sheet.unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := bombXLSX(t, 1<<30, tt.declared)
			t.Logf("bomb: %d bytes compressed, 1 GiB of XML", len(data))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := Read("bomb.xlsx", data, DefaultLimits)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if got := faultKey(err); got != tt.key {
				t.Fatalf("error %q (%v), want %q", got, err, tt.key)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
			if elapsed > 2*time.Second {
				t.Errorf("took %v", elapsed)
			}
		})
	}
	t.Run("declared sizes that wrap the sum around", func(t *testing.T) {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for i, size := range []uint64{100, 1<<64 - 50} {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("xl/part%d.xml", i), Method: zip.Store, UncompressedSize64: size})
			must(t, err)
			w.Write([]byte("x"))
		}
		must(t, zw.Close())
		if _, err := Read("wrap.xlsx", b.Bytes(), DefaultLimits); faultKey(err) != KeyTooLarge {
			t.Errorf("error %v, want %s", err, KeyTooLarge)
		}
	})
	t.Run("capReader stops at the limit", func(t *testing.T) {
		for _, tc := range []struct {
			size int
			ok   bool
		}{{99, true}, {100, true}, {101, false}} {
			_, err := io.ReadAll(&capReader{r: bytes.NewReader(make([]byte, tc.size)), n: 100})
			if (err == nil) != tc.ok {
				t.Errorf("%d bytes with a limit of 100: %v", tc.size, err)
			}
		}
	})
	t.Run("real inflate is refused by the token limit", func(t *testing.T) {
		// A sheet within MaxUnzipSize whose single cell is 64 MiB: refused while streaming.
		data := bombXLSX(t, 64<<20, 0)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Read("big-cell.xlsx", data, DefaultLimits)
		runtime.ReadMemStats(&after)
		if got := faultKey(err); got != "sheet.unreadable" {
			t.Fatalf("error %q (%v)", got, err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
			t.Errorf("allocated %d MiB", alloc>>20)
		}
	})
}

func TestMaxRows(t *testing.T) {
	csvRows := func(n int) []byte {
		var b bytes.Buffer
		b.WriteString("STT,Họ và tên,Số CCCD\n")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "%d,Nguyễn Văn %d,%012d\n", i, i, i)
		}
		return b.Bytes()
	}
	t.Run("200,000 data rows are read", func(t *testing.T) {
		rows, err := Read("ok.csv", csvRows(200_000), DefaultLimits)
		if err != nil || len(rows) != 200_001 {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
	})
	t.Run("200,001 data rows are refused while streaming", func(t *testing.T) {
		r, err := Open("too-many.csv", csvRows(200_001), DefaultLimits)
		must(t, err)
		defer r.Close()
		start := time.Now()
		n := 0
		for r.Next() {
			n++
		}
		if got := faultKey(r.Err()); got != "sheet.too_many_rows" || n != 200_001 {
			t.Fatalf("error %q after %d rows", got, n)
		}
		t.Logf("refused after %d rows in %v", n, time.Since(start))
	})
	t.Run("xlsx", func(t *testing.T) {
		data := xlsxBytes(t, func(f *excelize.File) {
			for i := 1; i <= 12; i++ {
				setRow(t, f, "A"+strconv.Itoa(i), i)
			}
		})
		_, err := Read("a.xlsx", data, Limits{MaxRows: 10})
		if got := faultKey(err); got != "sheet.too_many_rows" {
			t.Errorf("error %q", got)
		}
		if _, err := Read("a.xlsx", data, Limits{MaxRows: 11}); err != nil {
			t.Error(err)
		}
	})
}

func TestMaxColumns(t *testing.T) {
	far := xlsxBytes(t, func(f *excelize.File) {
		setRow(t, f, "A1", "Họ tên")
		must(t, f.SetCellValue("Sheet1", "XFD2", "lạc"))
	})
	if _, err := Read("far.xlsx", far, DefaultLimits); faultKey(err) != KeyTooManyColumns {
		t.Errorf("xlsx: %v", err)
	}
	wide := []byte("a" + strings.Repeat(",", 2000) + "z\n")
	if _, err := Read("wide.csv", wide, DefaultLimits); faultKey(err) != KeyTooManyColumns {
		t.Errorf("csv: %v", err)
	}
	// Blank cells past the limit do not count.
	if rows, err := Read("wide.csv", []byte("a"+strings.Repeat(",", 2000)+"\n"), DefaultLimits); err != nil || len(rows[0].Cells) != 1024 {
		t.Errorf("blank columns: %v", err)
	}
}
