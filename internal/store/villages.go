package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/village"
)

const villageColumns = "v.id, v.province_code, v.commune_code, v.name, v.kind, v.created_at, COALESCE(v.retired_on, '')"

func scanVillage(s scanner, extra ...any) (village.Village, error) {
	var v village.Village
	var kind string
	dest := append([]any{&v.ID, &v.ProvinceCode, &v.CommuneCode, &v.Name, &kind, &v.CreatedAt, &v.RetiredOn}, extra...)
	err := s.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fault.ErrNotFound
	}
	if err != nil {
		return v, fmt.Errorf("store: scan village: %w", err)
	}
	v.Kind = village.Kind(kind)
	v.CreatedAt = v.CreatedAt.UTC()
	return v, nil
}

// Village returns one village.
func (db *DB) Village(ctx context.Context, id int64) (village.Village, error) {
	return scanVillage(db.r().queryRow(ctx, "SELECT "+villageColumns+" FROM villages v WHERE v.id = ?", id))
}

func (tx *Tx) village(ctx context.Context, id int64) (village.Village, error) {
	return scanVillage(tx.queryRow(ctx, "SELECT "+villageColumns+" FROM villages v WHERE v.id = ?"+tx.d.forUpdate(), id))
}

// VillageFilter narrows the villages listed.
type VillageFilter struct {
	Scope       auth.Scope
	CommuneCode string // "" for every commune in scope
	WithRetired bool
	// WithCounts counts each village's households and people: pages that show them ask for
	// it, the pickers do not (over a whole city's villages the counts take seconds).
	WithCounts bool
}

// ListVillages returns the villages within the scope, with their household and people counts
// if asked, by commune and name.
func (db *DB) ListVillages(ctx context.Context, f VillageFilter) ([]village.Village, error) {
	return db.r().ListVillages(ctx, f)
}

// ListVillages lists villages inside a transaction (or on the read pool), for imports.
func (r reader) ListVillages(ctx context.Context, f VillageFilter) ([]village.Village, error) {
	where, args := scopeWhere(f.Scope, scopeColumns{province: "v.province_code", commune: "v.commune_code", village: "v.id"})
	counts := "0, 0"
	if f.WithCounts {
		counts = "(SELECT count(*) FROM households h WHERE h.village_id = v.id), (SELECT count(*) FROM citizens c WHERE c.village_id = v.id)"
	}
	q := "SELECT " + villageColumns + ", " + counts + " FROM villages v WHERE " + where
	if f.CommuneCode != "" {
		q += " AND v.commune_code = ?"
		args = append(args, f.CommuneCode)
	}
	if !f.WithRetired {
		q += " AND v.retired_on IS NULL"
	}
	q += " ORDER BY v.commune_code, v.name_folded, v.id"
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list villages: %w", err)
	}
	defer rows.Close()
	var out []village.Village
	for rows.Next() {
		var households, persons int
		v, err := scanVillage(rows, &households, &persons)
		if err != nil {
			return nil, err
		}
		v.Households, v.People = households, persons
		out = append(out, v)
	}
	return out, rows.Err()
}

// CreateVillage inserts a village; a name already used in the commune (ignoring accents and
// case) is a conflict on the name field.
func (tx *Tx) CreateVillage(ctx context.Context, v *village.Village) error {
	id, err := tx.insert(ctx, "INSERT INTO villages (province_code, commune_code, name, name_folded, kind, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		v.ProvinceCode, v.CommuneCode, v.Name, people.FoldName(v.Name), string(v.Kind), tx.now)
	if isUniqueViolation(err) {
		return &fault.Error{Kind: fault.Conflict, Key: "village.name.taken", Field: "name", Args: []any{v.Name}}
	}
	if err != nil {
		return fmt.Errorf("store: create village: %w", err)
	}
	v.ID, v.CreatedAt = id, tx.now
	tx.touchVillage(v.CommuneCode, id, tx.Today())
	return tx.record(ctx, Change{Action: "village.create", Entity: "village", EntityID: id, Place: villagePlace(*v), After: v})
}

// VillageByName finds a village of a commune by its folded name (for imports).
func (tx *Tx) VillageByName(ctx context.Context, communeCode, name string) (village.Village, error) {
	return scanVillage(tx.queryRow(ctx, "SELECT "+villageColumns+" FROM villages v WHERE v.commune_code = ? AND v.name_folded = ?", communeCode, people.FoldName(name)))
}

// UpdateVillage renames a village or changes its kind.
func (tx *Tx) UpdateVillage(ctx context.Context, id int64, name string, kind village.Kind) (village.Village, error) {
	before, err := tx.village(ctx, id)
	if err != nil {
		return before, err
	}
	after := before
	after.Name, after.Kind = name, kind
	if err := after.Validate(); err != nil {
		return before, err
	}
	if after.Name == before.Name && after.Kind == before.Kind {
		return before, nil
	}
	_, err = tx.exec(ctx, "UPDATE villages SET name = ?, name_folded = ?, kind = ? WHERE id = ?", after.Name, people.FoldName(after.Name), string(after.Kind), id)
	if isUniqueViolation(err) {
		return before, &fault.Error{Kind: fault.Conflict, Key: "village.name.taken", Field: "name", Args: []any{after.Name}}
	}
	if err != nil {
		return before, fmt.Errorf("store: update village: %w", err)
	}
	return after, tx.record(ctx, Change{Action: "village.update", Entity: "village", EntityID: id, Place: villagePlace(after), Before: before, After: after})
}

// RetireVillage marks a village out of use from a date; it stays for the history that refers to it.
func (tx *Tx) RetireVillage(ctx context.Context, id int64, day string) (village.Village, error) {
	before, err := tx.village(ctx, id)
	if err != nil {
		return before, err
	}
	if before.Retired() {
		return before, fault.New(fault.Conflict, "village.already_retired", before.RetiredOn)
	}
	after := before
	after.RetiredOn = day
	if _, err := tx.exec(ctx, "UPDATE villages SET retired_on = ? WHERE id = ?", day, id); err != nil {
		return before, fmt.Errorf("store: retire village: %w", err)
	}
	tx.touchVillage(before.CommuneCode, id, day)
	return after, tx.record(ctx, Change{Action: "village.retire", Entity: "village", EntityID: id, Place: villagePlace(after), Before: before, After: after})
}

// DeleteVillage removes a village that nothing refers to; one in use must be retired instead.
func (tx *Tx) DeleteVillage(ctx context.Context, id int64) error {
	before, err := tx.village(ctx, id)
	if err != nil {
		return err
	}
	var uses int
	if err := tx.queryRow(ctx, `SELECT (SELECT count(*) FROM citizens WHERE village_id = ?) + (SELECT count(*) FROM households WHERE village_id = ?)
		+ (SELECT count(*) FROM grants WHERE village_id = ?) + (SELECT count(*) FROM branches WHERE village_id = ?)`, id, id, id, id).Scan(&uses); err != nil {
		return fmt.Errorf("store: village uses: %w", err)
	}
	if uses > 0 {
		return fault.New(fault.Conflict, "village.in_use", uses)
	}
	if _, err := tx.exec(ctx, "DELETE FROM villages WHERE id = ?", id); err != nil {
		return fmt.Errorf("store: delete village: %w", err)
	}
	tx.touchVillage(before.CommuneCode, id, "")
	return tx.record(ctx, Change{Action: "village.delete", Entity: "village", EntityID: id, Place: villagePlace(before), Before: before})
}

func villagePlace(v village.Village) auth.Place {
	return auth.Place{ProvinceCode: v.ProvinceCode, CommuneCode: v.CommuneCode, VillageID: v.ID}
}

// VillagePlace is where a village sits, for access checks.
func VillagePlace(v village.Village) auth.Place { return villagePlace(v) }
