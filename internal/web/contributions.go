package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"hoctap/internal/auth"
	"hoctap/internal/community"
	"hoctap/internal/fault"
	"hoctap/internal/i18n"
	"hoctap/internal/store"
)

// communityRoutes are the pages of the community's resources and of the units' emulation lists
// (issue 9, parts 4 and 5): the association's contributions with their receipts and totals, the
// awards and scholarships given with them, and each work unit's list for the year's emulation
// and staff evaluation. Handlers check the commune or unit of what they show; the service
// checks again, and only commune officers (and administrators) record.
func (s *Server) communityRoutes() []route {
	return []route{
		{"GET /contributions", auth.PermManageContributions, s.contributionList},
		{"GET /contributions/new", auth.PermManageContributions, s.contributionNew},
		{"POST /contributions", auth.PermManageContributions, s.contributionCreate},
		{"GET /contributions/totals.xlsx", auth.PermManageContributions, s.contributionTotalsXLSX},
		{"GET /contributions/{id}", auth.PermManageContributions, s.contributionShow},
		{"GET /contributions/{id}/receipt.pdf", auth.PermManageContributions, s.contributionReceipt},
		{"GET /awards/new", auth.PermManageContributions, s.awardNew},
		{"POST /awards", auth.PermManageContributions, s.awardCreate},
		{"GET /work-units/{id}/emulation", auth.PermViewAssessments, s.emulationShow},
		{"GET /work-units/{id}/emulation.xlsx", auth.PermViewAssessments, s.emulationXLSX},
	}
}

func (s *Server) community() *community.Service {
	return &community.Service{DB: s.db, Units: s.units, Record: s.record}
}

// communityPage gives the contribution pages their helpers.
type communityPage struct {
	svc  *community.Service
	lang string
}

func (s *Server) cpage(r *http.Request, svc *community.Service) communityPage {
	return communityPage{svc: svc, lang: lang(r)}
}

// Money writes đồng the page's way: 1.250.000 in Vietnamese.
func (cp communityPage) Money(n int64) string { return i18n.Format(cp.lang, n) }

// CommuneName names a commune by its code.
func (cp communityPage) CommuneName(code string) string { return cp.svc.CommuneName(code) }

// queryYear reads ?year=, defaulting to this year; a year outside 2000…next year is this year.
func (s *Server) queryYear(r *http.Request, this int) int {
	y, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || y < 2000 || y > this+1 {
		return this
	}
	return y
}

// ContributionListView is a year's contributions and awards of a commune, or the city's totals.
type ContributionListView struct {
	Base
	communityPage
	Year          int
	Years         []int
	CommuneCode   string // "" for the whole city
	Communes      []CommuneOption
	CanCity       bool // may choose the whole city
	CanRecord     bool
	Totals        community.Totals
	Contributions []store.Contribution
	Awards        []store.Award
}

// contributionCommune decides which commune a page shows: the one asked for, else the viewer's
// only commune, else the whole city for those who may see it.
func (s *Server) contributionCommune(r *http.Request, svc *community.Service) (string, []CommuneOption, bool, error) {
	p := principal(r)
	var options []CommuneOption
	for _, u := range svc.ViewCommunes(p) {
		options = append(options, CommuneOption{Code: u.Code, Name: u.Name})
	}
	city := svc.MayViewCity(p)
	asked := r.URL.Query().Get("commune")
	switch {
	case asked != "":
		for _, o := range options {
			if o.Code == asked {
				return asked, options, city, nil
			}
		}
		return "", nil, city, fault.ErrForbidden
	case city:
		return "", options, city, nil
	case len(options) > 0:
		return options[0].Code, options, city, nil
	}
	return "", nil, city, fault.ErrForbidden
}

func (s *Server) contributionList(w http.ResponseWriter, r *http.Request) {
	svc := s.community()
	p := principal(r)
	commune, options, city, err := s.contributionCommune(r, svc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	this := svc.Year()
	v := ContributionListView{Base: s.base(r, "contribution.list.title"), communityPage: s.cpage(r, svc), Year: s.queryYear(r, this),
		CommuneCode: commune, CanCity: city}
	v.Communes = options
	for y := this; y >= this-4; y-- {
		v.Years = append(v.Years, y)
	}
	ctx := r.Context()
	if v.Totals, err = svc.Totals(ctx, p, v.Year, commune); err != nil {
		s.fail(w, r, err)
		return
	}
	if commune != "" {
		v.CanRecord = community.MayRecord(p, store.ContributionPlace(s.units.Province().Code, commune))
		if v.Contributions, err = svc.Contributions(ctx, p, v.Year, commune); err != nil {
			s.fail(w, r, err)
			return
		}
		if v.Awards, err = svc.Awards(ctx, p, v.Year, commune); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "contributions", v)
}

func (s *Server) contributionTotalsXLSX(w http.ResponseWriter, r *http.Request) {
	svc := s.community()
	commune, _, _, err := s.contributionCommune(r, svc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	year := s.queryYear(r, svc.Year())
	var buf bytes.Buffer
	if err := svc.TotalsXLSX(r.Context(), principal(r), year, commune, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	name := "thanh-pho"
	if commune != "" {
		name = commune
	}
	download(w, xlsxType, "xa-hoi-hoa-"+strconv.Itoa(year)+"-"+name+".xlsx", buf.Bytes())
}

// ContributionFormView records a contribution.
type ContributionFormView struct {
	Base
	Form       Form
	Communes   []CommuneOption
	Branches   []store.BranchSummary
	Programmes []store.Programme
	DonorKinds []string
	Purposes   []string
	Today      string
}

func (s *Server) renderContributionForm(w http.ResponseWriter, r *http.Request, status int, f Form) {
	svc := s.community()
	p := principal(r)
	v := ContributionFormView{Base: s.base(r, "contribution.new"), Form: f, DonorKinds: store.DonorKinds, Purposes: store.Purposes, Today: svc.Today()}
	for _, u := range svc.RecordingCommunes(p) {
		v.Communes = append(v.Communes, CommuneOption{Code: u.Code, Name: u.Name})
	}
	if len(v.Communes) == 0 {
		s.fail(w, r, fault.ErrForbidden)
		return
	}
	if f.Get("commune") == "" {
		f.Values["commune"] = v.Communes[0].Code
	}
	ctx := r.Context()
	var codes []string
	for _, c := range v.Communes {
		codes = append(codes, c.Code)
	}
	branches, err := s.db.ListBranches(ctx, auth.Scope{Communes: codes})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Branches = branches
	if v.Programmes, err = s.sponsorableProgrammes(ctx, codes); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "contribution_form", v)
}

// sponsorableProgrammes lists the published programmes taking place in the communes, which a
// contribution may sponsor.
func (s *Server) sponsorableProgrammes(ctx context.Context, communes []string) ([]store.Programme, error) {
	var out []store.Programme
	for _, c := range communes {
		ps, _, err := s.db.Programmes(ctx, store.CatalogueQuery{CommuneCode: c, States: []string{"published"}, Limit: 200})
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

func (s *Server) contributionNew(w http.ResponseWriter, r *http.Request) {
	f := emptyForm()
	f.Values["commune"] = r.URL.Query().Get("commune")
	f.Values["donor_kind"] = store.DonorBusiness
	f.Values["kind"] = store.ContributionMoney
	f.Values["purpose"] = store.PurposeScholarship
	f.Values["received_on"] = s.community().Today()
	if p := r.URL.Query().Get("programme"); p != "" {
		f.Values["programme"], f.Values["purpose"] = p, store.PurposeSponsorship
	}
	s.renderContributionForm(w, r, http.StatusOK, f)
}

func (s *Server) contributionCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	_ = r.ParseForm()
	f := newForm(r, "commune", "branch", "receipt_no", "received_on", "donor_kind", "national_id", "donor_name", "donor_address", "kind",
		"amount", "item", "quantity", "unit", "estimated_value", "purpose", "programme", "note")
	c, err := s.community().RecordContribution(r.Context(), principal(r), community.ContributionInput{
		CommuneCode: f.Get("commune"), BranchID: formInt(f, "branch"), ReceiptNo: f.Get("receipt_no"), ReceivedOn: f.Get("received_on"),
		DonorKind: f.Get("donor_kind"), DonorNationalID: f.Get("national_id"), DonorName: f.Get("donor_name"), DonorAddress: f.Get("donor_address"),
		Kind: f.Get("kind"), Amount: f.Get("amount"), Item: f.Get("item"), Quantity: f.Get("quantity"), Unit: f.Get("unit"),
		EstimatedValue: f.Get("estimated_value"), Purpose: f.Get("purpose"), ProgrammeID: f.Get("programme"), Note: r.PostFormValue("note")})
	if err != nil {
		if s.orgFormError(w, r, &f, err) {
			s.renderContributionForm(w, r, http.StatusUnprocessableEntity, f)
		}
		return
	}
	flash(w, "flash.contribution_recorded")
	http.Redirect(w, r, "/contributions/"+itoa(c.ID), http.StatusSeeOther)
}

// ContributionView is one contribution with the awards drawn from it.
type ContributionView struct {
	Base
	communityPage
	C         store.Contribution
	Awards    []store.Award
	Words     string // the amount (or estimated value) in words
	CanRecord bool
}

func (s *Server) contributionShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	svc := s.community()
	p := principal(r)
	c, err := svc.Contribution(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	awards, err := svc.AwardsFrom(r.Context(), p, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.base(r, "contribution.show")
	b.Title = b.T("contribution.show.title", c.ReceiptNo)
	v := ContributionView{Base: b, communityPage: s.cpage(r, svc), C: c, Awards: awards, Words: community.MoneyWords(c.Value()),
		CanRecord: community.MayRecord(p, store.ContributionPlace(c.ProvinceCode, c.CommuneCode))}
	s.render(w, r, http.StatusOK, "contribution", v)
}

func (s *Server) contributionReceipt(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := s.community().ReceiptPDF(r.Context(), principal(r), id, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, "application/pdf", "bien-nhan-"+itoa(id)+".pdf", buf.Bytes())
}

// programmeSponsors lists the sponsors a programme's public page names ("Nhà tài trợ").
func (s *Server) programmeSponsors(ctx context.Context, programmeID int64) ([]community.Sponsor, error) {
	return s.community().Sponsors(ctx, programmeID)
}
