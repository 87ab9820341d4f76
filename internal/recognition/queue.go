package recognition

import (
	"context"

	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// Queue is what waits for an officer in the current cycle, within their scope.
type Queue struct {
	Cycle      store.Cycle
	Today      string
	Pipeline   map[evaluation.State]int // everything in the viewer's scope, per state
	ToVerify   int                      // self-assessed, in the places where they verify
	ToAppraise int                      // verified, in the communes where they appraise
	ToDecide   int                      // appraised, waiting for a decision
	Waiting    int                      // pledged or returned: the person's turn
	Late       map[evaluation.State]int // per state, those past the deadline of their next step
	LateTotal  int
}

// WorkQueue counts what waits for the principal in the current cycle. Without a cycle it
// returns fault.ErrNotFound.
func (s *Service) WorkQueue(ctx context.Context, by *auth.Principal) (Queue, error) {
	var q Queue
	cy, err := s.CurrentCycle(ctx)
	if err != nil {
		return q, err
	}
	if by == nil || !by.Can(auth.PermViewAssessments) {
		return q, fault.ErrForbidden
	}
	q.Cycle, q.Today = cy, s.Today()
	if q.Pipeline, err = s.DB.StateCounts(ctx, store.AssessmentQuery{CycleID: cy.ID, Scope: by.Scope(auth.PermViewAssessments)}); err != nil {
		return q, err
	}
	// Only the grants that take the step on a person count: a city officer verifies communes,
	// not people.
	if verify := scopeAs(by, auth.PermVerifyAssessments, verifierRoles(criteria.SubjectCitizen)); !verify.Empty() {
		c, err := s.DB.StateCounts(ctx, store.AssessmentQuery{CycleID: cy.ID, Scope: verify, ForVerifier: true,
			States: []evaluation.State{evaluation.StateSelfAssessed}})
		if err != nil {
			return q, err
		}
		q.ToVerify = c[evaluation.StateSelfAssessed]
	}
	if appraise := scopeAs(by, auth.PermAppraiseAssessments, recogniserRoles("commune")); !appraise.Empty() {
		c, err := s.DB.StateCounts(ctx, store.AssessmentQuery{CycleID: cy.ID, Scope: appraise,
			States: []evaluation.State{evaluation.StateVerified, evaluation.StateAppraised}})
		if err != nil {
			return q, err
		}
		q.ToAppraise, q.ToDecide = c[evaluation.StateVerified], c[evaluation.StateAppraised]
	}
	q.Waiting = q.Pipeline[evaluation.StatePledged] + q.Pipeline[evaluation.StateReturned]
	q.Late = map[evaluation.State]int{}
	for st, n := range q.Pipeline {
		if n > 0 && cy.Late(st, q.Today) {
			q.Late[st] = n
			q.LateTotal += n
		}
	}
	return q, nil
}

// Mine lists the principal's own assessments (a citizen's account), newest cycle first.
func (s *Service) Mine(ctx context.Context, by *auth.Principal) ([]store.Assessment, error) {
	var out []store.Assessment
	for _, g := range by.GrantsOf(auth.RoleCitizen) {
		as, err := s.DB.AssessmentsOfCitizen(ctx, g.CitizenID)
		if err != nil {
			return nil, err
		}
		out = append(out, as...)
	}
	return out, nil
}

// List returns a page of a cycle's assessments within the principal's view.
func (s *Service) List(ctx context.Context, by *auth.Principal, q store.AssessmentQuery) ([]store.Assessment, int, error) {
	if by != nil {
		if !by.Can(auth.PermViewAssessments) {
			return nil, 0, fault.ErrForbidden
		}
		q.Scope = by.Scope(auth.PermViewAssessments)
		if q.ForVerifier {
			q.Scope = by.Scope(auth.PermVerifyAssessments)
		}
	} else {
		q.Scope = auth.Scope{All: true}
	}
	return s.DB.Assessments(ctx, q)
}
