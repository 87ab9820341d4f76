package store

import "context"

// RawRows counts the rows of the raw table, for bench_raw_test.go.
func (db *DB) RawRows(ctx context.Context) (n int64, err error) {
	err = db.r().queryRow(ctx, "SELECT COUNT(*) FROM "+rawTable).Scan(&n)
	return n, err
}
