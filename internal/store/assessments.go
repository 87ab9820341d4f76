package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
)

// Adjustment is one score changed at verification, with its reason.
type Adjustment struct {
	Code   string    `json:"code"`
	From   int       `json:"from"`
	To     int       `json:"to"`
	Reason string    `json:"reason"`
	By     int64     `json:"by"`
	At     time.Time `json:"at"`
}

// Computation is an item computed from the registry: numerator over denominator on the
// reference day, and the points it gives.
type Computation struct {
	Numerator   int     `json:"num"`
	Denominator int     `json:"den"`
	Percent     int     `json:"pct"`
	Points      int     `json:"points"`
	Defined     bool    `json:"defined"` // false when the denominator is zero
	On          string  `json:"on"`      // the reference day, yyyy-mm-dd
	Members     []int64 `json:"members,omitempty"`
}

// Assessment is one subject's way through one cycle: a person's, or a household's, clan's,
// village's, work unit's or commune's.
type Assessment struct {
	ID                int64
	ProvinceCode      string
	CommuneCode       string
	CycleID           int64
	SubjectKind       string // criteria.SubjectCitizen, SubjectHousehold, …
	SubjectID         int64
	SubjectName       string
	CitizenID         int64 // the person who acts for the subject themself (the person, the head, the representative); 0 for none
	VillageID         int64 // residents are verified at their village
	WorkUnitID        int64 // staff at their work unit (set at the pledge for staff only)
	TargetGroup       string
	State             evaluation.State
	SelfScores        map[string]int // as submitted, by the person or for them
	Scores            map[string]int // after verification
	Adjustments       []Adjustment
	Computed          map[string]Computation // items computed from the registry, by indicator code
	Total             int
	Passed            bool
	DigitalSkills     bool
	DigitalProficient bool
	SelfSubmitted     bool   // submitted online by the person themself
	ConsentMethod     string // for assisted entry: how the person's consent was given (paper, spoken)
	PledgedAt         time.Time
	PledgedBy         int64
	SubmittedAt       time.Time
	SubmittedBy       int64
	VerifiedAt        time.Time
	VerifiedBy        int64
	AppraisedAt       time.Time
	AppraisedBy       int64
	Proposed          bool   // appraisal: proposed for recognition
	Grade             string // for sets with grades: the grade's code
	Level             int    // for sets with levels: the level reached
	ValidUntil        int    // the last year a recognition holds (several years under TT 24 and TT 25)
	Comment           string // the last comment to the person (a return)
	Reason            string // why not proposed, not recognised, reopened or revoked
	DecisionID        int64
	UpdatedAt         time.Time

	// Read with lists, not written.
	FullName    string
	BirthYear   int
	NationalID  string
	VillageName string
	Year        int    // of the cycle
	CycleTitle  string // the cycle's title key
}

// AssessmentPlace locates an assessment for access checks: its commune, the village and work
// unit where it is verified, and the person.
func AssessmentPlace(a Assessment) auth.Place {
	return auth.Place{ProvinceCode: a.ProvinceCode, CommuneCode: a.CommuneCode, VillageID: a.VillageID, WorkUnitID: a.WorkUnitID, CitizenID: a.CitizenID}
}

var assessmentScope = scopeColumns{province: "a.province_code", commune: "a.commune_code", village: "a.village_id", workUnit: "a.work_unit_id", citizen: "a.citizen_id"}

// verifierScope places an assessment where it is verified: at its work unit when it has one
// (staff), otherwise at its village (recognition.VerifierPlace says the same for one record).
var verifierScope = scopeColumns{province: "a.province_code", commune: "a.commune_code",
	village: "(CASE WHEN a.work_unit_id IS NULL THEN a.village_id END)", workUnit: "a.work_unit_id"}

const assessmentColumns = `a.id, a.province_code, a.commune_code, a.cycle_id, a.subject_kind, a.subject_id, a.subject_name, COALESCE(a.citizen_id, 0),
	COALESCE(a.village_id, 0), COALESCE(a.work_unit_id, 0), a.target_group, a.state, a.self_scores, a.scores, a.adjustments, a.computed, a.total, a.passed, a.digital_skills, a.digital_proficient,
	a.self_submitted, a.consent_method, a.pledged_at, COALESCE(a.pledged_by, 0), a.submitted_at, COALESCE(a.submitted_by, 0),
	a.verified_at, COALESCE(a.verified_by, 0), a.appraised_at, COALESCE(a.appraised_by, 0), a.proposed, a.grade, a.level, a.valid_until,
	a.comment, a.reason, COALESCE(a.decision_id, 0), a.updated_at,
	CASE WHEN a.subject_kind = 'citizen' THEN COALESCE(c.full_name, a.subject_name) ELSE a.subject_name END,
	CASE WHEN a.subject_kind = 'citizen' THEN COALESCE(c.birth_year, 0) ELSE 0 END,
	CASE WHEN a.subject_kind = 'citizen' THEN COALESCE(c.national_id, '') ELSE '' END, COALESCE(v.name, ''), y.year, y.title`

const assessmentFrom = ` FROM assessments a LEFT JOIN citizens c ON c.id = a.citizen_id JOIN cycles y ON y.id = a.cycle_id LEFT JOIN villages v ON v.id = a.village_id`

func scanAssessment(s scanner) (Assessment, error) {
	var a Assessment
	var state, self, scores, adj, computed string
	var sub, ver, app sql.NullTime
	err := s.Scan(&a.ID, &a.ProvinceCode, &a.CommuneCode, &a.CycleID, &a.SubjectKind, &a.SubjectID, &a.SubjectName, &a.CitizenID,
		&a.VillageID, &a.WorkUnitID, &a.TargetGroup, &state, &self, &scores, &adj, &computed, &a.Total, &a.Passed, &a.DigitalSkills, &a.DigitalProficient,
		&a.SelfSubmitted, &a.ConsentMethod, &a.PledgedAt, &a.PledgedBy, &sub, &a.SubmittedBy,
		&ver, &a.VerifiedBy, &app, &a.AppraisedBy, &a.Proposed, &a.Grade, &a.Level, &a.ValidUntil, &a.Comment, &a.Reason,
		&a.DecisionID, &a.UpdatedAt, &a.FullName, &a.BirthYear, &a.NationalID, &a.VillageName, &a.Year, &a.CycleTitle)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fault.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("store: scan assessment: %w", err)
	}
	a.State = evaluation.State(state)
	a.PledgedAt, a.UpdatedAt = a.PledgedAt.UTC(), a.UpdatedAt.UTC()
	a.SubmittedAt, a.VerifiedAt, a.AppraisedAt = sub.Time.UTC(), ver.Time.UTC(), app.Time.UTC()
	if err := unmarshalIfSet(self, &a.SelfScores); err != nil {
		return a, err
	}
	if err := unmarshalIfSet(scores, &a.Scores); err != nil {
		return a, err
	}
	if err := unmarshalIfSet(computed, &a.Computed); err != nil {
		return a, err
	}
	return a, unmarshalIfSet(adj, &a.Adjustments)
}

func unmarshalIfSet(s string, v any) error {
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("store: assessment json: %w", err)
	}
	return nil
}

func marshalOrEmpty[T any](v T, empty bool) string {
	if empty {
		return ""
	}
	b, _ := json.Marshal(v) // maps of ints and flat structs always marshal
	return string(b)
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// Assessment returns one assessment.
func (db *DB) Assessment(ctx context.Context, id int64) (Assessment, error) {
	return scanAssessment(db.r().queryRow(ctx, "SELECT "+assessmentColumns+assessmentFrom+" WHERE a.id = ?", id))
}

// Assessment returns one assessment, locked for the transaction.
func (tx *Tx) Assessment(ctx context.Context, id int64) (Assessment, error) {
	q := "SELECT " + assessmentColumns + assessmentFrom + " WHERE a.id = ?"
	if tx.d.name == "postgres" {
		q += " FOR UPDATE OF a"
	}
	return scanAssessment(tx.queryRow(ctx, q, id))
}

// AssessmentOf returns a person's assessment in a cycle.
func (db *DB) AssessmentOf(ctx context.Context, cycleID, citizenID int64) (Assessment, error) {
	return db.SubjectAssessment(ctx, cycleID, "citizen", citizenID)
}

// SubjectAssessment returns a subject's assessment in a cycle.
func (db *DB) SubjectAssessment(ctx context.Context, cycleID int64, kind string, id int64) (Assessment, error) {
	return scanAssessment(db.r().queryRow(ctx, "SELECT "+assessmentColumns+assessmentFrom+" WHERE a.cycle_id = ? AND a.subject_kind = ? AND a.subject_id = ?",
		cycleID, kind, id))
}

// AssessmentsOfCitizen lists the assessments a person acts on themself (their own, and those of
// the household they head or the clan they represent), newest cycle first.
func (db *DB) AssessmentsOfCitizen(ctx context.Context, citizenID int64) ([]Assessment, error) {
	return db.assessments(ctx, "SELECT "+assessmentColumns+assessmentFrom+" WHERE a.citizen_id = ? ORDER BY a.cycle_id DESC, a.id", citizenID)
}

// SubjectAssessments lists a subject's assessments of every cycle, newest first.
func (db *DB) SubjectAssessments(ctx context.Context, kind string, id int64) ([]Assessment, error) {
	return db.assessments(ctx, "SELECT "+assessmentColumns+assessmentFrom+" WHERE a.subject_kind = ? AND a.subject_id = ? ORDER BY y.year DESC", kind, id)
}

func (db *DB) assessments(ctx context.Context, q string, args ...any) ([]Assessment, error) {
	rows, err := db.r().query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: assessments: %w", err)
	}
	defer rows.Close()
	var out []Assessment
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CreateAssessment records a pledge; a second assessment of the same subject in the cycle is a
// conflict.
func (tx *Tx) CreateAssessment(ctx context.Context, a *Assessment) error {
	if a.SubjectKind == "" {
		a.SubjectKind, a.SubjectID = "citizen", a.CitizenID
	}
	var n int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM assessments WHERE cycle_id = ? AND subject_kind = ? AND subject_id = ?", a.CycleID, a.SubjectKind, a.SubjectID).Scan(&n); err != nil {
		return fmt.Errorf("store: assessment: %w", err)
	}
	if n > 0 {
		return fault.New(fault.Conflict, "assessment.exists")
	}
	a.PledgedAt, a.UpdatedAt, a.State = tx.now, tx.now, evaluation.StatePledged
	a.PledgedBy = actorID(ctx)
	id, err := tx.insert(ctx, `INSERT INTO assessments (province_code, commune_code, cycle_id, subject_kind, subject_id, subject_name, citizen_id,
		village_id, work_unit_id, target_group, state, pledged_at, pledged_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ProvinceCode, a.CommuneCode, a.CycleID, a.SubjectKind, a.SubjectID, a.SubjectName, nullInt(a.CitizenID), nullInt(a.VillageID), nullInt(a.WorkUnitID), a.TargetGroup,
		string(a.State), a.PledgedAt, nullInt(a.PledgedBy), a.UpdatedAt)
	if isUniqueViolation(err) {
		return fault.New(fault.Conflict, "assessment.exists")
	}
	if err != nil {
		return fmt.Errorf("store: create assessment: %w", err)
	}
	a.ID = id
	if err := tx.addStep(ctx, *a, evaluation.StepPledge, ""); err != nil {
		return err
	}
	return tx.record(ctx, Change{Action: string(evaluation.StepPledge), Entity: "assessment", EntityID: id, Place: AssessmentPlace(*a),
		After: auditView(*a)})
}

// SaveAssessment writes the outcome of a step taken on before (read with Tx.Assessment), the
// step in the person's history, and the audit entry, all in the caller's transaction.
func (tx *Tx) SaveAssessment(ctx context.Context, before, a Assessment, step evaluation.Step, comment string) error {
	a.UpdatedAt = tx.now
	_, err := tx.exec(ctx, `UPDATE assessments SET target_group = ?, state = ?, self_scores = ?, scores = ?, adjustments = ?, computed = ?, total = ?,
		passed = ?, digital_skills = ?, digital_proficient = ?, self_submitted = ?, consent_method = ?, submitted_at = ?, submitted_by = ?,
		verified_at = ?, verified_by = ?, appraised_at = ?, appraised_by = ?, proposed = ?, grade = ?, level = ?, valid_until = ?,
		comment = ?, reason = ?, decision_id = ?, updated_at = ? WHERE id = ?`,
		a.TargetGroup, string(a.State), marshalOrEmpty(a.SelfScores, a.SelfScores == nil), marshalOrEmpty(a.Scores, a.Scores == nil),
		marshalOrEmpty(a.Adjustments, len(a.Adjustments) == 0), marshalOrEmpty(a.Computed, len(a.Computed) == 0), a.Total, a.Passed,
		a.DigitalSkills, a.DigitalProficient, a.SelfSubmitted, a.ConsentMethod, nullTime(a.SubmittedAt), nullInt(a.SubmittedBy),
		nullTime(a.VerifiedAt), nullInt(a.VerifiedBy), nullTime(a.AppraisedAt), nullInt(a.AppraisedBy), a.Proposed, a.Grade, a.Level,
		a.ValidUntil, a.Comment, a.Reason, nullInt(a.DecisionID), a.UpdatedAt, a.ID)
	if err != nil {
		return fmt.Errorf("store: save assessment: %w", err)
	}
	if titleHeld(before) != titleHeld(a) {
		if err := tx.touchSubject(ctx, a); err != nil {
			return err
		}
	}
	if err := tx.addStep(ctx, a, step, comment); err != nil {
		return err
	}
	return tx.record(ctx, Change{Action: string(step), Entity: "assessment", EntityID: a.ID, Place: AssessmentPlace(a),
		Before: auditView(before), After: auditView(a)})
}

// auditView is what the audit log keeps of an assessment: its state and scores, not the
// person's name (the citizen id points at them).
func auditView(a Assessment) map[string]any {
	m := map[string]any{"state": a.State, "subject": a.SubjectKind, "subject_id": a.SubjectID, "cycle_id": a.CycleID, "target_group": a.TargetGroup}
	if a.Grade != "" || a.Level != 0 {
		m["grade"], m["level"], m["valid_until"] = a.Grade, a.Level, a.ValidUntil
	}
	if len(a.Computed) > 0 {
		m["computed"] = a.Computed
	}
	if a.Scores != nil {
		m["scores"], m["total"], m["passed"] = a.Scores, a.Total, a.Passed
	}
	if len(a.Adjustments) > 0 {
		m["adjustments"] = a.Adjustments
	}
	if a.SelfScores != nil {
		m["self_submitted"], m["consent_method"] = a.SelfSubmitted, a.ConsentMethod
	}
	if a.Reason != "" {
		m["reason"] = a.Reason
	}
	if a.Comment != "" {
		m["comment"] = a.Comment
	}
	if a.DecisionID != 0 {
		m["decision_id"] = a.DecisionID
	}
	return m
}

func (tx *Tx) addStep(ctx context.Context, a Assessment, step evaluation.Step, comment string) error {
	act := audit.ActorFrom(ctx)
	_, err := tx.exec(ctx, `INSERT INTO assessment_steps (province_code, commune_code, assessment_id, step, to_state, actor_user_id, actor, at, comment)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ProvinceCode, a.CommuneCode, a.ID, string(step), string(a.State), nullInt(act.UserID), act.Name, tx.now, comment)
	if err != nil {
		return fmt.Errorf("store: assessment step: %w", err)
	}
	return tx.queueAssessmentNotice(ctx, a, step, comment)
}

// AssessmentStep is one line of an assessment's history.
type AssessmentStep struct {
	Step    evaluation.Step
	ToState evaluation.State
	Actor   string
	At      time.Time
	Comment string
}

// AssessmentSteps returns an assessment's history, oldest first.
func (db *DB) AssessmentSteps(ctx context.Context, assessmentID int64) ([]AssessmentStep, error) {
	// The account's display name, not the login the audit log keeps (a login may be an ID number).
	rows, err := db.r().query(ctx, `SELECT s.step, s.to_state, COALESCE(u.display_name, s.actor), s.at, s.comment FROM assessment_steps s
		LEFT JOIN users u ON u.id = s.actor_user_id WHERE s.assessment_id = ? ORDER BY s.id`, assessmentID)
	if err != nil {
		return nil, fmt.Errorf("store: assessment steps: %w", err)
	}
	defer rows.Close()
	var out []AssessmentStep
	for rows.Next() {
		var s AssessmentStep
		var step, state string
		if err := rows.Scan(&step, &state, &s.Actor, &s.At, &s.Comment); err != nil {
			return nil, fmt.Errorf("store: scan assessment step: %w", err)
		}
		s.Step, s.ToState, s.At = evaluation.Step(step), evaluation.State(state), s.At.UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}

// AssessmentQuery selects assessments of one cycle for a list.
type AssessmentQuery struct {
	CycleID     int64
	Scope       auth.Scope
	CommuneCode string
	VillageID   int64
	WorkUnitID  int64
	DecisionID  int64
	States      []evaluation.State
	SubjectKind string // "" = any
	ForVerifier bool   // place rows where they are verified, not where the person lives
	Limit       int    // 0 = no limit
	Offset      int
}

func (q AssessmentQuery) where() (string, []any) {
	conds := []string{"a.cycle_id = ?"}
	args := []any{q.CycleID}
	cols := assessmentScope
	if q.ForVerifier {
		cols = verifierScope
	}
	sw, sa := scopeWhere(q.Scope, cols)
	conds, args = append(conds, sw), append(args, sa...)
	if q.CommuneCode != "" {
		conds, args = append(conds, "a.commune_code = ?"), append(args, q.CommuneCode)
	}
	if q.SubjectKind != "" {
		conds, args = append(conds, "a.subject_kind = ?"), append(args, q.SubjectKind)
	}
	if q.VillageID != 0 {
		conds, args = append(conds, "a.village_id = ?"), append(args, q.VillageID)
	}
	if q.WorkUnitID != 0 {
		conds, args = append(conds, "a.work_unit_id = ?"), append(args, q.WorkUnitID)
	}
	if q.DecisionID != 0 {
		conds, args = append(conds, "a.decision_id = ?"), append(args, q.DecisionID)
	}
	if len(q.States) > 0 {
		in, sa := inList(q.States)
		conds, args = append(conds, "a.state IN "+in), append(args, sa...)
	}
	return strings.Join(conds, " AND "), args
}

// Assessments lists the assessments a query selects, in Vietnamese name order, and how many
// there are in all.
func (db *DB) Assessments(ctx context.Context, q AssessmentQuery) ([]Assessment, int, error) {
	w, args := q.where()
	var total int
	if err := db.r().queryRow(ctx, "SELECT count(*) FROM assessments a WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count assessments: %w", err)
	}
	sqlq := "SELECT " + assessmentColumns + assessmentFrom + " WHERE " + w + " ORDER BY COALESCE(v.name, ''), c.sort_key, a.subject_name, a.id"
	if q.Limit > 0 {
		sqlq += fmt.Sprintf(" LIMIT %d OFFSET %d", q.Limit, q.Offset)
	}
	out, err := db.assessments(ctx, sqlq, args...)
	return out, total, err
}

// AssessmentIDs returns the ids a query selects, for bulk steps.
func (tx *Tx) AssessmentIDs(ctx context.Context, q AssessmentQuery) ([]int64, error) {
	w, args := q.where()
	rows, err := tx.query(ctx, "SELECT a.id FROM assessments a WHERE "+w+" ORDER BY a.id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: assessment ids: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// StateCounts counts the assessments a query selects per state: the pipeline.
func (db *DB) StateCounts(ctx context.Context, q AssessmentQuery) (map[evaluation.State]int, error) {
	w, args := q.where()
	rows, err := db.r().query(ctx, "SELECT a.state, count(*) FROM assessments a WHERE "+w+" GROUP BY a.state", args...)
	if err != nil {
		return nil, fmt.Errorf("store: state counts: %w", err)
	}
	defer rows.Close()
	out := map[evaluation.State]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[evaluation.State(s)] = n
	}
	return out, rows.Err()
}
