package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
)

const householdColumns = "h.id, h.province_code, h.commune_code, h.village_id, h.code, h.address, COALESCE(h.head_citizen_id, 0)"

func scanHousehold(s scanner) (Household, error) {
	var h Household
	err := s.Scan(&h.ID, &h.ProvinceCode, &h.CommuneCode, &h.VillageID, &h.Code, &h.Address, &h.HeadCitizenID)
	if errors.Is(err, sql.ErrNoRows) {
		return h, fault.ErrNotFound
	}
	if err != nil {
		return h, fmt.Errorf("store: scan household: %w", err)
	}
	return h, nil
}

// HouseholdPlace locates a household for access checks.
func HouseholdPlace(h Household) auth.Place {
	return auth.Place{ProvinceCode: h.ProvinceCode, CommuneCode: h.CommuneCode, VillageID: h.VillageID}
}

// Household returns one household.
func (db *DB) Household(ctx context.Context, id int64) (Household, error) {
	return scanHousehold(db.r().queryRow(ctx, "SELECT "+householdColumns+" FROM households h WHERE h.id = ?", id))
}

// HouseholdByCode finds a household of a commune by the key of the commune's lists.
func (tx *Tx) HouseholdByCode(ctx context.Context, communeCode, code string) (Household, error) {
	return scanHousehold(tx.queryRow(ctx, "SELECT "+householdColumns+" FROM households h WHERE h.commune_code = ? AND h.code = ?", communeCode, code))
}

// HouseholdsOfVillage lists a village's households with their heads' names, for pickers.
func (db *DB) HouseholdsOfVillage(ctx context.Context, villageID int64) ([]Household, []string, error) {
	rows, err := db.r().query(ctx, "SELECT "+householdColumns+", COALESCE(c.full_name, '') FROM households h LEFT JOIN citizens c ON c.id = h.head_citizen_id WHERE h.village_id = ? ORDER BY h.code, h.id", villageID)
	if err != nil {
		return nil, nil, fmt.Errorf("store: households: %w", err)
	}
	defer rows.Close()
	var hs []Household
	var heads []string
	for rows.Next() {
		var h Household
		var head string
		if err := rows.Scan(&h.ID, &h.ProvinceCode, &h.CommuneCode, &h.VillageID, &h.Code, &h.Address, &h.HeadCitizenID, &head); err != nil {
			return nil, nil, err
		}
		hs = append(hs, h)
		heads = append(heads, head)
	}
	return hs, heads, rows.Err()
}

// MoveHousehold moves a household and all its members to another village of the same commune,
// closing their residences there and opening new ones.
func (tx *Tx) MoveHousehold(ctx context.Context, householdID, villageID int64) error {
	h, err := scanHousehold(tx.queryRow(ctx, "SELECT "+householdColumns+" FROM households h WHERE h.id = ?"+tx.d.forUpdate(), householdID))
	if err != nil {
		return err
	}
	if h.VillageID == villageID {
		return nil
	}
	rows, err := tx.query(ctx, "SELECT id FROM citizens WHERE household_id = ? AND erased_at IS NULL", householdID)
	if err != nil {
		return fmt.Errorf("store: household members: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if _, err := tx.exec(ctx, "UPDATE households SET village_id = ? WHERE id = ?", villageID, householdID); err != nil {
		return fmt.Errorf("store: move household: %w", err)
	}
	// A household's village has no history: it counts in its new village in every year.
	tx.touchVillage(h.CommuneCode, h.VillageID, "")
	tx.touchVillage(h.CommuneCode, villageID, "")
	for _, id := range ids {
		if err := tx.MoveCitizen(ctx, id, h.ProvinceCode, h.CommuneCode, villageID); err != nil {
			return err
		}
	}
	after := h
	after.VillageID = villageID
	return tx.record(ctx, Change{Action: "household.move", Entity: "household", EntityID: householdID, Place: HouseholdPlace(after),
		Before: map[string]int64{"village_id": h.VillageID}, After: map[string]any{"village_id": villageID, "members": len(ids)}})
}
