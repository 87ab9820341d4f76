package community

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
	"hoctap/internal/learningrecord"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// Service keeps contributions, awards and the emulation lists over a store.
type Service struct {
	DB    *store.DB
	Units *adminunit.Map
	// Record reads the learning record's yearly totals; one over the same store when nil.
	Record *learningrecord.Service
}

// Bounds of the typed fields.
const (
	MaxName   = 200               // characters of a donor's name, an item, a reason
	MaxNote   = 500               // characters of a note
	MaxAmount = 1_000_000_000_000 // đồng: a thousand billion, well above any gift a commune receives
	MaxItems  = 1_000_000
)

// Today is the current day in Hà Nội, yyyy-mm-dd.
func (s *Service) Today() string { return s.DB.Now().In(clock.Vietnam).Format("2006-01-02") }

// Year is the current year in Hà Nội.
func (s *Service) Year() int { return s.DB.Now().In(clock.Vietnam).Year() }

func (s *Service) place(commune string) auth.Place {
	return store.ContributionPlace(s.Units.Province().Code, commune)
}

// MayView tells whether by may read the contributions of a commune ("" = the whole city).
func MayView(by *auth.Principal, at auth.Place) bool {
	return by == nil || by.CanAt(auth.PermManageContributions, at)
}

// MayRecord tells whether by may record contributions and awards at a place: a commune
// officer of its commune or an administrator. City officers read but do not keep a commune's
// books.
func MayRecord(by *auth.Principal, at auth.Place) bool {
	if by == nil {
		return true
	}
	for _, g := range by.Grants {
		if (g.Role == auth.RoleCommuneOfficer || g.Role == auth.RoleAdmin) && auth.RoleHas(g.Role, auth.PermManageContributions) && g.Covers(at) {
			return true
		}
	}
	return false
}

// RecordingCommunes lists the current communes where by may record contributions.
func (s *Service) RecordingCommunes(by *auth.Principal) []adminunit.Unit {
	var out []adminunit.Unit
	for _, u := range s.Units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
		if MayRecord(by, s.place(u.Code)) {
			out = append(out, u)
		}
	}
	return out
}

// ViewCommunes lists the current communes whose contributions by may read.
func (s *Service) ViewCommunes(by *auth.Principal) []adminunit.Unit {
	var out []adminunit.Unit
	for _, u := range s.Units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
		if MayView(by, s.place(u.Code)) {
			out = append(out, u)
		}
	}
	return out
}

// MayViewCity tells whether by may read the whole city's contributions and totals.
func (s *Service) MayViewCity(by *auth.Principal) bool {
	return MayView(by, auth.Place{ProvinceCode: s.Units.Province().Code})
}

func (s *Service) communeOK(code string) bool {
	u, err := s.Units.Current(code)
	return err == nil && u.ProvinceCode == s.Units.Province().Code && u.Code == code && u.Level == adminunit.LevelCommune
}

// CommuneName names a current commune by its code.
func (s *Service) CommuneName(code string) string {
	if u, err := s.Units.Current(code); err == nil {
		return u.Name
	}
	return code
}

// ParseMoney reads an amount of đồng as officers type it: "1.250.000", "1 250 000", "1250000"
// or "1,250,000". ok is false for anything else (letters, decimals); a minus sign is kept, so
// that a negative amount is refused as negative rather than as unreadable.
func ParseMoney(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(s, "đồng")), "đ"), "VND")
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == ' ' || r == ',' || r == '\u00a0' })
	if len(groups) == 0 {
		return 0, false
	}
	// Separators must group thousands: "1.5" is a decimal, not one thousand five.
	for i, g := range groups {
		if i > 0 && len(g) != 3 {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(strings.Join(groups, ""), 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// checkMoney adds the problem of a typed amount to es: required, unreadable, zero or negative,
// too large. It returns the amount when it is good.
func checkMoney(es *fault.Errors, field, prefix, typed string, required bool) int64 {
	if strings.TrimSpace(typed) == "" {
		if required {
			es.Add(field, prefix+".required")
		}
		return 0
	}
	n, ok := ParseMoney(typed)
	switch {
	case !ok:
		es.Add(field, prefix+".invalid", typed)
	case n <= 0 && required:
		es.Add(field, prefix+".not_positive")
	case n < 0:
		es.Add(field, prefix+".negative")
	case n > MaxAmount:
		es.Add(field, prefix+".too_large", int64(MaxAmount))
	default:
		return n
	}
	return 0
}

// checkCount reads a positive whole number of items.
func checkCount(es *fault.Errors, field, prefix, typed string) int {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		es.Add(field, prefix+".required")
		return 0
	}
	n, ok := ParseMoney(typed)
	switch {
	case !ok:
		es.Add(field, prefix+".invalid", typed)
	case n <= 0:
		es.Add(field, prefix+".not_positive")
	case n > MaxItems:
		es.Add(field, prefix+".too_large", MaxItems)
	default:
		return int(n)
	}
	return 0
}

// checkDay reads a past or present day, yyyy-mm-dd or dd/mm/yyyy.
func checkDay(es *fault.Errors, field, prefix, typed, today string) string {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		es.Add(field, prefix+".required")
		return ""
	}
	d, err := time.Parse("2006-01-02", typed)
	if err != nil {
		d, err = time.Parse("02/01/2006", typed)
	}
	if err != nil {
		es.Add(field, prefix+".invalid", typed)
		return ""
	}
	day := d.Format("2006-01-02")
	switch {
	case day > today:
		es.Add(field, prefix+".future", d.Format("02/01/2006"))
	case d.Year() < 2000:
		es.Add(field, prefix+".too_old")
	default:
		return day
	}
	return ""
}

func checkText(es *fault.Errors, field, prefix, typed string, required bool, max int) string {
	typed = people.NormalizeName(typed)
	switch n := utf8.RuneCountInString(typed); {
	case n == 0 && required:
		es.Add(field, prefix+".required")
	case n > max:
		es.Add(field, prefix+".too_long", max)
	}
	return typed
}

// ContributionInput is a contribution as typed into the form; amounts and counts are text, so
// that every problem is reported on its field.
type ContributionInput struct {
	CommuneCode     string
	BranchID        int64
	ReceiptNo       string // "" takes the commune's next number of the year
	ReceivedOn      string // yyyy-mm-dd or dd/mm/yyyy
	DonorKind       string
	DonorNationalID string // DonorPerson
	DonorName       string // the other kinds, except anonymous
	DonorAddress    string
	Kind            string // store.ContributionMoney or store.ContributionInKind
	Amount          string
	Item            string
	Quantity        string
	Unit            string
	EstimatedValue  string // optional
	Purpose         string
	ProgrammeID     string // required for a sponsorship
	Note            string
}

// RecordContribution checks a contribution and records it with its audit entry. Errors:
// ErrForbidden; fault.Errors listing every problem by field (commune, received_on, donor_kind,
// national_id, donor_name, kind, amount, item, quantity, estimated_value, purpose, programme,
// receipt_no, branch, note); a conflict on receipt_no when the number is already used.
func (s *Service) RecordContribution(ctx context.Context, by *auth.Principal, in ContributionInput) (store.Contribution, error) {
	var c store.Contribution
	var es fault.Errors
	if !s.communeOK(in.CommuneCode) {
		if by != nil && len(s.RecordingCommunes(by)) == 0 {
			return c, fault.ErrForbidden
		}
		es.Add("commune", "contribution.commune.invalid")
		return c, es.Err()
	}
	at := s.place(in.CommuneCode)
	if !MayRecord(by, at) {
		return c, fault.ErrForbidden
	}
	c = store.Contribution{ProvinceCode: at.ProvinceCode, CommuneCode: in.CommuneCode, DonorKind: in.DonorKind, Kind: in.Kind, Purpose: in.Purpose}
	c.ReceivedOn = checkDay(&es, "received_on", "contribution.received_on", in.ReceivedOn, s.Today())
	c.ReceiptNo = checkText(&es, "receipt_no", "contribution.receipt_no", in.ReceiptNo, false, 30)
	if in.BranchID != 0 {
		b, err := s.DB.Branch(ctx, in.BranchID)
		switch {
		case errors.Is(err, fault.ErrNotFound) || (err == nil && (b.CommuneCode != c.CommuneCode || b.ProvinceCode != c.ProvinceCode)):
			es.Add("branch", "contribution.branch.invalid")
		case err != nil:
			return c, err
		default:
			c.BranchID = b.ID
		}
	}
	switch in.DonorKind {
	case store.DonorPerson:
		id := strings.TrimSpace(in.DonorNationalID)
		if id == "" {
			es.Add("national_id", "contribution.national_id.required")
			break
		}
		p, err := s.DB.CitizenByNationalID(ctx, id)
		if errors.Is(err, fault.ErrNotFound) || (err == nil && by != nil && !by.CanAt(auth.PermViewCitizens, store.CitizenPlace(p))) {
			es.Add("national_id", "contribution.national_id.unknown", id)
			break
		}
		if err != nil {
			return c, err
		}
		c.CitizenID, c.DonorName = p.ID, p.FullName
	case store.DonorHousehold, store.DonorClan, store.DonorBusiness, store.DonorOrganisation:
		c.DonorName = checkText(&es, "donor_name", "contribution.donor_name", in.DonorName, true, MaxName)
	case store.DonorAnonymous:
	default:
		es.Add("donor_kind", "contribution.donor_kind.invalid")
	}
	if in.DonorKind != store.DonorAnonymous {
		c.DonorAddress = checkText(&es, "donor_address", "contribution.donor_address", in.DonorAddress, false, MaxName)
	}
	switch in.Kind {
	case store.ContributionMoney:
		c.Amount = checkMoney(&es, "amount", "contribution.amount", in.Amount, true)
	case store.ContributionInKind:
		c.Item = checkText(&es, "item", "contribution.item", in.Item, true, MaxName)
		c.Quantity = checkCount(&es, "quantity", "contribution.quantity", in.Quantity)
		c.Unit = checkText(&es, "unit", "contribution.unit", in.Unit, false, 30)
		c.EstimatedValue = checkMoney(&es, "estimated_value", "contribution.estimated_value", in.EstimatedValue, false)
	default:
		es.Add("kind", "contribution.kind.invalid")
	}
	if !slices.Contains(store.Purposes, in.Purpose) {
		es.Add("purpose", "contribution.purpose.invalid")
	}
	if in.Purpose == store.PurposeSponsorship {
		typed := strings.TrimSpace(in.ProgrammeID)
		id, err := strconv.ParseInt(strings.TrimPrefix(typed, "#"), 10, 64)
		switch {
		case typed == "":
			es.Add("programme", "contribution.programme.required")
		case err != nil || id <= 0:
			es.Add("programme", "contribution.programme.unknown", typed)
		default:
			p, err := s.DB.Programme(ctx, id)
			if errors.Is(err, fault.ErrNotFound) || (err == nil && p.State == "draft") {
				es.Add("programme", "contribution.programme.unknown", typed)
			} else if err != nil {
				return c, err
			} else {
				c.ProgrammeID = p.ID
			}
		}
	}
	c.Note = checkText(&es, "note", "contribution.note", in.Note, false, MaxNote)
	if err := es.Err(); err != nil {
		return c, err
	}
	err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.CreateContribution(ctx, &c) })
	return c, err
}

// Contribution returns a contribution by may read. Errors: ErrNotFound, ErrForbidden.
func (s *Service) Contribution(ctx context.Context, by *auth.Principal, id int64) (store.Contribution, error) {
	c, err := s.DB.Contribution(ctx, id)
	if err != nil {
		return c, err
	}
	if !MayView(by, store.ContributionPlace(c.ProvinceCode, c.CommuneCode)) {
		return c, fault.ErrForbidden
	}
	return c, nil
}

// scope is where by may read contributions.
func scope(by *auth.Principal) auth.Scope {
	if by == nil {
		return auth.Scope{All: true}
	}
	return by.Scope(auth.PermManageContributions)
}

// Contributions lists a year's contributions of a commune ("" = every commune by may read).
func (s *Service) Contributions(ctx context.Context, by *auth.Principal, year int, commune string) ([]store.Contribution, error) {
	if commune != "" && !MayView(by, s.place(commune)) {
		return nil, fault.ErrForbidden
	}
	return s.DB.Contributions(ctx, store.ContributionQuery{Scope: scope(by), CommuneCode: commune, Year: year})
}

// Totals is a year's totals for one commune or the whole city.
type Totals struct {
	Year        int
	CommuneCode string                    // "" for the whole city
	ByPurpose   []store.ContributionTotal // every purpose, in order
	All         store.ContributionTotal   // every purpose; contributors counted once
	ByCommune   []store.ContributionTotal // the whole city only: each commune that received something
	Funds       []store.FundBalance       // one commune only: what each money fund holds now
}

// Totals sums a year's contributions for a commune or, with commune "", the whole city.
// Errors: ErrForbidden.
func (s *Service) Totals(ctx context.Context, by *auth.Principal, year int, commune string) (Totals, error) {
	t := Totals{Year: year, CommuneCode: commune}
	if !MayView(by, s.place(commune)) {
		return t, fault.ErrForbidden
	}
	var err error
	if t.ByPurpose, err = s.DB.ContributionTotals(ctx, year, commune); err != nil {
		return t, err
	}
	for _, p := range t.ByPurpose {
		t.All.Money += p.Money
		t.All.InKindCount += p.InKindCount
		t.All.InKindValue += p.InKindValue
		t.All.Contributions += p.Contributions
	}
	q := store.ContributionQuery{Scope: auth.Scope{All: true}, CommuneCode: commune, Year: year}
	if t.All.Contributors, err = s.DB.ContributorCount(ctx, q); err != nil {
		return t, err
	}
	if commune == "" {
		t.ByCommune, err = s.DB.ContributionTotalsByCommune(ctx, q)
		return t, err
	}
	t.Funds, err = s.DB.FundBalances(ctx, s.Units.Province().Code, commune)
	return t, err
}

// Sponsors lists the contributions sponsoring a programme, for its public page.
func (s *Service) Sponsors(ctx context.Context, programmeID int64) ([]Sponsor, error) {
	cs, err := s.DB.ProgrammeSponsors(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	var out []Sponsor
	seen := map[string]bool{}
	for _, c := range cs {
		sp := Sponsor{Kind: c.DonorKind, Name: PublicDonorName(c)}
		if seen[sp.Kind+sp.Name] {
			continue
		}
		seen[sp.Kind+sp.Name] = true
		out = append(out, sp)
	}
	return out, nil
}

// Sponsor is a programme's sponsor as the public page names it.
type Sponsor struct {
	Kind string // a donor kind
	Name string // "" for an anonymous donor
}

// PublicDonorName is how a donor is named on a public page: businesses, organisations, clans
// and households by their name, a person by the family name and initials (people.MaskName),
// an anonymous donor not at all.
func PublicDonorName(c store.Contribution) string {
	switch c.DonorKind {
	case store.DonorAnonymous:
		return ""
	case store.DonorPerson:
		return people.MaskName(c.DonorName)
	}
	return c.DonorName
}
