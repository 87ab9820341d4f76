package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

// citizenFields are the columns of a roster and the header texts officials give them.
var citizenFields = []sheet.Field{
	{Name: "household", Synonyms: []string{"Số hộ", "Mã hộ", "Hộ số", "Số hộ khẩu", "Mã hộ gia đình", "Số hộ gia đình", "Hộ"}},
	{Name: "full_name", Synonyms: []string{"Họ và tên", "Họ tên", "Họ, tên", "Họ và tên công dân", "Họ tên công dân", "Tên"}, Required: true},
	{Name: "birth_date", Synonyms: []string{"Ngày sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Năm sinh", "Ngày/tháng/năm sinh", "NS"}},
	{Name: "birth_male", Synonyms: []string{"Ngày sinh Nam", "Năm sinh Nam"}},
	{Name: "birth_female", Synonyms: []string{"Ngày sinh Nữ", "Năm sinh Nữ"}},
	{Name: "gender", Synonyms: []string{"Giới tính", "Giới", "Nam/Nữ", "Nam, nữ"}},
	{Name: "national_id", Synonyms: []string{"Số CCCD", "Số định danh", "Số định danh cá nhân", "CMND/CCCD", "CCCD/CMND", "Số CCCD/CMND", "Số CMND/CCCD", "CCCD", "Mã định danh", "Số căn cước", "Số thẻ căn cước"}},
	{Name: "legacy_id", Synonyms: []string{"Số CMND", "CMND", "CMND cũ"}},
	{Name: "village", Synonyms: []string{"Thôn/Tổ dân phố", "Thôn, tổ dân phố", "Thôn", "Tổ dân phố", "TDP", "Thôn/TDP", "Tổ", "Địa chỉ thôn"}},
	{Name: "relation", Synonyms: []string{"Quan hệ với chủ hộ", "Quan hệ", "QH với chủ hộ", "Quan hệ chủ hộ"}},
	{Name: "phone", Synonyms: []string{"Số điện thoại", "Điện thoại", "SĐT", "ĐT"}},
	{Name: "target_group", Synonyms: []string{"Nhóm đối tượng", "Đối tượng"}},
}

// ImportFieldNames lists the fields a column can be mapped to on the preview page.
func ImportFieldNames() []string {
	out := make([]string, 0, len(citizenFields))
	for _, f := range citizenFields {
		out = append(out, f.Name)
	}
	return out
}

// CitizenImportOptions are the choices made on the upload form and the preview page.
type CitizenImportOptions struct {
	DefaultVillage  int64          `json:"default_village,omitempty"` // for rows without a village column
	Mapping         map[int]string `json:"mapping,omitempty"`         // column index → field, chosen by the user
	ConsentAttested bool           `json:"consent_attested"`          // the officer holds the people's signed consent
}

// Row statuses of a citizen import.
const (
	StatusNew       = "new"
	StatusUpdate    = "update"
	StatusUnchanged = "unchanged"
	StatusError     = "error"
)

// CitizenImportRow is one row of a roster as the preview shows it.
type CitizenImportRow struct {
	Number    int
	Cells     []string
	Citizen   people.Citizen
	Household string
	Existing  int64 // the registered person this row updates or repeats
	Status    string
	Errors    []fault.Error
	Warnings  []fault.Error
}

// CitizenImport is the preview of a roster, or the result of its import.
type CitizenImport struct {
	FileName  string
	Commune   adminunit.Unit
	Options   CitizenImportOptions
	Titles    []string // the header texts, by column
	Columns   map[string]int
	Unmapped  []int    // columns whose header matched no field
	Missing   []string // required fields no column provides
	Rows      []CitizenImportRow
	Warnings  []fault.Error
	Counts    map[string]int
	PendingID int64
	Elapsed   time.Duration
	data      []byte // the file, for its fingerprint in the audit log
}

// rowErr adds a problem to a row, naming the column it comes from.
func (r *CitizenImportRow) problem(warn bool, field, key string, args ...any) {
	e := fault.Error{Kind: fault.Invalid, Field: field, Key: key, Args: args}
	if warn {
		r.Warnings = append(r.Warnings, e)
	} else {
		r.Errors = append(r.Errors, e)
	}
}

// PreviewCitizenImport reads a roster for one commune and says what each row would do. Nothing
// is written but the file itself, kept for the confirmation (when by is not nil).
func (s *Service) PreviewCitizenImport(ctx context.Context, by *auth.Principal, communeCode, fileName string, data []byte, opt CitizenImportOptions) (CitizenImport, error) {
	unit, err := s.checkCommune(communeCode)
	if err != nil {
		return CitizenImport{}, err
	}
	if by != nil && !by.CanAt(auth.PermImportCitizens, auth.Place{ProvinceCode: unit.ProvinceCode, CommuneCode: unit.Code}) {
		return CitizenImport{}, fault.ErrForbidden
	}
	imp, err := s.analyseCitizens(ctx, s.DB, unit, fileName, data, opt)
	if err != nil || by == nil {
		return imp, err
	}
	raw, _ := json.Marshal(opt)
	pending := store.PendingImport{UserID: by.UserID, Kind: "citizens", ProvinceCode: unit.ProvinceCode, CommuneCode: unit.Code, FileName: fileName, Options: string(raw), Payload: data}
	if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SavePendingImport(ctx, &pending, 2*time.Hour) }); err != nil {
		return imp, err
	}
	imp.PendingID = pending.ID
	return imp, nil
}

// Remap re-reads a pending roster with the user's column mapping, keeping it pending.
func (s *Service) Remap(ctx context.Context, by *auth.Principal, pendingID int64, mapping map[int]string) (CitizenImport, error) {
	var pending store.PendingImport
	if err := s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		pending, err = tx.TakePendingImport(ctx, pendingID, by.UserID, "citizens")
		return err
	}); err != nil {
		return CitizenImport{}, err
	}
	var opt CitizenImportOptions
	_ = json.Unmarshal([]byte(pending.Options), &opt)
	opt.Mapping = mapping
	return s.PreviewCitizenImport(ctx, by, pending.CommuneCode, pending.FileName, pending.Payload, opt)
}

// PendingCitizenImport re-reads a pending roster (for the error report) without using it up.
func (s *Service) PendingCitizenImport(ctx context.Context, by *auth.Principal, pendingID int64) (CitizenImport, error) {
	pending, err := s.DB.PendingImport(ctx, pendingID, by.UserID, "citizens")
	if err != nil {
		return CitizenImport{}, err
	}
	var opt CitizenImportOptions
	_ = json.Unmarshal([]byte(pending.Options), &opt)
	unit, err := s.checkCommune(pending.CommuneCode)
	if err != nil {
		return CitizenImport{}, err
	}
	imp, err := s.analyseCitizens(ctx, s.DB, unit, pending.FileName, pending.Payload, opt)
	imp.PendingID = pending.ID
	return imp, err
}

// ConfirmCitizenImport writes every valid row of a previewed roster in one transaction, or
// nothing. Rows are keyed by the personal ID (or, without one, by household, name and birth
// year), so importing the same file again changes nothing.
func (s *Service) ConfirmCitizenImport(ctx context.Context, by *auth.Principal, pendingID int64) (CitizenImport, error) {
	var imp CitizenImport
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		pending, unit, err := s.takePending(ctx, tx, by, pendingID, "citizens", auth.PermImportCitizens)
		if err != nil {
			return err
		}
		var opt CitizenImportOptions
		_ = json.Unmarshal([]byte(pending.Options), &opt)
		imp, err = s.analyseCitizens(ctx, tx, unit, pending.FileName, pending.Payload, opt)
		if err != nil {
			return err
		}
		return s.writeCitizens(ctx, tx, by, &imp)
	})
	if err == nil {
		err = s.DB.Optimize(ctx, store.CitizenImportTables...)
	}
	return imp, err
}

// ImportCitizens reads and writes a roster in one go, for the command line.
func (s *Service) ImportCitizens(ctx context.Context, communeCode, fileName string, data []byte, opt CitizenImportOptions, dryRun bool) (CitizenImport, error) {
	unit, err := s.checkCommune(communeCode)
	if err != nil {
		return CitizenImport{}, err
	}
	var imp CitizenImport
	if dryRun {
		return s.analyseCitizens(ctx, s.DB, unit, fileName, data, opt)
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		if imp, err = s.analyseCitizens(ctx, tx, unit, fileName, data, opt); err != nil {
			return err
		}
		return s.writeCitizens(ctx, tx, nil, &imp)
	})
	if err == nil {
		err = s.DB.Optimize(ctx, store.CitizenImportTables...)
	}
	return imp, err
}

// lookup is what the analysis needs to read, from the pool or from the import's transaction.
type lookup interface {
	ListVillages(ctx context.Context, f store.VillageFilter) ([]village.Village, error)
	CitizensOfCommuneByID(ctx context.Context, communeCode string) (map[string]store.CitizenKey, error)
	HouseholdCodes(ctx context.Context, communeCode string) (map[string]store.HouseholdRef, error)
	RegisteredElsewhere(ctx context.Context, ids []string, communeCode string) (map[string]string, error)
}

// analyseCitizens reads the file and decides every row's status, without writing.
func (s *Service) analyseCitizens(ctx context.Context, db lookup, unit adminunit.Unit, fileName string, data []byte, opt CitizenImportOptions) (CitizenImport, error) {
	start := time.Now()
	imp := CitizenImport{FileName: fileName, Commune: unit, Options: opt, Counts: map[string]int{}, data: data}
	r, err := sheet.Open(fileName, data, sheet.DefaultLimits)
	if err != nil {
		return imp, err
	}
	defer r.Close()
	// The header is among the first rows; keep those, then stream the rest.
	var head []sheet.Row
	for len(head) < sheet.HeaderSearchRows && r.Next() {
		head = append(head, r.Row())
	}
	if err := r.Err(); err != nil {
		return imp, err
	}
	h, herr := sheet.MatchHeader(head, citizenFields)
	if herr != nil && len(opt.Mapping) == 0 {
		return imp, herr
	}
	if herr != nil { // the user maps the columns of the first row
		h = sheet.Header{Row: 0, Columns: map[string]int{}}
		if len(head) > 0 {
			h.Titles = head[0].Cells
		}
	}
	imp.Titles, imp.Columns = h.Titles, h.Columns
	for col, field := range opt.Mapping {
		if field == "" {
			continue
		}
		for f, c := range imp.Columns { // a mapped field moves to the chosen column
			if f == field || c == col {
				delete(imp.Columns, f)
			}
		}
		imp.Columns[field] = col
	}
	for _, c := range h.Unknown {
		if _, mapped := opt.Mapping[c]; !mapped {
			imp.Unmapped = append(imp.Unmapped, c)
		}
	}
	_, hasName := imp.Columns["full_name"]
	_, hasBirth := imp.Columns["birth_date"]
	_, hasMale := imp.Columns["birth_male"]
	if !hasName {
		imp.Missing = append(imp.Missing, "full_name")
	}
	if !hasBirth && !hasMale {
		imp.Missing = append(imp.Missing, "birth_date")
	}
	for _, w := range r.Warnings() {
		imp.Warnings = append(imp.Warnings, fault.Error{Key: w.Key, Args: w.Args})
	}
	if len(imp.Missing) > 0 {
		return imp, nil // the preview asks for a mapping before any row is judged
	}

	vs, err := db.ListVillages(ctx, store.VillageFilter{Scope: auth.Scope{Communes: []string{unit.Code}}, CommuneCode: unit.Code})
	if err != nil {
		return imp, err
	}
	villages := map[string]village.Village{}
	for _, v := range vs {
		villages[people.FoldName(v.Name)] = v
	}
	var defaultVillage village.Village
	for _, v := range vs {
		if v.ID == opt.DefaultVillage {
			defaultVillage = v
		}
	}
	today := s.DB.Now()
	rows := head[h.Row+1:]
	var all []CitizenImportRow
	var ids []string
	for {
		for _, row := range rows {
			ir := s.parseCitizenRow(row, imp.Columns, villages, defaultVillage, unit, today)
			if ir.Citizen.NationalID != "" {
				ids = append(ids, ir.Citizen.NationalID)
			}
			all = append(all, ir)
		}
		rows = rows[:0]
		if !r.Next() {
			break
		}
		rows = append(rows, r.Row())
	}
	if err := r.Err(); err != nil {
		return imp, err
	}
	if len(all) == 0 {
		return imp, fault.New(fault.Invalid, "import.no_rows", fileName)
	}
	for _, w := range r.Warnings() { // warnings found after the header rows
		if !hasWarning(imp.Warnings, w.Key) {
			imp.Warnings = append(imp.Warnings, fault.Error{Key: w.Key, Args: w.Args})
		}
	}
	known, err := db.CitizensOfCommuneByID(ctx, unit.Code)
	if err != nil {
		return imp, err
	}
	households, err := db.HouseholdCodes(ctx, unit.Code)
	if err != nil {
		return imp, err
	}
	elsewhere, err := db.RegisteredElsewhere(ctx, ids, unit.Code)
	if err != nil {
		return imp, err
	}
	checkRows(all, known, households, elsewhere, s.communeName)
	for _, ir := range all {
		imp.Counts[ir.Status]++
	}
	imp.Rows = all
	imp.Elapsed = time.Since(start)
	return imp, nil
}

func hasField(es []fault.Error, field string) bool {
	for _, e := range es {
		if e.Field == field {
			return true
		}
	}
	return false
}

func hasWarning(ws []fault.Error, key string) bool {
	for _, w := range ws {
		if w.Key == key {
			return true
		}
	}
	return false
}

// parseCitizenRow turns one sheet row into a citizen with the row's own errors and warnings.
func (s *Service) parseCitizenRow(row sheet.Row, cols map[string]int, villages map[string]village.Village, defaultVillage village.Village, unit adminunit.Unit, today time.Time) CitizenImportRow {
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
	ir := CitizenImportRow{Number: row.Number, Cells: row.Cells, Household: strings.TrimSpace(cell("household"))}
	c := &ir.Citizen
	c.ProvinceCode, c.CommuneCode = unit.ProvinceCode, unit.Code
	c.FullName = cell("full_name")
	c.Phone = cell("phone")
	c.LegacyID = cell("legacy_id")
	// Gender: its own column, or which of the "Ngày sinh: Nam | Nữ" columns holds the date.
	birth, birthField := cell("birth_date"), "birth_date"
	birthRaw := raw("birth_date")
	switch {
	case cell("birth_male") != "":
		birth, birthRaw, birthField, c.Gender = cell("birth_male"), raw("birth_male"), "birth_male", people.GenderMale
	case cell("birth_female") != "":
		birth, birthRaw, birthField, c.Gender = cell("birth_female"), raw("birth_female"), "birth_female", people.GenderFemale
	}
	if g := cell("gender"); g != "" {
		switch sheet.FoldHeader(g) {
		case "nam", "m", "male", "trai":
			c.Gender = people.GenderMale
		case "nu", "f", "female", "gai":
			c.Gender = people.GenderFemale
		default:
			ir.problem(false, "gender", "import.gender.unknown", g)
		}
	}
	if birth != "" {
		var d sheet.Date
		var err error
		if birthRaw != "" && !strings.Contains(birth, "/") && len(birth) != 4 {
			d, err = sheet.ParseSerialDate(birthRaw)
		} else {
			d, err = sheet.ParseDate(birth, today)
		}
		if fe, ok := fault.As(err); ok {
			ir.problem(false, birthField, fe.Key, fe.Args...)
		} else if err == nil {
			c.BirthYear = d.Year
			if d.Full() {
				c.BirthDate = d.Time().Format("2006-01-02")
			}
		}
	}
	if idText := cell("national_id"); idText != "" {
		if rawID := raw("national_id"); rawID != "" {
			idText = rawID
		}
		id, restored, ok := sheet.ParseNationalIDCell(idText)
		switch {
		case ok && len(id) == 9:
			c.LegacyID = id // a 9-digit CMND in the ID column
			ir.problem(true, "national_id", "import.id.legacy_moved")
		case !ok:
			ir.problem(false, "national_id", "import.id.unreadable", idText)
		default:
			c.NationalID = id
			if restored {
				ir.problem(true, "national_id", "import.id.restored_zero", id)
			}
		}
	}
	if rel := cell("relation"); rel != "" {
		if r, ok := people.ParseRelation(rel); ok {
			c.Relation = r
		} else {
			ir.problem(false, "relation", "import.relation.unknown", rel)
		}
	}
	if g := cell("target_group"); g != "" {
		c.TargetGroup = parseGroup(g)
		if c.TargetGroup == "" {
			ir.problem(true, "target_group", "import.group.unknown", g)
		}
	}
	if name := cell("village"); name != "" {
		v, ok := villages[people.FoldName(name)]
		if !ok {
			v, ok = villages[people.FoldName(villagePrefixes(name))]
		}
		if ok {
			c.VillageID = v.ID
			if v.Retired() {
				ir.problem(false, "village", "citizen.village.retired", v.Name)
			}
		} else {
			ir.problem(false, "village", "import.village.unknown", name, unit.Name)
		}
	} else if defaultVillage.ID != 0 {
		c.VillageID = defaultVillage.ID
	} else {
		ir.problem(false, "village", "import.village.missing")
	}
	warnings, err := c.Validate(today)
	for _, w := range warnings {
		ir.Warnings = append(ir.Warnings, *w)
	}
	for _, e := range fault.FieldErrors(err) {
		field := e.Field
		if field == "birth_date" {
			field = birthField
			if e.Key == "citizen.birth_date.required" && hasField(ir.Errors, birthField) {
				continue // the unreadable date was already reported
			}
		}
		ir.problem(false, field, e.Key, e.Args...)
	}
	return ir
}

// villagePrefixes turns "Tổ 5" into "Tổ dân phố 5" and "TDP Số 1" into "Tổ dân phố số 1",
// the usual abbreviations of village names.
func villagePrefixes(name string) string {
	f := people.FoldName(name)
	for _, p := range []string{"tdp ", "to "} {
		if strings.HasPrefix(f, p) {
			return "tổ dân phố " + f[len(p):]
		}
	}
	return name
}

func parseGroup(s string) people.TargetGroup {
	f := people.FoldName(s)
	switch {
	case strings.Contains(f, "hoc sinh"), strings.Contains(f, "sinh vien"), strings.Contains(f, "hoc vien"), f == "student":
		return people.GroupStudent
	case strings.Contains(f, "can bo"), strings.Contains(f, "cong chuc"), strings.Contains(f, "vien chuc"), strings.Contains(f, "doanh nhan"), f == "staff":
		return people.GroupStaff
	case strings.Contains(f, "lao dong"), strings.Contains(f, "cong nhan"), f == "worker":
		return people.GroupWorker
	case strings.Contains(f, "nguoi dan"), strings.Contains(f, "nong dan"), f == "resident":
		return people.GroupResident
	}
	return ""
}

// secondaryKey identifies a person without an ID: household, folded name and birth year.
func secondaryKey(household string, c people.Citizen) string {
	return household + "|" + people.FoldName(c.FullName) + "|" + strconv.Itoa(c.BirthYear)
}

// checkRows applies the rules across rows: duplicates in the file, households and their heads,
// people already registered here or elsewhere; then sets each row's status.
func checkRows(rows []CitizenImportRow, known map[string]store.CitizenKey, households map[string]store.HouseholdRef, elsewhere map[string]string, communeName func(string) string) {
	firstByID := map[string]int{}
	firstByKey := map[string]int{}
	heads := map[string][]int{}
	members := map[string][]int{}
	for i := range rows {
		r := &rows[i]
		c := r.Citizen
		if c.NationalID != "" {
			if first, dup := firstByID[c.NationalID]; dup {
				r.problem(false, "national_id", "import.id.duplicate_row", first)
			} else {
				firstByID[c.NationalID] = r.Number
			}
		} else if c.FullName != "" {
			k := secondaryKey(r.Household, c)
			if first, dup := firstByKey[k]; dup {
				r.problem(false, "full_name", "import.person.duplicate_row", first)
			} else {
				firstByKey[k] = r.Number
			}
		}
		if r.Household != "" {
			members[r.Household] = append(members[r.Household], i)
			if c.Relation == people.RelationHead {
				heads[r.Household] = append(heads[r.Household], i)
			}
		} else if c.Relation != "" && c.Relation != people.RelationHead {
			r.problem(true, "relation", "import.household.missing_key")
		}
		if commune, ok := elsewhere[c.NationalID]; ok && c.NationalID != "" {
			r.problem(false, "national_id", "import.id.elsewhere", communeName(commune))
		}
	}
	for key, idx := range members {
		existing, inDB := households[key]
		switch {
		case len(heads[key]) > 1:
			for _, i := range heads[key][1:] {
				rows[i].problem(false, "relation", "import.household.two_heads", key, rows[heads[key][0]].Number)
			}
		case len(heads[key]) == 0 && (!inDB || existing.HeadID == 0):
			for _, i := range idx {
				rows[i].problem(false, "relation", "import.household.no_head", key)
			}
		case len(heads[key]) == 1 && inDB && existing.HeadID != 0 && existing.HeadNationalID != rows[heads[key][0]].Citizen.NationalID:
			i := heads[key][0]
			rows[i].problem(false, "relation", "import.household.has_head", key)
		}
		// A household lives in one village: every member's village must agree.
		v := rows[idx[0]].Citizen.VillageID
		if inDB {
			v = existing.VillageID
		}
		for _, i := range idx {
			if rows[i].Citizen.VillageID != 0 && rows[i].Citizen.VillageID != v {
				rows[i].problem(false, "village", "import.household.two_villages", key)
			}
		}
	}
	for i := range rows {
		r := &rows[i]
		c := r.Citizen
		var k store.CitizenKey
		var found bool
		if c.NationalID != "" {
			k, found = known["id:"+c.NationalID]
		} else {
			k, found = known["key:"+secondaryKey(r.Household, c)]
		}
		if found {
			r.Existing = k.ID
			if k.HouseholdCode != r.Household && r.Household != "" {
				r.problem(false, "household", "import.person.other_household", k.HouseholdCode)
			}
		}
		switch {
		case len(r.Errors) > 0:
			r.Status = StatusError
		case found && k.Same(c):
			r.Status = StatusUnchanged
		case found:
			r.Status = StatusUpdate
		default:
			r.Status = StatusNew
		}
	}
}

// writeCitizens applies the new and changed rows inside the import's transaction.
func (s *Service) writeCitizens(ctx context.Context, tx *store.Tx, by *auth.Principal, imp *CitizenImport) error {
	if !imp.Options.ConsentAttested {
		return fault.Field("consent_attested", "import.consent.required")
	}
	households := map[string]int64{}
	existing, err := tx.HouseholdCodes(ctx, imp.Commune.Code)
	if err != nil {
		return err
	}
	for code, h := range existing {
		households[code] = h.ID
	}
	var byID int64
	if by != nil {
		byID = by.UserID
	}
	// The people and households the import creates, so that their ids are reserved at once.
	newHouseholds := map[string]bool{}
	for _, r := range imp.Rows {
		if _, ok := households[r.Household]; r.Status == StatusNew && r.Household != "" && !ok {
			newHouseholds[r.Household] = true
		}
	}
	ins, err := tx.PrepareCitizenInserts(ctx, imp.Counts[StatusNew], len(newHouseholds))
	if err != nil {
		return err
	}
	if err := errors.Join(applyRows(ctx, tx, ins, imp, households, byID), ins.Close(ctx)); err != nil {
		return err
	}
	// One entry for the whole import: the file, its fingerprint and every person it created
	// (updates have their own before/after entries).
	sum := sha256.Sum256(imp.data)
	return tx.RecordExport(ctx, auth.Place{ProvinceCode: imp.Commune.ProvinceCode, CommuneCode: imp.Commune.Code}, "import.citizens",
		map[string]any{"file": imp.FileName, "sha256": hex.EncodeToString(sum[:]), "new": imp.Counts[StatusNew], "updated": imp.Counts[StatusUpdate],
			"errors": imp.Counts[StatusError], "created_ids": ins.Created(), "created_households": ins.Households()})
}

// applyRows updates the changed people and creates the new ones with their households (by
// household number in households, which it completes), collected by the user byID.
func applyRows(ctx context.Context, tx *store.Tx, ins *store.CitizenInserter, imp *CitizenImport, households map[string]int64, byID int64) error {
	// Heads first, so that their households exist before the other members join them.
	for pass := 0; pass < 2; pass++ {
		for i := range imp.Rows {
			r := &imp.Rows[i]
			isHead := r.Citizen.Relation == people.RelationHead
			if (pass == 0) != isHead || (r.Status != StatusNew && r.Status != StatusUpdate) {
				continue
			}
			c := r.Citizen
			if r.Status == StatusUpdate {
				c.ID = r.Existing
				if err := tx.UpdateCitizen(ctx, c); err != nil {
					return rowError(r.Number, err)
				}
				continue
			}
			if r.Household != "" {
				hid, ok := households[r.Household]
				if !ok {
					h := store.Household{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, VillageID: c.VillageID, Code: r.Household}
					if err := ins.Household(ctx, r.Number, &h); err != nil {
						return rowError(r.Number, err)
					}
					hid, households[r.Household] = h.ID, h.ID
				}
				c.HouseholdID = hid
				if c.Relation == "" {
					c.Relation = people.RelationOther
				}
			}
			consent := people.Consent{TextVersion: people.CurrentConsentText().Version, Method: people.ConsentPaper, GivenBy: c.FullName, CollectedBy: byID}
			if err := ins.Create(ctx, r.Number, &c, consent); err != nil {
				return rowError(r.Number, err)
			}
		}
	}
	if err := ins.Flush(ctx); err != nil {
		return rowError(0, err) // the row is the batch's
	}
	return nil
}

// rowError names the file row of an error met while writing (it should not happen after the
// analysis, but a concurrent change can cause it); the whole import is then rolled back.
// People are written in batches: the error of a batch names the first row of the batch.
func rowError(row int, err error) error {
	var be *store.BatchError
	if errors.As(err, &be) {
		row = be.Row
	}
	var fe *fault.Error
	if errors.As(err, &fe) {
		return &fault.Error{Kind: fe.Kind, Key: "import.row_failed", Args: []any{row}, Err: err}
	}
	return fmt.Errorf("import: row %d: %w", row, err)
}
