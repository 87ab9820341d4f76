package geomap

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Classes is the number of colour classes of a map.
const Classes = 5

// Palette is the fill of each class, lightest (lowest values) first: ColorBrewer's 5-class
// YlGnBu, a sequential scale that colour-blind readers tell apart and whose lightness falls
// steadily, so it still reads in order when printed in black and white.
var Palette = [Classes]string{"#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"}

// darkClasses are the classes whose fill needs white text.
const darkClasses = 3

// Shade is what a map shows for one unit: a value, or no data. The zero Shade is "no data",
// so a unit missing from the map of shades reads as no data, never as 0.
type Shade struct {
	Value float64
	Known bool   // false: no data (a zero denominator), drawn hatched
	Text  string // the value as the tooltip shows it; "" formats Value with the scale
}

// Value returns the shade of a known value.
func Value(v float64) Shade { return Shade{Value: v, Known: true} }

// NoData returns the shade of a unit with no figure.
func NoData() Shade { return Shade{} }

// Scale cuts values into the five classes.
type Scale struct {
	// Bounds are the six edges of the five classes, ascending: class i holds the values v
	// with Bounds[i] ≤ v < Bounds[i+1]; the last class includes its upper edge. Values
	// beyond the edges fall in the first or last class.
	Bounds [Classes + 1]float64
	// Percent shows values as percentages: 0.452 is "45,2%".
	Percent bool
	// Decimals is the number of decimals shown (of the percentage when Percent).
	Decimals int
}

// PercentScale is the scale of a share: 0–20%, 20–40%, … 80–100%.
func PercentScale() Scale {
	return Scale{Bounds: [Classes + 1]float64{0, 0.2, 0.4, 0.6, 0.8, 1}, Percent: true}
}

// EqualScale cuts [lo, hi] into five classes of equal width.
func EqualScale(lo, hi float64, percent bool, decimals int) Scale {
	s := Scale{Percent: percent, Decimals: decimals}
	for i := range s.Bounds {
		s.Bounds[i] = lo + (hi-lo)*float64(i)/Classes
	}
	return s
}

// QuantileScale cuts the known values of shades into five classes holding about as many
// units each (edges at the 20th, 40th … percentiles), for measures with no natural range.
// With no known value it is [PercentScale].
func QuantileScale(shades map[string]Shade, percent bool, decimals int) Scale {
	var vs []float64
	for _, s := range shades {
		if s.Known && !math.IsNaN(s.Value) {
			vs = append(vs, s.Value)
		}
	}
	if len(vs) == 0 {
		return PercentScale()
	}
	slices.Sort(vs)
	s := Scale{Percent: percent, Decimals: decimals}
	for i := range s.Bounds {
		s.Bounds[i] = vs[int(math.Round(float64(i)/Classes*float64(len(vs)-1)))]
	}
	return s
}

// Class returns the class of v, 0 to 4.
func (s Scale) Class(v float64) int {
	for i := 1; i < Classes; i++ {
		if v < s.Bounds[i] {
			return i - 1
		}
	}
	return Classes - 1
}

// Format writes v as the scale shows it, in the language's way: "45,2%" in Vietnamese,
// "45.2%" in English, thousands grouped with "." or ",".
func (s Scale) Format(lang string, v float64) string {
	if s.Percent {
		return FormatNumber(lang, v*100, s.Decimals) + "%"
	}
	return FormatNumber(lang, v, s.Decimals)
}

// FormatNumber writes v with the given decimals, Vietnamese style (1.234,5) unless lang is
// "en" (1,234.5). Trailing zero decimals are kept, so a legend's numbers line up.
func FormatNumber(lang string, v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	group, point := ".", ","
	if lang == "en" {
		group, point = ",", "."
	}
	s := strconv.FormatFloat(v, 'f', max(decimals, 0), 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point)
		b.WriteString(frac)
	}
	return b.String()
}
