package faults

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"hoctap/internal/evaluation"
	"hoctap/internal/store"
	"hoctap/internal/testserver"
)

// serve starts hoctap serve on dbURL, logging into dir, and stops it when the test ends.
func serve(t *testing.T, dir, dbURL string) *testserver.Server {
	t.Helper()
	s, err := testserver.Serve(env.bin, dir, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("the last lines of hoctap serve's output:\n%s", s.Tail(25))
		}
	})
	return s
}

// hoctap runs a command of the binary and returns its result.
func hoctap(t *testing.T, dir string, args ...string) testserver.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := testserver.Run(ctx, env.bin, dir, args...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// consistent checks what must hold after any crash: the engine finds its files sound
// (SQLite's integrity_check), the kept counts equal the facts (`hoctap recount` exits 0), and
// the audit log's hash chain is whole (`hoctap audit verify`).
func consistent(t *testing.T, dir, dbURL string) {
	t.Helper()
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		if got := integrityCheck(t, path); got != "ok" {
			t.Errorf("PRAGMA integrity_check on %s: %s", path, got)
		}
	}
	if res := hoctap(t, dir, "recount", "--db", dbURL); res.Code != 0 {
		t.Errorf("hoctap recount: exit %d, want 0 (no difference between the kept counts and the facts):\n%s", res.Code, res.Output)
	}
	if res := hoctap(t, dir, "audit", "verify", "--db", dbURL); res.Code != 0 {
		t.Errorf("hoctap audit verify: exit %d, want 0:\n%s", res.Code, res.Output)
	}
}

// integrityCheck runs SQLite's own check of the file, read-only.
func integrityCheck(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("PRAGMA integrity_check on %s: %v", path, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "; ")
}

// openStore opens the database for the test's own reads.
func openStore(t *testing.T, dbURL string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// writing tells whether some connection other than the probe's holds a write transaction
// open: on SQLite the write lock is taken (BEGIN IMMEDIATE is refused with SQLITE_BUSY at
// once); on PostgreSQL a session of the database has a transaction id.
func writing(ctx context.Context, dbURL string) (bool, error) {
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
		if err != nil {
			return false, err
		}
		defer db.Close()
		conn, err := db.Conn(ctx)
		if err != nil {
			return false, err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			var sqErr *sqlite.Error
			if errors.As(err, &sqErr) && sqErr.Code()&0xff == sqlite3.SQLITE_BUSY {
				return true, nil
			}
			return false, err
		}
		_, err = conn.ExecContext(ctx, "ROLLBACK")
		return false, err
	}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return false, err
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`).Scan(&n)
	return n > 0, err
}

// waitWriting waits until a write transaction has been open for at least hold and returns
// true, or returns false once finished is closed (the operation ended first).
func waitWriting(t *testing.T, dbURL string, hold time.Duration, finished <-chan struct{}) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var since time.Time
	for {
		select {
		case <-ctx.Done():
			t.Fatalf("no write transaction stayed open for %s, and the operation did not end either", hold)
		case <-finished:
			return false
		case <-time.After(10 * time.Millisecond):
		}
		w, err := writing(ctx, dbURL)
		if err != nil {
			t.Fatalf("probe for a write transaction: %v", err)
		}
		switch {
		case !w:
			since = time.Time{}
		case since.IsZero():
			since = time.Now()
		case time.Since(since) >= hold:
			return true
		}
	}
}

// stateCounts counts the assessments of ids by state.
func stateCounts(t *testing.T, db *store.DB, ids []int64) map[evaluation.State]int {
	t.Helper()
	out := map[evaluation.State]int{}
	for _, id := range ids {
		a, err := db.Assessment(context.Background(), id)
		if err != nil {
			t.Fatalf("assessment %d: %v", id, err)
		}
		out[a.State]++
	}
	return out
}

// submitSteps counts the "submit" steps in an assessment's history.
func submitSteps(t *testing.T, db *store.DB, id int64) int {
	t.Helper()
	steps, err := db.AssessmentSteps(context.Background(), id)
	if err != nil {
		t.Fatalf("history of assessment %d: %v", id, err)
	}
	n := 0
	for _, s := range steps {
		if s.Step == evaluation.StepSubmit {
			n++
		}
	}
	return n
}

// checkSubmission says what is wrong with an assessment after the test posted its
// self-assessment with wantFiles evidence files: "" when it is stored exactly once, in full.
// When acked is false, never having been stored at all is right too.
func checkSubmission(t *testing.T, db *store.DB, p pledge, wantFiles int, acked bool) string {
	t.Helper()
	ctx := context.Background()
	a, err := db.Assessment(ctx, p.ID)
	if err != nil {
		t.Fatalf("assessment %d: %v", p.ID, err)
	}
	steps := submitSteps(t, db, p.ID)
	ev, err := db.EvidenceOf(ctx, p.ID)
	if err != nil {
		t.Fatalf("evidence of %d: %v", p.ID, err)
	}
	if a.State == evaluation.StatePledged && !acked {
		if steps != 0 || len(ev) != 0 || len(a.SelfScores) != 0 {
			return fmt.Sprintf("still pledged but with %d submit steps, %d evidence files and scores %v: partly stored", steps, len(ev), a.SelfScores)
		}
		return ""
	}
	var wrong []string
	if a.State != evaluation.StateSelfAssessed {
		wrong = append(wrong, fmt.Sprintf("state %s, want %s", a.State, evaluation.StateSelfAssessed))
	}
	if steps != 1 {
		wrong = append(wrong, fmt.Sprintf("%d submit steps in its history, want exactly 1", steps))
	}
	if len(ev) != wantFiles {
		wrong = append(wrong, fmt.Sprintf("%d evidence files, want %d", len(ev), wantFiles))
	}
	for _, in := range env.fx.Indicators[p.Group] {
		if _, computed := a.Computed[in.Code]; computed {
			continue // the registry's value, not what was typed
		}
		if got := a.SelfScores[in.Code]; got != in.Points {
			wrong = append(wrong, fmt.Sprintf("%s scored %d, want %d", in.Code, got, in.Points))
		}
	}
	if len(wrong) > 0 {
		return strings.Join(wrong, "; ")
	}
	return ""
}

// sortedKeys returns a map's keys in order, for stable messages.
func sortedKeys[V any](m map[evaluation.State]V) []evaluation.State {
	out := make([]evaluation.State, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
