package sheet

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"hoctap/internal/fault"
)

// Field is a column an import expects, with the header texts officials use for it.
type Field struct {
	Name     string   // the program's name for the column, e.g. "birth_date"
	Synonyms []string // header texts, compared after FoldHeader; Name is used when empty
	Required bool     // a header row must have it
}

// Header is where MatchHeader found the header and what each column holds.
type Header struct {
	Row     int            // index in rows of the (lower) header row; data starts after it
	Columns map[string]int // Field.Name → column index
	Unknown []int          // columns with a header text that matched no field
	Titles  []string       // each column's header text, "Parent / Child" for two-row headers
}

// HeaderSearchRows is how many rows MatchHeader looks at: officials put a few title rows
// ("UBND XÃ …", "DANH SÁCH …", a date line) above the header, never dozens.
const HeaderSearchRows = 30

// Header error keys.
const (
	// KeyNoHeader: no row among the first HeaderSearchRows matches any field.
	KeyNoHeader = "sheet.no_header"
	// KeyHeaderMissing: the best header row lacks required columns; Args are the file
	// row number and the missing columns' first header texts, joined by ", ".
	KeyHeaderMissing = "sheet.header_missing"
)

// MatchHeader finds the header row among the first HeaderSearchRows rows: the one that
// matches the most fields, among those that have every required field (the earliest on
// a tie). Header texts are compared after FoldHeader, so "Họ và tên (*)", "HỌ VÀ TÊN" and
// "Ho va ten:" are the same. For a header over two rows it also tries each column as
// "parent child" and as the child alone, with the parent standing in for a blank child:
// a merged "Ngày sinh" over "Nam" / "Nữ", or "Thông tin" over "Họ tên" / "CCCD" (the
// reader has already copied a merged cell's text into every cell of its range; in a CSV a
// parent cell also covers blank parent cells to its right that have a child).
func MatchHeader(rows []Row, fields []Field) (Header, error) {
	syn := make([]map[string]bool, len(fields))
	for i, f := range fields {
		syn[i] = map[string]bool{}
		names := f.Synonyms
		if len(names) == 0 {
			names = []string{f.Name}
		}
		for _, n := range names {
			syn[i][FoldHeader(n)] = true
		}
	}
	var best, bestAny *headerCandidate
	for i := 0; i < len(rows) && i < HeaderSearchRows; i++ {
		variants := []*headerCandidate{matchHeaderRow(nil, rows[i], fields, syn)}
		if i > 0 {
			variants = append(variants, matchHeaderRow(&rows[i-1], rows[i], fields, syn))
		}
		for _, c := range variants {
			c.row = i
			if bestAny == nil || c.score > bestAny.score {
				bestAny = c
			}
			if c.missing == nil && c.score > 0 && (best == nil || c.score > best.score) {
				best = c
			}
		}
	}
	if best == nil {
		if bestAny == nil || bestAny.score == 0 {
			return Header{}, fault.New(fault.Invalid, KeyNoHeader, HeaderSearchRows)
		}
		return Header{}, fault.New(fault.Invalid, KeyHeaderMissing, rows[bestAny.row].Number, strings.Join(bestAny.missing, ", "))
	}
	h := Header{Row: best.row, Columns: best.columns, Titles: best.titles}
	for c, t := range best.titles {
		if t != "" && !best.used[c] {
			h.Unknown = append(h.Unknown, c)
		}
	}
	return h, nil
}

type headerCandidate struct {
	row     int
	score   int
	columns map[string]int
	used    map[int]bool
	titles  []string
	missing []string // first header texts of required fields not found
}

// matchHeaderRow matches one row, or with parent a two-row header ending at child.
func matchHeaderRow(parent *Row, child Row, fields []Field, syn []map[string]bool) *headerCandidate {
	width := len(child.Cells)
	if parent != nil {
		width = max(width, len(parent.Cells))
	}
	// texts[c] are the header texts column c is tried under, most specific first.
	texts := make([][]string, width)
	titles := make([]string, width)
	parentOf := make([]string, width)
	for c := 0; c < width; c++ {
		ch := child.Cell(c)
		if parent == nil {
			if ch != "" {
				texts[c], titles[c] = []string{ch}, ch
			}
			continue
		}
		p := parent.Cell(c)
		if p == "" && ch != "" && c > 0 && parentOf[c-1] != "" && child.Cell(c-1) != "" {
			p = parentOf[c-1] // CSV: "Ngày sinh" written once over "Nam" and "Nữ"
		}
		parentOf[c] = p
		switch {
		case ch == "" && p == "":
		case ch == "":
			texts[c], titles[c] = []string{p}, p
		case p == "" || p == ch:
			texts[c], titles[c] = []string{ch}, ch
		default:
			texts[c], titles[c] = []string{p + " " + ch, ch}, p+" / "+ch
		}
	}
	cand := &headerCandidate{columns: map[string]int{}, used: map[int]bool{}, titles: titles}
	// Most specific text first over all columns, so that "Ngày sinh Nam" is claimed by
	// its own field before "Nam" alone could claim a gender field.
	for level := 0; level < 2; level++ {
		for c := 0; c < width; c++ {
			if cand.used[c] || level >= len(texts[c]) {
				continue
			}
			f := FoldHeader(texts[c][level])
			for i, fl := range fields {
				if _, done := cand.columns[fl.Name]; done || !syn[i][f] {
					continue
				}
				cand.columns[fl.Name] = c
				cand.used[c] = true
				cand.score++
				break
			}
		}
	}
	for _, fl := range fields {
		if _, ok := cand.columns[fl.Name]; fl.Required && !ok {
			name := fl.Name
			if len(fl.Synonyms) > 0 {
				name = fl.Synonyms[0]
			}
			cand.missing = append(cand.missing, name)
		}
	}
	return cand
}

// FoldHeader returns the comparison key of a header text: without what is in
// parentheses or brackets ("(*)", "(dd/mm/yyyy)"), without accents, đ as d, lower case,
// with punctuation and symbols (". : * / - ,") as spaces and runs of spaces as one.
// "Số CCCD/CMND (*):" becomes "so cccd cmnd".
func FoldHeader(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	depth := 0
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, " ")) {
		switch {
		case r == '(' || r == '[':
			depth++
			continue
		case r == ')' || r == ']':
			if depth > 0 {
				depth--
			}
			b.WriteByte(' ')
			continue
		case depth > 0:
			continue
		case unicode.Is(unicode.Mn, r):
			continue // accents and the marks of ă â ê ô ơ ư
		case r == 'đ' || r == 'Đ' || r == 'Ð':
			b.WriteByte('d')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
