package web

import (
	"net/http"
	"strconv"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/registry"
	"hoctap/internal/store"
)

// orgRoutes are the pages of the organisations: work units with their staff, clans with their
// households, association branches with their members, officials and trainings. Each handler
// checks the place of what it shows or changes; the service checks again before it writes.
func (s *Server) orgRoutes() []route {
	return []route{
		{"GET /work-units", auth.PermViewOrgs, s.workUnitList},
		// City officers create the units of the city and central levels without managing a
		// commune's organisations, so these two need only the view permission: the service
		// decides which levels, if any, each caller may create (registry.WorkUnitLevelsAt).
		{"GET /work-units/new", auth.PermViewOrgs, s.workUnitNew},
		{"POST /work-units", auth.PermViewOrgs, s.workUnitCreate},
		{"GET /work-units/{id}", auth.PermViewOrgs, s.workUnitShow},
		{"POST /work-units/{id}/staff", auth.PermManageOrgs, s.workUnitStaffAdd},
		{"POST /work-units/{id}/staff/{sid}/end", auth.PermManageOrgs, s.workUnitStaffEnd},

		{"GET /clans", auth.PermViewOrgs, s.clanList},
		{"GET /clans/new", auth.PermManageOrgs, s.clanNew},
		{"POST /clans", auth.PermManageOrgs, s.clanCreate},
		{"GET /clans/{id}", auth.PermViewOrgs, s.clanShow},
		{"POST /clans/{id}/households", auth.PermManageOrgs, s.clanHouseholdAdd},
		{"POST /clans/{id}/households/{mid}/end", auth.PermManageOrgs, s.clanHouseholdEnd},

		{"GET /branches", auth.PermViewOrgs, s.branchList},
		{"GET /branches/new", auth.PermManageOrgs, s.branchNew},
		{"POST /branches", auth.PermManageOrgs, s.branchCreate},
		{"GET /branches/{id}", auth.PermViewOrgs, s.branchShow},
		{"POST /branches/{id}/members", auth.PermManageOrgs, s.branchMemberAdd},
		{"POST /branches/{id}/members/{mid}/end", auth.PermManageOrgs, s.branchMemberEnd},
		{"POST /branches/{id}/trainings", auth.PermManageOrgs, s.branchTrainingAdd},
	}
}

// pathInt reads a numeric path value other than {id}; a malformed one is a 404.
func pathInt(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.ErrNotFound
	}
	return id, nil
}

// formInt reads an optional numeric form value; anything else is 0.
func formInt(f Form, name string) int64 {
	n, err := strconv.ParseInt(f.Get(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// emptyForm is a form with nothing typed yet.
func emptyForm() Form { return Form{Values: map[string]string{}, Errors: map[string]string{}} }

// orgFormError decides what a failed organisation form shows: the user's own mistakes go back
// to the page next to their fields (true), anything else is an error page (false, already sent).
func (s *Server) orgFormError(w http.ResponseWriter, r *http.Request, f *Form, err error) bool {
	if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
		s.fail(w, r, err)
		return false
	}
	s.setError(r, f, err)
	return true
}

// workUnitCommunes lists the current communes where the principal may create a work unit, and
// the levels they may give one in any of them, in the order forms show them.
func (s *Server) workUnitCommunes(p *auth.Principal) ([]CommuneOption, []string) {
	var out []CommuneOption
	seen := map[string]bool{}
	for _, u := range s.units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
		levels := registry.WorkUnitLevelsAt(p, auth.Place{ProvinceCode: u.ProvinceCode, CommuneCode: u.Code})
		if len(levels) == 0 {
			continue
		}
		out = append(out, CommuneOption{Code: u.Code, Name: u.Name})
		for _, l := range levels {
			seen[l] = true
		}
	}
	var levels []string
	for _, l := range registry.WorkUnitLevels {
		if seen[l] {
			levels = append(levels, l)
		}
	}
	return out, levels
}

// orgPlaceNames names the villages and work units of some communes, for lists and pickers.
func (s *Server) orgPlaceNames(r *http.Request, communes []string) (villages, units map[int64]string, err error) {
	villages, units = map[int64]string{}, map[int64]string{}
	if len(communes) == 0 {
		return villages, units, nil
	}
	scope := auth.Scope{Communes: communes}
	vs, err := s.db.ListVillages(r.Context(), store.VillageFilter{Scope: scope, WithRetired: true})
	if err != nil {
		return nil, nil, err
	}
	for _, v := range vs {
		villages[v.ID] = v.Name
	}
	ws, err := s.db.ListWorkUnits(r.Context(), scope)
	if err != nil {
		return nil, nil, err
	}
	for _, w := range ws {
		units[w.ID] = w.Name
	}
	return villages, units, nil
}
