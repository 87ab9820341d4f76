package people

import (
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func FuzzParseNationalID(f *testing.F) {
	for _, s := range []string{
		"001085012345", "031162000001", " 079205999999 ", "003090123456",
		"", "00108501234", "001 085012345", "001999000000", "00108501234５", "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseNationalID(s, today)
		masked := MaskNationalID(s)
		if utf8.RuneCountInString(masked) != utf8.RuneCountInString(strings.TrimSpace(s)) {
			t.Fatalf("MaskNationalID(%q) = %q changes the length", s, masked)
		}
		if err != nil {
			if _, ok := err.(*IDError); !ok {
				t.Fatalf("error %T %v is not *IDError", err, err)
			}
			if id != (NationalID{}) {
				t.Fatalf("non-zero NationalID %+v with error %v", id, err)
			}
			return
		}
		// Anything accepted is 12 ASCII digits, decodes consistently and
		// is rebuilt by IDPrefix.
		if len(id.Number) != 12 || !allDigits(id.Number) {
			t.Fatalf("accepted %q as %q", s, id.Number)
		}
		if id.BirthYear > today.Year() || id.BirthYear < 1900 {
			t.Fatalf("birth year %d accepted", id.BirthYear)
		}
		if !id.Gender.Valid() || id.KnownProvince != IsProvinceCode(id.ProvinceCode) {
			t.Fatalf("inconsistent %+v", id)
		}
		prefix, err := IDPrefix(id.ProvinceCode, id.BirthYear, id.Gender)
		if err != nil || prefix != id.Number[:6] {
			t.Fatalf("IDPrefix(%+v) = %q, %v", id, prefix, err)
		}
		if err := CheckIDAgainst(id, id.BirthYear, id.Gender); err != nil {
			t.Fatalf("CheckIDAgainst with its own values: %v", err)
		}
		if m := MaskNationalID(id.Number); m[:3] != id.Number[:3] || m[3:9] != "******" || m[9:] != id.Number[9:] {
			t.Fatalf("mask %q shows the middle of %q", m, id.Number)
		}
		_ = Warnings(id, today)
		_ = Warnings(id, time.Time{})
		if id.String() == id.Number {
			t.Fatal("String() shows the number")
		}
		if _, err := strconv.Atoi(id.Number); err != nil {
			t.Fatal(err)
		}
	})
}

// vietnameseLetters is every letter of the Vietnamese alphabet in both cases,
// with the five tone marks.
const vietnameseLetters = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ" +
	"AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆGHIÌÍỈĨỊKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVXYỲÝỶỸỴ"

func FuzzFoldName(f *testing.F) {
	for _, s := range []string{
		"Đặng Văn Đức", "Nguyễn Thị Hằng", norm.NFD.String("Nguyễn Thị Hằng"),
		"  NGUYỄN   THỊ  ", "\u00d0ỗ", "İstanbul", "\u212b", "\xff\xfe", "",
	} {
		f.Add(s)
	}
	letters := []rune(vietnameseLetters)
	f.Fuzz(func(t *testing.T, s string) {
		got := FoldName(s)
		if again := FoldName(got); again != got {
			t.Fatalf("not idempotent: FoldName(%q) = %q, then %q", s, got, again)
		}
		if utf8.ValidString(s) && FoldName(norm.NFC.String(s)) != FoldName(norm.NFD.String(s)) {
			t.Fatalf("NFC and NFD of %q fold differently", s)
		}
		_ = NormalizeName(s)

		// Map the input onto Vietnamese letters and spaces: the fold of
		// that must be ASCII only.
		var b strings.Builder
		for _, r := range s {
			if r%7 == 0 {
				b.WriteByte(' ')
			} else {
				b.WriteRune(letters[int(r)%len(letters)])
			}
		}
		viet := b.String()
		for _, in := range []string{viet, norm.NFD.String(viet)} {
			folded := FoldName(in)
			for i := 0; i < len(folded); i++ {
				if folded[i] >= utf8.RuneSelf {
					t.Fatalf("FoldName(%q) = %q is not ASCII", in, folded)
				}
			}
			if strings.Contains(folded, "  ") || strings.TrimSpace(folded) != folded {
				t.Fatalf("FoldName(%q) = %q has extra spaces", in, folded)
			}
		}
	})
}
