// Package sheet reads the spreadsheets officials upload (.xlsx and .csv) into rows of text,
// with limits that keep a hostile file (a zip bomb, a huge sheet) from exhausting the server.
package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/fault"
)

// Limits bound what one file may hold.
type Limits struct {
	MaxRows      int   // data rows after the header
	MaxUnzipSize int64 // bytes an .xlsx may expand to
}

// DefaultLimits fit the largest roster the issues name (200,000 rows).
var DefaultLimits = Limits{MaxRows: 200_000, MaxUnzipSize: 512 << 20}

// Row is one line of a sheet with its 1-based number as the user sees it in Excel.
type Row struct {
	Number int
	Cells  []string
}

// Cell returns column i, or "" when the row is shorter.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return strings.TrimSpace(r.Cells[i])
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

var zipMagic = []byte("PK\x03\x04")
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0} // legacy .xls and encrypted .xlsx both use this container

// Read returns all rows of the first sheet of an .xlsx, or of a .csv, by content and name.
func Read(name string, data []byte, lim Limits) ([]Row, error) {
	if len(data) == 0 {
		return nil, fault.New(fault.Invalid, "sheet.empty", name)
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(data, zipMagic):
		return readXLSX(name, data, lim)
	case bytes.HasPrefix(data, oleMagic):
		return nil, fault.New(fault.Invalid, "sheet.encrypted_or_xls", name)
	case ext == ".csv" || ext == ".txt":
		return readCSV(name, data, lim)
	}
	return nil, fault.New(fault.Invalid, "sheet.unknown_format", name)
}

func readXLSX(name string, data []byte, lim Limits) ([]Row, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: lim.MaxUnzipSize, UnzipXMLSizeLimit: lim.MaxUnzipSize / 4})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || strings.Contains(err.Error(), "zip") {
			return nil, fault.New(fault.Invalid, "sheet.unknown_format", name)
		}
		return nil, &fault.Error{Kind: fault.Invalid, Key: "sheet.unreadable", Args: []any{name}, Err: err}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fault.New(fault.Invalid, "sheet.empty", name)
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, &fault.Error{Kind: fault.Invalid, Key: "sheet.unreadable", Args: []any{name}, Err: err}
	}
	defer it.Close()
	var rows []Row
	n := 0
	for it.Next() {
		n++
		cells, err := it.Columns()
		if err != nil {
			return nil, &fault.Error{Kind: fault.Invalid, Key: "sheet.unreadable", Args: []any{name}, Err: err}
		}
		if len(rows) > lim.MaxRows {
			return nil, fault.New(fault.Invalid, "sheet.too_many_rows", name, lim.MaxRows)
		}
		rows = append(rows, Row{Number: n, Cells: cells})
	}
	if err := it.Error(); err != nil {
		return nil, &fault.Error{Kind: fault.Invalid, Key: "sheet.unreadable", Args: []any{name}, Err: err}
	}
	return rows, nil
}

func readCSV(name string, data []byte, lim Limits) ([]Row, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		return nil, fault.New(fault.Invalid, "sheet.not_utf8", name)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';' // Excel in a Vietnamese locale saves CSV with semicolons
	}
	var rows []Row
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := r.FieldPos(0)
			return nil, &fault.Error{Kind: fault.Invalid, Key: "sheet.csv_error", Args: []any{name, line}, Err: err}
		}
		line, _ := r.FieldPos(0)
		if len(rows) > lim.MaxRows {
			return nil, fault.New(fault.Invalid, "sheet.too_many_rows", name, lim.MaxRows)
		}
		rows = append(rows, Row{Number: line, Cells: rec})
	}
	return rows, nil
}

// FindHeader returns the index of the first row, among the first 20, for which match finds
// every required column, and the column positions it found. Officials' files often have title
// rows ("DANH SÁCH …") above the header.
func FindHeader(rows []Row, match func(cells []string) (map[string]int, bool)) (int, map[string]int, error) {
	for i := 0; i < len(rows) && i < 20; i++ {
		if cols, ok := match(rows[i].Cells); ok {
			return i, cols, nil
		}
	}
	return -1, nil, fmt.Errorf("no header row")
}
