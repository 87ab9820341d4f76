package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"hoctap/internal/fault"
)

// TestClassify checks the kinds given to driver errors, by code: PostgreSQL's errors are built
// here, as the driver returns them; the end-to-end tests in faults/ meet the real ones.
func TestClassify(t *testing.T) {
	plain := errors.New("boom")
	cases := []struct {
		name string
		err  error
		want fault.Kind
	}{
		{"no connection could be made", fmt.Errorf("store: scan user: %w", &pgconn.ConnectError{}), fault.Unavailable},
		{"session ended by a fast shutdown", &pgconn.PgError{Code: "57P01"}, fault.Unavailable},
		{"server starting up", &pgconn.PgError{Code: "57P03"}, fault.Unavailable},
		{"connection failure", &pgconn.PgError{Code: "08006"}, fault.Unavailable},
		{"too many connections", &pgconn.PgError{Code: "53300"}, fault.Unavailable},
		{"dead connection given up", fmt.Errorf("store: begin: %w", driver.ErrBadConn), fault.Unavailable},
		{"connection cut mid-statement", fmt.Errorf("store: scan cycle: %w", connectionError{io.ErrUnexpectedEOF}), fault.Unavailable},
		{"connection reset", connectionError{&net.OpError{Op: "read", Err: errors.New("connection reset by peer")}}, fault.Unavailable},
		{"unexpected EOF elsewhere stays internal", fmt.Errorf("read upload: %w", io.ErrUnexpectedEOF), fault.Internal},
		{"disk full", fmt.Errorf("store: put blob: %w", &pgconn.PgError{Code: "53100"}), fault.StorageFull},
		{"unique violation stays internal", &pgconn.PgError{Code: "23505"}, fault.Internal},
		{"other errors stay internal", plain, fault.Internal},
		{"domain errors keep their kind", fault.ErrNotFound, fault.NotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Classify(c.err)
			if k := fault.KindOf(got); k != c.want {
				t.Fatalf("Classify(%v) has kind %d, want %d", c.err, k, c.want)
			}
			if !errors.Is(got, c.err) {
				t.Errorf("Classify(%v) = %v: the cause is lost", c.err, got)
			}
		})
	}
	if Classify(nil) != nil {
		t.Error("Classify(nil) is not nil")
	}
}

// connectionError stands for pgconn's unexported error about a broken connection, which says
// whether a retry is safe and wraps its cause.
type connectionError struct{ err error }

func (e connectionError) Error() string     { return "failed to receive message: " + e.err.Error() }
func (e connectionError) Unwrap() error     { return e.err }
func (e connectionError) SafeToRetry() bool { return false }

// TestClassifySQLiteFull fills a real SQLite database (its size capped with max_page_count,
// on the single write connection) and checks that the error is StorageFull, that nothing was
// written, and that Optimize, which the commands run at start, does not fail for it.
func TestClassifySQLiteFull(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "full.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.ExecContext(ctx, "CREATE TABLE files (data BLOB)"); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := db.write.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "INSERT INTO files (data) VALUES (zeroblob(1000000))")
		return err
	})
	if err == nil {
		t.Fatal("a 1 MB insert into a database capped at its size succeeded")
	}
	if k := fault.KindOf(Classify(err)); k != fault.StorageFull {
		t.Fatalf("Classify(%v) has kind %d, want StorageFull", err, k)
	}
	var n int
	if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM files").Scan(&n); err != nil || n != 0 {
		t.Fatalf("after the failed insert the table holds %d rows (%v), want 0", n, err)
	}
	if err := db.Optimize(ctx); err != nil {
		t.Errorf("Optimize on a full database: %v", err)
	}
}
