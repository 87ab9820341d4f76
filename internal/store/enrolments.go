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

// Enrolment is one person in one programme: enrolled, waiting or cancelled.
type Enrolment struct {
	ID           int64
	ProvinceCode string // of the person
	CommuneCode  string
	ProgrammeID  int64
	CitizenID    int64
	State        string
	QueuedAt     time.Time
	UpdatedAt    time.Time

	// Read with it.
	FullName   string
	NationalID string
	BirthYear  int
	Attended   int // sessions attended
}

// EnrolmentPlace locates an enrolment by its person.
func EnrolmentPlace(e Enrolment) auth.Place {
	return auth.Place{ProvinceCode: e.ProvinceCode, CommuneCode: e.CommuneCode, CitizenID: e.CitizenID}
}

const enrolmentColumns = `e.id, e.province_code, e.commune_code, e.programme_id, e.citizen_id, e.state, e.queued_at, e.updated_at,
	c.full_name, COALESCE(c.national_id, ''), c.birth_year,
	(SELECT count(*) FROM attendance a WHERE a.programme_id = e.programme_id AND a.citizen_id = e.citizen_id)`

const enrolmentFrom = " FROM enrolments e JOIN citizens c ON c.id = e.citizen_id"

func scanEnrolment(s scanner) (Enrolment, error) {
	var e Enrolment
	err := s.Scan(&e.ID, &e.ProvinceCode, &e.CommuneCode, &e.ProgrammeID, &e.CitizenID, &e.State, &e.QueuedAt, &e.UpdatedAt,
		&e.FullName, &e.NationalID, &e.BirthYear, &e.Attended)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fault.ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("store: scan enrolment: %w", err)
	}
	e.QueuedAt, e.UpdatedAt = e.QueuedAt.UTC(), e.UpdatedAt.UTC()
	return e, nil
}

// Enrolment returns a person's enrolment in a programme (in any state).
func (tx *Tx) Enrolment(ctx context.Context, programmeID, citizenID int64) (Enrolment, error) {
	return scanEnrolment(tx.queryRow(ctx, "SELECT "+enrolmentColumns+enrolmentFrom+" WHERE e.programme_id = ? AND e.citizen_id = ?", programmeID, citizenID))
}

// Enrolment outside a transaction.
func (db *DB) Enrolment(ctx context.Context, programmeID, citizenID int64) (Enrolment, error) {
	return scanEnrolment(db.r().queryRow(ctx, "SELECT "+enrolmentColumns+enrolmentFrom+" WHERE e.programme_id = ? AND e.citizen_id = ?", programmeID, citizenID))
}

// SaveEnrolment creates a person's enrolment or changes its state (a new enrolment or a
// place on the waiting list takes its turn now).
func (tx *Tx) SaveEnrolment(ctx context.Context, e *Enrolment, before string) error {
	e.UpdatedAt = tx.now
	if e.ID == 0 {
		e.QueuedAt = tx.now
		id, err := tx.insert(ctx, `INSERT INTO enrolments (province_code, commune_code, programme_id, citizen_id, state, queued_at, enrolled_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ProvinceCode, e.CommuneCode, e.ProgrammeID, e.CitizenID, e.State, tx.now, nullInt(actorID(ctx)), tx.now)
		if err != nil {
			if isUniqueViolation(err) {
				return fault.New(fault.Conflict, "enrolment.exists")
			}
			return fmt.Errorf("store: create enrolment: %w", err)
		}
		e.ID = id
	} else {
		q := "UPDATE enrolments SET state = ?, updated_at = ? WHERE id = ?"
		args := []any{e.State, tx.now, e.ID}
		if before == "cancelled" { // enrolling again: to the back of the queue
			e.QueuedAt = tx.now
			q = "UPDATE enrolments SET state = ?, updated_at = ?, queued_at = ?, enrolled_by = ? WHERE id = ?"
			args = []any{e.State, tx.now, tx.now, nullInt(actorID(ctx)), e.ID}
		}
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("store: update enrolment: %w", err)
		}
	}
	return tx.record(ctx, Change{Action: "enrolment." + e.State, Entity: "enrolment", EntityID: e.ID, Place: EnrolmentPlace(*e),
		Before: map[string]any{"state": before}, After: map[string]any{"programme_id": e.ProgrammeID, "citizen_id": e.CitizenID, "state": e.State}})
}

// FirstWaiting returns the person who has waited longest for a place, or ErrNotFound.
func (tx *Tx) FirstWaiting(ctx context.Context, programmeID int64) (Enrolment, error) {
	return scanEnrolment(tx.queryRow(ctx, "SELECT "+enrolmentColumns+enrolmentFrom+
		" WHERE e.programme_id = ? AND e.state = 'waiting' ORDER BY e.queued_at, e.id LIMIT 1", programmeID))
}

// Enrolments lists a programme's enrolments: enrolled people by name, then the waiting list
// in its order, then cancellations.
func (db *DB) Enrolments(ctx context.Context, programmeID int64) ([]Enrolment, error) {
	return programmeEnrolments(ctx, db.r(), programmeID)
}

// Enrolments in a transaction.
func (tx *Tx) Enrolments(ctx context.Context, programmeID int64) ([]Enrolment, error) {
	return programmeEnrolments(ctx, tx.reader, programmeID)
}

func programmeEnrolments(ctx context.Context, r reader, programmeID int64) ([]Enrolment, error) {
	return enrolments(ctx, r, "SELECT "+enrolmentColumns+enrolmentFrom+` WHERE e.programme_id = ?
		ORDER BY CASE e.state WHEN 'enrolled' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END,
		CASE WHEN e.state = 'enrolled' THEN c.sort_key ELSE '' END, e.queued_at, e.id`, programmeID)
}

// EnrolmentsOfCitizen lists a person's enrolments, newest first.
func (db *DB) EnrolmentsOfCitizen(ctx context.Context, citizenID int64) ([]Enrolment, error) {
	return enrolments(ctx, db.r(), "SELECT "+enrolmentColumns+enrolmentFrom+" WHERE e.citizen_id = ? ORDER BY e.queued_at DESC, e.id DESC", citizenID)
}

func enrolments(ctx context.Context, r reader, q string, args ...any) ([]Enrolment, error) {
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: enrolments: %w", err)
	}
	defer rows.Close()
	var out []Enrolment
	for rows.Next() {
		e, err := scanEnrolment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Attendance is one person present at one session.
type Attendance struct {
	ID          int64
	SessionID   int64
	ProgrammeID int64
	CitizenID   int64
	Method      string
	RecordedAt  time.Time
}

// AddAttendance records a person present at a session. A second check-in of the same person
// at the same session is fault "checkin.already" (Conflict), whatever the method.
func (tx *Tx) AddAttendance(ctx context.Context, e Enrolment, s ProgrammeSession, method string) error {
	var n int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM attendance WHERE session_id = ? AND citizen_id = ?", s.ID, e.CitizenID).Scan(&n); err != nil {
		return fmt.Errorf("store: attendance: %w", err)
	}
	if n > 0 {
		return fault.New(fault.Conflict, "checkin.already")
	}
	id, err := tx.insert(ctx, `INSERT INTO attendance (province_code, commune_code, session_id, programme_id, citizen_id, method, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ProvinceCode, e.CommuneCode, s.ID, s.ProgrammeID, e.CitizenID, method, nullInt(actorID(ctx)), tx.now)
	if err != nil {
		if isUniqueViolation(err) {
			return fault.New(fault.Conflict, "checkin.already")
		}
		return fmt.Errorf("store: add attendance: %w", err)
	}
	return tx.record(ctx, Change{Action: "attendance." + method, Entity: "attendance", EntityID: id, Place: EnrolmentPlace(e),
		After: map[string]any{"session_id": s.ID, "programme_id": s.ProgrammeID, "citizen_id": e.CitizenID, "method": method}})
}

// RemoveAttendance deletes a person's attendance at a session (a provider untick).
func (tx *Tx) RemoveAttendance(ctx context.Context, e Enrolment, s ProgrammeSession) error {
	res, err := tx.exec(ctx, "DELETE FROM attendance WHERE session_id = ? AND citizen_id = ?", s.ID, e.CitizenID)
	if err != nil {
		return fmt.Errorf("store: remove attendance: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return tx.record(ctx, Change{Action: "attendance.remove", Entity: "attendance", Key: fmt.Sprintf("%d/%d", s.ID, e.CitizenID), Place: EnrolmentPlace(e),
		Before: map[string]any{"session_id": s.ID, "citizen_id": e.CitizenID}})
}

// SessionAttendance returns who attended a session: citizen id → method.
func (db *DB) SessionAttendance(ctx context.Context, sessionID int64) (map[int64]string, error) {
	return sessionAttendance(ctx, db.r(), sessionID)
}

// SessionAttendance in a transaction.
func (tx *Tx) SessionAttendance(ctx context.Context, sessionID int64) (map[int64]string, error) {
	return sessionAttendance(ctx, tx.reader, sessionID)
}

func sessionAttendance(ctx context.Context, r reader, sessionID int64) (map[int64]string, error) {
	rows, err := r.query(ctx, "SELECT citizen_id, method FROM attendance WHERE session_id = ?", sessionID)
	if err != nil {
		return nil, fmt.Errorf("store: session attendance: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var m string
		if err := rows.Scan(&id, &m); err != nil {
			return nil, err
		}
		out[id] = m
	}
	return out, rows.Err()
}

// AttendedSessions returns the sessions of a programme a person attended, in date order.
func (tx *Tx) AttendedSessions(ctx context.Context, programmeID, citizenID int64) ([]ProgrammeSession, error) {
	rows, err := tx.query(ctx, "SELECT "+sessionColumns+` FROM programme_sessions s JOIN attendance a ON a.session_id = s.id
		WHERE s.programme_id = ? AND a.citizen_id = ? ORDER BY s.day, s.starts_at, s.id`, programmeID, citizenID)
	if err != nil {
		return nil, fmt.Errorf("store: attended sessions: %w", err)
	}
	defer rows.Close()
	var out []ProgrammeSession
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
