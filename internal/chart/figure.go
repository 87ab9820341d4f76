// Package chart draws the dashboards' and reports' charts — a trend over the years against
// the targets, a sparkline, ranking bars and the pipeline of an evaluation cycle — as SVG to
// inline in server-rendered pages, and the same figures on a PDF page.
//
// The SVG needs no script, no style sheet and no network: colours are presentation
// attributes (the pages' Content-Security-Policy forbids inline style), every text is
// escaped, and the size is a viewBox, so a chart fills the width of its container and scales
// down to a 360-pixel phone. Lines differ by dash pattern as well as colour, so a chart reads
// in black and white. Each chart is an image to assistive technology (role="img") whose
// aria-label summarises the figures in words.
package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"

	"hoctap/internal/pdf"
)

// Figure is a chart laid out in a coordinate space of Width × Height units (y down), ready to
// be written as SVG or drawn on a PDF page at any size.
type Figure struct {
	Width, Height float64
	Title         string // the chart's name, the SVG <title>
	Summary       string // the figures in words, the SVG aria-label
	kind          string // "trend", "sparkline", "bars", "pipeline": the SVG class chart-<kind>
	pixels        bool   // give the SVG a fixed width and height (the sparkline in a table cell)
	shapes        []shape
}

type shapeKind int

const (
	kPath    shapeKind = iota // open polylines, one per segment
	kPolygon                  // a filled closed polygon (segs[0])
	kRect
	kCircle
	kText
)

type pt struct{ x, y float64 }

// shape is one drawing primitive. Colours are "#rrggbb" or "" for none.
type shape struct {
	kind       shapeKind
	segs       [][]pt
	x, y, w, h float64 // rect: corner and size; circle: centre in x, y; text: anchor point on the baseline
	r          float64
	stroke     string
	fill       string
	lineW      float64
	dash       []float64
	round      bool // round line caps (dotted lines)
	text       string
	size       float64
	anchor     string // "start", "middle", "end"
	bold       bool
	italic     bool
	tip        string // a tooltip, the SVG <title> of the shape
	data       string // a data-series attribute, so tests and style sheets can find a series
}

// The palette prints in black and white: one dark blue for the figures, greys for the frame.
const (
	ink       = "#1a1a1a"
	muted     = "#555555"
	gridGrey  = "#d0d0d0"
	axisGrey  = "#808080"
	valueInk  = "#1f4e79"
	targetRed = "#9c2f1f"
	bandFill  = "#dce6f1"
	barFill   = "#5b7fa6"
)

// fontStack is the SVG's font: the fonts of the PDFs first, then what every phone has.
const fontStack = "Noto Sans, Roboto, Arial, Helvetica, sans-serif"

// SVG writes the figure as an <svg> element safe to inline in an HTML page.
func (f Figure) SVG() template.HTML {
	var b strings.Builder
	b.Grow(256 + 120*len(f.shapes))
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `)
	b.WriteString(num(f.Width) + " " + num(f.Height) + `"`)
	if f.pixels {
		b.WriteString(` width="` + num(f.Width) + `" height="` + num(f.Height) + `"`)
	}
	b.WriteString(` class="chart chart-` + f.kind + `" role="img" aria-label="` + esc(f.Summary) + `"`)
	b.WriteString(` font-family="` + fontStack + `"><title>` + esc(f.Title) + `</title>`)
	for _, s := range f.shapes {
		if s.tip != "" {
			b.WriteString(`<g><title>` + esc(s.tip) + `</title>`)
		}
		s.svg(&b)
		if s.tip != "" {
			b.WriteString(`</g>`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text and attribute value above is escaped
}

func (s shape) svg(b *strings.Builder) {
	paint := func() {
		if s.fill != "" {
			b.WriteString(` fill="` + s.fill + `"`)
		} else {
			b.WriteString(` fill="none"`)
		}
		if s.stroke != "" {
			b.WriteString(` stroke="` + s.stroke + `" stroke-width="` + num(s.lineW) + `"`)
			if len(s.dash) > 0 {
				parts := make([]string, len(s.dash))
				for i, d := range s.dash {
					parts[i] = num(d)
				}
				b.WriteString(` stroke-dasharray="` + strings.Join(parts, " ") + `"`)
			}
			if s.round {
				b.WriteString(` stroke-linecap="round"`)
			}
		}
		if s.data != "" {
			b.WriteString(` data-series="` + esc(s.data) + `"`)
		}
	}
	switch s.kind {
	case kPath:
		var d strings.Builder
		for _, seg := range s.segs {
			for i, p := range seg {
				if i == 0 {
					d.WriteString("M")
				} else {
					d.WriteString(" L")
				}
				d.WriteString(num(p.x) + " " + num(p.y))
			}
			d.WriteString(" ")
		}
		b.WriteString(`<path d="` + strings.TrimSpace(d.String()) + `" stroke-linejoin="round"`)
		paint()
		b.WriteString(`/>`)
	case kPolygon:
		var ps []string
		for _, p := range s.segs[0] {
			ps = append(ps, num(p.x)+","+num(p.y))
		}
		b.WriteString(`<polygon points="` + strings.Join(ps, " ") + `"`)
		paint()
		b.WriteString(`/>`)
	case kRect:
		b.WriteString(`<rect x="` + num(s.x) + `" y="` + num(s.y) + `" width="` + num(s.w) + `" height="` + num(s.h) + `"`)
		paint()
		b.WriteString(`/>`)
	case kCircle:
		b.WriteString(`<circle cx="` + num(s.x) + `" cy="` + num(s.y) + `" r="` + num(s.r) + `"`)
		paint()
		b.WriteString(`/>`)
	case kText:
		b.WriteString(`<text x="` + num(s.x) + `" y="` + num(s.y) + `" font-size="` + num(s.size) + `"`)
		if s.anchor != "" && s.anchor != "start" {
			b.WriteString(` text-anchor="` + s.anchor + `"`)
		}
		if s.bold {
			b.WriteString(` font-weight="bold"`)
		}
		if s.italic {
			b.WriteString(` font-style="italic"`)
		}
		fill := s.fill
		if fill == "" {
			fill = ink
		}
		b.WriteString(` fill="` + fill + `"`)
		if s.data != "" {
			b.WriteString(` data-series="` + esc(s.data) + `"`)
		}
		b.WriteString(`>` + esc(s.text) + `</text>`)
	}
}

// DrawPDF draws the figure on the current page of f with its top left corner at (x, y) and the
// given width, in the document's unit, keeping the figure's proportions; it returns the height
// drawn. family names a UTF-8 font already added to f in its regular and bold ("B") styles,
// such as the Noto Sans of internal/pdf. Italic text is drawn upright in the regular style.
func (f Figure) DrawPDF(p *fpdf.Fpdf, x, y, width float64, family string) float64 {
	if f.Width <= 0 {
		return 0
	}
	k := width / f.Width
	X := func(v float64) float64 { return x + v*k }
	Y := func(v float64) float64 { return y + v*k }
	ptPerUnit := p.GetConversionRatio() // points per unit of the document, for font sizes
	for _, s := range f.shapes {
		p.SetDashPattern(nil, 0)
		p.SetLineCapStyle("butt")
		if s.stroke != "" {
			p.SetDrawColor(rgb(s.stroke))
			p.SetLineWidth(s.lineW * k)
			if len(s.dash) > 0 {
				d := make([]float64, len(s.dash))
				for i, v := range s.dash {
					d[i] = v * k
				}
				p.SetDashPattern(d, 0)
			}
			if s.round {
				p.SetLineCapStyle("round")
			}
		}
		if s.fill != "" {
			p.SetFillColor(rgb(s.fill))
		}
		style := ""
		if s.fill != "" {
			style += "F"
		}
		if s.stroke != "" {
			style += "D"
		}
		switch s.kind {
		case kPath:
			if s.stroke == "" {
				continue
			}
			for _, seg := range s.segs {
				if len(seg) < 2 {
					continue
				}
				p.MoveTo(X(seg[0].x), Y(seg[0].y))
				for _, q := range seg[1:] {
					p.LineTo(X(q.x), Y(q.y))
				}
				p.DrawPath("D")
			}
		case kPolygon:
			if style == "" || len(s.segs) == 0 {
				continue
			}
			ps := make([]fpdf.PointType, len(s.segs[0]))
			for i, q := range s.segs[0] {
				ps[i] = fpdf.PointType{X: X(q.x), Y: Y(q.y)}
			}
			p.Polygon(ps, style)
		case kRect:
			if style != "" {
				p.Rect(X(s.x), Y(s.y), s.w*k, s.h*k, style)
			}
		case kCircle:
			if style != "" {
				p.Circle(X(s.x), Y(s.y), s.r*k, style)
			}
		case kText:
			fs := ""
			if s.bold {
				fs = "B"
			}
			// s.size is in figure units; fpdf takes points.
			p.SetFont(family, fs, s.size*k*ptPerUnit)
			c := s.fill
			if c == "" {
				c = ink
			}
			p.SetTextColor(rgb(c))
			tx := X(s.x)
			switch s.anchor {
			case "middle":
				tx -= p.GetStringWidth(s.text) / 2
			case "end":
				tx -= p.GetStringWidth(s.text)
			}
			p.Text(tx, Y(s.y), s.text)
		}
	}
	p.SetDashPattern(nil, 0)
	p.SetLineCapStyle("butt")
	return f.Height * k
}

// rgb parses "#rrggbb".
func rgb(c string) (int, int, int) {
	v, err := strconv.ParseUint(strings.TrimPrefix(c, "#"), 16, 32)
	if err != nil || len(c) != 7 {
		return 0, 0, 0
	}
	return int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)
}

// num writes a coordinate with at most one decimal.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// esc escapes text for an SVG text node or attribute value.
func esc(s string) string { return escaper.Replace(s) }

// clean normalises a text the caller gave (NFC, no control characters) for both outputs.
func clean(s string) string {
	return strings.ReplaceAll(pdf.Clean(s), "\n", " ")
}

// textWidth estimates the width of s at the given font size: Noto Sans averages a little over
// half an em per letter of Vietnamese text; capitals and digits are wider, spaces narrower.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r == ' ' || r == '.' || r == ',' || r == ':' || r == 'i' || r == 'l' || r == 'í' || r == 'ì' || r == '|':
			w += 0.28
		case r >= 'A' && r <= 'Z', r == 'Đ', r == 'm', r == 'w', r == 'M', r == 'W', r == '%':
			w += 0.72
		case r >= '0' && r <= '9':
			w += 0.57
		case r > 'z' && r >= 0xC0 && isUpper(r):
			w += 0.72
		default:
			w += 0.56
		}
	}
	return w * size
}

func isUpper(r rune) bool {
	return strings.ToUpper(string(r)) == string(r) && strings.ToLower(string(r)) != string(r)
}
