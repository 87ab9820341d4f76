package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hoctap/internal/testdb"
)

func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCommandsRefuseBadInput(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "list.xlsx")
	if err := os.WriteFile(notDB, []byte("PK\x03\x04 not really a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "--db", "mongodb://x"}, "unknown database scheme"},
		{[]string{"migrate", "--db", "sqlite:" + notDB}, "is not a SQLite database"},
		{[]string{"audit", "verify", "--db", "postgres://nobody@127.0.0.1:1/x?connect_timeout=2"}, "cannot reach PostgreSQL"},
		{[]string{"frobnicate"}, "unknown command"},
	} {
		code, _, stderr := run(t, "", c.args...)
		if code == 0 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 && c.args[0] != "frobnicate" {
			t.Errorf("%v: exit %d, stderr %q, want a one-line error with %q", c.args, code, stderr, c.want)
		}
	}
}

func TestUserAddDemoAndAuditVerify(t *testing.T) {
	db := testdb.URL(t)
	if code, _, stderr := run(t, "", "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	if code, _, stderr := run(t, "ngan\n", "user", "add", "--role", "admin", "--login", "admin@example.vn", "--db", db); code == 0 || !strings.Contains(stderr, "8 to 128") {
		t.Fatalf("short password accepted: %d %s", code, stderr)
	}
	if code, out, stderr := run(t, "mot-mat-khau-dai\n", "user", "add", "--role", "admin", "--login", "admin@example.vn", "--name", "Quản trị", "--db", db); code != 0 || !strings.Contains(out, "created account") {
		t.Fatalf("user add: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(t, "mot-mat-khau-dai\n", "user", "add", "--role", "admin", "--login", "admin@example.vn", "--db", db); code == 0 || !strings.Contains(stderr, "đã được dùng") {
		t.Fatalf("duplicate login: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "demo", "--db", db, "--people", "50"); code == 0 || !strings.Contains(stderr, "empty database") {
		t.Fatalf("demo on a database with accounts: %d %s", code, stderr)
	}
	code, out, stderr := run(t, "", "audit", "verify", "--db", db)
	if code != 0 || !strings.Contains(out, "chain intact") {
		t.Fatalf("audit verify: %d %s %s", code, out, stderr)
	}
	if code, _, _ := run(t, "", "audit", "verify", "--db", db, "--expect-head", "0000"); code == 0 {
		t.Fatal("a wrong expected head passed")
	}
}

func TestUnitsCommand(t *testing.T) {
	code, out, _ := run(t, "", "units", "successors", "2025-01", "00001")
	if code != 0 || !strings.Contains(out, "00097\tPhường Hồng Hà\tfull\t1.0000") {
		t.Fatalf("successors: %d %q", code, out)
	}
	code, out, _ = run(t, "", "units", "predecessors", "00004")
	if code != 0 || strings.Count(out, "\n") < 2 {
		t.Fatalf("predecessors: %d %q", code, out)
	}
}

func TestVillagesImportCommand(t *testing.T) {
	db := testdb.URL(t)
	dir := t.TempDir()
	list := filepath.Join(dir, "thon.csv")
	if err := os.WriteFile(list, []byte("\xEF\xBB\xBFTên thôn/tổ dân phố;Loại\nThôn Đông;Thôn\nThôn Đoài;Thôn\n;Thôn\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "", "migrate", "--db", db); code != 0 {
		t.Fatal(stderr)
	}
	code, out, stderr := run(t, "", "villages", "import", "--db", db, "--commune", "00004", "--dry-run", list)
	if code != 0 || !strings.Contains(out, "2 new") || !strings.Contains(out, "thon.csv row 4") {
		t.Fatalf("dry run: %d %s %s", code, out, stderr)
	}
	for i, want := range []string{"imported 2", "0 new, 2 already there"} {
		code, out, stderr = run(t, "", "villages", "import", "--db", db, "--commune", "00004", list)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("import %d: %d %s %s", i+1, code, out, stderr)
		}
	}
	if code, _, stderr := run(t, "", "villages", "import", "--db", db, "--commune", "99999", list); code == 0 || !strings.Contains(stderr, "99999") {
		t.Fatalf("unknown commune: %d %s", code, stderr)
	}
}
