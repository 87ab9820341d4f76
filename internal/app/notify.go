package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"hoctap/internal/audit"
	"hoctap/internal/clock"
	"hoctap/internal/i18n"
	"hoctap/internal/notify"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
	"hoctap/internal/web"
)

// notifyFlags are the delivery settings of `hoctap serve`: each flag defaults to its
// environment variable, so a password need not appear in the process list.
type notifyFlags struct {
	email, webhook                               *bool
	host, user, password, from, tls, url, secret *string
	port                                         *int
	smtpTimeout, webhookTimeout                  *time.Duration
	days                                         *string
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envBool(key string) bool {
	b, _ := strconv.ParseBool(os.Getenv(key))
	return b
}

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

func envDuration(key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return d
	}
	return def
}

// addNotifyFlags declares the notification flags on the serve command.
func addNotifyFlags(fs *flag.FlagSet) *notifyFlags {
	return &notifyFlags{
		email:          fs.Bool("email", envBool("HOCTAP_EMAIL"), "send notifications by email too ($HOCTAP_EMAIL)"),
		host:           fs.String("smtp-host", os.Getenv("HOCTAP_SMTP_HOST"), "SMTP server ($HOCTAP_SMTP_HOST)"),
		port:           fs.Int("smtp-port", envInt("HOCTAP_SMTP_PORT", 0), "SMTP port (default 587, or 465 with --smtp-tls tls) ($HOCTAP_SMTP_PORT)"),
		user:           fs.String("smtp-user", os.Getenv("HOCTAP_SMTP_USER"), "SMTP account, for PLAIN authentication ($HOCTAP_SMTP_USER)"),
		password:       fs.String("smtp-password", os.Getenv("HOCTAP_SMTP_PASSWORD"), "SMTP password; prefer $HOCTAP_SMTP_PASSWORD, which stays out of the process list"),
		from:           fs.String("smtp-from", os.Getenv("HOCTAP_SMTP_FROM"), "sender address, e.g. \"Học tập Hà Nội <noreply@example.vn>\" ($HOCTAP_SMTP_FROM)"),
		tls:            fs.String("smtp-tls", envOr("HOCTAP_SMTP_TLS", "starttls"), "starttls, tls (implicit) or none ($HOCTAP_SMTP_TLS)"),
		smtpTimeout:    fs.Duration("smtp-timeout", envDuration("HOCTAP_SMTP_TIMEOUT", 30*time.Second), "give up on an SMTP delivery after this long ($HOCTAP_SMTP_TIMEOUT)"),
		webhook:        fs.Bool("webhook", envBool("HOCTAP_WEBHOOK"), "send notifications to an SMS or chat gateway by HTTP POST too ($HOCTAP_WEBHOOK)"),
		url:            fs.String("webhook-url", os.Getenv("HOCTAP_WEBHOOK_URL"), "the gateway's address ($HOCTAP_WEBHOOK_URL)"),
		secret:         fs.String("webhook-secret", os.Getenv("HOCTAP_WEBHOOK_SECRET"), "shared secret signing each request (X-Hoctap-Signature); prefer $HOCTAP_WEBHOOK_SECRET"),
		webhookTimeout: fs.Duration("webhook-timeout", envDuration("HOCTAP_WEBHOOK_TIMEOUT", 10*time.Second), "give up on a webhook call after this long ($HOCTAP_WEBHOOK_TIMEOUT)"),
		days:           fs.String("remind-days", envOr("HOCTAP_REMIND_DAYS", "7,1"), "days before each cycle deadline to send reminders ($HOCTAP_REMIND_DAYS)"),
	}
}

// config builds and checks the delivery configuration.
func (f *notifyFlags) config(publicURL string) (notify.Config, error) {
	days, err := notify.ParseDays(*f.days)
	if err != nil {
		return notify.Config{}, fmt.Errorf("--remind-days: %w", err)
	}
	cfg := notify.Config{EmailOn: *f.email, SMTPHost: *f.host, SMTPPort: *f.port, SMTPUser: *f.user, SMTPPassword: *f.password,
		SMTPFrom: *f.from, SMTPTLS: *f.tls, SMTPTimeout: *f.smtpTimeout, WebhookOn: *f.webhook, WebhookURL: *f.url,
		WebhookSecret: *f.secret, WebhookTimeout: *f.webhookTimeout, ReminderDays: days, PublicURL: publicURL}.WithDefaults()
	return cfg, cfg.Validate()
}

// startNotify records the settings (an audit entry when they changed), gives them to the pages
// and starts the worker that delivers the outbox and queues the daily reminders. The returned
// function stops the worker and waits for it, for the graceful shutdown.
func startNotify(ctx context.Context, f *notifyFlags, publicURL string, db *store.DB, cat *i18n.Catalogs, rec *recognition.Service,
	srv *web.Server, log *slog.Logger) (func(), error) {
	cfg, err := f.config(publicURL)
	if err != nil {
		return nil, err
	}
	if _, err := db.RecordNotifySettings(audit.WithActor(ctx, audit.Actor{Name: "serve"}), cfg.Masked()); err != nil {
		return nil, err
	}
	srv.SetNotifier(&notify.Service{DB: db, Cfg: cfg})
	w := notify.NewWorker(db, cat, rec, cfg, log)
	wctx, cancel := context.WithCancel(audit.WithActor(context.WithoutCancel(ctx), audit.Actor{Name: "notify"}))
	var wg sync.WaitGroup
	wg.Go(func() { w.Run(wctx) })
	return func() { cancel(); wg.Wait() }, nil
}

// cmdNotify runs the notification jobs by hand: `hoctap notify reminders [--day YYYY-MM-DD]`
// queues the reminders of a day (today by default); running it twice queues nothing new.
func cmdNotify(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "reminders" {
		return fmt.Errorf("usage: hoctap notify reminders [--day YYYY-MM-DD] [--remind-days 7,1] [--db URL]")
	}
	fs := flag.NewFlagSet("notify reminders", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	day := fs.String("day", "", "the day whose reminders to queue (default today, Asia/Ho_Chi_Minh)")
	days := fs.String("remind-days", envOr("HOCTAP_REMIND_DAYS", "7,1"), "days before each deadline")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	ds, err := notify.ParseDays(*days)
	if err != nil {
		return fmt.Errorf("--remind-days: %w", err)
	}
	db, units, err := openDB(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if *day == "" {
		*day = db.Now().In(clock.Vietnam).Format("2006-01-02")
	}
	w := &notify.Worker{DB: db, Rec: &recognition.Service{DB: db, Units: units}, Cfg: notify.Config{ReminderDays: ds}}
	res, err := w.Reminders(audit.WithActor(ctx, audit.Actor{Name: "cli"}), *day)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "notify: reminders of %s: %d to people, %d to officers queued\n", *day, res.People, res.Officers)
	return nil
}
