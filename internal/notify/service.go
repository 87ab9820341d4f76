package notify

import (
	"context"
	"net/mail"
	"strings"

	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

// Service answers the pages of notifications: a person's channels, the collector's list of who
// cannot be reached, the administrator's settings and outbox. Each method checks the caller.
type Service struct {
	DB  *store.DB
	Cfg Config
}

// ChannelOn tells whether the server delivers on a channel.
func (s *Service) ChannelOn(channel string) bool {
	switch channel {
	case store.ChannelEmail:
		return s.Cfg.EmailOn
	case store.ChannelWebhook:
		return s.Cfg.WebhookOn
	}
	return false
}

// Prefs returns the signed-in account's channels and how it can be reached.
func (s *Service) Prefs(ctx context.Context, by *auth.Principal) (store.Prefs, store.Reach, error) {
	if by == nil {
		return store.Prefs{}, store.Reach{}, fault.ErrForbidden
	}
	p, err := s.DB.Prefs(ctx, by.UserID)
	if err != nil {
		return p, store.Reach{}, err
	}
	r, err := s.DB.Reach(ctx, 0, by.UserID)
	return p, r, err
}

// SetPrefs stores the signed-in account's channels. Email needs an email address on record and
// the webhook (SMS, chat) a phone number; a channel the server does not deliver cannot be chosen.
func (s *Service) SetPrefs(ctx context.Context, by *auth.Principal, p store.Prefs) error {
	if by == nil {
		return fault.ErrForbidden
	}
	r, err := s.DB.Reach(ctx, 0, by.UserID)
	if err != nil {
		return err
	}
	var es fault.Errors
	if p.Email && !s.Cfg.EmailOn {
		es = append(es, fault.Field("email", "notify.prefs.channel_off"))
	} else if p.Email && r.Email == "" {
		es = append(es, fault.Field("email", "notify.prefs.no_email"))
	}
	if p.Webhook && !s.Cfg.WebhookOn {
		es = append(es, fault.Field("webhook", "notify.prefs.channel_off"))
	} else if p.Webhook && r.Phone == "" {
		es = append(es, fault.Field("webhook", "notify.prefs.no_phone"))
	}
	if len(es) > 0 {
		return es
	}
	place := auth.Place{}
	if len(by.Grants) > 0 {
		place = by.Grants[0].Place()
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.SetPrefs(ctx, by.UserID, place, p) })
}

// The reasons a person cannot be reached beyond the inbox (the catalog has
// "notify.unreachable.<reason>").
const (
	UnreachableNoAccount = "no_account"
	UnreachableConsent   = "consent_withdrawn"
	UnreachableInboxOnly = "inbox_only"
)

// UnreachableRow is one person the collector should reach in person.
type UnreachableRow struct {
	CitizenID int64
	FullName  string
	MaskedID  string
	Title     string
	Year      int
	State     string
	Deadline  string
	Reason    string
}

// Unreachable lists the people of a village with a step of their own pending who cannot be
// reached beyond the in-app inbox: no account, consent withdrawn, or no external channel the
// server delivers with an address on record. IDs are masked.
func (s *Service) Unreachable(ctx context.Context, by *auth.Principal, v village.Village) ([]UnreachableRow, error) {
	if by != nil && !by.CanAt(auth.PermViewVillages, store.VillagePlace(v)) {
		return nil, fault.ErrForbidden
	}
	today := s.DB.Now().In(clock.Vietnam).Format("2006-01-02")
	rows, err := s.DB.PendingReach(ctx, v.ID, today)
	if err != nil {
		return nil, err
	}
	var out []UnreachableRow
	for _, r := range rows {
		reason := s.unreachable(r.Reach)
		if reason == "" {
			continue
		}
		out = append(out, UnreachableRow{CitizenID: r.CitizenID, FullName: r.FullName, MaskedID: people.MaskNationalID(r.NationalID),
			Title: r.Title, Year: r.Year, State: string(r.State), Deadline: r.Deadline, Reason: reason})
	}
	return out, nil
}

// unreachable says why a person cannot be reached beyond the inbox, "" when they can.
func (s *Service) unreachable(r store.Reach) string {
	switch {
	case r.UserID == 0:
		return UnreachableNoAccount
	case r.ConsentWithdrawn:
		return UnreachableConsent
	}
	for _, ch := range r.Chosen() {
		if s.ChannelOn(ch) && r.SkipReason(ch) == "" {
			return ""
		}
	}
	return UnreachableInboxOnly
}

// AdminState is what the administrator's page shows.
type AdminState struct {
	Settings map[string]any // masked
	Counts   map[string]int
	Problems []store.OutboxRow
}

// Admin returns the settings (masked) and the state of the outbox.
func (s *Service) Admin(ctx context.Context, by *auth.Principal) (AdminState, error) {
	var st AdminState
	if by != nil && !by.Can(auth.PermManageNotifications) {
		return st, fault.ErrForbidden
	}
	st.Settings = s.Cfg.WithDefaults().Masked()
	var err error
	st.Counts, st.Problems, err = s.DB.OutboxStats(ctx, 20)
	return st, err
}

// SendTest queues a test message to an address the administrator types: an email address goes
// by email, a phone number to the webhook. The worker delivers it like any other message.
func (s *Service) SendTest(ctx context.Context, by *auth.Principal, address string) error {
	if by == nil || !by.Can(auth.PermManageNotifications) {
		return fault.ErrForbidden
	}
	address = strings.TrimSpace(address)
	switch {
	case address == "":
		return fault.Errors{fault.Field("address", "form.required")}
	case strings.Contains(address, "@"):
		if a, err := mail.ParseAddress(address); err != nil || a.Address != address {
			return fault.Errors{fault.Field("address", "notify.test.bad_address")}
		}
		if !s.Cfg.EmailOn {
			return fault.Errors{fault.Field("address", "notify.test.email_off")}
		}
	default:
		kind, norm, ok := auth.ParseLogin(address)
		if !ok || kind != auth.LoginPhone {
			return fault.Errors{fault.Field("address", "notify.test.bad_address")}
		}
		address = norm
		if !s.Cfg.WebhookOn {
			return fault.Errors{fault.Field("address", "notify.test.webhook_off")}
		}
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.QueueTestMessage(ctx, by.UserID, address) })
}
