package learning

import (
	"strings"
	"testing"
	"time"

	"hoctap/internal/fault"
)

func TestCompletionRule(t *testing.T) {
	for _, c := range []struct {
		attended, total, min int
		want                 bool
	}{
		{4, 5, 80, true},   // exactly 80%
		{3, 5, 80, false},  // 60%
		{4, 4, 80, true},   // 80% of 4 is 3.2: rounded up to 4
		{3, 4, 80, false},  // 75%
		{5, 5, 100, true},  // every session
		{4, 5, 100, false}, // one missed
		{1, 10, 10, true},
		{0, 10, 10, false},
		{0, 0, 80, false}, // no sessions: nothing to complete
		{7, 9, 75, true},  // 75% of 9 is 6.75 → 7
		{6, 9, 75, false},
	} {
		if got := Completed(c.attended, c.total, c.min); got != c.want {
			t.Errorf("Completed(%d of %d, %d%%) = %v, want %v", c.attended, c.total, c.min, got, c.want)
		}
	}
	if Required(5, 80) != 4 || Required(10, 80) != 8 || Required(3, 80) != 3 {
		t.Errorf("Required: %d %d %d", Required(5, 80), Required(10, 80), Required(3, 80))
	}
}

func keyOf(err error) string {
	if fe, ok := fault.As(err); ok {
		return fe.Key
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestToken(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	other := []byte("another key of thirty-two bytes!")
	// 10:00:00 on a day, on a minute boundary.
	t0 := time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)
	tok := Token(key, 42, t0)
	forged := strings.Replace(tok, "42.", "43.", 1) // the same code moved to another session
	for _, c := range []struct {
		name    string
		key     []byte
		token   string
		now     time.Time
		session int64
		err     string
	}{
		{"same instant", key, tok, t0, 42, ""},
		{"last second of its minute", key, tok, t0.Add(59*time.Second + 999*time.Millisecond), 42, ""},
		{"next minute: still valid", key, tok, t0.Add(60 * time.Second), 42, ""},
		{"end of the next minute", key, tok, t0.Add(119 * time.Second), 42, ""},
		{"two minutes later: expired", key, tok, t0.Add(120 * time.Second), 0, KeyTokenExpired},
		{"replayed next day: expired", key, tok, t0.Add(24 * time.Hour), 0, KeyTokenExpired},
		{"one second before its minute: from the future", key, tok, t0.Add(-time.Second), 0, KeyTokenExpired},
		{"wrong session (altered id)", key, forged, t0, 0, KeyTokenInvalid},
		{"another server's key", other, tok, t0, 0, KeyTokenInvalid},
		{"window altered", key, strings.Replace(tok, ".", ".9", 1), t0, 0, KeyTokenInvalid},
		{"leading zero in the id", key, "0" + tok, t0, 0, KeyTokenInvalid},
		{"garbage", key, "not-a-token", t0, 0, KeyTokenInvalid},
		{"empty", key, "", t0, 0, KeyTokenInvalid},
		{"mac cut short", key, tok[:len(tok)-2], t0, 0, KeyTokenInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			sid, err := ParseToken(c.key, c.token, c.now)
			if keyOf(err) != c.err || sid != c.session {
				t.Fatalf("ParseToken = %d, %q; want %d, %q", sid, keyOf(err), c.session, c.err)
			}
		})
	}
	// A code changes every minute and differs between sessions.
	if Token(key, 42, t0) == Token(key, 42, t0.Add(time.Minute)) || Token(key, 42, t0) == Token(key, 41, t0) {
		t.Error("tokens do not change with the minute or the session")
	}
	if Token(key, 42, t0) != Token(key, 42, t0.Add(30*time.Second)) {
		t.Error("the token changed inside its minute")
	}
}

func TestValidateProgramme(t *testing.T) {
	ok := func(string) bool { return true }
	good := func() ProgrammeInput {
		return ProgrammeInput{Title: "Kỹ năng số cơ bản", Topic: "digital_skills", Mode: "in_person", CommuneCode: "00004", Address: "Nhà văn hoá",
			Capacity: 20, Sessions: []SessionInput{{Day: "2026-03-10", Start: "08:00", End: "10:00"}, {Day: "2026-03-17", Start: "08:00", End: "10:30"}}}
	}
	fields := func(err error) map[string]string {
		m := map[string]string{}
		for _, e := range fault.FieldErrors(err) {
			m[e.Field] = e.Key
		}
		return m
	}
	for _, c := range []struct {
		name  string
		edit  func(*ProgrammeInput)
		field string
		key   string
	}{
		{"valid", func(*ProgrammeInput) {}, "", ""},
		{"no title", func(p *ProgrammeInput) { p.Title = "  " }, "title", "programme.title.required"},
		{"bad topic", func(p *ProgrammeInput) { p.Topic = "cooking" }, "topic", "programme.topic.invalid"},
		{"bad mode", func(p *ProgrammeInput) { p.Mode = "radio" }, "mode", "programme.mode.invalid"},
		{"no address in person", func(p *ProgrammeInput) { p.Address = "" }, "address", "programme.address.required"},
		{"online without address", func(p *ProgrammeInput) { p.Mode, p.Address = "online", "" }, "", ""},
		{"capacity zero", func(p *ProgrammeInput) { p.Capacity = 0 }, "capacity", "programme.capacity.invalid"},
		{"rule above 100", func(p *ProgrammeInput) { p.MinAttendance = 120 }, "min_attendance", "programme.min_attendance.invalid"},
		{"no sessions", func(p *ProgrammeInput) { p.Sessions = nil }, "sessions", "programme.sessions.required"},
		{"session in the past", func(p *ProgrammeInput) { p.Sessions[0].Day = "2026-03-01" }, "sessions", "programme.session.past"},
		{"end before start", func(p *ProgrammeInput) { p.Sessions[0].End = "07:00" }, "sessions", "programme.session.end_before_start"},
		{"bad day", func(p *ProgrammeInput) { p.Sessions[0].Day = "2026-02-30" }, "sessions", "programme.session.day_invalid"},
		{"bad time", func(p *ProgrammeInput) { p.Sessions[0].Start = "8h" }, "sessions", "programme.session.time_invalid"},
		{"hours exceed the sessions", func(p *ProgrammeInput) { p.Hours = 5 }, "hours", "programme.hours.exceed"},
		{"hours equal to the sessions", func(p *ProgrammeInput) { p.Hours = 4.5 }, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := good()
			c.edit(&in)
			err := in.Validate("2026-03-02", nil, ok)
			f := fields(err)
			if c.field == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			if f[c.field] != c.key {
				t.Fatalf("errors %v, want %s on %s", f, c.key, c.field)
			}
		})
	}
	// A kept session in the past (a programme under way) is allowed; a changed one is not.
	in := good()
	in.Sessions[0] = SessionInput{ID: 7, Day: "2026-02-20", Start: "08:00", End: "10:00"}
	if err := in.Validate("2026-03-02", map[int64]SessionInput{7: in.Sessions[0]}, ok); err != nil {
		t.Fatalf("kept past session refused: %v", err)
	}
	kept := in.Sessions[0]
	in.Sessions[0].End = "11:00"
	if err := in.Validate("2026-03-02", map[int64]SessionInput{7: kept}, ok); fields(err)["sessions"] != "programme.session.past" {
		t.Fatalf("changed past session accepted: %v", err)
	}
	if g := good(); g.Minutes() != 270 {
		t.Errorf("Minutes = %d", g.Minutes())
	}
}
