package sheet

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestFoldHeader(t *testing.T) {
	tests := map[string]string{
		"Họ và tên":                     "ho va ten",
		"HỌ VÀ TÊN (*)":                 "ho va ten",
		"Họ và tên:":                    "ho va ten",
		"  Họ   và\ntên  ":              "ho va ten",
		"Số CCCD/CMND (*):":             "so cccd cmnd",
		"CMND / CCCD":                   "cmnd cccd",
		"Ngày sinh (dd/mm/yyyy)":        "ngay sinh",
		"Ngày sinh [ngày/tháng/năm]":    "ngay sinh",
		"Số định danh cá nhân":          "so dinh danh ca nhan",
		"Thôn/Tổ dân phố":               "thon to dan pho",
		"STT.":                          "stt",
		"Đặng Văn Đức":                  "dang van duc",
		"Ðịa chỉ":                       "dia chi", // Icelandic eth, as bad converters write Đ
		"Quan hệ với chủ hộ*":           "quan he voi chu ho",
		"Ghi chú (nếu có":               "ghi chu",
		"Năm sinh\u00a0":                "nam sinh",
		"Ho va ten":                     "ho va ten",
		"Nghề nghiệp (nhóm 1, 2, 3, 4)": "nghe nghiep",
		"":                              "",
	}
	for in, want := range tests {
		if got := FoldHeader(in); got != want {
			t.Errorf("FoldHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

var citizenFields = []Field{
	{Name: "stt", Synonyms: []string{"STT", "Số TT"}},
	{Name: "name", Synonyms: []string{"Họ và tên", "Họ tên", "Họ tên công dân"}, Required: true},
	{Name: "birth_date", Synonyms: []string{"Ngày sinh", "Ngày tháng năm sinh"}},
	{Name: "birth_male", Synonyms: []string{"Ngày sinh Nam", "Năm sinh Nam"}},
	{Name: "birth_female", Synonyms: []string{"Ngày sinh Nữ", "Năm sinh Nữ"}},
	{Name: "birth_year", Synonyms: []string{"Năm sinh"}},
	{Name: "gender", Synonyms: []string{"Giới tính"}},
	{Name: "id", Synonyms: []string{"Số CCCD", "Số định danh", "CMND/CCCD", "CCCD", "Số định danh cá nhân"}, Required: true},
	{Name: "village", Synonyms: []string{"Thôn", "Thôn/Tổ dân phố", "Tổ dân phố"}},
	{Name: "relation", Synonyms: []string{"Quan hệ với chủ hộ", "Quan hệ"}},
}

func rowsOf(lines ...[]string) []Row {
	rows := make([]Row, len(lines))
	for i, l := range lines {
		rows[i] = Row{Number: i + 1, Cells: l}
	}
	return rows
}

func TestMatchHeader(t *testing.T) {
	tests := []struct {
		name    string
		rows    []Row
		row     int
		columns map[string]int
		unknown []int
		titles  []string
		err     string
	}{
		{
			name: "title rows above the header",
			rows: rowsOf(
				[]string{"UBND XÃ ĐÔNG ANH"},
				[]string{"DANH SÁCH CÔNG DÂN HỌC TẬP"},
				[]string{"STT", "HỌ VÀ TÊN (*)", "Ngày sinh", "Giới tính", "Số CCCD", "Ghi chú"},
				[]string{"1", "Nguyễn Văn Đức", "15/03/1990", "Nam", "001090000001", ""},
			),
			row:     2,
			columns: map[string]int{"stt": 0, "name": 1, "birth_date": 2, "gender": 3, "id": 4},
			unknown: []int{5},
			titles:  []string{"STT", "HỌ VÀ TÊN (*)", "Ngày sinh", "Giới tính", "Số CCCD", "Ghi chú"},
		},
		{
			name: "merged two-row header, as the reader fills it",
			rows: rowsOf(
				[]string{"DANH SÁCH", "DANH SÁCH", "DANH SÁCH", "DANH SÁCH", "DANH SÁCH"},
				[]string{"STT", "Họ và tên", "Ngày sinh", "Ngày sinh", "Số CCCD"},
				[]string{"STT", "Họ và tên", "Nam", "Nữ", "Số CCCD"},
				[]string{"1", "Nguyễn Văn Đức", "15/03/1990", "", "001090000001"},
			),
			row:     2,
			columns: map[string]int{"stt": 0, "name": 1, "birth_male": 2, "birth_female": 3, "id": 4},
			titles:  []string{"STT", "Họ và tên", "Ngày sinh / Nam", "Ngày sinh / Nữ", "Số CCCD"},
		},
		{
			name: "parent over children: the child alone matches",
			rows: rowsOf(
				[]string{"STT", "Thông tin", "Thông tin", "Địa chỉ"},
				[]string{"", "Họ tên", "CCCD", "Thôn"},
				[]string{"1", "Lê Thị Hà", "001190000002", "Thôn Đông"},
			),
			row:     1,
			columns: map[string]int{"stt": 0, "name": 1, "id": 2, "village": 3},
			titles:  []string{"STT", "Thông tin / Họ tên", "Thông tin / CCCD", "Địa chỉ / Thôn"},
		},
		{
			name: "two-row header from a CSV: the parent is written once",
			rows: rowsOf(
				[]string{"STT", "Họ tên", "Năm sinh", "", "CMND/CCCD"},
				[]string{"", "", "Nam", "Nữ", ""},
				[]string{"1", "Lê Văn An", "1958", "", "001058000003"},
			),
			row:     1,
			columns: map[string]int{"stt": 0, "name": 1, "birth_male": 2, "birth_female": 3, "id": 4},
			titles:  []string{"STT", "Họ tên", "Năm sinh / Nam", "Năm sinh / Nữ", "CMND/CCCD"},
		},
		{
			name: "a single header row wins over two-row readings of the same",
			rows: rowsOf(
				[]string{"Họ và tên", "Số định danh", "Thôn"},
				[]string{"Nguyễn Văn A", "001090000001", "Thôn Đông"},
			),
			row:     0,
			columns: map[string]int{"name": 0, "id": 1, "village": 2},
			titles:  []string{"Họ và tên", "Số định danh", "Thôn"},
		},
		{
			name: "required column missing",
			rows: rowsOf(
				[]string{"DANH SÁCH"},
				[]string{"STT", "Họ và tên", "Ngày sinh"},
			),
			err: KeyHeaderMissing,
		},
		{
			name: "no header at all",
			rows: rowsOf([]string{"1", "2", "3"}, []string{"a", "b"}),
			err:  KeyNoHeader,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := MatchHeader(tt.rows, citizenFields)
			if got := faultKey(err); got != tt.err {
				t.Fatalf("error %q (%v), want %q", got, err, tt.err)
			}
			if err != nil {
				return
			}
			if h.Row != tt.row {
				t.Errorf("Row = %d, want %d", h.Row, tt.row)
			}
			if !maps.Equal(h.Columns, tt.columns) {
				t.Errorf("Columns = %v, want %v", h.Columns, tt.columns)
			}
			if !slices.Equal(h.Unknown, tt.unknown) {
				t.Errorf("Unknown = %v, want %v", h.Unknown, tt.unknown)
			}
			if !slices.Equal(h.Titles, tt.titles) {
				t.Errorf("Titles = %q, want %q", h.Titles, tt.titles)
			}
		})
	}
}

func TestMatchHeaderMissingNamesColumns(t *testing.T) {
	_, err := MatchHeader(rowsOf([]string{"STT", "Họ và tên", "Ngày sinh"}), citizenFields)
	fe, ok := err.(interface{ Error() string })
	if !ok || !strings.Contains(fe.Error(), "Số CCCD") {
		t.Errorf("error %v should name the missing column", err)
	}
}

// TestMatchHeaderOnRoster runs the reader and MatchHeader together on a real-looking file.
func TestMatchHeaderOnRoster(t *testing.T) {
	rows, _ := readAll(t, "danh-sach.xlsx", rosterXLSX(t))
	fields := append(slices.Clone(citizenFields), Field{Name: "year", Synonyms: []string{"Năm sinh"}})
	h, err := MatchHeader(rows, fields)
	if err != nil {
		t.Fatal(err)
	}
	if rows[h.Row].Number != 5 {
		t.Errorf("header ends at sheet row %d, want 5", rows[h.Row].Number)
	}
	want := map[string]int{"stt": 0, "name": 1, "birth_male": 2, "birth_female": 3, "id": 4, "village": 5, "relation": 6, "birth_year": 7}
	if !maps.Equal(h.Columns, want) {
		t.Errorf("Columns = %v, want %v", h.Columns, want)
	}
	first := rows[h.Row+1]
	if first.Cell(h.Columns["name"]) != "Nguyễn Văn Đức" || first.RawCell(h.Columns["birth_male"]) != "32947" {
		t.Errorf("first data row %q %q", first.Cells, first.Raw)
	}
}
