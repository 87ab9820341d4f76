package auth

import (
	"strings"
	"unicode"
)

// LoginKind says which identifier a user typed to sign in.
type LoginKind string

// The three identifiers a user may sign in with (issue: phone, email or 12-digit ID).
const (
	LoginPhone      LoginKind = "phone"
	LoginEmail      LoginKind = "email"
	LoginNationalID LoginKind = "national_id"
)

// MaxLoginLen bounds what the login field accepts.
const MaxLoginLen = 254

// ParseLogin recognises and normalises a login identifier: an email (lower-cased), a
// 12-digit personal ID, or a Vietnamese mobile number (0xxxxxxxxx, +84 or 84 prefix accepted,
// spaces, dots and dashes ignored). ok is false when it is none of these.
func ParseLogin(s string) (kind LoginKind, normalized string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxLoginLen {
		return "", "", false
	}
	if strings.Contains(s, "@") {
		at := strings.LastIndex(s, "@")
		if at < 1 || at == len(s)-1 || strings.ContainsAny(s, " \t") || !strings.Contains(s[at:], ".") {
			return "", "", false
		}
		return LoginEmail, strings.ToLower(s), true
	}
	var digits strings.Builder
	for i, r := range s {
		switch {
		case unicode.IsDigit(r) && r < 128:
			digits.WriteRune(r)
		case r == '+' && i == 0, r == ' ', r == '.', r == '-':
		default:
			return "", "", false
		}
	}
	d := digits.String()
	plus := strings.HasPrefix(s, "+")
	switch {
	case len(d) == 12 && !plus:
		return LoginNationalID, d, true
	case len(d) == 10 && d[0] == '0' && !plus:
		return LoginPhone, d, true
	case len(d) == 11 && strings.HasPrefix(d, "84"):
		return LoginPhone, "0" + d[2:], true
	}
	return "", "", false
}
