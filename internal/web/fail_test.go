package web

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/prometheus/client_golang/prometheus"

	"hoctap/internal/account"
	"hoctap/internal/adminunit"
	"hoctap/internal/i18n"
	"hoctap/internal/recognition"
	"hoctap/internal/registry"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
)

// bareServer is a server on an empty database, for tests of the error pages.
func bareServer(t *testing.T) (*Server, *store.DB) {
	t.Helper()
	db := testdb.Open(t, nil)
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{}, db, account.New(db), &registry.Service{DB: db, Units: units}, &recognition.Service{DB: db, Units: units},
		units, cat, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return s, db
}

// TestFailUnavailableAndFull checks the pages of a database that cannot be reached (503, with
// Retry-After) and of a full disk (507), in each language, and that other errors stay 500.
func TestFailUnavailableAndFull(t *testing.T) {
	s, _ := bareServer(t)
	cases := []struct {
		name, lang string
		err        error
		status     int
		text       string
	}{
		{"PostgreSQL stopped", "vi", fmt.Errorf("store: scan user: %w", &pgconn.ConnectError{}), http.StatusServiceUnavailable, "không kết nối được cơ sở dữ liệu"},
		{"PostgreSQL shutting down", "en", &pgconn.PgError{Code: "57P01"}, http.StatusServiceUnavailable, "database cannot be reached"},
		{"disk full", "vi", fmt.Errorf("store: put blob: %w", &pgconn.PgError{Code: "53100"}), http.StatusInsufficientStorage, "bộ nhớ lưu trữ của máy chủ đã đầy"},
		{"disk full, English", "en", &pgconn.PgError{Code: "53100"}, http.StatusInsufficientStorage, "server's storage is full"},
		{"anything else", "en", errors.New("boom"), http.StatusInternalServerError, "the system had an error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/assessments/1/submit", nil)
			r = r.WithContext(context.WithValue(r.Context(), keyLang, c.lang))
			w := httptest.NewRecorder()
			s.fail(w, r, c.err)
			body := strings.ToLower(html.UnescapeString(w.Body.String()))
			if w.Code != c.status || !strings.Contains(body, c.text) {
				t.Fatalf("status %d, want %d; page says %q, want %q", w.Code, c.status, body, c.text)
			}
			if retry := w.Header().Get("Retry-After"); (retry != "") != (c.status == http.StatusServiceUnavailable) {
				t.Errorf("Retry-After %q with status %d", retry, w.Code)
			}
		})
	}
}

// TestSessionErrorIsNotSignedOut checks that a request whose session cannot be read gets an
// error page, not the anonymous treatment (a redirect to the login page, which cannot help
// while the database is down).
func TestSessionErrorIsNotSignedOut(t *testing.T) {
	s, db := bareServer(t)
	db.Close() // every read fails from now on
	r := httptest.NewRequest(http.MethodGet, "/citizens", nil)
	r.AddCookie(&http.Cookie{Name: sessionCookie, Value: "some-session"})
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	if w.Code < 500 {
		t.Fatalf("status %d (location %q), want an error page", w.Code, w.Header().Get("Location"))
	}
}
