package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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

// CitizenInserter writes the people of an import.
type CitizenInserter struct{ tx *Tx }

// PrepareCitizenInserts readies the writes of an import's people.
func (tx *Tx) PrepareCitizenInserts(ctx context.Context) (*CitizenInserter, error) {
	return &CitizenInserter{tx: tx}, nil
}

// Create adds one person, as CreateCitizen does.
func (ins *CitizenInserter) Create(ctx context.Context, c *people.Citizen) error {
	return ins.tx.CreateCitizen(ctx, c)
}

// Close releases the prepared statements.
func (ins *CitizenInserter) Close() error { return nil }
