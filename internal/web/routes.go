package web

import (
	"net/http"

	"hoctap/internal/auth"
)

// routes registers every route with the permission it needs. This is the one list to read to
// know who may reach what; the access tests walk the same list.
func (s *Server) routes() {
	for _, rt := range s.routeTable() {
		h := rt.handler
		if rt.perm != "" {
			h = s.need(rt.perm, h)
		}
		s.mux.HandleFunc(rt.pattern, h)
	}
}

// route is one entry of the table: pattern, the permission it needs ("" = public), handler.
type route struct {
	pattern string
	perm    auth.Permission
	handler http.HandlerFunc
}

// Route describes a registered route for tests: its pattern and permission.
type Route struct {
	Pattern    string
	Permission auth.Permission
}

// Routes lists the registered routes.
func (s *Server) Routes() []Route {
	var out []Route
	for _, rt := range s.routeTable() {
		out = append(out, Route{Pattern: rt.pattern, Permission: rt.perm})
	}
	return out
}

func (s *Server) routeTable() []route {
	table := []route{
		{"GET /healthz", "", s.healthz},
		{"GET /readyz", "", s.readyz},
		{"GET /metrics", "", s.metrics.handler().ServeHTTP},
		{"GET /static/{file}", "", s.assets.serve},
		{"GET /{$}", "", s.homeShow},
		{"GET /login", "", s.loginForm},
		{"POST /login", "", s.loginSubmit},
		{"POST /logout", auth.PermSignedIn, s.logout},
		{"POST /language", "", s.languageSet},
		{"GET /reset/{token}", "", s.resetForm},
		{"POST /reset/{token}", "", s.resetSubmit},
		{"GET /account/password", auth.PermSignedIn, s.passwordForm},
		{"POST /account/password", auth.PermSignedIn, s.passwordSubmit},

		{"GET /accounts", auth.PermViewAccounts, s.accountList},
		{"GET /accounts/new", auth.PermManageAccounts, s.accountNew},
		{"POST /accounts", auth.PermManageAccounts, s.accountCreate},
		{"GET /accounts/{id}", auth.PermViewAccounts, s.accountShow},
		{"POST /accounts/{id}/reset", auth.PermManageAccounts, s.accountReset},

		{"GET /villages", auth.PermViewVillages, s.villageList},
		{"GET /villages/new", auth.PermManageVillages, s.villageNew},
		{"POST /villages", auth.PermManageVillages, s.villageCreate},
		{"GET /villages/import", auth.PermManageVillages, s.villageImportForm},
		{"POST /villages/import", auth.PermManageVillages, s.villageImportPreview},
		{"POST /villages/import/{id}/confirm", auth.PermManageVillages, s.villageImportConfirm},
		{"GET /villages/{id}", auth.PermViewVillages, s.villageShow},
		{"POST /villages/{id}", auth.PermManageVillages, s.villageUpdate},
		{"POST /villages/{id}/retire", auth.PermManageVillages, s.villageRetire},
		{"POST /villages/{id}/delete", auth.PermManageVillages, s.villageDelete},

		{"GET /citizens", auth.PermViewCitizens, s.citizenList},
		{"GET /citizens/new", auth.PermManageCitizens, s.citizenNew},
		{"POST /citizens", auth.PermManageCitizens, s.citizenCreate},
		{"POST /citizens/transfer", auth.PermImportCitizens, s.citizenTransfer},
		{"GET /citizens/import", auth.PermImportCitizens, s.citizenImportForm},
		{"POST /citizens/import", auth.PermImportCitizens, s.citizenImportPreview},
		{"POST /citizens/import/{id}/map", auth.PermImportCitizens, s.citizenImportMap},
		{"POST /citizens/import/{id}/confirm", auth.PermImportCitizens, s.citizenImportConfirm},
		{"GET /citizens/import/{id}/report.xlsx", auth.PermImportCitizens, s.citizenImportReport},
		{"GET /citizens/export", auth.PermViewCitizens, s.citizenExport},
		// A citizen reaches their own record: the service checks the place of each person.
		{"GET /citizens/{id}", auth.PermSignedIn, s.citizenShow},
		{"POST /citizens/{id}", auth.PermManageCitizens, s.citizenUpdate},
		{"POST /citizens/{id}/consent/withdraw", auth.PermSignedIn, s.citizenWithdrawConsent},
		{"POST /citizens/{id}/erase", auth.PermEraseCitizens, s.citizenErase},
		{"GET /citizens/{id}/data.json", auth.PermSignedIn, s.citizenDataJSON},
		{"GET /citizens/{id}/data.pdf", auth.PermSignedIn, s.citizenDataPDF},
		{"GET /households/{id}", auth.PermViewCitizens, s.householdShow},
		{"POST /households/{id}/move", auth.PermManageCitizens, s.householdMove},
		{"POST /households/{id}/split", auth.PermManageCitizens, s.householdSplit},

		{"GET /units", auth.PermViewUnits, s.unitList},
		{"GET /units/{era}/{code}", auth.PermViewUnits, s.unitShow},

		{"GET /audit", auth.PermViewAudit, s.auditList},
	}
	// Each area of the product lists its own routes in its own file.
	for _, area := range [][]route{
		s.orgRoutes(),
		s.orgImportRoutes(),
		s.recognitionRoutes(),
		s.programmeRoutes(),
		s.learningRecordRoutes(),
		s.progressRoutes(),
		s.targetsRoutes(),
		s.newsRoutes(),
		s.publicRoutes(),
		s.notifyRoutes(),
		s.communityRoutes(),
		s.boundaryRoutes(),
	} {
		table = append(table, area...)
	}
	return table
}
