package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
)

// TestNotifyRemindersCommand loads a small demo, checks that the demo citizen's inbox holds the
// messages of last year's steps, and queues the reminders of the day a week before this year's
// self-assessment deadline twice: the second run queues nothing.
func TestNotifyRemindersCommand(t *testing.T) {
	ctx := context.Background()
	url := testdb.URL(t)
	db, err := store.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SyncAdminUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	accounts, err := LoadDemo(ctx, db, units, 3, 120, nil)
	if err != nil {
		t.Fatal(err)
	}
	var citizen DemoAccount
	for _, a := range accounts {
		if a.Role == auth.RoleCitizen {
			citizen = a
		}
	}
	c, err := db.CitizenByNationalID(ctx, citizen.Login)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := db.Inbox(ctx, store.Mailbox{Citizens: []int64{c.ID}})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, n := range ns {
		kinds = append(kinds, n.Kind)
	}
	if got := strings.Join(kinds, ","); !strings.HasPrefix(got, "recognised,verified,returned") {
		t.Fatalf("the demo citizen's inbox holds %q, want the newest to be recognised,verified,returned (last year's record)", got)
	}
	cy, err := (&recognition.Service{DB: db, Units: units}).CurrentCycle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deadline, _ := time.Parse("2006-01-02", cy.SelfAssessBy)
	day := deadline.AddDate(0, 0, -7).Format("2006-01-02")
	code, out, stderr := run(t, "", "notify", "reminders", "--db", url, "--day", day)
	if code != 0 || !strings.Contains(out, "reminders of "+day) || strings.Contains(out, ": 0 to people") {
		t.Fatalf("first run: %d %q %s", code, out, stderr)
	}
	if code, out, _ := run(t, "", "notify", "reminders", "--db", url, "--day", day); code != 0 || !strings.Contains(out, ": 0 to people, 0 to officers") {
		t.Fatalf("second run queued again: %q", out)
	}
	if code, _, stderr := run(t, "", "notify", "reminders", "--db", url, "--day", "31/12/2026"); code == 0 || !strings.Contains(stderr, "YYYY-MM-DD") {
		t.Fatalf("a day in the wrong format: %d %s", code, stderr)
	}
}
