package web

import (
	"io"
	"net/http"

	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// maxCriteriaFile bounds an uploaded criteria file; the default set is about 40 KB.
const maxCriteriaFile = 2 << 20

// CriteriaListView lists the stored versions of criteria sets.
type CriteriaListView struct {
	Base
	Sets      []store.CriteriaSet
	CanUpload bool
	Problems  []string // every problem of a refused upload
	FileName  string
}

func (s *Server) criteriaList(w http.ResponseWriter, r *http.Request) {
	s.renderCriteriaList(w, r, http.StatusOK, nil, "")
}

func (s *Server) renderCriteriaList(w http.ResponseWriter, r *http.Request, status int, problems []string, fileName string) {
	sets, err := s.db.CriteriaSets(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "criteria", CriteriaListView{Base: s.base(r, "criteria.title"), Sets: sets,
		CanUpload: principal(r).Can(auth.PermManageCriteria), Problems: problems, FileName: fileName})
}

func (s *Server) criteriaUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxCriteriaFile+64<<10)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.renderCriteriaList(w, r, http.StatusUnprocessableEntity, []string{s.cat.T(lang(r), "criteria.upload.missing")}, "")
		return
	}
	defer file.Close()
	body, err := io.ReadAll(io.LimitReader(file, maxCriteriaFile+1))
	if err != nil || len(body) > maxCriteriaFile {
		s.renderCriteriaList(w, r, http.StatusRequestEntityTooLarge, []string{s.cat.T(lang(r), "criteria.upload.too_large", maxCriteriaFile>>20)}, hdr.Filename)
		return
	}
	cs, err := s.rec.UploadCriteria(r.Context(), principal(r), body)
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		s.renderCriteriaList(w, r, http.StatusUnprocessableEntity, s.problems(r, err), hdr.Filename)
		return
	}
	flash(w, "flash.criteria_uploaded")
	http.Redirect(w, r, "/criteria/"+itoa(cs.ID), http.StatusSeeOther)
}

// problems lists every message of an error, each with the place it concerns.
func (s *Server) problems(r *http.Request, err error) []string {
	l := lang(r)
	var out []string
	if es := fault.FieldErrors(err); len(es) > 0 {
		for _, e := range es {
			msg := s.cat.T(l, e.Key, e.Args...)
			if e.Field != "" {
				msg = e.Field + ": " + msg
			}
			out = append(out, msg)
		}
		return out
	}
	if fe, ok := fault.As(err); ok {
		return []string{s.cat.T(l, fe.Key, fe.Args...)}
	}
	return []string{s.cat.T(l, "error.internal")}
}

// CriteriaSetView shows one version, with what is provisional marked.
type CriteriaSetView struct {
	Base
	Stored store.CriteriaSet
	Set    *criteria.Set
}

func (s *Server) criteriaShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.db.CriteriaSet(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	set, err := s.rec.Set(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "criteria_set", CriteriaSetView{Base: s.base(r, "criteria.title"), Stored: cs, Set: set})
}

func (s *Server) criteriaFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.db.CriteriaSet(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, "application/json; charset=utf-8", cs.Title+"-"+cs.Version+".json", cs.Body)
}
