package store

import (
	"context"
	"fmt"

	"hoctap/internal/audit"
	"hoctap/internal/people"
)

// Residence is one period of a person's residence.
type Residence struct {
	CommuneCode string
	VillageID   int64
	StartOn     string
	EndOn       string
}

// Membership is one period in a household, clan line, work unit or association branch.
type Membership struct {
	Kind    string // "household", "work_unit", "branch"
	ID      int64  // the household, unit or branch
	Role    string // relation, position
	StartOn string
	EndOn   string
}

// PersonalData is everything held about one person, for the right of access.
type PersonalData struct {
	Citizen     people.Citizen
	Residences  []Residence
	Memberships []Membership
	Consents    []people.Consent
	Transfers   []string
	Trainings   []string
	Accounts    []string
	History     []audit.Entry
}

// PersonalData gathers what the database holds about a citizen.
func (db *DB) PersonalData(ctx context.Context, citizenID int64) (PersonalData, error) {
	var pd PersonalData
	var err error
	if pd.Citizen, err = db.Citizen(ctx, citizenID); err != nil {
		return pd, err
	}
	r := db.r()
	strs := func(q string, dst *[]string) error {
		rows, err := r.query(ctx, q, citizenID)
		if err != nil {
			return fmt.Errorf("store: personal data: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			*dst = append(*dst, s)
		}
		return rows.Err()
	}
	rows, err := r.query(ctx, "SELECT commune_code, COALESCE(village_id, 0), start_on, COALESCE(end_on, '') FROM residences WHERE citizen_id = ? ORDER BY id", citizenID)
	if err != nil {
		return pd, fmt.Errorf("store: residences: %w", err)
	}
	for rows.Next() {
		var x Residence
		if err := rows.Scan(&x.CommuneCode, &x.VillageID, &x.StartOn, &x.EndOn); err != nil {
			rows.Close()
			return pd, err
		}
		pd.Residences = append(pd.Residences, x)
	}
	rows.Close()
	rows, err = r.query(ctx, `SELECT 'household', household_id, relation, start_on, COALESCE(end_on, '') FROM household_memberships WHERE citizen_id = ?
		UNION ALL SELECT 'work_unit', work_unit_id, position, start_on, COALESCE(end_on, '') FROM work_unit_staff WHERE citizen_id = ?
		UNION ALL SELECT 'branch', branch_id, position, start_on, COALESCE(end_on, '') FROM branch_members WHERE citizen_id = ?`, citizenID, citizenID, citizenID)
	if err != nil {
		return pd, fmt.Errorf("store: memberships: %w", err)
	}
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.Kind, &m.ID, &m.Role, &m.StartOn, &m.EndOn); err != nil {
			rows.Close()
			return pd, err
		}
		pd.Memberships = append(pd.Memberships, m)
	}
	rows.Close()
	if pd.Consents, err = db.Consents(ctx, citizenID); err != nil {
		return pd, err
	}
	if err := strs("SELECT from_commune_code || ' → ' || commune_code FROM transfers WHERE citizen_id = ? ORDER BY id", &pd.Transfers); err != nil {
		return pd, err
	}
	if err := strs("SELECT trained_on || ' ' || course FROM trainings WHERE citizen_id = ? ORDER BY id", &pd.Trainings); err != nil {
		return pd, err
	}
	if err := strs("SELECT display_name FROM users WHERE citizen_id = ? ORDER BY id", &pd.Accounts); err != nil {
		return pd, err
	}
	rows, err = r.query(ctx, "SELECT id, at, COALESCE(actor_user_id, 0), actor, ip, request_id, action, entity, entity_id, province_code, commune_code, before_json, after_json, prev_hash, hash FROM audit_log WHERE entity = 'citizen' AND entity_id = ? ORDER BY id",
		fmt.Sprint(citizenID))
	if err != nil {
		return pd, fmt.Errorf("store: history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return pd, err
		}
		e.Before, e.After, e.PrevHash, e.Hash, e.IP = "", "", "", "", "" // what happened and when, not other people's data
		pd.History = append(pd.History, e)
	}
	return pd, rows.Err()
}

// EraseCitizen removes a person's personal data and keeps what past counts need (commune,
// village, birth year, gender) anonymously. Their accounts are closed.
func (tx *Tx) EraseCitizen(ctx context.Context, citizenID int64) error {
	c, err := tx.citizen(ctx, citizenID)
	if err != nil {
		return err
	}
	if err := tx.touchPerson(ctx, citizenID, tx.Today()); err != nil { // counted nowhere from now on
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE citizens SET full_name = '', name_folded = '', national_id = NULL, legacy_id = '', birth_date = NULL,
		phone = '', email = '', ethnicity = '', national_id_rev = '', phone_rev = '', sort_key = ?, erased_at = ?, updated_at = ? WHERE id = ?`,
		[]byte{}, tx.now, tx.now, citizenID); err != nil {
		return fmt.Errorf("store: erase citizen: %w", err)
	}
	// Memberships end today: an erased person is no longer staff or a member of a branch.
	for _, q := range []string{"UPDATE work_unit_staff SET end_on = ? WHERE citizen_id = ? AND end_on IS NULL",
		"UPDATE branch_members SET end_on = ? WHERE citizen_id = ? AND end_on IS NULL"} {
		if _, err := tx.exec(ctx, q, tx.Today(), citizenID); err != nil {
			return fmt.Errorf("store: erase memberships: %w", err)
		}
	}
	if _, err := tx.exec(ctx, "UPDATE citizens SET work_unit_id = NULL WHERE id = ?", citizenID); err != nil {
		return fmt.Errorf("store: erase employer: %w", err)
	}
	if _, err := tx.exec(ctx, "DELETE FROM citizen_name_tokens WHERE citizen_id = ?", citizenID); err != nil {
		return fmt.Errorf("store: erase name tokens: %w", err)
	}
	if _, err := tx.exec(ctx, "UPDATE households SET head_citizen_id = NULL WHERE head_citizen_id = ?", citizenID); err != nil {
		return fmt.Errorf("store: erase citizen: %w", err)
	}
	if _, err := tx.exec(ctx, "UPDATE consents SET given_by = '' WHERE citizen_id = ?", citizenID); err != nil {
		return fmt.Errorf("store: erase consents: %w", err)
	}
	var accounts []int64
	rows, err := tx.query(ctx, "SELECT id FROM users WHERE citizen_id = ?", citizenID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		accounts = append(accounts, id)
	}
	rows.Close()
	for _, id := range accounts {
		if _, err := tx.exec(ctx, `UPDATE users SET display_name = '', login_phone = NULL, login_email = NULL, login_national_id = NULL,
			active = ?, password_hash = '' WHERE id = ?`, false, id); err != nil {
			return fmt.Errorf("store: close account: %w", err)
		}
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
			return err
		}
	}
	// The log keeps that an erasure happened, not what was erased.
	return tx.record(ctx, Change{Action: "citizen.erase", Entity: "citizen", EntityID: citizenID, Place: CitizenPlace(c),
		After: map[string]any{"accounts_closed": len(accounts)}})
}
