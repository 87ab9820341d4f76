// Package i18n holds the message catalogs (Vietnamese first, English second) and picks the
// language of a request. Keys are dotted ("login.failed"); values use {0}, {1} … for arguments.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"hoctap/internal/fault"
)

//go:embed catalog/*.json
var catalogFiles embed.FS

// Languages are the languages with a catalog, the default first.
var Languages = []string{"vi", "en"}

// Catalogs holds every language's messages.
type Catalogs struct {
	messages map[string]map[string]string
	matcher  language.Matcher
}

// Load parses the embedded catalogs. A language's messages are "catalog/<lang>.json" plus any
// "catalog/<area>.<lang>.json", so each part of the product may keep its own file; a key
// defined in two files is an error.
func Load() (*Catalogs, error) {
	c := &Catalogs{messages: map[string]map[string]string{}}
	entries, err := catalogFiles.ReadDir("catalog")
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	var tags []language.Tag
	for _, lang := range Languages {
		m := map[string]string{}
		for _, e := range entries {
			name := e.Name()
			if name != lang+".json" && !strings.HasSuffix(name, "."+lang+".json") {
				continue
			}
			b, err := catalogFiles.ReadFile("catalog/" + name)
			if err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q is defined in another %s catalog file", name, k, lang)
				}
				m[k] = v
			}
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("i18n: no catalog for %s", lang)
		}
		c.messages[lang] = m
		tags = append(tags, language.MustParse(lang))
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// Keys returns the sorted keys of one language, for the completeness test.
func (c *Catalogs) Keys(lang string) []string {
	var out []string
	for k := range c.messages[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has tells whether lang has key.
func (c *Catalogs) Has(lang, key string) bool {
	_, ok := c.messages[lang][key]
	return ok
}

// Match picks the supported language closest to an Accept-Language header; Vietnamese when none.
func (c *Catalogs) Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Languages[0]
	}
	// Vietnamese first: a phone that lists Vietnamese at all — many are set to English by the
	// shop or a grandchild, with Vietnamese added after — gets Vietnamese.
	for _, t := range tags {
		if base, _ := t.Base(); base.String() == "vi" {
			return "vi"
		}
	}
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return Languages[0]
	}
	return Languages[i]
}

// Supported tells whether lang has a catalog.
func (c *Catalogs) Supported(lang string) bool {
	_, ok := c.messages[lang]
	return ok
}

// T translates key into lang with args; a missing key shows itself, so it is noticed.
func (c *Catalogs) T(lang, key string, args ...any) string {
	msg, ok := c.messages[lang][key]
	if !ok {
		msg, ok = c.messages[Languages[0]][key]
		if !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	for i, a := range args {
		v := Format(lang, a)
		if k, ok := a.(fault.Key); ok {
			v = c.T(lang, string(k))
		}
		msg = strings.ReplaceAll(msg, "{"+strconv.Itoa(i)+"}", v)
	}
	return msg
}

// Format writes a value as the language writes it: 1.234.567 in Vietnamese, 1,234,567 in English.
func Format(lang string, v any) string {
	switch n := v.(type) {
	case int:
		return groupDigits(strconv.Itoa(n), lang)
	case int64:
		return groupDigits(strconv.FormatInt(n, 10), lang)
	}
	return fmt.Sprint(v)
}

func groupDigits(s, lang string) string {
	sep := "."
	if lang == "en" {
		sep = ","
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
