package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hoctap/internal/criteria"
)

// writeFile writes data to a file of a temporary directory and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCriteriaValidateCommand(t *testing.T) {
	good := writeFile(t, "good.json", criteria.DefaultJSON())
	code, out, stderr := run(t, "", "criteria", "validate", good)
	if code != 0 || !strings.Contains(out, good+": valid — Bộ tiêu chí đánh giá, công nhận danh hiệu Công dân học tập, version 2023.1, 4 target groups, 40 indicators\n") {
		t.Fatalf("good file: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if !strings.Contains(out, "provisional") {
		t.Errorf("the default set's draft texts are not mentioned: %q", out)
	}

	// A copy of the default set with five mistakes, one of them an unknown field.
	set, err := criteria.Parse(criteria.DefaultJSON())
	if err != nil {
		t.Fatal(err)
	}
	set.Title = ""
	set.PassRule.Prov = ""
	set.TargetGroups[1].Code = "resident"
	set.TargetGroups[2].Indicators[3].Max = 0
	b, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = []byte(strings.Replace(string(b), `"valid_to": 2030,`, `"valid_to": 2030, "valid_until": 2030,`, 1))
	broken := writeFile(t, "broken.json", b)
	code, out, stderr = run(t, "", "criteria", "validate", broken)
	if code != 1 || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Fatalf("broken file: exit %d, stderr %q, want 1 and a one-line error", code, stderr)
	}
	paths := []string{"valid_until", "title", "target_groups[1].code", "target_groups[2].indicators[3].max", "pass_rule.prov"}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(paths) {
		t.Errorf("%d lines for %d problems:\n%s", len(lines), len(paths), out)
	}
	for _, p := range paths {
		if !strings.Contains(out, broken+": "+p+": ") {
			t.Errorf("problem at %s not reported:\n%s", p, out)
		}
	}
	for _, line := range lines {
		// Each message in Vietnamese and English, translated (a missing catalog key shows itself).
		if !strings.Contains(line, " / ") || strings.Contains(line, "criteria.") {
			t.Errorf("untranslated problem: %s", line)
		}
	}

	syntax := writeFile(t, "syntax.json", []byte("{\n  \"format\": 1,,\n}"))
	code, out, _ = run(t, "", "criteria", "validate", syntax)
	if code != 1 || !strings.HasPrefix(out, syntax+": ") || !strings.Contains(out, "line 2, column 15") || strings.Count(out, "\n") != 1 {
		t.Errorf("syntax error: exit %d, stdout %q", code, out)
	}

	if code, _, stderr := run(t, "", "criteria", "validate", filepath.Join(t.TempDir(), "none.json")); code != 1 || !strings.Contains(stderr, "none.json") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
}

func TestCriteriaDefaultCommand(t *testing.T) {
	code, out, stderr := run(t, "", "criteria", "default")
	if code != 0 || out != string(criteria.DefaultJSON()) {
		t.Fatalf("exit %d, stderr %q, %d bytes written", code, stderr, len(out))
	}
	if code, _, stderr := run(t, "", "criteria"); code == 0 || !strings.Contains(stderr, "usage") {
		t.Errorf("no subcommand: exit %d, stderr %q", code, stderr)
	}
}
