package store

import (
	"context"
	"fmt"
	"strings"
)

// rawTable is the plain table RawInsert writes: text columns, no key, no index, no trigger.
const rawTable = "bench_raw"

// rawMaxCols bounds the columns of the raw table (c1 … c16).
const rawMaxCols = 16

// ResetRawTable creates the raw table again, empty, with ncols text columns. It is for
// benchmarks: the table is what the engine can write at best, the yardstick of an import.
func (db *DB) ResetRawTable(ctx context.Context, ncols int) error {
	if ncols < 1 || ncols > rawMaxCols {
		return fmt.Errorf("store: raw table: %d columns, want 1 to %d", ncols, rawMaxCols)
	}
	cols := make([]string, ncols)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d TEXT", i+1)
	}
	for _, q := range []string{"DROP TABLE IF EXISTS " + rawTable, "CREATE TABLE " + rawTable + " (" + strings.Join(cols, ", ") + ")"} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: raw table: %w", err)
		}
	}
	return nil
}

// RawInsert writes rows (each of the width given to ResetRawTable, values as text) into the
// raw table in one transaction, through Bulk: multi-row INSERTs on SQLite, COPY on PostgreSQL.
// It is the physical limit an import of the same rows by the same engine is compared with.
func (db *DB) RawInsert(ctx context.Context, rows [][]string) (err error) {
	if len(rows) == 0 {
		return nil
	}
	cols := make([]string, len(rows[0]))
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d", i+1)
	}
	b, err := db.NewBulk(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if e := b.Close(ctx); err == nil {
			err = e
		}
	}()
	t, err := b.Table(ctx, rawTable, cols...)
	if err != nil {
		return err
	}
	for _, r := range rows {
		vals := make([]any, len(r))
		for i, v := range r {
			vals[i] = v
		}
		t.Add(vals...)
	}
	return b.Commit(Change{Action: "bench.raw_insert", Entity: rawTable, EntityID: int64(len(rows))})
}
