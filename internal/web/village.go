package web

import (
	"io"
	"net/http"
	"strconv"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/fault"
	"hoctap/internal/registry"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// pathID reads a numeric {id} from the path; a malformed one is a 404, like a missing row.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.ErrNotFound
	}
	return id, nil
}

// CommuneOption is a commune the user may pick in a form.
type CommuneOption struct {
	Code string
	Name string
}

// managedCommunes lists the current communes where the principal holds perm.
func (s *Server) managedCommunes(p *auth.Principal, perm auth.Permission) []CommuneOption {
	var out []CommuneOption
	for _, u := range s.units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
		if p.CanAt(perm, auth.Place{ProvinceCode: u.ProvinceCode, CommuneCode: u.Code}) {
			out = append(out, CommuneOption{Code: u.Code, Name: u.Name})
		}
	}
	return out
}

// VillageListView lists the villages in scope.
type VillageListView struct {
	Base
	Villages    []VillageRow
	CanManage   bool
	WithRetired bool
	Communes    []CommuneOption // for scopes wider than a commune
	Commune     string          // the commune whose villages are listed
}

// VillageRow is a village with its commune's name.
type VillageRow struct {
	village.Village
	CommuneName string
}

func (s *Server) villageList(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	withRetired := r.URL.Query().Get("retired") == "1"
	view := VillageListView{Base: s.base(r, "villages.title"), CanManage: p.Can(auth.PermManageVillages), WithRetired: withRetired}
	scope := p.Scope(auth.PermViewVillages)
	f := store.VillageFilter{Scope: scope, WithRetired: withRetired, WithCounts: true}
	// Officers of many communes see one commune's villages at a time: counting the households
	// and people of a whole city's villages takes seconds.
	if wideScope(scope) {
		view.Communes, view.Commune = s.scopeCommunes(scope), r.URL.Query().Get("commune")
		if view.Commune == "" {
			s.render(w, r, http.StatusOK, "villages", view)
			return
		}
		f.CommuneCode = view.Commune
	}
	vs, err := s.db.ListVillages(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, v := range vs {
		view.Villages = append(view.Villages, VillageRow{Village: v, CommuneName: s.communeName(v.CommuneCode)})
	}
	s.render(w, r, http.StatusOK, "villages", view)
}

// VillageFormView creates or edits a village.
type VillageFormView struct {
	Base
	TitleBox  *TitleBox
	Form      Form
	Communes  []CommuneOption
	Kinds     []village.Kind
	Village   *VillageRow
	CanManage bool
}

func (s *Server) villageNew(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	f := Form{Values: map[string]string{"kind": string(village.KindThon)}, Errors: map[string]string{}}
	s.render(w, r, http.StatusOK, "village_form", VillageFormView{Base: s.base(r, "villages.new"), Form: f,
		Communes: s.managedCommunes(p, auth.PermManageVillages), Kinds: village.Kinds})
}

func (s *Server) villageCreate(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "commune", "name", "kind")
	v, err := s.registry.CreateVillage(r.Context(), p, village.Village{CommuneCode: f.Get("commune"), Name: r.PostFormValue("name"), Kind: village.Kind(f.Get("kind"))})
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		s.setError(r, &f, err)
		s.render(w, r, http.StatusUnprocessableEntity, "village_form", VillageFormView{Base: s.base(r, "villages.new"), Form: f,
			Communes: s.managedCommunes(p, auth.PermManageVillages), Kinds: village.Kinds})
		return
	}
	flash(w, "flash.village_created")
	http.Redirect(w, r, "/villages/"+itoa(v.ID), http.StatusSeeOther)
}

// visibleVillage loads a village the principal may see, or fails with 404/403.
func (s *Server) visibleVillage(w http.ResponseWriter, r *http.Request) (village.Village, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return village.Village{}, false
	}
	v, err := s.db.Village(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return v, false
	}
	if !principal(r).CanAt(auth.PermViewVillages, store.VillagePlace(v)) {
		s.fail(w, r, fault.ErrForbidden)
		return v, false
	}
	return v, true
}

func (s *Server) villageShow(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visibleVillage(w, r)
	if !ok {
		return
	}
	s.renderVillage(w, r, http.StatusOK, v, Form{Values: map[string]string{"name": v.Name, "kind": string(v.Kind)}, Errors: map[string]string{}})
}

func (s *Server) renderVillage(w http.ResponseWriter, r *http.Request, status int, v village.Village, f Form) {
	p := principal(r)
	vs, err := s.db.ListVillages(r.Context(), store.VillageFilter{Scope: auth.Scope{Villages: []int64{v.ID}}, WithRetired: true, WithCounts: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(vs) == 1 {
		v = vs[0]
	}
	row := VillageRow{Village: v, CommuneName: s.communeName(v.CommuneCode)}
	b := s.base(r, "villages.show")
	b.Title = v.Name
	view := VillageFormView{Base: b, Form: f, Kinds: village.Kinds, Village: &row,
		CanManage: p.CanAt(auth.PermManageVillages, store.VillagePlace(v))}
	var boxErr error
	if view.TitleBox, boxErr = s.titleBox(r, criteria.SubjectVillage, v.ID); boxErr != nil {
		s.fail(w, r, boxErr)
		return
	}
	s.render(w, r, status, "village", view)
}

func (s *Server) villageUpdate(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visibleVillage(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "name", "kind")
	if _, err := s.registry.UpdateVillage(r.Context(), principal(r), v.ID, r.PostFormValue("name"), village.Kind(f.Get("kind"))); err != nil {
		s.villageFormError(w, r, v, f, err)
		return
	}
	flash(w, "flash.village_saved")
	http.Redirect(w, r, "/villages/"+itoa(v.ID), http.StatusSeeOther)
}

func (s *Server) villageRetire(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visibleVillage(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "retired_on")
	f.Values["name"], f.Values["kind"] = v.Name, string(v.Kind)
	if _, err := s.registry.RetireVillage(r.Context(), principal(r), v.ID, f.Get("retired_on")); err != nil {
		s.villageFormError(w, r, v, f, err)
		return
	}
	flash(w, "flash.village_retired")
	http.Redirect(w, r, "/villages/"+itoa(v.ID), http.StatusSeeOther)
}

// villageFormError re-renders the village page with a form's errors next to their fields, or
// shows the error page for anything that is not the user's input.
func (s *Server) villageFormError(w http.ResponseWriter, r *http.Request, v village.Village, f Form, err error) {
	if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
		s.fail(w, r, err)
		return
	}
	s.setError(r, &f, err)
	s.renderVillage(w, r, http.StatusUnprocessableEntity, v, f)
}

func (s *Server) villageDelete(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visibleVillage(w, r)
	if !ok {
		return
	}
	if err := s.registry.DeleteVillage(r.Context(), principal(r), v.ID); err != nil {
		if fault.KindOf(err) != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		f := Form{Values: map[string]string{"name": v.Name, "kind": string(v.Kind)}, Errors: map[string]string{}}
		s.setError(r, &f, err)
		s.renderVillage(w, r, http.StatusConflict, v, f)
		return
	}
	flash(w, "flash.village_deleted")
	http.Redirect(w, r, "/villages", http.StatusSeeOther)
}

// VillageImportView is the upload form and, after upload, the preview.
type VillageImportView struct {
	Base
	Form     Form
	Communes []CommuneOption
	Kinds    []village.Kind
	Preview  *registry.ImportPreview
}

// maxUpload bounds an uploaded list (a 200,000-row roster fits well under it).
const maxUpload = 32 << 20

// readUpload reads the file of an import form. A missing or too large file is returned as an
// error for the "file" field, with the status to answer, for the caller to show on its page.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (string, []byte, int, *fault.Error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return "", nil, http.StatusRequestEntityTooLarge, fault.New(fault.Invalid, "import.too_large", maxUpload>>20)
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, http.StatusUnprocessableEntity, fault.New(fault.Invalid, "import.file.required")
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return "", nil, http.StatusBadRequest, fault.New(fault.Invalid, "import.file.required")
	}
	return hdr.Filename, data, http.StatusOK, nil
}

func (s *Server) villageImportForm(w http.ResponseWriter, r *http.Request) {
	f := Form{Values: map[string]string{"kind": string(village.KindThon)}, Errors: map[string]string{}}
	s.render(w, r, http.StatusOK, "village_import", VillageImportView{Base: s.base(r, "import.villages.title"), Form: f,
		Communes: s.managedCommunes(principal(r), auth.PermManageVillages), Kinds: village.Kinds})
}

func (s *Server) villageImportPreview(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	view := VillageImportView{Base: s.base(r, "import.villages.title"), Communes: s.managedCommunes(p, auth.PermManageVillages), Kinds: village.Kinds}
	name, data, status, uerr := s.readUpload(w, r)
	view.Form = newForm(r, "commune", "kind")
	if uerr != nil {
		view.Form.Errors["file"] = view.Msg(*uerr)
		s.render(w, r, status, "village_import", view)
		return
	}
	kind := village.Kind(view.Form.Get("kind"))
	if !kind.Valid() {
		kind = village.KindThon
	}
	preview, err := s.registry.PreviewVillageImport(r.Context(), p, view.Form.Get("commune"), name, data, kind)
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid {
			s.fail(w, r, err)
			return
		}
		s.setError(r, &view.Form, err)
		if view.Form.Error != "" {
			view.Form.Errors["file"], view.Form.Error = view.Form.Error, ""
		}
		s.render(w, r, http.StatusUnprocessableEntity, "village_import", view)
		return
	}
	view.Preview = &preview
	s.render(w, r, http.StatusOK, "village_import", view)
}

func (s *Server) villageImportConfirm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.registry.ConfirmVillageImport(r.Context(), principal(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.villages_imported")
	http.Redirect(w, r, "/villages", http.StatusSeeOther)
}
