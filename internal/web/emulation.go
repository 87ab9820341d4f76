package web

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"

	"hoctap/internal/community"
)

// EmulationView is a work unit's list for a year's emulation and staff evaluation.
type EmulationView struct {
	Base
	community.Emulation
	Years []int
	Sort  string
	Desc  bool
}

// SortLink is the address that orders the list by key: the same key again reverses it.
func (v EmulationView) SortLink(key string) string {
	u := "/work-units/" + itoa(v.Unit.ID) + "/emulation?year=" + strconv.Itoa(v.Year) + "&sort=" + key
	if key == v.Sort && !v.Desc {
		u += "&desc=1"
	}
	return u
}

// SortState is the aria-sort value of a column's header.
func (v EmulationView) SortState(key string) string {
	if key != v.Sort {
		return "none"
	}
	ascending := key == "name"
	if v.Desc {
		ascending = !ascending
	}
	if ascending {
		return "ascending"
	}
	return "descending"
}

func (s *Server) loadEmulation(w http.ResponseWriter, r *http.Request) (EmulationView, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return EmulationView{}, false
	}
	svc := s.community()
	this := svc.Year()
	e, err := svc.Emulation(r.Context(), principal(r), id, s.queryYear(r, this))
	if err != nil {
		s.fail(w, r, err)
		return EmulationView{}, false
	}
	b := s.base(r, "emulation.title")
	b.Title = b.T("emulation.title.unit", e.Unit.Name, strconv.Itoa(e.Year))
	v := EmulationView{Base: b, Emulation: e, Sort: r.URL.Query().Get("sort"), Desc: r.URL.Query().Get("desc") == "1"}
	if !slices.Contains(community.EmulationSorts, v.Sort) {
		v.Sort = "name"
	}
	community.SortEmulation(v.Rows, v.Sort, v.Desc)
	for y := this; y >= this-4; y-- {
		v.Years = append(v.Years, y)
	}
	return v, true
}

func (s *Server) emulationShow(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadEmulation(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "emulation", v)
}

func (s *Server) emulationXLSX(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadEmulation(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := community.EmulationXLSX(v.Emulation, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, xlsxType, "thi-dua-"+itoa(v.Unit.ID)+"-"+strconv.Itoa(v.Year)+".xlsx", buf.Bytes())
}
