package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"hoctap/internal/audit"
	"hoctap/internal/fault"
	"hoctap/internal/i18n"
	"hoctap/internal/registry"
)

// orgImportCommands are the imports into an existing organisation, by the word the command
// line uses: the registry's kind, the flag naming the organisation, and what it is.
var orgImportCommands = map[string]struct{ kind, flag, what string }{
	"staff":           {registry.OrgImportStaff, "work-unit", "work unit"},
	"members":         {registry.OrgImportBranchMembers, "branch", "association branch"},
	"clan-households": {registry.OrgImportClanHouseholds, "clan", "clan"},
}

const orgImportUsage = "usage: hoctap import staff --work-unit ID FILE [--dry-run] | hoctap import members --branch ID FILE [--dry-run] | hoctap import clan-households --clan ID FILE [--dry-run]"

// cmdImportOrgs imports a list into an existing organisation from the command line, printing
// the same report as the preview page; with --dry-run nothing is written:
//
//	hoctap import staff --work-unit ID FILE [--dry-run]
//	hoctap import members --branch ID FILE [--dry-run]
//	hoctap import clan-households --clan ID FILE [--dry-run]
//
// kind is "staff", "members" or "clan-households"; args are the words after it (a leading
// repetition of kind is skipped). Flags may come before or after the file.
func cmdImportOrgs(ctx context.Context, kind string, args []string, stdout io.Writer) error {
	cmd, ok := orgImportCommands[kind]
	if !ok {
		return errors.New(orgImportUsage)
	}
	if len(args) > 0 && args[0] == kind {
		args = args[1:]
	}
	fs := flag.NewFlagSet("import "+kind, flag.ContinueOnError)
	dbURL := dbFlag(fs)
	id := fs.Int64(cmd.flag, 0, "id of the "+cmd.what+" (the number in its page's address)")
	dry := fs.Bool("dry-run", false, "report only, write nothing")
	lang := fs.String("lang", "vi", "language of the report: vi or en")
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 || *id <= 0 {
		return fmt.Errorf("give the %s with --%s ID and one file: hoctap import %s --%s ID FILE [--dry-run]", cmd.what, cmd.flag, kind, cmd.flag)
	}
	path := files[0]
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
	ctx = audit.WithActor(ctx, audit.Actor{Name: "cli"})
	svc := &registry.Service{DB: db, Units: units}
	imp, err := svc.ImportOrg(ctx, cmd.kind, *id, filepath.Base(path), data, *dry)
	if errors.Is(err, fault.ErrNotFound) {
		return fmt.Errorf("there is no %s %d", cmd.what, *id)
	}
	if err != nil {
		return describe(err)
	}
	T := func(key string, a ...any) string { return cat.T(*lang, key, a...) }
	for _, w := range imp.Warnings {
		fmt.Fprintf(stdout, "%s: %s\n", imp.FileName, T(w.Key, w.Args...))
	}
	for _, r := range imp.Rows {
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
	fmt.Fprintf(stdout, "%s: %d rows: %d new, %d updated, %d unchanged, %d with errors — %s; read in %s\n", imp.TargetName, len(imp.Rows),
		imp.Counts[registry.StatusNew], imp.Counts[registry.StatusUpdate], imp.Counts[registry.StatusUnchanged], imp.Counts[registry.StatusError], verb, imp.Elapsed.Round(1e6))
	return nil
}
