package web

import (
	"net/http"
	"strings"

	"hoctap/internal/adminunit"
	"hoctap/internal/people"
)

// UnitListView lists the current communes, with a filter by name.
type UnitListView struct {
	Base
	Query    string
	Province adminunit.Unit
	Communes []adminunit.Unit
}

func (s *Server) unitList(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len([]rune(q)) > 100 {
		q = string([]rune(q)[:100])
	}
	view := UnitListView{Base: s.base(r, "units.title"), Query: q, Province: s.units.Province()}
	folded := people.FoldName(q)
	for _, u := range s.units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
		if folded == "" || strings.Contains(people.FoldName(u.Name), folded) || strings.Contains(u.Code, q) {
			view.Communes = append(view.Communes, u)
		}
	}
	s.render(w, r, http.StatusOK, "units", view)
}

// UnitView shows one unit of one era: where it came from and what it is today.
type UnitView struct {
	Base
	Unit         adminunit.Unit
	Parent       string
	Successors   []adminunit.Share
	Predecessors []ShareRow
	NoSuccessor  bool
}

// ShareRow is a predecessor with the name of its district.
type ShareRow struct {
	adminunit.Share
	District string
}

func (s *Server) unitShow(w http.ResponseWriter, r *http.Request) {
	era := adminunit.Era(r.PathValue("era"))
	u, err := s.units.Unit(era, r.PathValue("code"))
	if err != nil {
		s.renderError(w, r, http.StatusNotFound, "units.unknown")
		return
	}
	b := s.base(r, "units.title")
	b.Title = u.Name
	view := UnitView{Base: b, Unit: u}
	if u.ParentCode != "" {
		view.Parent = s.unitName(era, u.ParentCode)
	}
	if u.Level == adminunit.LevelCommune {
		if era == adminunit.Era2025Jul {
			preds, err := s.units.Predecessors(u.Code)
			if err == nil {
				for _, p := range preds {
					view.Predecessors = append(view.Predecessors, ShareRow{Share: p, District: s.unitName(p.Unit.Era, p.Unit.ParentCode)})
				}
			}
		} else {
			succ, err := s.units.Successors(era, u.Code)
			view.Successors = succ
			view.NoSuccessor = err != nil
		}
	}
	s.render(w, r, http.StatusOK, "unit", view)
}
