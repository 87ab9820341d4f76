package web

import "hoctap/internal/auth"

// programmeRoutes are the pages of providers' lifelong-learning programmes (issue 6, part 1):
// the public catalogue and programme pages, enrolment, check-in by QR code, the public
// verification of completion certificates, and the providers' pages. Routes a person reaches
// for themself or an officer for a person need only a signed-in user: the service checks whom
// each request concerns.
func (s *Server) programmeRoutes() []route {
	return []route{
		{"GET /programmes", "", s.programmeCatalogue},
		{"GET /programmes/{id}", "", s.programmeShow},
		{"POST /programmes/{id}/enrol", auth.PermSignedIn, s.programmeEnrol},
		{"POST /programmes/{id}/unenrol", auth.PermSignedIn, s.programmeUnenrol},
		{"GET /me/programmes", auth.PermLearn, s.programmeMine},
		{"GET /completions/{id}/certificate.pdf", auth.PermSignedIn, s.completionCertificate},
		{"GET /checkin/{token}", auth.PermSignedIn, s.checkinShow},
		{"POST /checkin/{token}", auth.PermSignedIn, s.checkinSubmit},
		{"GET /verify/learning/{code}", "", s.learningVerify},

		{"GET /provider/programmes", auth.PermManageProgrammes, s.providerProgrammes},
		{"GET /provider/programmes/new", auth.PermManageProgrammes, s.providerProgrammeNew},
		{"POST /provider/programmes", auth.PermManageProgrammes, s.providerProgrammeCreate},
		{"GET /provider/programmes/{id}", auth.PermManageProgrammes, s.providerProgrammeShow},
		{"GET /provider/programmes/{id}/edit", auth.PermManageProgrammes, s.providerProgrammeEdit},
		{"POST /provider/programmes/{id}", auth.PermManageProgrammes, s.providerProgrammeUpdate},
		{"POST /provider/programmes/{id}/publish", auth.PermManageProgrammes, s.providerProgrammePublish},
		{"POST /provider/programmes/{id}/cancel", auth.PermManageProgrammes, s.providerProgrammeCancel},
		{"GET /provider/sessions/{id}", auth.PermManageProgrammes, s.providerSessionShow},
		{"POST /provider/sessions/{id}/open", auth.PermManageProgrammes, s.providerSessionOpen},
		{"GET /provider/sessions/{id}/qr.json", auth.PermManageProgrammes, s.providerSessionQR},
		{"POST /provider/sessions/{id}/attendance", auth.PermManageProgrammes, s.providerSessionAttendance},
		{"POST /provider/sessions/{id}/attendance/import", auth.PermManageProgrammes, s.providerSessionImport},
		{"POST /provider/sessions/{id}/attendance/import/{pending}/confirm", auth.PermManageProgrammes, s.providerSessionImportConfirm},
		{"GET /provider/sessions/{id}/attendance/import/{pending}/report.xlsx", auth.PermManageProgrammes, s.providerSessionImportReport},
		{"GET /provider/completions/import", auth.PermManageProgrammes, s.completionImportForm},
		{"POST /provider/completions/import", auth.PermManageProgrammes, s.completionImportPreview},
		{"POST /provider/completions/import/{id}/confirm", auth.PermManageProgrammes, s.completionImportConfirm},
	}
}
