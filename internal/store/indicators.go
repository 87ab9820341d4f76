package store

import (
	"context"
	"fmt"

	"hoctap/internal/indicator"
)

// MeasureValues are counts by measure.
type MeasureValues map[indicator.Measure]int64

// CountTotals reads the communes' totals of the given years: year → commune → measure.
func (db *DB) CountTotals(ctx context.Context, years []int) (map[int]map[string]MeasureValues, error) {
	out := map[int]map[string]MeasureValues{}
	if len(years) == 0 {
		return out, nil
	}
	in, args := inList(years)
	rows, err := db.r().query(ctx, "SELECT year, commune_code, measure, value FROM indicator_totals WHERE year IN "+in, args...)
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
			out[y] = map[string]MeasureValues{}
		}
		if out[y][commune] == nil {
			out[y][commune] = MeasureValues{}
		}
		out[y][commune][indicator.Measure(m)] = v
	}
	return out, rows.Err()
}
