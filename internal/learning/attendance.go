package learning

import (
	"context"
	"errors"
	"strings"
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

// applyAttendance sets each enrolled person's presence as decide says (present, and whether
// the list speaks of them at all), then re-evaluates completions. It returns how many changed.
func (s *Service) applyAttendance(ctx context.Context, by *auth.Principal, sessionID int64, method string, decide func(store.Enrolment) (bool, bool)) (int, error) {
	changed := 0
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
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
		if p.State == StateDraft {
			return fault.New(fault.Conflict, "programme.not_published")
		}
		if x.Day > s.Today() {
			return fault.New(fault.Conflict, "session.future")
		}
		was, err := tx.SessionAttendance(ctx, sessionID)
		if err != nil {
			return err
		}
		all, err := s.DB.Enrolments(ctx, p.ID)
		if err != nil {
			return err
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
				return err
			}
			changed++
			if _, err := s.evaluate(ctx, tx, p, e); err != nil {
				return err
			}
		}
		return nil
	})
	return changed, err
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

// ImportAttendance reads a list (.xlsx or .csv: ID number, present) for a session and applies
// it in one transaction, or, when any row is wrong, writes nothing and returns every problem.
func (s *Service) ImportAttendance(ctx context.Context, by *auth.Principal, sessionID int64, fileName string, data []byte) (int, []RowError, error) {
	v, err := s.Session(ctx, by, sessionID)
	if err != nil {
		return 0, nil, err
	}
	r, err := sheet.Open(fileName, data, sheet.DefaultLimits)
	if err != nil {
		return 0, nil, err
	}
	defer r.Close()
	var rows []sheet.Row
	for r.Next() {
		rows = append(rows, r.Row())
	}
	if err := r.Err(); err != nil {
		return 0, nil, err
	}
	h, err := sheet.MatchHeader(rows, attendanceFields)
	if err != nil {
		return 0, nil, err
	}
	byID := map[string]store.Enrolment{}
	for _, e := range v.Enrolments {
		byID[e.NationalID] = e
	}
	title := func(f string) string { return strings.TrimSpace(h.Titles[h.Columns[f]]) }
	decided := map[int64]bool{}
	var errs []RowError
	bad := func(row int, field, key string, args ...any) {
		errs = append(errs, RowError{File: fileName, Row: row, Column: title(field), Error: fault.Error{Kind: fault.Invalid, Key: key, Args: args}})
	}
	for _, row := range rows[h.Row+1:] {
		if row.Empty() {
			continue
		}
		idCell := row.Cell(h.Columns["national_id"])
		id, _, ok := sheet.ParseNationalIDCell(idCell)
		if !ok {
			bad(row.Number, "national_id", "learning.import.id_invalid", idCell)
			continue
		}
		e, enrolled := byID[id]
		if !enrolled {
			bad(row.Number, "national_id", "attendance.import.not_enrolled", people.MaskNationalID(id))
			continue
		}
		here, ok := presentValue(row.Cell(h.Columns["present"]))
		if !ok {
			bad(row.Number, "present", "attendance.import.present_invalid", row.Cell(h.Columns["present"]))
			continue
		}
		decided[e.CitizenID] = here
	}
	if len(errs) > 0 {
		return 0, errs, fault.New(fault.Invalid, "learning.import.has_errors", len(errs))
	}
	if len(decided) == 0 {
		return 0, nil, fault.New(fault.Invalid, "learning.import.no_rows", fileName)
	}
	n, err := s.applyAttendance(ctx, by, sessionID, MethodImport, func(e store.Enrolment) (bool, bool) {
		here, listed := decided[e.CitizenID]
		return here, listed
	})
	return n, nil, err
}

// Fault is the row's problem, for pages that translate it.
func (r RowError) Fault() fault.Error { return r.Error }
