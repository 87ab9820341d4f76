package evaluation

import (
	"hoctap/internal/auth"
)

// State is where an assessment stands in its cycle (DESIGN §3: registered (pledge) →
// self-assessed → verified → appraised → recognised | not recognised).
type State string

// The states of an assessment.
const (
	StatePledged       State = "pledged"        // đã đăng ký phấn đấu
	StateReturned      State = "returned"       // trả lại để bổ sung, with the verifier's comment
	StateSelfAssessed  State = "self_assessed"  // đã tự đánh giá
	StateVerified      State = "verified"       // đã xác nhận at the village or work unit
	StateAppraised     State = "appraised"      // đã thẩm định by the commune, proposed or not
	StateRecognised    State = "recognised"     // được công nhận by a decision
	StateNotRecognised State = "not_recognised" // không được công nhận, with the reason
	StateRevoked       State = "revoked"        // công nhận bị thu hồi, with the reason
)

// States lists the states in the order of the year, for pipelines and filters.
var States = []State{StatePledged, StateReturned, StateSelfAssessed, StateVerified, StateAppraised, StateRecognised, StateNotRecognised, StateRevoked}

// Valid tells whether s is a known state.
func (s State) Valid() bool {
	for _, x := range States {
		if x == s {
			return true
		}
	}
	return false
}

// Decided tells whether a decision has been taken on the assessment: its record is then locked
// and only a correction (reopen) or a revocation changes it.
func (s State) Decided() bool {
	return s == StateRecognised || s == StateNotRecognised || s == StateRevoked
}

// Step is one action on an assessment.
type Step string

// The steps of the yearly workflow.
const (
	StepPledge   Step = "pledge"   // đăng ký phấn đấu
	StepSubmit   Step = "submit"   // nộp bản tự đánh giá (or enter it for the person: nhập hộ)
	StepVerify   Step = "verify"   // xác nhận, possibly adjusting scores with a reason
	StepReturn   Step = "return"   // trả lại with a comment
	StepAppraise Step = "appraise" // thẩm định: proposed for recognition, or not with a reason
	StepDecide   Step = "decide"   // quyết định công nhận
	StepReopen   Step = "reopen"   // mở lại one decided record to correct it, with a reason
	StepRevoke   Step = "revoke"   // thu hồi a recognition, with a reason
)

// Steps lists every step.
var Steps = []Step{StepPledge, StepSubmit, StepVerify, StepReturn, StepAppraise, StepDecide, StepReopen, StepRevoke}

// from says in which states each step may be taken ("" = no assessment yet).
var from = map[Step][]State{
	StepPledge:   {""},
	StepSubmit:   {StatePledged, StateReturned, StateSelfAssessed},
	StepVerify:   {StateSelfAssessed},
	StepReturn:   {StateSelfAssessed, StateVerified},
	StepAppraise: {StateVerified},
	StepDecide:   {StateAppraised},
	StepReopen:   {StateRecognised, StateNotRecognised},
	StepRevoke:   {StateRecognised},
}

// CanTake tells whether step may be taken on an assessment in state s.
func CanTake(step Step, s State) bool {
	for _, x := range from[step] {
		if x == s {
			return true
		}
	}
	return false
}

// Next returns the state a step leads to. Appraisal and decision depend on the outcome.
func Next(step Step, outcome bool) State {
	switch step {
	case StepPledge:
		return StatePledged
	case StepSubmit, StepReopen:
		return StateSelfAssessed
	case StepVerify:
		return StateVerified
	case StepReturn:
		return StateReturned
	case StepAppraise:
		return StateAppraised
	case StepDecide:
		if outcome {
			return StateRecognised
		}
		return StateNotRecognised
	case StepRevoke:
		return StateRevoked
	}
	return ""
}

// Permission returns what a principal needs to take step on someone's assessment; self is true
// when the person acts on their own record (a pledge or a self-assessment submitted online).
func Permission(step Step, self bool) auth.Permission {
	switch step {
	case StepPledge, StepSubmit:
		if self {
			return auth.PermSelfAssess
		}
		return auth.PermAssistAssessment
	case StepVerify, StepReturn:
		return auth.PermVerifyAssessments
	default:
		return auth.PermAppraiseAssessments
	}
}

// Deadline names which of the cycle's dates bounds a step (for lateness and refusals).
func Deadline(c Dates, s State) (string, Step) {
	switch s {
	case StatePledged, StateReturned:
		return c.SelfAssessBy, StepSubmit
	case StateSelfAssessed:
		return c.VerifyBy, StepVerify
	case StateVerified:
		return c.AppraiseBy, StepAppraise
	case StateAppraised:
		return c.DecideBy, StepDecide
	}
	return "", ""
}

// Dates are a cycle's opening and deadlines, as yyyy-mm-dd in Asia/Ho_Chi_Minh. Each deadline
// is the last day on which the step may be taken.
type Dates struct {
	OpensOn, PledgeBy, SelfAssessBy, VerifyBy, AppraiseBy, DecideBy string
}

// Late tells whether an assessment in state s has passed the deadline of its next step on day today.
func (c Dates) Late(s State, today string) bool {
	d, _ := Deadline(c, s)
	return d != "" && today > d
}

// Ordered tells whether the dates follow the year's order: opening ≤ pledge ≤ self-assessment
// ≤ verification ≤ appraisal ≤ decision.
func (c Dates) Ordered() bool {
	ds := []string{c.OpensOn, c.PledgeBy, c.SelfAssessBy, c.VerifyBy, c.AppraiseBy, c.DecideBy}
	for i := 1; i < len(ds); i++ {
		if ds[i] < ds[i-1] {
			return false
		}
	}
	return true
}
