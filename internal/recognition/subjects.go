package recognition

import (
	"context"
	"fmt"
	"slices"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// Subject is what a title is given to: a person, a household, a clan, a village, a work unit
// or a commune, with where it sits and who may act for it themself.
type Subject struct {
	Kind  string // criteria.SubjectCitizen, …
	ID    int64  // the person's, household's, clan's, village's or work unit's id; 0 for a commune
	Code  string // the commune's code, for a commune
	Name  string
	Place auth.Place
	Owner int64 // the person who acts for it themself: the person, the head, the representative
}

// CycleTitle is the key of a set's cycles: one cycle per year for each title and subject (the
// learning community of a village and of a commune are two titles under TT 25/2023).
func CycleTitle(set *criteria.Set) string {
	if set.Title == "learning_community" && set.SubjectKind() == criteria.SubjectCommune {
		return "learning_community_commune"
	}
	return set.Title
}

// SubjectOf loads a subject by kind and id (for a commune, id is its code as a number).
func (s *Service) SubjectOf(ctx context.Context, kind string, id int64) (Subject, error) {
	province := s.Units.Province().Code
	sub := Subject{Kind: kind, ID: id}
	switch kind {
	case criteria.SubjectCitizen:
		c, err := s.DB.Citizen(ctx, id)
		if err != nil {
			return sub, err
		}
		sub.Name, sub.Place, sub.Owner = c.FullName, store.CitizenPlace(c), c.ID
	case criteria.SubjectHousehold:
		h, err := s.DB.Household(ctx, id)
		if err != nil {
			return sub, err
		}
		sub.Name = "Hộ " + h.Code
		if h.HeadCitizenID != 0 {
			if head, err := s.DB.Citizen(ctx, h.HeadCitizenID); err == nil {
				sub.Name = "Hộ " + head.FullName
			}
		}
		sub.Place = auth.Place{ProvinceCode: h.ProvinceCode, CommuneCode: h.CommuneCode, VillageID: h.VillageID, CitizenID: h.HeadCitizenID}
		sub.Owner = h.HeadCitizenID
	case criteria.SubjectClan:
		c, err := s.DB.Clan(ctx, id)
		if err != nil {
			return sub, err
		}
		sub.Name, sub.Owner = c.Name, c.RepresentativeID
		sub.Place = auth.Place{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, CitizenID: c.RepresentativeID}
		// The collector of the representative's village keeps the clan's records with them.
		if c.RepresentativeID != 0 {
			if rep, err := s.DB.Citizen(ctx, c.RepresentativeID); err == nil {
				sub.Place.VillageID = rep.VillageID
			}
		}
	case criteria.SubjectVillage:
		v, err := s.DB.Village(ctx, id)
		if err != nil {
			return sub, err
		}
		sub.Name, sub.Place = v.Name, store.VillagePlace(v)
	case criteria.SubjectWorkUnit:
		w, err := s.DB.WorkUnit(ctx, id)
		if err != nil {
			return sub, err
		}
		sub.Name, sub.Place = w.Name, auth.Place{ProvinceCode: w.ProvinceCode, CommuneCode: w.CommuneCode, WorkUnitID: w.ID}
	case criteria.SubjectCommune:
		code := fmt.Sprintf("%05d", id)
		u, err := s.Units.Current(code)
		if err != nil {
			return sub, fault.ErrNotFound
		}
		sub.Code, sub.Name, sub.Place = code, u.Name, auth.Place{ProvinceCode: province, CommuneCode: code}
	default:
		return sub, fault.ErrNotFound
	}
	return sub, nil
}

// Who takes each step of a collective title is decided by the subject and the set: the roles
// whose grants count, besides the administrator.
func verifierRoles(kind string) []auth.Role {
	switch kind {
	case criteria.SubjectCitizen:
		return []auth.Role{auth.RoleAdmin, auth.RoleCollector, auth.RoleUnitOfficer, auth.RoleCommuneOfficer}
	case criteria.SubjectHousehold:
		return []auth.Role{auth.RoleAdmin, auth.RoleCollector, auth.RoleCommuneOfficer}
	case criteria.SubjectCommune:
		return []auth.Role{auth.RoleAdmin, auth.RoleCityOfficer}
	}
	return []auth.Role{auth.RoleAdmin, auth.RoleCommuneOfficer}
}

// recogniserRoles are the roles that appraise and decide at a recognising level.
func recogniserRoles(level string) []auth.Role {
	if level == "city" {
		return []auth.Role{auth.RoleAdmin, auth.RoleCityOfficer}
	}
	return []auth.Role{auth.RoleAdmin, auth.RoleCommuneOfficer}
}

// allowedAs returns ErrForbidden unless a grant of one of roles holds p at the place.
func allowedAs(by *auth.Principal, p auth.Permission, at auth.Place, roles []auth.Role) error {
	if by == nil {
		return nil
	}
	for _, g := range by.Grants {
		if slices.Contains(roles, g.Role) && auth.RoleHas(g.Role, p) && g.Covers(at) {
			return nil
		}
	}
	return fault.ErrForbidden
}

// scopeAs is the union of the places where a grant of one of roles holds p.
func scopeAs(by *auth.Principal, p auth.Permission, roles []auth.Role) auth.Scope {
	var grants []auth.Grant
	for _, g := range by.Grants {
		if slices.Contains(roles, g.Role) {
			grants = append(grants, g)
		}
	}
	return (&auth.Principal{Grants: grants}).Scope(p)
}

// recognisingPlace is where a subject's title is appraised and decided: its commune, or the
// province for a title recognised by the city.
func recognisingPlace(a store.Assessment, level string) auth.Place {
	if level == "city" {
		return auth.Place{ProvinceCode: a.ProvinceCode}
	}
	return auth.Place{ProvinceCode: a.ProvinceCode, CommuneCode: a.CommuneCode}
}

// referenceDay is the day computed items are taken on: 31 December of the cycle's year, or
// today when that is earlier (DESIGN §5).
func (s *Service) referenceDay(year int) string {
	end := fmt.Sprintf("%d-12-31", year)
	if today := s.Today(); today < end {
		return today
	}
	return end
}

// compute works out every computed item of a subject's form on the reference day. An item
// whose denominator is zero is returned undefined: the subject cannot be recognised on it.
func (s *Service) compute(ctx context.Context, set *criteria.Set, group string, a store.Assessment, year int) (map[string]store.Computation, error) {
	g, ok := set.Group(group)
	if !ok {
		return nil, nil
	}
	day := s.referenceDay(year)
	out := map[string]store.Computation{}
	for _, in := range g.Indicators {
		c := in.Computed
		if c.Measure == "" {
			continue
		}
		var sh store.Share
		var err error
		switch c.Measure {
		case criteria.MeasureHouseholdAdultsRecognised:
			sh, err = s.DB.HouseholdMembersOn(ctx, a.SubjectID, day, year, max(c.AgeMin, 18), c.AgeMax, false)
		case criteria.MeasureHouseholdChildrenAtSchool:
			lo, hi := c.AgeMin, c.AgeMax
			if lo == 0 && hi == 0 {
				lo, hi = 6, 14
			}
			sh, err = s.DB.HouseholdMembersOn(ctx, a.SubjectID, day, year, lo, hi, true)
		case criteria.MeasureClanHouseholdsRecognised:
			sh, err = s.DB.ClanHouseholdsOn(ctx, a.SubjectID, day, year)
		case criteria.MeasureVillageHouseholdsRecognised:
			sh, err = s.DB.VillageHouseholds(ctx, a.SubjectID, year)
		case criteria.MeasureUnitStaffRecognised:
			sh, err = s.DB.UnitStaffOn(ctx, a.SubjectID, day, year)
		case criteria.MeasureCommuneVillagesRecognised:
			sh, err = s.DB.CommuneVillages(ctx, a.CommuneCode, day, year)
		case criteria.MeasureCommuneAdultsRecognised:
			sh, err = s.DB.CommuneAdults(ctx, a.CommuneCode, year, max(c.AgeMin, 18), c.AgeMax)
		}
		if err != nil {
			return nil, err
		}
		points, pct, defined := in.ComputedScore(len(sh.Counted), len(sh.Members))
		out[in.Code] = store.Computation{Numerator: len(sh.Counted), Denominator: len(sh.Members), Percent: pct, Points: points,
			Defined: defined, On: day, Members: sh.Members}
	}
	return out, nil
}

// monthsBetween counts whole months from a to b (yyyy-mm-dd).
func monthsBetween(a, b string) int {
	ta, err1 := time.Parse("2006-01-02", a)
	tb, err2 := time.Parse("2006-01-02", b)
	if err1 != nil || err2 != nil {
		return 0
	}
	m := (tb.Year()-ta.Year())*12 + int(tb.Month()) - int(ta.Month())
	if tb.Day() < ta.Day() {
		m--
	}
	return m
}

// MayVerify tells whether the principal verifies this assessment (for pages: which forms to show).
func MayVerify(by *auth.Principal, a store.Assessment) bool {
	return allowedAs(by, auth.PermVerifyAssessments, VerifierPlace(a), verifierRoles(a.SubjectKind)) == nil && ownRecord(by, a) == nil
}

// MayRecognise tells whether the principal appraises and decides this assessment under set.
func MayRecognise(by *auth.Principal, a store.Assessment, set *criteria.Set) bool {
	level := set.RecognisingLevel()
	return allowedAs(by, auth.PermAppraiseAssessments, recognisingPlace(a, level), recogniserRoles(level)) == nil && ownRecord(by, a) == nil
}

// Computed returns an assessment's computed items as they stand: worked out afresh while the
// self-assessment may still change, as recorded once it was submitted and checked.
func (s *Service) Computed(ctx context.Context, a store.Assessment) (map[string]store.Computation, error) {
	if !evaluation.CanTake(evaluation.StepSubmit, a.State) {
		return a.Computed, nil
	}
	cy, err := s.DB.Cycle(ctx, a.CycleID)
	if err != nil {
		return nil, err
	}
	set, err := s.Set(ctx, cy.CriteriaSetID)
	if err != nil {
		return nil, err
	}
	return s.compute(ctx, set, a.TargetGroup, a, cy.Year)
}

// MemberKind is the kind of the members a measure counts: people, households or villages.
func MemberKind(measure string) string {
	switch measure {
	case criteria.MeasureClanHouseholdsRecognised, criteria.MeasureVillageHouseholdsRecognised:
		return criteria.SubjectHousehold
	case criteria.MeasureCommuneVillagesRecognised:
		return criteria.SubjectVillage
	}
	return criteria.SubjectCitizen
}

// MayDecide tells whether the principal appraises and decides a cycle's title in a commune
// (communeCode "" for the whole city, when the city recognises it).
func (s *Service) MayDecide(by *auth.Principal, cy store.Cycle, communeCode string) bool {
	set, err := s.Set(context.Background(), cy.CriteriaSetID)
	if err != nil {
		return false
	}
	level := set.RecognisingLevel()
	at := auth.Place{ProvinceCode: s.Units.Province().Code, CommuneCode: communeCode}
	if level == "city" {
		at.CommuneCode = ""
	}
	return allowedAs(by, auth.PermAppraiseAssessments, at, recogniserRoles(level)) == nil
}
