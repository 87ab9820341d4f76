package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"hoctap/internal/fault"
)

// Evidence is a file attached to one indicator of an assessment.
type Evidence struct {
	ID            int64
	AssessmentID  int64
	IndicatorCode string
	SHA256        string
	FileName      string
	ContentType   string
	Size          int64
	UploadedAt    time.Time
}

// PutBlob stores content once under its SHA-256 and returns the hash; the same content twice
// is stored once.
func (tx *Tx) PutBlob(ctx context.Context, contentType string, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	var n int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM blobs WHERE sha256 = ?", h).Scan(&n); err != nil {
		return "", fmt.Errorf("store: blob: %w", err)
	}
	if n > 0 {
		return h, nil
	}
	if _, err := tx.exec(ctx, "INSERT INTO blobs (sha256, size, content_type, data, created_at) VALUES (?, ?, ?, ?, ?)",
		h, len(data), contentType, data, tx.now); err != nil {
		return "", fmt.Errorf("store: put blob: %w", err)
	}
	return h, nil
}

// AddEvidence attaches a stored blob to an indicator of an assessment.
func (tx *Tx) AddEvidence(ctx context.Context, a Assessment, e *Evidence) error {
	e.UploadedAt, e.AssessmentID = tx.now, a.ID
	id, err := tx.insert(ctx, `INSERT INTO evidence (province_code, commune_code, assessment_id, indicator_code, blob_sha256, file_name, uploaded_by, uploaded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.ProvinceCode, a.CommuneCode, a.ID, e.IndicatorCode, e.SHA256, e.FileName, nullInt(actorID(ctx)), e.UploadedAt)
	if err != nil {
		return fmt.Errorf("store: add evidence: %w", err)
	}
	e.ID = id
	return tx.record(ctx, Change{Action: "add_evidence", Entity: "assessment", EntityID: a.ID, Place: AssessmentPlace(a),
		After: map[string]any{"evidence_id": id, "indicator": e.IndicatorCode, "sha256": e.SHA256, "file_name": e.FileName}})
}

// RemoveEvidence detaches a file from an assessment; the blob stays while others use it.
func (tx *Tx) RemoveEvidence(ctx context.Context, a Assessment, e Evidence) error {
	if _, err := tx.exec(ctx, "DELETE FROM evidence WHERE id = ? AND assessment_id = ?", e.ID, a.ID); err != nil {
		return fmt.Errorf("store: remove evidence: %w", err)
	}
	return tx.record(ctx, Change{Action: "remove_evidence", Entity: "assessment", EntityID: a.ID, Place: AssessmentPlace(a),
		Before: map[string]any{"evidence_id": e.ID, "indicator": e.IndicatorCode, "sha256": e.SHA256, "file_name": e.FileName}})
}

// EvidenceCount counts an assessment's files on one indicator, seeing the files attached
// earlier in the same transaction (a submission with several uploads).
func (tx *Tx) EvidenceCount(ctx context.Context, assessmentID int64, indicator string) (int, error) {
	var n int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM evidence WHERE assessment_id = ? AND indicator_code = ?", assessmentID, indicator).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count evidence: %w", err)
	}
	return n, nil
}

const evidenceColumns = `e.id, e.assessment_id, e.indicator_code, e.blob_sha256, e.file_name, b.content_type, b.size, e.uploaded_at`

func scanEvidence(s scanner) (Evidence, error) {
	var e Evidence
	err := s.Scan(&e.ID, &e.AssessmentID, &e.IndicatorCode, &e.SHA256, &e.FileName, &e.ContentType, &e.Size, &e.UploadedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fault.ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("store: scan evidence: %w", err)
	}
	e.UploadedAt = e.UploadedAt.UTC()
	return e, nil
}

// EvidenceOf lists an assessment's files, by indicator.
func (db *DB) EvidenceOf(ctx context.Context, assessmentID int64) ([]Evidence, error) {
	rows, err := db.r().query(ctx, "SELECT "+evidenceColumns+" FROM evidence e JOIN blobs b ON b.sha256 = e.blob_sha256 WHERE e.assessment_id = ? ORDER BY e.indicator_code, e.id", assessmentID)
	if err != nil {
		return nil, fmt.Errorf("store: evidence: %w", err)
	}
	defer rows.Close()
	var out []Evidence
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EvidenceFile returns one evidence entry and its content.
func (db *DB) EvidenceFile(ctx context.Context, id int64) (Evidence, []byte, error) {
	e, err := scanEvidence(db.r().queryRow(ctx, "SELECT "+evidenceColumns+" FROM evidence e JOIN blobs b ON b.sha256 = e.blob_sha256 WHERE e.id = ?", id))
	if err != nil {
		return e, nil, err
	}
	var data []byte
	if err := db.r().queryRow(ctx, "SELECT data FROM blobs WHERE sha256 = ?", e.SHA256).Scan(&data); err != nil {
		return e, nil, fmt.Errorf("store: blob data: %w", err)
	}
	return e, data, nil
}
