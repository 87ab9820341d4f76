package progress

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/measure"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
)

// mayManage tells whether pr keeps the city's plans, targets and past figures (nil: the
// command line).
func mayManage(pr *auth.Principal) bool {
	return pr == nil || pr.CanAt(auth.PermManageTargets, auth.Place{ProvinceCode: "01"})
}

// Plans returns the measures and the plans with their targets, seeding the shipped ones.
func (s *Service) Plans(ctx context.Context) ([]measure.Measure, []store.StoredPlan, error) {
	defs, plans, err := measure.Defaults()
	if err != nil {
		return nil, nil, err
	}
	if err := s.DB.EnsureDefaultMeasures(ctx, defs, plans); err != nil {
		return nil, nil, err
	}
	ms, err := s.DB.Measures(ctx)
	if err != nil {
		return nil, nil, err
	}
	ps, err := s.DB.Plans(ctx)
	return ms, ps, err
}

func (s *Service) plan(ctx context.Context, code string) ([]measure.Measure, measure.Plan, error) {
	ms, ps, err := s.Plans(ctx)
	if err != nil {
		return nil, measure.Plan{}, err
	}
	for _, p := range ps {
		if p.Code == code {
			return ms, p.Plan, nil
		}
	}
	return ms, measure.Plan{}, fault.ErrNotFound
}

// SavePlan adds a plan or changes one's name and years; its targets stay unless they fall
// outside the new years, which is refused naming them.
func (s *Service) SavePlan(ctx context.Context, pr *auth.Principal, p measure.Plan) error {
	if !mayManage(pr) {
		return fault.ErrForbidden
	}
	ms, old, err := s.plan(ctx, p.Code)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return err
	}
	p.Targets = old.Targets
	if err := measure.ValidatePlan(p, ms); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SavePlan(ctx, p) })
}

// SetTarget adds or changes one target of a plan.
func (s *Service) SetTarget(ctx context.Context, pr *auth.Principal, planCode string, t measure.Target) error {
	if !mayManage(pr) {
		return fault.ErrForbidden
	}
	ms, p, err := s.plan(ctx, planCode)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, m := range ms {
		known[m.Code] = true
	}
	if err := measure.ValidateTarget(p, t, known); err != nil {
		return err
	}
	replaced := false
	for i, x := range p.Targets {
		if x.Measure == t.Measure && x.Year == t.Year {
			p.Targets[i], replaced = t, true
		}
	}
	if !replaced {
		p.Targets = append(p.Targets, t)
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SavePlan(ctx, p) })
}

// DeleteTarget removes one target of a plan.
func (s *Service) DeleteTarget(ctx context.Context, pr *auth.Principal, planCode, measureCode string, year int) error {
	if !mayManage(pr) {
		return fault.ErrForbidden
	}
	_, p, err := s.plan(ctx, planCode)
	if err != nil {
		return err
	}
	var kept []measure.Target
	for _, x := range p.Targets {
		if x.Measure != measureCode || x.Year != year {
			kept = append(kept, x)
		}
	}
	if len(kept) == len(p.Targets) {
		return fault.ErrNotFound
	}
	p.Targets = kept
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SavePlan(ctx, p) })
}

// SaveMeasure adds a measure or changes one.
func (s *Service) SaveMeasure(ctx context.Context, pr *auth.Principal, m measure.Measure) error {
	if !mayManage(pr) {
		return fault.ErrForbidden
	}
	if err := measure.ValidateMeasure(m); err != nil {
		return err
	}
	if _, _, err := s.Plans(ctx); err != nil { // the shipped ones first, so a new code never hides them
		return err
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SaveMeasure(ctx, m) })
}

// SetSettings changes the adult age and the first kept year; every kept year is counted
// again in the same transaction.
func (s *Service) SetSettings(ctx context.Context, pr *auth.Principal, set store.CountSettings) error {
	if !mayManage(pr) {
		return fault.ErrForbidden
	}
	var es fault.Errors
	if set.AdultAge < 14 || set.AdultAge > 25 {
		es.Add("adult_age", "progress.adult_age_invalid")
	}
	if set.FirstYear < 2010 || set.FirstYear > s.CurrentYear() {
		es.Add("first_year", "progress.first_year_invalid", strconv.Itoa(s.CurrentYear()))
	}
	if err := es.Err(); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SetCountSettings(ctx, set) })
}

// pastFigureFields are the columns of a file of past figures.
var pastFigureFields = []sheet.Field{
	{Name: "year", Synonyms: []string{"năm", "nam", "year"}, Required: true},
	{Name: "unit", Synonyms: []string{"mã đơn vị", "ma don vi", "mã xã", "ma xa", "mã đvhc", "unit code", "unit"}, Required: true},
	{Name: "kind", Synonyms: []string{"số đếm", "so dem", "loại", "chỉ tiêu đếm", "count", "kind"}, Required: true},
	{Name: "value", Synonyms: []string{"giá trị", "gia tri", "số lượng", "so luong", "value"}, Required: true},
}

// ParsePastFigures reads a file of past figures — one count of one unit in one year per row,
// the unit's code being that of the arrangement of its year (the 579 communes for 2024 and
// before, today's 126 after) — and lists every problem with its row and column. A numerator
// above its denominator for the same unit and year is a problem too. Nothing is stored.
func (s *Service) ParsePastFigures(ctx context.Context, name string, data []byte) ([]store.PastFigure, fault.Errors, error) {
	ms, _, err := s.Plans(ctx)
	if err != nil {
		return nil, nil, err
	}
	return s.parsePastFigures(ms, name, data)
}

func (s *Service) parsePastFigures(ms []measure.Measure, name string, data []byte) ([]store.PastFigure, fault.Errors, error) {
	rows, err := sheet.Read(name, data, sheet.Limits{MaxRows: 200000})
	if err != nil {
		return nil, nil, err
	}
	h, err := sheet.MatchHeader(rows, pastFigureFields)
	if err != nil {
		return nil, nil, err
	}
	cur := s.CurrentYear()
	var out []store.PastFigure
	var problems fault.Errors
	where := func(r sheet.Row, field string) string {
		return fmt.Sprintf("%s:%d:%s", name, r.Number, h.Titles[h.Columns[field]])
	}
	type key struct {
		year int
		unit string
		kind measure.Count
	}
	seen := map[key]int{}
	for _, r := range rows[h.Row+1:] {
		year, err := strconv.Atoi(r.Cell(h.Columns["year"]))
		if err != nil || year < 2000 || year > cur {
			problems.Add(where(r, "year"), "progress.past.year_invalid", r.Cell(h.Columns["year"]), strconv.Itoa(cur))
			continue
		}
		era := EraOf(year)
		unit := strings.TrimSpace(r.Cell(h.Columns["unit"]))
		if u, err := s.Units.Unit(era, unit); err != nil || u.Level != adminunit.LevelCommune {
			problems.Add(where(r, "unit"), "progress.past.unit_unknown", unit, string(era), strconv.Itoa(year))
			continue
		}
		kind := measure.Count(strings.TrimSpace(r.Cell(h.Columns["kind"])))
		if _, ok := measure.ScopeOf(kind); !ok {
			problems.Add(where(r, "kind"), "progress.past.kind_unknown", string(kind))
			continue
		}
		text := strings.ReplaceAll(strings.ReplaceAll(r.Cell(h.Columns["value"]), ".", ""), " ", "")
		value, err := strconv.ParseInt(text, 10, 64)
		if err != nil || value < 0 {
			problems.Add(where(r, "value"), "progress.past.value_invalid", r.Cell(h.Columns["value"]))
			continue
		}
		k := key{year, unit, kind}
		if first, dup := seen[k]; dup {
			problems.Add(where(r, "kind"), "progress.past.duplicate", strconv.Itoa(first))
			continue
		}
		seen[k] = r.Number
		out = append(out, store.PastFigure{Year: year, Era: string(era), UnitCode: unit, Kind: kind, Value: value})
	}
	values := map[key]int64{}
	for _, f := range out {
		values[key{f.Year, f.UnitCode, f.Kind}] = f.Value
	}
	for _, f := range out {
		for _, m := range ms {
			if m.Numerator != f.Kind {
				continue
			}
			if den, ok := values[key{f.Year, f.UnitCode, m.Denominator}]; ok && f.Value > den {
				problems.Add(fmt.Sprintf("%s:%d", name, seen[key{f.Year, f.UnitCode, f.Kind}]), "progress.past.above_denominator",
					string(f.Kind), strconv.FormatInt(f.Value, 10), string(m.Denominator), strconv.FormatInt(den, 10))
			}
		}
	}
	if len(out) == 0 && len(problems) == 0 {
		problems.Add(name, "progress.past.empty")
	}
	return out, problems, nil
}

// PastFiguresImport is the kind of pending import a checked file of past figures is kept as.
const PastFiguresImport = "past_figures"

// ConfirmPastFigures stores the past figures of a checked file kept as pending import id, in
// the transaction that takes it: the file is checked again and, if it has a problem, nothing
// is stored and the file stays pending.
func (s *Service) ConfirmPastFigures(ctx context.Context, pr *auth.Principal, id int64) (int, error) {
	if pr == nil || !mayManage(pr) {
		return 0, fault.ErrForbidden
	}
	ms, _, err := s.Plans(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		p, err := tx.TakePendingImport(ctx, id, pr.UserID, PastFiguresImport)
		if err != nil {
			return err
		}
		figs, problems, err := s.parsePastFigures(ms, p.FileName, p.Payload)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			return problems
		}
		n = len(figs)
		return tx.SavePastFigures(ctx, figs, p.FileName)
	})
	return n, err
}
