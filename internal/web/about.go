package web

import (
	"net/http"
	"slices"
	"strconv"

	"hoctap/internal/criteria"
	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// AboutView is the page on what the Learning Citizen programme is and how to take part.
type AboutView struct {
	Base
	Share Share
	// Cycle is this year's Learning Citizen cycle, whose dates say when each step is due;
	// nil when none is open.
	Cycle *store.Cycle
	// Progress is the city's figures of the last complete year (public_progress.go).
	Progress *PublicProgress
}

func (s *Server) aboutShare(r *http.Request, b Base, titleKey, descKey, path string) Share {
	return Share{Title: b.T(titleKey) + " · " + b.T("app.name"), Description: b.T(descKey), URL: s.publicBase(r) + path, Type: "website"}
}

func (s *Server) aboutShow(w http.ResponseWriter, r *http.Request) {
	v := AboutView{Base: s.base(r, "about.title")}
	v.Share = s.aboutShare(r, v.Base, "about.title", "about.lead", "/about")
	cy, err := s.rec.CurrentCycle(r.Context())
	switch {
	case err == nil:
		v.Cycle = &cy
	case fault.KindOf(err) != fault.NotFound:
		s.fail(w, r, err)
		return
	}
	if v.Progress, err = s.publicProgress(r, v.Base, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "about", v)
}

// AboutCriteriaView lists the criteria sets in force: for each title, the set of its current
// cycle, as stored.
type AboutCriteriaView struct {
	Base
	Share Share
	Sets  []CriteriaInForce
}

// CriteriaInForce is one title's set as its current cycle uses it.
type CriteriaInForce struct {
	Cycle store.Cycle
	Set   *criteria.Set
}

// titleOrder puts the individual title first, then the collective ones from the smallest.
var titleOrder = []string{"learning_citizen", "learning_family", "learning_clan", "learning_community", "learning_community_commune", "learning_unit"}

func (s *Server) aboutCriteria(w http.ResponseWriter, r *http.Request) {
	v := AboutCriteriaView{Base: s.base(r, "about.criteria.title")}
	v.Share = s.aboutShare(r, v.Base, "about.criteria.title", "about.criteria.lead", "/about/criteria")
	ctx := r.Context()
	cycles, err := s.db.AllCycles(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var titles []string
	for _, c := range cycles {
		if !slices.Contains(titles, c.Title) {
			titles = append(titles, c.Title)
		}
	}
	rank := func(t string) int {
		if i := slices.Index(titleOrder, t); i >= 0 {
			return i
		}
		return len(titleOrder)
	}
	slices.SortStableFunc(titles, func(a, b string) int { return rank(a) - rank(b) })
	for _, t := range titles {
		cy, err := s.rec.CurrentCycleOf(ctx, t)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		set, err := s.rec.Set(ctx, cy.CriteriaSetID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Sets = append(v.Sets, CriteriaInForce{Cycle: cy, Set: set})
	}
	s.render(w, r, http.StatusOK, "about_criteria", v)
}

// Pick chooses the Vietnamese or the English text of the data by the page's language.
func (v AboutCriteriaView) Pick(vi, en string) string {
	if v.Lang == "en" && en != "" {
		return en
	}
	return vi
}

// Years writes a set's years of validity ("2024–…").
func (v AboutCriteriaView) Years(set *criteria.Set) string {
	to := "…"
	if set.ValidTo != 0 {
		to = strconv.Itoa(set.ValidTo)
	}
	return strconv.Itoa(set.ValidFrom) + "–" + to
}

// Total is the points an indicator list adds up to at most.
func (v AboutCriteriaView) Total(ins []criteria.Indicator) int {
	t := 0
	for _, in := range ins {
		t += in.Max
	}
	return t
}

// AboutProvidersView is the page for learning providers on how to join.
type AboutProvidersView struct {
	Base
	Share Share
}

func (s *Server) aboutProviders(w http.ResponseWriter, r *http.Request) {
	v := AboutProvidersView{Base: s.base(r, "about.providers.title")}
	v.Share = s.aboutShare(r, v.Base, "about.providers.title", "about.providers.lead", "/about/providers")
	s.render(w, r, http.StatusOK, "about_providers", v)
}

// LevelMinima writes what an indicator needs for each level of a set with levels ("Mức độ 1
// (Khá): từ 1 điểm; …"), or "" when the set has none.
func (v AboutCriteriaView) LevelMinima(set *criteria.Set, in criteria.Indicator) string {
	out := ""
	for k, m := range in.LevelMin {
		if k >= len(set.Levels) {
			break
		}
		if out != "" {
			out += "; "
		}
		out += v.Pick(set.Levels[k].NameVI, set.Levels[k].NameEN) + ": " + v.T("about.criteria.from_points", m)
	}
	return out
}
