package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/i18n"
	"hoctap/internal/people"
	"hoctap/internal/registry"
	"hoctap/internal/store"
)

// cmdImport imports a roster from the command line, printing the same report as the preview.
func cmdImport(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "citizens" {
		return fmt.Errorf("usage: hoctap import citizens --commune CODE FILE [--village NAME] [--consent-collected] [--dry-run]")
	}
	fs := flag.NewFlagSet("import citizens", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	commune := fs.String("commune", "", "commune code (5 digits)")
	villageName := fs.String("village", "", "village for rows without a village column")
	consent := fs.Bool("consent-collected", false, "the people's signed consent forms are held (required to write)")
	dry := fs.Bool("dry-run", false, "report only, write nothing")
	lang := fs.String("lang", "vi", "language of the report: vi or en")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("give one file: hoctap import citizens --commune CODE FILE")
	}
	path := fs.Arg(0)
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	db, units, err := openDB(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	svc := &registry.Service{DB: db, Units: units}
	opt := registry.CitizenImportOptions{ConsentAttested: *consent}
	if *villageName != "" {
		vs, err := db.ListVillages(ctx, store.VillageFilter{Scope: scopeOfCommune(*commune), CommuneCode: *commune})
		if err != nil {
			return err
		}
		for _, v := range vs {
			if people.FoldName(v.Name) == people.FoldName(*villageName) {
				opt.DefaultVillage = v.ID
			}
		}
		if opt.DefaultVillage == 0 {
			return fmt.Errorf("commune %s has no village %q", *commune, *villageName)
		}
	}
	if !*dry && !*consent {
		return fmt.Errorf("add --consent-collected to confirm that the people's signed consent forms are held, or use --dry-run")
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "cli"})
	imp, err := svc.ImportCitizens(ctx, *commune, filepath.Base(path), data, opt, *dry)
	if err != nil {
		return describe(err)
	}
	T := func(key string, a ...any) string { return cat.T(*lang, key, a...) }
	for _, w := range imp.Warnings {
		fmt.Fprintf(stdout, "%s: %s\n", imp.FileName, T(w.Key, w.Args...))
	}
	if len(imp.Missing) > 0 {
		return fmt.Errorf("%s: no column for %v: rename the header or use the web page to map the columns", imp.FileName, imp.Missing)
	}
	for _, r := range imp.Rows {
		if len(r.Errors) == 0 && len(r.Warnings) == 0 {
			continue
		}
		for _, e := range r.Errors {
			fmt.Fprintf(stdout, "%s row %d, %s: %s\n", imp.FileName, r.Number, columnName(imp.Columns, imp.Titles, e.Field), T(e.Key, e.Args...))
		}
		for _, e := range r.Warnings {
			fmt.Fprintf(stdout, "%s row %d, %s (warning): %s\n", imp.FileName, r.Number, columnName(imp.Columns, imp.Titles, e.Field), T(e.Key, e.Args...))
		}
	}
	verb := "written"
	if *dry {
		verb = "to write (dry run: nothing written)"
	}
	fmt.Fprintf(stdout, "%s: %d rows: %d new, %d updated, %d unchanged, %d with errors — %s; read in %s\n", imp.Commune.Name, len(imp.Rows),
		imp.Counts[registry.StatusNew], imp.Counts[registry.StatusUpdate], imp.Counts[registry.StatusUnchanged], imp.Counts[registry.StatusError], verb, imp.Elapsed.Round(1e6))
	return nil
}

// columnName names the column of the file a field comes from: "column D (Ngày sinh)".
func columnName(columns map[string]int, titles []string, field string) string {
	col, ok := columns[field]
	if !ok {
		return field
	}
	letter := ""
	for i := col + 1; i > 0; i = (i - 1) / 26 {
		letter = string(rune('A'+(i-1)%26)) + letter
	}
	title := ""
	if col < len(titles) {
		title = titles[col]
	}
	return fmt.Sprintf("column %s (%s)", letter, title)
}

// cmdExport exports a commune's list of people.
func cmdExport(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "citizens" {
		return fmt.Errorf("usage: hoctap export citizens --commune CODE [--format xlsx|csv] [-o FILE] [--unmask]")
	}
	fs := flag.NewFlagSet("export citizens", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	commune := fs.String("commune", "", "commune code (5 digits)")
	format := fs.String("format", "xlsx", "xlsx or csv")
	out := fs.String("o", "", "output file (default: standard output)")
	unmask := fs.Bool("unmask", false, "full personal ID numbers (recorded in the audit log)")
	lang := fs.String("lang", "vi", "language of the column titles: vi or en")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *format != "xlsx" && *format != "csv" {
		return fmt.Errorf("--format must be xlsx or csv")
	}
	db, units, err := openDB(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "cli"})
	svc := &registry.Service{DB: db, Units: units}
	n, err := svc.ExportCitizens(ctx, nil, registry.ExportRequest{Format: registry.ExportFormat(*format), Unmask: *unmask, Commune: *commune,
		T: func(key string, a ...any) string { return cat.T(*lang, key, a...) }}, w)
	if err != nil {
		return describe(err)
	}
	if *out != "" {
		fmt.Fprintf(stdout, "exported %d people to %s\n", n, *out)
	}
	return nil
}

// scopeOfCommune is the scope of the command line working on one commune.
func scopeOfCommune(code string) auth.Scope { return auth.Scope{Communes: []string{code}} }
