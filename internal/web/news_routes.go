package web

import (
	"net/http"

	"hoctap/internal/auth"
	"hoctap/internal/news"
	"hoctap/internal/store"
)

// newsRoutes are the pages of news, announcements and campaigns (issue 9, part 2): the public
// list, items, their pictures and the Atom feeds, which anyone reaches (the service hides
// drafts, items out of date and a work unit's items from those outside it); and the officers'
// pages, where the service checks that each item lies in the officer's scope.
func (s *Server) newsRoutes() []route {
	return []route{
		{"GET /news", "", s.newsList},
		{"GET /news.atom", "", s.newsFeed},
		{"GET /news/communes/{file}", "", s.newsCommuneFeed},
		{"GET /news/{id}", "", s.newsShow},
		{"GET /news/{id}/images/{image}", "", s.newsImage},

		{"GET /news/manage", auth.PermPublishNews, s.newsManage},
		{"GET /news/manage/new", auth.PermPublishNews, s.newsNew},
		{"POST /news/manage", auth.PermPublishNews, s.newsCreate},
		{"GET /news/manage/{id}", auth.PermPublishNews, s.newsEdit},
		{"POST /news/manage/{id}", auth.PermPublishNews, s.newsUpdate},
		{"POST /news/manage/{id}/publish", auth.PermPublishNews, s.newsPublish},
		{"POST /news/manage/{id}/withdraw", auth.PermPublishNews, s.newsWithdraw},
		{"POST /news/manage/{id}/images", auth.PermPublishNews, s.newsImageAdd},
		{"POST /news/manage/{id}/images/{image}/delete", auth.PermPublishNews, s.newsImageRemove},
	}
}

// publicRoutes are the programme's public pages for visitors (issue 9, part 1): what the
// programme is and how to take part, the criteria in force, and how a provider joins.
func (s *Server) publicRoutes() []route {
	return []route{
		{"GET /about", "", s.aboutShow},
		{"GET /about/criteria", "", s.aboutCriteria},
		{"GET /about/providers", "", s.aboutProviders},
	}
}

// newsService is the news service over the server's store; it holds no state of its own.
func (s *Server) newsService() *news.Service { return &news.Service{DB: s.db, Units: s.units} }

// Share is what a public page tells social networks and search engines when it is shared:
// Open Graph and Twitter card tags, and the canonical address.
type Share struct {
	Title       string
	Description string
	URL         string // absolute, canonical
	Image       string // absolute; "" for none
	Type        string // website, article
}

// NewsCard is an item in a list or on a home page.
type NewsCard struct {
	ID        int64
	Kind      string
	Title     string
	Excerpt   string
	Where     string // the city, a commune or a work unit
	Dates     string // "01/10/2026 – 07/10/2026", or "" when open
	Published string
	State     string
	Unit      bool // for a work unit's staff only
}

// newsWhere names an item's audience: the city, the commune, or the work unit.
func (s *Server) newsWhere(n store.News) string {
	switch n.Audience {
	case news.AudienceCommune:
		return s.communeName(n.CommuneCode)
	case news.AudienceUnit:
		return n.WorkUnitName
	}
	return s.units.Province().Name
}

func newsDates(b Base, n store.News) string {
	switch {
	case n.StartsOn != "" && n.EndsOn != "":
		return b.Day(n.StartsOn) + " – " + b.Day(n.EndsOn)
	case n.StartsOn != "":
		return b.T("news.dates.from", b.Day(n.StartsOn))
	case n.EndsOn != "":
		return b.T("news.dates.until", b.Day(n.EndsOn))
	}
	return ""
}

func (s *Server) newsCard(b Base, n store.News) NewsCard {
	ex := n.Summary
	if ex == "" {
		ex = news.PlainText(n.Body, 180)
	}
	c := NewsCard{ID: n.ID, Kind: n.Kind, Title: n.Title, Excerpt: ex, Where: s.newsWhere(n), Dates: newsDates(b, n), State: n.State,
		Unit: n.Audience == news.AudienceUnit}
	if !n.PublishedAt.IsZero() {
		c.Published = b.Date(n.PublishedAt)
	}
	return c
}

// NewsHome is the part of a home page with the running campaigns and the latest news.
type NewsHome struct {
	Campaigns  []NewsCard
	Latest     []NewsCard
	CanPublish bool
}

// homeNews reads the home page's items for the visitor or user. News is not what the home page
// is for: a failure is logged and the page is shown without it.
func (s *Server) homeNews(r *http.Request, b Base) *NewsHome {
	p := principal(r)
	h, err := s.newsService().HomeOf(r.Context(), p, 5)
	if err != nil {
		s.log.Error("home news", "id", requestID(r), "err", err)
		return nil
	}
	out := &NewsHome{CanPublish: p.Can(auth.PermPublishNews)}
	for _, n := range h.Campaigns {
		out.Campaigns = append(out.Campaigns, s.newsCard(b, n))
	}
	for _, n := range h.Latest {
		out.Latest = append(out.Latest, s.newsCard(b, n))
	}
	return out
}
