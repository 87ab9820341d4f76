package learningrecord

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
)

// Imports of digital-skills confirmations issued elsewhere (another platform, a training
// centre, VNeID in future): a .xlsx or .csv with the person's ID number, the day, the level and
// the issuer. Like the roster imports, the file is read with its header found below title rows,
// every row gets its errors with the row number and the column, nothing is written until the
// officer confirms the preview, and then all rows are written in one transaction, or none: a
// file with any error is refused whole, so that nobody wonders which rows went in. The same
// person, day and issuer is one confirmation, so importing a file again adds nothing.

// ImportKindDigital is the PendingImport.Kind of a confirmations file.
const ImportKindDigital = "digital_confirmations"

// digitalFields are the columns of a confirmations file.
var digitalFields = []sheet.Field{
	{Name: "national_id", Synonyms: []string{"Số định danh", "Số định danh cá nhân", "CCCD", "Số CCCD", "Căn cước công dân", "Số căn cước", "CCCD/CMND", "ID"}, Required: true},
	{Name: "date", Synonyms: []string{"Ngày", "Ngày xác nhận", "Ngày cấp", "Ngày hoàn thành", "Ngày đánh giá", "Date"}, Required: true},
	{Name: "level", Synonyms: []string{"Mức", "Mức độ", "Mức đạt", "Trình độ", "Mức kỹ năng số", "Kết quả", "Level"}, Required: true},
	{Name: "issuer", Synonyms: []string{"Đơn vị xác nhận", "Đơn vị cấp", "Nơi cấp", "Nền tảng", "Đơn vị", "Issuer"}, Required: true},
	{Name: "full_name", Synonyms: []string{"Họ và tên", "Họ tên", "Name"}},
}

// The statuses of an import row.
const (
	RowNew    = "new"    // written on confirmation
	RowExists = "exists" // already on record: nothing to write
	RowError  = "error"
)

// DigitalImportRow is one row of a confirmations file as the preview shows it.
type DigitalImportRow struct {
	Number     int // the row number in the file
	NationalID string
	FullName   string // as registered
	Day        string // yyyy-mm-dd
	Level      string // level code
	Issuer     string
	CitizenID  int64
	place      auth.Place
	Status     string
	Errors     []fault.Error // Field is the column's name (digitalFields)
}

// MaskedID is the row's ID as pages show it.
func (r DigitalImportRow) MaskedID() string { return people.MaskNationalID(r.NationalID) }

// DigitalImport is the preview of a confirmations file, or the result of its import.
type DigitalImport struct {
	FileName  string
	Titles    []string       // each column's header text
	Columns   map[string]int // field → column index
	Rows      []DigitalImportRow
	Counts    map[string]int // by status
	Written   int
	PendingID int64
}

// Errors counts the rows in error.
func (imp DigitalImport) Errors() int { return imp.Counts[RowError] }

// Column returns the letter and header text of a field's column, e.g. "B (Ngày xác nhận)".
func (imp DigitalImport) Column(field string) string {
	i, ok := imp.Columns[field]
	if !ok {
		return field
	}
	letters := ""
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		letters = string(rune('A'+(n-1)%26)) + letters
	}
	if i < len(imp.Titles) && imp.Titles[i] != "" {
		return letters + " (" + imp.Titles[i] + ")"
	}
	return letters
}

func (r *DigitalImportRow) problem(field, key string, args ...any) {
	r.Errors = append(r.Errors, fault.Error{Kind: fault.Invalid, Field: field, Key: key, Args: args})
}

// levelCode reads a level as officials write it: the code, or its Vietnamese or English name,
// with or without diacritics ("Cơ bản", "co ban", "Đạt mức cơ bản", "basic").
func (s *Service) levelCode(text string) string {
	f := sheet.FoldHeader(text)
	if f == "" {
		return ""
	}
	for _, l := range s.framework().Levels {
		for _, n := range []string{l.Code, l.NameVI, l.NameEN} {
			if sheet.FoldHeader(n) == f {
				return l.Code
			}
		}
	}
	for _, alias := range []struct{ text, code string }{{"co ban", "basic"}, {"dat", "basic"}, {"pho cap", "basic"}, {"thanh thao", "proficient"}, {"nang cao", "proficient"}} {
		if f == alias.text {
			if _, ok := s.framework().Level(alias.code); ok {
				return alias.code
			}
		}
	}
	return ""
}

// analyseDigital reads a file and decides each row; lookups run on db (the read pool for a
// preview, the transaction for the confirmation).
func (s *Service) analyseDigital(ctx context.Context, db digitalLookup, by *auth.Principal, fileName string, data []byte) (DigitalImport, error) {
	imp := DigitalImport{FileName: fileName, Counts: map[string]int{}}
	rd, err := sheet.Open(fileName, data, sheet.DefaultLimits)
	if err != nil {
		return imp, err
	}
	defer rd.Close()
	var rows []sheet.Row
	for rd.Next() {
		rows = append(rows, rd.Row())
	}
	if err := rd.Err(); err != nil {
		return imp, err
	}
	h, err := sheet.MatchHeader(rows[:min(len(rows), sheet.HeaderSearchRows)], digitalFields)
	if err != nil {
		return imp, err
	}
	imp.Titles, imp.Columns = h.Titles, h.Columns
	today := s.DB.Now().In(ict)
	todayDay := today.Format("2006-01-02")
	var ids []string
	for _, row := range rows[h.Row+1:] {
		if row.Empty() {
			continue
		}
		cell := func(f string) string { return strings.TrimSpace(row.Cell(h.Columns[f])) }
		r := DigitalImportRow{Number: row.Number}
		id, _, ok := sheet.ParseNationalIDCell(row.Cell(h.Columns["national_id"]))
		if raw := row.RawCell(h.Columns["national_id"]); !ok && raw != "" {
			id, _, ok = sheet.ParseNationalIDCell(raw)
		}
		switch {
		case cell("national_id") == "":
			r.problem("national_id", "digital.import.id.required")
		case !ok || !validID(id, today):
			r.problem("national_id", "digital.import.id.invalid", cell("national_id"))
		default:
			r.NationalID = id
			ids = append(ids, id)
		}
		if d, err := sheet.ParseDate(cell("date"), today); err != nil {
			if fe, ok := fault.As(err); ok {
				r.problem("date", fe.Key, fe.Args...)
			} else {
				r.problem("date", "sheet.date.format", cell("date"))
			}
		} else if !d.Full() {
			r.problem("date", "digital.import.date.day", cell("date"))
		} else if iso := d.Time().Format("2006-01-02"); iso > todayDay {
			r.problem("date", "digital.import.date.future", cell("date"))
		} else {
			r.Day = iso
		}
		switch code := s.levelCode(cell("level")); {
		case cell("level") == "":
			r.problem("level", "digital.import.level.required")
		case code == "":
			r.problem("level", "digital.import.level.unknown", cell("level"))
		case !s.framework().AtLeastBasic(code):
			r.problem("level", "digital.import.level.below_basic", cell("level"))
		default:
			r.Level = code
		}
		r.Issuer = strings.Join(strings.Fields(cell("issuer")), " ")
		switch n := utf8.RuneCountInString(r.Issuer); {
		case n == 0:
			r.problem("issuer", "digital.import.issuer.required")
		case n > 200:
			r.problem("issuer", "digital.import.issuer.too_long", 200)
		}
		imp.Rows = append(imp.Rows, r)
	}
	if len(imp.Rows) == 0 {
		return imp, fault.New(fault.Invalid, "import.no_rows", fileName)
	}
	found, err := db.CitizensByNationalIDs(ctx, ids)
	if err != nil {
		return imp, err
	}
	var citizenIDs []int64
	for i := range imp.Rows {
		r := &imp.Rows[i]
		if r.NationalID == "" {
			continue
		}
		c, ok := found[r.NationalID]
		// Someone outside the importer's scope is as unknown as someone not registered, so
		// that the file's answers say nothing about people the officer may not see.
		if !ok || (by != nil && !by.CanAt(auth.PermImportDigital, store.CitizenPlace(c))) {
			r.problem("national_id", "digital.import.person.unknown", people.MaskNationalID(r.NationalID))
			continue
		}
		r.CitizenID, r.FullName, r.place = c.ID, c.FullName, store.CitizenPlace(c)
		citizenIDs = append(citizenIDs, c.ID)
	}
	have, err := db.DigitalConfirmationKeys(ctx, citizenIDs)
	if err != nil {
		return imp, err
	}
	inFile := map[string]int{}
	for i := range imp.Rows {
		r := &imp.Rows[i]
		key := store.DigitalConfirmationKey(r.CitizenID, r.Day, r.Issuer)
		switch {
		case len(r.Errors) > 0:
			r.Status = RowError
		case have[key]:
			r.Status = RowExists
		case inFile[key] != 0:
			r.Status = RowExists // the same confirmation twice in the file is written once
		default:
			r.Status = RowNew
			inFile[key] = r.Number
		}
		imp.Counts[r.Status]++
	}
	return imp, nil
}

// validID tells whether id is a well-formed 12-digit personal ID number.
func validID(id string, today time.Time) bool {
	_, err := people.ParseNationalID(id, today)
	return err == nil
}

// digitalLookup is what an import reads: the read pool or the import's transaction.
type digitalLookup interface {
	CitizensByNationalIDs(ctx context.Context, ids []string) (map[string]people.Citizen, error)
	DigitalConfirmationKeys(ctx context.Context, citizenIDs []int64) (map[string]bool, error)
}

func mayImport(by *auth.Principal) error {
	if by == nil || by.Scope(auth.PermImportDigital).Empty() {
		return fault.ErrForbidden
	}
	return nil
}

// PreviewDigitalImport reads a confirmations file and says what each row would do. Nothing is
// written but the file itself, kept two hours for the confirmation.
func (s *Service) PreviewDigitalImport(ctx context.Context, by *auth.Principal, fileName string, data []byte) (DigitalImport, error) {
	if err := mayImport(by); err != nil {
		return DigitalImport{}, err
	}
	imp, err := s.analyseDigital(ctx, s.DB, by, fileName, data)
	if err != nil {
		return imp, err
	}
	pending := store.PendingImport{UserID: by.UserID, Kind: ImportKindDigital, ProvinceCode: s.Units.Province().Code, FileName: fileName, Payload: data}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SavePendingImport(ctx, &pending, 2*time.Hour) }); err != nil {
		return imp, err
	}
	imp.PendingID = pending.ID
	return imp, nil
}

// ConfirmDigitalImport writes a previewed file in one transaction. The file is read again in
// the transaction; if any row is then in error nothing is written ("digital.import.has_errors",
// with the preview returned so the rows can be shown). Errors: ErrForbidden, import.expired.
func (s *Service) ConfirmDigitalImport(ctx context.Context, by *auth.Principal, pendingID int64) (DigitalImport, error) {
	if err := mayImport(by); err != nil {
		return DigitalImport{}, err
	}
	var imp DigitalImport
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		pending, err := tx.TakePendingImport(ctx, pendingID, by.UserID, ImportKindDigital)
		if err != nil {
			return err
		}
		if imp, err = s.analyseDigital(ctx, tx, by, pending.FileName, pending.Payload); err != nil {
			return err
		}
		return s.writeDigital(ctx, tx, by, &imp)
	})
	return imp, err
}

// ImportDigital reads and writes a file in one go, for the command line and tests (nil
// principal: every person).
func (s *Service) ImportDigital(ctx context.Context, by *auth.Principal, fileName string, data []byte) (DigitalImport, error) {
	var imp DigitalImport
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		if imp, err = s.analyseDigital(ctx, tx, by, fileName, data); err != nil {
			return err
		}
		return s.writeDigital(ctx, tx, by, &imp)
	})
	return imp, err
}

func (s *Service) writeDigital(ctx context.Context, tx *store.Tx, by *auth.Principal, imp *DigitalImport) error {
	if imp.Errors() > 0 {
		return fault.New(fault.Invalid, "digital.import.has_errors", imp.Errors())
	}
	for _, r := range imp.Rows {
		if r.Status != RowNew {
			continue
		}
		c := store.DigitalConfirmation{ProvinceCode: r.place.ProvinceCode, CommuneCode: r.place.CommuneCode, CitizenID: r.CitizenID,
			ConfirmedOn: r.Day, Level: r.Level, Issuer: r.Issuer, FileName: imp.FileName}
		if by != nil {
			c.ImportedBy = by.UserID
		}
		added, err := tx.AddDigitalConfirmation(ctx, &c)
		if err != nil {
			return err
		}
		if added {
			imp.Written++
		}
	}
	return nil
}
