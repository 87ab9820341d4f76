package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
)

// The kinds of notification. Their texts are in the catalog under "notify.msg.<kind>.*".
const (
	NoticeReturned       = "returned"        // the record went back to the person, with the verifier's comment
	NoticeVerified       = "verified"        // the village or work unit verified it
	NoticeRecognised     = "recognised"      // recognised by a decision; the certificate is issued with it
	NoticeNotRecognised  = "not_recognised"  // not recognised, with the reason
	NoticeRevoked        = "revoked"         // the recognition was revoked, with the reason
	NoticeReminderPerson = "reminder_person" // the person's own step is due before a deadline
	NoticeReminderOffice = "reminder_office" // an officer's summary of the work in their queue
	NoticeTest           = "test"            // the administrator's test message
)

// The external channels. The inbox is always on and is not a channel of the outbox.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook" // a generic HTTP gateway for SMS or chat, which needs a phone number
)

// The states of an outbox row.
const (
	OutboxQueued  = "queued"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
	OutboxSkipped = "skipped"
)

// The reasons an outbox row is skipped, kept in last_error (the catalog has
// "notify.reason.<reason>").
const (
	SkipConsentWithdrawn = "consent_withdrawn"
	SkipNoEmail          = "no_email"
	SkipNoPhone          = "no_phone"
	SkipChannelOff       = "channel_off"
)

// NoticeArgs are the values a message shows; the text is rendered from the catalog in the
// reader's language.
type NoticeArgs struct {
	Title    string `json:"title,omitempty"`    // cycle title code (learning_citizen, …)
	Year     int    `json:"year,omitempty"`     // the cycle's year
	Subject  string `json:"subject,omitempty"`  // a collective subject's name; "" for the person's own title
	Comment  string `json:"comment,omitempty"`  // a return's comment
	Reason   string `json:"reason,omitempty"`   // why not recognised or revoked
	Deadline string `json:"deadline,omitempty"` // yyyy-mm-dd
	Days     int    `json:"days,omitempty"`     // days left before the deadline
	Verify   int    `json:"verify,omitempty"`   // an officer's counts
	Appraise int    `json:"appraise,omitempty"`
	Decide   int    `json:"decide,omitempty"`
}

// Notice is one message of an inbox.
type Notice struct {
	ID           int64
	ProvinceCode string
	CommuneCode  string
	CitizenID    int64 // to a person (read from any account linked to them)
	UserID       int64 // or to one account
	Kind         string
	Args         NoticeArgs
	Link         string // the page to act on
	CreatedAt    time.Time
	ReadAt       time.Time
}

// Read tells whether the message was opened.
func (n Notice) Read() bool { return !n.ReadAt.IsZero() }

func (n Notice) recipient() string {
	if n.CitizenID != 0 {
		return "c:" + strconv.FormatInt(n.CitizenID, 10)
	}
	return "u:" + strconv.FormatInt(n.UserID, 10)
}

const noticeColumns = `n.id, n.province_code, n.commune_code, COALESCE(n.citizen_id, 0), COALESCE(n.user_id, 0), n.kind, n.args, n.link, n.created_at, n.read_at`

func scanNotice(s scanner) (Notice, error) {
	var n Notice
	var args string
	var read sql.NullTime
	err := s.Scan(&n.ID, &n.ProvinceCode, &n.CommuneCode, &n.CitizenID, &n.UserID, &n.Kind, &args, &n.Link, &n.CreatedAt, &read)
	if errors.Is(err, sql.ErrNoRows) {
		return n, fault.ErrNotFound
	}
	if err != nil {
		return n, fmt.Errorf("store: scan notification: %w", err)
	}
	n.CreatedAt, n.ReadAt = n.CreatedAt.UTC(), read.Time.UTC()
	if !read.Valid {
		n.ReadAt = time.Time{}
	}
	if args != "" {
		if err := json.Unmarshal([]byte(args), &n.Args); err != nil {
			return n, fmt.Errorf("store: notification %d args: %w", n.ID, err)
		}
	}
	return n, nil
}

// QueueNotice puts a message in its recipient's inbox and queues it, in the same transaction,
// on each external channel the recipient chose. eventKey names what caused it: the same event
// queued twice for the same recipient adds nothing (it returns false). A person who withdrew
// their consent, or has no address for a chosen channel, gets an outbox row marked skipped with
// the reason, so the log shows why nothing was sent.
func (tx *Tx) QueueNotice(ctx context.Context, n *Notice, eventKey string) (bool, error) {
	return tx.queueNotice(ctx, n, eventKey, "")
}

func (tx *Tx) queueNotice(ctx context.Context, n *Notice, eventKey, testAddress string) (bool, error) {
	if n.CitizenID == 0 && n.UserID == 0 {
		return false, nil
	}
	args, _ := json.Marshal(n.Args) // a flat struct of strings and ints always marshals
	n.CreatedAt = tx.now
	id, err := tx.insert(ctx, `INSERT INTO notifications (province_code, commune_code, event_key, recipient, citizen_id, user_id, kind, args, link, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key, recipient) DO NOTHING`,
		n.ProvinceCode, n.CommuneCode, eventKey, n.recipient(), nullInt(n.CitizenID), nullInt(n.UserID), n.Kind, string(args), n.Link, n.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // queued before
	}
	if err != nil {
		return false, fmt.Errorf("store: queue notification: %w", err)
	}
	n.ID = id
	r, err := reachOf(ctx, tx.reader, n.CitizenID, n.UserID)
	if err != nil {
		return false, err
	}
	type row struct{ channel, state, reason string }
	var rows []row
	if testAddress != "" {
		ch := ChannelWebhook
		if strings.Contains(testAddress, "@") {
			ch = ChannelEmail
		}
		rows = append(rows, row{ch, OutboxQueued, ""})
	} else {
		for _, ch := range r.Chosen() {
			state, reason := OutboxQueued, r.SkipReason(ch)
			if reason != "" {
				state = OutboxSkipped
			}
			rows = append(rows, row{ch, state, reason})
		}
	}
	for _, o := range rows {
		if _, err := tx.exec(ctx, `INSERT INTO outbox (province_code, commune_code, notification_id, channel, to_address, state, next_at, last_error, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (notification_id, channel) DO NOTHING`,
			n.ProvinceCode, n.CommuneCode, id, o.channel, testAddress, o.state, tx.now, o.reason, tx.now, tx.now); err != nil {
			return false, fmt.Errorf("store: queue outbox: %w", err)
		}
	}
	return true, nil
}

// QueueTestMessage puts the administrator's test message in their inbox and queues it to the
// address they typed (an email address goes by email, anything else to the webhook).
func (tx *Tx) QueueTestMessage(ctx context.Context, userID int64, address string) error {
	n := Notice{UserID: userID, Kind: NoticeTest, Link: "/admin/notifications"}
	if _, err := tx.queueNotice(ctx, &n, "test:"+strconv.FormatInt(tx.now.UnixMicro(), 10), address); err != nil {
		return err
	}
	return tx.record(ctx, Change{Action: "notify.test", Entity: "notification", EntityID: n.ID, After: map[string]any{"to": address}})
}

// queueAssessmentNotice is called by addStep for every step: the steps that change what the
// person must know (returned, verified, not recognised, revoked) queue a message to the person
// who acts for the subject, in the step's transaction. A recognition is told by the message of
// its certificate, issued in the same transaction (queueCertificateNotice), so the person gets
// one message, not two.
func (tx *Tx) queueAssessmentNotice(ctx context.Context, a Assessment, step evaluation.Step, comment string) error {
	var kind string
	switch {
	case step == evaluation.StepReturn:
		kind = NoticeReturned
	case step == evaluation.StepVerify:
		kind = NoticeVerified
	case step == evaluation.StepDecide && a.State == evaluation.StateNotRecognised:
		kind = NoticeNotRecognised
	case step == evaluation.StepRevoke:
		kind = NoticeRevoked
	default:
		return nil
	}
	if a.CitizenID == 0 {
		return nil // a subject no person acts for (a work unit, a commune): officers follow it
	}
	args, err := tx.noticeArgs(ctx, a)
	if err != nil {
		return err
	}
	switch kind {
	case NoticeReturned:
		args.Comment = comment
	case NoticeNotRecognised, NoticeRevoked:
		args.Reason = a.Reason
	}
	n := Notice{ProvinceCode: a.ProvinceCode, CommuneCode: a.CommuneCode, CitizenID: a.CitizenID, Kind: kind, Args: args,
		Link: "/assessments/" + strconv.FormatInt(a.ID, 10)}
	key := fmt.Sprintf("assessment:%d:%s:%d", a.ID, step, tx.now.UnixMicro())
	_, err = tx.QueueNotice(ctx, &n, key)
	return err
}

// queueCertificateNotice tells the person who acts for a recognised subject that it is
// recognised and its certificate issued.
func (tx *Tx) queueCertificateNotice(ctx context.Context, k Certificate) error {
	a, err := scanAssessment(tx.queryRow(ctx, "SELECT "+assessmentColumns+assessmentFrom+" WHERE a.id = ?", k.AssessmentID))
	if err != nil {
		return err
	}
	if a.CitizenID == 0 {
		return nil
	}
	args, err := tx.noticeArgs(ctx, a)
	if err != nil {
		return err
	}
	n := Notice{ProvinceCode: a.ProvinceCode, CommuneCode: a.CommuneCode, CitizenID: a.CitizenID, Kind: NoticeRecognised, Args: args,
		Link: "/assessments/" + strconv.FormatInt(a.ID, 10)}
	_, err = tx.QueueNotice(ctx, &n, "certificate:"+k.Code)
	return err
}

func (tx *Tx) noticeArgs(ctx context.Context, a Assessment) (NoticeArgs, error) {
	args := NoticeArgs{Title: a.CycleTitle, Year: a.Year}
	if args.Year == 0 {
		if err := tx.queryRow(ctx, "SELECT title, year FROM cycles WHERE id = ?", a.CycleID).Scan(&args.Title, &args.Year); err != nil {
			return args, fmt.Errorf("store: notification cycle: %w", err)
		}
	}
	if a.SubjectKind != "" && a.SubjectKind != "citizen" {
		args.Subject = a.SubjectName
	}
	return args, nil
}

// Reach is how a recipient can be reached: their account, its language and chosen channels,
// their addresses on record, and whether they withdrew their consent.
type Reach struct {
	UserID           int64 // 0: the person has no account
	CitizenID        int64
	Name             string
	Lang             string
	Email            string
	Phone            string
	WantEmail        bool
	WantWebhook      bool
	ConsentWithdrawn bool
}

// Chosen lists the external channels the recipient chose.
func (r Reach) Chosen() []string {
	var out []string
	if r.WantEmail {
		out = append(out, ChannelEmail)
	}
	if r.WantWebhook {
		out = append(out, ChannelWebhook)
	}
	return out
}

// SkipReason says why a message must not go out on a channel, "" when it may.
func (r Reach) SkipReason(channel string) string {
	switch {
	case r.ConsentWithdrawn:
		return SkipConsentWithdrawn
	case channel == ChannelEmail && r.Email == "":
		return SkipNoEmail
	case channel == ChannelWebhook && r.Phone == "":
		return SkipNoPhone
	}
	return ""
}

// Reach returns how a person (citizenID) or an account (userID) can be reached now.
func (db *DB) Reach(ctx context.Context, citizenID, userID int64) (Reach, error) {
	return reachOf(ctx, db.r(), citizenID, userID)
}

func reachOf(ctx context.Context, r reader, citizenID, userID int64) (Reach, error) {
	out := Reach{CitizenID: citizenID, UserID: userID, Lang: "vi"}
	var loginEmail, loginPhone string
	q := "SELECT id, display_name, lang, COALESCE(login_email, ''), COALESCE(login_phone, ''), COALESCE(citizen_id, 0) FROM users WHERE "
	var err error
	if citizenID != 0 {
		err = r.queryRow(ctx, q+"citizen_id = ? AND active ORDER BY id LIMIT 1", citizenID).Scan(&out.UserID, &out.Name, &out.Lang, &loginEmail, &loginPhone, &out.CitizenID)
	} else {
		err = r.queryRow(ctx, q+"id = ?", userID).Scan(&out.UserID, &out.Name, &out.Lang, &loginEmail, &loginPhone, &out.CitizenID)
	}
	if errors.Is(err, sql.ErrNoRows) {
		out.UserID, out.CitizenID = 0, citizenID
	} else if err != nil {
		return out, fmt.Errorf("store: reach account: %w", err)
	}
	out.Email, out.Phone = loginEmail, loginPhone
	if out.CitizenID != 0 {
		var name, email, phone string
		var standing, withdrawn int
		err := r.queryRow(ctx, `SELECT full_name, email, phone,
			(SELECT count(*) FROM consents k WHERE k.citizen_id = c.id AND k.withdrawn_at IS NULL),
			(SELECT count(*) FROM consents k WHERE k.citizen_id = c.id AND k.withdrawn_at IS NOT NULL)
			FROM citizens c WHERE c.id = ?`, out.CitizenID).Scan(&name, &email, &phone, &standing, &withdrawn)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return out, fmt.Errorf("store: reach person: %w", err)
		}
		if email != "" {
			out.Email = email
		}
		if phone != "" {
			out.Phone = phone
		}
		if name != "" {
			out.Name = name
		}
		out.ConsentWithdrawn = withdrawn > 0 && standing == 0
	}
	if out.UserID != 0 {
		err := r.queryRow(ctx, "SELECT email, webhook FROM notification_prefs WHERE user_id = ?", out.UserID).Scan(&out.WantEmail, &out.WantWebhook)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return out, fmt.Errorf("store: reach preferences: %w", err)
		}
	}
	return out, nil
}

// Prefs are the external channels an account chose.
type Prefs struct {
	Email   bool `json:"email"`
	Webhook bool `json:"webhook"`
}

// Prefs returns an account's chosen channels (none when it never chose).
func (db *DB) Prefs(ctx context.Context, userID int64) (Prefs, error) {
	var p Prefs
	err := db.r().queryRow(ctx, "SELECT email, webhook FROM notification_prefs WHERE user_id = ?", userID).Scan(&p.Email, &p.Webhook)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("store: notification preferences: %w", err)
	}
	return p, nil
}

// SetPrefs stores an account's chosen channels, with the audit entry.
func (tx *Tx) SetPrefs(ctx context.Context, userID int64, place auth.Place, p Prefs) error {
	var before Prefs
	err := tx.queryRow(ctx, "SELECT email, webhook FROM notification_prefs WHERE user_id = ?", userID).Scan(&before.Email, &before.Webhook)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: notification preferences: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO notification_prefs (user_id, email, webhook, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, webhook = excluded.webhook, updated_at = excluded.updated_at`,
		userID, p.Email, p.Webhook, tx.now); err != nil {
		return fmt.Errorf("store: save notification preferences: %w", err)
	}
	return tx.record(ctx, Change{Action: "notify.preferences", Entity: "user", EntityID: userID, Place: place, Before: before, After: p})
}

// Mailbox names whose inbox is read: the account, and the people it acts as (citizen grants).
type Mailbox struct {
	UserID    int64
	Citizens  []int64
	PageSize  int
	BeforeID  int64 // older than this id (paging); 0 for the newest
	Unread    bool  // only unread messages
	withAlias string
}

// MailboxOf is the inbox of a principal.
func MailboxOf(p *auth.Principal) Mailbox {
	m := Mailbox{UserID: p.UserID}
	for _, g := range p.GrantsOf(auth.RoleCitizen) {
		if g.CitizenID != 0 {
			m.Citizens = append(m.Citizens, g.CitizenID)
		}
	}
	return m
}

func (m Mailbox) where() (string, []any) {
	p := m.withAlias
	cond := p + "user_id = ?"
	args := []any{m.UserID}
	if len(m.Citizens) > 0 {
		in, a := inList(m.Citizens)
		cond = "(" + cond + " OR " + p + "citizen_id IN " + in + ")"
		args = append(args, a...)
	}
	return cond, args
}

// UnreadCount counts the unread messages of a mailbox: one query on the partial indexes of
// unread messages, run for every page's header.
func (db *DB) UnreadCount(ctx context.Context, m Mailbox) (int, error) {
	w, args := m.where()
	var n int
	if err := db.r().queryRow(ctx, "SELECT count(*) FROM notifications WHERE read_at IS NULL AND "+w, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unread count: %w", err)
	}
	return n, nil
}

// Inbox lists a mailbox's messages, newest first.
func (db *DB) Inbox(ctx context.Context, m Mailbox) ([]Notice, error) {
	m.withAlias = "n."
	w, args := m.where()
	if m.BeforeID > 0 {
		w += " AND n.id < ?"
		args = append(args, m.BeforeID)
	}
	if m.Unread {
		w += " AND n.read_at IS NULL"
	}
	if m.PageSize <= 0 || m.PageSize > 200 {
		m.PageSize = 50
	}
	rows, err := db.r().query(ctx, "SELECT "+noticeColumns+" FROM notifications n WHERE "+w+" ORDER BY n.id DESC LIMIT ?", append(args, m.PageSize)...)
	if err != nil {
		return nil, fmt.Errorf("store: inbox: %w", err)
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Notice returns one message of a mailbox; another's message is not found.
func (db *DB) Notice(ctx context.Context, m Mailbox, id int64) (Notice, error) {
	m.withAlias = "n."
	w, args := m.where()
	return scanNotice(db.r().queryRow(ctx, "SELECT "+noticeColumns+" FROM notifications n WHERE n.id = ? AND "+w, append([]any{id}, args...)...))
}

// MarkRead marks one message of a mailbox read; another's message is not found. Opening a
// message is not a change worth an audit entry: the row keeps when it was read.
func (tx *Tx) MarkRead(ctx context.Context, m Mailbox, id int64) error {
	w, args := m.where()
	var n int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM notifications WHERE id = ? AND "+w, append([]any{id}, args...)...).Scan(&n); err != nil {
		return fmt.Errorf("store: mark read: %w", err)
	}
	if n == 0 {
		return fault.ErrNotFound
	}
	if _, err := tx.exec(ctx, "UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL", tx.now, id); err != nil {
		return fmt.Errorf("store: mark read: %w", err)
	}
	return nil
}

// MarkAllRead marks every unread message of a mailbox read and returns how many.
func (tx *Tx) MarkAllRead(ctx context.Context, m Mailbox) (int, error) {
	w, args := m.where()
	res, err := tx.exec(ctx, "UPDATE notifications SET read_at = ? WHERE read_at IS NULL AND "+w, append([]any{tx.now}, args...)...)
	if err != nil {
		return 0, fmt.Errorf("store: mark all read: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// OutboxItem is a claimed outbox row with what its delivery needs.
type OutboxItem struct {
	ID        int64
	Channel   string
	ToAddress string // a test message's address
	Attempts  int    // including this one
	Notice    Notice
}

// ClaimOutbox takes up to limit rows due for delivery (queued and due, or claimed by a worker
// whose lease ran out) for worker, marking them "sending" with a lease until now+lease, in one
// transaction. Two workers never hold the same row: the claim re-checks the row's state as it
// updates it (and on PostgreSQL skips rows another claim has locked).
func (db *DB) ClaimOutbox(ctx context.Context, worker string, limit int, lease time.Duration) ([]OutboxItem, error) {
	var ids []int64
	err := db.Write(ctx, func(tx *Tx) error {
		ids = ids[:0]
		due := "((state = 'queued' AND next_at <= ?) OR (state = 'sending' AND lease_until < ?))"
		q := "SELECT id FROM outbox WHERE " + due + " ORDER BY next_at, id LIMIT ?"
		if tx.d.name == "postgres" {
			q += " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.query(ctx, q, tx.now, tx.now, limit)
		if err != nil {
			return fmt.Errorf("store: claim outbox: %w", err)
		}
		var cand []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			cand = append(cand, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range cand {
			res, err := tx.exec(ctx, "UPDATE outbox SET state = 'sending', lease_until = ?, claimed_by = ?, attempts = attempts + 1, updated_at = ? WHERE id = ? AND "+due,
				tx.now.Add(lease), worker, tx.now, id, tx.now, tx.now)
			if err != nil {
				return fmt.Errorf("store: claim outbox row: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				ids = append(ids, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]OutboxItem, 0, len(ids))
	for _, id := range ids {
		var it OutboxItem
		var nid sql.NullInt64
		if err := db.r().queryRow(ctx, "SELECT id, channel, to_address, attempts, notification_id FROM outbox WHERE id = ?", id).Scan(&it.ID, &it.Channel, &it.ToAddress, &it.Attempts, &nid); err != nil {
			return nil, fmt.Errorf("store: outbox row: %w", err)
		}
		if nid.Valid {
			n, err := scanNotice(db.r().queryRow(ctx, "SELECT "+noticeColumns+" FROM notifications n WHERE n.id = ?", nid.Int64))
			if err != nil {
				return nil, err
			}
			it.Notice = n
		}
		out = append(out, it)
	}
	return out, nil
}

// errLeaseLost is returned when a worker marks a row it no longer holds.
var errLeaseLost = errors.New("store: the outbox row is no longer held by this worker")

// FinishOutbox records the outcome of a delivery by the worker that claimed the row: state is
// sent, queued (retry at next), failed or skipped, with the error or reason.
func (db *DB) FinishOutbox(ctx context.Context, worker string, id int64, state string, next time.Time, msg string) error {
	return db.Write(ctx, func(tx *Tx) error {
		var sent any
		if state == OutboxSent {
			sent = tx.now
		}
		if next.IsZero() {
			next = tx.now
		}
		if len(msg) > 1000 {
			msg = msg[:1000]
		}
		res, err := tx.exec(ctx, `UPDATE outbox SET state = ?, next_at = ?, last_error = ?, sent_at = ?, lease_until = NULL, updated_at = ?
			WHERE id = ? AND state = 'sending' AND claimed_by = ?`, state, next, msg, sent, tx.now, id, worker)
		if err != nil {
			return fmt.Errorf("store: finish outbox row: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errLeaseLost
		}
		return nil
	})
}

// OutboxRow is a row of the outbox as the administrator's page lists it.
type OutboxRow struct {
	ID        int64
	Channel   string
	State     string
	Attempts  int
	LastError string
	Kind      string
	UpdatedAt time.Time
	NextAt    time.Time
}

// OutboxStats counts the outbox per state and lists the latest problems: failed rows and rows
// waiting for a retry, newest first.
func (db *DB) OutboxStats(ctx context.Context, limit int) (map[string]int, []OutboxRow, error) {
	counts := map[string]int{}
	rows, err := db.r().query(ctx, "SELECT state, count(*) FROM outbox GROUP BY state")
	if err != nil {
		return nil, nil, fmt.Errorf("store: outbox counts: %w", err)
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			rows.Close()
			return nil, nil, err
		}
		counts[s] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = db.r().query(ctx, `SELECT o.id, o.channel, o.state, o.attempts, o.last_error, COALESCE(n.kind, ''), o.updated_at, o.next_at
		FROM outbox o LEFT JOIN notifications n ON n.id = o.notification_id
		WHERE o.last_error <> '' AND o.state IN ('failed', 'queued', 'skipped') ORDER BY o.updated_at DESC, o.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("store: outbox problems: %w", err)
	}
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		var r OutboxRow
		if err := rows.Scan(&r.ID, &r.Channel, &r.State, &r.Attempts, &r.LastError, &r.Kind, &r.UpdatedAt, &r.NextAt); err != nil {
			return nil, nil, err
		}
		r.UpdatedAt, r.NextAt = r.UpdatedAt.UTC(), r.NextAt.UTC()
		out = append(out, r)
	}
	return counts, out, rows.Err()
}

// RecordNotifySettings keeps the delivery settings the server starts with (already masked by
// the caller) and writes an audit entry when they differ from the last ones.
func (db *DB) RecordNotifySettings(ctx context.Context, settings map[string]any) (bool, error) {
	b, err := json.Marshal(settings)
	if err != nil {
		return false, err
	}
	changed := false
	err = db.Write(ctx, func(tx *Tx) error {
		var prev string
		err := tx.queryRow(ctx, "SELECT settings FROM notification_settings WHERE id = 1"+tx.d.forUpdate()).Scan(&prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: notification settings: %w", err)
		}
		if prev == string(b) {
			return nil
		}
		changed = true
		if _, err := tx.exec(ctx, `INSERT INTO notification_settings (id, settings, updated_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`, string(b), tx.now); err != nil {
			return fmt.Errorf("store: save notification settings: %w", err)
		}
		var before any
		if prev != "" {
			var m map[string]any
			if json.Unmarshal([]byte(prev), &m) == nil {
				before = m
			}
		}
		return tx.record(ctx, Change{Action: "notify.settings", Entity: "settings", Key: notifySettingsKey, Before: before, After: settings})
	})
	return changed, err
}

// OpenCycles lists the cycles whose last deadline is on or after day (yyyy-mm-dd): those a
// reminder may still concern.
func (db *DB) OpenCycles(ctx context.Context, day string) ([]Cycle, error) {
	rows, err := db.r().query(ctx, "SELECT "+cycleColumns+" FROM cycles c WHERE c.decide_by >= ? ORDER BY c.id", day)
	if err != nil {
		return nil, fmt.Errorf("store: open cycles: %w", err)
	}
	defer rows.Close()
	var out []Cycle
	for rows.Next() {
		c, err := scanCycle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PendingOwnSteps lists a cycle's assessments waiting for the person who acts for them (pledged
// but not self-assessed, or returned), with that person.
func (db *DB) PendingOwnSteps(ctx context.Context, cycleID int64) ([]Assessment, error) {
	return db.assessments(ctx, "SELECT "+assessmentColumns+assessmentFrom+" WHERE a.cycle_id = ? AND a.state IN ('pledged', 'returned') AND a.citizen_id IS NOT NULL ORDER BY a.id", cycleID)
}

// OfficerAccount is an active account with its officer grants.
type OfficerAccount struct {
	UserID int64
	Grants []auth.Grant
}

// OfficerAccounts lists the active accounts holding a grant of one of roles, with those grants.
func (db *DB) OfficerAccounts(ctx context.Context, roles []auth.Role) ([]OfficerAccount, error) {
	in, args := inList(roles)
	rows, err := db.r().query(ctx, `SELECT g.id, g.user_id, g.role, g.province_code, g.commune_code, COALESCE(g.village_id, 0), COALESCE(g.work_unit_id, 0)
		FROM grants g JOIN users u ON u.id = g.user_id WHERE u.active AND g.role IN `+in+" ORDER BY g.user_id, g.id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: officer accounts: %w", err)
	}
	defer rows.Close()
	var out []OfficerAccount
	for rows.Next() {
		var g auth.Grant
		var role string
		if err := rows.Scan(&g.ID, &g.UserID, &role, &g.ProvinceCode, &g.CommuneCode, &g.VillageID, &g.WorkUnitID); err != nil {
			return nil, err
		}
		g.Role = auth.Role(role)
		if len(out) == 0 || out[len(out)-1].UserID != g.UserID {
			out = append(out, OfficerAccount{UserID: g.UserID})
		}
		out[len(out)-1].Grants = append(out[len(out)-1].Grants, g)
	}
	return out, rows.Err()
}

// ReachRow is a person of a village with a step of their own pending, and how they can be
// reached, for the collector's list of those who cannot.
type ReachRow struct {
	CitizenID  int64
	FullName   string
	NationalID string
	State      evaluation.State
	Title      string
	Year       int
	Deadline   string
	Reach      Reach
}

// PendingReach lists the people of a village whose own step is pending in a cycle still open
// for it on day (the self-assessment deadline not passed), with how each can be reached.
func (db *DB) PendingReach(ctx context.Context, villageID int64, day string) ([]ReachRow, error) {
	rows, err := db.r().query(ctx, `SELECT c.id, c.full_name, COALESCE(c.national_id, ''), a.state, y.title, y.year, y.self_assess_by, c.email, c.phone,
		COALESCE(u.id, 0), COALESCE(u.lang, 'vi'), COALESCE(u.login_email, ''), COALESCE(u.login_phone, ''), COALESCE(p.email, FALSE), COALESCE(p.webhook, FALSE),
		(SELECT count(*) FROM consents k WHERE k.citizen_id = c.id AND k.withdrawn_at IS NULL),
		(SELECT count(*) FROM consents k WHERE k.citizen_id = c.id AND k.withdrawn_at IS NOT NULL)
		FROM assessments a JOIN cycles y ON y.id = a.cycle_id JOIN citizens c ON c.id = a.citizen_id
		LEFT JOIN users u ON u.id = (SELECT min(u2.id) FROM users u2 WHERE u2.citizen_id = c.id AND u2.active)
		LEFT JOIN notification_prefs p ON p.user_id = u.id
		WHERE a.village_id = ? AND a.state IN ('pledged', 'returned') AND y.self_assess_by >= ?
		ORDER BY c.sort_key, c.id, y.title`, villageID, day)
	if err != nil {
		return nil, fmt.Errorf("store: pending reach: %w", err)
	}
	defer rows.Close()
	var out []ReachRow
	for rows.Next() {
		var r ReachRow
		var state, email, phone, loginEmail, loginPhone string
		var standing, withdrawn int
		if err := rows.Scan(&r.CitizenID, &r.FullName, &r.NationalID, &state, &r.Title, &r.Year, &r.Deadline, &email, &phone,
			&r.Reach.UserID, &r.Reach.Lang, &loginEmail, &loginPhone, &r.Reach.WantEmail, &r.Reach.WantWebhook, &standing, &withdrawn); err != nil {
			return nil, fmt.Errorf("store: scan pending reach: %w", err)
		}
		r.State, r.Reach.CitizenID, r.Reach.Name = evaluation.State(state), r.CitizenID, r.FullName
		r.Reach.Email, r.Reach.Phone = cmpOr(email, loginEmail), cmpOr(phone, loginPhone)
		r.Reach.ConsentWithdrawn = withdrawn > 0 && standing == 0
		out = append(out, r)
	}
	return out, rows.Err()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// RecordNotifyRun writes the audit entry of a notification job (a reminders run), with what it did.
func (tx *Tx) RecordNotifyRun(ctx context.Context, action string, details map[string]any) error {
	return tx.record(ctx, Change{Action: action, Entity: "notification", Key: action, After: details})
}

// notifySettingsKey names the delivery settings in the audit log.
const notifySettingsKey = "notifications"
