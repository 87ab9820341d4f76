package web

import (
	"net/http"
	"strconv"

	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// cycleTitleOf is the title a kind of subject is registered for.
var cycleTitleOf = map[string]string{
	criteria.SubjectHousehold: "learning_family",
	criteria.SubjectClan:      "learning_clan",
	criteria.SubjectVillage:   "learning_community",
	criteria.SubjectWorkUnit:  "learning_unit",
	criteria.SubjectCommune:   "learning_community_commune",
}

// TitleBox is a collective subject's title of this year, as its page shows it: where its
// assessment stands, or a button to register it.
type TitleBox struct {
	Kind        string
	ID          int64
	TitleName   string
	Year        int
	Assessment  *store.Assessment
	CanRegister bool
	Past        []store.Assessment // earlier years, with their results
}

// titleBox returns the box of a subject's page; nil when the title has no cycle yet.
func (s *Server) titleBox(r *http.Request, kind string, id int64) (*TitleBox, error) {
	ctx, p := r.Context(), principal(r)
	sub, err := s.rec.SubjectOf(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	place := sub.Place
	cy, err := s.rec.CurrentCycleOf(ctx, cycleTitleOf[kind])
	if fault.KindOf(err) == fault.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	box := &TitleBox{Kind: kind, ID: id, TitleName: recognition.TitleName(cy.Title), Year: cy.Year}
	all, err := s.db.SubjectAssessments(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].CycleID == cy.ID {
			box.Assessment = &all[i]
		} else {
			box.Past = append(box.Past, all[i])
		}
	}
	today := s.rec.Today()
	box.CanRegister = box.Assessment == nil && today >= cy.OpensOn && today <= cy.PledgeBy &&
		(p.CanAt(auth.PermAssistAssessment, place) || (place.CitizenID != 0 && p.CanAt(auth.PermSelfAssess, auth.Place{CitizenID: place.CitizenID})))
	return box, nil
}

// subjectRegister registers a household, clan, village, work unit or commune for this year's
// title and goes on to its self-assessment form.
func (s *Server) subjectRegister(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	title, ok := cycleTitleOf[kind]
	if !ok {
		s.fail(w, r, fault.ErrNotFound)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, fault.ErrNotFound)
		return
	}
	ctx := r.Context()
	cy, err := s.rec.CurrentCycleOf(ctx, title)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.rec.Register(ctx, principal(r), cy.ID, kind, id)
	if fe, ok := fault.As(err); ok && fe.Key == "assessment.exists" {
		if old, err2 := s.db.SubjectAssessment(ctx, cy.ID, kind, id); err2 == nil {
			http.Redirect(w, r, "/assessments/"+itoa(old.ID), http.StatusSeeOther)
			return
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.registered")
	http.Redirect(w, r, "/assessments/"+itoa(a.ID)+"/form", http.StatusSeeOther)
}

// TitleName names a title's cycle key for templates.
func (Base) TitleName(cycleTitle string) string { return recognition.TitleName(cycleTitle) }

// Changeable tells whether an assessment's self-assessment may still be changed.
func (Base) Changeable(st evaluation.State) bool {
	return evaluation.CanTake(evaluation.StepSubmit, st)
}
