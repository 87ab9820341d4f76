package store

import (
	"context"
	"fmt"
	"strconv"

	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/people"
)

// Change describes one write for the audit log; Before and After are domain values.
type Change struct {
	Action   string
	Entity   string
	EntityID int64
	Key      string // used instead of EntityID when the entity has a text key
	Place    auth.Place
	Before   any
	After    any
}

// record appends the audit entry of a change, chained to the previous one. It locks the head
// row, so on PostgreSQL concurrent writers append one after the other.
func (tx *Tx) record(ctx context.Context, c Change) error {
	var headID int64
	var headHash string
	if err := tx.queryRow(ctx, "SELECT last_id, last_hash FROM audit_head WHERE id = 1"+tx.d.forUpdate()).Scan(&headID, &headHash); err != nil {
		return fmt.Errorf("store: audit head: %w", err)
	}
	a := audit.ActorFrom(ctx)
	key := c.Key
	if key == "" {
		key = strconv.FormatInt(c.EntityID, 10)
	}
	e := audit.Entry{
		ID: headID + 1, At: tx.now, ActorUserID: a.UserID, Actor: a.Name, IP: a.IP, RequestID: a.RequestID,
		Action: c.Action, Entity: c.Entity, EntityID: key,
		ProvinceCode: c.Place.ProvinceCode, CommuneCode: c.Place.CommuneCode,
		Before: audit.Snapshot(c.Before), After: audit.Snapshot(c.After), PrevHash: headHash,
	}
	e.Hash = audit.ComputeHash(e)
	if _, err := tx.exec(ctx, `INSERT INTO audit_log (id, at, actor_user_id, actor, ip, request_id, action, entity, entity_id,
		province_code, commune_code, before_json, after_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.At, nullInt(e.ActorUserID), e.Actor, e.IP, e.RequestID, e.Action, e.Entity, e.EntityID,
		e.ProvinceCode, e.CommuneCode, e.Before, e.After, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("store: append audit entry: %w", err)
	}
	if _, err := tx.exec(ctx, "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", e.ID, e.Hash); err != nil {
		return fmt.Errorf("store: move audit head: %w", err)
	}
	return nil
}

// AuditFilter narrows the audit entries listed.
type AuditFilter struct {
	Scope    auth.Scope
	Entity   string
	BeforeID int64 // entries with a smaller id (paging backwards); 0 for the newest
	Limit    int
}

// ListAudit returns entries within the scope, newest first. Entries are placed by the province
// and commune of what they changed; village- and unit-level readers do not browse the log.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	where, args := scopeWhere(f.Scope, scopeColumns{province: "province_code", commune: "commune_code"})
	q := "SELECT id, at, COALESCE(actor_user_id, 0), actor, ip, request_id, action, entity, entity_id, province_code, commune_code, before_json, after_json, prev_hash, hash FROM audit_log WHERE " + where
	if f.Entity != "" {
		q += " AND entity = ?"
		args = append(args, f.Entity)
	}
	if f.BeforeID > 0 {
		q += " AND id < ?"
		args = append(args, f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := db.r().query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scanAudit(s scanner) (audit.Entry, error) {
	var e audit.Entry
	err := s.Scan(&e.ID, &e.At, &e.ActorUserID, &e.Actor, &e.IP, &e.RequestID, &e.Action, &e.Entity, &e.EntityID,
		&e.ProvinceCode, &e.CommuneCode, &e.Before, &e.After, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, fmt.Errorf("store: scan audit entry: %w", err)
	}
	e.At = e.At.UTC()
	return e, nil
}

// VerifyAudit walks the whole chain in id order and returns the verifier with its findings.
func (db *DB) VerifyAudit(ctx context.Context) (*audit.Verifier, error) {
	v := &audit.Verifier{}
	rows, err := db.r().query(ctx, "SELECT id, at, COALESCE(actor_user_id, 0), actor, ip, request_id, action, entity, entity_id, province_code, commune_code, before_json, after_json, prev_hash, hash FROM audit_log ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: read audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		v.Add(e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var headID int64
	var headHash string
	if err := db.r().queryRow(ctx, "SELECT last_id, last_hash FROM audit_head WHERE id = 1").Scan(&headID, &headHash); err != nil {
		return nil, fmt.Errorf("store: audit head: %w", err)
	}
	v.Finish(headID, headHash)
	return v, nil
}

// RecordAccess writes a read of personal data (a download, an unmasked export) into the log.
func (tx *Tx) RecordAccess(ctx context.Context, c people.Citizen, action string) error {
	return tx.record(ctx, Change{Action: action, Entity: "citizen", EntityID: c.ID, Place: CitizenPlace(c)})
}

// RecordExport writes an export of a list into the log, with its filter and size.
func (tx *Tx) RecordExport(ctx context.Context, place auth.Place, action string, details map[string]any) error {
	return tx.record(ctx, Change{Action: action, Entity: "export", Key: action, Place: place, After: details})
}
