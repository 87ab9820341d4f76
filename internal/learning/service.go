package learning

import (
	"context"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// Service runs programmes, enrolment, attendance and completion over a store.
type Service struct {
	DB    *store.DB
	Units *adminunit.Map
}

// Today is the current day in Hà Nội as yyyy-mm-dd.
func (s *Service) Today() string { return s.DB.Now().In(clock.Vietnam).Format("2006-01-02") }

func allowed(by *auth.Principal, p auth.Permission, at auth.Place) error {
	if by != nil && !by.CanAt(p, at) {
		return fault.ErrForbidden
	}
	return nil
}

func (s *Service) communeOK(code string) bool {
	u, err := s.Units.Current(code)
	return err == nil && u.ProvinceCode == s.Units.Province().Code && u.Code == code && u.Level == adminunit.LevelCommune
}

// ManagesProvider tells whether the principal manages a provider's programmes.
func ManagesProvider(by *auth.Principal, providerID int64) bool {
	return by == nil || by.CanAt(auth.PermManageProgrammes, auth.Place{ProviderID: providerID})
}

// ProvidersOf lists the providers whose programmes the principal manages.
func (s *Service) ProvidersOf(ctx context.Context, by *auth.Principal) ([]store.Provider, error) {
	all, err := s.DB.Providers(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.Provider
	for _, p := range all {
		if ManagesProvider(by, p.ID) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Catalogue lists the published (and cancelled, marked) programmes for everyone, with no login.
func (s *Service) Catalogue(ctx context.Context, q store.CatalogueQuery) ([]store.Programme, int, error) {
	q.States = []string{StatePublished, StateCancelled}
	q.Scope = nil
	return s.DB.Programmes(ctx, q)
}

// Managed lists the programmes of the providers the principal manages, drafts included.
func (s *Service) Managed(ctx context.Context, by *auth.Principal, q store.CatalogueQuery) ([]store.Programme, int, error) {
	if by != nil && !by.Can(auth.PermManageProgrammes) {
		return nil, 0, fault.ErrForbidden
	}
	sc := auth.Scope{All: true}
	if by != nil {
		sc = by.Scope(auth.PermManageProgrammes)
	}
	q.Scope, q.States = &sc, nil
	return s.DB.Programmes(ctx, q)
}

// Public returns a programme for its public page: a draft is unknown to everyone but its
// provider.
func (s *Service) Public(ctx context.Context, by *auth.Principal, id int64) (store.Programme, []store.ProgrammeSession, error) {
	p, err := s.DB.Programme(ctx, id)
	if err != nil {
		return p, nil, err
	}
	if p.State == StateDraft && (by == nil || !by.CanAt(auth.PermManageProgrammes, store.ProgrammePlace(p))) {
		return p, nil, fault.ErrNotFound
	}
	ss, err := s.DB.ProgrammeSessions(ctx, id)
	return p, ss, err
}

// Programme returns a programme the principal manages, with its sessions.
func (s *Service) Programme(ctx context.Context, by *auth.Principal, id int64) (store.Programme, []store.ProgrammeSession, error) {
	p, err := s.DB.Programme(ctx, id)
	if err != nil {
		return p, nil, err
	}
	if err := allowed(by, auth.PermManageProgrammes, store.ProgrammePlace(p)); err != nil {
		return p, nil, err
	}
	ss, err := s.DB.ProgrammeSessions(ctx, id)
	return p, ss, err
}

func toSessions(in []SessionInput) []store.ProgrammeSession {
	out := make([]store.ProgrammeSession, len(in))
	for i, x := range in {
		out[i] = store.ProgrammeSession{ID: x.ID, Day: x.Day, Start: x.Start, End: x.End}
	}
	return out
}

func (s *Service) fill(p *store.Programme, in ProgrammeInput) {
	p.ProvinceCode, p.CommuneCode = s.Units.Province().Code, in.CommuneCode
	p.Title, p.Description, p.Topic, p.Audience, p.Mode, p.Address = in.Title, in.Description, in.Topic, in.Audience, in.Mode, in.Address
	p.Minutes, p.Capacity, p.IssuesCertificate, p.MinAttendance = in.Minutes(), in.Capacity, in.IssuesCertificate, in.MinAttendance
}

// CreateProgramme records a draft programme of a provider the principal manages. Errors:
// ErrForbidden, ErrNotFound (provider), fault.Errors (every problem of the form).
func (s *Service) CreateProgramme(ctx context.Context, by *auth.Principal, providerID int64, in ProgrammeInput) (store.Programme, error) {
	var p store.Programme
	if !ManagesProvider(by, providerID) {
		return p, fault.ErrForbidden
	}
	if _, err := s.DB.Provider(ctx, providerID); err != nil {
		return p, err
	}
	if err := in.Validate(s.Today(), nil, s.communeOK); err != nil {
		return p, err
	}
	p = store.Programme{ProviderID: providerID, State: StateDraft}
	s.fill(&p, in)
	err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateProgramme(ctx, &p, toSessions(in.Sessions)) })
	return p, err
}

// UpdateProgramme changes a programme that is not cancelled. A session with attendance stays
// as it was; sessions already past may be kept but not moved; the capacity may not fall below
// the people enrolled.
func (s *Service) UpdateProgramme(ctx context.Context, by *auth.Principal, id int64, in ProgrammeInput) (store.Programme, error) {
	var p store.Programme
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.Programme(ctx, id)
		if err != nil {
			return err
		}
		if err := allowed(by, auth.PermManageProgrammes, store.ProgrammePlace(before)); err != nil {
			return err
		}
		if before.State == StateCancelled {
			return fault.New(fault.Conflict, "programme.cancelled")
		}
		old, err := tx.ProgrammeSessions(ctx, id)
		if err != nil {
			return err
		}
		kept := map[int64]SessionInput{}
		for _, x := range old {
			kept[x.ID] = SessionInput{ID: x.ID, Day: x.Day, Start: x.Start, End: x.End}
		}
		for i := range in.Sessions {
			if _, ok := kept[in.Sessions[i].ID]; !ok {
				in.Sessions[i].ID = 0 // an id from elsewhere is a new session
			}
		}
		var es fault.Errors
		if err := in.Validate(s.Today(), kept, s.communeOK); err != nil {
			es = fault.FieldErrors(err)
		}
		given := map[int64]SessionInput{}
		for _, x := range in.Sessions {
			given[x.ID] = x
		}
		for _, x := range old {
			if x.Present > 0 && given[x.ID] != kept[x.ID] {
				es.Add("sessions", "programme.session.has_attendance", x.Day)
			}
		}
		if in.Capacity > 0 && in.Capacity < before.Enrolled {
			es.Add("capacity", "programme.capacity.below_enrolled", before.Enrolled)
		}
		if err := es.Err(); err != nil {
			return err
		}
		p = before
		s.fill(&p, in)
		if err := tx.UpdateProgramme(ctx, before, &p, toSessions(in.Sessions)); err != nil {
			return err
		}
		return s.afterCapacity(ctx, tx, id)
	})
	return p, err
}

// Publish puts a draft in the catalogue; its sessions must not all be past.
func (s *Service) Publish(ctx context.Context, by *auth.Principal, id int64) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		p, err := tx.Programme(ctx, id)
		if err != nil {
			return err
		}
		if err := allowed(by, auth.PermManageProgrammes, store.ProgrammePlace(p)); err != nil {
			return err
		}
		if p.State != StateDraft {
			return fault.New(fault.Conflict, "programme.not_draft")
		}
		if p.LastDay < s.Today() {
			return fault.New(fault.Conflict, "programme.ended")
		}
		return tx.SetProgrammeState(ctx, p, StatePublished, "")
	})
}

// Cancel withdraws a published programme, with a reason the page shows; enrolments stay,
// so the people enrolled see it.
func (s *Service) Cancel(ctx context.Context, by *auth.Principal, id int64, reason string) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		p, err := tx.Programme(ctx, id)
		if err != nil {
			return err
		}
		if err := allowed(by, auth.PermManageProgrammes, store.ProgrammePlace(p)); err != nil {
			return err
		}
		if p.State != StatePublished {
			return fault.New(fault.Conflict, "programme.not_published")
		}
		if len([]rune(reason)) < 5 {
			return fault.Field("reason", "programme.cancel.reason_required")
		}
		return tx.SetProgrammeState(ctx, p, StateCancelled, reason)
	})
}

// now is the store's clock, for tokens.
func (s *Service) now() time.Time { return s.DB.Now() }

// afterCapacity serves the waiting list when a programme gains places.
func (s *Service) afterCapacity(ctx context.Context, tx *store.Tx, id int64) error {
	return s.promote(ctx, tx, id)
}
