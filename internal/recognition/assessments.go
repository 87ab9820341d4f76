package recognition

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"

	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// Consent methods for assisted entry: how the person agreed that a collector enters their
// self-assessment (Law 91/2025/QH15 asks that consent be shown; programme-rules §8).
const (
	ConsentPaper  = "paper"  // signed on paper, kept by the branch
	ConsentSpoken = "spoken" // said aloud to the collector, who records it
)

// acting says whether the principal acts on their own record, and refuses anyone who may not
// take the step on this person: their own record needs PermSelfAssess, anyone else's the
// step's permission at the place.
func acting(by *auth.Principal, step evaluation.Step, at auth.Place) (self bool, err error) {
	if by == nil {
		return false, nil
	}
	if by.CanAt(evaluation.Permission(step, true), auth.Place{CitizenID: at.CitizenID}) {
		return true, nil
	}
	return false, allowed(by, evaluation.Permission(step, false), at)
}

// VerifierPlace is where an assessment is verified: staff at the work unit they had when they
// pledged, everyone else at their village (the commune covers both). It is fixed at the pledge,
// so changing the target group in the form does not move the record to another verifier.
func VerifierPlace(a store.Assessment) auth.Place {
	p := store.AssessmentPlace(a)
	switch a.SubjectKind {
	case "", criteria.SubjectCitizen:
		if a.WorkUnitID != 0 {
			p.VillageID = 0
		}
	case criteria.SubjectHousehold: // the village's collector
		p.WorkUnitID = 0
	case criteria.SubjectCommune: // the city
		p = auth.Place{ProvinceCode: a.ProvinceCode}
	default: // clans, villages and units: the commune
		p = auth.Place{ProvinceCode: a.ProvinceCode, CommuneCode: a.CommuneCode}
	}
	p.CitizenID = 0
	return p
}

// ownRecord refuses an officer's step on their own assessment: nobody verifies or appraises
// themself.
func ownRecord(by *auth.Principal, a store.Assessment) error {
	if by != nil && by.CanAt(auth.PermSelfAssess, auth.Place{CitizenID: a.CitizenID}) {
		return fault.New(fault.Forbidden, "assessment.own_record")
	}
	return nil
}

func outOfOrder(step evaluation.Step, s evaluation.State) error {
	return fault.New(fault.Conflict, "assessment.step.out_of_order", string(step), string(s))
}

// Pledge records that a person strives for the title this year, by themself or by an officer
// for them.
func (s *Service) Pledge(ctx context.Context, by *auth.Principal, cycleID, citizenID int64) (store.Assessment, error) {
	return s.Register(ctx, by, cycleID, criteria.SubjectCitizen, citizenID)
}

// Register records a subject's registration for a collective title (or a person's pledge): by
// the one who acts for it (the household's head, the clan's representative) or by an officer
// whose scope holds it.
func (s *Service) Register(ctx context.Context, by *auth.Principal, cycleID int64, kind string, id int64) (store.Assessment, error) {
	var a store.Assessment
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		a, err = s.register(ctx, tx, by, cycleID, kind, id)
		return err
	})
	return a, err
}

// PledgeMany pledges for every person listed (a collector ticking a village list), in one
// transaction: either all are recorded or, on the first refusal, none. People who already
// pledged are skipped; it returns how many were added.
func (s *Service) PledgeMany(ctx context.Context, by *auth.Principal, cycleID int64, citizenIDs []int64) (int, error) {
	n := 0
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		for _, id := range citizenIDs {
			_, err := s.register(ctx, tx, by, cycleID, criteria.SubjectCitizen, id)
			if fe, ok := fault.As(err); ok && fe.Key == "assessment.exists" {
				continue
			}
			if err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func (s *Service) register(ctx context.Context, tx *store.Tx, by *auth.Principal, cycleID int64, kind string, id int64) (store.Assessment, error) {
	var a store.Assessment
	sub, err := s.SubjectOf(ctx, kind, id)
	if err != nil {
		return a, err
	}
	if _, err := acting(by, evaluation.StepPledge, sub.Place); err != nil {
		return a, err
	}
	cy, err := tx.Cycle(ctx, cycleID)
	if err != nil {
		return a, err
	}
	set, err := s.Set(ctx, cy.CriteriaSetID)
	if err != nil {
		return a, err
	}
	if set.SubjectKind() != kind {
		return a, fault.New(fault.Invalid, "assessment.subject.wrong_title", kind)
	}
	today := s.Today()
	if today < cy.OpensOn {
		return a, fault.New(fault.Conflict, "cycle.not_open", cy.OpensOn)
	}
	if today > cy.PledgeBy {
		return a, fault.New(fault.Conflict, "assessment.deadline.passed", cy.PledgeBy)
	}
	a = store.Assessment{ProvinceCode: sub.Place.ProvinceCode, CommuneCode: sub.Place.CommuneCode, CycleID: cy.ID, SubjectKind: kind,
		SubjectID: id, SubjectName: sub.Name, CitizenID: sub.Owner, VillageID: sub.Place.VillageID, WorkUnitID: sub.Place.WorkUnitID,
		TargetGroup: set.TargetGroups[0].Code}
	if kind == criteria.SubjectCitizen {
		c, err := s.DB.Citizen(ctx, id)
		if err != nil {
			return a, err
		}
		group := c.TargetGroup
		if group == "" {
			group = people.GroupResident
		}
		a.TargetGroup, a.WorkUnitID = string(group), 0
		if group == people.GroupStaff {
			a.WorkUnitID = c.WorkUnitID // verified by the work unit's officer
		}
		a.BirthYear = c.BirthYear
	}
	if err := tx.CreateAssessment(ctx, &a); err != nil {
		return a, err
	}
	a.FullName = sub.Name
	return a, nil
}

// Submission is a self-assessment as the form sends it.
type Submission struct {
	TargetGroup   string
	Scores        map[string]int
	ConsentMethod string   // required when an officer enters it for the person
	Evidence      []Upload // files to attach, with the scores, in the same transaction
	Remove        []int64  // evidence to detach
	// Items are the learning-record items (completions, activities) attached to indicators
	// instead of files; nil leaves the attached items as they are, an empty slice detaches all.
	Items []LearningItem
}

// LearningItem is an item of the person's learning record given as evidence for an indicator.
type LearningItem struct {
	Indicator string
	Kind      string // store.ItemCompletion or store.ItemActivity
	ID        int64
}

// Upload is one evidence file sent with a self-assessment.
type Upload struct {
	Indicator string
	FileName  string
	Data      []byte
}

// Submit records a self-assessment: by the person online (self-submitted, which counts for the
// "proficient in digital skills" measure), or by an officer on their behalf with the consent
// recorded. It may be changed until it is verified.
func (s *Service) Submit(ctx context.Context, by *auth.Principal, id int64, sub Submission) (store.Assessment, error) {
	var a store.Assessment
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.Assessment(ctx, id)
		if err != nil {
			return err
		}
		self, err := acting(by, evaluation.StepSubmit, store.AssessmentPlace(before))
		if err != nil {
			return err
		}
		if !evaluation.CanTake(evaluation.StepSubmit, before.State) {
			return outOfOrder(evaluation.StepSubmit, before.State)
		}
		cy, err := tx.Cycle(ctx, before.CycleID)
		if err != nil {
			return err
		}
		if s.Today() > cy.SelfAssessBy {
			return fault.New(fault.Conflict, "assessment.deadline.passed", cy.SelfAssessBy)
		}
		set, err := s.Set(ctx, cy.CriteriaSetID)
		if err != nil {
			return err
		}
		citizen := before.SubjectKind == criteria.SubjectCitizen
		if citizen && !self && sub.ConsentMethod != ConsentPaper && sub.ConsentMethod != ConsentSpoken {
			return fault.Errors{fault.Field("consent_method", "assessment.consent.required")}
		}
		group := sub.TargetGroup
		if group == "" || !citizen {
			group = before.TargetGroup
		}
		scores := maps.Clone(sub.Scores)
		if scores == nil {
			scores = map[string]int{}
		}
		computed, err := s.compute(ctx, set, group, before, cy.Year)
		if err != nil {
			return err
		}
		var undefined fault.Errors
		for code, c := range computed {
			if !c.Defined {
				undefined = append(undefined, fault.Field(code, "assessment.computed.undefined", code))
				continue
			}
			scores[code] = c.Points // computed, not typed: what the registry says
		}
		if len(undefined) > 0 {
			return undefined
		}
		res, err := set.Evaluate(group, scores)
		if err != nil {
			return err
		}
		sub.Scores = scores
		for _, id := range sub.Remove {
			if err := s.detach(ctx, tx, before, id); err != nil {
				return err
			}
		}
		for _, up := range sub.Evidence {
			if _, err := s.attach(ctx, tx, before, set, up); err != nil {
				return err
			}
		}
		if sub.Items != nil {
			if err := s.attachItems(ctx, tx, before, set, group, cy.Year, sub.Items); err != nil {
				return err
			}
		}
		confirmed, err := s.confirmedDigital(ctx, set, before, cy.Year)
		if err != nil {
			return err
		}
		a = before
		a.TargetGroup, a.SelfScores, a.Scores, a.Adjustments = group, maps.Clone(sub.Scores), maps.Clone(sub.Scores), nil
		a.Computed = computed
		a.Total, a.Passed = res.Total, qualifies(set, res)
		a.DigitalSkills = citizen && set.HasDigitalSkills(a.Scores, confirmed)
		a.DigitalProficient = a.DigitalSkills && set.Proficient(a.DigitalSkills, self)
		a.SelfSubmitted, a.ConsentMethod = self, ""
		if !self && citizen {
			a.ConsentMethod = sub.ConsentMethod
		}
		a.SubmittedAt, a.SubmittedBy = tx.Now(), userID(by)
		a.State, a.Comment = evaluation.Next(evaluation.StepSubmit, true), ""
		return tx.SaveAssessment(ctx, before, a, evaluation.StepSubmit, "")
	})
	return a, err
}

func userID(by *auth.Principal) int64 {
	if by == nil {
		return 0
	}
	return by.UserID
}

// Evidence limits: photos and PDFs only, recognised by their content, not their name.
const (
	MaxEvidenceBytes        = 10 << 20
	MaxEvidencePerIndicator = 5
)

var evidenceTypes = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}

// EvidenceType returns the content type of an evidence file as its bytes show it, or an error
// when it is not a photo or a PDF (an executable renamed .jpg is refused here).
func EvidenceType(data []byte) (string, error) {
	if len(data) == 0 {
		return "", fault.Field("file", "evidence.empty")
	}
	if len(data) > MaxEvidenceBytes {
		return "", fault.Field("file", "evidence.too_large", MaxEvidenceBytes>>20)
	}
	ct, _, _ := strings.Cut(http.DetectContentType(data), ";")
	if _, ok := evidenceTypes[ct]; !ok {
		return "", fault.Field("file", "evidence.type")
	}
	return ct, nil
}

// AddEvidence attaches a file to one indicator, while the self-assessment may still change.
func (s *Service) AddEvidence(ctx context.Context, by *auth.Principal, id int64, up Upload) (store.Evidence, error) {
	var e store.Evidence
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		a, set, err := s.changeable(ctx, tx, by, id)
		if err != nil {
			return err
		}
		e, err = s.attach(ctx, tx, a, set, up)
		return err
	})
	return e, err
}

// RemoveEvidence detaches a file while the self-assessment may still change.
func (s *Service) RemoveEvidence(ctx context.Context, by *auth.Principal, id, evidenceID int64) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		a, _, err := s.changeable(ctx, tx, by, id)
		if err != nil {
			return err
		}
		return s.detach(ctx, tx, a, evidenceID)
	})
}

// changeable loads an assessment whose self-assessment the principal may still change.
func (s *Service) changeable(ctx context.Context, tx *store.Tx, by *auth.Principal, id int64) (store.Assessment, *criteria.Set, error) {
	a, err := tx.Assessment(ctx, id)
	if err != nil {
		return a, nil, err
	}
	if _, err := acting(by, evaluation.StepSubmit, store.AssessmentPlace(a)); err != nil {
		return a, nil, err
	}
	if !evaluation.CanTake(evaluation.StepSubmit, a.State) {
		return a, nil, outOfOrder(evaluation.StepSubmit, a.State)
	}
	cy, err := tx.Cycle(ctx, a.CycleID)
	if err != nil {
		return a, nil, err
	}
	set, err := s.Set(ctx, cy.CriteriaSetID)
	return a, set, err
}

func (s *Service) attach(ctx context.Context, tx *store.Tx, a store.Assessment, set *criteria.Set, up Upload) (store.Evidence, error) {
	var e store.Evidence
	ct, err := EvidenceType(up.Data)
	if fe, ok := fault.As(err); ok {
		// Shown next to the indicator the file was sent with.
		return e, fault.Errors{fault.Field(up.Indicator, fe.Key, fe.Args...)}
	}
	if err != nil {
		return e, err
	}
	if !hasIndicator(set, a.TargetGroup, up.Indicator) {
		return e, fault.Field("indicator", "evidence.indicator.unknown", up.Indicator)
	}
	// Counted in the transaction, so that the files of one submission count too.
	n, err := tx.EvidenceCount(ctx, a.ID, up.Indicator)
	if err != nil {
		return e, err
	}
	if n >= MaxEvidencePerIndicator {
		return e, fault.Field(up.Indicator, "evidence.too_many", MaxEvidencePerIndicator)
	}
	h, err := tx.PutBlob(ctx, ct, up.Data)
	if err != nil {
		return e, err
	}
	e = store.Evidence{IndicatorCode: up.Indicator, SHA256: h, FileName: cleanFileName(up.FileName, ct), ContentType: ct, Size: int64(len(up.Data))}
	return e, tx.AddEvidence(ctx, a, &e)
}

func (s *Service) detach(ctx context.Context, tx *store.Tx, a store.Assessment, evidenceID int64) error {
	e, _, err := s.DB.EvidenceFile(ctx, evidenceID)
	if err != nil {
		return err
	}
	if e.AssessmentID != a.ID {
		return fault.ErrNotFound
	}
	return tx.RemoveEvidence(ctx, a, e)
}

// EvidenceFile returns an evidence file to someone who may see its assessment.
func (s *Service) EvidenceFile(ctx context.Context, by *auth.Principal, evidenceID int64) (store.Evidence, []byte, error) {
	e, data, err := s.DB.EvidenceFile(ctx, evidenceID)
	if err != nil {
		return e, nil, err
	}
	if _, err := s.Assessment(ctx, by, e.AssessmentID); err != nil {
		return e, nil, err
	}
	return e, data, nil
}

func hasIndicator(set *criteria.Set, group, code string) bool {
	g, ok := set.Group(group)
	if !ok {
		return false
	}
	for _, in := range g.Indicators {
		if in.Code == code {
			return true
		}
	}
	return false
}

// cleanFileName keeps a readable name without path parts, with the extension the content has.
func cleanFileName(name, contentType string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(people.NormalizeName(name))
	ext := evidenceTypes[contentType]
	if !strings.HasSuffix(strings.ToLower(name), ext) {
		name = strings.TrimSuffix(name, ".") + ext
	}
	if r := []rune(name); len(r) > 120 {
		name = string(r[len(r)-120:])
	}
	return name
}

// Assessment returns an assessment the principal may see: their own, or one in their scope.
func (s *Service) Assessment(ctx context.Context, by *auth.Principal, id int64) (store.Assessment, error) {
	a, err := s.DB.Assessment(ctx, id)
	if err != nil {
		return a, err
	}
	at := store.AssessmentPlace(a)
	if by != nil && !by.CanAt(auth.PermViewAssessments, at) && !by.CanAt(auth.PermSelfAssess, auth.Place{CitizenID: a.CitizenID}) {
		return a, fault.ErrForbidden
	}
	return a, nil
}

// ScoreChange is a verifier's change to one indicator, with its reason.
type ScoreChange struct {
	To     int
	Reason string
}

// Verify accepts a self-assessment at the village or work unit, changing scores only with a
// reason for each change.
func (s *Service) Verify(ctx context.Context, by *auth.Principal, id int64, changes map[string]ScoreChange) (store.Assessment, error) {
	var a store.Assessment
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		a, err = s.verify(ctx, tx, by, id, changes)
		return err
	})
	return a, err
}

// VerifyMany accepts every listed self-assessment unchanged, in one transaction.
func (s *Service) VerifyMany(ctx context.Context, by *auth.Principal, ids []int64) (int, error) {
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			if _, err := s.verify(ctx, tx, by, id, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}

func (s *Service) verify(ctx context.Context, tx *store.Tx, by *auth.Principal, id int64, changes map[string]ScoreChange) (store.Assessment, error) {
	before, err := tx.Assessment(ctx, id)
	if err != nil {
		return before, err
	}
	if err := allowedAs(by, auth.PermVerifyAssessments, VerifierPlace(before), verifierRoles(before.SubjectKind)); err != nil {
		return before, err
	}
	if err := ownRecord(by, before); err != nil {
		return before, err
	}
	if !evaluation.CanTake(evaluation.StepVerify, before.State) {
		return before, outOfOrder(evaluation.StepVerify, before.State)
	}
	cy, err := tx.Cycle(ctx, before.CycleID)
	if err != nil {
		return before, err
	}
	set, err := s.Set(ctx, cy.CriteriaSetID)
	if err != nil {
		return before, err
	}
	a := before
	a.Scores = maps.Clone(before.Scores)
	a.Adjustments = append([]store.Adjustment(nil), before.Adjustments...)
	var es fault.Errors
	for code, ch := range changes {
		old, ok := a.Scores[code]
		if !ok {
			es = append(es, fault.Field(code, "criteria.score.unknown_indicator", code))
			continue
		}
		if ch.To == old {
			continue
		}
		reason := strings.TrimSpace(ch.Reason)
		if reason == "" {
			es = append(es, fault.Field(code, "assessment.adjust.reason_required", code))
			continue
		}
		a.Scores[code] = ch.To
		a.Adjustments = append(a.Adjustments, store.Adjustment{Code: code, From: old, To: ch.To, Reason: reason, By: userID(by), At: tx.Now()})
	}
	if len(es) > 0 {
		return before, es
	}
	res, err := set.Evaluate(a.TargetGroup, a.Scores)
	if err != nil {
		return before, err
	}
	a.Total, a.Passed = res.Total, qualifies(set, res)
	citizen := a.SubjectKind == criteria.SubjectCitizen
	confirmed, err := s.confirmedDigital(ctx, set, a, cy.Year)
	if err != nil {
		return before, err
	}
	a.DigitalSkills = citizen && set.HasDigitalSkills(a.Scores, confirmed)
	a.DigitalProficient = a.DigitalSkills && set.Proficient(a.DigitalSkills, a.SelfSubmitted)
	a.VerifiedAt, a.VerifiedBy = tx.Now(), userID(by)
	a.State = evaluation.Next(evaluation.StepVerify, true)
	return a, tx.SaveAssessment(ctx, before, a, evaluation.StepVerify, "")
}

// Return sends a self-assessment back to the person with a comment (what to add or correct).
func (s *Service) Return(ctx context.Context, by *auth.Principal, id int64, comment string) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.Assessment(ctx, id)
		if err != nil {
			return err
		}
		perm, at, roles := auth.PermVerifyAssessments, VerifierPlace(before), verifierRoles(before.SubjectKind)
		if before.State == evaluation.StateVerified {
			// Once verified, only the recognising level (at appraisal) sends it back.
			set, err := s.setOf(ctx, tx, before)
			if err != nil {
				return err
			}
			perm, at, roles = auth.PermAppraiseAssessments, recognisingPlace(before, set.RecognisingLevel()), recogniserRoles(set.RecognisingLevel())
		}
		if err := allowedAs(by, perm, at, roles); err != nil {
			return err
		}
		if !evaluation.CanTake(evaluation.StepReturn, before.State) {
			return outOfOrder(evaluation.StepReturn, before.State)
		}
		comment, ferr := trimmed("comment", comment, 1000)
		if ferr != nil {
			return fault.Errors{ferr}
		}
		a := before
		a.State, a.Comment = evaluation.Next(evaluation.StepReturn, false), comment
		return tx.SaveAssessment(ctx, before, a, evaluation.StepReturn, comment)
	})
}

// Appraise records the commune's appraisal: proposed for recognition (only when the verified
// result passes), or not, with a reason when the result passed.
func (s *Service) Appraise(ctx context.Context, by *auth.Principal, id int64, propose bool, reason string) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error { return s.appraise(ctx, tx, by, id, propose, reason) })
}

// AppraiseMany proposes every listed assessment whose verified result passes and records the
// others as not proposed, in one transaction; it returns how many were proposed.
func (s *Service) AppraiseMany(ctx context.Context, by *auth.Principal, ids []int64) (int, error) {
	n := 0
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			a, err := tx.Assessment(ctx, id)
			if err != nil {
				return err
			}
			if err := s.appraise(ctx, tx, by, id, a.Passed, ""); err != nil {
				return err
			}
			if a.Passed {
				n++
			}
		}
		return nil
	})
	return n, err
}

func (s *Service) appraise(ctx context.Context, tx *store.Tx, by *auth.Principal, id int64, propose bool, reason string) error {
	before, err := tx.Assessment(ctx, id)
	if err != nil {
		return err
	}
	set, err := s.setOf(ctx, tx, before)
	if err != nil {
		return err
	}
	level := set.RecognisingLevel()
	if err := allowedAs(by, auth.PermAppraiseAssessments, recognisingPlace(before, level), recogniserRoles(level)); err != nil {
		return err
	}
	if err := ownRecord(by, before); err != nil {
		return err
	}
	if !evaluation.CanTake(evaluation.StepAppraise, before.State) {
		return outOfOrder(evaluation.StepAppraise, before.State)
	}
	reason = strings.TrimSpace(reason)
	if propose && !before.Passed {
		return fault.Errors{fault.Field("propose", "assessment.appraise.not_passed")}
	}
	if !propose && before.Passed && reason == "" {
		return fault.Errors{fault.Field("reason", "assessment.appraise.reason")}
	}
	if !propose && reason == "" {
		// The person is told why: the result against the pass rule, in the words of the record.
		if reason, err = s.shortOfRule(ctx, tx, before); err != nil {
			return err
		}
	}
	a := before
	a.Proposed, a.Reason = propose, reason
	if propose {
		if a.Grade, a.Level, err = s.standing(ctx, set, before); err != nil {
			return err
		}
	}
	a.AppraisedAt, a.AppraisedBy = tx.Now(), userID(by)
	a.State = evaluation.Next(evaluation.StepAppraise, propose)
	return tx.SaveAssessment(ctx, before, a, evaluation.StepAppraise, reason)
}

// shortOfRule says in plain Vietnamese how a verified result falls short of the pass rule.
func (s *Service) shortOfRule(ctx context.Context, tx *store.Tx, a store.Assessment) (string, error) {
	cy, err := tx.Cycle(ctx, a.CycleID)
	if err != nil {
		return "", err
	}
	set, err := s.Set(ctx, cy.CriteriaSetID)
	if err != nil {
		return "", err
	}
	res, err := set.Evaluate(a.TargetGroup, a.Scores)
	if err != nil {
		return "", err
	}
	var parts []string
	if res.Shortfall > 0 {
		parts = append(parts, fmt.Sprintf("tổng %d/%d điểm, cần từ %d điểm", res.Total, res.MaxTotal, set.PassRule.MinTotal))
	}
	if len(res.Below) > 0 {
		parts = append(parts, fmt.Sprintf("chỉ số %s dưới %d điểm", strings.Join(res.Below, ", "), set.PassRule.MinEach))
	}
	return "Chưa đạt điều kiện công nhận: " + strings.Join(parts, "; ") + ".", nil
}

// qualifies tells whether a result may be proposed: it passes, and for a set with levels it
// reaches level 1.
func qualifies(set *criteria.Set, res criteria.Result) bool {
	return res.Passed && (len(set.Levels) == 0 || res.Level >= 1)
}

// setOf returns the criteria set of an assessment's cycle.
func (s *Service) setOf(ctx context.Context, tx *store.Tx, a store.Assessment) (*criteria.Set, error) {
	cy, err := tx.Cycle(ctx, a.CycleID)
	if err != nil {
		return nil, err
	}
	return s.Set(ctx, cy.CriteriaSetID)
}

// standing returns the grade and the level an appraised result is proposed at. Level 2 is given
// only when the subject's level-1 recognition was decided at least the set's wait before
// (TT 24/2023, TT 25/2023: twelve months); until then the proposal is level 1.
func (s *Service) standing(ctx context.Context, set *criteria.Set, a store.Assessment) (string, int, error) {
	res, err := set.Evaluate(a.TargetGroup, a.Scores)
	if err != nil {
		return "", 0, err
	}
	grade := ""
	if res.Grade != nil {
		grade = res.Grade.Code
	}
	level := res.Level
	if level < 2 || set.Recognition.Level2AfterMonths == 0 {
		return grade, level, nil
	}
	past, err := s.DB.SubjectAssessments(ctx, a.SubjectKind, a.SubjectID)
	if err != nil {
		return "", 0, err
	}
	for _, p := range past {
		if p.ID == a.ID || p.State != evaluation.StateRecognised || p.Level < 1 || p.DecisionID == 0 {
			continue
		}
		d, err := s.DB.Decision(ctx, p.DecisionID)
		if err != nil {
			return "", 0, err
		}
		if monthsBetween(d.SignedOn, s.Today()) >= set.Recognition.Level2AfterMonths {
			return grade, level, nil
		}
	}
	return grade, 1, nil
}

// confirmedDigital tells whether a person has a digital-skills confirmation or a basic-level
// self-assessment result on record for the year, when the set's rule counts them
// (programme-rules §3.5, QĐ 757/QĐ-BKHCN).
func (s *Service) confirmedDigital(ctx context.Context, set *criteria.Set, a store.Assessment, year int) (bool, error) {
	if a.SubjectKind != criteria.SubjectCitizen || !set.DigitalSkills.ConfirmationCounts {
		return false, nil
	}
	return s.DB.HasDigitalConfirmation(ctx, a.CitizenID, year)
}

// attachItems makes the attached learning-record items exactly those given: each must be the
// person's own, of the cycle's year, and given for an indicator of the form.
func (s *Service) attachItems(ctx context.Context, tx *store.Tx, a store.Assessment, set *criteria.Set, group string, year int, items []LearningItem) error {
	if a.SubjectKind != criteria.SubjectCitizen {
		return nil
	}
	want := map[LearningItem]bool{}
	for _, it := range items {
		if !hasIndicator(set, group, it.Indicator) {
			return fault.Errors{fault.Field(it.Indicator, "evidence.indicator.unknown", it.Indicator)}
		}
		owner, day, err := s.DB.LearningItemOwner(ctx, it.Kind, it.ID)
		if err != nil && fault.KindOf(err) != fault.NotFound {
			return err
		}
		if err != nil || owner != a.CitizenID || !strings.HasPrefix(day, fmt.Sprint(year)) {
			return fault.Errors{fault.Field(it.Indicator, "evidence.item.not_yours")}
		}
		want[it] = true
	}
	have, err := s.DB.LearningItemsOf(ctx, a.ID)
	if err != nil {
		return err
	}
	for _, l := range have {
		it := LearningItem{Indicator: l.IndicatorCode, Kind: l.ItemKind, ID: l.ItemID}
		if want[it] {
			delete(want, it) // already attached
			continue
		}
		if err := tx.DetachLearningItem(ctx, a, l.IndicatorCode, l.ItemKind, l.ItemID); err != nil {
			return err
		}
	}
	for it := range want {
		if err := tx.AttachLearningItem(ctx, a, it.Indicator, it.Kind, it.ID); err != nil {
			return err
		}
	}
	return nil
}
