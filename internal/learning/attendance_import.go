package learning

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
)

// AttendanceImportKind is the PendingImport.Kind of a session's attendance import.
const AttendanceImportKind = "attendance"

// Row statuses of an attendance import, besides RowUnchanged and RowFailed: the person will be
// marked present, or (present before, absent in the file) absent.
const (
	RowPresent = "present"
	RowAbsent  = "absent"
)

// AttendanceRow is one row of an attendance list as the preview shows it.
type AttendanceRow struct {
	Number     int
	Status     string
	Errors     []RowError
	NationalID string
	FullName   string // the enrolled person's name
	Present    bool
	Cells      []string // the row as the file has it, for the result file

	citizenID int64
}

// MaskedID is the row's ID as pages show it.
func (r AttendanceRow) MaskedID() string { return people.MaskNationalID(r.NationalID) }

// AttendanceImport is the preview, or the result, of an attendance list for a session.
type AttendanceImport struct {
	SessionID int64
	FileName  string
	Titles    []string // the file's header texts
	Rows      []AttendanceRow
	Counts    map[string]int
	PendingID int64
	Written   int // people whose presence changed
}

// Errors lists every row error, in file order.
func (imp AttendanceImport) Errors() []RowError {
	var out []RowError
	for _, r := range imp.Rows {
		out = append(out, r.Errors...)
	}
	return out
}

// Writable counts the rows a confirmation would change.
func (imp AttendanceImport) Writable() int { return imp.Counts[RowPresent] + imp.Counts[RowAbsent] }

type attendanceOptions struct {
	SessionID int64 `json:"session_id"`
}

// attendanceLookup is what the analysis reads, from the pool or the import's transaction.
type attendanceLookup interface {
	Enrolments(ctx context.Context, programmeID int64) ([]store.Enrolment, error)
	SessionAttendance(ctx context.Context, sessionID int64) (map[int64]string, error)
	CitizensByNationalIDs(ctx context.Context, ids []string) (map[string]people.Citizen, error)
}

// analyseAttendance reads a list (.xlsx or .csv: ID number, present) for a session and says
// what each row would do, against the session's attendance as db has it.
func (s *Service) analyseAttendance(ctx context.Context, db attendanceLookup, p store.Programme, x store.ProgrammeSession, fileName string, data []byte) (AttendanceImport, error) {
	imp := AttendanceImport{SessionID: x.ID, FileName: fileName, Counts: map[string]int{}}
	r, err := sheet.Open(fileName, data, sheet.DefaultLimits)
	if err != nil {
		return imp, err
	}
	defer r.Close()
	var rows []sheet.Row
	for r.Next() {
		rows = append(rows, r.Row())
	}
	if err := r.Err(); err != nil {
		return imp, err
	}
	h, err := sheet.MatchHeader(rows, attendanceFields)
	if err != nil {
		return imp, err
	}
	imp.Titles = h.Titles
	all, err := db.Enrolments(ctx, p.ID)
	if err != nil {
		return imp, err
	}
	byID := map[string]store.Enrolment{}
	for _, e := range all {
		if e.State == EnrolEnrolled {
			byID[e.NationalID] = e
		}
	}
	was, err := db.SessionAttendance(ctx, x.ID)
	if err != nil {
		return imp, err
	}
	title := func(f string) string { return strings.TrimSpace(h.Titles[h.Columns[f]]) }
	var others []string // well-formed IDs of people not enrolled
	for _, row := range rows[h.Row+1:] {
		if row.Empty() {
			continue
		}
		ar := AttendanceRow{Number: row.Number, Cells: row.Cells}
		bad := func(field, key string, args ...any) {
			ar.Errors = append(ar.Errors, RowError{File: fileName, Row: row.Number, Column: title(field), Error: fault.Error{Kind: fault.Invalid, Key: key, Args: args}})
		}
		idCell := row.Cell(h.Columns["national_id"])
		if id, _, ok := sheet.ParseNationalIDCell(idCell); ok && len(id) == 12 {
			ar.NationalID = id
			if e, enrolled := byID[id]; enrolled {
				ar.citizenID, ar.FullName = e.CitizenID, e.FullName
			} else {
				others = append(others, id)
			}
		} else {
			bad("national_id", "learning.import.id_invalid", idCell)
		}
		pc := row.Cell(h.Columns["present"])
		if here, ok := presentValue(pc); ok {
			ar.Present = here
		} else {
			bad("present", "attendance.import.present_invalid", pc)
		}
		imp.Rows = append(imp.Rows, ar)
	}
	if len(imp.Rows) == 0 {
		return imp, fault.New(fault.Invalid, "learning.import.no_rows", fileName)
	}
	// Someone not enrolled: unknown to the registry, or known but not in the programme.
	known, err := db.CitizensByNationalIDs(ctx, others)
	if err != nil {
		return imp, err
	}
	seen := map[int64]int{}
	for i := range imp.Rows {
		ar := &imp.Rows[i]
		if ar.NationalID != "" && ar.citizenID == 0 {
			key := "attendance.import.not_enrolled"
			if _, ok := known[ar.NationalID]; !ok {
				key = "attendance.import.person_unknown"
			}
			ar.Errors = append(ar.Errors, RowError{File: fileName, Row: ar.Number, Column: title("national_id"),
				Error: fault.Error{Kind: fault.Invalid, Key: key, Args: []any{people.MaskNationalID(ar.NationalID)}}})
		}
		if len(ar.Errors) == 0 {
			if first, dup := seen[ar.citizenID]; dup {
				ar.Errors = append(ar.Errors, RowError{File: fileName, Row: ar.Number, Column: title("national_id"),
					Error: fault.Error{Kind: fault.Invalid, Key: "attendance.import.duplicate", Args: []any{first}}})
			} else {
				seen[ar.citizenID] = ar.Number
			}
		}
		_, had := was[ar.citizenID]
		switch {
		case len(ar.Errors) > 0:
			ar.Status = RowFailed
		case ar.Present == had:
			ar.Status = RowUnchanged
		case ar.Present:
			ar.Status = RowPresent
		default:
			ar.Status = RowAbsent
		}
		imp.Counts[ar.Status]++
	}
	return imp, nil
}

// PreviewAttendanceImport reads an attendance list for a session and says what each row would
// do; nothing is written but the file, kept for the confirmation. Errors: ErrForbidden,
// ErrNotFound; Conflict programme.not_published, session.future; file and header errors.
func (s *Service) PreviewAttendanceImport(ctx context.Context, by *auth.Principal, sessionID int64, fileName string, data []byte) (AttendanceImport, error) {
	if by == nil {
		return AttendanceImport{}, fault.ErrForbidden // an import belongs to a user
	}
	p, x, err := s.attendanceSession(ctx, s.DB, by, sessionID)
	if err != nil {
		return AttendanceImport{}, err
	}
	imp, err := s.analyseAttendance(ctx, s.DB, p, x, fileName, data)
	if err != nil {
		return imp, err
	}
	raw, _ := json.Marshal(attendanceOptions{SessionID: sessionID})
	pi := store.PendingImport{UserID: by.UserID, Kind: AttendanceImportKind, ProvinceCode: p.ProvinceCode, CommuneCode: p.CommuneCode,
		FileName: fileName, Options: string(raw), Payload: data}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SavePendingImport(ctx, &pi, 2*time.Hour) }); err != nil {
		return imp, err
	}
	imp.PendingID = pi.ID
	return imp, nil
}

// PendingAttendanceImport reads a previewed list again, as it stands now, for its result file;
// nothing is written. Another user's or an expired import is import.expired (ErrNotFound).
func (s *Service) PendingAttendanceImport(ctx context.Context, by *auth.Principal, sessionID, pendingID int64) (AttendanceImport, error) {
	if by == nil {
		return AttendanceImport{}, fault.ErrForbidden // an import belongs to a user
	}
	p, x, err := s.attendanceSession(ctx, s.DB, by, sessionID)
	if err != nil {
		return AttendanceImport{}, err
	}
	pi, err := s.DB.PendingImport(ctx, pendingID, by.UserID, AttendanceImportKind)
	if err != nil {
		return AttendanceImport{}, err
	}
	if err := checkAttendanceOptions(pi, sessionID); err != nil {
		return AttendanceImport{}, err
	}
	imp, err := s.analyseAttendance(ctx, s.DB, p, x, pi.FileName, pi.Payload)
	imp.PendingID = pi.ID
	return imp, err
}

func checkAttendanceOptions(pi store.PendingImport, sessionID int64) error {
	var opt attendanceOptions
	if err := json.Unmarshal([]byte(pi.Options), &opt); err != nil || opt.SessionID != sessionID {
		return fault.New(fault.NotFound, "import.expired")
	}
	return nil
}

// ConfirmAttendanceImport applies the valid rows of a previewed list in one transaction, the
// file read again inside it: people marked present are recorded, people present before and
// absent in the file removed, and completions re-evaluated. Rows with errors are skipped;
// rows that match the attendance already recorded change nothing, so a second import of the
// same file writes nothing.
func (s *Service) ConfirmAttendanceImport(ctx context.Context, by *auth.Principal, sessionID, pendingID int64) (AttendanceImport, error) {
	var imp AttendanceImport
	if by == nil {
		return imp, fault.ErrForbidden
	}
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		p, x, err := s.attendanceSession(ctx, tx, by, sessionID)
		if err != nil {
			return err
		}
		pi, err := tx.TakePendingImport(ctx, pendingID, by.UserID, AttendanceImportKind)
		if err != nil {
			return err
		}
		if err := checkAttendanceOptions(pi, sessionID); err != nil {
			return err
		}
		if imp, err = s.analyseAttendance(ctx, tx, p, x, pi.FileName, pi.Payload); err != nil {
			return err
		}
		decided := map[int64]bool{}
		for _, r := range imp.Rows {
			if r.Status == RowPresent || r.Status == RowAbsent {
				decided[r.citizenID] = r.Present
			}
		}
		imp.Written, err = s.setAttendance(ctx, tx, p, x, MethodImport, func(e store.Enrolment) (bool, bool) {
			here, listed := decided[e.CitizenID]
			return here, listed
		})
		return err
	})
	return imp, err
}
