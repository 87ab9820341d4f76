package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"hoctap/internal/clock"
)

// The SQL of `hoctap backup` and `hoctap restore`. A backup holds everything: evidence files
// and other uploads are rows of blobs, so one consistent copy of the database is the whole
// state of the platform. The dialect differences of this file (how to copy, how to list
// tables) are met here, in one place, because nothing else in the store needs them.

// Engine names the engine of a database URL: "sqlite", "postgres", or "" when unknown.
func Engine(dbURL string) string {
	switch {
	case strings.HasPrefix(dbURL, "sqlite:"):
		return "sqlite"
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		return "postgres"
	}
	return ""
}

// SQLitePath returns the file named by a sqlite: URL.
func SQLitePath(dbURL string) string { return strings.TrimPrefix(dbURL, "sqlite:") }

// IsSQLiteFile tells whether the file begins with the SQLite header.
func IsSQLiteFile(head []byte) bool { return bytes.HasPrefix(head, sqliteHeader) }

// Summary is what a backup holds, printed after a backup and after a restore so that the two
// can be compared; AuditHead is the hash `hoctap audit verify --expect-head` checks.
type Summary struct {
	SchemaVersion int
	Citizens      int64
	Households    int64
	Assessments   int64
	Evidence      int64
	Blobs         int64
	BlobBytes     int64
	AuditEntries  int64
	AuditHeadID   int64
	AuditHead     string
}

// Summary counts the main tables of the database, in one read transaction. A table that an
// older schema does not have yet counts as empty.
func (db *DB) Summary(ctx context.Context) (Summary, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Summary{}, fmt.Errorf("store: summary: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	return summarize(ctx, tx, db.d)
}

func summarize(ctx context.Context, q queryer, d dialect) (Summary, error) {
	var s Summary
	tables, err := listTables(ctx, q, d)
	if err != nil {
		return s, err
	}
	has := map[string]bool{}
	for _, t := range tables {
		has[t] = true
	}
	counts := []struct {
		q   string
		dst *int64
	}{
		{"SELECT count(*) FROM citizens", &s.Citizens}, {"SELECT count(*) FROM households", &s.Households},
		{"SELECT count(*) FROM assessments", &s.Assessments}, {"SELECT count(*) FROM evidence", &s.Evidence},
		{"SELECT count(*) FROM blobs", &s.Blobs}, {"SELECT COALESCE(SUM(size), 0) FROM blobs", &s.BlobBytes},
		{"SELECT count(*) FROM audit_log", &s.AuditEntries},
	}
	for _, c := range counts {
		table := c.q[strings.LastIndex(c.q, " ")+1:]
		if !has[table] {
			continue
		}
		if err := q.QueryRowContext(ctx, c.q).Scan(c.dst); err != nil {
			return s, fmt.Errorf("store: summary: %s: %w", c.q, err)
		}
	}
	if has["audit_head"] {
		if err := q.QueryRowContext(ctx, "SELECT last_id, last_hash FROM audit_head WHERE id = 1").Scan(&s.AuditHeadID, &s.AuditHead); err != nil {
			return s, fmt.Errorf("store: summary: audit head: %w", err)
		}
	}
	if has["schema_migrations"] {
		if err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&s.SchemaVersion); err != nil {
			return s, fmt.Errorf("store: summary: schema version: %w", err)
		}
	}
	return s, nil
}

// BackupSQLite writes a consistent copy of the database into the new file path with
// VACUUM INTO. It runs on a reading connection: in WAL mode it is one read transaction, so it
// sees a single committed state while the server goes on writing, and it never holds the
// write lock. The copy is compact (no free pages) and has no write-ahead log of its own.
func (db *DB) BackupSQLite(ctx context.Context, path string) error {
	if db.d.name != "sqlite" {
		return fmt.Errorf("store: backup: VACUUM INTO is for SQLite; use pg_dump for PostgreSQL")
	}
	// The read pool is query_only, which forbids VACUUM INTO; a dedicated connection of the
	// write pool would hold up the writers of this process for the whole copy, so the copy
	// gets a connection of its own.
	conn, err := sql.Open("sqlite", "file:"+SQLitePath(db.URL)+"?_pragma=busy_timeout(10000)&_time_format=sqlite")
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("store: backup: VACUUM INTO %s: %w", path, err)
	}
	return nil
}

// SizeBytes is the size of the database: for SQLite its pages, for PostgreSQL
// pg_database_size. It is used to show the progress of a backup.
func (db *DB) SizeBytes(ctx context.Context) (int64, error) {
	q := "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
	if db.d.name == "postgres" {
		q = "SELECT pg_database_size(current_database())"
	}
	var n int64
	if err := db.read.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: database size: %w", err)
	}
	return n, nil
}

// ExportSnapshot opens a read-only REPEATABLE READ transaction on PostgreSQL, exports its
// snapshot and counts the main tables in it, then calls fn with the snapshot's name while the
// transaction stays open: `pg_dump --snapshot=NAME` so dumps exactly the state the summary
// counted, even while the server writes.
func (db *DB) ExportSnapshot(ctx context.Context, fn func(snapshot string) error) (Summary, error) {
	if db.d.name != "postgres" {
		return Summary{}, fmt.Errorf("store: exported snapshots are a PostgreSQL feature")
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return Summary{}, fmt.Errorf("store: snapshot: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	var name string
	if err := tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&name); err != nil {
		return Summary{}, fmt.Errorf("store: export snapshot: %w", err)
	}
	s, err := summarize(ctx, tx, db.d)
	if err != nil {
		return s, err
	}
	if err := fn(name); err != nil {
		return s, err
	}
	return s, tx.Commit()
}

// OpenSQLiteFile opens a SQLite file read-only without changing it in any way (no WAL switch,
// no journal, no lock), to check a backup before it is restored or after it is written. The
// file must not be in use by another process: the write-ahead log, if any, is not read.
func OpenSQLiteFile(ctx context.Context, path string) (*DB, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, len(sqliteHeader))
	n, _ := f.Read(head)
	f.Close()
	if !IsSQLiteFile(head[:n]) {
		return nil, fmt.Errorf("%s is not a SQLite database", path)
	}
	// immutable=1: SQLite reads the file as it is, takes no lock and writes no -shm or -wal.
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1&_time_format=sqlite")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	return &DB{write: conn, read: conn, d: dialectSQLite, clock: clock.System{}, URL: "sqlite:" + path, commits: new(atomic.Uint64)}, nil
}

// Tables lists the tables of the database (of the current schema, on PostgreSQL), sorted.
// An empty list is an empty database: the only place a restore may write.
func (db *DB) Tables(ctx context.Context) ([]string, error) { return listTables(ctx, db.read, db.d) }

func listTables(ctx context.Context, q queryer, d dialect) ([]string, error) {
	query := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	if d.name == "postgres" {
		query = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("store: list tables: %w", err)
		}
		out = append(out, name)
	}
	return out, rows.Err()
}

// IntegrityCheck runs SQLite's PRAGMA integrity_check and returns an error listing the first
// problems it reports. PostgreSQL has no cheap equivalent; there it checks nothing.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	if db.d.name != "sqlite" {
		return nil
	}
	rows, err := db.read.QueryContext(ctx, "PRAGMA integrity_check(20)")
	if err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("store: integrity check: %w", err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check failed: %s", strings.Join(problems, "; "))
	}
	return nil
}

// TableDigest is the content of one table: its row count, a SHA-256 over its rows in primary
// key order, and a SHA-256 of each row keyed by its primary key.
type TableDigest struct {
	Rows    int
	Sum     string
	RowSums map[string]string
}

// Digest reads every table in primary-key order and returns its TableDigest: two databases of
// the same engine with equal digests hold the same rows, byte for byte (blob contents
// included). It reads everything, so it is for checking restores and for tests, not for
// a large city on a busy server.
func (db *DB) Digest(ctx context.Context) (map[string]TableDigest, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: digest: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	tables, err := listTables(ctx, tx, db.d)
	if err != nil {
		return nil, err
	}
	out := make(map[string]TableDigest, len(tables))
	for _, t := range tables {
		d, err := db.digestTable(ctx, tx, t)
		if err != nil {
			return nil, err
		}
		out[t] = d
	}
	return out, nil
}

func (db *DB) primaryKey(ctx context.Context, tx *sql.Tx, table string) ([]string, error) {
	q, arg := "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", table
	if db.d.name == "postgres" {
		q = `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
			WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`
		arg = quoteIdent(table)
	}
	rows, err := tx.QueryContext(ctx, db.d.rebind(q), arg)
	if err != nil {
		return nil, fmt.Errorf("store: primary key of %s: %w", table, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

func (db *DB) digestTable(ctx context.Context, tx *sql.Tx, table string) (TableDigest, error) {
	pk, err := db.primaryKey(ctx, tx, table)
	if err != nil {
		return TableDigest{}, err
	}
	rows, err := tx.QueryContext(ctx, "SELECT * FROM "+quoteIdent(table))
	if err != nil {
		return TableDigest{}, fmt.Errorf("store: digest %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return TableDigest{}, err
	}
	pkIdx := make([]int, 0, len(pk))
	for _, c := range pk {
		for i, name := range cols {
			if name == c {
				pkIdx = append(pkIdx, i)
			}
		}
	}
	type row struct{ key, sum string }
	var all []row
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	seen := map[string]int{}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return TableDigest{}, fmt.Errorf("store: digest %s: %w", table, err)
		}
		h := sha256.New()
		for _, v := range vals {
			writeValue(h, v)
		}
		sum := hex.EncodeToString(h.Sum(nil))
		var key string
		if len(pkIdx) == 0 {
			// No primary key: the row is its own key; equal rows are told apart by a counter.
			seen[sum]++
			key = sum + "#" + strconv.Itoa(seen[sum])
		} else {
			parts := make([]string, len(pkIdx))
			for i, j := range pkIdx {
				parts[i] = fmt.Sprint(vals[j])
			}
			key = strings.Join(parts, "|")
		}
		all = append(all, row{key, sum})
	}
	if err := rows.Err(); err != nil {
		return TableDigest{}, fmt.Errorf("store: digest %s: %w", table, err)
	}
	// Sorted here rather than by ORDER BY, so that both engines order keys the same way
	// whatever their collation.
	sort.Slice(all, func(i, j int) bool { return all[i].key < all[j].key })
	d := TableDigest{Rows: len(all), RowSums: make(map[string]string, len(all))}
	h := sha256.New()
	for _, r := range all {
		d.RowSums[r.key] = r.sum
		h.Write([]byte(r.key))
		h.Write([]byte(r.sum))
	}
	d.Sum = hex.EncodeToString(h.Sum(nil))
	return d, nil
}

// writeValue writes one column value with its type and length, so that no two different
// rows hash the same ("ab","c" against "a","bc"; NULL against "").
func writeValue(h interface{ Write([]byte) (int, error) }, v any) {
	var b []byte
	switch x := v.(type) {
	case nil:
		h.Write([]byte{0})
		return
	case []byte:
		b = append([]byte{1}, x...)
	case string:
		b = append([]byte{2}, x...)
	case time.Time:
		b = append([]byte{3}, x.UTC().Format(time.RFC3339Nano)...)
	default:
		b = append([]byte{4}, fmt.Sprintf("%T:%v", x, x)...)
	}
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
