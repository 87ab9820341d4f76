package sheet

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// numFmt is what the reader needs to know about a cell's number format to show a
// number the way a roster means it. It is not a general Excel formatter: rosters use
// General, integers, zero-padded IDs ("000000000000"), fixed decimals and dates.
type numFmt struct {
	kind     fmtKind
	decimals int  // fmtFixed: digits after the point
	minInt   int  // fmtFixed: zero-padded integer width ("000000000000" → 12)
	percent  bool // fmtFixed: value × 100 with "%"
	hasDate  bool // fmtDate: shows a date part
	hasTime  bool // fmtDate: shows a time part
	seconds  bool // fmtDate: shows seconds
}

type fmtKind uint8

const (
	fmtGeneral fmtKind = iota
	fmtFixed
	fmtDate
)

// builtinNumFmt classifies Excel's built-in format ids (ECMA-376 §18.8.30).
func builtinNumFmt(id int) numFmt {
	switch {
	case id == 1:
		return numFmt{kind: fmtFixed, minInt: 1}
	case id == 2:
		return numFmt{kind: fmtFixed, minInt: 1, decimals: 2}
	case id == 3:
		return numFmt{kind: fmtFixed, minInt: 1}
	case id == 4:
		return numFmt{kind: fmtFixed, minInt: 1, decimals: 2}
	case id == 9:
		return numFmt{kind: fmtFixed, minInt: 1, percent: true}
	case id == 10:
		return numFmt{kind: fmtFixed, minInt: 1, decimals: 2, percent: true}
	case id >= 14 && id <= 17, id >= 27 && id <= 31, id >= 34 && id <= 36, id >= 50 && id <= 58:
		// 14 is the locale's short date; Excel in a Vietnamese locale shows it as dd/mm/yyyy.
		return numFmt{kind: fmtDate, hasDate: true}
	case id == 18 || id == 20 || id == 32 || id == 33:
		return numFmt{kind: fmtDate, hasTime: true}
	case id == 19 || id == 21 || id == 45 || id == 46 || id == 47:
		return numFmt{kind: fmtDate, hasTime: true, seconds: true}
	case id == 22:
		return numFmt{kind: fmtDate, hasDate: true, hasTime: true}
	}
	return numFmt{}
}

// parseNumFmt classifies a custom format code such as "dd/mm/yyyy", "000000000000" or "0.00".
// Anything it does not understand is shown as General.
func parseNumFmt(code string) numFmt {
	section, _, _ := strings.Cut(code, ";") // the positive-number section
	var plain strings.Builder
	for i := 0; i < len(section); i++ {
		switch c := section[i]; c {
		case '"': // quoted literal text
			j := strings.IndexByte(section[i+1:], '"')
			if j < 0 {
				i = len(section)
			} else {
				i += j + 1
			}
		case '\\', '_', '*': // escaped char, padding, fill: skip the next char too
			i++
		case '[':
			j := strings.IndexByte(section[i:], ']')
			if j < 0 {
				i = len(section)
				continue
			}
			inner := strings.ToLower(section[i+1 : i+j])
			if inner != "" && strings.Trim(inner, "hms") == "" { // elapsed time [h], [mm], [ss]
				plain.WriteString(inner)
			}
			i += j
		default:
			plain.WriteByte(c)
		}
	}
	p := strings.ToLower(plain.String())
	if p == "general" || p == "" || p == "@" {
		return numFmt{}
	}
	if strings.ContainsAny(p, "ymdhs") && !strings.Contains(p, "e+") && !strings.Contains(p, "e-") {
		f := numFmt{kind: fmtDate}
		f.hasDate = strings.ContainsAny(p, "yd") || (strings.Contains(p, "m") && !strings.ContainsAny(p, "hs"))
		f.hasTime = strings.ContainsAny(p, "hs")
		f.seconds = strings.Contains(p, "s")
		return f
	}
	if strings.ContainsAny(p, "e?/") { // scientific notation and fractions: shown as General
		return numFmt{}
	}
	f := numFmt{kind: fmtFixed, percent: strings.Contains(p, "%")}
	intPart, frac, hasPoint := strings.Cut(p, ".")
	f.minInt = strings.Count(intPart, "0")
	if hasPoint {
		f.decimals = strings.Count(frac, "0") + strings.Count(frac, "#")
	}
	if f.minInt == 0 && f.decimals == 0 && !strings.Contains(p, "#") {
		return numFmt{}
	}
	return f
}

// format renders a stored number v (its text is raw) under f; date1904 selects the
// workbook's date system.
func (f numFmt) format(raw string, v float64, date1904 bool) string {
	switch f.kind {
	case fmtFixed:
		if f.percent {
			v *= 100
		}
		if math.Abs(v) >= 1e15 || math.IsNaN(v) || math.IsInf(v, 0) {
			return generalNumber(raw, v)
		}
		s := strconv.FormatFloat(v, 'f', f.decimals, 64)
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		ip, fp, _ := strings.Cut(s, ".")
		if ip == "0" && f.minInt == 0 {
			ip = ""
		}
		if len(ip) < f.minInt {
			ip = strings.Repeat("0", f.minInt-len(ip)) + ip
		}
		s = ip
		if fp != "" {
			s += "." + fp
		}
		if neg {
			s = "-" + s
		}
		if f.percent {
			s += "%"
		}
		return s
	case fmtDate:
		if date1904 {
			v += serial1904Offset
		}
		if v < 0 || v >= 2958466 { // Excel shows ##### for these
			return generalNumber(raw, v)
		}
		return formatSerial(v, f)
	}
	return generalNumber(raw, v)
}

// serial1904Offset is the number of days between the 1904 and 1900 date systems.
const serial1904Offset = 1462

// generalNumber renders a number as Excel's General format would without a column-width
// limit: integers in full (so a 12-digit ID stays exact), other numbers with at most 15
// significant digits, which hides binary noise such as 0.30000000000000004.
func generalNumber(raw string, v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return raw
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e21 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(v, 'g', 15, 64)
	if g, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "e") {
		return strconv.FormatFloat(g, 'f', -1, 64)
	}
	return s
}

// formatSerial renders a 1900-system serial as dd/mm/yyyy, hh:mm[:ss] or both.
func formatSerial(v float64, f numFmt) string {
	day := int(math.Floor(v))
	secs := int(math.Round((v - float64(day)) * 86400))
	if secs >= 86400 {
		day++
		secs -= 86400
	}
	var parts []string
	if f.hasDate || !f.hasTime {
		d, err := serialToDate(day)
		if err != nil && day != 0 {
			return generalNumber("", v)
		}
		if day == 0 { // Excel shows 00/01/1900 for serial 0, the "zero date"
			d = Date{Year: 1900, Month: 1, Day: 0}
		}
		parts = append(parts, fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year))
	}
	if f.hasTime {
		h, m, s := secs/3600, secs/60%60, secs%60
		if f.seconds {
			parts = append(parts, fmt.Sprintf("%02d:%02d:%02d", h, m, s))
		} else {
			parts = append(parts, fmt.Sprintf("%02d:%02d", h, m))
		}
	}
	return strings.Join(parts, " ")
}
