package sheet

import (
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Encoding names a legacy Vietnamese encoding that text may still be in.
type Encoding int

// The encodings the reader recognises. Unicode means the text needs no conversion.
const (
	Unicode Encoding = iota
	// TCVN3 is TCVN 5712:1993 (the "ABC" keyboard, fonts .VnTime, .VnArial, .VnTimeH).
	TCVN3
	// VNI is VNI-Windows (fonts VNI-Times, VNI-Helve): a base letter followed by a mark byte.
	VNI
	// Windows1258 is the Vietnamese ANSI code page, which Excel on a Vietnamese Windows
	// uses when it saves "CSV (Comma delimited)". It only occurs as raw bytes in a CSV.
	Windows1258
)

// String returns the encoding's usual name, as shown to users.
func (e Encoding) String() string {
	switch e {
	case TCVN3:
		return "TCVN3"
	case VNI:
		return "VNI"
	case Windows1258:
		return "Windows-1258"
	}
	return "Unicode"
}

// tcvn3High maps bytes 0x80–0xFF of TCVN 5712:1993 (VN3 plus the capitals of the full
// table) to Unicode, one string of 16 characters per row. 0xB0–0xB4 are combining tone
// marks. The .VnTime fonts draw only the lower-case letters and Ă Â Ê Ô Ơ Ư Đ; their
// capitals font .VnTimeH draws capitals at the lower-case positions (see fromTCVN3).
var tcvn3High = []rune("" +
	"ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨ" + // 0x80
	"ÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ" + // 0x90
	"\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ" + // 0xA0
	"\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ" + // 0xB0
	"ẮẦẨẪẤỀặầẩẫấậèỂẻẽ" + // 0xC0
	"éẹềểễếệìỉỄẾỒĩíịò" + // 0xD0
	"Ổỏõóọồổỗốộờởỡớợù" + // 0xE0
	"ỖủũúụừửữứựỳỷỹýỵỐ") // 0xF0

// tcvn3Low holds the capitals that the full TCVN 5712 table puts in the C0 control range.
var tcvn3Low = map[rune]rune{
	0x01: 'Ú', 0x02: 'Ụ', 0x04: 'Ừ', 0x05: 'Ử', 0x06: 'Ữ', 0x11: 'Ứ',
	0x12: 'Ự', 0x13: 'Ỳ', 0x14: 'Ỷ', 0x15: 'Ỹ', 0x16: 'Ý', 0x17: 'Ỵ',
}

// vniLetters are VNI bytes that stand for a whole letter.
var vniLetters = map[rune]rune{
	'Ñ': 'Đ', 'ñ': 'đ', 'Ô': 'Ơ', 'ô': 'ơ', 'Ö': 'Ư', 'ö': 'ư',
	'Í': 'Í', 'í': 'í', 'Ì': 'Ì', 'ì': 'ì', 'Æ': 'Ỉ', 'æ': 'ỉ',
	'Ó': 'Ĩ', 'ó': 'ĩ', 'Ò': 'Ị', 'ò': 'ị', 'Î': 'Ỵ', 'î': 'ỵ',
}

// Combining marks used to rebuild VNI letters; NFC then composes them.
const (
	markGrave      = '\u0300'
	markAcute      = '\u0301'
	markCircumflex = '\u0302'
	markTilde      = '\u0303'
	markBreve      = '\u0306'
	markHook       = '\u0309'
	markHorn       = '\u031B'
	markDot        = '\u0323'
)

// vniMark is a VNI byte that modifies the vowel before it.
type vniMark struct {
	shape rune // markCircumflex, markBreve or 0
	tone  rune // a tone mark or 0
}

var vniMarks = map[rune]vniMark{
	'ù': {0, markAcute}, 'ø': {0, markGrave}, 'û': {0, markHook}, 'õ': {0, markTilde}, 'ï': {0, markDot},
	'Ù': {0, markAcute}, 'Ø': {0, markGrave}, 'Û': {0, markHook}, 'Õ': {0, markTilde}, 'Ï': {0, markDot},
	'â': {markCircumflex, 0}, 'á': {markCircumflex, markAcute}, 'à': {markCircumflex, markGrave},
	'å': {markCircumflex, markHook}, 'ã': {markCircumflex, markTilde}, 'ä': {markCircumflex, markDot},
	'Â': {markCircumflex, 0}, 'Á': {markCircumflex, markAcute}, 'À': {markCircumflex, markGrave},
	'Å': {markCircumflex, markHook}, 'Ã': {markCircumflex, markTilde}, 'Ä': {markCircumflex, markDot},
	'ê': {markBreve, 0}, 'é': {markBreve, markAcute}, 'è': {markBreve, markGrave},
	'ú': {markBreve, markHook}, 'ü': {markBreve, markTilde}, 'ë': {markBreve, markDot},
	'Ê': {markBreve, 0}, 'É': {markBreve, markAcute}, 'È': {markBreve, markGrave},
	'Ú': {markBreve, markHook}, 'Ü': {markBreve, markTilde}, 'Ë': {markBreve, markDot},
}

// FromLegacy converts text in a legacy encoding to Unicode NFC. The text is what a
// spreadsheet holds: characters U+0000–U+00FF standing for the legacy bytes (an .xlsx
// typed in a .VnTime or VNI-Times font stores "NguyÔn V¨n §øc" or "Nguyeãn Vaên Ñöùc"
// for "Nguyễn Văn Đức"; a CSV's raw bytes are read as Latin-1). Characters above U+00FF
// are kept as they are. Unicode returns s unchanged.
func FromLegacy(s string, enc Encoding) string {
	if enc == Unicode || !maybeLegacy(s, enc) {
		return s
	}
	switch enc {
	case TCVN3:
		return fromTCVN3(s)
	case VNI:
		return fromVNI(s)
	case Windows1258:
		return fromCP1258(s)
	}
	return s
}

// maybeLegacy reports whether s has any character the encoding would change.
func maybeLegacy(s string, enc Encoding) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || (enc == TCVN3 && c < 0x20 && tcvn3Low[rune(c)] != 0) {
			return true
		}
	}
	return false
}

// fromTCVN3 decodes TCVN3. Why the capitals rule: text typed in the capitals font
// .VnTimeH is stored with lower-case codes ("DANH S¸CH" shows as "DANH SÁCH"), so a text
// written in ASCII capitals only, with at least two of them, is upper-cased after decoding.
func fromTCVN3(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	upper, lower, converted := 0, 0, false
	for _, r := range s {
		switch {
		case r >= 0x80 && r <= 0xFF:
			b.WriteRune(tcvn3High[r-0x80])
			converted = true
		case r < 0x20 && tcvn3Low[r] != 0:
			b.WriteRune(tcvn3Low[r])
			converted = true
		default:
			if r >= 'A' && r <= 'Z' {
				upper++
			} else if r >= 'a' && r <= 'z' {
				lower++
			}
			b.WriteRune(r)
		}
	}
	out := norm.NFC.String(b.String())
	if converted && upper >= 2 && lower == 0 {
		out = strings.ToUpper(out)
	}
	return out
}

// fromVNI decodes VNI: mark bytes are applied to the vowel before them and NFC composes
// the result. A mark byte after anything else is kept as the Latin-1 letter it is.
func fromVNI(s string) string {
	out := make([]rune, 0, len(s))
	last := rune(-1) // the last base letter written, -1 when the previous rune was not one
	for _, r := range s {
		if r < 0x80 || r > 0xFF {
			out = append(out, r)
			last = r
			continue
		}
		if l, ok := vniLetters[r]; ok {
			out = append(out, l)
			last = l
			continue
		}
		if m, ok := vniMarks[r]; ok && vniTakes(last, m) {
			if m.shape != 0 {
				out = append(out, m.shape)
			}
			if m.tone != 0 {
				out = append(out, m.tone)
			}
			last = -1 // one mark byte per letter
			continue
		}
		out = append(out, r)
		last = r
	}
	return norm.NFC.String(string(out))
}

// vniTakes reports whether letter v can carry mark m.
func vniTakes(v rune, m vniMark) bool {
	switch unicode.ToLower(v) {
	case 'a':
		return true
	case 'e', 'o':
		return m.shape != markBreve
	case 'u', 'y', 'ơ', 'ư':
		return m.shape == 0
	}
	return false
}

func fromCP1258(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for _, r := range s {
		if r >= 0x80 && r <= 0xFF {
			r = charmap.Windows1258.DecodeByte(byte(r))
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// DetectLegacy tells whether a sample of cells (the reader uses the first cells that
// have non-ASCII text, up to about 200) is in TCVN3 or VNI rather than Unicode. It counts
// the words that are well-formed Vietnamese syllables under each reading and picks a
// legacy encoding only when it reads clearly better than the text as it is, so that it
// never fires on plain ASCII or on ordinary Unicode Vietnamese.
func DetectLegacy(sample []string) Encoding {
	return detectEncoding(sample, []Encoding{TCVN3, VNI})
}

func detectEncoding(sample []string, candidates []Encoding) Encoding {
	type tally struct{ good, bad int }
	score := func(enc Encoding) tally {
		var t tally
		for _, s := range sample {
			if !maybeLegacy(s, TCVN3) {
				continue // reads the same in every encoding
			}
			g, b := vietnameseWords(FromLegacy(s, enc))
			t.good += g
			t.bad += b
		}
		return t
	}
	base := score(Unicode)
	best, bestNet := Unicode, base.good-base.bad
	var bestTally tally
	for _, enc := range candidates {
		t := score(enc)
		if n := t.good - t.bad; n > bestNet {
			best, bestNet, bestTally = enc, n, t
		}
	}
	// Why a margin of 2: one stray word that happens to read well in a legacy encoding
	// must not convert a whole file of Unicode names.
	if best == Unicode || bestNet < base.good-base.bad+2 || bestTally.good <= bestTally.bad {
		return Unicode
	}
	return best
}

// vietnameseWords counts, among the words of s that have a non-ASCII letter, those
// that are and are not well-formed Vietnamese syllables.
func vietnameseWords(s string) (good, bad int) {
	start := -1
	nonASCII := false
	flush := func(end int) {
		if start >= 0 && nonASCII {
			if isSyllable(s[start:end]) {
				good++
			} else {
				bad++
			}
		}
		start, nonASCII = -1, false
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			if r >= 0x80 {
				nonASCII = true
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return good, bad
}

// Parts of a Vietnamese syllable: initial consonant, vowel nucleus, final consonant.
var (
	syllableInitials = []string{"ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
		"b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", ""}
	syllableFinals = []string{"ng", "nh", "ch", "c", "m", "n", "p", "t", ""}
	syllableNuclei = map[string]bool{}
	// needFinal are nuclei that never end a syllable: "ân", "ăn", "tiên", "muốn", "tuần", "xoong".
	needFinal = map[string]bool{"ă": true, "â": true, "iê": true, "yê": true, "uô": true, "ươ": true, "uâ": true, "oă": true, "uyê": true, "oo": true}
)

func init() {
	for _, n := range strings.Fields(`a ă â e ê i o ô ơ u ư y
		ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê
		iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu`) {
		syllableNuclei[n] = true
	}
}

// isSyllable reports whether word is a well-formed Vietnamese syllable: letters of the
// Vietnamese alphabet, at most one tone mark, and initial + nucleus + final from the
// lists above. It is loose (it does not check which tones a final allows) but tells
// Vietnamese from text decoded in the wrong encoding.
func isSyllable(word string) bool {
	base := make([]rune, 0, len(word))
	tones := 0
	for _, r := range norm.NFD.String(strings.ToLower(word)) {
		switch r {
		case markGrave, markAcute, markTilde, markHook, markDot:
			tones++
			continue
		case markCircumflex, markBreve, markHorn:
			if len(base) == 0 {
				return false
			}
			v, ok := withShape(base[len(base)-1], r)
			if !ok {
				return false
			}
			base[len(base)-1] = v
			continue
		}
		if !strings.ContainsRune("abcdeghiklmnopqrstuvxyđ", r) {
			return false
		}
		base = append(base, r)
	}
	if tones > 1 || len(base) == 0 {
		return false
	}
	w := string(base)
	for _, ini := range syllableInitials {
		if !strings.HasPrefix(w, ini) {
			continue
		}
		rest := w[len(ini):]
		for _, fin := range syllableFinals {
			nuc := strings.TrimSuffix(rest, fin)
			if strings.HasSuffix(rest, fin) && syllableNuclei[nuc] && (fin != "" || !needFinal[nuc]) {
				return true
			}
		}
	}
	return false
}

func withShape(v, mark rune) (rune, bool) {
	switch {
	case mark == markCircumflex && v == 'a':
		return 'â', true
	case mark == markCircumflex && v == 'e':
		return 'ê', true
	case mark == markCircumflex && v == 'o':
		return 'ô', true
	case mark == markBreve && v == 'a':
		return 'ă', true
	case mark == markHorn && v == 'o':
		return 'ơ', true
	case mark == markHorn && v == 'u':
		return 'ư', true
	}
	return 0, false
}
