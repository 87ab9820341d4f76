package web

import (
	"encoding/base64"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"

	"hoctap/internal/certificate"
	"hoctap/internal/fault"
	"hoctap/internal/learning"
)

// ProviderSessionView is a session as its provider runs it: the QR code for check-in, the
// list to tick and the import of a list.
type ProviderSessionView struct {
	learning.SessionView
	Base
	programmePage
	N          int                        // the session's number in the programme
	CheckinURL string                     // the current code's address; "" when check-in is not open
	QR         template.URL               // data: URL of its PNG, made here (html/template refuses data: URLs it did not see made)
	Seconds    int                        // until the code changes
	Import     *learning.AttendanceImport // the preview of an uploaded attendance list
	Form       Form
}

// IsOpen tells whether check-in by QR code runs now.
func (v ProviderSessionView) IsOpen() bool {
	return !v.Session.OpenedAt.IsZero() && v.Session.Day == v.Today && v.Programme.State == learning.StatePublished
}

func (s *Server) loadSessionView(w http.ResponseWriter, r *http.Request) (ProviderSessionView, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return ProviderSessionView{}, false
	}
	sv, err := s.learning.Session(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return ProviderSessionView{}, false
	}
	v := ProviderSessionView{SessionView: sv, Base: s.base(r, "programme.session.title"), programmePage: s.pp(), Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	for i, x := range sv.Sessions {
		if x.ID == sv.Session.ID {
			v.N = i + 1
		}
	}
	v.Title = sv.Programme.Title + " — " + v.T("programme.session.n", v.N)
	if v.IsOpen() {
		if err := s.fillQR(r, &v); err != nil {
			s.fail(w, r, err)
			return v, false
		}
	}
	return v, true
}

func (s *Server) fillQR(r *http.Request, v *ProviderSessionView) error {
	token, left, err := s.learning.QR(r.Context(), principal(r), v.Session.ID)
	if err != nil {
		return err
	}
	v.CheckinURL = s.publicBase(r) + "/checkin/" + token
	png, err := certificate.QRPNG(v.CheckinURL, 360)
	if err != nil {
		return err
	}
	v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	v.Seconds = int(left.Seconds()) + 1
	return nil
}

func (s *Server) providerSessionShow(w http.ResponseWriter, r *http.Request) {
	if v, ok := s.loadSessionView(w, r); ok {
		s.render(w, r, http.StatusOK, "provider_session", v)
	}
}

func (s *Server) providerSessionOpen(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.learning.OpenSession(r.Context(), principal(r), id); err != nil {
		s.sessionError(w, r, err)
		return
	}
	http.Redirect(w, r, "/provider/sessions/"+itoa(id), http.StatusSeeOther)
}

// sessionError shows the session page with a refusal, or the error page.
func (s *Server) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
		s.fail(w, r, err)
		return
	}
	v, ok := s.loadSessionView(w, r)
	if !ok {
		return
	}
	s.setError(r, &v.Form, err)
	s.render(w, r, http.StatusUnprocessableEntity, "provider_session", v)
}

// qrJSON is what the QR page's script fetches every few seconds.
type qrJSON struct {
	URL     string `json:"url"`
	PNG     string `json:"png"`
	Seconds int    `json:"seconds"`
	Present int    `json:"present"`
}

func (s *Server) providerSessionQR(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadSessionView(w, r)
	if !ok {
		return
	}
	if !v.IsOpen() {
		s.fail(w, r, fault.New(fault.Conflict, "session.not_open"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(qrJSON{URL: v.CheckinURL, PNG: string(v.QR), Seconds: v.Seconds, Present: len(v.Present)})
}

func (s *Server) providerSessionAttendance(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	_ = r.ParseForm()
	var present []int64
	for _, x := range r.PostForm["present"] {
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			present = append(present, n)
		}
	}
	if _, err := s.learning.MarkAttendance(r.Context(), principal(r), id, present); err != nil {
		s.sessionError(w, r, err)
		return
	}
	flash(w, "flash.attendance_saved")
	http.Redirect(w, r, "/provider/sessions/"+itoa(id), http.StatusSeeOther)
}

// maxUpload bounds an uploaded list.
const maxProgrammeUpload = 10 << 20

func readUpload(w http.ResponseWriter, r *http.Request) (string, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxProgrammeUpload)
	f, h, err := r.FormFile("file")
	if err != nil {
		return "", nil, fault.Field("file", "programme.import.no_file")
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return "", nil, fault.Field("file", "programme.import.no_file")
	}
	return h.Filename, data, nil
}

// providerSessionImport reads an uploaded attendance list and shows its preview: who will be
// marked present or absent, the rows already as recorded and the rows with errors. Nothing is
// written until the provider confirms.
func (s *Server) providerSessionImport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name, data, err := readUpload(w, r)
	if err != nil {
		s.sessionError(w, r, err)
		return
	}
	imp, err := s.learning.PreviewAttendanceImport(r.Context(), principal(r), id, name, data)
	if err != nil {
		s.sessionError(w, r, err)
		return
	}
	v, ok := s.loadSessionView(w, r)
	if !ok {
		return
	}
	v.Import = &imp
	s.render(w, r, http.StatusOK, "provider_session", v)
}

// pendingID is the {pending} import of a path.
func pendingID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("pending"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.ErrNotFound
	}
	return id, nil
}

// providerSessionImportConfirm writes the valid rows of a previewed attendance list.
func (s *Server) providerSessionImportConfirm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pending, err := pendingID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.learning.ConfirmAttendanceImport(r.Context(), principal(r), id, pending); err != nil {
		s.sessionError(w, r, err)
		return
	}
	flash(w, "flash.attendance_imported")
	http.Redirect(w, r, "/provider/sessions/"+itoa(id), http.StatusSeeOther)
}

// providerSessionImportReport gives back a previewed attendance list with the result and the
// problems of each row, with the writer of the roster imports.
func (s *Server) providerSessionImportReport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pending, err := pendingID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	imp, err := s.learning.PendingAttendanceImport(r.Context(), principal(r), id, pending)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.base(r, "programme.session.title")
	rows := make([]reportRow, len(imp.Rows))
	for i, row := range imp.Rows {
		var parts []string
		for _, e := range row.Errors {
			parts = append(parts, b.T("learning.import.column")+" «"+e.Column+"»: "+b.Msg(e.Fault()))
		}
		rows[i] = reportRow{number: row.Number, status: row.Status, problems: strings.Join(parts, "; "), cells: row.Cells}
	}
	s.sendImportReport(w, r, b, imp.FileName, imp.Titles, rows)
}
