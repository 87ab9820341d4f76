package auth

// Place locates a resource: which province, commune, village, work unit, provider or citizen it
// belongs to. Zero fields are unknown or not applicable.
type Place struct {
	ProvinceCode string
	CommuneCode  string
	VillageID    int64
	WorkUnitID   int64
	ProviderID   int64
	CitizenID    int64
}

// Grant gives one user one role over one scope.
type Grant struct {
	ID           int64
	UserID       int64
	Role         Role
	ProvinceCode string
	CommuneCode  string
	VillageID    int64
	WorkUnitID   int64
	ProviderID   int64
	CitizenID    int64
}

// Place returns where the grant itself sits, to decide who may give or see it.
func (g Grant) Place() Place {
	return Place{ProvinceCode: g.ProvinceCode, CommuneCode: g.CommuneCode, VillageID: g.VillageID,
		WorkUnitID: g.WorkUnitID, ProviderID: g.ProviderID, CitizenID: g.CitizenID}
}

// Covers tells whether a resource at p lies inside the grant's scope.
func (g Grant) Covers(p Place) bool {
	switch g.Role.ScopeKind() {
	case ScopeAll:
		return true
	case ScopeProvince:
		return g.ProvinceCode != "" && p.ProvinceCode == g.ProvinceCode
	case ScopeCommune:
		return g.CommuneCode != "" && p.CommuneCode == g.CommuneCode && p.ProvinceCode == g.ProvinceCode
	case ScopeVillage:
		return g.VillageID != 0 && p.VillageID == g.VillageID
	case ScopeWorkUnit:
		return g.WorkUnitID != 0 && p.WorkUnitID == g.WorkUnitID
	case ScopeProvider:
		return g.ProviderID != 0 && p.ProviderID == g.ProviderID
	case ScopeCitizen:
		return g.CitizenID != 0 && p.CitizenID == g.CitizenID
	}
	return false
}

// Scope is the union of the places a principal may reach for one permission; the store turns
// it into a WHERE clause so that lists never carry rows from outside it.
type Scope struct {
	All       bool
	Provinces []string
	Communes  []string
	Villages  []int64
	WorkUnits []int64
	Providers []int64
	Citizens  []int64
}

// Empty tells whether the scope reaches nothing.
func (s Scope) Empty() bool {
	return !s.All && len(s.Provinces) == 0 && len(s.Communes) == 0 && len(s.Villages) == 0 &&
		len(s.WorkUnits) == 0 && len(s.Providers) == 0 && len(s.Citizens) == 0
}

func (s *Scope) add(g Grant) {
	switch g.Role.ScopeKind() {
	case ScopeAll:
		s.All = true
	case ScopeProvince:
		s.Provinces = appendNew(s.Provinces, g.ProvinceCode)
	case ScopeCommune:
		s.Communes = appendNew(s.Communes, g.CommuneCode)
	case ScopeVillage:
		s.Villages = appendNew(s.Villages, g.VillageID)
	case ScopeWorkUnit:
		s.WorkUnits = appendNew(s.WorkUnits, g.WorkUnitID)
	case ScopeProvider:
		s.Providers = appendNew(s.Providers, g.ProviderID)
	case ScopeCitizen:
		s.Citizens = appendNew(s.Citizens, g.CitizenID)
	}
}

func appendNew[T comparable](list []T, v T) []T {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}
