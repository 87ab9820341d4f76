package community

import (
	"math"
	"testing"
)

func TestNumberWords(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "không"},
		{1, "một"},
		{5, "năm"},
		{10, "mười"},
		{11, "mười một"},
		{14, "mười bốn"},
		{15, "mười lăm"},
		{20, "hai mươi"},
		{21, "hai mươi mốt"},
		{24, "hai mươi tư"},
		{25, "hai mươi lăm"},
		{55, "năm mươi lăm"},
		{100, "một trăm"},
		{101, "một trăm lẻ một"},
		{105, "một trăm lẻ năm"},
		{110, "một trăm mười"},
		{115, "một trăm mười lăm"},
		{121, "một trăm hai mươi mốt"},
		{1000, "một nghìn"},
		{1005, "một nghìn không trăm lẻ năm"},
		{1010, "một nghìn không trăm mười"},
		{1024, "một nghìn không trăm hai mươi tư"},
		{10_000, "mười nghìn"},
		{15_000, "mười lăm nghìn"},
		{21_000, "hai mươi mốt nghìn"},
		{105_000, "một trăm lẻ năm nghìn"},
		{500_000, "năm trăm nghìn"},
		{1_000_000, "một triệu"},
		{1_000_500, "một triệu năm trăm"},
		{1_250_000, "một triệu hai trăm năm mươi nghìn"},
		{2_005_000, "hai triệu không trăm lẻ năm nghìn"},
		{15_015_015, "mười lăm triệu không trăm mười lăm nghìn không trăm mười lăm"},
		{1_000_000_000, "một tỷ"},
		{1_000_000_005, "một tỷ không trăm lẻ năm"},
		{2_500_000_000, "hai tỷ năm trăm triệu"},
		{1_000_000_000_000, "một nghìn tỷ"},
		{-5, "âm năm"},
		{math.MinInt64, "âm chín tỷ hai trăm hai mươi ba triệu ba trăm bảy mươi hai nghìn không trăm ba mươi sáu tỷ tám trăm năm mươi tư triệu bảy trăm bảy mươi lăm nghìn tám trăm lẻ tám"},
	} {
		if got := NumberWords(c.n); got != c.want {
			t.Errorf("NumberWords(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestMoneyWords(t *testing.T) {
	for n, want := range map[int64]string{
		1_250_000: "Một triệu hai trăm năm mươi nghìn đồng",
		0:         "Không đồng",
		500_000:   "Năm trăm nghìn đồng",
		2_005_000: "Hai triệu không trăm lẻ năm nghìn đồng",
	} {
		if got := MoneyWords(n); got != want {
			t.Errorf("MoneyWords(%d) = %q, want %q", n, got, want)
		}
	}
}
