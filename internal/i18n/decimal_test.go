package i18n_test

import (
	"math"
	"testing"

	"hoctap/internal/i18n"
)

func TestFormatDecimalAndPercent(t *testing.T) {
	cases := []struct {
		lang     string
		v        float64
		decimals int
		want     string
		percent  string
	}{
		{"vi", 40.5, 1, "40,5", "40,5%"},
		{"en", 40.5, 1, "40.5", "40.5%"},
		{"vi", 40, 1, "40,0", "40%"},
		{"en", 100, 1, "100.0", "100%"},
		{"vi", 1234567.25, 2, "1.234.567,25", "1.234.567,3%"},
		{"en", 1234567.25, 2, "1,234,567.25", "1,234,567.3%"},
		{"vi", -4.26, 1, "-4,3", "-4,3%"},
		{"vi", -0.04, 1, "0,0", "0%"},
		{"en", 0.05, 0, "0", "0.1%"},
		{"vi", 999.96, 1, "1.000,0", "1.000%"},
		{"vi", math.NaN(), 1, "–", "–"},
	}
	for _, c := range cases {
		if got := i18n.FormatDecimal(c.lang, c.v, c.decimals); got != c.want {
			t.Errorf("FormatDecimal(%s, %v, %d) = %q, want %q", c.lang, c.v, c.decimals, got, c.want)
		}
		if got := i18n.FormatPercent(c.lang, c.v); got != c.percent {
			t.Errorf("FormatPercent(%s, %v) = %q, want %q", c.lang, c.v, got, c.percent)
		}
	}
}
