package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"hoctap/internal/fault"
	"hoctap/internal/people"
)

// CitizenKey is what an import compares a roster row with: a registered person's identity and
// the personal fields a roster carries.
type CitizenKey struct {
	ID            int64
	HouseholdCode string
	NationalID    string
	LegacyID      string
	FullName      string
	BirthDate     string
	BirthYear     int
	Gender        people.Gender
	Phone         string
	VillageID     int64
	Relation      people.Relation
}

// Same tells whether a roster row carries nothing new about the person.
func (k CitizenKey) Same(c people.Citizen) bool {
	c.Normalize()
	return k.FullName == c.FullName && k.BirthDate == c.BirthDate && k.BirthYear == c.BirthYear && k.Gender == c.Gender &&
		(c.Phone == "" || k.Phone == c.Phone) && (c.LegacyID == "" || k.LegacyID == c.LegacyID) && k.NationalID == c.NationalID
}

// CitizensOfCommuneByID returns the commune's people keyed by "id:<personal ID>" and, for those
// without one, by "key:<household>|<folded name>|<birth year>".
func (db *DB) CitizensOfCommuneByID(ctx context.Context, communeCode string) (map[string]CitizenKey, error) {
	return db.r().CitizensOfCommuneByID(ctx, communeCode)
}

// CitizensOfCommuneByID in a transaction.
func (r reader) CitizensOfCommuneByID(ctx context.Context, communeCode string) (map[string]CitizenKey, error) {
	rows, err := r.query(ctx, `SELECT c.id, COALESCE(h.code, ''), COALESCE(c.national_id, ''), c.legacy_id, c.full_name, COALESCE(c.birth_date, ''),
		c.birth_year, c.gender, c.phone, COALESCE(c.village_id, 0), c.relation
		FROM citizens c LEFT JOIN households h ON h.id = c.household_id WHERE c.commune_code = ? AND c.erased_at IS NULL`, communeCode)
	if err != nil {
		return nil, fmt.Errorf("store: commune people: %w", err)
	}
	defer rows.Close()
	out := map[string]CitizenKey{}
	for rows.Next() {
		var k CitizenKey
		var g, rel string
		if err := rows.Scan(&k.ID, &k.HouseholdCode, &k.NationalID, &k.LegacyID, &k.FullName, &k.BirthDate, &k.BirthYear, &g, &k.Phone, &k.VillageID, &rel); err != nil {
			return nil, err
		}
		k.Gender, k.Relation = people.Gender(g), people.Relation(rel)
		if k.NationalID != "" {
			out["id:"+k.NationalID] = k
		} else {
			out["key:"+k.HouseholdCode+"|"+people.FoldName(k.FullName)+"|"+fmt.Sprint(k.BirthYear)] = k
		}
	}
	return out, rows.Err()
}

// HouseholdRef is a commune's household as an import needs it.
type HouseholdRef struct {
	ID             int64
	VillageID      int64
	HeadID         int64
	HeadNationalID string
}

// HouseholdCodes returns the commune's households that have a number, by number.
func (db *DB) HouseholdCodes(ctx context.Context, communeCode string) (map[string]HouseholdRef, error) {
	return db.r().HouseholdCodes(ctx, communeCode)
}

// HouseholdCodes in a transaction.
func (r reader) HouseholdCodes(ctx context.Context, communeCode string) (map[string]HouseholdRef, error) {
	rows, err := r.query(ctx, `SELECT h.code, h.id, h.village_id, COALESCE(h.head_citizen_id, 0), COALESCE(c.national_id, '')
		FROM households h LEFT JOIN citizens c ON c.id = h.head_citizen_id WHERE h.commune_code = ? AND h.code <> ''`, communeCode)
	if err != nil {
		return nil, fmt.Errorf("store: household codes: %w", err)
	}
	defer rows.Close()
	out := map[string]HouseholdRef{}
	for rows.Next() {
		var code string
		var h HouseholdRef
		if err := rows.Scan(&code, &h.ID, &h.VillageID, &h.HeadID, &h.HeadNationalID); err != nil {
			return nil, err
		}
		out[code] = h
	}
	return out, rows.Err()
}

// RegisteredElsewhere returns, of the given personal IDs, those registered in another commune,
// with that commune's code.
func (db *DB) RegisteredElsewhere(ctx context.Context, ids []string, communeCode string) (map[string]string, error) {
	return db.r().RegisteredElsewhere(ctx, ids, communeCode)
}

// RegisteredElsewhere in a transaction.
func (r reader) RegisteredElsewhere(ctx context.Context, ids []string, communeCode string) (map[string]string, error) {
	out := map[string]string{}
	const batch = 500 // stays under every engine's limit on bound parameters
	for start := 0; start < len(ids); start += batch {
		end := min(start+batch, len(ids))
		in, args := inList(ids[start:end])
		rows, err := r.query(ctx, "SELECT national_id, commune_code FROM citizens WHERE national_id IN "+in+" AND commune_code <> ?", append(args, communeCode)...)
		if err != nil {
			return nil, fmt.Errorf("store: registered elsewhere: %w", err)
		}
		for rows.Next() {
			var id, commune string
			if err := rows.Scan(&id, &commune); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = commune
		}
		rows.Close()
	}
	return out, nil
}

// PendingImport reads a user's pending import without using it up.
func (db *DB) PendingImport(ctx context.Context, id, userID int64, kind string) (PendingImport, error) {
	var p PendingImport
	err := db.r().queryRow(ctx, `SELECT id, user_id, kind, province_code, commune_code, file_name, options, payload FROM pending_imports
		WHERE id = ? AND user_id = ? AND kind = ? AND expires_at > ?`, id, userID, kind, db.Now()).
		Scan(&p.ID, &p.UserID, &p.Kind, &p.ProvinceCode, &p.CommuneCode, &p.FileName, &p.Options, &p.Payload)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fault.New(fault.NotFound, "import.expired")
	}
	if err != nil {
		return p, fmt.Errorf("store: pending import: %w", err)
	}
	return p, nil
}

// CitizenInserter writes the people of an import with prepared statements, so that a
// 200,000-row roster is not parsed statement by statement. The import records one audit entry
// for all the people it creates (RecordImport), not one per person.
type CitizenInserter struct {
	tx                                                       *Tx
	citizen, residence, membership, head, consent, household *sql.Stmt
	tokens                                                   map[int]*sql.Stmt // by number of words
	created, households                                      []int64
}

// PrepareCitizenInserts readies the writes of an import's people.
func (tx *Tx) PrepareCitizenInserts(ctx context.Context) (*CitizenInserter, error) {
	ins := &CitizenInserter{tx: tx, tokens: map[int]*sql.Stmt{}}
	prep := func(dst **sql.Stmt, q string) error {
		st, err := tx.tx.PrepareContext(ctx, tx.d.rebind(q))
		if err != nil {
			return fmt.Errorf("store: prepare import: %w", err)
		}
		*dst = st
		return nil
	}
	for _, p := range []struct {
		dst **sql.Stmt
		q   string
	}{
		{&ins.citizen, `INSERT INTO citizens (province_code, commune_code, village_id, household_id, relation, national_id, legacy_id,
			full_name, name_folded, birth_date, birth_year, gender, phone, email, target_group, work_unit_id, ethnicity,
			national_id_rev, phone_rev, sort_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`},
		{&ins.household, "INSERT INTO households (province_code, commune_code, village_id, code, address, created_at) VALUES (?, ?, ?, ?, '', ?) RETURNING id"},
		{&ins.residence, "INSERT INTO residences (province_code, commune_code, citizen_id, village_id, start_on) VALUES (?, ?, ?, ?, ?)"},
		{&ins.membership, "INSERT INTO household_memberships (province_code, commune_code, household_id, citizen_id, relation, start_on) VALUES (?, ?, ?, ?, ?, ?)"},
		{&ins.head, "UPDATE households SET head_citizen_id = ? WHERE id = ?"},
		{&ins.consent, `INSERT INTO consents (province_code, commune_code, citizen_id, text_version, method, given_by, collected_by, given_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`},
	} {
		if err := prep(p.dst, p.q); err != nil {
			ins.Close()
			return nil, err
		}
	}
	return ins, nil
}

// Create adds one person with their residence, household membership, name words and consent.
func (ins *CitizenInserter) Create(ctx context.Context, c *people.Citizen, k people.Consent) error {
	tx := ins.tx
	c.Normalize()
	var id int64
	err := ins.citizen.QueryRowContext(ctx, c.ProvinceCode, c.CommuneCode, nullInt(c.VillageID), nullInt(c.HouseholdID), string(c.Relation),
		nullStr(c.NationalID), c.LegacyID, c.FullName, people.FoldName(c.FullName), nullStr(c.BirthDate), c.BirthYear, string(c.Gender),
		c.Phone, c.Email, string(c.TargetGroup), nullInt(c.WorkUnitID), c.Ethnicity, people.Reverse(c.NationalID), people.Reverse(c.Phone),
		people.SortKey(c.FullName), tx.now, tx.now).Scan(&id)
	if isUniqueViolation(err) {
		return &fault.Error{Kind: fault.Conflict, Key: "citizen.national_id.taken", Field: "national_id"}
	}
	if err != nil {
		return fmt.Errorf("store: import citizen: %w", err)
	}
	c.ID = id
	today := tx.Today()
	if err := ins.nameWords(ctx, *c); err != nil {
		return err
	}
	if c.VillageID != 0 {
		if _, err := ins.residence.ExecContext(ctx, c.ProvinceCode, c.CommuneCode, id, c.VillageID, today); err != nil {
			return fmt.Errorf("store: import residence: %w", err)
		}
		tx.touchVillage(c.CommuneCode, c.VillageID, today)
	}
	if c.HouseholdID != 0 {
		if _, err := ins.membership.ExecContext(ctx, c.ProvinceCode, c.CommuneCode, c.HouseholdID, id, string(c.Relation), today); err != nil {
			return fmt.Errorf("store: import membership: %w", err)
		}
		if c.Relation == people.RelationHead {
			if _, err := ins.head.ExecContext(ctx, id, c.HouseholdID); err != nil {
				return fmt.Errorf("store: import household head: %w", err)
			}
		}
	}
	if _, err := ins.consent.ExecContext(ctx, c.ProvinceCode, c.CommuneCode, id, k.TextVersion, string(k.Method), k.GivenBy, nullInt(k.CollectedBy), tx.now); err != nil {
		return fmt.Errorf("store: import consent: %w", err)
	}
	ins.created = append(ins.created, id)
	return nil
}

// nameWords writes a person's name words in one statement, prepared once per word count.
func (ins *CitizenInserter) nameWords(ctx context.Context, c people.Citizen) error {
	var words []string
	seen := map[string]bool{}
	for _, w := range strings.Fields(people.FoldName(c.FullName)) {
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return nil
	}
	st, ok := ins.tokens[len(words)]
	if !ok {
		q := "INSERT INTO citizen_name_tokens (province_code, commune_code, token, citizen_id) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", len(words)), ", ")
		var err error
		if st, err = ins.tx.tx.PrepareContext(ctx, ins.tx.d.rebind(q)); err != nil {
			return fmt.Errorf("store: prepare name words: %w", err)
		}
		ins.tokens[len(words)] = st
	}
	args := make([]any, 0, 4*len(words))
	for _, w := range words {
		args = append(args, c.ProvinceCode, c.CommuneCode, w, c.ID)
	}
	if _, err := st.ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("store: import name words: %w", err)
	}
	return nil
}

// Household creates a household of the import (recorded with the import, not one by one).
func (ins *CitizenInserter) Household(ctx context.Context, h *Household) error {
	if err := ins.household.QueryRowContext(ctx, h.ProvinceCode, h.CommuneCode, h.VillageID, h.Code, ins.tx.now).Scan(&h.ID); err != nil {
		return fmt.Errorf("store: import household: %w", err)
	}
	ins.tx.touchVillage(h.CommuneCode, h.VillageID, ins.tx.Today())
	ins.households = append(ins.households, h.ID)
	return nil
}

// Households returns the ids of the households created so far.
func (ins *CitizenInserter) Households() []int64 { return ins.households }

// Created returns the ids of the people created so far.
func (ins *CitizenInserter) Created() []int64 { return ins.created }

// Close releases the prepared statements.
func (ins *CitizenInserter) Close() error {
	for _, st := range []*sql.Stmt{ins.citizen, ins.residence, ins.membership, ins.head, ins.consent, ins.household} {
		if st != nil {
			st.Close()
		}
	}
	for _, st := range ins.tokens {
		st.Close()
	}
	return nil
}
