package store

import (
	"context"
	"fmt"

	"hoctap/internal/measure"
)

// CountValues are counts by measure.
type CountValues map[measure.Count]int64

// CountTotals reads the communes' totals of the given years: year → commune → measure.
func (db *DB) CountTotals(ctx context.Context, years []int) (map[int]map[string]CountValues, error) {
	out := map[int]map[string]CountValues{}
	if len(years) == 0 {
		return out, nil
	}
	in, args := inList(years)
	rows, err := db.r().query(ctx, "SELECT year, commune_code, kind, value FROM commune_counts WHERE year IN "+in, args...)
	if err != nil {
		return nil, fmt.Errorf("store: totals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var y int
		var commune, m string
		var v int64
		if err := rows.Scan(&y, &commune, &m, &v); err != nil {
			return nil, err
		}
		if out[y] == nil {
			out[y] = map[string]CountValues{}
		}
		if out[y][commune] == nil {
			out[y][commune] = CountValues{}
		}
		out[y][commune][measure.Count(m)] = v
	}
	return out, rows.Err()
}
