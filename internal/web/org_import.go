package web

import (
	"io"
	"net/http"
	"strings"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/registry"
	"hoctap/internal/store"
)

// orgImportRoutes are the imports into an existing organisation: the staff of a work unit, the
// members of an association branch, the households of a clan. Each has an upload form, the
// preview (POST of the file), the confirmation and the error report of a preview. Every
// handler first checks that the principal manages the organisation (403 otherwise), then the
// service checks again and keeps a pending file to its user and its organisation.
func (s *Server) orgImportRoutes() []route {
	staff := orgImportPage{kind: registry.OrgImportStaff, prefix: "/work-units"}
	members := orgImportPage{kind: registry.OrgImportBranchMembers, prefix: "/branches"}
	clans := orgImportPage{kind: registry.OrgImportClanHouseholds, prefix: "/clans"}
	return []route{
		{"GET /work-units/{id}/import", auth.PermManageOrgs, s.orgImportForm(staff)},
		{"POST /work-units/{id}/import", auth.PermManageOrgs, s.orgImportPreview(staff)},
		{"POST /work-units/{id}/import/{pid}/confirm", auth.PermManageOrgs, s.orgImportConfirm(staff)},
		{"GET /work-units/{id}/import/{pid}/report.xlsx", auth.PermManageOrgs, s.orgImportReport(staff)},

		{"GET /branches/{id}/import", auth.PermManageOrgs, s.orgImportForm(members)},
		{"POST /branches/{id}/import", auth.PermManageOrgs, s.orgImportPreview(members)},
		{"POST /branches/{id}/import/{pid}/confirm", auth.PermManageOrgs, s.orgImportConfirm(members)},
		{"GET /branches/{id}/import/{pid}/report.xlsx", auth.PermManageOrgs, s.orgImportReport(members)},

		{"GET /clans/{id}/import", auth.PermManageOrgs, s.orgImportForm(clans)},
		{"POST /clans/{id}/import", auth.PermManageOrgs, s.orgImportPreview(clans)},
		{"POST /clans/{id}/import/{pid}/confirm", auth.PermManageOrgs, s.orgImportConfirm(clans)},
		{"GET /clans/{id}/import/{pid}/report.xlsx", auth.PermManageOrgs, s.orgImportReport(clans)},
	}
}

// orgImportPage is one kind of organisation import and where its pages live.
type orgImportPage struct {
	kind   string // registry.OrgImport…
	prefix string // the organisations' path: "/work-units", "/branches", "/clans"
}

// OrgImportView is the upload form and, after upload, the preview with each row's result.
type OrgImportView struct {
	Base
	Kind    string // registry.OrgImport…
	Target  string // the organisation's name
	Href    string // the organisation's page
	Form    Form
	Preview *registry.OrgImport
	Rows    []OrgPreviewRow // every problem row and the first others
	Hidden  int             // rows not shown
}

// OrgPreviewRow is a row with its problems written out, naming their columns.
type OrgPreviewRow struct {
	registry.OrgImportRow
	Problems string
}

// Name is the person's (or the household head's) name: as registered when found, else as in
// the file.
func (r OrgPreviewRow) Name() string {
	if r.Registered != "" {
		return r.Registered
	}
	return r.FullName
}

// orgImportTarget loads the organisation of the path's {id} and checks that the principal
// manages it; otherwise it sends 404 or 403 and returns false.
func (s *Server) orgImportTarget(w http.ResponseWriter, r *http.Request, pg orgImportPage) (OrgImportView, int64, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return OrgImportView{}, 0, false
	}
	ctx := r.Context()
	var name string
	var place auth.Place
	switch pg.kind {
	case registry.OrgImportStaff:
		var u store.WorkUnit
		if u, err = s.db.WorkUnit(ctx, id); err == nil {
			name, place = u.Name, store.WorkUnitPlace(u)
		}
	case registry.OrgImportBranchMembers:
		var b store.Branch
		if b, err = s.db.Branch(ctx, id); err == nil {
			name, place = b.Name, store.BranchPlace(b)
		}
	default:
		var c store.Clan
		if c, err = s.db.Clan(ctx, id); err == nil {
			name, place = c.Name, store.ClanPlace(c)
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return OrgImportView{}, 0, false
	}
	if !principal(r).CanAt(auth.PermManageOrgs, place) {
		s.fail(w, r, fault.ErrForbidden)
		return OrgImportView{}, 0, false
	}
	view := OrgImportView{Base: s.base(r, "orgimport."+pg.kind+".title"), Kind: pg.kind, Target: name, Href: pg.prefix + "/" + itoa(id), Form: emptyForm()}
	return view, id, true
}

func (s *Server) orgImportForm(pg orgImportPage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		view, _, ok := s.orgImportTarget(w, r, pg)
		if !ok {
			return
		}
		s.render(w, r, http.StatusOK, "org_import", view)
	}
}

func (s *Server) orgImportPreview(pg orgImportPage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		view, id, ok := s.orgImportTarget(w, r, pg)
		if !ok {
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			view.Form.Errors["file"] = view.T("import.too_large", maxUpload>>20)
			s.render(w, r, http.StatusRequestEntityTooLarge, "org_import", view)
			return
		}
		file, hdr, err := r.FormFile("file")
		if err != nil {
			view.Form.Errors["file"] = view.T("import.file.required")
			s.render(w, r, http.StatusUnprocessableEntity, "org_import", view)
			return
		}
		defer file.Close()
		data, err := io.ReadAll(file)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		imp, err := s.registry.PreviewOrgImport(r.Context(), principal(r), pg.kind, id, hdr.Filename, data)
		if err != nil {
			if fault.KindOf(err) != fault.Invalid {
				s.fail(w, r, err)
				return
			}
			s.setError(r, &view.Form, err)
			if view.Form.Error != "" {
				view.Form.Errors["file"], view.Form.Error = view.Form.Error, ""
			}
			s.render(w, r, http.StatusUnprocessableEntity, "org_import", view)
			return
		}
		view.Preview = &imp
		others := 0
		for _, row := range imp.Rows {
			problem := len(row.Errors) > 0 || len(row.Warnings) > 0
			if problem || others < previewShown {
				view.Rows = append(view.Rows, OrgPreviewRow{OrgImportRow: row, Problems: orgRowProblems(view.Base, imp, row)})
				if !problem {
					others++
				}
			} else {
				view.Hidden++
			}
		}
		s.render(w, r, http.StatusOK, "org_import", view)
	}
}

func (s *Server) orgImportConfirm(pg orgImportPage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		view, id, ok := s.orgImportTarget(w, r, pg)
		if !ok {
			return
		}
		pid, err := pathInt(r, "pid")
		if err == nil {
			_, err = s.registry.ConfirmOrgImport(r.Context(), principal(r), pg.kind, id, pid)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		flash(w, "flash.orgimport_done")
		http.Redirect(w, r, view.Href, http.StatusSeeOther)
	}
}

// orgImportReport gives back the uploaded file's rows with three added columns, the row number,
// the result and what is wrong, so that officials fix the rows in Excel and import again.
func (s *Server) orgImportReport(pg orgImportPage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		view, id, ok := s.orgImportTarget(w, r, pg)
		if !ok {
			return
		}
		pid, err := pathInt(r, "pid")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		imp, err := s.registry.PendingOrgImport(r.Context(), principal(r), pg.kind, id, pid)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		b := view.Base
		rows := make([]reportRow, len(imp.Rows))
		for i, row := range imp.Rows {
			rows[i] = reportRow{number: row.Number, status: row.Status, problems: orgRowProblems(b, imp, row), cells: row.Cells}
		}
		s.sendImportReport(w, r, b, imp.FileName, imp.Titles, rows)
	}
}

// orgRowProblems writes a row's errors and warnings with the column each comes from.
func orgRowProblems(b Base, imp registry.OrgImport, row registry.OrgImportRow) string {
	label := func(field string) string {
		col, ok := imp.Columns[field]
		if !ok {
			return ""
		}
		title := ""
		if col < len(imp.Titles) {
			title = imp.Titles[col]
		}
		return b.T("import.column", columnLetter(col), title) + ": "
	}
	var parts []string
	for _, e := range row.Errors {
		parts = append(parts, label(e.Field)+b.Msg(e))
	}
	for _, e := range row.Warnings {
		parts = append(parts, b.T("import.warning")+": "+label(e.Field)+b.Msg(e))
	}
	return strings.Join(parts, "; ")
}
