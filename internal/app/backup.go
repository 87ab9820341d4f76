package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// The backup and restore commands. A backup is the whole platform: evidence files and other
// uploads are rows of the database (table blobs), so there are no files beside it to save.
// On SQLite a backup is a SQLite file written by VACUUM INTO; on PostgreSQL it is a
// pg_dump archive in the custom format. Either is taken while the server runs.

// pgDumpMagic starts every pg_dump archive in the custom format.
var pgDumpMagic = []byte("PGDMP")

// cmdBackup writes a consistent copy of the database to a new file and prints what it holds.
func cmdBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	force := fs.Bool("force", false, "replace FILE if it exists")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: hoctap backup [--db URL] [--force] FILE")
	}
	file := fs.Arg(0)
	if !*force {
		if _, err := os.Stat(file); err == nil {
			return describe(fault.New(fault.Conflict, "backup.file_exists", file))
		}
	}
	start := time.Now()
	var sum store.Summary
	var err error
	switch store.Engine(*dbURL) {
	case "sqlite":
		sum, err = backupSQLite(ctx, *dbURL, file, *force, stdout)
	case "postgres":
		sum, err = backupPostgres(ctx, *dbURL, file, *force, stdout)
	default:
		_, err = store.Open(ctx, *dbURL, nil) // says what a database URL looks like
	}
	if err != nil {
		return describe(err)
	}
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup: saved %s to %s: %s in %s\n", store.Redact(*dbURL), file, humanBytes(st.Size()), time.Since(start).Round(time.Millisecond))
	printSummary(stdout, "backup", sum)
	fmt.Fprintf(stdout, "backup: keep the head hash apart from the backup; after a restore, `hoctap audit verify --expect-head %s` shows the log is the one saved\n", sum.AuditHead)
	return nil
}

func backupSQLite(ctx context.Context, dbURL, file string, force bool, stdout io.Writer) (store.Summary, error) {
	path := store.SQLitePath(dbURL)
	// store.Open would create a missing file: a backup must not.
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		return store.Summary{}, fault.New(fault.NotFound, "backup.source_missing", dbURL)
	}
	db, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		return store.Summary{}, err
	}
	defer db.Close()
	if err := checkSource(ctx, db, dbURL); err != nil {
		return store.Summary{}, err
	}
	total, err := db.SizeBytes(ctx)
	if err != nil {
		return store.Summary{}, err
	}
	tmp := file + ".tmp"
	if err := removeIfExists(tmp); err != nil { // left by an interrupted backup
		return store.Summary{}, err
	}
	stop := showProgress(stdout, "backup", tmp, total, progressEvery)
	err = db.BackupSQLite(ctx, tmp)
	stop()
	if err != nil {
		_ = os.Remove(tmp) // the error worth reporting is the copy's
		return store.Summary{}, err
	}
	sum, err := sqliteFileSummary(ctx, tmp, false)
	if err == nil {
		err = os.Chmod(tmp, backupMode)
	}
	if err == nil {
		err = placeFile(tmp, file, force)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return store.Summary{}, err
	}
	return sum, nil
}

// sqliteFileSummary opens a SQLite file read-only and returns its summary; with check it also
// runs the integrity check and verifies the audit chain.
func sqliteFileSummary(ctx context.Context, path string, check bool) (store.Summary, error) {
	db, err := store.OpenSQLiteFile(ctx, path)
	if err != nil {
		return store.Summary{}, err
	}
	defer db.Close()
	if check {
		if err := db.IntegrityCheck(ctx); err != nil {
			return store.Summary{}, fault.New(fault.Invalid, "restore.integrity_failed", path, oneLine(err))
		}
		if err := verifyChain(ctx, db, path); err != nil {
			return store.Summary{}, err
		}
	}
	return db.Summary(ctx)
}

func verifyChain(ctx context.Context, db *store.DB, name string) error {
	v, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if len(v.Problems) > 0 {
		return fault.New(fault.Invalid, "restore.audit_broken", name, len(v.Problems), v.Problems[0].String())
	}
	return nil
}

// checkSource refuses to back up an empty database or one written by a newer binary.
func checkSource(ctx context.Context, db *store.DB, dbURL string) error {
	cur, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if cur == 0 {
		return fault.New(fault.Invalid, "backup.source_empty", store.Redact(dbURL))
	}
	if cur > latest {
		return store.ErrSchemaNewer{Current: cur, Latest: latest}
	}
	return nil
}

func backupPostgres(ctx context.Context, dbURL, file string, force bool, stdout io.Writer) (store.Summary, error) {
	pgDump, err := findTool("pg_dump")
	if err != nil {
		return store.Summary{}, err
	}
	db, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		return store.Summary{}, err
	}
	defer db.Close()
	if err := checkSource(ctx, db, dbURL); err != nil {
		return store.Summary{}, err
	}
	tmp := file + ".tmp"
	if err := removeIfExists(tmp); err != nil {
		return store.Summary{}, err
	}
	connURL, env := libpqConn(dbURL)
	// pg_dump reads the snapshot that the summary counted: both describe the same instant.
	sum, err := db.ExportSnapshot(ctx, func(snapshot string) error {
		stop := showProgress(stdout, "backup", tmp, 0, progressEvery)
		defer stop()
		return runTool(ctx, pgDump, env, nil, "--format=custom", "--snapshot="+snapshot, "--file="+tmp, "--dbname="+connURL)
	})
	if err == nil {
		err = os.Chmod(tmp, backupMode)
	}
	if err == nil {
		err = placeFile(tmp, file, force)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return store.Summary{}, err
	}
	return sum, nil
}

// backupMode keeps a backup to its owner: it holds personal data, password hashes and the
// private key that signs certificates.
const backupMode = 0o600

// cmdRestore puts a backup into an empty location and checks it.
func cmdRestore(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: hoctap restore [--db URL] FILE")
	}
	file := fs.Arg(0)
	start := time.Now()
	kind, err := backupKind(file)
	if err != nil {
		return describe(err)
	}
	var sum store.Summary
	switch store.Engine(*dbURL) {
	case "sqlite":
		sum, err = restoreSQLite(ctx, kind, file, *dbURL, stdout)
	case "postgres":
		sum, err = restorePostgres(ctx, kind, file, *dbURL, stdout)
	default:
		_, err = store.Open(ctx, *dbURL, nil)
	}
	if err != nil {
		return describe(err)
	}
	checked := "audit chain intact"
	if store.Engine(*dbURL) == "sqlite" {
		checked = "integrity checked, " + checked
	}
	fmt.Fprintf(stdout, "restore: restored %s into %s in %s; %s\n", file, store.Redact(*dbURL), time.Since(start).Round(time.Millisecond), checked)
	printSummary(stdout, "restore", sum)
	return nil
}

// backupKind tells from its first bytes whether file is a SQLite backup or a pg_dump archive.
func backupKind(file string) (string, error) {
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		return "", fault.New(fault.NotFound, "restore.file_missing", file)
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return "", fault.New(fault.Invalid, "restore.not_backup", file)
	}
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	switch {
	case store.IsSQLiteFile(head[:n]):
		return "sqlite", nil
	case bytes.HasPrefix(head[:n], pgDumpMagic):
		return "postgres", nil
	}
	return "", fault.New(fault.Invalid, "restore.not_backup", file)
}

func restoreSQLite(ctx context.Context, kind, file, dbURL string, stdout io.Writer) (store.Summary, error) {
	if kind != "sqlite" {
		return store.Summary{}, fault.New(fault.Invalid, "restore.wrong_engine", file, "PostgreSQL (pg_dump)", "postgres://…")
	}
	// A database in use keeps recent commits in its write-ahead log: copying the main file
	// alone would lose them. A file written by `hoctap backup` has no log.
	if nonEmptyFile(file + "-wal") {
		return store.Summary{}, fault.New(fault.Invalid, "restore.live_database", file)
	}
	if err := checkBackupSchema(ctx, file); err != nil {
		return store.Summary{}, err
	}
	target := store.SQLitePath(dbURL)
	if target == "" {
		_, err := store.Open(ctx, dbURL, nil)
		return store.Summary{}, err
	}
	if err := checkEmptySQLite(ctx, target); err != nil {
		return store.Summary{}, err
	}
	// Copy beside the target, check the copy, then move it into place in one rename: the
	// target is either untouched or the whole backup, never half a file.
	tmp, err := copyBeside(ctx, file, target)
	if err != nil {
		return store.Summary{}, err
	}
	fail := func(err error) (store.Summary, error) {
		_ = os.Remove(tmp) // the error worth reporting is err
		return store.Summary{}, err
	}
	if _, err := sqliteFileSummary(ctx, tmp, true); err != nil {
		return fail(err)
	}
	// A size-zero or empty target database may have left an empty log and index; they belong
	// to the file being replaced.
	for _, side := range []string{target + "-wal", target + "-shm"} {
		if err := removeIfExists(side); err != nil {
			return fail(err)
		}
	}
	if err := placeFile(tmp, target, exists(target)); err != nil {
		return fail(err)
	}
	db, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		return store.Summary{}, err
	}
	defer db.Close()
	return restoredSummary(ctx, db, stdout)
}

// restoredSummary reads the summary of the restored database and says when it needs migrating.
func restoredSummary(ctx context.Context, db *store.DB, stdout io.Writer) (store.Summary, error) {
	cur, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return store.Summary{}, err
	}
	if cur < latest {
		fmt.Fprintf(stdout, "restore: the backup's schema is at version %d and this binary's at %d: run `hoctap migrate --db %s` before serving\n", cur, latest, db.URL)
	}
	return db.Summary(ctx)
}

// checkBackupSchema refuses a SQLite file without hoctap's tables or with a newer schema.
func checkBackupSchema(ctx context.Context, file string) error {
	db, err := store.OpenSQLiteFile(ctx, file)
	if err != nil {
		return fault.New(fault.Invalid, "restore.not_backup", file)
	}
	defer db.Close()
	tables, err := db.Tables(ctx)
	if err != nil {
		return fault.New(fault.Invalid, "restore.not_backup", file)
	}
	if !slices.Contains(tables, "schema_migrations") || !slices.Contains(tables, "audit_log") {
		return fault.New(fault.Invalid, "restore.not_backup", file)
	}
	cur, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return fault.New(fault.Invalid, "restore.not_backup", file)
	}
	return checkVersion(file, cur, latest)
}

func checkVersion(file string, cur, latest int) error {
	if cur == 0 {
		return fault.New(fault.Invalid, "restore.not_backup", file)
	}
	if cur > latest {
		return fault.New(fault.Invalid, "restore.schema_newer", file, cur, latest)
	}
	return nil
}

// checkEmptySQLite accepts a target that does not exist, an empty file or a database without
// tables, and refuses anything else.
func checkEmptySQLite(ctx context.Context, target string) error {
	if nonEmptyFile(target + "-wal") {
		return fault.New(fault.Conflict, "restore.target_not_empty", "sqlite:"+target, target+"-wal")
	}
	st, err := os.Stat(target)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fault.New(fault.Conflict, "restore.target_not_empty", "sqlite:"+target, st.Mode().Type().String())
	}
	if st.Size() == 0 {
		return nil
	}
	db, err := store.OpenSQLiteFile(ctx, target)
	if err != nil {
		return fault.New(fault.Conflict, "restore.target_not_empty", "sqlite:"+target, humanBytes(st.Size()))
	}
	defer db.Close()
	tables, err := db.Tables(ctx)
	if err != nil {
		return err
	}
	if len(tables) > 0 {
		return fault.New(fault.Conflict, "restore.target_not_empty", "sqlite:"+target, tableList(tables))
	}
	return nil
}

func restorePostgres(ctx context.Context, kind, file, dbURL string, stdout io.Writer) (store.Summary, error) {
	if kind != "postgres" {
		return store.Summary{}, fault.New(fault.Invalid, "restore.wrong_engine", file, "SQLite", "sqlite:PATH")
	}
	pgRestore, err := findTool("pg_restore")
	if err != nil {
		return store.Summary{}, err
	}
	cur, err := dumpSchemaVersion(ctx, pgRestore, file)
	if err != nil {
		return store.Summary{}, err
	}
	db, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		return store.Summary{}, err
	}
	defer db.Close()
	_, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return store.Summary{}, err
	}
	if err := checkVersion(file, cur, latest); err != nil {
		return store.Summary{}, err
	}
	tables, err := db.Tables(ctx)
	if err != nil {
		return store.Summary{}, err
	}
	if len(tables) > 0 {
		return store.Summary{}, fault.New(fault.Conflict, "restore.target_not_empty", db.URL, tableList(tables))
	}
	// --single-transaction with --exit-on-error: a failed restore leaves the database empty.
	// --no-owner and --no-privileges: the roles of the saved server need not exist here; the
	// restored tables belong to the user of --db.
	connURL, env := libpqConn(dbURL)
	stop := showProgress(stdout, "restore", "", 0, progressEvery)
	err = runTool(ctx, pgRestore, env, nil, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--dbname="+connURL, file)
	stop()
	if err != nil {
		return store.Summary{}, err
	}
	if err := verifyChain(ctx, db, db.URL); err != nil {
		return store.Summary{}, err
	}
	// Fresh planner statistics, as after an import: the restored tables have none yet.
	if err := db.Optimize(ctx); err != nil {
		return store.Summary{}, err
	}
	return restoredSummary(ctx, db, stdout)
}

// dumpSchemaVersion reads the highest applied migration out of a pg_dump archive, which also
// shows that the archive is one of hoctap's.
func dumpSchemaVersion(ctx context.Context, pgRestore, file string) (int, error) {
	var out bytes.Buffer
	if err := runTool(ctx, pgRestore, nil, &out, "--data-only", "--table=schema_migrations", "--file=-", file); err != nil {
		return 0, fault.New(fault.Invalid, "restore.not_backup", file)
	}
	max, inCopy := 0, false
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "COPY ") && strings.Contains(line, "schema_migrations"):
			inCopy = true
		case inCopy && line == `\.`:
			inCopy = false
		case inCopy:
			v, _, _ := strings.Cut(line, "\t")
			if n, err := strconv.Atoi(v); err == nil && n > max {
				max = n
			}
		}
	}
	return max, sc.Err()
}

// findTool finds a PostgreSQL client program on PATH.
func findTool(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fault.New(fault.NotFound, "backup.tool_missing", name)
	}
	return p, nil
}

// runTool runs a PostgreSQL client program; its last lines of error output become the message.
func runTool(ctx context.Context, path string, env []string, stdout io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if lines := strings.Split(msg, "\n"); len(lines) > 3 {
			msg = strings.Join(lines[len(lines)-3:], " ")
		}
		if msg == "" {
			msg = err.Error()
		}
		return fault.New(fault.Internal, "backup.tool_failed", filepath.Base(path), strings.ReplaceAll(msg, "\n", " "))
	}
	return nil
}

// libpqConn turns a database URL into a connection string for pg_dump and pg_restore: the
// password goes into PGPASSWORD rather than the command line, where other users of the
// machine could read it.
func libpqConn(dbURL string) (string, []string) {
	u, err := url.Parse(dbURL)
	if err != nil || u.User == nil {
		return dbURL, nil
	}
	pw, ok := u.User.Password()
	if !ok {
		return dbURL, nil
	}
	u.User = url.User(u.User.Username())
	return u.String(), []string{"PGPASSWORD=" + pw}
}

// progressEvery is how often a long backup or restore says how far it is.
const progressEvery = 3 * time.Second

// showProgress prints, every so often during a long copy, how much has been written; it
// returns the function that stops it. With no file to watch it prints the elapsed time.
func showProgress(w io.Writer, verb, file string, total int64, every time.Duration) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				elapsed := time.Since(start).Round(time.Second)
				st, err := os.Stat(file)
				switch {
				case file == "" || err != nil:
					fmt.Fprintf(w, "%s: working… %s\n", verb, elapsed)
				case total > 0:
					fmt.Fprintf(w, "%s: %s written of about %s (%d%%), %s\n", verb, humanBytes(st.Size()), humanBytes(total), min(99, 100*st.Size()/total), elapsed)
				default:
					fmt.Fprintf(w, "%s: %s written, %s\n", verb, humanBytes(st.Size()), elapsed)
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

func printSummary(w io.Writer, verb string, s store.Summary) {
	fmt.Fprintf(w, "%s: schema version %d; %d citizens, %d households, %d assessments, %d evidence files, %d blobs (%s), %d audit entries\n",
		verb, s.SchemaVersion, s.Citizens, s.Households, s.Assessments, s.Evidence, s.Blobs, humanBytes(s.BlobBytes), s.AuditEntries)
	fmt.Fprintf(w, "%s: audit head %s (entry %d)\n", verb, s.AuditHead, s.AuditHeadID)
}

// placeFile moves tmp to dst and makes the move durable. Without replace it never overwrites:
// a hard link fails when dst has appeared meanwhile.
func placeFile(tmp, dst string, replace bool) error {
	if err := syncFile(tmp); err != nil {
		return err
	}
	if replace {
		if err := os.Rename(tmp, dst); err != nil {
			return err
		}
	} else {
		err := os.Link(tmp, dst)
		switch {
		case errors.Is(err, os.ErrExist):
			return fault.New(fault.Conflict, "backup.file_exists", dst)
		case err != nil: // a file system without hard links
			if _, serr := os.Stat(dst); serr == nil {
				return fault.New(fault.Conflict, "backup.file_exists", dst)
			}
			if err := os.Rename(tmp, dst); err != nil {
				return err
			}
		default:
			if err := os.Remove(tmp); err != nil {
				return err
			}
		}
	}
	return syncDir(filepath.Dir(dst))
}

// copyBeside copies src into a new hidden file in the folder of dst and returns its name.
func copyBeside(ctx context.Context, src, dst string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".restore-*")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(out, readerCtx{ctx, in})
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(out.Name()) // the copy's error is the one to report
		return "", err
	}
	return out.Name(), nil
}

// readerCtx stops a copy when the command is interrupted.
type readerCtx struct {
	ctx context.Context
	r   io.Reader
}

func (r readerCtx) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // some file systems do not sync folders; the rename itself is done
	return nil
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func nonEmptyFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Size() > 0
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// tableList names the first few tables of a database that is not empty.
func tableList(tables []string) string {
	if len(tables) > 3 {
		return strings.Join(tables[:3], ", ") + ", … (" + strconv.Itoa(len(tables)) + ")"
	}
	return strings.Join(tables, ", ")
}

// humanBytes writes a size in kB, MB or GB (powers of 1000, as disks are sold).
func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}
