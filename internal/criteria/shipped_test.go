package criteria

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// shippedWant is what each shipped set must be: its title, its subject, and whether it has
// grades or levels.
var shippedWant = map[string]struct {
	title, subject string
	grades, levels int
}{
	"learning-citizen-qd324.json":          {"learning_citizen", SubjectCitizen, 0, 0},
	"learning-family-qd448.json":           {"learning_family", SubjectHousehold, 0, 0},
	"learning-clan.json":                   {"learning_clan", SubjectClan, 0, 0},
	"learning-community-village.json":      {"learning_community", SubjectVillage, 0, 0},
	"learning-unit-tt22.json":              {"learning_unit", SubjectWorkUnit, 3, 0},
	"learning-unit-tt24.json":              {"learning_unit", SubjectWorkUnit, 0, 2},
	"learning-community-commune-tt25.json": {"learning_community", SubjectCommune, 0, 2},
}

// shipped parses one shipped set, failing the test if it is missing or invalid.
func shipped(t *testing.T, name string) *Set {
	t.Helper()
	files, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	data, ok := files[name]
	if !ok {
		t.Fatalf("%s is not shipped", name)
	}
	s, err := Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// TestShippedSets parses every shipped file and checks its title, subject and shape, its text
// (NFC, indented as the software writes it) and that every collective set is provisional.
func TestShippedSets(t *testing.T) {
	files, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(shippedWant) {
		t.Errorf("%d shipped files, want %d", len(files), len(shippedWant))
	}
	for name, data := range files {
		want, known := shippedWant[name]
		if !known {
			t.Errorf("%s: not expected", name)
			continue
		}
		s, err := Parse(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if s.Title != want.title || s.SubjectKind() != want.subject || len(s.Grades) != want.grades || len(s.Levels) != want.levels {
			t.Errorf("%s: title %s, subject %s, %d grades, %d levels", name, s.Title, s.SubjectKind(), len(s.Grades), len(s.Levels))
		}
		if !utf8.Valid(data) {
			t.Errorf("%s: not UTF-8", name)
		}
		for i, r := range string(data) {
			if unicode.Is(unicode.Mn, r) {
				t.Errorf("%s: combining mark %U at byte %d: not NFC", name, r, i)
				break
			}
		}
		var out bytes.Buffer
		if err := json.Indent(&out, bytes.TrimSpace(data), "", "  "); err != nil || strings.TrimSpace(out.String()) != strings.TrimSpace(string(data)) {
			t.Errorf("%s: not indented with two spaces", name)
		}
		if s.Title == "learning_citizen" {
			continue
		}
		if !s.Provisional() {
			t.Errorf("%s: a collective set has assumed values but is not provisional", name)
		}
		if s.Recognition == (Recognition{}) || s.Subject == "" {
			t.Errorf("%s: no recognition or subject", name)
		}
		for _, g := range s.TargetGroups {
			for _, in := range g.Indicators {
				if in.TextEN == "" || len(in.Rubric) == 0 || len(in.Evidence) == 0 {
					t.Errorf("%s %s: English text, rubric and evidence are required in shipped sets", name, in.Code)
				}
				if len(s.Levels) > 0 && len(in.LevelMin) != len(s.Levels) {
					t.Errorf("%s %s: level_min %v for %d levels", name, in.Code, in.LevelMin, len(s.Levels))
				}
			}
			if len(s.Levels) == 0 && g.MaxTotal() != 100 {
				t.Errorf("%s %s: maximum total %d, want 100", name, g.Code, g.MaxTotal())
			}
		}
	}
}

// TestShippedComputedItems checks which items the registry computes in each collective set.
func TestShippedComputedItems(t *testing.T) {
	for name, want := range map[string]map[string]Computed{
		"learning-family-qd448.json": {
			"GD01": {Measure: MeasureHouseholdChildrenAtSchool, AgeMin: 6, AgeMax: 14, Threshold: 100, IfNone: "full"},
			"GD06": {Measure: MeasureHouseholdAdultsRecognised, AgeMin: 19, AgeMax: 60},
		},
		"learning-clan.json":              {"DH02": {Measure: MeasureClanHouseholdsRecognised, Threshold: 50}},
		"learning-community-village.json": {"CD06": {Measure: MeasureVillageHouseholdsRecognised, Threshold: 50}},
		"learning-unit-tt22.json":         {"DV08": {Measure: MeasureUnitStaffRecognised, Threshold: 100}},
		"learning-unit-tt24.json":         {"DV09": {Measure: MeasureUnitStaffRecognised}},
		"learning-community-commune-tt25.json": {
			"CX10": {Measure: MeasureCommuneAdultsRecognised, AgeMin: 18},
			"CX11": {Measure: MeasureCommuneVillagesRecognised},
		},
	} {
		s := shipped(t, name)
		got := map[string]Computed{}
		for _, in := range s.TargetGroups[0].Indicators {
			if in.Computed != (Computed{}) {
				got[in.Code] = in.Computed
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: computed items %v, want %v", name, got, want)
		}
		for code, c := range want {
			if got[code] != c {
				t.Errorf("%s %s: computed %+v, want %+v", name, code, got[code], c)
			}
		}
	}
}

// allAt returns scores giving every indicator of the set's only group v, or its maximum if lower.
func allAt(s *Set, v int) map[string]int {
	out := map[string]int{}
	for _, in := range s.TargetGroups[0].Indicators {
		out[in.Code] = min(v, in.Max)
	}
	return out
}

// TestShippedTT22Grades scores the TT 22/2020 set at the grade boundaries.
func TestShippedTT22Grades(t *testing.T) {
	s := shipped(t, "learning-unit-tt22.json")
	group := s.TargetGroups[0].Code
	for _, tt := range []struct {
		total  int
		passed bool
		grade  string
	}{{100, true, "Tốt"}, {85, true, "Tốt"}, {84, true, "Khá"}, {70, true, "Khá"}, {69, true, "Trung bình"}, {50, true, "Trung bình"}, {49, false, ""}, {0, false, ""}} {
		// Take points off the full score, indicator by indicator, down to the total.
		scores := allAt(s, 100)
		off := 100 - tt.total
		for _, in := range s.TargetGroups[0].Indicators {
			d := min(off, scores[in.Code])
			scores[in.Code] -= d
			off -= d
		}
		r, err := s.Evaluate(group, scores)
		if err != nil {
			t.Fatal(err)
		}
		grade := ""
		if r.Grade != nil {
			grade = r.Grade.NameVI
		}
		if r.Total != tt.total || r.Passed != tt.passed || grade != tt.grade {
			t.Errorf("total %d: passed %v grade %q, want %d %v %q", r.Total, r.Passed, grade, tt.total, tt.passed, tt.grade)
		}
	}
}

// TestShippedTT24Levels puts a unit whose met/not-met indicators are all met at the level its
// share of Learning Citizens gives: ≥ 90% level 1, ≥ 95% level 2 (TT 24/2023).
func TestShippedTT24Levels(t *testing.T) {
	s := shipped(t, "learning-unit-tt24.json")
	g := &s.TargetGroups[0]
	share, ok := g.indicator("DV09")
	if !ok {
		t.Fatal("no DV09")
	}
	for _, tt := range []struct {
		num, den, level int
		emulation       int // DV11: 1 Tập thể lao động tiên tiến, 2 a higher title
	}{
		{92, 100, 1, 2}, {96, 100, 2, 2}, {96, 100, 1, 1}, {46, 50, 1, 2}, {19, 20, 2, 2}, {89, 100, 0, 2}, {100, 100, 2, 2},
	} {
		scores := allAt(s, 1)
		scores["DV11"] = tt.emulation
		points, _, ok := share.ComputedScore(tt.num, tt.den)
		if !ok {
			t.Fatalf("%d/%d: no score", tt.num, tt.den)
		}
		scores["DV09"] = points
		r, err := s.Evaluate(g.Code, scores)
		if err != nil {
			t.Fatal(err)
		}
		if r.Level != tt.level {
			t.Errorf("%d/%d, emulation %d: level %d, want %d", tt.num, tt.den, tt.emulation, r.Level, tt.level)
		}
	}
	// One unmet indicator keeps a unit at 100% out of every level.
	scores := allAt(s, 1)
	scores["DV09"], scores["DV11"], scores["DV03"] = 100, 2, 0
	if r, _ := s.Evaluate(g.Code, scores); r.Level != 0 {
		t.Errorf("DV03 not met: level %d", r.Level)
	}
}

// TestComputedScoreEdges checks ComputedScore where it is most likely to be wrong.
func TestComputedScoreEdges(t *testing.T) {
	threshold := Indicator{Max: 25, Computed: Computed{Measure: MeasureUnitStaffRecognised, Threshold: 100}}
	proportional := Indicator{Max: 10, Computed: Computed{Measure: MeasureHouseholdAdultsRecognised}}
	for _, tt := range []struct {
		in              *Indicator
		num, den        int
		points, percent int
		ok              bool
	}{
		{&threshold, 0, 0, 0, 0, false},     // no members: no figure, not zero
		{&proportional, 0, 0, 0, 0, false},  // a household without adults
		{&threshold, 99, 100, 0, 99, true},  // 99% of a 100% threshold scores nothing
		{&threshold, 199, 200, 0, 99, true}, // 99.5% is not 100%
		{&threshold, 100, 100, 25, 100, true},
		{&proportional, 3, 4, 8, 75, true}, // 7.5 rounded half up
		{&proportional, 1, 3, 3, 33, true},
		{&proportional, 0, 4, 0, 0, true},
		{&proportional, 4, 4, 10, 100, true},
	} {
		points, percent, ok := tt.in.ComputedScore(tt.num, tt.den)
		if points != tt.points || percent != tt.percent || ok != tt.ok {
			t.Errorf("threshold %d, max %d, %d/%d: %d points %d%% %v, want %d %d%% %v", tt.in.Computed.Threshold, tt.in.Max, tt.num, tt.den, points, percent, ok, tt.points, tt.percent, tt.ok)
		}
	}
}

// TestComputedScoreEdges: an empty denominator refuses unless the item says it gives full marks;
// an item with level minima is not rounded up to a level it has not reached.
func TestComputedScoreEmptyAndLevels(t *testing.T) {
	full := Indicator{Max: 10, Computed: Computed{Measure: MeasureHouseholdChildrenAtSchool, Threshold: 100, IfNone: "full"}}
	if p, _, ok := full.ComputedScore(0, 0); !ok || p != 10 {
		t.Errorf("no child of school age: %d points, ok %v; want 10, true", p, ok)
	}
	share := Indicator{Max: 100, Computed: Computed{Measure: MeasureUnitStaffRecognised}, LevelMin: []int{90, 95}}
	if p, _, _ := share.ComputedScore(179, 200); p != 89 {
		t.Errorf("179 of 200 staff: %d points, want 89 (not rounded up to level 1's 90)", p)
	}
	plain := Indicator{Max: 10, Computed: Computed{Measure: MeasureHouseholdAdultsRecognised}}
	if p, _, _ := plain.ComputedScore(1, 2); p != 5 {
		t.Errorf("1 of 2 adults: %d points, want 5", p)
	}
}
