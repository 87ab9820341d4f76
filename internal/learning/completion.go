package learning

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"io"
	"strings"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// codeEncoding writes certificate codes in lower-case letters and digits, easy to type.
var codeEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewCode returns an unguessable certificate code: 128 random bits, 26 characters.
func NewCode() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return codeEncoding.EncodeToString(b)
}

// evaluate applies the programme's rule to a person after their attendance changed: it
// records the completion when the rule is first met (dated the session that met it, with the
// time of the sessions attended, at most the programme's hours) and removes a completion by
// attendance the attendance no longer supports. It returns the new completion, if any.
func (s *Service) evaluate(ctx context.Context, tx *store.Tx, p store.Programme, e store.Enrolment) (*store.Completion, error) {
	all, err := tx.ProgrammeSessions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	attended, err := tx.AttendedSessions(ctx, p.ID, e.CitizenID)
	if err != nil {
		return nil, err
	}
	have, err := tx.CompletionOfProgramme(ctx, p.ID, e.CitizenID)
	if err != nil && !errors.Is(err, fault.ErrNotFound) {
		return nil, err
	}
	exists := err == nil
	if !Completed(len(attended), len(all), p.MinAttendance) {
		if exists && have.Source == SourceAttendance {
			return nil, tx.DeleteCompletion(ctx, have.Completion)
		}
		return nil, nil
	}
	if exists {
		return nil, nil
	}
	minutes := 0
	for _, x := range attended {
		minutes += x.Minutes()
	}
	k := store.Completion{ProvinceCode: e.ProvinceCode, CommuneCode: e.CommuneCode, CitizenID: e.CitizenID, ProgrammeID: p.ID,
		ProviderID: p.ProviderID, Title: p.Title, Topic: p.Topic, CompletedOn: attended[Required(len(all), p.MinAttendance)-1].Day,
		Minutes: min(minutes, p.Minutes), Source: SourceAttendance}
	if p.IssuesCertificate {
		k.CertificateCode = NewCode()
	}
	if err := tx.CreateCompletion(ctx, &k); err != nil {
		return nil, err
	}
	return &k, nil
}

// Completions lists a programme's completions for its provider.
func (s *Service) Completions(ctx context.Context, by *auth.Principal, programmeID int64) ([]store.CompletionDetail, error) {
	if _, _, err := s.Programme(ctx, by, programmeID); err != nil {
		return nil, err
	}
	return s.DB.CompletionsOfProgramme(ctx, programmeID)
}

// Completion returns a completion the principal may see: the person's own, one of a
// provider's programmes, or a person in an officer's view.
func (s *Service) Completion(ctx context.Context, by *auth.Principal, id int64) (store.CompletionDetail, error) {
	k, err := s.DB.Completion(ctx, id)
	if err != nil {
		return k, err
	}
	if by == nil || by.CanAt(auth.PermLearn, auth.Place{CitizenID: k.CitizenID}) || by.CanAt(auth.PermManageProgrammes, auth.Place{ProviderID: k.ProviderID}) {
		return k, nil
	}
	c, err := s.DB.Citizen(ctx, k.CitizenID)
	if err != nil {
		return k, err
	}
	if by.CanAt(auth.PermViewCitizens, store.CitizenPlace(c)) {
		return k, nil
	}
	return k, fault.ErrForbidden
}

// VerifyURL is the public address of a completion certificate's verification page.
func VerifyURL(baseURL, code string) string {
	return strings.TrimRight(baseURL, "/") + "/verify/learning/" + code
}

// CertificatePDF writes the completion certificate of a completion the principal may see.
func (s *Service) CertificatePDF(ctx context.Context, by *auth.Principal, id int64, baseURL string, w io.Writer) error {
	k, err := s.Completion(ctx, by, id)
	if err != nil {
		return err
	}
	if k.CertificateCode == "" {
		return fault.New(fault.NotFound, "completion.no_certificate")
	}
	return renderCertificate(w, certificateOf(k, s.communeName(k.CommuneCode), VerifyURL(baseURL, k.CertificateCode)))
}

func (s *Service) communeName(code string) string {
	if u, err := s.Units.Current(code); err == nil {
		return u.Name
	}
	return code
}

// Verification is what the public page shows of a completion certificate: the name masked.
type Verification struct {
	Code         string
	Grouped      string
	MaskedName   string
	BirthYear    int
	Title        string
	Topic        string
	ProviderName string
	CompletedOn  string
	Hours        string
}

// Verify looks a completion certificate up by its code, for the public page.
func (s *Service) Verify(ctx context.Context, code string) (Verification, error) {
	code = strings.ToLower(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(code))
	var v Verification
	if len(code) != 26 {
		return v, fault.ErrNotFound
	}
	k, err := s.DB.CompletionByCode(ctx, code)
	if err != nil {
		return v, err
	}
	return Verification{Code: k.CertificateCode, Grouped: grouped(k.CertificateCode), MaskedName: people.MaskName(k.FullName), BirthYear: k.BirthYear,
		Title: k.Title, Topic: k.Topic, ProviderName: k.ProviderName, CompletedOn: k.CompletedOn, Hours: FormatHours(k.Minutes)}, nil
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
