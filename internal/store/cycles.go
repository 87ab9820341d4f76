package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"hoctap/internal/audit"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
)

// CriteriaSet is one uploaded version of a criteria set, kept as the file that was checked.
type CriteriaSet struct {
	ID          int64
	Title       string // glossary code: learning_citizen, …
	Version     string
	Name        string
	Body        []byte
	SHA256      string
	Provisional bool
	UploadedBy  int64
	UploadedAt  time.Time
	Cycles      int // cycles that use it
}

const criteriaSetColumns = `s.id, s.title, s.version, s.name, s.body, s.sha256, s.provisional, COALESCE(s.uploaded_by, 0), s.uploaded_at,
	(SELECT count(*) FROM cycles c WHERE c.criteria_set_id = s.id)`

func scanCriteriaSet(s scanner) (CriteriaSet, error) {
	var c CriteriaSet
	var body string
	err := s.Scan(&c.ID, &c.Title, &c.Version, &c.Name, &body, &c.SHA256, &c.Provisional, &c.UploadedBy, &c.UploadedAt, &c.Cycles)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fault.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("store: scan criteria set: %w", err)
	}
	c.Body, c.UploadedAt = []byte(body), c.UploadedAt.UTC()
	return c, nil
}

// CreateCriteriaSet stores a checked set; the same title and version twice is a conflict.
func (tx *Tx) CreateCriteriaSet(ctx context.Context, c *CriteriaSet) error {
	sum := sha256.Sum256(c.Body)
	c.SHA256, c.UploadedAt = hex.EncodeToString(sum[:]), tx.now
	var n int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM criteria_sets WHERE title = ? AND version = ?", c.Title, c.Version).Scan(&n); err != nil {
		return fmt.Errorf("store: criteria set: %w", err)
	}
	if n > 0 {
		return fault.Field("file", "criteria.version.exists", c.Version)
	}
	id, err := tx.insert(ctx, `INSERT INTO criteria_sets (title, version, name, body, sha256, provisional, uploaded_by, uploaded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.Title, c.Version, c.Name, string(c.Body), c.SHA256, c.Provisional, nullInt(c.UploadedBy), c.UploadedAt)
	if err != nil {
		return fmt.Errorf("store: create criteria set: %w", err)
	}
	c.ID = id
	return tx.record(ctx, Change{Action: "create", Entity: "criteria_set", EntityID: id,
		After: map[string]any{"title": c.Title, "version": c.Version, "name": c.Name, "sha256": c.SHA256}})
}

// CriteriaSets lists every version, newest first.
func (db *DB) CriteriaSets(ctx context.Context) ([]CriteriaSet, error) {
	rows, err := db.r().query(ctx, "SELECT "+criteriaSetColumns+" FROM criteria_sets s ORDER BY s.title, s.uploaded_at DESC, s.id DESC")
	if err != nil {
		return nil, fmt.Errorf("store: criteria sets: %w", err)
	}
	defer rows.Close()
	var out []CriteriaSet
	for rows.Next() {
		c, err := scanCriteriaSet(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CriteriaSet returns one version.
func (db *DB) CriteriaSet(ctx context.Context, id int64) (CriteriaSet, error) {
	return scanCriteriaSet(db.r().queryRow(ctx, "SELECT "+criteriaSetColumns+" FROM criteria_sets s WHERE s.id = ?", id))
}

// Cycle is one year of one title, with its criteria set and deadlines.
type Cycle struct {
	ID            int64
	Title         string
	Year          int
	CriteriaSetID int64
	evaluation.Dates
	CreatedAt   time.Time
	Assessments int // how many assessments it holds (Cycles), or 1 when it holds any (Cycle): a set is frozen once there is one
}

// cycleColumns only ask whether a cycle has an assessment (a step on an assessment reads its
// cycle, and counting a whole city's assessments each time made every submission slow);
// cycleCounted counts them, for the list of cycles.
const cycleColumns = `c.id, c.title, c.year, c.criteria_set_id, c.opens_on, c.pledge_by, c.self_assess_by, c.verify_by, c.appraise_by,
	c.decide_by, c.created_at, CASE WHEN EXISTS (SELECT 1 FROM assessments a WHERE a.cycle_id = c.id) THEN 1 ELSE 0 END`

const cycleCounted = `c.id, c.title, c.year, c.criteria_set_id, c.opens_on, c.pledge_by, c.self_assess_by, c.verify_by, c.appraise_by,
	c.decide_by, c.created_at, (SELECT count(*) FROM assessments a WHERE a.cycle_id = c.id)`

func scanCycle(s scanner) (Cycle, error) {
	var c Cycle
	err := s.Scan(&c.ID, &c.Title, &c.Year, &c.CriteriaSetID, &c.OpensOn, &c.PledgeBy, &c.SelfAssessBy, &c.VerifyBy, &c.AppraiseBy,
		&c.DecideBy, &c.CreatedAt, &c.Assessments)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fault.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("store: scan cycle: %w", err)
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return c, nil
}

// CreateCycle opens a cycle; a second one for the same title and year is a conflict.
func (tx *Tx) CreateCycle(ctx context.Context, c *Cycle) error {
	var n int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM cycles WHERE title = ? AND year = ?", c.Title, c.Year).Scan(&n); err != nil {
		return fmt.Errorf("store: cycle: %w", err)
	}
	if n > 0 {
		return fault.Field("year", "cycle.year.exists", strconv.Itoa(c.Year))
	}
	c.CreatedAt = tx.now
	id, err := tx.insert(ctx, `INSERT INTO cycles (title, year, criteria_set_id, opens_on, pledge_by, self_assess_by, verify_by, appraise_by,
		decide_by, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.Title, c.Year, c.CriteriaSetID, c.OpensOn, c.PledgeBy,
		c.SelfAssessBy, c.VerifyBy, c.AppraiseBy, c.DecideBy, nullInt(actorID(ctx)), c.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: create cycle: %w", err)
	}
	c.ID = id
	return tx.record(ctx, Change{Action: "create", Entity: "cycle", EntityID: id, After: c})
}

// UpdateCycle changes a cycle's deadlines and, while it holds no assessment, its criteria set.
func (tx *Tx) UpdateCycle(ctx context.Context, c Cycle) error {
	before, err := tx.Cycle(ctx, c.ID)
	if err != nil {
		return err
	}
	if c.CriteriaSetID != before.CriteriaSetID && before.Assessments > 0 {
		return fault.Field("criteria_set_id", "cycle.set.frozen")
	}
	if _, err := tx.exec(ctx, `UPDATE cycles SET criteria_set_id = ?, opens_on = ?, pledge_by = ?, self_assess_by = ?, verify_by = ?,
		appraise_by = ?, decide_by = ? WHERE id = ?`, c.CriteriaSetID, c.OpensOn, c.PledgeBy, c.SelfAssessBy, c.VerifyBy, c.AppraiseBy,
		c.DecideBy, c.ID); err != nil {
		return fmt.Errorf("store: update cycle: %w", err)
	}
	c.Title, c.Year, c.CreatedAt, c.Assessments = before.Title, before.Year, before.CreatedAt, before.Assessments
	return tx.record(ctx, Change{Action: "update", Entity: "cycle", EntityID: c.ID, Before: before, After: c})
}

// Cycle returns one cycle, locked for the transaction.
func (tx *Tx) Cycle(ctx context.Context, id int64) (Cycle, error) {
	return scanCycle(tx.queryRow(ctx, "SELECT "+cycleColumns+" FROM cycles c WHERE c.id = ?"+tx.d.forUpdate(), id))
}

// Cycle returns one cycle.
func (db *DB) Cycle(ctx context.Context, id int64) (Cycle, error) {
	return scanCycle(db.r().queryRow(ctx, "SELECT "+cycleColumns+" FROM cycles c WHERE c.id = ?", id))
}

// CycleOfYear returns the cycle of a title in a year.
func (db *DB) CycleOfYear(ctx context.Context, title string, year int) (Cycle, error) {
	return scanCycle(db.r().queryRow(ctx, "SELECT "+cycleColumns+" FROM cycles c WHERE c.title = ? AND c.year = ?", title, year))
}

// AllCycles lists the cycles of every title, newest year first.
func (db *DB) AllCycles(ctx context.Context) ([]Cycle, error) {
	return db.Cycles(ctx, "")
}

// Cycles lists the cycles of a title ("" for every title), newest year first.
func (db *DB) Cycles(ctx context.Context, title string) ([]Cycle, error) {
	rows, err := db.r().query(ctx, "SELECT "+cycleCounted+" FROM cycles c WHERE (c.title = ? OR ? = '') ORDER BY c.year DESC, c.title", title, title)
	if err != nil {
		return nil, fmt.Errorf("store: cycles: %w", err)
	}
	defer rows.Close()
	var out []Cycle
	for rows.Next() {
		c, err := scanCycle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// actorID is the user acting in ctx, 0 for the command line.
func actorID(ctx context.Context) int64 { return audit.ActorFrom(ctx).UserID }
