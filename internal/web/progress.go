package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/chart"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/geomap"
	"hoctap/internal/i18n"
	"hoctap/internal/measure"
	"hoctap/internal/progress"
	"hoctap/internal/recognition"
	"hoctap/internal/report"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
)

// progressRoutes are the dashboards of progress against the targets (issue 7): the city, a
// commune and a village, each with its ranking export and annual report; the plans and
// targets a city officer keeps; the past figures of the old units.
func (s *Server) progressRoutes() []route {
	return []route{
		{"GET /dashboard", auth.PermViewDashboard, s.dashboardCity},
		{"GET /dashboard/ranking.xlsx", auth.PermViewDashboard, s.dashboardCityRanking},
		{"GET /dashboard/communes/{code}", auth.PermViewDashboard, s.dashboardCommune},
		{"GET /dashboard/communes/{code}/ranking.xlsx", auth.PermViewDashboard, s.dashboardCommuneRanking},
		{"GET /dashboard/communes/{code}/villages/{id}", auth.PermViewDashboard, s.dashboardVillage},
		{"GET /dashboard/report.xlsx", auth.PermViewDashboard, s.dashboardReport(progress.LevelCity, "xlsx")},
		{"GET /dashboard/report.pdf", auth.PermViewDashboard, s.dashboardReport(progress.LevelCity, "pdf")},
		{"GET /dashboard/communes/{code}/report.xlsx", auth.PermViewDashboard, s.dashboardReport(progress.LevelCommune, "xlsx")},
		{"GET /dashboard/communes/{code}/report.pdf", auth.PermViewDashboard, s.dashboardReport(progress.LevelCommune, "pdf")},
		{"GET /about/progress", "", s.publicProgressCity},
		{"GET /about/progress/{code}", "", s.publicProgressCommune},
		{"GET /dashboard/untrained", auth.PermViewDashboard, s.untrainedCity},
		{"GET /dashboard/communes/{code}/untrained", auth.PermViewDashboard, s.untrainedCommune},
	}
}

// DashboardView is a dashboard page.
type DashboardView struct {
	Base
	D         *progress.Dashboard
	Rows      []MeasureRowView
	Measures  []measure.Measure
	Columns   []measure.Measure // the ranking's columns: the main measures
	Units     []UnitRowView
	WorkUnits []UnitRowView
	Behind    []UnitRowView
	Goal      *progress.TargetView
	Map       template.HTML
	Pipeline  template.HTML
	PipeRows  []PipelineRowView
	States    []evaluation.State
	Query     url.Values
	Self      string // this page's path, for the year, measure and sort links
	Crumbs    []Crumb
	Reported  bool
	Era2020   bool
	Plan      string // the plan whose targets the table shows
	CanManage bool   // may keep the targets and the map's boundaries
	Keep      string // the query that keeps the year, plan and measure on the page's links
	Sort      string // "name", "asc" or "" (highest first): the ranking's order
	NoData    []UnitRowView
}

// Crumb is one step of the way from the city down.
type Crumb struct{ Name, Link string }

// MeasureRowView is one measure of a dashboard, formatted.
type MeasureRowView struct {
	Code, Name, Source string
	Value, Fraction    string
	Known              bool
	LastYear           string // the value of the year before, beside a year still under way
	Targets            []TargetCellView
	Spark, Trend       template.HTML
	Forecast, Outlook  string
	ForecastMethod     string
}

// TargetCellView is one plan's target and the gap to it.
type TargetCellView struct {
	Plan, Year, Value, Gap, Note string
	Met, Known                   bool
}

// UnitRowView is one unit of a ranking, formatted.
type UnitRowView struct {
	Rank        int
	Name, Link  string
	Reported    bool
	Focus       string
	FocusKnown  bool
	FocusDetail string
	Cells       []string
}

// PipelineRowView is one title's row of the pipeline table.
type PipelineRowView struct {
	Title  string
	Counts []string
	Total  string
}

func (s *Server) dashboardCity(w http.ResponseWriter, r *http.Request) {
	pr := principal(r)
	if !progress.May(pr, progress.Request{Level: progress.LevelCity}) {
		// Commune officers and collectors land on the dashboard of their own place.
		for _, g := range pr.Grants {
			if !auth.RoleHas(g.Role, auth.PermViewDashboard) || g.CommuneCode == "" {
				continue
			}
			to := "/dashboard/communes/" + g.CommuneCode
			if g.VillageID != 0 {
				to += "/villages/" + strconv.FormatInt(g.VillageID, 10)
			}
			if r.URL.RawQuery != "" {
				to += "?" + r.URL.RawQuery // the year and measure asked for
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
	}
	s.dashboard(w, r, progress.Request{Level: progress.LevelCity})
}

func (s *Server) dashboardCommune(w http.ResponseWriter, r *http.Request) {
	s.dashboard(w, r, progress.Request{Level: progress.LevelCommune, Commune: r.PathValue("code")})
}

func (s *Server) dashboardVillage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, fault.ErrNotFound)
		return
	}
	s.dashboard(w, r, progress.Request{Level: progress.LevelVillage, Commune: r.PathValue("code"), Village: id})
}

// dashboardRequest completes a request from the query: year, measure, sort.
func dashboardRequest(r *http.Request, req progress.Request) (progress.Request, error) {
	q := r.URL.Query()
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return req, fault.Field("year", "progress.year_invalid", y, "")
		}
		req.Year = n
	}
	req.Measure, req.Sort, req.Desc = q.Get("m"), q.Get("sort"), q.Get("desc") == "1"
	return req, nil
}

func (s *Server) buildDashboard(w http.ResponseWriter, r *http.Request, req progress.Request) (*progress.Dashboard, bool) {
	req, err := dashboardRequest(r, req)
	if err == nil && !progress.May(principal(r), req) {
		err = fault.ErrForbidden
	}
	var d *progress.Dashboard
	if err == nil {
		d, err = s.progress.BuildKept(r.Context(), principal(r), req)
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return d, true
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, req progress.Request) {
	d, ok := s.buildDashboard(w, r, req)
	if !ok {
		return
	}
	v := DashboardView{Base: s.base(r, "progress.title"), D: d, Query: r.URL.Query(), Self: r.URL.Path,
		Reported: d.Source == progress.SourceReported, Era2020: d.Era == adminunit.Era2020}
	v.Title = v.T("progress.title") + " — " + d.Name
	lang := v.Lang
	v.CanManage = principal(r).Can(auth.PermManageTargets)
	v.Plan = r.URL.Query().Get("plan")
	if !planKnown(d, v.Plan) && len(d.Plans) > 0 {
		v.Plan = d.Plans[0].Code
	}
	v.Keep = url.Values{"year": {strconv.Itoa(d.Year)}, "plan": {v.Plan}, "m": {d.Focus.Code}}.Encode()
	switch q := r.URL.Query(); {
	case q.Get("sort") == "name":
		v.Sort = "name"
	case q.Get("desc") == "1":
		v.Sort = "asc"
	}
	pct := func(x *float64) (string, bool) {
		if x == nil {
			return v.T("progress.no_data"), false
		}
		return i18n.FormatDecimal(lang, *x, 1) + "%", true
	}
	for _, row := range d.Rows {
		mv := MeasureRowView{Code: row.Measure.Code, Name: row.Measure.Name(lang), Source: row.Measure.Source}
		mv.Value, mv.Known = pct(row.Value)
		mv.Fraction = i18n.FormatDecimal(lang, row.Num, 0) + " / " + i18n.FormatDecimal(lang, row.Den, 0)
		var targets []chart.Target
		for _, p := range row.Trend {
			if p.Year == d.Year-1 && d.Year == d.CurrentYear {
				last, _ := pct(p.Value)
				mv.LastYear = v.T("progress.last_year", strconv.Itoa(p.Year), last)
			}
		}
		for _, t := range row.Targets {
			targets = append(targets, chart.Target{Year: t.Year, Value: t.Value, Plan: t.Label})
			if t.Plan != v.Plan {
				continue
			}
			cell := TargetCellView{Plan: t.Label, Year: strconv.Itoa(t.Year), Value: i18n.FormatDecimal(lang, t.Value, 0) + "%", Note: t.Note}
			if t.Gap != nil {
				cell.Known, cell.Met = true, *t.Gap <= 0
				cell.Gap = i18n.FormatDecimal(lang, *t.Gap, 1)
			}
			mv.Targets = append(mv.Targets, cell)
		}
		var points []chart.Point
		for _, p := range row.Trend {
			points = append(points, chart.Point{Year: p.Year, Value: p.Value})
		}
		var nearest *float64
		if g := progress.Goal(row.Targets, d.Year); g != nil {
			nearest = &g.Value
		}
		mv.Spark = chart.Sparkline(chart.SparklineOptions{Lang: lang, Title: mv.Name, Points: points, Target: nearest})
		opts := chart.TrendOptions{Lang: lang, Title: mv.Name, Points: points, Targets: targets,
			Marker: &chart.Marker{Year: 2025, Label: v.T("progress.reform")}}
		if f := row.Outlook; f != nil && f.High-f.Low <= progress.MaxBand {
			opts.Forecast = &chart.Forecast{Year: f.Year, Value: f.Value, Low: f.Low, High: f.High}
		}
		mv.Trend = chart.Trend(opts)
		if f := row.Forecast; f != nil && f.High-f.Low > progress.MaxBand {
			mv.Forecast = v.T("progress.forecast_uncertain")
		} else if f != nil {
			mv.Forecast = v.T("progress.forecast_value", i18n.FormatDecimal(lang, f.Value, 1), i18n.FormatDecimal(lang, f.Low, 1), i18n.FormatDecimal(lang, f.High, 1))
			mv.ForecastMethod = v.T("progress.method." + f.Method)
		}
		if f := row.Outlook; f != nil && f.High-f.Low > progress.MaxBand {
			mv.Outlook = v.T("progress.outlook_uncertain", strconv.Itoa(f.Year))
		} else if f != nil {
			mv.Outlook = v.T("progress.outlook_value", strconv.Itoa(f.Year), i18n.FormatDecimal(lang, f.Value, 1), i18n.FormatDecimal(lang, f.Low, 1), i18n.FormatDecimal(lang, f.High, 1))
		}
		v.Rows = append(v.Rows, mv)
		v.Measures = append(v.Measures, row.Measure)
		if row.Measure.Main || row.Measure.Code == d.Focus.Code {
			v.Columns = append(v.Columns, row.Measure)
		}
	}
	unitView := func(u progress.UnitRow) UnitRowView {
		uv := UnitRowView{Rank: u.Rank, Name: u.Name, Link: u.Link, Reported: u.Source == progress.SourceReported && d.Source != progress.SourceReported}
		if uv.Link != "" { // the unit's dashboard keeps the plan and measure chosen here
			path, _, _ := strings.Cut(uv.Link, "?")
			uv.Link = path + "?" + v.Keep
		}
		uv.Focus, uv.FocusKnown = pct(u.Values[d.Focus.Code])
		uv.FocusDetail = i18n.FormatDecimal(lang, u.Nums[d.Focus.Code], 0) + " / " + i18n.FormatDecimal(lang, u.Dens[d.Focus.Code], 0)
		for _, m := range v.Columns {
			cell, _ := pct(u.Values[m.Code])
			uv.Cells = append(uv.Cells, cell)
		}
		return uv
	}
	for _, u := range d.Units {
		if u.Values[d.Focus.Code] == nil {
			v.NoData = append(v.NoData, unitView(u)) // listed apart, so the ranking stays short
			continue
		}
		v.Units = append(v.Units, unitView(u))
	}
	for _, u := range d.WorkUnits {
		v.WorkUnits = append(v.WorkUnits, unitView(u))
	}
	for _, u := range d.Behind {
		v.Behind = append(v.Behind, unitView(u))
	}
	for _, row := range d.Rows {
		if row.Measure.Code == d.Focus.Code {
			v.Goal = progress.Goal(row.Targets, d.Year)
		}
	}
	v.Crumbs = s.crumbs(principal(r), d, v.Keep)
	if d.Level == progress.LevelCity {
		v.Map = s.dashboardMap(r, d, v.Base)
	}
	v.States = []evaluation.State{evaluation.StatePledged, evaluation.StateReturned, evaluation.StateSelfAssessed, evaluation.StateVerified,
		evaluation.StateAppraised, evaluation.StateRecognised, evaluation.StateNotRecognised, evaluation.StateRevoked}
	var stages []chart.Stage
	var names []string
	for _, st := range v.States {
		names = append(names, v.T("state."+string(st)))
	}
	for _, p := range d.Pipeline {
		row := PipelineRowView{Title: recognition.TitleName(p.Title)}
		if lang == "en" {
			row.Title = recognition.TitleNameEN(p.Title)
		}
		stage := chart.Stage{Label: row.Title}
		var total int64
		for _, st := range v.States {
			row.Counts = append(row.Counts, v.Num(int(p.States[st])))
			stage.Counts = append(stage.Counts, p.States[st])
			total += p.States[st]
		}
		row.Total = v.Num(int(total))
		v.PipeRows = append(v.PipeRows, row)
		stages = append(stages, stage)
	}
	if len(stages) > 0 {
		v.Pipeline = chart.Pipeline(chart.PipelineOptions{Lang: lang, Title: v.T("progress.pipeline_title", strconv.Itoa(d.Year)), States: names, Stages: stages})
	}
	s.render(w, r, http.StatusOK, "dashboard", v)
}

// planKnown tells whether code names one of the dashboard's plans.
func planKnown(d *progress.Dashboard, code string) bool {
	for _, p := range d.Plans {
		if p.Code == code {
			return true
		}
	}
	return false
}

// crumbs is the way from the city down to the dashboard's place; a step is a link only for
// those who may see it.
func (s *Server) crumbs(pr *auth.Principal, d *progress.Dashboard, keep string) []Crumb {
	var out []Crumb
	city := Crumb{Name: s.units.Province().Name}
	if progress.May(pr, progress.Request{Level: progress.LevelCity}) {
		city.Link = "/dashboard?" + keep
	}
	out = append(out, city)
	if d.Level != progress.LevelCity {
		if u, err := s.units.Current(d.Commune); err == nil {
			c := Crumb{Name: u.Name}
			if progress.May(pr, progress.Request{Level: progress.LevelCommune, Commune: d.Commune}) {
				c.Link = "/dashboard/communes/" + d.Commune + "?" + keep
			}
			out = append(out, c)
		}
	}
	if d.Level == progress.LevelVillage {
		out = append(out, Crumb{Name: d.Name})
	}
	return out
}

// dashboardMap draws the city's units coloured by the focus measure: the old districts for a
// year before the reform, today's communes (tiles, or the boundaries the city uploaded) after.
func (s *Server) dashboardMap(r *http.Request, d *progress.Dashboard, b Base) template.HTML {
	var layer *geomap.Layer
	var err error
	if d.Era == adminunit.Era2020 {
		layer, err = geomap.Districts()
	} else {
		layer, err = s.communeMapLayer(r.Context())
	}
	if err != nil {
		s.log.Error("map", "err", err)
		return ""
	}
	shades := map[string]geomap.Shade{}
	for _, u := range d.Units {
		if v := u.Values[d.Focus.Code]; v != nil {
			shades[u.Code] = geomap.Value(*v / 100)
		}
	}
	var behind []string
	for _, u := range d.Behind {
		behind = append(behind, u.Code)
	}
	opt := geomap.Options{Lang: b.Lang, T: b.T, Title: d.Focus.Name(b.Lang) + " — " + strconv.Itoa(d.Year), Width: 800, Highlight: behind, ID: "map"}
	if d.Era != adminunit.Era2020 {
		year := d.Year
		opt.Link = func(code string) string { return fmt.Sprintf("/dashboard/communes/%s?year=%d", code, year) }
	}
	var buf bytes.Buffer
	if err := layer.SVG(&buf, shades, opt); err != nil {
		s.log.Error("map", "err", err)
		return ""
	}
	return template.HTML(buf.String()) // the layer escapes every text it writes
}

func (s *Server) dashboardCityRanking(w http.ResponseWriter, r *http.Request) {
	s.rankingExport(w, r, progress.Request{Level: progress.LevelCity})
}

func (s *Server) dashboardCommuneRanking(w http.ResponseWriter, r *http.Request) {
	s.rankingExport(w, r, progress.Request{Level: progress.LevelCommune, Commune: r.PathValue("code")})
}

// rankingExport writes the ranking of the units below as .xlsx: every measure's value,
// numerator and denominator; "no data" written as text, never as 0.
func (s *Server) rankingExport(w http.ResponseWriter, r *http.Request, req progress.Request) {
	d, ok := s.buildDashboard(w, r, req)
	if !ok {
		return
	}
	b := s.base(r, "progress.title")
	cols := []sheet.Column{{Title: b.T("progress.rank"), Kind: sheet.ColumnNumber, Width: 8}, {Title: b.T("progress.unit." + d.UnitKind), Width: 32}}
	for _, row := range d.Rows {
		name := row.Measure.Name(b.Lang)
		cols = append(cols, sheet.Column{Title: name + " (%)", Kind: sheet.ColumnNumber, Width: 14},
			sheet.Column{Title: b.T("progress.numerator"), Kind: sheet.ColumnNumber, Width: 10},
			sheet.Column{Title: b.T("progress.denominator"), Kind: sheet.ColumnNumber, Width: 10})
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="xep-hang-%s-%d.xlsx"`, d.UnitKind, d.Year))
	err := sheet.WriteXLSX(w, b.T("progress.ranking"), cols, func(yield func([]any) bool) {
		for _, u := range d.Units {
			var rank any
			if u.Rank > 0 {
				rank = u.Rank
			}
			line := []any{rank, u.Name}
			for _, row := range d.Rows {
				c := row.Measure.Code
				var val any = b.T("progress.no_data")
				if x := u.Values[c]; x != nil {
					val = measure.Round1(*x)
				}
				line = append(line, val, measure.Round1(u.Nums[c]), measure.Round1(u.Dens[c]))
			}
			if !yield(line) {
				return
			}
		}
	})
	if err != nil {
		s.log.Error("ranking export", "err", err)
	}
}

// dashboardReport sends the annual report of the city or a commune as .xlsx or .pdf.
func (s *Server) dashboardReport(level, format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.annualReport(w, r, progress.Request{Level: level, Commune: r.PathValue("code")}, format)
	}
}

func (s *Server) annualReport(w http.ResponseWriter, r *http.Request, req progress.Request, format string) {
	req, err := dashboardRequest(r, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.base(r, "progress.title")
	titleName := recognition.TitleName
	if b.Lang == "en" {
		titleName = recognition.TitleNameEN
	}
	a, err := s.progress.Annual(r.Context(), principal(r), req, b.Lang, b.T, titleName)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	name := fmt.Sprintf("bao-cao-%s-%d.%s", a.UnitCode, a.Year, format)
	if format == "pdf" {
		err = report.WritePDF(&buf, a)
		w.Header().Set("Content-Type", "application/pdf")
	} else {
		err = report.WriteXLSX(&buf, a)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(buf.Bytes())
}

// UntrainedView lists the association officials not yet trained on the criteria.
type UntrainedView struct {
	Base
	Place     string
	Officials []store.UntrainedOfficial
	Communes  map[string]string
	Self      string
}

func (s *Server) untrainedCity(w http.ResponseWriter, r *http.Request) {
	s.untrained(w, r, progress.Request{Level: progress.LevelCity})
}

func (s *Server) untrainedCommune(w http.ResponseWriter, r *http.Request) {
	s.untrained(w, r, progress.Request{Level: progress.LevelCommune, Commune: r.PathValue("code")})
}

// untrained shows, or with ?format=xlsx sends, the officials of the city or a commune who
// have not been trained yet.
func (s *Server) untrained(w http.ResponseWriter, r *http.Request, req progress.Request) {
	if !progress.May(principal(r), req) {
		s.fail(w, r, fault.ErrForbidden)
		return
	}
	place := s.units.Province().Name
	if req.Level == progress.LevelCommune {
		u, err := s.units.Current(req.Commune)
		if err != nil {
			s.fail(w, r, fault.ErrNotFound)
			return
		}
		place = u.Name
	}
	list, err := s.db.UntrainedOfficials(r.Context(), req.Commune)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := UntrainedView{Base: s.base(r, "progress.untrained"), Place: place, Officials: list, Communes: map[string]string{}, Self: r.URL.Path}
	for _, o := range list {
		v.Communes[o.CommuneCode] = s.communeName(o.CommuneCode)
	}
	if r.URL.Query().Get("format") != "xlsx" {
		s.render(w, r, http.StatusOK, "untrained", v)
		return
	}
	cols := []sheet.Column{{Title: v.T("progress.col.name"), Width: 28}, {Title: v.T("progress.col.position"), Width: 18},
		{Title: v.T("progress.col.branch"), Width: 34}, {Title: v.T("progress.unit.commune"), Width: 24},
		{Title: v.T("progress.col.village"), Width: 24}, {Title: v.T("progress.col.since"), Width: 14}}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="can-bo-chua-tap-huan.xlsx"`)
	err = sheet.WriteXLSX(w, v.T("progress.untrained"), cols, func(yield func([]any) bool) {
		for _, o := range list {
			if !yield([]any{o.Name, o.Position, o.Branch, v.Communes[o.CommuneCode], o.Village, o.Since}) {
				return
			}
		}
	})
	if err != nil {
		s.log.Error("untrained export", "err", err)
	}
}
