package i18n

import (
	"math"
	"strconv"
	"strings"
)

// FormatDecimal writes v rounded to the given number of decimals (halves away from zero) as
// the language writes it: 1.234,5 in Vietnamese (decimal comma, thousands dot), 1,234.5 in
// English. A value that rounds to zero is written without a minus sign; NaN and infinities
// as "–".
func FormatDecimal(lang string, v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	decimals = max(decimals, 0)
	// Halves round away from zero, as people round by hand (40,25 → 40,3), not to even.
	if p := math.Pow10(decimals); math.Abs(v*p) < 1e15 {
		v = math.Round(v*p) / p
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if strings.Trim(s, "0.") == "" {
		neg = false // "-0.0" is zero
	}
	whole, frac, _ := strings.Cut(s, ".")
	out := groupDigits(whole, lang)
	if frac != "" {
		if lang == "en" {
			out += "." + frac
		} else {
			out += "," + frac
		}
	}
	if neg {
		return "-" + out
	}
	return out
}

// FormatPercent writes a percentage (0–100) with one decimal, dropping a zero decimal:
// "40,5%" and "40%" in Vietnamese, "40.5%" and "40%" in English.
func FormatPercent(lang string, v float64) string {
	s := FormatDecimal(lang, v, 1)
	s = strings.TrimSuffix(strings.TrimSuffix(s, ",0"), ".0")
	if s == "–" {
		return s
	}
	return s + "%"
}
