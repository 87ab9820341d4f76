package sheet

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"hoctap/internal/fault"
)

// Date is a calendar date as rosters give it. Month and Day are 0 when the list gives
// only the year ("Năm sinh: 1958"), Day is 0 when it gives only month and year.
type Date struct {
	Year, Month, Day int
}

// IsZero reports whether d holds no date at all.
func (d Date) IsZero() bool { return d == Date{} }

// Full reports whether d has a day, a month and a year.
func (d Date) Full() bool { return d.Year != 0 && d.Month != 0 && d.Day != 0 }

// String returns d as Vietnamese write it: "15/03/1990", "03/1990", "1990", or "".
func (d Date) String() string {
	switch {
	case d.IsZero():
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%02d/%04d", d.Month, d.Year)
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

// Time returns a full date as midnight UTC; a partial date gives the zero time.
func (d Date) Time() time.Time {
	if !d.Full() {
		return time.Time{}
	}
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
}

// Date parse error keys, one per thing the user has to fix.
const (
	// KeyDateEmpty: the cell is blank.
	KeyDateEmpty = "sheet.date.empty"
	// KeyDateFormat: not a date in any form the reader knows.
	KeyDateFormat = "sheet.date.format"
	// KeyDateMonth: the month is not 1–12 (often a month/day swap: 03/15/1990).
	KeyDateMonth = "sheet.date.month"
	// KeyDateImpossible: the day does not exist in that month (31/02/1990, 29/02/1991).
	KeyDateImpossible = "sheet.date.impossible"
	// KeyDateYear: the year is outside 1800–2199.
	KeyDateYear = "sheet.date.year"
	// KeyDateSerial: a number outside the range of plausible Excel date serials.
	KeyDateSerial = "sheet.date.serial"
)

// Plausible ranges. Why 80,000: serial 80,000 is 2119-01-10; anything larger in a date
// column is some other number, not a date.
const (
	minYear, maxYear = 1800, 2199
	maxSerial        = 80000
)

func dateErr(key, s string) error { return fault.New(fault.Invalid, key, s) }

// ParseDate reads a date as officials type it: dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy,
// dd.mm.yyyy, d/m/yy, mm/yyyy, yyyy alone, yyyy-mm-dd (an ISO time after the date is
// ignored), or an Excel serial number (1900 date system). A two-digit year becomes 20yy
// unless that date is after today, then 19yy. A four-digit number is a year, because
// rosters have "Năm sinh" columns; use ParseSerialDate for the raw value of a date cell.
// Errors are *fault.Error with one of the ErrDate… keys and the text as argument.
func ParseDate(s string, today time.Time) (Date, error) {
	t := strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	t = strings.TrimPrefix(t, "'") // Excel's "store as text" marker, kept by some exports
	if t == "" {
		return Date{}, dateErr(KeyDateEmpty, s)
	}
	t = stripTime(t)
	if isNumber(t) {
		ip, fp, _ := strings.Cut(t, ".")
		if len(ip) == 4 && strings.Trim(fp, "0") == "" {
			y, _ := strconv.Atoi(ip)
			if y < minYear || y > maxYear {
				return Date{}, dateErr(KeyDateYear, s)
			}
			return Date{Year: y}, nil
		}
		return parseSerial(t, s)
	}
	sep := byte(0)
	for _, c := range []byte("/-.") {
		if strings.IndexByte(t, c) >= 0 {
			sep = c
			break
		}
	}
	if sep == 0 {
		return Date{}, dateErr(KeyDateFormat, s)
	}
	parts := strings.Split(t, string(sep))
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return Date{}, dateErr(KeyDateFormat, s)
		}
	}
	num := func(i int) int { n, _ := strconv.Atoi(parts[i]); return n }
	var d Date
	switch {
	case len(parts) == 3 && len(parts[0]) == 4 && len(parts[1]) <= 2 && len(parts[2]) <= 2:
		d = Date{Year: num(0), Month: num(1), Day: num(2)}
	case len(parts) == 3 && len(parts[0]) <= 2 && len(parts[1]) <= 2 && len(parts[2]) == 4:
		d = Date{Year: num(2), Month: num(1), Day: num(0)}
	case len(parts) == 3 && len(parts[0]) <= 2 && len(parts[1]) <= 2 && len(parts[2]) == 2:
		d = Date{Year: 2000 + num(2), Month: num(1), Day: num(0)}
		if laterThan(d, today) {
			d.Year -= 100
		}
	case len(parts) == 2 && len(parts[0]) <= 2 && len(parts[1]) == 4:
		d = Date{Year: num(1), Month: num(0)}
	case len(parts) == 2 && len(parts[0]) == 4 && len(parts[1]) <= 2:
		d = Date{Year: num(0), Month: num(1)}
	default:
		return Date{}, dateErr(KeyDateFormat, s)
	}
	if len(parts) == 3 && d.Day == 0 {
		return Date{}, dateErr(KeyDateImpossible, s) // "0/3/1990"
	}
	if err := checkDate(d, s); err != nil {
		return Date{}, err
	}
	return d, nil
}

// laterThan reports whether d is after today; for a date that does not exist (its
// error is reported later) only the year is compared, so the message shows the likely year.
func laterThan(d Date, today time.Time) bool {
	if d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= daysIn(d.Month, d.Year) {
		return d.Time().After(today)
	}
	return d.Year > today.Year()
}

func checkDate(d Date, s string) error {
	switch {
	case d.Year < minYear || d.Year > maxYear:
		return dateErr(KeyDateYear, s)
	case d.Month < 1 || d.Month > 12:
		return dateErr(KeyDateMonth, s)
	case d.Day != 0 && (d.Day < 1 || d.Day > daysIn(d.Month, d.Year)):
		return dateErr(KeyDateImpossible, s)
	}
	return nil
}

func daysIn(month, year int) int {
	if month < 1 || month > 12 {
		return 0
	}
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// stripTime drops a time of day after a date: "15/03/1990 00:00:00", "1990-03-15T00:00:00Z".
func stripTime(t string) string {
	i := strings.IndexAny(t, " T")
	if i <= 0 {
		return t
	}
	rest := strings.TrimSpace(t[i+1:])
	if rest == "" || strings.IndexByte(rest, ':') < 0 ||
		strings.Trim(rest, "0123456789:.Z+- AaPpMm") != "" {
		return t
	}
	return strings.TrimSpace(t[:i])
}

func isNumber(t string) bool {
	ip, fp, _ := strings.Cut(t, ".")
	return ip != "" && strings.Trim(ip, "0123456789") == "" && strings.Trim(fp, "0123456789") == "" &&
		strings.Count(t, ".") <= 1
}

// ParseSerialDate reads an Excel serial date (the raw value of a date cell, Row.Raw),
// 1900 date system; any fraction (the time of day) is dropped.
func ParseSerialDate(raw string) (Date, error) {
	return parseSerial(strings.TrimSpace(raw), raw)
}

func parseSerial(t, s string) (Date, error) {
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) {
		return Date{}, dateErr(KeyDateFormat, s)
	}
	if v < 1 || v >= maxSerial+1 {
		return Date{}, dateErr(KeyDateSerial, s)
	}
	d, err := serialToDate(int(math.Floor(v)))
	if err != nil {
		return Date{}, dateErr(KeyDateImpossible, s)
	}
	return d, nil
}

// errSerial1900Feb29 marks serial 60, which Excel shows as 29/02/1900: a day that never
// existed, kept by Excel for compatibility with Lotus 1-2-3.
var errSerial1900Feb29 = fmt.Errorf("serial 60 is the non-existent 29/02/1900")

// serialToDate converts a whole 1900-system serial to a date.
func serialToDate(n int) (Date, error) {
	if n == 60 {
		return Date{}, errSerial1900Feb29
	}
	if n < 1 || n > 2958465 {
		return Date{}, fmt.Errorf("serial %d out of range", n)
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if n < 60 {
		base = base.AddDate(0, 0, 1) // before the fictitious 29/02/1900 the count is one higher
	}
	t := base.AddDate(0, 0, n)
	return Date{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}, nil
}

// ParseNationalIDCell cleans an ID number as it comes out of a spreadsheet cell: it strips
// spaces, dots, dashes and apostrophes, a trailing ".0" (a number cell exported as text),
// and exact scientific notation ("1.23456789012E+11"). ok is false when the cell is empty,
// holds other characters, or holds rounded scientific notation ("1.23457E+11": the
// digits are lost and must be typed again). A number that lost its leading zeros because
// the cell was a number is restored to 12 digits (restored is true, and the caller
// should warn): 11 digits get one zero, and 10 digits get two, because every Hà Nội ID
// starts with the province code 001 (TT 07/2016/TT-BCA), so a Hà Nội ID typed as a number
// shows 10 digits. Other lengths are returned as they are, for the caller to validate
// (9 digits is the old CMND).
func ParseNationalIDCell(s string) (id string, restored bool, ok bool) {
	t := strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	t = strings.Trim(t, "'’‘`\"")
	t = strings.TrimSpace(t)
	if t == "" {
		return "", false, false
	}
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		digits, exact := expandScientific(t[:i], t[i+1:])
		if !exact {
			return t, false, false
		}
		t = digits
	}
	if ip, fp, found := strings.Cut(t, "."); found && strings.Count(t, ".") == 1 && len(fp) != 3 {
		// One dot not followed by a group of three digits is a decimal point.
		if strings.Trim(fp, "0") != "" {
			return t, false, false // "1234567890.5" is no ID
		}
		t = ip // "1234567890.0": a number cell exported as text
	}
	var b strings.Builder
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '\'' || r == '\t' || r == '\u2009' || r == '\u202f':
		default:
			return t, false, false
		}
	}
	id = b.String()
	switch len(id) {
	case 0:
		return t, false, false
	case 11:
		return "0" + id, true, true
	case 10:
		return "00" + id, true, true
	}
	return id, false, true
}

// expandScientific turns mantissa and exponent ("1.23456789012", "+11") into the integer's
// digits when no digit is invented: the mantissa must carry exactly as many decimals as
// the exponent shifts.
func expandScientific(mant, exp string) (string, bool) {
	e, err := strconv.Atoi(strings.TrimPrefix(exp, "+"))
	if err != nil || e < 0 || e > 20 {
		return "", false
	}
	ip, fp, _ := strings.Cut(mant, ".")
	if ip == "" || strings.Trim(ip, "0123456789") != "" || strings.Trim(fp, "0123456789") != "" {
		return "", false
	}
	if len(fp) != e {
		return "", false
	}
	return ip + fp, true
}
