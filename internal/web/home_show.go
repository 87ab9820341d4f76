package web

import (
	"net/http"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

// HomeView is the home page: for a visitor, what hoctap is; for a user, what to do next in
// each of their roles.
type HomeView struct {
	Base
	Sections []HomeSection
	Queue    *recognition.Queue // what waits for an officer in this year's evaluation
	Pipeline []PipelineStep
	MyTitle  *store.Assessment // a citizen's assessment of this year
	MyCycle  *store.Cycle
	News     *NewsHome // running campaigns and latest news (news_routes.go); nil when they could not be read
}

// HomeSection is one grant's part of the home page.
type HomeSection struct {
	Role       auth.Role
	Heading    string
	Where      string
	Counts     store.Counts
	Villages   []village.Village
	Communes   []CommuneRow
	Me         *OwnRecord
	UnitCounts map[string]int
	Next       []NextStep
}

// CommuneRow is a commune with its counts, for the city officer.
type CommuneRow struct {
	Code     string
	Name     string
	Villages int
	Citizens int
}

// NextStep is a suggested action with its link.
type NextStep struct {
	Href  string
	Label string
}

// OwnRecord is a person's own record as the citizen sees it.
type OwnRecord struct {
	ID        int64
	Name      string
	MaskedID  string
	BirthDate string
	Gender    string
	Village   string
	Commune   string
	Household []string
}

func (s *Server) homeShow(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	view := HomeView{Base: s.base(r, "home.title")}
	view.News = s.homeNews(r, view.Base)
	if p == nil {
		s.render(w, r, http.StatusOK, "welcome", view)
		return
	}
	if p.MustChangePassword {
		http.Redirect(w, r, "/account/password", http.StatusSeeOther)
		return
	}
	ctx := r.Context()
	for _, g := range p.Grants {
		sec := HomeSection{Role: g.Role, Heading: view.T("role." + string(g.Role))}
		scope := (&auth.Principal{Grants: []auth.Grant{g}}).Scope(auth.PermSignedIn)
		var err error
		switch g.Role {
		case auth.RoleAdmin:
			sec.Where = view.T("home.where.all")
			if sec.UnitCounts, err = s.db.AdminUnitCounts(ctx); err != nil {
				s.fail(w, r, err)
				return
			}
			sec.Counts, err = s.db.CountWithin(ctx, scope)
			sec.Next = []NextStep{{"/accounts/new", view.T("next.create_account")}, {"/audit", view.T("next.audit")}, {"/units", view.T("next.units")}}
		case auth.RoleCityOfficer:
			sec.Where = s.units.Province().Name
			if sec.Counts, err = s.db.CountWithin(ctx, scope); err != nil {
				s.fail(w, r, err)
				return
			}
			sums, err2 := s.db.SummariseCommunes(ctx, scope)
			err = err2
			for _, c := range sums {
				sec.Communes = append(sec.Communes, CommuneRow{Code: c.CommuneCode, Name: s.communeName(c.CommuneCode), Villages: c.Villages, Citizens: c.Citizens})
			}
			sec.Next = []NextStep{{"/accounts/new", view.T("next.create_commune_officer")}, {"/units", view.T("next.units")}, {"/audit", view.T("next.audit")}}
		case auth.RoleCommuneOfficer:
			sec.Where = s.communeName(g.CommuneCode)
			if sec.Counts, err = s.db.CountWithin(ctx, scope); err != nil {
				s.fail(w, r, err)
				return
			}
			sec.Villages, err = s.db.ListVillages(ctx, store.VillageFilter{Scope: scope, CommuneCode: g.CommuneCode, WithCounts: true})
			sec.Next = []NextStep{{"/citizens", view.T("next.find_citizen")}, {"/citizens/import", view.T("next.import_citizens")}, {"/villages/new", view.T("next.create_village")}, {"/accounts/new", view.T("next.create_collector")}}
			if sec.Counts.Villages == 0 {
				sec.Next = []NextStep{{"/villages/new", view.T("next.create_village")}, {"/villages/import", view.T("next.import_villages")}}
			}
		case auth.RoleCollector:
			v, err2 := s.db.Village(ctx, g.VillageID)
			if err2 != nil {
				s.fail(w, r, err2)
				return
			}
			sec.Where = v.Name + ", " + s.communeName(v.CommuneCode)
			if sec.Counts, err = s.db.CountWithin(ctx, scope); err != nil {
				s.fail(w, r, err)
				return
			}
			sec.Villages, err = s.db.ListVillages(ctx, store.VillageFilter{Scope: scope, WithCounts: true})
			sec.Next = []NextStep{{"/villages/" + itoa(v.ID) + "/pledges", view.T("next.pledges")}, {"/citizens/new?village=" + itoa(v.ID), view.T("next.register_citizen")}, {"/citizens?village=" + itoa(v.ID), view.T("next.find_citizen")}, {"/accounts/new", view.T("next.create_citizen_account")}}
		case auth.RoleUnitOfficer:
			u, err2 := s.db.WorkUnit(ctx, g.WorkUnitID)
			if err2 != nil {
				s.fail(w, r, err2)
				return
			}
			sec.Where = u.Name + ", " + s.communeName(u.CommuneCode)
			sec.Counts, err = s.db.CountWithin(ctx, scope)
			sec.Next = []NextStep{{"/citizens", view.T("next.staff_list")}, {"/accounts/new", view.T("next.create_citizen_account")}}
		case auth.RoleProvider:
			pr, err2 := s.db.Provider(ctx, g.ProviderID)
			if err2 != nil {
				s.fail(w, r, err2)
				return
			}
			sec.Where = pr.Name
			sec.Next = []NextStep{{"/account/password", view.T("next.password")}}
		case auth.RoleCitizen:
			me, err2 := s.citizenView(r, view.Base, g.CitizenID)
			if err2 != nil {
				s.fail(w, r, err2)
				return
			}
			sec.Me = me
			sec.Where = me.Village
			sec.Next = []NextStep{{"/citizens/" + itoa(me.ID), view.T("next.own_record")}, {"/account/password", view.T("next.password")}}
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		view.Sections = append(view.Sections, sec)
	}
	if err := s.homeEvaluation(r, &view); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", view)
}

// homeEvaluation adds this year's evaluation: an officer's work queue, a citizen's own step.
func (s *Server) homeEvaluation(r *http.Request, view *HomeView) error {
	ctx, p := r.Context(), principal(r)
	cy, err := s.rec.CurrentCycle(ctx)
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	view.MyCycle = &cy
	if p.Can(auth.PermViewAssessments) {
		q, err := s.rec.WorkQueue(ctx, p)
		if err != nil {
			return err
		}
		view.Queue, view.Pipeline = &q, s.pipeline(cy, q.Pipeline)
	}
	if p.Can(auth.PermSelfAssess) {
		mine, err := s.rec.Mine(ctx, p)
		if err != nil {
			return err
		}
		for i := range mine {
			if mine[i].CycleID == cy.ID {
				view.MyTitle = &mine[i]
			}
		}
	}
	return nil
}

func (s *Server) communeName(code string) string {
	if u, err := s.units.Current(code); err == nil {
		return u.Name
	}
	return code
}

func (s *Server) citizenView(r *http.Request, b Base, id int64) (*OwnRecord, error) {
	ctx := r.Context()
	c, err := s.db.Citizen(ctx, id)
	if err != nil {
		return nil, err
	}
	me := &OwnRecord{ID: c.ID, Name: c.FullName, MaskedID: people.MaskNationalID(c.NationalID), BirthDate: b.Day(c.BirthDate),
		Gender: b.T("gender." + string(c.Gender)), Commune: s.communeName(c.CommuneCode)}
	if c.VillageID != 0 {
		if v, err := s.db.Village(ctx, c.VillageID); err == nil {
			me.Village = v.Name
		}
	}
	if c.HouseholdID != 0 {
		members, err := s.db.HouseholdMembers(ctx, c.HouseholdID)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			me.Household = append(me.Household, m.FullName+" ("+b.T("relation."+string(m.Relation))+")")
		}
	}
	return me, nil
}

// unitName returns a unit's name in an era, or its code.
func (s *Server) unitName(era adminunit.Era, code string) string {
	if u, err := s.units.Unit(era, code); err == nil {
		return u.Name
	}
	return code
}
