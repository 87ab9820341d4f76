package citygen

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/adminunit"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/criteria"
	"hoctap/internal/demo"
	"hoctap/internal/evaluation"
	"hoctap/internal/people"
	"hoctap/internal/recognition"
	"hoctap/internal/store"
)

// PassRate is the share of each target group that reaches Công dân học tập: the pilot pass rates
// of programme-rules §3.2 (43% of farmers and rural workers, 65% of workers, 87% of officials),
// with students between the last two, as in the small demo.
var PassRate = map[people.TargetGroup]float64{people.GroupResident: 0.43, people.GroupWorker: 0.65, people.GroupStaff: 0.87, people.GroupStudent: 0.75}

// pledgeRate is the share of people aged 15 or more who pledge, for the year two before the
// current one, the year before and the current one: the programme grows.
var pledgeRate = [3]float64{0.30, 0.36, 0.40}

// collectiveTitles are the collective titles generated, with the share of subjects that pledge
// in a year and the share of those that pass.
var collectiveTitles = []struct {
	title, kind string
	pledge      float64
}{
	{"learning_family", "household", 0.25},
	{"learning_clan", "clan", 0.40},
	{"learning_community", "village", 0.40},
	{"learning_unit", "work_unit", 0.50},
}

const collectivePass = 0.6

// Options choose what Generate builds.
type Options struct {
	Scale Scale
	Seed  uint64
	Out   io.Writer // progress and the final figures; nil for none
	// MaxPeople, when positive, caps each commune's people (and its villages at one per 100
	// people): a tiny city for tests and trials.
	MaxPeople int
}

// Result is what Generate wrote.
type Result struct {
	Communes int
	People   int
	Rows     map[string]int64
	Elapsed  time.Duration
	PeakHeap uint64 // the highest heap in use seen between communes, in bytes
}

// cycleOf is one title's cycle of one year with its criteria.
type cycleOf struct {
	id   int64
	year int
	set  *criteria.Set
}

// gen holds what stays the same over the communes of one run.
type gen struct {
	db       *store.DB
	units    *adminunit.Map
	opt      Options
	names    *demo.Names
	ids      *idSerials
	now      time.Time // the store's clock
	year     int       // the current year in Hà Nội
	reg      time.Time // when the city was registered: 2 January three years ago
	regDay   string
	counted  []int // the years whose counts are written
	adultAge int
	cdht     map[int]cycleOf            // by year
	coll     map[string]map[int]cycleOf // by title, year
	decision map[string]int64           // "cycle/commune" → decision id

	b                                                                              *store.Bulk
	villages, units_, providers, households, citizens, tokens, members, residences *store.BulkTable
	consents, clans, clanHouseholds, staff, branches, branchMembers, trainings     *store.BulkTable
	programmes, completions, activities, decisions, assessments                    *store.BulkTable
	placeCounts, communeCounts, countYears                                         *store.BulkTable
	peak                                                                           uint64
}

// Generate builds the communes of the scale into db, which must hold no people yet. Cycles of
// the titles are created through the recognition service (one audit entry each); everything
// else is written in bulk, one transaction and one audit entry per commune, with the counts of
// the dashboards for every kept year, so that a recount finds no difference.
func Generate(ctx context.Context, db *store.DB, units *adminunit.Map, opt Options) (Result, error) {
	start := time.Now()
	res := Result{}
	plans, err := Plan(units, opt.Scale)
	if err != nil {
		return res, err
	}
	if have, err := db.CountWithin(ctx, auth.Scope{All: true}); err != nil {
		return res, err
	} else if have.Citizens > 0 || have.Villages > 0 {
		return res, fmt.Errorf("the database already has %d villages and %d people: generate the city into an empty database", have.Villages, have.Citizens)
	}
	if opt.MaxPeople > 0 {
		for i := range plans {
			plans[i].People = min(plans[i].People, opt.MaxPeople)
			plans[i].Villages = min(plans[i].Villages, max(2, plans[i].People/100))
		}
	}
	names, err := demo.LoadNames()
	if err != nil {
		return res, err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "demo generator"})
	now := db.Now()
	year := now.In(clock.Vietnam).Year()
	g := &gen{db: db, units: units, opt: opt, names: names, ids: newIDSerials(opt.Seed), now: now, year: year,
		reg: time.Date(year-3, 1, 2, 2, 0, 0, 0, time.UTC), decision: map[string]int64{}}
	g.regDay = g.reg.Format("2006-01-02")
	settings, err := db.CountSettings(ctx)
	if err != nil {
		return res, err
	}
	g.adultAge = settings.AdultAge
	for y := settings.FirstYear; y <= year; y++ {
		g.counted = append(g.counted, y)
	}
	if len(g.counted) > maxYears {
		return res, fmt.Errorf("citygen: the counts are kept from %d: at most %d years can be generated", settings.FirstYear, maxYears)
	}
	if err := g.cycles(ctx); err != nil {
		return res, err
	}
	planned := sumPeople(plans)
	g.printf("demo: %s scale, %d communes, %d people planned, seed %d\n", opt.Scale, len(plans), planned, opt.Seed)

	if g.b, err = db.NewBulk(ctx); err != nil {
		return res, err
	}
	defer func() {
		if g.b != nil {
			_ = g.b.Close(ctx)
		}
	}()
	if err := g.tables(ctx); err != nil {
		return res, err
	}
	if first := g.citizens.NextID(); first != 1 {
		return res, fmt.Errorf("the database already has people: generate the city into an empty database")
	}
	// The indexes are built once at the end; the households' heads are found by theirs.
	if err := g.b.DeferIndexes(ctx, "citizens_household"); err != nil {
		return res, err
	}
	if err := g.b.DeferTriggers(ctx); err != nil {
		return res, err
	}
	g.b.ClearCountYears(g.counted)
	done := map[string]bool{}
	for i := range plans {
		p := &plans[i]
		t := time.Now()
		before := copyRows(g.b.Rows())
		if err := g.commune(p); err != nil {
			return res, err
		}
		rows := diffRows(g.b.Rows(), before)
		if err := g.b.Commit(store.Change{Action: "demo.generate", Entity: "commune", Key: p.Unit.Code,
			Place: auth.Place{ProvinceCode: p.Unit.ProvinceCode, CommuneCode: p.Unit.Code},
			After: map[string]any{"scale": string(opt.Scale), "seed": opt.Seed, "people": p.People, "rows": rows}}); err != nil {
			return res, fmt.Errorf("citygen: commune %s: %w", p.Unit.Code, err)
		}
		done[p.Unit.Code] = true
		res.People += p.People
		res.Communes++
		g.sampleMemory()
		elapsed := time.Since(start)
		left := time.Duration(float64(elapsed) * float64(planned-res.People) / float64(res.People))
		g.printf("demo: %3d/%d %s %s: %d people, %d rows in %s; %d%% of the people in %s, about %s left (heap %d MB)\n", i+1, len(plans),
			p.Unit.Code, p.Unit.Name, p.People, sumRows(rows), time.Since(t).Round(time.Millisecond), 100*res.People/planned,
			elapsed.Round(time.Second), left.Round(time.Second), g.peak>>20)
	}
	// Every current commune counts itself (the "communes" count), generated or not.
	for _, u := range units.Units(adminunit.Era2025Jul, adminunit.LevelCommune) {
		if done[u.Code] {
			continue
		}
		for _, y := range g.counted {
			g.placeCounts.Add(y, u.ProvinceCode, u.Code, int64(0), int64(0), "communes", int64(1))
			g.communeCounts.Add(y, u.ProvinceCode, u.Code, "communes", int64(1))
		}
	}
	for _, y := range g.counted {
		g.countYears.Add(y, now)
	}
	if err := g.b.Commit(store.Change{Action: "demo.generate", Entity: "city", Key: string(opt.Scale),
		Place: auth.Place{ProvinceCode: units.Province().Code},
		After: map[string]any{"scale": string(opt.Scale), "seed": opt.Seed, "communes": res.Communes, "people": res.People, "rows": g.b.Rows(), "count_years": g.counted}}); err != nil {
		return res, err
	}
	res.Rows = copyRows(g.b.Rows())
	b := g.b
	g.b = nil
	g.printf("demo: rows written in %s; building the indexes\n", time.Since(start).Round(time.Second))
	t := time.Now()
	if err := b.Close(ctx); err != nil {
		return res, err
	}
	if err := db.Optimize(ctx); err != nil {
		return res, err
	}
	g.printf("demo: indexes and planner statistics in %s\n", time.Since(t).Round(time.Second))
	g.sampleMemory()
	res.Elapsed, res.PeakHeap = time.Since(start), g.peak
	return res, nil
}

func (g *gen) printf(format string, args ...any) {
	if g.opt.Out != nil {
		fmt.Fprintf(g.opt.Out, format, args...)
	}
}

func (g *gen) sampleMemory() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	g.peak = max(g.peak, m.HeapInuse)
}

// cycles creates this year's and the two past years' cycles of every title, through the
// recognition service at dates of their own years, as an officer would have.
func (g *gen) cycles(ctx context.Context) error {
	rec := &recognition.Service{DB: g.db, Units: g.units}
	def, err := rec.EnsureDefaultCriteria(ctx)
	if err != nil {
		return err
	}
	g.cdht = map[int]cycleOf{}
	g.coll = map[string]map[int]cycleOf{}
	make1 := func(setID int64, y int) (cycleOf, error) {
		at := func(day string) *recognition.Service {
			t, _ := time.ParseInLocation("2006-01-02 15:04", day+" 09:00", clock.Vietnam)
			if t.After(g.now) {
				t = g.now
			}
			return &recognition.Service{DB: g.db.WithClock(clock.NewFixed(t)), Units: g.units}
		}
		ys := strconv.Itoa(y)
		dates := evaluation.Dates{OpensOn: ys + "-01-05", PledgeBy: ys + "-03-31", SelfAssessBy: ys + "-09-30", VerifyBy: ys + "-10-31",
			AppraiseBy: ys + "-11-20", DecideBy: ys + "-12-15"}
		svc := at(ys + "-01-02")
		if y == g.year { // deadlines ahead of today, whatever today is, as the small demo does
			now := g.now.In(clock.Vietnam)
			day := func(days int) string { return now.AddDate(0, 0, days).Format("2006-01-02") }
			if dates.OpensOn > day(0) {
				dates.OpensOn = day(0)
			}
			dates = evaluation.Dates{OpensOn: dates.OpensOn, PledgeBy: day(21), SelfAssessBy: day(28), VerifyBy: day(35), AppraiseBy: day(40), DecideBy: day(45)}
			svc = &recognition.Service{DB: g.db, Units: g.units}
		}
		cy, err := svc.CreateCycle(ctx, nil, recognition.CycleInput{Year: y, CriteriaSetID: setID, Dates: dates})
		if err != nil {
			return cycleOf{}, fmt.Errorf("citygen: cycle %d: %w", y, err)
		}
		set, err := svc.Set(ctx, setID)
		if err != nil {
			return cycleOf{}, err
		}
		return cycleOf{id: cy.ID, year: y, set: set}, nil
	}
	for y := g.year - 2; y <= g.year; y++ {
		c, err := make1(def.ID, y)
		if err != nil {
			return err
		}
		g.cdht[y] = c
	}
	for _, t := range collectiveTitles {
		cs, err := rec.ShippedSet(ctx, t.title)
		if err != nil {
			return fmt.Errorf("citygen: no shipped set for %s: %w", t.title, err)
		}
		g.coll[t.title] = map[int]cycleOf{}
		for y := g.year - 2; y <= g.year; y++ {
			c, err := make1(cs.ID, y)
			if err != nil {
				return err
			}
			g.coll[t.title][y] = c
		}
	}
	return nil
}

// tables declares the tables of the load, parents before children.
func (g *gen) tables(ctx context.Context) error {
	var err error
	t := func(dst **store.BulkTable, name string, cols ...string) {
		if err == nil {
			*dst, err = g.b.Table(ctx, name, cols...)
		}
	}
	t(&g.villages, "villages", "id", "province_code", "commune_code", "name", "name_folded", "kind", "created_at")
	t(&g.units_, "work_units", "id", "province_code", "commune_code", "name", "kind", "level", "created_at")
	t(&g.providers, "providers", "id", "province_code", "commune_code", "name", "created_at")
	t(&g.branches, "branches", "id", "province_code", "commune_code", "name", "village_id", "created_at")
	t(&g.households, "households", "id", "province_code", "commune_code", "village_id", "code", "address", "created_at")
	t(&g.citizens, "citizens", "id", "province_code", "commune_code", "village_id", "household_id", "relation", "national_id",
		"full_name", "name_folded", "birth_date", "birth_year", "gender", "phone", "work_unit_id", "target_group",
		"national_id_rev", "phone_rev", "sort_key", "created_at", "updated_at")
	t(&g.tokens, "citizen_name_tokens", "province_code", "commune_code", "token", "citizen_id")
	t(&g.residences, "residences", "id", "province_code", "commune_code", "citizen_id", "village_id", "start_on")
	t(&g.members, "household_memberships", "id", "province_code", "commune_code", "household_id", "citizen_id", "relation", "start_on")
	t(&g.consents, "consents", "id", "province_code", "commune_code", "citizen_id", "text_version", "method", "given_by", "given_at")
	t(&g.staff, "work_unit_staff", "id", "province_code", "commune_code", "work_unit_id", "citizen_id", "position", "civil_servant", "start_on")
	t(&g.branchMembers, "branch_members", "id", "province_code", "commune_code", "branch_id", "citizen_id", "is_official", "position", "start_on")
	t(&g.trainings, "trainings", "id", "province_code", "commune_code", "citizen_id", "trained_on", "course", "trainer")
	t(&g.clans, "clans", "id", "province_code", "commune_code", "name", "name_folded", "origin", "representative_id", "created_at")
	t(&g.clanHouseholds, "clan_households", "id", "province_code", "commune_code", "clan_id", "household_id", "start_on")
	t(&g.programmes, "programmes", "id", "province_code", "commune_code", "provider_id", "title", "search", "description", "topic",
		"audience", "mode", "address", "minutes", "capacity", "issues_certificate", "min_attendance", "state", "first_day", "last_day",
		"created_at", "updated_at", "published_at")
	t(&g.completions, "completions", "id", "province_code", "commune_code", "citizen_id", "programme_id", "provider_id", "title", "topic",
		"completed_on", "minutes", "source", "created_at")
	t(&g.activities, "learning_activities", "id", "province_code", "commune_code", "village_id", "citizen_id", "kind", "description",
		"started_on", "ended_on", "minutes", "state", "declared_at", "reviewed_at", "updated_at")
	t(&g.decisions, "decisions", "id", "province_code", "commune_code", "cycle_id", "number", "signed_on", "signer", "signer_title",
		"issuing_body", "created_at")
	t(&g.assessments, "assessments", "id", "province_code", "commune_code", "cycle_id", "subject_kind", "subject_id", "subject_name",
		"citizen_id", "village_id", "work_unit_id", "target_group", "state", "self_scores", "scores", "total", "passed",
		"digital_skills", "digital_proficient", "self_submitted", "consent_method", "pledged_at", "submitted_at", "verified_at",
		"appraised_at", "proposed", "valid_until", "reason", "decision_id", "updated_at")
	t(&g.placeCounts, "place_counts", "year", "province_code", "commune_code", "village_id", "work_unit_id", "kind", "value")
	t(&g.communeCounts, "commune_counts", "year", "province_code", "commune_code", "kind", "value")
	t(&g.countYears, "count_years", "year", "counted_at")
	return err
}

func sumPeople(ps []CommunePlan) int {
	n := 0
	for _, p := range ps {
		n += p.People
	}
	return n
}

func copyRows(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func diffRows(after, before map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

func sumRows(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// SortedRows lists rows per table, largest first, for printing.
func SortedRows(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fmt.Sprintf("%-22s %12d", k, m[k])
	}
	return out
}

// seedOf mixes the run's seed with a commune's code, so each commune draws from its own source.
func seedOf(seed uint64, code string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(code))
	return seed ^ h.Sum64()
}

// at returns 9:00 in Hà Nội on day (yyyy-mm-dd) in UTC, or now if that is later.
func (g *gen) at(day string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", day+" 09:00", clock.Vietnam)
	if t.After(g.now) {
		t = g.now
	}
	return t.UTC()
}

// dayOf returns the date (yyyy-mm-dd) of year y and day-of-year d (0-based), not after today.
func (g *gen) dayOf(y, d int) string {
	t := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d)
	if today := g.now.In(clock.Vietnam); t.After(today) {
		t = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	}
	return t.Format("2006-01-02")
}

// scoresJSON writes scores as the JSON object the assessments keep ({"CS01":8,…}, keys sorted).
func scoresJSON(codes []string, vals []int) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, c := range codes {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(c)
		b.WriteString(`":`)
		b.WriteString(strconv.Itoa(vals[i]))
	}
	b.WriteByte('}')
	return b.String()
}
