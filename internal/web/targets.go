package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/measure"
	"hoctap/internal/progress"
	"hoctap/internal/store"
)

// maxPastFigures bounds an uploaded file of past figures: 579 communes × 20 counts × a few
// years is well under it.
const maxPastFigures = 10 << 20

// targetsRoutes are the pages where a city officer keeps the measures, the plans and their
// targets, the settings of the counts, and the figures the old units reported.
func (s *Server) targetsRoutes() []route {
	return []route{
		{"GET /targets", auth.PermManageTargets, s.targetsShow},
		{"POST /targets/plans", auth.PermManageTargets, s.targetsPlanSave},
		{"POST /targets/plans/{code}/targets", auth.PermManageTargets, s.targetsTargetSet},
		{"POST /targets/plans/{code}/targets/delete", auth.PermManageTargets, s.targetsTargetDelete},
		{"POST /targets/measures", auth.PermManageTargets, s.targetsMeasureSave},
		{"POST /targets/settings", auth.PermManageTargets, s.targetsSettings},
		{"POST /targets/past-figures", auth.PermManageTargets, s.pastFiguresPreview},
		{"POST /targets/past-figures/{id}/confirm", auth.PermManageTargets, s.pastFiguresConfirm},
	}
}

// TargetsView is the page of plans and targets.
type TargetsView struct {
	Base
	Measures []measure.Measure
	Plans    []store.StoredPlan
	Counts   []measure.Count
	Settings store.CountSettings
	// Forms keep what was posted and its errors, by section ("plan", "target:KH290",
	// "measure", "settings", "past").
	Forms    map[string]Form
	Problems []string // every problem of a refused file of past figures
	Pending  *PastPreview
	Problem  string // the section whose input was refused, linked from the top of the page
}

// PastPreview is a checked file of past figures waiting for confirmation.
type PastPreview struct {
	ID       int64
	FileName string
	Rows     int
	Years    []int
	Units    int
}

// MeasureName returns a measure's name in the page's language.
func (v TargetsView) MeasureName(code string) string {
	for _, m := range v.Measures {
		if m.Code == code {
			return m.Name(v.Lang)
		}
	}
	return code
}

// Form returns the posted form of a section, or an empty one.
func (v TargetsView) Form(section string) Form {
	if f, ok := v.Forms[section]; ok {
		return f
	}
	return Form{Values: map[string]string{}, Errors: map[string]string{}}
}

func (s *Server) targetsShow(w http.ResponseWriter, r *http.Request) {
	s.renderTargets(w, r, http.StatusOK, TargetsView{})
}

func (s *Server) renderTargets(w http.ResponseWriter, r *http.Request, status int, v TargetsView) {
	ctx := r.Context()
	ms, ps, err := s.progress.Plans(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	set, err := s.db.CountSettings(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Base, v.Measures, v.Plans, v.Settings = s.base(r, "targets.title"), ms, ps, set
	for section := range v.Forms { // the page opens at its top: say there what was refused, and where
		v.Problem = section
	}
	if len(v.Problems) > 0 {
		v.Problem = "past-problems"
	}
	for _, c := range measure.Counts {
		v.Counts = append(v.Counts, c.Count)
	}
	s.render(w, r, status, "targets", v)
}

// targetsDone answers a write: back to the page with a flash, or the page again with the
// section's errors.
func (s *Server) targetsDone(w http.ResponseWriter, r *http.Request, section string, f Form, err error) {
	if err == nil {
		flash(w, "flash.targets_saved")
		http.Redirect(w, r, "/targets#"+section, http.StatusSeeOther)
		return
	}
	if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
		s.fail(w, r, err)
		return
	}
	s.setError(r, &f, err)
	for k, msg := range f.Errors { // problems of fields the form does not show, e.g. a plan's targets
		if _, shown := f.Values[k]; !shown {
			f.Error = strings.TrimSpace(f.Error + " " + k + ": " + msg)
		}
	}
	s.renderTargets(w, r, http.StatusUnprocessableEntity, TargetsView{Forms: map[string]Form{section: f}})
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func (s *Server) targetsPlanSave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	f := newForm(r, "code", "label", "name", "issuer", "start_year", "end_year")
	p := measure.Plan{Code: f.Get("code"), Label: f.Get("label"), Name: f.Get("name"), Issuer: f.Get("issuer"), StartYear: atoi(f.Get("start_year")), EndYear: atoi(f.Get("end_year"))}
	s.targetsDone(w, r, "plan", f, s.progress.SavePlan(r.Context(), principal(r), p))
}

func (s *Server) targetsTargetSet(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	f := newForm(r, "measure", "year", "value", "note")
	value, err := strconv.ParseFloat(normaliseDecimal(f.Get("value")), 64)
	if err != nil {
		value = -1 // refused as outside 0–100% by the service, next to the field
	}
	t := measure.Target{Measure: f.Get("measure"), Year: atoi(f.Get("year")), Value: value, Note: f.Get("note")}
	s.targetsDone(w, r, "target:"+r.PathValue("code"), f, s.progress.SetTarget(r.Context(), principal(r), r.PathValue("code"), t))
}

// normaliseDecimal accepts "40,5" as well as "40.5".
func normaliseDecimal(s string) string {
	out := []rune(s)
	for i, c := range out {
		if c == ',' {
			out[i] = '.'
		}
	}
	return string(out)
}

func (s *Server) targetsTargetDelete(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	f := newForm(r, "measure", "year")
	s.targetsDone(w, r, "target:"+r.PathValue("code"), f,
		s.progress.DeleteTarget(r.Context(), principal(r), r.PathValue("code"), f.Get("measure"), atoi(f.Get("year"))))
}

func (s *Server) targetsMeasureSave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	f := newForm(r, "code", "name_vi", "name_en", "numerator", "denominator", "source", "main")
	m := measure.Measure{Code: f.Get("code"), NameVI: f.Get("name_vi"), NameEN: f.Get("name_en"), Numerator: measure.Count(f.Get("numerator")),
		Denominator: measure.Count(f.Get("denominator")), Source: f.Get("source"), Main: f.Get("main") == "1"}
	s.targetsDone(w, r, "measure", f, s.progress.SaveMeasure(r.Context(), principal(r), m))
}

func (s *Server) targetsSettings(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	f := newForm(r, "adult_age", "first_year")
	set := store.CountSettings{AdultAge: atoi(f.Get("adult_age")), FirstYear: atoi(f.Get("first_year"))}
	s.targetsDone(w, r, "settings", f, s.progress.SetSettings(r.Context(), principal(r), set))
}

// pastFiguresPreview checks an uploaded file of past figures: every problem is listed and
// nothing kept; a file without problems waits for confirmation.
func (s *Server) pastFiguresPreview(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPastFigures+64<<10)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.renderTargets(w, r, http.StatusUnprocessableEntity, TargetsView{Problems: []string{s.cat.T(lang(r), "progress.past.missing")}})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxPastFigures+1))
	if err != nil || len(data) > maxPastFigures {
		s.renderTargets(w, r, http.StatusRequestEntityTooLarge, TargetsView{Problems: []string{s.cat.T(lang(r), "progress.past.too_large", maxPastFigures>>20)}})
		return
	}
	figs, problems, err := s.progress.ParsePastFigures(r.Context(), hdr.Filename, data)
	if err == nil && len(problems) > 0 {
		err = problems
	}
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		s.renderTargets(w, r, http.StatusUnprocessableEntity, TargetsView{Problems: s.problems(r, err)})
		return
	}
	p := store.PendingImport{UserID: principal(r).UserID, Kind: progress.PastFiguresImport, ProvinceCode: "01", FileName: hdr.Filename, Payload: data}
	if err := s.db.Write(r.Context(), func(tx *store.Tx) error { return tx.SavePendingImport(r.Context(), &p, time.Hour) }); err != nil {
		s.fail(w, r, err)
		return
	}
	prev := &PastPreview{ID: p.ID, FileName: hdr.Filename, Rows: len(figs)}
	years, units := map[int]bool{}, map[string]bool{}
	for _, f := range figs {
		if !years[f.Year] {
			years[f.Year] = true
			prev.Years = append(prev.Years, f.Year)
		}
		units[f.Era+"/"+f.UnitCode] = true
	}
	prev.Units = len(units)
	s.renderTargets(w, r, http.StatusOK, TargetsView{Pending: prev})
}

func (s *Server) pastFiguresConfirm(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, fault.ErrNotFound)
		return
	}
	if _, err := s.progress.ConfirmPastFigures(r.Context(), principal(r), id); err != nil {
		if k := fault.KindOf(err); k != fault.Invalid {
			s.fail(w, r, err)
			return
		}
		s.renderTargets(w, r, http.StatusUnprocessableEntity, TargetsView{Problems: s.problems(r, err)})
		return
	}
	flash(w, "flash.past_figures_imported")
	http.Redirect(w, r, "/targets#past", http.StatusSeeOther)
}
