package chart

import (
	"html/template"
	"math"
	"slices"
	"strings"
)

// Point is one year's value in percent (0–100); a nil Value means no data for that year, and
// the line breaks there instead of falling to zero. A year missing from the points is no data
// too.
type Point struct {
	Year  int
	Value *float64
}

// Target is a target percentage for a year, drawn as a short dashed horizontal marker at that
// year.
type Target struct {
	Year  int
	Value float64
	Plan  string // "KH 290/KH-UBND"; named in the tooltip and the summary, may be empty
}

// Forecast is a projected value with its uncertainty band, drawn dotted over a light band
// from the last year with data.
type Forecast struct {
	Year             int
	Value, Low, High float64
}

// Marker is a vertical line marking a year, such as the 2025 reform of the administrative
// units.
type Marker struct {
	Year  int
	Label string
}

// TrendOptions describe a trend chart: the values over the years on a 0–100% axis.
type TrendOptions struct {
	Lang     string // "vi" (the default) or "en": numbers and the chart's own words
	Title    string // what is measured, the indicator's name
	Points   []Point
	Targets  []Target
	Forecast *Forecast // optional
	Marker   *Marker   // optional
}

// Trend draws a trend chart as inline SVG.
func Trend(o TrendOptions) template.HTML { return TrendFigure(o).SVG() }

// Layout of the trend chart, in viewBox units. The chart is small enough that its 11-unit
// text stays near 9 CSS pixels on a 360-pixel phone.
const (
	trendW     = 420.0
	trendH     = 250.0
	trendLeft  = 44.0 // room for "100%"
	trendRight = 14.0
	trendPad   = 18.0 // between the frame and the first and last year
	tickSize   = 11.0
	labelSize  = 10.5
)

// TrendFigure lays out a trend chart, for SVG or a PDF page.
func TrendFigure(o TrendOptions) Figure {
	w := wordsFor(o.Lang)
	title := clean(o.Title)
	pts := sortedPoints(o.Points)

	// The years shown: every point, target, forecast and marker.
	var years []int
	for _, p := range pts {
		years = append(years, p.Year)
	}
	for _, t := range o.Targets {
		years = append(years, t.Year)
	}
	if o.Forecast != nil {
		years = append(years, o.Forecast.Year)
	}
	if o.Marker != nil {
		years = append(years, o.Marker.Year)
	}
	lo, hi := 2023, 2025
	if len(years) > 0 {
		lo, hi = slices.Min(years), slices.Max(years)
	}
	if lo == hi {
		lo, hi = lo-1, hi+1
	}

	top := 14.0
	if o.Marker != nil {
		top = 26.0 // the marker's label sits above the frame
	}
	bottom := trendH - 46 // year labels and the legend below
	left, right := trendLeft, trendW-trendRight
	X := func(y int) float64 {
		return left + trendPad + float64(y-lo)/float64(hi-lo)*(right-left-2*trendPad)
	}
	Yv := func(v float64) float64 { return bottom - clamp(v, 0, 100)/100*(bottom-top) }
	yearStep := (right - left - 2*trendPad) / float64(hi-lo)

	fig := Figure{Width: trendW, Height: trendH, Title: title, kind: "trend"}
	add := func(s shape) { fig.shapes = append(fig.shapes, s) }

	// Frame: the percentage grid and the years.
	for v := 0.0; v <= 100; v += 20 {
		c, lw := gridGrey, 0.8
		if v == 0 {
			c, lw = axisGrey, 1
		}
		add(shape{kind: kPath, segs: [][]pt{{{left, Yv(v)}, {right, Yv(v)}}}, stroke: c, lineW: lw})
		add(shape{kind: kText, x: left - 6, y: Yv(v) + 4, text: w.pct(v), size: tickSize, anchor: "end", fill: muted, data: "y-axis"})
	}
	// Every year while the labels fit, else every second or fifth counted back from the last,
	// so that the target year at the end is always labelled.
	step := 1
	switch span := hi - lo; {
	case span > 20:
		step = 5
	case span > 10:
		step = 2
	}
	for y := hi; y >= lo; y -= step {
		add(shape{kind: kPath, segs: [][]pt{{{X(y), bottom}, {X(y), bottom + 4}}}, stroke: axisGrey, lineW: 1})
		add(shape{kind: kText, x: X(y), y: bottom + 17, text: year(y), size: tickSize, anchor: "middle", fill: muted, data: "x-axis"})
	}

	// The marked year: a thin dash-dot line through the frame, its label above.
	if m := o.Marker; m != nil {
		x := X(m.Year)
		add(shape{kind: kPath, segs: [][]pt{{{x, top - 4}, {x, bottom}}}, stroke: muted, lineW: 1, dash: []float64{4, 2, 1, 2}, data: "marker"})
		label := clean(m.Label)
		if label != "" {
			anchor, tx := "start", x+4
			if textWidth(label, labelSize) > right-x-4 && x-left > right-x {
				anchor, tx = "end", x-4
			}
			add(shape{kind: kText, x: tx, y: top - 8, text: label, size: labelSize, anchor: anchor, fill: muted, data: "marker"})
		}
	}

	// The forecast band and its dotted line, under the actual values.
	var last *Point // the last year with a value before the forecast's year
	for i := range pts {
		if pts[i].Value != nil && (o.Forecast == nil || pts[i].Year < o.Forecast.Year) {
			last = &pts[i]
		}
	}
	if fc := o.Forecast; fc != nil {
		low, high := math.Min(fc.Low, fc.High), math.Max(fc.Low, fc.High)
		fx := X(fc.Year)
		if last != nil {
			sx, sy := X(last.Year), Yv(*last.Value)
			add(shape{kind: kPolygon, segs: [][]pt{{{sx, sy}, {fx, Yv(high)}, {fx, Yv(low)}}}, fill: bandFill, data: "band"})
			add(shape{kind: kPath, segs: [][]pt{{{sx, sy}, {fx, Yv(fc.Value)}}}, stroke: valueInk, lineW: 2, dash: []float64{0.1, 4.5}, round: true, data: "forecast"})
		} else {
			add(shape{kind: kRect, x: fx - 5, y: Yv(high), w: 10, h: Yv(low) - Yv(high), fill: bandFill, data: "band"})
		}
		add(shape{kind: kPath, segs: [][]pt{{{fx, Yv(high)}, {fx, Yv(low)}}}, stroke: valueInk, lineW: 1, dash: []float64{0.1, 3}, round: true, data: "band"})
		add(shape{kind: kCircle, x: fx, y: Yv(fc.Value), r: 3.4, fill: "#ffffff", stroke: valueInk, lineW: 1.5, data: "forecast",
			tip: w.T("chart.forecast.summary", year(fc.Year), w.pct(fc.Value), w.pct(low), w.pct(high))})
		anchor, tx := "start", fx+targetHalf(yearStep)+3
		if tx+textWidth(w.pct(fc.Value), labelSize) > trendW-2 {
			anchor, tx = "end", fx-targetHalf(yearStep)-3
		}
		add(shape{kind: kText, x: tx, y: Yv(fc.Value) + 4, text: w.pct(fc.Value), size: labelSize, anchor: anchor, italic: true, fill: valueInk, data: "forecast"})
	}

	// Targets: a dashed marker at each target's year and height.
	for _, t := range o.Targets {
		x, y, half := X(t.Year), Yv(t.Value), targetHalf(yearStep)
		add(shape{kind: kPath, segs: [][]pt{{{x - half, y}, {x + half, y}}}, stroke: targetRed, lineW: 2.2, dash: []float64{5, 3}, data: "target",
			tip: targetText(w, t)})
		add(shape{kind: kText, x: x, y: y - 5, text: w.pct(t.Value), size: labelSize, anchor: "middle", fill: targetRed, data: "target"})
	}

	// The actual values: one path, broken where a year has no data.
	var segs [][]pt
	var run []pt
	prev := math.MinInt
	for _, p := range pts {
		if p.Value == nil || p.Year != prev+1 {
			if len(run) > 1 {
				segs = append(segs, run)
			}
			run = nil
		}
		if p.Value != nil {
			run = append(run, pt{X(p.Year), Yv(*p.Value)})
		}
		prev = p.Year
	}
	if len(run) > 1 {
		segs = append(segs, run)
	}
	if len(segs) > 0 {
		add(shape{kind: kPath, segs: segs, stroke: valueInk, lineW: 2.5, data: "actual"})
	}
	var lastActual *Point
	for i, p := range pts {
		if p.Value == nil {
			continue
		}
		lastActual = &pts[i]
		add(shape{kind: kCircle, x: X(p.Year), y: Yv(*p.Value), r: 3.2, fill: valueInk, data: "actual",
			tip: year(p.Year) + ": " + w.pct(*p.Value)})
	}
	if p := lastActual; p != nil {
		// Above the point, unless a target's label of the same year is there or the point is
		// at the top of the frame, under the marker's label.
		ly := Yv(*p.Value) - 8
		if ly < top+6 {
			ly = Yv(*p.Value) + 18
		}
		for _, t := range o.Targets {
			if d := Yv(*p.Value) - Yv(t.Value); t.Year == p.Year && d >= -2 && d < 28 {
				ly = Yv(*p.Value) + 18
			}
		}
		add(shape{kind: kText, x: X(p.Year), y: ly, text: w.pct(*p.Value), size: labelSize, anchor: "middle", bold: true, fill: valueInk, data: "actual"})
	}

	// The legend, so that the chart reads in black and white.
	lx, ly := left, trendH-8
	legend := func(sample func(x float64), text string) {
		sample(lx)
		add(shape{kind: kText, x: lx + 24, y: ly, text: text, size: labelSize, fill: ink})
		lx += 24 + textWidth(text, labelSize) + 16
	}
	legend(func(x float64) {
		add(shape{kind: kPath, segs: [][]pt{{{x, ly - 4}, {x + 18, ly - 4}}}, stroke: valueInk, lineW: 2.5})
		add(shape{kind: kCircle, x: x + 9, y: ly - 4, r: 3, fill: valueInk})
	}, w.T("chart.actual"))
	if len(o.Targets) > 0 {
		legend(func(x float64) {
			add(shape{kind: kPath, segs: [][]pt{{{x, ly - 4}, {x + 18, ly - 4}}}, stroke: targetRed, lineW: 2.2, dash: []float64{5, 3}})
		}, w.T("chart.target"))
	}
	if o.Forecast != nil {
		legend(func(x float64) {
			add(shape{kind: kRect, x: x, y: ly - 10, w: 18, h: 12, fill: bandFill})
			add(shape{kind: kPath, segs: [][]pt{{{x + 1, ly - 4}, {x + 17, ly - 4}}}, stroke: valueInk, lineW: 2, dash: []float64{0.1, 4.5}, round: true})
		}, w.T("chart.forecast"))
	}

	fig.Summary = trendSummary(w, title, pts, o)
	return fig
}

// targetHalf is half the width of a target marker: a third of a year, within limits.
func targetHalf(yearStep float64) float64 { return clamp(yearStep*0.35, 9, 18) }

func targetText(w words, t Target) string {
	s := year(t.Year) + ": " + w.pct(t.Value)
	if p := clean(t.Plan); p != "" {
		s += " (" + p + ")"
	}
	return s
}

// trendSummary says the chart in words: "Tỷ lệ …. Thực hiện: 2023: 25%, 2024: không có số
// liệu. Chỉ tiêu: 2025: 40% (KH 290/KH-UBND). Dự báo năm 2025: 38% (khoảng 33% – 43%)."
func trendSummary(w words, title string, pts []Point, o TrendOptions) string {
	var parts []string
	if title != "" {
		parts = append(parts, title)
	}
	var vals []string
	for _, p := range pts {
		if p.Value == nil {
			vals = append(vals, year(p.Year)+": "+w.T("chart.no_data"))
		} else {
			vals = append(vals, year(p.Year)+": "+w.pct(*p.Value))
		}
	}
	if len(vals) == 0 {
		vals = []string{w.T("chart.no_data")}
	}
	parts = append(parts, w.T("chart.actual")+": "+strings.Join(vals, ", "))
	if len(o.Targets) > 0 {
		var ts []string
		for _, t := range o.Targets {
			ts = append(ts, targetText(w, t))
		}
		parts = append(parts, w.T("chart.target")+": "+strings.Join(ts, ", "))
	}
	if fc := o.Forecast; fc != nil {
		parts = append(parts, w.T("chart.forecast.summary", year(fc.Year), w.pct(fc.Value),
			w.pct(math.Min(fc.Low, fc.High)), w.pct(math.Max(fc.Low, fc.High))))
	}
	if m := o.Marker; m != nil && clean(m.Label) != "" {
		parts = append(parts, clean(m.Label)+": "+year(m.Year))
	}
	return strings.Join(parts, ". ") + "."
}

// sortedPoints returns the points by year, the last of any duplicate year kept.
func sortedPoints(in []Point) []Point {
	pts := slices.Clone(in)
	slices.SortStableFunc(pts, func(a, b Point) int { return a.Year - b.Year })
	out := pts[:0]
	for _, p := range pts {
		if n := len(out); n > 0 && out[n-1].Year == p.Year {
			out[n-1] = p
			continue
		}
		out = append(out, p)
	}
	return out
}

func clamp(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return lo
	}
	return math.Max(lo, math.Min(hi, v))
}
