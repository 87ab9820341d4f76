package web

import (
	"net/http"
	"strconv"

	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/fault"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

// HouseholdView shows a household with its members, and the forms to move or split it.
type HouseholdView struct {
	Base
	TitleBox  *TitleBox
	Household store.Household
	Village   string
	Members   []CitizenRow
	Villages  []village.Village
	Form      Form
	CanManage bool
}

func (s *Server) visibleHousehold(w http.ResponseWriter, r *http.Request) (store.Household, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return store.Household{}, false
	}
	h, err := s.db.Household(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return h, false
	}
	if !principal(r).CanAt(auth.PermViewCitizens, store.HouseholdPlace(h)) {
		s.fail(w, r, fault.ErrForbidden)
		return h, false
	}
	return h, true
}

func (s *Server) householdShow(w http.ResponseWriter, r *http.Request) {
	h, ok := s.visibleHousehold(w, r)
	if !ok {
		return
	}
	s.renderHousehold(w, r, http.StatusOK, h, Form{Values: map[string]string{}, Errors: map[string]string{}})
}

func (s *Server) renderHousehold(w http.ResponseWriter, r *http.Request, status int, h store.Household, f Form) {
	p := principal(r)
	ctx := r.Context()
	b := s.base(r, "households.show")
	view := HouseholdView{Base: b, Household: h, Form: f, CanManage: p.CanAt(auth.PermManageCitizens, store.HouseholdPlace(h))}
	names := map[int64]string{}
	if v, err := s.db.Village(ctx, h.VillageID); err == nil {
		view.Village, names[v.ID] = v.Name+", "+s.communeName(v.CommuneCode), v.Name
	}
	members, err := s.db.HouseholdMembers(ctx, h.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, m := range members {
		view.Members = append(view.Members, s.citizenRow(b, m, names, false))
	}
	if len(members) > 0 {
		view.Title = b.T("households.of", members[0].FullName)
	}
	if view.CanManage {
		vs, err := s.db.ListVillages(ctx, store.VillageFilter{Scope: auth.Scope{Communes: []string{h.CommuneCode}}, CommuneCode: h.CommuneCode})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, v := range vs {
			if p.CanAt(auth.PermManageCitizens, store.VillagePlace(v)) {
				view.Villages = append(view.Villages, v)
			}
		}
	}
	var boxErr error
	if view.TitleBox, boxErr = s.titleBox(r, criteria.SubjectHousehold, h.ID); boxErr != nil {
		s.fail(w, r, boxErr)
		return
	}
	s.render(w, r, status, "household", view)
}

func (s *Server) householdMove(w http.ResponseWriter, r *http.Request) {
	h, ok := s.visibleHousehold(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "village")
	villageID, _ := strconv.ParseInt(f.Get("village"), 10, 64)
	if err := s.registry.MoveHousehold(r.Context(), principal(r), h.ID, villageID); err != nil {
		s.householdFormError(w, r, h, f, err)
		return
	}
	flash(w, "flash.household_moved")
	http.Redirect(w, r, "/households/"+itoa(h.ID), http.StatusSeeOther)
}

func (s *Server) householdSplit(w http.ResponseWriter, r *http.Request) {
	h, ok := s.visibleHousehold(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "new_head")
	var members []int64
	for _, v := range r.PostForm["members"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			members = append(members, id)
		}
	}
	head, _ := strconv.ParseInt(f.Get("new_head"), 10, 64)
	n, err := s.registry.SplitHousehold(r.Context(), principal(r), h.ID, members, head)
	if err != nil {
		s.householdFormError(w, r, h, f, err)
		return
	}
	flash(w, "flash.household_split")
	http.Redirect(w, r, "/households/"+itoa(n.ID), http.StatusSeeOther)
}

// householdFormError re-renders the household page with the form's errors.
func (s *Server) householdFormError(w http.ResponseWriter, r *http.Request, h store.Household, f Form, err error) {
	if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
		s.fail(w, r, err)
		return
	}
	s.setError(r, &f, err)
	s.renderHousehold(w, r, http.StatusUnprocessableEntity, h, f)
}

func (s *Server) citizenErase(w http.ResponseWriter, r *http.Request) {
	c, ok := s.citizenID(w, r)
	if !ok {
		return
	}
	if err := s.registry.Erase(r.Context(), principal(r), c.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.citizen_erased")
	http.Redirect(w, r, "/citizens", http.StatusSeeOther)
}
