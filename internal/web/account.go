package web

import (
	"net/http"
	"strconv"
	"strings"

	"hoctap/internal/account"
	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// AccountRow is an account as lists show it.
type AccountRow struct {
	ID        int64
	Name      string
	Login     string
	Roles     []string
	Locked    bool
	CanManage bool
}

// AccountListView lists the accounts within the officer's scope.
type AccountListView struct {
	Base
	Accounts  []AccountRow
	CanCreate bool
}

func (s *Server) describeGrant(b Base, g auth.Grant) string {
	role := b.T("role." + string(g.Role))
	switch g.Role.ScopeKind() {
	case auth.ScopeProvince:
		return role + " — " + s.units.Province().Name
	case auth.ScopeCommune:
		return role + " — " + s.communeName(g.CommuneCode)
	case auth.ScopeVillage:
		if v, err := s.db.Village(b.ctx(), g.VillageID); err == nil {
			return role + " — " + v.Name + ", " + s.communeName(v.CommuneCode)
		}
	case auth.ScopeWorkUnit:
		if u, err := s.db.WorkUnit(b.ctx(), g.WorkUnitID); err == nil {
			return role + " — " + u.Name
		}
	case auth.ScopeProvider:
		if p, err := s.db.Provider(b.ctx(), g.ProviderID); err == nil {
			return role + " — " + p.Name
		}
	case auth.ScopeCitizen:
		return role + " — " + s.communeName(g.CommuneCode)
	}
	return role
}

func (s *Server) accountRow(b Base, p *auth.Principal, u auth.User) AccountRow {
	row := AccountRow{ID: u.ID, Name: u.DisplayName, Login: maskLogin(u), Locked: s.db.Now().Before(u.LockedUntil), CanManage: p.MayManage(u.Grants) && p.UserID != u.ID}
	for _, g := range u.Grants {
		row.Roles = append(row.Roles, s.describeGrant(b, g))
	}
	return row
}

// maskLogin hides the middle of a personal ID used as a login, as lists must.
func maskLogin(u auth.User) string {
	if u.Phone == "" && u.Email == "" && len(u.NationalID) == 12 {
		return u.NationalID[:3] + "******" + u.NationalID[9:]
	}
	return u.Login()
}

func (s *Server) accountList(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	users, err := s.db.ListUsers(r.Context(), store.AccountFilter{Scope: p.Scope(auth.PermViewAccounts), Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := AccountListView{Base: s.base(r, "accounts.title"), CanCreate: p.Can(auth.PermManageAccounts)}
	for _, u := range users {
		view.Accounts = append(view.Accounts, s.accountRow(view.Base, p, u))
	}
	s.render(w, r, http.StatusOK, "accounts", view)
}

// AccountView shows one account, and the reset link right after it was made.
type AccountView struct {
	Base
	Account   AccountRow
	ResetLink string
}

func (s *Server) visibleAccount(w http.ResponseWriter, r *http.Request) (auth.User, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return auth.User{}, false
	}
	u, err := s.db.User(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return u, false
	}
	if p := principal(r); p.UserID != u.ID && !p.MaySee(u.Grants) {
		s.fail(w, r, fault.ErrForbidden)
		return u, false
	}
	return u, true
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) {
	u, ok := s.visibleAccount(w, r)
	if !ok {
		return
	}
	b := s.base(r, "accounts.show")
	b.Title = u.DisplayName
	s.render(w, r, http.StatusOK, "account", AccountView{Base: b, Account: s.accountRow(b, principal(r), u)})
}

func (s *Server) accountReset(w http.ResponseWriter, r *http.Request) {
	u, ok := s.visibleAccount(w, r)
	if !ok {
		return
	}
	token, u, err := s.accounts.ResetLink(r.Context(), principal(r), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.base(r, "accounts.show")
	b.Title = u.DisplayName
	// The link is shown once, on this response, and never stored in clear.
	s.render(w, r, http.StatusOK, "account", AccountView{Base: b, Account: s.accountRow(b, principal(r), u), ResetLink: s.absoluteURL(r, "/reset/"+token)})
}

func (s *Server) absoluteURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || s.cfg.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// ScopeOption is a place a new account's grant may cover, encoded "kind:id".
type ScopeOption struct {
	Value string
	Label string
}

// AccountFormView creates an account.
type AccountFormView struct {
	Base
	Form      Form
	Roles     []RoleOption
	Scopes    []ScopeOption
	ResetLink string
}

// RoleOption is a role the officer may give.
type RoleOption struct {
	Role  auth.Role
	Label string
}

// givableRoles are the roles below the principal's highest role that may manage accounts.
func (s *Server) givableRoles(b Base, p *auth.Principal) []RoleOption {
	var out []RoleOption
	for _, role := range auth.Roles {
		for _, g := range p.Grants {
			if auth.RoleHas(g.Role, auth.PermManageAccounts) && g.Role.Rank() > role.Rank() {
				out = append(out, RoleOption{Role: role, Label: b.T("role." + string(role))})
				break
			}
		}
	}
	return out
}

// scopeOptions lists the places the principal may give grants over, for the form's select.
func (s *Server) scopeOptions(b Base, p *auth.Principal) []ScopeOption {
	ctx := b.ctx()
	var out []ScopeOption
	prov := s.units.Province()
	if p.MayGive(auth.Grant{Role: auth.RoleCityOfficer, ProvinceCode: prov.Code}) {
		out = append(out, ScopeOption{"province:" + prov.Code, prov.Name})
	}
	for _, c := range s.managedCommunes(p, auth.PermManageAccounts) {
		out = append(out, ScopeOption{"commune:" + c.Code, c.Name})
	}
	vs, err := s.db.ListVillages(ctx, store.VillageFilter{Scope: p.Scope(auth.PermManageAccounts)})
	if err == nil {
		for _, v := range vs {
			out = append(out, ScopeOption{"village:" + itoa(v.ID), v.Name + ", " + s.communeName(v.CommuneCode)})
		}
	}
	for _, g := range p.Grants {
		if g.Role == auth.RoleUnitOfficer {
			if u, err := s.db.WorkUnit(ctx, g.WorkUnitID); err == nil {
				out = append(out, ScopeOption{"work_unit:" + itoa(u.ID), u.Name})
			}
		}
	}
	return out
}

func (s *Server) accountNew(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	b := s.base(r, "accounts.new")
	s.render(w, r, http.StatusOK, "account_form", AccountFormView{Base: b, Form: Form{Values: map[string]string{}, Errors: map[string]string{}},
		Roles: s.givableRoles(b, p), Scopes: s.scopeOptions(b, p)})
}

// parseScope turns the form's "kind:id" and the citizen ID field into a grant's place.
func (s *Server) parseScope(r *http.Request, role auth.Role, value, nationalID string) (auth.Grant, int64, error) {
	g := auth.Grant{Role: role}
	kind, id, _ := strings.Cut(value, ":")
	n, _ := strconv.ParseInt(id, 10, 64)
	switch role.ScopeKind() {
	case auth.ScopeAll:
		return g, 0, nil
	case auth.ScopeProvince:
		if kind == "province" {
			g.ProvinceCode = id
		}
	case auth.ScopeCommune:
		if kind == "commune" {
			if u, err := s.units.Current(id); err == nil && u.Level == adminunit.LevelCommune {
				g.ProvinceCode, g.CommuneCode = u.ProvinceCode, u.Code
			}
		}
	case auth.ScopeVillage:
		if kind == "village" {
			g.VillageID = n
		}
	case auth.ScopeWorkUnit:
		if kind == "work_unit" {
			g.WorkUnitID = n
		}
	case auth.ScopeProvider:
		if kind == "provider" {
			g.ProviderID = n
		}
	case auth.ScopeCitizen:
		nationalID = strings.TrimSpace(nationalID)
		if nationalID == "" {
			return g, 0, fault.Field("national_id", "account.national_id.required")
		}
		c, err := s.db.CitizenByNationalID(r.Context(), nationalID)
		if err != nil {
			return g, 0, fault.Field("national_id", "account.national_id.unknown")
		}
		return g, c.ID, nil
	}
	return g, 0, nil
}

func (s *Server) accountCreate(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "display_name", "login", "role", "scope", "national_id")
	b := s.base(r, "accounts.new")
	view := AccountFormView{Base: b, Form: f, Roles: s.givableRoles(b, p), Scopes: s.scopeOptions(b, p)}
	role := auth.Role(f.Get("role"))
	g, citizenID, err := s.parseScope(r, role, f.Get("scope"), f.Get("national_id"))
	if err == nil {
		var u auth.User
		u, err = s.accounts.Create(r.Context(), p, account.NewAccount{DisplayName: f.Get("display_name"), Login: f.Get("login"),
			Password: r.PostFormValue("password"), Grant: g, CitizenID: citizenID})
		if err == nil {
			if r.PostFormValue("password") != "" {
				flash(w, "flash.account_created")
				http.Redirect(w, r, "/accounts/"+itoa(u.ID), http.StatusSeeOther)
				return
			}
			// No password given: the holder chooses one through a one-time link, shown now.
			token, _, err := s.accounts.ResetLink(r.Context(), nil, u.ID)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			b.Title = u.DisplayName
			s.render(w, r, http.StatusCreated, "account", AccountView{Base: b, Account: s.accountRow(b, p, u), ResetLink: s.absoluteURL(r, "/reset/"+token)})
			return
		}
	}
	switch fault.KindOf(err) {
	case fault.Invalid, fault.Conflict:
		s.setError(r, &view.Form, err)
		s.render(w, r, http.StatusUnprocessableEntity, "account_form", view)
	case fault.Forbidden:
		view.Form.Errors["scope"] = view.T("account.scope.forbidden")
		s.render(w, r, http.StatusForbidden, "account_form", view)
	default:
		s.fail(w, r, err)
	}
}
