package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"hoctap/internal/pdf"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// citizenDataJSON gives a person (or an officer for them) everything held about them.
func (s *Server) citizenDataJSON(w http.ResponseWriter, r *http.Request) {
	pd, ok := s.personalData(w, r)
	if !ok {
		return
	}
	b, err := json.MarshalIndent(pd, "", "  ")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, "application/json; charset=utf-8", "du-lieu-ca-nhan-"+itoa(pd.Citizen.ID)+".json", b)
}

// citizenDataPDF gives the same as a readable, printable document.
func (s *Server) citizenDataPDF(w http.ResponseWriter, r *http.Request) {
	pd, ok := s.personalData(w, r)
	if !ok {
		return
	}
	b := s.base(r, "personal.title")
	doc := s.personalDocument(b, pd)
	var buf bytes.Buffer
	if err := pdf.Render(&buf, doc); err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, "application/pdf", "du-lieu-ca-nhan-"+itoa(pd.Citizen.ID)+".pdf", buf.Bytes())
}

func (s *Server) personalData(w http.ResponseWriter, r *http.Request) (store.PersonalData, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return store.PersonalData{}, false
	}
	pd, err := s.registry.PersonalData(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return pd, false
	}
	return pd, true
}

func download(w http.ResponseWriter, contentType, name string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// personalDocument lays out a person's data for the PDF, in the page's language. The person sees
// their full ID: it is their own data.
func (s *Server) personalDocument(b Base, pd store.PersonalData) pdf.Document {
	c := pd.Citizen
	doc := pdf.Document{Title: b.T("personal.title"), Subtitle: c.FullName, Lang: b.Lang, GeneratedAt: s.db.Now(), Footer: b.T("personal.footer")}
	doc.Sections = append(doc.Sections, pdf.Section{Heading: b.T("personal.identity"), Fields: []pdf.Field{
		{Label: b.T("citizen.name"), Value: c.FullName},
		{Label: b.T("citizen.national_id"), Value: c.NationalID},
		{Label: b.T("citizen.legacy_id"), Value: c.LegacyID},
		{Label: b.T("citizen.birth_date"), Value: birthText(b, c)},
		{Label: b.T("citizen.gender"), Value: b.T("gender." + string(c.Gender))},
		{Label: b.T("citizen.phone"), Value: c.Phone},
		{Label: b.T("citizen.email"), Value: c.Email},
		{Label: b.T("citizen.commune"), Value: s.communeName(c.CommuneCode)},
		{Label: b.T("citizen.target_group"), Value: b.T("group." + string(c.TargetGroup))},
	}})
	res := &pdf.Table{Columns: []string{b.T("citizen.commune"), b.T("citizen.village"), b.T("personal.from"), b.T("personal.to")}}
	for _, x := range pd.Residences {
		name := ""
		if v, err := s.db.Village(b.ctx(), x.VillageID); err == nil {
			name = v.Name
		}
		res.Rows = append(res.Rows, []string{s.communeName(x.CommuneCode), name, b.Day(x.StartOn), b.Day(x.EndOn)})
	}
	doc.Sections = append(doc.Sections, pdf.Section{Heading: b.T("personal.residences"), Table: res})
	mem := &pdf.Table{Columns: []string{b.T("personal.kind"), b.T("personal.role"), b.T("personal.from"), b.T("personal.to")}}
	for _, m := range pd.Memberships {
		role := m.Role
		if m.Kind == "household" {
			role = b.T("relation." + m.Role)
		}
		mem.Rows = append(mem.Rows, []string{b.T("personal.kind." + m.Kind), role, b.Day(m.StartOn), b.Day(m.EndOn)})
	}
	doc.Sections = append(doc.Sections, pdf.Section{Heading: b.T("personal.memberships"), Table: mem})
	con := &pdf.Table{Columns: []string{b.T("consent.version"), b.T("consent.method"), b.T("consent.given_at"), b.T("consent.withdrawn_at")}}
	for _, k := range pd.Consents {
		withdrawn := ""
		if !k.WithdrawnAt.IsZero() {
			withdrawn = b.DateTime(k.WithdrawnAt)
		}
		con.Rows = append(con.Rows, []string{k.TextVersion, b.T("consent.method." + string(k.Method)), b.DateTime(k.GivenAt), withdrawn})
	}
	text := people.CurrentConsentText()
	note := text.VI
	if b.Lang == "en" {
		note = text.EN
	}
	doc.Sections = append(doc.Sections, pdf.Section{Heading: b.T("personal.consents"), Table: con, Note: note})
	hist := &pdf.Table{Columns: []string{b.T("audit.at"), b.T("audit.action"), b.T("audit.actor")}}
	for _, e := range pd.History {
		hist.Rows = append(hist.Rows, []string{b.DateTime(e.At), b.T("audit.action." + e.Action), e.Actor})
	}
	doc.Sections = append(doc.Sections, pdf.Section{Heading: b.T("personal.history"), Table: hist})
	if len(pd.Accounts) > 0 {
		doc.Sections = append(doc.Sections, pdf.Section{Heading: b.T("personal.accounts"), Note: strings.Join(pd.Accounts, ", ")})
	}
	return doc
}
