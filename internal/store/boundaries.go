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

// BoundaryFile is an accepted upload of unit boundaries for the map (boundary_files).
type BoundaryFile struct {
	ID           int64
	ProvinceCode string
	Era          string // the era of the units it draws: "2025-07"
	FileName     string
	FileSHA256   string // of the uploaded bytes
	FileBytes    int
	GeoJSON      []byte // normalised, what is drawn; read only by BoundaryFileByID (and BoundaryGeoJSON)
	Report       []byte // JSON: which feature matched which unit, and how
	Features     int    // features in the file
	Matched      int    // features matched to a unit
	Unmatched    int    // features not matched
	Units        int    // units with a boundary
	Missing      int    // units with no feature
	Active       bool
	UploadedBy   int64
	UploadedAt   time.Time
	RetiredBy    int64
	RetiredAt    time.Time // zero while active or never retired by hand

	// Read with it.
	UploaderName string
	RetirerName  string
}

const boundaryColumns = `b.id, b.province_code, b.era, b.file_name, b.file_sha256, b.file_bytes, b.report, b.features, b.matched,
	b.unmatched, b.units, b.missing, b.active, COALESCE(b.uploaded_by, 0), b.uploaded_at, COALESCE(b.retired_by, 0), b.retired_at,
	COALESCE(u.display_name, ''), COALESCE(r.display_name, '')`

const boundaryFrom = ` FROM boundary_files b LEFT JOIN users u ON u.id = b.uploaded_by LEFT JOIN users r ON r.id = b.retired_by`

func scanBoundaryFile(s scanner, withGeoJSON bool) (BoundaryFile, error) {
	var b BoundaryFile
	var report, geo string
	var retired sql.NullTime
	dest := []any{&b.ID, &b.ProvinceCode, &b.Era, &b.FileName, &b.FileSHA256, &b.FileBytes, &report, &b.Features, &b.Matched,
		&b.Unmatched, &b.Units, &b.Missing, &b.Active, &b.UploadedBy, &b.UploadedAt, &b.RetiredBy, &retired, &b.UploaderName, &b.RetirerName}
	if withGeoJSON {
		dest = append(dest, &geo)
	}
	err := s.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return b, fault.ErrNotFound
	}
	if err != nil {
		return b, fmt.Errorf("store: scan boundary file: %w", err)
	}
	b.Report, b.UploadedAt, b.RetiredAt = []byte(report), b.UploadedAt.UTC(), retired.Time.UTC()
	if withGeoJSON {
		b.GeoJSON = []byte(geo)
	}
	return b, nil
}

func boundaryPlace(b BoundaryFile) auth.Place { return auth.Place{ProvinceCode: b.ProvinceCode} }

func auditBoundary(b BoundaryFile) map[string]any {
	return map[string]any{"era": b.Era, "file_name": b.FileName, "file_sha256": b.FileSHA256, "file_bytes": b.FileBytes,
		"features": b.Features, "matched": b.Matched, "unmatched": b.Unmatched, "units": b.Units, "missing": b.Missing, "active": b.Active}
}

// CreateBoundaryFile stores an accepted upload as the active boundaries of its province and
// era; the file active before it stops being used. Both changes go in the audit log.
func (tx *Tx) CreateBoundaryFile(ctx context.Context, b *BoundaryFile) error {
	prev, err := tx.activeBoundaryID(ctx, b.ProvinceCode, b.Era)
	if err != nil {
		return err
	}
	if prev != 0 {
		if err := tx.retireBoundaryFile(ctx, prev, "supersede"); err != nil {
			return err
		}
	}
	b.UploadedAt, b.Active, b.UploadedBy = tx.now, true, actorID(ctx)
	id, err := tx.insert(ctx, `INSERT INTO boundary_files (province_code, era, file_name, file_sha256, file_bytes, geojson, report,
		features, matched, unmatched, units, missing, active, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.ProvinceCode, b.Era, b.FileName, b.FileSHA256, b.FileBytes, string(b.GeoJSON), string(b.Report),
		b.Features, b.Matched, b.Unmatched, b.Units, b.Missing, true, nullInt(b.UploadedBy), tx.now)
	if err != nil {
		return fmt.Errorf("store: create boundary file: %w", err)
	}
	b.ID = id
	return tx.record(ctx, Change{Action: "upload", Entity: "boundary_file", EntityID: id, Place: boundaryPlace(*b), After: auditBoundary(*b)})
}

func (tx *Tx) activeBoundaryID(ctx context.Context, province, era string) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, "SELECT id FROM boundary_files WHERE province_code = ? AND era = ? AND active"+tx.d.forUpdate(), province, era).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: active boundary file: %w", err)
	}
	return id, nil
}

// RetireBoundaryFile stops using an active upload: the map goes back to tiles. Errors:
// fault.ErrNotFound, or a conflict (geomap.page.retire.not_active) if it is not in use.
func (tx *Tx) RetireBoundaryFile(ctx context.Context, id int64) error {
	return tx.retireBoundaryFile(ctx, id, "retire")
}

func (tx *Tx) retireBoundaryFile(ctx context.Context, id int64, action string) error {
	if tx.d.name == "postgres" { // lock the row alone: FOR UPDATE cannot reach the outer joins
		if _, err := tx.exec(ctx, "SELECT id FROM boundary_files WHERE id = ? FOR UPDATE", id); err != nil {
			return fmt.Errorf("store: lock boundary file: %w", err)
		}
	}
	before, err := scanBoundaryFile(tx.queryRow(ctx, "SELECT "+boundaryColumns+boundaryFrom+" WHERE b.id = ?", id), false)
	if err != nil {
		return err
	}
	if !before.Active {
		return fault.New(fault.Conflict, "geomap.page.retire.not_active")
	}
	if _, err := tx.exec(ctx, "UPDATE boundary_files SET active = ?, retired_by = ?, retired_at = ? WHERE id = ?",
		false, nullInt(actorID(ctx)), tx.now, id); err != nil {
		return fmt.Errorf("store: retire boundary file: %w", err)
	}
	after := before
	after.Active = false
	return tx.record(ctx, Change{Action: action, Entity: "boundary_file", EntityID: id, Place: boundaryPlace(before),
		Before: auditBoundary(before), After: auditBoundary(after)})
}

// BoundaryFiles lists the uploads of a province and era, newest first, without their GeoJSON.
func (db *DB) BoundaryFiles(ctx context.Context, province, era string) ([]BoundaryFile, error) {
	rows, err := db.r().query(ctx, "SELECT "+boundaryColumns+boundaryFrom+" WHERE b.province_code = ? AND b.era = ? ORDER BY b.uploaded_at DESC, b.id DESC",
		province, era)
	if err != nil {
		return nil, fmt.Errorf("store: boundary files: %w", err)
	}
	defer rows.Close()
	var out []BoundaryFile
	for rows.Next() {
		b, err := scanBoundaryFile(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// ActiveBoundaryFile returns the upload in use for a province and era, without its GeoJSON
// (BoundaryGeoJSON reads it); fault.ErrNotFound when the map uses tiles.
func (db *DB) ActiveBoundaryFile(ctx context.Context, province, era string) (BoundaryFile, error) {
	return scanBoundaryFile(db.r().queryRow(ctx, "SELECT "+boundaryColumns+boundaryFrom+
		" WHERE b.province_code = ? AND b.era = ? AND b.active", province, era), false)
}

// BoundaryFileByID returns one upload with its GeoJSON.
func (db *DB) BoundaryFileByID(ctx context.Context, id int64) (BoundaryFile, error) {
	return scanBoundaryFile(db.r().queryRow(ctx, "SELECT "+boundaryColumns+", b.geojson"+boundaryFrom+" WHERE b.id = ?", id), true)
}

// BoundaryGeoJSON returns the normalised GeoJSON of one upload.
func (db *DB) BoundaryGeoJSON(ctx context.Context, id int64) ([]byte, error) {
	var geo string
	err := db.r().queryRow(ctx, "SELECT geojson FROM boundary_files WHERE id = ?", id).Scan(&geo)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: boundary geojson: %w", err)
	}
	return []byte(geo), nil
}
