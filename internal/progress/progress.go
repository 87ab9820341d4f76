// Package progress answers "how far are we from the targets?" for the city, a commune or a
// village: each measure's value, its targets and gap, its trend over the years, a forecast,
// the ranking of the units below, those furthest behind, and the pipeline of the year's
// cycles. It reads the counts the store keeps in step with every write, so a dashboard is a
// few hundred rows whatever the city's size. Across the 2025 reform it reads the figures the
// units of their time reported and carries them to today's communes by the old→new links.
package progress

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/measure"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// Service builds dashboards and reports.
type Service struct {
	DB    *store.DB
	Units *adminunit.Map

	// The past figures change only when a city officer imports a file; they are read once
	// and carried to today's communes once, until the table changes (pastCache).
	mu   sync.Mutex
	past *pastFigures
	kept map[Request]keptDashboard // BuildKept's dashboards
}

// keptDashboard is a dashboard as built, with when and after how many of this process's
// commits.
type keptDashboard struct {
	d       *Dashboard
	commits uint64
	built   time.Time
}

// keptTTL bounds how long a dashboard is kept when this process writes nothing: long enough
// that reading a dashboard again costs a page's rendering, short enough that a command run
// beside the server (a recount, an import) shows within it.
const keptTTL = time.Minute

// maxKept bounds the dashboards kept (a city's dashboard with its ranking is the largest, a
// few hundred kilobytes); past it they are all built again.
const maxKept = 512

// BuildKept is Build for the pages: a dashboard depends on the request alone (the principal
// only decides whether it may be seen), so it is built once and kept until this process
// commits a write, or for keptTTL. The dashboard returned is shared and must not be changed.
func (s *Service) BuildKept(ctx context.Context, pr *auth.Principal, r Request) (*Dashboard, error) {
	if pr != nil && !May(pr, r) {
		return nil, fault.ErrForbidden
	}
	commits := s.DB.Commits()
	s.mu.Lock()
	e, ok := s.kept[r]
	s.mu.Unlock()
	if ok && e.commits == commits && time.Since(e.built) < keptTTL {
		return e.d, nil
	}
	d, err := s.Build(ctx, pr, r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.kept == nil || len(s.kept) >= maxKept {
		s.kept = map[Request]keptDashboard{}
	}
	s.kept[r] = keptDashboard{d: d, commits: commits, built: time.Now()}
	s.mu.Unlock()
	return d, nil
}

// pastFigures are the reports of the old units as read, and carried to today's communes.
type pastFigures struct {
	version string
	byUnit  map[int]map[adminunit.Era]map[string]store.CountValues
	carried map[int]map[string]tally // year → current commune → weighted sum of its predecessors' reports
}

// The levels of a dashboard.
const (
	LevelCity    = "city"
	LevelCommune = "commune"
	LevelVillage = "village"
)

// SourceSystem and SourceReported say where a figure comes from: the counts of the system, or
// the figures a unit of its time reported before the system (carried through the links).
const (
	SourceSystem   = "system"
	SourceReported = "reported"
)

// reformYear is the first year whose reference day (31 December) falls after the 2025 reform:
// before it the units were the 30 districts and 579 communes of the 2020 arrangement.
const reformYear = 2025

// MaxBand is the widest forecast band worth a number, in points: beyond it the pages and
// reports say the figures are too few to tell.
const MaxBand = 50

// Request says which dashboard to build.
type Request struct {
	Level   string
	Commune string // commune dashboards and villages
	Village int64
	Year    int    // 0: the current year
	Measure string // the measure the ranking, the map and "furthest behind" follow; "" the first main one
	Sort    string // "name", "value" (of Measure); "" by value
	Desc    bool
}

// Dashboard is everything one dashboard page or report shows.
type Dashboard struct {
	Level       string
	Commune     string
	Village     int64
	Name        string
	Year        int
	CurrentYear int
	Years       []int
	Era         adminunit.Era // the arrangement the ranking's units belong to
	Source      string        // of the year's figures at this level
	Rows        []Row
	Focus       measure.Measure // the measure the ranking and map follow
	Units       []UnitRow       // the units below, sorted as asked
	UnitKind    string          // "commune", "district", "village"
	WorkUnits   []UnitRow       // a commune's work units (staff measures)
	Behind      []UnitRow       // furthest behind on Focus, at most five
	Pipeline    []PipelineRow
	OnSystem    int // units below with the year's figures from the system
	Plans       []store.StoredPlan
}

// Row is one measure at the dashboard's level.
type Row struct {
	Measure  measure.Measure
	Num, Den float64
	Value    *float64
	Targets  []TargetView
	Trend    []measure.Point
	Forecast *measure.Forecast // the end of the dashboard's year, when it is the current one
	Outlook  *measure.Forecast // the end of the last plan year (2030)
	Previous *float64          // the year before's value, beside a year still under way
}

func previous(trend []measure.Point, year int) *float64 {
	for _, p := range trend {
		if p.Year == year {
			return p.Value
		}
	}
	return nil
}

// TargetView is one plan's target for a measure, and how far the value is below it.
type TargetView struct {
	Plan  string // the plan's code
	Label string // the plan as people write it: "KH 290/KH-UBND"
	Year  int
	Value float64
	Gap   *float64
	Note  string
}

// UnitRow is one unit of a ranking.
type UnitRow struct {
	Code   string // commune or district code; village or work unit id as text
	Name   string
	Link   string // its dashboard, "" when it has none
	Values map[string]*float64
	Nums   map[string]float64
	Dens   map[string]float64
	Source string
	Rank   int
}

// PipelineRow is the year's cycle of one title: how many assessments are in each state.
type PipelineRow struct {
	Title  string
	States map[evaluation.State]int64
}

// Open tells whether an assessment in state s is still in the pipeline.
func Open(s evaluation.State) bool { return !s.Decided() }

// tally holds counts as numbers: figures carried through split units are fractional.
type tally map[measure.Count]float64

func (t tally) add(v store.CountValues, w float64) {
	for k, n := range v {
		t[k] += float64(n) * w
	}
}

// CurrentYear is the year in Vietnam today.
func (s *Service) CurrentYear() int { return s.DB.Now().In(clock.Vietnam).Year() }

// May tells whether pr may see the dashboard asked for: city officers the city, commune
// officers their commune, collectors their village.
func May(pr *auth.Principal, r Request) bool {
	at := auth.Place{ProvinceCode: "01"}
	switch r.Level {
	case LevelCommune:
		at.CommuneCode = r.Commune
	case LevelVillage:
		at.CommuneCode, at.VillageID = r.Commune, r.Village
	}
	return pr.CanAt(auth.PermViewDashboard, at)
}

// data is what every dashboard of a request reads once.
type data struct {
	measures []measure.Measure
	plans    []store.StoredPlan
	years    []int
	totals   map[int]map[string]store.CountValues
	past     map[int]map[adminunit.Era]map[string]store.CountValues
	carried  map[int]map[string]tally
	onSystem map[int]map[string]bool
}

func (s *Service) load(ctx context.Context, through int) (*data, error) {
	defs, plans, err := measure.Defaults()
	if err != nil {
		return nil, err
	}
	if err := s.DB.EnsureDefaultMeasures(ctx, defs, plans); err != nil {
		return nil, err
	}
	d := &data{}
	if d.measures, err = s.DB.Measures(ctx); err != nil {
		return nil, err
	}
	if d.plans, err = s.DB.Plans(ctx); err != nil {
		return nil, err
	}
	set, err := s.DB.CountSettings(ctx)
	if err != nil {
		return nil, err
	}
	for y := set.FirstYear; y <= through; y++ {
		if err := s.DB.EnsureCountYear(ctx, y); err != nil {
			return nil, err
		}
		d.years = append(d.years, y)
	}
	if d.totals, err = s.DB.CountTotals(ctx, d.years); err != nil {
		return nil, err
	}
	past, err := s.pastFigures(ctx)
	if err != nil {
		return nil, err
	}
	d.past, d.carried = past.byUnit, past.carried
	if d.onSystem, err = s.DB.CommunesOnSystem(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// pastFigures returns the past figures, read again only when the table has changed.
func (s *Service) pastFigures(ctx context.Context) (*pastFigures, error) {
	version, err := s.DB.PastFiguresVersion(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.past != nil && s.past.version == version {
		return s.past, nil
	}
	figs, err := s.DB.PastFigures(ctx, nil)
	if err != nil {
		return nil, err
	}
	p := &pastFigures{version: version, byUnit: map[int]map[adminunit.Era]map[string]store.CountValues{}, carried: map[int]map[string]tally{}}
	for _, f := range figs {
		era := adminunit.Era(f.Era)
		if p.byUnit[f.Year] == nil {
			p.byUnit[f.Year] = map[adminunit.Era]map[string]store.CountValues{}
		}
		if p.byUnit[f.Year][era] == nil {
			p.byUnit[f.Year][era] = map[string]store.CountValues{}
		}
		if p.byUnit[f.Year][era][f.UnitCode] == nil {
			p.byUnit[f.Year][era][f.UnitCode] = store.CountValues{}
		}
		p.byUnit[f.Year][era][f.UnitCode][f.Kind] = f.Value
	}
	// Each old commune's report goes to its successors with the weight of the share of it they
	// took (1 whole, 1/n split among n). A commune merged into a neighbour the data does not
	// name cannot be carried.
	for year, eras := range p.byUnit {
		for oldCode, v := range eras[adminunit.Era2020] {
			shares, err := s.Units.Successors(adminunit.Era2020, oldCode)
			if err != nil {
				continue
			}
			for _, sh := range shares {
				if p.carried[year] == nil {
					p.carried[year] = map[string]tally{}
				}
				t := p.carried[year][sh.Unit.Code]
				if t == nil {
					t = tally{}
					p.carried[year][sh.Unit.Code] = t
				}
				t.add(v, sh.Weight)
			}
		}
	}
	s.past = p
	return p, nil
}

// EraOf is the arrangement of units a year's figures belong to.
func EraOf(year int) adminunit.Era {
	if year < reformYear {
		return adminunit.Era2020
	}
	return adminunit.Era2025Jul
}

// reportedEra tells whether the city's figures of a year are the units' reports of their
// time: a year before the reform for which reports were imported.
func (d *data) reportedEra(year int) bool {
	return EraOf(year) == adminunit.Era2020 && len(d.past[year][adminunit.Era2020]) > 0
}

// communeTally is a current commune's figures in a year and where they come from: the
// system's counts if it kept that year's assessments on the system; otherwise what it
// reported itself (after the reform), or what its predecessors reported, each weighted by
// the share of it that went into the commune (1 whole, 1/n split among n).
func (s *Service) communeTally(d *data, year int, code string) (tally, string) {
	if d.onSystem[year][code] {
		t := tally{}
		t.add(d.totals[year][code], 1)
		return t, SourceSystem
	}
	if v, ok := d.past[year][adminunit.Era2025Jul][code]; ok {
		t := tally{}
		t.add(v, 1)
		return t, SourceReported
	}
	if t, ok := d.carried[year][code]; ok {
		return t, SourceReported
	}
	return nil, ""
}

// cityTally is the city's figures in a year: the old units' reports for a reported year,
// otherwise the sum of today's communes as communeTally gives them.
func (s *Service) cityTally(d *data, year int) (tally, string, int) {
	t := tally{}
	if d.reportedEra(year) {
		for _, v := range d.past[year][adminunit.Era2020] {
			t.add(v, 1)
		}
		return t, SourceReported, 0
	}
	onSystem := 0
	for _, u := range s.Units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
		ct, src := s.communeTally(d, year, u.Code)
		if src == SourceSystem {
			onSystem++
		}
		for k, v := range ct {
			t[k] += v
		}
	}
	return t, SourceSystem, onSystem
}

func shareOf(t tally, m measure.Measure) (num, den float64, v *float64) {
	if t == nil {
		return 0, 0, nil
	}
	num, den = t[m.Numerator], t[m.Denominator]
	if den <= 0 {
		return num, den, nil
	}
	x := 100 * num / den
	return num, den, &x
}

// Build makes the dashboard asked for, for a principal allowed to see it (nil: the command
// line).
func (s *Service) Build(ctx context.Context, pr *auth.Principal, r Request) (*Dashboard, error) {
	if pr != nil && !May(pr, r) {
		return nil, fault.ErrForbidden
	}
	cur := s.CurrentYear()
	if r.Year == 0 {
		r.Year = cur
	}
	if r.Year < 2000 || r.Year > cur {
		return nil, fault.Field("year", "progress.year_invalid", strconv.Itoa(r.Year), strconv.Itoa(cur))
	}
	d, err := s.load(ctx, cur)
	if err != nil {
		return nil, err
	}
	db := &Dashboard{Level: r.Level, Commune: r.Commune, Village: r.Village, Year: r.Year, CurrentYear: cur, Years: d.years, Plans: d.plans}
	// The figures of one year at this level, and the units below.
	var at func(year int) (tally, string)
	switch r.Level {
	case LevelCity:
		db.Name = s.Units.Province().Name
		at = func(year int) (tally, string) { t, src, _ := s.cityTally(d, year); return t, src }
	case LevelCommune:
		u, err := s.Units.Current(r.Commune)
		if err != nil {
			return nil, fault.ErrNotFound
		}
		db.Name = u.Name
		at = func(year int) (tally, string) { return s.communeTally(d, year, r.Commune) }
	case LevelVillage:
		v, err := s.DB.Village(ctx, r.Village)
		if err != nil || v.CommuneCode != r.Commune {
			return nil, fault.ErrNotFound
		}
		db.Name = v.Name
		counts, err := s.DB.CommunePlaceCounts(ctx, r.Commune, d.years)
		if err != nil {
			return nil, err
		}
		at = func(year int) (tally, string) {
			for _, p := range counts[year] {
				if p.Village == r.Village && p.Unit == 0 {
					t := tally{}
					t.add(p.Values, 1)
					return t, SourceSystem
				}
			}
			return nil, ""
		}
	default:
		return nil, fault.ErrNotFound
	}
	byYear := map[int]tally{}
	for _, y := range d.years {
		t, src := at(y)
		byYear[y] = t
		if y == r.Year {
			db.Source = src
		}
	}
	if err := s.rows(ctx, d, db, byYear); err != nil {
		return nil, err
	}
	db.Focus = focusOf(d.measures, r.Measure)
	if err := s.units(ctx, d, db, r); err != nil {
		return nil, err
	}
	return db, nil
}

// focusOf picks the measure asked for, or the first main one.
func focusOf(ms []measure.Measure, code string) measure.Measure {
	for _, m := range ms {
		if m.Code == code {
			return m
		}
	}
	for _, m := range ms {
		if m.Main {
			return m
		}
	}
	if len(ms) > 0 {
		return ms[0]
	}
	return measure.Measure{}
}

// applies tells whether a measure can be counted at a level: a village has no work units,
// clans or association officials of its own.
func applies(m measure.Measure, level string) bool {
	if level != LevelVillage {
		return true
	}
	n, _ := measure.ScopeOf(m.Numerator)
	dn, _ := measure.ScopeOf(m.Denominator)
	return n == measure.ScopeVillage && dn == measure.ScopeVillage
}

// targetsOf lists the plans' targets for a measure, the nearest year first.
func targetsOf(plans []store.StoredPlan, code string, value *float64) []TargetView {
	var out []TargetView
	for _, p := range plans {
		for _, t := range p.Targets {
			if t.Measure == code {
				label := p.Label
				if label == "" {
					label = p.Code
				}
				out = append(out, TargetView{Plan: p.Code, Label: label, Year: t.Year, Value: t.Value, Gap: measure.Gap(value, t.Value), Note: t.Note})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Year != out[j].Year {
			return out[i].Year < out[j].Year
		}
		return out[i].Plan < out[j].Plan
	})
	return out
}

// titleOf is the title whose pipeline moves a count, for the forecast of the current year.
var titleOf = map[measure.Count]string{
	measure.AdultsRecognised:     "learning_citizen",
	measure.HouseholdsRecognised: "learning_family",
	measure.VillagesRecognised:   "learning_community",
	measure.ClansRecognised:      "learning_clan",
	measure.UnitsRecognised:      "learning_unit",
}

func (s *Service) rows(ctx context.Context, d *data, db *Dashboard, byYear map[int]tally) error {
	var pipeNow, pipeLast []store.PipelineRow
	if db.Level != LevelCity || !d.reportedEra(db.Year) {
		var err error
		commune := db.Commune
		if pipeNow, err = s.DB.PipelineCounts(ctx, db.Year, commune, db.Village); err != nil {
			return err
		}
		if pipeLast, err = s.DB.PipelineCounts(ctx, db.Year-1, commune, db.Village); err != nil {
			return err
		}
	}
	for _, p := range pipeNow {
		row := PipelineRow{Title: p.Title, States: map[evaluation.State]int64{}}
		for st, n := range p.States {
			row.States[evaluation.State(st)] = n
		}
		db.Pipeline = append(db.Pipeline, row)
	}
	lastPlanYear := 0
	for _, p := range d.plans {
		lastPlanYear = max(lastPlanYear, p.EndYear)
	}
	for _, m := range d.measures {
		if !applies(m, db.Level) {
			continue
		}
		row := Row{Measure: m}
		row.Num, row.Den, row.Value = shareOf(byYear[db.Year], m)
		row.Targets = targetsOf(d.plans, m.Code, row.Value)
		// The trend holds the complete years only: titles are decided at the year's end, so the
		// year under way would read as a fall to almost nothing.
		for _, y := range d.years {
			if y < db.CurrentYear {
				_, _, v := shareOf(byYear[y], m)
				row.Trend = append(row.Trend, measure.Point{Year: y, Value: v})
			}
		}
		done := row.Trend
		if db.Year == db.CurrentYear {
			row.Previous = previous(row.Trend, db.Year-1)
			row.Forecast = pipelineForecast(m, row, pipeNow, pipeLast, db.Year)
			if row.Forecast == nil {
				row.Forecast = measure.Trend(done, db.Year)
			}
		}
		if lastPlanYear > db.Year {
			row.Outlook = measure.Trend(done, lastPlanYear)
		}
		db.Rows = append(db.Rows, row)
	}
	return nil
}

// pipelineForecast estimates the current year's end for a measure moved by one title's
// cycle: recognised so far plus the open assessments times last year's share recognised.
func pipelineForecast(m measure.Measure, row Row, now, last []store.PipelineRow, year int) *measure.Forecast {
	title, ok := titleOf[m.Numerator]
	if !ok {
		return nil
	}
	var open, lastAll, lastRecognised int64
	for _, p := range now {
		if p.Title == title {
			for st, n := range p.States {
				if Open(evaluation.State(st)) {
					open += n
				}
			}
		}
	}
	for _, p := range last {
		if p.Title == title {
			for st, n := range p.States {
				lastAll += n
				if evaluation.State(st) == evaluation.StateRecognised {
					lastRecognised += n
				}
			}
		}
	}
	if lastAll == 0 {
		return nil
	}
	return measure.Pipeline(year, int64(math.Round(row.Num)), open, int64(math.Round(row.Den)), float64(lastRecognised)/float64(lastAll))
}

// units fills the ranking of the units below and those furthest behind.
func (s *Service) units(ctx context.Context, d *data, db *Dashboard, r Request) error {
	measures := d.measures
	fill := func(u *UnitRow, t tally) {
		u.Values, u.Nums, u.Dens = map[string]*float64{}, map[string]float64{}, map[string]float64{}
		for _, m := range measures {
			u.Nums[m.Code], u.Dens[m.Code], u.Values[m.Code] = shareOf(t, m)
		}
	}
	year := db.Year
	switch db.Level {
	case LevelCity:
		if d.reportedEra(year) {
			db.Era, db.UnitKind = adminunit.Era2020, "district"
			sums := map[string]tally{}
			for _, c := range s.Units.Units(adminunit.Era2020, adminunit.LevelCommune) {
				if v, ok := d.past[year][adminunit.Era2020][c.Code]; ok {
					if sums[c.ParentCode] == nil {
						sums[c.ParentCode] = tally{}
					}
					sums[c.ParentCode].add(v, 1)
				}
			}
			for _, dist := range s.Units.Units(adminunit.Era2020, adminunit.LevelDistrict) {
				u := UnitRow{Code: dist.Code, Name: dist.Name, Source: SourceReported}
				fill(&u, sums[dist.Code])
				db.Units = append(db.Units, u)
			}
			break
		}
		db.Era, db.UnitKind = adminunit.Era2025Jul, "commune"
		for _, c := range s.Units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
			t, src := s.communeTally(d, year, c.Code)
			if src == SourceSystem {
				db.OnSystem++
			}
			u := UnitRow{Code: c.Code, Name: c.Name, Source: src, Link: fmt.Sprintf("/dashboard/communes/%s?year=%d", c.Code, year)}
			fill(&u, t)
			db.Units = append(db.Units, u)
		}
	case LevelCommune:
		db.Era, db.UnitKind = adminunit.Era2025Jul, "village"
		villages, err := s.DB.ListVillages(ctx, store.VillageFilter{Scope: auth.Scope{Communes: []string{db.Commune}}, CommuneCode: db.Commune, WithRetired: true})
		if err != nil {
			return err
		}
		counts, err := s.DB.CommunePlaceCounts(ctx, db.Commune, []int{year})
		if err != nil {
			return err
		}
		byVillage, byUnit := map[int64]tally{}, map[int64]tally{}
		for _, p := range counts[year] {
			t := tally{}
			t.add(p.Values, 1)
			if p.Unit != 0 {
				byUnit[p.Unit] = t
			} else if p.Village != 0 {
				byVillage[p.Village] = t
			}
		}
		for _, v := range villages {
			t, ok := byVillage[v.ID]
			if !ok && v.Retired() {
				continue // retired before the year: not a unit of it
			}
			u := UnitRow{Code: strconv.FormatInt(v.ID, 10), Name: v.Name, Source: SourceSystem,
				Link: fmt.Sprintf("/dashboard/communes/%s/villages/%d?year=%d", db.Commune, v.ID, year)}
			fill(&u, t)
			db.Units = append(db.Units, u)
		}
		units, err := s.DB.ListWorkUnits(ctx, auth.Scope{Communes: []string{db.Commune}})
		if err != nil {
			return err
		}
		for _, w := range units {
			u := UnitRow{Code: strconv.FormatInt(w.ID, 10), Name: w.Name, Source: SourceSystem}
			fill(&u, byUnit[w.ID])
			db.WorkUnits = append(db.WorkUnits, u)
		}
	}
	sortUnits(db.Units, db.Focus.Code, r.Sort, r.Desc)
	db.Behind = behind(db.Units, db.Focus.Code, targetsOf(d.plans, db.Focus.Code, nil), year)
	return nil
}

// sortUnits orders a ranking by the focus measure's value (no data last) or by name in
// Vietnamese collation, and numbers the ranks by value.
func sortUnits(us []UnitRow, code, by string, desc bool) {
	byValue := func(i, j int) bool {
		a, b := us[i].Values[code], us[j].Values[code]
		switch {
		case a == nil:
			return false
		case b == nil:
			return true
		}
		return *a > *b
	}
	sort.SliceStable(us, byValue)
	// Equal values share a rank (1, 1, 3).
	for i := range us {
		v := us[i].Values[code]
		switch {
		case v == nil:
		case i > 0 && us[i-1].Values[code] != nil && *us[i-1].Values[code] == *v:
			us[i].Rank = us[i-1].Rank
		default:
			us[i].Rank = i + 1
		}
	}
	if by == "name" {
		col := people.NewCollator()
		sort.SliceStable(us, func(i, j int) bool { return col.CompareString(us[i].Name, us[j].Name) < 0 })
	}
	if desc {
		for i, j := 0, len(us)-1; i < j; i, j = i+1, j-1 {
			us[i], us[j] = us[j], us[i]
		}
	}
}

// behind returns the units furthest below the nearest target still ahead (or the last one),
// at most five; units with no data are not ranked.
func behind(us []UnitRow, code string, targets []TargetView, year int) []UnitRow {
	if len(targets) == 0 {
		return nil
	}
	goal := targets[len(targets)-1].Value
	for _, t := range targets {
		if t.Year >= year {
			goal = t.Value
			break
		}
	}
	var out []UnitRow
	for _, u := range us {
		if v := u.Values[code]; v != nil && *v < goal {
			out = append(out, u)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return *out[i].Values[code] < *out[j].Values[code] })
	if len(out) > 5 {
		out = out[:5]
	}
	return out
}

// Goal is the target the furthest-behind list measures against: the nearest plan year at or
// after year.
func Goal(targets []TargetView, year int) *TargetView {
	for i, t := range targets {
		if t.Year >= year {
			return &targets[i]
		}
	}
	return nil
}

// ReferenceDay is the day a year's figures are counted on.
func ReferenceDay(year int) time.Time { return time.Date(year, 12, 31, 0, 0, 0, 0, clock.Vietnam) }
