package community

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"hoctap/internal/auth"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/learningrecord"
	"hoctap/internal/people"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
)

// citizenTitle is the cycle title of the Công dân học tập title.
const citizenTitle = "learning_citizen"

// EmulationRow is one person employed in a work unit during a year, with their Công dân học
// tập result that year and their learning record's totals for the year.
type EmulationRow struct {
	CitizenID    int64
	FullName     string
	MaskedID     string
	Position     string
	CivilServant bool
	StartOn      string // of the employment overlapping the year
	EndOn        string // "" while employed

	Assessed      bool             // has an assessment in the year's cycle
	State         evaluation.State // "" when not assessed
	Total         int
	Recognised    bool
	DigitalSkills bool

	Completions         int // programmes completed in the year
	ConfirmedActivities int // self-declared activities confirmed by an officer
	Minutes             int // learning time of the year, rejected activities left out
	ConfirmedMinutes    int // of which confirmed by a provider or an officer

	sortKey []byte
}

// Hours shows the year's learning time in hours ("12,5").
func (r EmulationRow) Hours() string { return learningrecord.FormatHours(r.Minutes) }

// ConfirmedHours shows the confirmed part of it.
func (r EmulationRow) ConfirmedHours() string { return learningrecord.FormatHours(r.ConfirmedMinutes) }

// Emulation is a work unit's list for one year's emulation and staff evaluation.
type Emulation struct {
	Unit        store.WorkUnit
	Year        int
	CycleExists bool // the year has a Công dân học tập cycle
	Rows        []EmulationRow
	Recognised  int // staff recognised
	Assessed    int // staff with an assessment
}

// MayViewEmulation tells whether by may see a work unit's emulation list: the unit's officer,
// the officers of its commune, the city's officers and administrators. (Collectors hold the
// permission too, but their grants cover villages, never a work unit.)
func MayViewEmulation(by *auth.Principal, u store.WorkUnit) bool {
	return by == nil || by.CanAt(auth.PermViewAssessments, store.WorkUnitPlace(u))
}

func (s *Service) record() *learningrecord.Service {
	if s.Record == nil {
		s.Record = &learningrecord.Service{DB: s.DB, Units: s.Units}
	}
	return s.Record
}

// Emulation returns a work unit's staff of a year (everyone employed at some day of it), in
// Vietnamese name order, with their results. Errors: ErrNotFound, ErrForbidden.
func (s *Service) Emulation(ctx context.Context, by *auth.Principal, unitID int64, year int) (Emulation, error) {
	e := Emulation{Year: year}
	u, err := s.DB.WorkUnit(ctx, unitID)
	if err != nil {
		return e, err
	}
	if !MayViewEmulation(by, u) {
		return e, fault.ErrForbidden
	}
	e.Unit = u
	staff, err := s.DB.WorkUnitStaff(ctx, unitID)
	if err != nil {
		return e, err
	}
	cycle, err := s.DB.CycleOfYear(ctx, citizenTitle, year)
	switch {
	case errors.Is(err, fault.ErrNotFound):
	case err != nil:
		return e, err
	default:
		e.CycleExists = true
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	seen := map[int64]int{}
	for _, m := range staff {
		if m.StartOn > to || (m.EndOn != "" && m.EndOn < from) {
			continue
		}
		if i, dup := seen[m.CitizenID]; dup { // two periods in one year: one row, the later period
			if m.StartOn > e.Rows[i].StartOn {
				e.Rows[i].Position, e.Rows[i].StartOn, e.Rows[i].EndOn = m.Position, m.StartOn, m.EndOn
			}
			continue
		}
		row := EmulationRow{CitizenID: m.CitizenID, FullName: m.FullName, MaskedID: m.MaskedID, Position: m.Position,
			CivilServant: m.CivilServant, StartOn: m.StartOn, EndOn: m.EndOn, sortKey: people.SortKey(m.FullName)}
		if e.CycleExists {
			a, err := s.DB.AssessmentOf(ctx, cycle.ID, m.CitizenID)
			switch {
			case errors.Is(err, fault.ErrNotFound):
			case err != nil:
				return e, err
			default:
				row.Assessed, row.State, row.Total, row.DigitalSkills = true, a.State, a.Total, a.DigitalSkills
				row.Recognised = a.State == evaluation.StateRecognised
			}
		}
		// The learning record's own totals, read with the server's rights: who may see the unit's
		// list may see its staff's yearly figures, wherever the person lives.
		rec, err := s.record().Record(ctx, nil, m.CitizenID, year)
		if err != nil {
			return e, err
		}
		for _, t := range rec.Years {
			if t.Year == year {
				row.Minutes, row.ConfirmedMinutes = t.Total, t.Confirmed
			}
		}
		for _, it := range rec.Items {
			switch {
			case it.Kind == learningrecord.KindCompletion:
				row.Completions++
			case it.Kind == learningrecord.KindActivity && it.Status == learningrecord.StatusConfirmed:
				row.ConfirmedActivities++
			}
		}
		if row.Assessed {
			e.Assessed++
		}
		if row.Recognised {
			e.Recognised++
		}
		seen[m.CitizenID] = len(e.Rows)
		e.Rows = append(e.Rows, row)
	}
	SortEmulation(e.Rows, "name", false)
	return e, nil
}

// EmulationSorts are the orders the list offers.
var EmulationSorts = []string{"name", "total", "hours", "completions", "activities"}

// SortEmulation orders rows by a key of EmulationSorts (name by Vietnamese collation, given name
// first, as lists are kept; the figures from the largest); desc reverses it. Ties keep name
// order.
func SortEmulation(rows []EmulationRow, key string, desc bool) {
	byName := func(a, b EmulationRow) int { return bytes.Compare(a.sortKey, b.sortKey) }
	var by func(a, b EmulationRow) int
	switch key {
	case "total":
		by = func(a, b EmulationRow) int { return cmp.Compare(b.Total, a.Total) }
	case "hours":
		by = func(a, b EmulationRow) int { return cmp.Compare(b.Minutes, a.Minutes) }
	case "completions":
		by = func(a, b EmulationRow) int { return cmp.Compare(b.Completions, a.Completions) }
	case "activities":
		by = func(a, b EmulationRow) int { return cmp.Compare(b.ConfirmedActivities, a.ConfirmedActivities) }
	default:
		by = func(a, b EmulationRow) int { return 0 }
	}
	slices.SortStableFunc(rows, func(a, b EmulationRow) int {
		c := by(a, b)
		if c == 0 {
			c = byName(a, b)
			if desc && key == "name" {
				c = -c
			}
			return c
		}
		if desc {
			return -c
		}
		return c
	})
}

// StateNames are the states of an assessment as exports print them.
var StateNames = map[evaluation.State]string{
	evaluation.StatePledged:       "Đã đăng ký",
	evaluation.StateReturned:      "Trả lại bổ sung",
	evaluation.StateSelfAssessed:  "Đã tự đánh giá",
	evaluation.StateVerified:      "Đã xác nhận",
	evaluation.StateAppraised:     "Đã thẩm định",
	evaluation.StateRecognised:    "Được công nhận",
	evaluation.StateNotRecognised: "Không được công nhận",
	evaluation.StateRevoked:       "Đã thu hồi",
}

var emulationColumns = []sheet.Column{
	{Title: "STT", Width: 6, Kind: sheet.ColumnNumber},
	{Title: "Họ và tên", Width: 28},
	{Title: "Số định danh", Width: 16},
	{Title: "Chức vụ", Width: 22},
	{Title: "Cán bộ, công chức, viên chức", Width: 12},
	{Title: "Công dân học tập: tình trạng", Width: 22},
	{Title: "Tổng điểm", Width: 10, Kind: sheet.ColumnNumber},
	{Title: "Được công nhận", Width: 12},
	{Title: "Có kỹ năng số", Width: 12},
	{Title: "Chương trình hoàn thành", Width: 12, Kind: sheet.ColumnNumber},
	{Title: "Số giờ học tập", Width: 12, Kind: sheet.ColumnNumber},
	{Title: "Số giờ đã xác nhận", Width: 12, Kind: sheet.ColumnNumber},
	{Title: "Hoạt động đã xác nhận", Width: 12, Kind: sheet.ColumnNumber},
}

func yesNo(b bool) string {
	if b {
		return "Có"
	}
	return "Không"
}

// hours is minutes as a number of hours for a spreadsheet, to one decimal.
func hours(minutes int) float64 { return float64(minutes*10/60) / 10 }

// EmulationXLSX writes a unit's emulation list of a year as a workbook, in the order given.
func EmulationXLSX(e Emulation, w io.Writer) error {
	return sheet.WriteXLSX(w, fmt.Sprintf("Thi đua %d", e.Year), emulationColumns, func(yield func([]any) bool) {
		for i, r := range e.Rows {
			state := "Chưa đăng ký"
			var total any
			if r.Assessed {
				state, total = StateNames[r.State], r.Total
			}
			if !yield([]any{i + 1, r.FullName, r.MaskedID, r.Position, yesNo(r.CivilServant), state, total, yesNo(r.Recognised),
				yesNo(r.DigitalSkills), r.Completions, hours(r.Minutes), hours(r.ConfirmedMinutes), r.ConfirmedActivities}) {
				return
			}
		}
	})
}
