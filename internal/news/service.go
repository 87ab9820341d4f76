// Package news runs the news, announcements and campaigns officers publish for their scope
// (issue 9, part 2): a city officer for the city, a commune officer for their commune, a unit
// officer for their work unit, each item moving draft → published → withdrawn with who did
// it and when. Items for the city or a commune are public (the /news pages and the Atom
// feeds); an item for a work unit is shown only to its signed-in staff. Everyone signed in
// sees on their home page the campaigns running and the latest news for their city, commune
// and unit.
//
// The text of an item is a small markup (markup.go), never HTML, so nothing typed into it
// becomes markup of its own on a page; pictures are checked by their content (JPEG, PNG,
// WebP, 5 MB at most) and stored once by their SHA-256 in the blobs table.
//
// As in the other services, pages and commands call the same methods, which check the caller's
// grants (auth.Principal) before touching the store; nil is the command line, acting with the
// server's own rights.
package news

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg" // registers the decoder DecodeConfig reads a JPEG's size with
	_ "image/png"  // and a PNG's
	"path"
	"strings"
	"unicode/utf8"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// Service publishes and shows news over a store.
type Service struct {
	DB    *store.DB
	Units *adminunit.Map
}

// Today is the current day in Hà Nội as yyyy-mm-dd.
func (s *Service) Today() string { return s.DB.Now().In(clock.Vietnam).Format("2006-01-02") }

func allowed(by *auth.Principal, at auth.Place) error {
	if by != nil && !by.CanAt(auth.PermPublishNews, at) {
		return fault.ErrForbidden
	}
	return nil
}

// Manages tells whether the principal may change an item (nil: the command line).
func Manages(by *auth.Principal, n store.News) bool {
	return by == nil || by.CanAt(auth.PermPublishNews, store.NewsPlace(n))
}

// Public tells whether an item is for everyone (the city or a commune), not a unit's staff only.
func Public(n store.News) bool { return n.Audience == AudienceCity || n.Audience == AudienceCommune }

// Reach returns whose items a principal receives: the city's always, and those of the commune
// and the work unit each of their grants belongs to (a citizen: where they live and work).
func (s *Service) Reach(ctx context.Context, by *auth.Principal) (store.NewsReach, error) {
	r := store.NewsReach{ProvinceCode: s.Units.Province().Code}
	if by == nil {
		return r, nil
	}
	addCommune := func(c string) {
		for _, x := range r.Communes {
			if x == c {
				return
			}
		}
		if c != "" {
			r.Communes = append(r.Communes, c)
		}
	}
	addUnit := func(u int64) {
		for _, x := range r.WorkUnits {
			if x == u {
				return
			}
		}
		if u != 0 {
			r.WorkUnits = append(r.WorkUnits, u)
		}
	}
	for _, g := range by.Grants {
		switch g.Role {
		case auth.RoleCommuneOfficer:
			addCommune(g.CommuneCode)
		case auth.RoleCollector:
			v, err := s.DB.Village(ctx, g.VillageID)
			if err != nil {
				return r, err
			}
			addCommune(v.CommuneCode)
		case auth.RoleUnitOfficer:
			u, err := s.DB.WorkUnit(ctx, g.WorkUnitID)
			if err != nil {
				return r, err
			}
			addCommune(u.CommuneCode)
			addUnit(u.ID)
		case auth.RoleProvider:
			p, err := s.DB.Provider(ctx, g.ProviderID)
			if err != nil {
				return r, err
			}
			addCommune(p.CommuneCode)
		case auth.RoleCitizen:
			c, err := s.DB.Citizen(ctx, g.CitizenID)
			if err != nil {
				return r, err
			}
			addCommune(c.CommuneCode)
			addUnit(c.WorkUnitID)
		}
	}
	return r, nil
}

// PublicList is one page of the public items showing today (the city's and every commune's),
// newest first, with the total.
func (s *Service) PublicList(ctx context.Context, limit, offset int) ([]store.News, int, error) {
	return s.DB.NewsList(ctx, store.NewsQuery{States: []string{StatePublished}, Day: s.Today(),
		Reach: &store.NewsReach{ProvinceCode: s.Units.Province().Code, AllCommunes: true}, Limit: limit, Offset: offset})
}

// Feed lists the newest public items showing today for a feed: the city's and every commune's,
// or, for one commune, the city's and that commune's. An unknown commune is ErrNotFound.
func (s *Service) Feed(ctx context.Context, communeCode string) ([]store.News, error) {
	reach := store.NewsReach{ProvinceCode: s.Units.Province().Code, AllCommunes: true}
	if communeCode != "" {
		if !s.communeOK(communeCode) {
			return nil, fault.ErrNotFound
		}
		reach = store.NewsReach{ProvinceCode: reach.ProvinceCode, Communes: []string{communeCode}}
	}
	items, _, err := s.DB.NewsList(ctx, store.NewsQuery{States: []string{StatePublished}, Day: s.Today(), Reach: &reach, Limit: 50})
	return items, err
}

// Home is what a home page shows: the campaigns running today and the latest news and
// announcements for the principal's city, commune and unit.
type Home struct {
	Campaigns []store.News
	Latest    []store.News
}

// HomeOf returns the home page's items for a principal; nil is an anonymous visitor, who gets
// the public items.
func (s *Service) HomeOf(ctx context.Context, by *auth.Principal, limit int) (Home, error) {
	var h Home
	reach := store.NewsReach{ProvinceCode: s.Units.Province().Code, AllCommunes: true}
	if by != nil {
		var err error
		if reach, err = s.Reach(ctx, by); err != nil {
			return h, err
		}
	}
	q := store.NewsQuery{States: []string{StatePublished}, Day: s.Today(), Reach: &reach, Limit: limit}
	var err error
	q.Kinds, q.BySchedule = []string{KindCampaign}, true
	if h.Campaigns, _, err = s.DB.NewsList(ctx, q); err != nil {
		return h, err
	}
	q.Kinds, q.BySchedule = []string{KindNews, KindAnnouncement}, false
	h.Latest, _, err = s.DB.NewsList(ctx, q)
	return h, err
}

// Item returns an item for reading. Its managers see it in any state; others only while it is
// published and showing, and an item for a work unit only if they belong to that unit. Anything
// else is ErrNotFound, so that a hidden item is not told from a missing one.
func (s *Service) Item(ctx context.Context, by *auth.Principal, id int64) (store.News, error) {
	n, err := s.DB.NewsItem(ctx, id)
	if err != nil {
		return n, err
	}
	if by != nil && Manages(by, n) {
		return n, nil
	}
	if n.State != StatePublished || !Showing(n.StartsOn, n.EndsOn, s.Today()) {
		return n, fault.ErrNotFound
	}
	if Public(n) {
		return n, nil
	}
	if by == nil {
		return n, fault.ErrNotFound
	}
	reach, err := s.Reach(ctx, by)
	if err != nil {
		return n, err
	}
	for _, u := range reach.WorkUnits {
		if u == n.WorkUnitID {
			return n, nil
		}
	}
	return n, fault.ErrNotFound
}

// Images lists an item's pictures; the caller has read the item with Item or Managed.
func (s *Service) Images(ctx context.Context, n store.News) ([]store.NewsImage, error) {
	return s.DB.NewsImages(ctx, n.ID)
}

// Managed lists the items, in every state, the principal may change.
func (s *Service) Managed(ctx context.Context, by *auth.Principal, state string, limit, offset int) ([]store.News, int, error) {
	if by != nil && !by.Can(auth.PermPublishNews) {
		return nil, 0, fault.ErrForbidden
	}
	sc := auth.Scope{All: true}
	if by != nil {
		sc = by.Scope(auth.PermPublishNews)
	}
	q := store.NewsQuery{Scope: &sc, Limit: limit, Offset: offset}
	if state != "" {
		q.States = []string{state}
	}
	return s.DB.NewsList(ctx, q)
}

// Manageable returns an item the principal may change. Errors: ErrNotFound, ErrForbidden.
func (s *Service) Manageable(ctx context.Context, by *auth.Principal, id int64) (store.News, error) {
	n, err := s.DB.NewsItem(ctx, id)
	if err != nil {
		return n, err
	}
	return n, allowed(by, store.NewsPlace(n))
}

func (s *Service) communeOK(code string) bool {
	u, err := s.Units.Current(code)
	return err == nil && u.ProvinceCode == s.Units.Province().Code && u.Code == code && u.Level == adminunit.LevelCommune
}

// place checks an input's audience and returns where the item will sit.
func (s *Service) place(ctx context.Context, in Input) (store.News, error) {
	n := store.News{ProvinceCode: s.Units.Province().Code, Audience: in.Audience}
	switch in.Audience {
	case AudienceCommune:
		if !s.communeOK(in.CommuneCode) {
			return n, fault.Field("commune_code", "news.commune.required")
		}
		n.CommuneCode = in.CommuneCode
	case AudienceUnit:
		u, err := s.DB.WorkUnit(ctx, in.WorkUnitID)
		if fault.KindOf(err) == fault.NotFound {
			return n, fault.Field("work_unit_id", "news.unit.required")
		}
		if err != nil {
			return n, err
		}
		n.CommuneCode, n.WorkUnitID = u.CommuneCode, u.ID
	}
	return n, nil
}

func fill(n *store.News, at store.News, in Input) {
	n.ProvinceCode, n.CommuneCode, n.WorkUnitID, n.Audience = at.ProvinceCode, at.CommuneCode, at.WorkUnitID, at.Audience
	n.Kind, n.Title, n.Summary, n.Body = in.Kind, strings.Join(strings.Fields(in.Title), " "), strings.TrimSpace(in.Summary), strings.TrimRight(in.Body, " \n\r\t")
	n.StartsOn, n.EndsOn = in.StartsOn, in.EndsOn
}

// Create records a draft for an audience the principal publishes to. Errors: ErrForbidden,
// fault.Errors (every problem of the form).
func (s *Service) Create(ctx context.Context, by *auth.Principal, in Input) (store.News, error) {
	var n store.News
	if by != nil && !by.Can(auth.PermPublishNews) {
		return n, fault.ErrForbidden
	}
	if err := in.Validate(); err != nil {
		return n, err
	}
	at, err := s.place(ctx, in)
	if err != nil {
		return n, err
	}
	if err := allowed(by, store.NewsPlace(at)); err != nil {
		return n, fault.Field("audience", "news.audience.outside")
	}
	n.State = StateDraft
	fill(&n, at, in)
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateNews(ctx, &n) })
	return n, err
}

// Update changes a draft or a published item (a correction shows at once); a withdrawn item
// stays as it was withdrawn. The new audience must also be the principal's.
func (s *Service) Update(ctx context.Context, by *auth.Principal, id int64, in Input) (store.News, error) {
	var n store.News
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.NewsItem(ctx, id)
		if err != nil {
			return err
		}
		if err := allowed(by, store.NewsPlace(before)); err != nil {
			return err
		}
		if before.State == StateWithdrawn {
			return fault.New(fault.Conflict, "news.withdrawn")
		}
		if err := in.Validate(); err != nil {
			return err
		}
		at, err := s.place(ctx, in)
		if err != nil {
			return err
		}
		if err := allowed(by, store.NewsPlace(at)); err != nil {
			return fault.Field("audience", "news.audience.outside")
		}
		n = before
		fill(&n, at, in)
		return tx.UpdateNews(ctx, before, &n)
	})
	return n, err
}

// Publish makes a draft public to its audience; a campaign already over cannot be.
func (s *Service) Publish(ctx context.Context, by *auth.Principal, id int64) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		n, err := tx.NewsItem(ctx, id)
		if err != nil {
			return err
		}
		if err := allowed(by, store.NewsPlace(n)); err != nil {
			return err
		}
		if n.State != StateDraft {
			return fault.New(fault.Conflict, "news.not_draft")
		}
		if n.EndsOn != "" && n.EndsOn < s.Today() {
			return fault.New(fault.Conflict, "news.ended")
		}
		return tx.PublishNews(ctx, &n)
	})
}

// Withdraw takes a published item down, with who, when and (optionally) why.
func (s *Service) Withdraw(ctx context.Context, by *auth.Principal, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		n, err := tx.NewsItem(ctx, id)
		if err != nil {
			return err
		}
		if err := allowed(by, store.NewsPlace(n)); err != nil {
			return err
		}
		if n.State != StatePublished {
			return fault.New(fault.Conflict, "news.not_published")
		}
		if utf8.RuneCountInString(reason) > MaxSummary {
			return fault.Field("reason", "news.reason.too_long", MaxSummary)
		}
		return tx.WithdrawNews(ctx, &n, reason)
	})
}

// Upload is a picture as sent.
type Upload struct {
	FileName string
	Alt      string
	Data     []byte
}

// AddImage checks a picture by its content and adds it to an item that is not withdrawn.
// Errors: ErrForbidden, ErrNotFound, fault errors on the "image" field (empty, too large, not a
// picture, too many).
func (s *Service) AddImage(ctx context.Context, by *auth.Principal, id int64, up Upload) (store.NewsImage, error) {
	var m store.NewsImage
	ct, err := ImageType(up.Data)
	if err != nil {
		return m, err
	}
	alt := strings.Join(strings.Fields(up.Alt), " ")
	if alt == "" {
		alt = strings.TrimSuffix(path.Base(strings.ReplaceAll(up.FileName, "\\", "/")), path.Ext(up.FileName))
	}
	if r := []rune(alt); len(r) > MaxAlt {
		alt = string(r[:MaxAlt])
	}
	m.Alt = alt
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(up.Data)); err == nil {
		m.Width, m.Height = cfg.Width, cfg.Height
	} else if ct != "image/webp" {
		// The first bytes say JPEG or PNG but the picture does not decode: refuse it as well.
		return m, fault.Field("image", "news.image.type")
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		n, err := tx.NewsItem(ctx, id)
		if err != nil {
			return err
		}
		if err := allowed(by, store.NewsPlace(n)); err != nil {
			return err
		}
		if n.State == StateWithdrawn {
			return fault.New(fault.Conflict, "news.withdrawn")
		}
		have, err := tx.NewsImages(ctx, id)
		if err != nil {
			return err
		}
		if len(have) >= MaxImagesPerOne {
			return fault.Field("image", "news.image.too_many", MaxImagesPerOne)
		}
		if m.SHA256, err = tx.PutBlob(ctx, ct, up.Data); err != nil {
			return err
		}
		return tx.AddNewsImage(ctx, n, &m)
	})
	m.ContentType, m.Size = ct, int64(len(up.Data))
	return m, err
}

// RemoveImage takes a picture off an item.
func (s *Service) RemoveImage(ctx context.Context, by *auth.Principal, id, imageID int64) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		n, err := tx.NewsItem(ctx, id)
		if err != nil {
			return err
		}
		if err := allowed(by, store.NewsPlace(n)); err != nil {
			return err
		}
		have, err := tx.NewsImages(ctx, id)
		if err != nil {
			return err
		}
		for _, m := range have {
			if m.ID == imageID {
				return tx.RemoveNewsImage(ctx, n, m)
			}
		}
		return fault.ErrNotFound
	})
}

// ImageFile returns a picture of an item the principal may read, its content, and whether
// the item is public (so that the picture may be cached by anyone).
func (s *Service) ImageFile(ctx context.Context, by *auth.Principal, newsID, imageID int64) (store.NewsImage, []byte, bool, error) {
	n, err := s.Item(ctx, by, newsID)
	if err != nil {
		return store.NewsImage{}, nil, false, err
	}
	m, data, err := s.DB.NewsImageFile(ctx, imageID)
	if err != nil {
		return m, nil, false, err
	}
	if m.NewsID != n.ID {
		return m, nil, false, fault.ErrNotFound
	}
	return m, data, n.State == StatePublished && Public(n), nil
}
