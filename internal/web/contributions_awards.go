package web

import (
	"net/http"
	"strconv"

	"hoctap/internal/community"
	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// AwardFormView gives an award or scholarship from a commune's fund.
type AwardFormView struct {
	Base
	communityPage
	Form     Form
	Communes []CommuneOption
	Purposes []string
	Sources  []store.Contribution // contributions of the funds that still have something to give
	Funds    []store.FundBalance
	Chosen   map[int64]bool
}

func (s *Server) renderAwardForm(w http.ResponseWriter, r *http.Request, status int, f Form, chosen []int64) {
	svc := s.community()
	p := principal(r)
	v := AwardFormView{Base: s.base(r, "award.new"), communityPage: s.cpage(r, svc), Form: f, Purposes: community.AwardPurposes, Chosen: map[int64]bool{}}
	for _, u := range svc.RecordingCommunes(p) {
		v.Communes = append(v.Communes, CommuneOption{Code: u.Code, Name: u.Name})
	}
	if len(v.Communes) == 0 {
		s.fail(w, r, fault.ErrForbidden)
		return
	}
	commune := f.Get("commune")
	known := false
	for _, c := range v.Communes {
		known = known || c.Code == commune
	}
	if !known {
		commune = v.Communes[0].Code
		f.Values["commune"] = commune
		v.Form = f
	}
	for _, id := range chosen {
		v.Chosen[id] = true
	}
	var err error
	if v.Sources, err = svc.FundSources(r.Context(), p, commune); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Funds, err = s.db.FundBalances(r.Context(), s.units.Province().Code, commune); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "award_form", v)
}

func (s *Server) awardNew(w http.ResponseWriter, r *http.Request) {
	f := emptyForm()
	f.Values["commune"] = r.URL.Query().Get("commune")
	f.Values["purpose"] = store.PurposeScholarship
	f.Values["kind"] = store.ContributionMoney
	f.Values["awarded_on"] = s.community().Today()
	var chosen []int64
	if id, err := strconv.ParseInt(r.URL.Query().Get("from"), 10, 64); err == nil && id > 0 {
		chosen = append(chosen, id)
	}
	s.renderAwardForm(w, r, http.StatusOK, f, chosen)
}

func (s *Server) awardCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	_ = r.ParseForm()
	f := newForm(r, "commune", "national_id", "purpose", "kind", "amount", "item", "quantity", "reason", "awarded_on")
	var sources []int64
	for _, v := range r.PostForm["source"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			sources = append(sources, id)
		}
	}
	a, err := s.community().GiveAward(r.Context(), principal(r), community.AwardInput{CommuneCode: f.Get("commune"), NationalID: f.Get("national_id"),
		Purpose: f.Get("purpose"), Kind: f.Get("kind"), Amount: f.Get("amount"), Sources: sources, Item: f.Get("item"), Quantity: f.Get("quantity"),
		Reason: f.Get("reason"), AwardedOn: f.Get("awarded_on")})
	if err != nil {
		if s.orgFormError(w, r, &f, err) {
			s.renderAwardForm(w, r, http.StatusUnprocessableEntity, f, sources)
		}
		return
	}
	flash(w, "flash.award_recorded")
	http.Redirect(w, r, "/contributions?commune="+a.CommuneCode+"&year="+a.AwardedOn[:4]+"#awards", http.StatusSeeOther)
}
