package community_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/community"
	"hoctap/internal/fault"
	"hoctap/internal/learning"
	"hoctap/internal/people"
	"hoctap/internal/registry"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

// The clock stands at 2026-04-15 10:00 in Hà Nội.
var start = time.Date(2026, 4, 15, 3, 0, 0, 0, time.UTC)

const (
	province  = "01"
	commune   = "00004" // Phường Ba Đình
	neighbour = "00008" // Phường Ngọc Hà
)

// world is two neighbouring wards with a village each, people, and officers of every kind.
type world struct {
	t                                      *testing.T
	ctx                                    context.Context
	db                                     *store.DB
	units                                  *adminunit.Map
	svc                                    *community.Service
	reg                                    *registry.Service
	v1, v2                                 village.Village
	officer, otherOff, city, admin, collec *auth.Principal
	seq                                    int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	db := testdb.Open(t, clock.NewFixed(start))
	w := &world{t: t, db: db, units: units, ctx: audit.WithActor(context.Background(), audit.Actor{Name: "test"}),
		svc: &community.Service{DB: db, Units: units}, reg: &registry.Service{DB: db, Units: units}}
	mk := func(c, name string) village.Village {
		v, err := w.reg.CreateVillage(w.ctx, nil, village.Village{CommuneCode: c, Name: name, Kind: village.KindToDanPho})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	w.v1, w.v2 = mk(commune, "Tổ dân phố số 1"), mk(neighbour, "Tổ dân phố Đội Cấn")
	w.officer = w.principal("Cán bộ phường", auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: province, CommuneCode: commune})
	w.otherOff = w.principal("Cán bộ Ngọc Hà", auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: province, CommuneCode: neighbour})
	w.city = w.principal("Cán bộ thành phố", auth.Grant{Role: auth.RoleCityOfficer, ProvinceCode: province})
	w.admin = w.principal("Quản trị", auth.Grant{Role: auth.RoleAdmin})
	w.collec = w.principal("Thu thập", auth.Grant{Role: auth.RoleCollector, ProvinceCode: province, CommuneCode: commune, VillageID: w.v1.ID})
	return w
}

func (w *world) principal(name string, g auth.Grant) *auth.Principal {
	w.t.Helper()
	u := auth.User{DisplayName: name, Lang: "vi", Grants: []auth.Grant{g}}
	if err := w.db.Write(w.ctx, func(tx *store.Tx) error { return tx.CreateUser(w.ctx, &u) }); err != nil {
		w.t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, DisplayName: name, Grants: u.Grants}
}

func (w *world) person(v village.Village, name string, birthYear int) people.Citizen {
	w.t.Helper()
	w.seq++
	prefix, err := people.IDPrefix("001", birthYear, people.GenderMale)
	if err != nil {
		w.t.Fatal(err)
	}
	c := people.Citizen{VillageID: v.ID, FullName: name, NationalID: fmt.Sprintf("%s%06d", prefix, w.seq),
		BirthYear: birthYear, Gender: people.GenderMale, TargetGroup: people.GroupResident}
	c, _, err = w.reg.Register(w.ctx, nil, registry.Registration{Citizen: c, Consent: people.Consent{Method: people.ConsentPaper, GivenBy: c.FullName}})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// give records a contribution as the commune officer and fails the test on any error.
func (w *world) give(by *auth.Principal, in community.ContributionInput) store.Contribution {
	w.t.Helper()
	if in.CommuneCode == "" {
		in.CommuneCode = commune
	}
	c, err := w.svc.RecordContribution(w.ctx, by, in)
	if err != nil {
		w.t.Fatalf("record %+v: %v", in, err)
	}
	return c
}

// counts returns the rows of the tables a refused write must leave alone, and the audit head.
func (w *world) counts() map[string]int {
	w.t.Helper()
	out := map[string]int{}
	cs, err := w.db.Contributions(w.ctx, store.ContributionQuery{Scope: auth.Scope{All: true}})
	if err != nil {
		w.t.Fatal(err)
	}
	out["contributions"] = len(cs)
	as, err := w.db.Awards(w.ctx, store.AwardQuery{Scope: auth.Scope{All: true}})
	if err != nil {
		w.t.Fatal(err)
	}
	out["awards"] = len(as)
	for _, a := range as {
		out["sources"] += len(a.Sources)
	}
	entries, err := w.db.ListAudit(w.ctx, store.AuditFilter{Scope: auth.Scope{All: true}, Limit: 1})
	if err != nil || len(entries) == 0 {
		w.t.Fatalf("audit: %v", err)
	}
	out["audit"] = int(entries[0].ID)
	return out
}

func fields(err error) map[string]string {
	out := map[string]string{}
	for _, e := range fault.FieldErrors(err) {
		out[e.Field] = e.Key
	}
	return out
}

func money(commune, day, kind, purpose, amount string) community.ContributionInput {
	return community.ContributionInput{CommuneCode: commune, ReceivedOn: day, DonorKind: kind, Kind: store.ContributionMoney, Purpose: purpose, Amount: amount}
}

// TestContributionTotals records a known set of gifts in two wards and two years and checks
// the totals per purpose, per commune and for the city, and the count of contributors.
func TestContributionTotals(t *testing.T) {
	w := newWorld(t)
	donor := w.person(w.v1, "Nguyễn Văn Hảo", 1960)
	biz := func(name, day, amount, purpose string) {
		in := money(commune, day, store.DonorBusiness, purpose, amount)
		in.DonorName = name
		w.give(w.officer, in)
	}
	// Ba Đình, 2026: the same business twice (one contributor), written two ways.
	biz("Công ty TNHH Minh Phát", "2026-01-10", "10.000.000", store.PurposeScholarship)
	biz("Công  ty TNHH minh phát", "2026-03-02", "2 500 000", store.PurposeScholarship)
	// A person on record twice, for two purposes.
	p := money(commune, "2026-02-01", store.DonorPerson, store.PurposeScholarship, "1250000")
	p.DonorNationalID = donor.NationalID
	w.give(w.officer, p)
	p.Purpose, p.Amount = store.PurposePrize, "500.000"
	w.give(w.officer, p)
	// Two anonymous gifts: two contributors.
	w.give(w.officer, money(commune, "2026-02-03", store.DonorAnonymous, store.PurposeScholarship, "300.000"))
	w.give(w.officer, money(commune, "2026-02-04", store.DonorAnonymous, store.PurposeScholarship, "200.000"))
	// A clan gives computers (in kind, valued) and a family gives books (not valued).
	w.give(w.officer, community.ContributionInput{CommuneCode: commune, ReceivedOn: "2026-04-01", DonorKind: store.DonorClan, DonorName: "Dòng họ Lê Văn",
		Kind: store.ContributionInKind, Item: "Máy tính", Quantity: "3", Unit: "bộ", EstimatedValue: "24.000.000", Purpose: store.PurposeEquipment})
	w.give(w.officer, community.ContributionInput{CommuneCode: commune, ReceivedOn: "2026-04-02", DonorKind: store.DonorHousehold, DonorName: "Gia đình bà Thu",
		Kind: store.ContributionInKind, Item: "Sách", Quantity: "50", Purpose: store.PurposeScholarship})
	// Last year in Ba Đình, and this year in Ngọc Hà: neither counts in Ba Đình 2026.
	biz("Công ty TNHH Minh Phát", "2025-12-31", "7.000.000", store.PurposeScholarship)
	n := money(neighbour, "2026-01-05", store.DonorBusiness, store.PurposeEquipment, "4.000.000")
	n.DonorName = "Công ty TNHH Minh Phát" // the same name in another ward: counted once in the city
	w.give(w.otherOff, n)

	type fig struct {
		money                  int64
		inKind                 int
		inKindValue            int64
		contributors, requests int
	}
	get := func(year int, commune string) map[string]fig {
		ts, err := w.db.ContributionTotals(w.ctx, year, commune)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != len(store.Purposes) {
			t.Fatalf("%d rows, want one per purpose", len(ts))
		}
		out := map[string]fig{}
		for _, x := range ts {
			if x.Contributions > 0 {
				out[x.Purpose] = fig{x.Money, x.InKindCount, x.InKindValue, x.Contributors, x.Contributions}
			}
		}
		return out
	}
	want := map[string]fig{
		// 10.000.000 + 2.500.000 + 1.250.000 + 300.000 + 200.000; books: one gift, no value;
		// contributors: the business, the person, two anonymous, the family.
		store.PurposeScholarship: {14_250_000, 1, 0, 5, 6},
		store.PurposePrize:       {500_000, 0, 0, 1, 1},
		store.PurposeEquipment:   {0, 1, 24_000_000, 1, 1},
	}
	if got := get(2026, commune); !reflect.DeepEqual(got, want) {
		t.Errorf("Ba Đình 2026:\n got %+v\nwant %+v", got, want)
	}
	if got := get(2025, commune); !reflect.DeepEqual(got, map[string]fig{store.PurposeScholarship: {7_000_000, 0, 0, 1, 1}}) {
		t.Errorf("Ba Đình 2025: %+v", got)
	}
	city := get(2026, "")
	if got := city[store.PurposeEquipment]; got != (fig{4_000_000, 1, 24_000_000, 2, 2}) {
		t.Errorf("city equipment 2026: %+v", got)
	}
	// The service's total row counts each contributor once across purposes: business (both
	// wards' gifts under one name), the person, two anonymous, the clan, the family.
	tot, err := w.svc.Totals(w.ctx, w.city, 2026, "")
	if err != nil {
		t.Fatal(err)
	}
	if tot.All.Money != 18_750_000 || tot.All.Contributors != 6 || tot.All.Contributions != 9 || len(tot.ByCommune) != 2 {
		t.Errorf("city 2026: %+v, %d communes", tot.All, len(tot.ByCommune))
	}
	if tot.ByCommune[0].CommuneCode != commune || tot.ByCommune[0].Money != 14_750_000 || tot.ByCommune[0].Contributors != 6 {
		t.Errorf("Ba Đình in the city's list: %+v", tot.ByCommune[0])
	}
	// The workbook holds the same figures.
	var buf bytes.Buffer
	if err := w.svc.TotalsXLSX(w.ctx, w.officer, 2026, commune, &buf); err != nil {
		t.Fatal(err)
	}
	rows := readXLSX(t, buf.Bytes())
	if len(rows) != 1+len(store.Purposes)+1 || rows[1][2] != "Quỹ học bổng khuyến học" || rows[1][3] != "14250000" || rows[1][6] != "5" ||
		rows[len(rows)-1][2] != "Cộng" || rows[len(rows)-1][3] != "14750000" || rows[len(rows)-1][5] != "24000000" {
		t.Errorf("totals workbook: %q", rows)
	}
	// Access: the neighbouring ward's officer reads neither Ba Đình's totals nor the city's.
	if _, err := w.svc.Totals(w.ctx, w.otherOff, 2026, commune); fault.KindOf(err) != fault.Forbidden {
		t.Errorf("neighbour reads Ba Đình: %v", err)
	}
	if _, err := w.svc.Totals(w.ctx, w.officer, 2026, ""); fault.KindOf(err) != fault.Forbidden {
		t.Errorf("a commune officer reads the city: %v", err)
	}
}

// TestContributionBadInput checks that every problem of the form is named on its field and
// that nothing is written.
func TestContributionBadInput(t *testing.T) {
	w := newWorld(t)
	prov := store.Provider{ProvinceCode: province, CommuneCode: commune, Name: "Trung tâm học tập cộng đồng"}
	if err := w.db.Write(w.ctx, func(tx *store.Tx) error { return tx.CreateProvider(w.ctx, &prov) }); err != nil {
		t.Fatal(err)
	}
	lsvc := &learning.Service{DB: w.db, Units: w.units}
	draft, err := lsvc.CreateProgramme(w.ctx, nil, prov.ID, learning.ProgrammeInput{Title: "Bản nháp", Topic: "law", Mode: "in_person", CommuneCode: commune,
		Address: "Nhà văn hoá", Capacity: 10, Sessions: []learning.SessionInput{{Day: "2026-05-01", Start: "08:00", End: "10:00"}}})
	if err != nil {
		t.Fatal(err)
	}
	ok := community.ContributionInput{CommuneCode: commune, ReceivedOn: "2026-04-15", DonorKind: store.DonorBusiness, DonorName: "Công ty A",
		Kind: store.ContributionMoney, Amount: "1.000.000", Purpose: store.PurposeScholarship}
	before := w.counts()
	for _, tc := range []struct {
		name string
		edit func(*community.ContributionInput)
		want map[string]string
	}{
		{"a negative amount", func(in *community.ContributionInput) { in.Amount = "-500.000" }, map[string]string{"amount": "contribution.amount.not_positive"}},
		{"a zero amount", func(in *community.ContributionInput) { in.Amount = "0" }, map[string]string{"amount": "contribution.amount.not_positive"}},
		{"not a number", func(in *community.ContributionInput) { in.Amount = "một triệu" }, map[string]string{"amount": "contribution.amount.invalid"}},
		{"a decimal", func(in *community.ContributionInput) { in.Amount = "1.5" }, map[string]string{"amount": "contribution.amount.invalid"}},
		{"a future day", func(in *community.ContributionInput) { in.ReceivedOn = "2026-04-16" }, map[string]string{"received_on": "contribution.received_on.future"}},
		{"not a day", func(in *community.ContributionInput) { in.ReceivedOn = "31/02/2026" }, map[string]string{"received_on": "contribution.received_on.invalid"}},
		{"an unknown programme", func(in *community.ContributionInput) { in.Purpose, in.ProgrammeID = store.PurposeSponsorship, "999999" },
			map[string]string{"programme": "contribution.programme.unknown"}},
		{"a draft programme", func(in *community.ContributionInput) {
			in.Purpose, in.ProgrammeID = store.PurposeSponsorship, fmt.Sprint(draft.ID)
		},
			map[string]string{"programme": "contribution.programme.unknown"}},
		{"a sponsorship without programme", func(in *community.ContributionInput) { in.Purpose = store.PurposeSponsorship },
			map[string]string{"programme": "contribution.programme.required"}},
		{"no name, an unknown person, in kind without item", func(in *community.ContributionInput) {
			in.DonorName, in.Kind, in.Amount = " ", store.ContributionInKind, ""
		}, map[string]string{"donor_name": "contribution.donor_name.required", "item": "contribution.item.required", "quantity": "contribution.quantity.required"}},
		{"items: a negative value and no quantity", func(in *community.ContributionInput) {
			in.Kind, in.Item, in.Quantity, in.EstimatedValue = store.ContributionInKind, "Vở", "-3", "-1"
		}, map[string]string{"quantity": "contribution.quantity.not_positive", "estimated_value": "contribution.estimated_value.negative"}},
		{"an unknown person", func(in *community.ContributionInput) {
			in.DonorKind, in.DonorNationalID = store.DonorPerson, "001099000000"
		},
			map[string]string{"national_id": "contribution.national_id.unknown"}},
		{"unknown codes", func(in *community.ContributionInput) { in.DonorKind, in.Kind, in.Purpose = "alien", "gold", "party" },
			map[string]string{"donor_kind": "contribution.donor_kind.invalid", "kind": "contribution.kind.invalid", "purpose": "contribution.purpose.invalid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.edit(&in)
			_, err := w.svc.RecordContribution(w.ctx, w.officer, in)
			if got := fields(err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems %v, want %v (%v)", got, tc.want, err)
			}
		})
	}
	if after := w.counts(); !reflect.DeepEqual(after, before) {
		t.Errorf("refused input wrote: %v → %v", before, after)
	}
	// A receipt number used twice is refused on its field.
	in := ok
	in.ReceiptNo = "BN-01"
	w.give(w.officer, in)
	if _, err := w.svc.RecordContribution(w.ctx, w.officer, in); fields(err)["receipt_no"] != "contribution.receipt_no.taken" || fault.KindOf(err) != fault.Conflict {
		t.Errorf("receipt number reused: %v", err)
	}
	// Numbers are given in order without one: 001/2026, then 002/2026 (BN-01 was typed).
	a, b := w.give(w.officer, ok), w.give(w.officer, ok)
	if a.ReceiptNo != "002/2026" || b.ReceiptNo != "003/2026" {
		t.Errorf("receipt numbers %q, %q", a.ReceiptNo, b.ReceiptNo)
	}
}

// TestContributionAccess checks who records and who reads.
func TestContributionAccess(t *testing.T) {
	w := newWorld(t)
	in := money(commune, "2026-04-01", store.DonorAnonymous, store.PurposeScholarship, "100.000")
	for _, tc := range []struct {
		name string
		by   *auth.Principal
		ok   bool
	}{
		{"the commune officer", w.officer, true},
		{"the administrator", w.admin, true},
		{"the neighbouring ward's officer", w.otherOff, false},
		{"the city officer (reads, does not record)", w.city, false},
		{"a collector", w.collec, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.svc.RecordContribution(w.ctx, tc.by, in)
			if (err == nil) != tc.ok || (!tc.ok && fault.KindOf(err) != fault.Forbidden) {
				t.Errorf("err %v, want allowed=%v", err, tc.ok)
			}
		})
	}
	c := w.give(w.officer, in)
	for by, ok := range map[*auth.Principal]bool{w.officer: true, w.city: true, w.admin: true, w.otherOff: false, w.collec: false} {
		if _, err := w.svc.Contribution(w.ctx, by, c.ID); (err == nil) != ok {
			t.Errorf("%s reads a contribution: %v, want allowed=%v", by.DisplayName, err, ok)
		}
	}
	// Every write left its audit entry, placed in the commune.
	es, err := w.db.ListAudit(w.ctx, store.AuditFilter{Scope: auth.Scope{All: true}, Entity: "contribution"})
	if err != nil || len(es) != 3 || es[0].CommuneCode != commune || es[0].EntityID != fmt.Sprint(c.ID) {
		t.Errorf("audit of contributions: %v %+v", err, es)
	}
}

// TestAwardBeyondFund checks that a fund never goes below zero: an award beyond what is left is
// refused and nothing is written, and the fund's balance follows the awards.
func TestAwardBeyondFund(t *testing.T) {
	w := newWorld(t)
	pupil := w.person(w.v1, "Trần Thị Bông", 2014)
	foreign := w.person(w.v2, "Lê Văn Khác", 2013)
	first := w.give(w.officer, money(commune, "2026-01-05", store.DonorAnonymous, store.PurposeScholarship, "2.000.000"))
	second := w.give(w.officer, money(commune, "2026-02-05", store.DonorAnonymous, store.PurposeScholarship, "1.000.000"))
	w.give(w.officer, money(commune, "2026-02-06", store.DonorAnonymous, store.PurposePrize, "5.000.000"))
	books := w.give(w.officer, community.ContributionInput{CommuneCode: commune, ReceivedOn: "2026-02-07", DonorKind: store.DonorAnonymous,
		Kind: store.ContributionInKind, Item: "Vở", Quantity: "30", Unit: "cuốn", Purpose: store.PurposeScholarship})
	award := func(amount string, sources ...int64) (store.Award, error) {
		return w.svc.GiveAward(w.ctx, w.officer, community.AwardInput{CommuneCode: commune, NationalID: pupil.NationalID, Purpose: store.PurposeScholarship,
			Kind: store.ContributionMoney, Amount: amount, Sources: sources, Reason: "Học sinh giỏi", AwardedOn: "2026-04-10"})
	}
	// 2.500.000 draws on the oldest first: all of the first gift, 500.000 of the second.
	a, err := award("2.500.000")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Sources) != 2 || a.Sources[0].ContributionID != first.ID || a.Sources[0].Amount != 2_000_000 || a.Sources[1].ContributionID != second.ID || a.Sources[1].Amount != 500_000 {
		t.Errorf("sources %+v", a.Sources)
	}
	before := w.counts()
	_, err = award("600.000")
	if got := fields(err)["amount"]; got != "award.amount.exceeds_fund" {
		t.Errorf("beyond the fund: %v", err)
	}
	if fe, ok := fault.As(err); !ok || fe.Args[0] != int64(600_000) || fe.Args[1] != int64(500_000) {
		t.Errorf("the refusal names the amounts: %+v", err)
	}
	// The prize fund holds 5.000.000, but a scholarship is not paid from it; and a chosen gift
	// with too little left is refused too.
	if _, err := award("600.000", second.ID); fields(err)["amount"] != "award.amount.exceeds_sources" {
		t.Errorf("beyond the chosen gift: %v", err)
	}
	if _, err := award("100.000", first.ID); fields(err)["sources"] != "award.sources.invalid" {
		t.Errorf("a spent gift chosen: %v", err)
	}
	// Books: 30 given, 31 asked.
	_, err = w.svc.GiveAward(w.ctx, w.officer, community.AwardInput{CommuneCode: commune, NationalID: pupil.NationalID, Purpose: store.PurposeScholarship,
		Kind: store.ContributionInKind, Quantity: "31", Sources: []int64{books.ID}, Reason: "Hỗ trợ", AwardedOn: "2026-04-10"})
	if fields(err)["quantity"] != "award.quantity.exceeds" {
		t.Errorf("beyond the books: %v", err)
	}
	// A person outside the officer's ward, a negative amount, a future day.
	_, err = w.svc.GiveAward(w.ctx, w.officer, community.AwardInput{CommuneCode: commune, NationalID: foreign.NationalID, Purpose: store.PurposeScholarship,
		Kind: store.ContributionMoney, Amount: "-1", Reason: "x", AwardedOn: "2026-05-01"})
	if got := fields(err); !reflect.DeepEqual(got, map[string]string{"national_id": "award.national_id.unknown", "amount": "award.amount.not_positive",
		"awarded_on": "award.awarded_on.future"}) {
		t.Errorf("bad award: %v", got)
	}
	if after := w.counts(); !reflect.DeepEqual(after, before) {
		t.Errorf("a refused award wrote: %v → %v", before, after)
	}
	// The neighbouring ward's officer and the city officer give nothing in Ba Đình.
	for _, by := range []*auth.Principal{w.otherOff, w.city} {
		if _, err := w.svc.GiveAward(w.ctx, by, community.AwardInput{CommuneCode: commune}); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("%s gives an award: %v", by.DisplayName, err)
		}
	}
	// Exactly what is left is allowed, and the fund is then empty, not negative.
	if _, err := award("500.000"); err != nil {
		t.Fatal(err)
	}
	funds, err := w.db.FundBalances(w.ctx, province, commune)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range funds {
		want := map[string]int64{store.PurposeScholarship: 0, store.PurposePrize: 5_000_000}[f.Purpose]
		if f.Remaining != want || f.Remaining < 0 {
			t.Errorf("fund %s: %+v, want %d left", f.Purpose, f, want)
		}
	}
	c, err := w.svc.Contribution(w.ctx, w.officer, second.ID)
	if err != nil || c.Remaining() != 0 || c.Drawn != 1_000_000 {
		t.Errorf("second gift after the awards: %v %+v", err, c)
	}
	// Awards are audited.
	es, err := w.db.ListAudit(w.ctx, store.AuditFilter{Scope: auth.Scope{All: true}, Entity: "award"})
	if err != nil || len(es) != 2 {
		t.Errorf("audit of awards: %v %d", err, len(es))
	}
}

// TestReceiptPDF prints a receipt and reads it back with pdftotext: the amount in figures and
// in words, with its diacritics, the association, the number and the signers.
func TestReceiptPDF(t *testing.T) {
	w := newWorld(t)
	donor := w.person(w.v1, "Đặng Thị Ngọc Ánh", 1975)
	in := money(commune, "2026-03-08", store.DonorPerson, store.PurposeScholarship, "1.250.000")
	in.DonorNationalID, in.DonorAddress = donor.NationalID, "Số 5 phố Đội Cấn"
	c := w.give(w.officer, in)
	var buf bytes.Buffer
	if err := w.svc.ReceiptPDF(w.ctx, w.officer, c.ID, &buf); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{"HỘI KHUYẾN HỌC PHƯỜNG BA ĐÌNH", "BIÊN NHẬN ỦNG HỘ", "Số: 001/2026", "Đặng Thị Ngọc Ánh", "1.250.000 đồng",
		"Một triệu hai trăm năm mươi nghìn đồng", "Quỹ học bổng khuyến học", "ngày 08 tháng 03 năm 2026", "Người ủng hộ", "Người nhận"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
	if err := w.svc.ReceiptPDF(w.ctx, w.otherOff, c.ID, &buf); fault.KindOf(err) != fault.Forbidden {
		t.Errorf("neighbour prints the receipt: %v", err)
	}
	// In kind: the items and the value in words.
	k := w.give(w.officer, community.ContributionInput{CommuneCode: commune, ReceivedOn: "2026-03-09", DonorKind: store.DonorBusiness, DonorName: "Công ty Cổ phần Hoàng Long",
		Kind: store.ContributionInKind, Item: "Máy tính để bàn", Quantity: "5", Unit: "bộ", EstimatedValue: "2.005.000", Purpose: store.PurposeEquipment})
	buf.Reset()
	if err := w.svc.ReceiptPDF(w.ctx, w.city, k.ID, &buf); err != nil {
		t.Fatal(err)
	}
	text = pdfText(t, buf.Bytes())
	for _, want := range []string{"Công ty Cổ phần Hoàng Long", "Máy tính để bàn", "5 bộ", "Hai triệu không trăm lẻ năm nghìn đồng"} {
		if !strings.Contains(text, want) {
			t.Errorf("in-kind receipt lacks %q:\n%s", want, text)
		}
	}
}

// pdfText extracts a PDF's text with pdftotext (poppler-utils).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
