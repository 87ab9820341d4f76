package learning

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/fault"
)

// Topics of programmes (issue 6 §1), in the order forms list them.
var Topics = []string{"digital_skills", "law", "health", "agriculture_trades", "foreign_language", "culture", "other"}

// Modes of programmes.
var Modes = []string{"in_person", "online", "mixed"}

// States of a programme: a draft is seen by its provider only; published is in the catalogue;
// cancelled stays visible, marked, so people who enrolled learn of it.
const (
	StateDraft     = "draft"
	StatePublished = "published"
	StateCancelled = "cancelled"
)

// States of an enrolment.
const (
	EnrolEnrolled  = "enrolled"
	EnrolWaiting   = "waiting"
	EnrolCancelled = "cancelled"
)

// Methods of attendance and sources of completions.
const (
	MethodQR     = "qr"
	MethodList   = "list"
	MethodImport = "import"

	SourceAttendance = "attendance"
	SourceImport     = "import"
)

// DefaultMinAttendance is the completion rule unless the provider sets another: 80% of the
// sessions, the example of issue 6 §3.
const DefaultMinAttendance = 80

// Required returns how many of total sessions a person must attend to complete a programme
// whose rule is minPercent of the sessions (rounded up: 80% of 4 sessions is 4, of 5 is 4).
func Required(total, minPercent int) int {
	if total <= 0 {
		return 0
	}
	return (total*minPercent + 99) / 100
}

// Completed tells whether attending attended of total sessions meets the rule.
func Completed(attended, total, minPercent int) bool {
	return total > 0 && attended >= Required(total, minPercent)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// SessionInput is one dated session as a form gives it.
type SessionInput struct {
	ID    int64  // an existing session, 0 for a new one
	Day   string // yyyy-mm-dd
	Start string // HH:MM
	End   string // HH:MM
}

// Minutes is the length of a valid session.
func (s SessionInput) Minutes() int {
	a, _ := time.Parse("15:04", s.Start)
	b, _ := time.Parse("15:04", s.End)
	return int(b.Sub(a).Minutes())
}

// ProgrammeInput is what a provider enters for a programme.
type ProgrammeInput struct {
	Title             string
	Description       string
	Topic             string
	Audience          string
	Mode              string
	CommuneCode       string
	Address           string
	Hours             float64 // learning time; 0 takes the sum of the sessions
	Capacity          int
	IssuesCertificate bool
	MinAttendance     int // percent of sessions; 0 takes DefaultMinAttendance
	Sessions          []SessionInput
}

// Validate checks a programme and lists every problem at once. today is the day in Hà Nội
// (yyyy-mm-dd); a new or changed session may not lie before it — kept sessions (unchanged[id])
// may. communeOK tells whether a commune code is a current commune.
func (in *ProgrammeInput) Validate(today string, unchanged map[int64]SessionInput, communeOK func(string) bool) error {
	var es fault.Errors
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		es.Add("title", "programme.title.required")
	} else if len([]rune(in.Title)) > 200 {
		es.Add("title", "programme.title.too_long", 200)
	}
	if len([]rune(in.Description)) > 5000 {
		es.Add("description", "programme.description.too_long", 5000)
	}
	if !contains(Topics, in.Topic) {
		es.Add("topic", "programme.topic.invalid")
	}
	if !contains(Modes, in.Mode) {
		es.Add("mode", "programme.mode.invalid")
	}
	if in.CommuneCode == "" || !communeOK(in.CommuneCode) {
		es.Add("commune_code", "programme.commune.invalid")
	}
	if in.Mode != "online" && strings.TrimSpace(in.Address) == "" {
		es.Add("address", "programme.address.required")
	}
	if in.Capacity < 1 || in.Capacity > 100000 {
		es.Add("capacity", "programme.capacity.invalid")
	}
	if in.MinAttendance == 0 {
		in.MinAttendance = DefaultMinAttendance
	}
	if in.MinAttendance < 1 || in.MinAttendance > 100 {
		es.Add("min_attendance", "programme.min_attendance.invalid")
	}
	if len(in.Sessions) == 0 {
		es.Add("sessions", "programme.sessions.required")
	}
	total := 0
	seen := map[string]bool{}
	for i, s := range in.Sessions {
		n := i + 1
		d, err := time.Parse("2006-01-02", s.Day)
		a, errA := time.Parse("15:04", s.Start)
		b, errB := time.Parse("15:04", s.End)
		switch {
		case err != nil || d.Format("2006-01-02") != s.Day:
			es.Add("sessions", "programme.session.day_invalid", n)
			continue
		case errA != nil || errB != nil:
			es.Add("sessions", "programme.session.time_invalid", n)
			continue
		case !b.After(a):
			es.Add("sessions", "programme.session.end_before_start", n)
			continue
		}
		if old, kept := unchanged[s.ID]; !(kept && s.ID != 0 && old == s) && s.Day < today {
			es.Add("sessions", "programme.session.past", n, d.Format("02/01/2006"))
		}
		key := s.Day + " " + s.Start
		if seen[key] {
			es.Add("sessions", "programme.session.duplicate", n)
		}
		seen[key] = true
		total += s.Minutes()
	}
	if in.Hours < 0 {
		es.Add("hours", "programme.hours.invalid")
	} else if in.Hours > 0 && total > 0 && int(in.Hours*60+0.5) > total {
		// The learning time cannot exceed the time between the sessions' start and end.
		es.Add("hours", "programme.hours.exceed", formatHours(total))
	}
	return es.Err()
}

// Minutes returns the programme's learning time: the hours entered, or the sessions' sum.
func (in ProgrammeInput) Minutes() int {
	if in.Hours > 0 {
		return int(in.Hours*60 + 0.5)
	}
	total := 0
	for _, s := range in.Sessions {
		total += s.Minutes()
	}
	return total
}

// formatHours writes minutes as hours the Vietnamese way: "7,5".
func formatHours(minutes int) string {
	h := strconv.FormatFloat(float64(minutes)/60, 'f', -1, 64)
	return strings.Replace(h, ".", ",", 1)
}

// FormatHours writes minutes as hours for pages and files ("7,5").
func FormatHours(minutes int) string { return formatHours(minutes) }

// Check-in tokens. A token is "S.W.MAC": the session id, the minute window (Unix minutes) and
// base64url of the first 16 bytes of HMAC-SHA256(key, "checkin:S:W"). It is accepted during
// its own minute and the next one, so a code shown at 10:00:59 still works when scanned a few
// seconds later, and never after 10:02.

// Token errors, as catalog keys.
const (
	KeyTokenInvalid = "checkin.token.invalid" // not a token of this server (altered, other key, other session)
	KeyTokenExpired = "checkin.token.expired" // an old code: a photo or a copied link
)

// Window is the minute window of an instant.
func Window(t time.Time) int64 { return t.Unix() / 60 }

func tokenMAC(key []byte, sessionID, window int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("checkin:" + strconv.FormatInt(sessionID, 10) + ":" + strconv.FormatInt(window, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// Token returns the check-in token of a session at an instant.
func Token(key []byte, sessionID int64, at time.Time) string {
	w := Window(at)
	return strconv.FormatInt(sessionID, 10) + "." + strconv.FormatInt(w, 10) + "." + tokenMAC(key, sessionID, w)
}

// ParseToken checks a token at now and returns its session. A token that is malformed or
// whose MAC does not match (another key, an altered session or window) is KeyTokenInvalid; a
// genuine one of an earlier minute than the previous is KeyTokenExpired, and so is one from
// the future (a clock set wrong cannot make codes that work later).
func ParseToken(key []byte, token string, now time.Time) (int64, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0, fault.New(fault.Invalid, KeyTokenInvalid)
	}
	sid, err1 := strconv.ParseInt(parts[0], 10, 64)
	w, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || sid <= 0 || parts[0] != strconv.FormatInt(sid, 10) || parts[1] != strconv.FormatInt(w, 10) {
		return 0, fault.New(fault.Invalid, KeyTokenInvalid)
	}
	if !hmac.Equal([]byte(parts[2]), []byte(tokenMAC(key, sid, w))) {
		return 0, fault.New(fault.Invalid, KeyTokenInvalid)
	}
	cur := Window(now)
	if w != cur && w != cur-1 {
		return 0, fault.New(fault.Invalid, KeyTokenExpired)
	}
	return sid, nil
}
