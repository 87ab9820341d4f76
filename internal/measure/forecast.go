package measure

import "math"

// Point is a measure's value in one year; Value is nil when there was no data.
type Point struct {
	Year  int
	Value *float64
}

// Forecast is where a measure is expected to be at the end of Year, with a band that says
// how sure that is, and which method gave it.
type Forecast struct {
	Year             int
	Value, Low, High float64
	Method           string // MethodTrend or MethodPipeline
}

// The forecast methods, named on the pages and in the reports.
const (
	// MethodTrend fits a straight line through the yearly values (least squares, the last
	// five years with data) and extends it; the band is ± t·s·√(1 + 1/n + (x−x̄)²/Sxx), the
	// 95% prediction interval of the fit. With only two years there is no residual to
	// measure, so the band is ± the yearly change times the years ahead (at least 5 points).
	MethodTrend = "trend"
	// MethodPipeline estimates the current year's end from the cycle under way: those
	// already recognised plus the open assessments times last year's share of assessments
	// that ended recognised; the band is ± 2 binomial standard deviations of that number.
	MethodPipeline = "pipeline"
)

// tValue is Student's t for a two-sided 95% interval with df degrees of freedom.
func tValue(df int) float64 {
	table := []float64{0, 12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23}
	if df < len(table) {
		return table[df]
	}
	return 2.0
}

func clampShare(v float64) float64 { return math.Max(0, math.Min(100, v)) }

// Trend extends the yearly values to year. It needs at least two years with data before
// year; nil otherwise.
func Trend(points []Point, year int) *Forecast {
	var xs, ys []float64
	for _, p := range points {
		if p.Value != nil && p.Year < year {
			xs = append(xs, float64(p.Year))
			ys = append(ys, *p.Value)
		}
	}
	if len(xs) > 5 {
		xs, ys = xs[len(xs)-5:], ys[len(ys)-5:]
	}
	n := float64(len(xs))
	if n < 2 {
		return nil
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx, my = mx/n, my/n
	var sxx, sxy float64
	for i := range xs {
		sxx += (xs[i] - mx) * (xs[i] - mx)
		sxy += (xs[i] - mx) * (ys[i] - my)
	}
	slope := sxy / sxx
	x := float64(year)
	value := my + slope*(x-mx)
	var half float64
	if len(xs) == 2 {
		half = math.Max(5, math.Abs(slope)*(x-xs[len(xs)-1]))
	} else {
		var sse float64
		for i := range xs {
			r := ys[i] - (my + slope*(xs[i]-mx))
			sse += r * r
		}
		s := math.Sqrt(sse / (n - 2))
		half = tValue(len(xs)-2) * s * math.Sqrt(1+1/n+(x-mx)*(x-mx)/sxx)
	}
	return &Forecast{Year: year, Value: clampShare(value), Low: clampShare(value - half), High: clampShare(value + half), Method: MethodTrend}
}

// Pipeline estimates the end of the current year from the cycle under way: recognised
// already, open assessments still in the pipeline, the denominator, and last year's share
// of assessments that ended recognised (0–1). nil when the denominator is zero.
func Pipeline(year int, recognised, open, den int64, passRate float64) *Forecast {
	if den <= 0 {
		return nil
	}
	passRate = math.Max(0, math.Min(1, passRate))
	expected := float64(recognised) + float64(open)*passRate
	sd := math.Sqrt(float64(open) * passRate * (1 - passRate))
	pct := func(v float64) float64 { return clampShare(100 * v / float64(den)) }
	return &Forecast{Year: year, Value: pct(expected), Low: pct(expected - 2*sd), High: pct(expected + 2*sd), Method: MethodPipeline}
}
