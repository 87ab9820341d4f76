package sheet

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// xmlScanner is a small pull tokenizer for the parts of an .xlsx this package reads
// (worksheet, shared strings, styles, workbook, relationships).
//
// Why not encoding/xml or excelize's Rows: on a 100,000-row roster with a date column,
// excelize's Rows().Columns() ran at about 9,000 rows/s (most of the time in number
// formatting), and encoding/xml's RawToken alone tokenised the 52 MB sheet XML at about
// 20 MB/s, which caps reading below the 20,000 rows/s goal. Worksheet XML needs only a
// sliver of XML: elements, attributes, text, the five predefined entities and character
// references. Namespace prefixes are ignored (files from some generators write <x:row>).
// DTDs are skipped and never expanded, so entity bombs have no effect.
type xmlScanner struct {
	r   io.Reader
	buf []byte
	pos int // next unread byte in buf
	end int // end of valid data in buf
	eof bool
	err error // read error other than io.EOF
	max int   // largest token accepted, in bytes

	// The current token. Slices point into buf and are valid until the next call to next.
	kind  tokKind
	name  []byte // local name of a start or end tag
	attrs []byte // a start tag's bytes after its name
	self  bool   // a start tag closed with "/>"
	text  []byte // raw text of a text token
	cdata bool   // text came from a CDATA section: no entities to decode
}

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText
)

// errTokenTooLarge is returned for a tag or text run longer than the scanner accepts.
var errTokenTooLarge = errors.New("xml token too large")

// errXMLSyntax is returned for an unterminated tag, comment or CDATA section.
var errXMLSyntax = errors.New("xml syntax error")

// newXMLScanner reads XML from r; size is the part's size when known (0 if not), so that
// small parts get small buffers.
func newXMLScanner(r io.Reader, size uint64, maxToken int) *xmlScanner {
	n := 64 << 10
	if size > 0 && size < uint64(n) {
		n = int(size) + 1
	}
	return &xmlScanner{r: r, buf: make([]byte, n), max: maxToken}
}

// more reads more data into buf, keeping the unread bytes; it reports whether any arrived.
func (s *xmlScanner) more() bool {
	if s.eof || s.err != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.end, s.pos = n, 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.max {
			s.err = errTokenTooLarge
			return false
		}
		nb := make([]byte, min(2*len(s.buf), s.max))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			s.err = err
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// Err returns the error that stopped the scanner, if any.
func (s *xmlScanner) Err() error { return s.err }

// next advances to the next token and returns its kind; tokEOF at the end or on error.
func (s *xmlScanner) next() tokKind {
	for {
		if s.pos >= s.end && !s.more() {
			s.kind = tokEOF
			return tokEOF
		}
		if s.buf[s.pos] != '<' {
			return s.scanText()
		}
		// Make sure the bytes that tell the tag apart are present.
		for s.end-s.pos < 9 && s.more() {
		}
		b := s.buf[s.pos:s.end]
		if len(b) < 2 || (b[1] != '?' && b[1] != '!') {
			return s.scanTag() // the common case: an element tag
		}
		switch {
		case bytes.HasPrefix(b, []byte("<?")):
			if !s.skipPast("?>") {
				return s.fail()
			}
		case bytes.HasPrefix(b, []byte("<!--")):
			if !s.skipPast("-->") {
				return s.fail()
			}
		case bytes.HasPrefix(b, []byte("<![CDATA[")):
			return s.scanCDATA()
		case bytes.HasPrefix(b, []byte("<!")):
			if !s.skipDecl() {
				return s.fail()
			}
		default:
			return s.scanTag()
		}
	}
}

func (s *xmlScanner) fail() tokKind {
	if s.err == nil {
		s.err = errXMLSyntax
	}
	s.kind = tokEOF
	return tokEOF
}

func (s *xmlScanner) scanText() tokKind {
	off := 0
	for {
		if i := bytes.IndexByte(s.buf[s.pos+off:s.end], '<'); i >= 0 {
			off += i
			break
		}
		off = s.end - s.pos
		if !s.more() {
			if s.err != nil {
				return s.fail()
			}
			break
		}
	}
	s.kind, s.cdata = tokText, false
	s.text = s.buf[s.pos : s.pos+off]
	s.pos += off
	return tokText
}

func (s *xmlScanner) scanCDATA() tokKind {
	start := len("<![CDATA[")
	i, ok := s.find("]]>", start)
	if !ok {
		return s.fail()
	}
	s.kind, s.cdata = tokText, true
	s.text = s.buf[s.pos+start : s.pos+i]
	s.pos += i + 3
	return tokText
}

// find returns the offset from s.pos of the first sep at or after off, reading more as needed.
func (s *xmlScanner) find(sep string, off int) (int, bool) {
	for {
		if i := bytes.Index(s.buf[s.pos+off:s.end], []byte(sep)); i >= 0 {
			return off + i, true
		}
		off = max(off, s.end-s.pos-len(sep)+1)
		if !s.more() {
			return 0, false
		}
	}
}

func (s *xmlScanner) skipPast(sep string) bool {
	i, ok := s.find(sep, 1)
	if ok {
		s.pos += i + len(sep)
	}
	return ok
}

// skipDecl skips a <!DOCTYPE …> or other declaration, including an internal subset in [ ].
func (s *xmlScanner) skipDecl() bool {
	depth, quote := 0, byte(0)
	for off := 2; ; off++ {
		for s.pos+off >= s.end {
			if !s.more() {
				return false
			}
		}
		c := s.buf[s.pos+off]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '>' && depth <= 0:
			s.pos += off + 1
			return true
		}
	}
}

// scanTag reads a start or end tag; '>' inside quoted attribute values does not end it.
func (s *xmlScanner) scanTag() tokKind {
	quote := byte(0)
	off := 1
	for {
		if s.pos+off >= s.end {
			if !s.more() {
				return s.fail()
			}
			continue
		}
		if quote == 0 {
			c := s.buf[s.pos+off]
			if c == '>' {
				break
			}
			if c == '"' || c == '\'' {
				quote = c
			}
			off++
			continue
		}
		i := bytes.IndexByte(s.buf[s.pos+off:s.end], quote)
		if i < 0 {
			off = s.end - s.pos
			continue
		}
		off += i + 1
		quote = 0
	}
	tag := s.buf[s.pos+1 : s.pos+off] // between '<' and '>'
	s.pos += off + 1
	if len(tag) > 0 && tag[0] == '/' {
		s.kind = tokEnd
		s.name = localName(bytes.TrimSpace(tag[1:]))
		return tokEnd
	}
	s.self = len(tag) > 0 && tag[len(tag)-1] == '/'
	if s.self {
		tag = tag[:len(tag)-1]
	}
	n := 0
	for n < len(tag) && !isXMLSpace(tag[n]) {
		n++
	}
	s.kind = tokStart
	s.name = localName(tag[:n])
	s.attrs = tag[n:]
	return tokStart
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// localName drops a namespace prefix: "x:row" → "row".
func localName(b []byte) []byte {
	if i := bytes.LastIndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// is reports whether the current token's local name is name.
func (s *xmlScanner) is(name string) bool { return string(s.name) == name }

// attr returns the raw value of the current start tag's attribute with local name name.
func (s *xmlScanner) attr(name string) ([]byte, bool) {
	b := s.attrs
	for len(b) > 0 {
		for len(b) > 0 && isXMLSpace(b[0]) {
			b = b[1:]
		}
		i := 0
		for i < len(b) && b[i] != '=' && !isXMLSpace(b[i]) {
			i++
		}
		key := localName(b[:i])
		b = b[i:]
		for len(b) > 0 && isXMLSpace(b[0]) {
			b = b[1:]
		}
		if len(b) == 0 || b[0] != '=' {
			return nil, false // malformed attribute list
		}
		b = b[1:]
		for len(b) > 0 && isXMLSpace(b[0]) {
			b = b[1:]
		}
		if len(b) == 0 || (b[0] != '"' && b[0] != '\'') {
			return nil, false
		}
		q := b[0]
		j := bytes.IndexByte(b[1:], q)
		if j < 0 {
			return nil, false
		}
		val := b[1 : 1+j]
		b = b[2+j:]
		if string(key) == name {
			return val, true
		}
	}
	return nil, false
}

// attrString returns an attribute's value with entities decoded, or "".
func (s *xmlScanner) attrString(name string) string {
	v, _ := s.attr(name)
	return decodeXMLText(v, false)
}

// skipElement skips the rest of the element whose start tag was just read.
func (s *xmlScanner) skipElement() {
	if s.self {
		return
	}
	depth := 1
	for depth > 0 {
		switch s.next() {
		case tokEOF:
			return
		case tokStart:
			if !s.self {
				depth++
			}
		case tokEnd:
			depth--
		}
	}
}

// decodeXMLText returns XML character data as a string: entities and character
// references decoded, line ends normalised to "\n" (as XML requires), and Excel's
// _xHHHH_ escapes for control characters undone.
func decodeXMLText(b []byte, cdata bool) string {
	if !cdata && bytes.IndexByte(b, '&') < 0 && bytes.IndexByte(b, '\r') < 0 && bytes.IndexByte(b, '_') < 0 {
		if utf8.Valid(b) {
			return string(b)
		}
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	var sb strings.Builder
	sb.Grow(len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\r':
			sb.WriteByte('\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		case c == '&' && !cdata:
			j := bytes.IndexByte(b[i:min(len(b), i+12)], ';')
			if j < 0 {
				sb.WriteByte(c)
				continue
			}
			if r, ok := entity(b[i+1 : i+j]); ok {
				sb.WriteRune(r)
				i += j
			} else {
				sb.WriteByte(c)
			}
		case c == '_' && i+6 < len(b) && b[i+1] == 'x' && b[i+6] == '_':
			if v, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 32); err == nil {
				sb.WriteRune(rune(v))
				i += 6
			} else {
				sb.WriteByte(c)
			}
		default:
			sb.WriteByte(c)
		}
	}
	return strings.ToValidUTF8(sb.String(), "\uFFFD")
}

func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	var v uint64
	var err error
	if name[1] == 'x' || name[1] == 'X' {
		v, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		v, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || v == 0 || v > utf8.MaxRune {
		return utf8.RuneError, err == nil
	}
	return rune(v), true
}
