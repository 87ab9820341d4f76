package adminunit

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// embeddedFS returns the embedded data files, named as load expects.
func embeddedFS(t testing.TB) fs.FS {
	t.Helper()
	fsys, err := fs.Sub(hanoiData, "data/hanoi")
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

// edit is a change to one embedded file: replace the first line containing
// line with the result of change (drop the line if change is nil).
type edit struct {
	file   string
	line   string
	change func(string) string
}

// replace returns a change that substitutes new for old in the line.
func replace(old, new string) func(string) string {
	return func(l string) string { return strings.Replace(l, old, new, 1) }
}

// editedFS returns a copy of the embedded files with e applied.
func editedFS(t *testing.T, e edit) fs.FS {
	t.Helper()
	src := embeddedFS(t)
	out := fstest.MapFS{}
	names, err := fs.Glob(src, "*.csv")
	if err != nil {
		t.Fatal(err)
	}
	if e.file != "" && !slices.Contains(names, e.file) {
		t.Fatalf("no file %s", e.file)
	}
	for _, name := range names {
		data, err := fs.ReadFile(src, name)
		if err != nil {
			t.Fatal(err)
		}
		if name == e.file {
			data = []byte(editLine(t, string(data), e))
		}
		out[name] = &fstest.MapFile{Data: data}
	}
	return out
}

// editLine applies e to the first line of text that contains e.line.
func editLine(t *testing.T, text string, e edit) string {
	t.Helper()
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		if !strings.Contains(l, e.line) {
			continue
		}
		if e.change == nil {
			return strings.Join(append(lines[:i:i], lines[i+1:]...), "")
		}
		changed := e.change(l)
		if changed == l {
			t.Fatalf("%s: change left line %q as it was", e.file, l)
		}
		lines[i] = changed
		return strings.Join(lines, "")
	}
	t.Fatalf("%s: no line contains %q", e.file, e.line)
	return ""
}

func TestLoadEmbedded(t *testing.T) {
	if _, err := load(embeddedFS(t)); err != nil {
		t.Fatal(err)
	}
}

func TestLoadRejectsBadData(t *testing.T) {
	tests := []struct {
		name    string
		edit    edit
		wantErr []string // substrings of the error
	}{
		{"mapping to an unknown new code",
			edit{fileMapping, "00001,Phường Phúc Xá", replace(",00097,", ",00098,")},
			[]string{fileMapping, "line 2", "new commune 00098 is not in"}},
		{"mapping with inconsistent n_successors",
			edit{fileMapping, "00097,Phường Tứ Liên,Phường,00103", replace("partial,2", "partial,3")},
			[]string{fileMapping, "line 58", "n_successors 3 here and 2"}},
		{"mapping full with 2 successors",
			edit{fileMapping, "00001,Phường Phúc Xá", replace("full,1", "full,2")},
			[]string{fileMapping, `merge_type "full" with n_successors 2`}},
		{"mapping missing an old unit",
			edit{fileMapping, "00001,Phường Phúc Xá", nil},
			[]string{fileMapping, "old commune 00001 Phường Phúc Xá has no successor"}},
		{"mapping missing one successor of a split unit",
			edit{fileMapping, "00097,Phường Tứ Liên,Phường,00103", nil},
			[]string{fileMapping, "old commune 00097 Phường Tứ Liên has 1 successors, but n_successors = 2"}},
		{"mapping old name differs from the 2025-01 list",
			edit{fileMapping, "00001,Phường Phúc Xá", replace("Phường Phúc Xá", "Phường Phúc Xã")},
			[]string{fileMapping, "old commune 00001"}},
		{"unknown 2020 status",
			edit{fileUnits2020, "00001,Phường Phúc Xá", replace("kept,", "gone,")},
			[]string{fileUnits2020, "line 2", `status_2025_01 = "gone"`}},
		{"kept_renamed commune missing from 2025-01",
			edit{fileUnits2025Jan, ",00235,", nil},
			[]string{fileUnits2020, "commune 00235 is kept_renamed but not in " + fileUnits2025Jan}},
		{"abolished commune still listed",
			edit{fileUnits2020, "00001,Phường Phúc Xá", replace("kept,Phường Phúc Xá", "abolished_merged,")},
			[]string{fileUnits2020, "line 2", "commune 00001 is abolished_merged but still in " + fileUnits2025Jan}},
		{"kept commune with a new name",
			edit{fileUnits2020, "00001,Phường Phúc Xá", replace("kept,Phường Phúc Xá", "kept,Phường Phúc Xá Mới")},
			[]string{fileUnits2020, "line 2", "commune 00001 is kept but name_2025_01"}},
		{"2025-01 commune with a new code",
			edit{fileUnits2025Jan, ",00001,", func(l string) string {
				return l + "01,001,Quận Ba Đình,Ba Đình,Quận,00002,Phường Mới,Mới,Phường\r\n"
			}},
			[]string{fileUnits2025Jan, "commune 00002 Phường Mới continues no kept 2020 commune"}},
		{"duplicate current code",
			edit{fileUnits2025Jul, "01,00008,Phường Ngọc Hà", replace("00008", "00004")},
			[]string{fileUnits2025Jul, "line 3", "commune 00004 listed twice"}},
		{"short code",
			edit{fileUnits2025Jul, "01,00004,Phường Ba Đình", replace("00004", "0004")},
			[]string{fileUnits2025Jul, `commune_code = "0004", want a code of 5 digits`}},
		{"name is not type and short name",
			edit{fileUnits2025Jul, "Phường Hồng Hà,Hồng Hà", replace("Hồng Hà,Phường", "Hồng Hà Mới,Phường")},
			[]string{fileUnits2025Jul, "commune_name"}},
		{"thị trấn after 2025-07",
			edit{fileUnits2025Jul, "Phường Hồng Hà,Hồng Hà", replace("Phường Hồng Hà,Hồng Hà,Phường", "Thị trấn Hồng Hà,Hồng Hà,Thị trấn")},
			[]string{fileUnits2025Jul, `commune_type = "Thị trấn"`}},
		{"n_predecessors disagrees with the mapping",
			edit{fileUnits2025Jul, "01,00097,", replace(",14,12,3,", ",14,11,3,")},
			[]string{fileUnits2025Jul, "new commune 00097 says 11 predecessors (3 full)", "gives 12 (3 full)"}},
		{"former districts disagree with the mapping",
			edit{fileUnits2025Jul, "01,00097,", replace("; Quận Hai Bà Trưng", "")},
			[]string{fileUnits2025Jul, "new commune 00097 says former districts"}},
		{"commune populations do not add up",
			edit{filePopCommunes, "00001,Phường Phúc Xá", replace(",yes,21946,", ",yes,21947,")},
			[]string{filePopDistricts, "district 001 population 221893", "add up to 221894"}},
		{"negative population",
			edit{filePopCommunes, "00001,Phường Phúc Xá", replace(",yes,21946,", ",yes,-5,")},
			[]string{filePopCommunes, "line 2", "population_2019"}},
		{"missing column",
			edit{filePopDistricts, "district_code,", replace("population_2019", "pop")},
			[]string{filePopDistricts, `missing column "population_2019"`}},
		{"district name differs between files",
			edit{filePopDistricts, "001,Quận Ba Đình", replace("Quận Ba Đình", "Quận Ba Dinh")},
			[]string{fileUnits2020, "district 001"}},
		{"census unit not in 2020 list",
			edit{filePopCommunes, "00250,", replace(",no,", ",yes,")},
			[]string{filePopCommunes, "commune 00250 has in_2024_list=yes"}},
		{"broken CSV",
			edit{fileUnits2025Jul, "01,00004,Phường Ba Đình", replace("Phường Ba Đình", `"Phường Ba Đình`)},
			[]string{fileUnits2025Jul, "line"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(editedFS(t, tt.edit))
			if err == nil {
				t.Fatal("load succeeded, want an error")
			}
			t.Log(err)
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	fsys := editedFS(t, edit{})
	delete(fsys.(fstest.MapFS), fileMapping)
	_, err := load(fsys)
	if err == nil || !strings.Contains(err.Error(), fileMapping) {
		t.Fatalf("err = %v, want one naming %s", err, fileMapping)
	}
}
