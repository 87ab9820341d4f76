package web

import (
	"errors"
	"net/http"
	"time"

	"hoctap/internal/account"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
)

// LoginView is the sign-in page.
type LoginView struct {
	Base
	Form Form
	Next string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if principal(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", LoginView{Base: s.base(r, "login.title"), Form: Form{Values: map[string]string{}}, Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "error.invalid")
		return
	}
	f := newForm(r, "login")
	next := safeNext(r.PostFormValue("next"))
	view := LoginView{Base: s.base(r, "login.title"), Form: f, Next: next}
	if f.Get("login") == "" {
		f.Errors["login"] = view.T("login.login.required")
	}
	if r.PostFormValue("password") == "" {
		f.Errors["password"] = view.T("login.password.required")
	}
	if len(f.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "login", view)
		return
	}
	token, _, err := s.accounts.Login(r.Context(), f.Get("login"), r.PostFormValue("password"), s.clientIP(r), r.UserAgent())
	if err != nil {
		var locked *account.LockedError
		switch {
		case errors.As(err, &locked):
			view.Form.Error = view.T(locked.Err.Key, locked.Until.In(clock.Vietnam).Format("15:04 02/01/2006"))
			s.render(w, r, http.StatusTooManyRequests, "login", view)
		case fault.KindOf(err) == fault.Unauthorized:
			view.Form.Error = view.T("login.failed")
			s.render(w, r, http.StatusUnauthorized, "login", view)
		default:
			s.fail(w, r, err)
		}
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, Expires: time.Now().Add(s.accounts.SessionTTL)})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if token, _ := r.Context().Value(keyToken).(string); token != "" {
		if err := s.accounts.Logout(r.Context(), token); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	flash(w, "flash.logged_out")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// languageSet switches the language: for the account when signed in, and in a cookie.
func (s *Server) languageSet(w http.ResponseWriter, r *http.Request) {
	l := r.PostFormValue("lang")
	if !s.cat.Supported(l) {
		s.renderError(w, r, http.StatusBadRequest, "language.invalid")
		return
	}
	if p := principal(r); p != nil {
		if err := s.accounts.SetLanguage(r.Context(), p.UserID, l); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// PasswordView is the change-password page and the reset-link page.
type PasswordView struct {
	Base
	Form    Form
	ByReset bool
	Token   string
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password", PasswordView{Base: s.base(r, "password.title"), Form: Form{Values: map[string]string{}}})
}

func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r)
	err := s.accounts.ChangePassword(r.Context(), principal(r).UserID, r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm"))
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid {
			s.fail(w, r, err)
			return
		}
		s.setError(r, &f, err)
		s.render(w, r, http.StatusUnprocessableEntity, "password", PasswordView{Base: s.base(r, "password.title"), Form: f})
		return
	}
	// Changing the password ended every session, this one included: sign in again.
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	flash(w, "flash.password_changed")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !s.accounts.ResetValid(r.Context(), token) {
		s.renderError(w, r, http.StatusNotFound, "reset.invalid")
		return
	}
	s.render(w, r, http.StatusOK, "password", PasswordView{Base: s.base(r, "reset.title"), Form: Form{Values: map[string]string{}}, ByReset: true, Token: token})
}

func (s *Server) resetSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	token := r.PathValue("token")
	f := newForm(r)
	err := s.accounts.UseReset(r.Context(), token, r.PostFormValue("new"), r.PostFormValue("confirm"))
	if err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.fail(w, r, err)
			return
		}
		s.setError(r, &f, err)
		s.render(w, r, http.StatusUnprocessableEntity, "password", PasswordView{Base: s.base(r, "reset.title"), Form: f, ByReset: true, Token: token})
		return
	}
	flash(w, "flash.password_set")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.db.Ping(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unavailable\n"))
		return
	}
	if err := s.db.CheckSchema(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(err.Error() + "\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
