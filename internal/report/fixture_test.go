package report

import (
	"fmt"
	"time"
)

func pct(v float64) *float64 { return &v }

// adultsName is written decomposed (NFD: "e" + combining marks), as some keyboards and
// copied texts give it; the report must print it precomposed.
const adultsNameNFD = "Tỷ le\u0302\u0323 người lớn được công nhận Công dân học tập"

// adultsNameNFC is the same name precomposed.
const adultsNameNFC = "Tỷ lệ người lớn được công nhận Công dân học tập"

var communeNames = []string{
	"Phường Ba Đình", "Phường Hoàn Kiếm", "Phường Tây Hồ", "Xã Phú Xuyên", "Xã Sóc Sơn",
	"Phường Đống Đa", "Xã Minh Châu", "Phường Hà Đông", "Xã Ba Vì", "Phường Thanh Xuân",
}

// cityReport builds the annual report of a city with the given number of communes and
// indicators. Its figures are made from the indices, so every test knows the answers:
// indicator i has numerator 1000·(i+1) over 4000, so value 25·(i+1)% capped by the
// denominator; the second indicator has no data (denominator zero); commune u has
// (u·7 mod 100)% on every indicator, and no data on the third.
func cityReport(units, indicators int) Annual {
	a := Annual{
		Lang:        "vi",
		Year:        2025,
		Level:       "city",
		UnitCode:    "01",
		UnitName:    "Thành phố Hà Nội",
		ParentName:  "Trung ương Hội Khuyến học Việt Nam",
		GeneratedAt: time.Date(2025, 12, 31, 3, 4, 0, 0, time.UTC), // 10:04 in Hà Nội
		RankBy:      "M1",
		ReformYear:  2025,
	}
	for i := 0; i < indicators; i++ {
		ind := MeasureRow{
			Code:        fmt.Sprintf("M%d", i+1),
			Name:        fmt.Sprintf("Chỉ số thứ %d về học tập suốt đời của người dân", i+1),
			Numerator:   int64(1000 * (i%4 + 1)),
			Denominator: 4000,
			Targets: []Target{
				{Plan: "KH 290/KH-UBND", Year: 2025, Value: 40},
				{Plan: "KH 290/KH-UBND", Year: 2030, Value: 60},
			},
			Trend: []Point{
				{2021, pct(10)}, {2022, pct(15.5)}, {2023, nil}, {2024, pct(30)}, {2025, pct(float64(25 * (i%4 + 1)))},
			},
			Forecast: &Forecast{Year: 2030, Value: 55, Low: 45, High: 65, Method: "linear"},
		}
		v := float64(25 * (i%4 + 1))
		ind.Value = &v
		switch i {
		case 0:
			ind.Name = adultsNameNFD
			ind.Value = pct(40.5)
			ind.Numerator, ind.Denominator = 405, 1000
		case 1:
			ind.Name = "Tỷ lệ cán bộ, hội viên Hội Khuyến học được tập huấn <bộ tiêu chí> & \"quy trình\""
			ind.Numerator, ind.Denominator, ind.Value = 0, 0, nil
		}
		a.Measures = append(a.Measures, ind)
	}
	for u := 0; u < units; u++ {
		name := communeNames[u%len(communeNames)]
		if u >= len(communeNames) {
			name = fmt.Sprintf("%s %d", name, u/len(communeNames)+1)
		}
		row := UnitRow{Code: fmt.Sprintf("%05d", 4+3*u), Name: name, Rank: u + 1, Values: map[string]*float64{}}
		for i := 0; i < indicators; i++ {
			row.Values[fmt.Sprintf("M%d", i+1)] = pct(float64(u * 7 % 100))
		}
		if indicators > 2 {
			row.Values["M3"] = nil
		}
		a.Units = append(a.Units, row)
	}
	a.Pipeline = []PipelineRow{
		{Title: "Công dân học tập", Pledged: 120345, SelfAssessed: 80211, Verified: 40500, Appraised: 20000, Recognised: 310222, NotRecognised: 5123},
		{Title: "Gia đình học tập", Pledged: 1000, SelfAssessed: 500, Verified: 30, Appraised: 0, Recognised: 2000, NotRecognised: 12},
		{Title: "Dòng họ học tập", Pledged: 50, SelfAssessed: 20, Recognised: 80},
		{Title: "Cộng đồng học tập", Pledged: 400, Recognised: 900, NotRecognised: 3},
		{Title: "Đơn vị học tập", Pledged: 300, SelfAssessed: 100, Verified: 50, Appraised: 25, Recognised: 700},
	}
	a.Blocks = []Block{
		{Name: "Gia đình và cộng đồng", Items: []BlockItem{{"Gia đình được công nhận Gia đình học tập", "61,2%"}, {"Thôn, tổ dân phố được công nhận Cộng đồng học tập", "48%"}}},
		{Name: "Nơi làm việc", Items: []BlockItem{{"Cán bộ, công chức được công nhận Công dân học tập", "72,5%"}}},
		{Name: "Công nghệ", Items: []BlockItem{{"Người có kỹ năng số trong số người được công nhận", "68,4%"}}},
	}
	a.Untrained = []Official{
		{Name: "Nguyễn Thị Ánh Tuyết", Branch: "Chi hội thôn Đoài", Position: "Chi hội trưởng", Village: "Thôn Đoài"},
		{Name: "Trần Văn Đức", Branch: "Chi hội Trường Tiểu học Dịch Vọng", Position: "Hội viên", Village: "Tổ dân phố số 7"},
		{Name: "Lê Quỳnh Hương", Branch: "Chi hội thôn Thượng", Position: "Ủy viên", Village: "Thôn Thượng"},
	}
	a.Contributions = []Contribution{
		{Purpose: "Khuyến học, khuyến tài", Money: 125000000, InKindCount: 40, Contributors: 312},
		{Purpose: "Tủ sách cộng đồng", Money: 8500000, InKindCount: 1250, Contributors: 95},
	}
	a.Method = []string{
		"Tỷ lệ người lớn được công nhận: số người từ 18 tuổi trở lên (tính đến 31/12) cư trú trên địa bàn được công nhận danh hiệu Công dân học tập trong năm, chia cho số người từ 18 tuổi trở lên cư trú trên địa bàn.",
		"Số liệu trước ngày 01/07/2025 được quy về các xã, phường mới theo bảng chuyển đổi đơn vị hành chính và trọng số dân số.",
		"Dự báo: đường thẳng bình phương tối thiểu qua các năm có số liệu; khoảng dự báo 80%.",
	}
	return a
}
