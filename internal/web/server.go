// Package web serves hoctap's pages: server-rendered HTML in Vietnamese or English, with every
// route declaring the permission it needs where it is registered (routes.go).
package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"hoctap/internal/account"
	"hoctap/internal/adminunit"
	"hoctap/internal/i18n"
	"hoctap/internal/learning"
	"hoctap/internal/learningrecord"
	"hoctap/internal/notify"
	"hoctap/internal/progress"
	"hoctap/internal/recognition"
	"hoctap/internal/registry"
	"hoctap/internal/store"
)

// Config is what the web layer needs to know about its deployment.
type Config struct {
	SecureCookies  bool     // set when served over HTTPS (behind a proxy that terminates TLS)
	TrustProxy     bool     // take the client address from X-Forwarded-For
	TrustedOrigins []string // extra origins allowed to POST (e.g. the public https name)
	// CollectEthnicity shows the ethnicity field, marked sensitive. Off by default: the rules
	// (programme-rules §8) collect it only when a reporting duty requires it.
	CollectEthnicity bool
	// PublicURL is the address printed in certificates' QR codes (e.g. https://hoctap.hanoi.gov.vn);
	// empty takes the address the request came to.
	PublicURL string
}

// Server holds the dependencies of the handlers.
type Server struct {
	cfg         Config
	db          *store.DB
	accounts    *account.Service
	registry    *registry.Service
	rec         *recognition.Service
	learning    *learning.Service
	record      *learningrecord.Service
	progress    *progress.Service
	units       *adminunit.Map
	cat         *i18n.Catalogs
	pages       map[string]*template.Template
	assets      *assets
	log         *slog.Logger
	metrics     *metrics
	mux         *http.ServeMux
	verifyLimit *rateLimiter
	notify      *notify.Service // delivery settings of notifications; nil: every external channel off
}

// New builds the server and parses every template once.
func New(cfg Config, db *store.DB, accounts *account.Service, reg *registry.Service, rec *recognition.Service, units *adminunit.Map, cat *i18n.Catalogs, log *slog.Logger, reg2 *prometheus.Registry) (*Server, error) {
	s := &Server{cfg: cfg, db: db, accounts: accounts, registry: reg, rec: rec, units: units, cat: cat, log: log, mux: http.NewServeMux(),
		verifyLimit: newRateLimiter(verifyPerMinute, time.Minute)}
	s.learning = &learning.Service{DB: db, Units: units}
	s.record = &learningrecord.Service{DB: db, Units: units}
	s.progress = &progress.Service{DB: db, Units: units}
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(reg2)
	s.routes()
	return s, nil
}

// Handler returns the whole application with its middleware.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, o := range s.cfg.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			s.log.Warn("bad trusted origin", "origin", o, "err", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusForbidden, "error.cross_origin")
	}))
	var h http.Handler = s.mux
	h = s.loadSession(h)
	h = cop.Handler(h)
	h = securityHeaders(h)
	h = s.recoverPanics(h)
	h = s.observe(h)
	return h
}
