// Package sheet reads the spreadsheets officials upload (.xlsx and .csv) row by row and
// writes exports, with limits that keep a hostile file (a zip bomb, a huge sheet) from
// exhausting the server. It also holds the pure helpers an import needs to make sense of
// hand-made files: header matching, dates, ID numbers typed as numbers, and text in the
// legacy Vietnamese encodings TCVN3 and VNI.
package sheet

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"hoctap/internal/fault"
)

// Limits bound what one file may hold. A zero field takes its value from DefaultLimits.
type Limits struct {
	MaxRows      int   // data rows: non-empty rows after the first non-empty one
	MaxUnzipSize int64 // bytes an .xlsx may expand to
	MaxColumns   int   // the rightmost column that may hold a value
}

// DefaultLimits fit the largest roster the issues name (200,000 rows). 512 MiB unpacked
// is about twice the XML of 200,000 rows of 20 columns.
var DefaultLimits = Limits{MaxRows: 200_000, MaxUnzipSize: 512 << 20, MaxColumns: 1024}

func (l Limits) withDefaults() Limits {
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultLimits.MaxRows
	}
	if l.MaxUnzipSize <= 0 {
		l.MaxUnzipSize = DefaultLimits.MaxUnzipSize
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = DefaultLimits.MaxColumns
	}
	return l
}

// Row is one line of a sheet with its 1-based number as the user sees it in Excel (for a
// CSV, the line number where the record starts).
type Row struct {
	Number int
	// Cells are the texts as shown: text as typed; numbers as their format shows them,
	// dates as dd/mm/yyyy (see Reader for the formats understood).
	Cells []string
	// Raw holds, for .xlsx cells that store a number, the number as stored ("1234567890"
	// for an ID shown without its leading zeros, "32947" for a date cell); "" for other
	// cells. It is nil when the row has no number cell, and always nil for CSV.
	Raw []string
}

// Cell returns column i, or "" when the row is shorter.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return strings.TrimSpace(r.Cells[i])
}

// RawCell returns the stored number of column i (see Row.Raw), or "".
func (r Row) RawCell(i int) string {
	if i < 0 || i >= len(r.Raw) {
		return ""
	}
	return r.Raw[i]
}

// Empty tells whether every cell is blank.
func (r Row) Empty() bool {
	for _, c := range r.Cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Warning is something the reader fixed on its own that the user should check, such as
// text converted from a legacy encoding. Args start with the file name.
type Warning struct {
	Row  int    // the sheet row it concerns; 0 for the whole file
	Key  string // message catalog key
	Args []any
}

// Fault keys of the reader, besides the KeyDate… and header keys.
const (
	// KeyLegacyEncoding is the warning that text was converted; Args: file, encoding name.
	KeyLegacyEncoding = "sheet.legacy_encoding"
	// KeyTooLarge: an .xlsx expands past Limits.MaxUnzipSize; Args: file, limit in MiB.
	KeyTooLarge = "sheet.too_large"
	// KeyTooManyColumns: a value beyond Limits.MaxColumns; Args: file, row, limit.
	KeyTooManyColumns = "sheet.too_many_columns"
)

var zipMagic = []byte("PK\x03\x04")
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0} // legacy .xls and encrypted .xlsx both use this container

// rowSource yields the rows of one file in order, empty ones included.
type rowSource interface {
	next() (Row, bool, error)
	close() error
}

// Reader streams the rows of the first sheet of an .xlsx, or of a .csv, skipping empty
// rows. It holds at most the rows it reads ahead to detect a legacy encoding (up to 1,000).
//
// For .xlsx, Cells shows text as typed; numbers in General format in full (an ID stays
// exact, never "1.23457E+11"); zero-padded and fixed-decimal formats as they display
// ("000000000000" keeps an ID's leading zeros); dates as dd/mm/yyyy, with " hh:mm" when
// the format shows a time; other formats (scientific, fractions, currency) as General.
// The stored number is in Row.Raw. Every cell of a merged range reads as its top-left
// cell, in rows that have a value of their own. Only the first visible worksheet is read.
//
// Use it like bufio.Scanner: for r.Next() { r.Row() }, then r.Err(), then r.Close().
type Reader struct {
	name     string
	lim      Limits
	src      rowSource
	enc      Encoding
	warnings []Warning
	pending  []Row // read ahead for encoding detection, already converted
	deferred error // an error met while reading ahead, returned once pending is empty
	row      Row
	err      error
	done     bool
	nonEmpty int // non-empty rows pulled so far
}

// legacySample is how many non-ASCII cells decide a file's encoding, and legacyAhead the
// most rows read ahead to find them.
const (
	legacySample = 200
	legacyAhead  = 1000
)

// Open starts reading the file by its content and name: an .xlsx is recognised by its
// zip signature, a CSV by its extension (.csv, .txt, .tsv). File-level problems are
// returned here as *fault.Error (sheet.empty, sheet.encrypted_or_xls, sheet.unknown_format,
// sheet.unreadable, sheet.not_utf8, sheet.too_large); row-level ones come from Err.
func Open(name string, data []byte, lim Limits) (*Reader, error) {
	lim = lim.withDefaults()
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))) == 0 {
		return nil, fault.New(fault.Invalid, "sheet.empty", name)
	}
	r := &Reader{name: name, lim: lim}
	candidates := []Encoding{TCVN3, VNI}
	mustDecode := false
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(data, zipMagic):
		src, err := openXLSX(name, data, lim)
		if err != nil {
			return nil, err
		}
		r.src = src
	case bytes.HasPrefix(data, oleMagic):
		return nil, fault.New(fault.Invalid, "sheet.encrypted_or_xls", name)
	case ext == ".csv" || ext == ".txt" || ext == ".tsv":
		src, legacy, err := openCSV(name, data, lim)
		if err != nil {
			return nil, err
		}
		r.src = src
		if legacy {
			// Not UTF-8: the bytes were read as Latin-1 and must turn out to be a legacy
			// Vietnamese encoding, Windows-1258 included.
			candidates, mustDecode = []Encoding{TCVN3, VNI, Windows1258}, true
		}
	default:
		return nil, fault.New(fault.Invalid, "sheet.unknown_format", name)
	}
	if err := r.readAhead(candidates, mustDecode); err != nil {
		r.src.close()
		return nil, err
	}
	return r, nil
}

// readAhead buffers rows until it has a sample for DetectLegacy, then converts them.
func (r *Reader) readAhead(candidates []Encoding, mustDecode bool) error {
	var sample []string
	for len(r.pending) < legacyAhead && len(sample) < legacySample {
		row, ok, err := r.pull()
		if err != nil {
			r.deferred = err
			break
		}
		if !ok {
			break
		}
		r.pending = append(r.pending, row)
		for _, c := range row.Cells {
			if maybeLegacy(c, TCVN3) {
				sample = append(sample, c)
			}
		}
	}
	if len(r.pending) == 0 && r.deferred == nil {
		return fault.New(fault.Invalid, "sheet.empty", r.name)
	}
	r.enc = detectEncoding(sample, candidates)
	if r.enc == Unicode && mustDecode {
		return fault.New(fault.Invalid, "sheet.not_utf8", r.name)
	}
	if r.enc != Unicode {
		r.warnings = append(r.warnings, Warning{Key: KeyLegacyEncoding, Args: []any{r.name, r.enc.String()}})
		for i := range r.pending {
			r.convert(&r.pending[i])
		}
	}
	return nil
}

// pull returns the next non-empty row from the source and enforces MaxRows.
func (r *Reader) pull() (Row, bool, error) {
	for {
		row, ok, err := r.src.next()
		if err != nil || !ok {
			return Row{}, false, err
		}
		if row.Empty() {
			continue
		}
		r.nonEmpty++
		// The first non-empty row is taken to be the header; title rows above it count as
		// data here, a few rows of slack the limit need not be exact about.
		if r.nonEmpty-1 > r.lim.MaxRows {
			return Row{}, false, fault.New(fault.Invalid, "sheet.too_many_rows", r.name, r.lim.MaxRows)
		}
		return row, true, nil
	}
}

func (r *Reader) convert(row *Row) {
	for i, c := range row.Cells {
		row.Cells[i] = FromLegacy(c, r.enc)
	}
}

// Next advances to the next non-empty row and reports whether there is one.
func (r *Reader) Next() bool {
	if r.err != nil || r.done {
		return false
	}
	if len(r.pending) > 0 {
		r.row = r.pending[0]
		r.pending[0] = Row{}
		r.pending = r.pending[1:]
		return true
	}
	if r.deferred != nil {
		r.err, r.deferred = r.deferred, nil
		return false
	}
	row, ok, err := r.pull()
	if err != nil {
		r.err = err
		return false
	}
	if !ok {
		r.done = true
		return false
	}
	if r.enc != Unicode {
		r.convert(&row)
	}
	r.row = row
	return true
}

// Row returns the current row. The caller may keep it.
func (r *Reader) Row() Row { return r.row }

// Err returns the error that stopped Next, if any: sheet.too_many_rows,
// sheet.too_many_columns, sheet.csv_error or sheet.unreadable.
func (r *Reader) Err() error { return r.err }

// Warnings returns what the reader fixed on its own so far (a legacy encoding converted).
func (r *Reader) Warnings() []Warning { return r.warnings }

// Encoding returns the legacy encoding the text was converted from, or Unicode.
func (r *Reader) Encoding() Encoding { return r.enc }

// Close releases the file. It is safe to call more than once.
func (r *Reader) Close() error {
	if r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src = nil
	r.done = true
	return err
}

// Read returns all non-empty rows of the first sheet of an .xlsx, or of a .csv, by content
// and name. Prefer Open for large files: Read holds every row.
func Read(name string, data []byte, lim Limits) ([]Row, error) {
	r, err := Open(name, data, lim)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var rows []Row
	for r.Next() {
		rows = append(rows, r.Row())
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return rows, nil
}

// FindHeader returns the index of the first row, among the first 20, for which match finds
// every required column, and the column positions it found. Officials' files often have title
// rows ("DANH SÁCH …") above the header. MatchHeader does the same from a list of fields.
func FindHeader(rows []Row, match func(cells []string) (map[string]int, bool)) (int, map[string]int, error) {
	for i := 0; i < len(rows) && i < 20; i++ {
		if cols, ok := match(rows[i].Cells); ok {
			return i, cols, nil
		}
	}
	return -1, nil, fmt.Errorf("no header row")
}

func unreadable(name string, err error) error {
	return &fault.Error{Kind: fault.Invalid, Key: "sheet.unreadable", Args: []any{name}, Err: err}
}
