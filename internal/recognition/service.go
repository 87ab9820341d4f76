// Package recognition runs the yearly recognition of the Công dân học tập title: criteria sets
// and cycles, pledges, self-assessments with evidence (by the person or assisted), verification,
// appraisal, recognition decisions, certificates and their public verification. Pages and
// commands call the same methods; each checks the caller's grants before touching the store,
// and a nil principal is the command line, acting with the server's own rights.
package recognition

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// TitleLearningCitizen is the glossary code of the individual title.
const TitleLearningCitizen = "learning_citizen"

// Service is the recognition workflow over a store.
type Service struct {
	DB    *store.DB
	Units *adminunit.Map

	sets sync.Map // criteria set id → *criteria.Set; stored versions never change
}

// ict is Asia/Ho_Chi_Minh, where deadlines are days.
var ict = time.FixedZone("ICT", 7*60*60)

// Today is the current day in Asia/Ho_Chi_Minh as yyyy-mm-dd.
func (s *Service) Today() string { return s.DB.Now().In(ict).Format("2006-01-02") }

func (s *Service) communeName(code string) string {
	if u, err := s.Units.Current(code); err == nil {
		return u.Name
	}
	return code
}

// allowed returns ErrForbidden unless the principal holds p at the place; nil is the command line.
func allowed(by *auth.Principal, p auth.Permission, at auth.Place) error {
	if by != nil && !by.CanAt(p, at) {
		return fault.ErrForbidden
	}
	return nil
}

// UploadCriteria checks a criteria file and stores it as a new version. Every problem is
// returned at once (fault.Errors), and nothing is stored unless the file is valid.
func (s *Service) UploadCriteria(ctx context.Context, by *auth.Principal, body []byte) (store.CriteriaSet, error) {
	var cs store.CriteriaSet
	if err := allowed(by, auth.PermManageCriteria, auth.Place{ProvinceCode: s.Units.Province().Code}); err != nil {
		return cs, err
	}
	set, err := criteria.Parse(body)
	if err != nil {
		return cs, err
	}
	cs = store.CriteriaSet{Title: set.Title, Version: set.Version, Name: set.NameVI, Body: body, Provisional: set.Provisional()}
	if by != nil {
		cs.UploadedBy = by.UserID
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateCriteriaSet(ctx, &cs) })
	return cs, err
}

// EnsureDefaultCriteria stores every shipped criteria set whose version is not there yet (the
// individual title's and the collective titles'), and returns the individual title's.
func (s *Service) EnsureDefaultCriteria(ctx context.Context) (store.CriteriaSet, error) {
	def := criteria.Default()
	sets, err := s.DB.CriteriaSets(ctx)
	if err != nil {
		return store.CriteriaSet{}, err
	}
	have := map[string]store.CriteriaSet{}
	for _, cs := range sets {
		have[cs.Title+"\x00"+cs.Version] = cs
	}
	shipped, err := criteria.Shipped()
	if err != nil {
		return store.CriteriaSet{}, err
	}
	names := make([]string, 0, len(shipped))
	for name := range shipped {
		names = append(names, name)
	}
	slices.Sort(names) // the same ids on every new database
	for _, name := range names {
		set, err := criteria.Parse(shipped[name])
		if err != nil {
			return store.CriteriaSet{}, fmt.Errorf("recognition: shipped set %s: %w", name, err)
		}
		key := set.Title + "\x00" + set.Version
		if _, ok := have[key]; ok {
			continue
		}
		cs, err := s.UploadCriteria(ctx, nil, shipped[name])
		if err != nil {
			return cs, err
		}
		have[key] = cs
	}
	return have[def.Title+"\x00"+def.Version], nil
}

// ShippedSet returns the stored version of the shipped set of a cycle title.
func (s *Service) ShippedSet(ctx context.Context, cycleTitle string) (store.CriteriaSet, error) {
	shipped, err := criteria.Shipped()
	if err != nil {
		return store.CriteriaSet{}, err
	}
	sets, err := s.DB.CriteriaSets(ctx)
	if err != nil {
		return store.CriteriaSet{}, err
	}
	names := make([]string, 0, len(shipped))
	for name := range shipped {
		names = append(names, name)
	}
	// In name order: for units, TT 22/2020 (recognised by the commune) comes before TT 24/2023.
	slices.Sort(names)
	for _, name := range names {
		set, err := criteria.Parse(shipped[name])
		if err != nil || CycleTitle(set) != cycleTitle {
			continue
		}
		for _, cs := range sets {
			if cs.Title == set.Title && cs.Version == set.Version {
				return cs, nil
			}
		}
	}
	return store.CriteriaSet{}, fault.ErrNotFound
}

// Set returns the parsed criteria of a stored version.
func (s *Service) Set(ctx context.Context, id int64) (*criteria.Set, error) {
	if v, ok := s.sets.Load(id); ok {
		return v.(*criteria.Set), nil
	}
	cs, err := s.DB.CriteriaSet(ctx, id)
	if err != nil {
		return nil, err
	}
	set, err := criteria.Parse(cs.Body)
	if err != nil {
		return nil, fmt.Errorf("recognition: stored criteria set %d no longer parses: %w", id, err)
	}
	s.sets.Store(id, set)
	return set, nil
}

// CycleInput is what an officer enters to open or change a cycle. The cycle's title is its
// criteria set's.
type CycleInput struct {
	Year          int
	CriteriaSetID int64
	evaluation.Dates
}

func (in CycleInput) validate() error {
	var es fault.Errors
	if in.Year < 2020 || in.Year > 2100 {
		es = append(es, fault.Field("year", "cycle.year.invalid"))
	}
	if in.CriteriaSetID == 0 {
		es = append(es, fault.Field("criteria_set_id", "cycle.set.required"))
	}
	dates := []struct{ field, v string }{{"opens_on", in.OpensOn}, {"pledge_by", in.PledgeBy}, {"self_assess_by", in.SelfAssessBy},
		{"verify_by", in.VerifyBy}, {"appraise_by", in.AppraiseBy}, {"decide_by", in.DecideBy}}
	bad := false
	for _, d := range dates {
		if _, err := time.Parse("2006-01-02", d.v); err != nil {
			es, bad = append(es, fault.Field(d.field, "cycle.date.invalid")), true
		}
	}
	if !bad && !in.Ordered() {
		es = append(es, fault.Field("decide_by", "cycle.dates.order"))
	}
	if len(es) > 0 {
		return es
	}
	return nil
}

// CreateCycle opens the cycle of a year for the individual title.
func (s *Service) CreateCycle(ctx context.Context, by *auth.Principal, in CycleInput) (store.Cycle, error) {
	c := store.Cycle{Year: in.Year, CriteriaSetID: in.CriteriaSetID, Dates: in.Dates}
	if err := allowed(by, auth.PermManageCriteria, auth.Place{ProvinceCode: s.Units.Province().Code}); err != nil {
		return c, err
	}
	if err := in.validate(); err != nil {
		return c, err
	}
	if err := s.checkSetFits(ctx, in.CriteriaSetID, "", in.Year); err != nil {
		return c, err
	}
	set, err := s.Set(ctx, in.CriteriaSetID)
	if err != nil {
		return c, err
	}
	c.Title = CycleTitle(set)
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateCycle(ctx, &c) })
	return c, err
}

// UpdateCycle changes a cycle's deadlines, and its criteria set while it has no assessment.
func (s *Service) UpdateCycle(ctx context.Context, by *auth.Principal, id int64, in CycleInput) error {
	if err := allowed(by, auth.PermManageCriteria, auth.Place{ProvinceCode: s.Units.Province().Code}); err != nil {
		return err
	}
	old, err := s.DB.Cycle(ctx, id)
	if err != nil {
		return err
	}
	in.Year = old.Year
	if err := in.validate(); err != nil {
		return err
	}
	if err := s.checkSetFits(ctx, in.CriteriaSetID, old.Title, in.Year); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		return tx.UpdateCycle(ctx, store.Cycle{ID: id, CriteriaSetID: in.CriteriaSetID, Dates: in.Dates})
	})
}

// checkSetFits refuses a set of another title than the cycle's (title "" for a new cycle) or
// one not valid in the year.
func (s *Service) checkSetFits(ctx context.Context, setID int64, title string, year int) error {
	set, err := s.Set(ctx, setID)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			return fault.Field("criteria_set_id", "cycle.set.required")
		}
		return err
	}
	if title != "" && CycleTitle(set) != title {
		return fault.Field("criteria_set_id", "cycle.set.title")
	}
	if year < set.ValidFrom || (set.ValidTo != 0 && year > set.ValidTo) {
		return fault.Field("criteria_set_id", "cycle.set.years", set.ValidFrom, set.ValidTo)
	}
	return nil
}

// CurrentCycle returns the Learning Citizen cycle of the current year, or the newest one.
func (s *Service) CurrentCycle(ctx context.Context) (store.Cycle, error) {
	return s.CurrentCycleOf(ctx, TitleLearningCitizen)
}

// CurrentCycleOf returns the cycle of a title (a cycle title: CycleTitle) of the current year,
// or its newest one.
func (s *Service) CurrentCycleOf(ctx context.Context, title string) (store.Cycle, error) {
	year := s.DB.Now().In(ict).Year()
	c, err := s.DB.CycleOfYear(ctx, title, year)
	if err == nil || fault.KindOf(err) != fault.NotFound {
		return c, err
	}
	cs, err := s.DB.Cycles(ctx, title)
	if err != nil {
		return c, err
	}
	if len(cs) == 0 {
		return c, fault.ErrNotFound
	}
	return cs[0], nil
}

// trimmed returns s without surrounding spaces, or a field error when it is empty or too long.
func trimmed(field, s string, max int) (string, *fault.Error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return s, fault.Field(field, "form.required")
	}
	if len([]rune(s)) > max {
		return s, fault.Field(field, "form.too_long", max)
	}
	return s, nil
}
