package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"hoctap/internal/i18n"
	"hoctap/internal/progress"
	"hoctap/internal/recognition"
	"hoctap/internal/report"
)

// cmdRecount counts every kept year again from the facts and lists each difference with the
// counts the writes kept; with --fix it writes the counted values. Differences without --fix
// are an error (exit 1), so a scheduled run can raise an alarm.
func cmdRecount(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("recount", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	fix := fs.Bool("fix", false, "write the counted values where they differ")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, _, err := openDB(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.Recount(ctx, *fix)
	if err != nil {
		return err
	}
	for _, d := range rep.Diffs {
		fmt.Fprintln(stdout, "recount: differs:", d)
	}
	for _, d := range rep.TotalsDiffs {
		fmt.Fprintln(stdout, "recount: commune total differs from its places:", d)
	}
	for _, d := range rep.PipelineDiffs {
		fmt.Fprintln(stdout, "recount: pipeline differs:", d)
	}
	n := len(rep.Diffs) + len(rep.TotalsDiffs) + len(rep.PipelineDiffs)
	fmt.Fprintf(stdout, "recount: years %v, %d counts compared, %d differences\n", rep.Years, rep.Counts, n)
	switch {
	case n == 0:
		return nil
	case *fix:
		fmt.Fprintln(stdout, "recount: the counted values were written")
		return nil
	}
	return fmt.Errorf("recount: %d differences between the kept counts and the facts (run with --fix to repair them)", n)
}

// cmdReport writes the annual report of the city or a commune as .xlsx or .pdf.
func cmdReport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	commune := fs.String("commune", "", "commune code; empty for the city")
	year := fs.Int("year", 0, "year (default: this year)")
	format := fs.String("format", "pdf", "pdf or xlsx")
	lang := fs.String("lang", "vi", "vi or en")
	out := fs.String("o", "", "output file (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || (*format != "pdf" && *format != "xlsx") {
		return errors.New("report: give -o FILE and --format pdf|xlsx")
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
	req := progress.Request{Level: progress.LevelCity, Year: *year}
	if *commune != "" {
		req = progress.Request{Level: progress.LevelCommune, Commune: *commune, Year: *year}
	}
	titleName := recognition.TitleName
	if *lang == "en" {
		titleName = recognition.TitleNameEN
	}
	tr := func(key string, args ...any) string { return cat.T(*lang, key, args...) }
	svc := &progress.Service{DB: db, Units: units}
	a, err := svc.Annual(ctx, nil, req, *lang, tr, titleName)
	if err != nil {
		return describe(err)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if *format == "pdf" {
		err = report.WritePDF(f, a)
	} else {
		err = report.WriteXLSX(f, a)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	fmt.Fprintf(stdout, "report: %s, %d, written to %s\n", a.UnitName, a.Year, *out)
	return nil
}
