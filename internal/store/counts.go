package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/clock"
	"hoctap/internal/evaluation"
	"hoctap/internal/measure"
)

// The counts behind the dashboards: every count of internal/measure for every kept year
// and place, on the year's reference day (31 December). Each write that moves a count marks
// the place it touched (touchVillage, touchUnit, touchCommune); before the transaction commits,
// flushCounts counts those places again from the facts and writes the differences to
// place_counts and the commune's commune_counts. Recount does the same for every place
// at once and reports what differed: it must find nothing.

// countPlace is where counts are kept: a village (unit 0), a work unit (village 0), or the
// commune itself (both 0). Village 0 with unit 0 also holds residents with no village.
type countPlace struct {
	Commune string
	Village int64
	Unit    int64
	Scope   measure.Scope
}

// CountKey names one count.
type CountKey struct {
	Year    int
	Commune string
	Village int64
	Unit    int64
	Kind    measure.Count
}

// countRow is one count with the province it belongs to.
type countRow struct {
	CountKey
	Province string
	Value    int64
}

// CountDiff is a count whose stored value differs from the one counted from the facts.
type CountDiff struct {
	CountKey
	Stored, Counted int64
}

// dirtyCounts collects, during one transaction, the places whose counts may have moved and
// the first year concerned (0: every kept year).
type dirtyCounts map[countPlace]int

func (tx *Tx) touch(p countPlace, fromDay string) {
	if tx.dirty == nil {
		tx.dirty = dirtyCounts{}
	}
	year := 0
	if len(fromDay) >= 4 {
		year, _ = strconv.Atoi(fromDay[:4])
	}
	if prev, ok := tx.dirty[p]; ok && (prev == 0 || (year != 0 && prev <= year)) {
		return
	}
	tx.dirty[p] = year
}

// touchVillage marks a village's counts (residents, households, the village) from the year of
// fromDay ("" = every year). Village 0 is the commune's residents with no village.
func (tx *Tx) touchVillage(commune string, village int64, fromDay string) {
	tx.touch(countPlace{Commune: commune, Village: village, Scope: measure.ScopeVillage}, fromDay)
}

// touchUnit marks a work unit's counts (its staff, the unit).
func (tx *Tx) touchUnit(commune string, unit int64, fromDay string) {
	tx.touch(countPlace{Commune: commune, Unit: unit, Scope: measure.ScopeUnit}, fromDay)
}

// touchCommune marks the commune's own counts (clans, association officials, its title).
func (tx *Tx) touchCommune(commune string, fromDay string) {
	tx.touch(countPlace{Commune: commune, Scope: measure.ScopeCommune}, fromDay)
}

// touchPerson marks every place a person counts in: the villages they lived in, the units
// they worked in, the communes of their association branches.
func (tx *Tx) touchPerson(ctx context.Context, citizenID int64, fromDay string) error {
	rows, err := tx.query(ctx, `SELECT 'v', commune_code, COALESCE(village_id, 0) FROM residences WHERE citizen_id = ?
		UNION SELECT 'u', w.commune_code, w.id FROM work_unit_staff s JOIN work_units w ON w.id = s.work_unit_id WHERE s.citizen_id = ?
		UNION SELECT 'c', b.commune_code, 0 FROM branch_members m JOIN branches b ON b.id = m.branch_id WHERE m.citizen_id = ?`,
		citizenID, citizenID, citizenID)
	if err != nil {
		return fmt.Errorf("store: places of a person: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, commune string
		var id int64
		if err := rows.Scan(&kind, &commune, &id); err != nil {
			return err
		}
		switch kind {
		case "v":
			tx.touchVillage(commune, id, fromDay)
		case "u":
			tx.touchUnit(commune, id, fromDay)
		default:
			tx.touchCommune(commune, fromDay)
		}
	}
	return rows.Err()
}

// CountSettings are the settings the counts depend on.
type CountSettings struct {
	AdultAge  int // adult in year Y when Y − birth year ≥ AdultAge
	FirstYear int // the first year whose counts are kept
}

// CountSettings reads the settings of the counts.
func (db *DB) CountSettings(ctx context.Context) (CountSettings, error) {
	return countSettings(ctx, db.r())
}

func countSettings(ctx context.Context, r reader) (CountSettings, error) {
	s := CountSettings{AdultAge: 18, FirstYear: 2023}
	rows, err := r.query(ctx, "SELECT key, value FROM programme_settings WHERE key IN ('adult_age', 'first_year')")
	if err != nil {
		return s, fmt.Errorf("store: settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return s, err
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return s, fmt.Errorf("store: setting %s=%q: %w", k, v, err)
		}
		if k == "adult_age" {
			s.AdultAge = n
		} else {
			s.FirstYear = n
		}
	}
	return s, rows.Err()
}

// SetCountSettings changes the settings and counts every kept year again, in one transaction.
func (tx *Tx) SetCountSettings(ctx context.Context, s CountSettings) error {
	before, err := countSettings(ctx, tx.reader)
	if err != nil {
		return err
	}
	for k, v := range map[string]int{"adult_age": s.AdultAge, "first_year": s.FirstYear} {
		if _, err := tx.exec(ctx, "UPDATE programme_settings SET value = ?, updated_at = ? WHERE key = ?", strconv.Itoa(v), tx.now, k); err != nil {
			return fmt.Errorf("store: settings: %w", err)
		}
	}
	if _, err := tx.recount(ctx, true); err != nil {
		return err
	}
	return tx.record(ctx, Change{Action: "counts.settings", Entity: "programme_settings", EntityID: 0,
		Before: map[string]any{"adult_age": before.AdultAge, "first_year": before.FirstYear},
		After:  map[string]any{"adult_age": s.AdultAge, "first_year": s.FirstYear}})
}

// yearBounds returns the reference day of year ("YYYY-12-31") and the first instant after it
// in Vietnam, for comparing dates and timestamps.
func yearBounds(year int) (string, time.Time) {
	return fmt.Sprintf("%04d-12-31", year), time.Date(year+1, 1, 1, 0, 0, 0, 0, clock.Vietnam).UTC()
}

// holds is the condition "subject <alias> holds the title of kind in year ?": recognised in a
// cycle of that year or before, still valid that year.
func holds(kind, subject string) string {
	return `EXISTS (SELECT 1 FROM assessments a JOIN cycles cy ON cy.id = a.cycle_id
		WHERE a.subject_kind = '` + kind + `' AND a.subject_id = ` + subject + ` AND a.state = 'recognised' AND cy.year <= ? AND a.valid_until >= ?)`
}

// countQuery is one query that counts some kinds of one scope; filter narrows it to one
// place (its arguments follow the query's own).
type countQuery struct {
	scope  measure.Scope
	kinds  []measure.Count
	sql    func(filter string) string
	args   func(year int, s CountSettings) []any
	filter func(p countPlace) (string, []any)
}

// citizenTitle gives, for a person, 1 + 2 (digital skills) + 4 (proficient) when they hold
// Công dân học tập in the year, NULL otherwise.
const citizenTitle = `(SELECT MAX(1 + CASE WHEN a.digital_skills THEN 2 ELSE 0 END + CASE WHEN a.digital_proficient THEN 4 ELSE 0 END)
	FROM assessments a JOIN cycles cy ON cy.id = a.cycle_id
	WHERE a.subject_kind = 'citizen' AND a.subject_id = c.id AND a.state = 'recognised' AND cy.year <= ? AND a.valid_until >= ?)`

var countQueries = []countQuery{
	{
		scope: measure.ScopeVillage,
		kinds: []measure.Count{measure.Adults, measure.AdultsRecognised, measure.Recognised,
			measure.RecognisedDigital, measure.RecognisedProficient},
		sql: func(filter string) string {
			return `SELECT province_code, commune_code, village_id, 0,
				SUM(CASE WHEN adult THEN 1 ELSE 0 END),
				SUM(CASE WHEN adult AND t IS NOT NULL THEN 1 ELSE 0 END),
				SUM(CASE WHEN t IS NOT NULL THEN 1 ELSE 0 END),
				SUM(CASE WHEN (t & 2) = 2 THEN 1 ELSE 0 END),
				SUM(CASE WHEN (t & 6) = 6 THEN 1 ELSE 0 END)
			FROM (SELECT r.province_code, r.commune_code, COALESCE(r.village_id, 0) AS village_id,
					c.birth_year <= ? AS adult, ` + citizenTitle + ` AS t
				FROM residences r JOIN citizens c ON c.id = r.citizen_id
				WHERE r.start_on <= ? AND (r.end_on IS NULL OR r.end_on > ?) AND (c.erased_at IS NULL OR c.erased_at >= ?)` + filter + `) res
			GROUP BY province_code, commune_code, village_id`
		},
		args: func(y int, s CountSettings) []any {
			day, end := yearBounds(y)
			return []any{y - s.AdultAge, y, y, day, day, end}
		},
		filter: func(p countPlace) (string, []any) {
			if p.Village == 0 {
				return " AND r.commune_code = ? AND r.village_id IS NULL", []any{p.Commune}
			}
			return " AND r.commune_code = ? AND r.village_id = ?", []any{p.Commune, p.Village}
		},
	},
	{
		scope: measure.ScopeVillage,
		kinds: []measure.Count{measure.Households, measure.HouseholdsRecognised},
		sql: func(filter string) string {
			return `SELECT h.province_code, h.commune_code, h.village_id, 0, COUNT(*),
				SUM(CASE WHEN ` + holds("household", "h.id") + ` THEN 1 ELSE 0 END)
			FROM households h WHERE h.created_at < ?` + filter + `
			GROUP BY h.province_code, h.commune_code, h.village_id`
		},
		args: func(y int, s CountSettings) []any {
			_, end := yearBounds(y)
			return []any{y, y, end}
		},
		filter: func(p countPlace) (string, []any) {
			return " AND h.commune_code = ? AND h.village_id = ?", []any{p.Commune, p.Village}
		},
	},
	{
		scope: measure.ScopeVillage,
		kinds: []measure.Count{measure.Villages, measure.VillagesRecognised},
		sql: func(filter string) string {
			return `SELECT v.province_code, v.commune_code, v.id, 0, 1,
				CASE WHEN ` + holds("village", "v.id") + ` THEN 1 ELSE 0 END
			FROM villages v WHERE v.created_at < ? AND (v.retired_on IS NULL OR v.retired_on > ?)` + filter
		},
		args: func(y int, s CountSettings) []any {
			day, end := yearBounds(y)
			return []any{y, y, end, day}
		},
		filter: func(p countPlace) (string, []any) {
			return " AND v.commune_code = ? AND v.id = ?", []any{p.Commune, p.Village}
		},
	},
	{
		scope: measure.ScopeUnit,
		kinds: []measure.Count{measure.Units, measure.UnitsRecognised},
		sql: func(filter string) string {
			return `SELECT w.province_code, w.commune_code, 0, w.id, 1,
				CASE WHEN ` + holds("work_unit", "w.id") + ` THEN 1 ELSE 0 END
			FROM work_units w WHERE w.created_at < ?` + filter
		},
		args: func(y int, s CountSettings) []any {
			_, end := yearBounds(y)
			return []any{y, y, end}
		},
		filter: func(p countPlace) (string, []any) { return " AND w.id = ?", []any{p.Unit} },
	},
	{
		scope: measure.ScopeUnit,
		kinds: []measure.Count{measure.Staff, measure.StaffRecognised},
		sql: func(filter string) string {
			return `SELECT province_code, commune_code, 0, unit, COUNT(*), SUM(CASE WHEN t IS NOT NULL THEN 1 ELSE 0 END)
			FROM (SELECT DISTINCT w.province_code, w.commune_code, w.id AS unit, c.id, ` + citizenTitle + ` AS t
				FROM work_unit_staff s JOIN work_units w ON w.id = s.work_unit_id JOIN citizens c ON c.id = s.citizen_id
				WHERE s.start_on <= ? AND (s.end_on IS NULL OR s.end_on > ?) AND (c.erased_at IS NULL OR c.erased_at >= ?)` + filter + `) st
			GROUP BY province_code, commune_code, unit`
		},
		args: func(y int, s CountSettings) []any {
			day, end := yearBounds(y)
			return []any{y, y, day, day, end}
		},
		filter: func(p countPlace) (string, []any) { return " AND w.id = ?", []any{p.Unit} },
	},
	{
		scope: measure.ScopeCommune,
		kinds: []measure.Count{measure.Clans, measure.ClansRecognised},
		sql: func(filter string) string {
			return `SELECT k.province_code, k.commune_code, 0, 0, COUNT(*),
				SUM(CASE WHEN ` + holds("clan", "k.id") + ` THEN 1 ELSE 0 END)
			FROM clans k WHERE k.created_at < ?` + filter + `
			GROUP BY k.province_code, k.commune_code`
		},
		args: func(y int, s CountSettings) []any {
			_, end := yearBounds(y)
			return []any{y, y, end}
		},
		filter: func(p countPlace) (string, []any) { return " AND k.commune_code = ?", []any{p.Commune} },
	},
	{
		scope: measure.ScopeCommune,
		kinds: []measure.Count{measure.Officials, measure.OfficialsTrained},
		sql: func(filter string) string {
			return `SELECT province_code, commune_code, 0, 0, COUNT(*), SUM(trained)
			FROM (SELECT DISTINCT b.province_code, b.commune_code, c.id,
					CASE WHEN EXISTS (SELECT 1 FROM trainings t WHERE t.citizen_id = c.id AND t.trained_on <= ?) THEN 1 ELSE 0 END AS trained
				FROM branch_members m JOIN branches b ON b.id = m.branch_id JOIN citizens c ON c.id = m.citizen_id
				WHERE m.is_official AND m.start_on <= ? AND (m.end_on IS NULL OR m.end_on > ?)
				  AND (c.erased_at IS NULL OR c.erased_at >= ?)` + filter + `) o
			GROUP BY province_code, commune_code`
		},
		args: func(y int, s CountSettings) []any {
			day, end := yearBounds(y)
			return []any{day, day, day, end}
		},
		filter: func(p countPlace) (string, []any) { return " AND b.commune_code = ?", []any{p.Commune} },
	},
	{
		scope: measure.ScopeCommune,
		kinds: []measure.Count{measure.Communes, measure.CommunesRecognised},
		sql: func(filter string) string {
			return `SELECT u.province_code, u.code, 0, 0, 1,
				CASE WHEN ` + holds("commune", "CAST(u.code AS INTEGER)") + ` THEN 1 ELSE 0 END
			FROM admin_units u WHERE u.era = '2025-07' AND u.level = 'commune'` + filter
		},
		args:   func(y int, s CountSettings) []any { return []any{y, y} },
		filter: func(p countPlace) (string, []any) { return " AND u.code = ?", []any{p.Commune} },
	},
}

// countFacts counts the kinds of the queries of one scope for one year, for one place or
// (place nil) everywhere.
func countFacts(ctx context.Context, r reader, year int, s CountSettings, scope measure.Scope, place *countPlace) ([]countRow, error) {
	var out []countRow
	for _, q := range countQueries {
		if scope != "" && q.scope != scope {
			continue
		}
		filter, fargs := "", []any(nil)
		if place != nil {
			filter, fargs = q.filter(*place)
		}
		rows, err := r.query(ctx, q.sql(filter), append(q.args(year, s), fargs...)...)
		if err != nil {
			return nil, fmt.Errorf("store: count %s: %w", q.kinds[0], err)
		}
		for rows.Next() {
			var province, commune string
			var village, unit int64
			vals := make([]any, len(q.kinds))
			nums := make([]int64, len(q.kinds))
			for i := range nums {
				vals[i] = &nums[i]
			}
			if err := rows.Scan(append([]any{&province, &commune, &village, &unit}, vals...)...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: count %s: %w", q.kinds[0], err)
			}
			for i, m := range q.kinds {
				out = append(out, countRow{CountKey: CountKey{Year: year, Commune: commune, Village: village, Unit: unit, Kind: m}, Province: province, Value: nums[i]})
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// storedCounts reads the kept counts of one year for one place and scope, or everywhere.
func storedCounts(ctx context.Context, r reader, year int, scope measure.Scope, place *countPlace) (map[CountKey]countRow, error) {
	q := "SELECT province_code, commune_code, village_id, work_unit_id, kind, value FROM place_counts WHERE year = ?"
	args := []any{year}
	if place != nil {
		q += " AND commune_code = ? AND village_id = ? AND work_unit_id = ?"
		args = append(args, place.Commune, place.Village, place.Unit)
	}
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: read counts: %w", err)
	}
	defer rows.Close()
	out := map[CountKey]countRow{}
	for rows.Next() {
		var c countRow
		var m string
		if err := rows.Scan(&c.Province, &c.Commune, &c.Village, &c.Unit, &m, &c.Value); err != nil {
			return nil, err
		}
		c.Year, c.Kind = year, measure.Count(m)
		if sc, _ := measure.ScopeOf(c.Kind); scope != "" && sc != scope {
			continue
		}
		out[c.CountKey] = c
	}
	return out, rows.Err()
}

// reconcile compares counted rows with stored ones (the same year, scope and place), returns
// the differences and, when write is set, writes them and moves the commune totals by the
// same amounts. A count missing on either side is 0.
func (tx *Tx) reconcile(ctx context.Context, counted []countRow, stored map[CountKey]countRow, write bool) ([]CountDiff, error) {
	var diffs []CountDiff
	var changed []countRow
	seen := map[CountKey]bool{}
	for _, c := range counted {
		seen[c.CountKey] = true
		if s := stored[c.CountKey]; s.Value != c.Value {
			diffs = append(diffs, CountDiff{CountKey: c.CountKey, Stored: s.Value, Counted: c.Value})
			changed = append(changed, c)
		}
	}
	for k, s := range stored {
		if !seen[k] && s.Value != 0 {
			diffs = append(diffs, CountDiff{CountKey: k, Stored: s.Value, Counted: 0})
			changed = append(changed, countRow{CountKey: k, Province: s.Province, Value: 0})
		}
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].less(diffs[j]) })
	if !write {
		return diffs, nil
	}
	for _, c := range changed {
		delta := c.Value - stored[c.CountKey].Value
		if c.Value == 0 {
			if _, err := tx.exec(ctx, "DELETE FROM place_counts WHERE year = ? AND commune_code = ? AND village_id = ? AND work_unit_id = ? AND kind = ?",
				c.Year, c.Commune, c.Village, c.Unit, string(c.Kind)); err != nil {
				return nil, fmt.Errorf("store: write counts: %w", err)
			}
		} else if _, err := tx.exec(ctx, `INSERT INTO place_counts (year, province_code, commune_code, village_id, work_unit_id, kind, value)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (year, commune_code, village_id, work_unit_id, kind) DO UPDATE SET value = excluded.value`,
			c.Year, c.Province, c.Commune, c.Village, c.Unit, string(c.Kind), c.Value); err != nil {
			return nil, fmt.Errorf("store: write counts: %w", err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO commune_counts (year, province_code, commune_code, kind, value) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (year, commune_code, kind) DO UPDATE SET value = commune_counts.value + excluded.value`,
			c.Year, c.Province, c.Commune, string(c.Kind), delta); err != nil {
			return nil, fmt.Errorf("store: write totals: %w", err)
		}
	}
	return diffs, nil
}

func (d CountDiff) less(e CountDiff) bool {
	a, b := d.CountKey, e.CountKey
	if a.Year != b.Year {
		return a.Year < b.Year
	}
	if a.Commune != b.Commune {
		return a.Commune < b.Commune
	}
	if a.Village != b.Village {
		return a.Village < b.Village
	}
	if a.Unit != b.Unit {
		return a.Unit < b.Unit
	}
	return a.Kind < b.Kind
}

// keptYears lists the years whose counts are kept.
func keptYears(ctx context.Context, r reader) ([]int, error) {
	rows, err := r.query(ctx, "SELECT year FROM count_years ORDER BY year")
	if err != nil {
		return nil, fmt.Errorf("store: count years: %w", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// flushCounts counts again the places this transaction touched, for the kept years concerned.
func (tx *Tx) flushCounts(ctx context.Context) error {
	if len(tx.dirty) == 0 {
		return nil
	}
	years, err := keptYears(ctx, tx.reader)
	if err != nil || len(years) == 0 {
		return err
	}
	s, err := countSettings(ctx, tx.reader)
	if err != nil {
		return err
	}
	places := make([]countPlace, 0, len(tx.dirty))
	for p := range tx.dirty {
		places = append(places, p)
	}
	sort.Slice(places, func(i, j int) bool { // a stable order keeps lock order stable too
		a, b := places[i], places[j]
		if a.Commune != b.Commune {
			return a.Commune < b.Commune
		}
		if a.Village != b.Village {
			return a.Village < b.Village
		}
		return a.Unit < b.Unit
	})
	for _, p := range places {
		from := tx.dirty[p]
		for _, y := range years {
			if y < from {
				continue
			}
			counted, err := countFacts(ctx, tx.reader, y, s, p.Scope, &p)
			if err != nil {
				return err
			}
			stored, err := storedCounts(ctx, tx.reader, y, p.Scope, &p)
			if err != nil {
				return err
			}
			if _, err := tx.reconcile(ctx, counted, stored, true); err != nil {
				return err
			}
		}
	}
	tx.dirty = nil
	return nil
}

// EnsureCountYear starts keeping the counts of year, counted from the facts, if they are not
// kept yet. The dashboards call it for the years they show.
func (db *DB) EnsureCountYear(ctx context.Context, year int) error {
	var n int
	if err := db.r().queryRow(ctx, "SELECT COUNT(*) FROM count_years WHERE year = ?", year).Scan(&n); err != nil {
		return fmt.Errorf("store: count years: %w", err)
	}
	if n > 0 {
		return nil
	}
	return db.Write(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM count_years WHERE year = ?", year).Scan(&n); err != nil || n > 0 {
			return err
		}
		return tx.countYear(ctx, year)
	})
}

// countYear counts a whole year from the facts and starts keeping it.
func (tx *Tx) countYear(ctx context.Context, year int) error {
	s, err := countSettings(ctx, tx.reader)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM place_counts WHERE year = ?", year); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM commune_counts WHERE year = ?", year); err != nil {
		return err
	}
	counted, err := countFacts(ctx, tx.reader, year, s, "", nil)
	if err != nil {
		return err
	}
	if _, err := tx.reconcile(ctx, counted, nil, true); err != nil {
		return err
	}
	_, err = tx.exec(ctx, "INSERT INTO count_years (year, counted_at) VALUES (?, ?) ON CONFLICT (year) DO UPDATE SET counted_at = excluded.counted_at", year, tx.now)
	return err
}

// RecountReport is what Recount found.
type RecountReport struct {
	Years       []int
	Counts      int // counts compared
	Diffs       []CountDiff
	TotalsDiffs []CountDiff // commune totals that are not the sum of their rows
	// PipelineDiffs are the pipeline counts (kept by triggers) that differ from the
	// assessments, as "table cycle commune village unit state: kept N, counted M".
	PipelineDiffs []string
}

// Recount counts every kept year again from the facts and reports each difference with the
// kept counts and totals; with fix, it writes the counted values (in one transaction).
func (db *DB) Recount(ctx context.Context, fix bool) (RecountReport, error) {
	var rep RecountReport
	err := db.Write(ctx, func(tx *Tx) error {
		var err error
		rep, err = tx.recount(ctx, fix)
		return err
	})
	return rep, err
}

func (tx *Tx) recount(ctx context.Context, fix bool) (RecountReport, error) {
	var rep RecountReport
	s, err := countSettings(ctx, tx.reader)
	if err != nil {
		return rep, err
	}
	if rep.Years, err = keptYears(ctx, tx.reader); err != nil {
		return rep, err
	}
	if rep.PipelineDiffs, err = tx.pipelineDiffs(ctx, fix); err != nil {
		return rep, err
	}
	for _, y := range rep.Years {
		// Totals first: they must equal the sum of the kept rows, whatever the facts say.
		td, err := tx.totalsDiffs(ctx, y)
		if err != nil {
			return rep, err
		}
		rep.TotalsDiffs = append(rep.TotalsDiffs, td...)
		counted, err := countFacts(ctx, tx.reader, y, s, "", nil)
		if err != nil {
			return rep, err
		}
		stored, err := storedCounts(ctx, tx.reader, y, "", nil)
		if err != nil {
			return rep, err
		}
		rep.Counts += len(counted)
		d, err := tx.reconcile(ctx, counted, stored, false)
		if err != nil {
			return rep, err
		}
		rep.Diffs = append(rep.Diffs, d...)
		if fix && (len(d) > 0 || len(td) > 0) {
			if err := tx.countYear(ctx, y); err != nil {
				return rep, err
			}
		}
	}
	return rep, nil
}

// pipelineTables are the tables the assessments' triggers keep, with their keys as grouped
// from the assessments and as stored.
var pipelineTables = []struct {
	table         string
	keys, keyCols []string // in assessments, in the table
}{
	{"pipeline_counts", []string{"cycle_id", "province_code", "commune_code", "COALESCE(village_id, 0)", "COALESCE(work_unit_id, 0)", "state"},
		[]string{"cycle_id", "province_code", "commune_code", "village_id", "work_unit_id", "state"}},
	{"pipeline_totals", []string{"cycle_id", "province_code", "commune_code", "state"}, []string{"cycle_id", "province_code", "commune_code", "state"}},
}

// pipelineDiffs compares the pipeline counts with the assessments; with fix it writes the
// counted values.
func (tx *Tx) pipelineDiffs(ctx context.Context, fix bool) ([]string, error) {
	var out []string
	for _, c := range pipelineTables {
		q := `SELECT k.key, COALESCE(k.kept, 0), COALESCE(k.counted, 0) FROM (
			SELECT COALESCE(t.key, a.key) AS key, t.value AS kept, a.value AS counted
			FROM (SELECT ` + keyText(c.keyCols) + ` AS key, value FROM ` + c.table + ` WHERE value <> 0) t
			FULL OUTER JOIN (SELECT ` + keyText(c.keys) + ` AS key, COUNT(*) AS value FROM assessments GROUP BY ` + strings.Join(c.keys, ", ") + `) a ON a.key = t.key) k
			WHERE COALESCE(k.kept, 0) <> COALESCE(k.counted, 0)`
		rows, err := tx.query(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("store: pipeline recount: %w", err)
		}
		for rows.Next() {
			var key string
			var kept, counted int64
			if err := rows.Scan(&key, &kept, &counted); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, fmt.Sprintf("%s %s: kept %d, counted %d", c.table, key, kept, counted))
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	if fix && len(out) > 0 {
		if err := tx.countPipeline(ctx); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// countPipeline writes the pipeline counts again from the assessments, in one pass: the repair
// of a recount, and the end of a bulk load that wrote assessments without their triggers.
func (tx *Tx) countPipeline(ctx context.Context) error {
	for _, c := range pipelineTables {
		if _, err := tx.exec(ctx, "DELETE FROM "+c.table); err != nil {
			return fmt.Errorf("store: pipeline count: %w", err)
		}
		keys := strings.Join(c.keys, ", ")
		if _, err := tx.exec(ctx, "INSERT INTO "+c.table+" ("+strings.Join(c.keyCols, ", ")+", value) SELECT "+keys+", COUNT(*) FROM assessments GROUP BY "+keys); err != nil {
			return fmt.Errorf("store: pipeline count: %w", err)
		}
	}
	return nil
}

// keyText joins columns into one text key, the same on both engines.
func keyText(cols []string) string {
	parts := make([]string, len(cols))
	for i, p := range cols {
		parts[i] = "CAST(" + p + " AS TEXT)"
	}
	return strings.Join(parts, " || '/' || ")
}

// totalsDiffs compares the commune totals of a year with the sums of their rows.
func (tx *Tx) totalsDiffs(ctx context.Context, year int) ([]CountDiff, error) {
	rows, err := tx.query(ctx, `SELECT COALESCE(t.commune_code, s.commune_code), COALESCE(t.kind, s.kind), COALESCE(t.value, 0), COALESCE(s.value, 0)
		FROM (SELECT commune_code, kind, value FROM commune_counts WHERE year = ? AND value <> 0) t
		FULL OUTER JOIN (SELECT commune_code, kind, SUM(value) AS value FROM place_counts WHERE year = ? GROUP BY commune_code, kind) s
		ON s.commune_code = t.commune_code AND s.kind = t.kind
		WHERE COALESCE(t.value, 0) <> COALESCE(s.value, 0)`, year, year)
	if err != nil {
		return nil, fmt.Errorf("store: totals: %w", err)
	}
	defer rows.Close()
	var out []CountDiff
	for rows.Next() {
		var d CountDiff
		var m string
		if err := rows.Scan(&d.Commune, &m, &d.Stored, &d.Counted); err != nil {
			return nil, err
		}
		d.Year, d.Kind = year, measure.Count(m)
		out = append(out, d)
	}
	return out, rows.Err()
}

// String describes a difference for the recount report.
func (d CountDiff) String() string {
	var place strings.Builder
	fmt.Fprintf(&place, "%d commune %s", d.Year, d.Commune)
	if d.Village != 0 {
		fmt.Fprintf(&place, " village %d", d.Village)
	}
	if d.Unit != 0 {
		fmt.Fprintf(&place, " unit %d", d.Unit)
	}
	return fmt.Sprintf("%s %s: kept %d, counted %d", place.String(), d.Kind, d.Stored, d.Counted)
}

// titleHeld is what the counts read of an assessment: whether it is recognised, until when,
// and the digital-skills marks.
func titleHeld(a Assessment) string {
	if a.State != evaluation.StateRecognised {
		return ""
	}
	return fmt.Sprintf("%d/%t/%t", a.ValidUntil, a.DigitalSkills, a.DigitalProficient)
}

// touchSubject marks the places an assessment's subject counts in, from its cycle's year.
func (tx *Tx) touchSubject(ctx context.Context, a Assessment) error {
	var year int
	if err := tx.queryRow(ctx, "SELECT year FROM cycles WHERE id = ?", a.CycleID).Scan(&year); err != nil {
		return fmt.Errorf("store: cycle year: %w", err)
	}
	from := fmt.Sprintf("%04d-01-01", year)
	switch a.SubjectKind {
	case "citizen":
		return tx.touchPerson(ctx, a.SubjectID, from)
	case "household":
		var commune string
		var village int64
		if err := tx.queryRow(ctx, "SELECT commune_code, village_id FROM households WHERE id = ?", a.SubjectID).Scan(&commune, &village); err != nil {
			return fmt.Errorf("store: household of assessment: %w", err)
		}
		tx.touchVillage(commune, village, from)
	case "village":
		tx.touchVillage(a.CommuneCode, a.SubjectID, from)
	case "work_unit":
		tx.touchUnit(a.CommuneCode, a.SubjectID, from)
	default: // clans and the commune's own title
		tx.touchCommune(a.CommuneCode, from)
	}
	return nil
}

// touchUnitOf marks a work unit's counts, reading its commune.
func (tx *Tx) touchUnitOf(ctx context.Context, unit int64, fromDay string) error {
	var commune string
	if err := tx.queryRow(ctx, "SELECT commune_code FROM work_units WHERE id = ?", unit).Scan(&commune); err != nil {
		return fmt.Errorf("store: work unit: %w", err)
	}
	tx.touchUnit(commune, unit, fromDay)
	return nil
}
