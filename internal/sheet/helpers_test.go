package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"hoctap/internal/fault"
)

// xlsxBytes builds a workbook with build and returns the file's bytes.
func xlsxBytes(t testing.TB, build func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f)
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// must fails the test on err, for excelize calls in builders.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// setRow writes values from cell ref onwards with the non-streaming API (shared strings).
func setRow(t testing.TB, f *excelize.File, ref string, vals ...any) {
	t.Helper()
	must(t, f.SetSheetRow("Sheet1", ref, &vals))
}

// readAll opens and reads a file, failing the test on any error.
func readAll(t testing.TB, name string, data []byte) ([]Row, *Reader) {
	t.Helper()
	r, err := Open(name, data, DefaultLimits)
	if err != nil {
		t.Fatalf("Open(%s): %v", name, err)
	}
	defer r.Close()
	var rows []Row
	for r.Next() {
		rows = append(rows, r.Row())
	}
	if err := r.Err(); err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return rows, r
}

// faultKey returns the catalog key of a *fault.Error, or the error text.
func faultKey(err error) string {
	if err == nil {
		return ""
	}
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe.Key
	}
	return "not a fault: " + err.Error()
}

// cells returns the trimmed cells of a row, for comparisons.
func cells(r Row) []string {
	out := make([]string, len(r.Cells))
	for i := range r.Cells {
		out[i] = r.Cell(i)
	}
	return out
}

func utf16Bytes(s string, bigEndian bool) []byte {
	u := utf16.Encode([]rune("\uFEFF" + s))
	b := make([]byte, 0, 2*len(u))
	for _, c := range u {
		if bigEndian {
			b = append(b, byte(c>>8), byte(c))
		} else {
			b = append(b, byte(c), byte(c>>8))
		}
	}
	return b
}

// toLegacy encodes NFC Vietnamese text in a legacy encoding, as a string of characters
// U+0000–U+00FF (what the .xlsx font trick stores). Tests only.
func toLegacy(t testing.TB, s string, enc Encoding) string {
	t.Helper()
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		if _, low := tcvn3Low[r]; r < 0x80 && (enc != TCVN3 || !low) {
			b.WriteRune(r)
			continue
		}
		switch enc {
		case TCVN3:
			b.WriteString(encodeTCVN3(t, r))
		case VNI:
			b.WriteString(encodeVNI(t, r))
		case Windows1258:
			b.WriteString(encodeCP1258(t, r))
		}
	}
	return b.String()
}

func encodeTCVN3(t testing.TB, r rune) string {
	if i := slices.Index(tcvn3High, r); i >= 0 {
		return string(rune(0x80 + i))
	}
	for b, u := range tcvn3Low {
		if u == r {
			return string(b)
		}
	}
	t.Fatalf("TCVN3 cannot encode %q", r)
	return ""
}

func encodeVNI(t testing.TB, r rune) string {
	for b, l := range vniLetters {
		if l == r {
			return string(b)
		}
	}
	d := []rune(norm.NFD.String(string(r)))
	base := d[0]
	var shape, tone rune
	for _, m := range d[1:] {
		switch m {
		case markCircumflex, markBreve:
			shape = m
		case markHorn:
			base = []rune(norm.NFC.String(string(base) + string(m)))[0] // ơ ư are letters in VNI
		default:
			tone = m
		}
	}
	prefix := string(base)
	for b, l := range vniLetters {
		if l == base {
			prefix = string(b)
		}
	}
	if shape == 0 && tone == 0 {
		if base >= 0x80 && prefix == string(base) {
			t.Fatalf("VNI cannot encode %q", r)
		}
		return prefix
	}
	for b, m := range vniMarks {
		if m.shape == shape && m.tone == tone && unicode.IsLower(b) == unicode.IsLower(base) {
			return prefix + string(b)
		}
	}
	t.Fatalf("VNI cannot encode %q", r)
	return ""
}

func encodeCP1258(t testing.TB, r rune) string {
	if b, ok := charmap.Windows1258.EncodeRune(r); ok {
		return string(rune(b))
	}
	// cp1258 has ă â ê ô ơ ư as letters and the five tones as combining marks.
	d := []rune(norm.NFD.String(string(r)))
	base, tones := string(d[0]), []rune{}
	for _, m := range d[1:] {
		if m == markCircumflex || m == markBreve || m == markHorn {
			base = norm.NFC.String(base + string(m))
		} else {
			tones = append(tones, m)
		}
	}
	var out []rune
	for _, c := range []rune(base + string(tones)) {
		b, ok := charmap.Windows1258.EncodeRune(c)
		if !ok {
			t.Fatalf("cp1258 cannot encode %q", r)
		}
		out = append(out, rune(b))
	}
	return string(out)
}

// latin1Bytes turns a string of U+0000–U+00FF characters into its bytes.
func latin1Bytes(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return b
}

// zipBytes builds a zip from name → content, in order.
func zipBytes(t testing.TB, parts ...[2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := zw.Create(p[0])
		must(t, err)
		_, err = w.Write([]byte(p[1]))
		must(t, err)
	}
	must(t, zw.Close())
	return b.Bytes()
}

// minimalParts are the parts of a one-sheet workbook around a given sheet XML.
func minimalParts(sheetXML string) [][2]string {
	return [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets><x:sheet name="Danh sách" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheetXML},
	}
}
