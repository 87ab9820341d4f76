package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
)

// Programme is a lifelong-learning programme of a provider (issue 6 §1).
type Programme struct {
	ID                int64
	ProvinceCode      string
	CommuneCode       string // where it takes place
	ProviderID        int64
	Title             string
	Description       string
	Topic             string
	Audience          string
	Mode              string
	Address           string
	Minutes           int // learning time
	Capacity          int
	IssuesCertificate bool
	MinAttendance     int // percent of the sessions
	State             string
	FirstDay          string // of its sessions, yyyy-mm-dd
	LastDay           string
	CancelReason      string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	PublishedAt       time.Time

	// Read with it.
	ProviderName string
	Enrolled     int
	Waiting      int
	SessionCount int
}

// ProgrammePlace locates a programme for access checks: its provider and where it takes place.
// checkinKeyEntity names the one check-in key in the audit log.
const checkinKeyEntity = "checkin"

func ProgrammePlace(p Programme) auth.Place {
	return auth.Place{ProvinceCode: p.ProvinceCode, CommuneCode: p.CommuneCode, ProviderID: p.ProviderID}
}

// ProgrammeSession is one dated session of a programme (programme_sessions).
type ProgrammeSession struct {
	ID           int64
	ProvinceCode string
	CommuneCode  string
	ProgrammeID  int64
	Day          string // yyyy-mm-dd, Hà Nội
	Start        string // HH:MM
	End          string
	OpenedAt     time.Time // check-in by QR code opened; zero when not
	Present      int       // read: people checked in
}

// Minutes is the session's length.
func (s ProgrammeSession) Minutes() int {
	a, _ := time.Parse("15:04", s.Start)
	b, _ := time.Parse("15:04", s.End)
	return int(b.Sub(a).Minutes())
}

const programmeColumns = `p.id, p.province_code, p.commune_code, p.provider_id, p.title, p.description, p.topic, p.audience, p.mode, p.address,
	p.minutes, p.capacity, p.issues_certificate, p.min_attendance, p.state, p.first_day, p.last_day, p.cancel_reason, p.created_at, p.updated_at,
	p.published_at, v.name,
	(SELECT count(*) FROM enrolments e WHERE e.programme_id = p.id AND e.state = 'enrolled'),
	(SELECT count(*) FROM enrolments e WHERE e.programme_id = p.id AND e.state = 'waiting'),
	(SELECT count(*) FROM programme_sessions s WHERE s.programme_id = p.id)`

const programmeFrom = " FROM programmes p JOIN providers v ON v.id = p.provider_id"

func scanProgramme(s scanner) (Programme, error) {
	var p Programme
	var published sql.NullTime
	err := s.Scan(&p.ID, &p.ProvinceCode, &p.CommuneCode, &p.ProviderID, &p.Title, &p.Description, &p.Topic, &p.Audience, &p.Mode, &p.Address,
		&p.Minutes, &p.Capacity, &p.IssuesCertificate, &p.MinAttendance, &p.State, &p.FirstDay, &p.LastDay, &p.CancelReason, &p.CreatedAt, &p.UpdatedAt,
		&published, &p.ProviderName, &p.Enrolled, &p.Waiting, &p.SessionCount)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fault.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("store: scan programme: %w", err)
	}
	p.CreatedAt, p.UpdatedAt, p.PublishedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC(), published.Time.UTC()
	return p, nil
}

// Programme returns one programme with its counts.
func (db *DB) Programme(ctx context.Context, id int64) (Programme, error) {
	return scanProgramme(db.r().queryRow(ctx, "SELECT "+programmeColumns+programmeFrom+" WHERE p.id = ?", id))
}

// Programme in a transaction, locking the row: enrolments and attendance of one programme
// are decided one after the other.
func (tx *Tx) Programme(ctx context.Context, id int64) (Programme, error) {
	if tx.d.name == "postgres" {
		if _, err := tx.exec(ctx, "SELECT id FROM programmes WHERE id = ? FOR UPDATE", id); err != nil {
			return Programme{}, fmt.Errorf("store: lock programme: %w", err)
		}
	}
	return scanProgramme(tx.queryRow(ctx, "SELECT "+programmeColumns+programmeFrom+" WHERE p.id = ?", id))
}

func auditProgramme(p Programme) map[string]any {
	return map[string]any{"title": p.Title, "provider_id": p.ProviderID, "topic": p.Topic, "mode": p.Mode, "commune_code": p.CommuneCode,
		"address": p.Address, "minutes": p.Minutes, "capacity": p.Capacity, "issues_certificate": p.IssuesCertificate,
		"min_attendance": p.MinAttendance, "state": p.State, "first_day": p.FirstDay, "last_day": p.LastDay}
}

// CreateProgramme inserts a draft programme and its sessions.
func (tx *Tx) CreateProgramme(ctx context.Context, p *Programme, sessions []ProgrammeSession) error {
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	p.FirstDay, p.LastDay = sessionDays(sessions)
	id, err := tx.insert(ctx, `INSERT INTO programmes (province_code, commune_code, provider_id, title, search, description, topic, audience, mode,
		address, minutes, capacity, issues_certificate, min_attendance, state, first_day, last_day, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ProvinceCode, p.CommuneCode, p.ProviderID, p.Title, people.FoldName(p.Title), p.Description, p.Topic, p.Audience, p.Mode,
		p.Address, p.Minutes, p.Capacity, p.IssuesCertificate, p.MinAttendance, p.State, p.FirstDay, p.LastDay, nullInt(actorID(ctx)), tx.now, tx.now)
	if err != nil {
		return fmt.Errorf("store: create programme: %w", err)
	}
	p.ID = id
	if err := tx.replaceSessions(ctx, *p, sessions); err != nil {
		return err
	}
	return tx.record(ctx, Change{Action: "create", Entity: "programme", EntityID: id, Place: ProgrammePlace(*p),
		After: map[string]any{"programme": auditProgramme(*p), "sessions": sessions}})
}

func sessionDays(sessions []ProgrammeSession) (first, last string) {
	for _, s := range sessions {
		if first == "" || s.Day < first {
			first = s.Day
		}
		if s.Day > last {
			last = s.Day
		}
	}
	return first, last
}

// replaceSessions makes the programme's sessions those given: sessions with an ID are updated,
// the others inserted, and stored sessions not given are deleted (the service refuses to drop
// a session with attendance).
func (tx *Tx) replaceSessions(ctx context.Context, p Programme, sessions []ProgrammeSession) error {
	keep := map[int64]bool{}
	for i := range sessions {
		s := &sessions[i]
		s.ProgrammeID, s.ProvinceCode, s.CommuneCode = p.ID, p.ProvinceCode, p.CommuneCode
		if s.ID != 0 {
			if _, err := tx.exec(ctx, "UPDATE programme_sessions SET day = ?, starts_at = ?, ends_at = ?, province_code = ?, commune_code = ? WHERE id = ? AND programme_id = ?",
				s.Day, s.Start, s.End, s.ProvinceCode, s.CommuneCode, s.ID, p.ID); err != nil {
				return fmt.Errorf("store: update session: %w", err)
			}
			keep[s.ID] = true
			continue
		}
		id, err := tx.insert(ctx, `INSERT INTO programme_sessions (province_code, commune_code, programme_id, day, starts_at, ends_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, s.ProvinceCode, s.CommuneCode, p.ID, s.Day, s.Start, s.End, tx.now)
		if err != nil {
			return fmt.Errorf("store: create session: %w", err)
		}
		s.ID = id
		keep[id] = true
	}
	old, err := tx.sessions(ctx, tx.reader, p.ID)
	if err != nil {
		return err
	}
	for _, s := range old {
		if !keep[s.ID] {
			if _, err := tx.exec(ctx, "DELETE FROM programme_sessions WHERE id = ?", s.ID); err != nil {
				return fmt.Errorf("store: delete session: %w", err)
			}
		}
	}
	return nil
}

// UpdateProgramme saves a programme's fields and sessions.
func (tx *Tx) UpdateProgramme(ctx context.Context, before Programme, p *Programme, sessions []ProgrammeSession) error {
	p.UpdatedAt = tx.now
	p.FirstDay, p.LastDay = sessionDays(sessions)
	if _, err := tx.exec(ctx, `UPDATE programmes SET commune_code = ?, title = ?, search = ?, description = ?, topic = ?, audience = ?, mode = ?,
		address = ?, minutes = ?, capacity = ?, issues_certificate = ?, min_attendance = ?, first_day = ?, last_day = ?, updated_at = ? WHERE id = ?`,
		p.CommuneCode, p.Title, people.FoldName(p.Title), p.Description, p.Topic, p.Audience, p.Mode, p.Address, p.Minutes, p.Capacity,
		p.IssuesCertificate, p.MinAttendance, p.FirstDay, p.LastDay, tx.now, p.ID); err != nil {
		return fmt.Errorf("store: update programme: %w", err)
	}
	if err := tx.replaceSessions(ctx, *p, sessions); err != nil {
		return err
	}
	return tx.record(ctx, Change{Action: "update", Entity: "programme", EntityID: p.ID, Place: ProgrammePlace(*p),
		Before: auditProgramme(before), After: map[string]any{"programme": auditProgramme(*p), "sessions": sessions}})
}

// SetProgrammeState publishes or cancels a programme.
func (tx *Tx) SetProgrammeState(ctx context.Context, p Programme, state, reason string) error {
	q := "UPDATE programmes SET state = ?, cancel_reason = ?, updated_at = ? WHERE id = ?"
	args := []any{state, reason, tx.now, p.ID}
	if state == "published" {
		q = "UPDATE programmes SET state = ?, cancel_reason = ?, updated_at = ?, published_at = ? WHERE id = ?"
		args = []any{state, reason, tx.now, tx.now, p.ID}
	}
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("store: programme state: %w", err)
	}
	return tx.record(ctx, Change{Action: state, Entity: "programme", EntityID: p.ID, Place: ProgrammePlace(p),
		Before: map[string]any{"state": p.State}, After: map[string]any{"state": state, "reason": reason}})
}

// CatalogueQuery narrows the public catalogue.
type CatalogueQuery struct {
	Text        string // words of the title, compared without diacritics
	Topic       string
	CommuneCode string
	From, To    string // yyyy-mm-dd: programmes with a session in the range (either may be "")
	States      []string
	Scope       *auth.Scope // nil: every provider (the public catalogue); else within it
	Limit       int
	Offset      int
}

// Programmes lists programmes, the soonest first, with the total count.
func (db *DB) Programmes(ctx context.Context, q CatalogueQuery) ([]Programme, int, error) {
	where := []string{"1=1"}
	var args []any
	if len(q.States) > 0 {
		in, a := inList(q.States)
		where = append(where, "p.state IN "+in)
		args = append(args, a...)
	}
	for _, w := range strings.Fields(people.FoldName(q.Text)) {
		where = append(where, "p.search LIKE ?")
		args = append(args, "%"+escapeLike(w)+"%")
	}
	if q.Topic != "" {
		where = append(where, "p.topic = ?")
		args = append(args, q.Topic)
	}
	if q.CommuneCode != "" {
		where = append(where, "p.commune_code = ?")
		args = append(args, q.CommuneCode)
	}
	if q.From != "" || q.To != "" {
		cond := "EXISTS (SELECT 1 FROM programme_sessions s WHERE s.programme_id = p.id"
		if q.From != "" {
			cond += " AND s.day >= ?"
			args = append(args, q.From)
		}
		if q.To != "" {
			cond += " AND s.day <= ?"
			args = append(args, q.To)
		}
		where = append(where, cond+")")
	}
	if q.Scope != nil {
		w, a := scopeWhere(*q.Scope, scopeColumns{province: "p.province_code", commune: "p.commune_code", provider: "p.provider_id"})
		where = append(where, w)
		args = append(args, a...)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := db.r().queryRow(ctx, "SELECT count(*) FROM programmes p WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count programmes: %w", err)
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	rows, err := db.r().query(ctx, "SELECT "+programmeColumns+programmeFrom+" WHERE "+cond+" ORDER BY p.last_day < ?, p.first_day, p.id LIMIT ? OFFSET ?",
		append(args, todayOf(db.Now()), q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: programmes: %w", err)
	}
	defer rows.Close()
	var out []Programme
	for rows.Next() {
		p, err := scanProgramme(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// todayOf is the day in Hà Nội (UTC+7, no daylight saving) of an instant.
func todayOf(t time.Time) string { return t.Add(7 * time.Hour).UTC().Format("2006-01-02") }

const sessionColumns = `s.id, s.province_code, s.commune_code, s.programme_id, s.day, s.starts_at, s.ends_at, s.opened_at,
	(SELECT count(*) FROM attendance a WHERE a.session_id = s.id)`

func scanSession(s scanner) (ProgrammeSession, error) {
	var x ProgrammeSession
	var opened sql.NullTime
	err := s.Scan(&x.ID, &x.ProvinceCode, &x.CommuneCode, &x.ProgrammeID, &x.Day, &x.Start, &x.End, &opened, &x.Present)
	if errors.Is(err, sql.ErrNoRows) {
		return x, fault.ErrNotFound
	}
	if err != nil {
		return x, fmt.Errorf("store: scan session: %w", err)
	}
	x.OpenedAt = opened.Time.UTC()
	return x, nil
}

func (tx *Tx) sessions(ctx context.Context, r reader, programmeID int64) ([]ProgrammeSession, error) {
	return sessionsOf(ctx, r, programmeID)
}

func sessionsOf(ctx context.Context, r reader, programmeID int64) ([]ProgrammeSession, error) {
	rows, err := r.query(ctx, "SELECT "+sessionColumns+" FROM programme_sessions s WHERE s.programme_id = ? ORDER BY s.day, s.starts_at, s.id", programmeID)
	if err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
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

// ProgrammeSessions lists a programme's sessions in date order.
func (db *DB) ProgrammeSessions(ctx context.Context, programmeID int64) ([]ProgrammeSession, error) {
	return sessionsOf(ctx, db.r(), programmeID)
}

// ProgrammeSessions in a transaction.
func (tx *Tx) ProgrammeSessions(ctx context.Context, programmeID int64) ([]ProgrammeSession, error) {
	return sessionsOf(ctx, tx.reader, programmeID)
}

// ProgrammeSession returns one session.
func (db *DB) ProgrammeSession(ctx context.Context, id int64) (ProgrammeSession, error) {
	return scanSession(db.r().queryRow(ctx, "SELECT "+sessionColumns+" FROM programme_sessions s WHERE s.id = ?", id))
}

// ProgrammeSession in a transaction.
func (tx *Tx) ProgrammeSession(ctx context.Context, id int64) (ProgrammeSession, error) {
	return scanSession(tx.queryRow(ctx, "SELECT "+sessionColumns+" FROM programme_sessions s WHERE s.id = ?", id))
}

// OpenProgrammeSession records that the provider opened check-in by QR code (the first time only).
func (tx *Tx) OpenProgrammeSession(ctx context.Context, s ProgrammeSession) error {
	if !s.OpenedAt.IsZero() {
		return nil
	}
	if _, err := tx.exec(ctx, "UPDATE programme_sessions SET opened_at = ? WHERE id = ?", tx.now, s.ID); err != nil {
		return fmt.Errorf("store: open session: %w", err)
	}
	return tx.record(ctx, Change{Action: "open", Entity: "programme_session", EntityID: s.ID,
		Place: auth.Place{ProvinceCode: s.ProvinceCode, CommuneCode: s.CommuneCode}, After: map[string]any{"programme_id": s.ProgrammeID, "day": s.Day}})
}

// Providers lists every provider by name.
func (db *DB) Providers(ctx context.Context) ([]Provider, error) {
	rows, err := db.r().query(ctx, "SELECT id, province_code, commune_code, name FROM providers ORDER BY name, id")
	if err != nil {
		return nil, fmt.Errorf("store: providers: %w", err)
	}
	defer rows.Close()
	var out []Provider
	for rows.Next() {
		var p Provider
		if err := rows.Scan(&p.ID, &p.ProvinceCode, &p.CommuneCode, &p.Name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CheckinKey returns the server's key for check-in codes, creating it on first use.
func (db *DB) CheckinKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := db.r().queryRow(ctx, "SELECT secret FROM checkin_keys ORDER BY id DESC LIMIT 1").Scan(&key)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: check-in key: %w", err)
	}
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh) // crypto/rand.Read never fails (Go ≥ 1.24)
	err = db.Write(ctx, func(tx *Tx) error {
		// The audit head's lock orders two servers starting at once; the second finds the first's key.
		if err := tx.record(ctx, Change{Action: "create", Entity: "checkin_key", Key: checkinKeyEntity}); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, "SELECT secret FROM checkin_keys ORDER BY id DESC LIMIT 1").Scan(&key); err == nil {
			return nil
		}
		key = fresh
		if _, err := tx.exec(ctx, "INSERT INTO checkin_keys (secret, created_at) VALUES (?, ?)", fresh, tx.now); err != nil {
			return fmt.Errorf("store: create check-in key: %w", err)
		}
		return nil
	})
	return key, err
}
