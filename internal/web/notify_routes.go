package web

import (
	"net/http"
	"strconv"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/notify"
	"hoctap/internal/store"
)

// notifyRoutes are the pages of notifications (issue 9, part 3): everyone's inbox and choice of
// channels, the administrator's settings and outbox, and the collector's list of the people of a
// village who cannot be reached beyond the inbox.
func (s *Server) notifyRoutes() []route {
	return []route{
		{"GET /inbox", auth.PermSignedIn, s.inboxList},
		{"POST /inbox/read-all", auth.PermSignedIn, s.inboxReadAll},
		{"GET /inbox/{id}", auth.PermSignedIn, s.inboxShow},
		{"POST /inbox/{id}/read", auth.PermSignedIn, s.inboxRead},
		{"GET /me/notifications", auth.PermSignedIn, s.notifyPrefsForm},
		{"POST /me/notifications", auth.PermSignedIn, s.notifyPrefsSubmit},
		{"GET /admin/notifications", auth.PermManageNotifications, s.notifyAdmin},
		{"POST /admin/notifications/test", auth.PermManageNotifications, s.notifyTest},
		{"GET /villages/{id}/unreachable", auth.PermViewVillages, s.villageUnreachable},
	}
}

// SetNotifier gives the server the delivery settings of notifications, for the pages that show
// them; without it every external channel is shown off.
func (s *Server) SetNotifier(n *notify.Service) { s.notify = n }

func (s *Server) notifier() *notify.Service {
	if s.notify != nil {
		return s.notify
	}
	return &notify.Service{DB: s.db}
}

// unreadCount is the number in the header: one indexed count, 0 when it fails (the page
// matters more than its badge).
func (s *Server) unreadCount(r *http.Request, p *auth.Principal) int {
	n, err := s.db.UnreadCount(r.Context(), store.MailboxOf(p))
	if err != nil {
		s.log.Error("unread count", "err", err, "id", requestID(r))
		return 0
	}
	return n
}

// InboxItem is one message as the inbox shows it, in the reader's language.
type InboxItem struct {
	ID      int64
	Subject string
	Text    string
	Link    string
	At      string
	Unread  bool
}

// InboxView is the inbox, or one message of it.
type InboxView struct {
	Base
	Items      []InboxItem
	Item       *InboxItem
	Older      int64 // id to page back from; 0 when there is nothing older
	OnlyUnread bool  // showing unread messages only
	CanManage  bool  // an administrator: link to the delivery settings
}

const inboxPage = 30

func (s *Server) inboxItem(b Base, n store.Notice) InboxItem {
	out := notify.Render(s.cat, b.Lang, n)
	return InboxItem{ID: n.ID, Subject: out.Subject, Text: out.Text, Link: out.Link, At: b.DateTime(n.CreatedAt), Unread: !n.Read()}
}

func (s *Server) inboxList(w http.ResponseWriter, r *http.Request) {
	m := store.MailboxOf(principal(r))
	m.PageSize = inboxPage + 1
	m.BeforeID, _ = strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	m.Unread = r.URL.Query().Get("unread") == "1"
	ns, err := s.db.Inbox(r.Context(), m)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := InboxView{Base: s.base(r, "notify.inbox.title"), OnlyUnread: m.Unread, CanManage: principal(r).Can(auth.PermManageNotifications)}
	if len(ns) > inboxPage {
		ns = ns[:inboxPage]
		view.Older = ns[len(ns)-1].ID
	}
	for _, n := range ns {
		view.Items = append(view.Items, s.inboxItem(view.Base, n))
	}
	s.render(w, r, http.StatusOK, "inbox", view)
}

// inboxShow shows one message; another person's message is not found.
func (s *Server) inboxShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.db.Notice(r.Context(), store.MailboxOf(principal(r)), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := InboxView{Base: s.base(r, "notify.inbox.title")}
	it := s.inboxItem(view.Base, n)
	view.Item, view.Title = &it, it.Subject
	s.render(w, r, http.StatusOK, "inbox", view)
}

// inboxRead marks a message read and goes to the page it asks to act on.
func (s *Server) inboxRead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, m := r.Context(), store.MailboxOf(principal(r))
	n, err := s.db.Notice(ctx, m, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.Write(ctx, func(tx *store.Tx) error { return tx.MarkRead(ctx, m, id) }); err != nil {
		s.fail(w, r, err)
		return
	}
	next := "/inbox"
	if r.PostFormValue("open") == "1" && n.Link != "" {
		next = safeNext(n.Link)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) inboxReadAll(w http.ResponseWriter, r *http.Request) {
	ctx, m := r.Context(), store.MailboxOf(principal(r))
	if err := s.db.Write(ctx, func(tx *store.Tx) error { _, err := tx.MarkAllRead(ctx, m); return err }); err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.notify.all_read")
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}

// ChannelOption is one external channel on the preferences page.
type ChannelOption struct {
	Name     string // email, webhook
	Chosen   bool
	On       bool   // the server delivers on it
	Address  string // the address on record it would use, "" when none
	Disabled bool
}

// NotifyPrefsView is the page where a person chooses their channels.
type NotifyPrefsView struct {
	Base
	Form             Form
	Channels         []ChannelOption
	ConsentWithdrawn bool
	CanManage        bool // an administrator: link to the delivery settings
}

func (s *Server) notifyPrefsForm(w http.ResponseWriter, r *http.Request) {
	s.renderPrefs(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderPrefs(w http.ResponseWriter, r *http.Request, status int, posted *store.Prefs, ferr error) {
	n := s.notifier()
	prefs, reach, err := n.Prefs(r.Context(), principal(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if posted != nil {
		prefs = *posted
	}
	view := NotifyPrefsView{Base: s.base(r, "notify.prefs.title"), Form: Form{Values: map[string]string{}, Errors: map[string]string{}},
		ConsentWithdrawn: reach.ConsentWithdrawn, CanManage: principal(r).Can(auth.PermManageNotifications)}
	if ferr != nil {
		s.setError(r, &view.Form, ferr)
	}
	view.Channels = []ChannelOption{
		{Name: store.ChannelEmail, Chosen: prefs.Email, On: n.ChannelOn(store.ChannelEmail), Address: reach.Email},
		{Name: store.ChannelWebhook, Chosen: prefs.Webhook, On: n.ChannelOn(store.ChannelWebhook), Address: reach.Phone},
	}
	for i := range view.Channels {
		c := &view.Channels[i]
		c.Disabled = (!c.On || c.Address == "") && !c.Chosen
	}
	s.render(w, r, status, "notify_prefs", view)
}

func (s *Server) notifyPrefsSubmit(w http.ResponseWriter, r *http.Request) {
	p := store.Prefs{Email: r.PostFormValue("email") == "on", Webhook: r.PostFormValue("webhook") == "on"}
	if err := s.notifier().SetPrefs(r.Context(), principal(r), p); err != nil {
		if len(fault.FieldErrors(err)) == 0 {
			s.fail(w, r, err)
			return
		}
		s.renderPrefs(w, r, http.StatusUnprocessableEntity, &p, err)
		return
	}
	flash(w, "flash.notify.saved")
	http.Redirect(w, r, "/me/notifications", http.StatusSeeOther)
}

// SettingRow is one delivery setting, masked.
type SettingRow struct {
	Key   string
	Value string
}

// NotifyAdminView is the administrator's page of notifications.
type NotifyAdminView struct {
	Base
	Settings []SettingRow
	Counts   map[string]int
	States   []string
	Problems []store.OutboxRow
	Form     Form
}

var settingOrder = []string{"email_on", "smtp_host", "smtp_port", "smtp_tls", "smtp_user", "smtp_password", "smtp_from", "smtp_timeout",
	"webhook_on", "webhook_url", "webhook_secret", "webhook_timeout", "remind_days"}

func (s *Server) notifyAdmin(w http.ResponseWriter, r *http.Request) {
	s.renderNotifyAdmin(w, r, http.StatusOK, Form{Values: map[string]string{}, Errors: map[string]string{}})
}

func (s *Server) renderNotifyAdmin(w http.ResponseWriter, r *http.Request, status int, f Form) {
	st, err := s.notifier().Admin(r.Context(), principal(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := NotifyAdminView{Base: s.base(r, "notify.admin.title"), Counts: st.Counts, Problems: st.Problems, Form: f,
		States: []string{store.OutboxQueued, store.OutboxSending, store.OutboxSent, store.OutboxFailed, store.OutboxSkipped}}
	for _, k := range settingOrder {
		v := st.Settings[k]
		val := ""
		switch x := v.(type) {
		case bool:
			val = view.T("notify.admin.off")
			if x {
				val = view.T("notify.admin.on")
			}
		case int:
			val = strconv.Itoa(x)
		case string:
			val = x
		}
		if (k == "smtp_password" || k == "webhook_secret") && val != "" {
			val = view.T("notify.admin.secret_set") // the page never shows a secret, nor its hash
		}
		if val == "" {
			val = "—"
		}
		view.Settings = append(view.Settings, SettingRow{Key: k, Value: val})
	}
	s.render(w, r, status, "notify_admin", view)
}

func (s *Server) notifyTest(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, "address")
	if err := s.notifier().SendTest(r.Context(), principal(r), f.Get("address")); err != nil {
		if len(fault.FieldErrors(err)) == 0 {
			s.fail(w, r, err)
			return
		}
		s.setError(r, &f, err)
		s.renderNotifyAdmin(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	flash(w, "flash.notify.test_queued")
	http.Redirect(w, r, "/admin/notifications", http.StatusSeeOther)
}

// UnreachableView is the collector's list of a village's people who cannot be reached beyond
// the inbox while a step of theirs is pending.
type UnreachableView struct {
	Base
	VillageID   int64
	VillageName string
	Rows        []notify.UnreachableRow
}

func (s *Server) villageUnreachable(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visibleVillage(w, r)
	if !ok {
		return
	}
	rows, err := s.notifier().Unreachable(r.Context(), principal(r), v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := UnreachableView{Base: s.base(r, "notify.unreachable.title"), VillageID: v.ID, VillageName: v.Name, Rows: rows}
	view.Title = view.T("notify.unreachable.title") + " — " + v.Name
	s.render(w, r, http.StatusOK, "notify_unreachable", view)
}

// Reason translates an outbox row's skip reason; an error message is shown as it is.
func (v NotifyAdminView) Reason(code string) string {
	if v.cat.Has(v.Lang, "notify.reason."+code) {
		return v.T("notify.reason." + code)
	}
	return code
}
