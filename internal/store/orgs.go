package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
)

// Organisations of the registry (issue: people and organisations): work units with their staff,
// clans with their member households, and Hội Khuyến học branches with their members, officials
// and the officials' training on the criteria. Memberships carry start and end dates (the
// transaction's civil date, Tx.Today); ending one keeps the row, so history is kept.

// Clan is a dòng họ of one commune; its member households may live in several villages.
type Clan struct {
	ID               int64
	ProvinceCode     string
	CommuneCode      string
	Name             string
	Origin           string // place of origin (quê gốc), free text
	RepresentativeID int64  // the citizen who speaks for the clan; 0 when not known
}

// StaffMember is one period of a person's employment in a work unit.
type StaffMember struct {
	ID           int64
	WorkUnitID   int64
	CitizenID    int64
	FullName     string
	MaskedID     string // the person's ID number, masked (people.MaskNationalID); never the full number
	Position     string
	CivilServant bool   // cán bộ, công chức, viên chức rather than a worker
	StartOn      string // "YYYY-MM-DD"
	EndOn        string // "" while employed
}

// Branch is a chi hội khuyến học, attached to a village or to a work unit of its commune.
type Branch struct {
	ID           int64
	ProvinceCode string
	CommuneCode  string
	Name         string
	VillageID    int64 // 0 when the branch belongs to a work unit
	WorkUnitID   int64 // 0 when the branch belongs to a village
}

// BranchMember is one period of a person's membership of a branch, as a member or an official.
type BranchMember struct {
	ID         int64
	BranchID   int64
	CitizenID  int64
	FullName   string
	MaskedID   string // masked ID number; never the full number
	IsOfficial bool
	Position   string
	StartOn    string
	EndOn      string
	Trainings  []Training // the person's trainings on the criteria, newest first
}

// Training is a person's training on the criteria (date, course, trainer): the input of the
// "100% of association officials trained" target.
type Training struct {
	ID        int64
	CitizenID int64
	TrainedOn string // "YYYY-MM-DD"
	Course    string
	Trainer   string
}

// ClanHousehold is one period of a household's membership of a clan, with what the clan's page
// shows of the household.
type ClanHousehold struct {
	ID          int64
	ClanID      int64
	HouseholdID int64
	Code        string // the household number of the commune's lists
	HeadName    string
	VillageID   int64
	StartOn     string
	EndOn       string
}

// WorkUnitSummary is a work unit with its number of current staff.
type WorkUnitSummary struct {
	WorkUnit
	Staff int
}

// ClanSummary is a clan with its number of current member households.
type ClanSummary struct {
	Clan
	Households int
}

// BranchSummary is a branch with its current members, officials, and officials with at least
// one training on the criteria.
type BranchSummary struct {
	Branch
	Members          int
	Officials        int
	TrainedOfficials int
}

// WorkUnitPlace locates a work unit for access checks.
func WorkUnitPlace(w WorkUnit) auth.Place {
	return auth.Place{ProvinceCode: w.ProvinceCode, CommuneCode: w.CommuneCode, WorkUnitID: w.ID}
}

// ClanPlace locates a clan for access checks: its commune.
func ClanPlace(c Clan) auth.Place {
	return auth.Place{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode}
}

// BranchPlace locates a branch for access checks: its commune, and its village or work unit.
func BranchPlace(b Branch) auth.Place {
	return auth.Place{ProvinceCode: b.ProvinceCode, CommuneCode: b.CommuneCode, VillageID: b.VillageID, WorkUnitID: b.WorkUnitID}
}

// The columns that place each organisation's row inside a scope.
var (
	workUnitScope = scopeColumns{province: "w.province_code", commune: "w.commune_code", workUnit: "w.id"}
	clanScope     = scopeColumns{province: "c.province_code", commune: "c.commune_code"}
	branchScope   = scopeColumns{province: "b.province_code", commune: "b.commune_code", village: "b.village_id", workUnit: "b.work_unit_id"}
)

// byCommuneThenName orders rows by commune, then by name in Vietnamese order.
func byCommuneThenName[T any](rows []T, key func(T) (string, string)) {
	coll := people.NewCollator()
	slices.SortStableFunc(rows, func(a, b T) int {
		ca, na := key(a)
		cb, nb := key(b)
		if c := cmp.Compare(ca, cb); c != 0 {
			return c
		}
		return coll.CompareString(na, nb)
	})
}

// ---------------------------------------------------------------- work units and staff

// ListWorkUnits returns the work units within the scope with their current staff counts, by
// commune and name.
func (db *DB) ListWorkUnits(ctx context.Context, s auth.Scope) ([]WorkUnitSummary, error) {
	where, args := scopeWhere(s, workUnitScope)
	rows, err := db.r().query(ctx, `SELECT w.id, w.province_code, w.commune_code, w.name, w.kind, w.level,
		(SELECT count(*) FROM work_unit_staff s WHERE s.work_unit_id = w.id AND s.end_on IS NULL)
		FROM work_units w WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list work units: %w", err)
	}
	defer rows.Close()
	var out []WorkUnitSummary
	for rows.Next() {
		var w WorkUnitSummary
		if err := rows.Scan(&w.ID, &w.ProvinceCode, &w.CommuneCode, &w.Name, &w.Kind, &w.Level, &w.Staff); err != nil {
			return nil, fmt.Errorf("store: scan work unit: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byCommuneThenName(out, func(w WorkUnitSummary) (string, string) { return w.CommuneCode, w.Name })
	return out, nil
}

func (tx *Tx) workUnit(ctx context.Context, id int64) (WorkUnit, error) {
	var w WorkUnit
	err := tx.queryRow(ctx, "SELECT id, province_code, commune_code, name, kind, level FROM work_units WHERE id = ?", id).
		Scan(&w.ID, &w.ProvinceCode, &w.CommuneCode, &w.Name, &w.Kind, &w.Level)
	if errors.Is(err, sql.ErrNoRows) {
		return w, fault.ErrNotFound
	}
	if err != nil {
		return w, fmt.Errorf("store: work unit: %w", err)
	}
	return w, nil
}

const staffColumns = `s.id, s.work_unit_id, s.citizen_id, c.full_name, COALESCE(c.national_id, ''), s.position, s.civil_servant, s.start_on, COALESCE(s.end_on, '')`

func scanStaff(sc scanner) (StaffMember, error) {
	var m StaffMember
	var nid string
	err := sc.Scan(&m.ID, &m.WorkUnitID, &m.CitizenID, &m.FullName, &nid, &m.Position, &m.CivilServant, &m.StartOn, &m.EndOn)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fault.ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("store: scan staff: %w", err)
	}
	m.MaskedID = people.MaskNationalID(nid)
	return m, nil
}

// WorkUnitStaff returns a work unit's staff: those employed now first, then past employments,
// each by name in Vietnamese order.
func (db *DB) WorkUnitStaff(ctx context.Context, workUnitID int64) ([]StaffMember, error) {
	rows, err := db.r().query(ctx, "SELECT "+staffColumns+` FROM work_unit_staff s JOIN citizens c ON c.id = s.citizen_id
		WHERE s.work_unit_id = ? ORDER BY CASE WHEN s.end_on IS NULL THEN 0 ELSE 1 END, c.sort_key, s.end_on DESC, s.id`, workUnitID)
	if err != nil {
		return nil, fmt.Errorf("store: work unit staff: %w", err)
	}
	defer rows.Close()
	var out []StaffMember
	for rows.Next() {
		m, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// StaffMember returns one period of employment.
func (db *DB) StaffMember(ctx context.Context, id int64) (StaffMember, error) {
	return scanStaff(db.r().queryRow(ctx, "SELECT "+staffColumns+" FROM work_unit_staff s JOIN citizens c ON c.id = s.citizen_id WHERE s.id = ?", id))
}

// staffChange is what the audit log keeps of a change of employment: ids, never names.
func staffChange(m StaffMember) map[string]any {
	return map[string]any{"staff_id": m.ID, "citizen_id": m.CitizenID, "position": m.Position, "civil_servant": m.CivilServant,
		"start_on": m.StartOn, "end_on": m.EndOn}
}

// AddStaff employs a person in a work unit from today. A person has one employer at a time:
// an employment elsewhere is ended first, and citizens.work_unit_id follows the new employer.
// Someone already employed in this unit is a conflict on the ID field.
func (tx *Tx) AddStaff(ctx context.Context, w WorkUnit, m *StaffMember) error {
	c, err := tx.citizen(ctx, m.CitizenID) // locks the person, so two employers cannot race
	if err != nil {
		return err
	}
	rows, err := tx.query(ctx, `SELECT s.id, s.work_unit_id, w.province_code, w.commune_code FROM work_unit_staff s
		JOIN work_units w ON w.id = s.work_unit_id WHERE s.citizen_id = ? AND s.end_on IS NULL ORDER BY s.id`, c.ID)
	if err != nil {
		return fmt.Errorf("store: current employment: %w", err)
	}
	type open struct {
		id, unit                int64
		province, communeOfUnit string
	}
	var current []open
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.id, &o.unit, &o.province, &o.communeOfUnit); err != nil {
			rows.Close()
			return err
		}
		current = append(current, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, o := range current {
		if o.unit == w.ID {
			return &fault.Error{Kind: fault.Conflict, Key: "work_unit.staff.already", Field: "national_id"}
		}
	}
	today := tx.Today()
	for _, o := range current {
		if _, err := tx.exec(ctx, "UPDATE work_unit_staff SET end_on = ? WHERE id = ?", today, o.id); err != nil {
			return fmt.Errorf("store: end employment: %w", err)
		}
		tx.touchUnit(o.communeOfUnit, o.unit, today)
		if err := tx.record(ctx, Change{Action: "work_unit.staff_end", Entity: "work_unit", EntityID: o.unit,
			Place:  auth.Place{ProvinceCode: o.province, CommuneCode: o.communeOfUnit, WorkUnitID: o.unit},
			Before: map[string]any{"staff_id": o.id, "citizen_id": c.ID}, After: map[string]any{"staff_id": o.id, "citizen_id": c.ID, "end_on": today, "reason": "new_employer"}}); err != nil {
			return err
		}
	}
	m.WorkUnitID, m.FullName, m.MaskedID, m.StartOn, m.EndOn = w.ID, c.FullName, people.MaskNationalID(c.NationalID), today, ""
	id, err := tx.insert(ctx, `INSERT INTO work_unit_staff (province_code, commune_code, work_unit_id, citizen_id, position, civil_servant, start_on)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, w.ProvinceCode, w.CommuneCode, w.ID, c.ID, m.Position, m.CivilServant, today)
	if err != nil {
		return fmt.Errorf("store: add staff: %w", err)
	}
	tx.touchUnit(w.CommuneCode, w.ID, today)
	m.ID = id
	if _, err := tx.exec(ctx, "UPDATE citizens SET work_unit_id = ?, updated_at = ? WHERE id = ?", w.ID, tx.now, c.ID); err != nil {
		return fmt.Errorf("store: set employer: %w", err)
	}
	return tx.record(ctx, Change{Action: "work_unit.staff_add", Entity: "work_unit", EntityID: w.ID, Place: WorkUnitPlace(w),
		Before: map[string]any{"citizen_id": c.ID, "work_unit_id": c.WorkUnitID}, After: staffChange(*m)})
}

// EndStaff ends an employment today; the person then has no employer. Ending one already
// ended changes nothing.
func (tx *Tx) EndStaff(ctx context.Context, staffID int64) (StaffMember, error) {
	m, err := scanStaff(tx.queryRow(ctx, "SELECT "+staffColumns+" FROM work_unit_staff s JOIN citizens c ON c.id = s.citizen_id WHERE s.id = ?"+tx.d.forUpdate(), staffID))
	if err != nil || m.EndOn != "" {
		return m, err
	}
	w, err := tx.workUnit(ctx, m.WorkUnitID)
	if err != nil {
		return m, err
	}
	before := m
	m.EndOn = tx.Today()
	if _, err := tx.exec(ctx, "UPDATE work_unit_staff SET end_on = ? WHERE id = ?", m.EndOn, m.ID); err != nil {
		return m, fmt.Errorf("store: end employment: %w", err)
	}
	tx.touchUnit(w.CommuneCode, w.ID, m.EndOn)
	if _, err := tx.exec(ctx, "UPDATE citizens SET work_unit_id = NULL, updated_at = ? WHERE id = ? AND work_unit_id = ?", tx.now, m.CitizenID, m.WorkUnitID); err != nil {
		return m, fmt.Errorf("store: clear employer: %w", err)
	}
	return m, tx.record(ctx, Change{Action: "work_unit.staff_end", Entity: "work_unit", EntityID: w.ID, Place: WorkUnitPlace(w),
		Before: staffChange(before), After: staffChange(m)})
}

// ---------------------------------------------------------------- clans

const clanColumns = "c.id, c.province_code, c.commune_code, c.name, c.origin, COALESCE(c.representative_id, 0)"

func scanClan(s scanner, extra ...any) (Clan, error) {
	var c Clan
	err := s.Scan(append([]any{&c.ID, &c.ProvinceCode, &c.CommuneCode, &c.Name, &c.Origin, &c.RepresentativeID}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fault.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("store: scan clan: %w", err)
	}
	return c, nil
}

// Clan returns one clan.
func (db *DB) Clan(ctx context.Context, id int64) (Clan, error) {
	return scanClan(db.r().queryRow(ctx, "SELECT "+clanColumns+" FROM clans c WHERE c.id = ?", id))
}

// ListClans returns the clans within the scope with their current household counts, by
// commune and name.
func (db *DB) ListClans(ctx context.Context, s auth.Scope) ([]ClanSummary, error) {
	where, args := scopeWhere(s, clanScope)
	rows, err := db.r().query(ctx, "SELECT "+clanColumns+`,
		(SELECT count(*) FROM clan_households ch WHERE ch.clan_id = c.id AND ch.end_on IS NULL)
		FROM clans c WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list clans: %w", err)
	}
	defer rows.Close()
	var out []ClanSummary
	for rows.Next() {
		var cs ClanSummary
		if cs.Clan, err = scanClan(rows, &cs.Households); err != nil {
			return nil, err
		}
		out = append(out, cs)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byCommuneThenName(out, func(c ClanSummary) (string, string) { return c.CommuneCode, c.Name })
	return out, nil
}

// CreateClan inserts a clan. Two clans of a commune may share a name (many lines of the Nguyễn)
// but not a name and an origin, compared without accents or case.
func (tx *Tx) CreateClan(ctx context.Context, c *Clan) error {
	folded := people.FoldName(c.Name)
	rows, err := tx.query(ctx, "SELECT origin FROM clans WHERE province_code = ? AND commune_code = ? AND name_folded = ?", c.ProvinceCode, c.CommuneCode, folded)
	if err != nil {
		return fmt.Errorf("store: clan name: %w", err)
	}
	same := false
	for rows.Next() {
		var origin string
		if err := rows.Scan(&origin); err != nil {
			rows.Close()
			return fmt.Errorf("store: clan name: %w", err)
		}
		same = same || people.FoldName(origin) == people.FoldName(c.Origin)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: clan name: %w", err)
	}
	if same {
		return &fault.Error{Kind: fault.Conflict, Key: "clan.name.taken", Field: "name", Args: []any{c.Name}}
	}
	id, err := tx.insert(ctx, `INSERT INTO clans (province_code, commune_code, name, name_folded, origin, representative_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ProvinceCode, c.CommuneCode, c.Name, folded, c.Origin, nullInt(c.RepresentativeID), tx.now)
	if err != nil {
		return fmt.Errorf("store: create clan: %w", err)
	}
	tx.touchCommune(c.CommuneCode, tx.Today())
	c.ID = id
	return tx.record(ctx, Change{Action: "clan.create", Entity: "clan", EntityID: id, Place: ClanPlace(*c), After: c})
}

const clanHouseholdColumns = `ch.id, ch.clan_id, ch.household_id, h.code, COALESCE(hc.full_name, ''), h.village_id, ch.start_on, COALESCE(ch.end_on, '')`

func scanClanHousehold(s scanner) (ClanHousehold, error) {
	var m ClanHousehold
	err := s.Scan(&m.ID, &m.ClanID, &m.HouseholdID, &m.Code, &m.HeadName, &m.VillageID, &m.StartOn, &m.EndOn)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fault.ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("store: scan clan household: %w", err)
	}
	return m, nil
}

const clanHouseholdFrom = ` FROM clan_households ch JOIN households h ON h.id = ch.household_id
	LEFT JOIN citizens hc ON hc.id = h.head_citizen_id`

// ClanHouseholds returns a clan's households, current members first, then past ones.
func (db *DB) ClanHouseholds(ctx context.Context, clanID int64) ([]ClanHousehold, error) {
	rows, err := db.r().query(ctx, "SELECT "+clanHouseholdColumns+clanHouseholdFrom+
		" WHERE ch.clan_id = ? ORDER BY CASE WHEN ch.end_on IS NULL THEN 0 ELSE 1 END, h.village_id, h.code, ch.id", clanID)
	if err != nil {
		return nil, fmt.Errorf("store: clan households: %w", err)
	}
	defer rows.Close()
	var out []ClanHousehold
	for rows.Next() {
		m, err := scanClanHousehold(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ClanHousehold returns one period of a household's membership of a clan.
func (db *DB) ClanHousehold(ctx context.Context, id int64) (ClanHousehold, error) {
	return scanClanHousehold(db.r().queryRow(ctx, "SELECT "+clanHouseholdColumns+clanHouseholdFrom+" WHERE ch.id = ?", id))
}

// FindHousehold finds a household of a commune by its household number (households.code) or,
// when no household has that number, by its id.
func (db *DB) FindHousehold(ctx context.Context, communeCode, key string) (Household, error) {
	if key == "" { // many households have no number: an empty key finds none of them
		return Household{}, fault.ErrNotFound
	}
	h, err := scanHousehold(db.r().queryRow(ctx, "SELECT "+householdColumns+" FROM households h WHERE h.commune_code = ? AND h.code = ? ORDER BY h.id LIMIT 1", communeCode, key))
	if !errors.Is(err, fault.ErrNotFound) {
		return h, err
	}
	id, perr := strconv.ParseInt(key, 10, 64)
	if perr != nil || id <= 0 {
		return h, fault.ErrNotFound
	}
	return scanHousehold(db.r().queryRow(ctx, "SELECT "+householdColumns+" FROM households h WHERE h.commune_code = ? AND h.id = ?", communeCode, id))
}

// AddClanHousehold makes a household of the clan's commune a member of the clan from today. A
// household belongs to one clan at a time: a current membership here or elsewhere is a
// conflict on the household field.
func (tx *Tx) AddClanHousehold(ctx context.Context, c Clan, householdID int64) (ClanHousehold, error) {
	h, err := scanHousehold(tx.queryRow(ctx, "SELECT "+householdColumns+" FROM households h WHERE h.id = ?"+tx.d.forUpdate(), householdID))
	if err != nil {
		return ClanHousehold{}, err
	}
	if h.ProvinceCode != c.ProvinceCode || h.CommuneCode != c.CommuneCode {
		return ClanHousehold{}, fault.Field("household", "clan.household.other_commune")
	}
	var otherID int64
	var otherName string
	err = tx.queryRow(ctx, `SELECT c.id, c.name FROM clan_households ch JOIN clans c ON c.id = ch.clan_id
		WHERE ch.household_id = ? AND ch.end_on IS NULL ORDER BY ch.id LIMIT 1`, householdID).Scan(&otherID, &otherName)
	switch {
	case err == nil && otherID == c.ID:
		return ClanHousehold{}, &fault.Error{Kind: fault.Conflict, Key: "clan.household.already", Field: "household"}
	case err == nil:
		return ClanHousehold{}, &fault.Error{Kind: fault.Conflict, Key: "clan.household.other_clan", Field: "household", Args: []any{otherName}}
	case !errors.Is(err, sql.ErrNoRows):
		return ClanHousehold{}, fmt.Errorf("store: clan of household: %w", err)
	}
	m := ClanHousehold{ClanID: c.ID, HouseholdID: h.ID, Code: h.Code, VillageID: h.VillageID, StartOn: tx.Today()}
	if m.ID, err = tx.insert(ctx, "INSERT INTO clan_households (province_code, commune_code, clan_id, household_id, start_on) VALUES (?, ?, ?, ?, ?)",
		c.ProvinceCode, c.CommuneCode, c.ID, h.ID, m.StartOn); err != nil {
		return m, fmt.Errorf("store: add clan household: %w", err)
	}
	return m, tx.record(ctx, Change{Action: "clan.household_add", Entity: "clan", EntityID: c.ID, Place: ClanPlace(c),
		After: map[string]any{"membership_id": m.ID, "household_id": h.ID, "start_on": m.StartOn}})
}

// EndClanHousehold ends a household's membership of a clan today, keeping the row. Ending one
// already ended changes nothing.
func (tx *Tx) EndClanHousehold(ctx context.Context, membershipID int64) (ClanHousehold, error) {
	// Lock the row alone: PostgreSQL refuses FOR UPDATE on the outer join that reads the head.
	var locked int64
	if err := tx.queryRow(ctx, "SELECT id FROM clan_households WHERE id = ?"+tx.d.forUpdate(), membershipID).Scan(&locked); errors.Is(err, sql.ErrNoRows) {
		return ClanHousehold{}, fault.ErrNotFound
	} else if err != nil {
		return ClanHousehold{}, fmt.Errorf("store: clan household: %w", err)
	}
	m, err := scanClanHousehold(tx.queryRow(ctx, "SELECT "+clanHouseholdColumns+clanHouseholdFrom+" WHERE ch.id = ?", membershipID))
	if err != nil || m.EndOn != "" {
		return m, err
	}
	c, err := scanClan(tx.queryRow(ctx, "SELECT "+clanColumns+" FROM clans c WHERE c.id = ?", m.ClanID))
	if err != nil {
		return m, err
	}
	m.EndOn = tx.Today()
	if _, err := tx.exec(ctx, "UPDATE clan_households SET end_on = ? WHERE id = ?", m.EndOn, m.ID); err != nil {
		return m, fmt.Errorf("store: end clan household: %w", err)
	}
	return m, tx.record(ctx, Change{Action: "clan.household_end", Entity: "clan", EntityID: c.ID, Place: ClanPlace(c),
		Before: map[string]any{"membership_id": m.ID, "household_id": m.HouseholdID, "start_on": m.StartOn},
		After:  map[string]any{"membership_id": m.ID, "household_id": m.HouseholdID, "start_on": m.StartOn, "end_on": m.EndOn}})
}

// ---------------------------------------------------------------- association branches

const branchColumns = "b.id, b.province_code, b.commune_code, b.name, COALESCE(b.village_id, 0), COALESCE(b.work_unit_id, 0)"

func scanBranch(s scanner, extra ...any) (Branch, error) {
	var b Branch
	err := s.Scan(append([]any{&b.ID, &b.ProvinceCode, &b.CommuneCode, &b.Name, &b.VillageID, &b.WorkUnitID}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return b, fault.ErrNotFound
	}
	if err != nil {
		return b, fmt.Errorf("store: scan branch: %w", err)
	}
	return b, nil
}

// Branch returns one association branch.
func (db *DB) Branch(ctx context.Context, id int64) (Branch, error) {
	return scanBranch(db.r().queryRow(ctx, "SELECT "+branchColumns+" FROM branches b WHERE b.id = ?", id))
}

// ListBranches returns the branches within the scope (by commune, or by the village or work
// unit they belong to) with their member, official and trained-official counts.
func (db *DB) ListBranches(ctx context.Context, s auth.Scope) ([]BranchSummary, error) {
	where, args := scopeWhere(s, branchScope)
	rows, err := db.r().query(ctx, "SELECT "+branchColumns+`,
		(SELECT count(*) FROM branch_members m WHERE m.branch_id = b.id AND m.end_on IS NULL),
		(SELECT count(*) FROM branch_members m WHERE m.branch_id = b.id AND m.end_on IS NULL AND m.is_official = TRUE),
		(SELECT count(*) FROM branch_members m WHERE m.branch_id = b.id AND m.end_on IS NULL AND m.is_official = TRUE
			AND EXISTS (SELECT 1 FROM trainings t WHERE t.citizen_id = m.citizen_id))
		FROM branches b WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list branches: %w", err)
	}
	defer rows.Close()
	var out []BranchSummary
	for rows.Next() {
		var bs BranchSummary
		if bs.Branch, err = scanBranch(rows, &bs.Members, &bs.Officials, &bs.TrainedOfficials); err != nil {
			return nil, err
		}
		out = append(out, bs)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byCommuneThenName(out, func(b BranchSummary) (string, string) { return b.CommuneCode, b.Name })
	return out, nil
}

// CreateBranch inserts a branch. A village or a work unit has one branch: a second is a
// conflict on the village or work unit field.
func (tx *Tx) CreateBranch(ctx context.Context, b *Branch) error {
	field, col, ref := "village", "village_id", b.VillageID
	if b.WorkUnitID != 0 {
		field, col, ref = "work_unit", "work_unit_id", b.WorkUnitID
	}
	var taken int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM branches WHERE "+col+" = ?", ref).Scan(&taken); err != nil {
		return fmt.Errorf("store: branch of %s: %w", field, err)
	}
	if taken > 0 {
		return &fault.Error{Kind: fault.Conflict, Key: "branch." + field + ".taken", Field: field}
	}
	id, err := tx.insert(ctx, "INSERT INTO branches (province_code, commune_code, name, village_id, work_unit_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		b.ProvinceCode, b.CommuneCode, b.Name, nullInt(b.VillageID), nullInt(b.WorkUnitID), tx.now)
	if err != nil {
		return fmt.Errorf("store: create branch: %w", err)
	}
	b.ID = id
	return tx.record(ctx, Change{Action: "branch.create", Entity: "branch", EntityID: id, Place: BranchPlace(*b), After: b})
}

const memberColumns = `m.id, m.branch_id, m.citizen_id, c.full_name, COALESCE(c.national_id, ''), m.is_official, m.position, m.start_on, COALESCE(m.end_on, '')`

func scanMember(s scanner) (BranchMember, error) {
	var m BranchMember
	var nid string
	err := s.Scan(&m.ID, &m.BranchID, &m.CitizenID, &m.FullName, &nid, &m.IsOfficial, &m.Position, &m.StartOn, &m.EndOn)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fault.ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("store: scan branch member: %w", err)
	}
	m.MaskedID = people.MaskNationalID(nid)
	return m, nil
}

// BranchMembers returns a branch's members with their trainings: current officials first, then
// current members, then past memberships, each by name in Vietnamese order.
func (db *DB) BranchMembers(ctx context.Context, branchID int64) ([]BranchMember, error) {
	rows, err := db.r().query(ctx, "SELECT "+memberColumns+` FROM branch_members m JOIN citizens c ON c.id = m.citizen_id WHERE m.branch_id = ?
		ORDER BY CASE WHEN m.end_on IS NULL THEN 0 ELSE 1 END, CASE WHEN m.is_official = TRUE THEN 0 ELSE 1 END, c.sort_key, m.id`, branchID)
	if err != nil {
		return nil, fmt.Errorf("store: branch members: %w", err)
	}
	var out []BranchMember
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.r().query(ctx, `SELECT t.id, t.citizen_id, t.trained_on, t.course, t.trainer FROM trainings t
		WHERE t.citizen_id IN (SELECT m.citizen_id FROM branch_members m WHERE m.branch_id = ?) ORDER BY t.trained_on DESC, t.id DESC`, branchID)
	if err != nil {
		return nil, fmt.Errorf("store: trainings: %w", err)
	}
	defer rows.Close()
	byCitizen := map[int64][]Training{}
	for rows.Next() {
		var t Training
		if err := rows.Scan(&t.ID, &t.CitizenID, &t.TrainedOn, &t.Course, &t.Trainer); err != nil {
			return nil, fmt.Errorf("store: scan training: %w", err)
		}
		byCitizen[t.CitizenID] = append(byCitizen[t.CitizenID], t)
	}
	for i := range out {
		out[i].Trainings = byCitizen[out[i].CitizenID]
	}
	return out, rows.Err()
}

// BranchMember returns one period of membership, without trainings.
func (db *DB) BranchMember(ctx context.Context, id int64) (BranchMember, error) {
	return scanMember(db.r().queryRow(ctx, "SELECT "+memberColumns+" FROM branch_members m JOIN citizens c ON c.id = m.citizen_id WHERE m.id = ?", id))
}

// memberChange is what the audit log keeps of a membership: ids, never names.
func memberChange(m BranchMember) map[string]any {
	return map[string]any{"member_id": m.ID, "citizen_id": m.CitizenID, "official": m.IsOfficial, "position": m.Position,
		"start_on": m.StartOn, "end_on": m.EndOn}
}

// AddBranchMember makes a person a member or an official of a branch from today. A person
// already a current member of the branch is a conflict on the ID field: end that membership
// first to change the role.
func (tx *Tx) AddBranchMember(ctx context.Context, b Branch, m *BranchMember) error {
	c, err := tx.citizen(ctx, m.CitizenID)
	if err != nil {
		return err
	}
	var current int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM branch_members WHERE branch_id = ? AND citizen_id = ? AND end_on IS NULL", b.ID, c.ID).Scan(&current); err != nil {
		return fmt.Errorf("store: branch membership: %w", err)
	}
	if current > 0 {
		return &fault.Error{Kind: fault.Conflict, Key: "branch.member.already", Field: "national_id"}
	}
	m.BranchID, m.FullName, m.MaskedID, m.StartOn, m.EndOn = b.ID, c.FullName, people.MaskNationalID(c.NationalID), tx.Today(), ""
	if m.ID, err = tx.insert(ctx, `INSERT INTO branch_members (province_code, commune_code, branch_id, citizen_id, is_official, position, start_on)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, b.ProvinceCode, b.CommuneCode, b.ID, c.ID, m.IsOfficial, m.Position, m.StartOn); err != nil {
		return fmt.Errorf("store: add branch member: %w", err)
	}
	tx.touchCommune(b.CommuneCode, m.StartOn)
	return tx.record(ctx, Change{Action: "branch.member_add", Entity: "branch", EntityID: b.ID, Place: BranchPlace(b), After: memberChange(*m)})
}

// EndBranchMember ends a membership today, keeping the row and the person's trainings. Ending
// one already ended changes nothing.
func (tx *Tx) EndBranchMember(ctx context.Context, memberID int64) (BranchMember, error) {
	m, err := scanMember(tx.queryRow(ctx, "SELECT "+memberColumns+" FROM branch_members m JOIN citizens c ON c.id = m.citizen_id WHERE m.id = ?"+tx.d.forUpdate(), memberID))
	if err != nil || m.EndOn != "" {
		return m, err
	}
	b, err := scanBranch(tx.queryRow(ctx, "SELECT "+branchColumns+" FROM branches b WHERE b.id = ?", m.BranchID))
	if err != nil {
		return m, err
	}
	before := m
	m.EndOn = tx.Today()
	if _, err := tx.exec(ctx, "UPDATE branch_members SET end_on = ? WHERE id = ?", m.EndOn, m.ID); err != nil {
		return m, fmt.Errorf("store: end branch member: %w", err)
	}
	tx.touchCommune(b.CommuneCode, m.EndOn)
	return m, tx.record(ctx, Change{Action: "branch.member_end", Entity: "branch", EntityID: b.ID, Place: BranchPlace(b),
		Before: memberChange(before), After: memberChange(m)})
}

// RecordTraining records a training on the criteria of one of a branch's current officials;
// anyone else is an error on the official field.
func (tx *Tx) RecordTraining(ctx context.Context, b Branch, t *Training) error {
	var officials int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM branch_members WHERE branch_id = ? AND citizen_id = ? AND is_official = TRUE AND end_on IS NULL",
		b.ID, t.CitizenID).Scan(&officials); err != nil {
		return fmt.Errorf("store: official: %w", err)
	}
	if officials == 0 {
		return fault.Field("official", "training.official.required")
	}
	id, err := tx.insert(ctx, "INSERT INTO trainings (province_code, commune_code, citizen_id, trained_on, course, trainer) VALUES (?, ?, ?, ?, ?, ?)",
		b.ProvinceCode, b.CommuneCode, t.CitizenID, t.TrainedOn, t.Course, t.Trainer)
	if err != nil {
		return fmt.Errorf("store: record training: %w", err)
	}
	if err := tx.touchPerson(ctx, t.CitizenID, t.TrainedOn); err != nil {
		return err
	}
	t.ID = id
	return tx.record(ctx, Change{Action: "training.record", Entity: "training", EntityID: id, Place: BranchPlace(b),
		After: map[string]any{"branch_id": b.ID, "citizen_id": t.CitizenID, "trained_on": t.TrainedOn, "course": t.Course, "trainer": t.Trainer}})
}
