package web

import (
	"net/http"
	"strconv"

	"hoctap/internal/fault"
	"hoctap/internal/i18n"
	"hoctap/internal/progress"
)

// minPublicGroup is the smallest group whose share the public pages print: below it a
// figure could point at a person, so the page says "< 10" instead.
const minPublicGroup = 10

// PublicProgress is the city's or a commune's progress on the main measures for everyone:
// aggregates of the last complete year only, small groups hidden.
type PublicProgress struct {
	Year     int
	Place    string
	Link     string // the page with the communes' figures
	Rows     []PublicRow
	Communes []PublicRow // the city page's communes with figures on the system
	// The section's texts, in the page's language (the partial has no catalog of its own).
	Heading, CommunesHeading, Note, More string
	Coverage                             string // how many communes the city's figure covers, when not all
}

// PublicRow is one figure of the public pages.
type PublicRow struct {
	Name, Value, Target, Link string
}

// publicProgress builds the public figures of the last complete year, for the city
// (commune "") or one commune, reading with the server's own rights.
func (s *Server) publicProgress(r *http.Request, b Base, commune string) (*PublicProgress, error) {
	req := progress.Request{Level: progress.LevelCity, Year: s.progress.CurrentYear() - 1}
	if commune != "" {
		req.Level, req.Commune = progress.LevelCommune, commune
	}
	d, err := s.progress.BuildKept(r.Context(), nil, req)
	if err != nil {
		return nil, err
	}
	share := func(num, den float64, v *float64) string {
		switch {
		case v == nil:
			return b.T("progress.no_data")
		case den < minPublicGroup:
			return "< " + strconv.Itoa(minPublicGroup)
		}
		return i18n.FormatDecimal(b.Lang, *v, 1) + "%"
	}
	p := &PublicProgress{Year: d.Year, Place: d.Name, Link: "/about/progress",
		Heading: b.T("public.progress.heading", d.Name, strconv.Itoa(d.Year)), CommunesHeading: b.T("public.progress.communes"),
		Note: b.T("public.progress.note", strconv.Itoa(minPublicGroup)), More: b.T("public.progress.more")}
	if commune != "" {
		p.Link = ""
	}
	if commune == "" && d.Source == progress.SourceSystem && d.OnSystem < len(d.Units) {
		p.Coverage = b.T("public.progress.coverage", strconv.Itoa(d.OnSystem), strconv.Itoa(len(d.Units)), strconv.Itoa(d.Year))
	}
	for _, row := range d.Rows {
		if !row.Measure.Main {
			continue
		}
		pr := PublicRow{Name: row.Measure.Name(b.Lang), Value: share(row.Num, row.Den, row.Value)}
		if g := progress.Goal(row.Targets, d.Year); g != nil {
			pr.Target = b.T("public.progress.target", g.Label, strconv.Itoa(g.Year), i18n.FormatDecimal(b.Lang, g.Value, 0))
		}
		p.Rows = append(p.Rows, pr)
	}
	if commune == "" && d.Era != "2020" {
		for _, u := range d.Units {
			if u.Source != progress.SourceSystem {
				continue
			}
			code := d.Focus.Code
			p.Communes = append(p.Communes, PublicRow{Name: u.Name, Value: share(u.Nums[code], u.Dens[code], u.Values[code]), Link: "/about/progress/" + u.Code})
		}
	}
	return p, nil
}

// PublicProgressView is the public page of a place's progress.
type PublicProgressView struct {
	Base
	Share    Share
	Progress *PublicProgress
}

func (s *Server) publicProgressCity(w http.ResponseWriter, r *http.Request) {
	s.publicProgressPage(w, r, "")
}

func (s *Server) publicProgressCommune(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if _, err := s.units.Current(code); err != nil {
		s.fail(w, r, fault.ErrNotFound)
		return
	}
	s.publicProgressPage(w, r, code)
}

func (s *Server) publicProgressPage(w http.ResponseWriter, r *http.Request, commune string) {
	v := PublicProgressView{Base: s.base(r, "public.progress.title")}
	p, err := s.publicProgress(r, v.Base, commune)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Link = ""
	v.Progress = p
	v.Title = v.T("public.progress.title") + " — " + p.Place
	v.Share = s.aboutShare(r, v.Base, "public.progress.title", "public.progress.lead", r.URL.Path)
	s.render(w, r, http.StatusOK, "public_progress", v)
}
