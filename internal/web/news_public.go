package web

import (
	"encoding/xml"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/news"
	"hoctap/internal/store"
)

// newsPerPage is the length of a page of the public list.
const newsPerPage = 10

// NewsListView is the public list of news, announcements and campaigns, page by page.
type NewsListView struct {
	Base
	Share      Share
	Items      []NewsCard
	Page       int
	Prev, Next int // 0 when there is none
	Total      int
	CanPublish bool
}

func (s *Server) newsList(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	items, total, err := s.newsService().PublicList(r.Context(), newsPerPage, (page-1)*newsPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := NewsListView{Base: s.base(r, "news.list.title"), Page: page, Total: total, CanPublish: principal(r).Can(auth.PermPublishNews)}
	for _, n := range items {
		v.Items = append(v.Items, s.newsCard(v.Base, n))
	}
	if page > 1 {
		v.Prev = page - 1
	}
	if page*newsPerPage < total {
		v.Next = page + 1
	}
	canonical := s.publicBase(r) + "/news"
	if page > 1 {
		canonical += "?page=" + strconv.Itoa(page)
	}
	v.Share = Share{Title: v.T("news.list.title") + " · " + v.T("app.name"), Description: v.T("news.list.lead"), URL: canonical, Type: "website"}
	s.render(w, r, http.StatusOK, "news_list", v)
}

// NewsItemView is one item's page.
type NewsItemView struct {
	Base
	Share     Share
	Item      store.News
	Card      NewsCard
	Body      template.HTML // rendered by news.Render: escaped text and allow-listed elements only
	Gallery   []news.Image  // pictures the text does not place
	CanManage bool
	Showing   bool // published and in date
}

// newsImages turns an item's pictures into what the markup places, at base + their path.
func newsImages(n store.News, ims []store.NewsImage, base string) []news.Image {
	out := make([]news.Image, len(ims))
	for i, m := range ims {
		out[i] = news.Image{Number: m.Number, URL: base + "/news/" + itoa(n.ID) + "/images/" + itoa(m.ID), Alt: m.Alt, Width: m.Width, Height: m.Height}
	}
	return out
}

func (s *Server) newsShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	svc, p := s.newsService(), principal(r)
	n, err := svc.Item(r.Context(), p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ims, err := svc.Images(r.Context(), n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rendered := news.Render(n.Body, newsImages(n, ims, ""), "")
	v := NewsItemView{Base: s.base(r, "news.item.title"), Item: n, Body: template.HTML(rendered.HTML), Gallery: rendered.Unplaced,
		CanManage: p != nil && news.Manages(p, n), Showing: n.State == news.StatePublished && news.Showing(n.StartsOn, n.EndsOn, svc.Today())}
	v.Title = n.Title
	v.Card = s.newsCard(v.Base, n)
	base := s.publicBase(r)
	v.Share = Share{Title: n.Title, Description: v.Card.Excerpt, URL: base + "/news/" + itoa(n.ID), Type: "article"}
	if len(ims) > 0 && news.Public(n) {
		v.Share.Image = base + "/news/" + itoa(n.ID) + "/images/" + itoa(ims[0].ID)
	}
	s.render(w, r, http.StatusOK, "news_item", v)
}

func (s *Server) newsImage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	imageID, err := strconv.ParseInt(r.PathValue("image"), 10, 64)
	if err != nil || imageID <= 0 {
		s.fail(w, r, fault.ErrNotFound)
		return
	}
	m, data, public, err := s.newsService().ImageFile(r.Context(), principal(r), id, imageID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	etag := `"` + m.SHA256 + `"`
	w.Header().Set("ETag", etag)
	// A picture never changes under its number (a new one gets a new number), so it may be
	// kept; one of a work unit's or an unpublished item only by the reader's own browser.
	if public {
		w.Header().Set("Cache-Control", "public, max-age=86400")
	} else {
		w.Header().Set("Cache-Control", "private, max-age=3600")
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", m.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
}

// atomFeed is an Atom 1.0 feed (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published,omitempty"`
	Author    atomPerson `xml:"author"`
	Links     []atomLink `xml:"link"`
	Category  *struct {
		Term string `xml:"term,attr"`
	} `xml:"category,omitempty"`
	Summary atomText `xml:"summary"`
	Content atomText `xml:"content"`
}

func (s *Server) newsFeed(w http.ResponseWriter, r *http.Request) {
	s.writeFeed(w, r, "")
}

func (s *Server) newsCommuneFeed(w http.ResponseWriter, r *http.Request) {
	code, ok := strings.CutSuffix(r.PathValue("file"), ".atom")
	if !ok || code == "" {
		s.fail(w, r, fault.ErrNotFound)
		return
	}
	s.writeFeed(w, r, code)
}

// writeFeed writes the Atom feed of the public items, of the whole city or of one commune
// (with the city's), with absolute addresses throughout.
func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, commune string) {
	svc := s.newsService()
	items, err := svc.Feed(r.Context(), commune)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := s.base(r, "news.list.title")
	base := s.publicBase(r)
	self := base + "/news.atom"
	title := b.T("news.feed.title", s.units.Province().Name)
	if commune != "" {
		self = base + "/news/communes/" + commune + ".atom"
		title = b.T("news.feed.title", s.communeName(commune))
	}
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	f := atomFeed{Lang: b.Lang, ID: self, Title: title, Author: atomPerson{Name: b.T("app.name")},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: base + "/news"}}}
	var newest time.Time
	for _, n := range items {
		ims, err := svc.Images(r.Context(), n)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		link := base + "/news/" + itoa(n.ID)
		card := s.newsCard(b, n)
		e := atomEntry{ID: link, Title: n.Title, Updated: stamp(n.UpdatedAt), Published: stamp(n.PublishedAt), Author: atomPerson{Name: card.Where},
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: link}}, Summary: atomText{Type: "text", Body: card.Excerpt},
			Content: atomText{Type: "html", Body: news.Render(n.Body, newsImages(n, ims, base), base).HTML}}
		e.Category = &struct {
			Term string `xml:"term,attr"`
		}{Term: n.Kind}
		if n.UpdatedAt.After(newest) {
			newest = n.UpdatedAt
		}
		f.Entries = append(f.Entries, e)
	}
	if newest.IsZero() {
		newest = s.db.Now()
	}
	f.Updated = stamp(newest)
	out, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}
