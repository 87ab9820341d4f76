package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hoctap/internal/fault"
)

// Share is a computed item's figure: of the members (the denominator), those that count (the
// numerator), with their ids so the form can show who is behind the figure.
type Share struct {
	Members []int64 // the denominator's people, households or villages
	Counted []int64 // those of them that count
}

// recognisedIn is the condition that the subject (kind, id column) holds a recognition of title
// valid in the year bound twice after it: recognised in a cycle up to that year and valid until
// at least it.
func recognisedIn(kind, idColumn string) string {
	return `EXISTS (SELECT 1 FROM assessments r JOIN cycles ry ON ry.id = r.cycle_id WHERE r.subject_kind = '` + kind + `'
		AND r.subject_id = ` + idColumn + ` AND ry.title = ? AND r.state = 'recognised' AND ry.year <= ? AND r.valid_until >= ?)`
}

// memberAge is the condition that a person's age at 31 December of the year (DESIGN §5) lies
// within [min, max] (max 0 = no bound); it takes the year and the bounds as arguments.
func memberAge(max int) string {
	if max == 0 {
		return "(? - c.birth_year) >= ?"
	}
	return "(? - c.birth_year) >= ? AND (? - c.birth_year) <= ?"
}

func ageArgs(year, min, max int) []any {
	if max == 0 {
		return []any{year, min}
	}
	return []any{year, min, year, max}
}

// HouseholdMembersOn returns the people belonging to a household on day (yyyy-mm-dd), aged
// within [ageMin, ageMax] at the end of year, and which of them hold the Learning Citizen title
// that year. A person counts in the household they belong to on day; one who belongs to two
// households that day is an error naming them, so that nobody is counted twice.
func (db *DB) HouseholdMembersOn(ctx context.Context, householdID int64, day string, year, ageMin, ageMax int, pupilsOnly bool) (Share, error) {
	var sh Share
	args := []any{"learning_citizen", year, year, householdID, day, day}
	q := `SELECT c.id, c.full_name, ` + recognisedIn("citizen", "c.id") + `, c.target_group = 'student'
		FROM household_memberships m JOIN citizens c ON c.id = m.citizen_id
		WHERE m.household_id = ? AND m.start_on <= ? AND (m.end_on IS NULL OR m.end_on > ?) AND c.erased_at IS NULL AND ` + memberAge(ageMax) + ` ORDER BY c.id`
	args = append(args, ageArgs(year, ageMin, ageMax)...)
	rows, err := db.r().query(ctx, q, args...)
	if err != nil {
		return sh, fmt.Errorf("store: household members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		var recognised, pupil bool
		if err := rows.Scan(&id, &name, &recognised, &pupil); err != nil {
			return sh, err
		}
		sh.Members = append(sh.Members, id)
		if (!pupilsOnly && recognised) || (pupilsOnly && pupil) {
			sh.Counted = append(sh.Counted, id)
		}
	}
	if err := rows.Err(); err != nil {
		return sh, err
	}
	return sh, db.checkSingleHousehold(ctx, sh.Members, day)
}

// checkSingleHousehold refuses members who belong to two households on day.
func (db *DB) checkSingleHousehold(ctx context.Context, members []int64, day string) error {
	if len(members) == 0 {
		return nil
	}
	in, args := inList(members)
	var name string
	err := db.r().queryRow(ctx, `SELECT c.full_name FROM household_memberships m JOIN citizens c ON c.id = m.citizen_id
		WHERE m.citizen_id IN `+in+` AND m.start_on <= ? AND (m.end_on IS NULL OR m.end_on > ?)
		GROUP BY c.id, c.full_name HAVING count(*) > 1 LIMIT 1`, append(args, day, day)...).Scan(&name)
	switch {
	case err == nil:
		return fault.New(fault.Conflict, "computed.two_households", name, day)
	case errors.Is(err, sql.ErrNoRows):
		return nil
	}
	return fmt.Errorf("store: household overlap: %w", err)
}

// ClanHouseholdsOn returns a clan's households on day and which hold the Learning Family title
// in year.
func (db *DB) ClanHouseholdsOn(ctx context.Context, clanID int64, day string, year int) (Share, error) {
	return db.share(ctx, `SELECT h.id, `+recognisedIn("household", "h.id")+` FROM clan_households ch JOIN households h ON h.id = ch.household_id
		WHERE ch.clan_id = ? AND ch.start_on <= ? AND (ch.end_on IS NULL OR ch.end_on > ?) ORDER BY h.id`,
		"learning_family", year, year, clanID, day, day)
}

// VillageHouseholds returns a village's households and which hold the Learning Family title in year.
func (db *DB) VillageHouseholds(ctx context.Context, villageID int64, year int) (Share, error) {
	return db.share(ctx, `SELECT h.id, `+recognisedIn("household", "h.id")+` FROM households h WHERE h.village_id = ? ORDER BY h.id`,
		"learning_family", year, year, villageID)
}

// UnitStaffOn returns a work unit's staff on day and which hold the Learning Citizen title in year.
func (db *DB) UnitStaffOn(ctx context.Context, unitID int64, day string, year int) (Share, error) {
	return db.share(ctx, `SELECT c.id, `+recognisedIn("citizen", "c.id")+` FROM work_unit_staff s JOIN citizens c ON c.id = s.citizen_id
		WHERE s.work_unit_id = ? AND s.start_on <= ? AND (s.end_on IS NULL OR s.end_on > ?) AND c.erased_at IS NULL ORDER BY c.id`,
		"learning_citizen", year, year, unitID, day, day)
}

// CommuneVillages returns a commune's villages in use on day and which hold the Learning
// Community title in year.
func (db *DB) CommuneVillages(ctx context.Context, communeCode, day string, year int) (Share, error) {
	return db.share(ctx, `SELECT v.id, `+recognisedIn("village", "v.id")+` FROM villages v
		WHERE v.commune_code = ? AND (v.retired_on IS NULL OR v.retired_on > ?) ORDER BY v.id`,
		"learning_community", year, year, communeCode, day)
}

// CommuneAdults returns the people registered in a commune aged within the bounds at the end
// of year, and which hold the Learning Citizen title in year.
func (db *DB) CommuneAdults(ctx context.Context, communeCode string, year, ageMin, ageMax int) (Share, error) {
	args := append([]any{"learning_citizen", year, year, communeCode}, ageArgs(year, ageMin, ageMax)...)
	return db.share(ctx, `SELECT c.id, `+recognisedIn("citizen", "c.id")+` FROM citizens c
		WHERE c.commune_code = ? AND c.erased_at IS NULL AND `+memberAge(ageMax)+` ORDER BY c.id`, args...)
}

func (db *DB) share(ctx context.Context, q string, args ...any) (Share, error) {
	var sh Share
	rows, err := db.r().query(ctx, q, args...)
	if err != nil {
		return sh, fmt.Errorf("store: computed share: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var counted bool
		if err := rows.Scan(&id, &counted); err != nil {
			return sh, err
		}
		sh.Members = append(sh.Members, id)
		if counted {
			sh.Counted = append(sh.Counted, id)
		}
	}
	return sh, rows.Err()
}

// MemberNames returns the names behind a computed figure, at most limit of them, in the order
// of ids: people's names, households as "Hộ" and their head's name, or villages' names.
func (db *DB) MemberNames(ctx context.Context, kind string, ids []int64, limit int) ([]string, error) {
	if len(ids) > limit {
		ids = ids[:limit]
	}
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids)
	var q string
	switch kind {
	case "citizen":
		q = "SELECT id, full_name FROM citizens WHERE id IN " + in
	case "household":
		q = `SELECT h.id, 'Hộ ' || COALESCE(c.full_name, h.code) FROM households h LEFT JOIN citizens c ON c.id = h.head_citizen_id WHERE h.id IN ` + in
	case "village":
		q = "SELECT id, name FROM villages WHERE id IN " + in
	default:
		return nil, nil
	}
	rows, err := db.r().query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: member names: %w", err)
	}
	defer rows.Close()
	byID := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		byID[id] = name
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, byID[id])
	}
	return out, rows.Err()
}
