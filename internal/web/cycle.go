package web

import (
	"net/http"
	"strconv"

	"hoctap/internal/auth"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// CycleListView lists the yearly cycles and, for city officers, the form to open one.
type CycleListView struct {
	Base
	Cycles    []store.Cycle
	Sets      []store.CriteriaSet
	CanManage bool
	Form      Form
	Today     string
}

var cycleFields = []string{"year", "criteria_set_id", "opens_on", "pledge_by", "self_assess_by", "verify_by", "appraise_by", "decide_by"}

func (s *Server) cycleList(w http.ResponseWriter, r *http.Request) {
	f := Form{Values: map[string]string{}, Errors: map[string]string{}}
	year := s.db.Now().Year() + 1
	f.Values["year"] = strconv.Itoa(year)
	for k, v := range map[string]string{"opens_on": "-01-01", "pledge_by": "-03-31", "self_assess_by": "-09-30", "verify_by": "-10-31",
		"appraise_by": "-11-20", "decide_by": "-12-15"} {
		f.Values[k] = strconv.Itoa(year) + v
	}
	s.renderCycleList(w, r, http.StatusOK, f)
}

func (s *Server) renderCycleList(w http.ResponseWriter, r *http.Request, status int, f Form) {
	ctx := r.Context()
	cs, err := s.db.AllCycles(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sets, err := s.db.CriteriaSets(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "cycles", CycleListView{Base: s.base(r, "cycles.title"), Cycles: cs, Sets: sets,
		CanManage: principal(r).Can(auth.PermManageCriteria), Form: f, Today: s.rec.Today()})
}

func cycleInput(f Form) recognition.CycleInput {
	year, _ := strconv.Atoi(f.Get("year"))
	setID, _ := strconv.ParseInt(f.Get("criteria_set_id"), 10, 64)
	return recognition.CycleInput{Year: year, CriteriaSetID: setID, Dates: evaluation.Dates{OpensOn: f.Get("opens_on"), PledgeBy: f.Get("pledge_by"),
		SelfAssessBy: f.Get("self_assess_by"), VerifyBy: f.Get("verify_by"), AppraiseBy: f.Get("appraise_by"), DecideBy: f.Get("decide_by")}}
}

func (s *Server) cycleCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, cycleFields...)
	c, err := s.rec.CreateCycle(r.Context(), principal(r), cycleInput(f))
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		s.setError(r, &f, err)
		s.renderCycleList(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	flash(w, "flash.cycle_created")
	http.Redirect(w, r, "/cycles/"+itoa(c.ID), http.StatusSeeOther)
}

// CycleView is one cycle: its deadlines, the pipeline and what is late in the viewer's scope,
// and the communes with their proposal lists.
type CycleView struct {
	Base
	Cycle     store.Cycle
	Set       store.CriteriaSet
	Sets      []store.CriteriaSet
	Pipeline  []PipelineStep
	Communes  []CommuneOption
	Decisions []store.Decision
	CanManage bool
	Form      Form
	Today     string
}

// PipelineStep is one state's count in a pipeline, and whether those are late.
type PipelineStep struct {
	State evaluation.State
	Count int
	Late  bool
	Due   string
}

func (s *Server) pipeline(c store.Cycle, counts map[evaluation.State]int) []PipelineStep {
	today := s.rec.Today()
	var out []PipelineStep
	for _, st := range evaluation.States {
		due, _ := evaluation.Deadline(c.Dates, st)
		out = append(out, PipelineStep{State: st, Count: counts[st], Late: counts[st] > 0 && c.Late(st, today), Due: due})
	}
	return out
}

func (s *Server) cycleShow(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCycle(w, r)
	if !ok {
		return
	}
	f := Form{Values: map[string]string{"criteria_set_id": itoa(c.CriteriaSetID), "opens_on": c.OpensOn, "pledge_by": c.PledgeBy,
		"self_assess_by": c.SelfAssessBy, "verify_by": c.VerifyBy, "appraise_by": c.AppraiseBy, "decide_by": c.DecideBy}, Errors: map[string]string{}}
	s.renderCycle(w, r, http.StatusOK, c, f)
}

func (s *Server) loadCycle(w http.ResponseWriter, r *http.Request) (store.Cycle, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return store.Cycle{}, false
	}
	c, err := s.db.Cycle(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return c, false
	}
	return c, true
}

func (s *Server) renderCycle(w http.ResponseWriter, r *http.Request, status int, c store.Cycle, f Form) {
	ctx, p := r.Context(), principal(r)
	counts, err := s.db.StateCounts(ctx, store.AssessmentQuery{CycleID: c.ID, Scope: p.Scope(auth.PermViewAssessments)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	set, err := s.db.CriteriaSet(ctx, c.CriteriaSetID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sets, err := s.db.CriteriaSets(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	decisions, err := s.db.Decisions(ctx, c.ID, p.Scope(auth.PermViewAssessments))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := CycleView{Base: s.base(r, "cycles.title"), Cycle: c, Set: set, Sets: sets, Pipeline: s.pipeline(c, counts), Decisions: decisions,
		CanManage: p.Can(auth.PermManageCriteria), Form: f, Today: s.rec.Today()}
	view.Title = recognition.TitleName(c.Title) + " — " + view.T("cycles.year", strconv.Itoa(c.Year))
	view.Communes = s.managedCommunes(p, auth.PermViewAssessments)
	if set, err := s.rec.Set(ctx, c.CriteriaSetID); err == nil && set.RecognisingLevel() == "city" {
		// The city recognises this title: one list for the whole city.
		view.Communes = nil
		if p.CanAt(auth.PermViewAssessments, auth.Place{ProvinceCode: s.units.Province().Code}) {
			view.Communes = []CommuneOption{{Code: cityCode, Name: view.T("proposal.city")}}
		}
	}
	s.render(w, r, status, "cycle", view)
}

func (s *Server) cycleUpdate(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCycle(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, cycleFields...)
	if err := s.rec.UpdateCycle(r.Context(), principal(r), c.ID, cycleInput(f)); err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		s.setError(r, &f, err)
		s.renderCycle(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	flash(w, "flash.cycle_updated")
	http.Redirect(w, r, "/cycles/"+itoa(c.ID), http.StatusSeeOther)
}

// currentCycleRedirect sends "the evaluation" menu item to the current year's cycle.
func (s *Server) currentCycleRedirect(w http.ResponseWriter, r *http.Request) {
	c, err := s.rec.CurrentCycle(r.Context())
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			http.Redirect(w, r, "/cycles", http.StatusSeeOther)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/cycles/"+itoa(c.ID), http.StatusSeeOther)
}

// CycleDateFields are the form fields of a cycle's dates, in the order of the year.
func (Base) CycleDateFields() []string { return cycleFields[2:] }
