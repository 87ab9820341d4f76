package app

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/community"
	"hoctap/internal/people"
	"hoctap/internal/store"
)

// demoGift is one contribution of the demo, before its day and place are chosen.
type demoGift struct {
	donorKind, name, address string
	kind, purpose            string
	amount                   int64 // money, or the estimated value of items
	item, unit               string
	quantity                 int
}

// demoGifts are the kinds of gift a commune's association receives in a year (issue 9, part
// 4): businesses, clans, families, people on record, organisations and anonymous donors, in
// money and in kind. Each commune draws from them every year.
var demoGifts = []demoGift{
	{donorKind: store.DonorBusiness, name: "Công ty TNHH Thương mại Minh Phát", address: "Số 12 phố Hàng Bông", kind: store.ContributionMoney, purpose: store.PurposeScholarship, amount: 20_000_000},
	{donorKind: store.DonorClan, name: "Dòng họ Nguyễn Đình", kind: store.ContributionMoney, purpose: store.PurposeScholarship, amount: 8_500_000},
	{donorKind: store.DonorHousehold, name: "Gia đình ông Trần Văn Bình", kind: store.ContributionMoney, purpose: store.PurposePrize, amount: 3_000_000},
	{donorKind: store.DonorBusiness, name: "Công ty Cổ phần Xây dựng Hoàng Long", kind: store.ContributionInKind, purpose: store.PurposeEquipment, item: "Máy tính để bàn cho phòng học", unit: "bộ", quantity: 5, amount: 42_500_000},
	{donorKind: store.DonorOrganisation, name: "Hội Cựu giáo chức", kind: store.ContributionInKind, purpose: store.PurposeScholarship, item: "Vở học sinh", unit: "cuốn", quantity: 500, amount: 4_000_000},
	{donorKind: store.DonorAnonymous, kind: store.ContributionMoney, purpose: store.PurposeScholarship, amount: 1_250_000},
	{donorKind: store.DonorClan, name: "Dòng họ Lê Văn", kind: store.ContributionMoney, purpose: store.PurposePrize, amount: 5_000_000},
	{donorKind: store.DonorBusiness, name: "Hợp tác xã Dịch vụ nông nghiệp Thành Công", kind: store.ContributionInKind, purpose: store.PurposePrize, item: "Sách tham khảo", unit: "cuốn", quantity: 120, amount: 6_000_000},
	{donorKind: store.DonorPerson, kind: store.ContributionMoney, purpose: store.PurposeScholarship, amount: 2_000_000},
	{donorKind: store.DonorHousehold, name: "Gia đình bà Phạm Thị Thu", kind: store.ContributionInKind, purpose: store.PurposeOther, item: "Tủ sách cho nhà văn hoá", unit: "chiếc", quantity: 2},
	{donorKind: store.DonorOrganisation, name: "Chi đoàn thanh niên khu dân cư", kind: store.ContributionMoney, purpose: store.PurposeEquipment, amount: 1_500_000},
}

// loadDemoContributions gives each demo commune two past years and this year of contributions
// to its association (three to five a year), scholarships and prizes given from them to pupils, and
// a business sponsoring the centre's digital-skills course. Each step runs through the ordinary
// service on a clock set to its day.
func loadDemoContributions(ctx context.Context, db *store.DB, units *adminunit.Map, seed uint64, communes []string, out io.Writer) error {
	rnd := rand.New(rand.NewPCG(seed, seed^0xc0de))
	now := db.Now().In(clock.Vietnam)
	at := func(day time.Time) *community.Service {
		t := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, clock.Vietnam)
		return &community.Service{DB: db.WithClock(clock.NewFixed(t)), Units: units}
	}
	iso := func(t time.Time) string { return t.Format("2006-01-02") }
	money := func(n int64) string { return strconv.FormatInt(n, 10) }
	gifts, awards := 0, 0
	for ci, code := range communes {
		// Adults of the commune for gifts from people on record, children at school for scholarships.
		var adults, pupils []people.Citizen
		err := db.EachCitizen(ctx, store.CitizenQuery{Scope: auth.Scope{All: true}, CommuneCode: code}, func(c people.Citizen) error {
			switch age := now.Year() - c.BirthYear; {
			case age >= 6 && age <= 17 && len(pupils) < 12:
				pupils = append(pupils, c)
			case age >= 30 && len(adults) < 6:
				adults = append(adults, c)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for y := now.Year() - 2; y <= now.Year(); y++ {
			first := time.Date(y, 1, 2, 0, 0, 0, 0, clock.Vietnam)
			last := time.Date(y, 6, 30, 0, 0, 0, 0, clock.Vietnam)
			if y == now.Year() {
				last = now
			}
			span := int(last.Sub(first).Hours()/24) + 1
			n := 3 + (ci+y)%3
			for i := 0; i < n; i++ {
				g := demoGifts[(i+ci*3+y)%len(demoGifts)]
				switch i {
				case 0:
					g = demoGifts[0] // every year a business tops up the scholarship fund first,
				case 1:
					g = demoGifts[2] // and a family the prize fund
				}
				day := first.AddDate(0, 0, min(span-1, (i*span)/n+rnd.IntN(max(1, span/n))))
				in := community.ContributionInput{CommuneCode: code, ReceivedOn: iso(day), DonorKind: g.donorKind, DonorName: g.name,
					DonorAddress: g.address, Kind: g.kind, Purpose: g.purpose}
				if g.donorKind == store.DonorPerson {
					if len(adults) == 0 {
						continue
					}
					in.DonorNationalID = adults[(i+y)%len(adults)].NationalID
				}
				if g.kind == store.ContributionMoney {
					// Amounts move a little from year to year, in steps of 500.000 đồng.
					in.Amount = money(g.amount + int64(rnd.IntN(5))*500_000)
				} else {
					in.Item, in.Unit, in.Quantity = g.item, g.unit, strconv.Itoa(g.quantity)
					if g.amount > 0 {
						in.EstimatedValue = money(g.amount)
					}
				}
				if _, err := at(day).RecordContribution(ctx, nil, in); err != nil {
					return fmt.Errorf("demo: contribution of %s %d: %w", code, y, err)
				}
				gifts++
			}
			// Scholarships at the start of the school year (or today, this year), a prize, and notebooks.
			day := time.Date(y, 9, 5, 0, 0, 0, 0, clock.Vietnam)
			if y == now.Year() {
				day = now
			}
			for i := 0; i < min(3, len(pupils)); i++ {
				p := pupils[(i+y)%len(pupils)]
				reasons := []string{"Học sinh giỏi năm học " + strconv.Itoa(y-1) + "–" + strconv.Itoa(y), "Vượt khó học tốt", "Đạt giải trong kỳ thi học sinh giỏi cấp thành phố"}
				in := community.AwardInput{CommuneCode: code, NationalID: p.NationalID, Purpose: store.PurposeScholarship, Kind: store.ContributionMoney,
					Amount: money(int64(1+i%2) * 1_000_000), Reason: reasons[i], AwardedOn: iso(day)}
				if i == 2 {
					in.Purpose, in.Amount, in.Reason = store.PurposePrize, money(500_000), reasons[2]
				}
				if _, err := at(day).GiveAward(ctx, nil, in); err != nil {
					return fmt.Errorf("demo: award of %s %d: %w", code, y, err)
				}
				awards++
			}
			if len(pupils) > 0 {
				src, err := db.Contributions(ctx, store.ContributionQuery{Scope: auth.Scope{All: true}, CommuneCode: code, Year: y,
					Purpose: store.PurposeScholarship, Kind: store.ContributionInKind})
				if err != nil {
					return err
				}
				if len(src) > 0 && src[0].RemainingQuantity() >= 20 {
					if _, err := at(day).GiveAward(ctx, nil, community.AwardInput{CommuneCode: code, NationalID: pupils[len(pupils)-1].NationalID,
						Purpose: store.PurposeScholarship, Kind: store.ContributionInKind, Sources: []int64{src[0].ID}, Quantity: "20",
						Reason: "Hỗ trợ học sinh có hoàn cảnh khó khăn", AwardedOn: iso(day)}); err != nil {
						return fmt.Errorf("demo: notebooks of %s %d: %w", code, y, err)
					}
					awards++
				}
			}
		}
	}
	// A business sponsors the community learning centre's digital-skills course.
	progs, _, err := db.Programmes(ctx, store.CatalogueQuery{Text: "ky nang so co ban", CommuneCode: communes[0], States: []string{"published"}, Limit: 1})
	if err != nil {
		return err
	}
	if len(progs) > 0 {
		if _, err := at(now).RecordContribution(ctx, nil, community.ContributionInput{CommuneCode: communes[0], ReceivedOn: iso(now),
			DonorKind: store.DonorBusiness, DonorName: "Công ty Cổ phần Viễn thông Số Việt", Kind: store.ContributionInKind,
			Item: "Điện thoại thông minh cho học viên thực hành", Unit: "chiếc", Quantity: "10", EstimatedValue: money(25_000_000),
			Purpose: store.PurposeSponsorship, ProgrammeID: strconv.FormatInt(progs[0].ID, 10)}); err != nil {
			return fmt.Errorf("demo: sponsor: %w", err)
		}
		gifts++
	}
	if out != nil {
		fmt.Fprintf(out, "demo: %d contributions and %d scholarships and prizes in %d communes (sign in as a commune officer: /contributions)\n", gifts, awards, len(communes))
	}
	return nil
}
