package registry

import (
	"context"
	"errors"
	"strings"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/store"
	"hoctap/internal/village"
)

// Today returns the store's current civil date in Vietnam.
func (s *Service) today() string { return s.DB.Now().Add(7 * 3600 * 1e9).Format("2006-01-02") }

// villagePlace loads a village in use and returns where it sits.
func (s *Service) activeVillage(ctx context.Context, id int64) (village.Village, error) {
	v, err := s.DB.Village(ctx, id)
	if err != nil {
		return v, fault.Field("village", "citizen.village.required")
	}
	if v.Retired() {
		return v, fault.Field("village", "citizen.village.retired", v.Name)
	}
	return v, nil
}

// Registration is what a collector or officer enters for a new person.
type Registration struct {
	Citizen people.Citizen
	// HouseholdID joins an existing household of the village; 0 with NewHousehold makes the
	// person the head of a new one; 0 without it leaves them outside any household.
	HouseholdID   int64
	NewHousehold  bool
	HouseholdCode string
	Consent       people.Consent
}

// ErrRegisteredElsewhere says a personal ID is already registered in another commune; the
// receiving commune may take the person over with Transfer.
type ErrRegisteredElsewhere struct {
	Existing    people.Citizen
	CommuneName string
}

func (e *ErrRegisteredElsewhere) Error() string {
	return "registry: registered in commune " + e.Existing.CommuneCode
}

// Unwrap makes the error a conflict on the ID field for the pages.
func (e *ErrRegisteredElsewhere) Unwrap() error {
	return &fault.Error{Kind: fault.Conflict, Key: "citizen.registered_elsewhere", Field: "national_id", Args: []any{e.CommuneName}}
}

// Register adds a person with their consent, in one transaction. Warnings (an unknown province
// prefix, an unusual age) are returned with a successful save.
func (s *Service) Register(ctx context.Context, by *auth.Principal, r Registration) (people.Citizen, fault.Errors, error) {
	c := r.Citizen
	v, err := s.activeVillage(ctx, c.VillageID)
	if err != nil {
		return c, nil, err
	}
	c.ProvinceCode, c.CommuneCode = v.ProvinceCode, v.CommuneCode
	if by != nil && !by.CanAt(auth.PermManageCitizens, store.VillagePlace(v)) {
		return c, nil, fault.ErrForbidden
	}
	var es fault.Errors
	warnings, verr := c.Validate(s.DB.Now())
	es = append(es, fault.FieldErrors(verr)...)
	if !r.Consent.Method.Valid() {
		es.Add("consent_method", "consent.method.required")
	}
	if r.Consent.Method != people.ConsentOnline && strings.TrimSpace(r.Consent.GivenBy) == "" {
		es.Add("consent_given_by", "consent.given_by.required")
	}
	if err := es.Err(); err != nil {
		return c, warnings, err
	}
	if c.NationalID != "" {
		if err := s.checkNotRegistered(ctx, c.NationalID); err != nil {
			return c, warnings, err
		}
	}
	if r.HouseholdID != 0 {
		h, err := s.DB.Household(ctx, r.HouseholdID)
		if err != nil || h.VillageID != v.ID {
			return c, warnings, fault.Field("household", "citizen.household.other_village")
		}
		if c.Relation == "" {
			c.Relation = people.RelationOther
		}
		if c.Relation == people.RelationHead && h.HeadCitizenID != 0 {
			return c, warnings, fault.Field("relation", "citizen.household.has_head")
		}
	}
	r.Consent.TextVersion = people.CurrentConsentText().Version
	if by != nil && r.Consent.Method != people.ConsentOnline {
		r.Consent.CollectedBy = by.UserID
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		c.HouseholdID = r.HouseholdID
		if r.NewHousehold {
			h := store.Household{ProvinceCode: c.ProvinceCode, CommuneCode: c.CommuneCode, VillageID: v.ID, Code: strings.TrimSpace(r.HouseholdCode)}
			if err := tx.CreateHousehold(ctx, &h); err != nil {
				return err
			}
			c.HouseholdID, c.Relation = h.ID, people.RelationHead
		}
		if err := tx.CreateCitizen(ctx, &c); err != nil {
			return err
		}
		return tx.RecordConsent(ctx, c, &r.Consent)
	})
	return c, warnings, err
}

// checkNotRegistered returns ErrRegisteredElsewhere (or a conflict in the same commune) when
// the ID is already in the registry.
func (s *Service) checkNotRegistered(ctx context.Context, nationalID string) error {
	existing, err := s.DB.CitizenByNationalID(ctx, nationalID)
	if errors.Is(err, fault.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return &ErrRegisteredElsewhere{Existing: existing, CommuneName: s.communeName(existing.CommuneCode)}
}

func (s *Service) communeName(code string) string {
	if u, err := s.Units.Current(code); err == nil {
		return u.Name
	}
	return code
}

// Citizen returns a person the principal may see.
func (s *Service) Citizen(ctx context.Context, by *auth.Principal, id int64) (people.Citizen, error) {
	c, err := s.DB.Citizen(ctx, id)
	if err != nil {
		return c, err
	}
	if by != nil && !by.CanAt(auth.PermViewCitizens, store.CitizenPlace(c)) && !by.CanAt(auth.PermViewOwnRecord, store.CitizenPlace(c)) {
		return c, fault.ErrForbidden
	}
	return c, nil
}

// managed loads a person the principal may change.
func (s *Service) managed(ctx context.Context, by *auth.Principal, id int64) (people.Citizen, error) {
	c, err := s.DB.Citizen(ctx, id)
	if err != nil {
		return c, err
	}
	if by != nil && !by.CanAt(auth.PermManageCitizens, store.CitizenPlace(c)) {
		return c, fault.ErrForbidden
	}
	return c, nil
}

// Update saves a person's corrected details.
func (s *Service) Update(ctx context.Context, by *auth.Principal, c people.Citizen) (fault.Errors, error) {
	before, err := s.managed(ctx, by, c.ID)
	if err != nil {
		return nil, err
	}
	c.ProvinceCode, c.CommuneCode, c.VillageID, c.HouseholdID, c.Relation, c.WorkUnitID =
		before.ProvinceCode, before.CommuneCode, before.VillageID, before.HouseholdID, before.Relation, before.WorkUnitID
	warnings, err := c.Validate(s.DB.Now())
	if err != nil {
		return warnings, err
	}
	if c.NationalID != "" && c.NationalID != before.NationalID {
		if err := s.checkNotRegistered(ctx, c.NationalID); err != nil {
			return warnings, err
		}
	}
	return warnings, s.DB.Write(ctx, func(tx *store.Tx) error { return tx.UpdateCitizen(ctx, c) })
}

// Transfer takes over a person registered in another commune into a village of the receiving
// commune; the receiving commune performs it and the history is kept.
func (s *Service) Transfer(ctx context.Context, by *auth.Principal, nationalID string, villageID int64, reason string) (people.Citizen, error) {
	v, err := s.activeVillage(ctx, villageID)
	if err != nil {
		return people.Citizen{}, err
	}
	if by != nil && !by.CanAt(auth.PermImportCitizens, store.VillagePlace(v)) {
		return people.Citizen{}, fault.ErrForbidden
	}
	c, err := s.DB.CitizenByNationalID(ctx, strings.TrimSpace(nationalID))
	if err != nil {
		return c, fault.Field("national_id", "transfer.unknown")
	}
	if c.CommuneCode == v.CommuneCode {
		return c, fault.Field("national_id", "transfer.same_commune")
	}
	from := c.CommuneCode
	var byID int64
	if by != nil {
		byID = by.UserID
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetHousehold(ctx, c.ID, 0, ""); err != nil {
			return err
		}
		if err := tx.MoveCitizen(ctx, c.ID, v.ProvinceCode, v.CommuneCode, v.ID); err != nil {
			return err
		}
		c.ProvinceCode, c.CommuneCode, c.VillageID, c.HouseholdID, c.Relation = v.ProvinceCode, v.CommuneCode, v.ID, 0, ""
		return tx.RecordTransfer(ctx, c, from, byID, strings.TrimSpace(reason))
	})
	return c, err
}

// MoveHousehold moves a whole household to another village of its commune.
func (s *Service) MoveHousehold(ctx context.Context, by *auth.Principal, householdID, villageID int64) error {
	h, err := s.DB.Household(ctx, householdID)
	if err != nil {
		return err
	}
	v, err := s.activeVillage(ctx, villageID)
	if err != nil {
		return err
	}
	if v.CommuneCode != h.CommuneCode {
		return fault.Field("village", "household.move.other_commune")
	}
	if by != nil && (!by.CanAt(auth.PermManageCitizens, store.HouseholdPlace(h)) || !by.CanAt(auth.PermManageCitizens, store.VillagePlace(v))) {
		return fault.ErrForbidden
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.MoveHousehold(ctx, householdID, villageID) })
}

// SplitHousehold makes a new household in the same village from some members of one; newHead
// becomes its head, the others keep their relation.
func (s *Service) SplitHousehold(ctx context.Context, by *auth.Principal, householdID int64, members []int64, newHead int64) (store.Household, error) {
	h, err := s.DB.Household(ctx, householdID)
	if err != nil {
		return h, err
	}
	if by != nil && !by.CanAt(auth.PermManageCitizens, store.HouseholdPlace(h)) {
		return h, fault.ErrForbidden
	}
	current, err := s.DB.HouseholdMembers(ctx, householdID)
	if err != nil {
		return h, err
	}
	in := map[int64]people.Citizen{}
	for _, c := range current {
		in[c.ID] = c
	}
	if len(members) == 0 || len(members) >= len(current) {
		return h, fault.Field("members", "household.split.members")
	}
	headOK := false
	for _, id := range members {
		if _, ok := in[id]; !ok {
			return h, fault.Field("members", "household.split.members")
		}
		headOK = headOK || id == newHead
	}
	if !headOK {
		return h, fault.Field("new_head", "household.split.head")
	}
	n := store.Household{ProvinceCode: h.ProvinceCode, CommuneCode: h.CommuneCode, VillageID: h.VillageID}
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateHousehold(ctx, &n); err != nil {
			return err
		}
		for _, id := range members {
			rel := in[id].Relation
			if id == newHead {
				rel = people.RelationHead
			} else if rel == people.RelationHead {
				rel = people.RelationOther
			}
			if err := tx.SetHousehold(ctx, id, n.ID, rel); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// WithdrawConsent ends a person's consent: by the person themself or an officer over them.
func (s *Service) WithdrawConsent(ctx context.Context, by *auth.Principal, citizenID int64) error {
	c, err := s.DB.Citizen(ctx, citizenID)
	if err != nil {
		return err
	}
	place := store.CitizenPlace(c)
	if by != nil && !by.CanAt(auth.PermManageCitizens, place) && !by.CanAt(auth.PermViewOwnRecord, place) {
		return fault.ErrForbidden
	}
	var byID int64
	if by != nil {
		byID = by.UserID
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error {
		n, err := tx.WithdrawConsents(ctx, c, byID)
		if err == nil && n == 0 {
			return fault.New(fault.Conflict, "consent.none")
		}
		return err
	})
}

// Search returns one page of the people the principal may see, matching q, in Vietnamese order.
func (s *Service) Search(ctx context.Context, by *auth.Principal, q store.CitizenQuery) ([]people.Citizen, int, error) {
	q.Scope = by.Scope(auth.PermViewCitizens)
	if q.AgeOnYear == 0 {
		q.AgeOnYear = s.DB.Now().Year()
	}
	return s.DB.SearchCitizens(ctx, q)
}

// PersonalData returns everything held about a person, for the person or an officer acting
// for them; the request is audited.
func (s *Service) PersonalData(ctx context.Context, by *auth.Principal, citizenID int64) (store.PersonalData, error) {
	c, err := s.Citizen(ctx, by, citizenID)
	if err != nil {
		return store.PersonalData{}, err
	}
	pd, err := s.DB.PersonalData(ctx, c.ID)
	if err != nil {
		return pd, err
	}
	err = s.DB.Write(ctx, func(tx *store.Tx) error { return tx.RecordAccess(ctx, c, "citizen.data_download") })
	return pd, err
}

// Erase removes a person's personal data; counts that feed past figures stay, anonymously.
func (s *Service) Erase(ctx context.Context, by *auth.Principal, citizenID int64) error {
	c, err := s.DB.Citizen(ctx, citizenID)
	if err != nil {
		return err
	}
	if by != nil && !by.CanAt(auth.PermEraseCitizens, store.CitizenPlace(c)) {
		return fault.ErrForbidden
	}
	return s.DB.Write(ctx, func(tx *store.Tx) error { return tx.EraseCitizen(ctx, citizenID) })
}
