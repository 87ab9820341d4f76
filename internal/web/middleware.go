package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
)

const sessionCookie = "hoctap_session"
const langCookie = "hoctap_lang"

type ctxKey int

const (
	keyPrincipal ctxKey = iota
	keyRequestID
	keyToken
	keyLang
)

// principal returns the signed-in user of the request, or nil.
func principal(r *http.Request) *auth.Principal {
	p, _ := r.Context().Value(keyPrincipal).(*auth.Principal)
	return p
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

// clientIP is the address failed logins are counted against.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// observe gives each request an id, logs it and counts it.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		ctx := context.WithValue(r.Context(), keyRequestID, id)
		next.ServeHTTP(rec, r.WithContext(ctx))
		d := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, r.Method, rec.status, d)
		if !strings.HasPrefix(r.URL.Path, "/static/") && r.URL.Path != "/metrics" {
			s.log.Info("request", "id", id, "method", r.Method, "path", r.URL.Path, "status", rec.status, "ms", d.Milliseconds())
		}
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// securityHeaders forbid inline script, framing and content sniffing; nothing is loaded from
// another origin.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic in a handler into a 500 page instead of a dropped connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "id", requestID(r), "value", v)
				s.renderError(w, r, http.StatusInternalServerError, "error.internal")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// loadSession finds the signed-in user, the language, and the audit actor of the request.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		actor := audit.Actor{Name: "anonymous", IP: s.clientIP(r), RequestID: requestID(r)}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && !strings.HasPrefix(r.URL.Path, "/static/") {
			p, u, err := s.accounts.Principal(ctx, c.Value)
			switch {
			case err == nil:
				ctx = context.WithValue(ctx, keyPrincipal, p)
				ctx = context.WithValue(ctx, keyToken, c.Value)
				actor.UserID, actor.Name = u.ID, u.Login()
			case errors.Is(err, fault.ErrNotFound):
				http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
			default:
				// Not "signed out": going on as anonymous would send the user to the login
				// page, which cannot help while the database is down.
				ctx = context.WithValue(ctx, keyLang, s.pickLang(r, nil))
				s.fail(w, r.WithContext(ctx), fmt.Errorf("web: session: %w", err))
				return
			}
		}
		ctx = context.WithValue(ctx, keyLang, s.pickLang(r, principalFrom(ctx)))
		ctx = audit.WithActor(ctx, actor)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func principalFrom(ctx context.Context) *auth.Principal {
	p, _ := ctx.Value(keyPrincipal).(*auth.Principal)
	return p
}

// pickLang chooses the language: the account's setting, then the language cookie, then
// Accept-Language, then Vietnamese.
func (s *Server) pickLang(r *http.Request, p *auth.Principal) string {
	if p != nil && s.cat.Supported(p.Lang) {
		return p.Lang
	}
	if c, err := r.Cookie(langCookie); err == nil && s.cat.Supported(c.Value) {
		return c.Value
	}
	return s.cat.Match(r.Header.Get("Accept-Language"))
}

func lang(r *http.Request) string {
	l, _ := r.Context().Value(keyLang).(string)
	if l == "" {
		return "vi"
	}
	return l
}

// need wraps a handler with the permission its route declares: anonymous users are sent to
// the login page, users without the permission get 403.
func (s *Server) need(perm auth.Permission, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		if p == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.renderError(w, r, http.StatusUnauthorized, "error.unauthorized")
			return
		}
		if !p.Can(perm) {
			s.renderError(w, r, http.StatusForbidden, "error.forbidden")
			return
		}
		if p.MustChangePassword && r.URL.Path != "/account/password" && r.URL.Path != "/logout" {
			http.Redirect(w, r, "/account/password", http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

// public marks a route anyone may use.
func (s *Server) public(h http.HandlerFunc) http.HandlerFunc { return h }
