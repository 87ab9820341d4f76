package citygen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"hoctap/internal/demo"
	"hoctap/internal/evaluation"
	"hoctap/internal/learning"
	"hoctap/internal/measure"
	"hoctap/internal/people"
	"hoctap/internal/registry"
	"hoctap/internal/village"
)

// unitOf is a generated work unit.
type unitOf struct {
	id    int64
	name  string
	kind  string
	staff bool // its people are officials and civil servants (staff), not workers
}

// communeGen is the drawing of one commune.
type communeGen struct {
	*gen
	plan     *CommunePlan
	r        *rand.Rand
	names    *demo.Generator
	pc, cc   string // province and commune codes
	villages []int64
	vnames   []string
	units    []unitOf
	provider int64
	people   []person
	homes    []household
	byVill   [][]int // people of each village (index into villages)
	// the recognised years of collective subjects, by kind and id: year → valid until
	held map[string]map[int64][]heldYears
	// counts of the commune's association officials: start day and training day ("" none)
	officials []official
	clanIDs   []int64
	clanNames []string
}

type heldYears struct{ from, until int }

type official struct{ trainedOn string }

// commune draws and writes one commune: its places, people, memberships, learning and titles,
// then its counts.
func (g *gen) commune(p *CommunePlan) error {
	seed := seedOf(g.opt.Seed, p.Unit.Code)
	c := &communeGen{gen: g, plan: p, r: rand.New(rand.NewPCG(seed, 0xc17e)), names: demo.NewGenerator(g.names, seed),
		pc: p.Unit.ProvinceCode, cc: p.Unit.Code, held: map[string]map[int64][]heldYears{}}
	c.places()
	g.b.Flush()
	if err := c.drawPeople(); err != nil {
		return err
	}
	g.b.Flush()
	c.writePeople()
	g.b.SetHouseholdHeads(c.cc)
	c.associations()
	c.clansOf()
	c.learningOf()
	g.b.Flush()
	if err := c.titles(); err != nil {
		return err
	}
	g.b.Flush()
	c.counts()
	return nil
}

func (c *communeGen) places() {
	u := c.plan.Unit
	kind, label := village.KindToDanPho, "Tổ dân phố số %d"
	if u.Type == "Xã" {
		kind, label = village.KindThon, "Thôn %d"
	}
	for i := range c.plan.Villages {
		id := c.gen.villages.NextID()
		name := fmt.Sprintf(label, i+1)
		c.gen.villages.Add(id, c.pc, c.cc, name, people.FoldName(name), string(kind), c.reg)
		c.villages = append(c.villages, id)
		c.vnames = append(c.vnames, name)
	}
	c.byVill = make([][]int, len(c.villages))
	addUnit := func(name, kind, level string, staff bool) {
		id := c.gen.units_.NextID()
		c.gen.units_.Add(id, c.pc, c.cc, name, kind, level, c.reg)
		c.units = append(c.units, unitOf{id: id, name: name, kind: kind, staff: staff})
	}
	addUnit("Ủy ban nhân dân "+u.Name, registry.KindStateAgency, registry.LevelCommune, true)
	addUnit("Trạm Y tế "+u.Name, registry.KindPublicService, registry.LevelCommune, true)
	schools := []string{"Trường Mầm non", "Trường Tiểu học", "Trường Trung học cơ sở"}
	for i := range max(3, c.plan.People/4000) {
		addUnit(fmt.Sprintf("%s %s số %d", schools[i%3], u.ShortName, i/3+1), registry.KindSchool, registry.LevelCommune, true)
	}
	for i := range max(2, c.plan.People/3000) {
		addUnit(fmt.Sprintf("Công ty TNHH %s số %d", u.ShortName, i+1), registry.KindEnterprise, registry.LevelUnderCommune, false)
	}
	c.provider = c.gen.providers.NextID()
	c.gen.providers.Add(c.provider, c.pc, c.cc, "Trung tâm học tập cộng đồng "+u.Name, c.reg)
}

// drawPeople draws the commune's households until it holds its people, and writes the
// households (their heads are set once their people are written).
func (c *communeGen) drawPeople() error {
	today := c.now.In(time.UTC)
	left := c.plan.People
	for left > 0 {
		size := min(drawSize(c.r, &c.plan.HouseholdSizes), left)
		ms, err := makeHousehold(c.r, c.names, c.ids, c.plan, size, today)
		if err != nil {
			return err
		}
		v := c.r.IntN(len(c.villages))
		h := household{id: c.gen.households.NextID(), village: c.villages[v], code: fmt.Sprintf("HGD-%06d", len(c.homes)+1)}
		c.gen.households.Add(h.id, c.pc, c.cc, h.village, h.code, fmt.Sprintf("Số %d, %s", len(c.byVill[v])%197+1, c.vnames[v]), c.reg)
		for _, m := range ms {
			m.household, m.village = h.id, h.village
			m.id = c.gen.citizens.NextID()
			c.role(&m)
			h.members = append(h.members, len(c.people))
			c.byVill[v] = append(c.byVill[v], len(c.people))
			c.people = append(c.people, m)
		}
		c.homes = append(c.homes, h)
		left -= size
	}
	return nil
}

// role gives a person their target group and, for some adults of working age, a work unit of
// the commune: a quarter work in one, most of them in its enterprises.
func (c *communeGen) role(p *person) {
	age := c.year - p.birth.Year()
	p.group = people.GroupResident
	switch {
	case age >= 6 && age <= 14:
		p.group = people.GroupStudent
	case age >= 15 && age <= 22:
		p.group = people.GroupStudent
		if c.r.Float64() < 0.2 {
			p.group = people.GroupWorker
		}
	case age >= 23 && age <= 60:
		switch x := c.r.Float64(); {
		case x < 0.25:
			var u unitOf
			if c.r.Float64() < 0.7 {
				u = c.units[len(c.units)-1-c.r.IntN(max(2, c.plan.People/3000))]
			} else {
				u = c.units[c.r.IntN(len(c.units)-max(2, c.plan.People/3000))]
			}
			p.unit = u.id
			p.group, p.civilServant = people.GroupWorker, false
			if u.staff {
				p.group, p.civilServant = people.GroupStaff, true
			}
		case x < 0.55:
			p.group = people.GroupWorker
		}
	}
}

// startOn is the day a person's residence and membership start: the registration of the city,
// or their birth if later.
func (c *communeGen) startOn(p *person) string {
	if p.birth.After(c.reg) {
		return p.birth.Format("2006-01-02")
	}
	return c.regDay
}

func (c *communeGen) writePeople() {
	consentText := people.CurrentConsentText().Version
	for i := range c.people {
		p := &c.people[i]
		folded := people.FoldName(p.name)
		phone := ""
		if p.relation == people.RelationHead {
			phone = fmt.Sprintf("09%08d", c.r.IntN(100000000))
		}
		c.gen.citizens.Add(p.id, c.pc, c.cc, p.village, p.household, string(p.relation), p.nationalID, p.name, folded,
			p.birth.Format("2006-01-02"), p.birth.Year(), string(p.gender), phone, nullID(p.unit), string(p.group),
			people.Reverse(p.nationalID), people.Reverse(phone), people.SortKey(p.name), c.reg, c.reg)
	}
	// The rows that refer to the people go after them: PostgreSQL checks each COPY's references.
	c.gen.b.Flush()
	for i := range c.people {
		p := &c.people[i]
		folded := people.FoldName(p.name)
		for _, w := range nameWords(folded) {
			c.gen.tokens.Add(c.pc, c.cc, w, p.id)
		}
		start := c.startOn(p)
		c.gen.residences.Add(c.gen.residences.NextID(), c.pc, c.cc, p.id, p.village, start)
		c.gen.members.Add(c.gen.members.NextID(), c.pc, c.cc, p.household, p.id, string(p.relation), start)
		givenBy := p.name
		if c.year-p.birth.Year() < 18 {
			givenBy = "Cha mẹ của " + p.name // a parent consents for a minor
		}
		c.gen.consents.Add(c.gen.consents.NextID(), c.pc, c.cc, p.id, consentText, string(people.ConsentPaper), givenBy, c.reg)
		if p.unit != 0 {
			pos := "Nhân viên"
			if p.civilServant {
				pos = "Cán bộ, công chức"
			}
			c.gen.staff.Add(c.gen.staff.NextID(), c.pc, c.cc, p.unit, p.id, pos, p.civilServant, c.regDay)
		}
	}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// associations makes the commune's Hội Khuyến học branch (7 officials) and a branch in each
// village (3 officials, 10 members); most officials have been trained on the criteria, some
// each year since the city was registered.
func (c *communeGen) associations() {
	picked := map[int]bool{}
	pick := func(from []int) (int, bool) {
		for range 20 {
			if len(from) == 0 {
				return 0, false
			}
			i := from[c.r.IntN(len(from))]
			if age := c.year - c.people[i].birth.Year(); age >= 25 && age <= 75 && !picked[i] {
				picked[i] = true
				return i, true
			}
		}
		return 0, false
	}
	all := make([]int, len(c.people))
	for i := range all {
		all[i] = i
	}
	branch := func(name string, villageID int64, from []int, officials, members int) {
		id := c.gen.branches.NextID()
		c.gen.branches.Add(id, c.pc, c.cc, name, nullID(villageID), c.reg)
		positions := []string{"Chủ tịch", "Phó Chủ tịch", "Ủy viên"}
		for k := range officials + members {
			i, ok := pick(from)
			if !ok {
				continue
			}
			p := &c.people[i]
			off := k < officials
			pos := "Hội viên"
			if off {
				pos = positions[min(k, 2)]
			}
			c.gen.branchMembers.Add(c.gen.branchMembers.NextID(), c.pc, c.cc, id, p.id, off, pos, c.regDay)
			if !off {
				continue
			}
			o := official{}
			if c.r.Float64() < 0.85 {
				// trained some day from March three years ago to the end of this September
				span := int(time.Date(c.year, 10, 1, 0, 0, 0, 0, time.UTC).Sub(time.Date(c.year-3, 3, 1, 0, 0, 0, 0, time.UTC)).Hours() / 24)
				o.trainedOn = c.dayOf(c.year-3, 59+c.r.IntN(span))
				c.gen.trainings.Add(c.gen.trainings.NextID(), c.pc, c.cc, p.id, o.trainedOn,
					"Tập huấn Bộ tiêu chí Công dân học tập (QĐ 324/QĐ-KHVN)", "Hội Khuyến học Thành phố")
			}
			c.officials = append(c.officials, o)
		}
	}
	branch("Hội Khuyến học "+c.plan.Unit.Name, 0, all, 7, 0)
	for v, vid := range c.villages {
		branch("Chi hội Khuyến học "+c.vnames[v], vid, c.byVill[v], 3, 10)
	}
}

// clansOf makes one clan for every other village: the households of the village whose head
// bears one surname, with the first head as representative.
func (c *communeGen) clansOf() {
	for v := 0; v < len(c.villages); v += 2 {
		var heads []int
		seen := map[int64]bool{}
		for _, i := range c.byVill[v] {
			if p := &c.people[i]; p.relation == people.RelationHead && !seen[p.household] {
				seen[p.household] = true
				heads = append(heads, i)
			}
		}
		if len(heads) < 3 {
			continue
		}
		surname := strings.Fields(c.people[heads[c.r.IntN(len(heads))]].name)[0]
		var hs []int
		for _, i := range heads {
			if strings.HasPrefix(c.people[i].name, surname+" ") && len(hs) < 15 {
				hs = append(hs, i)
			}
		}
		if len(hs) < 2 {
			continue
		}
		id := c.gen.clans.NextID()
		name := fmt.Sprintf("Dòng họ %s %s", surname, c.vnames[v])
		c.gen.clans.Add(id, c.pc, c.cc, name, people.FoldName(name), c.plan.Unit.ShortName, c.people[hs[0]].id, c.reg)
		for _, i := range hs {
			c.gen.clanHouseholds.Add(c.gen.clanHouseholds.NextID(), c.pc, c.cc, id, c.people[i].household, c.regDay)
		}
		c.clanIDs, c.clanNames = append(c.clanIDs, id), append(c.clanNames, name)
	}
}

var (
	programmeTitles = []struct{ title, topic string }{
		{"Kỹ năng số cơ bản cho người dân", "digital_skills"},
		{"Phổ biến pháp luật ở cơ sở", "law"},
		{"Chăm sóc sức khỏe gia đình", "health"},
		{"Kỹ thuật trồng rau an toàn", "agriculture_trades"},
		{"Tiếng Anh giao tiếp cơ bản", "foreign_language"},
		{"Câu lạc bộ văn hóa dân gian", "culture"},
	}
	activityKinds = []struct{ kind, text string }{
		{"reading", "Đọc sách tại tủ sách cộng đồng"},
		{"club", "Sinh hoạt câu lạc bộ"},
		{"talk", "Nghe nói chuyện chuyên đề"},
		{"online_course", "Học trực tuyến"},
		{"work_training", "Bồi dưỡng tại nơi làm việc"},
	}
)

// learningOf makes each year's programmes of the commune's learning centre, completions by
// about one adult in eight, and activities declared by one in ten.
func (c *communeGen) learningOf() {
	for y := c.year - 2; y <= c.year; y++ {
		var progs []int64
		var titles []string
		var topics []string
		var lastDays []string
		for k := range 4 {
			t := programmeTitles[(y+k)%len(programmeTitles)]
			id := c.gen.programmes.NextID()
			first, last := c.dayOf(y, 60+60*k), c.dayOf(y, 60+60*k+45)
			title := fmt.Sprintf("%s (%d)", t.title, y)
			pub := c.at(first)
			c.gen.programmes.Add(id, c.pc, c.cc, c.provider, title, people.FoldName(title), "", t.topic, "", learning.Modes[k%2],
				"Nhà văn hóa "+c.plan.Unit.Name, 600, 60, true, 80, learning.StatePublished, first, last, pub, pub, pub)
			progs, titles, topics, lastDays = append(progs, id), append(titles, title), append(topics, t.topic), append(lastDays, last)
		}
		c.gen.b.Flush() // completions refer to the programmes
		today := c.now.In(time.UTC).Format("2006-01-02")
		for i := range c.people {
			p := &c.people[i]
			if y-p.birth.Year() < 15 {
				continue
			}
			if c.r.Float64() < 0.12 {
				k := c.r.IntN(len(progs))
				if lastDays[k] < today {
					c.gen.completions.Add(c.gen.completions.NextID(), c.pc, c.cc, p.id, progs[k], c.provider, titles[k], topics[k],
						lastDays[k], 600, learning.SourceAttendance, c.at(lastDays[k]))
				}
			}
			if c.r.Float64() < 0.10 {
				a := activityKinds[c.r.IntN(len(activityKinds))]
				start := c.dayOf(y, c.r.IntN(300))
				st, _ := time.Parse("2006-01-02", start)
				end := st.AddDate(0, 0, 30).Format("2006-01-02")
				if end > today {
					end = today
				}
				declared := c.at(start)
				state, reviewed := "confirmed", any(declared)
				if c.r.Float64() < 0.3 {
					state, reviewed = "self_declared", nil
				}
				c.gen.activities.Add(c.gen.activities.NextID(), c.pc, c.cc, p.village, p.id, a.kind, a.text, start, end, 300+c.r.IntN(900),
					state, declared, reviewed, declared)
			}
		}
	}
}

// decisionFor returns the decision of a cycle in a commune ("" for a title the city decides),
// writing it the first time.
func (c *communeGen) decisionFor(cy cycleOf, title string) int64 {
	commune := c.cc
	body := "Ủy ban nhân dân " + c.plan.Unit.Name
	if cy.set.RecognisingLevel() == "city" {
		commune, body = "", "Ủy ban nhân dân Thành phố Hà Nội"
	}
	key := fmt.Sprintf("%d/%s", cy.id, commune)
	if id, ok := c.decision[key]; ok {
		return id
	}
	id := c.gen.decisions.NextID()
	day := fmt.Sprintf("%d-12-10", cy.year)
	c.gen.decisions.Add(id, c.pc, commune, cy.id, fmt.Sprintf("%d/QĐ-%s", 100+len(c.decision), strings.ToUpper(title[:5])), day,
		"Nguyễn Văn Thành", "Chủ tịch", body, c.at(day))
	c.decision[key] = id
	return id
}

// titles draws the three years of Công dân học tập and of the collective titles: the two past
// years decided, this year under way.
func (c *communeGen) titles() error {
	// The decisions of the past years first: their records refer to them.
	for y := c.year - 2; y < c.year; y++ {
		c.decisionFor(c.cdht[y], "learning_citizen")
		for _, t := range collectiveTitles {
			c.decisionFor(c.coll[t.title][y], t.title)
		}
	}
	c.gen.b.Flush()
	for y := c.year - 2; y <= c.year; y++ {
		if err := c.citizenTitle(c.cdht[y], y); err != nil {
			return err
		}
		for _, t := range collectiveTitles {
			if err := c.collective(c.coll[t.title][y], t.title, t.kind, t.pledge); err != nil {
				return err
			}
		}
	}
	return nil
}

// outcome is one drawn assessment before it is written.
type outcome struct {
	state                            evaluation.State
	self, scores                     string
	total                            int
	passed, digital, proficient, own bool
	submitted, verified, appraised   any
	validUntil                       int
	reason                           string
	decision                         any
}

// draw draws an assessment of cycle cy for a subject of target group group: its state in the
// year, and scores that pass with probability pass (a failing one has an indicator under 5, or
// under the pass rule's total).
func (c *communeGen) draw(cy cycleOf, title, group string, pass float64, ownShare float64) (outcome, error) {
	o := outcome{state: evaluation.StatePledged}
	y := cy.year
	current := y == c.year
	x := c.r.Float64()
	if (!current && x < 0.08) || (current && x < 0.35) {
		return o, nil // pledged, not yet (or never) self-assessed
	}
	g, ok := cy.set.Group(group)
	if !ok {
		return o, fmt.Errorf("citygen: set %s has no group %s", cy.set.Title, group)
	}
	codes := make([]string, len(g.Indicators))
	vals := make([]int, len(g.Indicators))
	scores := map[string]int{}
	wantPass := c.r.Float64() < pass
	for i, in := range g.Indicators {
		codes[i] = in.Code
		if wantPass {
			vals[i] = in.Max - c.r.IntN(max(1, in.Max/5+1))
		} else {
			vals[i] = in.Max/2 + c.r.IntN(max(1, in.Max/2))
		}
	}
	if !wantPass { // an indicator under the minimum, or a low total
		k := c.r.IntN(len(vals))
		vals[k] = c.r.IntN(max(1, min(cy.set.PassRule.MinEach, g.Indicators[k].Max/3)))
	}
	slices.SortFunc(codes, strings.Compare) // the same order for both, as JSON keeps keys sorted
	for i, in := range g.Indicators {
		scores[in.Code] = vals[i]
	}
	for i, code := range codes {
		vals[i] = scores[code]
	}
	res, err := cy.set.Evaluate(group, scores)
	if err != nil {
		return o, err
	}
	o.self, o.scores, o.total, o.passed = scoresJSON(codes, vals), "", res.Total, res.Passed
	o.own = c.r.Float64() < ownShare
	if title == "learning_citizen" {
		o.digital = cy.set.HasDigitalSkills(scores, false)
		o.proficient = cy.set.Proficient(o.digital, o.own)
	}
	o.state = evaluation.StateSelfAssessed
	o.submitted = c.at(fmt.Sprintf("%d-06-15", y))
	if current {
		if x > 0.7 {
			o.state, o.scores, o.verified = evaluation.StateVerified, o.self, c.at(fmt.Sprintf("%d-10-20", y))
		}
		return o, nil
	}
	o.scores = o.self
	o.verified, o.appraised = c.at(fmt.Sprintf("%d-10-20", y)), c.at(fmt.Sprintf("%d-11-15", y))
	o.decision = c.decisionFor(cy, title)
	if o.passed {
		o.state, o.validUntil = evaluation.StateRecognised, y+cy.set.ValidYears()-1
	} else {
		o.state, o.reason = evaluation.StateNotRecognised, "Chưa đạt đủ tiêu chí"
	}
	return o, nil
}

func (c *communeGen) write(cy cycleOf, kind string, subject int64, name string, citizen, villageID, unit int64, group string, o outcome) {
	pledged := c.at(fmt.Sprintf("%d-03-10", cy.year))
	updated := pledged
	for _, t := range []any{o.submitted, o.verified, o.appraised} {
		if t != nil {
			updated = t.(time.Time)
		}
	}
	if o.decision != nil {
		updated = c.at(fmt.Sprintf("%d-12-10", cy.year))
	}
	consent := ""
	if o.submitted != nil && !o.own && kind == "citizen" {
		consent = "paper"
	}
	c.gen.assessments.Add(c.gen.assessments.NextID(), c.pc, c.cc, cy.id, kind, subject, name, nullID(citizen), nullID(villageID), nullID(unit),
		group, string(o.state), o.self, o.scores, o.total, o.passed, o.digital, o.proficient, o.own, consent, pledged, o.submitted,
		o.verified, o.appraised, o.passed && o.appraised != nil, o.validUntil, o.reason, o.decision, updated)
}

func (c *communeGen) citizenTitle(cy cycleOf, y int) error {
	rate := pledgeRate[y-(c.year-2)]
	for i := range c.people {
		p := &c.people[i]
		age := y - p.birth.Year()
		if age < 15 || c.r.Float64() >= rate {
			continue
		}
		own := 0.15
		if age < 40 {
			own = 0.5
		}
		o, err := c.draw(cy, "learning_citizen", string(p.group), PassRate[p.group], own)
		if err != nil {
			return err
		}
		unit := int64(0)
		if p.group == people.GroupStaff {
			unit = p.unit // verified by the work unit's officer, as recognition.Pledge places it
		}
		c.write(cy, "citizen", p.id, p.name, p.id, p.village, unit, string(p.group), o)
		if o.state == evaluation.StateRecognised {
			t := uint8(1)
			if o.digital {
				t += 2
			}
			if o.proficient {
				t += 4
			}
			for yy := y; yy <= o.validUntil; yy++ {
				if k := yy - c.counted[0]; k >= 0 && k < len(c.counted) {
					p.held[k] = max(p.held[k], t)
				}
			}
		}
	}
	return nil
}

func (c *communeGen) collective(cy cycleOf, title, kind string, rate float64) error {
	if len(cy.set.TargetGroups) == 0 {
		return fmt.Errorf("citygen: set %s has no target group", cy.set.Title)
	}
	group := cy.set.TargetGroups[0].Code
	one := func(id int64, name string, citizen, villageID, unit int64) error {
		if c.r.Float64() >= rate {
			return nil
		}
		o, err := c.draw(cy, title, group, collectivePass, 0)
		if err != nil {
			return err
		}
		c.write(cy, kind, id, name, citizen, villageID, unit, group, o)
		if o.state == evaluation.StateRecognised {
			if c.held[kind] == nil {
				c.held[kind] = map[int64][]heldYears{}
			}
			c.held[kind][id] = append(c.held[kind][id], heldYears{cy.year, o.validUntil})
		}
		return nil
	}
	switch kind {
	case "household":
		for _, h := range c.homes {
			head := &c.people[h.members[0]]
			if err := one(h.id, "Hộ "+head.name, head.id, h.village, 0); err != nil {
				return err
			}
		}
	case "village":
		for v, id := range c.villages {
			if err := one(id, c.vnames[v], 0, id, 0); err != nil {
				return err
			}
		}
	case "work_unit":
		for _, u := range c.units {
			if err := one(u.id, u.name, 0, 0, u.id); err != nil {
				return err
			}
		}
	case "clan":
		for k, id := range c.clanIDs {
			if err := one(id, c.clanNames[k], 0, 0, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// holds tells whether a collective subject holds its title in year y (recognised in a cycle of
// that year or before, still valid), as store/counts.go reads it.
func (c *communeGen) holds(kind string, id int64, y int) bool {
	for _, h := range c.held[kind][id] {
		if h.from <= y && h.until >= y {
			return true
		}
	}
	return false
}

// counts writes the commune's counts for every kept year, as store/counts.go counts them from
// the facts on the year's reference day (31 December): residents and their titles per village,
// households and villages, work units and their staff, clans, association officials, the
// commune itself.
func (c *communeGen) counts() {
	type key struct {
		village, unit int64
		kind          measure.Count
	}
	for k, y := range c.counted {
		day := fmt.Sprintf("%d-12-31", y)
		n := map[key]int64{}
		if c.reg.Year() <= y {
			for i := range c.people {
				p := &c.people[i]
				if p.birth.Year() > y { // not yet born (their residence starts at birth)
					continue
				}
				t := p.held[k]
				adult := p.birth.Year() <= y-c.adultAge
				if adult {
					n[key{p.village, 0, measure.Adults}]++
				}
				if t != 0 {
					if adult {
						n[key{p.village, 0, measure.AdultsRecognised}]++
					}
					n[key{p.village, 0, measure.Recognised}]++
					if t&2 == 2 {
						n[key{p.village, 0, measure.RecognisedDigital}]++
					}
					if t&6 == 6 {
						n[key{p.village, 0, measure.RecognisedProficient}]++
					}
				}
				if p.unit != 0 {
					n[key{0, p.unit, measure.Staff}]++
					if t != 0 {
						n[key{0, p.unit, measure.StaffRecognised}]++
					}
				}
			}
			for _, h := range c.homes {
				n[key{h.village, 0, measure.Households}]++
				if c.holds("household", h.id, y) {
					n[key{h.village, 0, measure.HouseholdsRecognised}]++
				}
			}
			for _, id := range c.villages {
				n[key{id, 0, measure.Villages}]++
				if c.holds("village", id, y) {
					n[key{id, 0, measure.VillagesRecognised}]++
				}
			}
			for _, u := range c.units {
				n[key{0, u.id, measure.Units}]++
				if c.holds("work_unit", u.id, y) {
					n[key{0, u.id, measure.UnitsRecognised}]++
				}
			}
			for _, id := range c.clanIDs {
				n[key{0, 0, measure.Clans}]++
				if c.holds("clan", id, y) {
					n[key{0, 0, measure.ClansRecognised}]++
				}
			}
			for _, o := range c.officials {
				n[key{0, 0, measure.Officials}]++
				if o.trainedOn != "" && o.trainedOn <= day {
					n[key{0, 0, measure.OfficialsTrained}]++
				}
			}
		}
		n[key{0, 0, measure.Communes}] = 1
		keys := make([]key, 0, len(n))
		for kk := range n {
			keys = append(keys, kk)
		}
		slices.SortFunc(keys, func(a, b key) int {
			if a.village != b.village {
				return int(a.village - b.village)
			}
			if a.unit != b.unit {
				return int(a.unit - b.unit)
			}
			return strings.Compare(string(a.kind), string(b.kind))
		})
		total := map[measure.Count]int64{}
		for _, kk := range keys {
			if v := n[kk]; v != 0 {
				c.gen.placeCounts.Add(y, c.pc, c.cc, kk.village, kk.unit, string(kk.kind), v)
				total[kk.kind] += v
			}
		}
		kinds := make([]string, 0, len(total))
		for m := range total {
			kinds = append(kinds, string(m))
		}
		slices.Sort(kinds)
		for _, m := range kinds {
			c.gen.communeCounts.Add(y, c.pc, c.cc, m, total[measure.Count(m)])
		}
	}
}
