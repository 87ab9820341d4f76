package auth

// Permission names one thing a route or a command needs. Which roles hold it is decided
// here and nowhere else; where it applies is decided by the holder's grants.
type Permission string

// The permissions. Each route declares the one it needs where it is registered.
const (
	PermSignedIn       Permission = "signed_in"       // any account: home, own password, language
	PermViewUnits      Permission = "units.view"      // administrative units (reference data)
	PermViewVillages   Permission = "villages.view"   // villages and their counts
	PermManageVillages Permission = "villages.manage" // create, rename, retire, import villages
	PermViewAccounts   Permission = "accounts.view"   // accounts of others
	PermManageAccounts Permission = "accounts.manage" // create accounts, reset passwords
	PermViewAudit      Permission = "audit.view"      // the audit log
	PermViewOwnRecord  Permission = "own.view"        // a citizen's own record
	PermViewUnitStaff  Permission = "unit.view"       // a work unit's staff
	PermViewProvider   Permission = "provider.view"   // a provider's own page
	PermViewCitizens   Permission = "citizens.view"   // people and households
	PermManageCitizens Permission = "citizens.manage" // register and edit people, households, consent (assisted entry)
	PermImportCitizens Permission = "citizens.import" // import rosters, transfer people in
	PermUnmaskIDs      Permission = "citizens.unmask" // see and export full personal ID numbers, on request
	PermEraseCitizens  Permission = "citizens.erase"  // erase a person's personal data
	PermViewOrgs       Permission = "orgs.view"       // clans, work units, association branches
	PermManageOrgs     Permission = "orgs.manage"     // create them and keep their members

	PermManageCriteria      Permission = "criteria.manage"      // upload criteria sets, open cycles and set their deadlines
	PermViewAssessments     Permission = "assessments.view"     // assessments, queues, proposal lists and decisions in scope
	PermSelfAssess          Permission = "assessments.self"     // pledge and self-assess for oneself, online
	PermAssistAssessment    Permission = "assessments.assist"   // pledge and self-assess on a person's behalf (assisted entry)
	PermVerifyAssessments   Permission = "assessments.verify"   // verify, adjust with a reason, return
	PermAppraiseAssessments Permission = "assessments.appraise" // appraise, decide, correct a decided record, revoke

	PermManageProgrammes Permission = "programmes.manage" // publish a provider's programmes, take attendance, import completions
	PermLearn            Permission = "learning.self"     // enrol oneself in programmes, check in by QR code, see one's completions
	PermReviewLearning   Permission = "learning.review"   // confirm or reject self-declared learning; the checks on claims
	PermImportDigital    Permission = "digital.import"    // import digital-skills confirmations from other platforms

	PermViewDashboard Permission = "dashboard.view" // indicators, targets, rankings, map and reports of the units in scope
	PermManageTargets Permission = "targets.manage" // edit plans and targets, upload boundaries and past figures

	PermManageContributions Permission = "contributions.manage" // the association's contributions, awards and their totals (commune officers record; the city reads)

	PermPublishNews Permission = "news.publish" // write, publish and withdraw news, announcements and campaigns for one's own scope

	PermManageNotifications Permission = "notifications.manage" // delivery settings and outbox of notifications, test messages
)

// policy is the one table of which roles hold which permission.
var policy = map[Permission][]Role{
	PermSignedIn:       Roles,
	PermViewUnits:      Roles,
	PermViewVillages:   {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer, RoleCollector},
	PermManageVillages: {RoleAdmin, RoleCommuneOfficer},
	PermViewAccounts:   {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer, RoleUnitOfficer, RoleCollector},
	PermManageAccounts: {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer, RoleUnitOfficer, RoleCollector},
	PermViewAudit:      {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer},
	PermViewOwnRecord:  {RoleCitizen},
	PermViewUnitStaff:  {RoleUnitOfficer},
	PermViewProvider:   {RoleProvider},
	PermViewCitizens:   {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer, RoleCollector, RoleUnitOfficer},
	PermManageCitizens: {RoleAdmin, RoleCommuneOfficer, RoleCollector},
	PermImportCitizens: {RoleAdmin, RoleCommuneOfficer},
	PermUnmaskIDs:      {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer},
	PermEraseCitizens:  {RoleAdmin},
	PermViewOrgs:       {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer, RoleCollector, RoleUnitOfficer},
	PermManageOrgs:     {RoleAdmin, RoleCommuneOfficer, RoleUnitOfficer},

	PermManageCriteria:   {RoleAdmin, RoleCityOfficer},
	PermViewAssessments:  {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer, RoleCollector, RoleUnitOfficer},
	PermSelfAssess:       {RoleCitizen},
	PermAssistAssessment: {RoleAdmin, RoleCommuneOfficer, RoleCollector, RoleUnitOfficer},
	// City officers verify, appraise and decide the titles the city recognises (learning
	// communities of communes, units under TT 24/2023); the service checks the level per title.
	PermVerifyAssessments:   {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer, RoleCollector, RoleUnitOfficer},
	PermAppraiseAssessments: {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer},

	PermManageProgrammes: {RoleAdmin, RoleProvider},
	PermLearn:            {RoleCitizen},
	PermReviewLearning:   {RoleAdmin, RoleCommuneOfficer, RoleCollector},
	PermImportDigital:    {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer},

	PermViewDashboard: {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer, RoleCollector},
	PermManageTargets: {RoleAdmin, RoleCityOfficer},

	PermManageContributions: {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer},

	PermPublishNews: {RoleAdmin, RoleCityOfficer, RoleCommuneOfficer, RoleUnitOfficer},

	PermManageNotifications: {RoleAdmin},
}

// RoleHas tells whether role r holds permission p.
func RoleHas(r Role, p Permission) bool {
	for _, x := range policy[p] {
		if x == r {
			return true
		}
	}
	return false
}

// Principal is a signed-in user with all their grants.
type Principal struct {
	UserID             int64
	DisplayName        string
	Lang               string
	MustChangePassword bool
	Grants             []Grant
}

// Can tells whether any of the principal's grants holds p, wherever.
func (pr *Principal) Can(p Permission) bool {
	if pr == nil {
		return false
	}
	for _, g := range pr.Grants {
		if RoleHas(g.Role, p) {
			return true
		}
	}
	return false
}

// CanAt tells whether a grant holding p also covers the place.
func (pr *Principal) CanAt(p Permission, at Place) bool {
	if pr == nil {
		return false
	}
	for _, g := range pr.Grants {
		if RoleHas(g.Role, p) && g.Covers(at) {
			return true
		}
	}
	return false
}

// Scope returns the union of the places where the principal holds p.
func (pr *Principal) Scope(p Permission) Scope {
	var s Scope
	if pr == nil {
		return s
	}
	for _, g := range pr.Grants {
		if RoleHas(g.Role, p) {
			s.add(g)
		}
	}
	return s
}

// Has tells whether the principal holds role r anywhere.
func (pr *Principal) Has(r Role) bool {
	if pr == nil {
		return false
	}
	for _, g := range pr.Grants {
		if g.Role == r {
			return true
		}
	}
	return false
}

// GrantsOf returns the principal's grants of role r.
func (pr *Principal) GrantsOf(r Role) []Grant {
	var out []Grant
	if pr == nil {
		return out
	}
	for _, g := range pr.Grants {
		if g.Role == r {
			out = append(out, g)
		}
	}
	return out
}

// MayGive tells whether the principal may create a grant like g: it needs a grant that may
// manage accounts, outranks g's role and covers g's place.
func (pr *Principal) MayGive(g Grant) bool {
	if pr == nil || !g.Role.Valid() {
		return false
	}
	for _, own := range pr.Grants {
		if RoleHas(own.Role, PermManageAccounts) && own.Role.Rank() > g.Role.Rank() && own.Covers(g.Place()) {
			return true
		}
	}
	return false
}

// MayManage tells whether the principal is above an account holding grants: every grant of the
// account must be one the principal could have given. An account with no grant is managed by
// administrators only.
func (pr *Principal) MayManage(grants []Grant) bool {
	if len(grants) == 0 {
		return pr.Has(RoleAdmin)
	}
	for _, g := range grants {
		if !pr.MayGive(g) {
			return false
		}
	}
	return true
}

// MaySee tells whether the principal may see an account holding grants: one of its grants lies
// within the principal's PermViewAccounts scope.
func (pr *Principal) MaySee(grants []Grant) bool {
	if pr.Has(RoleAdmin) {
		return true
	}
	for _, g := range grants {
		if pr.CanAt(PermViewAccounts, g.Place()) {
			return true
		}
	}
	return false
}

// HighestRole returns the principal's widest role, which chooses the home page.
func (pr *Principal) HighestRole() Role {
	best := Role("")
	for _, g := range pr.Grants {
		if g.Role.Rank() > best.Rank() {
			best = g.Role
		}
	}
	return best
}
