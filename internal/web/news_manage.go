package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/news"
	"hoctap/internal/store"
)

// NewsManageView lists the items an officer may change.
type NewsManageView struct {
	Base
	Items      []NewsCard
	State      string
	States     []string
	Page       int
	Prev, Next int
	Total      int
}

func (s *Server) newsManage(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("state")
	if state != news.StateDraft && state != news.StatePublished && state != news.StateWithdrawn {
		state = ""
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	items, total, err := s.newsService().Managed(r.Context(), principal(r), state, 30, (page-1)*30)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := NewsManageView{Base: s.base(r, "news.manage.title"), State: state, Page: page, Total: total,
		States: []string{news.StateDraft, news.StatePublished, news.StateWithdrawn}}
	for _, n := range items {
		v.Items = append(v.Items, s.newsCard(v.Base, n))
	}
	if page > 1 {
		v.Prev = page - 1
	}
	if page*30 < total {
		v.Next = page + 1
	}
	s.render(w, r, http.StatusOK, "news_manage", v)
}

// NewsFormView is the form of an item, with its pictures and its state actions once saved.
type NewsFormView struct {
	Base
	Item      *store.News // nil for a new item
	Form      Form
	ImageForm Form
	Kinds     []string
	Audiences []string // those the officer publishes to
	Communes  []CommuneOption
	Units     []store.WorkUnitSummary
	Images    []store.NewsImage
	Today     string
}

var newsFields = []string{"kind", "audience", "commune_code", "work_unit_id", "title", "summary", "body", "starts_on", "ends_on"}

// newsForm builds the form with the audiences, communes and units the officer may publish to.
func (s *Server) newsForm(r *http.Request, f Form, item *store.News) (NewsFormView, error) {
	p := principal(r)
	v := NewsFormView{Base: s.base(r, "news.new"), Item: item, Form: f, ImageForm: Form{Values: map[string]string{}, Errors: map[string]string{}},
		Kinds: news.Kinds, Today: s.newsService().Today()}
	if item != nil {
		v.Title = v.T("news.edit")
	}
	province := s.units.Province().Code
	if p.CanAt(auth.PermPublishNews, auth.Place{ProvinceCode: province}) {
		v.Audiences = append(v.Audiences, news.AudienceCity)
	}
	for _, u := range s.units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
		if p.CanAt(auth.PermPublishNews, auth.Place{ProvinceCode: province, CommuneCode: u.Code}) {
			v.Communes = append(v.Communes, CommuneOption{Code: u.Code, Name: u.Name})
		}
	}
	if len(v.Communes) > 0 {
		v.Audiences = append(v.Audiences, news.AudienceCommune)
	}
	units, err := s.db.ListWorkUnits(r.Context(), p.Scope(auth.PermPublishNews))
	if err != nil {
		return v, err
	}
	v.Units = units
	if len(units) > 0 {
		v.Audiences = append(v.Audiences, news.AudienceUnit)
	}
	if item != nil {
		if v.Images, err = s.newsService().Images(r.Context(), *item); err != nil {
			return v, err
		}
	}
	return v, nil
}

func (s *Server) newsNew(w http.ResponseWriter, r *http.Request) {
	f := Form{Values: map[string]string{"kind": news.KindNews}, Errors: map[string]string{}}
	v, err := s.newsForm(r, f, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The narrowest audience first: a commune officer writes for their commune.
	if len(v.Audiences) > 0 {
		f.Values["audience"] = v.Audiences[len(v.Audiences)-1]
		if f.Values["audience"] == news.AudienceUnit && len(v.Communes) > 0 {
			f.Values["audience"] = news.AudienceCommune
		}
	}
	if len(v.Communes) > 0 {
		f.Values["commune_code"] = v.Communes[0].Code
	}
	s.render(w, r, http.StatusOK, "news_form", v)
}

// parseNews reads the item form; dates come as yyyy-mm-dd from a date field, or dd/mm/yyyy typed.
func parseNews(r *http.Request) (news.Input, Form) {
	f := newForm(r, newsFields...)
	f.Values["body"] = r.PostFormValue("body") // keep the text's own line breaks and indents
	unit, _ := strconv.ParseInt(f.Get("work_unit_id"), 10, 64)
	in := news.Input{Kind: f.Get("kind"), Audience: f.Get("audience"), CommuneCode: f.Get("commune_code"), WorkUnitID: unit,
		Title: f.Get("title"), Summary: f.Get("summary"), Body: f.Get("body"), StartsOn: formDay(f.Get("starts_on")), EndsOn: formDay(f.Get("ends_on"))}
	if in.Audience != news.AudienceCommune {
		in.CommuneCode = ""
	}
	if in.Audience != news.AudienceUnit {
		in.WorkUnitID = 0
	}
	return in, f
}

// formDay accepts yyyy-mm-dd and dd/mm/yyyy; anything else is passed on for Validate to refuse.
func formDay(v string) string {
	if len(v) == 10 && v[2] == '/' && v[5] == '/' {
		return v[6:] + "-" + v[3:5] + "-" + v[:2]
	}
	return v
}

func (s *Server) newsFormError(w http.ResponseWriter, r *http.Request, f Form, item *store.News, err error) {
	if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
		s.fail(w, r, err)
		return
	}
	s.setError(r, &f, err)
	v, verr := s.newsForm(r, f, item)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	status := http.StatusUnprocessableEntity
	if fault.KindOf(err) == fault.Conflict {
		status = http.StatusConflict
	}
	s.render(w, r, status, "news_form", v)
}

func (s *Server) newsCreate(w http.ResponseWriter, r *http.Request) {
	in, f := parseNews(r)
	n, err := s.newsService().Create(r.Context(), principal(r), in)
	if err != nil {
		s.newsFormError(w, r, f, nil, err)
		return
	}
	flash(w, "flash.news_saved")
	http.Redirect(w, r, "/news/manage/"+itoa(n.ID), http.StatusSeeOther)
}

// loadManaged reads the {id} of the path as an item the officer may change.
func (s *Server) loadManaged(w http.ResponseWriter, r *http.Request) (store.News, bool) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return store.News{}, false
	}
	n, err := s.newsService().Manageable(r.Context(), principal(r), id)
	if err != nil {
		s.fail(w, r, err)
		return n, false
	}
	return n, true
}

// newsValues puts a stored item into the form's fields.
func newsValues(n store.News) Form {
	f := Form{Values: map[string]string{"kind": n.Kind, "audience": n.Audience, "commune_code": n.CommuneCode, "title": n.Title,
		"summary": n.Summary, "body": n.Body, "starts_on": n.StartsOn, "ends_on": n.EndsOn}, Errors: map[string]string{}}
	if n.WorkUnitID != 0 {
		f.Values["work_unit_id"] = itoa(n.WorkUnitID)
	}
	return f
}

func (s *Server) newsEdit(w http.ResponseWriter, r *http.Request) {
	n, ok := s.loadManaged(w, r)
	if !ok {
		return
	}
	v, err := s.newsForm(r, newsValues(n), &n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "news_form", v)
}

func (s *Server) newsUpdate(w http.ResponseWriter, r *http.Request) {
	n, ok := s.loadManaged(w, r)
	if !ok {
		return
	}
	in, f := parseNews(r)
	if _, err := s.newsService().Update(r.Context(), principal(r), n.ID, in); err != nil {
		s.newsFormError(w, r, f, &n, err)
		return
	}
	flash(w, "flash.news_saved")
	http.Redirect(w, r, "/news/manage/"+itoa(n.ID), http.StatusSeeOther)
}

// newsStep runs a state change and returns to the item's form, or shows the refusal there.
func (s *Server) newsStep(w http.ResponseWriter, r *http.Request, step func(n store.News) error, flashKey string) {
	n, ok := s.loadManaged(w, r)
	if !ok {
		return
	}
	if err := step(n); err != nil {
		s.newsFormError(w, r, newsValues(n), &n, err)
		return
	}
	flash(w, flashKey)
	http.Redirect(w, r, "/news/manage/"+itoa(n.ID), http.StatusSeeOther)
}

func (s *Server) newsPublish(w http.ResponseWriter, r *http.Request) {
	s.newsStep(w, r, func(n store.News) error { return s.newsService().Publish(r.Context(), principal(r), n.ID) }, "flash.news_published")
}

func (s *Server) newsWithdraw(w http.ResponseWriter, r *http.Request) {
	s.newsStep(w, r, func(n store.News) error {
		return s.newsService().Withdraw(r.Context(), principal(r), n.ID, r.PostFormValue("reason"))
	}, "flash.news_withdrawn")
}

func (s *Server) newsImageAdd(w http.ResponseWriter, r *http.Request) {
	n, ok := s.loadManaged(w, r)
	if !ok {
		return
	}
	refuse := func(err error) {
		v, verr := s.newsForm(r, newsValues(n), &n)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		s.setError(r, &v.ImageForm, err)
		v.ImageForm.Values["alt"] = r.PostFormValue("alt")
		s.render(w, r, http.StatusUnprocessableEntity, "news_form", v)
	}
	r.Body = http.MaxBytesReader(w, r.Body, news.MaxImageBytes+64<<10)
	file, hdr, err := r.FormFile("image")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			refuse(fault.Field("image", "news.image.too_large", news.MaxImageBytes>>20))
			return
		}
		refuse(fault.Field("image", "news.image.empty"))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, news.MaxImageBytes+1))
	if err != nil {
		refuse(fault.Field("image", "news.image.too_large", news.MaxImageBytes>>20))
		return
	}
	if _, err := s.newsService().AddImage(r.Context(), principal(r), n.ID, news.Upload{FileName: hdr.Filename, Alt: r.PostFormValue("alt"), Data: data}); err != nil {
		if k := fault.KindOf(err); k != fault.Invalid && k != fault.Conflict {
			s.fail(w, r, err)
			return
		}
		refuse(err)
		return
	}
	flash(w, "flash.news_image_added")
	http.Redirect(w, r, "/news/manage/"+itoa(n.ID)+"#images", http.StatusSeeOther)
}

func (s *Server) newsImageRemove(w http.ResponseWriter, r *http.Request) {
	n, ok := s.loadManaged(w, r)
	if !ok {
		return
	}
	imageID, err := strconv.ParseInt(r.PathValue("image"), 10, 64)
	if err != nil {
		s.fail(w, r, fault.ErrNotFound)
		return
	}
	if err := s.newsService().RemoveImage(r.Context(), principal(r), n.ID, imageID); err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.news_image_removed")
	http.Redirect(w, r, "/news/manage/"+itoa(n.ID)+"#images", http.StatusSeeOther)
}

// KB writes a file's size in kilobytes, the page's way ("1.234").
func (v NewsFormView) KB(size int64) string { return v.Num(int((size + 1023) / 1024)) }
