package web

import (
	"net/http"

	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// ClanListView lists the clans in scope.
type ClanListView struct {
	Base
	Clans     []ClanRow
	CanCreate bool
}

// ClanRow is a clan with its commune's name and its number of current households.
type ClanRow struct {
	store.ClanSummary
	CommuneName string
}

func (s *Server) clanList(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	list, err := s.db.ListClans(r.Context(), p.Scope(auth.PermViewOrgs))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := ClanListView{Base: s.base(r, "clan.list.title"), CanCreate: len(s.managedCommunes(p, auth.PermManageOrgs)) > 0}
	for _, c := range list {
		view.Clans = append(view.Clans, ClanRow{ClanSummary: c, CommuneName: s.communeName(c.CommuneCode)})
	}
	s.render(w, r, http.StatusOK, "clans", view)
}

// ClanFormView creates a clan.
type ClanFormView struct {
	Base
	Form     Form
	Communes []CommuneOption
}

func (s *Server) renderClanForm(w http.ResponseWriter, r *http.Request, status int, f Form) {
	communes := s.managedCommunes(principal(r), auth.PermManageOrgs)
	if len(communes) == 0 { // a unit officer manages their unit, not a commune's clans
		s.fail(w, r, fault.ErrForbidden)
		return
	}
	s.render(w, r, status, "clan_form", ClanFormView{Base: s.base(r, "clan.new"), Form: f, Communes: communes})
}

func (s *Server) clanNew(w http.ResponseWriter, r *http.Request) {
	s.renderClanForm(w, r, http.StatusOK, emptyForm())
}

func (s *Server) clanCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "commune", "name", "origin", "representative")
	c, err := s.registry.CreateClan(r.Context(), principal(r),
		store.Clan{CommuneCode: f.Get("commune"), Name: f.Get("name"), Origin: f.Get("origin")}, f.Get("representative"))
	if err != nil {
		if s.orgFormError(w, r, &f, err) {
			s.renderClanForm(w, r, http.StatusUnprocessableEntity, f)
		}
		return
	}
	flash(w, "flash.clan_created")
	http.Redirect(w, r, "/clans/"+itoa(c.ID), http.StatusSeeOther)
}

// visibleClan loads a clan the principal may see, or fails with 404/403.
func (s *Server) visibleClan(w http.ResponseWriter, r *http.Request) (store.Clan, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return store.Clan{}, false
	}
	c, err := s.db.Clan(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return c, false
	}
	if !principal(r).CanAt(auth.PermViewOrgs, store.ClanPlace(c)) {
		s.fail(w, r, fault.ErrForbidden)
		return c, false
	}
	return c, true
}

// ClanView is a clan's page: its households now and before, and the form to add one.
type ClanView struct {
	Base
	TitleBox       *TitleBox
	Clan           store.Clan
	CommuneName    string
	Representative string // name and masked ID
	Current        []ClanHouseholdRow
	Past           []ClanHouseholdRow
	Form           Form
	CanManage      bool
}

// ClanHouseholdRow is a member household with its village's name.
type ClanHouseholdRow struct {
	store.ClanHousehold
	Village string
}

func (s *Server) clanShow(w http.ResponseWriter, r *http.Request) {
	c, ok := s.visibleClan(w, r)
	if !ok {
		return
	}
	s.renderClan(w, r, http.StatusOK, c, emptyForm())
}

func (s *Server) renderClan(w http.ResponseWriter, r *http.Request, status int, c store.Clan, f Form) {
	ctx := r.Context()
	members, err := s.db.ClanHouseholds(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	villages, _, err := s.orgPlaceNames(r, []string{c.CommuneCode})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.base(r, "clan.show")
	b.Title = c.Name
	view := ClanView{Base: b, Clan: c, CommuneName: s.communeName(c.CommuneCode), Form: f,
		CanManage: principal(r).CanAt(auth.PermManageOrgs, store.ClanPlace(c))}
	if c.RepresentativeID != 0 {
		if rep, err := s.db.Citizen(ctx, c.RepresentativeID); err == nil {
			view.Representative = rep.FullName
			if rep.NationalID != "" {
				view.Representative += " (" + people.MaskNationalID(rep.NationalID) + ")"
			}
		}
	}
	for _, m := range members {
		row := ClanHouseholdRow{ClanHousehold: m, Village: villages[m.VillageID]}
		if m.EndOn == "" {
			view.Current = append(view.Current, row)
		} else {
			view.Past = append(view.Past, row)
		}
	}
	var boxErr error
	if view.TitleBox, boxErr = s.titleBox(r, criteria.SubjectClan, c.ID); boxErr != nil {
		s.fail(w, r, boxErr)
		return
	}
	s.render(w, r, status, "clan", view)
}

func (s *Server) clanHouseholdAdd(w http.ResponseWriter, r *http.Request) {
	c, ok := s.visibleClan(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "household")
	if _, err := s.registry.AddClanHousehold(r.Context(), principal(r), c.ID, f.Get("household")); err != nil {
		if s.orgFormError(w, r, &f, err) {
			s.renderClan(w, r, http.StatusUnprocessableEntity, c, f)
		}
		return
	}
	flash(w, "flash.clan_household_added")
	http.Redirect(w, r, "/clans/"+itoa(c.ID), http.StatusSeeOther)
}

func (s *Server) clanHouseholdEnd(w http.ResponseWriter, r *http.Request) {
	c, ok := s.visibleClan(w, r)
	if !ok {
		return
	}
	mid, err := pathInt(r, "mid")
	if err == nil {
		err = s.registry.EndClanHousehold(r.Context(), principal(r), c.ID, mid)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.clan_household_ended")
	http.Redirect(w, r, "/clans/"+itoa(c.ID), http.StatusSeeOther)
}
