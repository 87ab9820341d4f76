package web

import (
	"net/http"
	"regexp"
	"strconv"

	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/store"
)

// AuditView lists audit entries within the officer's scope, newest first.
type AuditView struct {
	Base
	Entries []AuditRow
	Older   int64
}

// AuditRow is an entry with its place's name.
type AuditRow struct {
	audit.Entry
	Where string
}

const auditPage = 50

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	entries, err := s.db.ListAudit(r.Context(), store.AuditFilter{Scope: principal(r).Scope(auth.PermViewAudit), BeforeID: before, Limit: auditPage})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := AuditView{Base: s.base(r, "audit.title")}
	for _, e := range entries {
		where := ""
		if e.CommuneCode != "" {
			where = s.communeName(e.CommuneCode)
		} else if e.ProvinceCode != "" {
			where = s.units.Province().Name
		}
		// Personal ID numbers in the recorded values are masked here as in every list.
		e.Before, e.After = maskIDs(e.Before), maskIDs(e.After)
		view.Entries = append(view.Entries, AuditRow{Entry: e, Where: where})
	}
	if len(entries) == auditPage {
		view.Older = entries[len(entries)-1].ID
	}
	s.render(w, r, http.StatusOK, "audit", view)
}

var twelveDigits = regexp.MustCompile(`\b(\d{3})\d{6}(\d{3})\b`)

// maskIDs hides the middle six digits of every 12-digit number, as MaskNationalID does.
func maskIDs(s string) string { return twelveDigits.ReplaceAllString(s, "${1}******${2}") }
