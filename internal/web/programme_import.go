package web

import (
	"net/http"
	"strconv"

	"hoctap/internal/fault"
	"hoctap/internal/learning"
	"hoctap/internal/store"
)

// CompletionImportView is the upload form, the preview and the result of a completions import.
type CompletionImportView struct {
	Base
	programmePage
	Providers []store.Provider
	Import    *learning.Import
	Done      bool
	Form      Form
}

func (s *Server) completionImportView(r *http.Request) (CompletionImportView, error) {
	v := CompletionImportView{Base: s.base(r, "completion.import.title"), programmePage: s.pp(), Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	var err error
	v.Providers, err = s.learning.ProvidersOf(r.Context(), principal(r))
	return v, err
}

func (s *Server) completionImportForm(w http.ResponseWriter, r *http.Request) {
	v, err := s.completionImportView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "provider_completion_import", v)
}

func (s *Server) completionImportPreview(w http.ResponseWriter, r *http.Request) {
	v, err := s.completionImportView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name, data, err := readUpload(w, r)
	if err == nil {
		providerID, _ := strconv.ParseInt(r.FormValue("provider_id"), 10, 64)
		if providerID == 0 && len(v.Providers) == 1 {
			providerID = v.Providers[0].ID
		}
		var imp learning.Import
		imp, err = s.learning.PreviewImport(r.Context(), principal(r), providerID, name, data)
		if err == nil {
			v.Import = &imp
			s.render(w, r, http.StatusOK, "provider_completion_import", v)
			return
		}
	}
	if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
		s.fail(w, r, err)
		return
	}
	s.setError(r, &v.Form, err)
	if v.Form.Error == "" {
		v.Form.Error = v.Form.Errors["file"]
	}
	s.render(w, r, http.StatusUnprocessableEntity, "provider_completion_import", v)
}

func (s *Server) completionImportConfirm(w http.ResponseWriter, r *http.Request) {
	v, err := s.completionImportView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	providerID, _ := strconv.ParseInt(r.PostFormValue("provider_id"), 10, 64)
	imp, err := s.learning.ConfirmImport(r.Context(), principal(r), providerID, id)
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		s.setError(r, &v.Form, err)
		if imp.FileName != "" {
			v.Import = &imp
		}
		s.render(w, r, http.StatusUnprocessableEntity, "provider_completion_import", v)
		return
	}
	v.Import, v.Done = &imp, true
	s.render(w, r, http.StatusOK, "provider_completion_import", v)
}
