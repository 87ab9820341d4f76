package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"hoctap/internal/digitalskills"
	"hoctap/internal/fault"
	"hoctap/internal/learningrecord"
	"hoctap/internal/people"
	"hoctap/internal/store"

	"hoctap/internal/auth"
)

// DigitalStatementRow is one can-do statement of the self-assessment form.
type DigitalStatementRow struct {
	Code, Text string
	Assumed    bool
	Answer     string // as posted
	Error      string
}

// DigitalGroupRow is one group of the form with its statements.
type DigitalGroupRow struct {
	Code, Name string
	Assumed    bool
	Statements []DigitalStatementRow
}

// DigitalAnswerOption is one answer offered for every statement.
type DigitalAnswerOption struct{ Code, Label string }

// DigitalSkillsView is the digital-skills self-assessment with the person's results.
type DigitalSkillsView struct {
	Base
	Citizen     people.Citizen
	Framework   string // its name
	Source      string // the document
	Provisional bool
	Groups      []DigitalGroupRow
	Answers     []DigitalAnswerOption
	Results     []DigitalResultRow
	CanEnter    bool
	Own         bool
	RecordHref  string
	Error       string
	Latest      *DigitalResultRow // the result just taken
}

func (s *Server) digitalView(r *http.Request, c people.Citizen, posted map[string]string, err error) (DigitalSkillsView, error) {
	p := principal(r)
	b := s.base(r, "digital.title")
	fw := s.record.DigitalFramework()
	v := DigitalSkillsView{Base: b, Citizen: c, Framework: frameworkText(b, fw.NameVI, fw.NameEN), Source: fw.Source.Number,
		Provisional: fw.Provisional(), CanEnter: s.record.MayEnter(p, c), Own: p.CanAt(auth.PermViewOwnRecord, store.CitizenPlace(c)), RecordHref: s.recordHref(r, c)}
	problems := map[string]string{}
	for _, e := range fault.FieldErrors(err) {
		problems[e.Field] = b.T(e.Key, e.Args...)
	}
	if len(problems) > 0 {
		v.Error = b.T("digital.answer.missing", len(problems))
	}
	for _, g := range fw.Groups {
		gr := DigitalGroupRow{Code: g.Code, Name: frameworkText(b, g.NameVI, g.NameEN), Assumed: g.Prov != digitalskills.ProvSource}
		for _, st := range g.Statements {
			gr.Statements = append(gr.Statements, DigitalStatementRow{Code: st.Code, Text: frameworkText(b, st.TextVI, st.TextEN),
				Assumed: st.Prov != digitalskills.ProvSource, Answer: posted[st.Code], Error: problems[st.Code]})
		}
		v.Groups = append(v.Groups, gr)
	}
	for _, a := range fw.Answers {
		v.Answers = append(v.Answers, DigitalAnswerOption{Code: a.Code, Label: frameworkText(b, a.LabelVI, a.LabelEN)})
	}
	rec, rerr := s.record.Record(r.Context(), p, c.ID, 0)
	if rerr != nil {
		return v, rerr
	}
	v.Results = s.digitalRows(b, rec)
	return v, nil
}

func (s *Server) digitalSkillsForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.record.Citizen(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.digitalView(r, c, nil, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("done") == "1" && len(v.Results) > 0 {
		v.Latest = &v.Results[0]
	}
	s.render(w, r, http.StatusOK, "digital_skills", v)
}

func (s *Server) digitalSkillsSubmit(w http.ResponseWriter, r *http.Request) {
	c, ok := s.enterable(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, fault.New(fault.Invalid, "form.invalid"))
		return
	}
	answers := map[string]string{}
	for _, g := range s.record.DigitalFramework().Groups {
		for _, st := range g.Statements {
			if a := strings.TrimSpace(r.PostFormValue(st.Code)); a != "" {
				answers[st.Code] = a
			}
		}
	}
	if _, err := s.record.TakeDigital(r.Context(), principal(r), c.ID, answers); err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.fail(w, r, err)
			return
		}
		v, verr := s.digitalView(r, c, answers, err)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "digital_skills", v)
		return
	}
	flash(w, "flash.digital.saved")
	http.Redirect(w, r, "/citizens/"+itoa(c.ID)+"/digital-skills?done=1", http.StatusSeeOther)
}

// DigitalImportRowView is one row of a confirmations file's preview.
type DigitalImportRowView struct {
	learningrecord.DigitalImportRow
	LevelName string
	Problems  []string // "cột C (Mức): …"
}

// DigitalImportView is the import form, its preview or its result.
type DigitalImportView struct {
	Base
	Preview  *learningrecord.DigitalImport
	Rows     []DigitalImportRowView
	Error    string
	Problems []string
	Done     *learningrecord.DigitalImport
}

const maxDigitalImportFile = 20 << 20

func (s *Server) digitalImportForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "digital_import", DigitalImportView{Base: s.base(r, "digital.import.title")})
}

func (s *Server) digitalImportRows(b Base, imp learningrecord.DigitalImport) []DigitalImportRowView {
	var out []DigitalImportRowView
	for _, row := range imp.Rows {
		v := DigitalImportRowView{DigitalImportRow: row}
		if row.Level != "" {
			v.LevelName = s.levelName(b, row.Level)
		}
		for _, e := range row.Errors {
			v.Problems = append(v.Problems, b.T("digital.import.where", imp.FileName, row.Number, imp.Column(e.Field))+" "+b.T(e.Key, e.Args...))
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) digitalImportPreview(w http.ResponseWriter, r *http.Request) {
	b := s.base(r, "digital.import.title")
	r.Body = http.MaxBytesReader(w, r.Body, maxDigitalImportFile+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderError(w, r, http.StatusRequestEntityTooLarge, "import.too_large", maxDigitalImportFile>>20)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "digital_import", DigitalImportView{Base: b, Error: b.T("import.file.required")})
		return
	}
	file, fh, err := r.FormFile("file")
	if err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "digital_import", DigitalImportView{Base: b, Error: b.T("import.file.required")})
		return
	}
	data, err := io.ReadAll(file)
	file.Close()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	imp, err := s.record.PreviewDigitalImport(r.Context(), principal(r), fh.Filename, data)
	if err != nil {
		if k := fault.KindOf(err); k != fault.Invalid {
			s.fail(w, r, err)
			return
		}
		v := DigitalImportView{Base: b}
		if fe, ok := fault.As(err); ok {
			v.Error = b.T(fe.Key, fe.Args...)
		} else {
			v.Error = b.T("form.invalid")
		}
		s.render(w, r, http.StatusUnprocessableEntity, "digital_import", v)
		return
	}
	s.render(w, r, http.StatusOK, "digital_import", DigitalImportView{Base: b, Preview: &imp, Rows: s.digitalImportRows(b, imp)})
}

func (s *Server) digitalImportConfirm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.base(r, "digital.import.title")
	imp, err := s.record.ConfirmDigitalImport(r.Context(), principal(r), id)
	if err != nil {
		if fe, ok := fault.As(err); ok && fe.Key == "digital.import.has_errors" {
			s.render(w, r, http.StatusUnprocessableEntity, "digital_import", DigitalImportView{Base: b, Error: b.T(fe.Key, fe.Args...), Rows: s.digitalImportRows(b, imp)})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "digital_import", DigitalImportView{Base: b, Done: &imp})
}
