package community

import (
	"context"
	"errors"
	"slices"
	"strings"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/store"
)

// AwardPurposes are the funds awards and scholarships are paid from.
var AwardPurposes = []string{store.PurposeScholarship, store.PurposePrize}

// AwardInput is an award or scholarship as typed into the form.
type AwardInput struct {
	CommuneCode string
	NationalID  string // the recipient, a person on record
	Purpose     string // the fund: store.PurposeScholarship or store.PurposePrize
	Kind        string // store.ContributionMoney or store.ContributionInKind
	Amount      string // money
	// Sources are the contributions to draw on, in order; none draws on the fund's oldest
	// contributions first. An in-kind award names exactly one.
	Sources   []int64
	Item      string // in kind: "" takes the contribution's item
	Quantity  string // in kind
	Reason    string
	AwardedOn string
}

// Allocate draws amount from the contributions in order, each up to what it has left, and
// returns what it takes from each and how much they held together. When they hold less than
// amount, the sources cover only part of it and the caller refuses the award.
func Allocate(amount int64, from []store.Contribution) ([]store.AwardSource, int64) {
	var out []store.AwardSource
	var available int64
	left := amount
	for _, c := range from {
		r := c.Remaining()
		if r <= 0 {
			continue
		}
		available += r
		if left > 0 {
			take := min(r, left)
			out = append(out, store.AwardSource{ContributionID: c.ID, ReceiptNo: c.ReceiptNo, Amount: take})
			left -= take
		}
	}
	return out, available
}

// GiveAward records an award or scholarship to a person from one fund of a commune, drawing on
// its contributions in the same transaction; a fund (or the chosen contributions) holding less
// than the award is refused and nothing is written. Errors: ErrForbidden; fault.Errors by field
// (national_id, purpose, kind, amount, sources, item, quantity, reason, awarded_on).
func (s *Service) GiveAward(ctx context.Context, by *auth.Principal, in AwardInput) (store.Award, error) {
	var a store.Award
	var es fault.Errors
	if !s.communeOK(in.CommuneCode) {
		if by != nil && len(s.RecordingCommunes(by)) == 0 {
			return a, fault.ErrForbidden
		}
		es.Add("commune", "contribution.commune.invalid")
		return a, es.Err()
	}
	at := s.place(in.CommuneCode)
	if !MayRecord(by, at) {
		return a, fault.ErrForbidden
	}
	a = store.Award{ProvinceCode: at.ProvinceCode, CommuneCode: in.CommuneCode, Purpose: in.Purpose, Kind: in.Kind}
	id := strings.TrimSpace(in.NationalID)
	if id == "" {
		es.Add("national_id", "award.national_id.required")
	} else {
		p, err := s.DB.CitizenByNationalID(ctx, id)
		switch {
		case errors.Is(err, fault.ErrNotFound) || (err == nil && by != nil && !by.CanAt(auth.PermViewCitizens, store.CitizenPlace(p))):
			es.Add("national_id", "award.national_id.unknown", id)
		case err != nil:
			return a, err
		default:
			a.CitizenID, a.FullName, a.BirthYear = p.ID, p.FullName, p.BirthYear
		}
	}
	if !slices.Contains(AwardPurposes, in.Purpose) {
		es.Add("purpose", "award.purpose.invalid")
	}
	var quantity int
	switch in.Kind {
	case store.ContributionMoney:
		a.Amount = checkMoney(&es, "amount", "award.amount", in.Amount, true)
	case store.ContributionInKind:
		quantity = checkCount(&es, "quantity", "award.quantity", in.Quantity)
		if len(in.Sources) != 1 {
			es.Add("sources", "award.sources.one_item")
		}
	default:
		es.Add("kind", "award.kind.invalid")
	}
	a.Item = checkText(&es, "item", "award.item", in.Item, false, MaxName)
	a.Reason = checkText(&es, "reason", "award.reason", in.Reason, true, MaxName)
	a.AwardedOn = checkDay(&es, "awarded_on", "award.awarded_on", in.AwardedOn, s.Today())
	if err := es.Err(); err != nil {
		return a, err
	}
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		fund, err := tx.FundContributions(ctx, a.ProvinceCode, a.CommuneCode, a.Purpose, a.Kind)
		if err != nil {
			return err
		}
		from := fund
		if len(in.Sources) > 0 {
			byID := map[int64]store.Contribution{}
			for _, c := range fund {
				byID[c.ID] = c
			}
			from = nil
			for _, id := range in.Sources {
				c, ok := byID[id]
				if !ok {
					return fault.Field("sources", "award.sources.invalid")
				}
				from = append(from, c)
			}
		}
		if a.Kind == store.ContributionInKind {
			c := from[0]
			if quantity > c.RemainingQuantity() {
				return fault.Field("quantity", "award.quantity.exceeds", quantity, c.RemainingQuantity(), c.ReceiptNo)
			}
			a.Quantity = quantity
			if a.Item == "" {
				a.Item = c.Item
			}
			a.Sources = []store.AwardSource{{ContributionID: c.ID, ReceiptNo: c.ReceiptNo, Quantity: quantity}}
			return tx.CreateAward(ctx, &a)
		}
		sources, available := Allocate(a.Amount, from)
		if available < a.Amount {
			if len(in.Sources) > 0 {
				return fault.Field("amount", "award.amount.exceeds_sources", a.Amount, available)
			}
			return fault.Field("amount", "award.amount.exceeds_fund", a.Amount, available, fault.Key("contribution.purpose."+a.Purpose))
		}
		a.Sources = sources
		return tx.CreateAward(ctx, &a)
	})
	return a, err
}

// Awards lists a year's awards of a commune ("" = every commune by may read).
func (s *Service) Awards(ctx context.Context, by *auth.Principal, year int, commune string) ([]store.Award, error) {
	if commune != "" && !MayView(by, s.place(commune)) {
		return nil, fault.ErrForbidden
	}
	return s.DB.Awards(ctx, store.AwardQuery{Scope: scope(by), CommuneCode: commune, Year: year})
}

// AwardsFrom lists the awards drawing on a contribution by may read.
func (s *Service) AwardsFrom(ctx context.Context, by *auth.Principal, c store.Contribution) ([]store.Award, error) {
	if !MayView(by, store.ContributionPlace(c.ProvinceCode, c.CommuneCode)) {
		return nil, fault.ErrForbidden
	}
	return s.DB.Awards(ctx, store.AwardQuery{Scope: auth.Scope{All: true}, ContributionID: c.ID})
}

// FundSources lists a commune's contributions of a fund that still have something to give, for
// the award form's choice.
func (s *Service) FundSources(ctx context.Context, by *auth.Principal, commune string) ([]store.Contribution, error) {
	if !MayRecord(by, s.place(commune)) {
		return nil, fault.ErrForbidden
	}
	var out []store.Contribution
	for _, p := range AwardPurposes {
		for _, k := range []string{store.ContributionMoney, store.ContributionInKind} {
			cs, err := s.DB.Contributions(ctx, store.ContributionQuery{Scope: auth.Scope{All: true}, CommuneCode: commune, Purpose: p, Kind: k})
			if err != nil {
				return nil, err
			}
			for _, c := range cs {
				if (k == store.ContributionMoney && c.Remaining() > 0) || (k == store.ContributionInKind && c.RemainingQuantity() > 0) {
					out = append(out, c)
				}
			}
		}
	}
	return out, nil
}
