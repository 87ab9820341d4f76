package community

import (
	"slices"
	"testing"

	"hoctap/internal/people"
)

// TestSortEmulation orders by given name in Vietnamese collation (Anh, Ánh, Dũng, Đức), and by
// the figures from the largest, ties in name order.
func TestSortEmulation(t *testing.T) {
	mk := func(name string, total, minutes int) EmulationRow {
		return EmulationRow{FullName: name, Total: total, Minutes: minutes, sortKey: people.SortKey(name)}
	}
	rows := []EmulationRow{mk("Lê Văn Đức", 85, 60), mk("Trần Minh Dũng", 90, 600), mk("Nguyễn Thị Ánh", 85, 0), mk("Phạm Văn Anh", 70, 60)}
	names := func() []string {
		var out []string
		for _, r := range rows {
			out = append(out, r.FullName)
		}
		return out
	}
	for _, tc := range []struct {
		key  string
		desc bool
		want []string
	}{
		{"name", false, []string{"Phạm Văn Anh", "Nguyễn Thị Ánh", "Trần Minh Dũng", "Lê Văn Đức"}},
		{"name", true, []string{"Lê Văn Đức", "Trần Minh Dũng", "Nguyễn Thị Ánh", "Phạm Văn Anh"}},
		{"total", false, []string{"Trần Minh Dũng", "Nguyễn Thị Ánh", "Lê Văn Đức", "Phạm Văn Anh"}},
		{"hours", false, []string{"Trần Minh Dũng", "Phạm Văn Anh", "Lê Văn Đức", "Nguyễn Thị Ánh"}},
		{"hours", true, []string{"Nguyễn Thị Ánh", "Phạm Văn Anh", "Lê Văn Đức", "Trần Minh Dũng"}},
	} {
		SortEmulation(rows, tc.key, tc.desc)
		if got := names(); !slices.Equal(got, tc.want) {
			t.Errorf("%s desc=%v: %q, want %q", tc.key, tc.desc, got, tc.want)
		}
	}
}
