package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
)

// Bulk writes generated rows in large batches: on SQLite prepared multi-row INSERTs in large
// transactions, on PostgreSQL COPY. It is for loading a synthetic city into a fresh database
// (hoctap demo --scale): the rows carry their own ids, counts are written by the caller, and
// the audit log gets one entry per committed batch (Commit), not one per row.
//
// A second goroutine executes the batches while the caller draws the next rows, so drawing and
// writing overlap on two cores. Rows are sent in the order they are added; Flush sends every
// partly filled batch, in the order the tables were declared, so a caller flushes before adding
// rows that refer to rows of another table (PostgreSQL checks foreign keys at each COPY).
type Bulk struct {
	db     *DB
	conn   *sql.Conn
	tables []*BulkTable
	jobs   chan bulkJob
	done   chan struct{}
	err    error // the writer's first error; read after done, or through an ack
	rows   map[string]int64
	start  map[string]int64 // the first id each table's rows were given
	// deferred are the CREATE INDEX statements of the indexes dropped for the load (and, on
	// PostgreSQL, the ALTER TABLE statements of its foreign keys), run again by Close.
	deferred []string
	// triggers are the statements that start again the triggers stopped for the load; Close
	// runs them and then counts the pipeline the triggers keep.
	triggers []string
}

// BulkTable is one table a Bulk writes, with the columns each row gives in order.
type BulkTable struct {
	b      *Bulk
	name   string
	cols   []string
	per    int   // rows per batch
	buf    []any // per × len(cols) values being filled
	n      int
	nextID int64
}

type bulkJob struct {
	table  *BulkTable
	vals   []any
	n      int
	exec   string // a statement to run in order (Exec)
	args   []any
	commit *Change
	ack    chan error
}

// bulkTables are the tables a Bulk may write with explicit ids (their names go into SQL).
var bulkTables = map[string]bool{
	"villages": true, "work_units": true, "providers": true, "households": true, "citizens": true,
	"citizen_name_tokens": true, "household_memberships": true, "residences": true, "consents": true,
	"clans": true, "clan_households": true, "work_unit_staff": true, "branches": true, "branch_members": true,
	"trainings": true, "programmes": true, "completions": true, "learning_activities": true, "decisions": true,
	"assessments": true, "place_counts": true, "commune_counts": true, "count_years": true,
	"bench_raw": true, // bench_raw.go: the benchmarks' plain table
}

// sqliteMaxParams stays under SQLite's limit on bound parameters of one statement (32,766).
const sqliteMaxParams = 32000

// NewBulk starts a bulk load. On SQLite it makes the choices of a fresh file explicit for the
// load's connection: synchronous=OFF (a crash during the load leaves a file to throw away, not
// a record to keep: the load starts again on a new file), foreign_keys=OFF (the generator gives
// every reference itself; PostgreSQL still checks them), a 256 MB page cache; journal_mode
// stays WAL, so readers of the file are never blocked. Close restores the defaults of Open.
func (db *DB) NewBulk(ctx context.Context) (*Bulk, error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: bulk: %w", err)
	}
	if db.d.name == "sqlite" {
		for _, q := range []string{"PRAGMA synchronous=OFF", "PRAGMA foreign_keys=OFF", "PRAGMA cache_size=-262144", "PRAGMA journal_mode=WAL"} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				conn.Close()
				return nil, fmt.Errorf("store: bulk: %s: %w", q, err)
			}
		}
	}
	b := &Bulk{db: db, conn: conn, jobs: make(chan bulkJob, 16), done: make(chan struct{}), rows: map[string]int64{}, start: map[string]int64{}}
	go b.run(ctx)
	return b, nil
}

// Table declares a table and its columns. The first column "id", if given, is the row's id,
// which the caller takes from NextID.
func (b *Bulk) Table(ctx context.Context, name string, cols ...string) (*BulkTable, error) {
	if !bulkTables[name] {
		return nil, fmt.Errorf("store: bulk: table %s is not written in bulk", name)
	}
	t := &BulkTable{b: b, name: name, cols: cols}
	t.per = min(500, sqliteMaxParams/len(cols))
	if b.db.d.name == "postgres" {
		t.per = 5000
	}
	t.buf = make([]any, 0, t.per*len(cols))
	if len(cols) > 0 && cols[0] == "id" {
		var maxID int64
		if err := b.db.r().queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+name).Scan(&maxID); err != nil {
			return nil, fmt.Errorf("store: bulk: ids of %s: %w", name, err)
		}
		t.nextID = maxID + 1
		b.start[name] = t.nextID
	}
	b.tables = append(b.tables, t)
	return t, nil
}

// DeferIndexes drops the secondary indexes of the declared tables (those created by CREATE
// INDEX, not those of primary keys and UNIQUE constraints), except the ones named in keep, and
// Close creates them again with their own statements. Building an index once from sorted keys
// is much quicker than keeping it through millions of inserts in random key order; on
// PostgreSQL the foreign keys of those tables are deferred too (deferForeignKeys). Only for a
// load into tables that were empty: a load that fails leaves a database to throw away.
func (b *Bulk) DeferIndexes(ctx context.Context, keep ...string) error {
	q := "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name"
	if b.db.d.name == "postgres" {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
			AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname`
	}
	skip := map[string]bool{}
	for _, k := range keep {
		skip[k] = true
	}
	for _, t := range b.tables {
		names, defs, err := b.schemaObjects(ctx, q, t.name)
		if err != nil {
			return fmt.Errorf("store: bulk: indexes of %s: %w", t.name, err)
		}
		for i, name := range names {
			if skip[name] {
				continue
			}
			if _, err := b.conn.ExecContext(ctx, "DROP INDEX "+name); err != nil {
				return fmt.Errorf("store: bulk: drop index %s: %w", name, err)
			}
			b.deferred = append(b.deferred, defs[i])
		}
	}
	if b.db.d.name == "postgres" {
		return b.deferForeignKeys(ctx)
	}
	return nil
}

// deferForeignKeys drops the foreign keys of the declared tables on PostgreSQL, where COPY
// checks each row of each key by a trigger, and has Close add them again after the indexes:
// adding a key checks every row in one pass, and refuses the load if one row breaks it.
// (SQLite's load runs with foreign_keys=OFF; its keys are declared in the table itself.)
func (b *Bulk) deferForeignKeys(ctx context.Context) error {
	for _, t := range b.tables {
		names, defs, err := b.schemaObjects(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
			WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname`, t.name)
		if err != nil {
			return fmt.Errorf("store: bulk: foreign keys of %s: %w", t.name, err)
		}
		for i, name := range names {
			if _, err := b.conn.ExecContext(ctx, "ALTER TABLE "+t.name+" DROP CONSTRAINT "+name); err != nil {
				return fmt.Errorf("store: bulk: drop foreign key %s: %w", name, err)
			}
			b.deferred = append(b.deferred, "ALTER TABLE "+t.name+" ADD CONSTRAINT "+name+" "+defs[i])
		}
	}
	return nil
}

// DeferTriggers stops the triggers of the declared tables for the load (on SQLite by dropping
// them, on PostgreSQL by disabling the user triggers; foreign keys stay checked), and Close
// starts them again and counts the assessments' pipeline, which they keep, in one pass: kept
// row by row, the pipeline cost more than writing the assessments themselves.
func (b *Bulk) DeferTriggers(ctx context.Context) error {
	q := "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name"
	if b.db.d.name == "postgres" {
		q = "SELECT tgname, '' FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY tgname"
	}
	for _, t := range b.tables {
		names, defs, err := b.schemaObjects(ctx, q, t.name)
		if err != nil {
			return fmt.Errorf("store: bulk: triggers of %s: %w", t.name, err)
		}
		if len(names) == 0 {
			continue
		}
		if b.db.d.name == "postgres" {
			if _, err := b.conn.ExecContext(ctx, "ALTER TABLE "+t.name+" DISABLE TRIGGER USER"); err != nil {
				return fmt.Errorf("store: bulk: disable the triggers of %s: %w", t.name, err)
			}
			b.triggers = append(b.triggers, "ALTER TABLE "+t.name+" ENABLE TRIGGER USER")
			continue
		}
		for i, name := range names {
			if _, err := b.conn.ExecContext(ctx, "DROP TRIGGER "+name); err != nil {
				return fmt.Errorf("store: bulk: drop trigger %s: %w", name, err)
			}
			b.triggers = append(b.triggers, defs[i])
		}
	}
	return nil
}

// schemaObjects reads the names and definitions of a table's indexes, keys or triggers with
// q, a catalog query of two columns whose one parameter is the table's name.
func (b *Bulk) schemaObjects(ctx context.Context, q, table string) (names, defs []string, err error) {
	rows, err := b.conn.QueryContext(ctx, q, table)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	return names, defs, rows.Err()
}

// NextID returns the id of the next row of the table.
func (t *BulkTable) NextID() int64 {
	id := t.nextID
	t.nextID++
	return id
}

// Add queues one row: one value per declared column, in order.
func (t *BulkTable) Add(vals ...any) {
	t.buf = append(t.buf, vals...)
	t.n++
	if t.n == t.per {
		t.send()
	}
}

func (t *BulkTable) send() {
	if t.n == 0 {
		return
	}
	t.b.jobs <- bulkJob{table: t, vals: t.buf, n: t.n}
	t.b.rows[t.name] += int64(t.n)
	t.buf = make([]any, 0, t.per*len(t.cols))
	t.n = 0
}

// Flush sends every partly filled batch, in the order the tables were declared.
func (b *Bulk) Flush() {
	for _, t := range b.tables {
		t.send()
	}
}

// Exec runs one statement in order with the rows, in the load's transaction.
func (b *Bulk) Exec(q string, args ...any) {
	b.Flush()
	b.jobs <- bulkJob{exec: q, args: args}
}

// SetHouseholdHeads points the households of a commune that have no head yet at the member
// whose relation is "head" (households are written before their people, who refer to them).
func (b *Bulk) SetHouseholdHeads(communeCode string) {
	b.Exec(`UPDATE households SET head_citizen_id = (SELECT c.id FROM citizens c WHERE c.household_id = households.id AND c.relation = 'head')
		WHERE commune_code = ? AND head_citizen_id IS NULL`, communeCode)
}

// ClearCountYears removes the counts of years so that the load can write them from its own
// figures (a fresh database has none).
func (b *Bulk) ClearCountYears(years []int) {
	for _, y := range years {
		b.Exec("DELETE FROM place_counts WHERE year = ?", y)
		b.Exec("DELETE FROM commune_counts WHERE year = ?", y)
		b.Exec("DELETE FROM count_years WHERE year = ?", y)
	}
}

// Commit sends what is left, appends the audit entry c describing the batch, commits, and
// waits for the writer: an error of any earlier batch is returned here.
func (b *Bulk) Commit(c Change) error {
	b.Flush()
	ack := make(chan error, 1)
	select {
	case b.jobs <- bulkJob{commit: &c, ack: ack}:
	case <-b.done:
		return b.err
	}
	select {
	case err := <-ack:
		return err
	case <-b.done:
		return b.err
	}
}

// Rows returns the rows sent so far, by table.
func (b *Bulk) Rows() map[string]int64 { return b.rows }

// Close stops the writer (what was not committed is rolled back), moves PostgreSQL's id
// sequences past the ids the load gave, and restores the connection's settings.
func (b *Bulk) Close(ctx context.Context) error {
	close(b.jobs)
	<-b.done
	err := b.err
	if b.db.d.name == "sqlite" && len(b.deferred) > 0 {
		// SQLite's sorter takes as much memory as the page cache may: 64 MB keeps a city's
		// index builds within the load's memory (they measured 1.1 GB resident with 256 MB).
		if _, e := b.conn.ExecContext(ctx, "PRAGMA cache_size=-65536"); e != nil && err == nil {
			err = fmt.Errorf("store: bulk: cache size: %w", e)
		}
		// The sorter that builds an index may use helper threads, one per core.
		if _, e := b.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA threads=%d", runtime.NumCPU())); e != nil && err == nil {
			err = fmt.Errorf("store: bulk: threads: %w", e)
		}
	}
	for _, q := range b.deferred { // even after an error: the schema stays whole
		if _, e := b.conn.ExecContext(ctx, q); e != nil && err == nil {
			err = fmt.Errorf("store: bulk: %s: %w", q, e)
		}
	}
	for _, q := range b.triggers { // even after an error, like the indexes
		if _, e := b.conn.ExecContext(ctx, q); e != nil && err == nil {
			err = fmt.Errorf("store: bulk: %s: %w", q, e)
		}
	}
	if err == nil && len(b.triggers) > 0 {
		err = b.countPipeline(ctx)
	}
	if err == nil && b.db.d.name == "postgres" {
		for name := range b.start {
			q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST((SELECT MAX(id) FROM %s), 1))", name, name)
			if _, e := b.conn.ExecContext(ctx, q); e != nil {
				err = fmt.Errorf("store: bulk: sequence of %s: %w", name, e)
				break
			}
		}
	}
	if b.db.d.name == "sqlite" {
		for _, q := range []string{"PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA threads=0", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-2000"} {
			if _, e := b.conn.ExecContext(ctx, q); e != nil && err == nil {
				err = fmt.Errorf("store: bulk: %s: %w", q, e)
			}
		}
	}
	return errors.Join(err, b.conn.Close())
}

// countPipeline counts the assessments' pipeline after a load that stopped its triggers.
func (b *Bulk) countPipeline(ctx context.Context) error {
	sqlTx, err := b.conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: bulk: begin: %w", err)
	}
	tx := &Tx{reader: reader{q: sqlTx, d: b.db.d}, tx: sqlTx, db: b.db, now: b.db.Now()}
	if err := tx.countPipeline(ctx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	return sqlTx.Commit()
}

// run is the writer: it executes the jobs in order inside one transaction per Commit.
func (b *Bulk) run(ctx context.Context) {
	defer close(b.done)
	var tx *Tx
	stmts := map[*BulkTable]*sql.Stmt{}
	begin := func() error {
		sqlTx, err := b.conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("store: bulk: begin: %w", err)
		}
		tx = &Tx{reader: reader{q: sqlTx, d: b.db.d}, tx: sqlTx, db: b.db, now: b.db.Now()}
		clear(stmts)
		return nil
	}
	fail := func(err error) {
		b.err = err
		if tx != nil {
			_ = tx.tx.Rollback() // the first error is the one worth reporting
			tx = nil
		}
	}
	for j := range b.jobs {
		if b.err != nil {
			if j.ack != nil {
				j.ack <- b.err
			}
			continue
		}
		if tx == nil {
			if err := begin(); err != nil {
				fail(err)
				if j.ack != nil {
					j.ack <- err
				}
				continue
			}
		}
		var err error
		switch {
		case j.commit != nil:
			tx.now = b.db.Now()
			if err = tx.record(ctx, *j.commit); err == nil {
				if err = tx.tx.Commit(); err != nil {
					err = fmt.Errorf("store: bulk: commit: %w", err)
				}
			}
			for _, st := range stmts {
				st.Close()
			}
			tx = nil
			if err != nil {
				b.err = err
			}
			j.ack <- err
			continue
		case j.exec != "":
			if _, err = tx.exec(ctx, j.exec, j.args...); err != nil {
				err = fmt.Errorf("store: bulk: %w", err)
			}
		case b.db.d.name == "postgres":
			err = b.copyRows(ctx, j)
		default:
			err = b.insertRows(ctx, tx, stmts, j)
		}
		if err != nil {
			fail(err)
		}
	}
	if tx != nil {
		_ = tx.tx.Rollback() // Close without Commit: nothing of the unfinished batch stays
	}
}

// insertRows writes one batch with a multi-row INSERT, prepared once per transaction for
// full batches.
func (b *Bulk) insertRows(ctx context.Context, tx *Tx, stmts map[*BulkTable]*sql.Stmt, j bulkJob) error {
	t := j.table
	q := func(n int) string { return insertSQL(t.name, t.cols, n) }
	if j.n < t.per {
		if _, err := tx.tx.ExecContext(ctx, q(j.n), j.vals...); err != nil {
			return fmt.Errorf("store: bulk: insert into %s: %w", t.name, err)
		}
		return nil
	}
	st, ok := stmts[t]
	if !ok {
		var err error
		if st, err = tx.tx.PrepareContext(ctx, q(t.per)); err != nil {
			return fmt.Errorf("store: bulk: prepare %s: %w", t.name, err)
		}
		stmts[t] = st
	}
	if _, err := st.ExecContext(ctx, j.vals...); err != nil {
		return fmt.Errorf("store: bulk: insert into %s: %w", t.name, err)
	}
	return nil
}

// copyRows writes one batch with COPY on the transaction's connection.
func (b *Bulk) copyRows(ctx context.Context, j bulkJob) error {
	t := j.table
	if err := copyInto(ctx, b.conn, t.name, t.cols, j.vals, j.n); err != nil {
		return fmt.Errorf("store: bulk: copy into %s: %w", t.name, err)
	}
	return nil
}
