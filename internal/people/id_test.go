package people

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var today = time.Date(2026, time.November, 28, 10, 0, 0, 0, time.UTC)

func TestParseNationalID(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    NationalID
		wantErr *IDError
	}{
		{
			name: "1900s male, Hà Nội",
			in:   "001085012345",
			want: NationalID{Number: "001085012345", ProvinceCode: "001", Century: 1900, Gender: GenderMale, BirthYear: 1985, KnownProvince: true},
		},
		{
			name: "1900s female, Hải Phòng",
			in:   "031162000001",
			want: NationalID{Number: "031162000001", ProvinceCode: "031", Century: 1900, Gender: GenderFemale, BirthYear: 1962, KnownProvince: true},
		},
		{
			name: "2000s male, TP HCM",
			in:   "079205999999",
			want: NationalID{Number: "079205999999", ProvinceCode: "079", Century: 2000, Gender: GenderMale, BirthYear: 2005, KnownProvince: true},
		},
		{
			name: "2000s female, Đà Nẵng, year 2000",
			in:   "048300123456",
			want: NationalID{Number: "048300123456", ProvinceCode: "048", Century: 2000, Gender: GenderFemale, BirthYear: 2000, KnownProvince: true},
		},
		{
			name: "born this year",
			in:   "001226000000",
			want: NationalID{Number: "001226000000", ProvinceCode: "001", Century: 2000, Gender: GenderMale, BirthYear: 2026, KnownProvince: true},
		},
		{
			name: "leading and trailing spaces, tab and NBSP",
			in:   " \t\u00a0001190000111  \n",
			want: NationalID{Number: "001190000111", ProvinceCode: "001", Century: 1900, Gender: GenderFemale, BirthYear: 1990, KnownProvince: true},
		},
		{
			name: "unknown province is not an error",
			in:   "003090123456",
			want: NationalID{Number: "003090123456", ProvinceCode: "003", Century: 1900, Gender: GenderMale, BirthYear: 1990, KnownProvince: false},
		},
		{
			name: "abroad-looking prefix 999",
			in:   "999190123456",
			want: NationalID{Number: "999190123456", ProvinceCode: "999", Century: 1900, Gender: GenderFemale, BirthYear: 1990, KnownProvince: false},
		},
		{name: "empty", in: "", wantErr: &IDError{Code: CodeIDEmpty}},
		{name: "only spaces", in: "   ", wantErr: &IDError{Code: CodeIDEmpty}},
		{name: "11 digits", in: "00108501234", wantErr: &IDError{Code: CodeIDLength, Value: "11"}},
		{name: "13 digits", in: "0010850123456", wantErr: &IDError{Code: CodeIDLength, Value: "13"}},
		{name: "9-digit CMND", in: "012345678", wantErr: &IDError{Code: CodeIDLength, Value: "9"}},
		{name: "letter", in: "00108501234O", wantErr: &IDError{Code: CodeIDDigits, Value: "O"}},
		{name: "inner space", in: "001 085012345", wantErr: &IDError{Code: CodeIDDigits, Value: " "}},
		{name: "dashes", in: "001-085-012345", wantErr: &IDError{Code: CodeIDDigits, Value: "-"}},
		{name: "full-width digit", in: "00108501234５", wantErr: &IDError{Code: CodeIDDigits, Value: "５"}},
		{name: "sign", in: "+00108501234", wantErr: &IDError{Code: CodeIDDigits, Value: "+"}},
		{name: "future year next year", in: "001227000000", wantErr: &IDError{Code: CodeIDFutureYear, Value: "2027"}},
		{name: "future year 2099", in: "001399000000", wantErr: &IDError{Code: CodeIDFutureYear, Value: "2099"}},
		{name: "future century 2100s", in: "001400000000", wantErr: &IDError{Code: CodeIDFutureYear, Value: "2100"}},
		{name: "future century 2300s", in: "001999000000", wantErr: &IDError{Code: CodeIDFutureYear, Value: "2399"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNationalID(tt.in, today)
			if tt.wantErr != nil {
				var ie *IDError
				if !errors.As(err, &ie) {
					t.Fatalf("ParseNationalID(%q) error = %v, want *IDError %+v", tt.in, err, tt.wantErr)
				}
				if *ie != *tt.wantErr {
					t.Errorf("ParseNationalID(%q) error = %+v, want %+v", tt.in, *ie, *tt.wantErr)
				}
				if got != (NationalID{}) {
					t.Errorf("ParseNationalID(%q) = %+v with error, want zero value", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseNationalID(%q) error = %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseNationalID(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{name: "none", in: "001085012345", want: nil},
		{name: "unknown province", in: "003085012345", want: []string{WarnIDUnknownProvince}},
		{name: "age 5 this year", in: "001221000000", want: []string{WarnIDAgeUnder6}},
		{name: "age 6 this year", in: "001220000000", want: nil},
		{name: "age 120 this year", in: "001006000000", want: nil},
		{name: "age 121 this year", in: "001005000000", want: []string{WarnIDAgeOver120}},
		{name: "both", in: "003226000000", want: []string{WarnIDUnknownProvince, WarnIDAgeUnder6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ParseNationalID(tt.in, today)
			if err != nil {
				t.Fatal(err)
			}
			if got := Warnings(id, today); !slices.Equal(got, tt.want) {
				t.Errorf("Warnings(%s) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckIDAgainst(t *testing.T) {
	male1985, err := ParseNationalID("001085012345", today)
	if err != nil {
		t.Fatal(err)
	}
	female2003, err := ParseNationalID("001303012345", today)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		id        NationalID
		year      int
		gender    Gender
		wantCodes []string // nil: no error
		wantFirst IDError
	}{
		{name: "match male", id: male1985, year: 1985, gender: GenderMale},
		{name: "match female", id: female2003, year: 2003, gender: GenderFemale},
		{name: "year not entered", id: male1985, year: 0, gender: GenderMale},
		{name: "gender not entered", id: male1985, year: 1985, gender: ""},
		{
			name: "year mismatch", id: male1985, year: 1986, gender: GenderMale,
			wantCodes: []string{CodeIDBirthYearMismatch},
			wantFirst: IDError{Code: CodeIDBirthYearMismatch, Value: "1985", Other: "1986"},
		},
		{
			name: "century mismatch", id: female2003, year: 1903, gender: GenderFemale,
			wantCodes: []string{CodeIDBirthYearMismatch},
			wantFirst: IDError{Code: CodeIDBirthYearMismatch, Value: "2003", Other: "1903"},
		},
		{
			name: "gender mismatch", id: female2003, year: 2003, gender: GenderMale,
			wantCodes: []string{CodeIDGenderMismatch},
			wantFirst: IDError{Code: CodeIDGenderMismatch, Value: "F", Other: "M"},
		},
		{
			name: "invalid gender value", id: male1985, year: 1985, gender: "X",
			wantCodes: []string{CodeIDGenderMismatch},
			wantFirst: IDError{Code: CodeIDGenderMismatch, Value: "M", Other: "X"},
		},
		{
			name: "both mismatch", id: male1985, year: 1990, gender: GenderFemale,
			wantCodes: []string{CodeIDBirthYearMismatch, CodeIDGenderMismatch},
			wantFirst: IDError{Code: CodeIDBirthYearMismatch, Value: "1985", Other: "1990"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckIDAgainst(tt.id, tt.year, tt.gender)
			if tt.wantCodes == nil {
				if err != nil {
					t.Fatalf("CheckIDAgainst = %v, want nil", err)
				}
				return
			}
			var ie *IDError
			if !errors.As(err, &ie) {
				t.Fatalf("CheckIDAgainst = %v, want *IDError", err)
			}
			if *ie != tt.wantFirst {
				t.Errorf("first error = %+v, want %+v", *ie, tt.wantFirst)
			}
			for _, code := range tt.wantCodes {
				if !strings.Contains(err.Error(), code) {
					t.Errorf("error %q does not mention %s", err, code)
				}
			}
			// The message names both values.
			if !strings.Contains(err.Error(), tt.wantFirst.Value) || !strings.Contains(err.Error(), tt.wantFirst.Other) {
				t.Errorf("error %q does not name both %q and %q", err, tt.wantFirst.Value, tt.wantFirst.Other)
			}
		})
	}
}

func TestIDErrorDoesNotLeakNumber(t *testing.T) {
	const number = "001085012345"
	id, err := ParseNationalID(number, today)
	if err != nil {
		t.Fatal(err)
	}
	err = CheckIDAgainst(id, 1999, GenderFemale)
	if strings.Contains(err.Error(), number) {
		t.Errorf("error %q contains the full number", err)
	}
	for _, s := range []string{fmt.Sprint(id), fmt.Sprintf("%v", id), fmt.Sprintf("%+v", id)} {
		if strings.Contains(s, number) {
			t.Errorf("formatted NationalID %q contains the full number", s)
		}
	}
}

func TestIDPrefixRoundTrip(t *testing.T) {
	tests := []struct {
		province string
		year     int
		gender   Gender
		want     string
	}{
		{"001", 1900, GenderMale, "001000"},
		{"001", 1985, GenderFemale, "001185"},
		{"079", 2000, GenderMale, "079200"},
		{"096", 2026, GenderFemale, "096326"},
		{"048", 2199, GenderMale, "048499"},
		{"003", 1970, GenderMale, "003070"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got, err := IDPrefix(tt.province, tt.year, tt.gender)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("IDPrefix(%q, %d, %s) = %q, want %q", tt.province, tt.year, tt.gender, got, tt.want)
			}
			farFuture := time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)
			id, err := ParseNationalID(got+"123456", farFuture)
			if err != nil {
				t.Fatal(err)
			}
			if id.BirthYear != tt.year || id.Gender != tt.gender || id.ProvinceCode != tt.province {
				t.Errorf("round trip = %+v", id)
			}
		})
	}
	for _, bad := range []struct {
		province string
		year     int
		gender   Gender
	}{
		{"01", 1985, GenderMale},
		{"0a1", 1985, GenderMale},
		{"001", 1899, GenderMale},
		{"001", 2400, GenderMale},
		{"001", 1985, ""},
	} {
		if got, err := IDPrefix(bad.province, bad.year, bad.gender); err == nil {
			t.Errorf("IDPrefix(%q, %d, %q) = %q, want error", bad.province, bad.year, bad.gender, got)
		}
	}
}

func TestIsProvinceCode(t *testing.T) {
	n := 0
	for i := range 1000 {
		if IsProvinceCode(fmt.Sprintf("%03d", i)) {
			n++
		}
	}
	// programme-rules §9: the 63 codes of TT 07/2016/TT-BCA.
	if n != 63 {
		t.Errorf("%d province codes, want 63", n)
	}
	for _, c := range []string{"001", "031", "048", "079", "096"} {
		if !IsProvinceCode(c) {
			t.Errorf("IsProvinceCode(%q) = false", c)
		}
	}
	for _, c := range []string{"000", "003", "097", "1", "01", "0001", ""} {
		if IsProvinceCode(c) {
			t.Errorf("IsProvinceCode(%q) = true", c)
		}
	}
}

func TestMaskNationalID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"001085012234", "001******234"},
		{"  001085012234 ", "001******234"},
		{"012345678", "01*****78"},
		{"0010850122345", "001*******345"},
		{"12345", "1***5"},
		{"1234", "1**4"},
		{"123", "***"},
		{"1", "*"},
		{"", ""},
		{"   ", ""},
		{"ĐĐĐĐĐĐĐĐĐĐĐĐ", "ĐĐĐ******ĐĐĐ"},
		{"\xff\xfe", "**"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := MaskNationalID(tt.in); got != tt.want {
				t.Errorf("MaskNationalID(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
