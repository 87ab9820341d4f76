package recognition

import (
	"context"

	"hoctap/internal/auth"
	"hoctap/internal/evaluation"
	"hoctap/internal/store"
)

// Pending is what waits for one officer in one cycle, counted the way the work queue counts it.
type Pending struct {
	Verify   int // self-assessed, where the officer verifies this cycle's subjects
	Appraise int // verified, where the officer appraises
	Decide   int // appraised, waiting for the officer's decision
}

// Total is the number of records waiting.
func (p Pending) Total() int { return p.Verify + p.Appraise + p.Decide }

// PendingFor counts the records of a cycle waiting for an officer's step: only the grants whose
// role takes that step for the cycle's subjects and recognising level count (a city officer
// does not verify people). It reads with the officer's grants and needs no permission of the
// caller: the reminder job runs it with the server's rights.
func (s *Service) PendingFor(ctx context.Context, officer *auth.Principal, cy store.Cycle) (Pending, error) {
	var p Pending
	set, err := s.Set(ctx, cy.CriteriaSetID)
	if err != nil {
		return p, err
	}
	if verify := scopeAs(officer, auth.PermVerifyAssessments, verifierRoles(set.SubjectKind())); !verify.Empty() {
		c, err := s.DB.StateCounts(ctx, store.AssessmentQuery{CycleID: cy.ID, Scope: verify, ForVerifier: true,
			States: []evaluation.State{evaluation.StateSelfAssessed}})
		if err != nil {
			return p, err
		}
		p.Verify = c[evaluation.StateSelfAssessed]
	}
	if appraise := scopeAs(officer, auth.PermAppraiseAssessments, recogniserRoles(set.RecognisingLevel())); !appraise.Empty() {
		c, err := s.DB.StateCounts(ctx, store.AssessmentQuery{CycleID: cy.ID, Scope: appraise,
			States: []evaluation.State{evaluation.StateVerified, evaluation.StateAppraised}})
		if err != nil {
			return p, err
		}
		p.Appraise, p.Decide = c[evaluation.StateVerified], c[evaluation.StateAppraised]
	}
	return p, nil
}
