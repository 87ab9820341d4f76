package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestTargetsRefuseBadInputAndKeepGoodInput edits plans and targets as a city officer: a
// target above 100% and a plan ending before it starts are refused next to their fields and
// change nothing; a good target is stored and shows on the dashboard.
func TestTargetsRefuseBadInputAndKeepGoodInput(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if r := f.get(t, "city_officer", "/targets"); r.status != http.StatusOK || !strings.Contains(r.body, "KH290") {
		t.Fatalf("targets page: %d", r.status)
	}
	r := f.post(t, "city_officer", "/targets/plans/KH290/targets", url.Values{"measure": {"cdht_adults"}, "year": {"2027"}, "value": {"120"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Chỉ tiêu phải từ 0% đến 100%.") {
		t.Errorf("a target of 120%%: %d", r.status)
	}
	r = f.post(t, "city_officer", "/targets/plans", url.Values{"code": {"KH99"}, "name": {"Kế hoạch thử"}, "start_year": {"2030"}, "end_year": {"2025"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Năm kết thúc 2025 đứng trước năm bắt đầu 2030.") {
		t.Errorf("a plan ending before it starts: %d", r.status)
	}
	r = f.post(t, "city_officer", "/targets/plans/KH290/targets", url.Values{"measure": {"cdht_adults"}, "year": {"2019"}, "value": {"10"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "nằm ngoài thời gian của kế hoạch") {
		t.Errorf("a target before the plan's start: %d", r.status)
	}
	plans, err := f.db.Plans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if p.Code == "KH99" {
			t.Error("the refused plan was stored")
		}
		for _, tg := range p.Targets {
			if tg.Year == 2027 || tg.Year == 2019 {
				t.Errorf("a refused target was stored: %+v", tg)
			}
		}
	}
	if r := f.post(t, "city_officer", "/targets/plans/KH290/targets", url.Values{"measure": {"cdht_adults"}, "year": {"2027"}, "value": {"47,5"}}); r.status != http.StatusSeeOther {
		t.Fatalf("a good target: %d", r.status)
	}
	if r := f.get(t, "city_officer", "/dashboard/communes/00004?year=2025"); !strings.Contains(r.body, "KH 290/KH-UBND · 2027: <strong>48%</strong>") &&
		!strings.Contains(r.body, "KH 290/KH-UBND · 2027: <strong>47") {
		t.Error("the new target does not show on the dashboard")
	}
}

// TestPastFiguresImport checks a file of the old units' figures: every problem is listed with
// its file, row and column and nothing is stored; a good file is shown, then stored once
// confirmed, and moves the 2024 dashboard.
func TestPastFiguresImport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	before, err := f.db.PastFiguresVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bad := "Năm,Mã đơn vị,Số đếm,Giá trị\n2024,00001,adults,1000\n2024,99999,adults,5\n2024,00001,adults_recognised,2000\n2024,00001,ghosts,1\n1999,00001,adults,3\n"
	ct, body := multipartFile(nil, "file", "bao-cao-2024.csv", []byte(bad))
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/targets/past-figures", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	r := f.do(t, "city_officer", req)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad file: %d", r.status)
	}
	for _, want := range []string{"bao-cao-2024.csv:3:Mã đơn vị", "Không có xã, phường mã", "bao-cao-2024.csv:5:Số đếm", "bao-cao-2024.csv:6:Năm",
		"adults_recognised = 2000 lớn hơn adults = 1000"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the problems do not say %q", want)
		}
	}
	if after, _ := f.db.PastFiguresVersion(ctx); after != before {
		t.Fatal("a refused file changed the past figures")
	}
	good := "Năm,Mã đơn vị,Số đếm,Giá trị\n2024,00001,adults,1000\n2024,00001,adults_recognised,1000\n"
	ct, body = multipartFile(nil, "file", "bao-cao-2024.csv", []byte(good))
	req, _ = http.NewRequest(http.MethodPost, f.srv.URL+"/targets/past-figures", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	r = f.do(t, "city_officer", req)
	m := regexp.MustCompile(`/targets/past-figures/(\d+)/confirm`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("a good file: %d, no confirmation offered", r.status)
	}
	if after, _ := f.db.PastFiguresVersion(ctx); after != before {
		t.Fatal("a file was stored before it was confirmed")
	}
	// Only the one who checked the file may confirm it.
	if r := f.post(t, "admin", "/targets/past-figures/"+m[1]+"/confirm", nil); r.status != http.StatusNotFound {
		t.Errorf("another officer confirming: %d", r.status)
	}
	if r := f.post(t, "city_officer", "/targets/past-figures/"+m[1]+"/confirm", nil); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", r.status)
	}
	figs, err := f.db.PastFigures(ctx, []int{2024})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, fg := range figs {
		found = found || (fg.UnitCode == "00001" && fg.Kind == "adults_recognised" && fg.Value == 1000)
	}
	if !found {
		t.Fatal("the confirmed figures were not stored")
	}
	if r := f.post(t, "city_officer", "/targets/past-figures/"+m[1]+"/confirm", nil); r.status != http.StatusNotFound {
		t.Errorf("confirming twice: %d", r.status)
	}
}

// TestRankingExportWritesNoDataAsText reads the city's ranking back: a commune with no figure
// says so in words, never 0.
func TestRankingExportWritesNoDataAsText(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/dashboard/ranking.xlsx?year=2025", nil)
	r := f.do(t, "city_officer", req)
	if r.status != http.StatusOK {
		t.Fatalf("ranking export: %d", r.status)
	}
	x, err := excelize.OpenReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 127 || rows[0][1] != "Xã, phường" {
		t.Fatalf("%d rows, header %q; want 126 communes under a header", len(rows), rows[0])
	}
	var ranked, noData int
	for _, row := range rows[1:] {
		switch {
		case row[0] != "":
			ranked++
		case row[2] == "không có số liệu":
			noData++
		}
	}
	if ranked == 0 || noData == 0 || ranked+noData != 126 {
		t.Errorf("%d ranked and %d without figures, want both and 126 in all", ranked, noData)
	}
}

// TestAnnualReportHoldsContributions checks that a commune's annual report carries the
// community's contributions of the year, purpose by purpose, as the contributions page sums them.
func TestAnnualReportHoldsContributions(t *testing.T) {
	f := newFixture(t)
	year := f.db.Now().Year()
	totals, err := f.db.ContributionTotals(context.Background(), year, "00004")
	if err != nil {
		t.Fatal(err)
	}
	var money int64
	for _, c := range totals {
		money += c.Money
	}
	if money == 0 {
		t.Fatal("the demo commune received no money this year: nothing to check")
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/dashboard/communes/00004/report.xlsx", nil)
	r := f.do(t, "commune_officer", req)
	if r.status != http.StatusOK {
		t.Fatalf("report: %d", r.status)
	}
	x, err := excelize.OpenReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Đóng góp", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	var purposes []string
	for _, row := range rows[9:] { // the table starts on row 10
		if len(row) < 2 || row[0] == "Tổng" {
			continue // the total row repeats the sum
		}
		var n int64
		for _, ch := range row[1] {
			if ch >= '0' && ch <= '9' {
				n = n*10 + int64(ch-'0')
			}
		}
		sum += n
		purposes = append(purposes, row[0])
	}
	if sum != money || !strings.Contains(strings.Join(purposes, "|"), "Quỹ học bổng") {
		t.Errorf("the report's contributions sum to %d đồng over %q, want %d", sum, purposes, money)
	}
}
