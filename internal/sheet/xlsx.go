package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/fault"
)

// Sizes that bound the work one .xlsx can cause, besides Limits.
const (
	maxZipEntries = 10_000   // a workbook has tens of parts; a zip of many tiny files is an attack
	maxSmallPart  = 64 << 20 // workbook, relationships and styles are read whole
	maxXMLToken   = 8 << 20  // one tag or text run; Excel caps a cell at 32,767 characters
	maxMerges     = 1_000_000
)

// errNoWorkbook means the zip is not a spreadsheet (a .docx, or any zip, named .xlsx).
var errNoWorkbook = errors.New("no workbook part")

type xlsxSource struct {
	name     string
	lim      Limits
	zf       *zip.File
	rc       io.ReadCloser
	sc       *xmlScanner
	sst      []string
	fmts     []numFmt // by cell style index (cellXfs)
	date1904 bool
	merges   []cellRange // sorted by top row
	active   []activeMerge
	nextMrg  int
	lastRow  int
	started  bool
	done     bool // </sheetData> was read
}

type cellRange struct{ top, left, bottom, right int } // 1-based, inclusive

type activeMerge struct {
	cellRange
	cell, raw string
	seen      bool // the top row has been read
}

// openXLSX opens the zip, checks the declared unpacked size, and reads the workbook,
// shared strings, styles and merged ranges of the first visible worksheet.
//
// Why not excelize.OpenReader here: it unpacks every part up front (the sheet to a temp
// file past UnzipXMLSizeLimit) and its Rows iterator is too slow for the rows/s goal (see
// xmlScanner); GetMergeCells would load the whole sheet into memory. The zip-bomb check is
// the same as excelize's UnzipSizeLimit: the sum of the sizes the zip declares, checked
// before anything is unpacked; archive/zip then fails any entry that inflates past its
// declared size.
func openXLSX(name string, data []byte, lim Limits) (*xlsxSource, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, unreadable(name, err)
	}
	if len(zr.File) > maxZipEntries {
		return nil, unreadable(name, fmt.Errorf("%d zip entries", len(zr.File)))
	}
	var total uint64
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		total += f.UncompressedSize64
		// Each size is checked too, so that two huge sizes cannot wrap the sum around.
		if f.UncompressedSize64 > uint64(lim.MaxUnzipSize) || total > uint64(lim.MaxUnzipSize) {
			return nil, fault.New(fault.Invalid, KeyTooLarge, name, lim.MaxUnzipSize>>20)
		}
		files[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))] = f
	}
	x := &xlsxSource{name: name, lim: lim}
	sheetPath, stylesPath, sstPath, err := x.readWorkbook(files)
	if errors.Is(err, errNoWorkbook) {
		return nil, fault.New(fault.Invalid, "sheet.unknown_format", name)
	}
	if err != nil {
		return nil, unreadable(name, err)
	}
	x.zf = files[sheetPath]
	if x.zf == nil {
		return nil, unreadable(name, fmt.Errorf("worksheet %s missing", sheetPath))
	}
	if f := files[stylesPath]; f != nil {
		if err := x.readStyles(f); err != nil {
			return nil, unreadable(name, err)
		}
	}
	if f := files[sstPath]; f != nil {
		if err := x.readSharedStrings(f); err != nil {
			return nil, x.fail(err)
		}
	}
	if x.merges, err = scanMerges(x.zf, lim.MaxUnzipSize); err != nil {
		return nil, x.fail(err)
	}
	if x.rc, err = x.zf.Open(); err != nil {
		return nil, unreadable(name, err)
	}
	x.sc = newXMLScanner(&capReader{r: x.rc, n: lim.MaxUnzipSize}, x.zf.UncompressedSize64, maxXMLToken)
	return x, nil
}

// errPartTooLarge is returned by capReader.
var errPartTooLarge = errors.New("part inflates past the size limit")

// capReader fails once more than n bytes have been read. Why, when archive/zip already
// holds each entry to its declared size: defence in depth, the sizes come from the attacker.
type capReader struct {
	r io.Reader
	n int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n < 0 {
		return 0, errPartTooLarge
	}
	if int64(len(p)) > c.n+1 {
		p = p[:c.n+1] // one byte more than allowed tells "at the limit" from "past it"
	}
	k, err := c.r.Read(p)
	c.n -= int64(k)
	if c.n < 0 {
		return k, errPartTooLarge
	}
	return k, err
}

// fail turns an error met while reading the workbook into the reader's fault.
func (x *xlsxSource) fail(err error) error {
	if errors.Is(err, errPartTooLarge) {
		return fault.New(fault.Invalid, KeyTooLarge, x.name, x.lim.MaxUnzipSize>>20)
	}
	return unreadable(x.name, err)
}

func (x *xlsxSource) close() error {
	if x.rc == nil {
		return nil
	}
	err := x.rc.Close()
	x.rc = nil
	return err
}

// readPart returns a small part whole, refusing parts too big to be what they claim.
func readPart(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > maxSmallPart {
		return nil, fmt.Errorf("%s: %d bytes", f.Name, f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, maxSmallPart))
}

type relationship struct{ target, typ string }

// readRels reads a .rels part: Id → target resolved against dir.
func readRels(f *zip.File, dir string) (map[string]relationship, error) {
	rels := map[string]relationship{}
	if f == nil {
		return rels, nil
	}
	b, err := readPart(f)
	if err != nil {
		return nil, err
	}
	sc := newXMLScanner(bytes.NewReader(b), uint64(len(b)), maxXMLToken)
	for sc.next() != tokEOF {
		if sc.kind == tokStart && sc.is("Relationship") && !strings.EqualFold(sc.attrString("TargetMode"), "External") {
			target := strings.ReplaceAll(sc.attrString("Target"), `\`, "/")
			if strings.HasPrefix(target, "/") {
				target = strings.TrimPrefix(target, "/")
			} else {
				target = path.Join(dir, target)
			}
			rels[sc.attrString("Id")] = relationship{target: strings.ToLower(target), typ: sc.attrString("Type")}
		}
	}
	return rels, sc.Err()
}

// readWorkbook finds the parts to read: the first visible worksheet, styles and shared strings.
func (x *xlsxSource) readWorkbook(files map[string]*zip.File) (sheet, styles, sst string, err error) {
	wbPath := "xl/workbook.xml"
	root, err := readRels(files["_rels/.rels"], "")
	if err != nil {
		return "", "", "", err
	}
	for _, r := range root {
		if strings.HasSuffix(r.typ, "/officeDocument") {
			wbPath = r.target
		}
	}
	wb := files[wbPath]
	if wb == nil {
		return "", "", "", errNoWorkbook
	}
	dir := path.Dir(wbPath)
	rels, err := readRels(files[path.Join(dir, "_rels", path.Base(wbPath)+".rels")], dir)
	if err != nil {
		return "", "", "", err
	}
	styles, sst = path.Join(dir, "styles.xml"), path.Join(dir, "sharedstrings.xml")
	for _, r := range rels {
		switch {
		case strings.HasSuffix(r.typ, "/styles"):
			styles = r.target
		case strings.HasSuffix(r.typ, "/sharedStrings"):
			sst = r.target
		}
	}
	b, err := readPart(wb)
	if err != nil {
		return "", "", "", err
	}
	var first, firstVisible string
	sc := newXMLScanner(bytes.NewReader(b), uint64(len(b)), maxXMLToken)
	for sc.next() != tokEOF {
		if sc.kind != tokStart {
			continue
		}
		switch {
		case sc.is("workbookPr"):
			v := sc.attrString("date1904")
			x.date1904 = v == "1" || strings.EqualFold(v, "true")
		case sc.is("sheet"):
			rel, ok := rels[sc.attrString("id")]
			if !ok || (!strings.HasSuffix(rel.typ, "/worksheet") && rel.typ != "") {
				continue // a chart sheet or dialog sheet
			}
			if first == "" {
				first = rel.target
			}
			state := sc.attrString("state")
			if firstVisible == "" && state != "hidden" && state != "veryHidden" {
				firstVisible = rel.target
			}
		}
	}
	if sc.Err() != nil {
		return "", "", "", sc.Err()
	}
	sheet = firstVisible
	if sheet == "" {
		sheet = first
	}
	if sheet == "" {
		if files[path.Join(dir, "worksheets/sheet1.xml")] == nil {
			return "", "", "", errNoWorkbook
		}
		sheet = path.Join(dir, "worksheets/sheet1.xml")
	}
	return sheet, styles, sst, nil
}

// readStyles reads the number format of each cell style (cellXfs).
func (x *xlsxSource) readStyles(f *zip.File) error {
	b, err := readPart(f)
	if err != nil {
		return err
	}
	custom := map[int]string{}
	var xfIDs []int
	inXfs := false
	sc := newXMLScanner(bytes.NewReader(b), uint64(len(b)), maxXMLToken)
	for sc.next() != tokEOF {
		switch {
		case sc.kind == tokStart && sc.is("numFmt"):
			if id, err := strconv.Atoi(sc.attrString("numFmtId")); err == nil {
				custom[id] = sc.attrString("formatCode")
			}
		case sc.kind == tokStart && sc.is("cellXfs"):
			inXfs = !sc.self
		case sc.kind == tokEnd && sc.is("cellXfs"):
			inXfs = false
		case sc.kind == tokStart && sc.is("xf") && inXfs:
			id, _ := strconv.Atoi(sc.attrString("numFmtId"))
			xfIDs = append(xfIDs, id)
		}
	}
	if sc.Err() != nil {
		return sc.Err()
	}
	x.fmts = make([]numFmt, len(xfIDs))
	for i, id := range xfIDs {
		if code, ok := custom[id]; ok {
			x.fmts[i] = parseNumFmt(code)
		} else {
			x.fmts[i] = builtinNumFmt(id)
		}
	}
	return nil
}

// readSharedStrings reads the shared string table; rich-text runs are joined and
// phonetic runs (rPh) left out, as Excel shows them.
func (x *xlsxSource) readSharedStrings(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := newXMLScanner(&capReader{r: rc, n: x.lim.MaxUnzipSize}, f.UncompressedSize64, maxXMLToken)
	for sc.next() != tokEOF {
		if sc.kind == tokStart && sc.is("si") {
			if sc.self {
				x.sst = append(x.sst, "")
				continue
			}
			x.sst = append(x.sst, readRichText(sc, "si"))
		}
	}
	return sc.Err()
}

// readRichText collects the <t> texts up to the end tag end, leaving out phonetic runs.
func readRichText(sc *xmlScanner, end string) string {
	var b strings.Builder
	inT, rph, depth := false, 0, 0
	for {
		switch sc.next() {
		case tokEOF:
			return b.String()
		case tokStart:
			if sc.self {
				continue
			}
			depth++
			switch {
			case sc.is("t"):
				inT = true
			case sc.is("rPh"):
				rph++
			}
		case tokEnd:
			if depth == 0 && sc.is(end) {
				return b.String()
			}
			depth--
			switch {
			case sc.is("t"):
				inT = false
			case sc.is("rPh") && rph > 0:
				rph--
			}
		case tokText:
			if inT && rph == 0 {
				b.WriteString(decodeXMLText(sc.text, sc.cdata))
			}
		}
	}
}

// scanMerges reads the merged ranges of a worksheet. They come after the rows in the
// XML, so this is a separate pass; it searches the bytes for "mergeCell" rather than
// tokenising the whole sheet, which is several times faster.
func scanMerges(f *zip.File, limit int64) ([]cellRange, error) {
	zr, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	rc := &capReader{r: zr, n: limit}
	pat := []byte("mergeCell")
	const context = 64 // bytes kept before a match, for a namespace prefix
	var merges []cellRange
	size := 256 << 10
	if f.UncompressedSize64 < uint64(size) {
		size = int(f.UncompressedSize64) + 1 // small sheets get small buffers
	}
	buf := make([]byte, size)
	n := 0
	for {
		if n == len(buf) { // one tag fills the buffer
			if len(buf) >= 256<<10 {
				return nil, errTokenTooLarge
			}
			buf = append(buf, make([]byte, len(buf))...)
		}
		m, err := io.ReadFull(rc, buf[n:])
		n += m
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return nil, err
		}
		data := buf[:n]
		off, carry := 0, -1
		for {
			i := bytes.Index(data[off:], pat)
			if i < 0 {
				break
			}
			i += off
			j := bytes.IndexByte(data[i:], '>')
			if j < 0 {
				if !eof {
					carry = max(off, i-context) // the tag continues in the next read
				}
				break
			}
			off = i + j + 1
			rest := bytes.TrimSuffix(data[i+len(pat):i+j], []byte("/"))
			if !isTagStart(data, i) || len(rest) == 0 || !isXMLSpace(rest[0]) {
				continue // text, or <mergeCells count="…">
			}
			tag := xmlScanner{attrs: rest}
			if cr, ok := parseRange(tag.attrString("ref")); ok {
				if len(merges) >= maxMerges {
					return nil, fmt.Errorf("more than %d merged ranges", maxMerges)
				}
				merges = append(merges, cr)
			}
		}
		if eof {
			break
		}
		if carry < 0 {
			carry = max(off, n-len(pat)-context)
		}
		n = copy(buf, data[carry:])
	}
	slices.SortStableFunc(merges, func(a, b cellRange) int { return a.top - b.top })
	return merges, nil
}

// isTagStart reports whether the name at chunk[i] follows "<" or "<prefix:".
func isTagStart(chunk []byte, i int) bool {
	k := i - 1
	if k >= 0 && chunk[k] == ':' {
		k--
		for k >= 0 && chunk[k] != '<' && chunk[k] != ' ' && chunk[k] != '>' && chunk[k] != ';' {
			k--
		}
	}
	return k >= 0 && chunk[k] == '<'
}

// parseRange reads "A1:C2" (or "B3" alone).
func parseRange(ref string) (cellRange, bool) {
	a, b, found := strings.Cut(ref, ":")
	if !found {
		b = a
	}
	c1, r1, ok1 := parseCellRef(a)
	c2, r2, ok2 := parseCellRef(b)
	if !ok1 || !ok2 || r1 == 0 || r2 == 0 {
		return cellRange{}, false
	}
	return cellRange{top: min(r1, r2), left: min(c1, c2), bottom: max(r1, r2), right: max(c1, c2)}, true
}

// parseCellRef reads "AB12" into column 28 and row 12; "$" anchors are ignored and the row
// may be missing (row 0).
func parseCellRef(ref string) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && (ref[i] == '$' || (ref[i]|0x20 >= 'a' && ref[i]|0x20 <= 'z')) {
		if ref[i] != '$' {
			col = col*26 + int(ref[i]|0x20-'a'+1)
			if col > 16384 {
				return 0, 0, false
			}
		}
		i++
	}
	for i < len(ref) && ref[i] == '$' {
		i++
	}
	for ; i < len(ref); i++ {
		if ref[i] < '0' || ref[i] > '9' {
			return 0, 0, false
		}
		row = row*10 + int(ref[i]-'0')
		if row > 1<<20 {
			return 0, 0, false
		}
	}
	return col, row, col > 0
}

// next returns the next <row> of the sheet, cells placed by their references.
func (x *xlsxSource) next() (Row, bool, error) {
	sc := x.sc
	if x.done {
		return Row{}, false, nil
	}
	if !x.started {
		x.started = true
		for {
			if sc.next() == tokEOF {
				return Row{}, false, x.scanErr()
			}
			if sc.kind == tokStart && sc.is("sheetData") {
				if sc.self {
					x.done = true
					return Row{}, false, nil
				}
				break
			}
		}
	}
	for {
		switch sc.next() {
		case tokEOF:
			return Row{}, false, x.scanErr()
		case tokEnd:
			if sc.is("sheetData") {
				x.done = true
				return Row{}, false, nil
			}
		case tokStart:
			if !sc.is("row") {
				sc.skipElement()
				continue
			}
			num := x.lastRow + 1
			if v, ok := sc.attr("r"); ok {
				if n, err := strconv.Atoi(string(v)); err == nil && n > 0 {
					num = n
				}
			}
			x.lastRow = num
			if sc.self {
				continue
			}
			row, err := x.readRow(num)
			if err != nil {
				return Row{}, false, err
			}
			x.applyMerges(&row)
			return row, true, nil
		}
	}
}

func (x *xlsxSource) scanErr() error {
	if err := x.sc.Err(); err != nil {
		return x.fail(err)
	}
	return unreadable(x.name, io.ErrUnexpectedEOF) // the sheet XML ends inside sheetData
}

// readRow reads the cells of the row whose start tag was just read.
func (x *xlsxSource) readRow(num int) (Row, error) {
	sc := x.sc
	row := Row{Number: num}
	col := 0
	for {
		switch sc.next() {
		case tokEOF:
			return row, x.scanErr()
		case tokEnd:
			if sc.is("row") {
				return row, nil
			}
		case tokStart:
			if !sc.is("c") {
				sc.skipElement()
				continue
			}
			col++
			if ref, ok := sc.attr("r"); ok {
				c, _, ok := parseCellRef(string(ref))
				if !ok {
					return row, unreadable(x.name, fmt.Errorf("row %d: bad cell reference %q", num, ref))
				}
				col = c
			}
			style := -1
			if v, ok := sc.attr("s"); ok {
				if n, err := strconv.Atoi(string(v)); err == nil {
					style = n
				}
			}
			typ, _ := sc.attr("t")
			typStr := string(typ)
			if sc.self {
				continue
			}
			text, raw, err := x.readCell(typStr, style)
			if err != nil {
				return row, x.fail(fmt.Errorf("row %d: %w", num, err))
			}
			if text == "" {
				continue
			}
			if col > x.lim.MaxColumns {
				return row, fault.New(fault.Invalid, KeyTooManyColumns, x.name, num, x.lim.MaxColumns)
			}
			for len(row.Cells) < col {
				row.Cells = append(row.Cells, "")
			}
			row.Cells[col-1] = text
			if raw != "" {
				if row.Raw == nil {
					row.Raw = make([]string, col, max(col, cap(row.Cells)))
				}
				for len(row.Raw) < col {
					row.Raw = append(row.Raw, "")
				}
				row.Raw[col-1] = raw
			}
		}
	}
}

// readCell reads a <c> element's children and returns the shown text and, for a number,
// the stored value.
func (x *xlsxSource) readCell(typ string, style int) (text, raw string, err error) {
	sc := x.sc
	var v, is string
	hasV := false
	for depth := 0; ; {
		switch sc.next() {
		case tokEOF:
			if err := sc.Err(); err != nil {
				return "", "", err
			}
			return "", "", errors.New("sheet XML ends inside a cell")
		case tokEnd:
			if depth == 0 && sc.is("c") {
				return x.cellValue(typ, style, v, hasV, is)
			}
			depth--
		case tokStart:
			switch {
			case sc.is("v") && !sc.self:
				hasV = true
				v = readElementText(sc)
			case sc.is("is") && !sc.self:
				is = readRichText(sc, "is")
			case !sc.self:
				sc.skipElement() // <f> and extensions
			}
		}
	}
}

// readElementText returns the text of a simple element whose start tag was just read.
func readElementText(sc *xmlScanner) string {
	var parts []string
	for {
		switch sc.next() {
		case tokText:
			parts = append(parts, decodeXMLText(sc.text, sc.cdata))
		case tokStart:
			sc.skipElement()
		case tokEnd, tokEOF:
			return strings.Join(parts, "")
		}
	}
}

func (x *xlsxSource) cellValue(typ string, style int, v string, hasV bool, is string) (text, raw string, err error) {
	switch typ {
	case "s":
		if !hasV {
			return "", "", nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(x.sst) {
			return "", "", fmt.Errorf("shared string index %q out of range", v)
		}
		return x.sst[i], "", nil
	case "inlineStr":
		if is == "" && hasV {
			return v, "", nil
		}
		return is, "", nil
	case "str", "e":
		return v, "", nil
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE", "", nil
		}
		if hasV {
			return "FALSE", "", nil
		}
		return "", "", nil
	case "d": // ISO 8601 date, written by some generators instead of a serial
		if d, err := ParseDate(v, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)); err == nil {
			return d.String(), "", nil
		}
		return v, "", nil
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return "", "", nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v, "", nil // not a number after all: keep the text
	}
	var nf numFmt
	if style >= 0 && style < len(x.fmts) {
		nf = x.fmts[style]
	}
	raw = v
	if nf.kind == fmtDate && x.date1904 {
		// Why: so that ParseSerialDate reads every file's date cells alike.
		raw = generalNumber("", f+serial1904Offset)
	}
	return nf.format(v, f, x.date1904), raw, nil
}

// applyMerges copies the top-left value of each merged range over the range, in rows
// that have a value of their own (a row that is blank but for a merged cell stays blank).
func (x *xlsxSource) applyMerges(row *Row) {
	n := row.Number
	for x.nextMrg < len(x.merges) && x.merges[x.nextMrg].top <= n {
		m := x.merges[x.nextMrg]
		x.nextMrg++
		if m.bottom >= n && (m.bottom > m.top || m.right > m.left) {
			x.active = append(x.active, activeMerge{cellRange: m})
		}
	}
	if len(x.active) == 0 {
		return
	}
	empty := row.Empty()
	keep := x.active[:0]
	for _, m := range x.active {
		if m.bottom < n {
			continue
		}
		if m.top == n {
			m.cell, m.raw, m.seen = cellAt(row.Cells, m.left-1), row.RawCell(m.left-1), true
		}
		if !empty && m.seen && m.cell != "" {
			right := min(m.right, x.lim.MaxColumns)
			for len(row.Cells) < right {
				row.Cells = append(row.Cells, "")
			}
			if m.raw != "" {
				for len(row.Raw) < right {
					row.Raw = append(row.Raw, "")
				}
			}
			for c := m.left - 1; c < right; c++ {
				row.Cells[c] = m.cell
				if m.raw != "" {
					row.Raw[c] = m.raw
				} else if c < len(row.Raw) {
					row.Raw[c] = ""
				}
			}
		}
		if m.bottom > n {
			keep = append(keep, m)
		}
	}
	x.active = keep
}

func cellAt(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}
