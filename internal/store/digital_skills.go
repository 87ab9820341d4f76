package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/digitalskills"
)

// DigitalResult is one digital-skills self-assessment (QĐ 757/QĐ-BKHCN framework).
type DigitalResult struct {
	ID               int64
	ProvinceCode     string
	CommuneCode      string
	CitizenID        int64
	TakenOn          string // yyyy-mm-dd, in Hà Nội
	FrameworkVersion string
	Answers          map[string]string // statement code → answer code
	Groups           []digitalskills.GroupResult
	Percent          int
	Level            string
	SelfSubmitted    bool // taken online by the person themself, not entered for them
	SubmittedBy      int64
	CreatedAt        time.Time
}

// SaveDigitalResult stores a scored self-assessment.
func (tx *Tx) SaveDigitalResult(ctx context.Context, r *DigitalResult) error {
	r.CreatedAt = tx.now
	answers, _ := json.Marshal(r.Answers) // a map of strings always marshals
	groups, _ := json.Marshal(r.Groups)
	id, err := tx.insert(ctx, `INSERT INTO digital_skill_results (province_code, commune_code, citizen_id, taken_on, framework_version,
		answers, group_scores, percent, level, self_submitted, submitted_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ProvinceCode, r.CommuneCode, r.CitizenID, r.TakenOn, r.FrameworkVersion, string(answers), string(groups), r.Percent, r.Level,
		r.SelfSubmitted, nullInt(r.SubmittedBy), r.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: save digital result: %w", err)
	}
	r.ID = id
	return tx.record(ctx, Change{Action: "self_assess", Entity: "digital_skill_result", EntityID: id,
		Place: auth.Place{ProvinceCode: r.ProvinceCode, CommuneCode: r.CommuneCode, CitizenID: r.CitizenID},
		After: map[string]any{"citizen_id": r.CitizenID, "taken_on": r.TakenOn, "percent": r.Percent, "level": r.Level, "self_submitted": r.SelfSubmitted}})
}

// DigitalResultsOf lists a person's digital-skills self-assessments, the newest first.
func (db *DB) DigitalResultsOf(ctx context.Context, citizenID int64) ([]DigitalResult, error) {
	rows, err := db.r().query(ctx, `SELECT id, province_code, commune_code, citizen_id, taken_on, framework_version, answers, group_scores,
		percent, level, self_submitted, COALESCE(submitted_by, 0), created_at FROM digital_skill_results WHERE citizen_id = ?
		ORDER BY taken_on DESC, id DESC`, citizenID)
	if err != nil {
		return nil, fmt.Errorf("store: digital results: %w", err)
	}
	defer rows.Close()
	var out []DigitalResult
	for rows.Next() {
		var r DigitalResult
		var answers, groups string
		if err := rows.Scan(&r.ID, &r.ProvinceCode, &r.CommuneCode, &r.CitizenID, &r.TakenOn, &r.FrameworkVersion, &answers, &groups,
			&r.Percent, &r.Level, &r.SelfSubmitted, &r.SubmittedBy, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: scan digital result: %w", err)
		}
		if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
			return nil, fmt.Errorf("store: digital result %d answers: %w", r.ID, err)
		}
		if err := json.Unmarshal([]byte(groups), &r.Groups); err != nil {
			return nil, fmt.Errorf("store: digital result %d groups: %w", r.ID, err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// DigitalConfirmation is a digital-skills confirmation issued elsewhere and imported.
type DigitalConfirmation struct {
	ID           int64
	ProvinceCode string
	CommuneCode  string
	CitizenID    int64
	ConfirmedOn  string // yyyy-mm-dd
	Level        string // a level code of the framework
	Issuer       string
	FileName     string
	ImportedBy   int64
	CreatedAt    time.Time
}

// AddDigitalConfirmation stores a confirmation unless the same person already has one of the
// same day and issuer; it tells whether it added one.
func (tx *Tx) AddDigitalConfirmation(ctx context.Context, c *DigitalConfirmation) (bool, error) {
	c.CreatedAt = tx.now
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO digital_confirmations (province_code, commune_code, citizen_id, confirmed_on, level, issuer,
		file_name, imported_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (citizen_id, confirmed_on, issuer) DO NOTHING RETURNING id`,
		c.ProvinceCode, c.CommuneCode, c.CitizenID, c.ConfirmedOn, c.Level, c.Issuer, c.FileName, nullInt(c.ImportedBy), c.CreatedAt).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: add digital confirmation: %w", err)
	}
	c.ID = id
	return true, tx.record(ctx, Change{Action: "import", Entity: "digital_confirmation", EntityID: id,
		Place: auth.Place{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, CitizenID: c.CitizenID},
		After: map[string]any{"citizen_id": c.CitizenID, "confirmed_on": c.ConfirmedOn, "level": c.Level, "issuer": c.Issuer, "file_name": c.FileName}})
}

// DigitalConfirmationKey identifies a confirmation for the idempotence of imports.
func DigitalConfirmationKey(citizenID int64, day, issuer string) string {
	return strconv.FormatInt(citizenID, 10) + "|" + day + "|" + issuer
}

// DigitalConfirmationKeys returns the keys (DigitalConfirmationKey) of the confirmations the
// given people already have.
func (r reader) DigitalConfirmationKeys(ctx context.Context, citizenIDs []int64) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 0; start < len(citizenIDs); start += importBatch {
		in, args := inList(citizenIDs[start:min(start+importBatch, len(citizenIDs))])
		rows, err := r.query(ctx, "SELECT citizen_id, confirmed_on, issuer FROM digital_confirmations WHERE citizen_id IN "+in, args...)
		if err != nil {
			return nil, fmt.Errorf("store: confirmation keys: %w", err)
		}
		for rows.Next() {
			var id int64
			var day, issuer string
			if err := rows.Scan(&id, &day, &issuer); err != nil {
				rows.Close()
				return nil, err
			}
			out[DigitalConfirmationKey(id, day, issuer)] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DigitalConfirmationKeys on the read pool.
func (db *DB) DigitalConfirmationKeys(ctx context.Context, citizenIDs []int64) (map[string]bool, error) {
	return db.r().DigitalConfirmationKeys(ctx, citizenIDs)
}

// DigitalConfirmationsOf lists a person's imported confirmations, the newest first.
func (db *DB) DigitalConfirmationsOf(ctx context.Context, citizenID int64) ([]DigitalConfirmation, error) {
	rows, err := db.r().query(ctx, `SELECT id, province_code, commune_code, citizen_id, confirmed_on, level, issuer, file_name,
		COALESCE(imported_by, 0), created_at FROM digital_confirmations WHERE citizen_id = ? ORDER BY confirmed_on DESC, id DESC`, citizenID)
	if err != nil {
		return nil, fmt.Errorf("store: digital confirmations: %w", err)
	}
	defer rows.Close()
	var out []DigitalConfirmation
	for rows.Next() {
		var c DigitalConfirmation
		if err := rows.Scan(&c.ID, &c.ProvinceCode, &c.CommuneCode, &c.CitizenID, &c.ConfirmedOn, &c.Level, &c.Issuer, &c.FileName,
			&c.ImportedBy, &c.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: scan digital confirmation: %w", err)
		}
		c.CreatedAt = c.CreatedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// HasDigitalConfirmation tells whether a person holds, in a year, a digital-skills
// confirmation or a self-assessment result at or above the basic level of the framework
// (digitalskills.Default; programme-rules §3.5: "has digital skills" may rest on a QĐ 757
// confirmation). A confirmation counts at any level it was imported with, since the import
// accepts only levels at or above the basic one.
func (db *DB) HasDigitalConfirmation(ctx context.Context, citizenID int64, year int) (bool, error) {
	fw := digitalskills.Default()
	var levels []string
	for _, l := range fw.Levels {
		if fw.AtLeastBasic(l.Code) {
			levels = append(levels, l.Code)
		}
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	in, args := inList(levels)
	var n int
	err := db.r().queryRow(ctx, `SELECT (SELECT COUNT(*) FROM digital_confirmations WHERE citizen_id = ? AND confirmed_on >= ? AND confirmed_on <= ?)
		+ (SELECT COUNT(*) FROM digital_skill_results WHERE citizen_id = ? AND taken_on >= ? AND taken_on <= ? AND level IN `+in+`)`,
		append([]any{citizenID, from, to, citizenID, from, to}, args...)...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: has digital confirmation: %w", err)
	}
	return n > 0, nil
}

// LearningItemLink is an item of a learning record attached to an indicator of a Công dân
// học tập self-assessment as evidence.
type LearningItemLink struct {
	ID            int64
	AssessmentID  int64
	IndicatorCode string
	ItemKind      string // "completion" or "activity"
	ItemID        int64
	AttachedBy    int64
	AttachedAt    time.Time
}

// The kinds of learning-record item.
const (
	ItemCompletion = "completion"
	ItemActivity   = "activity"
)

// AttachLearningItem attaches an item to an indicator of an assessment; attaching it twice
// changes nothing.
func (tx *Tx) AttachLearningItem(ctx context.Context, a Assessment, indicator, kind string, itemID int64) error {
	if kind != ItemCompletion && kind != ItemActivity {
		return fmt.Errorf("store: attach learning item: unknown kind %q", kind)
	}
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO assessment_learning_items (province_code, commune_code, assessment_id, indicator_code, item_kind, item_id,
		attached_by, attached_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (assessment_id, indicator_code, item_kind, item_id) DO NOTHING RETURNING id`,
		a.ProvinceCode, a.CommuneCode, a.ID, indicator, kind, itemID, nullInt(actorID(ctx)), tx.now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: attach learning item: %w", err)
	}
	return tx.record(ctx, Change{Action: "attach_learning_item", Entity: "assessment", EntityID: a.ID, Place: AssessmentPlace(a),
		After: map[string]any{"link_id": id, "indicator": indicator, "item_kind": kind, "item_id": itemID}})
}

// DetachLearningItem removes an attached item; removing one that is not there changes nothing.
func (tx *Tx) DetachLearningItem(ctx context.Context, a Assessment, indicator, kind string, itemID int64) error {
	res, err := tx.exec(ctx, "DELETE FROM assessment_learning_items WHERE assessment_id = ? AND indicator_code = ? AND item_kind = ? AND item_id = ?",
		a.ID, indicator, kind, itemID)
	if err != nil {
		return fmt.Errorf("store: detach learning item: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return tx.record(ctx, Change{Action: "detach_learning_item", Entity: "assessment", EntityID: a.ID, Place: AssessmentPlace(a),
		Before: map[string]any{"indicator": indicator, "item_kind": kind, "item_id": itemID}})
}

// LearningItemsOf lists the items attached to an assessment, by indicator.
func (db *DB) LearningItemsOf(ctx context.Context, assessmentID int64) ([]LearningItemLink, error) {
	rows, err := db.r().query(ctx, `SELECT id, assessment_id, indicator_code, item_kind, item_id, COALESCE(attached_by, 0), attached_at
		FROM assessment_learning_items WHERE assessment_id = ? ORDER BY indicator_code, id`, assessmentID)
	if err != nil {
		return nil, fmt.Errorf("store: learning items: %w", err)
	}
	defer rows.Close()
	var out []LearningItemLink
	for rows.Next() {
		var l LearningItemLink
		if err := rows.Scan(&l.ID, &l.AssessmentID, &l.IndicatorCode, &l.ItemKind, &l.ItemID, &l.AttachedBy, &l.AttachedAt); err != nil {
			return nil, fmt.Errorf("store: scan learning item: %w", err)
		}
		l.AttachedAt = l.AttachedAt.UTC()
		out = append(out, l)
	}
	return out, rows.Err()
}
