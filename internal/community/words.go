package community

import "strings"

var digitWords = [10]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// NumberWords reads a whole number in Vietnamese words as it is written on receipts and
// invoices in the North: 105 is "một trăm lẻ năm", 21 "hai mươi mốt", 15 "mười lăm", 24 "hai
// mươi tư", 1.000.000 "một triệu", 2.005.000 "hai triệu không trăm lẻ năm nghìn". A group of
// three digits after the first is read whole ("không trăm …"); a group of zeros is left out.
// Thousands of billions read "nghìn tỷ". A negative number starts with "âm".
func NumberWords(n int64) string {
	if n == 0 {
		return digitWords[0]
	}
	if n < 0 {
		return "âm " + joinWords(words(uint64(-(n+1))+1, false)) // -(n+1) fits even for the smallest int64
	}
	return joinWords(words(uint64(n), false))
}

func joinWords(s string) string { return strings.Join(strings.Fields(s), " ") }

// words reads n > 0; full says that higher digits were read before it, so that a leading group
// is read whole ("không trăm lẻ năm").
func words(n uint64, full bool) string {
	const billion = 1_000_000_000
	if n >= billion {
		high, rest := n/billion, n%billion
		s := words(high, full) + " tỷ"
		if rest > 0 {
			s += " " + groupsWords(rest, true)
		}
		return s
	}
	return groupsWords(n, full)
}

// groupsWords reads 0 < n < 10⁹ as up to three groups: triệu, nghìn and units.
func groupsWords(n uint64, full bool) string {
	names := []string{" triệu", " nghìn", ""}
	groups := []uint64{n / 1_000_000, n / 1000 % 1000, n % 1000}
	var parts []string
	for i, g := range groups {
		if g == 0 {
			continue
		}
		parts = append(parts, groupWords(int(g), full)+names[i])
		full = true
	}
	return strings.Join(parts, " ")
}

// groupWords reads 0 < g < 1000; full reads the hundreds even when they are zero.
func groupWords(g int, full bool) string {
	h, t, u := g/100, g/10%10, g%10
	var parts []string
	if h > 0 || full {
		parts = append(parts, digitWords[h], "trăm")
	}
	switch {
	case t == 0 && u > 0 && (h > 0 || full):
		parts = append(parts, "lẻ") // "linh" in the South
	case t == 1:
		parts = append(parts, "mười")
	case t > 1:
		parts = append(parts, digitWords[t], "mươi")
	}
	if u > 0 {
		switch {
		case u == 1 && t > 1:
			parts = append(parts, "mốt") // hai mươi mốt; but mười một
		case u == 4 && t > 1:
			parts = append(parts, "tư") // hai mươi tư; but mười bốn
		case u == 5 && t > 0:
			parts = append(parts, "lăm") // mười lăm, hai mươi lăm; but một trăm lẻ năm
		default:
			parts = append(parts, digitWords[u])
		}
	}
	return strings.Join(parts, " ")
}

// MoneyWords reads an amount of đồng as a receipt writes it: the first letter capital, then
// "đồng". 1.250.000 is "Một triệu hai trăm năm mươi nghìn đồng".
func MoneyWords(dong int64) string {
	s := NumberWords(dong) + " đồng"
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
