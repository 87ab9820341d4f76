package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/registry"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

// citizenPage is how many people a list page shows.
const citizenPage = 50

// CitizenRow is a person as lists show them.
type CitizenRow struct {
	ID          int64
	Name        string
	NationalID  string // masked unless the user may and asked to see it
	BirthDate   string
	Gender      string
	Village     string
	VillageID   int64
	HouseholdID int64
	Relation    string
	Group       string
}

// CitizenListView is the searchable list of people.
type CitizenListView struct {
	Base
	Query      url.Values
	Communes   []CommuneOption // for scopes wider than a commune
	Commune    string          // the commune whose villages are listed
	Villages   []village.Village
	Groups     []people.TargetGroup
	Rows       []CitizenRow
	Total      int
	Page       int
	Pages      int
	PrevURL    string
	NextURL    string
	ExportCSV  string
	ExportXLSX string
	CanManage  bool
	CanImport  bool
	CanUnmask  bool
	Unmasked   bool
}

// citizenQuery reads the list's filters from the URL.
func citizenQuery(r *http.Request) (store.CitizenQuery, url.Values) {
	v := r.URL.Query()
	q := store.CitizenQuery{Text: limitRunes(v.Get("q"), 100), TargetGroup: v.Get("group")}
	q.CommuneCode = v.Get("commune")
	q.VillageID, _ = strconv.ParseInt(v.Get("village"), 10, 64)
	q.HouseholdID, _ = strconv.ParseInt(v.Get("household"), 10, 64)
	q.MinAge, _ = strconv.Atoi(v.Get("age_min"))
	q.MaxAge, _ = strconv.Atoi(v.Get("age_max"))
	keep := url.Values{}
	for _, k := range []string{"q", "commune", "village", "household", "group", "age_min", "age_max"} {
		if s := strings.TrimSpace(v.Get(k)); s != "" {
			keep.Set(k, s)
		}
	}
	return q, keep
}

func limitRunes(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// unmasked tells whether full ID numbers are shown: only when asked and allowed.
func unmasked(r *http.Request) bool {
	return r.URL.Query().Get("unmask") == "1" && principal(r).Can(auth.PermUnmaskIDs)
}

func (s *Server) citizenRow(b Base, c people.Citizen, villages map[int64]string, showID bool) CitizenRow {
	row := CitizenRow{ID: c.ID, Name: c.FullName, NationalID: people.MaskNationalID(c.NationalID), BirthDate: birthText(b, c),
		Gender: b.T("gender." + string(c.Gender)), Village: villages[c.VillageID], VillageID: c.VillageID, HouseholdID: c.HouseholdID,
		Relation: b.T("relation." + string(c.Relation)), Group: b.T("group." + string(c.TargetGroup))}
	if showID {
		row.NationalID = c.NationalID
	}
	return row
}

// birthText shows a date of birth, or the year when that is all that is known.
func birthText(b Base, c people.Citizen) string {
	if c.BirthDate != "" {
		return b.Day(c.BirthDate)
	}
	if c.BirthYear != 0 {
		return strconv.Itoa(c.BirthYear)
	}
	return "—"
}

// citizenPlaces fills the place filters of the citizen list. A scope of one commune or less
// lists its villages; a wider one (the city's officers) lists the communes and, once one is
// chosen (or a village, which names its commune), that commune's villages: the city has five
// thousand villages, too many for one list and too slow to read on every search.
func (s *Server) citizenPlaces(r *http.Request, q *store.CitizenQuery, view *CitizenListView) error {
	scope := principal(r).Scope(auth.PermViewCitizens)
	f := store.VillageFilter{Scope: scope, WithRetired: true}
	if wideScope(scope) {
		view.Communes = s.scopeCommunes(scope)
		if q.CommuneCode == "" && q.VillageID != 0 {
			if v, err := s.db.Village(r.Context(), q.VillageID); err == nil {
				view.Commune = v.CommuneCode
			}
		}
		if view.Commune == "" {
			view.Commune = q.CommuneCode
		}
		if view.Commune == "" {
			return nil // the villages come once a commune is chosen
		}
		f.CommuneCode = view.Commune
	}
	vs, err := s.db.ListVillages(r.Context(), f)
	view.Villages = vs
	return err
}

// wideScope tells whether a scope spans more than one commune: its lists of villages are then
// shown one commune at a time.
func wideScope(scope auth.Scope) bool {
	return scope.All || len(scope.Provinces) > 0 || len(scope.Communes) > 1
}

// scopeCommunes lists today's communes within a scope, for a commune picker.
func (s *Server) scopeCommunes(scope auth.Scope) []CommuneOption {
	var out []CommuneOption
	for _, u := range s.units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
		if scope.All || slices.Contains(scope.Provinces, u.ProvinceCode) || slices.Contains(scope.Communes, u.Code) {
			out = append(out, CommuneOption{Code: u.Code, Name: u.Name})
		}
	}
	return out
}

// villageNamesOf names the villages of the listed people: from the villages listed in the
// filter, else looked up (a city-wide search lists people of many communes).
func (s *Server) villageNamesOf(r *http.Request, listed []village.Village, list []people.Citizen) map[int64]string {
	names := make(map[int64]string, len(listed))
	for _, v := range listed {
		names[v.ID] = v.Name
	}
	for _, c := range list {
		if _, ok := names[c.VillageID]; ok || c.VillageID == 0 {
			continue
		}
		if v, err := s.db.Village(r.Context(), c.VillageID); err == nil {
			names[v.ID] = v.Name
		}
	}
	return names
}

func (s *Server) citizenList(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	q, keep := citizenQuery(r)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	q.Limit, q.Offset = citizenPage, (page-1)*citizenPage
	list, total, err := s.registry.Search(r.Context(), p, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := CitizenListView{Base: s.base(r, "citizens.title"), Query: keep, Groups: people.TargetGroups, Total: total, Page: page,
		Pages: (total + citizenPage - 1) / citizenPage, CanManage: p.Can(auth.PermManageCitizens), CanImport: p.Can(auth.PermImportCitizens),
		CanUnmask: p.Can(auth.PermUnmaskIDs), Unmasked: unmasked(r)}
	if err := s.citizenPlaces(r, &q, &view); err != nil {
		s.fail(w, r, err)
		return
	}
	names := s.villageNamesOf(r, view.Villages, list)
	for _, c := range list {
		view.Rows = append(view.Rows, s.citizenRow(view.Base, c, names, view.Unmasked))
	}
	link := func(extra url.Values) string {
		v := url.Values{}
		for k, vals := range keep {
			v[k] = vals
		}
		for k, vals := range extra {
			v[k] = vals
		}
		return v.Encode()
	}
	if page > 1 {
		view.PrevURL = "/citizens?" + link(url.Values{"page": {strconv.Itoa(page - 1)}})
	}
	if page < view.Pages {
		view.NextURL = "/citizens?" + link(url.Values{"page": {strconv.Itoa(page + 1)}})
	}
	exp := url.Values{"format": {"csv"}}
	if view.Unmasked {
		exp.Set("unmask", "1")
	}
	view.ExportCSV = "/citizens/export?" + link(exp)
	exp.Set("format", "xlsx")
	view.ExportXLSX = "/citizens/export?" + link(exp)
	s.render(w, r, http.StatusOK, "citizens", view)
}

// CitizenFormView registers a person, or shows the transfer offer.
type CitizenFormView struct {
	Base
	Form         Form
	Villages     []village.Village
	Household    *store.Household
	Relations    []people.Relation
	Groups       []people.TargetGroup
	Methods      []people.ConsentMethod
	ConsentText  string
	Warnings     []string
	TransferFrom string // the commune where the ID is registered, when a transfer is offered
	CanTransfer  bool
	Ethnicity    bool // the deployment collects ethnicity
}

var citizenFields = []string{"village", "household", "new_household", "household_code", "full_name", "national_id", "legacy_id", "birth_date",
	"gender", "phone", "email", "relation", "target_group", "consent_method", "consent_given_by", "ethnicity"}

func (s *Server) citizenFormView(r *http.Request, f Form) (CitizenFormView, error) {
	p := principal(r)
	vs, err := s.db.ListVillages(r.Context(), store.VillageFilter{Scope: p.Scope(auth.PermManageCitizens)})
	if err != nil {
		return CitizenFormView{}, err
	}
	text := people.CurrentConsentText()
	view := CitizenFormView{Base: s.base(r, "citizens.new"), Form: f, Villages: vs, Relations: people.Relations, Groups: people.TargetGroups,
		Methods: people.ConsentMethods, ConsentText: text.VI, Ethnicity: s.cfg.CollectEthnicity}
	if view.Lang == "en" {
		view.ConsentText = text.EN
	}
	if hid, _ := strconv.ParseInt(f.Get("household"), 10, 64); hid != 0 {
		if h, err := s.db.Household(r.Context(), hid); err == nil && p.CanAt(auth.PermManageCitizens, store.HouseholdPlace(h)) {
			view.Household = &h
			f.Values["village"] = strconv.FormatInt(h.VillageID, 10)
		}
	}
	return view, nil
}

func (s *Server) citizenNew(w http.ResponseWriter, r *http.Request) {
	f := Form{Values: map[string]string{"village": r.URL.Query().Get("village"), "household": r.URL.Query().Get("household"),
		"consent_method": string(people.ConsentPaper), "target_group": string(people.GroupResident)}, Errors: map[string]string{}}
	if f.Values["household"] == "" {
		f.Values["new_household"] = "1"
	}
	view, err := s.citizenFormView(r, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "citizen_form", view)
}

// parseBirth reads a date of birth typed as dd/mm/yyyy or a year alone.
func parseBirth(s string) (date string, year int, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", 0, true
	}
	if y, err := strconv.Atoi(s); err == nil && len(s) == 4 {
		return "", y, true
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), t.Year(), true
		}
	}
	return "", 0, false
}

// citizenFromForm fills a Citizen from the form; a malformed date is a field error.
func citizenFromForm(f Form) (people.Citizen, fault.Errors) {
	var es fault.Errors
	c := people.Citizen{FullName: f.Get("full_name"), NationalID: f.Get("national_id"), LegacyID: f.Get("legacy_id"),
		Gender: people.Gender(f.Get("gender")), Phone: f.Get("phone"), Email: f.Get("email"),
		Relation: people.Relation(f.Get("relation")), TargetGroup: people.TargetGroup(f.Get("target_group"))}
	c.VillageID, _ = strconv.ParseInt(f.Get("village"), 10, 64)
	date, year, ok := parseBirth(f.Get("birth_date"))
	if !ok {
		es.Add("birth_date", "citizen.birth_date.invalid", f.Get("birth_date"))
	}
	c.BirthDate, c.BirthYear = date, year
	return c, es
}

func (s *Server) citizenCreate(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	_ = r.ParseForm()
	f := newForm(r, citizenFields...)
	c, es := citizenFromForm(f)
	if s.cfg.CollectEthnicity {
		c.Ethnicity = limitRunes(f.Get("ethnicity"), 50)
	}
	reg := registry.Registration{Citizen: c, NewHousehold: f.Get("new_household") == "1", HouseholdCode: f.Get("household_code"),
		Consent: people.Consent{Method: people.ConsentMethod(f.Get("consent_method")), GivenBy: f.Get("consent_given_by")}}
	reg.HouseholdID, _ = strconv.ParseInt(f.Get("household"), 10, 64)
	if reg.HouseholdID != 0 {
		reg.NewHousehold = false
	}
	var saved people.Citizen
	var warnings fault.Errors
	err := es.Err()
	if err == nil {
		saved, warnings, err = s.registry.Register(r.Context(), p, reg)
	}
	if err != nil {
		kind := fault.KindOf(err)
		if kind != fault.Invalid && kind != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		view, verr := s.citizenFormView(r, f)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		s.setError(r, &view.Form, err)
		var elsewhere *registry.ErrRegisteredElsewhere
		if errors.As(err, &elsewhere) {
			view.TransferFrom = elsewhere.CommuneName
			view.CanTransfer = p.Can(auth.PermImportCitizens) && elsewhere.Existing.CommuneCode != villageCommune(view.Villages, c.VillageID)
		}
		for _, w := range warnings {
			view.Warnings = append(view.Warnings, view.Msg(*w))
		}
		s.render(w, r, http.StatusUnprocessableEntity, "citizen_form", view)
		return
	}
	if len(warnings) > 0 {
		flash(w, "flash.citizen_created_with_warnings")
	} else {
		flash(w, "flash.citizen_created")
	}
	http.Redirect(w, r, "/citizens/"+itoa(saved.ID), http.StatusSeeOther)
}

func villageCommune(vs []village.Village, id int64) string {
	for _, v := range vs {
		if v.ID == id {
			return v.CommuneCode
		}
	}
	return ""
}

func (s *Server) citizenTransfer(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	villageID, _ := strconv.ParseInt(r.PostFormValue("village"), 10, 64)
	c, err := s.registry.Transfer(r.Context(), principal(r), r.PostFormValue("national_id"), villageID, r.PostFormValue("reason"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.citizen_transferred")
	http.Redirect(w, r, "/citizens/"+itoa(c.ID), http.StatusSeeOther)
}

// CitizenView is one person's page.
type CitizenView struct {
	Base
	Citizen   people.Citizen
	Row       CitizenRow
	Commune   string
	Household []CitizenRow
	Consents  []ConsentRow
	Form      Form
	Relations []people.Relation
	Groups    []people.TargetGroup
	CanManage bool
	CanErase  bool
	CanUnmask bool
	Unmasked  bool
	Own       bool
	Ethnicity bool
	// This year's title: the person's assessment, or whether the viewer may pledge for them.
	TitleCycle *store.Cycle
	Title      *store.Assessment
	CanPledge  bool
}

// ConsentRow is a consent as the person's page shows it.
type ConsentRow struct {
	Version, Method, GivenBy, GivenAt, WithdrawnAt string
	Active                                         bool
}

func (s *Server) citizenID(w http.ResponseWriter, r *http.Request) (people.Citizen, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return people.Citizen{}, false
	}
	c, err := s.registry.Citizen(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return c, false
	}
	return c, true
}

func (s *Server) citizenShow(w http.ResponseWriter, r *http.Request) {
	c, ok := s.citizenID(w, r)
	if !ok {
		return
	}
	f := Form{Values: map[string]string{"full_name": c.FullName, "national_id": c.NationalID, "legacy_id": c.LegacyID, "birth_date": c.BirthDate,
		"gender": string(c.Gender), "phone": c.Phone, "email": c.Email, "target_group": string(c.TargetGroup), "ethnicity": c.Ethnicity}, Errors: map[string]string{}}
	if c.BirthDate != "" {
		f.Values["birth_date"] = (Base{}).Day(c.BirthDate)
	} else if c.BirthYear != 0 {
		f.Values["birth_date"] = strconv.Itoa(c.BirthYear)
	}
	s.renderCitizen(w, r, http.StatusOK, c, f)
}

func (s *Server) renderCitizen(w http.ResponseWriter, r *http.Request, status int, c people.Citizen, f Form) {
	p := principal(r)
	ctx := r.Context()
	b := s.base(r, "citizens.show")
	b.Title = c.FullName
	place := store.CitizenPlace(c)
	view := CitizenView{Base: b, Citizen: c, Commune: s.communeName(c.CommuneCode), Form: f, Relations: people.Relations, Groups: people.TargetGroups,
		CanManage: p.CanAt(auth.PermManageCitizens, place), CanErase: p.CanAt(auth.PermEraseCitizens, place),
		CanUnmask: p.CanAt(auth.PermUnmaskIDs, place), Own: p.CanAt(auth.PermViewOwnRecord, place), Ethnicity: s.cfg.CollectEthnicity}
	view.Unmasked = view.Own || (view.CanUnmask && r.URL.Query().Get("unmask") == "1")
	names := map[int64]string{}
	if c.VillageID != 0 {
		if v, err := s.db.Village(ctx, c.VillageID); err == nil {
			names[v.ID] = v.Name
		}
	}
	view.Row = s.citizenRow(b, c, names, view.Unmasked)
	if cy, err := s.rec.CurrentCycle(ctx); err == nil {
		view.TitleCycle = &cy
		if a, err := s.db.AssessmentOf(ctx, cy.ID, c.ID); err == nil {
			view.Title = &a
		} else if fault.KindOf(err) != fault.NotFound {
			s.fail(w, r, err)
			return
		}
		today := s.rec.Today()
		view.CanPledge = view.Title == nil && today >= cy.OpensOn && today <= cy.PledgeBy &&
			(p.CanAt(auth.PermAssistAssessment, place) || p.CanAt(auth.PermSelfAssess, place))
	} else if fault.KindOf(err) != fault.NotFound {
		s.fail(w, r, err)
		return
	}
	if c.HouseholdID != 0 {
		members, err := s.db.HouseholdMembers(ctx, c.HouseholdID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, m := range members {
			view.Household = append(view.Household, s.citizenRow(b, m, names, false))
		}
	}
	consents, err := s.db.Consents(ctx, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, k := range consents {
		row := ConsentRow{Version: k.TextVersion, Method: b.T("consent.method." + string(k.Method)), GivenBy: k.GivenBy, GivenAt: b.DateTime(k.GivenAt), Active: k.Active()}
		if !k.WithdrawnAt.IsZero() {
			row.WithdrawnAt = b.DateTime(k.WithdrawnAt)
		}
		view.Consents = append(view.Consents, row)
	}
	s.render(w, r, status, "citizen", view)
}

func (s *Server) citizenUpdate(w http.ResponseWriter, r *http.Request) {
	c, ok := s.citizenID(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	_ = r.ParseForm()
	f := newForm(r, citizenFields...)
	next, es := citizenFromForm(f)
	next.ID = c.ID
	next.Ethnicity = c.Ethnicity
	if s.cfg.CollectEthnicity {
		next.Ethnicity = limitRunes(f.Get("ethnicity"), 50)
	}
	if next.NationalID == "" { // the form leaves the ID empty (masked) unless it is being corrected
		next.NationalID = c.NationalID
	}
	if next.LegacyID == "" {
		next.LegacyID = c.LegacyID
	}
	err := es.Err()
	if err == nil {
		_, err = s.registry.Update(r.Context(), principal(r), next)
	}
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		s.setError(r, &f, err)
		s.renderCitizen(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	flash(w, "flash.citizen_saved")
	http.Redirect(w, r, "/citizens/"+itoa(c.ID), http.StatusSeeOther)
}

func (s *Server) citizenWithdrawConsent(w http.ResponseWriter, r *http.Request) {
	c, ok := s.citizenID(w, r)
	if !ok {
		return
	}
	if err := s.registry.WithdrawConsent(r.Context(), principal(r), c.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.consent_withdrawn")
	http.Redirect(w, r, "/citizens/"+itoa(c.ID), http.StatusSeeOther)
}
