package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// The machinery shared by Bulk (a load in its own transactions) and rowBatch (many rows
// inside an ordinary write transaction, e.g. a roster import): multi-row INSERT statements on
// SQLite, COPY on PostgreSQL.

// insertSQL is "INSERT INTO table (cols) VALUES (?, …), …" for n rows.
func insertSQL(table string, cols []string, n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// copyInto writes n rows (vals holds them one after the other) into table with COPY, on conn:
// inside the transaction open on it, if any. PostgreSQL only.
func copyInto(ctx context.Context, conn *sql.Conn, table string, cols []string, vals []any, n int) error {
	rows := make([][]any, n)
	nc := len(cols)
	for i := range rows {
		rows[i] = vals[i*nc : (i+1)*nc]
	}
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
}

// rowBatch collects rows of one table inside a write transaction and writes them with as few
// statements as the engine allows (writeRows in dialect.go): COPY on PostgreSQL; on SQLite
// multi-row INSERTs of d.batchRows rows, prepared once. The caller writes the tables in an
// order that satisfies the foreign keys (they are checked at each statement).
type rowBatch struct {
	tx    *Tx
	table string
	cols  []string
	per   int   // rows per INSERT (SQLite)
	vals  []any // the rows not yet written, one after the other
	n     int
	full  *sql.Stmt // the INSERT of per rows, once prepared
}

func (tx *Tx) newRowBatch(table string, cols ...string) *rowBatch {
	return &rowBatch{tx: tx, table: table, cols: cols, per: tx.d.batchRows(len(cols))}
}

// add queues one row: one value per column, in order.
func (b *rowBatch) add(vals ...any) {
	b.vals = append(b.vals, vals...)
	b.n++
}

// write writes the queued rows: all of them, or (all false) those that fill whole statements,
// the others staying queued. Rows that others refer to must be written with all.
func (b *rowBatch) write(ctx context.Context, all bool) error {
	if b.n == 0 {
		return nil
	}
	done, err := b.tx.writeRows(ctx, b, all)
	if err != nil {
		return fmt.Errorf("store: insert into %s: %w", b.table, err)
	}
	nc := len(b.cols)
	b.vals = b.vals[:copy(b.vals, b.vals[done*nc:])]
	b.n -= done
	return nil
}

// insert writes the queued rows with multi-row INSERTs, the last and shorter one only if all,
// and returns how many it wrote.
func (b *rowBatch) insert(ctx context.Context, all bool) (int, error) {
	nc := len(b.cols)
	done := 0
	for done < b.n {
		n := min(b.per, b.n-done)
		args := b.vals[done*nc : (done+n)*nc]
		if n < b.per {
			if !all {
				break
			}
			if _, err := b.tx.tx.ExecContext(ctx, b.tx.d.rebind(insertSQL(b.table, b.cols, n)), args...); err != nil {
				return done, err
			}
			done += n
			continue
		}
		if b.full == nil {
			st, err := b.tx.tx.PrepareContext(ctx, b.tx.d.rebind(insertSQL(b.table, b.cols, b.per)))
			if err != nil {
				return done, err
			}
			b.full = st
		}
		if _, err := b.full.ExecContext(ctx, args...); err != nil {
			return done, err
		}
		done += n
	}
	return done, nil
}

// close releases the prepared statement.
func (b *rowBatch) close() {
	if b.full != nil {
		b.full.Close()
	}
}
