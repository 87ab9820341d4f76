package web

import (
	"bytes"
	"net/http"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// ProposalView is a commune's appraisal page: the verified and appraised people with their
// results, the export of the proposal list, and the form of the recognition decision.
type ProposalView struct {
	Base
	Cycle       store.Cycle
	CommuneCode string
	Commune     string
	Rows        []store.Assessment
	Proposed    int
	CanAppraise bool
	Decisions   []store.Decision
	Form        Form
}

func (s *Server) loadProposal(w http.ResponseWriter, r *http.Request) (ProposalView, bool) {
	c, ok := s.loadCycle(w, r)
	if !ok {
		return ProposalView{}, false
	}
	code, name := r.PathValue("code"), ""
	if code == cityCode { // a title the city recognises: one list for the whole city
		code, name = "", s.units.Province().Name
	} else if u, err := s.units.Current(code); err == nil {
		name = u.Name
	} else {
		s.fail(w, r, fault.ErrNotFound)
		return ProposalView{}, false
	}
	p := principal(r)
	rows, err := s.rec.ProposalList(r.Context(), p, c.ID, code)
	if err != nil {
		s.fail(w, r, err)
		return ProposalView{}, false
	}
	all, err := s.db.Decisions(r.Context(), c.ID, p.Scope(auth.PermViewAssessments))
	if err != nil {
		s.fail(w, r, err)
		return ProposalView{}, false
	}
	v := ProposalView{Base: s.base(r, "proposal.title"), Cycle: c, CommuneCode: r.PathValue("code"), Commune: name, Rows: rows,
		CanAppraise: s.rec.MayDecide(p, c, code),
		Form:        Form{Values: map[string]string{"signed_on": s.rec.Today(), "issuing_body": "Hội Khuyến học " + name}, Errors: map[string]string{}}}
	for _, d := range all {
		if d.CommuneCode == code { // "" for the city's decisions
			v.Decisions = append(v.Decisions, d)
		}
	}
	for _, a := range rows {
		if a.Proposed {
			v.Proposed++
		}
	}
	v.Title = v.T("proposal.title") + " — " + v.Commune
	return v, true
}

func (s *Server) proposalShow(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadProposal(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "proposal", v)
}

func (s *Server) proposalXLSX(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCycle(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	code := r.PathValue("code")
	if code == cityCode {
		code = ""
	}
	if err := s.rec.ProposalXLSX(r.Context(), principal(r), c.ID, code, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, xlsxType, "danh-sach-de-nghi-cong-nhan-"+r.PathValue("code")+".xlsx", buf.Bytes())
}

// cityCode stands for the whole city in the addresses of a title the city recognises.
const cityCode = "city"

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (s *Server) decisionCreate(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadProposal(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	f := newForm(r, "number", "signed_on", "signer", "signer_title", "issuing_body")
	commune := v.CommuneCode
	if commune == cityCode {
		commune = ""
	}
	d, err := s.rec.Decide(r.Context(), principal(r), v.Cycle.ID, commune, recognition.DecisionInput{Number: f.Get("number"),
		SignedOn: f.Get("signed_on"), Signer: f.Get("signer"), SignerTitle: f.Get("signer_title"), IssuingBody: f.Get("issuing_body")})
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		s.setError(r, &f, err)
		v.Form = f
		s.render(w, r, http.StatusUnprocessableEntity, "proposal", v)
		return
	}
	flash(w, "flash.decision_created")
	http.Redirect(w, r, "/decisions/"+itoa(d.ID), http.StatusSeeOther)
}

// DecisionView is a decision with its list.
type DecisionView struct {
	Base
	Decision store.Decision
	Cycle    store.Cycle
	Commune  string
	Rows     []store.Assessment
}

func (s *Server) decisionShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, rows, err := s.rec.DecisionList(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.db.Cycle(r.Context(), d.CycleID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := DecisionView{Base: s.base(r, "decision.title"), Decision: d, Cycle: c, Commune: s.communeName(d.CommuneCode), Rows: rows}
	v.Title = v.T("decision.title") + " " + d.Number
	s.render(w, r, http.StatusOK, "decision", v)
}

// decisionFile serves one of a decision's documents.
func (s *Server) decisionFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, p := r.Context(), principal(r)
	var buf bytes.Buffer
	var ctype, name string
	switch r.PathValue("file") {
	case "annex.xlsx":
		err, ctype, name = s.rec.DecisionAnnexXLSX(ctx, p, id, &buf), xlsxType, "phu-luc-quyet-dinh-"+itoa(id)+".xlsx"
	case "annex.pdf":
		err, ctype, name = s.rec.DecisionAnnexPDF(ctx, p, id, &buf), "application/pdf", "phu-luc-quyet-dinh-"+itoa(id)+".pdf"
	case "certificates.pdf":
		err, ctype, name = s.rec.DecisionCertificatesPDF(ctx, p, id, s.publicBase(r), &buf), "application/pdf", "giay-chung-nhan-qd-"+itoa(id)+".pdf"
	default:
		err = fault.ErrNotFound
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, ctype, name, buf.Bytes())
}

// VerifyView is the public page a certificate's QR code opens.
type VerifyView struct {
	Base
	Found bool
	V     recognition.Verification
	Code  string
}

func (s *Server) verifyShow(w http.ResponseWriter, r *http.Request) {
	if !s.verifyLimit.allow(s.clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		s.renderError(w, r, http.StatusTooManyRequests, "verify.too_many")
		return
	}
	code := r.PathValue("code")
	if code == "" {
		code = r.URL.Query().Get("code")
	}
	view := VerifyView{Base: s.base(r, "verify.title"), Code: code}
	if code == "" {
		s.render(w, r, http.StatusOK, "verify", view)
		return
	}
	v, err := s.rec.Verification(r.Context(), code)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusNotFound
	} else {
		view.Found, view.V = true, v
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "verify", view)
}

// DecisionFields are the fields of the decision form, as the signed paper gives them.
func (ProposalView) DecisionFields() []string {
	return []string{"number", "signed_on", "signer", "signer_title", "issuing_body"}
}
