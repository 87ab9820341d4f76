package geomap

import (
	"bufio"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Options say how a layer is drawn.
type Options struct {
	// Lang is "vi" (the default) or "en": how numbers read in the legend and tooltips.
	Lang string
	// T translates the map's own texts (catalog keys geomap.legend.*) into Lang; with nil the
	// keys are shown.
	T func(key string, args ...any) string
	// Title is written above the map and names it for screen readers.
	Title string
	// Width of the drawing in pixels; the height follows from the map. Default 800.
	Width int
	// Scale cuts values into classes; the zero Scale is [PercentScale].
	Scale Scale
	// Link, if set, gives the address a click on a unit opens (to drill down); "" for none.
	// Only addresses on this site ("/…") or http(s) are written.
	Link func(code string) string
	// Highlight are the codes of units drawn with a heavy outline (the furthest behind).
	Highlight []string
	// ID prefixes the identifiers inside the drawing; give each map of a page its own.
	// Default "geomap".
	ID string
	// Plain draws every unit in one light colour with no legend: a map of where the units
	// are, not of a measure. Shades then only add their Text to the tooltips.
	Plain bool
}

const (
	defaultWidth = 800
	pad          = 8.0
	fontFamily   = "'Noto Sans', 'DejaVu Sans', Arial, sans-serif"
	charWidth    = 0.57 // average advance of a character, in ems, for fitting labels
	lineHeight   = 1.15
	minLabelFont = 8.0 // pixels at the drawing's own size; below this a label becomes initials
	outlineFill  = "#f0f0f0"
	plainFill    = "#dbe6f1"
	outlineLine  = "#8c8c8c"
	shapeLine    = "#404040"
)

// SVG writes the layer as a choropleth of shades (unit code → value or no data) in one
// self-contained <svg> element: title, shapes with a tooltip "name: value" each (and a link
// if opt.Link gives one), labels, the highlighted units' outlines, and a legend with the
// class bounds, "no data" and the highlight. Every text is escaped; nothing is scripted.
func (l *Layer) SVG(w io.Writer, shades map[string]Shade, opt Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	d := newDrawing(l, opt)
	d.write(bw, shades)
	return bw.Flush()
}

type drawing struct {
	l        *Layer
	opt      Options
	id       string
	width    float64
	top      float64 // y of the map's top edge
	k        float64 // pixels per km
	pl       plane
	hKm      float64 // the box's height in km
	mapH     float64
	titleFS  float64
	legendFS float64
	labelFS  float64
	height   float64
	legend   []legendItem
	cols     int
	note     []string // lines under the legend: what a tile is
	hi       map[string]bool
}

type legendItem struct {
	kind  string // "class", "nodata", "highlight"
	class int
	text  string
}

func newDrawing(l *Layer, opt Options) *drawing {
	if opt.Width <= 0 {
		opt.Width = defaultWidth
	}
	if opt.Scale == (Scale{}) {
		opt.Scale = PercentScale()
	}
	if opt.Lang == "" {
		opt.Lang = "vi"
	}
	d := &drawing{l: l, opt: opt, id: safeID(opt.ID), width: float64(opt.Width), hi: map[string]bool{}}
	for _, c := range opt.Highlight {
		d.hi[c] = true
	}
	d.pl = newPlane(l.box, l.refLat)
	wKm, hKm := d.pl.xy(Point{Lon: l.box.MaxLon, Lat: l.box.MaxLat})
	d.hKm = hKm
	d.titleFS = clamp(d.width/40, 14, 22)
	d.legendFS = clamp(d.width/60, 12, 15)
	d.labelFS = clamp(d.width/70, 9, 13)
	d.top = pad
	if opt.Title != "" {
		d.top += d.titleFS * 1.6
	}
	inner := d.width - 2*pad
	d.k = inner / math.Max(wKm, 1e-9)
	d.mapH = hKm * d.k

	sc := opt.Scale
	if !opt.Plain {
		for i := 0; i < Classes; i++ {
			d.legend = append(d.legend, legendItem{kind: "class", class: i,
				text: sc.Format(opt.Lang, sc.Bounds[i]) + " – " + sc.Format(opt.Lang, sc.Bounds[i+1])})
		}
		d.legend = append(d.legend, legendItem{kind: "nodata", text: d.t("geomap.legend.no_data")})
	}
	if len(opt.Highlight) > 0 {
		d.legend = append(d.legend, legendItem{kind: "highlight", text: d.t("geomap.legend.highlight")})
	}
	longest := 0.0
	for _, it := range d.legend {
		longest = math.Max(longest, textWidth(it.text, d.legendFS))
	}
	colW := longest + d.legendFS*2.6
	d.cols = max(1, min(len(d.legend), int(inner/colW)))
	rows := (len(d.legend) + d.cols - 1) / d.cols
	d.height = d.top + d.mapH + pad + float64(rows)*d.legendFS*1.9 + pad
	if l.kind == KindTiles {
		d.note = packLines(strings.Fields(d.t("geomap.legend.tiles")), inner, d.legendFS*0.9)
		d.height += float64(len(d.note)) * d.legendFS * 0.9 * 1.4
	}
	return d
}

func (d *drawing) t(key string) string {
	if d.opt.T == nil {
		return key
	}
	return d.opt.T(key)
}

// xy projects a point into pixels, from the map's top edge (the map group is moved down
// below the title).
func (d *drawing) xy(p Point) (float64, float64) {
	x, y := d.pl.xy(p)
	return pad + x*d.k, (d.hKm - y) * d.k
}

func (d *drawing) write(w *bufio.Writer, shades map[string]Shade) {
	W, H := f1(d.width), f1(math.Ceil(d.height))
	w.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="geomap" viewBox="0 0 ` + W + " " + H + `" width="` + W + `" height="` + H +
		`" font-family="` + fontFamily + `" aria-labelledby="` + d.id + `-title">`)
	title := d.opt.Title
	if title == "" {
		title = d.t("geomap.legend.map")
	}
	w.WriteString(`<title id="` + d.id + `-title">` + esc(title) + `</title>`)
	// The hatching of "no data": grey diagonal lines on white, which stay visible in black
	// and white and cannot be mistaken for the lightest class.
	w.WriteString(`<defs><pattern id="` + d.id + `-nodata" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)">` +
		`<rect width="7" height="7" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="7" stroke="#6b6b6b" stroke-width="3"/></pattern></defs>`)
	w.WriteString(`<rect width="` + W + `" height="` + H + `" fill="#ffffff"/>`)
	if d.opt.Title != "" {
		w.WriteString(`<text x="` + f1(pad) + `" y="` + f1(pad+d.titleFS) + `" font-size="` + f1(d.titleFS) + `" font-weight="700" fill="#111111">` + esc(d.opt.Title) + `</text>`)
	}
	g := d.l.geometry(d)
	w.WriteString(`<g transform="translate(0,` + f1(d.top) + `)">`)
	w.Write(g.outline)
	w.WriteString(`<g stroke="` + shapeLine + `" stroke-width="0.75" stroke-linejoin="round">`)
	for i, s := range d.l.shapes {
		d.shape(w, s, shades[s.Code], g.paths[i], g.labels[i])
	}
	w.WriteString(`</g>`)
	if len(d.hi) > 0 {
		// Drawn last, so neighbours do not cover it: a black line with a white core reads on
		// every fill and in black and white.
		for _, pass := range []string{`stroke="#000000" stroke-width="4.5"`, `stroke="#ffffff" stroke-width="1.5"`} {
			w.WriteString(`<g fill="none" ` + pass + ` stroke-linejoin="round" pointer-events="none" aria-hidden="true">`)
			for i, s := range d.l.shapes {
				if d.hi[s.Code] {
					w.WriteString(`<path d="`)
					w.Write(g.paths[i])
					w.WriteString(`"/>`)
				}
			}
			w.WriteString(`</g>`)
		}
	}
	w.WriteString(`</g>`)
	d.writeLegend(w)
	w.WriteString(`</svg>`)
}

// fill returns a shade's fill and whether labels on it need white text.
func (d *drawing) fill(sh Shade) (fill string, dark bool, class int) {
	if d.opt.Plain {
		return plainFill, false, -2
	}
	if !sh.Known || math.IsNaN(sh.Value) {
		return "url(#" + d.id + "-nodata)", false, -1
	}
	c := d.opt.Scale.Class(sh.Value)
	return Palette[c], c >= darkClasses, c
}

func (d *drawing) shape(w *bufio.Writer, s Shape, sh Shade, path []byte, lb labelGeom) {
	fill, dark, class := d.fill(sh)
	value := sh.Text
	if value == "" && !d.opt.Plain {
		if class < 0 {
			value = d.t("geomap.legend.no_data")
		} else {
			value = d.opt.Scale.Format(d.opt.Lang, sh.Value)
		}
	}
	href := ""
	if d.opt.Link != nil {
		href = safeHref(d.opt.Link(s.Code))
	}
	cls := "nodata"
	switch {
	case class >= 0:
		cls = "c" + strconv.Itoa(class)
	case d.opt.Plain:
		cls = "plain"
	}
	open, closing := `<g data-code="`+esc(s.Code)+`" data-class="`+cls+`">`, `</g>`
	if href != "" {
		open, closing = `<a href="`+esc(href)+`" data-code="`+esc(s.Code)+`" data-class="`+cls+`">`, `</a>`
	}
	w.WriteString(open)
	tip := s.Name
	if value != "" {
		tip += ": " + value
	}
	w.WriteString(`<title>` + esc(tip) + `</title>`)
	w.WriteString(`<path fill="` + fill + `" fill-rule="evenodd" d="`)
	w.Write(path)
	w.WriteString(`"/>`)
	writeLabel(w, lb, dark)
	w.WriteString(closing)
}

// path appends the polygons of s as path data, dropping points closer than half a pixel to
// the last one kept.
func (d *drawing) path(buf []byte, s Shape) []byte {
	for _, pg := range s.Polygons {
		for _, r := range pg {
			n := 0
			var lx, ly float64
			for i, p := range r {
				x, y := d.xy(p)
				if i > 0 && i < len(r)-1 && math.Abs(x-lx) < 0.5 && math.Abs(y-ly) < 0.5 {
					continue
				}
				if n == 0 {
					buf = append(buf, 'M')
				} else {
					buf = append(buf, 'L')
				}
				buf = appendTenths(buf, x)
				buf = append(buf, ',')
				buf = appendTenths(buf, y)
				lx, ly = x, y
				n++
			}
			if n > 0 {
				buf = append(buf, 'Z')
			}
		}
	}
	return buf
}

// appendTenths appends v rounded to one decimal ("12.3", "12", "-0.5"), faster than
// strconv's shortest formatting, which dominated the drawing's time.
func appendTenths(buf []byte, v float64) []byte {
	n := int64(math.Round(v * 10))
	if n < 0 {
		buf = append(buf, '-')
		n = -n
	}
	buf = strconv.AppendInt(buf, n/10, 10)
	if r := n % 10; r != 0 {
		buf = append(buf, '.', byte('0'+r))
	}
	return buf
}

// labelGeom is where and how a shape's short name is written.
type labelGeom struct {
	ok     bool
	cx, cy float64
	fs     float64
	lines  []string
}

// placeLabel places a shape's short name: on a tile, on up to three lines sized to fit
// (initials when even the smallest size does not fit); on a polygon, on one line at its
// centroid when it fits inside.
func (d *drawing) placeLabel(s Shape) labelGeom {
	text := shortLabel(s.Label)
	if text == "" || len(s.Polygons) == 0 || len(s.Polygons[0]) == 0 || len(s.Polygons[0][0]) < 3 {
		return labelGeom{}
	}
	if d.l.kind == KindTiles {
		x0, y0 := d.xy(s.Polygons[0][0][0])
		x1, y1 := d.xy(s.Polygons[0][0][2])
		side := math.Min(math.Abs(x1-x0), math.Abs(y1-y0))
		lines, fs := fitTile(text, side*0.9)
		return labelGeom{ok: lines != nil, cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, fs: fs, lines: lines}
	}
	pg, ok := largest(d.pl, s)
	if !ok {
		return labelGeom{}
	}
	x, y, _ := d.pl.centroid(Shape{Polygons: []Polygon{pg}})
	c := d.pl.point(x, y)
	if !inside(pg, c) {
		return labelGeom{}
	}
	// The largest size whose box, centred on the centroid, lies inside the polygon: small
	// districts in the centre get no name rather than one that runs over their neighbours.
	bw, bh := d.bboxPx(pg)
	cx, cy := d.xy(c)
	for most := d.labelFS; most >= minLabelFont; most -= 0.5 {
		lines, fs := fitBox(text, bw*0.9, bh*0.9, most)
		if lines == nil {
			break
		}
		w := 0.0
		for _, ln := range lines {
			w = math.Max(w, textWidth(ln, fs))
		}
		h := float64(len(lines)) * fs * lineHeight
		if d.boxInside(pg, cx-w/2, cy-h/2, cx+w/2, cy+h/2) {
			return labelGeom{ok: true, cx: cx, cy: cy, fs: fs, lines: lines}
		}
	}
	return labelGeom{}
}

// boxInside tells whether the corners and edge midpoints of a pixel box lie in pg.
func (d *drawing) boxInside(pg Polygon, x0, y0, x1, y1 float64) bool {
	for _, p := range [][2]float64{{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}, {(x0 + x1) / 2, y0}, {(x0 + x1) / 2, y1}, {x0, (y0 + y1) / 2}, {x1, (y0 + y1) / 2}} {
		if !inside(pg, d.pl.point((p[0]-pad)/d.k, d.hKm-p[1]/d.k)) {
			return false
		}
	}
	return true
}

// writeLabel writes a placed label, black on light fills and white on dark ones, with a
// halo of the other colour so it reads over borders and hatching.
func writeLabel(w *bufio.Writer, lb labelGeom, dark bool) {
	if !lb.ok {
		return
	}
	ink, halo := "#111111", "#ffffff"
	if dark {
		ink, halo = "#ffffff", "#111111"
	}
	fs := lb.fs
	y := lb.cy - float64(len(lb.lines)-1)*fs*lineHeight/2 + fs*0.35
	w.WriteString(`<text x="` + f1(lb.cx) + `" y="` + f1(y) + `" font-size="` + f1(fs) + `" text-anchor="middle" fill="` + ink +
		`" stroke="` + halo + `" stroke-width="` + f1(math.Max(1.5, fs/5)) + `" paint-order="stroke" stroke-linejoin="round" pointer-events="none">`)
	for i, ln := range lb.lines {
		if i == 0 {
			w.WriteString(`<tspan x="` + f1(lb.cx) + `">` + esc(ln) + `</tspan>`)
			continue
		}
		w.WriteString(`<tspan x="` + f1(lb.cx) + `" dy="` + f1(fs*lineHeight) + `">` + esc(ln) + `</tspan>`)
	}
	w.WriteString(`</text>`)
}

// geometry is the part of a drawing that depends only on the layer and the width: path data
// and label places. Layers keep it per width, so a page drawn again costs only the colours.
type geometry struct {
	outline []byte   // the outlines' <g> with its paths, ready to write
	paths   [][]byte // path data of each shape
	labels  []labelGeom
}

// maxCachedWidths bounds the geometries a layer keeps: pages draw maps at a few widths.
const maxCachedWidths = 8

// geometry returns the layer's geometry at the drawing's width, computed once.
func (l *Layer) geometry(d *drawing) *geometry {
	key := math.Round(d.width * 10)
	l.mu.Lock()
	g, ok := l.cache[key]
	l.mu.Unlock()
	if ok {
		return g
	}
	g = &geometry{paths: make([][]byte, len(l.shapes)), labels: make([]labelGeom, len(l.shapes))}
	if len(l.outline) > 0 {
		buf := []byte(`<g fill="` + outlineFill + `" stroke="` + outlineLine + `" stroke-width="0.8" stroke-linejoin="round" aria-hidden="true">`)
		for _, s := range l.outline {
			buf = append(buf, `<path d="`...)
			buf = d.path(buf, s)
			buf = append(buf, `"/>`...)
		}
		g.outline = append(buf, `</g>`...)
	}
	for i, s := range l.shapes {
		g.paths[i] = d.path(nil, s)
		g.labels[i] = d.placeLabel(s)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cache == nil || len(l.cache) >= maxCachedWidths {
		l.cache = map[float64]*geometry{}
	}
	l.cache[key] = g
	return g
}

// fitTile breaks a name into at most three lines that fit a square of side px, with the
// largest font up to 13 px; if nothing fits at [minLabelFont], the initials ("Hai Bà Trưng"
// is "HBT"). It returns nil when not even the initials fit.
func fitTile(text string, side float64) ([]string, float64) {
	if lines, fs := fitBox(text, side, side, math.Min(13, side*0.3)); lines != nil {
		return lines, fs
	}
	words := strings.Fields(text)
	var ini strings.Builder
	for _, wd := range words {
		r, _ := utf8.DecodeRuneInString(wd)
		ini.WriteRune(unicode.ToUpper(r))
	}
	fs := math.Min(13, side*0.9/(charWidth*float64(utf8.RuneCountInString(ini.String()))))
	if fs < minLabelFont*0.75 {
		return nil, 0
	}
	return []string{ini.String()}, fs
}

// fitBox breaks a name into at most three lines that fit a box, with the largest font from
// most down to [minLabelFont]; nil if it does not fit.
func fitBox(text string, w, h, most float64) ([]string, float64) {
	words := strings.Fields(text)
	for fs := most; fs >= minLabelFont; fs -= 0.5 {
		lines := packLines(words, w, fs)
		if lines != nil && len(lines) <= 3 && float64(len(lines))*fs*lineHeight <= h {
			return lines, fs
		}
	}
	return nil, 0
}

// packLines puts words on lines no wider than width; nil if a single word is wider.
func packLines(words []string, width, fs float64) []string {
	var lines []string
	cur := ""
	for _, wd := range words {
		if textWidth(wd, fs) > width {
			return nil
		}
		if cur != "" && textWidth(cur+" "+wd, fs) <= width {
			cur += " " + wd
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		cur = wd
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// shortLabel keeps the first part of a name written "A - B" ("Văn Miếu - Quốc Tử Giám" is
// "Văn Miếu"); the tooltip has the whole name.
func shortLabel(s string) string {
	if a, _, ok := strings.Cut(s, " - "); ok {
		s = a
	}
	return strings.TrimSpace(s)
}

// largest returns the polygon of s with the largest area.
func largest(pl plane, s Shape) (Polygon, bool) {
	best, bestA := -1, 0.0
	for i, pg := range s.Polygons {
		if len(pg) == 0 {
			continue
		}
		a, _, _ := pl.ringArea(pg[0])
		if a = math.Abs(a); a > bestA {
			best, bestA = i, a
		}
	}
	if best < 0 {
		return nil, false
	}
	return s.Polygons[best], true
}

func (d *drawing) bboxPx(pg Polygon) (w, h float64) {
	b := emptyBox()
	for _, p := range pg[0] {
		b.add(p)
	}
	x0, y0 := d.xy(Point{b.MinLon, b.MaxLat})
	x1, y1 := d.xy(Point{b.MaxLon, b.MinLat})
	return x1 - x0, y1 - y0
}

func (d *drawing) writeLegend(w *bufio.Writer) {
	fs := d.legendFS
	rowH := fs * 1.9
	inner := d.width - 2*pad
	colW := inner / float64(d.cols)
	y0 := d.top + d.mapH + pad
	w.WriteString(`<g font-size="` + f1(fs) + `" fill="#111111">`)
	for i, it := range d.legend {
		x := pad + float64(i%d.cols)*colW
		y := y0 + float64(i/d.cols)*rowH
		sw := fs * 1.4
		switch it.kind {
		case "class":
			w.WriteString(`<rect x="` + f1(x) + `" y="` + f1(y) + `" width="` + f1(sw) + `" height="` + f1(sw) + `" fill="` + Palette[it.class] + `" stroke="` + shapeLine + `"/>`)
		case "nodata":
			w.WriteString(`<rect x="` + f1(x) + `" y="` + f1(y) + `" width="` + f1(sw) + `" height="` + f1(sw) + `" fill="url(#` + d.id + `-nodata)" stroke="` + shapeLine + `"/>`)
		case "highlight":
			w.WriteString(`<rect x="` + f1(x+1.5) + `" y="` + f1(y+1.5) + `" width="` + f1(sw-3) + `" height="` + f1(sw-3) + `" fill="#ffffff" stroke="#000000" stroke-width="4.5"/>`)
			w.WriteString(`<rect x="` + f1(x+1.5) + `" y="` + f1(y+1.5) + `" width="` + f1(sw-3) + `" height="` + f1(sw-3) + `" fill="none" stroke="#ffffff" stroke-width="1.5"/>`)
		}
		w.WriteString(`<text x="` + f1(x+sw+fs*0.5) + `" y="` + f1(y+sw*0.78) + `">` + esc(it.text) + `</text>`)
	}
	y := y0 + float64((len(d.legend)+d.cols-1)/d.cols)*rowH
	for i, ln := range d.note {
		w.WriteString(`<text x="` + f1(pad) + `" y="` + f1(y+fs*0.9*(1+1.4*float64(i))) + `" font-size="` + f1(fs*0.9) + `" fill="#333333">` + esc(ln) + `</text>`)
	}
	w.WriteString(`</g>`)
}

// Legend returns the legend's entries as text, in the drawing's order, for a table beside
// the map or a screen reader: each class with its bounds, then "no data".
func Legend(opt Options) []string {
	d := newDrawing(&Layer{box: Box{0, 0, 1, 1}, refLat: 0}, opt)
	out := make([]string, len(d.legend))
	for i, it := range d.legend {
		out[i] = it.text
	}
	return out
}

func textWidth(s string, fs float64) float64 {
	return float64(utf8.RuneCountInString(s)) * charWidth * fs
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func f1(v float64) string { return string(appendTenths(make([]byte, 0, 12), v)) }

// esc escapes text for an XML text node or a double-quoted attribute.
func esc(s string) string { return html.EscapeString(strings.ToValidUTF8(s, "\uFFFD")) }

// safeID keeps letters, digits, "-" and "_" of an identifier prefix.
func safeID(s string) string {
	out := strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_') {
			return r
		}
		return -1
	}, s)
	if out == "" || !unicode.IsLetter(rune(out[0])) {
		out = "geomap" + out
	}
	return out
}

// safeHref keeps a link only if it stays on this site or is plain http(s): no javascript:,
// data: or protocol-relative addresses.
func safeHref(h string) string {
	h = strings.TrimSpace(h)
	switch {
	case strings.HasPrefix(h, "//") || strings.HasPrefix(h, "/\\"):
		return ""
	case strings.HasPrefix(h, "/"), strings.HasPrefix(h, "?"), strings.HasPrefix(h, "#"):
	case strings.HasPrefix(strings.ToLower(h), "https://"), strings.HasPrefix(strings.ToLower(h), "http://"):
	default:
		return ""
	}
	if strings.ContainsAny(h, "\x00\r\n\t") {
		return ""
	}
	return h
}
