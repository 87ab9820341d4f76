package app

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/i18n"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
)

// demoDatabase returns the URL of a new database holding a small demo city, and the database
// opened on it.
func demoDatabase(t *testing.T, people int) (string, *store.DB) {
	t.Helper()
	ctx := context.Background()
	u := testdb.URL(t)
	db, err := store.Open(ctx, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SyncAdminUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	if people > 0 {
		if _, err := LoadDemo(ctx, db, units, 3, people, nil); err != nil {
			t.Fatal(err)
		}
	}
	return u, db
}

// emptyTarget returns the URL of an empty place to restore into: a file that does not exist
// yet, or a new empty PostgreSQL database.
func emptyTarget(t *testing.T) string {
	t.Helper()
	if os.Getenv("HOCTAP_TEST_POSTGRES") != "" {
		return testdb.URL(t)
	}
	return "sqlite:" + filepath.Join(t.TempDir(), "restored.db")
}

func openDigest(t *testing.T, u string) map[string]store.TableDigest {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := db.Digest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func summaryOf(t *testing.T, u string) store.Summary {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := db.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var headLine = regexp.MustCompile(`(?m)^backup: audit head ([0-9a-f]+) \(entry (\d+)\)$`)

// committed is one write of the writer: a file attached to an assessment, stored as a blob.
type committed struct {
	evidenceID int64
	blob       string
	content    []byte
}

// TestBackupWhileWritingRestoresAConsistentState backs up a demo city while a writer attaches
// evidence files in a loop, restores the backup into an empty place and compares every table
// row by row: the restored database holds exactly the writes committed up to one instant,
// each whole, and everything else as it was; its audit chain verifies. A second backup taken
// when the writes have stopped restores to a database equal to the original in every table.
func TestBackupWhileWritingRestoresAConsistentState(t *testing.T) {
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "backup test"})
	src, db := demoDatabase(t, 120)
	a, err := db.Assessment(ctx, 1)
	if err != nil {
		t.Fatalf("the demo has no assessment 1: %v", err)
	}
	base := summaryOf(t, src)

	var mu sync.Mutex
	var writes []committed
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(writes) }
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			content := []byte(fmt.Sprintf("bằng chứng %d, ghi trong lúc sao lưu", i))
			var w committed
			err := db.Write(ctx, func(tx *store.Tx) error {
				h, err := tx.PutBlob(ctx, "text/plain", content)
				if err != nil {
					return err
				}
				e := store.Evidence{IndicatorCode: "1.1", SHA256: h, FileName: fmt.Sprintf("sao-luu-%d.txt", i)}
				if err := tx.AddEvidence(ctx, a, &e); err != nil {
					return err
				}
				w = committed{evidenceID: e.ID, blob: h, content: content}
				return nil
			})
			if err != nil {
				done <- err
				return
			}
			mu.Lock()
			writes = append(writes, w)
			mu.Unlock()
		}
	}()
	waitFor := func(n int) {
		deadline := time.Now().Add(30 * time.Second)
		for count() < n {
			if time.Now().After(deadline) {
				t.Fatalf("the writer made %d writes in 30 s, want %d", count(), n)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	waitFor(5)
	file := filepath.Join(t.TempDir(), "city.backup")
	before := count()
	code, out, stderr := run(t, "", "backup", "--db", src, file)
	after := count()
	waitFor(after + 5) // writes went on after the backup too
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("writer: %v", err)
	}
	if code != 0 {
		t.Fatalf("backup: exit %d: %s %s", code, out, stderr)
	}
	t.Logf("backup while writing (%d writes before it, %d by its end):\n%s", before, after, out)
	m := headLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("backup printed no audit head: %s", out)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the backup file is not readable by its owner only: %v %v", st.Mode(), err)
	}
	if _, err := os.Stat(file + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("the temporary file %s.tmp was left behind", file)
	}

	dst := emptyTarget(t)
	code, out, stderr = run(t, "", "restore", "--db", dst, file)
	if code != 0 || !strings.Contains(out, "audit chain intact") {
		t.Fatalf("restore: exit %d: %s %s", code, out, stderr)
	}
	restored := summaryOf(t, dst)
	if restored.AuditHead != m[1] || strconv.FormatInt(restored.AuditHeadID, 10) != m[2] {
		t.Errorf("restored audit head %s (%d), the backup printed %s (%s)", restored.AuditHead, restored.AuditHeadID, m[1], m[2])
	}
	if code, out, stderr := run(t, "", "audit", "verify", "--db", dst, "--expect-head", m[1]); code != 0 || !strings.Contains(out, "chain intact") {
		t.Errorf("audit verify of the restored database: exit %d: %s %s", code, out, stderr)
	}

	// Which of the writes did the backup catch? A prefix of them, with at least those
	// committed before it began and none committed after it ended.
	want := openDigest(t, src)
	got := openDigest(t, dst)
	k := 0
	for k < len(writes) && got["evidence"].RowSums[strconv.FormatInt(writes[k].evidenceID, 10)] != "" {
		k++
	}
	for _, w := range writes[k:] {
		if got["evidence"].RowSums[strconv.FormatInt(w.evidenceID, 10)] != "" {
			t.Fatalf("the backup holds write %d but not an earlier one: not a snapshot", w.evidenceID)
		}
	}
	if k < before || k > after {
		t.Errorf("the backup holds %d writes; %d were committed before it began and %d by its end", k, before, after)
	}
	if restored.AuditEntries != base.AuditEntries+int64(k) || restored.AuditHeadID != base.AuditHeadID+int64(k) || restored.Evidence != base.Evidence+int64(k) {
		t.Errorf("restored %+v after %d writes on %+v: a write was caught in part", restored, k, base)
	}
	// Rows the original has and the backup may lack: the writes after the snapshot.
	later := map[string]map[string]bool{"evidence": {}, "blobs": {}, "audit_log": {}}
	for _, w := range writes[k:] {
		later["evidence"][strconv.FormatInt(w.evidenceID, 10)] = true
		later["blobs"][w.blob] = true
	}
	for id := restored.AuditHeadID + 1; id <= base.AuditHeadID+int64(len(writes)); id++ {
		later["audit_log"][strconv.FormatInt(id, 10)] = true
	}
	compareDigests(t, want, got, later, map[string]bool{"audit_head": true})
	dstDB, err := store.Open(ctx, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dstDB.Close()
	for _, w := range writes[:k] {
		_, data, err := dstDB.EvidenceFile(ctx, w.evidenceID)
		if err != nil || string(data) != string(w.content) {
			t.Fatalf("evidence %d restored as %q (%v), want %q", w.evidenceID, data, err, w.content)
		}
	}
	t.Logf("the backup caught %d of %d writes; %d tables compared", k, len(writes), len(got))

	// Quiet now: a second backup restores to an exact copy.
	file2 := filepath.Join(t.TempDir(), "city-quiet.backup")
	if code, out, stderr := run(t, "", "backup", "--db", src, file2); code != 0 {
		t.Fatalf("second backup: %s %s", out, stderr)
	}
	dst2 := emptyTarget(t)
	if code, out, stderr := run(t, "", "restore", "--db", dst2, file2); code != 0 {
		t.Fatalf("second restore: %s %s", out, stderr)
	}
	compareDigests(t, want, openDigest(t, dst2), nil, nil)
	head := summaryOf(t, src).AuditHead
	if code, out, stderr := run(t, "", "audit", "verify", "--db", dst2, "--expect-head", head); code != 0 {
		t.Errorf("audit verify --expect-head on the quiet restore: %s %s", out, stderr)
	}
}

// compareDigests fails unless got has the tables of want, each with the same rows, except the
// rows of want named in missing (absent from got) and the tables in changed (rows may differ).
func compareDigests(t *testing.T, want, got map[string]store.TableDigest, missing map[string]map[string]bool, changed map[string]bool) {
	t.Helper()
	var wantTables, gotTables []string
	for k := range want {
		wantTables = append(wantTables, k)
	}
	for k := range got {
		gotTables = append(gotTables, k)
	}
	slices.Sort(wantTables)
	slices.Sort(gotTables)
	if !slices.Equal(wantTables, gotTables) {
		t.Fatalf("tables differ:\n original %v\n restored %v", wantTables, gotTables)
	}
	if len(wantTables) < 30 {
		t.Fatalf("only %d tables: the digest missed some", len(wantTables))
	}
	for _, table := range wantTables {
		w, g := want[table], got[table]
		if missing[table] == nil && !changed[table] {
			if w.Rows != g.Rows || w.Sum != g.Sum {
				t.Errorf("%s: %d rows (sum %.12s) restored as %d rows (sum %.12s)", table, w.Rows, w.Sum, g.Rows, g.Sum)
			}
			continue
		}
		for key, sum := range g.RowSums {
			if ws, ok := w.RowSums[key]; !ok {
				t.Errorf("%s: row %s is in the restored database only", table, key)
			} else if ws != sum && !changed[table] {
				t.Errorf("%s: row %s differs", table, key)
			}
		}
		for key := range w.RowSums {
			if _, ok := g.RowSums[key]; !ok && !missing[table][key] {
				t.Errorf("%s: row %s was lost", table, key)
			}
		}
		if want, got := w.Rows-len(missing[table]), g.Rows; want != got {
			t.Errorf("%s: %d rows restored, want %d", table, got, want)
		}
	}
}

// TestBackupAndRestoreRefuse checks the refusals: each says why in both languages and
// changes nothing.
func TestBackupAndRestoreRefuse(t *testing.T) {
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	// Until the keys are merged into the catalogs a message shows its key; afterwards its text.
	says := func(stderr, key, vi, en string) bool {
		if !cat.Has("en", key) {
			return strings.Contains(stderr, key)
		}
		return strings.Contains(stderr, vi) && strings.Contains(stderr, en)
	}
	src, _ := demoDatabase(t, 120)
	dir := t.TempDir()
	file := filepath.Join(dir, "ok.backup")
	if code, out, stderr := run(t, "", "backup", "--db", src, file); code != 0 {
		t.Fatalf("backup: %s %s", out, stderr)
	}
	postgres := os.Getenv("HOCTAP_TEST_POSTGRES") != ""

	t.Run("backup does not overwrite", func(t *testing.T) {
		info, _ := os.Stat(file)
		code, _, stderr := run(t, "", "backup", "--db", src, file)
		if code == 0 || !says(stderr, "backup.file_exists", "đã có", "already exists") {
			t.Errorf("exit %d, %s", code, stderr)
		}
		if now, _ := os.Stat(file); !now.ModTime().Equal(info.ModTime()) || now.Size() != info.Size() {
			t.Errorf("the existing file was changed")
		}
		if code, out, stderr := run(t, "", "backup", "--db", src, "--force", file); code != 0 {
			t.Errorf("--force: %s %s", out, stderr)
		}
	})

	t.Run("backup of an empty database", func(t *testing.T) {
		empty := emptyTarget(t)
		if postgres {
			code, _, stderr := run(t, "", "backup", "--db", empty, filepath.Join(t.TempDir(), "x"))
			if code == 0 || !says(stderr, "backup.source_empty", "trống", "empty") {
				t.Errorf("exit %d, %s", code, stderr)
			}
			return
		}
		code, _, stderr := run(t, "", "backup", "--db", empty, filepath.Join(t.TempDir(), "x"))
		if code == 0 || !says(stderr, "backup.source_missing", "Không có", "no database") {
			t.Errorf("exit %d, %s", code, stderr)
		}
		if _, err := os.Stat(store.SQLitePath(empty)); !os.IsNotExist(err) {
			t.Errorf("the backup created the database it was to read")
		}
	})

	t.Run("restore into a database with tables", func(t *testing.T) {
		target, _ := demoDatabase(t, 0)
		before := openDigest(t, target)
		code, _, stderr := run(t, "", "restore", "--db", target, file)
		if code == 0 || !says(stderr, "restore.target_not_empty", "không trống", "not empty") {
			t.Errorf("exit %d, %s", code, stderr)
		}
		compareDigests(t, before, openDigest(t, target), nil, nil)
		if !postgres {
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(store.SQLitePath(target)), ".*restore*"))
			if len(leftovers) > 0 {
				t.Errorf("left behind: %v", leftovers)
			}
		}
	})

	notBackup := filepath.Join(dir, "list.xlsx")
	if err := os.WriteFile(notBackup, []byte("PK\x03\x04 a spreadsheet, not a backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	otherDB := filepath.Join(dir, "other.db")
	other, err := sql.Open("sqlite", "file:"+otherDB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)"); err != nil {
		t.Fatal(err)
	}
	other.Close()
	newer := newerSchemaBackup(t, ctx, src, file, dir)
	wrongEngine := filepath.Join(dir, "dump.pgdump")
	if err := os.WriteFile(wrongEngine, []byte("PGDMP\x01\x0e\x00 not really an archive"), 0o600); err != nil {
		t.Fatal(err)
	}
	if postgres {
		wrongEngine = otherDB
	}
	for _, c := range []struct {
		name, file, key, vi, en string
	}{
		{"a spreadsheet", notBackup, "restore.not_backup", "không phải bản sao lưu", "is not a hoctap backup"},
		{"a file that does not exist", filepath.Join(dir, "nothing.backup"), "restore.file_missing", "Không tìm thấy", "was not found"},
		{"a backup of a newer schema", newer, "restore.schema_newer", "mới hơn", "newer than this binary"},
		{"a backup of the other engine", wrongEngine, "restore.wrong_engine", "cùng loại", "of that kind"},
	} {
		t.Run("restore refuses "+c.name, func(t *testing.T) {
			target := emptyTarget(t)
			code, _, stderr := run(t, "", "restore", "--db", target, c.file)
			if code == 0 || !says(stderr, c.key, c.vi, c.en) {
				t.Errorf("exit %d, %s", code, stderr)
			}
			assertEmpty(t, target)
		})
	}
	if !postgres {
		t.Run("restore refuses a SQLite database that is not hoctap's", func(t *testing.T) {
			target := emptyTarget(t)
			code, _, stderr := run(t, "", "restore", "--db", target, otherDB)
			if code == 0 || !says(stderr, "restore.not_backup", "không phải bản sao lưu", "is not a hoctap backup") {
				t.Errorf("exit %d, %s", code, stderr)
			}
			assertEmpty(t, target)
		})
		t.Run("restore refuses a live database", func(t *testing.T) {
			live := store.SQLitePath(src)
			// A writer that keeps its changes in the write-ahead log: checkpoints are off and the
			// connection stays open, as a running server's would.
			raw, err := sql.Open("sqlite", live)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			raw.SetMaxOpenConns(1)
			for _, q := range []string{"PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0", "CREATE TABLE wal_probe (x INTEGER)", "DROP TABLE wal_probe"} {
				if _, err := raw.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if !nonEmptyFile(live + "-wal") {
				t.Fatalf("the open writer left no write-ahead log beside %s", live)
			}
			target := emptyTarget(t)
			code, _, stderr := run(t, "", "restore", "--db", target, live)
			if code == 0 || !says(stderr, "restore.live_database", "-wal", "-wal") {
				t.Errorf("exit %d, %s", code, stderr)
			}
			assertEmpty(t, target)
		})
		t.Run("restore into an empty database file", func(t *testing.T) {
			target := emptyTarget(t)
			db, err := store.Open(ctx, target, nil) // creates the file, with no tables
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			if code, out, stderr := run(t, "", "restore", "--db", target, file); code != 0 {
				t.Errorf("exit %d, %s %s", code, out, stderr)
			}
		})
	}
}

// newerSchemaBackup returns a backup that claims a schema version this binary does not know.
func newerSchemaBackup(t *testing.T, ctx context.Context, src, file, dir string) string {
	t.Helper()
	const future = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', '2030-01-01T00:00:00Z')"
	out := filepath.Join(dir, "newer.backup")
	if os.Getenv("HOCTAP_TEST_POSTGRES") == "" {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, b, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite", "file:"+out)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, future); err != nil {
			t.Fatal(err)
		}
		return out
	}
	// PostgreSQL: a copy of the source with the future migration, dumped by pg_dump itself
	// (hoctap backup refuses a schema newer than it knows).
	u, db := demoDatabase(t, 0)
	if _, err := db.Summary(ctx); err != nil {
		t.Fatal(err)
	}
	pg, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if _, err := pg.ExecContext(ctx, future); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--file="+out, "--dbname="+u).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v %s", err, b)
	}
	return out
}

// assertEmpty fails when a refused restore left anything at its target.
func assertEmpty(t *testing.T, target string) {
	t.Helper()
	if store.Engine(target) == "sqlite" {
		p := store.SQLitePath(target)
		entries, _ := os.ReadDir(filepath.Dir(p))
		if len(entries) > 0 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("the refused restore left %v", names)
		}
		return
	}
	db, err := store.Open(context.Background(), target, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if tables, err := db.Tables(context.Background()); err != nil || len(tables) > 0 {
		t.Errorf("the refused restore left tables %v (%v)", tables, err)
	}
}

func TestShowProgress(t *testing.T) {
	file := filepath.Join(t.TempDir(), "growing")
	if err := os.WriteFile(file, make([]byte, 2500), 0o600); err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	stop := showProgress(&out, "backup", file, 10000, 5*time.Millisecond)
	time.Sleep(30 * time.Millisecond)
	stop()
	if s := out.String(); !strings.Contains(s, "backup: 2.5 kB written of about 10.0 kB (25%)") {
		t.Errorf("progress: %q", s)
	}
}

// syncBuffer is a strings.Builder that the progress goroutine and the test may share.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
