package store_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/fault"
	"hoctap/internal/people"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
	"hoctap/internal/village"
)

// orgWorld is a commune with a village, two work units and a few people, on a clock the test
// moves by whole days.
type orgWorld struct {
	db      *store.DB
	clk     *clock.Fixed
	ctx     context.Context
	village village.Village
	a, b    store.WorkUnit
	people  []people.Citizen
}

func newOrgWorld(t *testing.T) *orgWorld {
	t.Helper()
	// 03:00 UTC is 10:00 in Vietnam: Tx.Today is 2025-03-01.
	clk := clock.NewFixed(time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC))
	w := &orgWorld{db: testdb.Open(t, clk), clk: clk,
		ctx: audit.WithActor(context.Background(), audit.Actor{Name: "test", IP: "127.0.0.1"})}
	w.village = village.Village{ProvinceCode: "01", CommuneCode: "00004", Name: "Tổ dân phố số 1", Kind: village.KindToDanPho}
	w.a = store.WorkUnit{ProvinceCode: "01", CommuneCode: "00004", Name: "Trường Tiểu học Ba Đình", Kind: "school", Level: "commune"}
	w.b = store.WorkUnit{ProvinceCode: "01", CommuneCode: "00004", Name: "Ủy ban nhân dân phường Ba Đình", Kind: "state_agency", Level: "commune"}
	w.write(t, func(tx *store.Tx) error {
		if err := tx.CreateVillage(w.ctx, &w.village); err != nil {
			return err
		}
		if err := tx.CreateWorkUnit(w.ctx, &w.a); err != nil {
			return err
		}
		if err := tx.CreateWorkUnit(w.ctx, &w.b); err != nil {
			return err
		}
		for i, name := range []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"} {
			c := people.Citizen{ProvinceCode: "01", CommuneCode: "00004", VillageID: w.village.ID, FullName: name,
				NationalID: "00109000000" + string(rune('1'+i)), BirthYear: 1990, Gender: people.GenderMale, TargetGroup: people.GroupStaff}
			if err := tx.CreateCitizen(w.ctx, &c); err != nil {
				return err
			}
			w.people = append(w.people, c)
		}
		return nil
	})
	return w
}

func (w *orgWorld) write(t *testing.T, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := w.db.Write(w.ctx, fn); err != nil {
		t.Fatal(err)
	}
}

// nextDay moves the clock one day on.
func (w *orgWorld) nextDay() { w.clk.Advance(24 * time.Hour) }

// actions counts the audit entries of each action.
func (w *orgWorld) actions(t *testing.T) map[string]int {
	t.Helper()
	es, err := w.db.ListAudit(w.ctx, store.AuditFilter{Scope: auth.Scope{All: true}, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range es {
		out[e.Action]++
	}
	v, err := w.db.VerifyAudit(w.ctx)
	if err != nil || len(v.Problems) != 0 {
		t.Fatalf("audit chain: %v %v", err, v.Problems)
	}
	return out
}

// wantKey checks that err is a fault with the catalog key.
func wantKey(t *testing.T, err error, kind fault.Kind, key string) {
	t.Helper()
	fe, ok := fault.As(err)
	if !ok || fe.Kind != kind || fe.Key != key {
		t.Fatalf("error %v, want %s", err, key)
	}
}

func TestStaffOneEmployerAtATime(t *testing.T) {
	w := newOrgWorld(t)
	p := w.people[0]
	before := w.actions(t)

	var first store.StaffMember
	w.write(t, func(tx *store.Tx) error {
		first = store.StaffMember{CitizenID: p.ID, Position: "Giáo viên", CivilServant: true}
		return tx.AddStaff(w.ctx, w.a, &first)
	})
	if first.StartOn != "2025-03-01" || first.MaskedID != "001******001" || first.FullName != p.FullName {
		t.Fatalf("added: %+v", first)
	}
	if c, _ := w.db.Citizen(w.ctx, p.ID); c.WorkUnitID != w.a.ID {
		t.Fatalf("employer %d, want %d", c.WorkUnitID, w.a.ID)
	}
	err := w.db.Write(w.ctx, func(tx *store.Tx) error {
		return tx.AddStaff(w.ctx, w.a, &store.StaffMember{CitizenID: p.ID})
	})
	wantKey(t, err, fault.Conflict, "work_unit.staff.already")

	// A new employer the next day ends the first employment: one employer at a time.
	w.nextDay()
	var second store.StaffMember
	w.write(t, func(tx *store.Tx) error {
		second = store.StaffMember{CitizenID: p.ID, Position: "Chuyên viên"}
		return tx.AddStaff(w.ctx, w.b, &second)
	})
	if c, _ := w.db.Citizen(w.ctx, p.ID); c.WorkUnitID != w.b.ID {
		t.Fatalf("employer %d after moving, want %d", c.WorkUnitID, w.b.ID)
	}
	atA, err := w.db.WorkUnitStaff(w.ctx, w.a.ID)
	if err != nil || len(atA) != 1 || atA[0].EndOn != "2025-03-02" || atA[0].StartOn != "2025-03-01" || !atA[0].CivilServant {
		t.Fatalf("history at the first unit: %v %+v", err, atA)
	}
	atB, err := w.db.WorkUnitStaff(w.ctx, w.b.ID)
	if err != nil || len(atB) != 1 || atB[0].EndOn != "" || atB[0].Position != "Chuyên viên" {
		t.Fatalf("staff of the second unit: %v %+v", err, atB)
	}
	units, err := w.db.ListWorkUnits(w.ctx, auth.Scope{Communes: []string{"00004"}})
	if err != nil || len(units) != 2 {
		t.Fatalf("list: %v %+v", err, units)
	}
	for _, u := range units {
		if want := map[int64]int{w.a.ID: 0, w.b.ID: 1}[u.ID]; u.Staff != want {
			t.Errorf("%s: %d current staff, want %d", u.Name, u.Staff, want)
		}
	}

	// Ending keeps the row and leaves the person without an employer; ending twice changes nothing.
	w.nextDay()
	w.write(t, func(tx *store.Tx) error {
		m, err := tx.EndStaff(w.ctx, second.ID)
		if err == nil && m.EndOn != "2025-03-03" {
			t.Errorf("ended on %q", m.EndOn)
		}
		return err
	})
	w.write(t, func(tx *store.Tx) error { _, err := tx.EndStaff(w.ctx, second.ID); return err })
	if c, _ := w.db.Citizen(w.ctx, p.ID); c.WorkUnitID != 0 {
		t.Fatalf("employer %d after ending, want none", c.WorkUnitID)
	}
	if atB, _ = w.db.WorkUnitStaff(w.ctx, w.b.ID); len(atB) != 1 || atB[0].EndOn != "2025-03-03" {
		t.Fatalf("history at the second unit: %+v", atB)
	}
	if _, err := w.db.StaffMember(w.ctx, 999999); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("missing staff: %v", err)
	}

	after := w.actions(t)
	if got := after["work_unit.staff_add"] - before["work_unit.staff_add"]; got != 2 {
		t.Errorf("%d staff_add entries, want 2", got)
	}
	if got := after["work_unit.staff_end"] - before["work_unit.staff_end"]; got != 2 {
		t.Errorf("%d staff_end entries, want 2 (one for the new employer, one ended by hand; none for the repeat)", got)
	}
	es, _ := w.db.ListAudit(w.ctx, store.AuditFilter{Scope: auth.Scope{All: true}, Entity: "work_unit"})
	for _, e := range es {
		if strings.Contains(e.Before+e.After, p.NationalID) || strings.Contains(e.Before+e.After, p.FullName) {
			t.Errorf("audit entry %s keeps personal data: %s %s", e.Action, e.Before, e.After)
		}
	}
}

func TestWorkUnitsWithinScope(t *testing.T) {
	w := newOrgWorld(t)
	for _, c := range []struct {
		scope auth.Scope
		want  int
	}{
		{auth.Scope{All: true}, 2},
		{auth.Scope{Provinces: []string{"01"}}, 2},
		{auth.Scope{Communes: []string{"00008"}}, 0},
		{auth.Scope{WorkUnits: []int64{w.b.ID}}, 1},
		{auth.Scope{Villages: []int64{w.village.ID}}, 0}, // a work unit has no village
	} {
		got, err := w.db.ListWorkUnits(w.ctx, c.scope)
		if err != nil || len(got) != c.want {
			t.Errorf("scope %+v: %v, %d units, want %d", c.scope, err, len(got), c.want)
		}
	}
}

func TestClanHouseholdsKeepHistory(t *testing.T) {
	w := newOrgWorld(t)
	var h1, h2, far store.Household
	clan := store.Clan{ProvinceCode: "01", CommuneCode: "00004", Name: "Dòng họ Nguyễn Văn", Origin: "Hà Tĩnh", RepresentativeID: w.people[0].ID}
	other := store.Clan{ProvinceCode: "01", CommuneCode: "00004", Name: "Dòng họ Nguyễn Văn", Origin: "Nam Định"}
	w.write(t, func(tx *store.Tx) error {
		h1 = store.Household{ProvinceCode: "01", CommuneCode: "00004", VillageID: w.village.ID, Code: "H-01"}
		h2 = store.Household{ProvinceCode: "01", CommuneCode: "00004", VillageID: w.village.ID}
		if err := tx.CreateHousehold(w.ctx, &h1); err != nil {
			return err
		}
		if err := tx.CreateHousehold(w.ctx, &h2); err != nil {
			return err
		}
		nh := village.Village{ProvinceCode: "01", CommuneCode: "00008", Name: "Tổ dân phố Ngọc Hà 1", Kind: village.KindToDanPho}
		if err := tx.CreateVillage(w.ctx, &nh); err != nil {
			return err
		}
		far = store.Household{ProvinceCode: "01", CommuneCode: "00008", VillageID: nh.ID, Code: "H-09"}
		if err := tx.CreateHousehold(w.ctx, &far); err != nil {
			return err
		}
		if err := tx.CreateClan(w.ctx, &clan); err != nil {
			return err
		}
		return tx.CreateClan(w.ctx, &other) // the same name with another origin is another clan
	})
	err := w.db.Write(w.ctx, func(tx *store.Tx) error {
		return tx.CreateClan(w.ctx, &store.Clan{ProvinceCode: "01", CommuneCode: "00004", Name: "dong ho NGUYEN van", Origin: "Ha Tinh"})
	})
	wantKey(t, err, fault.Conflict, "clan.name.taken")
	if got, err := w.db.Clan(w.ctx, clan.ID); err != nil || got != clan {
		t.Fatalf("clan read back: %v %+v", err, got)
	}

	// A household is found by its number, or by its id, within the commune only.
	for key, want := range map[string]int64{"H-01": h1.ID, strconv.FormatInt(h2.ID, 10): h2.ID} {
		if got, err := w.db.FindHousehold(w.ctx, "00004", key); err != nil || got.ID != want {
			t.Errorf("find %q: %v %d, want %d", key, err, got.ID, want)
		}
	}
	for _, key := range []string{"H-09", strconv.FormatInt(far.ID, 10), "", "0", "-1"} {
		if _, err := w.db.FindHousehold(w.ctx, "00004", key); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("find %q in another commune: %v, want not found", key, err)
		}
	}

	var m store.ClanHousehold
	w.write(t, func(tx *store.Tx) error {
		var err error
		m, err = tx.AddClanHousehold(w.ctx, clan, h1.ID)
		return err
	})
	for _, c := range []struct {
		clan store.Clan
		hh   int64
		kind fault.Kind
		key  string
	}{
		{clan, h1.ID, fault.Conflict, "clan.household.already"},
		{other, h1.ID, fault.Conflict, "clan.household.other_clan"},
		{clan, far.ID, fault.Invalid, "clan.household.other_commune"},
	} {
		err := w.db.Write(w.ctx, func(tx *store.Tx) error { _, err := tx.AddClanHousehold(w.ctx, c.clan, c.hh); return err })
		wantKey(t, err, c.kind, c.key)
	}
	list, err := w.db.ClanHouseholds(w.ctx, clan.ID)
	if err != nil || len(list) != 1 || list[0].Code != "H-01" || list[0].VillageID != w.village.ID || list[0].StartOn != "2025-03-01" {
		t.Fatalf("households: %v %+v", err, list)
	}

	w.nextDay()
	w.write(t, func(tx *store.Tx) error { _, err := tx.EndClanHousehold(w.ctx, m.ID); return err })
	w.write(t, func(tx *store.Tx) error { _, err := tx.EndClanHousehold(w.ctx, m.ID); return err }) // twice: nothing more
	w.write(t, func(tx *store.Tx) error { _, err := tx.AddClanHousehold(w.ctx, other, h1.ID); return err })
	list, _ = w.db.ClanHouseholds(w.ctx, clan.ID)
	if len(list) != 1 || list[0].EndOn != "2025-03-02" {
		t.Fatalf("history after leaving: %+v", list)
	}
	clans, err := w.db.ListClans(w.ctx, auth.Scope{Communes: []string{"00004"}})
	if err != nil || len(clans) != 2 {
		t.Fatalf("clans: %v %+v", err, clans)
	}
	for _, c := range clans {
		if want := map[string]int{"Hà Tĩnh": 0, "Nam Định": 1}[c.Origin]; c.Households != want {
			t.Errorf("clan from %s: %d households, want %d", c.Origin, c.Households, want)
		}
	}
	if none, _ := w.db.ListClans(w.ctx, auth.Scope{Communes: []string{"00008"}}); len(none) != 0 {
		t.Errorf("the neighbouring commune sees %d clans", len(none))
	}
	got := w.actions(t)
	if got["clan.create"] != 2 || got["clan.household_add"] != 2 || got["clan.household_end"] != 1 {
		t.Errorf("audit actions: %v", got)
	}
}

func TestBranchMembersAndTrainings(t *testing.T) {
	w := newOrgWorld(t)
	official, member := w.people[0], w.people[1]
	b := store.Branch{ProvinceCode: "01", CommuneCode: "00004", Name: "Chi hội khuyến học Tổ dân phố số 1", VillageID: w.village.ID}
	ub := store.Branch{ProvinceCode: "01", CommuneCode: "00004", Name: "Chi hội khuyến học Trường Tiểu học Ba Đình", WorkUnitID: w.a.ID}
	w.write(t, func(tx *store.Tx) error {
		if err := tx.CreateBranch(w.ctx, &b); err != nil {
			return err
		}
		return tx.CreateBranch(w.ctx, &ub)
	})
	for _, dup := range []store.Branch{
		{ProvinceCode: "01", CommuneCode: "00004", Name: "Chi hội thứ hai", VillageID: w.village.ID},
		{ProvinceCode: "01", CommuneCode: "00004", Name: "Chi hội thứ hai", WorkUnitID: w.a.ID},
	} {
		err := w.db.Write(w.ctx, func(tx *store.Tx) error { return tx.CreateBranch(w.ctx, &dup) })
		key := "branch.village.taken"
		if dup.WorkUnitID != 0 {
			key = "branch.work_unit.taken"
		}
		wantKey(t, err, fault.Conflict, key)
	}

	var om, mm store.BranchMember
	w.write(t, func(tx *store.Tx) error {
		om = store.BranchMember{CitizenID: official.ID, IsOfficial: true, Position: "Chi hội trưởng"}
		if err := tx.AddBranchMember(w.ctx, b, &om); err != nil {
			return err
		}
		mm = store.BranchMember{CitizenID: member.ID}
		return tx.AddBranchMember(w.ctx, b, &mm)
	})
	err := w.db.Write(w.ctx, func(tx *store.Tx) error {
		return tx.AddBranchMember(w.ctx, b, &store.BranchMember{CitizenID: official.ID})
	})
	wantKey(t, err, fault.Conflict, "branch.member.already")
	err = w.db.Write(w.ctx, func(tx *store.Tx) error {
		return tx.RecordTraining(w.ctx, b, &store.Training{CitizenID: member.ID, TrainedOn: "2025-02-20", Course: "Bộ tiêu chí CDHT"})
	})
	wantKey(t, err, fault.Invalid, "training.official.required")
	w.write(t, func(tx *store.Tx) error {
		if err := tx.RecordTraining(w.ctx, b, &store.Training{CitizenID: official.ID, TrainedOn: "2025-01-10", Course: "Lớp 1", Trainer: "Hội Khuyến học phường"}); err != nil {
			return err
		}
		return tx.RecordTraining(w.ctx, b, &store.Training{CitizenID: official.ID, TrainedOn: "2025-02-20", Course: "Lớp 2"})
	})

	members, err := w.db.BranchMembers(w.ctx, b.ID)
	if err != nil || len(members) != 2 {
		t.Fatalf("members: %v %+v", err, members)
	}
	if m := members[0]; m.CitizenID != official.ID || !m.IsOfficial || len(m.Trainings) != 2 || m.Trainings[0].Course != "Lớp 2" || m.MaskedID != "001******001" {
		t.Fatalf("official first, with trainings newest first: %+v", m)
	}
	if m := members[1]; m.CitizenID != member.ID || m.IsOfficial || len(m.Trainings) != 0 {
		t.Fatalf("member: %+v", m)
	}
	summary := func() store.BranchSummary {
		t.Helper()
		bs, err := w.db.ListBranches(w.ctx, auth.Scope{Villages: []int64{w.village.ID}})
		if err != nil || len(bs) != 1 || bs[0].ID != b.ID {
			t.Fatalf("branches of the village: %v %+v", err, bs)
		}
		return bs[0]
	}
	if s := summary(); s.Members != 2 || s.Officials != 1 || s.TrainedOfficials != 1 {
		t.Fatalf("counts: %+v", s)
	}
	if bs, _ := w.db.ListBranches(w.ctx, auth.Scope{WorkUnits: []int64{w.a.ID}}); len(bs) != 1 || bs[0].ID != ub.ID {
		t.Fatalf("the unit officer's branches: %+v", bs)
	}
	if bs, _ := w.db.ListBranches(w.ctx, auth.Scope{Communes: []string{"00004"}}); len(bs) != 2 {
		t.Fatalf("the commune's branches: %+v", bs)
	}
	if bs, _ := w.db.ListBranches(w.ctx, auth.Scope{Communes: []string{"00008"}}); len(bs) != 0 {
		t.Fatalf("the neighbouring commune sees %d branches", len(bs))
	}

	w.nextDay()
	w.write(t, func(tx *store.Tx) error { _, err := tx.EndBranchMember(w.ctx, om.ID); return err })
	w.write(t, func(tx *store.Tx) error { _, err := tx.EndBranchMember(w.ctx, om.ID); return err })
	if s := summary(); s.Members != 1 || s.Officials != 0 || s.TrainedOfficials != 0 {
		t.Fatalf("counts after the official left: %+v", s)
	}
	got, err := w.db.BranchMember(w.ctx, om.ID)
	if err != nil || got.EndOn != "2025-03-02" || got.StartOn != "2025-03-01" {
		t.Fatalf("history kept: %v %+v", err, got)
	}
	err = w.db.Write(w.ctx, func(tx *store.Tx) error {
		return tx.RecordTraining(w.ctx, b, &store.Training{CitizenID: official.ID, TrainedOn: "2025-03-02", Course: "Lớp 3"})
	})
	wantKey(t, err, fault.Invalid, "training.official.required")
	acts := w.actions(t)
	if acts["branch.create"] != 2 || acts["branch.member_add"] != 2 || acts["branch.member_end"] != 1 || acts["training.record"] != 2 {
		t.Errorf("audit actions: %v", acts)
	}
}
