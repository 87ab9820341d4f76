package web

import "hoctap/internal/auth"

// recognitionRoutes are the pages of the yearly title: criteria, cycles, assessments,
// decisions, certificates and their public verification. Routes a citizen reaches for their
// own record need only a signed-in user: the service checks the person of each assessment.
func (s *Server) recognitionRoutes() []route {
	return []route{
		{"GET /criteria", auth.PermViewAssessments, s.criteriaList},
		{"POST /criteria", auth.PermManageCriteria, s.criteriaUpload},
		{"GET /criteria/{id}", auth.PermViewAssessments, s.criteriaShow},
		{"GET /criteria/{id}/file.json", auth.PermViewAssessments, s.criteriaFile},

		{"GET /evaluation", auth.PermViewAssessments, s.currentCycleRedirect},
		{"GET /cycles", auth.PermViewAssessments, s.cycleList},
		{"POST /cycles", auth.PermManageCriteria, s.cycleCreate},
		{"GET /cycles/{id}", auth.PermViewAssessments, s.cycleShow},
		{"POST /cycles/{id}", auth.PermManageCriteria, s.cycleUpdate},
		{"GET /cycles/{id}/assessments", auth.PermViewAssessments, s.assessmentList},
		{"GET /cycles/{id}/communes/{code}", auth.PermViewAssessments, s.proposalShow},
		{"GET /cycles/{id}/communes/{code}/proposal.xlsx", auth.PermViewAssessments, s.proposalXLSX},
		{"POST /cycles/{id}/communes/{code}/decisions", auth.PermAppraiseAssessments, s.decisionCreate},

		{"GET /me/title", auth.PermSelfAssess, s.myTitle},
		{"POST /citizens/{id}/pledge", auth.PermSignedIn, s.citizenPledge},
		{"POST /register/{kind}/{id}", auth.PermSignedIn, s.subjectRegister},
		{"GET /villages/{id}/pledges", auth.PermAssistAssessment, s.villagePledges},
		{"GET /villages/{id}/families", auth.PermViewVillages, s.villageFamilies},
		{"POST /villages/{id}/pledges", auth.PermAssistAssessment, s.villagePledgeMany},

		{"GET /assessments/{id}", auth.PermSignedIn, s.assessmentShow},
		{"GET /assessments/{id}/form", auth.PermSignedIn, s.assessmentForm},
		{"POST /assessments/{id}/submit", auth.PermSignedIn, s.assessmentSubmit},
		{"GET /evidence/{id}", auth.PermSignedIn, s.evidenceFile},
		{"POST /assessments/{id}/verify", auth.PermVerifyAssessments, s.assessmentVerify},
		{"POST /assessments/{id}/return", auth.PermVerifyAssessments, s.assessmentReturn},
		{"POST /assessments/{id}/appraise", auth.PermAppraiseAssessments, s.assessmentAppraise},
		{"POST /assessments/{id}/reopen", auth.PermAppraiseAssessments, s.assessmentReopen},
		{"POST /assessments/{id}/revoke", auth.PermAppraiseAssessments, s.assessmentRevoke},
		{"POST /assessments/verify", auth.PermVerifyAssessments, s.assessmentsVerify},
		{"POST /assessments/appraise", auth.PermAppraiseAssessments, s.assessmentsAppraise},
		{"GET /assessments/{id}/certificate.pdf", auth.PermSignedIn, s.assessmentCertificate},
		{"GET /assessments/{id}/credential.json", auth.PermSignedIn, s.assessmentCredential},

		{"GET /decisions/{id}", auth.PermViewAssessments, s.decisionShow},
		{"GET /decisions/{id}/{file}", auth.PermViewAssessments, s.decisionFile},

		{"GET /verify", "", s.verifyShow},
		{"GET /verify/{code}", "", s.verifyShow},
	}
}
