package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"hoctap/internal/clock"
	"hoctap/internal/i18n"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// Worker delivers the outbox and queues the daily reminders. Several workers (several servers)
// may run on one database: each claims rows in a transaction before sending them.
//
// Never sent twice: a row is claimed (state "sending", a lease, the worker's name) before it is
// sent, and marked sent by the same worker after. The one window left is a crash (or a lost
// database connection) after the message left and before it was marked: when the lease runs out
// another worker sends it again. Each delivery therefore carries the outbox id as an idempotency
// key (the Message-ID of the email, the Idempotency-Key header of the webhook), so the receiver
// can drop the copy.
type Worker struct {
	DB      *store.DB
	Cat     *i18n.Catalogs
	Rec     *recognition.Service
	Cfg     Config
	Name    string // identifies this worker's claims; random when empty
	Log     *slog.Logger
	Email   Sender // nil: SMTP from Cfg
	Webhook Sender // nil: the webhook from Cfg

	lastReminders string // the day the reminders last ran
}

// NewWorker builds a worker with the configuration's senders.
func NewWorker(db *store.DB, cat *i18n.Catalogs, rec *recognition.Service, cfg Config, log *slog.Logger) *Worker {
	cfg = cfg.WithDefaults()
	w := &Worker{DB: db, Cat: cat, Rec: rec, Cfg: cfg, Log: log}
	w.Email = SMTPSender{Host: cfg.SMTPHost, Port: cfg.SMTPPort, User: cfg.SMTPUser, Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS, Timeout: cfg.SMTPTimeout}
	w.Webhook = WebhookSender{URL: cfg.WebhookURL, Secret: cfg.WebhookSecret, Timeout: cfg.WebhookTimeout}
	return w
}

func (w *Worker) name() string {
	if w.Name == "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		w.Name = "worker-" + hex.EncodeToString(b)
	}
	return w.Name
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Log
}

// Run delivers the outbox every Cfg.Interval and queues each day's reminders, until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Cfg.WithDefaults().Interval)
	defer t.Stop()
	for {
		w.tick(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (w *Worker) tick(ctx context.Context) {
	today := w.DB.Now().In(clock.Vietnam).Format("2006-01-02")
	if today != w.lastReminders {
		if res, err := w.Reminders(ctx, today); err != nil {
			if ctx.Err() == nil {
				w.log().Error("notify: reminders", "day", today, "err", err)
			}
		} else {
			w.lastReminders = today
			if res.Queued() > 0 {
				w.log().Info("notify: reminders queued", "day", today, "people", res.People, "officers", res.Officers)
			}
		}
	}
	for ctx.Err() == nil {
		res, err := w.RunOnce(ctx)
		if err != nil {
			if ctx.Err() == nil {
				w.log().Error("notify: outbox", "err", err)
			}
			return
		}
		if res.Claimed == 0 {
			return
		}
	}
}

// PassResult counts what one pass over the outbox did.
type PassResult struct {
	Claimed, Sent, Retried, Failed, Skipped int
}

// batch is how many rows one pass claims.
const batch = 20

// RunOnce claims the rows due now and delivers them.
func (w *Worker) RunOnce(ctx context.Context) (PassResult, error) {
	var res PassResult
	cfg := w.Cfg.WithDefaults()
	items, err := w.DB.ClaimOutbox(ctx, w.name(), batch, cfg.lease())
	if err != nil {
		return res, err
	}
	res.Claimed = len(items)
	for _, it := range items {
		state, next, msg := w.deliver(ctx, cfg, it)
		if err := w.DB.FinishOutbox(context.WithoutCancel(ctx), w.name(), it.ID, state, next, msg); err != nil {
			return res, fmt.Errorf("notify: mark outbox row %d %s: %w", it.ID, state, err)
		}
		switch state {
		case store.OutboxSent:
			res.Sent++
		case store.OutboxQueued:
			res.Retried++
		case store.OutboxFailed:
			res.Failed++
		case store.OutboxSkipped:
			res.Skipped++
		}
	}
	return res, nil
}

// SkipNotChosen is the reason of a row whose channel the recipient no longer chooses.
const SkipNotChosen = "not_chosen"

// deliver sends one claimed row and says how it ended: sent; queued again with the time of the
// retry; failed after the last attempt; or skipped with the reason.
func (w *Worker) deliver(ctx context.Context, cfg Config, it store.OutboxItem) (string, time.Time, string) {
	on, sender := cfg.EmailOn, w.Email
	if it.Channel == store.ChannelWebhook {
		on, sender = cfg.WebhookOn, w.Webhook
	}
	if !on || sender == nil {
		return store.OutboxSkipped, time.Time{}, store.SkipChannelOff
	}
	n := it.Notice
	r, err := w.DB.Reach(ctx, n.CitizenID, n.UserID)
	if err != nil {
		return w.retry(it, err)
	}
	m := Message{ID: it.ID, To: r.Name, Email: r.Email, Phone: r.Phone}
	if it.ToAddress != "" { // the administrator's test message
		m.Email, m.Phone = "", ""
		if strings.Contains(it.ToAddress, "@") {
			m.Email = it.ToAddress
		} else {
			m.Phone = it.ToAddress
		}
	} else {
		// Checked again at sending: consent may have been withdrawn, an address removed or the
		// channel given up since the message was queued.
		if reason := r.SkipReason(it.Channel); reason != "" {
			return store.OutboxSkipped, time.Time{}, reason
		}
		if !slices.Contains(r.Chosen(), it.Channel) {
			return store.OutboxSkipped, time.Time{}, SkipNotChosen
		}
	}
	out := Render(w.Cat, r.Lang, n)
	m.Subject, m.Text = out.Subject, out.Text
	if out.Link != "" && cfg.PublicURL != "" {
		m.Text += "\n\n" + strings.TrimRight(cfg.PublicURL, "/") + out.Link
	}
	if err := sender.Send(ctx, m); err != nil {
		return w.retry(it, err)
	}
	return store.OutboxSent, time.Time{}, ""
}

// retry schedules the next attempt after a failure, or fails the row after the last one.
func (w *Worker) retry(it store.OutboxItem, err error) (string, time.Time, string) {
	msg := err.Error()
	if errors.Is(err, context.DeadlineExceeded) && !strings.Contains(msg, "timeout") {
		msg += " (timeout)"
	}
	if it.Attempts >= MaxAttempts {
		return store.OutboxFailed, time.Time{}, msg
	}
	return store.OutboxQueued, w.DB.Now().Add(Backoff[max(it.Attempts, 1)-1]), msg
}
