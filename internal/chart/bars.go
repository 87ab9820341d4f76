package chart

import (
	"html/template"
	"strings"
)

// Bar is one row of a ranking: a unit and its percentage, or no data.
type Bar struct {
	Label string   // "Phường Ba Đình"; a long label is wrapped to two lines, then shortened with "…"
	Value *float64 // percent; nil = no data, written as such, never drawn as zero
}

// BarsOptions describe horizontal bars on a 0–100% scale, in the order given.
type BarsOptions struct {
	Lang   string // "vi" (the default) or "en"
	Title  string // what is ranked
	Bars   []Bar
	Target *float64 // percent: a dashed vertical line across the bars, optional
	// Compact gives each bar one line of label and a narrower row, for long printed rankings.
	Compact bool
}

// Bars draws a ranking as inline SVG; its height grows with the number of bars.
func Bars(o BarsOptions) template.HTML { return BarsFigure(o).SVG() }

// Layout of the bars, in viewBox units.
const (
	barsW      = 420.0
	barsLabelW = 156.0      // the labels' column
	barsX0     = 164.0      // where the bars start
	barsX1     = barsW - 50 // where 100% ends; the value is written after the bar
	barsRowH   = 28.0
	barsRowH1  = 20.0 // a compact row
	barsTop    = 20.0 // the target's label
	barsBottom = 22.0 // the percentage axis
	barsSize   = 11.0
	barsLineH  = 13.0
	barsLines  = 2 // lines a label may take
)

// BarsFigure lays out a ranking.
func BarsFigure(o BarsOptions) Figure {
	w := wordsFor(o.Lang)
	n := len(o.Bars)
	rowH, maxLines := barsRowH, barsLines
	if o.Compact {
		rowH, maxLines = barsRowH1, 1
	}
	barH := min(16, rowH-6)
	h := barsTop + float64(max(n, 1))*rowH + barsBottom
	fig := Figure{Width: barsW, Height: h, Title: clean(o.Title), kind: "bars"}
	add := func(s shape) { fig.shapes = append(fig.shapes, s) }
	X := func(v float64) float64 { return barsX0 + clamp(v, 0, 100)/100*(barsX1-barsX0) }
	rowsBottom := barsTop + float64(max(n, 1))*rowH

	// The percentage grid and axis.
	for v := 0.0; v <= 100; v += 25 {
		c := gridGrey
		if v == 0 {
			c = axisGrey
		}
		add(shape{kind: kPath, segs: [][]pt{{{X(v), barsTop}, {X(v), rowsBottom}}}, stroke: c, lineW: 0.8})
		add(shape{kind: kText, x: X(v), y: rowsBottom + 15, text: w.pct(v), size: tickSize, anchor: "middle", fill: muted, data: "x-axis"})
	}

	var summary []string
	for i, b := range o.Bars {
		top := barsTop + float64(i)*rowH
		mid := top + rowH/2
		label := clean(b.Label)
		lines, cut := wrap(label, barsLabelW, barsSize, maxLines)
		value := w.T("chart.no_data")
		if b.Value != nil {
			value = w.pct(*b.Value)
		}
		tip := ""
		if cut {
			tip = label + ": " + value
		}
		first := mid + 4 - float64(len(lines)-1)*barsLineH/2
		for j, l := range lines {
			add(shape{kind: kText, x: barsLabelW, y: first + float64(j)*barsLineH, text: l, size: barsSize, anchor: "end", fill: ink, tip: tip, data: "label"})
		}
		if b.Value == nil {
			add(shape{kind: kText, x: barsX0 + 4, y: mid + 4, text: value, size: labelSize, italic: true, fill: muted, data: "no-data"})
		} else {
			add(shape{kind: kRect, x: barsX0, y: mid - barH/2, w: X(*b.Value) - barsX0, h: barH, fill: barFill, data: "bar",
				tip: label + ": " + value})
			add(shape{kind: kText, x: X(*b.Value) + 4, y: mid + 4, text: value, size: barsSize, fill: ink, data: "value"})
		}
		summary = append(summary, label+": "+value)
	}
	if n == 0 {
		add(shape{kind: kText, x: barsX0 + 4, y: barsTop + rowH/2 + 4, text: w.T("chart.no_data"), size: labelSize, italic: true, fill: muted, data: "no-data"})
	}

	if t := o.Target; t != nil {
		x := X(*t)
		add(shape{kind: kPath, segs: [][]pt{{{x, barsTop - 4}, {x, rowsBottom}}}, stroke: targetRed, lineW: 1.8, dash: []float64{5, 3}, data: "target"})
		text := w.T("chart.target") + " " + w.pct(*t)
		tx := clamp(x, barsX0+textWidth(text, labelSize)/2, barsW-2-textWidth(text, labelSize)/2)
		add(shape{kind: kText, x: tx, y: barsTop - 8, text: text, size: labelSize, anchor: "middle", fill: targetRed, data: "target"})
		summary = append(summary, w.T("chart.target.at", w.pct(*t)))
	}
	s := strings.Join(summary, "; ")
	if fig.Title != "" {
		s = fig.Title + ". " + s
	}
	fig.Summary = s
	return fig
}

// wrap breaks s into at most maxLines lines no wider than width, by words; what does not fit
// is cut and marked with "…". cut reports whether anything was left out.
func wrap(s string, width, size float64, maxLines int) (lines []string, cut bool) {
	cur := ""
	for _, wd := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = wd
		case textWidth(cur+" "+wd, size) <= width:
			cur += " " + wd
		default:
			lines = append(lines, cur)
			cur = wd
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = ellipsis(lines[maxLines-1], width, size)
		cut = true
	}
	for i, l := range lines {
		if textWidth(l, size) > width {
			lines[i] = ellipsis(l, width, size)
			cut = true
		}
	}
	return lines, cut
}

// ellipsis ends s with "…", cutting letters until it fits width.
func ellipsis(s string, width, size float64) string {
	r := []rune(s)
	for len(r) > 0 && textWidth(string(r)+"…", size) > width {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + "…"
}
