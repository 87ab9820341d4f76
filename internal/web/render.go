package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
	"hoctap/internal/i18n"
	"hoctap/internal/store"
)

//go:embed templates
var templateFiles embed.FS

// Base is embedded in every page's view; it carries what the layout needs.
type Base struct {
	Lang      string
	Title     string
	Principal *auth.Principal
	Nav       []NavItem
	Flash     string
	Path      string
	Unread    int // unread messages of the signed-in user's inbox, for the header
	cat       *i18n.Catalogs
	asset     func(string) string
	r         *http.Request
}

// ctx is the request's context, for views that look up names while they are built.
func (b Base) ctx() context.Context {
	if b.r == nil {
		return context.Background()
	}
	return b.r.Context()
}

// NavItem is one link of the navigation, shown only to roles that hold its permission.
type NavItem struct {
	Href    string
	Label   string
	Current bool
}

// T translates a catalog key into the page's language.
func (b Base) T(key string, args ...any) string { return b.cat.T(b.Lang, key, args...) }

// Asset returns the content-hashed URL of a static file.
func (b Base) Asset(name string) string { return b.asset(name) }

// Date shows an instant as a Vietnamese calendar date in Vietnam's time.
func (b Base) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(clock.Vietnam).Format("02/01/2006")
}

// DateTime shows an instant in Vietnam's time.
func (b Base) DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(clock.Vietnam).Format("02/01/2006 15:04")
}

// Day turns an ISO civil date into dd/mm/yyyy.
func (b Base) Day(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}

// Num formats a number the page's way (1.234 in Vietnamese).
func (b Base) Num(n int) string { return i18n.Format(b.Lang, n) }

// Form carries a form's values and its errors by field, for re-rendering with messages.
type Form struct {
	Values map[string]string
	Errors map[string]string
	Error  string // an error about the whole form
}

// Get returns a field's value.
func (f Form) Get(k string) string { return f.Values[k] }

// Err returns a field's error message.
func (f Form) Err(k string) string { return f.Errors[k] }

// newForm starts a form from a request's posted values.
func newForm(r *http.Request, fields ...string) Form {
	f := Form{Values: map[string]string{}, Errors: map[string]string{}}
	for _, k := range fields {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	return f
}

// setError puts err's messages next to their fields, or on the form as a whole.
func (s *Server) setError(r *http.Request, f *Form, err error) {
	l := lang(r)
	if es := fault.FieldErrors(err); len(es) > 0 {
		for _, e := range es {
			if _, taken := f.Errors[e.Field]; !taken {
				f.Errors[e.Field] = s.cat.T(l, e.Key, e.Args...)
			}
		}
		return
	}
	if fe, ok := fault.As(err); ok {
		f.Error = s.cat.T(l, fe.Key, fe.Args...)
		return
	}
	f.Error = s.cat.T(l, "error.internal")
}

var navItems = []struct {
	href, label string
	perm        auth.Permission
}{
	{"/", "nav.home", auth.PermSignedIn},
	{"/me/title", "nav.my_title", auth.PermSelfAssess},
	{"/me/learning", "nav.my_learning", auth.PermSelfAssess},
	{"/me/programmes", "nav.my_programmes", auth.PermLearn},
	{"/provider/programmes", "nav.provider_programmes", auth.PermManageProgrammes},
	{"/programmes", "nav.programmes", auth.PermSignedIn},
	{"/evaluation", "nav.evaluation", auth.PermViewAssessments},
	{"/dashboard", "nav.dashboard", auth.PermViewDashboard},
	{"/targets", "nav.targets", auth.PermManageTargets},
	{"/contributions", "nav.contributions", auth.PermManageContributions},
	{"/news/manage", "nav.news_manage", auth.PermPublishNews},
	{"/learning/review", "nav.learning_review", auth.PermReviewLearning},
	{"/citizens", "nav.citizens", auth.PermViewCitizens},
	{"/villages", "nav.villages", auth.PermViewVillages},
	{"/work-units", "orgs.nav.work_units", auth.PermViewOrgs},
	{"/clans", "orgs.nav.clans", auth.PermViewOrgs},
	{"/branches", "orgs.nav.branches", auth.PermViewOrgs},
	{"/accounts", "nav.accounts", auth.PermViewAccounts},
	{"/units", "nav.units", auth.PermViewUnits},
	{"/audit", "nav.audit", auth.PermViewAudit},
	{"/account/password", "nav.password", auth.PermSignedIn},
}

// base builds the common part of a page's view.
func (s *Server) base(r *http.Request, titleKey string) Base {
	b := Base{Lang: lang(r), Principal: principal(r), Path: r.URL.Path, cat: s.cat, asset: s.assets.url, r: r}
	b.Title = b.T(titleKey)
	if b.Principal != nil {
		for _, n := range navItems {
			if b.Principal.Can(n.perm) {
				path := r.URL.Path
				if strings.HasPrefix(path, "/households/") { // a household is part of the people section
					path = "/citizens/"
				}
				if strings.HasPrefix(path, "/cycles") || strings.HasPrefix(path, "/assessments/") || strings.HasPrefix(path, "/decisions/") || strings.HasPrefix(path, "/criteria") {
					path = "/evaluation/" // the pages of the yearly evaluation
				}
				cur := n.href == path || (n.href != "/" && strings.HasPrefix(path, n.href+"/"))
				b.Nav = append(b.Nav, NavItem{Href: n.href, Label: b.T(n.label), Current: cur})
			}
		}
	}
	if b.Principal != nil {
		b.Unread = s.unreadCount(r, b.Principal)
	}
	if c, err := r.Cookie("hoctap_flash"); err == nil {
		if key, err := url.QueryUnescape(c.Value); err == nil && strings.HasPrefix(key, "flash.") && s.cat.Has(b.Lang, key) {
			b.Flash = b.T(key)
		}
	}
	return b
}

// flash leaves a message for the next page (POST → redirect → GET).
func flash(w http.ResponseWriter, key string) {
	http.SetCookie(w, &http.Cookie{Name: "hoctap_flash", Value: url.QueryEscape(key), Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	// Every page is the layout, the shared partials and its own file.
	layout, err := template.ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: layout: %w", err)
	}
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, f)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes a page into a buffer first, so a template error never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, view any) {
	t, ok := s.pages[page]
	if !ok {
		s.log.Error("no such template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", view); err != nil {
		s.log.Error("render", "page", page, "err", err, "id", requestID(r))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if c, err := r.Cookie("hoctap_flash"); err == nil && c.Value != "" {
		http.SetCookie(w, &http.Cookie{Name: "hoctap_flash", Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// ErrorView is the page shown for an error status.
type ErrorView struct {
	Base
	Status  int
	Message string
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	b := s.base(r, "error.title")
	s.render(w, r, status, "error", ErrorView{Base: b, Status: status, Message: b.T(key, args...)})
}

// fail turns a domain error into its status page; only faults of the system are logged.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	err = store.Classify(err) // a stopped database or a full disk is not an internal error
	switch fault.KindOf(err) {
	case fault.NotFound:
		fe, _ := fault.As(err)
		s.renderError(w, r, http.StatusNotFound, fe.Key, fe.Args...)
	case fault.Forbidden:
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
	case fault.Unauthorized:
		s.renderError(w, r, http.StatusUnauthorized, "error.unauthorized")
	case fault.Invalid, fault.Conflict, fault.Locked:
		fe, ok := fault.As(err)
		if !ok {
			s.renderError(w, r, http.StatusBadRequest, "error.invalid")
			return
		}
		status := http.StatusBadRequest
		if fe.Kind == fault.Conflict {
			status = http.StatusConflict
		}
		s.renderError(w, r, status, fe.Key, fe.Args...)
	case fault.Unavailable:
		s.log.Error("database unavailable", "id", requestID(r), "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "10") // the page says "shortly"; clients that read the header wait this long
		s.renderError(w, r, http.StatusServiceUnavailable, "error.db_unavailable")
	case fault.StorageFull:
		s.log.Error("storage full", "id", requestID(r), "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusInsufficientStorage, "error.storage_full")
	default:
		s.log.Error("internal error", "id", requestID(r), "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, "error.internal")
	}
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}

// Msg translates a domain error held in a view.
func (b Base) Msg(e fault.Error) string { return b.cat.T(b.Lang, e.Key, e.Args...) }
