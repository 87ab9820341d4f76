package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds every difference between SQLite and PostgreSQL that the store's SQL meets.
// Everything else is written once, in SQL both engines accept.
type dialect struct {
	name       string // "sqlite" or "postgres"
	positional bool   // PostgreSQL wants $1, $2 … where the SQL is written with ?
	copy       bool   // many rows go in with COPY (PostgreSQL), else with multi-row INSERTs
}

var (
	dialectSQLite   = dialect{name: "sqlite"}
	dialectPostgres = dialect{name: "postgres", positional: true, copy: true}
)

// batchRows is how many rows of ncols columns one write of a rowBatch carries: on SQLite a
// multi-row INSERT with as many as its limit on bound parameters allows (fewer, larger
// statements journal fewer pages); on PostgreSQL one COPY.
func (d dialect) batchRows(ncols int) int {
	if d.copy {
		return 5000
	}
	return sqliteMaxParams / ncols
}

// writeRows writes the rows queued in b and returns how many: all of them with COPY on the
// transaction's connection (PostgreSQL); with multi-row INSERTs of b.per rows (SQLite), the
// rest too if all, else the rest stays queued for a full statement later.
func (tx *Tx) writeRows(ctx context.Context, b *rowBatch, all bool) (int, error) {
	if tx.d.copy {
		return b.n, copyInto(ctx, tx.conn, b.table, b.cols, b.vals, b.n)
	}
	return b.insert(ctx, all)
}

// growCache lets a transaction that writes many rows keep them in memory until it commits:
// on SQLite the write connection's page cache grows to 64 MB (with the default 2 MB a roster
// import spilled pages to the WAL in the middle of the transaction, and journalled them again)
// until restore, which the caller runs before the commit. PostgreSQL: nothing to do.
func (tx *Tx) growCache(ctx context.Context) (restore func(context.Context) error, err error) {
	if tx.d.copy {
		return func(context.Context) error { return nil }, nil
	}
	var was int64
	if err := tx.queryRow(ctx, "PRAGMA cache_size").Scan(&was); err != nil {
		return nil, fmt.Errorf("store: cache size: %w", err)
	}
	if _, err := tx.exec(ctx, "PRAGMA cache_size=-65536"); err != nil {
		return nil, fmt.Errorf("store: cache size: %w", err)
	}
	return func(ctx context.Context) error {
		if _, err := tx.exec(ctx, "PRAGMA cache_size="+strconv.FormatInt(was, 10)); err != nil {
			return fmt.Errorf("store: cache size: %w", err)
		}
		return nil
	}, nil
}

// reserveIDs returns n ids, in increasing order, for new rows of table that the caller
// inserts with explicit ids in the same transaction. SQLite: the n ids after the table's
// largest, the ones its INSERTs would give (the single write connection makes this safe).
// PostgreSQL: n values of the table's identity sequence, taken in one statement.
func (tx *Tx) reserveIDs(ctx context.Context, table string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, n)
	if !tx.d.copy {
		var last int64
		if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+table).Scan(&last); err != nil {
			return nil, fmt.Errorf("store: ids of %s: %w", table, err)
		}
		for i := int64(1); i <= int64(n); i++ {
			ids = append(ids, last+i)
		}
		return ids, nil
	}
	rows, err := tx.query(ctx, "SELECT nextval(pg_get_serial_sequence('"+table+"', 'id')) FROM generate_series(1, ?)", n)
	if err != nil {
		return nil, fmt.Errorf("store: ids of %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: ids of %s: %w", table, err)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

// rebind turns the ? placeholders of q into $1, $2 … for PostgreSQL, leaving quoted text alone.
func (d dialect) rebind(q string) string {
	if !d.positional || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// forUpdate is the row-lock clause; SQLite has none and needs none, because its single
// write connection already serialises writers.
func (d dialect) forUpdate() string {
	if d.name == "postgres" {
		return " FOR UPDATE"
	}
	return ""
}

// isUniqueViolation tells, by the engine's error code, whether err is a broken UNIQUE constraint.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		code := sqErr.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isForeignKeyViolation tells whether err is a broken FOREIGN KEY constraint.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}
