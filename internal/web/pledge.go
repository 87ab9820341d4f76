package web

import (
	"net/http"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

// citizenPledge records the pledge of one person, by themself or by an officer, and goes on to
// the self-assessment form.
func (s *Server) citizenPledge(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cy, err := s.rec.CurrentCycle(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.rec.Pledge(r.Context(), principal(r), cy.ID, id)
	if err != nil {
		if fe, ok := fault.As(err); ok && fe.Key == "assessment.exists" {
			if old, err2 := s.db.AssessmentOf(r.Context(), cy.ID, id); err2 == nil {
				http.Redirect(w, r, "/assessments/"+itoa(old.ID), http.StatusSeeOther)
				return
			}
		}
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.pledged")
	http.Redirect(w, r, "/assessments/"+itoa(a.ID)+"/form", http.StatusSeeOther)
}

// PledgeListView is a village's people with where each stands in the current cycle, so a
// collector can tick many and pledge them at once.
type PledgeListView struct {
	Base
	Village village.Village
	Cycle   store.Cycle
	Rows    []PledgeRow
	Open    bool
}

// PledgeRow is one person of the village list.
type PledgeRow struct {
	people.Citizen
	MaskedID   string
	Assessment *store.Assessment
}

func (s *Server) villagePledges(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visibleVillage(w, r)
	if !ok {
		return
	}
	p := principal(r)
	if !p.CanAt(auth.PermAssistAssessment, store.VillagePlace(v)) {
		s.fail(w, r, fault.ErrForbidden)
		return
	}
	ctx := r.Context()
	cy, err := s.rec.CurrentCycle(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, _, err := s.db.SearchCitizens(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, VillageID: v.ID, Limit: 2000})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	as, _, err := s.db.Assessments(ctx, store.AssessmentQuery{CycleID: cy.ID, Scope: auth.Scope{All: true}, VillageID: v.ID})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byCitizen := map[int64]*store.Assessment{}
	for i := range as {
		byCitizen[as[i].CitizenID] = &as[i]
	}
	today := s.rec.Today()
	view := PledgeListView{Base: s.base(r, "pledges.title"), Village: v, Cycle: cy,
		Open: today >= cy.OpensOn && today <= cy.PledgeBy}
	for _, c := range cs {
		view.Rows = append(view.Rows, PledgeRow{Citizen: c, MaskedID: people.MaskNationalID(c.NationalID), Assessment: byCitizen[c.ID]})
	}
	view.Title = view.T("pledges.title") + " — " + v.Name
	s.render(w, r, http.StatusOK, "pledges", view)
}

func (s *Server) villagePledgeMany(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visibleVillage(w, r)
	if !ok {
		return
	}
	cy, err := s.rec.CurrentCycle(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	_ = r.ParseForm()
	ids := selectedIDs(r)
	if len(ids) == 0 {
		flash(w, "flash.nothing_selected")
		http.Redirect(w, r, "/villages/"+itoa(v.ID)+"/pledges", http.StatusSeeOther)
		return
	}
	if _, err := s.rec.PledgeMany(r.Context(), principal(r), cy.ID, ids); err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict && k != fault.Forbidden {
			s.fail(w, r, err)
			return
		}
		status := http.StatusUnprocessableEntity
		if fault.KindOf(err) == fault.Forbidden {
			status = http.StatusForbidden
		}
		s.renderError(w, r, status, "assessments.bulk.refused", s.problems(r, err)[0])
		return
	}
	flash(w, "flash.pledged_many")
	http.Redirect(w, r, "/villages/"+itoa(v.ID)+"/pledges", http.StatusSeeOther)
}

// MyTitleView is a person's own page of the title: this year's step and the past years.
type MyTitleView struct {
	Base
	Cycle       *store.Cycle
	CitizenID   int64
	Current     *store.Assessment
	Past        []store.Assessment
	PledgeOpen  bool
	Certificate map[int64]string // assessment id → verification code of a valid certificate
}

func (s *Server) myTitle(w http.ResponseWriter, r *http.Request) {
	ctx, p := r.Context(), principal(r)
	view := MyTitleView{Base: s.base(r, "mytitle.title"), Certificate: map[int64]string{}}
	for _, g := range p.GrantsOf(auth.RoleCitizen) {
		view.CitizenID = g.CitizenID
	}
	cy, err := s.rec.CurrentCycle(ctx)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		s.fail(w, r, err)
		return
	}
	if err == nil {
		view.Cycle = &cy
		today := s.rec.Today()
		view.PledgeOpen = today >= cy.OpensOn && today <= cy.PledgeBy
	}
	mine, err := s.rec.Mine(ctx, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i := range mine {
		a := mine[i]
		if view.Cycle != nil && a.CycleID == view.Cycle.ID {
			view.Current = &a
		} else {
			view.Past = append(view.Past, a)
		}
		if a.State.Decided() {
			if k, err := s.db.CertificateOf(ctx, a.ID); err == nil && !k.Revoked() {
				view.Certificate[a.ID] = k.Code
			}
		}
	}
	s.render(w, r, http.StatusOK, "my_title", view)
}
