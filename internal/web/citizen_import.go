package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/registry"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

// CitizenImportView is the upload form and, after upload, the preview with each row's result.
type CitizenImportView struct {
	Base
	Form     Form
	Communes []CommuneOption
	Villages []village.Village
	Preview  *registry.CitizenImport
	Rows     []PreviewRow // the rows shown: every problem row and the first others
	Hidden   int          // rows not shown
	Fields   []string
}

// PreviewRow is a roster row with its problems written out, naming their columns.
type PreviewRow struct {
	registry.CitizenImportRow
	Problems string
}

// Mapped is the field a column provides, "" when none.
func (v CitizenImportView) Mapped(i int) string {
	if v.Preview != nil {
		for f, c := range v.Preview.Columns {
			if c == i {
				return f
			}
		}
	}
	return ""
}

// Writable counts the rows a confirmation would write.
func (v CitizenImportView) Writable() int {
	if v.Preview == nil {
		return 0
	}
	return v.Preview.Counts[registry.StatusNew] + v.Preview.Counts[registry.StatusUpdate]
}

// Col is Excel's letter for a 0-based column.
func (v CitizenImportView) Col(i int) string { return columnLetter(i) }

// ColumnTitle is the file's header text of a column.
func (v CitizenImportView) ColumnTitle(i int) string {
	if v.Preview != nil && i < len(v.Preview.Titles) {
		return v.Preview.Titles[i]
	}
	return ""
}

// previewShown bounds how many problem-free rows the preview lists; all problem rows are listed.
const previewShown = 200

func (s *Server) citizenImportView(r *http.Request) CitizenImportView {
	p := principal(r)
	view := CitizenImportView{Base: s.base(r, "import.citizens.title"), Communes: s.managedCommunes(p, auth.PermImportCitizens), Fields: registry.ImportFieldNames()}
	view.Villages, _ = s.db.ListVillages(r.Context(), store.VillageFilter{Scope: p.Scope(auth.PermImportCitizens)})
	return view
}

func (s *Server) citizenImportForm(w http.ResponseWriter, r *http.Request) {
	view := s.citizenImportView(r)
	view.Form = Form{Values: map[string]string{}, Errors: map[string]string{}}
	s.render(w, r, http.StatusOK, "citizen_import", view)
}

func (s *Server) showCitizenPreview(w http.ResponseWriter, r *http.Request, view CitizenImportView, imp registry.CitizenImport) {
	view.Preview = &imp
	others := 0
	for _, row := range imp.Rows {
		if len(row.Errors) > 0 || len(row.Warnings) > 0 || others < previewShown {
			view.Rows = append(view.Rows, PreviewRow{CitizenImportRow: row, Problems: s.rowProblems(view.Base, imp, row)})
			if len(row.Errors) == 0 && len(row.Warnings) == 0 {
				others++
			}
		} else {
			view.Hidden++
		}
	}
	s.render(w, r, http.StatusOK, "citizen_import", view)
}

func (s *Server) citizenImportPreview(w http.ResponseWriter, r *http.Request) {
	view := s.citizenImportView(r)
	name, data, status, uerr := s.readUpload(w, r)
	view.Form = newForm(r, "commune", "village", "consent_attested")
	if uerr != nil {
		view.Form.Errors["file"] = view.Msg(*uerr)
		s.render(w, r, status, "citizen_import", view)
		return
	}
	opt := registry.CitizenImportOptions{ConsentAttested: view.Form.Get("consent_attested") == "1"}
	opt.DefaultVillage, _ = strconv.ParseInt(view.Form.Get("village"), 10, 64)
	imp, err := s.registry.PreviewCitizenImport(r.Context(), principal(r), view.Form.Get("commune"), name, data, opt)
	if err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.fail(w, r, err)
			return
		}
		s.setError(r, &view.Form, err)
		if view.Form.Error != "" {
			view.Form.Errors["file"], view.Form.Error = view.Form.Error, ""
		}
		s.render(w, r, http.StatusUnprocessableEntity, "citizen_import", view)
		return
	}
	s.showCitizenPreview(w, r, view, imp)
}

func (s *Server) citizenImportMap(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	_ = r.ParseForm()
	mapping := map[int]string{}
	for key, vals := range r.PostForm {
		col, ok := strings.CutPrefix(key, "col_")
		if !ok || len(vals) == 0 || vals[0] == "" {
			continue
		}
		if n, err := strconv.Atoi(col); err == nil && n >= 0 && n < 1000 {
			mapping[n] = vals[0]
		}
	}
	imp, err := s.registry.Remap(r.Context(), principal(r), id, mapping)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := s.citizenImportView(r)
	view.Form = Form{Values: map[string]string{}, Errors: map[string]string{}}
	s.showCitizenPreview(w, r, view, imp)
}

func (s *Server) citizenImportConfirm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	imp, err := s.registry.ConfirmCitizenImport(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.citizens_imported")
	http.Redirect(w, r, fmt.Sprintf("/citizens?imported=%d", imp.Counts[registry.StatusNew]+imp.Counts[registry.StatusUpdate]), http.StatusSeeOther)
}

// citizenImportReport gives back the uploaded file's rows with two added columns, the result
// and what is wrong, so that officials fix the rows in Excel and import again.
func (s *Server) citizenImportReport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	imp, err := s.registry.PendingCitizenImport(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.base(r, "import.citizens.title")
	rows := make([]reportRow, len(imp.Rows))
	for i, row := range imp.Rows {
		rows[i] = reportRow{number: row.Number, status: row.Status, problems: s.rowProblems(b, imp, row), cells: row.Cells}
	}
	s.sendImportReport(w, r, b, imp.FileName, imp.Titles, rows)
}

// rowProblems writes a row's errors and warnings with the column each comes from.
func (s *Server) rowProblems(b Base, imp registry.CitizenImport, row registry.CitizenImportRow) string {
	var parts []string
	for _, e := range row.Errors {
		parts = append(parts, s.columnLabel(b, imp, e.Field)+b.Msg(e))
	}
	for _, e := range row.Warnings {
		parts = append(parts, b.T("import.warning")+": "+s.columnLabel(b, imp, e.Field)+b.Msg(e))
	}
	return strings.Join(parts, "; ")
}

// columnLabel names the file's column behind a field, as "Cột D «Ngày sinh»: ".
func (s *Server) columnLabel(b Base, imp registry.CitizenImport, field string) string {
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

// ColumnLetter returns Excel's name of a 0-based column: A, B, … Z, AA.
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// safeFileName keeps a download's name to plain characters.
func safeFileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "danh-sach"
	}
	return b.String()
}

// reportRow is one row of an import's result file.
type reportRow struct {
	number   int
	status   string
	problems string
	cells    []string
}

// sendImportReport gives back an uploaded file's rows with two added columns, the result and
// what is wrong, so that officials fix the rows in Excel and import again.
func (s *Server) sendImportReport(w http.ResponseWriter, r *http.Request, b Base, fileName string, titles []string, rows []reportRow) {
	width := len(titles)
	for _, row := range rows {
		width = max(width, len(row.cells))
	}
	cols := []sheet.Column{{Title: b.T("import.row"), Width: 7, Kind: sheet.ColumnNumber},
		{Title: b.T("import.status"), Width: 18}, {Title: b.T("import.problems"), Width: 60}}
	for i := 0; i < width; i++ {
		title := ""
		if i < len(titles) {
			title = titles[i]
		}
		cols = append(cols, sheet.Column{Title: title, Width: 18})
	}
	var buf bytes.Buffer
	err := sheet.WriteXLSX(&buf, b.T("import.report.sheet"), cols, func(yield func([]any) bool) {
		for _, row := range rows {
			vals := []any{row.number, b.T("import.status." + row.status), row.problems}
			for i := 0; i < width; i++ {
				if i < len(row.cells) {
					vals = append(vals, row.cells[i])
				} else {
					vals = append(vals, nil)
				}
			}
			if !yield(vals) {
				return
			}
		}
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := strings.TrimSuffix(strings.TrimSuffix(fileName, ".xlsx"), ".csv")
	download(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", safeFileName(name)+"-ket-qua.xlsx", buf.Bytes())
}
