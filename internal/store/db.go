// Package store holds all SQL of hoctap, on SQLite (the embedded default) and PostgreSQL.
// Each public method opens its own transaction, or joins the one it is given; every write
// appends its audit entry in the same transaction.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	"hoctap/internal/clock"
)

// DB is the open database: a single-connection write pool and a read pool.
type DB struct {
	write *sql.DB
	read  *sql.DB
	d     dialect
	clock clock.Clock
	URL   string // as given, with any password removed, for messages
	// commits counts the write transactions this process committed, so that what is built
	// from the data can be kept until the next one (Commits).
	commits *atomic.Uint64
}

// Open connects to the database named by dbURL ("sqlite:PATH" or "postgres://…"). It checks
// that the engine answers but changes nothing; Migrate creates or upgrades the schema.
func Open(ctx context.Context, dbURL string, clk clock.Clock) (*DB, error) {
	if clk == nil {
		clk = clock.System{}
	}
	switch {
	case strings.HasPrefix(dbURL, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(dbURL, "sqlite:"), clk)
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		return openPostgres(ctx, dbURL, clk)
	}
	scheme := dbURL
	if i := strings.Index(dbURL, ":"); i >= 0 {
		scheme = dbURL[:i]
	}
	return nil, fmt.Errorf("unknown database scheme %q: use sqlite:PATH or postgres://USER@HOST:PORT/DB", scheme)
}

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

func openSQLite(ctx context.Context, path string, clk clock.Clock) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("sqlite: no file given: use sqlite:PATH, for example sqlite:hoctap.db")
	}
	// Refuse a file that is not SQLite before the driver touches it (it would otherwise try to
	// switch it to WAL). An empty or missing file is a new database.
	if f, err := os.Open(path); err == nil {
		head := make([]byte, len(sqliteHeader))
		n, _ := f.Read(head)
		f.Close()
		if n > 0 && !bytes.Equal(head[:n], sqliteHeader[:n]) || n > 0 && n < len(sqliteHeader) {
			return nil, fmt.Errorf("%s is not a SQLite database: give another file with --db sqlite:PATH", path)
		}
	}
	// Pragmas, on every connection:
	//   journal_mode=WAL     readers do not block the writer and the writer does not block readers;
	//   synchronous=NORMAL   safe with WAL (a power cut may lose the last commits, never corrupt);
	//   busy_timeout=10000   wait for a lock instead of failing with SQLITE_BUSY;
	//   foreign_keys=ON      SQLite leaves them off by default.
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=journal_mode(WAL)&_time_format=sqlite"
	// _txlock=immediate takes the write lock at BEGIN, so two writers never deadlock on upgrade.
	write, err := sql.Open("sqlite", "file:"+path+"?"+common+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1) // SQLite allows one writer; one connection makes writers queue in Go, not in busy loops.
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	if _, err := write.ExecContext(ctx, "SELECT count(*) FROM sqlite_master"); err != nil {
		write.Close()
		return nil, fmt.Errorf("%s is not a usable SQLite database: %w", path, err)
	}
	read, err := sql.Open("sqlite", "file:"+path+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	n := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &DB{write: write, read: read, d: dialectSQLite, clock: clk, URL: "sqlite:" + path, commits: new(atomic.Uint64)}, nil
}

func openPostgres(ctx context.Context, dbURL string, clk clock.Clock) (*DB, error) {
	shown := Redact(dbURL)
	// Two pools, as on SQLite. The services read through the pool while they hold a write
	// transaction (criteria, registry facts), so with one pool as many concurrent writers as
	// connections each waited for a second connection that only another writer could free,
	// until their requests timed out (faults.TestKillDuringSubmissions found it). Readers
	// never wait for a writer's connection, so with two pools every wait ends.
	write, err := openPostgresPool(ctx, dbURL, shown)
	if err != nil {
		return nil, err
	}
	read, err := openPostgresPool(ctx, dbURL, shown)
	if err != nil {
		write.Close()
		return nil, err
	}
	return &DB{write: write, read: read, d: dialectPostgres, clock: clk, URL: shown, commits: new(atomic.Uint64)}, nil
}

// openPostgresPool opens one pool and checks that the server answers.
func openPostgresPool(ctx context.Context, dbURL, shown string) (*sql.DB, error) {
	pool, err := sql.Open("pgx", dbURL)
	if err != nil {
		return nil, fmt.Errorf("postgres: bad URL %s: %w", shown, err)
	}
	pool.SetMaxOpenConns(max(8, 4*runtime.NumCPU()))
	pool.SetMaxIdleConns(max(8, 4*runtime.NumCPU()))
	pool.SetConnMaxLifetime(30 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %v: check that the server runs and the URL is right", shown, err)
	}
	return pool, nil
}

// Redact removes a password from a database URL before it is printed: "xxxxx" stands where
// it was, so the reader sees that one was given.
func Redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil || u.User == nil {
		return dbURL
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Dialect returns "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.d.name }

// Now returns the store's clock reading, truncated to the microsecond both engines keep.
func (db *DB) Now() time.Time { return db.clock.Now().UTC().Truncate(time.Microsecond) }

// Ping checks that the database answers, for /readyz.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return err
	}
	return db.write.PingContext(ctx)
}

// queryer is what reads need from a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// reader runs read-only queries on the read pool, with the dialect's placeholders.
type reader struct {
	q queryer
	d dialect
}

func (r reader) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.q.QueryContext(ctx, r.d.rebind(q), args...)
}

func (r reader) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return r.q.QueryRowContext(ctx, r.d.rebind(q), args...)
}

func (db *DB) r() reader { return reader{q: db.read, d: db.d} }

// Tx is a write transaction. Its methods are the small (ctx, tx, …) helpers of the store.
type Tx struct {
	reader
	tx   *sql.Tx
	conn *sql.Conn // the connection tx runs on, for COPY (rowBatch)
	db   *DB
	now  time.Time
	// dirty holds the places whose counts this transaction may have moved; they are counted
	// again before it commits (counts.go).
	dirty dirtyCounts
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.d.rebind(q), args...)
}

// insert runs an INSERT … RETURNING id and returns the new id.
func (tx *Tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// Now is the instant of the transaction: every row it writes carries the same time.
func (tx *Tx) Now() time.Time { return tx.now }

// Write runs fn in one write transaction: committed if fn returns nil, rolled back otherwise.
func (db *DB) Write(ctx context.Context, fn func(tx *Tx) error) error {
	// The transaction holds its connection, so that rows can be copied in on it (rowBatch).
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer conn.Close()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{reader: reader{q: sqlTx, d: db.d}, tx: sqlTx, conn: conn, db: db, now: db.Now()}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback() // the error from fn is the one worth reporting
		return err
	}
	if err := tx.flushCounts(ctx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	db.commits.Add(1)
	return nil
}

// Commits returns how many write transactions this process has committed through Write: a
// result built from the data stays true while it has not changed (writes by other processes,
// such as a command run beside the server, are not seen).
func (db *DB) Commits() uint64 { return db.commits.Load() }

// nullInt turns 0 into NULL for optional references.
func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// nullStr turns "" into NULL for optional text.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// inList returns "(?, ?, …)" and the arguments for an IN clause.
func inList[T any](vals []T) (string, []any) {
	var b strings.Builder
	args := make([]any, len(vals))
	b.WriteByte('(')
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('?')
		args[i] = v
	}
	b.WriteByte(')')
	return b.String(), args
}

// Optimize refreshes the planner's statistics after large changes (an import, a demo load), so
// that searches drive from their most selective index: without them SQLite scanned a whole
// commune for a name search (140 ms instead of under 50 ms in BenchmarkSearchCitizens).
// analysis_limit keeps it to a sample, so it stays quick on a city-sized table. PostgreSQL's
// autovacuum does this on its own; ANALYZE makes it immediate. tables, if given, are the only
// ones a change touched: PostgreSQL then analyses those alone (ANALYZE of every table took
// about a second after a roster import); SQLite's optimize picks its tables by itself.
func (db *DB) Optimize(ctx context.Context, tables ...string) error {
	qs := []string{"PRAGMA analysis_limit=2000", "PRAGMA optimize=0x10002"}
	if db.d.name == "postgres" {
		qs = []string{strings.TrimSpace("ANALYZE " + strings.Join(tables, ", "))}
	}
	for _, q := range qs {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			if isStorageFull(err) {
				// Statistics only speed queries up; a full disk must not stop the commands
				// that open the database (serve, audit verify) from running.
				return nil
			}
			return fmt.Errorf("store: optimize: %w", err)
		}
	}
	return nil
}

// WithClock returns the same database read through another clock: the demo writes past years'
// records at their own dates through the ordinary services.
func (db *DB) WithClock(clk clock.Clock) *DB {
	c := *db
	c.clock = clk
	return &c
}
