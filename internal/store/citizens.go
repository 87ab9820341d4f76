package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
)

// CitizenPlace locates a citizen for access checks.
func CitizenPlace(c people.Citizen) auth.Place {
	return auth.Place{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, VillageID: c.VillageID, WorkUnitID: c.WorkUnitID, CitizenID: c.ID}
}

// citizenScope are the columns that place a citizen row.
var citizenScope = scopeColumns{province: "c.province_code", commune: "c.commune_code", village: "c.village_id", workUnit: "c.work_unit_id", citizen: "c.id"}

const citizenColumns = `c.id, c.province_code, c.commune_code, COALESCE(c.village_id, 0), COALESCE(c.household_id, 0), c.relation,
	COALESCE(c.national_id, ''), c.legacy_id, c.full_name, COALESCE(c.birth_date, ''), c.birth_year, c.gender, c.phone, c.email,
	c.target_group, COALESCE(c.work_unit_id, 0), c.ethnicity`

func scanCitizen(s scanner) (people.Citizen, error) {
	var c people.Citizen
	var g, rel, group string
	err := s.Scan(&c.ID, &c.ProvinceCode, &c.CommuneCode, &c.VillageID, &c.HouseholdID, &rel, &c.NationalID, &c.LegacyID, &c.FullName,
		&c.BirthDate, &c.BirthYear, &g, &c.Phone, &c.Email, &group, &c.WorkUnitID, &c.Ethnicity)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fault.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("store: scan citizen: %w", err)
	}
	c.Gender, c.Relation, c.TargetGroup = people.Gender(g), people.Relation(rel), people.TargetGroup(group)
	return c, nil
}

// Citizen returns one person.
func (db *DB) Citizen(ctx context.Context, id int64) (people.Citizen, error) {
	return scanCitizen(db.r().queryRow(ctx, "SELECT "+citizenColumns+" FROM citizens c WHERE c.id = ? AND c.erased_at IS NULL", id))
}

func (tx *Tx) citizen(ctx context.Context, id int64) (people.Citizen, error) {
	return scanCitizen(tx.queryRow(ctx, "SELECT "+citizenColumns+" FROM citizens c WHERE c.id = ? AND c.erased_at IS NULL"+tx.d.forUpdate(), id))
}

// CitizenByNationalID finds a person by their 12-digit ID, wherever they are registered.
func (db *DB) CitizenByNationalID(ctx context.Context, nationalID string) (people.Citizen, error) {
	return scanCitizen(db.r().queryRow(ctx, "SELECT "+citizenColumns+" FROM citizens c WHERE c.national_id = ?", nationalID))
}

// CitizenByNationalID in a transaction, for imports keyed by ID.
func (tx *Tx) CitizenByNationalID(ctx context.Context, nationalID string) (people.Citizen, error) {
	return scanCitizen(tx.queryRow(ctx, "SELECT "+citizenColumns+" FROM citizens c WHERE c.national_id = ?", nationalID))
}

// CreateCitizen inserts a person with their residence and household membership from today; a
// personal ID already registered is a conflict on the ID field.
func (tx *Tx) CreateCitizen(ctx context.Context, c *people.Citizen) error {
	c.Normalize()
	id, err := tx.insert(ctx, `INSERT INTO citizens (province_code, commune_code, village_id, household_id, relation, national_id, legacy_id,
		full_name, name_folded, birth_date, birth_year, gender, phone, email, target_group, work_unit_id, ethnicity,
		national_id_rev, phone_rev, sort_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ProvinceCode, c.CommuneCode, nullInt(c.VillageID), nullInt(c.HouseholdID), string(c.Relation), nullStr(c.NationalID), c.LegacyID,
		c.FullName, people.FoldName(c.FullName), nullStr(c.BirthDate), c.BirthYear, string(c.Gender), c.Phone, c.Email, string(c.TargetGroup),
		nullInt(c.WorkUnitID), c.Ethnicity, people.Reverse(c.NationalID), people.Reverse(c.Phone), people.SortKey(c.FullName), tx.now, tx.now)
	if isUniqueViolation(err) {
		return &fault.Error{Kind: fault.Conflict, Key: "citizen.national_id.taken", Field: "national_id"}
	}
	if err != nil {
		return fmt.Errorf("store: create citizen: %w", err)
	}
	c.ID = id
	if err := tx.setNameTokens(ctx, *c); err != nil {
		return err
	}
	today := tx.Today()
	if c.VillageID != 0 {
		if _, err := tx.exec(ctx, "INSERT INTO residences (province_code, commune_code, citizen_id, village_id, start_on) VALUES (?, ?, ?, ?, ?)",
			c.ProvinceCode, c.CommuneCode, id, c.VillageID, today); err != nil {
			return fmt.Errorf("store: residence: %w", err)
		}
		tx.touchVillage(c.CommuneCode, c.VillageID, today)
	}
	if c.HouseholdID != 0 {
		if err := tx.startMembership(ctx, *c, c.HouseholdID, c.Relation); err != nil {
			return err
		}
	}
	if c.WorkUnitID != 0 {
		if _, err := tx.exec(ctx, "INSERT INTO work_unit_staff (province_code, commune_code, work_unit_id, citizen_id, start_on) VALUES (?, ?, ?, ?, ?)",
			c.ProvinceCode, c.CommuneCode, c.WorkUnitID, id, today); err != nil {
			return fmt.Errorf("store: staff: %w", err)
		}
		if err := tx.touchUnitOf(ctx, c.WorkUnitID, today); err != nil {
			return err
		}
	}
	return tx.record(ctx, Change{Action: "citizen.create", Entity: "citizen", EntityID: id, Place: CitizenPlace(*c), After: c})
}

// Today is the transaction's civil date in Vietnam, for start and end dates of memberships.
func (tx *Tx) Today() string { return tx.now.Add(7 * 60 * 60 * 1e9).Format("2006-01-02") }

func (tx *Tx) startMembership(ctx context.Context, c people.Citizen, householdID int64, rel people.Relation) error {
	if _, err := tx.exec(ctx, `INSERT INTO household_memberships (province_code, commune_code, household_id, citizen_id, relation, start_on)
		VALUES (?, ?, ?, ?, ?, ?)`, c.ProvinceCode, c.CommuneCode, householdID, c.ID, string(rel), tx.Today()); err != nil {
		return fmt.Errorf("store: household membership: %w", err)
	}
	if rel == people.RelationHead {
		if _, err := tx.exec(ctx, "UPDATE households SET head_citizen_id = ? WHERE id = ?", c.ID, householdID); err != nil {
			return fmt.Errorf("store: household head: %w", err)
		}
	}
	return nil
}

// UpdateCitizen saves changed personal fields; moves between villages, households and
// communes go through their own methods so that history is kept.
func (tx *Tx) UpdateCitizen(ctx context.Context, c people.Citizen) error {
	before, err := tx.citizen(ctx, c.ID)
	if err != nil {
		return err
	}
	c.Normalize()
	_, err = tx.exec(ctx, `UPDATE citizens SET national_id = ?, legacy_id = ?, full_name = ?, name_folded = ?, birth_date = ?, birth_year = ?,
		gender = ?, phone = ?, email = ?, target_group = ?, ethnicity = ?, national_id_rev = ?, phone_rev = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		nullStr(c.NationalID), c.LegacyID, c.FullName, people.FoldName(c.FullName), nullStr(c.BirthDate), c.BirthYear, string(c.Gender),
		c.Phone, c.Email, string(c.TargetGroup), c.Ethnicity, people.Reverse(c.NationalID), people.Reverse(c.Phone), people.SortKey(c.FullName), tx.now, c.ID)
	if isUniqueViolation(err) {
		return &fault.Error{Kind: fault.Conflict, Key: "citizen.national_id.taken", Field: "national_id"}
	}
	if err != nil {
		return fmt.Errorf("store: update citizen: %w", err)
	}
	if c.BirthYear != before.BirthYear {
		if err := tx.touchPerson(ctx, c.ID, ""); err != nil { // who is an adult changes in every year
			return err
		}
	}
	c.ProvinceCode, c.CommuneCode = before.ProvinceCode, before.CommuneCode
	if err := tx.setNameTokens(ctx, c); err != nil {
		return err
	}
	after := before
	after.NationalID, after.LegacyID, after.FullName, after.BirthDate, after.BirthYear = c.NationalID, c.LegacyID, c.FullName, c.BirthDate, c.BirthYear
	after.Gender, after.Phone, after.Email, after.TargetGroup, after.Ethnicity = c.Gender, c.Phone, c.Email, c.TargetGroup, c.Ethnicity
	return tx.record(ctx, Change{Action: "citizen.update", Entity: "citizen", EntityID: c.ID, Place: CitizenPlace(after), Before: before, After: after})
}

// SetHousehold ends a citizen's current household membership and starts one in another
// household (0: none), keeping the history.
func (tx *Tx) SetHousehold(ctx context.Context, citizenID, householdID int64, rel people.Relation) error {
	c, err := tx.citizen(ctx, citizenID)
	if err != nil {
		return err
	}
	if c.HouseholdID == householdID && c.Relation == rel {
		return nil
	}
	today := tx.Today()
	if _, err := tx.exec(ctx, "UPDATE household_memberships SET end_on = ? WHERE citizen_id = ? AND end_on IS NULL", today, citizenID); err != nil {
		return fmt.Errorf("store: end membership: %w", err)
	}
	if c.Relation == people.RelationHead && c.HouseholdID != 0 {
		if _, err := tx.exec(ctx, "UPDATE households SET head_citizen_id = NULL WHERE id = ? AND head_citizen_id = ?", c.HouseholdID, citizenID); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, "UPDATE citizens SET household_id = ?, relation = ?, updated_at = ? WHERE id = ?", nullInt(householdID), string(rel), tx.now, citizenID); err != nil {
		return fmt.Errorf("store: set household: %w", err)
	}
	after := c
	after.HouseholdID, after.Relation = householdID, rel
	if householdID != 0 {
		if err := tx.startMembership(ctx, after, householdID, rel); err != nil {
			return err
		}
	}
	return tx.record(ctx, Change{Action: "citizen.household", Entity: "citizen", EntityID: citizenID, Place: CitizenPlace(after),
		Before: map[string]any{"household_id": c.HouseholdID, "relation": c.Relation}, After: map[string]any{"household_id": householdID, "relation": rel}})
}

// MoveCitizen changes a citizen's residence (village, and commune for a transfer), closing the
// previous residence.
func (tx *Tx) MoveCitizen(ctx context.Context, citizenID int64, provinceCode, communeCode string, villageID int64) error {
	c, err := tx.citizen(ctx, citizenID)
	if err != nil {
		return err
	}
	today := tx.Today()
	if err := tx.touchPerson(ctx, citizenID, today); err != nil { // the village left
		return err
	}
	if _, err := tx.exec(ctx, "UPDATE residences SET end_on = ? WHERE citizen_id = ? AND end_on IS NULL", today, citizenID); err != nil {
		return fmt.Errorf("store: end residence: %w", err)
	}
	tx.touchVillage(communeCode, villageID, today) // the village joined
	if _, err := tx.exec(ctx, "INSERT INTO residences (province_code, commune_code, citizen_id, village_id, start_on) VALUES (?, ?, ?, ?, ?)",
		provinceCode, communeCode, citizenID, nullInt(villageID), today); err != nil {
		return fmt.Errorf("store: residence: %w", err)
	}
	if _, err := tx.exec(ctx, "UPDATE citizens SET province_code = ?, commune_code = ?, village_id = ?, updated_at = ? WHERE id = ?",
		provinceCode, communeCode, nullInt(villageID), tx.now, citizenID); err != nil {
		return fmt.Errorf("store: move citizen: %w", err)
	}
	if c.CommuneCode != communeCode {
		if _, err := tx.exec(ctx, "UPDATE citizen_name_tokens SET province_code = ?, commune_code = ? WHERE citizen_id = ?", provinceCode, communeCode, citizenID); err != nil {
			return fmt.Errorf("store: move name tokens: %w", err)
		}
	}
	after := c
	after.ProvinceCode, after.CommuneCode, after.VillageID = provinceCode, communeCode, villageID
	return tx.record(ctx, Change{Action: "citizen.move", Entity: "citizen", EntityID: citizenID, Place: CitizenPlace(after),
		Before: map[string]any{"commune_code": c.CommuneCode, "village_id": c.VillageID}, After: map[string]any{"commune_code": communeCode, "village_id": villageID}})
}

// RecordTransfer notes that the receiving commune took a citizen over from another commune.
func (tx *Tx) RecordTransfer(ctx context.Context, c people.Citizen, fromCommune string, by int64, reason string) error {
	_, err := tx.exec(ctx, `INSERT INTO transfers (province_code, commune_code, citizen_id, from_commune_code, performed_by, performed_at, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ProvinceCode, c.CommuneCode, c.ID, fromCommune, nullInt(by), tx.now, reason)
	if err != nil {
		return fmt.Errorf("store: transfer: %w", err)
	}
	return tx.record(ctx, Change{Action: "citizen.transfer", Entity: "citizen", EntityID: c.ID, Place: CitizenPlace(c),
		Before: map[string]string{"commune_code": fromCommune}, After: map[string]string{"commune_code": c.CommuneCode, "reason": reason}})
}

// setNameTokens replaces the words of a person's folded name used by the search.
func (tx *Tx) setNameTokens(ctx context.Context, c people.Citizen) error {
	if _, err := tx.exec(ctx, "DELETE FROM citizen_name_tokens WHERE citizen_id = ?", c.ID); err != nil {
		return fmt.Errorf("store: name tokens: %w", err)
	}
	seen := map[string]bool{}
	for _, w := range strings.Fields(people.FoldName(c.FullName)) {
		if seen[w] {
			continue
		}
		seen[w] = true
		if _, err := tx.exec(ctx, "INSERT INTO citizen_name_tokens (province_code, commune_code, token, citizen_id) VALUES (?, ?, ?, ?)",
			c.ProvinceCode, c.CommuneCode, w, c.ID); err != nil {
			return fmt.Errorf("store: name tokens: %w", err)
		}
	}
	return nil
}

// CitizenQuery narrows and orders a citizen list.
type CitizenQuery struct {
	Scope       auth.Scope
	Text        string // part of the name (accents optional), the last digits of the ID, or a phone number
	CommuneCode string
	VillageID   int64
	HouseholdID int64
	WorkUnitID  int64
	TargetGroup string
	MinAge      int // at AgeOn; 0 = no bound
	MaxAge      int
	AgeOnYear   int // ages are taken at 31 December of this year (DESIGN §5)
	Limit       int
	Offset      int
}

// where builds the WHERE clause of a citizen query.
func (q CitizenQuery) where() (string, []any) {
	where, args := scopeWhere(q.Scope, citizenScope)
	conds := []string{where, "c.erased_at IS NULL"}
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	text := strings.TrimSpace(q.Text)
	if digits := people.NormalizePhone(text); text != "" && len(digits) >= 3 && len(digits) == len(strings.ReplaceAll(strings.ReplaceAll(text, " ", ""), ".", "")) {
		rev := people.Reverse(digits)
		// A prefix range on the reversed digits: "ends with" on an index.
		add("((c.national_id_rev >= ? AND c.national_id_rev < ?) OR (c.phone_rev >= ? AND c.phone_rev < ?))", rev, rev+"\x7f", rev, rev+"\x7f")
	} else if words := strings.Fields(people.FoldName(text)); len(words) > 0 {
		// The longest word (the last on a tie: usually the given name) is the rarest; it picks the
		// candidates through the word index, the others narrow them down.
		driver := len(words) - 1
		for i, w := range words {
			if len(w) > len(words[driver]) {
				driver = i
			}
		}
		q.addNameWord(words[driver], add)
		for i, w := range words {
			if i != driver {
				add("c.name_folded LIKE ?", "%"+escapeLike(w)+"%")
			}
		}
	}
	if q.CommuneCode != "" {
		add("c.commune_code = ?", q.CommuneCode)
	}
	if q.VillageID != 0 {
		add("c.village_id = ?", q.VillageID)
	}
	if q.HouseholdID != 0 {
		add("c.household_id = ?", q.HouseholdID)
	}
	if q.WorkUnitID != 0 {
		add("c.work_unit_id = ?", q.WorkUnitID)
	}
	if q.TargetGroup != "" {
		add("c.target_group = ?", q.TargetGroup)
	}
	if q.MinAge > 0 {
		add("c.birth_year <= ?", q.AgeOnYear-q.MinAge)
	}
	if q.MaxAge > 0 {
		add("c.birth_year >= ?", q.AgeOnYear-q.MaxAge)
	}
	return strings.Join(conds, " AND "), args
}

// addNameWord matches people with a name word starting with word. Officers of a commune, the
// province or everything search the word index; narrower scopes (a village, a unit), and a
// search within one village or household, are small enough to scan their own rows (the word
// index of a whole city holds hundreds of thousands of people under a common word: 2.9 s for
// "van duc" in one village on the 8.5-million city, against a village's two thousand rows).
func (q CitizenQuery) addNameWord(word string, add func(string, ...any)) {
	s := q.Scope
	narrow := !s.All && len(s.Provinces) == 0 && len(s.Communes) == 0 || q.VillageID != 0 || q.HouseholdID != 0
	if narrow {
		add("c.name_folded LIKE ?", "%"+escapeLike(word)+"%")
		return
	}
	sub := "SELECT t.citizen_id FROM citizen_name_tokens t WHERE t.token >= ? AND t.token < ?"
	args := []any{word, word + "\x7f"}
	if !s.All && len(s.Provinces) == 0 {
		in, a := inList(s.Communes)
		sub += " AND t.commune_code IN " + in
		args = append(args, a...)
	}
	add("c.id IN ("+sub+")", args...)
}

// escapeLike neutralises LIKE's wildcards in typed text (folded names hold only letters, digits
// and spaces, but a user may type % or _).
func escapeLike(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

// SearchCitizens returns one page of citizens matching q and the total count, in Vietnamese
// list order (given name, then full name; see people.SortKey).
func (db *DB) SearchCitizens(ctx context.Context, q CitizenQuery) ([]people.Citizen, int, error) {
	where, args := q.where()
	var total int
	if err := db.r().queryRow(ctx, "SELECT count(*) FROM citizens c WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count citizens: %w", err)
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	rows, err := db.r().query(ctx, "SELECT "+citizenColumns+" FROM citizens c WHERE "+where+" ORDER BY c.sort_key, c.birth_year, c.id LIMIT ? OFFSET ?",
		append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: search citizens: %w", err)
	}
	defer rows.Close()
	var out []people.Citizen
	for rows.Next() {
		c, err := scanCitizen(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// EachCitizen streams every citizen matching q (no paging), for exports of any size.
func (db *DB) EachCitizen(ctx context.Context, q CitizenQuery, fn func(people.Citizen) error) error {
	where, args := q.where()
	rows, err := db.r().query(ctx, "SELECT "+citizenColumns+" FROM citizens c WHERE "+where+" ORDER BY c.commune_code, c.village_id, c.household_id, c.id", args...)
	if err != nil {
		return fmt.Errorf("store: export citizens: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCitizen(rows)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// HouseholdMembers returns the people of a household, head first.
func (db *DB) HouseholdMembers(ctx context.Context, householdID int64) ([]people.Citizen, error) {
	rows, err := db.r().query(ctx, "SELECT "+citizenColumns+" FROM citizens c WHERE c.household_id = ? AND c.erased_at IS NULL ORDER BY CASE WHEN c.relation = 'head' THEN 0 ELSE 1 END, c.birth_year, c.id", householdID)
	if err != nil {
		return nil, fmt.Errorf("store: household members: %w", err)
	}
	defer rows.Close()
	var out []people.Citizen
	for rows.Next() {
		c, err := scanCitizen(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
