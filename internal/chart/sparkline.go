package chart

import (
	"html/template"
	"math"
	"strings"
)

// SparklineOptions describe a small trend for a table cell: the values on a 0–100% scale,
// the last one marked, and the target as a dashed line.
type SparklineOptions struct {
	Lang   string // "vi" (the default) or "en"
	Title  string // what is measured, for the accessible name
	Points []Point
	Target *float64 // percent, optional
}

// Sparkline draws a sparkline as inline SVG, 100 × 28 pixels.
func Sparkline(o SparklineOptions) template.HTML { return SparklineFigure(o).SVG() }

const (
	sparkW = 100.0
	sparkH = 28.0
)

// SparklineFigure lays out a sparkline.
func SparklineFigure(o SparklineOptions) Figure {
	w := wordsFor(o.Lang)
	pts := sortedPoints(o.Points)
	fig := Figure{Width: sparkW, Height: sparkH, Title: clean(o.Title), kind: "sparkline", pixels: true}
	add := func(s shape) { fig.shapes = append(fig.shapes, s) }
	top, bottom, left, right := 3.0, sparkH-3, 3.0, sparkW-5
	lo, hi := 0, 1
	if len(pts) > 0 {
		lo, hi = pts[0].Year, pts[len(pts)-1].Year
	}
	if lo == hi {
		lo--
	}
	X := func(y int) float64 { return left + float64(y-lo)/float64(hi-lo)*(right-left) }
	Yv := func(v float64) float64 { return bottom - clamp(v, 0, 100)/100*(bottom-top) }

	add(shape{kind: kPath, segs: [][]pt{{{left, bottom}, {right, bottom}}}, stroke: gridGrey, lineW: 0.8})
	if o.Target != nil {
		add(shape{kind: kPath, segs: [][]pt{{{left, Yv(*o.Target)}, {right, Yv(*o.Target)}}}, stroke: targetRed, lineW: 1, dash: []float64{3, 2}, data: "target"})
	}
	var segs [][]pt
	var run []pt
	prev := math.MinInt
	var last *Point
	for i, p := range pts {
		if p.Value == nil || p.Year != prev+1 {
			if len(run) > 1 {
				segs = append(segs, run)
			}
			run = nil
		}
		if p.Value != nil {
			run = append(run, pt{X(p.Year), Yv(*p.Value)})
			last = &pts[i]
		}
		prev = p.Year
	}
	if len(run) > 1 {
		segs = append(segs, run)
	}
	if len(segs) > 0 {
		add(shape{kind: kPath, segs: segs, stroke: valueInk, lineW: 1.6, data: "actual"})
	}
	if last != nil {
		add(shape{kind: kCircle, x: X(last.Year), y: Yv(*last.Value), r: 2.3, fill: valueInk, data: "actual"})
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
	s := strings.Join(vals, ", ")
	if fig.Title != "" {
		s = fig.Title + ": " + s
	}
	if o.Target != nil {
		s += "; " + w.T("chart.target.at", w.pct(*o.Target))
	}
	fig.Summary = s
	return fig
}
