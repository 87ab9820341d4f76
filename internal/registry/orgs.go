package registry

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// Organisations: work units and their staff, clans and their households, association branches
// with their members, officials and the officials' training on the criteria.
//
// Who may do what (the policy gives PermManageOrgs to administrators, commune officers and unit
// officers; the grants say where):
//   - a commune officer manages the work units, clans and branches of their commune;
//   - a unit officer manages their own unit's staff and their unit's branch;
//   - a city officer, who does not manage a commune's organisations, may create the work units
//     of the city and central levels in their province (DESIGN §2: the city recognises them);
//   - an administrator manages everything.
//
// People are added by their 12-digit ID and must lie inside the caller's scope, so that an ID
// typed by guess never reveals who someone of another commune is.

// Work unit kinds (issue: people and organisations §4).
const (
	KindStateAgency   = "state_agency"   // cơ quan nhà nước
	KindPublicService = "public_service" // đơn vị sự nghiệp công lập
	KindSchool        = "school"         // trường học
	KindEnterprise    = "enterprise"     // doanh nghiệp
	KindArmedForces   = "armed_forces"   // đơn vị lực lượng vũ trang
	KindOther         = "other"
)

// WorkUnitKinds lists the kinds in the order forms show them.
var WorkUnitKinds = []string{KindStateAgency, KindPublicService, KindSchool, KindEnterprise, KindArmedForces, KindOther}

// Work unit levels: to which level of government the unit belongs.
const (
	LevelUnderCommune = "under_commune" // trực thuộc xã
	LevelCommune      = "commune"       // cấp xã
	LevelCity         = "city"          // cấp thành phố
	LevelCentral      = "central"       // trung ương
)

// WorkUnitLevels lists the levels in the order forms show them.
var WorkUnitLevels = []string{LevelUnderCommune, LevelCommune, LevelCity, LevelCentral}

// MaxOrgNameLen bounds the name of a work unit, clan or branch; longer names are refused, never
// cut. MaxOrgTextLen bounds the other short texts (origin, position, course, trainer).
const (
	MaxOrgNameLen = 200
	MaxOrgTextLen = 200
)

// cleanText trims a typed text and reduces runs of white space, in NFC.
func cleanText(s string) string { return people.NormalizeName(s) }

// checkText adds an error when a text is longer than max runes; required adds one when empty.
func checkText(es *fault.Errors, field, keyPrefix, value string, required bool, limit int) {
	switch n := utf8.RuneCountInString(value); {
	case n == 0 && required:
		es.Add(field, keyPrefix+".required")
	case n > limit:
		es.Add(field, keyPrefix+".too_long", limit)
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// WorkUnitLevelsAt returns the levels of work unit the principal may create at a commune: the
// commune's own levels for whoever manages the commune's organisations, the city and central
// levels for the city officers of its province, every level for administrators and the
// command line (nil principal). None means the principal may create no unit there.
func WorkUnitLevelsAt(by *auth.Principal, at auth.Place) []string {
	if by == nil || by.Has(auth.RoleAdmin) {
		return WorkUnitLevels
	}
	var out []string
	if by.CanAt(auth.PermManageOrgs, auth.Place{ProvinceCode: at.ProvinceCode, CommuneCode: at.CommuneCode}) {
		out = append(out, LevelUnderCommune, LevelCommune)
	}
	for _, g := range by.GrantsOf(auth.RoleCityOfficer) {
		if g.Covers(at) {
			out = append(out, LevelCity, LevelCentral)
			break
		}
	}
	return out
}

// CreateWorkUnit creates a work unit with its address commune. Errors: ErrForbidden when the
// principal may create no unit in that commune; field errors on commune, name, kind, level.
func (s *Service) CreateWorkUnit(ctx context.Context, by *auth.Principal, w store.WorkUnit) (store.WorkUnit, error) {
	unit, err := s.checkCommune(w.CommuneCode)
	if err != nil {
		return w, err
	}
	w.ProvinceCode = unit.ProvinceCode
	// Scope first, so that nobody learns anything from the validation of a commune not theirs.
	levels := WorkUnitLevelsAt(by, auth.Place{ProvinceCode: w.ProvinceCode, CommuneCode: w.CommuneCode})
	if len(levels) == 0 {
		return w, fault.ErrForbidden
	}
	var es fault.Errors
	w.Name = cleanText(w.Name)
	checkText(&es, "name", "work_unit.name", w.Name, true, MaxOrgNameLen)
	if !contains(WorkUnitKinds, w.Kind) {
		es.Add("kind", "work_unit.kind.invalid")
	}
	switch {
	case !contains(WorkUnitLevels, w.Level):
		es.Add("level", "work_unit.level.invalid")
	case !contains(levels, w.Level):
		es.Add("level", "work_unit.level.not_allowed")
	}
	if err := es.Err(); err != nil {
		return w, err
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateWorkUnit(ctx, &w) })
	return w, err
}

// managedWorkUnit loads a work unit whose organisation the principal manages.
func (s *Service) managedWorkUnit(ctx context.Context, by *auth.Principal, id int64) (store.WorkUnit, error) {
	w, err := s.DB.WorkUnit(ctx, id)
	if err != nil {
		return w, err
	}
	if by != nil && !by.CanAt(auth.PermManageOrgs, store.WorkUnitPlace(w)) {
		return w, fault.ErrForbidden
	}
	return w, nil
}

// person finds the citizen with a 12-digit ID inside the principal's scope; a malformed ID is
// an error on field, and someone unknown or outside the scope is the same "not found" error,
// so that the answer says nothing about people elsewhere.
func (s *Service) person(ctx context.Context, by *auth.Principal, field, nationalID string) (people.Citizen, error) {
	id, err := people.ParseNationalID(nationalID, s.DB.Now())
	if err != nil {
		var ie *people.IDError
		if errors.As(err, &ie) {
			return people.Citizen{}, fault.Field(field, ie.Code, ie.Value, ie.Other)
		}
		return people.Citizen{}, fault.Field(field, "id.invalid")
	}
	c, err := s.DB.CitizenByNationalID(ctx, id.Number)
	if errors.Is(err, fault.ErrNotFound) {
		return c, fault.Field(field, "orgs.person.not_found")
	}
	if err != nil {
		return c, err
	}
	if by != nil && !by.CanAt(auth.PermManageOrgs, store.CitizenPlace(c)) {
		return people.Citizen{}, fault.Field(field, "orgs.person.not_found")
	}
	return c, nil
}

// AddStaff employs the person with a 12-digit ID in a work unit, with their position and
// whether they are a civil servant. An employment in another unit ends first (one employer at
// a time). Errors: ErrForbidden, ErrNotFound, field errors on national_id and position, a
// conflict when the person already works there.
func (s *Service) AddStaff(ctx context.Context, by *auth.Principal, unitID int64, nationalID, position string, civilServant bool) (store.StaffMember, error) {
	w, err := s.managedWorkUnit(ctx, by, unitID)
	if err != nil {
		return store.StaffMember{}, err
	}
	var es fault.Errors
	position = cleanText(position)
	checkText(&es, "position", "work_unit.staff.position", position, false, MaxOrgTextLen)
	c, err := s.person(ctx, by, "national_id", nationalID)
	if err != nil {
		if fe := fault.FieldErrors(err); len(fe) == 0 {
			return store.StaffMember{}, err
		}
		es = append(es, fault.FieldErrors(err)...)
	}
	if err := es.Err(); err != nil {
		return store.StaffMember{}, err
	}
	m := store.StaffMember{CitizenID: c.ID, Position: position, CivilServant: civilServant}
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.AddStaff(ctx, w, &m) })
	return m, err
}

// EndStaff ends one employment of a work unit today. Errors: ErrForbidden, and ErrNotFound
// when the employment does not belong to the unit.
func (s *Service) EndStaff(ctx context.Context, by *auth.Principal, unitID, staffID int64) error {
	w, err := s.managedWorkUnit(ctx, by, unitID)
	if err != nil {
		return err
	}
	m, err := s.DB.StaffMember(ctx, staffID)
	if err != nil {
		return err
	}
	if m.WorkUnitID != w.ID {
		return fault.ErrNotFound
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.EndStaff(ctx, staffID)
		return err
	})
}

// CreateClan creates a clan in a commune, with its representative given by their 12-digit ID
// (optional). Errors: ErrForbidden; field errors on commune, name, origin, representative; a
// conflict when the commune has a clan of that name and origin.
func (s *Service) CreateClan(ctx context.Context, by *auth.Principal, c store.Clan, representativeID string) (store.Clan, error) {
	unit, err := s.checkCommune(c.CommuneCode)
	if err != nil {
		return c, err
	}
	c.ProvinceCode = unit.ProvinceCode
	if by != nil && !by.CanAt(auth.PermManageOrgs, store.ClanPlace(c)) {
		return c, fault.ErrForbidden
	}
	var es fault.Errors
	c.Name, c.Origin = cleanText(c.Name), cleanText(c.Origin)
	checkText(&es, "name", "clan.name", c.Name, true, MaxOrgNameLen)
	checkText(&es, "origin", "clan.origin", c.Origin, false, MaxOrgTextLen)
	c.RepresentativeID = 0
	if strings.TrimSpace(representativeID) != "" {
		rep, err := s.person(ctx, by, "representative", representativeID)
		if fe := fault.FieldErrors(err); err != nil && len(fe) == 0 {
			return c, err
		}
		es = append(es, fault.FieldErrors(err)...)
		c.RepresentativeID = rep.ID
	}
	if err := es.Err(); err != nil {
		return c, err
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateClan(ctx, &c) })
	return c, err
}

// managedClan loads a clan the principal manages.
func (s *Service) managedClan(ctx context.Context, by *auth.Principal, id int64) (store.Clan, error) {
	c, err := s.DB.Clan(ctx, id)
	if err != nil {
		return c, err
	}
	if by != nil && !by.CanAt(auth.PermManageOrgs, store.ClanPlace(c)) {
		return c, fault.ErrForbidden
	}
	return c, nil
}

// AddClanHousehold adds a household of the clan's commune, found by its household number or
// its id, to a clan from today. Errors: ErrForbidden, ErrNotFound; a field error on household
// when it is empty or not found in the commune; a conflict when it already belongs to a clan.
func (s *Service) AddClanHousehold(ctx context.Context, by *auth.Principal, clanID int64, key string) (store.ClanHousehold, error) {
	c, err := s.managedClan(ctx, by, clanID)
	if err != nil {
		return store.ClanHousehold{}, err
	}
	key = strings.TrimSpace(key)
	if key == "" {
		return store.ClanHousehold{}, fault.Field("household", "clan.household.required")
	}
	h, err := s.DB.FindHousehold(ctx, c.CommuneCode, key)
	if errors.Is(err, fault.ErrNotFound) || (err == nil && h.ProvinceCode != c.ProvinceCode) {
		return store.ClanHousehold{}, fault.Field("household", "clan.household.not_found", key)
	}
	if err != nil {
		return store.ClanHousehold{}, err
	}
	var m store.ClanHousehold
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		m, err = tx.AddClanHousehold(ctx, c, h.ID)
		return err
	})
	return m, err
}

// EndClanHousehold ends a household's membership of a clan today. Errors: ErrForbidden, and
// ErrNotFound when the membership is not the clan's.
func (s *Service) EndClanHousehold(ctx context.Context, by *auth.Principal, clanID, membershipID int64) error {
	c, err := s.managedClan(ctx, by, clanID)
	if err != nil {
		return err
	}
	m, err := s.DB.ClanHousehold(ctx, membershipID)
	if err != nil {
		return err
	}
	if m.ClanID != c.ID {
		return fault.ErrNotFound
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.EndClanHousehold(ctx, membershipID)
		return err
	})
}

// CreateBranch creates an association branch for one village or one work unit, in that
// village's or unit's commune. Errors: ErrForbidden; field errors on name, village, work_unit;
// a conflict when the village or unit already has a branch.
func (s *Service) CreateBranch(ctx context.Context, by *auth.Principal, b store.Branch) (store.Branch, error) {
	var es fault.Errors
	b.Name = cleanText(b.Name)
	switch {
	case b.VillageID != 0 && b.WorkUnitID != 0:
		es.Add("village", "branch.attach.both")
	case b.VillageID != 0:
		v, err := s.DB.Village(ctx, b.VillageID)
		if err != nil || v.Retired() {
			return b, fault.Field("village", "branch.village.unknown")
		}
		b.ProvinceCode, b.CommuneCode = v.ProvinceCode, v.CommuneCode
	case b.WorkUnitID != 0:
		w, err := s.DB.WorkUnit(ctx, b.WorkUnitID)
		if err != nil {
			return b, fault.Field("work_unit", "branch.work_unit.unknown")
		}
		b.ProvinceCode, b.CommuneCode = w.ProvinceCode, w.CommuneCode
	default:
		es.Add("village", "branch.attach.required")
	}
	if by != nil {
		allowed := b.CommuneCode != "" && by.CanAt(auth.PermManageOrgs, store.BranchPlace(b))
		// Without a place, only the form is wrong: say so to whoever may create branches at all.
		if b.CommuneCode == "" {
			allowed = by.Can(auth.PermManageOrgs)
		}
		if !allowed {
			return b, fault.ErrForbidden
		}
	}
	checkText(&es, "name", "branch.name", b.Name, true, MaxOrgNameLen)
	if err := es.Err(); err != nil {
		return b, err
	}
	err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateBranch(ctx, &b) })
	return b, err
}

// managedBranch loads a branch the principal manages.
func (s *Service) managedBranch(ctx context.Context, by *auth.Principal, id int64) (store.Branch, error) {
	b, err := s.DB.Branch(ctx, id)
	if err != nil {
		return b, err
	}
	if by != nil && !by.CanAt(auth.PermManageOrgs, store.BranchPlace(b)) {
		return b, fault.ErrForbidden
	}
	return b, nil
}

// AddBranchMember makes the person with a 12-digit ID a member, or an official, of a branch
// from today. Errors: ErrForbidden, ErrNotFound; field errors on national_id and position; a
// conflict when the person is already a current member.
func (s *Service) AddBranchMember(ctx context.Context, by *auth.Principal, branchID int64, nationalID string, official bool, position string) (store.BranchMember, error) {
	b, err := s.managedBranch(ctx, by, branchID)
	if err != nil {
		return store.BranchMember{}, err
	}
	var es fault.Errors
	position = cleanText(position)
	checkText(&es, "position", "branch.member.position", position, false, MaxOrgTextLen)
	c, err := s.person(ctx, by, "national_id", nationalID)
	if err != nil {
		if fe := fault.FieldErrors(err); len(fe) == 0 {
			return store.BranchMember{}, err
		}
		es = append(es, fault.FieldErrors(err)...)
	}
	if err := es.Err(); err != nil {
		return store.BranchMember{}, err
	}
	m := store.BranchMember{CitizenID: c.ID, IsOfficial: official, Position: position}
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.AddBranchMember(ctx, b, &m) })
	return m, err
}

// EndBranchMember ends a membership of a branch today. Errors: ErrForbidden, and ErrNotFound
// when the membership is not the branch's.
func (s *Service) EndBranchMember(ctx context.Context, by *auth.Principal, branchID, memberID int64) error {
	b, err := s.managedBranch(ctx, by, branchID)
	if err != nil {
		return err
	}
	m, err := s.DB.BranchMember(ctx, memberID)
	if err != nil {
		return err
	}
	if m.BranchID != b.ID {
		return fault.ErrNotFound
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.EndBranchMember(ctx, memberID)
		return err
	})
}

// ParseDay reads a date typed as dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd into "YYYY-MM-DD".
func ParseDay(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// RecordTraining records that a current official of a branch was trained on the criteria: the
// date (not in the future), the course and the trainer. Errors: ErrForbidden, ErrNotFound;
// field errors on official, trained_on, course, trainer.
func (s *Service) RecordTraining(ctx context.Context, by *auth.Principal, branchID int64, t store.Training) (store.Training, error) {
	b, err := s.managedBranch(ctx, by, branchID)
	if err != nil {
		return t, err
	}
	var es fault.Errors
	if t.CitizenID <= 0 {
		es.Add("official", "training.official.required")
	}
	typed := strings.TrimSpace(t.TrainedOn)
	switch day, ok := ParseDay(typed); {
	case typed == "":
		es.Add("trained_on", "training.trained_on.required")
	case !ok:
		es.Add("trained_on", "training.trained_on.invalid", typed)
	case day > s.today():
		es.Add("trained_on", "training.trained_on.future")
	default:
		t.TrainedOn = day
	}
	t.Course, t.Trainer = cleanText(t.Course), cleanText(t.Trainer)
	checkText(&es, "course", "training.course", t.Course, true, MaxOrgTextLen)
	checkText(&es, "trainer", "training.trainer", t.Trainer, false, MaxOrgTextLen)
	if err := es.Err(); err != nil {
		return t, err
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.RecordTraining(ctx, b, &t) })
	return t, err
}
