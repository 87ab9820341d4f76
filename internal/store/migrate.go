package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFiles embed.FS

// migration is one numbered, frozen SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

func (db *DB) migrations() ([]migration, error) {
	dir := path.Join("migrations", db.d.name)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: migration file %s is not named NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion returns the version the database is at (0 for an empty database) and the
// latest version this binary knows.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	ms, err := db.migrations()
	if err != nil {
		return 0, 0, err
	}
	latest = ms[len(ms)-1].version
	var exists int
	q := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
	if db.d.name == "postgres" {
		q = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
	}
	if err := db.read.QueryRowContext(ctx, q).Scan(&exists); err != nil {
		return 0, latest, fmt.Errorf("store: read schema version: %w", err)
	}
	if exists == 0 {
		return 0, latest, nil
	}
	if err := db.read.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return 0, latest, fmt.Errorf("store: read schema version: %w", err)
	}
	return current, latest, nil
}

// ErrSchemaNewer is returned when the database was written by a newer binary.
type ErrSchemaNewer struct{ Current, Latest int }

func (e ErrSchemaNewer) Error() string {
	return fmt.Sprintf("the database schema is at version %d, newer than this binary knows (%d): run a newer hoctap", e.Current, e.Latest)
}

// ErrSchemaOld is returned by CheckSchema when migrations are pending.
type ErrSchemaOld struct{ Current, Latest int }

func (e ErrSchemaOld) Error() string {
	return fmt.Sprintf("the database schema is at version %d and this binary needs %d: run `hoctap migrate` (or `hoctap serve --migrate`)", e.Current, e.Latest)
}

// CheckSchema returns nil when the schema is exactly the binary's, ErrSchemaOld or ErrSchemaNewer otherwise.
func (db *DB) CheckSchema(ctx context.Context) error {
	cur, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case cur > latest:
		return ErrSchemaNewer{cur, latest}
	case cur < latest:
		return ErrSchemaOld{cur, latest}
	}
	return nil
}

// Migrate applies the pending migrations, each in its own transaction, and returns how many ran.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	cur, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if cur > latest {
		return 0, ErrSchemaNewer{cur, latest}
	}
	ms, err := db.migrations()
	if err != nil {
		return 0, err
	}
	if _, err := db.write.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"); err != nil {
		return 0, fmt.Errorf("store: create schema_migrations: %w", err)
	}
	ran := 0
	for _, m := range ms {
		if m.version <= cur {
			continue
		}
		err := db.Write(ctx, func(tx *Tx) error {
			if _, err := tx.tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("store: migration %s: %w", m.name, err)
			}
			_, err := tx.exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, tx.now.Format("2006-01-02T15:04:05Z"))
			return err
		})
		if err != nil {
			return ran, err
		}
		ran++
	}
	return ran, nil
}
