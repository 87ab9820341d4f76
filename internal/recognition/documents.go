package recognition

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/certificate"
	"hoctap/internal/criteria"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/pdf"
	"hoctap/internal/people"
	"hoctap/internal/sheet"
	"hoctap/internal/store"
)

// VerifyURL is the public address of a certificate's verification page.
func VerifyURL(baseURL, code string) string {
	return strings.TrimRight(baseURL, "/") + "/verify/" + code
}

func (s *Service) printable(ctx context.Context, k store.Certificate, baseURL string) certificate.Certificate {
	signed, _ := time.Parse("2006-01-02", k.Decision.SignedOn) // validated when the decision was recorded
	commune := s.communeName(k.CommuneCode)
	if k.CommuneCode == "" {
		commune = s.Units.Province().Name
	}
	return certificate.Certificate{
		Code: k.Code, VerifyURL: VerifyURL(baseURL, k.Code), FullName: k.FullName, BirthYear: k.BirthYear,
		CommuneName: commune, ProvinceName: s.Units.Province().Name, Year: k.Year,
		TitleVI: TitleName(k.Title), TitleEN: TitleNameEN(k.Title), DecisionNumber: k.Decision.Number, DecisionDate: signed,
		Signer: k.Decision.Signer, SignerTitle: k.Decision.SignerTitle, IssuingBody: k.Decision.IssuingBody,
		Collective: k.SubjectKind != criteria.SubjectCitizen, ValidUntil: k.ValidUntil, Standing: s.standingName(ctx, k),
	}
}

// certificateOf returns the valid certificate of an assessment the principal may see.
func (s *Service) certificateOf(ctx context.Context, by *auth.Principal, assessmentID int64) (store.Certificate, error) {
	if _, err := s.Assessment(ctx, by, assessmentID); err != nil {
		return store.Certificate{}, err
	}
	k, err := s.DB.CertificateOf(ctx, assessmentID)
	if err != nil {
		return k, err
	}
	if k.Revoked() {
		return k, fault.New(fault.Conflict, "certificate.revoked")
	}
	return k, nil
}

// CertificatePDF writes the certificate of one recognised person.
func (s *Service) CertificatePDF(ctx context.Context, by *auth.Principal, assessmentID int64, baseURL string, w io.Writer) error {
	k, err := s.certificateOf(ctx, by, assessmentID)
	if err != nil {
		return err
	}
	return certificate.RenderPDF(w, []certificate.Certificate{s.printable(ctx, k, baseURL)})
}

// Credential returns the signed, machine-verifiable credential of one recognised person.
func (s *Service) Credential(ctx context.Context, by *auth.Principal, assessmentID int64, baseURL string) ([]byte, error) {
	k, err := s.certificateOf(ctx, by, assessmentID)
	if err != nil {
		return nil, err
	}
	key, err := s.DB.SigningKey(ctx)
	if err != nil {
		return nil, err
	}
	iss := certificate.NewIssuer(k.Decision.IssuingBody, baseURL, key)
	return certificate.Credential(s.printable(ctx, k, baseURL), iss, k.IssuedAt)
}

// DecisionCertificatesPDF writes every valid certificate of a decision, one page each, for
// printing a whole commune's list at once.
func (s *Service) DecisionCertificatesPDF(ctx context.Context, by *auth.Principal, decisionID int64, baseURL string, w io.Writer) error {
	if _, err := s.Decision(ctx, by, decisionID); err != nil {
		return err
	}
	ks, err := s.DB.CertificatesOfDecision(ctx, decisionID)
	if err != nil {
		return err
	}
	var certs []certificate.Certificate
	for _, k := range ks {
		if !k.Revoked() {
			certs = append(certs, s.printable(ctx, k, baseURL))
		}
	}
	if len(certs) == 0 {
		return fault.New(fault.Conflict, "decision.no_certificates")
	}
	return certificate.RenderPDF(w, certs)
}

// GroupName is a target group's name as lists print it.
func GroupName(g string) string {
	switch people.TargetGroup(g) {
	case people.GroupResident:
		return "Người dân"
	case people.GroupWorker:
		return "Người lao động"
	case people.GroupStaff:
		return "Cán bộ, CNVC, doanh nhân"
	case people.GroupStudent:
		return "Học sinh, sinh viên"
	}
	return g
}

func yesNo(b bool) string {
	if b {
		return "Có"
	}
	return "Không"
}

// resultColumns are the columns of the proposal list and the decision annex.
var resultColumns = []sheet.Column{
	{Title: "STT", Width: 6, Kind: sheet.ColumnNumber},
	{Title: "Họ và tên", Width: 28},
	{Title: "Năm sinh", Width: 10, Kind: sheet.ColumnNumber},
	{Title: "Số định danh", Width: 16},
	{Title: "Thôn, tổ dân phố", Width: 22},
	{Title: "Nhóm đối tượng", Width: 22},
	{Title: "Tổng điểm", Width: 10, Kind: sheet.ColumnNumber},
	{Title: "Kết quả", Width: 12},
	{Title: "Có kỹ năng số", Width: 12},
	{Title: "Thành thạo kỹ năng số", Width: 14},
	{Title: "Ghi chú", Width: 30},
}

func resultRow(i int, a store.Assessment) []any {
	result := "Chưa đạt"
	if a.Passed {
		result = "Đạt"
	}
	note := a.Reason
	if a.State == evaluation.StateAppraised && a.Proposed {
		note = "Đề nghị công nhận"
	}
	return []any{i + 1, a.FullName, a.BirthYear, people.MaskNationalID(a.NationalID), a.VillageName, GroupName(a.TargetGroup), a.Total,
		result, yesNo(a.DigitalSkills), yesNo(a.DigitalProficient), note}
}

func writeRows(w io.Writer, sheetName string, as []store.Assessment) error {
	return sheet.WriteXLSX(w, sheetName, resultColumns, func(yield func([]any) bool) {
		for i, a := range as {
			if !yield(resultRow(i, a)) {
				return
			}
		}
	})
}

// ProposalList returns a commune's appraised and verified assessments: "Danh sách đề nghị
// công nhận", in village and name order.
func (s *Service) ProposalList(ctx context.Context, by *auth.Principal, cycleID int64, communeCode string) ([]store.Assessment, error) {
	// communeCode "" is the whole city, for a title the city recognises.
	at := auth.Place{ProvinceCode: s.Units.Province().Code, CommuneCode: communeCode}
	if err := allowed(by, auth.PermViewAssessments, at); err != nil {
		return nil, err
	}
	as, _, err := s.DB.Assessments(ctx, store.AssessmentQuery{CycleID: cycleID, Scope: auth.Scope{All: true}, CommuneCode: communeCode,
		States: []evaluation.State{evaluation.StateVerified, evaluation.StateAppraised}})
	return as, err
}

// ProposalXLSX writes the proposal list of a commune as a workbook.
func (s *Service) ProposalXLSX(ctx context.Context, by *auth.Principal, cycleID int64, communeCode string, w io.Writer) error {
	as, err := s.ProposalList(ctx, by, cycleID, communeCode)
	if err != nil {
		return err
	}
	return writeRows(w, "Đề nghị công nhận", as)
}

// DecisionList returns the people a decision recognises and does not recognise.
func (s *Service) DecisionList(ctx context.Context, by *auth.Principal, decisionID int64) (store.Decision, []store.Assessment, error) {
	d, err := s.Decision(ctx, by, decisionID)
	if err != nil {
		return d, nil, err
	}
	as, _, err := s.DB.Assessments(ctx, store.AssessmentQuery{CycleID: d.CycleID, Scope: auth.Scope{All: true}, DecisionID: d.ID})
	return d, as, err
}

// recognisedOnly keeps the people a decision recognises (the annex lists only them).
func recognisedOnly(as []store.Assessment) []store.Assessment {
	var out []store.Assessment
	for _, a := range as {
		if a.State == evaluation.StateRecognised || a.State == evaluation.StateRevoked {
			out = append(out, a)
		}
	}
	return out
}

// DecisionAnnexXLSX writes the annex of a decision: the people it recognises.
func (s *Service) DecisionAnnexXLSX(ctx context.Context, by *auth.Principal, decisionID int64, w io.Writer) error {
	_, as, err := s.DecisionList(ctx, by, decisionID)
	if err != nil {
		return err
	}
	return writeRows(w, "Danh sách công nhận", recognisedOnly(as))
}

// DecisionAnnexPDF writes the annex of a decision as a printable document.
func (s *Service) DecisionAnnexPDF(ctx context.Context, by *auth.Principal, decisionID int64, w io.Writer) error {
	d, as, err := s.DecisionList(ctx, by, decisionID)
	if err != nil {
		return err
	}
	cy, err := s.DB.Cycle(ctx, d.CycleID)
	if err != nil {
		return err
	}
	signed, _ := time.Parse("2006-01-02", d.SignedOn)
	t := &pdf.Table{Columns: []string{"STT", "Họ và tên", "Năm sinh", "Thôn, tổ dân phố", "Nhóm đối tượng", "Tổng điểm"},
		Widths: []float64{12, 55, 18, 40, 40, 15}}
	for i, a := range recognisedOnly(as) {
		t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), a.FullName, fmt.Sprint(a.BirthYear), a.VillageName, GroupName(a.TargetGroup), fmt.Sprint(a.Total)})
	}
	return pdf.Render(w, pdf.Document{
		Title:       fmt.Sprintf("Danh sách công nhận danh hiệu «%s» năm %d", TitleName(cy.Title), cy.Year),
		Subtitle:    fmt.Sprintf("Kèm theo Quyết định số %s ngày %s của %s", d.Number, signed.Format("02/01/2006"), d.IssuingBody),
		GeneratedAt: s.DB.Now(),
		Footer:      s.communeName(d.CommuneCode) + " — " + s.Units.Province().Name,
		Sections: []pdf.Section{{
			Heading: fmt.Sprintf("%s — %d người", s.communeName(d.CommuneCode), len(t.Rows)),
			Fields:  []pdf.Field{{Label: "Người ký", Value: d.SignerTitle + ": " + d.Signer}},
			Table:   t,
		}},
	})
}
