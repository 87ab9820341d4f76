package learning

import (
	"context"
	"errors"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// forPerson checks that the principal may act for a person in learning: the person themself
// (PermLearn on their record), an officer who acts for people at the person's place
// (PermAssistAssessment: collector, commune officer, …), or, when programme is given, the
// provider that runs it. nil is the command line.
func forPerson(by *auth.Principal, c people.Citizen, programme *store.Programme) error {
	if by == nil || by.CanAt(auth.PermLearn, auth.Place{CitizenID: c.ID}) || by.CanAt(auth.PermAssistAssessment, store.CitizenPlace(c)) {
		return nil
	}
	if programme != nil && by.CanAt(auth.PermManageProgrammes, store.ProgrammePlace(*programme)) {
		return nil
	}
	return fault.ErrForbidden
}

// OwnCitizen returns the person of a citizen account (their first citizen grant), or 0.
func OwnCitizen(by *auth.Principal) int64 {
	for _, g := range by.GrantsOf(auth.RoleCitizen) {
		return g.CitizenID
	}
	return 0
}

// FindPerson finds a person by their 12-digit ID for an officer who enrols them; anyone
// outside the officer's reach is as unknown as someone not registered.
func (s *Service) FindPerson(ctx context.Context, by *auth.Principal, nationalID string) (people.Citizen, error) {
	c, err := s.DB.CitizenByNationalID(ctx, nationalID)
	if errors.Is(err, fault.ErrNotFound) || err == nil && by != nil && !by.CanAt(auth.PermAssistAssessment, store.CitizenPlace(c)) {
		return c, fault.Field("national_id", "enrolment.person.unknown", nationalID)
	}
	return c, err
}

// Enrol enrols a person in a published programme that has not ended: enrolled while there
// are places, else on the waiting list. Errors: ErrForbidden, ErrNotFound; Conflict
// enrolment.exists, programme.not_open, programme.ended.
func (s *Service) Enrol(ctx context.Context, by *auth.Principal, programmeID, citizenID int64) (store.Enrolment, error) {
	var e store.Enrolment
	c, err := s.DB.Citizen(ctx, citizenID)
	if err != nil {
		return e, err
	}
	if err := forPerson(by, c, nil); err != nil {
		return e, err
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		p, err := tx.Programme(ctx, programmeID)
		if err != nil {
			return err
		}
		if p.State == StateDraft {
			return fault.ErrNotFound
		}
		if p.State != StatePublished {
			return fault.New(fault.Conflict, "programme.not_open")
		}
		if p.LastDay < s.Today() {
			return fault.New(fault.Conflict, "programme.ended")
		}
		before := ""
		e, err = tx.Enrolment(ctx, programmeID, citizenID)
		switch {
		case errors.Is(err, fault.ErrNotFound):
			e = store.Enrolment{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, ProgrammeID: p.ID, CitizenID: c.ID}
		case err != nil:
			return err
		case e.State != EnrolCancelled:
			return fault.New(fault.Conflict, "enrolment.exists")
		default:
			before = e.State
		}
		e.State = EnrolEnrolled
		if p.Enrolled >= p.Capacity {
			e.State = EnrolWaiting
		}
		return tx.SaveEnrolment(ctx, &e, before)
	})
	return e, err
}

// CancelEnrolment takes a person off a programme (or its waiting list); the first person
// waiting takes the place. Errors: ErrForbidden, ErrNotFound (no enrolment).
func (s *Service) CancelEnrolment(ctx context.Context, by *auth.Principal, programmeID, citizenID int64) error {
	c, err := s.DB.Citizen(ctx, citizenID)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		p, err := tx.Programme(ctx, programmeID)
		if err != nil {
			return err
		}
		if err := forPerson(by, c, &p); err != nil {
			return err
		}
		e, err := tx.Enrolment(ctx, programmeID, citizenID)
		if err != nil {
			return err
		}
		if e.State == EnrolCancelled {
			return fault.New(fault.Conflict, "enrolment.not_active")
		}
		was := e.State
		e.State = EnrolCancelled
		if err := tx.SaveEnrolment(ctx, &e, was); err != nil {
			return err
		}
		if was == EnrolEnrolled {
			return s.promote(ctx, tx, programmeID)
		}
		return nil
	})
}

// promote moves people from the waiting list, in their order, into the free places.
func (s *Service) promote(ctx context.Context, tx *store.Tx, programmeID int64) error {
	for {
		p, err := tx.Programme(ctx, programmeID)
		if err != nil {
			return err
		}
		if p.State != StatePublished || p.Enrolled >= p.Capacity {
			return nil
		}
		w, err := tx.FirstWaiting(ctx, programmeID)
		if errors.Is(err, fault.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		w.State = EnrolEnrolled
		if err := tx.SaveEnrolment(ctx, &w, EnrolWaiting); err != nil {
			return err
		}
	}
}

// Enrolments lists a programme's enrolments for its provider.
func (s *Service) Enrolments(ctx context.Context, by *auth.Principal, programmeID int64) ([]store.Enrolment, error) {
	if _, _, err := s.Programme(ctx, by, programmeID); err != nil {
		return nil, err
	}
	return s.DB.Enrolments(ctx, programmeID)
}

// MyLearning is what a person's account shows of their programmes.
type MyLearning struct {
	CitizenID   int64
	Enrolments  []store.Enrolment
	Programmes  map[int64]store.Programme
	Completions []store.CompletionDetail
}

// Mine returns the enrolments and completions of the principal's own record.
func (s *Service) Mine(ctx context.Context, by *auth.Principal) (MyLearning, error) {
	m := MyLearning{CitizenID: OwnCitizen(by), Programmes: map[int64]store.Programme{}}
	if m.CitizenID == 0 || !by.CanAt(auth.PermLearn, auth.Place{CitizenID: m.CitizenID}) {
		return m, fault.ErrForbidden
	}
	var err error
	if m.Enrolments, err = s.DB.EnrolmentsOfCitizen(ctx, m.CitizenID); err != nil {
		return m, err
	}
	for _, e := range m.Enrolments {
		p, err := s.DB.Programme(ctx, e.ProgrammeID)
		if err != nil {
			return m, err
		}
		m.Programmes[p.ID] = p
	}
	m.Completions, err = s.DB.CompletionsOfCitizen(ctx, m.CitizenID)
	return m, err
}

// EnrolmentOf returns the principal's own enrolment in a programme, or ErrNotFound.
func (s *Service) EnrolmentOf(ctx context.Context, by *auth.Principal, programmeID int64) (store.Enrolment, error) {
	id := OwnCitizen(by)
	if id == 0 {
		return store.Enrolment{}, fault.ErrNotFound
	}
	return s.DB.Enrolment(ctx, programmeID, id)
}
