package sheet

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	today := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    Date
		wantErr string
	}{
		{"15/03/1990", Date{1990, 3, 15}, ""},
		{"5/3/1990", Date{1990, 3, 5}, ""},
		{" 05/03/1990 ", Date{1990, 3, 5}, ""},
		{"15-03-1990", Date{1990, 3, 15}, ""},
		{"15.03.1990", Date{1990, 3, 15}, ""},
		{"1990-03-15", Date{1990, 3, 15}, ""},
		{"1990/03/15", Date{1990, 3, 15}, ""},
		{"1990-03-15T00:00:00Z", Date{1990, 3, 15}, ""},
		{"15/03/1990 00:00:00", Date{1990, 3, 15}, ""},
		{"'15/03/1990", Date{1990, 3, 15}, ""},
		{"1958", Date{Year: 1958}, ""},
		{"1958.0", Date{Year: 1958}, ""},
		{"03/1990", Date{Year: 1990, Month: 3}, ""},
		{"1990-03", Date{Year: 1990, Month: 3}, ""},
		{"5/3/90", Date{1990, 3, 5}, ""},
		{"5/3/05", Date{2005, 3, 5}, ""},
		{"28/11/26", Date{2026, 11, 28}, ""}, // today: not in the future
		{"29/11/26", Date{1926, 11, 29}, ""}, // tomorrow in 2026: must be 1926
		{"29/02/00", Date{2000, 2, 29}, ""},
		{"29/02/96", Date{1996, 2, 29}, ""},
		{"32947", Date{1990, 3, 15}, ""},    // Excel serial
		{"32947.75", Date{1990, 3, 15}, ""}, // serial with a time of day
		{"1", Date{1900, 1, 1}, ""},
		{"59", Date{1900, 2, 28}, ""},
		{"61", Date{1900, 3, 1}, ""},
		{"60", Date{}, KeyDateImpossible}, // Excel's 29/02/1900
		{"80001", Date{}, KeyDateSerial},
		{"0", Date{}, KeyDateSerial},
		{"", Date{}, KeyDateEmpty},
		{"  ", Date{}, KeyDateEmpty},
		{"31/02/1990", Date{}, KeyDateImpossible},
		{"29/02/1991", Date{}, KeyDateImpossible},
		{"0/3/1990", Date{}, KeyDateImpossible},
		{"03/15/1990", Date{}, KeyDateMonth}, // US order is not guessed
		{"15/13/1990", Date{}, KeyDateMonth},
		{"13/1990", Date{}, KeyDateMonth},
		{"29/02/97", Date{}, KeyDateImpossible},
		{"1799", Date{}, KeyDateYear},
		{"15/03/0990", Date{}, KeyDateYear},
		{"ngày 15", Date{}, KeyDateFormat},
		{"15/03-1990", Date{}, KeyDateFormat},
		{"15//1990", Date{}, KeyDateFormat},
		{"1990-3-15-1", Date{}, KeyDateFormat},
		{"-5", Date{}, KeyDateFormat},
		{"1.2.3.4", Date{}, KeyDateFormat},
		{"15/3/199", Date{}, KeyDateFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in, today)
			if k := faultKey(err); k != tt.wantErr {
				t.Fatalf("ParseDate(%q) error %q, want %q", tt.in, k, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseDate(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseSerialDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr string
	}{
		{"9498", Date{1926, 1, 1}, ""}, // a four-digit serial is a date here, not a year
		{"45658", Date{2025, 1, 1}, ""},
		{"32947.5", Date{1990, 3, 15}, ""},
		{"60", Date{}, KeyDateImpossible},
		{"abc", Date{}, KeyDateFormat},
		{"-1", Date{}, KeyDateSerial},
	}
	for _, tt := range tests {
		got, err := ParseSerialDate(tt.in)
		if k := faultKey(err); k != tt.wantErr || got != tt.want {
			t.Errorf("ParseSerialDate(%q) = %+v, %q; want %+v, %q", tt.in, got, k, tt.want, tt.wantErr)
		}
	}
}

func TestDateString(t *testing.T) {
	for d, want := range map[Date]string{
		{1990, 3, 5}: "05/03/1990", {Year: 1958}: "1958", {Year: 1990, Month: 3}: "03/1990", {}: "",
	} {
		if got := d.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", d, got, want)
		}
	}
}

func TestParseNationalIDCell(t *testing.T) {
	tests := []struct {
		in           string
		id           string
		restored, ok bool
	}{
		{"001234567890", "001234567890", false, true},
		{" 001 234 567 890 ", "001234567890", false, true},
		{"001.234.567.890", "001234567890", false, true},
		{"001-234-567-890", "001234567890", false, true},
		{"'001234567890", "001234567890", false, true},
		{"31234567890", "031234567890", true, true},    // Hải Phòng (031) typed as a number
		{"1234567890", "001234567890", true, true},     // Hà Nội (001) typed as a number
		{"1234567890.0", "001234567890", true, true},   // …and exported as text
		{"31234567890.00", "031234567890", true, true}, //
		{"1.23456789012E+11", "123456789012", false, true},
		{"3.1234567890E+10", "031234567890", true, true},
		{"1.23457E+11", "1.23457E+11", false, false}, // rounded: digits lost
		{"1.2345678901E+11", "1.2345678901E+11", false, false},
		{"012345678", "012345678", false, true}, // old 9-digit CMND, left to the caller
		{"", "", false, false},
		{"CCCD 001234567890", "CCCD 001234567890", false, false},
		{"00123456789O", "00123456789O", false, false}, // letter O for zero
		{"12.5", "12.5", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			id, restored, ok := ParseNationalIDCell(tt.in)
			if id != tt.id || restored != tt.restored || ok != tt.ok {
				t.Errorf("ParseNationalIDCell(%q) = %q, %v, %v; want %q, %v, %v", tt.in, id, restored, ok, tt.id, tt.restored, tt.ok)
			}
		})
	}
}
