// Package app wires hoctap together: it reads the command line, opens the database and
// starts the web server or runs a command. cmd/hoctap only calls Main.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"hoctap/internal/account"
	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/citygen"
	"hoctap/internal/i18n"
	"hoctap/internal/recognition"
	"hoctap/internal/registry"
	"hoctap/internal/store"
	"hoctap/internal/web"
)

// DefaultDB is the embedded default database.
const DefaultDB = "sqlite:hoctap.db"

const usage = `hoctap — the Learning Citizen (Công dân học tập) platform

Usage:
  hoctap serve   [--db URL] [--addr HOST:PORT] [--demo] [--seed N] [--migrate]
  hoctap migrate [--db URL]
  hoctap demo    [--db URL] [--seed N] [--people N]
  hoctap demo    --scale city|district|commune [--db URL] [--seed N]   (synthetic city, written in bulk)
  hoctap user add --role ROLE --login LOGIN --name NAME [--commune CODE] [--db URL]   (password read from standard input)
  hoctap audit verify [--db URL] [--expect-head HASH]
  hoctap backup  [--db URL] [--force] FILE        (online; SQLite: VACUUM INTO, PostgreSQL: pg_dump)
  hoctap restore [--db URL] FILE                  (into a new file or an empty database only)
  hoctap units successors ERA CODE | hoctap units predecessors CODE
  hoctap villages import --commune CODE FILE [--kind thon|to_dan_pho|…] [--dry-run] [--db URL]
  hoctap import citizens --commune CODE FILE [--village NAME] [--consent-collected] [--dry-run] [--db URL]
  hoctap export citizens --commune CODE [--format xlsx|csv] [-o FILE] [--unmask] [--db URL]
  hoctap import staff --work-unit ID FILE [--dry-run] [--db URL]
  hoctap import members --branch ID FILE [--dry-run] [--db URL]
  hoctap import clan-households --clan ID FILE [--dry-run] [--db URL]
  hoctap criteria validate FILE | hoctap criteria default
  hoctap credential verify FILE
  hoctap recount [--fix] [--db URL]            (counts every kept year again from the facts; lists each difference)
  hoctap report  [--commune CODE] [--year Y] [--format pdf|xlsx] [--lang vi|en] -o FILE   (the annual report)
  hoctap notify reminders [--day YYYY-MM-DD] [--remind-days 7,1]   (queues the reminders of a day; twice queues nothing new)

The database is --db or $HOCTAP_DB: sqlite:PATH (default sqlite:hoctap.db) or postgres://USER@HOST:PORT/DB.
`

// Main runs one command and returns the process's exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) < 1 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], stdout)
	case "demo":
		err = cmdDemo(ctx, args[1:], stdout)
	case "user":
		err = cmdUser(ctx, args[1:], stdin, stdout)
	case "audit":
		err = cmdAudit(ctx, args[1:], stdout)
	case "backup":
		err = cmdBackup(ctx, args[1:], stdout)
	case "restore":
		err = cmdRestore(ctx, args[1:], stdout)
	case "units":
		err = cmdUnits(args[1:], stdout)
	case "villages":
		err = cmdVillages(ctx, args[1:], stdout)
	case "import":
		if len(args) > 1 && (args[1] == "staff" || args[1] == "members" || args[1] == "clan-households") {
			err = cmdImportOrgs(ctx, args[1], args[2:], stdout)
		} else {
			err = cmdImport(ctx, args[1:], stdout)
		}
	case "criteria":
		err = cmdCriteria(ctx, args[1:], stdout)
	case "credential":
		err = cmdCredential(ctx, args[1:], stdout)
	case "export":
		err = cmdExport(ctx, args[1:], stdout)
	case "notify":
		err = cmdNotify(ctx, args[1:], stdout)
	case "recount":
		err = cmdRecount(ctx, args[1:], stdout)
	case "report":
		err = cmdReport(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "hoctap: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "hoctap: "+oneLine(err))
		return 1
	}
	return 0
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", " ") }

// dbFlag adds --db with $HOCTAP_DB or the embedded default.
func dbFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("HOCTAP_DB")
	if def == "" {
		def = DefaultDB
	}
	return fs.String("db", def, "database: sqlite:PATH or postgres://…")
}

// openDB opens the database and, when migrate is set or the database is new, brings the schema
// up to date; otherwise an old or newer schema is an error that says what to do. It also loads
// the embedded administrative units and makes sure the database holds them.
func openDB(ctx context.Context, url string, migrate bool) (*store.DB, *adminunit.Map, error) {
	db, err := store.Open(ctx, url, nil)
	if err != nil {
		return nil, nil, err
	}
	units, err := prepare(ctx, db, migrate)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, units, nil
}

func prepare(ctx context.Context, db *store.DB, migrate bool) (*adminunit.Map, error) {
	cur, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if migrate || cur == 0 {
		if _, err := db.Migrate(ctx); err != nil {
			return nil, err
		}
	}
	if err := db.CheckSchema(ctx); err != nil {
		return nil, err
	}
	units, err := adminunit.LoadHanoi()
	if err != nil {
		return nil, err
	}
	if err := db.SyncAdminUnits(ctx, units); err != nil {
		return nil, err
	}
	return units, db.Optimize(ctx)
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	addr := fs.String("addr", ":8080", "address to listen on")
	demoFlag := fs.Bool("demo", false, "load a demo city into an empty database and print its accounts")
	seed := fs.Uint64("seed", 1, "seed of the demo data")
	migrate := fs.Bool("migrate", false, "apply pending schema migrations before serving")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure (when served over HTTPS)")
	trustProxy := fs.Bool("trust-proxy", false, "take client addresses from X-Forwarded-For")
	ethnicity := fs.Bool("collect-ethnicity", false, "show the ethnicity field (sensitive data: only where a report requires it)")
	publicURL := fs.String("public-url", "", "address printed in certificates' QR codes, e.g. https://hoctap.example.vn (default: the address of each request)")
	notifyOpts := addNotifyFlags(fs) // notify.go: email and webhook delivery, off by default
	profile := fs.String("pprof", "", "serve Go's profiler on this loopback address, e.g. 127.0.0.1:6060 (off by default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *profile != "" {
		at, stop, err := startProfiler(*profile)
		if err != nil {
			return err
		}
		defer stop()
		fmt.Fprintf(stdout, "hoctap: profiler on http://%s/debug/pprof/\n", at)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	db, units, err := openDB(ctx, *dbURL, *migrate)
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := db.CountUsers(ctx)
	if err != nil {
		return err
	}
	switch {
	case *demoFlag && users == 0:
		accounts, err := LoadDemo(ctx, db, units, *seed, demoPeople, stdout)
		if err != nil {
			return err
		}
		PrintDemoAccounts(stdout, accounts)
	case *demoFlag:
		fmt.Fprintln(stdout, "demo: the database already has accounts; the demo was not loaded again (its logins are as printed the first time).")
	case users == 0:
		fmt.Fprintln(stdout, "No accounts yet: create the first administrator with\n  hoctap user add --role admin --login EMAIL_OR_PHONE --name NAME")
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	accounts := account.New(db)
	rec := &recognition.Service{DB: db, Units: units}
	if _, err := rec.EnsureDefaultCriteria(ctx); err != nil {
		return err
	}
	srv, err := web.New(web.Config{SecureCookies: *secure, TrustProxy: *trustProxy, CollectEthnicity: *ethnicity, PublicURL: strings.TrimRight(*publicURL, "/")},
		db, accounts, &registry.Service{DB: db, Units: units}, rec, units, cat, log, reg)
	if err != nil {
		return err
	}
	stopNotify, err := startNotify(ctx, notifyOpts, strings.TrimRight(*publicURL, "/"), db, cat, rec, srv, log)
	if err != nil {
		return err
	}
	defer stopNotify()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *addr, err)
	}
	httpSrv := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	fmt.Fprintf(stdout, "hoctap: serving %s on http://%s\n", db.URL, displayAddr(ln.Addr().String()))
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown: stop accepting, let requests in flight finish.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	log.Info("shutting down")
	return httpSrv.Shutdown(shutdownCtx)
}

// demoPeople is how many people the demo city holds.
const demoPeople = 3000

func displayAddr(a string) string {
	if strings.HasPrefix(a, "[::]:") {
		return "localhost:" + strings.TrimPrefix(a, "[::]:")
	}
	if strings.HasPrefix(a, "0.0.0.0:") {
		return "localhost:" + strings.TrimPrefix(a, "0.0.0.0:")
	}
	return a
}

func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := store.Open(ctx, *dbURL, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	cur, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrate: applied %d migration(s); schema is at version %d\n", n, cur)
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	seed := fs.Uint64("seed", 1, "seed of the demo data")
	n := fs.Int("people", demoPeople, "how many people")
	scale := fs.String("scale", "", "build a synthetic city instead: city (~8.5 million people), district (~300,000) or commune (~30,000)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, units, err := openDB(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if users, err := db.CountUsers(ctx); err != nil {
		return err
	} else if users > 0 {
		return fmt.Errorf("the database already has accounts; load the demo into an empty database")
	}
	if *scale != "" { // demo_city.go
		_, accounts, err := LoadCityDemo(ctx, db, units, citygen.Scale(*scale), *seed, stdout)
		if err != nil {
			return err
		}
		PrintDemoAccounts(stdout, accounts)
		return nil
	}
	accounts, err := LoadDemo(ctx, db, units, *seed, *n, stdout)
	if err != nil {
		return err
	}
	PrintDemoAccounts(stdout, accounts)
	return nil
}

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage: hoctap user add --role ROLE --login LOGIN --name NAME [--commune CODE]")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	role := fs.String("role", "", "admin, city_officer, commune_officer")
	login := fs.String("login", "", "phone, email or 12-digit ID")
	name := fs.String("name", "", "display name")
	commune := fs.String("commune", "", "commune code, for a commune officer")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	r := auth.Role(*role)
	if r == "admin" {
		r = auth.RoleAdmin
	}
	if r != auth.RoleAdmin && r != auth.RoleCityOfficer && r != auth.RoleCommuneOfficer {
		return fmt.Errorf("--role must be admin, city_officer or commune_officer (other accounts are created in the web pages)")
	}
	if *name == "" {
		*name = *login
	}
	pw, err := readPassword(stdin, stdout)
	if err != nil {
		return err
	}
	db, units, err := openDB(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	g := auth.Grant{Role: r, ProvinceCode: units.Province().Code, CommuneCode: *commune}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "cli"})
	u, err := account.New(db).Create(ctx, nil, account.NewAccount{DisplayName: *name, Login: *login, Password: pw, Grant: g})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "user: created account %d (%s) with role %s\n", u.ID, u.Login(), r)
	return nil
}

// readPassword reads one line from standard input: the password is never a flag, so it stays
// out of shell history and process lists.
func readPassword(stdin io.Reader, stdout io.Writer) (string, error) {
	fmt.Fprint(stdout, "Password (mật khẩu): ")
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := stdin.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			b.WriteByte(buf[0])
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	fmt.Fprintln(stdout)
	pw := strings.TrimRight(b.String(), "\r")
	if key := auth.CheckPasswordRules(pw); key != "" {
		return "", fmt.Errorf("the password must have %d to %d characters", auth.MinPasswordLen, auth.MaxPasswordLen)
	}
	return pw, nil
}

func cmdAudit(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("usage: hoctap audit verify [--db URL] [--expect-head HASH]")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	head := fs.String("expect-head", "", "the head hash recorded earlier outside the database")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, _, err := openDB(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	for _, p := range v.Problems {
		fmt.Fprintln(stdout, "audit: "+p.String())
	}
	if *head != "" && *head != v.LastHash() {
		v.Problems = append(v.Problems, audit.Problem{Reason: "head differs from the expected hash"})
		fmt.Fprintf(stdout, "audit: the chain's head %s differs from the expected %s: the log was rewritten\n", v.LastHash(), *head)
	}
	if len(v.Problems) > 0 {
		return fmt.Errorf("audit log verification failed: %d problem(s) in %d entries", len(v.Problems), v.Count())
	}
	fmt.Fprintf(stdout, "audit: %d entries, chain intact; head %s\n", v.Count(), v.LastHash())
	return nil
}

func cmdUnits(args []string, stdout io.Writer) error {
	units, err := adminunit.LoadHanoi()
	if err != nil {
		return err
	}
	var shares []adminunit.Share
	switch {
	case len(args) == 3 && args[0] == "successors":
		shares, err = units.Successors(adminunit.Era(args[1]), args[2])
	case len(args) == 2 && args[0] == "predecessors":
		shares, err = units.Predecessors(args[1])
	default:
		return fmt.Errorf("usage: hoctap units successors ERA CODE (ERA: 2020, 2025-01) | hoctap units predecessors CODE")
	}
	if err != nil {
		return err
	}
	for _, s := range shares {
		kind := "partial"
		if s.Full {
			kind = "full"
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%.4f\n", s.Unit.Code, s.Unit.Name, kind, s.Weight)
	}
	return nil
}
