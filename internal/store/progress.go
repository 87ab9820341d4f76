package store

import (
	"context"
	"database/sql"
	"errors"
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

// PlaceCounts are the counts of one village or work unit (or the commune's own, both 0).
type PlaceCounts struct {
	Village, Unit int64
	Values        CountValues
}

// CommunePlaceCounts reads the counts of a commune's villages and units for the given years:
// year → places.
func (db *DB) CommunePlaceCounts(ctx context.Context, communeCode string, years []int) (map[int][]PlaceCounts, error) {
	out := map[int][]PlaceCounts{}
	if len(years) == 0 {
		return out, nil
	}
	in, args := inList(years)
	rows, err := db.r().query(ctx, `SELECT year, village_id, work_unit_id, kind, value FROM place_counts
		WHERE commune_code = ? AND year IN `+in+` ORDER BY year, village_id, work_unit_id`, append([]any{communeCode}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: place counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var y int
		var village, unit int64
		var kind string
		var v int64
		if err := rows.Scan(&y, &village, &unit, &kind, &v); err != nil {
			return nil, err
		}
		list := out[y]
		if n := len(list); n == 0 || list[n-1].Village != village || list[n-1].Unit != unit {
			list = append(list, PlaceCounts{Village: village, Unit: unit, Values: CountValues{}})
		}
		list[len(list)-1].Values[measure.Count(kind)] = v
		out[y] = list
	}
	return out, rows.Err()
}

// KeptYears lists the years whose counts are kept.
func (db *DB) KeptYears(ctx context.Context) ([]int, error) { return keptYears(ctx, db.r()) }

// PipelineRow is how many assessments of one cycle are in each state.
type PipelineRow struct {
	CycleID int64
	Title   string
	Year    int
	States  map[string]int64
}

// PipelineCounts reads the pipeline of the cycles of year: everywhere (commune ""), in a
// commune, or in one village of it (village ≠ 0).
func (db *DB) PipelineCounts(ctx context.Context, year int, communeCode string, villageID int64) ([]PipelineRow, error) {
	// A commune's or the city's pipeline reads the communes' totals; a village's, its own rows.
	table := "pipeline_totals"
	if villageID != 0 {
		table = "pipeline_counts"
	}
	q := `SELECT c.id, c.title, c.year, p.state, SUM(p.value) FROM cycles c JOIN ` + table + ` p ON p.cycle_id = c.id WHERE c.year = ?`
	args := []any{year}
	if communeCode != "" {
		q += " AND p.commune_code = ?"
		args = append(args, communeCode)
	}
	if villageID != 0 {
		q += " AND p.village_id = ?"
		args = append(args, villageID)
	}
	rows, err := db.r().query(ctx, q+" GROUP BY c.id, c.title, c.year, p.state ORDER BY c.id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: pipeline: %w", err)
	}
	defer rows.Close()
	var out []PipelineRow
	for rows.Next() {
		var r PipelineRow
		var state string
		var n int64
		if err := rows.Scan(&r.CycleID, &r.Title, &r.Year, &state, &n); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].CycleID != r.CycleID {
			r.States = map[string]int64{}
			out = append(out, r)
		}
		out[len(out)-1].States[state] += n
	}
	return out, rows.Err()
}

// EnsureDefaultMeasures stores the shipped measures and plans when none are stored yet.
func (db *DB) EnsureDefaultMeasures(ctx context.Context, ms []measure.Measure, plans []measure.Plan) error {
	var n int
	if err := db.r().queryRow(ctx, "SELECT COUNT(*) FROM measures").Scan(&n); err != nil {
		return fmt.Errorf("store: measures: %w", err)
	}
	if n > 0 {
		return nil
	}
	return db.Write(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM measures").Scan(&n); err != nil || n > 0 {
			return err
		}
		for i, m := range ms {
			if _, err := tx.exec(ctx, `INSERT INTO measures (code, name_vi, name_en, numerator, denominator, source, main, position, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.Code, m.NameVI, m.NameEN, string(m.Numerator), string(m.Denominator), m.Source, m.Main, i, tx.now); err != nil {
				return fmt.Errorf("store: measure %s: %w", m.Code, err)
			}
		}
		for _, p := range plans {
			if err := tx.SavePlan(ctx, p); err != nil {
				return err
			}
		}
		return tx.record(ctx, Change{Action: "measures.defaults", Entity: "measures", After: map[string]any{"measures": len(ms), "plans": len(plans)}})
	})
}

// Measures returns the stored measures in their order.
func (db *DB) Measures(ctx context.Context) ([]measure.Measure, error) {
	rows, err := db.r().query(ctx, "SELECT code, name_vi, name_en, numerator, denominator, source, main FROM measures ORDER BY position, code")
	if err != nil {
		return nil, fmt.Errorf("store: measures: %w", err)
	}
	defer rows.Close()
	var out []measure.Measure
	for rows.Next() {
		var m measure.Measure
		var num, den string
		if err := rows.Scan(&m.Code, &m.NameVI, &m.NameEN, &num, &den, &m.Source, &m.Main); err != nil {
			return nil, err
		}
		m.Numerator, m.Denominator = measure.Count(num), measure.Count(den)
		out = append(out, m)
	}
	return out, rows.Err()
}

// SaveMeasure adds a measure or changes one (its code stays).
func (tx *Tx) SaveMeasure(ctx context.Context, m measure.Measure) error {
	var before measure.Measure
	var num, den string
	err := tx.queryRow(ctx, "SELECT code, name_vi, name_en, numerator, denominator, source, main FROM measures WHERE code = ?", m.Code).
		Scan(&before.Code, &before.NameVI, &before.NameEN, &num, &den, &before.Source, &before.Main)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.exec(ctx, `INSERT INTO measures (code, name_vi, name_en, numerator, denominator, source, main, position, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM measures), ?)`,
			m.Code, m.NameVI, m.NameEN, string(m.Numerator), string(m.Denominator), m.Source, m.Main, tx.now); err != nil {
			return fmt.Errorf("store: add measure: %w", err)
		}
		return tx.record(ctx, Change{Action: "measure.create", Entity: "measure", After: m})
	case err != nil:
		return fmt.Errorf("store: measure: %w", err)
	}
	before.Numerator, before.Denominator = measure.Count(num), measure.Count(den)
	if _, err := tx.exec(ctx, `UPDATE measures SET name_vi = ?, name_en = ?, numerator = ?, denominator = ?, source = ?, main = ?, updated_at = ? WHERE code = ?`,
		m.NameVI, m.NameEN, string(m.Numerator), string(m.Denominator), m.Source, m.Main, tx.now, m.Code); err != nil {
		return fmt.Errorf("store: update measure: %w", err)
	}
	return tx.record(ctx, Change{Action: "measure.update", Entity: "measure", Before: before, After: m})
}

// StoredPlan is a plan with its id.
type StoredPlan struct {
	ID int64
	measure.Plan
}

// Plans returns the plans with their targets, in the order they were added.
func (db *DB) Plans(ctx context.Context) ([]StoredPlan, error) {
	rows, err := db.r().query(ctx, "SELECT id, code, label, name, issuer, start_year, end_year FROM plans ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: plans: %w", err)
	}
	var out []StoredPlan
	for rows.Next() {
		var p StoredPlan
		if err := rows.Scan(&p.ID, &p.Code, &p.Label, &p.Name, &p.Issuer, &p.StartYear, &p.EndYear); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	trows, err := db.r().query(ctx, "SELECT plan_id, measure, year, value, note FROM plan_targets ORDER BY plan_id, year, measure")
	if err != nil {
		return nil, fmt.Errorf("store: targets: %w", err)
	}
	defer trows.Close()
	for trows.Next() {
		var id int64
		var t measure.Target
		if err := trows.Scan(&id, &t.Measure, &t.Year, &t.Value, &t.Note); err != nil {
			return nil, err
		}
		for i := range out {
			if out[i].ID == id {
				out[i].Targets = append(out[i].Targets, t)
			}
		}
	}
	return out, trows.Err()
}

// SavePlan adds a plan or replaces one with the same code, targets included.
func (tx *Tx) SavePlan(ctx context.Context, p measure.Plan) error {
	var id int64
	err := tx.queryRow(ctx, "SELECT id FROM plans WHERE code = ?", p.Code).Scan(&id)
	action := "plan.update"
	switch {
	case errors.Is(err, sql.ErrNoRows):
		action = "plan.create"
		if id, err = tx.insert(ctx, "INSERT INTO plans (code, label, name, issuer, start_year, end_year, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			p.Code, p.Label, p.Name, p.Issuer, p.StartYear, p.EndYear, tx.now); err != nil {
			return fmt.Errorf("store: add plan: %w", err)
		}
	case err != nil:
		return fmt.Errorf("store: plan: %w", err)
	default:
		if _, err := tx.exec(ctx, "UPDATE plans SET label = ?, name = ?, issuer = ?, start_year = ?, end_year = ?, updated_at = ? WHERE id = ?",
			p.Label, p.Name, p.Issuer, p.StartYear, p.EndYear, tx.now, id); err != nil {
			return fmt.Errorf("store: update plan: %w", err)
		}
		if _, err := tx.exec(ctx, "DELETE FROM plan_targets WHERE plan_id = ?", id); err != nil {
			return fmt.Errorf("store: update plan: %w", err)
		}
	}
	for _, t := range p.Targets {
		if _, err := tx.exec(ctx, "INSERT INTO plan_targets (plan_id, measure, year, value, note) VALUES (?, ?, ?, ?, ?)",
			id, t.Measure, t.Year, t.Value, t.Note); err != nil {
			return fmt.Errorf("store: target %s %d: %w", t.Measure, t.Year, err)
		}
	}
	return tx.record(ctx, Change{Action: action, Entity: "plan", EntityID: id, After: p})
}

// PastFigure is a count reported by a unit of its time before the system.
type PastFigure struct {
	Year     int
	Era      string
	UnitCode string
	Kind     measure.Count
	Value    int64
	Source   string
}

// PastFiguresVersion changes whenever the past figures change: it lets a reader keep them.
func (db *DB) PastFiguresVersion(ctx context.Context) (string, error) {
	var n int64
	var last sql.NullString
	if err := db.r().queryRow(ctx, "SELECT COUNT(*), CAST(MAX(imported_at) AS TEXT) FROM past_figures").Scan(&n, &last); err != nil {
		return "", fmt.Errorf("store: past figures: %w", err)
	}
	return fmt.Sprintf("%d/%s", n, last.String), nil
}

// PastFigures reads the past figures of the given years (nil: all).
func (db *DB) PastFigures(ctx context.Context, years []int) ([]PastFigure, error) {
	q, args := "SELECT year, era, unit_code, kind, value, source FROM past_figures", []any(nil)
	if years != nil {
		var in string
		in, args = inList(years)
		q += " WHERE year IN " + in
	}
	rows, err := db.r().query(ctx, q+" ORDER BY year, era, unit_code, kind", args...)
	if err != nil {
		return nil, fmt.Errorf("store: past figures: %w", err)
	}
	defer rows.Close()
	var out []PastFigure
	for rows.Next() {
		var f PastFigure
		var kind string
		if err := rows.Scan(&f.Year, &f.Era, &f.UnitCode, &kind, &f.Value, &f.Source); err != nil {
			return nil, err
		}
		f.Kind = measure.Count(kind)
		out = append(out, f)
	}
	return out, rows.Err()
}

// SavePastFigures writes past figures, replacing those with the same year, era, unit and kind.
func (tx *Tx) SavePastFigures(ctx context.Context, figs []PastFigure, source string) error {
	for _, f := range figs {
		if _, err := tx.exec(ctx, `INSERT INTO past_figures (year, era, unit_code, kind, value, source, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (year, era, unit_code, kind) DO UPDATE SET value = excluded.value, source = excluded.source, imported_at = excluded.imported_at`,
			f.Year, f.Era, f.UnitCode, string(f.Kind), f.Value, source, tx.now); err != nil {
			return fmt.Errorf("store: past figure: %w", err)
		}
	}
	return tx.record(ctx, Change{Action: "past_figures.import", Entity: "past_figures", After: map[string]any{"rows": len(figs), "source": source}})
}

// CommunesOnSystem tells, per year, which communes kept that year's assessments on the
// system: their figures come from the counts; the others' from what they reported.
func (db *DB) CommunesOnSystem(ctx context.Context) (map[int]map[string]bool, error) {
	// The communes' totals, not the villages' rows: a few thousand rows on a whole city.
	rows, err := db.r().query(ctx, `SELECT DISTINCT c.year, p.commune_code FROM pipeline_totals p JOIN cycles c ON c.id = p.cycle_id WHERE p.value > 0`)
	if err != nil {
		return nil, fmt.Errorf("store: communes on the system: %w", err)
	}
	defer rows.Close()
	out := map[int]map[string]bool{}
	for rows.Next() {
		var y int
		var commune string
		if err := rows.Scan(&y, &commune); err != nil {
			return nil, err
		}
		if out[y] == nil {
			out[y] = map[string]bool{}
		}
		out[y][commune] = true
	}
	return out, rows.Err()
}

// LearningYear is what a place's people learned in a year, for the annual report.
type LearningYear struct {
	Completions, Learners, Minutes       int64 // courses completed with a provider
	Activities, ActivityMinutes          int64 // self-declared learning confirmed by an officer
	DigitalResults, DigitalConfirmations int64 // digital-skills self-assessments and confirmations
}

// LearningYear sums a year's learning in a commune ("" for the whole city).
func (db *DB) LearningYear(ctx context.Context, year int, communeCode string) (LearningYear, error) {
	var l LearningYear
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	where, args := "", []any{}
	if communeCode != "" {
		where, args = " AND commune_code = ?", []any{communeCode}
	}
	q := func(sql string, dst ...any) error {
		if err := db.r().queryRow(ctx, sql+where, append([]any{from, to}, args...)...).Scan(dst...); err != nil {
			return fmt.Errorf("store: learning of the year: %w", err)
		}
		return nil
	}
	if err := q("SELECT COUNT(*), COUNT(DISTINCT citizen_id), COALESCE(SUM(minutes), 0) FROM completions WHERE completed_on BETWEEN ? AND ?",
		&l.Completions, &l.Learners, &l.Minutes); err != nil {
		return l, err
	}
	if err := q("SELECT COUNT(*), COALESCE(SUM(minutes), 0) FROM learning_activities WHERE state = 'confirmed' AND started_on BETWEEN ? AND ?",
		&l.Activities, &l.ActivityMinutes); err != nil {
		return l, err
	}
	if err := q("SELECT COUNT(*) FROM digital_skill_results WHERE taken_on BETWEEN ? AND ?", &l.DigitalResults); err != nil {
		return l, err
	}
	return l, q("SELECT COUNT(*) FROM digital_confirmations WHERE confirmed_on BETWEEN ? AND ?", &l.DigitalConfirmations)
}

// UntrainedOfficial is an association official with no training on the criteria yet.
type UntrainedOfficial struct {
	CitizenID              int64
	Name, Branch, Position string
	CommuneCode            string
	VillageID              int64
	Village                string
	Since                  string
}

// UntrainedOfficials lists the current officials of a commune's branches ("" for the city)
// with no training recorded, by commune, branch and name.
func (db *DB) UntrainedOfficials(ctx context.Context, communeCode string) ([]UntrainedOfficial, error) {
	q := `SELECT c.id, c.full_name, b.name, m.position, b.commune_code, COALESCE(v.id, 0), COALESCE(v.name, ''), m.start_on
		FROM branch_members m JOIN branches b ON b.id = m.branch_id JOIN citizens c ON c.id = m.citizen_id
		LEFT JOIN villages v ON v.id = b.village_id
		WHERE m.is_official AND m.end_on IS NULL AND c.erased_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM trainings t WHERE t.citizen_id = c.id)`
	var args []any
	if communeCode != "" {
		q += " AND b.commune_code = ?"
		args = append(args, communeCode)
	}
	rows, err := db.r().query(ctx, q+" ORDER BY b.commune_code, b.name, c.sort_key", args...)
	if err != nil {
		return nil, fmt.Errorf("store: untrained officials: %w", err)
	}
	defer rows.Close()
	var out []UntrainedOfficial
	for rows.Next() {
		var o UntrainedOfficial
		if err := rows.Scan(&o.CitizenID, &o.Name, &o.Branch, &o.Position, &o.CommuneCode, &o.VillageID, &o.Village, &o.Since); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
