package learning

import (
	"context"
	"errors"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
)

// SessionView is a session as its provider runs it: the programme, the people enrolled and
// who is present.
type SessionView struct {
	Programme  store.Programme
	Session    store.ProgrammeSession
	Sessions   []store.ProgrammeSession
	Enrolments []store.Enrolment // enrolled people only
	Present    map[int64]string  // citizen id → method
	Today      string
}

// Session returns a session of a programme the principal manages.
func (s *Service) Session(ctx context.Context, by *auth.Principal, sessionID int64) (SessionView, error) {
	var v SessionView
	x, err := s.DB.ProgrammeSession(ctx, sessionID)
	if err != nil {
		return v, err
	}
	p, ss, err := s.Programme(ctx, by, x.ProgrammeID)
	if err != nil {
		return v, err
	}
	v = SessionView{Programme: p, Session: x, Sessions: ss, Today: s.Today()}
	all, err := s.DB.Enrolments(ctx, p.ID)
	if err != nil {
		return v, err
	}
	for _, e := range all {
		if e.State == EnrolEnrolled {
			v.Enrolments = append(v.Enrolments, e)
		}
	}
	v.Present, err = s.DB.SessionAttendance(ctx, sessionID)
	return v, err
}

// OpenSession opens check-in by QR code for a session of today. Errors: ErrForbidden,
// ErrNotFound; Conflict programme.not_published, session.not_today.
func (s *Service) OpenSession(ctx context.Context, by *auth.Principal, sessionID int64) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		x, err := tx.ProgrammeSession(ctx, sessionID)
		if err != nil {
			return err
		}
		p, err := tx.Programme(ctx, x.ProgrammeID)
		if err != nil {
			return err
		}
		if err := allowed(by, auth.PermManageProgrammes, store.ProgrammePlace(p)); err != nil {
			return err
		}
		if p.State != StatePublished {
			return fault.New(fault.Conflict, "programme.not_published")
		}
		if x.Day != s.Today() {
			return fault.New(fault.Conflict, "session.not_today")
		}
		return tx.OpenProgrammeSession(ctx, x)
	})
}

// QR returns the check-in token of an open session for now, and how long it is shown.
func (s *Service) QR(ctx context.Context, by *auth.Principal, sessionID int64) (string, time.Duration, error) {
	v, err := s.Session(ctx, by, sessionID)
	if err != nil {
		return "", 0, err
	}
	if v.Session.OpenedAt.IsZero() || v.Session.Day != v.Today || v.Programme.State != StatePublished {
		return "", 0, fault.New(fault.Conflict, "session.not_open")
	}
	key, err := s.DB.CheckinKey(ctx)
	if err != nil {
		return "", 0, err
	}
	now := s.now()
	left := time.Minute - now.Sub(now.Truncate(time.Minute))
	return Token(key, sessionID, now), left, nil
}

// Checkin is what the person sees before they confirm a check-in.
type Checkin struct {
	Programme store.Programme
	Session   store.ProgrammeSession
	Citizen   people.Citizen
	Already   bool
}

// checkable checks a token for the principal's own record: the code is genuine and fresh, its
// session open today, and the person enrolled.
func (s *Service) checkable(ctx context.Context, r interface {
	ProgrammeSession(context.Context, int64) (store.ProgrammeSession, error)
	Programme(context.Context, int64) (store.Programme, error)
	Enrolment(context.Context, int64, int64) (store.Enrolment, error)
}, by *auth.Principal, token string) (Checkin, store.Enrolment, error) {
	var c Checkin
	var e store.Enrolment
	id := OwnCitizen(by)
	if id == 0 || !by.CanAt(auth.PermLearn, auth.Place{CitizenID: id}) {
		return c, e, fault.New(fault.Forbidden, "checkin.citizen_only")
	}
	key, err := s.DB.CheckinKey(ctx)
	if err != nil {
		return c, e, err
	}
	sid, err := ParseToken(key, token, s.now())
	if err != nil {
		return c, e, err
	}
	if c.Session, err = r.ProgrammeSession(ctx, sid); err != nil {
		return c, e, fault.New(fault.Invalid, KeyTokenInvalid)
	}
	if c.Programme, err = r.Programme(ctx, c.Session.ProgrammeID); err != nil {
		return c, e, err
	}
	if c.Programme.State != StatePublished || c.Session.OpenedAt.IsZero() || c.Session.Day != s.Today() {
		return c, e, fault.New(fault.Conflict, "session.not_open")
	}
	e, err = r.Enrolment(ctx, c.Programme.ID, id)
	if errors.Is(err, fault.ErrNotFound) || err == nil && e.State != EnrolEnrolled {
		return c, e, fault.New(fault.Forbidden, "checkin.not_enrolled", c.Programme.Title)
	}
	if err != nil {
		return c, e, err
	}
	if c.Citizen, err = s.DB.Citizen(ctx, id); err != nil {
		return c, e, err
	}
	present, err := s.DB.SessionAttendance(ctx, sid)
	if err != nil {
		return c, e, err
	}
	_, c.Already = present[id]
	return c, e, nil
}

// CheckinInfo checks a scanned code without recording anything, for the confirmation page.
func (s *Service) CheckinInfo(ctx context.Context, by *auth.Principal, token string) (Checkin, error) {
	c, _, err := s.checkable(ctx, s.DB, by, token)
	return c, err
}

// CheckIn records the principal present at the session of a scanned code, and completes the
// programme when the rule is met. Errors: checkin.token.invalid, checkin.token.expired,
// checkin.not_enrolled, checkin.already (a second scan), session.not_open.
func (s *Service) CheckIn(ctx context.Context, by *auth.Principal, token string) (Checkin, *store.Completion, error) {
	var c Checkin
	var done *store.Completion
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var e store.Enrolment
		var err error
		if c, e, err = s.checkable(ctx, tx, by, token); err != nil {
			return err
		}
		if err := tx.AddAttendance(ctx, e, c.Session, MethodQR); err != nil {
			return err
		}
		done, err = s.evaluate(ctx, tx, c.Programme, e)
		return err
	})
	return c, done, err
}

// MarkAttendance makes the attendance of a session the list the provider ticked: people ticked
// are present, the others not. A session in the future cannot be ticked.
func (s *Service) MarkAttendance(ctx context.Context, by *auth.Principal, sessionID int64, present []int64) (int, error) {
	want := map[int64]bool{}
	for _, id := range present {
		want[id] = true
	}
	return s.applyAttendance(ctx, by, sessionID, MethodList, func(e store.Enrolment) (bool, bool) { return want[e.CitizenID], true })
}

// attendanceSession is what may be changed in a session's attendance: a session of a
// programme the principal manages, published (or cancelled, or finished), and not in the future.
func (s *Service) attendanceSession(ctx context.Context, r interface {
	ProgrammeSession(context.Context, int64) (store.ProgrammeSession, error)
	Programme(context.Context, int64) (store.Programme, error)
}, by *auth.Principal, sessionID int64) (store.Programme, store.ProgrammeSession, error) {
	x, err := r.ProgrammeSession(ctx, sessionID)
	if err != nil {
		return store.Programme{}, x, err
	}
	p, err := r.Programme(ctx, x.ProgrammeID)
	if err != nil {
		return p, x, err
	}
	if err := allowed(by, auth.PermManageProgrammes, store.ProgrammePlace(p)); err != nil {
		return p, x, err
	}
	if p.State == StateDraft {
		return p, x, fault.New(fault.Conflict, "programme.not_published")
	}
	if x.Day > s.Today() {
		return p, x, fault.New(fault.Conflict, "session.future")
	}
	return p, x, nil
}

// applyAttendance sets each enrolled person's presence as decide says (present, and whether
// the list speaks of them at all), then re-evaluates completions. It returns how many changed.
func (s *Service) applyAttendance(ctx context.Context, by *auth.Principal, sessionID int64, method string, decide func(store.Enrolment) (bool, bool)) (int, error) {
	changed := 0
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		p, x, err := s.attendanceSession(ctx, tx, by, sessionID)
		if err != nil {
			return err
		}
		changed, err = s.setAttendance(ctx, tx, p, x, method, decide)
		return err
	})
	return changed, err
}

// setAttendance is applyAttendance inside its transaction, once the session is checked.
func (s *Service) setAttendance(ctx context.Context, tx *store.Tx, p store.Programme, x store.ProgrammeSession, method string, decide func(store.Enrolment) (bool, bool)) (int, error) {
	changed := 0
	was, err := tx.SessionAttendance(ctx, x.ID)
	if err != nil {
		return 0, err
	}
	all, err := tx.Enrolments(ctx, p.ID)
	if err != nil {
		return 0, err
	}
	for _, e := range all {
		if e.State != EnrolEnrolled {
			continue
		}
		here, listed := decide(e)
		_, had := was[e.CitizenID]
		switch {
		case !listed || here == had:
			continue
		case here:
			err = tx.AddAttendance(ctx, e, x, method)
		default:
			err = tx.RemoveAttendance(ctx, e, x)
		}
		if err != nil {
			return changed, err
		}
		changed++
		if _, err := s.evaluate(ctx, tx, p, e); err != nil {
			return changed, err
		}
	}
	return changed, nil
}

// attendanceFields are the columns of an attendance list.
var attendanceFields = []sheet.Field{
	{Name: "national_id", Synonyms: []string{"Số CCCD", "Số định danh", "Số định danh cá nhân", "CCCD", "CMND/CCCD", "CCCD/CMND", "Mã định danh", "ID"}, Required: true},
	{Name: "present", Synonyms: []string{"Có mặt", "Có mặt (x)", "Điểm danh", "Tham dự", "Present"}, Required: true},
	{Name: "full_name", Synonyms: []string{"Họ và tên", "Họ tên", "Tên"}},
}

// RowError is a problem of one row of an imported file, placed by file, row and column.
type RowError struct {
	File   string
	Row    int
	Column string // the header text
	fault.Error
}

// presentValue reads a "present" cell: x, có, 1, yes, v, ✓ are present; empty, không, 0, no absent.
func presentValue(s string) (bool, bool) {
	switch people.FoldName(s) {
	case "x", "co", "1", "yes", "y", "v", "✓", "co mat", "true":
		return true, true
	case "", "khong", "0", "no", "n", "vang", "vang mat", "false", "-":
		return false, true
	}
	return false, false
}

// Fault is the row's problem, for pages that translate it.
func (r RowError) Fault() fault.Error { return r.Error }
