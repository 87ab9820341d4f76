package web

import "hoctap/internal/auth"

// learningRecordRoutes are the pages of each person's learning record (sổ học tập suốt đời),
// the digital-skills self-assessment and imported confirmations, and the review of
// self-declared claims. Routes on one person need only a signed-in user: the service checks
// that the viewer may see the person (or is the person), and who may enter for them.
func (s *Server) learningRecordRoutes() []route {
	return []route{
		{"GET /me/learning", auth.PermSelfAssess, s.myLearning},
		{"GET /citizens/{id}/learning", auth.PermSignedIn, s.learningRecordShow},
		{"GET /citizens/{id}/learning/portfolio.pdf", auth.PermSignedIn, s.learningPortfolio},
		{"GET /citizens/{id}/learning/new", auth.PermSignedIn, s.learningActivityNew},
		{"POST /citizens/{id}/learning/activities", auth.PermSignedIn, s.learningActivityCreate},
		{"GET /learning/activities/{id}/evidence", auth.PermSignedIn, s.learningEvidence},
		{"POST /learning/activities/{id}/confirm", auth.PermReviewLearning, s.learningActivityConfirm},
		{"POST /learning/activities/{id}/reject", auth.PermReviewLearning, s.learningActivityReject},
		{"GET /learning/review", auth.PermReviewLearning, s.learningReview},

		{"GET /citizens/{id}/digital-skills", auth.PermSignedIn, s.digitalSkillsForm},
		{"POST /citizens/{id}/digital-skills", auth.PermSignedIn, s.digitalSkillsSubmit},
		{"GET /digital-skills/import", auth.PermImportDigital, s.digitalImportForm},
		{"POST /digital-skills/import", auth.PermImportDigital, s.digitalImportPreview},
		{"POST /digital-skills/import/{id}/confirm", auth.PermImportDigital, s.digitalImportConfirm},
	}
}
