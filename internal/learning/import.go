package learning

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
)

// ImportKind is the PendingImport.Kind of a provider's completions import.
const ImportKind = "completions"

// Row statuses of a completions import.
const (
	RowNew       = "new"
	RowUnchanged = "unchanged" // already recorded: importing the same file again changes nothing
	RowFailed    = "error"
)

// completionFields are the columns of a completions file (issue 6 §4: ID, programme, date, hours).
var completionFields = []sheet.Field{
	{Name: "national_id", Synonyms: []string{"Số CCCD", "Số định danh", "Số định danh cá nhân", "CCCD", "CMND/CCCD", "CCCD/CMND", "Mã định danh", "ID"}, Required: true},
	{Name: "programme", Synonyms: []string{"Chương trình", "Chương trình học tập", "Tên chương trình", "Mã chương trình", "Khoá học", "Khóa học", "Programme"}, Required: true},
	{Name: "completed_on", Synonyms: []string{"Ngày hoàn thành", "Ngày", "Hoàn thành ngày", "Date"}, Required: true},
	{Name: "hours", Synonyms: []string{"Số giờ", "Số giờ học", "Giờ", "Thời lượng", "Hours"}, Required: true},
	{Name: "full_name", Synonyms: []string{"Họ và tên", "Họ tên", "Tên"}},
}

// ImportRow is one row of a completions file as the preview shows it.
type ImportRow struct {
	Number      int
	Status      string
	Errors      []RowError
	NationalID  string
	FullName    string // the registered person's name
	Programme   string
	ProgrammeID int64
	CompletedOn string
	Minutes     int

	citizen people.Citizen
}

// MaskedID is the row's ID as pages show it.
func (r ImportRow) MaskedID() string { return people.MaskNationalID(r.NationalID) }

// Import is the preview, or the result, of a completions file.
type Import struct {
	ProviderID int64
	Provider   string
	FileName   string
	Rows       []ImportRow
	Counts     map[string]int
	PendingID  int64
	Written    int
}

// Errors lists every row error, in file order.
func (imp Import) Errors() []RowError {
	var out []RowError
	for _, r := range imp.Rows {
		out = append(out, r.Errors...)
	}
	return out
}

type importOptions struct {
	ProviderID int64 `json:"provider_id"`
}

// importLookup is what the analysis reads, from the pool or the import's transaction.
type importLookup interface {
	CitizensByNationalIDs(ctx context.Context, ids []string) (map[string]people.Citizen, error)
	ProgrammesOfProvider(ctx context.Context, providerID int64) ([]store.Programme, error)
	CompletionKeys(ctx context.Context, citizenIDs []int64) (map[int64]map[string]bool, error)
}

// parseHours reads "2", "2,5" or "2.5" hours as minutes.
func parseHours(s string) (int, bool) {
	f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
	if err != nil || f <= 0 {
		return 0, false
	}
	return int(f*60 + 0.5), true
}

func (s *Service) analyse(ctx context.Context, db importLookup, providerID int64, fileName string, data []byte) (Import, error) {
	imp := Import{ProviderID: providerID, FileName: fileName, Counts: map[string]int{}}
	prov, err := s.DB.Provider(ctx, providerID)
	if err != nil {
		return imp, err
	}
	imp.Provider = prov.Name
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
	h, err := sheet.MatchHeader(rows, completionFields)
	if err != nil {
		return imp, err
	}
	col := func(f string) int { return h.Columns[f] }
	title := func(f string) string { return strings.TrimSpace(h.Titles[col(f)]) }
	progs, err := db.ProgrammesOfProvider(ctx, providerID)
	if err != nil {
		return imp, err
	}
	byTitle := map[string][]store.Programme{}
	byID := map[int64]store.Programme{}
	for _, p := range progs {
		if p.State == StateDraft {
			continue
		}
		byTitle[people.FoldName(p.Title)] = append(byTitle[people.FoldName(p.Title)], p)
		byID[p.ID] = p
	}
	now := s.DB.Now().In(clock.Vietnam)
	today := now.Format("2006-01-02")
	var ids []string
	for _, row := range rows[h.Row+1:] {
		if row.Empty() {
			continue
		}
		ir := ImportRow{Number: row.Number}
		bad := func(field, key string, args ...any) {
			ir.Errors = append(ir.Errors, RowError{File: fileName, Row: row.Number, Column: title(field), Error: fault.Error{Kind: fault.Invalid, Key: key, Args: args}})
		}
		idCell := row.Cell(col("national_id"))
		if id, _, ok := sheet.ParseNationalIDCell(idCell); ok && len(id) == 12 {
			ir.NationalID = id
			ids = append(ids, id)
		} else {
			bad("national_id", "learning.import.id_invalid", idCell)
		}
		pc := row.Cell(col("programme"))
		ir.Programme = pc
		var prog store.Programme
		if n, err := strconv.ParseInt(pc, 10, 64); err == nil && byID[n].ID != 0 {
			prog = byID[n]
		} else if ps := byTitle[people.FoldName(pc)]; len(ps) == 1 {
			prog = ps[0]
		} else if len(ps) > 1 {
			bad("programme", "completion.import.programme_ambiguous", pc)
		} else {
			bad("programme", "completion.import.programme_unknown", pc)
		}
		ir.ProgrammeID, ir.Programme = prog.ID, firstNonEmpty(prog.Title, pc)
		dc := row.Cell(col("completed_on"))
		d, err := sheet.ParseDate(dc, now)
		if raw := row.RawCell(col("completed_on")); err != nil && raw != "" {
			d, err = sheet.ParseSerialDate(raw)
		}
		switch {
		case err != nil || !d.Full():
			bad("completed_on", "completion.import.date_invalid", dc)
		case d.Time().Format("2006-01-02") > today:
			bad("completed_on", "completion.import.date_future", dc)
		case prog.ID != 0 && prog.FirstDay != "" && d.Time().Format("2006-01-02") < prog.FirstDay:
			bad("completed_on", "completion.import.date_before", dc, dayVN(prog.FirstDay))
		default:
			ir.CompletedOn = d.Time().Format("2006-01-02")
		}
		hc := row.Cell(col("hours"))
		if m, ok := parseHours(hc); !ok {
			bad("hours", "completion.import.hours_invalid", hc)
		} else if prog.ID != 0 && m > prog.Minutes {
			// The hours cannot exceed the time between the programme's sessions.
			bad("hours", "completion.import.hours_exceed", hc, FormatHours(prog.Minutes))
		} else {
			ir.Minutes = m
		}
		imp.Rows = append(imp.Rows, ir)
	}
	if len(imp.Rows) == 0 {
		return imp, fault.New(fault.Invalid, "learning.import.no_rows", fileName)
	}
	found, err := db.CitizensByNationalIDs(ctx, ids)
	if err != nil {
		return imp, err
	}
	var cids []int64
	for _, c := range found {
		cids = append(cids, c.ID)
	}
	have, err := db.CompletionKeys(ctx, cids)
	if err != nil {
		return imp, err
	}
	seen := map[string]int{}
	for i := range imp.Rows {
		ir := &imp.Rows[i]
		if ir.NationalID != "" {
			c, ok := found[ir.NationalID]
			if !ok {
				ir.Errors = append(ir.Errors, RowError{File: fileName, Row: ir.Number, Column: title("national_id"),
					Error: fault.Error{Kind: fault.Invalid, Key: "completion.import.person_unknown", Args: []any{people.MaskNationalID(ir.NationalID)}}})
			}
			ir.citizen, ir.FullName = c, c.FullName
		}
		key := fmt.Sprintf("%d/%s", ir.ProgrammeID, ir.CompletedOn)
		if len(ir.Errors) == 0 {
			if first, dup := seen[ir.NationalID+key]; dup {
				ir.Errors = append(ir.Errors, RowError{File: fileName, Row: ir.Number, Column: title("national_id"),
					Error: fault.Error{Kind: fault.Invalid, Key: "completion.import.duplicate", Args: []any{first}}})
			}
			seen[ir.NationalID+key] = ir.Number
		}
		switch {
		case len(ir.Errors) > 0:
			ir.Status = RowFailed
		case have[ir.citizen.ID][key]:
			ir.Status = RowUnchanged
		default:
			ir.Status = RowNew
		}
		imp.Counts[ir.Status]++
	}
	return imp, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func dayVN(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}

// PreviewImport reads a provider's completions file and says what each row would do; only the
// file is kept, for the confirmation. Errors: ErrForbidden, ErrNotFound, file and header errors.
func (s *Service) PreviewImport(ctx context.Context, by *auth.Principal, providerID int64, fileName string, data []byte) (Import, error) {
	if by == nil || !ManagesProvider(by, providerID) {
		return Import{}, fault.ErrForbidden
	}
	imp, err := s.analyse(ctx, s.DB, providerID, fileName, data)
	if err != nil {
		return imp, err
	}
	raw, _ := json.Marshal(importOptions{ProviderID: providerID})
	p := store.PendingImport{UserID: by.UserID, Kind: ImportKind, ProvinceCode: s.Units.Province().Code, FileName: fileName, Options: string(raw), Payload: data}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SavePendingImport(ctx, &p, 2*time.Hour) }); err != nil {
		return imp, err
	}
	imp.PendingID = p.ID
	return imp, nil
}

// ConfirmImport writes the new rows of a previewed file in one transaction. The file is read
// again inside it; if any row has an error nothing is written (completion.import.has_errors),
// so a file is recorded whole or not at all. Rows already recorded are left as they are.
func (s *Service) ConfirmImport(ctx context.Context, by *auth.Principal, providerID, pendingID int64) (Import, error) {
	var imp Import
	if by == nil || !ManagesProvider(by, providerID) {
		return imp, fault.ErrForbidden
	}
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		p, err := tx.TakePendingImport(ctx, pendingID, by.UserID, ImportKind)
		if err != nil {
			return err
		}
		var opt importOptions
		if err := json.Unmarshal([]byte(p.Options), &opt); err != nil || opt.ProviderID != providerID {
			return fault.New(fault.NotFound, "import.expired")
		}
		return s.write(ctx, tx, providerID, p.FileName, p.Payload, &imp)
	})
	return imp, err
}

// ImportCompletions reads and writes a file in one go, for the command line and tests.
func (s *Service) ImportCompletions(ctx context.Context, providerID int64, fileName string, data []byte) (Import, error) {
	var imp Import
	err := s.DB.Write(ctx, func(tx *store.Tx) error { return s.write(ctx, tx, providerID, fileName, data, &imp) })
	return imp, err
}

func (s *Service) write(ctx context.Context, tx *store.Tx, providerID int64, fileName string, data []byte, imp *Import) error {
	var err error
	if *imp, err = s.analyse(ctx, tx, providerID, fileName, data); err != nil {
		return err
	}
	if n := imp.Counts[RowFailed]; n > 0 {
		return fault.New(fault.Invalid, "completion.import.has_errors", n)
	}
	for _, r := range imp.Rows {
		if r.Status != RowNew {
			continue
		}
		progs, err := tx.ProgrammesOfProvider(ctx, providerID)
		if err != nil {
			return err
		}
		var prog store.Programme
		for _, p := range progs {
			if p.ID == r.ProgrammeID {
				prog = p
			}
		}
		k := store.Completion{ProvinceCode: r.citizen.ProvinceCode, CommuneCode: r.citizen.CommuneCode, CitizenID: r.citizen.ID, ProgrammeID: prog.ID,
			ProviderID: providerID, Title: prog.Title, Topic: prog.Topic, CompletedOn: r.CompletedOn, Minutes: r.Minutes, Source: SourceImport}
		if prog.IssuesCertificate {
			k.CertificateCode = NewCode()
		}
		if err := tx.CreateCompletion(ctx, &k); err != nil {
			return err
		}
		imp.Written++
	}
	return nil
}
