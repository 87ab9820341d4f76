package news

import (
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Image is a picture an item's text may place with "[ảnh N]".
type Image struct {
	Number        int
	URL           string // where the page loads it (absolute in a feed)
	Alt           string
	Width, Height int // 0 when unknown
}

// Rendered is an item's text as HTML, and the pictures the text did not place (shown after it).
type Rendered struct {
	HTML     string
	Unplaced []Image
}

// Render turns an item's text, written in the small markup below, into HTML. Nothing of the
// text reaches the page as markup of its own: every character is escaped, and only these
// elements are made, with only these attributes:
//
//	a blank line          starts a new paragraph (<p>); a single line break is kept (<br/>)
//	## Heading            <h2>; ### Heading: <h3>  (the page's <h1> is the item's title)
//	- item, * item        a bulleted list (<ul><li>); "1. item" a numbered list (<ol><li>)
//	**bold**, *italic*    <strong>, <em>  (also _italic_)
//	[text](https://…)     a link (<a href rel>) to http, https or a path of this site only
//	https://…             a bare address becomes a link
//	[ảnh 2]               alone on a line: the item's second picture (<figure><img/>)
//
// So a <script>, an onerror= attribute, a style or a javascript: link typed in the text shows
// as the characters typed, never as markup. base, when not empty, is put before the site's own
// paths (a feed needs absolute addresses). The HTML is also well-formed XML.
func Render(text string, images []Image, base string) Rendered {
	r := renderer{base: base, images: map[int]Image{}, placed: map[int]bool{}}
	for _, im := range images {
		r.images[im.Number] = im
	}
	r.blocks(strings.Split(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n"), "\n"))
	out := Rendered{HTML: r.b.String()}
	for _, im := range images {
		if !r.placed[im.Number] {
			out.Unplaced = append(out.Unplaced, im)
		}
	}
	return out
}

type renderer struct {
	b      strings.Builder
	base   string
	images map[int]Image
	placed map[int]bool
}

var (
	imageLine   = regexp.MustCompile(`^\[\s*(?i:ảnh|anh|hình|hinh|image)\s+(\d{1,3})\s*\]$`)
	bulletLine  = regexp.MustCompile(`^[-*•]\s+(.*)$`)
	numberLine  = regexp.MustCompile(`^\d{1,3}[.)]\s+(.*)$`)
	headingLine = regexp.MustCompile(`^(#{1,3})\s+(.*)$`)
)

func (r *renderer) blocks(lines []string) {
	var para []string
	flush := func() {
		if len(para) == 0 {
			return
		}
		r.b.WriteString("<p>")
		for i, l := range para {
			if i > 0 {
				r.b.WriteString("<br/>")
			}
			r.inline(l, false)
		}
		r.b.WriteString("</p>\n")
		para = nil
	}
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		switch {
		case line == "":
			flush()
		case headingLine.MatchString(line):
			flush()
			m := headingLine.FindStringSubmatch(line)
			tag := "h2"
			if len(m[1]) == 3 {
				tag = "h3"
			}
			r.b.WriteString("<" + tag + ">")
			r.inline(m[2], false)
			r.b.WriteString("</" + tag + ">\n")
		case imageLine.MatchString(line):
			n, _ := strconv.Atoi(imageLine.FindStringSubmatch(line)[1])
			im, ok := r.images[n]
			if !ok {
				para = append(para, line) // no such picture: the words stay as typed
				continue
			}
			flush()
			r.figure(im)
		case bulletLine.MatchString(line) || numberLine.MatchString(line):
			flush()
			re, tag := bulletLine, "ul"
			if !bulletLine.MatchString(line) {
				re, tag = numberLine, "ol"
			}
			r.b.WriteString("<" + tag + ">\n")
			for ; i < len(lines); i++ {
				l := strings.TrimSpace(lines[i])
				if !re.MatchString(l) {
					i--
					break
				}
				r.b.WriteString("<li>")
				r.inline(re.FindStringSubmatch(l)[1], false)
				r.b.WriteString("</li>\n")
			}
			r.b.WriteString("</" + tag + ">\n")
		default:
			para = append(para, line)
		}
	}
	flush()
}

func (r *renderer) figure(im Image) {
	r.placed[im.Number] = true
	r.b.WriteString(`<figure><img src="` + html.EscapeString(im.URL) + `" alt="` + html.EscapeString(im.Alt) + `" loading="lazy" decoding="async"`)
	if im.Width > 0 && im.Height > 0 {
		r.b.WriteString(` width="` + strconv.Itoa(im.Width) + `" height="` + strconv.Itoa(im.Height) + `"`)
	}
	r.b.WriteString(" />")
	if im.Alt != "" {
		r.b.WriteString("<figcaption>" + html.EscapeString(im.Alt) + "</figcaption>")
	}
	r.b.WriteString("</figure>\n")
}

// inline writes one line's text with its emphasis and links; inLink keeps links out of a
// link's own words.
func (r *renderer) inline(s string, inLink bool) {
	for i := 0; i < len(s); {
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "**"):
			if end := strings.Index(rest[2:], "**"); end > 0 {
				r.b.WriteString("<strong>")
				r.inline(rest[2:2+end], inLink)
				r.b.WriteString("</strong>")
				i += 4 + end
				continue
			}
		case rest[0] == '*' || rest[0] == '_':
			if end := emphasisEnd(s, i); end > 0 {
				r.b.WriteString("<em>")
				r.inline(s[i+1:end], inLink)
				r.b.WriteString("</em>")
				i = end + 1
				continue
			}
		case rest[0] == '[' && !inLink:
			if text, target, n, ok := linkAt(rest); ok {
				if href, safe := r.safeURL(target); safe {
					r.b.WriteString(`<a href="` + html.EscapeString(href) + `" rel="nofollow noopener">`)
					r.inline(text, true)
					r.b.WriteString("</a>")
				} else {
					r.inline(text, true) // an address we do not link to: its words only
				}
				i += n
				continue
			}
		case !inLink && (strings.HasPrefix(rest, "http://") || strings.HasPrefix(rest, "https://")):
			end := strings.IndexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			addr := strings.TrimRight(rest[:end], ".,;:!?)»\"'")
			if href, safe := r.safeURL(addr); safe {
				r.b.WriteString(`<a href="` + html.EscapeString(href) + `" rel="nofollow noopener">` + html.EscapeString(addr) + "</a>")
				i += len(addr)
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(rest)
		r.b.WriteString(html.EscapeString(rest[:size]))
		i += size
	}
}

// emphasisEnd finds the closing * or _ of an emphasis opened at i: it must follow a word
// character and the opening must not be inside a word (snake_case stays as typed).
func emphasisEnd(s string, i int) int {
	c := s[i]
	if i > 0 {
		if p, _ := utf8.DecodeLastRuneInString(s[:i]); unicode.IsLetter(p) || unicode.IsDigit(p) {
			return -1
		}
	}
	if i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == c {
		return -1
	}
	for j := i + 2; j < len(s); j++ {
		if s[j] == c && s[j-1] != ' ' {
			if j+1 < len(s) {
				if n, _ := utf8.DecodeRuneInString(s[j+1:]); unicode.IsLetter(n) || unicode.IsDigit(n) {
					continue
				}
			}
			return j
		}
	}
	return -1
}

// linkAt reads "[text](target)" at the start of s.
func linkAt(s string) (text, target string, n int, ok bool) {
	close := strings.Index(s, "](")
	if close < 1 || strings.ContainsAny(s[1:close], "[]") {
		return "", "", 0, false
	}
	// The address ends at the ")" that closes "(", so "(https://vi.wikipedia.org/wiki/A_(b))" stays whole.
	end, depth := -1, 0
	for j, c := range s[close+2:] {
		if c == '(' {
			depth++
		} else if c == ')' {
			if depth == 0 {
				end = j
				break
			}
			depth--
		}
	}
	if end < 0 {
		return "", "", 0, false
	}
	return s[1:close], strings.TrimSpace(s[close+2 : close+2+end]), close + 3 + end, true
}

// safeURL accepts an http or https address with a host, or a path of this site ("/news/3"),
// and nothing else: no javascript:, data:, vbscript: or protocol-relative "//host".
func (r *renderer) safeURL(raw string) (string, bool) {
	if raw == "" || strings.ContainsAny(raw, " \t\n\\<>\"'`") {
		return "", false
	}
	for _, c := range raw {
		if c < 0x20 || c == 0x7f {
			return "", false
		}
	}
	if strings.HasPrefix(raw, "/") {
		if strings.HasPrefix(raw, "//") {
			return "", false
		}
		return r.base + raw, true
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", false
	}
	return u.String(), true
}

// PlainText is an item's text without its markup, on one line, cut to at most max characters
// (with "…"): for a list's excerpt and a sharing card's description.
func PlainText(text string, max int) string {
	var words []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if imageLine.MatchString(line) {
			continue
		}
		if m := headingLine.FindStringSubmatch(line); m != nil {
			line = m[2]
		} else if m := bulletLine.FindStringSubmatch(line); m != nil {
			line = m[1]
		}
		line = linkPattern.ReplaceAllString(line, "$1")
		line = strings.NewReplacer("**", "", "__", "").Replace(line)
		words = append(words, strings.Fields(line)...)
	}
	out := []rune(strings.Join(words, " "))
	if max > 0 && len(out) > max {
		return strings.TrimSpace(string(out[:max-1])) + "…"
	}
	return string(out)
}

var linkPattern = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
