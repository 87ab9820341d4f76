package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
)

// News is one news item, announcement or campaign published by officers for their scope
// (issue 9 §2). Audience "city" leaves CommuneCode empty; "unit" names the work unit and keeps
// its commune in CommuneCode.
type News struct {
	ID             int64
	ProvinceCode   string
	CommuneCode    string
	WorkUnitID     int64
	Audience       string // city, commune, unit
	Kind           string // news, announcement, campaign
	Title          string
	Summary        string
	Body           string // the small markup of internal/news, never HTML
	StartsOn       string // yyyy-mm-dd, "" = from publication
	EndsOn         string // yyyy-mm-dd, "" = open-ended
	State          string // draft, published, withdrawn
	CreatedBy      int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	PublishedBy    int64
	PublishedAt    time.Time
	WithdrawnBy    int64
	WithdrawnAt    time.Time
	WithdrawReason string

	// Read with it.
	WorkUnitName    string
	PublishedByName string
	WithdrawnByName string
	Images          int   // how many pictures it has
	CoverID         int64 // its first picture, 0 when none
}

// NewsPlace locates an item for access checks: the city, a commune, or a work unit of a commune.
func NewsPlace(n News) auth.Place {
	return auth.Place{ProvinceCode: n.ProvinceCode, CommuneCode: n.CommuneCode, WorkUnitID: n.WorkUnitID}
}

// NewsImage is a picture of an item; its content is a row of blobs.
type NewsImage struct {
	ID          int64
	NewsID      int64
	Number      int // [ảnh N] in the text
	SHA256      string
	Alt         string
	Width       int
	Height      int
	ContentType string
	Size        int64
	UploadedAt  time.Time
}

const newsColumns = `n.id, n.province_code, n.commune_code, COALESCE(n.work_unit_id, 0), n.audience, n.kind, n.title, n.summary, n.body,
	n.starts_on, n.ends_on, n.state, COALESCE(n.created_by, 0), n.created_at, n.updated_at, COALESCE(n.published_by, 0), n.published_at,
	COALESCE(n.withdrawn_by, 0), n.withdrawn_at, n.withdraw_reason, COALESCE(w.name, ''), COALESCE(pu.display_name, ''), COALESCE(wu.display_name, ''),
	(SELECT count(*) FROM news_images i WHERE i.news_id = n.id),
	COALESCE((SELECT i.id FROM news_images i WHERE i.news_id = n.id ORDER BY i.number LIMIT 1), 0)`

const newsFrom = ` FROM news n LEFT JOIN work_units w ON w.id = n.work_unit_id
	LEFT JOIN users pu ON pu.id = n.published_by LEFT JOIN users wu ON wu.id = n.withdrawn_by`

func scanNews(s scanner) (News, error) {
	var n News
	var published, withdrawn sql.NullTime
	err := s.Scan(&n.ID, &n.ProvinceCode, &n.CommuneCode, &n.WorkUnitID, &n.Audience, &n.Kind, &n.Title, &n.Summary, &n.Body,
		&n.StartsOn, &n.EndsOn, &n.State, &n.CreatedBy, &n.CreatedAt, &n.UpdatedAt, &n.PublishedBy, &published,
		&n.WithdrawnBy, &withdrawn, &n.WithdrawReason, &n.WorkUnitName, &n.PublishedByName, &n.WithdrawnByName, &n.Images, &n.CoverID)
	if errors.Is(err, sql.ErrNoRows) {
		return n, fault.ErrNotFound
	}
	if err != nil {
		return n, fmt.Errorf("store: scan news: %w", err)
	}
	n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
	if published.Valid {
		n.PublishedAt = published.Time.UTC()
	}
	if withdrawn.Valid {
		n.WithdrawnAt = withdrawn.Time.UTC()
	}
	return n, nil
}

// NewsItem returns one item.
func (db *DB) NewsItem(ctx context.Context, id int64) (News, error) {
	return scanNews(db.r().queryRow(ctx, "SELECT "+newsColumns+newsFrom+" WHERE n.id = ?", id))
}

// NewsItem in a transaction, locking the row on PostgreSQL: two officers publishing and
// withdrawing one item are served one after the other.
func (tx *Tx) NewsItem(ctx context.Context, id int64) (News, error) {
	if tx.d.name == "postgres" {
		if _, err := tx.exec(ctx, "SELECT id FROM news WHERE id = ? FOR UPDATE", id); err != nil {
			return News{}, fmt.Errorf("store: lock news: %w", err)
		}
	}
	return scanNews(tx.queryRow(ctx, "SELECT "+newsColumns+newsFrom+" WHERE n.id = ?", id))
}

func auditNews(n News) map[string]any {
	return map[string]any{"audience": n.Audience, "commune_code": n.CommuneCode, "work_unit_id": n.WorkUnitID, "kind": n.Kind,
		"title": n.Title, "summary": n.Summary, "body": n.Body, "starts_on": n.StartsOn, "ends_on": n.EndsOn, "state": n.State}
}

// CreateNews inserts a draft.
func (tx *Tx) CreateNews(ctx context.Context, n *News) error {
	n.CreatedAt, n.UpdatedAt, n.CreatedBy = tx.now, tx.now, actorID(ctx)
	id, err := tx.insert(ctx, `INSERT INTO news (province_code, commune_code, work_unit_id, audience, kind, title, summary, body, starts_on, ends_on,
		state, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.ProvinceCode, n.CommuneCode, nullInt(n.WorkUnitID), n.Audience, n.Kind, n.Title, n.Summary, n.Body, n.StartsOn, n.EndsOn,
		n.State, nullInt(n.CreatedBy), tx.now, tx.now)
	if err != nil {
		return fmt.Errorf("store: create news: %w", err)
	}
	n.ID = id
	return tx.record(ctx, Change{Action: "create", Entity: "news", EntityID: id, Place: NewsPlace(*n), After: auditNews(*n)})
}

// UpdateNews saves an item's fields (not its state).
func (tx *Tx) UpdateNews(ctx context.Context, before News, n *News) error {
	n.UpdatedAt = tx.now
	if _, err := tx.exec(ctx, `UPDATE news SET province_code = ?, commune_code = ?, work_unit_id = ?, audience = ?, kind = ?, title = ?, summary = ?,
		body = ?, starts_on = ?, ends_on = ?, updated_at = ? WHERE id = ?`,
		n.ProvinceCode, n.CommuneCode, nullInt(n.WorkUnitID), n.Audience, n.Kind, n.Title, n.Summary, n.Body, n.StartsOn, n.EndsOn, tx.now, n.ID); err != nil {
		return fmt.Errorf("store: update news: %w", err)
	}
	// Its pictures move with it, so that they stay located where the item is.
	if _, err := tx.exec(ctx, "UPDATE news_images SET province_code = ?, commune_code = ? WHERE news_id = ?", n.ProvinceCode, n.CommuneCode, n.ID); err != nil {
		return fmt.Errorf("store: update news images: %w", err)
	}
	return tx.record(ctx, Change{Action: "update", Entity: "news", EntityID: n.ID, Place: NewsPlace(*n), Before: auditNews(before), After: auditNews(*n)})
}

// PublishNews makes a draft public to its audience, recording who and when.
func (tx *Tx) PublishNews(ctx context.Context, n *News) error {
	n.State, n.PublishedAt, n.PublishedBy, n.UpdatedAt = "published", tx.now, actorID(ctx), tx.now
	if _, err := tx.exec(ctx, "UPDATE news SET state = ?, published_by = ?, published_at = ?, updated_at = ? WHERE id = ?",
		n.State, nullInt(n.PublishedBy), tx.now, tx.now, n.ID); err != nil {
		return fmt.Errorf("store: publish news: %w", err)
	}
	return tx.record(ctx, Change{Action: "publish", Entity: "news", EntityID: n.ID, Place: NewsPlace(*n),
		Before: map[string]any{"state": "draft"}, After: map[string]any{"state": n.State}})
}

// WithdrawNews takes a published item down, recording who, when and why.
func (tx *Tx) WithdrawNews(ctx context.Context, n *News, reason string) error {
	n.State, n.WithdrawnAt, n.WithdrawnBy, n.WithdrawReason, n.UpdatedAt = "withdrawn", tx.now, actorID(ctx), reason, tx.now
	if _, err := tx.exec(ctx, "UPDATE news SET state = ?, withdrawn_by = ?, withdrawn_at = ?, withdraw_reason = ?, updated_at = ? WHERE id = ?",
		n.State, nullInt(n.WithdrawnBy), tx.now, reason, tx.now, n.ID); err != nil {
		return fmt.Errorf("store: withdraw news: %w", err)
	}
	return tx.record(ctx, Change{Action: "withdraw", Entity: "news", EntityID: n.ID, Place: NewsPlace(*n),
		Before: map[string]any{"state": "published"}, After: map[string]any{"state": n.State, "reason": reason}})
}

// NewsReach says whose items a reader receives: the city's, some communes' (or every
// commune's), some work units'. A zero reach receives nothing.
type NewsReach struct {
	ProvinceCode string // city-wide items of this province
	AllCommunes  bool   // the items of every commune (the public pages)
	Communes     []string
	WorkUnits    []int64
}

// NewsQuery narrows a list of items.
type NewsQuery struct {
	States []string
	Kinds  []string
	Day    string      // yyyy-mm-dd: only items showing on that day (started, not ended)
	Reach  *NewsReach  // the readers' side; nil: no condition
	Scope  *auth.Scope // the managers' side (PermPublishNews); nil: no condition
	Limit  int
	Offset int
	// BySchedule orders by start day (running campaigns) instead of newest publication first.
	BySchedule bool
}

func (q NewsQuery) where() (string, []any) {
	where := []string{"1=1"}
	var args []any
	if len(q.States) > 0 {
		in, a := inList(q.States)
		where, args = append(where, "n.state IN "+in), append(args, a...)
	}
	if len(q.Kinds) > 0 {
		in, a := inList(q.Kinds)
		where, args = append(where, "n.kind IN "+in), append(args, a...)
	}
	if q.Day != "" {
		where = append(where, "(n.starts_on = '' OR n.starts_on <= ?) AND (n.ends_on = '' OR n.ends_on >= ?)")
		args = append(args, q.Day, q.Day)
	}
	if r := q.Reach; r != nil {
		var parts []string
		if r.ProvinceCode != "" {
			parts, args = append(parts, "(n.audience = 'city' AND n.province_code = ?)"), append(args, r.ProvinceCode)
		}
		if r.AllCommunes {
			parts = append(parts, "n.audience = 'commune'")
		} else if len(r.Communes) > 0 {
			in, a := inList(r.Communes)
			parts, args = append(parts, "(n.audience = 'commune' AND n.commune_code IN "+in+")"), append(args, a...)
		}
		if len(r.WorkUnits) > 0 {
			in, a := inList(r.WorkUnits)
			parts, args = append(parts, "(n.audience = 'unit' AND n.work_unit_id IN "+in+")"), append(args, a...)
		}
		if len(parts) == 0 {
			parts = []string{"1=0"}
		}
		where = append(where, "("+strings.Join(parts, " OR ")+")")
	}
	if q.Scope != nil {
		w, a := scopeWhere(*q.Scope, scopeColumns{province: "n.province_code", commune: "n.commune_code", workUnit: "n.work_unit_id"})
		where, args = append(where, w), append(args, a...)
	}
	return strings.Join(where, " AND "), args
}

// NewsList lists items, newest publication first (drafts by their last change), with the total.
func (db *DB) NewsList(ctx context.Context, q NewsQuery) ([]News, int, error) {
	cond, args := q.where()
	var total int
	if err := db.r().queryRow(ctx, "SELECT count(*) FROM news n WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count news: %w", err)
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 20
	}
	order := " ORDER BY COALESCE(n.published_at, n.updated_at) DESC, n.id DESC"
	if q.BySchedule {
		order = " ORDER BY n.starts_on, n.ends_on, n.id"
	}
	rows, err := db.r().query(ctx, "SELECT "+newsColumns+newsFrom+" WHERE "+cond+order+" LIMIT ? OFFSET ?", append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: news: %w", err)
	}
	defer rows.Close()
	var out []News
	for rows.Next() {
		n, err := scanNews(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, n)
	}
	return out, total, rows.Err()
}

const newsImageColumns = `i.id, i.news_id, i.number, i.blob_sha256, i.alt, i.width, i.height, b.content_type, b.size, i.uploaded_at`

func scanNewsImage(s scanner) (NewsImage, error) {
	var m NewsImage
	err := s.Scan(&m.ID, &m.NewsID, &m.Number, &m.SHA256, &m.Alt, &m.Width, &m.Height, &m.ContentType, &m.Size, &m.UploadedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fault.ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("store: scan news image: %w", err)
	}
	m.UploadedAt = m.UploadedAt.UTC()
	return m, nil
}

func newsImagesOf(ctx context.Context, r reader, newsID int64) ([]NewsImage, error) {
	rows, err := r.query(ctx, "SELECT "+newsImageColumns+" FROM news_images i JOIN blobs b ON b.sha256 = i.blob_sha256 WHERE i.news_id = ? ORDER BY i.number", newsID)
	if err != nil {
		return nil, fmt.Errorf("store: news images: %w", err)
	}
	defer rows.Close()
	var out []NewsImage
	for rows.Next() {
		m, err := scanNewsImage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// NewsImages lists an item's pictures by number.
func (db *DB) NewsImages(ctx context.Context, newsID int64) ([]NewsImage, error) {
	return newsImagesOf(ctx, db.r(), newsID)
}

// NewsImages in a transaction, seeing the pictures added earlier in it.
func (tx *Tx) NewsImages(ctx context.Context, newsID int64) ([]NewsImage, error) {
	return newsImagesOf(ctx, tx.reader, newsID)
}

// NewsImageFile returns one picture and its content.
func (db *DB) NewsImageFile(ctx context.Context, id int64) (NewsImage, []byte, error) {
	m, err := scanNewsImage(db.r().queryRow(ctx, "SELECT "+newsImageColumns+" FROM news_images i JOIN blobs b ON b.sha256 = i.blob_sha256 WHERE i.id = ?", id))
	if err != nil {
		return m, nil, err
	}
	var data []byte
	if err := db.r().queryRow(ctx, "SELECT data FROM blobs WHERE sha256 = ?", m.SHA256).Scan(&data); err != nil {
		return m, nil, fmt.Errorf("store: blob data: %w", err)
	}
	return m, data, nil
}

// AddNewsImage attaches a stored blob (Tx.PutBlob) to an item under the next number.
func (tx *Tx) AddNewsImage(ctx context.Context, n News, m *NewsImage) error {
	if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(number), 0) + 1 FROM news_images WHERE news_id = ?", n.ID).Scan(&m.Number); err != nil {
		return fmt.Errorf("store: news image number: %w", err)
	}
	m.NewsID, m.UploadedAt = n.ID, tx.now
	id, err := tx.insert(ctx, `INSERT INTO news_images (province_code, commune_code, news_id, number, blob_sha256, alt, width, height, uploaded_by, uploaded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, n.ProvinceCode, n.CommuneCode, n.ID, m.Number, m.SHA256, m.Alt, m.Width, m.Height, nullInt(actorID(ctx)), tx.now)
	if err != nil {
		return fmt.Errorf("store: add news image: %w", err)
	}
	m.ID = id
	return tx.record(ctx, Change{Action: "add_image", Entity: "news", EntityID: n.ID, Place: NewsPlace(n),
		After: map[string]any{"image_id": id, "number": m.Number, "sha256": m.SHA256, "alt": m.Alt}})
}

// RemoveNewsImage detaches a picture; the blob stays while others use it.
func (tx *Tx) RemoveNewsImage(ctx context.Context, n News, m NewsImage) error {
	if _, err := tx.exec(ctx, "DELETE FROM news_images WHERE id = ? AND news_id = ?", m.ID, n.ID); err != nil {
		return fmt.Errorf("store: remove news image: %w", err)
	}
	return tx.record(ctx, Change{Action: "remove_image", Entity: "news", EntityID: n.ID, Place: NewsPlace(n),
		Before: map[string]any{"image_id": m.ID, "number": m.Number, "sha256": m.SHA256}})
}
