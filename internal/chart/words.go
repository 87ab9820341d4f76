package chart

import (
	"strconv"
	"sync"

	"hoctap/internal/i18n"
)

// catalogs are the embedded message catalogs, parsed once (about 6 ms) on the first chart and
// never changed after: the charts' few words ("Chỉ tiêu", "Dự báo", "không có số liệu") are
// in catalog/chart.<lang>.json like every other text of the product.
var catalogs = sync.OnceValues(i18n.Load)

// words translates the chart's own texts into one language.
type words struct {
	lang string
	c    *i18n.Catalogs
}

func wordsFor(lang string) words {
	if lang != "en" {
		lang = "vi"
	}
	c, err := catalogs()
	if err != nil {
		c = nil // the catalogs are embedded and tested; a broken build shows the keys
	}
	return words{lang: lang, c: c}
}

// T translates key; arguments are strings already formatted for the language.
func (w words) T(key string, args ...string) string {
	if w.c == nil {
		return key
	}
	a := make([]any, len(args))
	for i, s := range args {
		a[i] = s
	}
	return w.c.T(w.lang, key, a...)
}

// pct writes a percentage in the language: "40,5%" or "40.5%".
func (w words) pct(v float64) string { return i18n.FormatPercent(w.lang, v) }

// count writes a whole number in the language: "1.234" or "1,234".
func (w words) count(n int64) string { return i18n.Format(w.lang, n) }

// year writes a year without a thousands separator.
func year(y int) string { return strconv.Itoa(y) }
