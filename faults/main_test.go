// Package faults kills, starves and disconnects the real hoctap server and checks what is left.
//
// TestMain builds cmd/hoctap once and makes one base database: `hoctap demo` with a hundred
// people, then (in-process, through the ordinary services) a roster of adults imported into one
// residential group, all of them pledged for this year's Learning Citizen title, the first half
// of them self-assessed, verified and appraised, so that a recognition decision has many
// records to decide, and 200 sessions of the collector. Every test starts from a copy of that database (a file copy on SQLite,
// CREATE DATABASE … TEMPLATE on PostgreSQL) and drives `hoctap serve` over HTTP the way the
// pages do, killing it with SIGKILL where the test says so. After each crash the test starts
// the server again on the same database and checks: nothing partial, nothing acknowledged lost,
// `hoctap recount` finds no difference, `hoctap audit verify` passes.
//
// Environment:
//
//	HOCTAP_TEST_POSTGRES  a postgres:// URL. When it is set, every database is a new database on
//	                      that server (dropped at the end), and TestPostgresRestart and
//	                      TestDiskFull share a private cluster (initdb in a temporary folder)
//	                      that they may stop and fill. Otherwise SQLite, and
//	                      TestPostgresRestart is skipped.
//
// The tests need root for tmpfs mounts (TestDiskFull) and, on PostgreSQL, the PostgreSQL server
// binaries under /usr/lib/postgresql; CI has both. They assert correctness only, never timing.
package faults

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"hoctap/internal/testserver"
)

// env is what TestMain set up for the tests.
var env struct {
	bin      string               // the hoctap binary
	tmp      string               // the run's temporary folder
	pgAdmin  string               // HOCTAP_TEST_POSTGRES; "" on SQLite
	base     string               // the base database: a file (SQLite) or a database name (PostgreSQL)
	accounts []testserver.Account // the demo accounts of the base database
	fx       fixture              // what the base database holds for the tests
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runMain(m))
}

// runMain sets up, runs the tests and cleans up before the process exits (os.Exit skips
// deferred calls, so they live here).
func runMain(m *testing.M) int {
	var cleanups []func()
	defer func() {
		for _, f := range slices.Backward(cleanups) {
			f()
		}
	}()
	if err := setup(&cleanups); err != nil {
		fmt.Fprintf(os.Stderr, "faults: %v\n", err)
		return 1
	}
	return m.Run()
}

func setup(cleanups *[]func()) error {
	start := time.Now()
	tmp, err := os.MkdirTemp("", "hoctap-faults-")
	if err != nil {
		return err
	}
	*cleanups = append(*cleanups, func() { os.RemoveAll(tmp) }, stopPrivateCluster)
	env.tmp = tmp
	if env.bin, err = testserver.Build(tmp); err != nil {
		return err
	}
	env.pgAdmin = os.Getenv("HOCTAP_TEST_POSTGRES")
	var baseURL string
	if env.pgAdmin == "" {
		env.base = filepath.Join(tmp, "base.db")
		baseURL = "sqlite:" + env.base
	} else {
		name, err := createDatabase(env.pgAdmin, "")
		if err != nil {
			return err
		}
		*cleanups = append(*cleanups, func() { dropDatabase(env.pgAdmin, name) })
		env.base = name
		baseURL = databaseURL(env.pgAdmin, name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := testserver.Run(ctx, env.bin, tmp, "demo", "--db", baseURL, "--seed", "7", "--people", "100")
	if err != nil || res.Code != 0 {
		return fmt.Errorf("hoctap demo: exit %d, %v\n%s", res.Code, err, res.Output)
	}
	if env.accounts, err = testserver.ParseAccounts(res.Output); err != nil {
		return err
	}
	collector, err := findAccount(env.accounts, "collector")
	if err != nil {
		return err
	}
	if env.fx, err = prepareBase(ctx, baseURL, baseRoster, baseAppraised, collector.Login, concurrentClients); err != nil {
		return fmt.Errorf("prepare the base database: %w", err)
	}
	fmt.Printf("faults: base database on %s ready in %s: %d appraised records, %d people pledged\n",
		engine(), time.Since(start).Round(time.Millisecond), len(env.fx.Appraised), len(env.fx.Pledged))
	return nil
}

// engine names the engine the tests run on.
func engine() string {
	if env.pgAdmin != "" {
		return "PostgreSQL"
	}
	return "SQLite"
}

// demoAccount returns the first demo account of the base database with role.
func demoAccount(t *testing.T, role string) testserver.Account {
	t.Helper()
	a, err := findAccount(env.accounts, role)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// findAccount returns the first of the demo's accounts with role.
func findAccount(accounts []testserver.Account, role string) (testserver.Account, error) {
	i := slices.IndexFunc(accounts, func(a testserver.Account) bool { return a.Role == role })
	if i < 0 {
		return testserver.Account{}, fmt.Errorf("the demo printed no %s account: %+v", role, accounts)
	}
	return accounts[i], nil
}

// newDatabase returns the URL of a fresh copy of the base database, in dir for SQLite.
func newDatabase(t *testing.T, dir string) string {
	t.Helper()
	if env.pgAdmin == "" {
		path := filepath.Join(dir, "hoctap.db")
		if err := copyFile(env.base, path); err != nil {
			t.Fatalf("copy the base database: %v", err)
		}
		return "sqlite:" + path
	}
	name, err := createDatabase(env.pgAdmin, env.base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dropDatabase(env.pgAdmin, name) })
	return databaseURL(env.pgAdmin, name)
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// createDatabase makes a new database on the server adminURL names, a copy of template when
// it is not "", and returns its name. Other test packages use the server at the same time, so
// every name is random.
func createDatabase(adminURL, template string) (string, error) {
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	name := "hoctap_faults_" + hex.EncodeToString(buf)
	q := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		q += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if err := pgExec(adminURL, q); err != nil {
		return "", fmt.Errorf("create the test database %s on %s: %w", name, redact(adminURL), err)
	}
	return name, nil
}

// dropDatabase removes a test database; WITH (FORCE) ends the sessions a killed server left.
func dropDatabase(adminURL, name string) {
	if err := pgExec(adminURL, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		fmt.Fprintf(os.Stderr, "faults: drop the test database %s: %v\n", name, err)
	}
}

// pgExec runs one statement on a new connection.
func pgExec(dbURL, sql string, args ...any) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql, args...)
	return err
}

// databaseURL is adminURL with another database name.
func databaseURL(adminURL, name string) string {
	u, err := url.Parse(adminURL)
	if err != nil {
		panic(err) // checked when the first database was created
	}
	u.Path, u.RawPath = "/"+name, ""
	return u.String()
}

// redact hides a password in a database URL.
func redact(dbURL string) string {
	if u, err := url.Parse(dbURL); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dbURL
}

// isPostgres tells whether a database URL names a PostgreSQL database.
func isPostgres(dbURL string) bool { return strings.HasPrefix(dbURL, "postgres") }
