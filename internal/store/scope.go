package store

import (
	"strings"

	"hoctap/internal/auth"
)

// scopeColumns names, for one query, the columns that locate a row; "" when the row has none.
type scopeColumns struct {
	province, commune, village, workUnit, provider, citizen string
}

// scopeWhere turns a scope into a WHERE condition over cols. A scope part whose column the
// row lacks reaches nothing, so an empty result is the safe default.
func scopeWhere(s auth.Scope, cols scopeColumns) (string, []any) {
	if s.All {
		return "1=1", nil
	}
	var parts []string
	var args []any
	add := func(col string, in string, a []any) {
		if col == "" || len(a) == 0 {
			return
		}
		parts = append(parts, col+" IN "+in)
		args = append(args, a...)
	}
	in, a := inList(s.Provinces)
	add(cols.province, in, a)
	in, a = inList(s.Communes)
	add(cols.commune, in, a)
	in, a = inList(s.Villages)
	add(cols.village, in, a)
	in, a = inList(s.WorkUnits)
	add(cols.workUnit, in, a)
	in, a = inList(s.Providers)
	add(cols.provider, in, a)
	in, a = inList(s.Citizens)
	add(cols.citizen, in, a)
	if len(parts) == 0 {
		return "1=0", nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}
