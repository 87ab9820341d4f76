package web

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/learningrecord"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// maxAssessmentForm bounds a self-assessment with its evidence: a few photos from a phone.
// Anything larger is refused before it is read.
const maxAssessmentForm = 3*recognition.MaxEvidenceBytes + 1<<20

// AssessmentListView lists a cycle's assessments in the viewer's scope, with bulk actions.
type AssessmentListView struct {
	Base
	Cycle       store.Cycle
	Rows        []store.Assessment
	Total       int
	State       string
	Verify      bool // the verifier's list: rows placed where they are verified
	Pipeline    []PipelineStep
	CanVerify   bool
	CanAppraise bool
	Page        Pager
}

// Pager is the position in a long list.
type Pager struct {
	Page, Pages int
	Prev, Next  string
}

const listPageSize = 100

func (s *Server) assessmentList(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCycle(w, r)
	if !ok {
		return
	}
	p, qv := principal(r), r.URL.Query()
	state := qv.Get("state")
	q := store.AssessmentQuery{CycleID: c.ID, ForVerifier: qv.Get("verify") == "1", CommuneCode: qv.Get("commune")}
	if state != "" {
		if !evaluation.State(state).Valid() {
			s.fail(w, r, fault.ErrNotFound)
			return
		}
		q.States = []evaluation.State{evaluation.State(state)}
	}
	q.VillageID, _ = strconv.ParseInt(qv.Get("village"), 10, 64)
	page, _ := strconv.Atoi(qv.Get("page"))
	page = max(page, 1)
	q.Limit, q.Offset = listPageSize, (page-1)*listPageSize
	rows, total, err := s.rec.List(r.Context(), p, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.db.StateCounts(r.Context(), store.AssessmentQuery{CycleID: c.ID, Scope: p.Scope(auth.PermViewAssessments)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := AssessmentListView{Base: s.base(r, "assessments.title"), Cycle: c, Rows: rows, Total: total, State: state, Verify: q.ForVerifier,
		Pipeline: s.pipeline(c, counts), CanVerify: p.Can(auth.PermVerifyAssessments), CanAppraise: p.Can(auth.PermAppraiseAssessments)}
	view.Page = pager(r, page, total, listPageSize)
	s.render(w, r, http.StatusOK, "assessments", view)
}

func pager(r *http.Request, page, total, size int) Pager {
	pg := Pager{Page: page, Pages: max(1, (total+size-1)/size)}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		pg.Prev = link(page - 1)
	}
	if page < pg.Pages {
		pg.Next = link(page + 1)
	}
	return pg
}

// AssessmentView is one assessment: scores against the criteria, evidence, history and the
// actions the viewer may take now.
type AssessmentView struct {
	Base
	A            store.Assessment
	Cycle        store.Cycle
	Set          *criteria.Set
	Group        *criteria.TargetGroup
	Rows         []IndicatorRow
	Result       criteria.Result
	Steps        []store.AssessmentStep
	Certificate  *store.Certificate
	Commune      string
	Own          bool // the viewer is the person
	CanChange    bool // the self-assessment may still be changed by the viewer
	CanVerify    bool
	CanAppraise  bool
	CanDecided   bool // may reopen or revoke
	Late         bool
	Form         Form
	Citizen      bool   // the subject is a person (consent, digital skills)
	SubjectLink  string // the page of the household, clan, village, unit or person
	GradeName    string
	LevelName    string
	ItemsOffered bool // the person has learning-record items of the year to attach
}

// IndicatorRow is one indicator with its scores and evidence.
type IndicatorRow struct {
	criteria.Indicator
	Competency string
	SelfScore  int
	Score      int
	Scored     bool
	Adjusted   *store.Adjustment
	Below      bool
	Files      []store.Evidence // evidence attached (Indicator.Evidence are the suggestions)
	Points     []int            // the scores one may give, 0 … Max
	Computed   *store.Computation
	Members    []string   // the names behind a computed figure (the first 60)
	Items      []FormItem // learning-record items suggested for this indicator or attached to it
	OtherItems []FormItem // the person's other items of the year, to attach by hand
}

func (s *Server) loadAssessment(w http.ResponseWriter, r *http.Request) (store.Assessment, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return store.Assessment{}, false
	}
	a, err := s.rec.Assessment(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return a, false
	}
	return a, true
}

// assessmentView gathers everything the detail page and the form show.
func (s *Server) assessmentView(r *http.Request, a store.Assessment, titleKey string) (AssessmentView, error) {
	ctx, p := r.Context(), principal(r)
	v := AssessmentView{Base: s.base(r, titleKey), A: a, Commune: s.communeName(a.CommuneCode),
		Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	var err error
	if v.Cycle, err = s.db.Cycle(ctx, a.CycleID); err != nil {
		return v, err
	}
	if v.Set, err = s.rec.Set(ctx, v.Cycle.CriteriaSetID); err != nil {
		return v, err
	}
	g, ok := v.Set.Group(a.TargetGroup)
	if !ok {
		g = &v.Set.TargetGroups[0]
	}
	v.Group = g
	ev, err := s.db.EvidenceOf(ctx, a.ID)
	if err != nil {
		return v, err
	}
	if v.Steps, err = s.db.AssessmentSteps(ctx, a.ID); err != nil {
		return v, err
	}
	if a.Scores != nil {
		v.Result, _ = v.Set.Evaluate(a.TargetGroup, a.Scores)
	}
	computed, err := s.rec.Computed(ctx, a)
	if err != nil {
		return v, err
	}
	comp := map[string]string{}
	for _, c := range v.Set.Competencies {
		comp[c.Code] = c.NameVI
		if v.Lang == "en" && c.NameEN != "" {
			comp[c.Code] = c.NameEN
		}
	}
	for _, in := range g.Indicators {
		row := IndicatorRow{Indicator: in, Competency: comp[in.Competency]}
		for n := 0; n <= in.Max; n++ {
			row.Points = append(row.Points, n)
		}
		row.SelfScore, row.Scored = a.SelfScores[in.Code]
		row.Score = a.Scores[in.Code]
		row.Below = row.Scored && row.Score < v.Set.PassRule.MinEach
		if c, ok := computed[in.Code]; ok {
			row.Computed = &c
			if row.Members, err = s.db.MemberNames(ctx, recognition.MemberKind(in.Computed.Measure), c.Members, 60); err != nil {
				return v, err
			}
		}
		for i := range a.Adjustments {
			if a.Adjustments[i].Code == in.Code {
				row.Adjusted = &a.Adjustments[i]
			}
		}
		for _, e := range ev {
			if e.IndicatorCode == in.Code {
				row.Files = append(row.Files, e)
			}
		}
		v.Rows = append(v.Rows, row)
	}
	if a.State.Decided() {
		if k, err := s.db.CertificateOf(ctx, a.ID); err == nil {
			v.Certificate = &k
		} else if fault.KindOf(err) != fault.NotFound {
			return v, err
		}
	}
	at := store.AssessmentPlace(a)
	v.Own = p.CanAt(auth.PermSelfAssess, auth.Place{CitizenID: a.CitizenID})
	v.CanChange = evaluation.CanTake(evaluation.StepSubmit, a.State) && (v.Own || p.CanAt(auth.PermAssistAssessment, at))
	v.CanVerify = a.State == evaluation.StateSelfAssessed && recognition.MayVerify(p, a) && !v.Own
	recognise := recognition.MayRecognise(p, a, v.Set)
	v.CanAppraise = a.State == evaluation.StateVerified && recognise && !v.Own
	v.CanDecided = (a.State == evaluation.StateRecognised || a.State == evaluation.StateNotRecognised) && recognise
	v.Citizen = a.SubjectKind == criteria.SubjectCitizen
	v.SubjectLink = subjectLink(a)
	for _, g := range v.Set.Grades {
		if g.Code == a.Grade {
			v.GradeName = g.NameVI
		}
	}
	for _, lv := range v.Set.Levels {
		if lv.Level == a.Level {
			v.LevelName = lv.NameVI
		}
	}
	v.Late = v.Cycle.Late(a.State, s.rec.Today())
	return v, nil
}

func (s *Server) assessmentShow(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	v, err := s.assessmentView(r, a, "assessment.title")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Title = a.FullName + " — " + v.T("assessment.title")
	// The attached learning items, to those who may read the person's record.
	if err := s.learningItems(r, &v); err != nil && fault.KindOf(err) != fault.Forbidden {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "assessment", v)
}

// HasEvidence tells whether the indicator has any evidence attached: a file or a learning item.
func (row IndicatorRow) HasEvidence() bool {
	if len(row.Files) > 0 {
		return true
	}
	for _, it := range row.Items {
		if it.Checked {
			return true
		}
	}
	return false
}

// FormItem is an item of the person's learning record offered as evidence for an indicator.
type FormItem struct {
	Value     string // "kind:id", the form's value
	Title     string
	Day       string
	Hours     string
	Confirmed bool // confirmed by a provider or an officer, not only declared
	Checked   bool
}

// learningItems offers each indicator the person's learning-record items of the cycle's year:
// those that support it first (the record's suggestions), and the others on request.
func (s *Server) learningItems(r *http.Request, v *AssessmentView) error {
	if !v.Citizen {
		return nil
	}
	items, err := s.record.ItemsForYear(r.Context(), principal(r), v.A.CitizenID, v.Cycle.Year)
	if err != nil {
		return err
	}
	attached, err := s.db.LearningItemsOf(r.Context(), v.A.ID)
	if err != nil {
		return err
	}
	on := map[string]bool{}
	for _, l := range attached {
		on[l.IndicatorCode+"/"+l.ItemKind+":"+itoa(l.ItemID)] = true
	}
	for i := range v.Rows {
		row := &v.Rows[i]
		for _, it := range items {
			if it.Kind != store.ItemCompletion && it.Kind != store.ItemActivity {
				continue
			}
			fi := FormItem{Value: it.Kind + ":" + itoa(it.ID), Title: it.Title, Day: it.Day, Hours: it.Hours(), Confirmed: it.Status != learningrecord.StatusSelfDeclared}
			fi.Checked = on[row.Code+"/"+fi.Value]
			if fi.Checked || slices.Contains(it.Suggest, row.Code) {
				row.Items = append(row.Items, fi)
			} else {
				row.OtherItems = append(row.OtherItems, fi)
			}
		}
	}
	v.ItemsOffered = len(items) > 0
	return nil
}

// postedItems reads the learning-record items ticked for each indicator.
func postedItems(r *http.Request, rows []IndicatorRow) []recognition.LearningItem {
	items := []recognition.LearningItem{}
	for _, row := range rows {
		for _, raw := range r.Form["item_"+row.Code] {
			kind, id, ok := strings.Cut(raw, ":")
			n, err := strconv.ParseInt(id, 10, 64)
			if ok && err == nil {
				items = append(items, recognition.LearningItem{Indicator: row.Code, Kind: kind, ID: n})
			}
		}
	}
	return items
}

// AssessmentFormView is the self-assessment form, for the person or for a collector helping them.
type AssessmentFormView struct {
	AssessmentView
	Groups []criteria.TargetGroup
	Last   map[string]int // last year's scores, shown beside each indicator (not pre-filled)
}

func (s *Server) assessmentForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	s.renderAssessmentForm(w, r, http.StatusOK, a, nil, nil)
}

func (s *Server) renderAssessmentForm(w http.ResponseWriter, r *http.Request, status int, a store.Assessment, posted map[string]string, err error) {
	v, verr := s.assessmentView(r, a, "assessment.form.title")
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	if !v.CanChange {
		s.fail(w, r, outOfOrderOrForbidden(v))
		return
	}
	for _, row := range v.Rows {
		if row.Scored {
			v.Form.Values[row.Code] = strconv.Itoa(row.SelfScore)
		}
	}
	v.Form.Values["target_group"] = a.TargetGroup
	for k, val := range posted {
		v.Form.Values[k] = val
	}
	if err != nil {
		s.setError(r, &v.Form, err)
	}
	if err := s.learningItems(r, &v); err != nil {
		s.fail(w, r, err)
		return
	}
	fv := AssessmentFormView{AssessmentView: v, Groups: v.Set.TargetGroups, Last: s.lastScores(r, a)}
	fv.Title = a.FullName + " — " + v.T("assessment.form.title")
	s.render(w, r, status, "assessment_form", fv)
}

func outOfOrderOrForbidden(v AssessmentView) error {
	if evaluation.CanTake(evaluation.StepSubmit, v.A.State) {
		return fault.ErrForbidden
	}
	return fault.New(fault.Conflict, "assessment.step.out_of_order", string(evaluation.StepSubmit), string(v.A.State))
}

// lastScores returns the person's verified scores of the previous cycle, if any.
func (s *Server) lastScores(r *http.Request, a store.Assessment) map[string]int {
	as, err := s.db.AssessmentsOfCitizen(r.Context(), a.CitizenID)
	if err != nil {
		return nil
	}
	for _, x := range as {
		if x.CycleID < a.CycleID && x.Scores != nil {
			return x.Scores
		}
	}
	return nil
}

func (s *Server) assessmentSubmit(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAssessmentForm)
	if err := r.ParseMultipartForm(4 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderError(w, r, http.StatusRequestEntityTooLarge, "evidence.request_too_large", maxAssessmentForm>>20)
			return
		}
		s.fail(w, r, fault.New(fault.Invalid, "form.invalid"))
		return
	}
	set, err := s.rec.Set(r.Context(), mustCycle(s, r, a).CriteriaSetID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	group := r.FormValue("target_group")
	if group == "" {
		group = a.TargetGroup
	}
	sub := recognition.Submission{TargetGroup: group, Scores: map[string]int{}, ConsentMethod: r.FormValue("consent_method")}
	posted := map[string]string{"target_group": group, "consent_method": sub.ConsentMethod}
	var es fault.Errors
	if g, ok := set.Group(group); ok {
		for _, in := range g.Indicators {
			raw := strings.TrimSpace(r.FormValue(in.Code))
			posted[in.Code] = raw
			if raw == "" {
				continue // the service reports the missing indicator
			}
			n, err := strconv.Atoi(raw)
			if err != nil {
				es = append(es, fault.Field(in.Code, "assessment.score.number"))
				continue
			}
			sub.Scores[in.Code] = n
			if fhs := r.MultipartForm; fhs != nil {
				for _, fh := range fhs.File["evidence_"+in.Code] {
					f, err := fh.Open()
					if err != nil {
						s.fail(w, r, err)
						return
					}
					data, err := io.ReadAll(io.LimitReader(f, recognition.MaxEvidenceBytes+1))
					f.Close()
					if err != nil {
						s.fail(w, r, err)
						return
					}
					sub.Evidence = append(sub.Evidence, recognition.Upload{Indicator: in.Code, FileName: fh.Filename, Data: data})
				}
			}
		}
	}
	for _, raw := range r.Form["remove_evidence"] {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
			sub.Remove = append(sub.Remove, id)
		}
	}
	if len(es) > 0 {
		s.renderAssessmentForm(w, r, http.StatusUnprocessableEntity, a, posted, es)
		return
	}
	if r.FormValue("items_shown") == "1" {
		if g, ok := set.Group(group); ok {
			var rows []IndicatorRow
			for _, in := range g.Indicators {
				rows = append(rows, IndicatorRow{Indicator: in})
			}
			sub.Items = postedItems(r, rows)
		}
	}
	if _, err := s.rec.Submit(r.Context(), principal(r), a.ID, sub); err != nil {
		if k := fault.KindOf(err); k != fault.Invalid {
			s.fail(w, r, err)
			return
		}
		s.renderAssessmentForm(w, r, http.StatusUnprocessableEntity, a, posted, err)
		return
	}
	flash(w, "flash.assessment_submitted")
	http.Redirect(w, r, "/assessments/"+itoa(a.ID), http.StatusSeeOther)
}

func mustCycle(s *Server, r *http.Request, a store.Assessment) store.Cycle {
	c, _ := s.db.Cycle(r.Context(), a.CycleID) // an assessment's cycle always exists (foreign key)
	return c
}

func (s *Server) evidenceFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, data, err := s.rec.EvidenceFile(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", e.ContentType)
	w.Header().Set("Content-Disposition", `inline; filename="`+strings.ReplaceAll(e.FileName, `"`, "")+`"`)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
}

// afterStep redirects back to the assessment with a flash, or shows the refusal on its page.
func (s *Server) afterStep(w http.ResponseWriter, r *http.Request, a store.Assessment, err error, flashKey string) {
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		v, verr := s.assessmentView(r, a, "assessment.title")
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		for k := range r.PostForm {
			v.Form.Values[k] = r.PostFormValue(k)
		}
		s.setError(r, &v.Form, err)
		if v.Form.Error == "" {
			v.Form.Error = strings.Join(s.problems(r, err), " ")
		}
		s.render(w, r, http.StatusUnprocessableEntity, "assessment", v)
		return
	}
	flash(w, flashKey)
	http.Redirect(w, r, "/assessments/"+itoa(a.ID), http.StatusSeeOther)
}

func (s *Server) assessmentVerify(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	_ = r.ParseForm()
	changes := map[string]recognition.ScoreChange{}
	var es fault.Errors
	for code, old := range a.Scores {
		raw := strings.TrimSpace(r.PostFormValue("score_" + code))
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			es = append(es, fault.Field("score_"+code, "assessment.score.number"))
			continue
		}
		if n != old {
			changes[code] = recognition.ScoreChange{To: n, Reason: r.PostFormValue("reason_" + code)}
		}
	}
	if len(es) > 0 {
		s.afterStep(w, r, a, es, "")
		return
	}
	_, err := s.rec.Verify(r.Context(), principal(r), a.ID, changes)
	s.afterStep(w, r, a, err, "flash.assessment_verified")
}

func (s *Server) assessmentReturn(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	s.afterStep(w, r, a, s.rec.Return(r.Context(), principal(r), a.ID, r.PostFormValue("comment")), "flash.assessment_returned")
}

func (s *Server) assessmentAppraise(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	err := s.rec.Appraise(r.Context(), principal(r), a.ID, r.PostFormValue("propose") == "1", r.PostFormValue("reason"))
	s.afterStep(w, r, a, err, "flash.assessment_appraised")
}

func (s *Server) assessmentReopen(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	s.afterStep(w, r, a, s.rec.Reopen(r.Context(), principal(r), a.ID, r.PostFormValue("reason")), "flash.assessment_reopened")
}

func (s *Server) assessmentRevoke(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	s.afterStep(w, r, a, s.rec.Revoke(r.Context(), principal(r), a.ID, r.PostFormValue("reason")), "flash.assessment_revoked")
}

// selectedIDs reads the ticked rows of a bulk form.
func selectedIDs(r *http.Request) []int64 {
	var ids []int64
	for _, raw := range r.PostForm["id"] {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// bulkStep runs a bulk action from a list and goes back to it.
func (s *Server) bulkStep(w http.ResponseWriter, r *http.Request, run func(ids []int64) (int, error), flashKey string) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	_ = r.ParseForm()
	ids := selectedIDs(r)
	back := safeNext(r.PostFormValue("next"))
	if len(ids) == 0 {
		flash(w, "flash.nothing_selected")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if _, err := run(ids); err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict && k != fault.Forbidden {
			s.fail(w, r, err)
			return
		}
		status := http.StatusUnprocessableEntity
		if fault.KindOf(err) == fault.Forbidden {
			status = http.StatusForbidden
		}
		s.renderError(w, r, status, "assessments.bulk.refused", strings.Join(s.problems(r, err), " "))
		return
	}
	flash(w, flashKey)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Server) assessmentsVerify(w http.ResponseWriter, r *http.Request) {
	s.bulkStep(w, r, func(ids []int64) (int, error) { return s.rec.VerifyMany(r.Context(), principal(r), ids) }, "flash.assessments_verified")
}

func (s *Server) assessmentsAppraise(w http.ResponseWriter, r *http.Request) {
	s.bulkStep(w, r, func(ids []int64) (int, error) { return s.rec.AppraiseMany(r.Context(), principal(r), ids) }, "flash.assessments_appraised")
}

// publicBase is the address certificates point to.
func (s *Server) publicBase(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil || s.cfg.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) assessmentCertificate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf strings.Builder
	if err := s.rec.CertificatePDF(r.Context(), principal(r), id, s.publicBase(r), &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, "application/pdf", "giay-chung-nhan-"+itoa(id)+".pdf", []byte(buf.String()))
}

func (s *Server) assessmentCredential(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.rec.Credential(r.Context(), principal(r), id, s.publicBase(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, "application/vc+ld+json", "chung-nhan-"+itoa(id)+".json", b)
}

// subjectLink is the page of an assessment's subject.
func subjectLink(a store.Assessment) string {
	switch a.SubjectKind {
	case criteria.SubjectHousehold:
		return "/households/" + itoa(a.SubjectID)
	case criteria.SubjectClan:
		return "/clans/" + itoa(a.SubjectID)
	case criteria.SubjectVillage:
		return "/villages/" + itoa(a.SubjectID)
	case criteria.SubjectWorkUnit:
		return "/work-units/" + itoa(a.SubjectID)
	case criteria.SubjectCommune:
		return "/units/2025-07/" + a.CommuneCode
	}
	return "/citizens/" + itoa(a.SubjectID)
}
