package chart

import (
	"html/template"
	"strings"
)

// Stage is one row of the pipeline: a title and how many assessments are at each state.
type Stage struct {
	Label  string  // "Công dân học tập"
	Counts []int64 // one per state of PipelineOptions.States, in that order
}

// PipelineOptions describe the pipeline of an evaluation cycle: for each title, a horizontal
// bar divided into the states its assessments are at, each part as wide as its share.
type PipelineOptions struct {
	Lang   string   // "vi" (the default) or "en"
	Title  string   // "Tiến độ năm 2025"
	States []string // the states' names in the order of the steps: "Đăng ký", "Tự đánh giá", …
	Stages []Stage
}

// Pipeline draws the pipeline as inline SVG.
func Pipeline(o PipelineOptions) template.HTML { return PipelineFigure(o).SVG() }

// The states' fills go from light (early steps) to dark (recognised), so that they differ in
// black and white; the state after the last fill (not recognised) is white with a dashed edge.
var stateFills = []string{"#e6eef7", "#bfd2e6", "#8fb0d2", "#5b87b6", "#1f4e79"}

func stateStyle(i, n int) (fill, stroke, text string, dash []float64) {
	if i == n-1 && n > len(stateFills) { // the last state, when there are more states than fills
		return "#ffffff", muted, ink, []float64{3, 2}
	}
	f := stateFills[min(i, len(stateFills)-1)]
	if i >= 3 {
		return f, "#ffffff", "#ffffff", nil
	}
	return f, "#ffffff", ink, nil
}

const (
	pipeW     = 420.0
	pipeRowH  = 50.0
	pipeBarH  = 22.0
	pipeLeft  = 4.0
	pipeRight = pipeW - 4
)

// PipelineFigure lays out the pipeline.
func PipelineFigure(o PipelineOptions) Figure {
	w := wordsFor(o.Lang)
	states := make([]string, len(o.States))
	for i, s := range o.States {
		states[i] = clean(s)
	}
	fig := Figure{Width: pipeW, Title: clean(o.Title), kind: "pipeline"}
	add := func(s shape) { fig.shapes = append(fig.shapes, s) }
	var summary []string
	y := 4.0
	for _, st := range o.Stages {
		label := clean(st.Label)
		var total int64
		for _, c := range st.Counts {
			total += max(c, 0)
		}
		totalText := w.T("chart.total", w.count(total))
		room := pipeRight - pipeLeft - textWidth(totalText, barsSize) - 8
		lines, _ := wrap(label, room, barsSize, 1)
		add(shape{kind: kText, x: pipeLeft, y: y + 12, text: strings.Join(lines, ""), size: barsSize, bold: true, fill: ink, tip: label, data: "label"})
		add(shape{kind: kText, x: pipeRight, y: y + 12, text: totalText, size: barsSize, anchor: "end", fill: muted, data: "total"})
		by := y + 18
		var parts []string
		if total == 0 {
			add(shape{kind: kRect, x: pipeLeft, y: by, w: pipeRight - pipeLeft, h: pipeBarH, stroke: gridGrey, lineW: 1})
			add(shape{kind: kText, x: pipeLeft + 6, y: by + 15, text: w.T("chart.no_data"), size: labelSize, italic: true, fill: muted, data: "no-data"})
			parts = append(parts, w.T("chart.no_data"))
		}
		x := pipeLeft
		for i, c := range st.Counts {
			if i >= len(states) {
				break
			}
			if total > 0 {
				parts = append(parts, states[i]+": "+w.count(max(c, 0)))
			}
			if c <= 0 || total == 0 {
				continue
			}
			segW := float64(c) / float64(total) * (pipeRight - pipeLeft)
			fill, stroke, textFill, dash := stateStyle(i, len(states))
			share := w.pct(float64(c) * 100 / float64(total))
			add(shape{kind: kRect, x: x, y: by, w: segW, h: pipeBarH, fill: fill, stroke: stroke, lineW: 1, dash: dash, data: "state",
				tip: states[i] + ": " + w.count(c) + " (" + share + ")"})
			if n := w.count(c); textWidth(n, labelSize)+6 <= segW {
				add(shape{kind: kText, x: x + segW/2, y: by + 15, text: n, size: labelSize, anchor: "middle", fill: textFill, data: "count"})
			}
			x += segW
		}
		summary = append(summary, label+": "+strings.Join(parts, ", "))
		y += pipeRowH
	}
	if len(o.Stages) == 0 {
		add(shape{kind: kText, x: pipeLeft, y: y + 14, text: w.T("chart.no_data"), size: labelSize, italic: true, fill: muted, data: "no-data"})
		y += 24
	}

	// The legend: a swatch and the name of each state, wrapped over as many lines as needed.
	lx, ly := pipeLeft, y+8
	for i, s := range states {
		item := 14 + textWidth(s, labelSize) + 14
		if lx > pipeLeft && lx+item > pipeRight {
			lx, ly = pipeLeft, ly+18
		}
		fill, _, _, dash := stateStyle(i, len(states))
		add(shape{kind: kRect, x: lx, y: ly, w: 10, h: 10, fill: fill, stroke: muted, lineW: 0.8, dash: dash})
		add(shape{kind: kText, x: lx + 14, y: ly + 9, text: s, size: labelSize, fill: ink, data: "legend"})
		lx += item
	}
	fig.Height = ly + 18
	s := strings.Join(summary, ". ")
	if fig.Title != "" {
		s = fig.Title + ". " + s
	}
	if len(o.Stages) == 0 {
		s = strings.TrimSpace(fig.Title + " " + w.T("chart.no_data"))
	}
	fig.Summary = s
	return fig
}
