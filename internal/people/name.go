package people

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// NormalizeName returns a name as it should be stored and shown: in NFC,
// trimmed, with runs of white space reduced to one space. Case is kept as
// typed.
//
// Why NFC: the same name typed on different keyboards arrives precomposed or
// decomposed (NFD), which would break equality and deduplication, and NFD
// text renders with colliding marks in the PDF libraries we use
// (shared/dependencies.md).
func NormalizeName(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(validUTF8(s))), " ")
}

// FoldName returns the search and matching key of a name: decomposed (NFD),
// without combining marks, with đ/Đ as d, lower-cased and with single spaces.
// "Đặng Văn Đức" becomes "dang van duc". The result is the same for NFC and
// NFD input, and FoldName(FoldName(s)) == FoldName(s).
//
// Why đ needs its own rule: Đ is a letter of its own, not D plus a mark, so
// removing marks leaves it unchanged; SQLite's unicode61 tokenizer has the
// same gap ("duc" does not match "Đức", shared/dependencies.md).
func FoldName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(validUTF8(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue // tone marks and the breve, circumflex and horn of ă â ê ô ơ ư
		}
		switch r {
		// U+00D0 (Ð, Icelandic eth) looks exactly like Đ and is what text
		// converted from the legacy TCVN3/VNI encodings often contains.
		case 'đ', 'Đ', 'Ð':
			r = 'd'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// validUTF8 replaces invalid bytes with U+FFFD. Why: x/text/unicode/norm
// leaves the rest of a string unnormalised after an invalid byte (found by
// FuzzFoldName: NFD of "\xf2Ă" keeps the precomposed Ă).
func validUTF8(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// NewCollator returns a collator for Vietnamese order (a ă â b c d đ e ê …,
// tones ordered after the letters), for callers that sort structs by name,
// e.g. with slices.SortFunc and CompareString. A Collator keeps internal
// buffers and is not safe for concurrent use: make one per goroutine.
func NewCollator() *collate.Collator {
	return collate.New(language.Vietnamese)
}

// SortVietnamese sorts names in place in Vietnamese order: Anh, Ánh, Ân,
// Dũng, Đức. Byte order or the root collation would put Đức before Dũng
// and Ân before Anh (shared/dependencies.md). NFC and NFD spellings of a name
// sort together.
func SortVietnamese(names []string) {
	NewCollator().SortStrings(names)
}

// collators are reused across calls: a Collator is not safe for concurrent use and costly to build.
var collators = sync.Pool{New: func() any { return NewCollator() }}

// SortKey returns the bytes that order a person as Vietnamese lists do — by given name (the last
// word), then by the whole name — in Vietnamese collation. Stored beside the name, it lets the
// database sort and page in that order with a plain byte comparison.
func SortKey(fullName string) []byte {
	name := NormalizeName(fullName)
	given := name
	if i := strings.LastIndex(name, " "); i >= 0 {
		given = name[i+1:]
	}
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	var buf collate.Buffer
	key := append([]byte(nil), c.KeyFromString(&buf, given)...)
	key = append(key, 0) // separates the given name from the full name: "An" sorts before "Anh"
	return append(key, c.KeyFromString(&buf, name)...)
}

// MaskName shows a name on public pages: the family name whole, the other words as initials
// ("Nguyễn Thị Hằng" → "Nguyễn T. H."), enough to compare with a printed certificate and not
// enough to find the person.
func MaskName(fullName string) string {
	words := strings.Fields(NormalizeName(fullName))
	for i := 1; i < len(words); i++ {
		r := []rune(words[i])
		words[i] = string(r[0]) + "."
	}
	return strings.Join(words, " ")
}
