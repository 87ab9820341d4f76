package people

import (
	"bytes"
	"slices"
	"sort"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestFoldName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"đ and Đ", "Đặng Văn Đức", "dang van duc"},
		{"NFD input", norm.NFD.String("Đặng Văn Đức"), "dang van duc"},
		{"Thị Hằng", "Nguyễn Thị Hằng", "nguyen thi hang"},
		{"NFD Thị Hằng", norm.NFD.String("Nguyễn Thị Hằng"), "nguyen thi hang"},
		{"upper case", "NGUYỄN THỊ HẰNG", "nguyen thi hang"},
		{"extra spaces", "  Trần   Quốc\tToản \n", "tran quoc toan"},
		{"NBSP", "Lê\u00a0Lợi", "le loi"},
		{"horn and breve", "Phạm Thị Ngọc Ưng Ơn Ăn Âu Ê Ô", "pham thi ngoc ung on an au e o"},
		{"old-style tone placement", "Hoà", "hoa"},
		{"new-style tone placement", "Hòa", "hoa"},
		{"legacy eth for Đ", "\u00d0ỗ", "do"},
		{"ASCII", "Nguyen Van A", "nguyen van a"},
		{"invalid byte before a letter", "\xf2Ă", "\ufffda"},
		{"empty", "", ""},
		{"only spaces", "   ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FoldName(tt.in)
			if got != tt.want {
				t.Errorf("FoldName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := FoldName(got); again != got {
				t.Errorf("FoldName not idempotent: %q → %q", got, again)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"already normal", "Nguyễn Thị Hằng", "Nguyễn Thị Hằng"},
		{"NFD to NFC", norm.NFD.String("Nguyễn Thị Hằng"), "Nguyễn Thị Hằng"},
		{"trim and collapse", "  Đặng   Văn\tĐức ", "Đặng Văn Đức"},
		{"keeps case", "NGUYỄN thị hằng", "NGUYỄN thị hằng"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NormalizeName(tt.in)
			if got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !norm.NFC.IsNormalString(got) {
				t.Errorf("NormalizeName(%q) = %q is not NFC", tt.in, got)
			}
		})
	}
}

func TestSortVietnamese(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{
			name: "letters and tones",
			in:   []string{"Đức", "Dũng", "Anh", "Ánh", "Ân"},
			want: []string{"Anh", "Ánh", "Ân", "Dũng", "Đức"},
		},
		{
			name: "ă â đ ô ơ ư order",
			in:   []string{"Ưng", "Ơn", "Ôn", "On", "Đào", "Dương", "Bình", "Ấn", "Ăn", "An"},
			want: []string{"An", "Ăn", "Ấn", "Bình", "Dương", "Đào", "On", "Ôn", "Ơn", "Ưng"},
		},
		{
			name: "NFD input sorts with NFC",
			in:   []string{"Đức", norm.NFD.String("Ân"), "Anh"},
			want: []string{"Anh", norm.NFD.String("Ân"), "Đức"},
		},
		{
			name: "full names",
			in:   []string{"Trần Văn Bình", "Đặng Thị Lan", "Nguyễn Văn An", "Đỗ Minh", "Dương Hà"},
			want: []string{"Dương Hà", "Đặng Thị Lan", "Đỗ Minh", "Nguyễn Văn An", "Trần Văn Bình"},
		},
		{name: "empty", in: []string{}, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Clone(tt.in)
			SortVietnamese(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("SortVietnamese(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNewCollatorStructs(t *testing.T) {
	type citizen struct{ Name string }
	cs := []citizen{{"Đức"}, {"Dũng"}, {"Ân"}}
	c := NewCollator()
	slices.SortFunc(cs, func(a, b citizen) int { return c.CompareString(a.Name, b.Name) })
	want := []citizen{{"Ân"}, {"Dũng"}, {"Đức"}}
	if !slices.Equal(cs, want) {
		t.Errorf("sorted = %v, want %v", cs, want)
	}
}

func TestSortKeyOrdersByGivenNameInVietnamese(t *testing.T) {
	names := []string{"Trần Văn Đức", "Nguyễn Thị Ánh", "Lê Văn Dũng", "Phạm Thị Anh", "Đỗ Thị An", "Bùi Ân"}
	want := []string{"Đỗ Thị An", "Phạm Thị Anh", "Nguyễn Thị Ánh", "Bùi Ân", "Lê Văn Dũng", "Trần Văn Đức"}
	sort.Slice(names, func(i, j int) bool { return bytes.Compare(SortKey(names[i]), SortKey(names[j])) < 0 })
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("order %v, want %v", names, want)
		}
	}
}
