package store

import (
	"context"
	"database/sql"
	"fmt"

	"hoctap/internal/people"
)

// RecordConsent stores a consent for a citizen.
func (tx *Tx) RecordConsent(ctx context.Context, c people.Citizen, k *people.Consent) error {
	id, err := tx.insert(ctx, `INSERT INTO consents (province_code, commune_code, citizen_id, text_version, method, given_by, collected_by, given_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.ProvinceCode, c.CommuneCode, c.ID, k.TextVersion, string(k.Method), k.GivenBy, nullInt(k.CollectedBy), tx.now)
	if err != nil {
		return fmt.Errorf("store: record consent: %w", err)
	}
	k.ID, k.CitizenID, k.GivenAt = id, c.ID, tx.now
	return tx.record(ctx, Change{Action: "consent.give", Entity: "consent", EntityID: id, Place: CitizenPlace(c), After: k})
}

// WithdrawConsents ends every standing consent of a citizen.
func (tx *Tx) WithdrawConsents(ctx context.Context, c people.Citizen, by int64) (int, error) {
	res, err := tx.exec(ctx, "UPDATE consents SET withdrawn_at = ?, withdrawn_by = ? WHERE citizen_id = ? AND withdrawn_at IS NULL", tx.now, nullInt(by), c.ID)
	if err != nil {
		return 0, fmt.Errorf("store: withdraw consent: %w", err)
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		err = tx.record(ctx, Change{Action: "consent.withdraw", Entity: "citizen", EntityID: c.ID, Place: CitizenPlace(c)})
	}
	return int(n), err
}

// Consents returns a citizen's consents, newest first.
func (db *DB) Consents(ctx context.Context, citizenID int64) ([]people.Consent, error) {
	rows, err := db.r().query(ctx, `SELECT id, citizen_id, text_version, method, given_by, COALESCE(collected_by, 0), given_at, withdrawn_at, COALESCE(withdrawn_by, 0)
		FROM consents WHERE citizen_id = ? ORDER BY id DESC`, citizenID)
	if err != nil {
		return nil, fmt.Errorf("store: consents: %w", err)
	}
	defer rows.Close()
	var out []people.Consent
	for rows.Next() {
		var k people.Consent
		var method string
		var withdrawn sql.NullTime
		if err := rows.Scan(&k.ID, &k.CitizenID, &k.TextVersion, &method, &k.GivenBy, &k.CollectedBy, &k.GivenAt, &withdrawn, &k.WithdrawnBy); err != nil {
			return nil, fmt.Errorf("store: scan consent: %w", err)
		}
		k.Method, k.GivenAt = people.ConsentMethod(method), k.GivenAt.UTC()
		if withdrawn.Valid {
			k.WithdrawnAt = withdrawn.Time.UTC()
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
