package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/people"
)

// Community resources kept by the Hội Khuyến học (issue 9, part 4): contributions received by a
// commune's association, in money or in kind, and the awards and scholarships given with them.

// The kinds of donor, of contribution and the purposes of a contribution.
const (
	DonorPerson       = "person"       // a person on record (citizen_id)
	DonorHousehold    = "household"    // a household or family, by name
	DonorClan         = "clan"         // a clan (dòng họ), by name
	DonorBusiness     = "business"     // a business, by name
	DonorOrganisation = "organisation" // an organisation, by name
	DonorAnonymous    = "anonymous"    // nhà hảo tâm giấu tên

	ContributionMoney  = "money"
	ContributionInKind = "in_kind"

	PurposeScholarship = "scholarship" // quỹ học bổng
	PurposeEquipment   = "equipment"   // learning-centre equipment
	PurposePrize       = "prize"       // prizes and awards (khen thưởng)
	PurposeSponsorship = "sponsorship" // sponsorship of a programme
	PurposeOther       = "other"
)

// DonorKinds and Purposes list the codes in the order forms show them.
var (
	DonorKinds = []string{DonorPerson, DonorHousehold, DonorClan, DonorBusiness, DonorOrganisation, DonorAnonymous}
	Purposes   = []string{PurposeScholarship, PurposeEquipment, PurposePrize, PurposeSponsorship, PurposeOther}
)

// Contribution is one gift received by a commune's association, with its receipt number.
type Contribution struct {
	ID             int64
	ProvinceCode   string
	CommuneCode    string
	BranchID       int64 // the receiving branch; 0 for the commune's association itself
	ReceiptNo      string
	ReceivedOn     string // yyyy-mm-dd
	DonorKind      string
	CitizenID      int64  // DonorPerson: the person on record
	DonorName      string // the name as recorded; for a person, read from the record
	DonorAddress   string
	Kind           string // ContributionMoney or ContributionInKind
	Amount         int64  // đồng, money only
	Item           string // in kind: what was given
	Quantity       int    // in kind
	Unit           string // in kind: cuốn, bộ, chiếc …
	EstimatedValue int64  // in kind: đồng, 0 when not estimated
	Purpose        string
	ProgrammeID    int64 // PurposeSponsorship: the programme sponsored
	Note           string
	RecordedBy     int64
	CreatedAt      time.Time

	// Read with it, not written.
	BranchName     string
	ProgrammeTitle string
	Drawn          int64 // money given out by awards
	DrawnQuantity  int   // items given out by awards
}

// Remaining is the money of a contribution not yet given out.
func (c Contribution) Remaining() int64 { return c.Amount - c.Drawn }

// RemainingQuantity is the number of items of an in-kind contribution not yet given out.
func (c Contribution) RemainingQuantity() int { return c.Quantity - c.DrawnQuantity }

// Value is what a contribution is worth: its amount, or the estimated value of the items.
func (c Contribution) Value() int64 {
	if c.Kind == ContributionMoney {
		return c.Amount
	}
	return c.EstimatedValue
}

// ContributionPlace locates a contribution (or an award) for access checks: its commune.
func ContributionPlace(provinceCode, communeCode string) auth.Place {
	return auth.Place{ProvinceCode: provinceCode, CommuneCode: communeCode}
}

var contributionScope = scopeColumns{province: "ct.province_code", commune: "ct.commune_code"}

const contributionColumns = `ct.id, ct.province_code, ct.commune_code, COALESCE(ct.branch_id, 0), ct.receipt_no, ct.received_on, ct.donor_kind,
	COALESCE(ct.citizen_id, 0), CASE WHEN ct.donor_kind = 'person' THEN COALESCE(c.full_name, '') ELSE ct.donor_name END, ct.donor_address,
	ct.kind, ct.amount, ct.item, ct.quantity, ct.unit, ct.estimated_value, ct.purpose, COALESCE(ct.programme_id, 0), ct.note,
	COALESCE(ct.recorded_by, 0), ct.created_at, COALESCE(b.name, ''), COALESCE(p.title, ''),
	COALESCE((SELECT SUM(s.amount) FROM award_sources s WHERE s.contribution_id = ct.id), 0),
	COALESCE((SELECT SUM(s.quantity) FROM award_sources s WHERE s.contribution_id = ct.id), 0)`

const contributionFrom = ` FROM contributions ct LEFT JOIN citizens c ON c.id = ct.citizen_id
	LEFT JOIN branches b ON b.id = ct.branch_id LEFT JOIN programmes p ON p.id = ct.programme_id`

func scanContribution(s scanner) (Contribution, error) {
	var c Contribution
	err := s.Scan(&c.ID, &c.ProvinceCode, &c.CommuneCode, &c.BranchID, &c.ReceiptNo, &c.ReceivedOn, &c.DonorKind,
		&c.CitizenID, &c.DonorName, &c.DonorAddress, &c.Kind, &c.Amount, &c.Item, &c.Quantity, &c.Unit, &c.EstimatedValue,
		&c.Purpose, &c.ProgrammeID, &c.Note, &c.RecordedBy, &c.CreatedAt, &c.BranchName, &c.ProgrammeTitle, &c.Drawn, &c.DrawnQuantity)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fault.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("store: scan contribution: %w", err)
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return c, nil
}

func (r reader) contributions(ctx context.Context, q string, args ...any) ([]Contribution, error) {
	rows, err := r.query(ctx, "SELECT "+contributionColumns+contributionFrom+" "+q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: contributions: %w", err)
	}
	defer rows.Close()
	var out []Contribution
	for rows.Next() {
		c, err := scanContribution(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// donorKey identifies a donor for counting contributors: the person, or the kind and the name
// without diacritics; nil for an anonymous gift (each counts as one contributor).
func donorKey(c Contribution) any {
	switch c.DonorKind {
	case DonorAnonymous:
		return nil
	case DonorPerson:
		return "person:" + strconv.FormatInt(c.CitizenID, 10)
	}
	return c.DonorKind + ":" + people.FoldName(c.DonorName)
}

func auditContribution(c Contribution) map[string]any {
	return map[string]any{"receipt_no": c.ReceiptNo, "received_on": c.ReceivedOn, "donor_kind": c.DonorKind, "citizen_id": c.CitizenID,
		"donor_name": c.DonorName, "kind": c.Kind, "amount": c.Amount, "item": c.Item, "quantity": c.Quantity, "unit": c.Unit,
		"estimated_value": c.EstimatedValue, "purpose": c.Purpose, "programme_id": c.ProgrammeID, "branch_id": c.BranchID}
}

// CreateContribution records a contribution. Without a receipt number it takes the commune's
// next one of the year ("007/2025"); a number the commune already used is a conflict on the
// field receipt_no.
func (tx *Tx) CreateContribution(ctx context.Context, c *Contribution) error {
	c.CreatedAt = tx.now
	if c.ReceiptNo == "" {
		no, err := tx.nextReceiptNo(ctx, c.ProvinceCode, c.CommuneCode, c.ReceivedOn[:4])
		if err != nil {
			return err
		}
		c.ReceiptNo = no
	} else {
		var n int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM contributions WHERE province_code = ? AND commune_code = ? AND receipt_no = ?",
			c.ProvinceCode, c.CommuneCode, c.ReceiptNo).Scan(&n); err != nil {
			return fmt.Errorf("store: receipt number: %w", err)
		}
		if n > 0 {
			return &fault.Error{Kind: fault.Conflict, Key: "contribution.receipt_no.taken", Field: "receipt_no", Args: []any{c.ReceiptNo}}
		}
	}
	name := c.DonorName
	if c.DonorKind == DonorPerson || c.DonorKind == DonorAnonymous {
		name = "" // a person's name is read from the record
	}
	id, err := tx.insert(ctx, `INSERT INTO contributions (province_code, commune_code, branch_id, receipt_no, received_on, donor_kind, citizen_id,
		donor_name, donor_address, donor_key, kind, amount, item, quantity, unit, estimated_value, purpose, programme_id, note, recorded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ProvinceCode, c.CommuneCode, nullInt(c.BranchID), c.ReceiptNo, c.ReceivedOn, c.DonorKind, nullInt(c.CitizenID),
		name, c.DonorAddress, donorKey(*c), c.Kind, c.Amount, c.Item, c.Quantity, c.Unit, c.EstimatedValue, c.Purpose,
		nullInt(c.ProgrammeID), c.Note, nullInt(actorID(ctx)), c.CreatedAt)
	if isUniqueViolation(err) {
		return &fault.Error{Kind: fault.Conflict, Key: "contribution.receipt_no.taken", Field: "receipt_no", Args: []any{c.ReceiptNo}}
	}
	if err != nil {
		return fmt.Errorf("store: create contribution: %w", err)
	}
	c.ID, c.RecordedBy = id, actorID(ctx)
	return tx.record(ctx, Change{Action: "create", Entity: "contribution", EntityID: id, Place: ContributionPlace(c.ProvinceCode, c.CommuneCode),
		After: auditContribution(*c)})
}

// nextReceiptNo is the commune's next free receipt number of a year: "NNN/YYYY".
func (tx *Tx) nextReceiptNo(ctx context.Context, province, commune, year string) (string, error) {
	var n int
	if err := tx.queryRow(ctx, "SELECT count(*) FROM contributions WHERE province_code = ? AND commune_code = ? AND received_on >= ? AND received_on <= ?",
		province, commune, year+"-01-01", year+"-12-31").Scan(&n); err != nil {
		return "", fmt.Errorf("store: receipt number: %w", err)
	}
	for ; ; n++ {
		no := fmt.Sprintf("%03d/%s", n+1, year)
		var taken int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM contributions WHERE province_code = ? AND commune_code = ? AND receipt_no = ?",
			province, commune, no).Scan(&taken); err != nil {
			return "", fmt.Errorf("store: receipt number: %w", err)
		}
		if taken == 0 {
			return no, nil
		}
	}
}

// Contribution returns one contribution with what awards drew from it.
func (db *DB) Contribution(ctx context.Context, id int64) (Contribution, error) {
	return scanContribution(db.r().queryRow(ctx, "SELECT "+contributionColumns+contributionFrom+" WHERE ct.id = ?", id))
}

// ContributionQuery selects contributions for a list.
type ContributionQuery struct {
	Scope       auth.Scope
	CommuneCode string // "" for every commune in the scope
	Year        int    // of the day received; 0 for every year
	Purpose     string
	ProgrammeID int64
	Kind        string // ContributionMoney, ContributionInKind or "" for both
}

func (q ContributionQuery) where() (string, []any) {
	where, args := scopeWhere(q.Scope, contributionScope)
	if q.CommuneCode != "" {
		where += " AND ct.commune_code = ?"
		args = append(args, q.CommuneCode)
	}
	if q.Year != 0 {
		where += " AND ct.received_on >= ? AND ct.received_on <= ?"
		args = append(args, fmt.Sprintf("%04d-01-01", q.Year), fmt.Sprintf("%04d-12-31", q.Year))
	}
	if q.Purpose != "" {
		where += " AND ct.purpose = ?"
		args = append(args, q.Purpose)
	}
	if q.ProgrammeID != 0 {
		where += " AND ct.programme_id = ?"
		args = append(args, q.ProgrammeID)
	}
	if q.Kind != "" {
		where += " AND ct.kind = ?"
		args = append(args, q.Kind)
	}
	return where, args
}

// Contributions lists the contributions a query selects, the newest first.
func (db *DB) Contributions(ctx context.Context, q ContributionQuery) ([]Contribution, error) {
	where, args := q.where()
	return db.r().contributions(ctx, "WHERE "+where+" ORDER BY ct.received_on DESC, ct.id DESC", args...)
}

// FundContributions returns a commune's contributions of one purpose and kind that still have
// something to give, the oldest first, locked for the transaction: an award draws on them.
func (tx *Tx) FundContributions(ctx context.Context, province, commune, purpose, kind string) ([]Contribution, error) {
	q := "WHERE ct.province_code = ? AND ct.commune_code = ? AND ct.purpose = ? AND ct.kind = ? ORDER BY ct.received_on, ct.id"
	if tx.d.name == "postgres" {
		q += " FOR UPDATE OF ct"
	}
	all, err := tx.contributions(ctx, q, province, commune, purpose, kind)
	if err != nil {
		return nil, err
	}
	var out []Contribution
	for _, c := range all {
		if (kind == ContributionMoney && c.Remaining() > 0) || (kind == ContributionInKind && c.RemainingQuantity() > 0) {
			out = append(out, c)
		}
	}
	return out, nil
}

// ProgrammeSponsors lists the contributions that sponsor a programme, the oldest first.
func (db *DB) ProgrammeSponsors(ctx context.Context, programmeID int64) ([]Contribution, error) {
	return db.r().contributions(ctx, "WHERE ct.programme_id = ? AND ct.purpose = ? ORDER BY ct.received_on, ct.id", programmeID, PurposeSponsorship)
}

// ContributionTotal is what a commune (or the whole city) received in a year for one purpose:
// money in đồng, the number of in-kind gifts and their estimated value, the number of distinct
// contributors (each anonymous gift counts as one) and of contributions.
type ContributionTotal struct {
	CommuneCode   string // ContributionTotalsByCommune only
	Purpose       string // "" in ContributionTotalsByCommune, which sums every purpose
	Money         int64
	InKindCount   int
	InKindValue   int64
	Contributors  int
	Contributions int
}

const totalColumns = `COALESCE(SUM(CASE WHEN ct.kind = 'money' THEN ct.amount ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN ct.kind = 'in_kind' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN ct.kind = 'in_kind' THEN ct.estimated_value ELSE 0 END), 0),
	COUNT(DISTINCT ct.donor_key) + COALESCE(SUM(CASE WHEN ct.donor_key IS NULL THEN 1 ELSE 0 END), 0), COUNT(*)`

// ContributionTotals sums a year's contributions per purpose, for a commune or, with
// communeCode "", the whole city, for the annual report. Every purpose is listed, in the order
// of Purposes, with zeros where nothing was received.
func (db *DB) ContributionTotals(ctx context.Context, year int, communeCode string) ([]ContributionTotal, error) {
	q := ContributionQuery{Scope: auth.Scope{All: true}, CommuneCode: communeCode, Year: year}
	where, args := q.where()
	rows, err := db.r().query(ctx, "SELECT ct.purpose, "+totalColumns+" FROM contributions ct WHERE "+where+" GROUP BY ct.purpose", args...)
	if err != nil {
		return nil, fmt.Errorf("store: contribution totals: %w", err)
	}
	defer rows.Close()
	by := map[string]ContributionTotal{}
	for rows.Next() {
		var t ContributionTotal
		if err := rows.Scan(&t.Purpose, &t.Money, &t.InKindCount, &t.InKindValue, &t.Contributors, &t.Contributions); err != nil {
			return nil, fmt.Errorf("store: scan contribution totals: %w", err)
		}
		t.CommuneCode = communeCode
		by[t.Purpose] = t
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]ContributionTotal, 0, len(Purposes))
	for _, p := range Purposes {
		t, ok := by[p]
		if !ok {
			t = ContributionTotal{CommuneCode: communeCode, Purpose: p}
		}
		out = append(out, t)
	}
	return out, nil
}

// ContributionTotalsByCommune sums a year's contributions of every purpose per commune within
// a scope (a query's CommuneCode, Year and Scope apply), in commune code order; communes that
// received nothing are left out. Contributors are counted once per commune.
func (db *DB) ContributionTotalsByCommune(ctx context.Context, q ContributionQuery) ([]ContributionTotal, error) {
	where, args := q.where()
	rows, err := db.r().query(ctx, "SELECT ct.commune_code, "+totalColumns+" FROM contributions ct WHERE "+where+" GROUP BY ct.commune_code ORDER BY ct.commune_code", args...)
	if err != nil {
		return nil, fmt.Errorf("store: contribution totals: %w", err)
	}
	defer rows.Close()
	var out []ContributionTotal
	for rows.Next() {
		var t ContributionTotal
		if err := rows.Scan(&t.CommuneCode, &t.Money, &t.InKindCount, &t.InKindValue, &t.Contributors, &t.Contributions); err != nil {
			return nil, fmt.Errorf("store: scan contribution totals: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ContributorCount counts the distinct contributors a query selects (each anonymous gift counts
// as one): the total row of the totals, which is not the sum of the purposes' counts.
func (db *DB) ContributorCount(ctx context.Context, q ContributionQuery) (int, error) {
	where, args := q.where()
	var n int
	err := db.r().queryRow(ctx, "SELECT COUNT(DISTINCT ct.donor_key) + COALESCE(SUM(CASE WHEN ct.donor_key IS NULL THEN 1 ELSE 0 END), 0) FROM contributions ct WHERE "+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: contributors: %w", err)
	}
	return n, nil
}

// FundBalance is the money of one purpose's fund of a commune: received (every year up to
// now), given out by awards, and what remains.
type FundBalance struct {
	Purpose   string
	Received  int64
	Awarded   int64
	Remaining int64
}

// FundBalances returns a commune's money funds per purpose, in the order of Purposes.
func (db *DB) FundBalances(ctx context.Context, province, commune string) ([]FundBalance, error) {
	rows, err := db.r().query(ctx, `SELECT ct.purpose, COALESCE(SUM(ct.amount), 0), COALESCE(SUM(d.drawn), 0)
		FROM contributions ct LEFT JOIN (SELECT contribution_id, SUM(amount) AS drawn FROM award_sources GROUP BY contribution_id) d
		ON d.contribution_id = ct.id
		WHERE ct.province_code = ? AND ct.commune_code = ? AND ct.kind = 'money' GROUP BY ct.purpose`, province, commune)
	if err != nil {
		return nil, fmt.Errorf("store: fund balances: %w", err)
	}
	defer rows.Close()
	by := map[string]FundBalance{}
	for rows.Next() {
		var f FundBalance
		if err := rows.Scan(&f.Purpose, &f.Received, &f.Awarded); err != nil {
			return nil, fmt.Errorf("store: scan fund balance: %w", err)
		}
		f.Remaining = f.Received - f.Awarded
		by[f.Purpose] = f
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []FundBalance
	for _, p := range Purposes {
		f, ok := by[p]
		if !ok {
			f = FundBalance{Purpose: p}
		}
		out = append(out, f)
	}
	return out, nil
}

// Award is a scholarship or prize given to a person on record from one purpose's fund, in
// money or in kind.
type Award struct {
	ID           int64
	ProvinceCode string
	CommuneCode  string
	CitizenID    int64
	Purpose      string // the fund it is paid from: PurposeScholarship, PurposePrize …
	Kind         string // ContributionMoney or ContributionInKind
	Amount       int64  // đồng
	Item         string
	Quantity     int
	Reason       string
	AwardedOn    string // yyyy-mm-dd
	RecordedBy   int64
	CreatedAt    time.Time
	Sources      []AwardSource

	// Read with it.
	FullName  string
	BirthYear int
}

// AwardSource is what an award draws from one contribution.
type AwardSource struct {
	ContributionID int64
	ReceiptNo      string // read
	Amount         int64
	Quantity       int
}

// CreateAward records an award and what it draws from each contribution; the service has
// checked, in the same transaction, that each source has that much left.
func (tx *Tx) CreateAward(ctx context.Context, a *Award) error {
	a.CreatedAt, a.RecordedBy = tx.now, actorID(ctx)
	id, err := tx.insert(ctx, `INSERT INTO awards (province_code, commune_code, citizen_id, purpose, kind, amount, item, quantity, reason,
		awarded_on, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ProvinceCode, a.CommuneCode, a.CitizenID, a.Purpose, a.Kind, a.Amount, a.Item, a.Quantity, a.Reason, a.AwardedOn,
		nullInt(a.RecordedBy), a.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: create award: %w", err)
	}
	a.ID = id
	for _, s := range a.Sources {
		if _, err := tx.exec(ctx, `INSERT INTO award_sources (province_code, commune_code, award_id, contribution_id, amount, quantity)
			VALUES (?, ?, ?, ?, ?, ?)`, a.ProvinceCode, a.CommuneCode, id, s.ContributionID, s.Amount, s.Quantity); err != nil {
			return fmt.Errorf("store: award source: %w", err)
		}
	}
	return tx.record(ctx, Change{Action: "create", Entity: "award", EntityID: id, Place: ContributionPlace(a.ProvinceCode, a.CommuneCode),
		After: map[string]any{"citizen_id": a.CitizenID, "purpose": a.Purpose, "kind": a.Kind, "amount": a.Amount, "item": a.Item,
			"quantity": a.Quantity, "reason": a.Reason, "awarded_on": a.AwardedOn, "sources": a.Sources}})
}

// AwardQuery selects awards for a list.
type AwardQuery struct {
	Scope          auth.Scope
	CommuneCode    string
	Year           int
	ContributionID int64 // awards drawing on this contribution
}

// Awards lists the awards a query selects, the newest first, each with its sources.
func (db *DB) Awards(ctx context.Context, q AwardQuery) ([]Award, error) {
	where, args := scopeWhere(q.Scope, scopeColumns{province: "a.province_code", commune: "a.commune_code"})
	if q.CommuneCode != "" {
		where += " AND a.commune_code = ?"
		args = append(args, q.CommuneCode)
	}
	if q.Year != 0 {
		where += " AND a.awarded_on >= ? AND a.awarded_on <= ?"
		args = append(args, fmt.Sprintf("%04d-01-01", q.Year), fmt.Sprintf("%04d-12-31", q.Year))
	}
	if q.ContributionID != 0 {
		where += " AND a.id IN (SELECT award_id FROM award_sources WHERE contribution_id = ?)"
		args = append(args, q.ContributionID)
	}
	rows, err := db.r().query(ctx, `SELECT a.id, a.province_code, a.commune_code, a.citizen_id, a.purpose, a.kind, a.amount, a.item, a.quantity,
		a.reason, a.awarded_on, COALESCE(a.recorded_by, 0), a.created_at, c.full_name, c.birth_year
		FROM awards a JOIN citizens c ON c.id = a.citizen_id WHERE `+where+" ORDER BY a.awarded_on DESC, a.id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("store: awards: %w", err)
	}
	var out []Award
	index := map[int64]int{}
	for rows.Next() {
		var a Award
		if err := rows.Scan(&a.ID, &a.ProvinceCode, &a.CommuneCode, &a.CitizenID, &a.Purpose, &a.Kind, &a.Amount, &a.Item, &a.Quantity,
			&a.Reason, &a.AwardedOn, &a.RecordedBy, &a.CreatedAt, &a.FullName, &a.BirthYear); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: scan award: %w", err)
		}
		a.CreatedAt = a.CreatedAt.UTC()
		index[a.ID] = len(out)
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]int64, 0, len(out))
	for _, a := range out {
		ids = append(ids, a.ID)
	}
	in, inArgs := inList(ids)
	src, err := db.r().query(ctx, `SELECT s.award_id, s.contribution_id, ct.receipt_no, s.amount, s.quantity FROM award_sources s
		JOIN contributions ct ON ct.id = s.contribution_id WHERE s.award_id IN `+in+" ORDER BY s.id", inArgs...)
	if err != nil {
		return nil, fmt.Errorf("store: award sources: %w", err)
	}
	defer src.Close()
	for src.Next() {
		var awardID int64
		var s AwardSource
		if err := src.Scan(&awardID, &s.ContributionID, &s.ReceiptNo, &s.Amount, &s.Quantity); err != nil {
			return nil, fmt.Errorf("store: scan award source: %w", err)
		}
		a := &out[index[awardID]]
		a.Sources = append(a.Sources, s)
	}
	return out, src.Err()
}
