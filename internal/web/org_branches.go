package web

import (
	"net/http"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// BranchListView lists the association branches in scope.
type BranchListView struct {
	Base
	Branches  []BranchRow
	CanCreate bool
}

// BranchRow is a branch with the names of its commune and of its village or work unit.
type BranchRow struct {
	store.BranchSummary
	CommuneName string
	Attached    string // the village's or the work unit's name
}

// communesOf lists the distinct communes of some branches.
func communesOf(bs []store.BranchSummary) []string {
	var out []string
	seen := map[string]bool{}
	for _, b := range bs {
		if !seen[b.CommuneCode] {
			seen[b.CommuneCode] = true
			out = append(out, b.CommuneCode)
		}
	}
	return out
}

func (s *Server) branchList(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	list, err := s.db.ListBranches(r.Context(), p.Scope(auth.PermViewOrgs))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	villages, units, err := s.orgPlaceNames(r, communesOf(list))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	options, err := s.branchOptions(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := BranchListView{Base: s.base(r, "branch.list.title"), CanCreate: len(options.Villages)+len(options.Units) > 0}
	for _, b := range list {
		row := BranchRow{BranchSummary: b, CommuneName: s.communeName(b.CommuneCode), Attached: villages[b.VillageID]}
		if b.WorkUnitID != 0 {
			row.Attached = units[b.WorkUnitID]
		}
		view.Branches = append(view.Branches, row)
	}
	s.render(w, r, http.StatusOK, "branches", view)
}

// BranchOption is a village or work unit a new branch may belong to.
type BranchOption struct {
	ID          int64
	Name        string
	CommuneName string
}

// BranchFormView creates a branch for a village or a work unit.
type BranchFormView struct {
	Base
	Form     Form
	Villages []BranchOption
	Units    []BranchOption
}

// branchOptions lists the villages in use and the work units where the principal may create a
// branch.
func (s *Server) branchOptions(r *http.Request) (BranchFormView, error) {
	p := principal(r)
	scope := p.Scope(auth.PermManageOrgs)
	var view BranchFormView
	if scope.Empty() {
		return view, nil
	}
	vs, err := s.db.ListVillages(r.Context(), store.VillageFilter{Scope: scope})
	if err != nil {
		return view, err
	}
	for _, v := range vs {
		if p.CanAt(auth.PermManageOrgs, store.BranchPlace(store.Branch{ProvinceCode: v.ProvinceCode, CommuneCode: v.CommuneCode, VillageID: v.ID})) {
			view.Villages = append(view.Villages, BranchOption{ID: v.ID, Name: v.Name, CommuneName: s.communeName(v.CommuneCode)})
		}
	}
	ws, err := s.db.ListWorkUnits(r.Context(), scope)
	if err != nil {
		return view, err
	}
	for _, u := range ws {
		if p.CanAt(auth.PermManageOrgs, store.BranchPlace(store.Branch{ProvinceCode: u.ProvinceCode, CommuneCode: u.CommuneCode, WorkUnitID: u.ID})) {
			view.Units = append(view.Units, BranchOption{ID: u.ID, Name: u.Name, CommuneName: s.communeName(u.CommuneCode)})
		}
	}
	return view, nil
}

func (s *Server) renderBranchForm(w http.ResponseWriter, r *http.Request, status int, f Form) {
	view, err := s.branchOptions(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(view.Villages)+len(view.Units) == 0 {
		s.fail(w, r, fault.ErrForbidden)
		return
	}
	view.Base, view.Form = s.base(r, "branch.new"), f
	s.render(w, r, status, "branch_form", view)
}

func (s *Server) branchNew(w http.ResponseWriter, r *http.Request) {
	f := emptyForm()
	f.Values["village"], f.Values["work_unit"] = r.URL.Query().Get("village"), r.URL.Query().Get("work_unit")
	s.renderBranchForm(w, r, http.StatusOK, f)
}

func (s *Server) branchCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "name", "village", "work_unit")
	b, err := s.registry.CreateBranch(r.Context(), principal(r),
		store.Branch{Name: f.Get("name"), VillageID: formInt(f, "village"), WorkUnitID: formInt(f, "work_unit")})
	if err != nil {
		if s.orgFormError(w, r, &f, err) {
			s.renderBranchForm(w, r, http.StatusUnprocessableEntity, f)
		}
		return
	}
	flash(w, "flash.branch_created")
	http.Redirect(w, r, "/branches/"+itoa(b.ID), http.StatusSeeOther)
}

// visibleBranch loads a branch the principal may see, or fails with 404/403.
func (s *Server) visibleBranch(w http.ResponseWriter, r *http.Request) (store.Branch, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return store.Branch{}, false
	}
	b, err := s.db.Branch(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return b, false
	}
	if !principal(r).CanAt(auth.PermViewOrgs, store.BranchPlace(b)) {
		s.fail(w, r, fault.ErrForbidden)
		return b, false
	}
	return b, true
}

// BranchView is a branch's page: officials and members with their training on the criteria,
// past members, and the forms to add a member or official and to record a training.
type BranchView struct {
	Base
	Branch       store.Branch
	CommuneName  string
	Attached     string
	AttachedHref string
	Current      []store.BranchMember
	Past         []store.BranchMember
	Officials    []store.BranchMember // current officials, for the training form
	Trained      int                  // current officials with at least one training
	Form         Form
	CanManage    bool
}

func (s *Server) branchShow(w http.ResponseWriter, r *http.Request) {
	b, ok := s.visibleBranch(w, r)
	if !ok {
		return
	}
	f := emptyForm()
	f.Values["role"] = "member"
	s.renderBranch(w, r, http.StatusOK, b, f)
}

func (s *Server) renderBranch(w http.ResponseWriter, r *http.Request, status int, b store.Branch, f Form) {
	ctx := r.Context()
	members, err := s.db.BranchMembers(ctx, b.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := s.base(r, "branch.show")
	base.Title = b.Name
	view := BranchView{Base: base, Branch: b, CommuneName: s.communeName(b.CommuneCode), Form: f,
		CanManage: principal(r).CanAt(auth.PermManageOrgs, store.BranchPlace(b))}
	switch {
	case b.VillageID != 0:
		if v, err := s.db.Village(ctx, b.VillageID); err == nil {
			view.Attached, view.AttachedHref = v.Name, "/villages/"+itoa(v.ID)
		}
	case b.WorkUnitID != 0:
		if u, err := s.db.WorkUnit(ctx, b.WorkUnitID); err == nil {
			view.Attached, view.AttachedHref = u.Name, "/work-units/"+itoa(u.ID)
		}
	}
	for _, m := range members {
		if m.EndOn != "" {
			view.Past = append(view.Past, m)
			continue
		}
		view.Current = append(view.Current, m)
		if m.IsOfficial {
			view.Officials = append(view.Officials, m)
			if len(m.Trainings) > 0 {
				view.Trained++
			}
		}
	}
	s.render(w, r, status, "branch", view)
}

func (s *Server) branchMemberAdd(w http.ResponseWriter, r *http.Request) {
	b, ok := s.visibleBranch(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "national_id", "role", "position")
	if _, err := s.registry.AddBranchMember(r.Context(), principal(r), b.ID, f.Get("national_id"), f.Get("role") == "official", f.Get("position")); err != nil {
		if s.orgFormError(w, r, &f, err) {
			s.renderBranch(w, r, http.StatusUnprocessableEntity, b, f)
		}
		return
	}
	flash(w, "flash.branch_member_added")
	http.Redirect(w, r, "/branches/"+itoa(b.ID), http.StatusSeeOther)
}

func (s *Server) branchMemberEnd(w http.ResponseWriter, r *http.Request) {
	b, ok := s.visibleBranch(w, r)
	if !ok {
		return
	}
	mid, err := pathInt(r, "mid")
	if err == nil {
		err = s.registry.EndBranchMember(r.Context(), principal(r), b.ID, mid)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.branch_member_ended")
	http.Redirect(w, r, "/branches/"+itoa(b.ID), http.StatusSeeOther)
}

func (s *Server) branchTrainingAdd(w http.ResponseWriter, r *http.Request) {
	b, ok := s.visibleBranch(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "official", "trained_on", "course", "trainer")
	t := store.Training{CitizenID: formInt(f, "official"), TrainedOn: f.Get("trained_on"), Course: f.Get("course"), Trainer: f.Get("trainer")}
	if _, err := s.registry.RecordTraining(r.Context(), principal(r), b.ID, t); err != nil {
		if s.orgFormError(w, r, &f, err) {
			f.Values["role"] = "member"
			s.renderBranch(w, r, http.StatusUnprocessableEntity, b, f)
		}
		return
	}
	flash(w, "flash.training_recorded")
	http.Redirect(w, r, "/branches/"+itoa(b.ID), http.StatusSeeOther)
}
