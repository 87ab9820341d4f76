package web

import (
	"net/http"

	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/fault"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

// VillageFamiliesView lists a village's households with where each stands in this year's
// learning-family title: the collector's work list for the title.
type VillageFamiliesView struct {
	Base
	Village village.Village
	Cycle   *store.Cycle
	Rows    []FamilyRow
	Open    bool
}

// FamilyRow is one household of the list.
type FamilyRow struct {
	store.Household
	Head       string
	Assessment *store.Assessment
}

func (s *Server) villageFamilies(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visibleVillage(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	view := VillageFamiliesView{Base: s.base(r, "families.title"), Village: v}
	view.Title = view.T("families.title") + " — " + v.Name
	hs, heads, err := s.db.HouseholdsOfVillage(ctx, v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byHousehold := map[int64]*store.Assessment{}
	cy, err := s.rec.CurrentCycleOf(ctx, cycleTitleOf[criteria.SubjectHousehold])
	switch {
	case err == nil:
		view.Cycle = &cy
		today := s.rec.Today()
		view.Open = today >= cy.OpensOn && today <= cy.PledgeBy && principal(r).CanAt(auth.PermAssistAssessment, store.VillagePlace(v))
		as, _, err := s.db.Assessments(ctx, store.AssessmentQuery{CycleID: cy.ID, Scope: auth.Scope{All: true}, VillageID: v.ID,
			SubjectKind: criteria.SubjectHousehold})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for i := range as {
			byHousehold[as[i].SubjectID] = &as[i]
		}
	case fault.KindOf(err) != fault.NotFound:
		s.fail(w, r, err)
		return
	}
	for i, h := range hs {
		view.Rows = append(view.Rows, FamilyRow{Household: h, Head: heads[i], Assessment: byHousehold[h.ID]})
	}
	s.render(w, r, http.StatusOK, "village_families", view)
}
