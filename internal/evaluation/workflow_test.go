package evaluation_test

import (
	"fmt"
	"testing"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/evaluation"
)

// allStates is every state plus "" (no assessment yet), the start of a pledge.
var allStates = append([]evaluation.State{""}, evaluation.States...)

// TestCanTake checks every step in every state: the table says where each step is allowed,
// and every other (step, state) pair must be refused.
func TestCanTake(t *testing.T) {
	allowed := map[evaluation.Step][]evaluation.State{
		evaluation.StepPledge:   {""},
		evaluation.StepSubmit:   {evaluation.StatePledged, evaluation.StateReturned, evaluation.StateSelfAssessed},
		evaluation.StepVerify:   {evaluation.StateSelfAssessed},
		evaluation.StepReturn:   {evaluation.StateSelfAssessed, evaluation.StateVerified},
		evaluation.StepAppraise: {evaluation.StateVerified},
		evaluation.StepDecide:   {evaluation.StateAppraised},
		evaluation.StepReopen:   {evaluation.StateRecognised, evaluation.StateNotRecognised},
		evaluation.StepRevoke:   {evaluation.StateRecognised},
	}
	if len(allowed) != len(evaluation.Steps) {
		t.Fatalf("the table covers %d steps, the package has %d", len(allowed), len(evaluation.Steps))
	}
	n := 0
	for _, step := range evaluation.Steps {
		from, ok := allowed[step]
		if !ok {
			t.Fatalf("step %q is not in the table", step)
		}
		for _, s := range allStates {
			want := false
			for _, f := range from {
				if f == s {
					want = true
				}
			}
			t.Run(fmt.Sprintf("%s/from_%q", step, s), func(t *testing.T) {
				if got := evaluation.CanTake(step, s); got != want {
					t.Errorf("CanTake(%s, %q) = %v, want %v", step, s, got, want)
				}
			})
			n++
		}
	}
	if n != 8*9 {
		t.Fatalf("checked %d pairs, want 72", n)
	}
	// An unknown step or state is never allowed.
	for _, s := range allStates {
		if evaluation.CanTake("approve", s) {
			t.Errorf("unknown step allowed in %q", s)
		}
	}
	for _, step := range evaluation.Steps {
		if evaluation.CanTake(step, "archived") {
			t.Errorf("%s allowed from an unknown state", step)
		}
	}
}

// TestNext checks where each step leads, for both outcomes.
func TestNext(t *testing.T) {
	tests := []struct {
		step    evaluation.Step
		outcome bool
		want    evaluation.State
	}{
		{evaluation.StepPledge, true, evaluation.StatePledged},
		{evaluation.StepPledge, false, evaluation.StatePledged},
		{evaluation.StepSubmit, true, evaluation.StateSelfAssessed},
		{evaluation.StepSubmit, false, evaluation.StateSelfAssessed},
		{evaluation.StepVerify, true, evaluation.StateVerified},
		{evaluation.StepVerify, false, evaluation.StateVerified},
		{evaluation.StepReturn, true, evaluation.StateReturned},
		{evaluation.StepReturn, false, evaluation.StateReturned},
		{evaluation.StepAppraise, true, evaluation.StateAppraised},
		{evaluation.StepAppraise, false, evaluation.StateAppraised},
		{evaluation.StepDecide, true, evaluation.StateRecognised},
		{evaluation.StepDecide, false, evaluation.StateNotRecognised},
		{evaluation.StepReopen, true, evaluation.StateSelfAssessed},
		{evaluation.StepReopen, false, evaluation.StateSelfAssessed},
		{evaluation.StepRevoke, true, evaluation.StateRevoked},
		{evaluation.StepRevoke, false, evaluation.StateRevoked},
		{"approve", true, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%v", tt.step, tt.outcome), func(t *testing.T) {
			got := evaluation.Next(tt.step, tt.outcome)
			if got != tt.want {
				t.Fatalf("Next(%s, %v) = %q, want %q", tt.step, tt.outcome, got, tt.want)
			}
			if got != "" && !got.Valid() {
				t.Fatalf("Next(%s) = %q is not a known state", tt.step, got)
			}
		})
	}
	// Every step's result may be followed by some step, or is a final state; and where a step
	// leads, it may not be taken again at once (no loops), except re-submitting before verification.
	for _, step := range evaluation.Steps {
		for _, outcome := range []bool{true, false} {
			to := evaluation.Next(step, outcome)
			again := evaluation.CanTake(step, to)
			if again != (step == evaluation.StepSubmit) {
				t.Errorf("%s leads to %q, from which it may be taken again: %v", step, to, again)
			}
		}
	}
}

// TestDecided checks which states lock the record.
func TestDecided(t *testing.T) {
	want := map[evaluation.State]bool{evaluation.StateRecognised: true, evaluation.StateNotRecognised: true, evaluation.StateRevoked: true}
	for _, s := range allStates {
		if got := s.Decided(); got != want[s] {
			t.Errorf("%q.Decided() = %v, want %v", s, got, want[s])
		}
	}
	for _, s := range evaluation.States {
		if !s.Valid() {
			t.Errorf("%q not valid", s)
		}
	}
	if evaluation.State("").Valid() || evaluation.State("Pledged").Valid() {
		t.Error("an empty or miscased state is valid")
	}
}

// TestPermission checks what each step needs, on one's own record and on someone else's.
func TestPermission(t *testing.T) {
	tests := []struct {
		step        evaluation.Step
		self, other auth.Permission
	}{
		{evaluation.StepPledge, auth.PermSelfAssess, auth.PermAssistAssessment},
		{evaluation.StepSubmit, auth.PermSelfAssess, auth.PermAssistAssessment},
		{evaluation.StepVerify, auth.PermVerifyAssessments, auth.PermVerifyAssessments},
		{evaluation.StepReturn, auth.PermVerifyAssessments, auth.PermVerifyAssessments},
		{evaluation.StepAppraise, auth.PermAppraiseAssessments, auth.PermAppraiseAssessments},
		{evaluation.StepDecide, auth.PermAppraiseAssessments, auth.PermAppraiseAssessments},
		{evaluation.StepReopen, auth.PermAppraiseAssessments, auth.PermAppraiseAssessments},
		{evaluation.StepRevoke, auth.PermAppraiseAssessments, auth.PermAppraiseAssessments},
	}
	if len(tests) != len(evaluation.Steps) {
		t.Fatalf("table has %d steps, package %d", len(tests), len(evaluation.Steps))
	}
	for _, tt := range tests {
		t.Run(string(tt.step), func(t *testing.T) {
			if got := evaluation.Permission(tt.step, true); got != tt.self {
				t.Errorf("self: %q, want %q", got, tt.self)
			}
			if got := evaluation.Permission(tt.step, false); got != tt.other {
				t.Errorf("other: %q, want %q", got, tt.other)
			}
		})
	}
	// A citizen may take no step on someone else's record, and only pledge and submit on their own.
	for _, step := range evaluation.Steps {
		self := auth.RoleHas(auth.RoleCitizen, evaluation.Permission(step, true))
		if want := step == evaluation.StepPledge || step == evaluation.StepSubmit; self != want {
			t.Errorf("a citizen on their own record, %s: %v, want %v", step, self, want)
		}
		if auth.RoleHas(auth.RoleCitizen, evaluation.Permission(step, false)) {
			t.Errorf("a citizen may take %s on someone else's record", step)
		}
	}
}

var cycle = evaluation.Dates{OpensOn: "2026-03-01", PledgeBy: "2026-04-30", SelfAssessBy: "2026-06-30",
	VerifyBy: "2026-08-31", AppraiseBy: "2026-10-31", DecideBy: "2026-12-15"}

func TestDatesOrdered(t *testing.T) {
	same := evaluation.Dates{OpensOn: "2026-05-01", PledgeBy: "2026-05-01", SelfAssessBy: "2026-05-01",
		VerifyBy: "2026-05-01", AppraiseBy: "2026-05-01", DecideBy: "2026-05-01"}
	tests := []struct {
		name string
		d    evaluation.Dates
		want bool
	}{
		{"the year's order", cycle, true},
		{"all on one day", same, true},
		{"pledge before opening", with(cycle, func(d *evaluation.Dates) { d.PledgeBy = "2026-02-28" }), false},
		{"self-assessment before pledge", with(cycle, func(d *evaluation.Dates) { d.SelfAssessBy = "2026-04-29" }), false},
		{"self-assessment on the pledge day", with(cycle, func(d *evaluation.Dates) { d.SelfAssessBy = "2026-04-30" }), true},
		{"verification before self-assessment", with(cycle, func(d *evaluation.Dates) { d.VerifyBy = "2026-06-29" }), false},
		{"appraisal before verification", with(cycle, func(d *evaluation.Dates) { d.AppraiseBy = "2026-08-30" }), false},
		{"decision before appraisal", with(cycle, func(d *evaluation.Dates) { d.DecideBy = "2026-10-30" }), false},
		{"decision on the appraisal day", with(cycle, func(d *evaluation.Dates) { d.DecideBy = "2026-10-31" }), true},
		{"opening after everything", with(cycle, func(d *evaluation.Dates) { d.OpensOn = "2027-01-01" }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Ordered(); got != tt.want {
				t.Errorf("Ordered(%+v) = %v, want %v", tt.d, got, tt.want)
			}
		})
	}
}

func with(d evaluation.Dates, f func(*evaluation.Dates)) evaluation.Dates {
	f(&d)
	return d
}

// TestLate checks lateness at the edges: the deadline day itself is not late, the next day is.
func TestLate(t *testing.T) {
	tests := []struct {
		state    evaluation.State
		deadline string
		step     evaluation.Step
	}{
		{evaluation.StatePledged, cycle.SelfAssessBy, evaluation.StepSubmit},
		{evaluation.StateReturned, cycle.SelfAssessBy, evaluation.StepSubmit},
		{evaluation.StateSelfAssessed, cycle.VerifyBy, evaluation.StepVerify},
		{evaluation.StateVerified, cycle.AppraiseBy, evaluation.StepAppraise},
		{evaluation.StateAppraised, cycle.DecideBy, evaluation.StepDecide},
	}
	for _, tt := range tests {
		t.Run(string(tt.state), func(t *testing.T) {
			d, step := evaluation.Deadline(cycle, tt.state)
			if d != tt.deadline || step != tt.step {
				t.Fatalf("Deadline = %q %q, want %q %q", d, step, tt.deadline, tt.step)
			}
			for _, c := range []struct {
				today string
				late  bool
			}{
				{"2026-01-01", false},
				{dayBefore(tt.deadline), false},
				{tt.deadline, false}, // the last day on which the step may be taken
				{dayAfter(tt.deadline), true},
				{"2027-12-31", true},
			} {
				if got := cycle.Late(tt.state, c.today); got != c.late {
					t.Errorf("Late(%s, %s) = %v, want %v (deadline %s)", tt.state, c.today, got, c.late, tt.deadline)
				}
			}
		})
	}
	// States with no next step of the workflow are never late.
	for _, s := range []evaluation.State{"", evaluation.StateRecognised, evaluation.StateNotRecognised, evaluation.StateRevoked} {
		if d, step := evaluation.Deadline(cycle, s); d != "" || step != "" {
			t.Errorf("Deadline(%q) = %q %q, want none", s, d, step)
		}
		if cycle.Late(s, "2099-12-31") {
			t.Errorf("%q is late", s)
		}
	}
}

func dayAfter(d string) string  { return shift(d, 1) }
func dayBefore(d string) string { return shift(d, -1) }

func shift(d string, days int) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		panic(err)
	}
	return t.AddDate(0, 0, days).Format("2006-01-02")
}
