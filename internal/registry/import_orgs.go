package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
)

// Imports into an existing organisation (issue: people and organisations §6): the staff of a
// work unit, the members and officials of an association branch (with the officials' training
// on the criteria), the households of a clan. They follow the citizens' import: the file is read
// streaming, the header is found below title rows by its Vietnamese names, every row gets its
// errors and warnings, nothing is written until the user confirms the preview, and then every
// valid row is written in one transaction, or none. Rows are keyed by the person's 12-digit ID
// (for a clan, by the household), so importing the same file again changes nothing.
//
// People are only ever found, never created: a person must already be registered, inside the
// caller's scope (the same rule as adding one person on the organisation's page), and anyone
// else is the same "not registered" error, so that the file's answers say nothing about people
// the caller may not see. Staff or members missing from the file are kept: an import adds and
// updates, it never ends a membership.

// Kinds of organisation import; each is also the PendingImport.Kind of its previews.
const (
	OrgImportStaff          = "staff"
	OrgImportBranchMembers  = "branch_members"
	OrgImportClanHouseholds = "clan_households"
)

// OrgImportKinds lists the kinds.
var OrgImportKinds = []string{OrgImportStaff, OrgImportBranchMembers, OrgImportClanHouseholds}

var (
	orgNameSynonyms = []string{"Họ và tên", "Họ tên", "Họ, tên", "Họ và tên công dân", "Họ tên công dân", "Họ và tên cán bộ", "Họ và tên hội viên", "Tên"}
	orgIDSynonyms   = []string{"Số CCCD", "Số định danh", "Số định danh cá nhân", "CMND/CCCD", "CCCD/CMND", "Số CCCD/CMND", "Số CMND/CCCD", "CCCD",
		"Mã định danh", "Số căn cước", "Số thẻ căn cước"}
)

// staffFields are the columns of a list of a work unit's staff.
var staffFields = []sheet.Field{
	{Name: "full_name", Synonyms: orgNameSynonyms},
	{Name: "national_id", Synonyms: orgIDSynonyms, Required: true},
	{Name: "position", Synonyms: []string{"Chức vụ", "Chức danh", "Chức vụ, chức danh", "Chức vụ/chức danh", "Vị trí việc làm", "Vị trí công tác", "Vị trí"}},
	{Name: "civil_servant", Synonyms: []string{"Công chức/viên chức", "Công chức, viên chức", "Cán bộ, công chức, viên chức", "CB, CC, VC", "CC/VC", "CCVC",
		"Là công chức, viên chức", "Là công chức/viên chức", "Công chức", "Viên chức"}},
}

// branchMemberFields are the columns of a list of an association branch's members.
var branchMemberFields = []sheet.Field{
	{Name: "full_name", Synonyms: orgNameSynonyms},
	{Name: "national_id", Synonyms: orgIDSynonyms, Required: true},
	{Name: "position", Synonyms: []string{"Chức vụ", "Chức vụ trong chi hội", "Chức vụ trong hội", "Chức danh"}},
	{Name: "official", Synonyms: []string{"Cán bộ chi hội", "Là cán bộ", "Là cán bộ chi hội", "Cán bộ hội", "Cán bộ"}},
	{Name: "trained_on", Synonyms: []string{"Ngày tập huấn", "Ngày tập huấn bộ tiêu chí", "Ngày tập huấn tiêu chí", "Tập huấn ngày", "Tập huấn ngày tập huấn"}},
	{Name: "course", Synonyms: []string{"Nội dung tập huấn", "Lớp tập huấn", "Khóa tập huấn", "Khoá tập huấn", "Tập huấn nội dung", "Tập huấn nội dung tập huấn"}},
	{Name: "trainer", Synonyms: []string{"Người tập huấn", "Đơn vị tập huấn", "Giảng viên", "Báo cáo viên", "Tập huấn người tập huấn", "Tập huấn đơn vị tập huấn"}},
}

// clanHouseholdFields are the columns of a list of a clan's households: the household number,
// or the head's name and ID, or both.
var clanHouseholdFields = []sheet.Field{
	{Name: "household", Synonyms: []string{"Số hộ", "Mã hộ", "Hộ số", "Số hộ khẩu", "Mã hộ gia đình", "Số hộ gia đình"}},
	{Name: "head_name", Synonyms: []string{"Chủ hộ", "Họ và tên chủ hộ", "Họ tên chủ hộ", "Tên chủ hộ", "Chủ hộ họ và tên", "Chủ hộ họ tên", "Họ và tên", "Họ tên"}},
	{Name: "head_id", Synonyms: []string{"Số CCCD của chủ hộ", "Số CCCD chủ hộ", "CCCD của chủ hộ", "CCCD chủ hộ", "Số định danh của chủ hộ", "Số định danh chủ hộ",
		"Chủ hộ số CCCD", "Chủ hộ số định danh", "Chủ hộ CCCD", "Số CCCD", "Số định danh", "Số định danh cá nhân", "CMND/CCCD", "CCCD/CMND", "CCCD"}},
}

func orgFields(kind string) []sheet.Field {
	switch kind {
	case OrgImportStaff:
		return staffFields
	case OrgImportBranchMembers:
		return branchMemberFields
	}
	return clanHouseholdFields
}

// OrgImportOptions say which organisation a pending import fills (PendingImport.Options).
type OrgImportOptions struct {
	WorkUnitID int64 `json:"work_unit_id,omitempty"`
	BranchID   int64 `json:"branch_id,omitempty"`
	ClanID     int64 `json:"clan_id,omitempty"`
}

func (o OrgImportOptions) target(kind string) int64 {
	switch kind {
	case OrgImportStaff:
		return o.WorkUnitID
	case OrgImportBranchMembers:
		return o.BranchID
	case OrgImportClanHouseholds:
		return o.ClanID
	}
	return 0
}

// OrgImportRow is one row of the file as the preview shows it.
type OrgImportRow struct {
	Number   int
	Cells    []string
	Status   string
	Errors   []fault.Error
	Warnings []fault.Error

	FullName   string // the name in the file (for a clan, the head's)
	NationalID string // the 12-digit ID read from the file (for a clan, the head's); "" when none
	CitizenID  int64  // the registered person; for a clan, the household's head (0 when none)
	Registered string // the registered person's name

	Position    string // staff and members: the position after the import
	Flag        bool   // staff: civil servant; members: official (after the import)
	TrainedOn   string // members: "YYYY-MM-DD" of a training on the criteria, "" when none
	Course      string
	Trainer     string
	NewTraining bool // the training is not recorded yet

	HouseholdCode string // clans: the household number
	HouseholdID   int64

	existing    int64 // the employment or membership an update changes
	positionSet bool  // the file gives a position (an empty cell keeps the registered one)
	flagSet     bool  // the file has the flag column (an empty cell there is "no")
}

// MaskedID is the row's ID as pages show it.
func (r OrgImportRow) MaskedID() string { return people.MaskNationalID(r.NationalID) }

func (r *OrgImportRow) problem(warn bool, field, key string, args ...any) {
	e := fault.Error{Kind: fault.Invalid, Field: field, Key: key, Args: args}
	if warn {
		r.Warnings = append(r.Warnings, e)
	} else {
		r.Errors = append(r.Errors, e)
	}
}

// OrgImport is the preview of a file for an organisation, or the result of its import.
type OrgImport struct {
	Kind       string
	FileName   string
	TargetID   int64
	TargetName string
	Place      auth.Place
	Titles     []string       // the header texts, by column
	Columns    map[string]int // field → column
	Rows       []OrgImportRow
	Warnings   []fault.Error // about the whole file (a legacy encoding converted)
	Counts     map[string]int
	PendingID  int64
	Elapsed    time.Duration
	data       []byte
}

// Writable counts the rows a confirmation writes.
func (imp OrgImport) Writable() int { return imp.Counts[StatusNew] + imp.Counts[StatusUpdate] }

// orgTarget is the organisation an import fills, loaded and checked.
type orgTarget struct {
	kind   string
	id     int64
	name   string
	place  auth.Place
	unit   store.WorkUnit
	branch store.Branch
	clan   store.Clan
}

// target loads the organisation of an import; the principal must manage it (nil: the command
// line). An unknown kind is ErrNotFound.
func (s *Service) target(ctx context.Context, by *auth.Principal, kind string, id int64) (orgTarget, error) {
	t := orgTarget{kind: kind, id: id}
	switch kind {
	case OrgImportStaff:
		w, err := s.managedWorkUnit(ctx, by, id)
		if err != nil {
			return t, err
		}
		t.unit, t.name, t.place = w, w.Name, store.WorkUnitPlace(w)
	case OrgImportBranchMembers:
		b, err := s.managedBranch(ctx, by, id)
		if err != nil {
			return t, err
		}
		t.branch, t.name, t.place = b, b.Name, store.BranchPlace(b)
	case OrgImportClanHouseholds:
		c, err := s.managedClan(ctx, by, id)
		if err != nil {
			return t, err
		}
		t.clan, t.name, t.place = c, c.Name, store.ClanPlace(c)
	default:
		return t, fault.ErrNotFound
	}
	return t, nil
}

func (t orgTarget) options() OrgImportOptions {
	switch t.kind {
	case OrgImportStaff:
		return OrgImportOptions{WorkUnitID: t.id}
	case OrgImportBranchMembers:
		return OrgImportOptions{BranchID: t.id}
	}
	return OrgImportOptions{ClanID: t.id}
}

// pendingFor checks that a pending import fills this organisation; another one's is as
// unknown as an expired one.
func pendingFor(p store.PendingImport, kind string, targetID int64) error {
	var opt OrgImportOptions
	if err := json.Unmarshal([]byte(p.Options), &opt); err != nil || opt.target(kind) != targetID {
		return fault.New(fault.NotFound, "import.expired")
	}
	return nil
}

// PreviewOrgImport reads a file for an organisation the principal manages and says what each
// row would do. Nothing is written but the file itself, kept for the confirmation.
func (s *Service) PreviewOrgImport(ctx context.Context, by *auth.Principal, kind string, targetID int64, fileName string, data []byte) (OrgImport, error) {
	if by == nil {
		return OrgImport{}, fault.ErrForbidden
	}
	t, err := s.target(ctx, by, kind, targetID)
	if err != nil {
		return OrgImport{}, err
	}
	imp, err := s.analyseOrg(ctx, s.DB, by, t, fileName, data)
	if err != nil {
		return imp, err
	}
	raw, _ := json.Marshal(t.options())
	pending := store.PendingImport{UserID: by.UserID, Kind: kind, ProvinceCode: t.place.ProvinceCode, CommuneCode: t.place.CommuneCode,
		FileName: fileName, Options: string(raw), Payload: data}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SavePendingImport(ctx, &pending, 2*time.Hour) }); err != nil {
		return imp, err
	}
	imp.PendingID = pending.ID
	return imp, nil
}

// PendingOrgImport re-reads a pending import (for the error report) without using it up.
func (s *Service) PendingOrgImport(ctx context.Context, by *auth.Principal, kind string, targetID, pendingID int64) (OrgImport, error) {
	if by == nil {
		return OrgImport{}, fault.ErrForbidden
	}
	t, err := s.target(ctx, by, kind, targetID)
	if err != nil {
		return OrgImport{}, err
	}
	pending, err := s.DB.PendingImport(ctx, pendingID, by.UserID, kind)
	if err != nil {
		return OrgImport{}, err
	}
	if err := pendingFor(pending, kind, targetID); err != nil {
		return OrgImport{}, err
	}
	imp, err := s.analyseOrg(ctx, s.DB, by, t, pending.FileName, pending.Payload)
	imp.PendingID = pending.ID
	return imp, err
}

// ConfirmOrgImport writes every valid row of a previewed file in one transaction, or nothing.
// The file is read again inside the transaction, so the rows written are those that are valid
// now. Errors: ErrForbidden, ErrNotFound; import.expired when the preview is not the user's,
// not this organisation's, already confirmed or too old.
func (s *Service) ConfirmOrgImport(ctx context.Context, by *auth.Principal, kind string, targetID, pendingID int64) (OrgImport, error) {
	if by == nil {
		return OrgImport{}, fault.ErrForbidden
	}
	t, err := s.target(ctx, by, kind, targetID)
	if err != nil {
		return OrgImport{}, err
	}
	var imp OrgImport
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		pending, err := tx.TakePendingImport(ctx, pendingID, by.UserID, kind)
		if err != nil {
			return err
		}
		if err := pendingFor(pending, kind, targetID); err != nil {
			return err
		}
		if imp, err = s.analyseOrg(ctx, tx, by, t, pending.FileName, pending.Payload); err != nil {
			return err
		}
		return s.writeOrg(ctx, tx, t, &imp)
	})
	return imp, err
}

// ImportOrg reads and, unless dryRun, writes a file for an organisation in one go, for the
// command line (which reaches every person).
func (s *Service) ImportOrg(ctx context.Context, kind string, targetID int64, fileName string, data []byte, dryRun bool) (OrgImport, error) {
	t, err := s.target(ctx, nil, kind, targetID)
	if err != nil {
		return OrgImport{}, err
	}
	if dryRun {
		return s.analyseOrg(ctx, s.DB, nil, t, fileName, data)
	}
	var imp OrgImport
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		if imp, err = s.analyseOrg(ctx, tx, nil, t, fileName, data); err != nil {
			return err
		}
		return s.writeOrg(ctx, tx, t, &imp)
	})
	return imp, err
}

// PreviewStaffImport previews a list of a work unit's staff (see PreviewOrgImport).
func (s *Service) PreviewStaffImport(ctx context.Context, by *auth.Principal, unitID int64, fileName string, data []byte) (OrgImport, error) {
	return s.PreviewOrgImport(ctx, by, OrgImportStaff, unitID, fileName, data)
}

// ConfirmStaffImport writes a previewed list of a work unit's staff (see ConfirmOrgImport).
func (s *Service) ConfirmStaffImport(ctx context.Context, by *auth.Principal, unitID, pendingID int64) (OrgImport, error) {
	return s.ConfirmOrgImport(ctx, by, OrgImportStaff, unitID, pendingID)
}

// PreviewBranchMemberImport previews a list of a branch's members (see PreviewOrgImport).
func (s *Service) PreviewBranchMemberImport(ctx context.Context, by *auth.Principal, branchID int64, fileName string, data []byte) (OrgImport, error) {
	return s.PreviewOrgImport(ctx, by, OrgImportBranchMembers, branchID, fileName, data)
}

// ConfirmBranchMemberImport writes a previewed list of a branch's members (see ConfirmOrgImport).
func (s *Service) ConfirmBranchMemberImport(ctx context.Context, by *auth.Principal, branchID, pendingID int64) (OrgImport, error) {
	return s.ConfirmOrgImport(ctx, by, OrgImportBranchMembers, branchID, pendingID)
}

// PreviewClanHouseholdImport previews a list of a clan's households (see PreviewOrgImport).
func (s *Service) PreviewClanHouseholdImport(ctx context.Context, by *auth.Principal, clanID int64, fileName string, data []byte) (OrgImport, error) {
	return s.PreviewOrgImport(ctx, by, OrgImportClanHouseholds, clanID, fileName, data)
}

// ConfirmClanHouseholdImport writes a previewed list of a clan's households (see ConfirmOrgImport).
func (s *Service) ConfirmClanHouseholdImport(ctx context.Context, by *auth.Principal, clanID, pendingID int64) (OrgImport, error) {
	return s.ConfirmOrgImport(ctx, by, OrgImportClanHouseholds, clanID, pendingID)
}

// orgLookup is what the analysis reads, from the pool or from the import's transaction.
type orgLookup interface {
	CitizensByNationalIDs(ctx context.Context, ids []string) (map[string]people.Citizen, error)
	CurrentEmployments(ctx context.Context, citizenIDs []int64) (map[int64]store.Employment, error)
	CurrentBranchMemberships(ctx context.Context, branchID int64) (map[int64]store.BranchMember, error)
	TrainingsOfCitizens(ctx context.Context, citizenIDs []int64) (map[int64][]store.Training, error)
	HouseholdsWithHeads(ctx context.Context, communeCode string) ([]store.HouseholdHead, error)
	CurrentClansOfHouseholds(ctx context.Context, communeCode string) (map[int64]store.ClanMembership, error)
}

// analyseOrg reads the file and decides every row's status, without writing.
func (s *Service) analyseOrg(ctx context.Context, db orgLookup, by *auth.Principal, t orgTarget, fileName string, data []byte) (OrgImport, error) {
	start := time.Now()
	imp := OrgImport{Kind: t.kind, FileName: fileName, TargetID: t.id, TargetName: t.name, Place: t.place, Counts: map[string]int{}, data: data}
	r, err := sheet.Open(fileName, data, sheet.DefaultLimits)
	if err != nil {
		return imp, err
	}
	defer r.Close()
	var head []sheet.Row
	for len(head) < sheet.HeaderSearchRows && r.Next() {
		head = append(head, r.Row())
	}
	if err := r.Err(); err != nil {
		return imp, err
	}
	h, err := sheet.MatchHeader(head, orgFields(t.kind))
	if err != nil {
		return imp, err
	}
	imp.Titles, imp.Columns = h.Titles, h.Columns
	if t.kind == OrgImportClanHouseholds {
		_, hasCode := h.Columns["household"]
		_, hasHead := h.Columns["head_id"]
		if !hasCode && !hasHead {
			return imp, fault.New(fault.Invalid, "orgimport.clan.no_key", fileName)
		}
	}
	now := s.DB.Now()
	today := s.today()
	for _, row := range head[h.Row+1:] {
		imp.Rows = append(imp.Rows, parseOrgRow(row, imp.Columns, t.kind, now, today))
	}
	for r.Next() {
		imp.Rows = append(imp.Rows, parseOrgRow(r.Row(), imp.Columns, t.kind, now, today))
	}
	if err := r.Err(); err != nil {
		return imp, err
	}
	if len(imp.Rows) == 0 {
		return imp, fault.New(fault.Invalid, "import.no_rows", fileName)
	}
	for _, w := range r.Warnings() {
		imp.Warnings = append(imp.Warnings, fault.Error{Key: w.Key, Args: w.Args})
	}
	switch t.kind {
	case OrgImportStaff:
		err = s.checkStaff(ctx, db, by, t, imp.Rows)
	case OrgImportBranchMembers:
		err = s.checkMembers(ctx, db, by, t, imp.Rows)
	default:
		err = s.checkClanHouseholds(ctx, db, by, t, imp.Rows)
	}
	if err != nil {
		return imp, err
	}
	for i := range imp.Rows {
		r := &imp.Rows[i]
		if len(r.Errors) > 0 || r.Status == "" {
			r.Status = StatusError
		}
		imp.Counts[r.Status]++
	}
	imp.Elapsed = time.Since(start)
	return imp, nil
}

// parseOrgRow reads one row's cells, with the errors and warnings the row shows by itself.
func parseOrgRow(row sheet.Row, cols map[string]int, kind string, now time.Time, today string) OrgImportRow {
	cell := func(f string) string {
		if i, ok := cols[f]; ok {
			return row.Cell(i)
		}
		return ""
	}
	raw := func(f string) string {
		if i, ok := cols[f]; ok {
			return row.RawCell(i)
		}
		return ""
	}
	_, hasFlag := cols["civil_servant"]
	flagField := "civil_servant"
	positionKey := "work_unit.staff.position.too_long"
	if kind == OrgImportBranchMembers {
		_, hasFlag = cols["official"]
		flagField, positionKey = "official", "branch.member.position.too_long"
	}
	ir := OrgImportRow{Number: row.Number, Cells: row.Cells}
	if kind == OrgImportClanHouseholds {
		ir.HouseholdCode = strings.TrimSpace(cell("household"))
		ir.FullName = cleanText(cell("head_name"))
		ir.NationalID = ir.readID("head_id", cell("head_id"), raw("head_id"), false, now)
		if ir.HouseholdCode == "" && cell("head_id") == "" {
			field := "household"
			if _, ok := cols["household"]; !ok {
				field = "head_id"
			}
			ir.problem(false, field, "orgimport.clan.key_missing")
		}
		return ir
	}
	ir.FullName = cleanText(cell("full_name"))
	ir.NationalID = ir.readID("national_id", cell("national_id"), raw("national_id"), true, now)
	if p := cleanText(cell("position")); p != "" {
		ir.Position, ir.positionSet = p, true
		if utf8.RuneCountInString(p) > MaxOrgTextLen {
			ir.problem(false, "position", positionKey, MaxOrgTextLen)
		}
	}
	if hasFlag {
		v := cell(flagField)
		flag, ok := ParseYes(v)
		if !ok {
			ir.problem(false, flagField, "orgimport.flag.unknown", v)
		}
		ir.Flag, ir.flagSet = flag, true
	}
	if kind == OrgImportBranchMembers {
		ir.readTraining(cell("trained_on"), raw("trained_on"), cleanText(cell("course")), cleanText(cell("trainer")), now, today)
	}
	return ir
}

// readID reads a personal ID cell: IDs typed as numbers get their leading zeros back (with a
// warning); anything that is not a well-formed 12-digit ID is an error on field.
func (r *OrgImportRow) readID(field, text, rawText string, required bool, now time.Time) string {
	if text == "" {
		if required {
			r.problem(false, field, "orgimport.id.missing")
		}
		return ""
	}
	if rawText != "" {
		text = rawText
	}
	id, restored, ok := sheet.ParseNationalIDCell(text)
	if !ok {
		r.problem(false, field, "import.id.unreadable", text)
		return ""
	}
	if _, err := people.ParseNationalID(id, now); err != nil {
		var ie *people.IDError
		if errors.As(err, &ie) {
			r.problem(false, field, ie.Code, ie.Value, ie.Other)
		} else {
			r.problem(false, field, "id.invalid")
		}
		return ""
	}
	if restored {
		r.problem(true, field, "import.id.restored_zero", id)
	}
	return id
}

// readTraining reads the optional training on the criteria: a date and a course, both or none.
func (r *OrgImportRow) readTraining(day, rawDay, course, trainer string, now time.Time, today string) {
	if day == "" && course == "" && trainer == "" {
		return
	}
	switch {
	case day == "":
		r.problem(false, "trained_on", "training.trained_on.required")
	default:
		var d sheet.Date
		var err error
		if rawDay != "" && !strings.Contains(day, "/") && len(day) != 4 {
			d, err = sheet.ParseSerialDate(rawDay)
		} else {
			d, err = sheet.ParseDate(day, now)
		}
		iso := ""
		if err == nil && d.Full() {
			iso = d.Time().Format("2006-01-02")
		}
		switch {
		case iso == "":
			r.problem(false, "trained_on", "training.trained_on.invalid", day)
		case iso > today:
			r.problem(false, "trained_on", "training.trained_on.future")
		default:
			r.TrainedOn = iso
		}
	}
	switch n := utf8.RuneCountInString(course); {
	case n == 0:
		r.problem(false, "course", "training.course.required")
	case n > MaxOrgTextLen:
		r.problem(false, "course", "training.course.too_long", MaxOrgTextLen)
	default:
		r.Course = course
	}
	if utf8.RuneCountInString(trainer) > MaxOrgTextLen {
		r.problem(false, "trainer", "training.trainer.too_long", MaxOrgTextLen)
	} else {
		r.Trainer = trainer
	}
}

// ParseYes reads a yes/no cell as officials fill them: "x", "có", "1", "yes" (or a tick, or the
// column's own words such as "công chức") are yes; blank, "không", "0", "no" are no. ok is false
// for anything else.
func ParseYes(s string) (yes, ok bool) {
	t := strings.TrimSpace(s)
	switch t {
	case "":
		return false, true
	case "✓", "✔", "√", "☑", "+":
		return true, true
	case "-", "–", "—":
		return false, true
	}
	switch sheet.FoldHeader(t) {
	case "x", "co", "1", "yes", "y", "true", "dung", "cong chuc", "vien chuc", "cc", "vc", "can bo", "la can bo", "cb":
		return true, true
	case "khong", "ko", "k", "0", "no", "n", "false":
		return false, true
	}
	return false, false
}

// matchPeople finds the registered person of every row with an ID, inside the principal's
// scope, and returns their citizen ids. Two rows with one ID are an error on the second.
func (s *Service) matchPeople(ctx context.Context, db orgLookup, by *auth.Principal, rows []OrgImportRow) ([]int64, error) {
	var ids []string
	for _, r := range rows {
		if r.NationalID != "" {
			ids = append(ids, r.NationalID)
		}
	}
	found, err := db.CitizensByNationalIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	first := map[string]int{}
	var cids []int64
	for i := range rows {
		r := &rows[i]
		if r.NationalID == "" {
			continue
		}
		if n, dup := first[r.NationalID]; dup {
			r.problem(false, "national_id", "orgimport.id.duplicate_row", n)
			continue
		}
		first[r.NationalID] = r.Number
		c, ok := found[r.NationalID]
		if !ok || (by != nil && !by.CanAt(auth.PermManageOrgs, store.CitizenPlace(c))) {
			r.problem(false, "national_id", "orgimport.person.not_registered")
			continue
		}
		r.CitizenID, r.Registered = c.ID, c.FullName
		if r.FullName != "" && people.FoldName(r.FullName) != people.FoldName(c.FullName) {
			r.problem(true, "full_name", "orgimport.name.differs", c.FullName)
		}
		cids = append(cids, c.ID)
	}
	return cids, nil
}

// checkStaff decides the staff rows: someone employed here with the same position and flag
// is unchanged, with another one an update; anyone else is new (an employment elsewhere ends
// when the import is confirmed: one employer at a time).
func (s *Service) checkStaff(ctx context.Context, db orgLookup, by *auth.Principal, t orgTarget, rows []OrgImportRow) error {
	cids, err := s.matchPeople(ctx, db, by, rows)
	if err != nil {
		return err
	}
	employed, err := db.CurrentEmployments(ctx, cids)
	if err != nil {
		return err
	}
	for i := range rows {
		r := &rows[i]
		if r.CitizenID == 0 || len(r.Errors) > 0 {
			continue
		}
		e, ok := employed[r.CitizenID]
		switch {
		case ok && e.WorkUnitID == t.id:
			r.existing = e.StaffID
			if !r.positionSet {
				r.Position = e.Position
			}
			if !r.flagSet {
				r.Flag = e.CivilServant
			}
			if r.Position == e.Position && r.Flag == e.CivilServant {
				r.Status = StatusUnchanged
			} else {
				r.Status = StatusUpdate
			}
		case ok:
			r.problem(true, "national_id", "orgimport.staff.moves", e.UnitName)
			r.Status = StatusNew
		default:
			r.Status = StatusNew
		}
	}
	return nil
}

// checkMembers decides the member rows: a current member with the same role and position,
// and no training to record, is unchanged; a changed role or a new training is an update.
// A training is recorded once: the same date and course again is nothing new.
func (s *Service) checkMembers(ctx context.Context, db orgLookup, by *auth.Principal, t orgTarget, rows []OrgImportRow) error {
	cids, err := s.matchPeople(ctx, db, by, rows)
	if err != nil {
		return err
	}
	members, err := db.CurrentBranchMemberships(ctx, t.id)
	if err != nil {
		return err
	}
	trainings, err := db.TrainingsOfCitizens(ctx, cids)
	if err != nil {
		return err
	}
	for i := range rows {
		r := &rows[i]
		if r.CitizenID == 0 || len(r.Errors) > 0 {
			continue
		}
		m, member := members[r.CitizenID]
		if member {
			r.existing = m.ID
			if !r.positionSet {
				r.Position = m.Position
			}
			if !r.flagSet {
				r.Flag = m.IsOfficial
			}
		}
		if r.TrainedOn != "" {
			if !r.Flag {
				r.problem(false, "trained_on", "orgimport.training.not_official")
				continue
			}
			r.NewTraining = true
			for _, tr := range trainings[r.CitizenID] {
				if tr.TrainedOn == r.TrainedOn && people.FoldName(tr.Course) == people.FoldName(r.Course) {
					r.NewTraining = false
				}
			}
		}
		switch {
		case !member:
			r.Status = StatusNew
		case m.IsOfficial != r.Flag || m.Position != r.Position || r.NewTraining:
			r.Status = StatusUpdate
		default:
			r.Status = StatusUnchanged
		}
	}
	return nil
}

// checkClanHouseholds finds each row's household of the clan's commune, by its number or by
// its head's ID (both must then name the same household): one already in the clan is
// unchanged, one in another clan an error, any other new.
func (s *Service) checkClanHouseholds(ctx context.Context, db orgLookup, by *auth.Principal, t orgTarget, rows []OrgImportRow) error {
	hs, err := db.HouseholdsWithHeads(ctx, t.clan.CommuneCode)
	if err != nil {
		return err
	}
	byCode := map[string]store.HouseholdHead{}
	byHead := map[string]store.HouseholdHead{}
	for _, h := range hs {
		if h.ProvinceCode != t.clan.ProvinceCode {
			continue
		}
		if _, seen := byCode[h.Code]; h.Code != "" && !seen {
			byCode[h.Code] = h
		}
		if _, seen := byHead[h.HeadNationalID]; h.HeadNationalID != "" && !seen {
			byHead[h.HeadNationalID] = h
		}
	}
	clans, err := db.CurrentClansOfHouseholds(ctx, t.clan.CommuneCode)
	if err != nil {
		return err
	}
	first := map[int64]int{}
	for i := range rows {
		r := &rows[i]
		if len(r.Errors) > 0 {
			continue
		}
		var h store.HouseholdHead
		found := false
		if r.HouseholdCode != "" {
			if h, found = byCode[r.HouseholdCode]; !found {
				r.problem(false, "household", "clan.household.not_found", r.HouseholdCode)
				continue
			}
		}
		if r.NationalID != "" {
			hh, ok := byHead[r.NationalID]
			switch {
			case !ok && !found:
				r.problem(false, "head_id", "orgimport.clan.head_not_found")
				continue
			case !ok || (found && hh.ID != h.ID):
				r.problem(false, "head_id", "orgimport.clan.head_mismatch", r.HouseholdCode)
				continue
			}
			h, found = hh, true
		}
		place := auth.Place{ProvinceCode: h.ProvinceCode, CommuneCode: h.CommuneCode, VillageID: h.VillageID}
		if by != nil && !by.CanAt(auth.PermManageOrgs, place) {
			r.problem(false, "household", "clan.household.not_found", r.HouseholdCode)
			continue
		}
		r.HouseholdID, r.CitizenID, r.Registered = h.ID, h.HeadID, h.HeadName
		if r.HouseholdCode == "" {
			r.HouseholdCode = h.Code
		}
		if r.FullName != "" && h.HeadName != "" && people.FoldName(r.FullName) != people.FoldName(h.HeadName) {
			r.problem(true, "head_name", "orgimport.name.differs", h.HeadName)
		}
		if n, dup := first[h.ID]; dup {
			r.problem(false, "household", "orgimport.household.duplicate_row", n)
			continue
		}
		first[h.ID] = r.Number
		switch m, ok := clans[h.ID]; {
		case ok && m.ClanID == t.id:
			r.Status = StatusUnchanged
		case ok:
			r.problem(false, "household", "clan.household.other_clan", m.ClanName)
		default:
			r.Status = StatusNew
		}
	}
	return nil
}

// writeOrg applies the new and changed rows inside the import's transaction, and records the
// import itself when it wrote anything: a second import of the same file changes nothing,
// not even the audit log.
func (s *Service) writeOrg(ctx context.Context, tx *store.Tx, t orgTarget, imp *OrgImport) error {
	written := 0
	for i := range imp.Rows {
		r := &imp.Rows[i]
		if r.Status != StatusNew && r.Status != StatusUpdate {
			continue
		}
		var err error
		switch t.kind {
		case OrgImportStaff:
			if r.Status == StatusNew {
				m := store.StaffMember{CitizenID: r.CitizenID, Position: r.Position, CivilServant: r.Flag}
				err = tx.AddStaff(ctx, t.unit, &m)
			} else {
				_, err = tx.UpdateStaffRole(ctx, t.unit, r.existing, r.Position, r.Flag)
			}
		case OrgImportBranchMembers:
			if r.Status == StatusNew {
				m := store.BranchMember{CitizenID: r.CitizenID, IsOfficial: r.Flag, Position: r.Position}
				err = tx.AddBranchMember(ctx, t.branch, &m)
			} else {
				_, err = tx.UpdateBranchMemberRole(ctx, t.branch, r.existing, r.Flag, r.Position)
			}
			if err == nil && r.NewTraining {
				err = tx.RecordTraining(ctx, t.branch, &store.Training{CitizenID: r.CitizenID, TrainedOn: r.TrainedOn, Course: r.Course, Trainer: r.Trainer})
			}
		case OrgImportClanHouseholds:
			_, err = tx.AddClanHousehold(ctx, t.clan, r.HouseholdID)
		}
		if err != nil {
			return rowError(r.Number, err)
		}
		written++
	}
	if written == 0 {
		return nil
	}
	sum := sha256.Sum256(imp.data)
	return tx.RecordExport(ctx, t.place, "import."+t.kind, map[string]any{"file": imp.FileName, "sha256": hex.EncodeToString(sum[:]),
		"target_id": t.id, "new": imp.Counts[StatusNew], "updated": imp.Counts[StatusUpdate], "unchanged": imp.Counts[StatusUnchanged],
		"errors": imp.Counts[StatusError]})
}
