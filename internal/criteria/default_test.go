package criteria

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestDefaultSet checks the shipped QĐ 324/QĐ-KHVN set against what is known of the decision.
func TestDefaultSet(t *testing.T) {
	s, err := Parse(DefaultJSON())
	if err != nil {
		t.Fatalf("the default set is invalid: %v", err)
	}
	if Default() != Default() {
		t.Error("Default parses the set more than once")
	}
	if s.Title != "learning_citizen" || s.Version != "2023.1" || s.ValidFrom != 2024 || s.ValidTo != 2030 {
		t.Errorf("header %q %q %d–%d", s.Title, s.Version, s.ValidFrom, s.ValidTo)
	}
	if s.Source != (Source{Number: "324/QĐ-KHVN", Date: "2023-10-25", Issuer: "Ban Chấp hành Trung ương Hội Khuyến học Việt Nam"}) {
		t.Errorf("source %+v", s.Source)
	}
	if s.PassRule != (PassRule{MinTotal: 80, MinEach: 5, Prov: ProvSource}) {
		t.Errorf("pass rule %+v", s.PassRule)
	}
	d := s.DigitalSkills
	if !slices.Equal(d.Indicators, []string{"CS05"}) || d.MinScore != 7 || !d.ConfirmationCounts || !d.ProficientSelfSubmitted || d.Prov != ProvAssumed {
		t.Errorf("digital skills %+v", d)
	}
	if !s.Provisional() {
		t.Error("the default set has draft texts but is not provisional")
	}
	var competencies []string
	for _, c := range s.Competencies {
		competencies = append(competencies, c.Code)
		if c.Prov != ProvSource || c.NameEN == "" {
			t.Errorf("competency %+v", c)
		}
	}
	if !slices.Equal(competencies, []string{"NL1", "NL2", "NL3"}) {
		t.Errorf("competencies %v", competencies)
	}
	var groups []string
	for _, g := range s.TargetGroups {
		groups = append(groups, g.Code)
		if g.Prov != ProvSource || g.NameEN == "" || g.MaxTotal() != 100 || len(g.Indicators) != 10 {
			t.Errorf("group %s: prov %s, %d indicators, max total %d", g.Code, g.Prov, len(g.Indicators), g.MaxTotal())
		}
		split := map[string]int{}
		for i, in := range g.Indicators {
			split[in.Competency]++
			if want := "CS" + string(rune('0'+(i+1)/10)) + string(rune('0'+(i+1)%10)); in.Code != want {
				t.Errorf("%s indicator %d has code %s, want %s", g.Code, i, in.Code, want)
			}
			// The official annex texts are not known: every text is from the 2020 draft.
			if in.Max != 10 || in.Prov != ProvDraft || in.TextEN == "" || len(in.Rubric) < 3 || len(in.Evidence) < 2 {
				t.Errorf("%s %s: %+v", g.Code, in.Code, in)
			}
		}
		if split["NL1"] != 4 || split["NL2"] != 4 || split["NL3"] != 2 {
			t.Errorf("%s: indicators per competency %v, want NL1:4 NL2:4 NL3:2", g.Code, split)
		}
	}
	if !slices.Equal(groups, citizenGroups) {
		t.Errorf("groups %v", groups)
	}
}

// TestDefaultSetText keeps the file's Vietnamese in composed form (NFC), as typed on Vietnamese
// keyboards and compared by the database: a decomposed "ế" would not match a search for "ế".
func TestDefaultSetText(t *testing.T) {
	data := DefaultJSON()
	if !utf8.Valid(data) {
		t.Fatal("the default set is not UTF-8")
	}
	for i, r := range string(data) {
		if unicode.Is(unicode.Mn, r) {
			t.Fatalf("combining mark %U at byte %d: the file is not in NFC", r, i)
		}
	}
	// The file is indented as json.MarshalIndent would write it, so a set exported by the
	// software and the shipped one compare line by line.
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.TrimSpace(data), "", "  "); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out.String()) != strings.TrimSpace(string(data)) {
		t.Error("the default set is not indented with two spaces")
	}
	DefaultJSON()[0] = 'x'
	if _, err := Parse(DefaultJSON()); err != nil {
		t.Error("DefaultJSON returns the embedded bytes themselves, not a copy")
	}
}

func TestProvisional(t *testing.T) {
	s := small()
	if s.Provisional() {
		t.Fatal("a set with every value from the source is provisional")
	}
	for name, mark := range map[string]func(s *Set){
		"pass rule":      func(s *Set) { s.PassRule.Prov = ProvAssumed },
		"digital skills": func(s *Set) { s.DigitalSkills.Prov = ProvUnknown },
		"competency":     func(s *Set) { s.Competencies[1].Prov = ProvDraft },
		"target group":   func(s *Set) { s.TargetGroups[1].Prov = ProvAssumed },
		"indicator":      func(s *Set) { s.TargetGroups[1].Indicators[1].Prov = ProvDraft },
	} {
		s := small()
		mark(s)
		if !s.Provisional() {
			t.Errorf("a set with a provisional %s is not provisional", name)
		}
	}
}

func TestGroup(t *testing.T) {
	g, ok := Default().Group("student")
	if !ok || g.NameVI != "Học sinh, sinh viên, học viên" {
		t.Fatalf("student: %v %v", g, ok)
	}
	if g != &Default().TargetGroups[3] {
		t.Error("Group returns a copy")
	}
	if _, ok := Default().Group("Student"); ok {
		t.Error("group codes are matched ignoring case")
	}
}
