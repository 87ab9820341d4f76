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

// WorkUnit is an employer of staff: agency, school, enterprise (issue: people and organisations).
type WorkUnit struct {
	ID           int64
	ProvinceCode string
	CommuneCode  string
	Name         string
	Kind         string
	Level        string
}

// Provider offers lifelong-learning programmes.
type Provider struct {
	ID           int64
	ProvinceCode string
	CommuneCode  string
	Name         string
}

// Household is a hộ gia đình of one village.
type Household struct {
	ID            int64
	ProvinceCode  string
	CommuneCode   string
	VillageID     int64
	Code          string // the household key of the commune's lists (số hộ), used by imports
	Address       string
	HeadCitizenID int64
}

// CreateWorkUnit inserts a work unit.
func (tx *Tx) CreateWorkUnit(ctx context.Context, w *WorkUnit) error {
	id, err := tx.insert(ctx, "INSERT INTO work_units (province_code, commune_code, name, kind, level, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		w.ProvinceCode, w.CommuneCode, w.Name, w.Kind, w.Level, tx.now)
	if err != nil {
		return fmt.Errorf("store: create work unit: %w", err)
	}
	tx.touchUnit(w.CommuneCode, id, tx.Today())
	w.ID = id
	return tx.record(ctx, Change{Action: "work_unit.create", Entity: "work_unit", EntityID: id,
		Place: auth.Place{ProvinceCode: w.ProvinceCode, CommuneCode: w.CommuneCode, WorkUnitID: id}, After: w})
}

// WorkUnit returns one work unit.
func (db *DB) WorkUnit(ctx context.Context, id int64) (WorkUnit, error) {
	var w WorkUnit
	err := db.r().queryRow(ctx, "SELECT id, province_code, commune_code, name, kind, level FROM work_units WHERE id = ?", id).
		Scan(&w.ID, &w.ProvinceCode, &w.CommuneCode, &w.Name, &w.Kind, &w.Level)
	if errors.Is(err, sql.ErrNoRows) {
		return w, fault.ErrNotFound
	}
	return w, err
}

// CreateProvider inserts a learning provider.
func (tx *Tx) CreateProvider(ctx context.Context, p *Provider) error {
	id, err := tx.insert(ctx, "INSERT INTO providers (province_code, commune_code, name, created_at) VALUES (?, ?, ?, ?)",
		p.ProvinceCode, p.CommuneCode, p.Name, tx.now)
	if err != nil {
		return fmt.Errorf("store: create provider: %w", err)
	}
	p.ID = id
	return tx.record(ctx, Change{Action: "provider.create", Entity: "provider", EntityID: id,
		Place: auth.Place{ProvinceCode: p.ProvinceCode, CommuneCode: p.CommuneCode, ProviderID: id}, After: p})
}

// Provider returns one provider.
func (db *DB) Provider(ctx context.Context, id int64) (Provider, error) {
	var p Provider
	err := db.r().queryRow(ctx, "SELECT id, province_code, commune_code, name FROM providers WHERE id = ?", id).
		Scan(&p.ID, &p.ProvinceCode, &p.CommuneCode, &p.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fault.ErrNotFound
	}
	return p, err
}

// CreateHousehold inserts a household.
func (tx *Tx) CreateHousehold(ctx context.Context, h *Household) error {
	id, err := tx.insert(ctx, "INSERT INTO households (province_code, commune_code, village_id, code, address, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		h.ProvinceCode, h.CommuneCode, h.VillageID, h.Code, h.Address, tx.now)
	if err != nil {
		return fmt.Errorf("store: create household: %w", err)
	}
	tx.touchVillage(h.CommuneCode, h.VillageID, tx.Today())
	h.ID = id
	return tx.record(ctx, Change{Action: "household.create", Entity: "household", EntityID: id,
		Place: auth.Place{ProvinceCode: h.ProvinceCode, CommuneCode: h.CommuneCode, VillageID: h.VillageID}, After: h})
}

// Counts are the numbers a home page shows for a scope.
type Counts struct {
	Communes   int
	Villages   int
	Households int
	Citizens   int
	WorkUnits  int
	Accounts   int
}

// CountWithin counts what lies inside a scope.
func (db *DB) CountWithin(ctx context.Context, s auth.Scope) (Counts, error) {
	var c Counts
	count := func(dst *int, table string, cols scopeColumns, distinct string) error {
		where, args := scopeWhere(s, cols)
		what := "count(*)"
		if distinct != "" {
			what = "count(DISTINCT " + distinct + ")"
		}
		if err := db.r().queryRow(ctx, "SELECT "+what+" FROM "+table+" WHERE "+where, args...).Scan(dst); err != nil {
			return fmt.Errorf("store: count %s: %w", table, err)
		}
		return nil
	}
	place := scopeColumns{province: "province_code", commune: "commune_code", village: "village_id", workUnit: "work_unit_id"}
	if err := count(&c.Villages, "villages", scopeColumns{province: "province_code", commune: "commune_code", village: "id"}, ""); err != nil {
		return c, err
	}
	if err := count(&c.Communes, "villages", scopeColumns{province: "province_code", commune: "commune_code", village: "id"}, "commune_code"); err != nil {
		return c, err
	}
	if err := count(&c.Households, "households", scopeColumns{province: "province_code", commune: "commune_code", village: "village_id"}, ""); err != nil {
		return c, err
	}
	if err := count(&c.Citizens, "citizens", place, ""); err != nil {
		return c, err
	}
	if err := count(&c.WorkUnits, "work_units", scopeColumns{province: "province_code", commune: "commune_code", workUnit: "id"}, ""); err != nil {
		return c, err
	}
	return c, count(&c.Accounts, "grants", scopeColumns{province: "province_code", commune: "commune_code", village: "village_id",
		workUnit: "work_unit_id", provider: "provider_id", citizen: "citizen_id"}, "user_id")
}

// CommuneSummary is one commune's row on the city officer's home page.
type CommuneSummary struct {
	CommuneCode string
	Villages    int
	Citizens    int
}

// SummariseCommunes returns the communes within the scope that have villages, with counts.
func (db *DB) SummariseCommunes(ctx context.Context, s auth.Scope) ([]CommuneSummary, error) {
	where, args := scopeWhere(s, scopeColumns{province: "v.province_code", commune: "v.commune_code", village: "v.id"})
	rows, err := db.r().query(ctx, `SELECT v.commune_code, count(DISTINCT v.id), count(c.id) FROM villages v
		LEFT JOIN citizens c ON c.village_id = v.id WHERE `+where+` GROUP BY v.commune_code ORDER BY v.commune_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: summarise communes: %w", err)
	}
	defer rows.Close()
	var out []CommuneSummary
	for rows.Next() {
		var cs CommuneSummary
		if err := rows.Scan(&cs.CommuneCode, &cs.Villages, &cs.Citizens); err != nil {
			return nil, err
		}
		out = append(out, cs)
	}
	return out, rows.Err()
}

// PendingImport is an uploaded file kept between its preview and its confirmation.
type PendingImport struct {
	ID           int64
	UserID       int64
	Kind         string
	ProvinceCode string
	CommuneCode  string
	FileName     string
	Options      string // what the user chose on the upload form, e.g. the default village kind
	Payload      []byte
}

// SavePendingImport keeps an uploaded file for ttl; nothing of its content is applied yet.
func (tx *Tx) SavePendingImport(ctx context.Context, p *PendingImport, ttl time.Duration) error {
	if _, err := tx.exec(ctx, "DELETE FROM pending_imports WHERE expires_at < ?", tx.now); err != nil {
		return fmt.Errorf("store: expire imports: %w", err)
	}
	id, err := tx.insert(ctx, `INSERT INTO pending_imports (user_id, kind, province_code, commune_code, file_name, options, payload, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.UserID, p.Kind, p.ProvinceCode, p.CommuneCode, p.FileName, p.Options, p.Payload, tx.now, tx.now.Add(ttl))
	if err != nil {
		return fmt.Errorf("store: save import: %w", err)
	}
	p.ID = id
	return nil
}

// TakePendingImport returns and removes a user's pending import; another user's or an expired
// one is ErrNotFound.
func (tx *Tx) TakePendingImport(ctx context.Context, id, userID int64, kind string) (PendingImport, error) {
	var p PendingImport
	err := tx.queryRow(ctx, `SELECT id, user_id, kind, province_code, commune_code, file_name, options, payload FROM pending_imports
		WHERE id = ? AND user_id = ? AND kind = ? AND expires_at > ?`, id, userID, kind, tx.now).
		Scan(&p.ID, &p.UserID, &p.Kind, &p.ProvinceCode, &p.CommuneCode, &p.FileName, &p.Options, &p.Payload)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fault.New(fault.NotFound, "import.expired")
	}
	if err != nil {
		return p, fmt.Errorf("store: take import: %w", err)
	}
	if _, err := tx.exec(ctx, "DELETE FROM pending_imports WHERE id = ?", id); err != nil {
		return p, fmt.Errorf("store: take import: %w", err)
	}
	return p, nil
}
