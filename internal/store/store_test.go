package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

func TestMigrateIsIdempotentAndCheckSchema(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, nil)
	n, err := db.Migrate(ctx)
	if err != nil || n != 0 {
		t.Fatalf("second migrate: ran %d, err %v", n, err)
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatalf("check schema: %v", err)
	}
}

func TestOpenRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	content := []byte("this is not a database, it is a text file with enough bytes")
	if err := os.WriteFile(notDB, content, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ url, want string }{
		{"mysql://localhost/x", "unknown database scheme"},
		{"sqlite:" + notDB, "is not a SQLite database"},
		{"postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", "cannot reach PostgreSQL"},
	} {
		_, err := store.Open(ctx, c.url, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.url, err, c.want)
		}
	}
	after, _ := os.ReadFile(notDB)
	if string(after) != string(content) {
		t.Error("opening a non-SQLite file changed it")
	}
	if _, err := os.Stat(notDB + "-wal"); err == nil {
		t.Error("opening a non-SQLite file created a WAL file")
	}
}

func TestSchemaNewerThanBinaryIsRefused(t *testing.T) {
	ctx := context.Background()
	url := testdb.URL(t)
	db, err := store.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, func(tx *store.Tx) error {
		return store.ExecForTest(ctx, tx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future.sql', 'x')")
	}); err != nil {
		t.Fatal(err)
	}
	err = db.CheckSchema(ctx)
	if _, ok := err.(store.ErrSchemaNewer); !ok {
		t.Fatalf("CheckSchema: %v, want ErrSchemaNewer", err)
	}
	if _, err := db.Migrate(ctx); err == nil {
		t.Fatal("Migrate ran on a newer schema")
	}
}

func TestAdminUnitsSync(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, nil)
	m, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // the second run must change nothing
		if err := db.SyncAdminUnits(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	counts, err := db.AdminUnitCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int{"2020/district": 30, "2020/commune": 579, "2025-01/district": 30, "2025-01/commune": 526, "2025-07/commune": 126} {
		if counts[key] != want {
			t.Errorf("%s: %d units, want %d", key, counts[key], want)
		}
	}
}

// newVillage writes one village with an audit entry.
func newVillage(t *testing.T, db *store.DB, name string) village.Village {
	t.Helper()
	v := village.Village{ProvinceCode: "01", CommuneCode: "00004", Name: name, Kind: village.KindThon}
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: 0, Name: "test", IP: "127.0.0.1"})
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateVillage(ctx, &v) }); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAuditChainDetectsTampering(t *testing.T) {
	ctx := context.Background()
	for _, tamper := range []struct {
		name string
		sql  string
		want string
	}{
		{"edited", "UPDATE audit_log SET after_json = '{\"Name\":\"Thôn Giả\"}' WHERE id = 2", "edited"},
		{"deleted in the middle", "DELETE FROM audit_log WHERE id = 2", "missing"},
		{"deleted at the end", "DELETE FROM audit_log WHERE id = 3", "recorded head"},
	} {
		t.Run(tamper.name, func(t *testing.T) {
			db := testdb.Open(t, nil)
			for _, n := range []string{"Thôn Một", "Thôn Hai", "Thôn Ba"} {
				newVillage(t, db, n)
			}
			v, err := db.VerifyAudit(ctx)
			if err != nil || len(v.Problems) != 0 || v.Count() != 3 {
				t.Fatalf("intact chain: %v %v count %d", err, v.Problems, v.Count())
			}
			// The log refuses changes through SQL; an attacker with the database file drops the guard first.
			err = db.Write(ctx, func(tx *store.Tx) error { return store.ExecForTest(ctx, tx, tamper.sql) })
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("tampering through SQL was not refused: %v", err)
			}
			if err := db.Write(ctx, func(tx *store.Tx) error {
				if err := store.DropAuditGuardForTest(ctx, tx); err != nil {
					return err
				}
				return store.ExecForTest(ctx, tx, tamper.sql)
			}); err != nil {
				t.Fatal(err)
			}
			v, err = db.VerifyAudit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Problems) == 0 {
				t.Fatal("tampering not detected")
			}
			all := ""
			for _, p := range v.Problems {
				all += p.String() + "\n"
			}
			if !strings.Contains(all, tamper.want) {
				t.Errorf("problems %q do not mention %q", all, tamper.want)
			}
		})
	}
}

func TestAuditRecordsBeforeAndAfter(t *testing.T) {
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: 0, Name: "0901000001", IP: "10.1.2.3", RequestID: "req-1"})
	db := testdb.Open(t, nil)
	v := newVillage(t, db, "Thôn Cũ")
	if err := db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.UpdateVillage(ctx, v.ID, "Thôn Mới", village.KindThon)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	entries, err := db.ListAudit(ctx, store.AuditFilter{Scope: auth.Scope{Communes: []string{"00004"}}})
	if err != nil || len(entries) != 2 {
		t.Fatalf("entries: %v %d", err, len(entries))
	}
	e := entries[0]
	if e.Action != "village.update" || e.Actor != "0901000001" || e.IP != "10.1.2.3" || e.RequestID != "req-1" ||
		!strings.Contains(e.Before, "Thôn Cũ") || !strings.Contains(e.After, "Thôn Mới") {
		t.Fatalf("entry: %+v", e)
	}
	other, err := db.ListAudit(ctx, store.AuditFilter{Scope: auth.Scope{Communes: []string{"00008"}}})
	if err != nil || len(other) != 0 {
		t.Fatalf("a neighbouring commune sees %d entries", len(other))
	}
}

func TestFailedWriteLeavesNothing(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, nil)
	newVillage(t, db, "Thôn Một")
	err := db.Write(ctx, func(tx *store.Tx) error {
		v := village.Village{ProvinceCode: "01", CommuneCode: "00004", Name: "Thôn Hai", Kind: village.KindThon}
		if err := tx.CreateVillage(ctx, &v); err != nil {
			return err
		}
		dup := village.Village{ProvinceCode: "01", CommuneCode: "00004", Name: "THÔN MỘT", Kind: village.KindThon}
		return tx.CreateVillage(ctx, &dup)
	})
	if fault.KindOf(err) != fault.Conflict {
		t.Fatalf("duplicate name: %v, want a conflict", err)
	}
	vs, _ := db.ListVillages(ctx, store.VillageFilter{Scope: auth.Scope{All: true}})
	if len(vs) != 1 {
		t.Fatalf("%d villages after a failed transaction, want 1", len(vs))
	}
	v, _ := db.VerifyAudit(ctx)
	if v.Count() != 1 || len(v.Problems) != 0 {
		t.Fatalf("audit after rollback: %d entries, problems %v", v.Count(), v.Problems)
	}
}

func TestLoginThrottleLocksAndExpires(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC))
	db := testdb.Open(t, clk)
	key := store.AddressKey("192.0.2.1")
	var until time.Time
	for i := 0; i < 3; i++ {
		if err := db.Write(ctx, func(tx *store.Tx) error {
			var err error
			until, err = tx.CountFailure(ctx, key, 3, 15*time.Minute, 10*time.Minute)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if !until.Equal(clk.Now().Add(10 * time.Minute)) {
		t.Fatalf("third failure: locked until %v", until)
	}
	got, _ := db.LockedUntil(ctx, key)
	if !got.Equal(until) {
		t.Fatalf("LockedUntil %v, want %v", got, until)
	}
	clk.Advance(11 * time.Minute)
	got, _ = db.LockedUntil(ctx, key)
	if got.After(clk.Now()) {
		t.Fatal("still locked after the lock time")
	}
}
