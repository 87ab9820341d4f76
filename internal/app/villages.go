package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"hoctap/internal/audit"
	"hoctap/internal/fault"
	"hoctap/internal/i18n"
	"hoctap/internal/registry"
	"hoctap/internal/village"
)

// describe turns a domain error into Vietnamese and English text for the console.
func describe(err error) error {
	cat, cerr := i18n.Load()
	if cerr != nil {
		return err
	}
	var msgs []string
	if es := fault.FieldErrors(err); len(es) > 0 {
		for _, e := range es {
			msgs = append(msgs, e.Field+": "+cat.T("vi", e.Key, e.Args...)+" / "+cat.T("en", e.Key, e.Args...))
		}
	} else if fe, ok := fault.As(err); ok {
		msgs = append(msgs, cat.T("vi", fe.Key, fe.Args...)+" / "+cat.T("en", fe.Key, fe.Args...))
	} else {
		return err
	}
	return fmt.Errorf("%s", strings.Join(msgs, "; "))
}

// cmdVillages imports a village list for one commune from the command line, printing the same
// report as the preview page; with --dry-run nothing is written.
func cmdVillages(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("usage: hoctap villages import --commune CODE FILE [--kind thon] [--dry-run]")
	}
	fs := flag.NewFlagSet("villages import", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	commune := fs.String("commune", "", "commune code (5 digits)")
	kind := fs.String("kind", string(village.KindThon), "kind for rows without one")
	dry := fs.Bool("dry-run", false, "report only, write nothing")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("give one file: hoctap villages import --commune CODE FILE")
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
	svc := &registry.Service{DB: db, Units: units}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "cli"})
	preview, err := svc.PreviewVillageImport(ctx, nil, *commune, filepath.Base(path), data, village.Kind(*kind))
	if err != nil {
		return describe(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	for _, r := range preview.Rows {
		fmt.Fprintf(stdout, "%s row %d\t%s\t%s\n", preview.FileName, r.Number, r.Status, r.Name)
		for _, e := range r.Errors {
			fmt.Fprintf(stdout, "    %s: %s / %s\n", e.Field, cat.T("vi", e.Key, e.Args...), cat.T("en", e.Key, e.Args...))
		}
	}
	fmt.Fprintf(stdout, "%s: %d new, %d already there, %d with errors\n", preview.Commune.Name, preview.New, preview.Existing, preview.Invalid)
	if *dry || preview.New == 0 {
		return nil
	}
	if err := svc.ImportVillages(ctx, preview); err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "imported %d villages\n", preview.New)
	return nil
}
