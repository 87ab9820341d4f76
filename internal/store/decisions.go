package store

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
)

// Decision is a recognition decision of one commune in one cycle.
type Decision struct {
	ID           int64
	ProvinceCode string
	CommuneCode  string
	CycleID      int64
	Number       string // "15/QĐ-HKH"
	SignedOn     string // yyyy-mm-dd
	Signer       string
	SignerTitle  string
	IssuingBody  string
	CreatedAt    time.Time
	Recognised   int // read: people it recognises
	Refused      int // read: people it does not
}

// DecisionPlace locates a decision for access checks: its commune, or the province for a
// decision of the city.
func DecisionPlace(d Decision) auth.Place {
	return auth.Place{ProvinceCode: d.ProvinceCode, CommuneCode: d.CommuneCode}
}

const decisionColumns = `d.id, d.province_code, d.commune_code, d.cycle_id, d.number, d.signed_on, d.signer, d.signer_title, d.issuing_body, d.created_at,
	(SELECT count(*) FROM assessments a WHERE a.decision_id = d.id AND a.state IN ('recognised', 'revoked')),
	(SELECT count(*) FROM assessments a WHERE a.decision_id = d.id AND a.state = 'not_recognised')`

func scanDecision(s scanner) (Decision, error) {
	var d Decision
	err := s.Scan(&d.ID, &d.ProvinceCode, &d.CommuneCode, &d.CycleID, &d.Number, &d.SignedOn, &d.Signer, &d.SignerTitle, &d.IssuingBody,
		&d.CreatedAt, &d.Recognised, &d.Refused)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fault.ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("store: scan decision: %w", err)
	}
	d.CreatedAt = d.CreatedAt.UTC()
	return d, nil
}

// CreateDecision records a decision; its number must be new in the commune and cycle.
func (tx *Tx) CreateDecision(ctx context.Context, d *Decision) error {
	var n int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM decisions WHERE cycle_id = ? AND commune_code = ? AND number = ?",
		d.CycleID, d.CommuneCode, d.Number).Scan(&n); err != nil {
		return fmt.Errorf("store: decision: %w", err)
	}
	if n > 0 {
		return fault.Field("number", "decision.number.exists", d.Number)
	}
	d.CreatedAt = tx.now
	id, err := tx.insert(ctx, `INSERT INTO decisions (province_code, commune_code, cycle_id, number, signed_on, signer, signer_title, issuing_body,
		created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ProvinceCode, d.CommuneCode, d.CycleID, d.Number, d.SignedOn, d.Signer,
		d.SignerTitle, d.IssuingBody, nullInt(actorID(ctx)), d.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: create decision: %w", err)
	}
	d.ID = id
	return tx.record(ctx, Change{Action: "create", Entity: "decision", EntityID: id, Place: DecisionPlace(*d), After: d})
}

// Decision returns one decision with its counts.
func (db *DB) Decision(ctx context.Context, id int64) (Decision, error) {
	return scanDecision(db.r().queryRow(ctx, "SELECT "+decisionColumns+" FROM decisions d WHERE d.id = ?", id))
}

// Decisions lists a cycle's decisions within a scope, newest first.
func (db *DB) Decisions(ctx context.Context, cycleID int64, scope auth.Scope) ([]Decision, error) {
	w, args := scopeWhere(scope, scopeColumns{province: "d.province_code", commune: "d.commune_code"})
	rows, err := db.r().query(ctx, "SELECT "+decisionColumns+" FROM decisions d WHERE d.cycle_id = ? AND "+w+" ORDER BY d.signed_on DESC, d.id DESC",
		append([]any{cycleID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: decisions: %w", err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Certificate is the certificate of one recognised assessment, with what the public
// verification page and the printed certificate show.
type Certificate struct {
	Code         string
	ProvinceCode string
	CommuneCode  string
	AssessmentID int64
	DecisionID   int64
	IssuedAt     time.Time
	RevokedAt    time.Time
	RevokeReason string

	// Read with it.
	CitizenID   int64
	SubjectKind string
	FullName    string // the person's name, or the collective subject's
	BirthYear   int    // 0 for a collective subject
	Year        int
	Title       string
	Grade       string
	Level       int
	ValidUntil  int
	Decision    Decision
}

// Revoked tells whether the certificate was revoked.
func (c Certificate) Revoked() bool { return !c.RevokedAt.IsZero() }

const certificateColumns = `k.code, k.province_code, k.commune_code, k.assessment_id, k.decision_id, k.issued_at, k.revoked_at, k.revoke_reason,
	COALESCE(a.citizen_id, 0), a.subject_kind, CASE WHEN a.subject_kind = 'citizen' THEN COALESCE(c.full_name, a.subject_name) ELSE a.subject_name END,
	CASE WHEN a.subject_kind = 'citizen' THEN COALESCE(c.birth_year, 0) ELSE 0 END, y.year, y.title, a.grade, a.level, a.valid_until, ` + decisionColumns

const certificateFrom = ` FROM certificates k JOIN assessments a ON a.id = k.assessment_id LEFT JOIN citizens c ON c.id = a.citizen_id
	JOIN cycles y ON y.id = a.cycle_id JOIN decisions d ON d.id = k.decision_id`

func scanCertificate(s scanner) (Certificate, error) {
	var k Certificate
	var revoked sql.NullTime
	d := &k.Decision
	err := s.Scan(&k.Code, &k.ProvinceCode, &k.CommuneCode, &k.AssessmentID, &k.DecisionID, &k.IssuedAt, &revoked, &k.RevokeReason,
		&k.CitizenID, &k.SubjectKind, &k.FullName, &k.BirthYear, &k.Year, &k.Title, &k.Grade, &k.Level, &k.ValidUntil,
		&d.ID, &d.ProvinceCode, &d.CommuneCode, &d.CycleID, &d.Number, &d.SignedOn, &d.Signer, &d.SignerTitle, &d.IssuingBody,
		&d.CreatedAt, &d.Recognised, &d.Refused)
	if errors.Is(err, sql.ErrNoRows) {
		return k, fault.ErrNotFound
	}
	if err != nil {
		return k, fmt.Errorf("store: scan certificate: %w", err)
	}
	k.IssuedAt, k.RevokedAt = k.IssuedAt.UTC(), revoked.Time.UTC()
	return k, nil
}

// CreateCertificate issues the certificate of a recognised assessment.
func (tx *Tx) CreateCertificate(ctx context.Context, k *Certificate) error {
	k.IssuedAt = tx.now
	if _, err := tx.exec(ctx, `INSERT INTO certificates (code, province_code, commune_code, assessment_id, decision_id, issued_at)
		VALUES (?, ?, ?, ?, ?, ?)`, k.Code, k.ProvinceCode, k.CommuneCode, k.AssessmentID, k.DecisionID, k.IssuedAt); err != nil {
		return fmt.Errorf("store: create certificate: %w", err)
	}
	return tx.queueCertificateNotice(ctx, *k)
}

// RevokeCertificate marks an assessment's certificate revoked with a reason; no certificate is
// not an error (a reopened record that was never recognised).
func (tx *Tx) RevokeCertificate(ctx context.Context, assessmentID int64, reason string) error {
	if _, err := tx.exec(ctx, "UPDATE certificates SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE assessment_id = ? AND revoked_at IS NULL",
		tx.now, nullInt(actorID(ctx)), reason, assessmentID); err != nil {
		return fmt.Errorf("store: revoke certificate: %w", err)
	}
	return nil
}

// CertificateByCode finds a certificate by its verification code.
func (db *DB) CertificateByCode(ctx context.Context, code string) (Certificate, error) {
	return scanCertificate(db.r().queryRow(ctx, "SELECT "+certificateColumns+certificateFrom+" WHERE k.code = ?", code))
}

// CertificateOf returns the newest certificate of an assessment (a corrected record may have had one before).
func (db *DB) CertificateOf(ctx context.Context, assessmentID int64) (Certificate, error) {
	return scanCertificate(db.r().queryRow(ctx, "SELECT "+certificateColumns+certificateFrom+" WHERE k.assessment_id = ? ORDER BY k.issued_at DESC, k.code LIMIT 1", assessmentID))
}

// CertificatesOfDecision lists a decision's certificates in Vietnamese name order.
func (db *DB) CertificatesOfDecision(ctx context.Context, decisionID int64) ([]Certificate, error) {
	rows, err := db.r().query(ctx, "SELECT "+certificateColumns+certificateFrom+" WHERE k.decision_id = ? ORDER BY c.sort_key, a.subject_name, k.code", decisionID)
	if err != nil {
		return nil, fmt.Errorf("store: certificates: %w", err)
	}
	defer rows.Close()
	var out []Certificate
	for rows.Next() {
		k, err := scanCertificate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// SigningKey returns the deployment's credential signing key, creating it on first use.
func (db *DB) SigningKey(ctx context.Context) (ed25519.PrivateKey, error) {
	var priv []byte
	err := db.r().queryRow(ctx, "SELECT private_key FROM signing_keys ORDER BY id DESC LIMIT 1").Scan(&priv)
	if err == nil {
		return ed25519.PrivateKey(priv), nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: signing key: %w", err)
	}
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	err = db.Write(ctx, func(tx *Tx) error {
		// Two servers starting at once: the second finds the first's key.
		if err := tx.queryRow(ctx, "SELECT private_key FROM signing_keys ORDER BY id DESC LIMIT 1").Scan(&priv); err == nil {
			key = priv
			return nil
		}
		if _, err := tx.exec(ctx, "INSERT INTO signing_keys (public_key, private_key, created_at) VALUES (?, ?, ?)", []byte(pub), []byte(key), tx.now); err != nil {
			return fmt.Errorf("store: create signing key: %w", err)
		}
		return tx.record(ctx, Change{Action: "create", Entity: "signing_key", Key: fmt.Sprintf("%x", pub)})
	})
	return key, err
}
