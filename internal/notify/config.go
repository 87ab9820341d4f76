// Package notify delivers hoctap's notifications: it renders the messages of the inbox from the
// catalog in the reader's language, sends the outbox by email (SMTP) and by a generic HTTP
// webhook (for SMS or chat gateways) with retries and back-off, queues the reminders before each
// cycle's deadlines, and answers the pages about preferences, the outbox and who cannot be
// reached. Messages are queued by the store in the transaction of the change they tell about;
// this package only reads and delivers them. Every external channel is off unless configured.
package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/store"
)

// Config is the delivery configuration, given on `hoctap serve` by flags or the environment.
// Its zero value sends nothing outside the inbox.
type Config struct {
	EmailOn      bool
	SMTPHost     string
	SMTPPort     int
	SMTPUser     string
	SMTPPassword string
	SMTPFrom     string
	SMTPTLS      string // "starttls" (default: upgrade when the server offers it, required when a password is set), "tls" (implicit, port 465), "none"
	SMTPTimeout  time.Duration

	WebhookOn      bool
	WebhookURL     string
	WebhookSecret  string // when set, each request carries X-Hoctap-Signature: sha256=HMAC(secret, body)
	WebhookTimeout time.Duration

	ReminderDays []int         // days before each deadline a reminder is queued (default 7 and 1)
	Interval     time.Duration // how often the worker looks at the outbox (default 30 s)
	PublicURL    string        // prefixes the links in external messages
}

// Backoff is the wait before each retry of a failed delivery: after the first failure 1 minute,
// then 5, 30, 2 hours and 12 hours; the delivery fails for good after the sixth attempt.
var Backoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 12 * time.Hour}

// MaxAttempts is how many times a delivery is tried.
var MaxAttempts = len(Backoff) + 1

// WithDefaults fills the settings left empty.
func (c Config) WithDefaults() Config {
	if c.SMTPPort == 0 {
		c.SMTPPort = 587
		if c.SMTPTLS == "tls" {
			c.SMTPPort = 465
		}
	}
	if c.SMTPTLS == "" {
		c.SMTPTLS = "starttls"
	}
	if c.SMTPTimeout <= 0 {
		c.SMTPTimeout = 30 * time.Second
	}
	if c.WebhookTimeout <= 0 {
		c.WebhookTimeout = 10 * time.Second
	}
	if len(c.ReminderDays) == 0 {
		c.ReminderDays = []int{7, 1}
	}
	if c.Interval <= 0 {
		c.Interval = 30 * time.Second
	}
	return c
}

// Validate says what is wrong with a configuration that switches a channel on.
func (c Config) Validate() error {
	var problems []string
	if c.EmailOn {
		if c.SMTPHost == "" {
			problems = append(problems, "email is on but --smtp-host is empty")
		}
		if !strings.Contains(c.SMTPFrom, "@") {
			problems = append(problems, "email is on but --smtp-from is not an email address")
		}
		if !slices.Contains([]string{"starttls", "tls", "none"}, c.SMTPTLS) {
			problems = append(problems, fmt.Sprintf("--smtp-tls %q: use starttls, tls or none", c.SMTPTLS))
		}
	}
	if c.WebhookOn {
		u, err := url.Parse(c.WebhookURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, fmt.Sprintf("the webhook is on but --webhook-url %q is not an http(s) address", c.WebhookURL))
		}
	}
	for _, d := range c.ReminderDays {
		if d < 0 || d > 366 {
			problems = append(problems, fmt.Sprintf("--remind-days %d: use days between 0 and 366", d))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("notification settings: %s", strings.Join(problems, "; "))
	}
	return nil
}

// lease is how long a claimed delivery stays with its worker: longer than any send may take, so
// a row is taken again only when its worker stopped.
func (c Config) lease() time.Duration {
	return max(c.SMTPTimeout, c.WebhookTimeout) + time.Minute
}

// ParseDays reads "7,1" into days before a deadline.
func ParseDays(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number of days", part)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// Masked is the configuration as the administrator's page and the audit log show it: the
// password and the shared secret are never shown, only whether they are set (and, for the
// audit log, a short hash, so that a change of password is noticed).
func (c Config) Masked() map[string]any {
	secret := func(s string) string {
		if s == "" {
			return ""
		}
		sum := sha256.Sum256([]byte(s))
		return "set, sha256 " + hex.EncodeToString(sum[:])[:8]
	}
	days := make([]string, len(c.ReminderDays))
	for i, d := range c.ReminderDays {
		days[i] = strconv.Itoa(d)
	}
	return map[string]any{
		"email_on": c.EmailOn, "smtp_host": c.SMTPHost, "smtp_port": c.SMTPPort, "smtp_user": c.SMTPUser,
		"smtp_password": secret(c.SMTPPassword), "smtp_from": c.SMTPFrom, "smtp_tls": c.SMTPTLS, "smtp_timeout": c.SMTPTimeout.String(),
		"webhook_on": c.WebhookOn, "webhook_url": store.Redact(c.WebhookURL), "webhook_secret": secret(c.WebhookSecret),
		"webhook_timeout": c.WebhookTimeout.String(), "remind_days": strings.Join(days, ","),
	}
}
