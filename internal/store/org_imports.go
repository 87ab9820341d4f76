package store

import (
	"context"
	"fmt"

	"hoctap/internal/fault"
	"hoctap/internal/people"
)

// What the imports into organisations (staff of a work unit, members of an association branch,
// households of a clan) read to decide each row, in batches rather than row by row, from the
// read pool for a preview or from the import's own transaction for its confirmation; and the two
// changes an import makes that the forms do not: a new position or flag of someone already there.

// importBatch bounds the bound parameters of one IN list, under every engine's limit.
const importBatch = 500

// CitizensByNationalIDs returns the registered people (not erased) with any of the 12-digit IDs,
// by ID, wherever they live: the caller decides which of them the user may reach.
func (db *DB) CitizensByNationalIDs(ctx context.Context, ids []string) (map[string]people.Citizen, error) {
	return db.r().CitizensByNationalIDs(ctx, ids)
}

// CitizensByNationalIDs in a transaction.
func (r reader) CitizensByNationalIDs(ctx context.Context, ids []string) (map[string]people.Citizen, error) {
	out := map[string]people.Citizen{}
	for start := 0; start < len(ids); start += importBatch {
		in, args := inList(ids[start:min(start+importBatch, len(ids))])
		rows, err := r.query(ctx, "SELECT "+citizenColumns+" FROM citizens c WHERE c.national_id IN "+in+" AND c.erased_at IS NULL", args...)
		if err != nil {
			return nil, fmt.Errorf("store: people by ID: %w", err)
		}
		for rows.Next() {
			c, err := scanCitizen(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[c.NationalID] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Employment is a person's current employment, with the unit's name.
type Employment struct {
	StaffID      int64
	WorkUnitID   int64
	UnitName     string
	Position     string
	CivilServant bool
}

// CurrentEmployments returns the current employment of each of the people who have one, by
// citizen id.
func (db *DB) CurrentEmployments(ctx context.Context, citizenIDs []int64) (map[int64]Employment, error) {
	return db.r().CurrentEmployments(ctx, citizenIDs)
}

// CurrentEmployments in a transaction.
func (r reader) CurrentEmployments(ctx context.Context, citizenIDs []int64) (map[int64]Employment, error) {
	out := map[int64]Employment{}
	for start := 0; start < len(citizenIDs); start += importBatch {
		in, args := inList(citizenIDs[start:min(start+importBatch, len(citizenIDs))])
		rows, err := r.query(ctx, `SELECT s.citizen_id, s.id, s.work_unit_id, w.name, s.position, s.civil_servant FROM work_unit_staff s
			JOIN work_units w ON w.id = s.work_unit_id WHERE s.end_on IS NULL AND s.citizen_id IN `+in+` ORDER BY s.id`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: current employments: %w", err)
		}
		for rows.Next() {
			var cid int64
			var e Employment
			if err := rows.Scan(&cid, &e.StaffID, &e.WorkUnitID, &e.UnitName, &e.Position, &e.CivilServant); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: scan employment: %w", err)
			}
			if _, seen := out[cid]; !seen {
				out[cid] = e
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CurrentBranchMemberships returns a branch's current memberships by citizen id, without
// trainings.
func (db *DB) CurrentBranchMemberships(ctx context.Context, branchID int64) (map[int64]BranchMember, error) {
	return db.r().CurrentBranchMemberships(ctx, branchID)
}

// CurrentBranchMemberships in a transaction.
func (r reader) CurrentBranchMemberships(ctx context.Context, branchID int64) (map[int64]BranchMember, error) {
	rows, err := r.query(ctx, "SELECT "+memberColumns+" FROM branch_members m JOIN citizens c ON c.id = m.citizen_id WHERE m.branch_id = ? AND m.end_on IS NULL ORDER BY m.id", branchID)
	if err != nil {
		return nil, fmt.Errorf("store: current branch members: %w", err)
	}
	defer rows.Close()
	out := map[int64]BranchMember{}
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		if _, seen := out[m.CitizenID]; !seen {
			out[m.CitizenID] = m
		}
	}
	return out, rows.Err()
}

// TrainingsOfCitizens returns the trainings on the criteria of some people, by citizen id.
func (db *DB) TrainingsOfCitizens(ctx context.Context, citizenIDs []int64) (map[int64][]Training, error) {
	return db.r().TrainingsOfCitizens(ctx, citizenIDs)
}

// TrainingsOfCitizens in a transaction.
func (r reader) TrainingsOfCitizens(ctx context.Context, citizenIDs []int64) (map[int64][]Training, error) {
	out := map[int64][]Training{}
	for start := 0; start < len(citizenIDs); start += importBatch {
		in, args := inList(citizenIDs[start:min(start+importBatch, len(citizenIDs))])
		rows, err := r.query(ctx, "SELECT t.id, t.citizen_id, t.trained_on, t.course, t.trainer FROM trainings t WHERE t.citizen_id IN "+in+" ORDER BY t.trained_on DESC, t.id DESC", args...)
		if err != nil {
			return nil, fmt.Errorf("store: trainings: %w", err)
		}
		for rows.Next() {
			var t Training
			if err := rows.Scan(&t.ID, &t.CitizenID, &t.TrainedOn, &t.Course, &t.Trainer); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: scan training: %w", err)
			}
			out[t.CitizenID] = append(out[t.CitizenID], t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// HouseholdHead is a commune's household with its head, as a clan import finds it: by its
// number or by its head's personal ID.
type HouseholdHead struct {
	ID             int64
	ProvinceCode   string
	CommuneCode    string
	VillageID      int64
	Code           string
	HeadID         int64
	HeadName       string
	HeadNationalID string
}

// HouseholdsWithHeads returns every household of a commune with its head (when it has one).
func (db *DB) HouseholdsWithHeads(ctx context.Context, communeCode string) ([]HouseholdHead, error) {
	return db.r().HouseholdsWithHeads(ctx, communeCode)
}

// HouseholdsWithHeads in a transaction.
func (r reader) HouseholdsWithHeads(ctx context.Context, communeCode string) ([]HouseholdHead, error) {
	rows, err := r.query(ctx, `SELECT h.id, h.province_code, h.commune_code, h.village_id, h.code, COALESCE(h.head_citizen_id, 0),
		COALESCE(c.full_name, ''), COALESCE(c.national_id, '') FROM households h
		LEFT JOIN citizens c ON c.id = h.head_citizen_id AND c.erased_at IS NULL WHERE h.commune_code = ? ORDER BY h.id`, communeCode)
	if err != nil {
		return nil, fmt.Errorf("store: households with heads: %w", err)
	}
	defer rows.Close()
	var out []HouseholdHead
	for rows.Next() {
		var h HouseholdHead
		if err := rows.Scan(&h.ID, &h.ProvinceCode, &h.CommuneCode, &h.VillageID, &h.Code, &h.HeadID, &h.HeadName, &h.HeadNationalID); err != nil {
			return nil, fmt.Errorf("store: scan household: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// ClanMembership is a household's current membership of a clan, with the clan's name.
type ClanMembership struct {
	ID       int64
	ClanID   int64
	ClanName string
}

// CurrentClansOfHouseholds returns the current clan of each household of a commune that has
// one, by household id.
func (db *DB) CurrentClansOfHouseholds(ctx context.Context, communeCode string) (map[int64]ClanMembership, error) {
	return db.r().CurrentClansOfHouseholds(ctx, communeCode)
}

// CurrentClansOfHouseholds in a transaction.
func (r reader) CurrentClansOfHouseholds(ctx context.Context, communeCode string) (map[int64]ClanMembership, error) {
	rows, err := r.query(ctx, `SELECT ch.household_id, ch.id, ch.clan_id, c.name FROM clan_households ch JOIN clans c ON c.id = ch.clan_id
		WHERE ch.commune_code = ? AND ch.end_on IS NULL ORDER BY ch.id`, communeCode)
	if err != nil {
		return nil, fmt.Errorf("store: clans of households: %w", err)
	}
	defer rows.Close()
	out := map[int64]ClanMembership{}
	for rows.Next() {
		var hid int64
		var m ClanMembership
		if err := rows.Scan(&hid, &m.ID, &m.ClanID, &m.ClanName); err != nil {
			return nil, fmt.Errorf("store: scan clan membership: %w", err)
		}
		if _, seen := out[hid]; !seen {
			out[hid] = m
		}
	}
	return out, rows.Err()
}

// UpdateStaffRole changes the position and the civil-servant flag of a current employment of
// the work unit, in place; the audit entry keeps both versions. An employment that is not the
// unit's, or has ended, is ErrNotFound.
func (tx *Tx) UpdateStaffRole(ctx context.Context, w WorkUnit, staffID int64, position string, civilServant bool) (StaffMember, error) {
	m, err := scanStaff(tx.queryRow(ctx, "SELECT "+staffColumns+" FROM work_unit_staff s JOIN citizens c ON c.id = s.citizen_id WHERE s.id = ?"+tx.d.forUpdate(), staffID))
	if err != nil {
		return m, err
	}
	if m.WorkUnitID != w.ID || m.EndOn != "" {
		return m, fault.ErrNotFound
	}
	if m.Position == position && m.CivilServant == civilServant {
		return m, nil
	}
	before := m
	m.Position, m.CivilServant = position, civilServant
	if _, err := tx.exec(ctx, "UPDATE work_unit_staff SET position = ?, civil_servant = ? WHERE id = ?", position, civilServant, staffID); err != nil {
		return m, fmt.Errorf("store: update staff: %w", err)
	}
	return m, tx.record(ctx, Change{Action: "work_unit.staff_update", Entity: "work_unit", EntityID: w.ID, Place: WorkUnitPlace(w),
		Before: staffChange(before), After: staffChange(m)})
}

// UpdateBranchMemberRole makes a current member of the branch an official or a member and
// changes their position, in place; the audit entry keeps both versions. A membership that is
// not the branch's, or has ended, is ErrNotFound.
func (tx *Tx) UpdateBranchMemberRole(ctx context.Context, b Branch, memberID int64, official bool, position string) (BranchMember, error) {
	m, err := scanMember(tx.queryRow(ctx, "SELECT "+memberColumns+" FROM branch_members m JOIN citizens c ON c.id = m.citizen_id WHERE m.id = ?"+tx.d.forUpdate(), memberID))
	if err != nil {
		return m, err
	}
	if m.BranchID != b.ID || m.EndOn != "" {
		return m, fault.ErrNotFound
	}
	if m.IsOfficial == official && m.Position == position {
		return m, nil
	}
	before := m
	m.IsOfficial, m.Position = official, position
	if _, err := tx.exec(ctx, "UPDATE branch_members SET is_official = ?, position = ? WHERE id = ?", official, position, memberID); err != nil {
		return m, fmt.Errorf("store: update branch member: %w", err)
	}
	tx.touchCommune(b.CommuneCode, "") // the role has no history: every year moves
	return m, tx.record(ctx, Change{Action: "branch.member_update", Entity: "branch", EntityID: b.ID, Place: BranchPlace(b),
		Before: memberChange(before), After: memberChange(m)})
}
