package recognition

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// DecisionInput is what the officer enters from the signed paper decision.
type DecisionInput struct {
	Number      string
	SignedOn    string // yyyy-mm-dd
	Signer      string
	SignerTitle string
	IssuingBody string
}

func (in *DecisionInput) validate(today string) error {
	var es fault.Errors
	var e *fault.Error
	if in.Number, e = trimmed("number", in.Number, 60); e != nil {
		es = append(es, e)
	}
	if in.Signer, e = trimmed("signer", in.Signer, 120); e != nil {
		es = append(es, e)
	}
	if in.SignerTitle, e = trimmed("signer_title", in.SignerTitle, 160); e != nil {
		es = append(es, e)
	}
	if in.IssuingBody, e = trimmed("issuing_body", in.IssuingBody, 200); e != nil {
		es = append(es, e)
	}
	if _, err := time.Parse("2006-01-02", in.SignedOn); err != nil {
		es = append(es, fault.Field("signed_on", "cycle.date.invalid"))
	} else if in.SignedOn > today {
		es = append(es, fault.Field("signed_on", "decision.date.future"))
	}
	if len(es) > 0 {
		return es
	}
	return nil
}

// Decide records a commune's recognition decision over every appraised assessment of the
// commune in the cycle: the proposed are recognised and get a certificate, the others are not
// recognised (their reason stays on record). Their records are then locked.
//
// A title recognised by the city (a set whose recognition level is "city") is decided for the
// whole province: communeCode is then "".
func (s *Service) Decide(ctx context.Context, by *auth.Principal, cycleID int64, communeCode string, in DecisionInput) (store.Decision, error) {
	d := store.Decision{ProvinceCode: s.Units.Province().Code, CommuneCode: communeCode, CycleID: cycleID}
	cy, err := s.DB.Cycle(ctx, cycleID)
	if err != nil {
		return d, err
	}
	set, err := s.Set(ctx, cy.CriteriaSetID)
	if err != nil {
		return d, err
	}
	level := set.RecognisingLevel()
	if level == "city" {
		d.CommuneCode = ""
	} else if _, err := s.Units.Current(communeCode); err != nil {
		return d, fault.ErrNotFound
	}
	if err := allowedAs(by, auth.PermAppraiseAssessments, store.DecisionPlace(d), recogniserRoles(level)); err != nil {
		return d, err
	}
	if err := in.validate(s.Today()); err != nil {
		return d, err
	}
	d.Number, d.SignedOn, d.Signer, d.SignerTitle, d.IssuingBody = in.Number, in.SignedOn, in.Signer, in.SignerTitle, in.IssuingBody
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Cycle(ctx, cycleID); err != nil {
			return err
		}
		ids, err := tx.AssessmentIDs(ctx, store.AssessmentQuery{CycleID: cycleID, Scope: auth.Scope{All: true}, CommuneCode: d.CommuneCode,
			States: []evaluation.State{evaluation.StateAppraised}})
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return fault.New(fault.Conflict, "decision.empty")
		}
		if err := tx.CreateDecision(ctx, &d); err != nil {
			return err
		}
		for _, id := range ids {
			before, err := tx.Assessment(ctx, id)
			if err != nil {
				return err
			}
			// The list was read without locks: a concurrent decision (PostgreSQL) may have
			// taken this record while we waited for its lock.
			if !evaluation.CanTake(evaluation.StepDecide, before.State) {
				return outOfOrder(evaluation.StepDecide, before.State)
			}
			a := before
			a.State, a.DecisionID = evaluation.Next(evaluation.StepDecide, before.Proposed), d.ID
			if a.State == evaluation.StateRecognised {
				a.ValidUntil = cy.Year + set.ValidYears() - 1 // TT 24 and TT 25: three years
			}
			if err := tx.SaveAssessment(ctx, before, a, evaluation.StepDecide, d.Number); err != nil {
				return err
			}
			if a.State == evaluation.StateRecognised {
				k := store.Certificate{Code: NewCode(), ProvinceCode: a.ProvinceCode, CommuneCode: a.CommuneCode, AssessmentID: a.ID, DecisionID: d.ID}
				if err := tx.CreateCertificate(ctx, &k); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return d, err
}

// codeEncoding writes verification codes in lower-case letters and digits, easy to type.
var codeEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewCode returns an unguessable certificate code: 128 random bits.
func NewCode() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return codeEncoding.EncodeToString(b)
}

// Reopen corrects one decided record: it goes back to "self-assessed" with the reason, its
// certificate (if any) is revoked, and it takes the steps again up to a new decision.
func (s *Service) Reopen(ctx context.Context, by *auth.Principal, id int64, reason string) error {
	return s.decided(ctx, by, id, evaluation.StepReopen, reason)
}

// Revoke withdraws a recognition with a reason; the verification page then says so.
func (s *Service) Revoke(ctx context.Context, by *auth.Principal, id int64, reason string) error {
	return s.decided(ctx, by, id, evaluation.StepRevoke, reason)
}

func (s *Service) decided(ctx context.Context, by *auth.Principal, id int64, step evaluation.Step, reason string) error {
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.Assessment(ctx, id)
		if err != nil {
			return err
		}
		set, err := s.setOf(ctx, tx, before)
		if err != nil {
			return err
		}
		level := set.RecognisingLevel()
		if err := allowedAs(by, auth.PermAppraiseAssessments, recognisingPlace(before, level), recogniserRoles(level)); err != nil {
			return err
		}
		if !evaluation.CanTake(step, before.State) {
			return outOfOrder(step, before.State)
		}
		reason, ferr := trimmed("reason", reason, 1000)
		if ferr != nil {
			return fault.Errors{ferr}
		}
		a := before
		a.State, a.Reason = evaluation.Next(step, false), reason
		if step == evaluation.StepReopen {
			a.DecisionID, a.Proposed, a.Grade, a.Level, a.ValidUntil = 0, false, "", 0, 0
		}
		// The public page of a certificate withdrawn for a correction says only that; the
		// officer's reason stays on the record, where only those in scope read it.
		public := reason
		if step == evaluation.StepReopen {
			public = reopenedNotice
		}
		if err := tx.RevokeCertificate(ctx, a.ID, public); err != nil {
			return err
		}
		return tx.SaveAssessment(ctx, before, a, step, reason)
	})
}

// reopenedNotice is what the verification page says of a certificate withdrawn because its
// record was reopened for a correction.
const reopenedNotice = "Hồ sơ được mở lại để xem xét, sửa sai; giấy chứng nhận này không còn giá trị."

// Decision returns a decision the principal may see.
func (s *Service) Decision(ctx context.Context, by *auth.Principal, id int64) (store.Decision, error) {
	d, err := s.DB.Decision(ctx, id)
	if err != nil {
		return d, err
	}
	return d, allowed(by, auth.PermViewAssessments, store.DecisionPlace(d))
}

// Verification is what the public page of a certificate shows: no personal data beyond a
// partly masked name.
type Verification struct {
	Code         string
	Grouped      string // the code in groups of four, easier to compare by eye
	MaskedName   string
	Title        string // the title's cycle key (learning_citizen, learning_family, …)
	TitleName    string // its Vietnamese name
	Grade        string // a grade's or a level's name, when the title has them
	ValidUntil   int
	Year         int
	CommuneName  string
	IssuingBody  string
	Decision     string
	SignedOn     string
	Signer       string
	SignerTitle  string
	Revoked      bool
	RevokedAt    time.Time
	RevokeReason string
}

// Verification looks up a certificate by its code for the public page.
func (s *Service) Verification(ctx context.Context, code string) (Verification, error) {
	// Codes are read aloud or typed from paper: spaces and dashes between groups are ignored.
	code = strings.ToLower(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(code))
	var v Verification
	if len(code) != 26 {
		return v, fault.ErrNotFound
	}
	k, err := s.DB.CertificateByCode(ctx, code)
	if err != nil {
		return v, err
	}
	name := k.FullName
	switch k.SubjectKind {
	case criteria.SubjectCitizen:
		name = people.MaskName(name)
	case criteria.SubjectHousehold: // "Hộ Nguyễn Văn An" names its head
		name = "Hộ " + people.MaskName(strings.TrimPrefix(name, "Hộ "))
	}
	commune := s.communeName(k.CommuneCode)
	if k.CommuneCode == "" {
		commune = s.Units.Province().Name
	}
	return Verification{Code: k.Code, Grouped: grouped(k.Code), MaskedName: name, Title: k.Title, TitleName: TitleName(k.Title),
		Grade: s.standingName(ctx, k), ValidUntil: k.ValidUntil, Year: k.Year, CommuneName: commune,
		IssuingBody: k.Decision.IssuingBody, Decision: k.Decision.Number, SignedOn: k.Decision.SignedOn, Signer: k.Decision.Signer,
		SignerTitle: k.Decision.SignerTitle, Revoked: k.Revoked(), RevokedAt: k.RevokedAt, RevokeReason: k.RevokeReason}, nil
}

// grouped writes a code in groups of four characters.
func grouped(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// titleNames are the titles' names as certificates and pages print them.
var titleNames = map[string][2]string{
	"learning_citizen":           {"Công dân học tập", "Learning Citizen"},
	"learning_family":            {"Gia đình học tập", "Learning Family"},
	"learning_clan":              {"Dòng họ học tập", "Learning Clan"},
	"learning_community":         {"Cộng đồng học tập", "Learning Community"},
	"learning_community_commune": {"Cộng đồng học tập cấp xã", "Learning Community (commune)"},
	"learning_unit":              {"Đơn vị học tập", "Learning Unit"},
}

// TitleName is a cycle title's Vietnamese name.
func TitleName(cycleTitle string) string {
	if n, ok := titleNames[cycleTitle]; ok {
		return n[0]
	}
	return cycleTitle
}

// TitleNameEN is a cycle title's English name.
func TitleNameEN(cycleTitle string) string {
	if n, ok := titleNames[cycleTitle]; ok {
		return n[1]
	}
	return cycleTitle
}

// standingName names a certificate's grade or level ("Tốt", "Mức độ 2"), "" when the title has
// neither.
func (s *Service) standingName(ctx context.Context, k store.Certificate) string {
	if k.Grade == "" && k.Level == 0 {
		return ""
	}
	a, err := s.DB.Assessment(ctx, k.AssessmentID)
	if err != nil {
		return ""
	}
	cy, err := s.DB.Cycle(ctx, a.CycleID)
	if err != nil {
		return ""
	}
	set, err := s.Set(ctx, cy.CriteriaSetID)
	if err != nil {
		return ""
	}
	for _, g := range set.Grades {
		if g.Code == k.Grade {
			return g.NameVI
		}
	}
	for _, lv := range set.Levels {
		if lv.Level == k.Level {
			return lv.NameVI
		}
	}
	return ""
}
