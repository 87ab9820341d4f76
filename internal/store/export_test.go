package store

import "context"

// ExecForTest runs raw SQL in a transaction, for tests that simulate a hostile database user.
func ExecForTest(ctx context.Context, tx *Tx, q string) error {
	_, err := tx.tx.ExecContext(ctx, q)
	return err
}

// DropAuditGuardForTest removes the append-only triggers, as someone with the database file could.
func DropAuditGuardForTest(ctx context.Context, tx *Tx) error {
	q := "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"
	if tx.d.name == "postgres" {
		q = "DROP TRIGGER audit_log_no_change ON audit_log"
	}
	_, err := tx.tx.ExecContext(ctx, q)
	return err
}

// SetCountForTest overwrites one kept count without moving the commune's total, as a bug in
// a write path would.
func SetCountForTest(ctx context.Context, tx *Tx, k CountKey, value int64) error {
	_, err := tx.exec(ctx, "UPDATE place_counts SET value = ? WHERE year = ? AND commune_code = ? AND village_id = ? AND work_unit_id = ? AND kind = ?",
		value, k.Year, k.Commune, k.Village, k.Unit, string(k.Kind))
	return err
}
