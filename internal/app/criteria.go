package app

import (
	"context"
	"fmt"
	"io"
	"os"

	"hoctap/internal/criteria"
	"hoctap/internal/fault"
	"hoctap/internal/i18n"
)

// cmdCriteria checks a criteria-set file before it is uploaded at /criteria, or prints the
// default Learning Citizen set, the template for a new version.
func cmdCriteria(_ context.Context, args []string, stdout io.Writer) error {
	switch {
	case len(args) == 2 && args[0] == "validate":
		return validateCriteria(args[1], stdout)
	case len(args) == 1 && args[0] == "default":
		_, err := stdout.Write(criteria.DefaultJSON())
		return err
	}
	return fmt.Errorf("usage: hoctap criteria validate FILE | hoctap criteria default")
}

// validateCriteria prints a summary of a valid set, or every problem of an invalid one on its own
// line in Vietnamese and English, and then fails so that the exit status is 1.
func validateCriteria(path string, stdout io.Writer) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	set, err := criteria.Parse(data)
	if err != nil {
		problems := fault.FieldErrors(err)
		if len(problems) == 0 {
			return err
		}
		cat, cerr := i18n.Load()
		if cerr != nil {
			return cerr
		}
		for _, p := range problems {
			where := path
			if p.Field != "" {
				where += ": " + p.Field
			}
			fmt.Fprintf(stdout, "%s: %s / %s\n", where, cat.T("vi", p.Key, p.Args...), cat.T("en", p.Key, p.Args...))
		}
		return fmt.Errorf("%s: %d problem(s): the criteria set is not valid", path, len(problems))
	}
	indicators := 0
	for _, g := range set.TargetGroups {
		indicators += len(g.Indicators)
	}
	fmt.Fprintf(stdout, "%s: valid — %s, version %s, %d target groups, %d indicators\n",
		path, set.NameVI, set.Version, len(set.TargetGroups), indicators)
	if set.Provisional() {
		fmt.Fprintf(stdout, "%s: provisional — some values are draft, assumed or unknown (prov); confirm them before results are published\n", path)
	}
	return nil
}
