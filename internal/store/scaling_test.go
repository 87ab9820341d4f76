package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"hoctap/internal/store"
	"hoctap/internal/testdb"
)

// scalingDoc is the document that says how each table distributes on Citus.
const scalingDoc = "../../SCALING.md"

// docTable is one row of SCALING.md's classification table:
// | table | kind | distribution column | co-located with | schema change for Citus |
type docTable struct {
	line               int
	name, kind, column string
	colocated, change  string
}

// readClassification finds the table whose header starts "| table | kind | distribution
// column |" and returns its rows by table name.
func readClassification(t *testing.T) map[string]docTable {
	t.Helper()
	f, err := os.Open(scalingDoc)
	if err != nil {
		t.Fatalf("SCALING.md must classify every table of the schema: %v", err)
	}
	defer f.Close()
	out := map[string]docTable{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n, inTable, found := 0, false, false
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		cells := splitRow(line)
		if !inTable {
			if len(cells) >= 3 && cells[0] == "table" && cells[1] == "kind" && cells[2] == "distribution column" {
				if found {
					t.Fatalf("%s:%d: a second classification table; keep one", scalingDoc, n)
				}
				inTable, found = true, true
			}
			continue
		}
		if cells == nil { // the end of the table
			inTable = false
			continue
		}
		if strings.Trim(strings.Join(cells, ""), "-: ") == "" { // the |---|---| line
			continue
		}
		if len(cells) != 5 {
			t.Errorf("%s:%d: a row of the classification has 5 cells (table, kind, distribution column, co-located with, schema change), not %d", scalingDoc, n, len(cells))
			continue
		}
		r := docTable{line: n, name: unquote(cells[0]), kind: cells[1], column: unquote(cells[2]), colocated: cells[3], change: cells[4]}
		if prev, dup := out[r.name]; dup {
			t.Errorf("%s:%d: table %s is classified twice (also line %d)", scalingDoc, n, r.name, prev.line)
		}
		out[r.name] = r
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("%s has no classification table (a header \"| table | kind | distribution column | co-located with | schema change for Citus |\")", scalingDoc)
	}
	return out
}

// splitRow returns the cells of a markdown table row, or nil for a line that is not one.
func splitRow(line string) []string {
	if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") || len(line) < 2 {
		return nil
	}
	parts := strings.Split(line[1:len(line)-1], "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func unquote(s string) string { return strings.Trim(s, "` ") }

var backquoted = regexp.MustCompile("`([a-z0-9_]+)`")

// migrationTables reads the tables the PostgreSQL migrations leave (CREATE TABLE, DROP TABLE,
// ALTER TABLE … RENAME TO), so that a run on SQLite also checks what Citus would see.
func migrationTables(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("migrations/postgres/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no PostgreSQL migrations found: %v", err)
	}
	sort.Strings(files)
	create := regexp.MustCompile(`(?i)\bCREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([a-z0-9_]+)"?`)
	drop := regexp.MustCompile(`(?i)\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?"?([a-z0-9_]+)"?`)
	rename := regexp.MustCompile(`(?i)\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?"?([a-z0-9_]+)"?\s+RENAME\s+TO\s+"?([a-z0-9_]+)"?`)
	comment := regexp.MustCompile(`--[^\n]*`)
	tables := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := comment.ReplaceAllString(string(b), "")
		type event struct {
			at       int
			op       string
			from, to string
		}
		var evs []event
		for _, m := range create.FindAllStringSubmatchIndex(src, -1) {
			evs = append(evs, event{m[0], "create", "", strings.ToLower(src[m[2]:m[3]])})
		}
		for _, m := range drop.FindAllStringSubmatchIndex(src, -1) {
			evs = append(evs, event{m[0], "drop", strings.ToLower(src[m[2]:m[3]]), ""})
		}
		for _, m := range rename.FindAllStringSubmatchIndex(src, -1) {
			evs = append(evs, event{m[0], "rename", strings.ToLower(src[m[2]:m[3]]), strings.ToLower(src[m[4]:m[5]])})
		}
		sort.Slice(evs, func(i, j int) bool { return evs[i].at < evs[j].at })
		for _, e := range evs {
			switch e.op {
			case "create":
				tables[e.to] = true
			case "drop":
				delete(tables, e.from)
			case "rename":
				delete(tables, e.from)
				tables[e.to] = true
			}
		}
	}
	return tables
}

// liveSchema migrates a fresh database (SQLite, or PostgreSQL with HOCTAP_TEST_POSTGRES) and
// returns its tables with their columns.
func liveSchema(t *testing.T) (dialect string, cols map[string]map[string]bool) {
	t.Helper()
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
	dialect = db.Dialect()
	var raw *sql.DB
	var tablesQ, colsQ string
	if dialect == "postgres" {
		raw, err = sql.Open("pgx", url)
		tablesQ = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
		colsQ = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1"
	} else {
		raw, err = sql.Open("sqlite", strings.TrimPrefix(url, "sqlite:"))
		tablesQ = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
		colsQ = "SELECT name FROM pragma_table_info(?)"
	}
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.QueryContext(ctx, tablesQ)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, strings.ToLower(n))
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	cols = map[string]map[string]bool{}
	for _, n := range names {
		cols[n] = map[string]bool{}
		rs, err := raw.QueryContext(ctx, colsQ, n)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var c string
			if err := rs.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols[n][strings.ToLower(c)] = true
		}
		if err := rs.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dialect, cols
}

// TestScalingClassifiesEveryTable keeps SCALING.md in step with the schema: every table of the
// migrated database and of the PostgreSQL migrations has a row saying how it distributes on
// Citus, and every row names a table that exists.
func TestScalingClassifiesEveryTable(t *testing.T) {
	doc := readClassification(t)
	dialect, cols := liveSchema(t)
	fromFiles := migrationTables(t)

	schema := map[string]string{} // table → where it was found
	for n := range cols {
		schema[n] = "the migrated " + dialect + " database"
	}
	for n := range fromFiles {
		if _, ok := schema[n]; !ok {
			schema[n] = "the PostgreSQL migrations"
		}
	}

	var missing []string
	for n, where := range schema {
		if _, ok := doc[n]; !ok {
			missing = append(missing, n+" (in "+where+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("table %s is not classified in SCALING.md §2: add a row saying whether it is distributed (by which column, co-located with what), a reference table or local, and what Citus needs changed", m)
	}

	var names []string
	for n := range doc {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		r := doc[n]
		at := scalingDoc + ":" + strconv.Itoa(r.line)
		if _, ok := schema[n]; !ok {
			t.Errorf("%s: SCALING.md classifies table %s, which is not in the schema (renamed or dropped? tables still to be created belong in the \"new table\" list)", at, n)
			continue
		}
		switch r.kind {
		case "reference", "local":
			if r.column != "—" && r.column != "-" && r.column != "" {
				t.Errorf("%s: %s is %s and has no distribution column, not %q", at, n, r.kind, r.column)
			}
		case "distributed":
			if r.column == "" || r.column == "—" || r.column == "-" {
				t.Errorf("%s: distributed table %s names no distribution column", at, n)
				break
			}
			// The column exists, or the row says the schema change adds it.
			if tc, live := cols[n]; live && !tc[r.column] && !strings.Contains(r.change, "add `"+r.column+"`") {
				t.Errorf("%s: %s has no column %s: distribute it by one it has, or say \"add `%s`\" in its schema change", at, n, r.column, r.column)
			}
			// A co-location partner is a distributed table of the same document.
			if m := backquoted.FindStringSubmatch(r.colocated); m != nil {
				p, ok := doc[m[1]]
				switch {
				case !ok:
					t.Errorf("%s: %s is co-located with %s, which the document does not classify", at, n, m[1])
				case p.kind != "distributed":
					t.Errorf("%s: %s is co-located with %s, which is %s, not distributed", at, n, m[1], p.kind)
				}
			}
		default:
			t.Errorf("%s: table %s has kind %q; use distributed, reference or local", at, n, r.kind)
		}
	}
}
