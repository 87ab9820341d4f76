package sheet

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fuzzLimits keep each fuzz run small: a hostile input must fail fast, not slowly.
var fuzzLimits = Limits{MaxRows: 2000, MaxUnzipSize: 8 << 20, MaxColumns: 256}

// drain reads a file to the end and checks the rows are well-formed.
func drain(t *testing.T, name string, data []byte) {
	r, err := Open(name, data, fuzzLimits)
	if err != nil {
		if strings.HasPrefix(faultKey(err), "not a fault") {
			t.Fatalf("Open error is not a *fault.Error: %v", err)
		}
		return
	}
	defer r.Close()
	last := 0
	for n := 0; r.Next(); n++ {
		row := r.Row()
		if row.Empty() {
			t.Fatalf("empty row %d yielded", row.Number)
		}
		if len(row.Cells) > fuzzLimits.MaxColumns || len(row.Raw) > fuzzLimits.MaxColumns {
			t.Fatalf("row %d has %d cells", row.Number, len(row.Cells))
		}
		for _, c := range row.Cells {
			if !utf8.ValidString(c) {
				t.Fatalf("invalid UTF-8 in row %d: %q", row.Number, c)
			}
		}
		if strings.HasSuffix(name, ".csv") && row.Number < last {
			t.Fatalf("row numbers go back: %d after %d", row.Number, last)
		}
		last = row.Number
		if n > fuzzLimits.MaxRows+1 {
			t.Fatalf("more rows than MaxRows")
		}
	}
	if err := r.Err(); err != nil && strings.HasPrefix(faultKey(err), "not a fault") {
		t.Fatalf("row error is not a *fault.Error: %v", err)
	}
}

func FuzzOpenCSV(f *testing.F) {
	f.Add([]byte("STT,Họ và tên,Ngày sinh\r\n1,Nguyễn Văn Đức,15/03/1990\r\n"))
	f.Add([]byte("\xEF\xBB\xBFa;b;c\n\"x;y\";\"multi\nline\";z\n"))
	f.Add(utf16Bytes("a\tb\nc\td\n", false))
	f.Add(utf16Bytes("a\tb\nc\td\n", true))
	f.Add(latin1Bytes("Hä vµ tªn,Th«n\nNguyÔn V¨n §øc,Th«n §«ng\n"))
	f.Add(latin1Bytes("Hoï vaø teân\nNguyeãn Vaên Ñöùc\n"))
	f.Add([]byte("a,\"b\nc"))
	f.Add([]byte("\x00\x01\x02"))
	f.Fuzz(func(t *testing.T, data []byte) {
		drain(t, "f.csv", data)
	})
}

func FuzzOpenXLSX(f *testing.F) {
	// Small seeds: Go minimises every new input for up to -fuzzminimizetime (60 s by
	// default), so big seeds (an excelize-made file is 6 KB) leave a 20 s run no time to fuzz.
	f.Add(zipBytes(f, withStylesAndStrings(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>32947</v></c><c r="C1" s="2"><v>1234567890</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:A2"/></mergeCells></worksheet>`)...))
	f.Add(zipBytes(f, minimalParts(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Họ &amp; tên</t></is></c><c r="B1"><v>32947</v></c></row></sheetData><mergeCells><mergeCell ref="A1:C3"/></mergeCells></worksheet>`)...))
	f.Add(zipBytes(f, minimalParts(`<x:worksheet><x:sheetData><x:row><x:c><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		drain(t, "f.xlsx", data)
	})
}

// FuzzXLSXSheetXML fuzzes the worksheet XML inside a valid package, which random bytes
// of a whole zip rarely reach.
func FuzzXLSXSheetXML(f *testing.F) {
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>32947</v></c></row></sheetData><mergeCells><mergeCell ref="A1:B2"/></mergeCells></worksheet>`)
	f.Add(`<worksheet><sheetData><row><c t="inlineStr"><is><r><t>a</t></r><rPh><t>b</t></rPh></is></c></row><row r="3"/></sheetData></worksheet>`)
	f.Add(`<!DOCTYPE x [<!ENTITY a "b">]><worksheet><sheetData><row r="2"><c r="XFD2"><v>1e308</v></c><c r="A2" t="b"><v>1</v></c><c t="d"><v>2024-02-30</v></c></row></sheetData></worksheet>`)
	f.Fuzz(func(t *testing.T, sheet string) {
		drain(t, "f.xlsx", zipBytes(t, withStylesAndStrings(sheet)...))
	})
}

// withStylesAndStrings adds a shared string table and styles (General, a date, a
// zero-padded ID) to minimalParts.
func withStylesAndStrings(sheet string) [][2]string {
	return append(minimalParts(sheet),
		[2]string{"xl/sharedStrings.xml", `<sst><si><t>Nguyễn</t></si><si><r><t>Văn </t></r><r><t>Đức</t></r></si></sst>`},
		[2]string{"xl/styles.xml", `<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="000000000000"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs></styleSheet>`})
}

func FuzzFromLegacy(f *testing.F) {
	f.Add("NguyÔn V¨n §øc", 1)
	f.Add("Nguyeãn Vaên Ñöùc", 2)
	f.Add("Nguy\u00ea\u00den", 3)
	f.Add("DANH S¸CH", 1)
	f.Add("aùâêô\x01\x17", 2)
	f.Fuzz(func(t *testing.T, s string, e int) {
		enc := Encoding(e & 3)
		got := FromLegacy(s, enc)
		if enc == Unicode && got != s {
			t.Fatalf("Unicode changed %q to %q", s, got)
		}
		if enc != Unicode && utf8.ValidString(s) {
			if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) {
				t.Fatalf("FromLegacy(%q, %v) = %q: not valid NFC", s, enc, got)
			}
		}
		DetectLegacy([]string{s, got})
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"15/03/1990", "5/3/90", "1958", "32947", "1990-03-15T00:00:00Z", "31/02/1990", "60", "03/1990", "'1/1/2000 10:00"} {
		f.Add(s)
	}
	today := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s, today)
		if err != nil {
			if d != (Date{}) || faultKey(err) == "" || strings.HasPrefix(faultKey(err), "not a fault") {
				t.Fatalf("ParseDate(%q) = %+v, %v", s, d, err)
			}
			return
		}
		if d.Year < minYear || d.Year > maxYear || d.Month < 0 || d.Month > 12 || (d.Month == 0 && d.Day != 0) ||
			d.Day < 0 || d.Day > daysIn(max(d.Month, 1), d.Year) {
			t.Fatalf("ParseDate(%q) = %+v: not a valid date", s, d)
		}
		if d.Full() {
			if back, err := ParseDate(d.String(), today); err != nil || back != d {
				t.Fatalf("round trip of %+v: %+v, %v", d, back, err)
			}
		}
		ParseNationalIDCell(s)
	})
}
