// Package report writes the annual report of a commune to the city and of the city upward,
// in a fixed layout: an .xlsx workbook (docs/annual-report.md lists every sheet and column)
// and an A4 PDF with the charts of internal/chart. It is pure: the caller fills Annual.
package report

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"hoctap/internal/i18n"
)

// Annual is one unit's annual report for one year.
type Annual struct {
	Lang          string // "vi" or "en"
	Year          int
	Level         string // "city" or "commune"
	UnitCode      string
	UnitName      string // "Thành phố Hà Nội", "Phường Ba Đình"
	ParentName    string // for a commune: the city; for the city: the body it reports to
	GeneratedAt   time.Time
	Measures      []MeasureRow
	Units         []UnitRow      // the units below (communes of the city, villages of a commune), ranked
	Pipeline      []PipelineRow  // the current cycle per title
	Blocks        []Block        // GNLC-style building blocks the system measures
	Untrained     []Official     // Hội Khuyến học officials not yet trained in the criteria
	Contributions []Contribution // community contributions by purpose (may be empty)
	Method        []string       // paragraphs: how each figure is computed, the reform method, the forecast method

	// RankBy is the code of the measure the ranking chart of the PDF shows; "" means the
	// first measure. The workbook's Đơn vị sheet has every measure.
	RankBy string
	// ReformYear, when not 0, is marked on the trend charts by a vertical line (2025: the
	// reorganisation of the administrative units on 1 July).
	ReformYear int
}

// MeasureRow is one measure of the report: a numerator over a denominator, against targets.
type MeasureRow struct {
	Code, Name             string
	Numerator, Denominator int64
	Value                  *float64 // percent 0–100; nil = no data (denominator zero)
	Targets                []Target
	Trend                  []Point
	Forecast               *Forecast
}

// Target is a plan's target percentage for a year.
type Target struct {
	Plan  string // "KH 290/KH-UBND"
	Year  int
	Value float64 // percent
}

// Point is a measure's value in one year; nil = no data.
type Point struct {
	Year  int
	Value *float64
}

// Forecast is where a measure is expected to be in a year, with its uncertainty.
type Forecast struct {
	Year             int
	Value, Low, High float64
	Method           string
}

// UnitRow is one unit below the reporting one, with its values and rank.
type UnitRow struct {
	Code, Name string
	Values     map[string]*float64 // measure code → percent (nil = no data)
	Rank       int
}

// PipelineRow is how many assessments of one title are at each state of the current cycle.
type PipelineRow struct {
	Title                                                                 string // "Công dân học tập"
	Pledged, SelfAssessed, Verified, Appraised, Recognised, NotRecognised int64
}

// Block is one GNLC-style building block of a learning city and what the system measures of it.
type Block struct {
	Name  string // "Gia đình và cộng đồng", "Nơi làm việc", "Công nghệ"…
	Items []BlockItem
}

// Measure is one measure of a block, already formatted.
type BlockItem struct {
	Name  string
	Value string // already formatted
}

// Official is an association official not yet trained, printed as given.
type Official struct {
	Name, Branch, Position, Village string
}

// Contribution is what the community gave for one purpose.
type Contribution struct {
	Purpose      string
	Money        int64 // đồng
	InKindCount  int64
	Contributors int64
}

// catalogs are the embedded message catalogs, parsed once on the first report and never
// changed after: the report's labels are in catalog/report.<lang>.json.
var catalogs = sync.OnceValues(i18n.Load)

// labels translates the report's texts into its language.
type labels struct {
	lang string
	c    *i18n.Catalogs
}

func (l labels) T(key string, args ...string) string {
	a := make([]any, len(args))
	for i, s := range args {
		a[i] = s
	}
	return l.c.T(l.lang, key, a...)
}

func (l labels) pct(v float64) string { return i18n.FormatPercent(l.lang, v) }
func (l labels) count(n int64) string { return i18n.Format(l.lang, n) }
func (l labels) noData() string       { return l.T("report.no_data") }
func (l labels) value(v *float64) string {
	if v == nil {
		return l.noData()
	}
	return l.pct(*v)
}

// gap writes a difference in percentage points with its sign: "+2,5 điểm %", "-4 điểm %".
func (l labels) gap(d float64) string {
	s := i18n.FormatDecimal(l.lang, d, 1)
	s = strings.TrimSuffix(strings.TrimSuffix(s, ",0"), ".0")
	if !strings.HasPrefix(s, "-") && s != "0" {
		s = "+" + s
	}
	return l.T("report.gap", s)
}

func (l labels) level(level string) string { return l.T("report.level." + level) }

// prepare checks a and returns its labels.
func prepare(a *Annual) (labels, error) {
	switch a.Lang {
	case "":
		a.Lang = "vi"
	case "vi", "en":
	default:
		return labels{}, fmt.Errorf("report: unsupported language %q (vi or en)", a.Lang)
	}
	if a.Level != "city" && a.Level != "commune" {
		return labels{}, fmt.Errorf("report: level %q is neither city nor commune", a.Level)
	}
	if a.Year < 1900 || a.Year > 9999 {
		return labels{}, fmt.Errorf("report: year %d is not a year", a.Year)
	}
	if a.GeneratedAt.IsZero() {
		return labels{}, errors.New("report: GeneratedAt is required")
	}
	c, err := catalogs()
	if err != nil {
		return labels{}, fmt.Errorf("report: %w", err)
	}
	return labels{lang: a.Lang, c: c}, nil
}

// targetKey is one (plan, year) column of the indicators.
type targetKey struct {
	Plan string
	Year int
}

// targetColumns returns every (plan, year) that some indicator has, by year then plan.
func targetColumns(inds []MeasureRow) []targetKey {
	seen := map[targetKey]bool{}
	var out []targetKey
	for _, ind := range inds {
		for _, t := range ind.Targets {
			k := targetKey{t.Plan, t.Year}
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	slices.SortFunc(out, func(a, b targetKey) int {
		if a.Year != b.Year {
			return a.Year - b.Year
		}
		return strings.Compare(a.Plan, b.Plan)
	})
	return out
}

// plans returns the distinct plans of the targets, in order of first appearance.
func plans(inds []MeasureRow) []string {
	var out []string
	for _, ind := range inds {
		for _, t := range ind.Targets {
			if t.Plan != "" && !slices.Contains(out, t.Plan) {
				out = append(out, t.Plan)
			}
		}
	}
	return out
}

// trendYears returns every year of the indicators' trends, in order.
func trendYears(inds []MeasureRow) []int {
	var out []int
	for _, ind := range inds {
		for _, p := range ind.Trend {
			if !slices.Contains(out, p.Year) {
				out = append(out, p.Year)
			}
		}
	}
	slices.Sort(out)
	return out
}

// rankedUnits returns the units by rank (a unit without a rank last), keeping the given order
// among equals.
func rankedUnits(us []UnitRow) []UnitRow {
	out := slices.Clone(us)
	slices.SortStableFunc(out, func(a, b UnitRow) int {
		ra, rb := a.Rank, b.Rank
		if ra <= 0 {
			ra = int(^uint(0) >> 1)
		}
		if rb <= 0 {
			rb = int(^uint(0) >> 1)
		}
		switch {
		case ra < rb:
			return -1
		case ra > rb:
			return 1
		}
		return 0
	})
	return out
}

// rankIndicator is the indicator the ranking chart shows, or nil when there is none.
func rankIndicator(a Annual) *MeasureRow {
	for i := range a.Measures {
		if a.Measures[i].Code == a.RankBy {
			return &a.Measures[i]
		}
	}
	if a.RankBy == "" && len(a.Measures) > 0 {
		return &a.Measures[0]
	}
	return nil
}

// nextTarget is the indicator's target for the report's year or the first one after it, or
// else its latest target.
func nextTarget(ind *MeasureRow, year int) *Target {
	var best *Target
	for i := range ind.Targets {
		t := &ind.Targets[i]
		switch {
		case best == nil:
			best = t
		case t.Year >= year && (best.Year < year || t.Year < best.Year):
			best = t
		case best.Year < year && t.Year > best.Year:
			best = t
		}
	}
	return best
}

// pipelineCounts are a row's counts in the order of pipelineStates.
func pipelineCounts(p PipelineRow) []int64 {
	return []int64{p.Pledged, p.SelfAssessed, p.Verified, p.Appraised, p.Recognised, p.NotRecognised}
}

// pipelineStates are the catalog keys of the states, in the order of the steps.
var pipelineStates = []string{"pledged", "self_assessed", "verified", "appraised", "recognised", "not_recognised"}

// ict is Asia/Ho_Chi_Minh, UTC+7 without daylight saving since 1975.
func ict() *time.Location { return time.FixedZone("ICT", 7*60*60) }

func itoa(n int) string { return strconv.Itoa(n) }
