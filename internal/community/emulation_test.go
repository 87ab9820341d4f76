package community_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"hoctap/internal/adminunit"
	"hoctap/internal/app"
	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/community"
	"hoctap/internal/fault"
	"hoctap/internal/learningrecord"
	"hoctap/internal/recognition"
	"hoctap/internal/testdb"
)

// readXLSX returns the first sheet's rows as text.
func readXLSX(t *testing.T, b []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestEmulation builds the demo city (its school has staff with two past years of the title
// and learning records), checks the unit's list against the records it is made of, adds a
// confirmed activity with a known length, and reads the workbook back.
func TestEmulation(t *testing.T) {
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	db := testdb.Open(t, nil)
	if err := db.SyncAdminUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	if _, err := app.LoadDemo(ctx, db, units, 3, 120, nil); err != nil {
		t.Fatal(err)
	}
	svc := &community.Service{DB: db, Units: units}
	list, err := db.ListWorkUnits(ctx, auth.Scope{All: true})
	if err != nil || len(list) == 0 {
		t.Fatalf("no demo work unit: %v", err)
	}
	unit := list[0].WorkUnit
	// This year's cycle is open: pledge the staff who have not, so that every row has a result.
	year := svc.Year()
	cycle, err := db.CycleOfYear(ctx, "learning_citizen", year)
	if err != nil {
		t.Fatal(err)
	}
	e, err := svc.Emulation(ctx, nil, unit.ID, year)
	if err != nil {
		t.Fatal(err)
	}
	var pledge []int64
	for _, r := range e.Rows {
		if !r.Assessed {
			pledge = append(pledge, r.CitizenID)
		}
	}
	if _, err := (&recognition.Service{DB: db, Units: units}).PledgeMany(ctx, nil, cycle.ID, pledge); err != nil {
		t.Fatal(err)
	}
	check := func(year int) community.Emulation {
		e, err := svc.Emulation(ctx, nil, unit.ID, year)
		if err != nil {
			t.Fatal(err)
		}
		cycle, err := db.CycleOfYear(ctx, "learning_citizen", year)
		if err != nil || len(e.Rows) == 0 || !e.CycleExists {
			t.Fatalf("%s %d: %d staff, cycle %v %v", unit.Name, year, len(e.Rows), e.CycleExists, err)
		}
		recognised, assessed := 0, 0
		for _, r := range e.Rows {
			a, err := db.AssessmentOf(ctx, cycle.ID, r.CitizenID)
			switch {
			case fault.KindOf(err) == fault.NotFound:
				if r.Assessed {
					t.Errorf("%s: assessed without an assessment", r.FullName)
				}
			case err != nil:
				t.Fatal(err)
			default:
				if !r.Assessed || r.State != a.State || r.Total != a.Total || r.DigitalSkills != a.DigitalSkills || r.Recognised != (a.State == "recognised") {
					t.Errorf("%s: row %+v, assessment %s %d", r.FullName, r, a.State, a.Total)
				}
			}
			if r.Recognised {
				recognised++
			}
			if r.Assessed {
				assessed++
			}
		}
		if recognised != e.Recognised || assessed != e.Assessed {
			t.Errorf("%d: %d assessed and %d recognised in the rows, %d and %d counted", year, assessed, recognised, e.Assessed, e.Recognised)
		}
		return e
	}
	check(year - 1)
	e = check(year)
	if e.Assessed != len(e.Rows) {
		t.Errorf("%d of %d staff assessed after the pledges", e.Assessed, len(e.Rows))
	}

	// A confirmed activity of 2 h 30 of this year moves this year's figures by exactly that.
	this := year
	before, err := svc.Emulation(ctx, nil, unit.ID, this)
	if err != nil {
		t.Fatal(err)
	}
	who := before.Rows[0]
	rec := &learningrecord.Service{DB: db, Units: units}
	a, err := rec.Declare(ctx, nil, who.CitizenID, learningrecord.ActivityInput{Kind: "reading", Description: "Đọc sách chuyên môn", StartedOn: svc.Today(), Minutes: 150})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rec.Review(ctx, nil, a.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	after, err := svc.Emulation(ctx, nil, unit.ID, this)
	if err != nil {
		t.Fatal(err)
	}
	var got community.EmulationRow
	for _, r := range after.Rows {
		if r.CitizenID == who.CitizenID {
			got = r
		}
	}
	if got.Minutes-who.Minutes != 150 || got.ConfirmedMinutes-who.ConfirmedMinutes != 150 || got.ConfirmedActivities-who.ConfirmedActivities != 1 {
		t.Errorf("after a confirmed 150-minute activity: %+v, before %+v", got, who)
	}

	// The workbook lists the same people, in the same order, with their results.
	var buf bytes.Buffer
	if err := community.EmulationXLSX(e, &buf); err != nil {
		t.Fatal(err)
	}
	rows := readXLSX(t, buf.Bytes())
	if len(rows) != len(e.Rows)+1 || rows[0][1] != "Họ và tên" || rows[0][5] != "Công dân học tập: tình trạng" {
		t.Fatalf("workbook: %d rows, header %q", len(rows), rows[0])
	}
	for i, r := range e.Rows {
		x := rows[i+1]
		state, total, recog := "Chưa đăng ký", "", "Không"
		if r.Assessed {
			state, total = community.StateNames[r.State], fmt.Sprint(r.Total)
		}
		if r.Recognised {
			recog = "Có"
		}
		for len(x) < 13 {
			x = append(x, "")
		}
		if x[1] != r.FullName || x[5] != state || x[6] != total || x[7] != recog || x[9] != fmt.Sprint(r.Completions) || x[12] != fmt.Sprint(r.ConfirmedActivities) {
			t.Errorf("row %d: %q, want %s %s %s %s", i+1, x, r.FullName, state, total, recog)
		}
	}

	// Who sees the list: the unit's officer, its commune's, the city's; not the neighbouring
	// ward's officer, a collector or another unit's officer.
	for _, tc := range []struct {
		name string
		g    auth.Grant
		ok   bool
	}{
		{"unit officer", auth.Grant{Role: auth.RoleUnitOfficer, WorkUnitID: unit.ID}, true},
		{"commune officer", auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: unit.ProvinceCode, CommuneCode: unit.CommuneCode}, true},
		{"city officer", auth.Grant{Role: auth.RoleCityOfficer, ProvinceCode: unit.ProvinceCode}, true},
		{"neighbouring ward", auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: unit.ProvinceCode, CommuneCode: "00008"}, false},
		{"another unit", auth.Grant{Role: auth.RoleUnitOfficer, WorkUnitID: unit.ID + 1000}, false},
		{"collector", auth.Grant{Role: auth.RoleCollector, VillageID: 1}, false},
	} {
		_, err := svc.Emulation(ctx, &auth.Principal{Grants: []auth.Grant{tc.g}}, unit.ID, year)
		if (err == nil) != tc.ok || (!tc.ok && fault.KindOf(err) != fault.Forbidden) {
			t.Errorf("%s: %v, want allowed=%v", tc.name, err, tc.ok)
		}
	}
}
