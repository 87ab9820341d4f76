// Package auth holds the pure rules of access: roles, grants and their scopes, the one policy
// that says which role may do what, login identifiers and password hashing. It touches no
// database; the store and the account service use it.
package auth

// Role is what a grant lets its holder do; its scope says where.
type Role string

// The roles of DESIGN §2.
const (
	RoleCitizen        Role = "citizen"
	RoleCollector      Role = "collector"
	RoleUnitOfficer    Role = "unit_officer"
	RoleProvider       Role = "provider"
	RoleCommuneOfficer Role = "commune_officer"
	RoleCityOfficer    Role = "city_officer"
	RoleAdmin          Role = "admin"
)

// Roles lists every role from the widest to the narrowest.
var Roles = []Role{RoleAdmin, RoleCityOfficer, RoleCommuneOfficer, RoleUnitOfficer, RoleProvider, RoleCollector, RoleCitizen}

// Rank orders roles: an officer may create accounts and reset passwords only for lower ranks.
func (r Role) Rank() int {
	switch r {
	case RoleAdmin:
		return 100
	case RoleCityOfficer:
		return 80
	case RoleCommuneOfficer:
		return 60
	case RoleUnitOfficer, RoleProvider:
		return 40
	case RoleCollector:
		return 30
	case RoleCitizen:
		return 10
	}
	return 0
}

// Valid tells whether r is a known role.
func (r Role) Valid() bool { return r.Rank() > 0 }

// ScopeKind says which field of a Place a grant of this role is tied to.
func (r Role) ScopeKind() ScopeKind {
	switch r {
	case RoleAdmin:
		return ScopeAll
	case RoleCityOfficer:
		return ScopeProvince
	case RoleCommuneOfficer:
		return ScopeCommune
	case RoleCollector:
		return ScopeVillage
	case RoleUnitOfficer:
		return ScopeWorkUnit
	case RoleProvider:
		return ScopeProvider
	default:
		return ScopeCitizen
	}
}

// ScopeKind names the kind of place a grant covers.
type ScopeKind string

// The kinds of scope.
const (
	ScopeAll      ScopeKind = "all"
	ScopeProvince ScopeKind = "province"
	ScopeCommune  ScopeKind = "commune"
	ScopeVillage  ScopeKind = "village"
	ScopeWorkUnit ScopeKind = "work_unit"
	ScopeProvider ScopeKind = "provider"
	ScopeCitizen  ScopeKind = "citizen"
)
