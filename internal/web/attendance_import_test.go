package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestAttendanceImportPages runs a provider's attendance list through preview, result file and
// confirmation.
func TestAttendanceImportPages(t *testing.T) {
	f := newFixture(t)
	ids := seedProgrammes(t, f)
	ctx := context.Background()
	c, err := f.db.Citizen(ctx, f.ownCitizen)
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/provider/sessions/%d/attendance/import", ids.today)
	list := "Số CCCD,Có mặt\n" + c.NationalID + ",x\n001099999999,x\n"
	res := uploadAs(t, f, "provider", base, "diem-danh.csv", list)
	if res.status != http.StatusOK || !strings.Contains(res.body, "attendance-preview") {
		t.Fatalf("preview: %d", res.status)
	}
	m := regexp.MustCompile(`action="(` + regexp.QuoteMeta(base) + `/(\d+)/confirm)"`).FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("no confirmation form in the preview")
	}
	if a, _ := f.db.SessionAttendance(ctx, ids.today); len(a) != 0 {
		t.Fatalf("the preview wrote attendance: %v", a)
	}
	// The result file is the uploaded list with the result and problem of each row.
	rep := f.get(t, "provider", base+"/"+m[2]+"/report.xlsx")
	if rep.status != http.StatusOK {
		t.Fatalf("report: %d", rep.status)
	}
	x, err := excelize.OpenReader(strings.NewReader(rep.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil || len(rows) != 3 || len(rows[2]) < 4 || rows[2][3] != "001099999999" || !strings.Contains(rows[2][2], "«Số CCCD»") || rows[1][2] != "" {
		t.Fatalf("report rows %q %v", rows, err)
	}
	// Someone who does not manage the programme cannot read it.
	if r := f.get(t, "commune_officer", base+"/"+m[2]+"/report.xlsx"); r.status != http.StatusForbidden {
		t.Errorf("report for a commune officer: %d", r.status)
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+m[1], nil)
	if r := f.do(t, "provider", req); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
	a, _ := f.db.SessionAttendance(ctx, ids.today)
	if len(a) != 1 || a[f.ownCitizen] != "import" {
		t.Errorf("attendance after confirming: %v", a)
	}
}
