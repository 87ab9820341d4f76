package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/learningrecord"
	"hoctap/internal/pdf"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// maxActivityForm bounds a declaration with one photo or PDF from a phone.
const maxActivityForm = recognition.MaxEvidenceBytes + 1<<20

// LearningItemRow is one entry of the timeline as the page shows it.
type LearningItemRow struct {
	learningrecord.Item
	KindLabel   string // what sort of learning
	Title       string
	StatusLabel string
	CanReview   bool // the viewer may confirm or reject it here
}

// LearningYearRow is one year's totals, in hours.
type LearningYearRow struct {
	Year                           int
	Total, Confirmed, SelfDeclared string
	ByKind                         []string // "Đọc sách: 20 giờ"
}

// LearningRecordView is a person's learning record.
type LearningRecordView struct {
	Base
	Citizen     people.Citizen
	Commune     string
	Year        int   // 0: the whole life
	YearChoices []int // years that have items, and the current one
	Items       []LearningItemRow
	Years       []LearningYearRow
	Digital     []DigitalResultRow
	CanEnter    bool
	Own         bool
	Provisional bool // the digital-skills framework is not confirmed from the official text
}

// DigitalResultRow is a digital-skills result or confirmation as pages show it.
type DigitalResultRow struct {
	Day     string
	Level   string
	Percent int
	Source  string // "tự đánh giá" or the issuer
	Groups  []string
}

func (s *Server) levelName(b Base, code string) string {
	l, ok := s.record.DigitalFramework().Level(code)
	if !ok {
		return code
	}
	if b.Lang == "en" && l.NameEN != "" {
		return l.NameEN
	}
	return l.NameVI
}

func (s *Server) groupName(b Base, code string) string {
	for _, g := range s.record.DigitalFramework().Groups {
		if g.Code == code {
			if b.Lang == "en" && g.NameEN != "" {
				return g.NameEN
			}
			return g.NameVI
		}
	}
	return code
}

// hoursLabel shows minutes as hours in the page's language.
func hoursLabel(b Base, minutes int) string {
	return b.T("record.hours.n", learningrecord.FormatHours(minutes))
}

// itemRow turns a timeline item into its row.
func (s *Server) itemRow(b Base, it learningrecord.Item, reviewable bool) LearningItemRow {
	row := LearningItemRow{Item: it, Title: it.Title, StatusLabel: b.T("record.status." + it.Status)}
	switch it.Kind {
	case learningrecord.KindCompletion:
		row.KindLabel = b.T("record.completion") + " — " + b.T("record.topic."+it.Category)
	case learningrecord.KindActivity:
		row.KindLabel = b.T("record.kind." + it.Category)
		row.CanReview = reviewable && it.Status == learningrecord.StatusSelfDeclared
	case learningrecord.KindDigital:
		row.KindLabel = b.T("record.digital_result")
		row.Title = b.T("record.digital.level", s.levelName(b, it.Category), it.Percent)
	case learningrecord.KindConfirmation:
		row.KindLabel = b.T("record.digital_confirmation")
		row.Title = b.T("record.digital.confirmed_by", s.levelName(b, it.Category), it.Issuer)
	}
	return row
}

func (s *Server) yearRows(b Base, years []learningrecord.YearTotal) []LearningYearRow {
	var out []LearningYearRow
	for _, y := range years {
		row := LearningYearRow{Year: y.Year, Total: hoursLabel(b, y.Total), Confirmed: hoursLabel(b, y.Confirmed), SelfDeclared: hoursLabel(b, y.SelfDeclared)}
		kinds := append([]string{learningrecord.KindCompletion}, s.record.KindCodes()...)
		for _, k := range kinds {
			if m := y.ByKind[k]; m > 0 {
				label := b.T("record.kind." + k)
				if k == learningrecord.KindCompletion {
					label = b.T("record.completion")
				}
				row.ByKind = append(row.ByKind, label+": "+hoursLabel(b, m))
			}
		}
		out = append(out, row)
	}
	return out
}

func (s *Server) digitalRows(b Base, rec learningrecord.Record) []DigitalResultRow {
	var out []DigitalResultRow
	for _, d := range rec.Digital {
		row := DigitalResultRow{Day: d.TakenOn, Level: s.levelName(b, d.Level), Percent: d.Percent, Source: b.T("record.digital.self")}
		if !d.SelfSubmitted {
			row.Source = b.T("record.digital.assisted")
		}
		for _, g := range d.Groups {
			row.Groups = append(row.Groups, fmt.Sprintf("%s: %d%%", s.groupName(b, g.Code), g.Percent))
		}
		out = append(out, row)
	}
	for _, k := range rec.Confirmations {
		out = append(out, DigitalResultRow{Day: k.ConfirmedOn, Level: s.levelName(b, k.Level), Percent: -1, Source: k.Issuer})
	}
	return out
}

// recordYear reads ?year=: 0 (the whole life) when absent or not a year.
func recordYear(r *http.Request) int {
	y, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || y < 1900 || y > 2200 {
		return 0
	}
	return y
}

func (s *Server) myLearning(w http.ResponseWriter, r *http.Request) {
	for _, g := range principal(r).GrantsOf(auth.RoleCitizen) {
		s.renderLearningRecord(w, r, g.CitizenID)
		return
	}
	s.fail(w, r, fault.ErrNotFound)
}

func (s *Server) learningRecordShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderLearningRecord(w, r, id)
}

func (s *Server) renderLearningRecord(w http.ResponseWriter, r *http.Request, citizenID int64) {
	p := principal(r)
	year := recordYear(r)
	rec, err := s.record.Record(r.Context(), p, citizenID, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.base(r, "record.title")
	c := rec.Citizen
	view := LearningRecordView{Base: b, Citizen: c, Commune: s.communeName(c.CommuneCode), Year: year, CanEnter: rec.CanEnter,
		Own: p.CanAt(auth.PermViewOwnRecord, store.CitizenPlace(c)), Provisional: s.record.DigitalFramework().Provisional()}
	reviewable := p.CanAt(auth.PermReviewLearning, store.ActivityPlace(store.Activity{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, VillageID: c.VillageID, CitizenID: c.ID})) && !view.Own
	for _, it := range rec.Items {
		view.Items = append(view.Items, s.itemRow(b, it, reviewable))
	}
	view.Years = s.yearRows(b, rec.Years)
	view.Digital = s.digitalRows(b, rec)
	// The year filter offers the years on record (from the whole-life totals) and this year.
	all := rec
	if year != 0 {
		if all, err = s.record.Record(r.Context(), p, citizenID, 0); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	seen := map[int]bool{}
	for _, y := range append([]int{s.record.Year()}, yearsOf(all)...) {
		if !seen[y] {
			seen[y] = true
			view.YearChoices = append(view.YearChoices, y)
		}
	}
	s.render(w, r, http.StatusOK, "learning_record", view)
}

func yearsOf(rec learningrecord.Record) []int {
	var out []int
	for _, it := range rec.Items {
		out = append(out, it.Year())
	}
	return out
}

// learningPortfolio prints a person's learning record of a year or of the whole life.
func (s *Server) learningPortfolio(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	year := recordYear(r)
	rec, err := s.record.Record(r.Context(), principal(r), id, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.base(r, "record.portfolio.title")
	var buf bytes.Buffer
	if err := pdf.Render(&buf, s.portfolioDocument(b, rec, year)); err != nil {
		s.fail(w, r, err)
		return
	}
	name := "so-hoc-tap-" + itoa(id)
	if year != 0 {
		name += "-" + strconv.Itoa(year)
	}
	download(w, "application/pdf", name+".pdf", buf.Bytes())
}

// portfolioDocument lays out the printed learning record: the person, the yearly totals, every
// item with its status (confirmed or self-declared), and the digital-skills results.
func (s *Server) portfolioDocument(b Base, rec learningrecord.Record, year int) pdf.Document {
	c := rec.Citizen
	period := b.T("record.portfolio.whole_life")
	if year != 0 {
		period = b.T("record.portfolio.year", strconv.Itoa(year))
	}
	doc := pdf.Document{Title: b.T("record.portfolio.title"), Subtitle: c.FullName + " — " + period, Lang: b.Lang,
		GeneratedAt: s.db.Now(), Footer: b.T("record.portfolio.footer")}
	born := strconv.Itoa(c.BirthYear)
	if c.BirthDate != "" {
		born = b.Day(c.BirthDate)
	}
	doc.Sections = append(doc.Sections, pdf.Section{Heading: b.T("record.portfolio.person"), Fields: []pdf.Field{
		{Label: b.T("citizen.name"), Value: c.FullName}, {Label: b.T("record.portfolio.born"), Value: born},
		{Label: b.T("record.portfolio.commune"), Value: s.communeName(c.CommuneCode)},
	}})
	totals := &pdf.Table{Columns: []string{b.T("record.year"), b.T("record.total"), b.T("record.confirmed_hours"), b.T("record.self_declared_hours"), b.T("record.by_kind")}}
	for _, y := range s.yearRows(b, rec.Years) {
		totals.Rows = append(totals.Rows, []string{strconv.Itoa(y.Year), y.Total, y.Confirmed, y.SelfDeclared, strings.Join(y.ByKind, "; ")})
	}
	if len(totals.Rows) > 0 {
		doc.Sections = append(doc.Sections, pdf.Section{Heading: b.T("record.totals"), Table: totals})
	}
	items := &pdf.Table{Columns: []string{b.T("record.date"), b.T("record.what"), b.T("record.description"), b.T("record.hours"), b.T("record.status")},
		Widths: []float64{24, 38, 70, 16, 32}}
	for _, it := range rec.Items {
		row := s.itemRow(b, it, false)
		day := b.Day(it.Day)
		if it.StartedOn != "" && it.StartedOn != it.Day {
			day = b.Day(it.StartedOn) + "–" + day
		}
		hours := ""
		if it.Minutes > 0 {
			hours = it.Hours()
		}
		status := row.StatusLabel
		if it.Reason != "" {
			status += " (" + it.Reason + ")"
		}
		items.Rows = append(items.Rows, []string{day, row.KindLabel, row.Title, hours, status})
	}
	sec := pdf.Section{Heading: b.T("record.timeline"), Note: b.T("record.portfolio.note")}
	if len(items.Rows) > 0 {
		sec.Table = items
	} else {
		sec.Note = b.T("record.empty")
	}
	doc.Sections = append(doc.Sections, sec)
	if s.record.DigitalFramework().Provisional() {
		doc.Sections = append(doc.Sections, pdf.Section{Heading: b.T("record.digital"), Note: b.T("digital.provisional")})
	}
	return doc
}

// LearningActivityFormView is the form to declare an activity.
type LearningActivityFormView struct {
	Base
	Citizen people.Citizen
	Kinds   []string
	Form    Form
	Own     bool
	Today   string
}

// enterable loads the person of the path whom the viewer may add to; it answers the request
// itself otherwise.
func (s *Server) enterable(w http.ResponseWriter, r *http.Request) (people.Citizen, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return people.Citizen{}, false
	}
	c, err := s.record.Citizen(r.Context(), principal(r), id)
	if err == nil && !s.record.MayEnter(principal(r), c) {
		err = fault.ErrForbidden
	}
	if err != nil {
		s.fail(w, r, err)
		return c, false
	}
	return c, true
}

func (s *Server) renderActivityForm(w http.ResponseWriter, r *http.Request, status int, c people.Citizen, f Form) {
	b := s.base(r, "record.declare.title")
	s.render(w, r, status, "learning_activity_form", LearningActivityFormView{Base: b, Citizen: c, Kinds: s.record.KindCodes(), Form: f,
		Own: principal(r).CanAt(auth.PermViewOwnRecord, store.CitizenPlace(c)), Today: s.record.Today()})
}

func (s *Server) learningActivityNew(w http.ResponseWriter, r *http.Request) {
	c, ok := s.enterable(w, r)
	if !ok {
		return
	}
	today := s.record.Today()
	s.renderActivityForm(w, r, http.StatusOK, c, Form{Values: map[string]string{"started_on": today, "kind": "reading"}, Errors: map[string]string{}})
}

// parseHours reads hours as people type them ("2", "1,5", "1.5") into minutes.
func parseHours(s string) (int, bool) {
	s = strings.TrimSpace(strings.Replace(s, ",", ".", 1))
	if s == "" {
		return 0, true
	}
	h, err := strconv.ParseFloat(s, 64)
	if err != nil || h < 0 || h > 100000 || math.IsNaN(h) {
		return 0, false
	}
	return int(math.Round(h * 60)), true
}

func (s *Server) learningActivityCreate(w http.ResponseWriter, r *http.Request) {
	c, ok := s.enterable(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxActivityForm)
	if err := r.ParseMultipartForm(4 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderError(w, r, http.StatusRequestEntityTooLarge, "evidence.request_too_large", maxActivityForm>>20)
			return
		}
		s.fail(w, r, fault.New(fault.Invalid, "form.invalid"))
		return
	}
	f := newForm(r, "kind", "description", "started_on", "ended_on", "hours")
	in := learningrecord.ActivityInput{Kind: f.Get("kind"), Description: f.Get("description"), StartedOn: f.Get("started_on"), EndedOn: f.Get("ended_on")}
	minutes, okHours := parseHours(f.Get("hours"))
	in.Minutes = minutes
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
			file, err := fhs[0].Open()
			if err != nil {
				s.fail(w, r, err)
				return
			}
			data, err := io.ReadAll(io.LimitReader(file, recognition.MaxEvidenceBytes+1))
			file.Close()
			if err != nil {
				s.fail(w, r, err)
				return
			}
			in.Evidence = &learningrecord.Upload{FileName: fhs[0].Filename, Data: data}
		}
	}
	var err error
	if !okHours {
		err = fault.Errors{fault.Field("hours", "record.hours.number")}
	} else {
		_, err = s.record.Declare(r.Context(), principal(r), c.ID, in)
	}
	if err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.fail(w, r, err)
			return
		}
		s.setError(r, &f, err)
		s.renderActivityForm(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	flash(w, "flash.record.declared")
	http.Redirect(w, r, s.recordHref(r, c), http.StatusSeeOther)
}

// recordHref is the address of a person's record: /me/learning for the person themself.
func (s *Server) recordHref(r *http.Request, c people.Citizen) string {
	if principal(r).CanAt(auth.PermViewOwnRecord, store.CitizenPlace(c)) {
		return "/me/learning"
	}
	return "/citizens/" + itoa(c.ID) + "/learning"
}

func (s *Server) learningEvidence(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, data, err := s.record.Evidence(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", a.EvidenceType)
	w.Header().Set("Content-Disposition", `inline; filename="`+strings.ReplaceAll(a.EvidenceName, `"`, "")+`"`)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
}

func (s *Server) learningActivityConfirm(w http.ResponseWriter, r *http.Request) {
	s.reviewActivity(w, r, true)
}

func (s *Server) learningActivityReject(w http.ResponseWriter, r *http.Request) {
	s.reviewActivity(w, r, false)
}

func (s *Server) reviewActivity(w http.ResponseWriter, r *http.Request, confirm bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.record.Review(r.Context(), principal(r), id, confirm, r.PostFormValue("reason")); err != nil {
		if fe := fault.FieldErrors(err); len(fe) > 0 {
			err = fe[0] // shown on the error page with its message
		}
		s.fail(w, r, err)
		return
	}
	if confirm {
		flash(w, "flash.record.confirmed")
	} else {
		flash(w, "flash.record.rejected")
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// frameworkText picks a framework text in the page's language.
func frameworkText(b Base, vi, en string) string {
	if b.Lang == "en" && en != "" {
		return en
	}
	return vi
}
