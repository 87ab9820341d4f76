package notify

import (
	"strconv"
	"time"

	"hoctap/internal/i18n"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// Rendered is a message in one language.
type Rendered struct {
	Subject string
	Text    string
	Link    string
}

// Render writes a notification in lang from the catalog ("notify.msg.<kind>.subject" and
// ".text"). Years are passed as text, so they are never grouped ("2026", not "2.026").
func Render(cat *i18n.Catalogs, lang string, n store.Notice) Rendered {
	a := n.Args
	what := ""
	if a.Title != "" {
		title := recognition.TitleName(a.Title)
		if lang == "en" {
			title = recognition.TitleNameEN(a.Title)
		}
		what = cat.T(lang, "notify.what", title, strconv.Itoa(a.Year))
		if a.Subject != "" {
			what = cat.T(lang, "notify.what.subject", title, strconv.Itoa(a.Year), a.Subject)
		}
	}
	var args []any
	switch n.Kind {
	case store.NoticeReturned:
		args = []any{what, a.Comment}
	case store.NoticeNotRecognised, store.NoticeRevoked:
		args = []any{what, a.Reason}
	case store.NoticeReminderPerson:
		args = []any{what, a.Days, day(a.Deadline)}
	case store.NoticeReminderOffice:
		args = []any{day(a.Deadline), a.Days, a.Verify, a.Appraise, a.Decide, what}
	default:
		args = []any{what}
	}
	return Rendered{
		Subject: cat.T(lang, "notify.msg."+n.Kind+".subject", args...),
		Text:    cat.T(lang, "notify.msg."+n.Kind+".text", args...),
		Link:    n.Link,
	}
}

// day writes an ISO date as dd/mm/yyyy.
func day(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}
