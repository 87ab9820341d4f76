package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
)

// The states of a self-declared learning activity.
const (
	ActivitySelfDeclared = "self_declared" // as the person declared it
	ActivityConfirmed    = "confirmed"     // confirmed by a collector of the village or a commune officer
	ActivityRejected     = "rejected"      // rejected, with a reason
)

// Activity is a learning activity a person declares in their learning record.
type Activity struct {
	ID             int64
	ProvinceCode   string
	CommuneCode    string
	VillageID      int64 // where the person lived when they declared it; its collector reviews it
	CitizenID      int64
	Kind           string // reading, club, talk, online_course, work_training, other
	Description    string
	StartedOn      string // yyyy-mm-dd
	EndedOn        string // yyyy-mm-dd, StartedOn for one day
	Minutes        int
	EvidenceSHA256 string // "" without a file
	EvidenceName   string
	State          string
	Reason         string // why it was rejected
	DeclaredBy     int64
	DeclaredAt     time.Time
	ReviewedBy     int64
	ReviewedAt     time.Time
	UpdatedAt      time.Time

	// Read with lists, not written.
	FullName     string
	VillageName  string
	EvidenceType string
}

// ActivityPlace locates an activity for access checks.
func ActivityPlace(a Activity) auth.Place {
	return auth.Place{ProvinceCode: a.ProvinceCode, CommuneCode: a.CommuneCode, VillageID: a.VillageID, CitizenID: a.CitizenID}
}

var activityScope = scopeColumns{province: "a.province_code", commune: "a.commune_code", village: "a.village_id", citizen: "a.citizen_id"}

const activityColumns = `a.id, a.province_code, a.commune_code, COALESCE(a.village_id, 0), a.citizen_id, a.kind, a.description,
	a.started_on, a.ended_on, a.minutes, COALESCE(a.evidence_sha256, ''), a.evidence_name, a.state, a.reason,
	COALESCE(a.declared_by, 0), a.declared_at, COALESCE(a.reviewed_by, 0), a.reviewed_at, a.updated_at,
	c.full_name, COALESCE(v.name, ''), COALESCE(b.content_type, '')`

const activityFrom = ` FROM learning_activities a JOIN citizens c ON c.id = a.citizen_id
	LEFT JOIN villages v ON v.id = a.village_id LEFT JOIN blobs b ON b.sha256 = a.evidence_sha256`

func scanActivity(s scanner) (Activity, error) {
	var a Activity
	var rev sql.NullTime
	err := s.Scan(&a.ID, &a.ProvinceCode, &a.CommuneCode, &a.VillageID, &a.CitizenID, &a.Kind, &a.Description,
		&a.StartedOn, &a.EndedOn, &a.Minutes, &a.EvidenceSHA256, &a.EvidenceName, &a.State, &a.Reason,
		&a.DeclaredBy, &a.DeclaredAt, &a.ReviewedBy, &rev, &a.UpdatedAt, &a.FullName, &a.VillageName, &a.EvidenceType)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fault.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("store: scan activity: %w", err)
	}
	a.DeclaredAt, a.UpdatedAt, a.ReviewedAt = a.DeclaredAt.UTC(), a.UpdatedAt.UTC(), rev.Time.UTC()
	return a, nil
}

func (r reader) activities(ctx context.Context, q string, args ...any) ([]Activity, error) {
	rows, err := r.query(ctx, "SELECT "+activityColumns+activityFrom+" "+q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: activities: %w", err)
	}
	defer rows.Close()
	var out []Activity
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CreateActivity stores a declared activity; its evidence blob, if any, is already stored.
func (tx *Tx) CreateActivity(ctx context.Context, a *Activity) error {
	a.DeclaredAt, a.UpdatedAt = tx.now, tx.now
	if a.State == "" {
		a.State = ActivitySelfDeclared
	}
	id, err := tx.insert(ctx, `INSERT INTO learning_activities (province_code, commune_code, village_id, citizen_id, kind, description,
		started_on, ended_on, minutes, evidence_sha256, evidence_name, state, reason, declared_by, declared_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ProvinceCode, a.CommuneCode, nullInt(a.VillageID), a.CitizenID, a.Kind, a.Description, a.StartedOn, a.EndedOn, a.Minutes,
		nullStr(a.EvidenceSHA256), a.EvidenceName, a.State, a.Reason, nullInt(a.DeclaredBy), a.DeclaredAt, a.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store: create activity: %w", err)
	}
	a.ID = id
	return tx.record(ctx, Change{Action: "declare", Entity: "learning_activity", EntityID: id, Place: ActivityPlace(*a),
		After: map[string]any{"citizen_id": a.CitizenID, "kind": a.Kind, "started_on": a.StartedOn, "ended_on": a.EndedOn,
			"minutes": a.Minutes, "evidence_sha256": a.EvidenceSHA256, "description": a.Description}})
}

// Activity reads one activity in the transaction. It takes no lock: ReviewActivity changes
// only a still self-declared row, so two reviewers cannot both succeed.
func (tx *Tx) Activity(ctx context.Context, id int64) (Activity, error) {
	return scanActivity(tx.queryRow(ctx, "SELECT "+activityColumns+activityFrom+" WHERE a.id = ?", id))
}

// Activity reads one activity.
func (db *DB) Activity(ctx context.Context, id int64) (Activity, error) {
	return scanActivity(db.r().queryRow(ctx, "SELECT "+activityColumns+activityFrom+" WHERE a.id = ?", id))
}

// ReviewActivity confirms or rejects a self-declared activity. An activity already reviewed is
// a conflict ("record.activity.reviewed"): a second officer does not overwrite the first.
func (tx *Tx) ReviewActivity(ctx context.Context, a Activity, state, reason string, by int64) error {
	res, err := tx.exec(ctx, `UPDATE learning_activities SET state = ?, reason = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ?
		WHERE id = ? AND state = ?`, state, reason, nullInt(by), tx.now, tx.now, a.ID, ActivitySelfDeclared)
	if err != nil {
		return fmt.Errorf("store: review activity: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.New(fault.Conflict, "record.activity.reviewed")
	}
	return tx.record(ctx, Change{Action: "review", Entity: "learning_activity", EntityID: a.ID, Place: ActivityPlace(a),
		Before: map[string]any{"state": a.State}, After: map[string]any{"state": state, "reason": reason}})
}

// ActivitiesOf lists a person's activities that end between two days (yyyy-mm-dd, inclusive;
// "" for no bound), the newest first.
func (db *DB) ActivitiesOf(ctx context.Context, citizenID int64, from, to string) ([]Activity, error) {
	q, args := "WHERE a.citizen_id = ?", []any{citizenID}
	q, args = dayRange(q, args, "a.ended_on", from, to)
	return db.r().activities(ctx, q+" ORDER BY a.ended_on DESC, a.id DESC", args...)
}

// dayRange adds bounds on a yyyy-mm-dd text column; the ISO form sorts as the days do.
func dayRange(q string, args []any, col, from, to string) (string, []any) {
	if from != "" {
		q += " AND " + col + " >= ?"
		args = append(args, from)
	}
	if to != "" {
		q += " AND " + col + " <= ?"
		args = append(args, to)
	}
	return q, args
}

// ActivityEvidence returns an activity's evidence file.
func (db *DB) ActivityEvidence(ctx context.Context, a Activity) ([]byte, error) {
	if a.EvidenceSHA256 == "" {
		return nil, fault.ErrNotFound
	}
	var data []byte
	if err := db.r().queryRow(ctx, "SELECT data FROM blobs WHERE sha256 = ?", a.EvidenceSHA256).Scan(&data); err != nil {
		return nil, fmt.Errorf("store: activity evidence: %w", err)
	}
	return data, nil
}

// Completion is a completion confirmed by a provider (table completions, migration 0004).
type Completion struct {
	ID              int64
	ProvinceCode    string
	CommuneCode     string
	CitizenID       int64
	ProgrammeID     int64
	ProviderID      int64
	Title           string
	Topic           string
	CompletedOn     string // yyyy-mm-dd
	Minutes         int
	Source          string // attendance, import
	CertificateCode string
	CreatedAt       time.Time
}

// CompletionsOf lists a person's completions between two days ("" for no bound), newest first.
func (db *DB) CompletionsOf(ctx context.Context, citizenID int64, from, to string) ([]Completion, error) {
	q, args := "WHERE citizen_id = ?", []any{citizenID}
	q, args = dayRange(q, args, "completed_on", from, to)
	rows, err := db.r().query(ctx, `SELECT id, province_code, commune_code, citizen_id, COALESCE(programme_id, 0), provider_id, title, topic,
		completed_on, minutes, source, COALESCE(certificate_code, ''), created_at FROM completions `+q+" ORDER BY completed_on DESC, id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("store: completions: %w", err)
	}
	defer rows.Close()
	var out []Completion
	for rows.Next() {
		var c Completion
		if err := rows.Scan(&c.ID, &c.ProvinceCode, &c.CommuneCode, &c.CitizenID, &c.ProgrammeID, &c.ProviderID, &c.Title, &c.Topic,
			&c.CompletedOn, &c.Minutes, &c.Source, &c.CertificateCode, &c.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: scan completion: %w", err)
		}
		c.CreatedAt = c.CreatedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// ActivityQuery selects activities for the review page.
type ActivityQuery struct {
	Scope     auth.Scope
	From, To  string // bounds on the day the activity ended, yyyy-mm-dd
	DeclFrom  time.Time
	DeclTo    time.Time // or declared in [DeclFrom, DeclTo): a late claim for an earlier year is reviewed too
	VillageID int64
	Limit     int
}

// ListActivities lists the activities in scope that ended in [From, To] or were declared in
// [DeclFrom, DeclTo), with the person's name, by village and person.
func (db *DB) ListActivities(ctx context.Context, q ActivityQuery) ([]Activity, error) {
	where, args := scopeWhere(q.Scope, activityScope)
	cond := "(a.ended_on >= ? AND a.ended_on <= ?)"
	args = append(args, q.From, q.To)
	if !q.DeclFrom.IsZero() {
		cond = "(" + cond + " OR (a.declared_at >= ? AND a.declared_at < ?))"
		args = append(args, q.DeclFrom, q.DeclTo)
	}
	sqlq := "WHERE " + where + " AND " + cond
	if q.VillageID != 0 {
		sqlq += " AND a.village_id = ?"
		args = append(args, q.VillageID)
	}
	if q.Limit <= 0 || q.Limit > 20000 {
		q.Limit = 20000
	}
	sqlq += " ORDER BY v.name, c.full_name, a.id LIMIT ?"
	return db.r().activities(ctx, sqlq, append(args, q.Limit)...)
}

// EvidenceUsers counts, for each of the given evidence hashes, the different people whose
// activities carry it, wherever they live.
func (db *DB) EvidenceUsers(ctx context.Context, hashes []string) (map[string]int, error) {
	out := map[string]int{}
	for start := 0; start < len(hashes); start += importBatch {
		in, args := inList(hashes[start:min(start+importBatch, len(hashes))])
		rows, err := db.r().query(ctx, "SELECT evidence_sha256, COUNT(DISTINCT citizen_id) FROM learning_activities WHERE evidence_sha256 IN "+in+" GROUP BY evidence_sha256", args...)
		if err != nil {
			return nil, fmt.Errorf("store: evidence users: %w", err)
		}
		for rows.Next() {
			var h string
			var n int
			if err := rows.Scan(&h, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[h] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MinutesOfYear returns, for each of the given people, the minutes of their activities (not
// rejected) that ended between two days, wherever they were declared.
func (db *DB) MinutesOfYear(ctx context.Context, citizenIDs []int64, from, to string) (map[int64]int, error) {
	out := map[int64]int{}
	for start := 0; start < len(citizenIDs); start += importBatch {
		in, args := inList(citizenIDs[start:min(start+importBatch, len(citizenIDs))])
		rows, err := db.r().query(ctx, "SELECT citizen_id, SUM(minutes) FROM learning_activities WHERE citizen_id IN "+in+
			" AND state <> ? AND ended_on >= ? AND ended_on <= ? GROUP BY citizen_id", append(args, ActivityRejected, from, to)...)
		if err != nil {
			return nil, fmt.Errorf("store: minutes of year: %w", err)
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
