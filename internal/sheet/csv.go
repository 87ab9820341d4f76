package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"hoctap/internal/fault"
)

var utf8BOM = []byte("\xEF\xBB\xBF")

type csvSource struct {
	name string
	r    *csv.Reader
	lim  Limits
}

// openCSV decodes the file to text and picks the delimiter. legacy is true when the
// bytes are not UTF-8 and were read as Latin-1, for the caller to decode.
//
// Encodings: UTF-8 with or without a BOM; UTF-16 LE or BE with a BOM (Excel's "Unicode
// text", tab-separated); anything else is read byte for byte as Latin-1.
func openCSV(name string, data []byte, lim Limits) (src *csvSource, legacy bool, err error) {
	var text string
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return nil, false, fault.New(fault.Invalid, "sheet.not_utf8", name)
		}
		text = string(b)
	case bytes.HasPrefix(data, utf8BOM):
		if !utf8.Valid(data[3:]) {
			return nil, false, fault.New(fault.Invalid, "sheet.not_utf8", name)
		}
		text = string(data[3:])
	case utf8.Valid(data):
		text = string(data)
	default:
		legacy = true
		rs := make([]rune, len(data))
		for i, c := range data {
			rs[i] = rune(c)
		}
		text = string(rs)
	}
	// A NUL never occurs in text: this is a binary file (an image, a PDF, a .doc) named .csv.
	if strings.IndexByte(text, 0) >= 0 {
		return nil, false, fault.New(fault.Invalid, "sheet.unknown_format", name)
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true // hand-made files have stray quotes: Nguyễn Văn "Tèo"
	r.Comma = sniffDelimiter(text)
	return &csvSource{name: name, r: r, lim: lim}, legacy, nil
}

// sniffDelimiter picks ',', ';' or tab from the first line that has any of them outside
// quotes (title rows above the header often have none). Excel in a Vietnamese locale
// saves CSV with ';'; "Unicode text" uses tabs. On a tie, tab wins over ';' over ',',
// since commas also occur inside text ("Hà Nội, Việt Nam").
func sniffDelimiter(text string) rune {
	for lines := 0; lines < HeaderSearchRows && text != ""; lines++ {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		counts := map[rune]int{}
		quoted := false
		for _, c := range line {
			switch {
			case c == '"':
				quoted = !quoted
			case !quoted && (c == ',' || c == ';' || c == '\t'):
				counts[c]++
			}
		}
		best, n := ',', 0
		for _, c := range []rune{'\t', ';', ','} {
			if counts[c] > n {
				best, n = c, counts[c]
			}
		}
		if n > 0 {
			return best
		}
	}
	return ','
}

func (c *csvSource) next() (Row, bool, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return Row{}, false, nil
	}
	if err != nil {
		line := 0
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line = pe.Line
		}
		return Row{}, false, &fault.Error{Kind: fault.Invalid, Key: "sheet.csv_error", Args: []any{c.name, line}, Err: err}
	}
	line, _ := c.r.FieldPos(0)
	if len(rec) > c.lim.MaxColumns {
		for _, f := range rec[c.lim.MaxColumns:] {
			if strings.TrimSpace(f) != "" {
				return Row{}, false, fault.New(fault.Invalid, KeyTooManyColumns, c.name, line, c.lim.MaxColumns)
			}
		}
		rec = rec[:c.lim.MaxColumns]
	}
	return Row{Number: line, Cells: rec}, true, nil
}

func (c *csvSource) close() error { return nil }
