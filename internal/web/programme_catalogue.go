package web

import (
	"bytes"
	"net/http"
	"strings"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/community"
	"hoctap/internal/fault"
	"hoctap/internal/learning"
	"hoctap/internal/store"
)

// ProgrammeCatalogueView is the public catalogue with its filters.
type ProgrammeCatalogueView struct {
	Base
	programmePage
	Q, Topic, Commune, From, To string
	Topics                      []string
	Communes                    []CommuneOption
	Programmes                  []store.Programme
	Total                       int
	Today                       string
}

// programmePage gives the programme pages their helpers: hours and commune names.
type programmePage struct{ units *adminunit.Map }

// Hours writes minutes as hours ("7,5").
func (programmePage) Hours(minutes int) string { return learning.FormatHours(minutes) }

// CommuneName names a commune by its code.
func (pp programmePage) CommuneName(code string) string {
	if u, err := pp.units.Current(code); err == nil {
		return u.Name
	}
	return code
}

func (s *Server) programmeBase(r *http.Request, title string) Base { return s.base(r, title) }

func (s *Server) pp() programmePage { return programmePage{units: s.units} }

func isoDay(s string) string {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		return s
	}
	return ""
}

func (s *Server) programmeCatalogue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := ProgrammeCatalogueView{Base: s.programmeBase(r, "programme.catalogue.title"), programmePage: s.pp(), Q: strings.TrimSpace(q.Get("q")), Topic: q.Get("topic"),
		Commune: q.Get("commune"), From: isoDay(q.Get("from")), To: isoDay(q.Get("to")), Topics: learning.Topics, Today: s.learning.Today()}
	for _, u := range s.units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
		v.Communes = append(v.Communes, CommuneOption{Code: u.Code, Name: u.Name})
	}
	var err error
	v.Programmes, v.Total, err = s.learning.Catalogue(r.Context(), store.CatalogueQuery{Text: v.Q, Topic: v.Topic, CommuneCode: v.Commune, From: v.From, To: v.To, Limit: 100})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "programmes", v)
}

// ProgrammeView is a programme's public page: it prints (print CSS) and shares (Open Graph).
type ProgrammeView struct {
	Base
	programmePage
	Programme store.Programme
	Sessions  []store.ProgrammeSession
	URL       string // absolute, for sharing
	Mine      *store.Enrolment
	CanEnrol  bool // a citizen account: enrol themself
	CanAssist bool // an officer who enrols people
	CanManage bool
	Open      bool // published and not ended
	Form      Form
	Sponsors  []community.Sponsor // "Nhà tài trợ": contributions sponsoring it
}

// Summary is the first 200 characters of the description, for the sharing card.
func (v ProgrammeView) Summary() string {
	d := []rune(strings.Join(strings.Fields(v.Programme.Description), " "))
	if len(d) > 200 {
		return string(d[:199]) + "…"
	}
	return string(d)
}

func (s *Server) loadProgrammeView(w http.ResponseWriter, r *http.Request) (ProgrammeView, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return ProgrammeView{}, false
	}
	p := principal(r)
	prog, sessions, err := s.learning.Public(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return ProgrammeView{}, false
	}
	v := ProgrammeView{Base: s.programmeBase(r, "programme.title"), programmePage: s.pp(), Programme: prog, Sessions: sessions, URL: s.publicBase(r) + "/programmes/" + itoa(id),
		Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	v.Title = prog.Title
	v.Open = prog.State == learning.StatePublished && prog.LastDay >= s.learning.Today()
	if v.Sponsors, err = s.programmeSponsors(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return ProgrammeView{}, false
	}
	if p != nil {
		v.CanEnrol = learning.OwnCitizen(p) != 0 && p.Can(auth.PermLearn)
		v.CanAssist = p.Can(auth.PermAssistAssessment)
		v.CanManage = p.CanAt(auth.PermManageProgrammes, store.ProgrammePlace(prog))
		if v.CanEnrol {
			if e, err := s.learning.EnrolmentOf(r.Context(), p, id); err == nil {
				v.Mine = &e
			}
		}
	}
	return v, true
}

func (s *Server) programmeShow(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadProgrammeView(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "programme", v)
}

// enrolTarget is the person an enrolment form is for: an officer's typed ID, else oneself.
func (s *Server) enrolTarget(r *http.Request) (int64, error) {
	p := principal(r)
	if id := strings.TrimSpace(r.PostFormValue("national_id")); id != "" {
		c, err := s.learning.FindPerson(r.Context(), p, id)
		return c.ID, err
	}
	if own := learning.OwnCitizen(p); own != 0 {
		return own, nil
	}
	return 0, fault.Field("national_id", "enrolment.person.required")
}

func (s *Server) programmeEnrol(w http.ResponseWriter, r *http.Request) {
	s.programmeEnrolment(w, r, true)
}

func (s *Server) programmeUnenrol(w http.ResponseWriter, r *http.Request) {
	s.programmeEnrolment(w, r, false)
}

func (s *Server) programmeEnrolment(w http.ResponseWriter, r *http.Request, enrol bool) {
	v, ok := s.loadProgrammeView(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	_ = r.ParseForm()
	v.Form = newForm(r, "national_id")
	citizen, err := s.enrolTarget(r)
	key := "flash.enrolment_cancelled"
	if err == nil {
		if enrol {
			var e store.Enrolment
			e, err = s.learning.Enrol(r.Context(), principal(r), v.Programme.ID, citizen)
			key = "flash.enrolled"
			if e.State == learning.EnrolWaiting {
				key = "flash.enrolment_waiting"
			}
		} else {
			err = s.learning.CancelEnrolment(r.Context(), principal(r), v.Programme.ID, citizen)
		}
	}
	if err != nil {
		switch fault.KindOf(err) {
		case fault.Invalid, fault.Conflict:
			s.setError(r, &v.Form, err)
			s.render(w, r, http.StatusUnprocessableEntity, "programme", v)
		default:
			s.fail(w, r, err)
		}
		return
	}
	flash(w, key)
	http.Redirect(w, r, "/programmes/"+itoa(v.Programme.ID), http.StatusSeeOther)
}

// ProgrammeMineView is a person's programmes and completions.
type ProgrammeMineView struct {
	Base
	programmePage
	learning.MyLearning
}

func (s *Server) programmeMine(w http.ResponseWriter, r *http.Request) {
	m, err := s.learning.Mine(r.Context(), principal(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "programme_mine", ProgrammeMineView{Base: s.programmeBase(r, "programme.mine.title"), programmePage: s.pp(), MyLearning: m})
}

func (s *Server) completionCertificate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := s.learning.CertificatePDF(r.Context(), principal(r), id, s.publicBase(r), &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, "application/pdf", "chung-nhan-hoan-thanh-"+itoa(id)+".pdf", buf.Bytes())
}

// LearningVerifyView is the public verification of a completion certificate.
type LearningVerifyView struct {
	Base
	programmePage
	Code  string
	Found bool
	V     learning.Verification
}

func (s *Server) learningVerify(w http.ResponseWriter, r *http.Request) {
	if !s.verifyLimit.allow(s.clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		s.renderError(w, r, http.StatusTooManyRequests, "verify.too_many")
		return
	}
	v := LearningVerifyView{Base: s.programmeBase(r, "programme.verify.title"), programmePage: s.pp(), Code: r.PathValue("code")}
	res, err := s.learning.Verify(r.Context(), v.Code)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusNotFound
	} else {
		v.Found, v.V = true, res
	}
	s.render(w, r, status, "programme_verify", v)
}

// Left is how many places a programme has left.
func (programmePage) Left(p store.Programme) int { return max(0, p.Capacity-p.Enrolled) }

// Inc numbers rows from 1.
func (programmePage) Inc(i int) int { return i + 1 }
