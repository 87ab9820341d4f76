package sheet

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// vietnameseAlphabet is every letter of the Vietnamese alphabet in both cases, with every
// tone, as NFC: 12 vowels × 6 tones × 2 cases, plus the consonants and đ/Đ.
func vietnameseAlphabet() string {
	var b strings.Builder
	for _, v := range "aăâeêioôơuưy" {
		for _, tone := range []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"} {
			b.WriteString(norm.NFC.String(string(v) + tone))
			b.WriteString(norm.NFC.String(strings.ToUpper(string(v)) + tone))
		}
	}
	b.WriteString("bcdđghklmnpqrstvx BCDĐGHKLMNPQRSTVX")
	return b.String()
}

func TestFromLegacyKnownTexts(t *testing.T) {
	tests := []struct {
		in   string
		enc  Encoding
		want string
	}{
		{"NguyÔn V¨n §øc", TCVN3, "Nguyễn Văn Đức"},
		{"Hµ Néi", TCVN3, "Hà Nội"},
		{"B¶o Th¾ng", TCVN3, "Bảo Thắng"},
		{"M\u00adêng Kh\u00ad¬ng", TCVN3, "Mường Khương"},
		{"Ninh B×nh", TCVN3, "Ninh Bình"},
		{"Tõ Liªm", TCVN3, "Từ Liêm"},
		{"DANH S¸CH C¤NG D¢N", TCVN3, "DANH SÁCH CÔNG DÂN"}, // typed in .VnTimeH
		{"UBND x· §«ng Anh", TCVN3, "UBND xã Đông Anh"},
		{"Nguyeãn Vaên Ñöùc", VNI, "Nguyễn Văn Đức"},
		{"Haø Noäi", VNI, "Hà Nội"},
		{"Tröôøng THCS", VNI, "Trường THCS"},
		{"Leâ Thò Hoàng", VNI, "Lê Thị Hồng"},
		{"Hoaøng Thò Thuùy", VNI, "Hoàng Thị Thúy"},
		{"ÑAÏI HOÏC", VNI, "ĐẠI HỌC"},
		{"Nguy\u00ea\u00den", Windows1258, "Nguyễn"},
		{"plain ASCII 123", TCVN3, "plain ASCII 123"},
		{"plain ASCII 123", VNI, "plain ASCII 123"},
		{"Nguyễn Văn Đức", Unicode, "Nguyễn Văn Đức"},
	}
	for _, tt := range tests {
		t.Run(tt.enc.String()+"/"+tt.want, func(t *testing.T) {
			if got := FromLegacy(tt.in, tt.enc); got != tt.want {
				t.Errorf("FromLegacy(%q, %v) = %q, want %q", tt.in, tt.enc, got, tt.want)
			}
		})
	}
}

func TestLegacyRoundTripAlphabet(t *testing.T) {
	alphabet := vietnameseAlphabet()
	for _, enc := range []Encoding{TCVN3, VNI, Windows1258} {
		t.Run(enc.String(), func(t *testing.T) {
			// Letter by letter inside lower-case words, so the .VnTimeH capitals rule stays out.
			for _, r := range alphabet {
				if r == ' ' {
					continue
				}
				orig := "x" + string(r) + "x"
				legacy := toLegacy(t, orig, enc)
				if got := FromLegacy(legacy, enc); got != orig {
					t.Errorf("%q → %q → %q", orig, legacy, got)
				}
			}
			orig := "Họ tên: " + alphabet
			if got := FromLegacy(toLegacy(t, orig, enc), enc); got != orig || !norm.NFC.IsNormalString(got) {
				t.Errorf("whole alphabet: got %q, want %q", got, orig)
			}
		})
	}
}

// names makes n random Vietnamese full names, NFC.
func names(rng *rand.Rand, n int) []string {
	family := strings.Fields("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Trịnh Tạ Kiều Khuất")
	middle := strings.Fields("Văn Thị Hữu Đức Minh Ngọc Thanh Quang Xuân Thu Hồng Kim Bảo Gia Phương Khánh")
	given := strings.Fields("An Anh Ánh Bình Chi Cường Dũng Dương Giang Hà Hải Hằng Hiền Hiếu Hoa Hòa Hùng Hương Huy Khoa Lan Linh Long Mai My Nam Nga Ngân Nghĩa Nhung Phong Phúc Quân Quyên Sơn Tâm Thảo Thắng Thủy Trang Trung Tú Tuấn Vân Việt Xuân Yến Ngoan Toàn Khuê Quỳnh Tuyết Uyên Oanh Thuận Khương Nguyệt")
	out := make([]string, n)
	for i := range out {
		out[i] = family[rng.IntN(len(family))] + " " + middle[rng.IntN(len(middle))] + " " + given[rng.IntN(len(given))]
	}
	return out
}

func TestDetectLegacy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	encode := func(ss []string, enc Encoding) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = toLegacy(t, s, enc)
		}
		return out
	}
	roster := names(rng, 200)
	places := []string{"Thôn Đông", "Xóm Chợ", "Tổ dân phố số 5", "Hà Nội", "Sóc Sơn", "Ba Vì", "Chủ hộ", "Con", "Vợ", "Nông dân", "Hưu trí"}
	// Unicode names that happen to use only Latin-1 letters, the case most likely to
	// look like legacy text.
	latin1Only := []string{"Hà Tây", "Lê Thị Hà", "Ngô Hà", "Tô Hoài", "Hoà Bình", "Mê Linh", "Lê Hoàn", "Hà Giang", "Tây Hồ", "Lào Cai"}
	tests := []struct {
		name   string
		sample []string
		want   Encoding
	}{
		{"empty", nil, Unicode},
		{"ascii", []string{"STT", "Ho va ten", "Nguyen Van Duc", "0912345678", "15/03/1990"}, Unicode},
		{"unicode roster", roster, Unicode},
		{"unicode places", places, Unicode},
		{"unicode latin-1 letters only", latin1Only, Unicode},
		{"unicode mixed with ascii", append(append([]string{}, latin1Only...), "Nguyen Van A", "Tran Thi B"), Unicode},
		{"tcvn3 roster", encode(roster, TCVN3), TCVN3},
		{"vni roster", encode(roster, VNI), VNI},
		{"tcvn3 one name", encode([]string{"Lê Văn An"}, TCVN3), TCVN3},
		{"vni one name", encode([]string{"Lê Văn An"}, VNI), VNI},
		{"tcvn3 places", encode(places, TCVN3), TCVN3},
		{"vni places", encode(places, VNI), VNI},
		{"tcvn3 capitals", []string{"DANH S¸CH C¤NG D¢N", "Hä vµ tªn", "Ngµy sinh"}, TCVN3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectLegacy(tt.sample); got != tt.want {
				t.Errorf("DetectLegacy = %v, want %v", got, tt.want)
			}
		})
	}
	// Many small samples of Unicode names: never a false alarm.
	for i := 0; i < 3000; i++ {
		s := names(rng, 1+rng.IntN(5))
		if got := DetectLegacy(s); got != Unicode {
			t.Fatalf("DetectLegacy(%q) = %v, want Unicode", s, got)
		}
	}
	// Rosters of 20 names in a legacy encoding are recognised. (One name alone can be
	// ambiguous: TCVN3 "Vò Thanh Phóc" for "Vũ Thanh Phúc" is also valid Unicode.)
	for i := 0; i < 500; i++ {
		s := names(rng, 20)
		for _, enc := range []Encoding{TCVN3, VNI} {
			if got := DetectLegacy(encode(s, enc)); got != enc {
				t.Fatalf("DetectLegacy(%v of %q) = %v", enc, s, got)
			}
		}
	}
}

func TestIsSyllable(t *testing.T) {
	for _, w := range strings.Fields("Nguyễn văn đức nghiêng khuyên quyết giữa gì xoong oanh thuở người ĐƯỜNG hoà hòa") {
		if !isSyllable(w) {
			t.Errorf("isSyllable(%q) = false", w)
		}
	}
	for _, w := range strings.Fields("nguyôn øc hµ nguyeãn vaên ñöùc josé façade wang tiéng áà") {
		if isSyllable(w) {
			t.Errorf("isSyllable(%q) = true", w)
		}
	}
}

func ExampleFromLegacy() {
	fmt.Println(FromLegacy("NguyÔn V¨n §øc", TCVN3))
	fmt.Println(FromLegacy("Nguyeãn Vaên Ñöùc", VNI))
	// Output:
	// Nguyễn Văn Đức
	// Nguyễn Văn Đức
}
