package i18n_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"hoctap/internal/i18n"
)

// TestCatalogsHaveTheSameKeys fails when a key is in one language and not the other.
func TestCatalogsHaveTheSameKeys(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range i18n.Languages {
		for _, b := range i18n.Languages {
			for _, k := range c.Keys(a) {
				if !c.Has(b, k) {
					t.Errorf("key %q is in %s.json but not in %s.json", k, a, b)
				}
			}
		}
	}
}

// keyUses finds the catalog keys the code and templates name literally.
var keyUses = []*regexp.Regexp{
	regexp.MustCompile(`\.T "([a-z0-9_.]+)"`),
	regexp.MustCompile(`(?:fault\.New\([a-zA-Z.]+, |fault\.Field\("[a-z_]+", |es\.Add\("[a-z_]+", |Key: |flash\(w, |renderError\(w, r, [a-zA-Z.]+, |view\.T\(|b\.T\()"([a-z0-9_.]+)"`),
}

// TestEveryUsedKeyExists fails when a template or the Go code names a key missing from a catalog.
func TestEveryUsedKeyExists(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..")
	found := 0
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		if !strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, ".html") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, re := range keyUses {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				key := m[1]
				if strings.HasSuffix(key, ".") { // a prefix completed at run time (role., gender.)
					continue
				}
				found++
				for _, lang := range i18n.Languages {
					if !c.Has(lang, key) {
						t.Errorf("%s uses key %q, missing from %s.json", p, key, lang)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 100 {
		t.Fatalf("only %d key uses found: the scan is broken", found)
	}
}

func TestTranslateAndFormat(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("vi", "home.hello", "Hà"); got != "Xin chào, Hà" {
		t.Errorf("vi: %q", got)
	}
	if got := c.T("en", "home.hello", "Hà"); got != "Hello, Hà" {
		t.Errorf("en: %q", got)
	}
	if got := i18n.Format("vi", 1234567); got != "1.234.567" {
		t.Errorf("vi number: %q", got)
	}
	if got := i18n.Format("en", 1234567); got != "1,234,567" {
		t.Errorf("en number: %q", got)
	}
	for header, want := range map[string]string{"": "vi", "en-US,en;q=0.9": "en", "vi-VN,vi;q=0.9,en;q=0.5": "vi", "fr-FR": "vi",
		"en-US,en;q=0.9,vi;q=0.8": "vi"} {
		if got := c.Match(header); got != want {
			t.Errorf("Accept-Language %q → %s, want %s", header, got, want)
		}
	}
}
