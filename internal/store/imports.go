package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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

// CitizenInserter writes the people of an import in batches: their rows are queued, with ids
// reserved up front (reserveIDs), and written every batch of people (rowBatch: 1,391 people in
// multi-row INSERTs on SQLite, 5,000 with COPY on PostgreSQL), so that a 200,000-row roster is
// not a million statements. The import records one audit entry for all the people it creates
// (RecordExport), not one per person. A failed write is a *BatchError naming the first row of
// its batch; the caller's transaction is then to be rolled back.
type CitizenInserter struct {
	tx                                                              *Tx
	today                                                           string
	per                                                             int // people per batch
	households, citizens, tokens, residences, memberships, consents *rowBatch
	heads                                                           []int64 // household id, head's id, … of the queued heads
	citizenIDs, householdIDs                                        []int64 // reserved, not yet given
	created, createdHouseholds                                      []int64
	firstRow                                                        int // the caller's row of the first queued row, 0: none queued
	restoreCache                                                    func(context.Context) error
}

// CitizenImportTables are the tables a roster import writes, whose statistics Optimize
// refreshes after it.
var CitizenImportTables = []string{"households", "citizens", "citizen_name_tokens", "residences", "household_memberships", "consents"}

// BatchError is a failed write of queued rows; Row is the caller's number (a file's row) of
// the first of them.
type BatchError struct {
	Row int
	Err error
}

func (e *BatchError) Error() string { return fmt.Sprintf("store: rows from %d: %v", e.Row, e.Err) }

// Unwrap returns the write's error.
func (e *BatchError) Unwrap() error { return e.Err }

// PrepareCitizenInserts readies the writes of an import that creates the given numbers of
// people and households (their ids are reserved now).
func (tx *Tx) PrepareCitizenInserts(ctx context.Context, nPeople, nHouseholds int) (*CitizenInserter, error) {
	ins := &CitizenInserter{tx: tx, today: tx.Today(),
		households: tx.newRowBatch("households", "id", "province_code", "commune_code", "village_id", "code", "address", "created_at"),
		citizens: tx.newRowBatch("citizens", "id", "province_code", "commune_code", "village_id", "household_id", "relation", "national_id",
			"legacy_id", "full_name", "name_folded", "birth_date", "birth_year", "gender", "phone", "email", "target_group", "work_unit_id",
			"ethnicity", "national_id_rev", "phone_rev", "sort_key", "created_at", "updated_at"),
		tokens:      tx.newRowBatch("citizen_name_tokens", "province_code", "commune_code", "token", "citizen_id"),
		residences:  tx.newRowBatch("residences", "province_code", "commune_code", "citizen_id", "village_id", "start_on"),
		memberships: tx.newRowBatch("household_memberships", "province_code", "commune_code", "household_id", "citizen_id", "relation", "start_on"),
		consents: tx.newRowBatch("consents", "province_code", "commune_code", "citizen_id", "text_version", "method", "given_by",
			"collected_by", "given_at"),
	}
	ins.per = ins.citizens.per
	var err error
	if ins.restoreCache, err = tx.growCache(ctx); err != nil {
		return nil, err
	}
	if ins.citizenIDs, err = tx.reserveIDs(ctx, "citizens", nPeople); err == nil {
		ins.householdIDs, err = tx.reserveIDs(ctx, "households", nHouseholds)
	}
	if err != nil {
		return nil, errors.Join(err, ins.restoreCache(ctx))
	}
	return ins, nil
}

// Create queues one person with their residence, household membership, name words and
// consent, and gives them their id; row is the caller's number for them. It writes the
// queued rows when a batch is full.
func (ins *CitizenInserter) Create(ctx context.Context, row int, c *people.Citizen, k people.Consent) error {
	if len(ins.citizenIDs) == 0 {
		return fmt.Errorf("store: import: more people than reserved")
	}
	tx := ins.tx
	c.Normalize()
	c.ID, ins.citizenIDs = ins.citizenIDs[0], ins.citizenIDs[1:]
	if ins.firstRow == 0 {
		ins.firstRow = row
	}
	id := c.ID
	folded := people.FoldName(c.FullName)
	ins.citizens.add(id, c.ProvinceCode, c.CommuneCode, nullInt(c.VillageID), nullInt(c.HouseholdID), string(c.Relation),
		nullStr(c.NationalID), c.LegacyID, c.FullName, folded, nullStr(c.BirthDate), c.BirthYear, string(c.Gender),
		c.Phone, c.Email, string(c.TargetGroup), nullInt(c.WorkUnitID), c.Ethnicity, people.Reverse(c.NationalID), people.Reverse(c.Phone),
		people.SortKey(c.FullName), tx.now, tx.now)
	// The name's words, each once (a name rarely has more than five, so a scan beats a map).
	words := strings.Fields(folded)
	for i, w := range words {
		if !slices.Contains(words[:i], w) {
			ins.tokens.add(c.ProvinceCode, c.CommuneCode, w, id)
		}
	}
	if c.VillageID != 0 {
		ins.residences.add(c.ProvinceCode, c.CommuneCode, id, c.VillageID, ins.today)
		tx.touchVillage(c.CommuneCode, c.VillageID, ins.today)
	}
	if c.HouseholdID != 0 {
		ins.memberships.add(c.ProvinceCode, c.CommuneCode, c.HouseholdID, id, string(c.Relation), ins.today)
		if c.Relation == people.RelationHead {
			ins.heads = append(ins.heads, c.HouseholdID, id)
		}
	}
	ins.consents.add(c.ProvinceCode, c.CommuneCode, id, k.TextVersion, string(k.Method), k.GivenBy, nullInt(k.CollectedBy), tx.now)
	ins.created = append(ins.created, id)
	if ins.citizens.n >= ins.per {
		return ins.flush(ctx, false)
	}
	return nil
}

// Household queues a household of the import (recorded with the import, not one by one) and
// gives it its id; row is the caller's number for it.
func (ins *CitizenInserter) Household(ctx context.Context, row int, h *Household) error {
	if len(ins.householdIDs) == 0 {
		return fmt.Errorf("store: import: more households than reserved")
	}
	h.ID, ins.householdIDs = ins.householdIDs[0], ins.householdIDs[1:]
	if ins.firstRow == 0 {
		ins.firstRow = row
	}
	ins.households.add(h.ID, h.ProvinceCode, h.CommuneCode, h.VillageID, h.Code, "", ins.tx.now)
	ins.tx.touchVillage(h.CommuneCode, h.VillageID, ins.today)
	ins.createdHouseholds = append(ins.createdHouseholds, h.ID)
	return nil
}

// headsPerUpdate is how many households one UPDATE gives their heads.
const headsPerUpdate = 1000

func int64Args(vs []int64) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// Flush writes every queued row.
func (ins *CitizenInserter) Flush(ctx context.Context) error { return ins.flush(ctx, true) }

// flush writes the queued households and people, then the rows that refer to them (of those,
// only whole statements unless all), then the households' heads.
func (ins *CitizenInserter) flush(ctx context.Context, all bool) error {
	for _, b := range []*rowBatch{ins.households, ins.citizens, ins.tokens, ins.residences, ins.memberships, ins.consents} {
		if err := b.write(ctx, all || b == ins.households || b == ins.citizens); err != nil {
			if b == ins.citizens && isUniqueViolation(err) { // a concurrent registration of the same ID
				err = &fault.Error{Kind: fault.Conflict, Key: "citizen.national_id.taken", Field: "national_id", Err: err}
			}
			return &BatchError{Row: ins.firstRow, Err: err}
		}
	}
	// Both engines name the columns of a VALUES list column1, column2 …; the casts give
	// PostgreSQL their type.
	for len(ins.heads) > 0 {
		n := min(len(ins.heads), 2*headsPerUpdate)
		if _, err := ins.tx.exec(ctx, `UPDATE households SET head_citizen_id = v.column2
			FROM (VALUES `+strings.TrimSuffix(strings.Repeat("(CAST(? AS BIGINT), CAST(? AS BIGINT)), ", n/2), ", ")+`) AS v
			WHERE households.id = v.column1`, int64Args(ins.heads[:n])...); err != nil {
			return &BatchError{Row: ins.firstRow, Err: fmt.Errorf("store: import household heads: %w", err)}
		}
		ins.heads = ins.heads[n:]
	}
	ins.firstRow = 0
	return nil
}

// Households returns the ids of the households created so far.
func (ins *CitizenInserter) Households() []int64 { return ins.createdHouseholds }

// Created returns the ids of the people created so far.
func (ins *CitizenInserter) Created() []int64 { return ins.created }

// Close releases the prepared statements and gives the page cache back its size; it is to be
// called before the transaction commits. Rows still queued are not written: call Flush.
func (ins *CitizenInserter) Close(ctx context.Context) error {
	for _, b := range []*rowBatch{ins.households, ins.citizens, ins.tokens, ins.residences, ins.memberships, ins.consents} {
		b.close()
	}
	return ins.restoreCache(ctx)
}
