package web

import (
	"net/http"

	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/fault"
	"hoctap/internal/registry"
	"hoctap/internal/store"
)

// WorkUnitListView lists the work units in scope.
type WorkUnitListView struct {
	Base
	Units     []WorkUnitRow
	CanCreate bool
}

// WorkUnitRow is a work unit with its commune's name and its number of current staff.
type WorkUnitRow struct {
	store.WorkUnitSummary
	CommuneName string
}

func (s *Server) workUnitList(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	list, err := s.db.ListWorkUnits(r.Context(), p.Scope(auth.PermViewOrgs))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	communes, _ := s.workUnitCommunes(p)
	view := WorkUnitListView{Base: s.base(r, "work_unit.list.title"), CanCreate: len(communes) > 0}
	for _, u := range list {
		view.Units = append(view.Units, WorkUnitRow{WorkUnitSummary: u, CommuneName: s.communeName(u.CommuneCode)})
	}
	s.render(w, r, http.StatusOK, "work_units", view)
}

// WorkUnitFormView creates a work unit.
type WorkUnitFormView struct {
	Base
	Form     Form
	Communes []CommuneOption
	Kinds    []string
	Levels   []string
}

func (s *Server) renderWorkUnitForm(w http.ResponseWriter, r *http.Request, status int, f Form) {
	communes, levels := s.workUnitCommunes(principal(r))
	if len(communes) == 0 {
		s.fail(w, r, fault.ErrForbidden)
		return
	}
	s.render(w, r, status, "work_unit_form", WorkUnitFormView{Base: s.base(r, "work_unit.new"), Form: f, Communes: communes,
		Kinds: registry.WorkUnitKinds, Levels: levels})
}

func (s *Server) workUnitNew(w http.ResponseWriter, r *http.Request) {
	f := emptyForm()
	f.Values["kind"] = registry.KindSchool
	s.renderWorkUnitForm(w, r, http.StatusOK, f)
}

func (s *Server) workUnitCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "commune", "name", "kind", "level")
	u, err := s.registry.CreateWorkUnit(r.Context(), principal(r),
		store.WorkUnit{CommuneCode: f.Get("commune"), Name: r.PostFormValue("name"), Kind: f.Get("kind"), Level: f.Get("level")})
	if err != nil {
		if s.orgFormError(w, r, &f, err) {
			s.renderWorkUnitForm(w, r, http.StatusUnprocessableEntity, f)
		}
		return
	}
	flash(w, "flash.work_unit_created")
	http.Redirect(w, r, "/work-units/"+itoa(u.ID), http.StatusSeeOther)
}

// visibleWorkUnit loads a work unit the principal may see, or fails with 404/403.
func (s *Server) visibleWorkUnit(w http.ResponseWriter, r *http.Request) (store.WorkUnit, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return store.WorkUnit{}, false
	}
	u, err := s.db.WorkUnit(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return u, false
	}
	if !principal(r).CanAt(auth.PermViewOrgs, store.WorkUnitPlace(u)) {
		s.fail(w, r, fault.ErrForbidden)
		return u, false
	}
	return u, true
}

// WorkUnitView is a work unit's page: its staff now and before, and the form to add staff.
type WorkUnitView struct {
	Base
	TitleBox    *TitleBox
	Unit        store.WorkUnit
	CommuneName string
	Current     []store.StaffMember
	Past        []store.StaffMember
	Form        Form
	CanManage   bool
}

func (s *Server) workUnitShow(w http.ResponseWriter, r *http.Request) {
	u, ok := s.visibleWorkUnit(w, r)
	if !ok {
		return
	}
	s.renderWorkUnit(w, r, http.StatusOK, u, emptyForm())
}

func (s *Server) renderWorkUnit(w http.ResponseWriter, r *http.Request, status int, u store.WorkUnit, f Form) {
	staff, err := s.db.WorkUnitStaff(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.base(r, "work_unit.show")
	b.Title = u.Name
	view := WorkUnitView{Base: b, Unit: u, CommuneName: s.communeName(u.CommuneCode), Form: f,
		CanManage: principal(r).CanAt(auth.PermManageOrgs, store.WorkUnitPlace(u))}
	for _, m := range staff {
		if m.EndOn == "" {
			view.Current = append(view.Current, m)
		} else {
			view.Past = append(view.Past, m)
		}
	}
	var boxErr error
	if view.TitleBox, boxErr = s.titleBox(r, criteria.SubjectWorkUnit, u.ID); boxErr != nil {
		s.fail(w, r, boxErr)
		return
	}
	s.render(w, r, status, "work_unit", view)
}

func (s *Server) workUnitStaffAdd(w http.ResponseWriter, r *http.Request) {
	u, ok := s.visibleWorkUnit(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "national_id", "position", "civil_servant")
	if _, err := s.registry.AddStaff(r.Context(), principal(r), u.ID, f.Get("national_id"), f.Get("position"), f.Get("civil_servant") == "1"); err != nil {
		if s.orgFormError(w, r, &f, err) {
			s.renderWorkUnit(w, r, http.StatusUnprocessableEntity, u, f)
		}
		return
	}
	flash(w, "flash.staff_added")
	http.Redirect(w, r, "/work-units/"+itoa(u.ID), http.StatusSeeOther)
}

func (s *Server) workUnitStaffEnd(w http.ResponseWriter, r *http.Request) {
	u, ok := s.visibleWorkUnit(w, r)
	if !ok {
		return
	}
	sid, err := pathInt(r, "sid")
	if err == nil {
		err = s.registry.EndStaff(r.Context(), principal(r), u.ID, sid)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.staff_ended")
	http.Redirect(w, r, "/work-units/"+itoa(u.ID), http.StatusSeeOther)
}
