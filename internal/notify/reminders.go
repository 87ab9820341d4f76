package notify

import (
	"context"
	"fmt"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// ReminderResult counts the reminders one run queued (those queued by an earlier run of the
// same day are not counted again).
type ReminderResult struct {
	People   int
	Officers int
}

// Queued is the number of reminders queued.
func (r ReminderResult) Queued() int { return r.People + r.Officers }

// officerRoles are the roles whose holders get a summary of their queue; administrators follow
// the pages instead.
var officerRoles = []auth.Role{auth.RoleCollector, auth.RoleUnitOfficer, auth.RoleCommuneOfficer, auth.RoleCityOfficer}

// Reminders queues the reminders due on day (yyyy-mm-dd, Asia/Ho_Chi_Minh): for each cycle
// deadline that falls Cfg.ReminderDays days after day, a reminder to each person whose own step
// is pending (pledged but not self-assessed, or returned) when the deadline is the
// self-assessment's, and one summary per officer with the counts of their queue (to verify, to
// appraise, to decide) when it is the verification's, appraisal's or decision's. Each reminder
// is keyed by (cycle, deadline, recipient, days before), so a second run queues nothing new.
func (w *Worker) Reminders(ctx context.Context, day string) (ReminderResult, error) {
	var res ReminderResult
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		return res, fmt.Errorf("notify: day %q: use YYYY-MM-DD", day)
	}
	cfg := w.Cfg.WithDefaults()
	cycles, err := w.DB.OpenCycles(ctx, day)
	if err != nil {
		return res, err
	}
	var officers []store.OfficerAccount
	for _, cy := range cycles {
		for _, n := range cfg.ReminderDays {
			target := d.AddDate(0, 0, n).Format("2006-01-02")
			key := fmt.Sprintf("reminder:%d:%s:%d", cy.ID, target, n)
			if cy.SelfAssessBy == target {
				k, err := w.remindPeople(ctx, cy, target, n, key)
				if err != nil {
					return res, err
				}
				res.People += k
			}
			steps := pendingSteps{verify: cy.VerifyBy == target, appraise: cy.AppraiseBy == target, decide: cy.DecideBy == target}
			if !steps.any() {
				continue
			}
			if officers == nil {
				if officers, err = w.DB.OfficerAccounts(ctx, officerRoles); err != nil {
					return res, err
				}
			}
			k, err := w.remindOfficers(ctx, cy, officers, steps, target, n, key)
			if err != nil {
				return res, err
			}
			res.Officers += k
		}
	}
	if res.Queued() > 0 {
		err = w.DB.Write(ctx, func(tx *store.Tx) error {
			return tx.RecordNotifyRun(ctx, "notify.reminders", map[string]any{"day": day, "people": res.People, "officers": res.Officers})
		})
	}
	return res, err
}

type pendingSteps struct{ verify, appraise, decide bool }

func (p pendingSteps) any() bool { return p.verify || p.appraise || p.decide }

// due counts the records waiting for the steps whose deadline it is.
func (p pendingSteps) due(q recognition.Pending) int {
	n := 0
	if p.verify {
		n += q.Verify
	}
	if p.appraise {
		n += q.Appraise
	}
	if p.decide {
		n += q.Decide
	}
	return n
}

func (w *Worker) remindPeople(ctx context.Context, cy store.Cycle, deadline string, days int, key string) (int, error) {
	as, err := w.DB.PendingOwnSteps(ctx, cy.ID)
	if err != nil {
		return 0, err
	}
	queued := 0
	err = w.DB.Write(ctx, func(tx *store.Tx) error {
		queued = 0
		for _, a := range as {
			args := store.NoticeArgs{Title: cy.Title, Year: cy.Year, Deadline: deadline, Days: days}
			if a.SubjectKind != "citizen" {
				args.Subject = a.SubjectName
			}
			n := store.Notice{ProvinceCode: a.ProvinceCode, CommuneCode: a.CommuneCode, CitizenID: a.CitizenID, Kind: store.NoticeReminderPerson,
				Args: args, Link: fmt.Sprintf("/assessments/%d", a.ID)}
			ok, err := tx.QueueNotice(ctx, &n, key)
			if err != nil {
				return err
			}
			if ok {
				queued++
			}
		}
		return nil
	})
	return queued, err
}

func (w *Worker) remindOfficers(ctx context.Context, cy store.Cycle, officers []store.OfficerAccount, steps pendingSteps, deadline string, days int, key string) (int, error) {
	type due struct {
		acc store.OfficerAccount
		p   recognition.Pending
	}
	var list []due
	for _, o := range officers {
		p, err := w.Rec.PendingFor(ctx, &auth.Principal{UserID: o.UserID, Grants: o.Grants}, cy)
		if err != nil {
			return 0, err
		}
		if steps.due(p) > 0 {
			list = append(list, due{o, p})
		}
	}
	queued := 0
	err := w.DB.Write(ctx, func(tx *store.Tx) error {
		queued = 0
		for _, d := range list {
			g := d.acc.Grants[0]
			n := store.Notice{ProvinceCode: g.ProvinceCode, CommuneCode: g.CommuneCode, UserID: d.acc.UserID, Kind: store.NoticeReminderOffice,
				Args: store.NoticeArgs{Title: cy.Title, Year: cy.Year, Deadline: deadline, Days: days, Verify: d.p.Verify, Appraise: d.p.Appraise, Decide: d.p.Decide},
				Link: "/evaluation"}
			ok, err := tx.QueueNotice(ctx, &n, key)
			if err != nil {
				return err
			}
			if ok {
				queued++
			}
		}
		return nil
	})
	return queued, err
}
