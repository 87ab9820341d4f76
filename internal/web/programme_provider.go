package web

import (
	"net/http"
	"strconv"
	"strings"

	"hoctap/internal/adminunit"
	"hoctap/internal/fault"
	"hoctap/internal/learning"
	"hoctap/internal/store"
)

// ProviderProgrammesView lists the programmes a provider manages.
type ProviderProgrammesView struct {
	Base
	programmePage
	Programmes []store.Programme
}

func (s *Server) providerProgrammes(w http.ResponseWriter, r *http.Request) {
	ps, _, err := s.learning.Managed(r.Context(), principal(r), store.CatalogueQuery{Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "provider_programmes", ProviderProgrammesView{Base: s.base(r, "programme.provider.title"), programmePage: s.pp(), Programmes: ps})
}

// SessionRow is one row of the sessions of the programme form.
type SessionRow struct {
	ID              int64
	Day, Start, End string
	Locked          bool // it has attendance: shown, not changed
	Present         int
	N               int
}

// ProgrammeFormView is the form of a programme.
type ProgrammeFormView struct {
	Base
	programmePage
	ID        int64
	Providers []store.Provider
	Communes  []CommuneOption
	Topics    []string
	Modes     []string
	Sessions  []SessionRow
	Form      Form
}

// programmeFields are the fields of the programme form.
var programmeFields = []string{"provider_id", "title", "description", "topic", "audience", "mode", "commune_code", "address", "hours", "capacity",
	"issues_certificate", "min_attendance"}

func (s *Server) programmeForm(r *http.Request, f Form, sessions []SessionRow, id int64) (ProgrammeFormView, error) {
	v := ProgrammeFormView{Base: s.base(r, "programme.new"), programmePage: s.pp(), ID: id, Topics: learning.Topics, Modes: learning.Modes, Form: f}
	if id != 0 {
		v.Title = v.T("programme.edit")
	}
	var err error
	if v.Providers, err = s.learning.ProvidersOf(r.Context(), principal(r)); err != nil {
		return v, err
	}
	for _, u := range s.units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
		v.Communes = append(v.Communes, CommuneOption{Code: u.Code, Name: u.Name})
	}
	// Three empty rows to add sessions; the form works without script.
	for range 3 {
		sessions = append(sessions, SessionRow{})
	}
	for i := range sessions {
		sessions[i].N = i + 1
	}
	v.Sessions = sessions
	return v, nil
}

func (s *Server) providerProgrammeNew(w http.ResponseWriter, r *http.Request) {
	f := Form{Values: map[string]string{"min_attendance": "80", "capacity": "30", "mode": "in_person", "topic": "digital_skills"}, Errors: map[string]string{}}
	provs, err := s.learning.ProvidersOf(r.Context(), principal(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(provs) > 0 {
		f.Values["commune_code"] = provs[0].CommuneCode
	}
	v, err := s.programmeForm(r, f, nil, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "provider_programme_form", v)
}

// parseProgramme reads the programme form.
func parseProgramme(r *http.Request) (learning.ProgrammeInput, Form, []SessionRow) {
	f := newForm(r, programmeFields...)
	num := func(k string) int { n, _ := strconv.Atoi(f.Get(k)); return n }
	hours, _ := strconv.ParseFloat(strings.Replace(f.Get("hours"), ",", ".", 1), 64)
	if f.Get("hours") != "" && hours == 0 {
		hours = -1 // typed but not a number: refused by Validate
	}
	in := learning.ProgrammeInput{Title: f.Get("title"), Description: f.Get("description"), Topic: f.Get("topic"), Audience: f.Get("audience"),
		Mode: f.Get("mode"), CommuneCode: f.Get("commune_code"), Address: f.Get("address"), Hours: hours, Capacity: num("capacity"),
		IssuesCertificate: f.Get("issues_certificate") != "", MinAttendance: num("min_attendance")}
	if in.Capacity == 0 && f.Get("capacity") != "" {
		in.Capacity = -1
	}
	ids, days, starts, ends := r.PostForm["session_id"], r.PostForm["day"], r.PostForm["start"], r.PostForm["end"]
	var rows []SessionRow
	for i := range days {
		get := func(list []string) string {
			if i < len(list) {
				return strings.TrimSpace(list[i])
			}
			return ""
		}
		id, _ := strconv.ParseInt(get(ids), 10, 64)
		x := learning.SessionInput{ID: id, Day: get(days), Start: get(starts), End: get(ends)}
		if x.Day == "" && x.Start == "" && x.End == "" {
			continue
		}
		in.Sessions = append(in.Sessions, x)
		rows = append(rows, SessionRow{ID: x.ID, Day: x.Day, Start: x.Start, End: x.End})
	}
	return in, f, rows
}

func (s *Server) providerProgrammeCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	_ = r.ParseForm()
	in, f, rows := parseProgramme(r)
	providerID, _ := strconv.ParseInt(f.Get("provider_id"), 10, 64)
	if providerID == 0 {
		if provs, err := s.learning.ProvidersOf(r.Context(), principal(r)); err == nil && len(provs) == 1 {
			providerID = provs[0].ID
		}
	}
	p, err := s.learning.CreateProgramme(r.Context(), principal(r), providerID, in)
	if err != nil {
		s.programmeFormError(w, r, err, f, rows, 0)
		return
	}
	flash(w, "flash.programme_created")
	http.Redirect(w, r, "/provider/programmes/"+itoa(p.ID), http.StatusSeeOther)
}

func (s *Server) programmeFormError(w http.ResponseWriter, r *http.Request, err error, f Form, rows []SessionRow, id int64) {
	if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
		s.fail(w, r, err)
		return
	}
	for _, e := range fault.FieldErrors(err) {
		if _, taken := f.Errors[e.Field]; taken { // several session problems: show them all
			f.Errors[e.Field] += " " + s.cat.T(lang(r), e.Key, e.Args...)
		}
	}
	s.setError(r, &f, err)
	for _, e := range fault.FieldErrors(err) {
		if e.Field == "sessions" && !strings.Contains(f.Errors["sessions"], s.cat.T(lang(r), e.Key, e.Args...)) {
			f.Errors["sessions"] += " " + s.cat.T(lang(r), e.Key, e.Args...)
		}
	}
	v, verr := s.programmeForm(r, f, rows, id)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, "provider_programme_form", v)
}

// ProviderProgrammeView is a programme as its provider manages it.
type ProviderProgrammeView struct {
	Base
	programmePage
	Programme   store.Programme
	Sessions    []store.ProgrammeSession
	Enrolments  []store.Enrolment
	Completions []store.CompletionDetail
	Required    int
	Today       string
	Form        Form
}

func (s *Server) loadProviderProgramme(w http.ResponseWriter, r *http.Request) (ProviderProgrammeView, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return ProviderProgrammeView{}, false
	}
	p := principal(r)
	prog, sessions, err := s.learning.Programme(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return ProviderProgrammeView{}, false
	}
	v := ProviderProgrammeView{Base: s.base(r, "programme.provider.title"), programmePage: s.pp(), Programme: prog, Sessions: sessions,
		Required: learning.Required(len(sessions), prog.MinAttendance), Today: s.learning.Today(), Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	v.Title = prog.Title
	if v.Enrolments, err = s.learning.Enrolments(r.Context(), p, id); err == nil {
		v.Completions, err = s.learning.Completions(r.Context(), p, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return v, false
	}
	return v, true
}

func (s *Server) providerProgrammeShow(w http.ResponseWriter, r *http.Request) {
	if v, ok := s.loadProviderProgramme(w, r); ok {
		s.render(w, r, http.StatusOK, "provider_programme", v)
	}
}

func (s *Server) providerProgrammeEdit(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadProviderProgramme(w, r)
	if !ok {
		return
	}
	p := v.Programme
	f := Form{Values: map[string]string{"provider_id": itoa(p.ProviderID), "title": p.Title, "description": p.Description, "topic": p.Topic,
		"audience": p.Audience, "mode": p.Mode, "commune_code": p.CommuneCode, "address": p.Address, "hours": learning.FormatHours(p.Minutes),
		"capacity": strconv.Itoa(p.Capacity), "min_attendance": strconv.Itoa(p.MinAttendance)}, Errors: map[string]string{}}
	if p.IssuesCertificate {
		f.Values["issues_certificate"] = "1"
	}
	var rows []SessionRow
	for _, x := range v.Sessions {
		rows = append(rows, SessionRow{ID: x.ID, Day: x.Day, Start: x.Start, End: x.End, Locked: x.Present > 0, Present: x.Present})
	}
	fv, err := s.programmeForm(r, f, rows, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "provider_programme_form", fv)
}

func (s *Server) providerProgrammeUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	_ = r.ParseForm()
	in, f, rows := parseProgramme(r)
	if _, err := s.learning.UpdateProgramme(r.Context(), principal(r), id, in); err != nil {
		s.programmeFormError(w, r, err, f, rows, id)
		return
	}
	flash(w, "flash.programme_saved")
	http.Redirect(w, r, "/provider/programmes/"+itoa(id), http.StatusSeeOther)
}

func (s *Server) providerProgrammePublish(w http.ResponseWriter, r *http.Request) {
	s.programmeStep(w, r, "flash.programme_published", func(id int64) error { return s.learning.Publish(r.Context(), principal(r), id) })
}

func (s *Server) providerProgrammeCancel(w http.ResponseWriter, r *http.Request) {
	s.programmeStep(w, r, "flash.programme_cancelled", func(id int64) error {
		return s.learning.Cancel(r.Context(), principal(r), id, strings.TrimSpace(r.PostFormValue("reason")))
	})
}

// programmeStep runs a step on a programme and goes back to its page, or shows the page with
// the refusal.
func (s *Server) programmeStep(w http.ResponseWriter, r *http.Request, key string, step func(int64) error) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	_ = r.ParseForm()
	if err := step(id); err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		v, ok := s.loadProviderProgramme(w, r)
		if !ok {
			return
		}
		v.Form = newForm(r, "reason")
		s.setError(r, &v.Form, err)
		if v.Form.Error == "" {
			v.Form.Error = v.Form.Errors["reason"]
		}
		s.render(w, r, http.StatusUnprocessableEntity, "provider_programme", v)
		return
	}
	flash(w, key)
	http.Redirect(w, r, "/provider/programmes/"+itoa(id), http.StatusSeeOther)
}
