package geomap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"hoctap/internal/adminunit"
	"hoctap/internal/fault"
	"hoctap/internal/people"
)

// MaxFileBytes bounds a boundary file read by [ParseBoundaries]. The pages accept less.
const MaxFileBytes = 32 << 20

// MatchedFeature is a feature of an uploaded file and the unit it was matched to.
type MatchedFeature struct {
	Index int    // position in the file's features, from 1
	Name  string // the feature's own name property, "" if none
	Code  string // the feature's own code property, "" if none
	By    string // "code" or "name"
	Unit  adminunit.Unit
}

// FeatureProblem is a feature that was not matched, and why.
type FeatureProblem struct {
	Index  int    // position in the file's features, from 1
	Name   string // the feature's name property, "" if none
	Code   string // the feature's code property, "" if none
	Reason *fault.Error
}

// MatchReport says how the features of a file matched the units.
type MatchReport struct {
	Features  int              // features in the file
	Matched   []MatchedFeature // in file order
	Unmatched []FeatureProblem // in file order
	Missing   []adminunit.Unit // units no feature matched, in the order given
}

// Complete tells whether every feature matched a unit and every unit has a feature.
func (r MatchReport) Complete() bool { return len(r.Unmatched) == 0 && len(r.Missing) == 0 }

// codeKeys and nameKeys are the properties read for a feature's code and name, in order of
// preference, compared in lower case without "_", "-" or spaces ("MA_XA" is "maxa").
var (
	codeKeys = []string{"code", "communecode", "maxa", "madvhc", "ma", "id"}
	nameKeys = []string{"name", "communename", "tenxa", "tendvhc", "ten"}
)

// typeWords are the unit types a name may start with, folded; "Phường Ba Đình" matches the
// unit whose short name is "Ba Đình" when no full name matches.
var typeWords = []string{"thanh pho ", "thi tran ", "thi xa ", "dac khu ", "phuong ", "xa ", "quan ", "huyen "}

// boundaryMargin widens the box of the embedded district polygons into the box an uploaded
// file's coordinates must lie in: about 11 km, for boundaries drawn a little differently.
const boundaryMargin = 0.1

// ParseBoundaries reads a GeoJSON FeatureCollection of polygons and matches its features to
// units: by a code property (code, commune_code, ma_xa, id, or the feature's id; a code that
// lost its leading zeros is padded) or, for a feature with no code, by its name folded without
// accents (with or without the type: "Phuong Ba Dinh" or "Ba Dinh"). Only Polygon and
// MultiPolygon geometries in WGS84 degrees inside a box around the city are accepted. Several
// features of one unit are drawn together.
//
// The report lists every feature that did not match, with the reason, and every unit with no
// feature. The layer holds the matched units, in the order of units.
//
// Errors (fault.Invalid): the file is not JSON (with line and column), not a
// FeatureCollection, declares another coordinate system, has no features, or matches no unit.
func ParseBoundaries(r io.Reader, units []adminunit.Unit) (*Layer, MatchReport, error) {
	var rep MatchReport
	b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, rep, fmt.Errorf("geomap: read boundaries: %w", err)
	}
	if len(b) > MaxFileBytes {
		return nil, rep, fault.New(fault.Invalid, "geomap.file.too_large", MaxFileBytes>>20)
	}
	districts, err := Districts()
	if err != nil {
		return nil, rep, err
	}
	feats, err := decodeCollection(b)
	if err != nil {
		return nil, rep, err
	}
	rep.Features = len(feats)
	box := districts.box.grow(boundaryMargin)
	ix := newUnitIndex(units)

	polys := map[string][]Polygon{}
	for i, f := range feats {
		code, name := f.code(), f.name()
		problem := func(reason *fault.Error) {
			rep.Unmatched = append(rep.Unmatched, FeatureProblem{Index: i + 1, Name: name, Code: code, Reason: reason})
		}
		if f.Type != "Feature" {
			t := f.Type
			if t == "" {
				t = "—"
			}
			problem(fault.New(fault.Invalid, "geomap.feature.type", t))
			continue
		}
		pgs, perr := f.polygons(box)
		if perr != nil {
			problem(perr)
			continue
		}
		var u adminunit.Unit
		var by string
		switch {
		case code != "":
			c := ix.padCode(code)
			var ok bool
			if u, ok = ix.byCode[c]; !ok {
				if n, ok := ix.byName(name); ok && name != "" {
					problem(fault.New(fault.Invalid, "geomap.feature.unknown_code_named", code, n.Name, n.Code))
				} else {
					problem(fault.New(fault.Invalid, "geomap.feature.unknown_code", code))
				}
				continue
			}
			by = "code"
		case name != "":
			n, amb := ix.lookupName(name)
			switch {
			case len(amb) > 1:
				problem(fault.New(fault.Invalid, "geomap.feature.ambiguous_name", name, strings.Join(amb, ", ")))
				continue
			case n == nil:
				problem(fault.New(fault.Invalid, "geomap.feature.unknown_name", name))
				continue
			}
			u, by = *n, "name"
		default:
			problem(fault.New(fault.Invalid, "geomap.feature.no_key"))
			continue
		}
		polys[u.Code] = append(polys[u.Code], pgs...)
		rep.Matched = append(rep.Matched, MatchedFeature{Index: i + 1, Name: name, Code: code, By: by, Unit: u})
	}
	var shapes []Shape
	for _, u := range units {
		pgs, ok := polys[u.Code]
		if !ok {
			rep.Missing = append(rep.Missing, u)
			continue
		}
		shapes = append(shapes, Shape{Code: u.Code, Name: u.Name, Label: u.ShortName, Polygons: pgs})
	}
	if len(shapes) == 0 {
		return nil, rep, fault.New(fault.Invalid, "geomap.file.no_match", len(feats), len(units))
	}
	era := units[0].Era
	return newLayer(KindBoundaries, era, shapes, nil, math.NaN()), rep, nil
}

// unitIndex finds units by code and by folded name.
type unitIndex struct {
	byCode    map[string]adminunit.Unit
	byFull    map[string][]adminunit.Unit // folded full name
	byShort   map[string][]adminunit.Unit // folded short name
	codeWidth int                         // the units' code length, when they all share one
}

func newUnitIndex(units []adminunit.Unit) unitIndex {
	ix := unitIndex{byCode: map[string]adminunit.Unit{}, byFull: map[string][]adminunit.Unit{}, byShort: map[string][]adminunit.Unit{}}
	for i, u := range units {
		ix.byCode[u.Code] = u
		ix.byFull[people.FoldName(u.Name)] = append(ix.byFull[people.FoldName(u.Name)], u)
		ix.byShort[people.FoldName(u.ShortName)] = append(ix.byShort[people.FoldName(u.ShortName)], u)
		switch {
		case i == 0:
			ix.codeWidth = len(u.Code)
		case len(u.Code) != ix.codeWidth:
			ix.codeWidth = 0
		}
	}
	return ix
}

// padCode restores the leading zeros a code lost in a spreadsheet or as a JSON number.
func (ix unitIndex) padCode(c string) string {
	if ix.codeWidth > len(c) && strings.Trim(c, "0123456789") == "" {
		return strings.Repeat("0", ix.codeWidth-len(c)) + c
	}
	return c
}

// lookupName returns the one unit a name denotes, or the names of all it could denote.
func (ix unitIndex) lookupName(name string) (*adminunit.Unit, []string) {
	f := people.FoldName(name)
	cands := ix.byFull[f]
	if len(cands) == 0 {
		short := f
		for _, w := range typeWords {
			if strings.HasPrefix(f, w) {
				short = strings.TrimPrefix(f, w)
				break
			}
		}
		cands = ix.byShort[short]
		if len(cands) == 0 && short != f {
			cands = ix.byShort[f] // a place whose own name starts like a type ("Xã Đàn")
		}
	}
	switch len(cands) {
	case 0:
		return nil, nil
	case 1:
		return &cands[0], nil
	}
	var names []string
	for _, u := range cands {
		names = append(names, u.Name+" ("+u.Code+")")
	}
	return nil, names
}

// byName returns the unit a name denotes, if exactly one.
func (ix unitIndex) byName(name string) (adminunit.Unit, bool) {
	u, _ := ix.lookupName(name)
	if u == nil {
		return adminunit.Unit{}, false
	}
	return *u, true
}

// rawFeature is a GeoJSON feature as read, before its geometry is checked.
type rawFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Properties map[string]any  `json:"properties"`
	Geometry   *rawGeometry    `json:"geometry"`
}

type rawGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

type rawCollection struct {
	Type     string          `json:"type"`
	CRS      json.RawMessage `json:"crs"`
	Features []rawFeature    `json:"features"`
}

// decodeCollection reads a FeatureCollection (or a single Feature).
func decodeCollection(b []byte) ([]rawFeature, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a byte-order mark some editors write
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fault.New(fault.Invalid, "geomap.file.empty")
	}
	if !utf8.Valid(b) {
		return nil, fault.New(fault.Invalid, "geomap.file.utf8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var c rawCollection
	if err := dec.Decode(&c); err != nil {
		return nil, jsonError(b, err)
	}
	if dec.More() {
		line, col := position(b, int(dec.InputOffset()))
		return nil, fault.New(fault.Invalid, "geomap.file.json", line, col, "more than one JSON value")
	}
	if err := checkCRS(c.CRS); err != nil {
		return nil, err
	}
	switch c.Type {
	case "FeatureCollection":
	case "Feature":
		var f rawFeature
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&f); err != nil {
			return nil, jsonError(b, err)
		}
		return []rawFeature{f}, nil
	default:
		t := c.Type
		if t == "" {
			t = "—"
		}
		return nil, fault.New(fault.Invalid, "geomap.file.type", t)
	}
	if len(c.Features) == 0 {
		return nil, fault.New(fault.Invalid, "geomap.file.no_features")
	}
	return c.Features, nil
}

// checkCRS refuses a file that declares coordinates other than WGS84 longitude, latitude
// (the old GeoJSON "crs" member; RFC 7946 dropped it, but GIS tools still write it).
func checkCRS(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var crs struct {
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &crs); err != nil {
		return nil // an unreadable crs says nothing; the coordinates are checked anyway
	}
	n := strings.ToUpper(crs.Properties.Name)
	if n == "" || strings.HasSuffix(n, "CRS84") || strings.HasSuffix(n, "EPSG::4326") || strings.HasSuffix(n, "EPSG:4326") {
		return nil
	}
	return fault.New(fault.Invalid, "geomap.file.crs", crs.Properties.Name)
}

// jsonError turns a decoding error into a message with the line and column of the fault.
func jsonError(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := position(b, int(se.Offset)-1)
		return fault.New(fault.Invalid, "geomap.file.json", line, col, se.Error())
	case errors.As(err, &te):
		line, col := position(b, int(te.Offset)-1)
		what := te.Field
		if what == "" {
			what = "—"
		}
		return fault.New(fault.Invalid, "geomap.file.json_type", line, col, what, te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		line, col := position(b, len(b)-1)
		return fault.New(fault.Invalid, "geomap.file.json", line, col, "unexpected end of file")
	}
	return fault.New(fault.Invalid, "geomap.file.json", 1, 1, err.Error())
}

// position returns the 1-based line and column (in characters) of byte offset off.
func position(b []byte, off int) (line, col int) {
	off = max(0, min(off, len(b)))
	line = 1 + bytes.Count(b[:off], []byte("\n"))
	start := bytes.LastIndexByte(b[:off], '\n') + 1
	return line, utf8.RuneCount(b[start:off]) + 1
}

// prop returns the first of keys found in the feature's properties, as text.
func (f rawFeature) prop(keys []string) string {
	for _, want := range keys {
		for k, v := range f.Properties {
			if normKey(k) != want || v == nil {
				continue
			}
			var s string
			switch x := v.(type) {
			case string:
				s = x
			case json.Number:
				s = x.String()
			default:
				continue
			}
			if s = strings.TrimSpace(s); s != "" {
				return s
			}
		}
	}
	return ""
}

func normKey(k string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToLower(k))
}

func (f rawFeature) code() string {
	if c := f.prop(codeKeys); c != "" {
		return c
	}
	if len(f.ID) > 0 && string(f.ID) != "null" {
		var s string
		if json.Unmarshal(f.ID, &s) == nil {
			return strings.TrimSpace(s)
		}
		var n json.Number
		if json.Unmarshal(f.ID, &n) == nil {
			return n.String()
		}
	}
	return ""
}

func (f rawFeature) name() string { return people.NormalizeName(f.prop(nameKeys)) }

// polygons reads the feature's geometry and checks every position against box.
func (f rawFeature) polygons(box Box) ([]Polygon, *fault.Error) {
	g := f.Geometry
	if g == nil {
		return nil, fault.New(fault.Invalid, "geomap.feature.no_geometry")
	}
	var raw [][][][]float64
	switch g.Type {
	case "Polygon":
		var p [][][]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, fault.New(fault.Invalid, "geomap.feature.coordinates", g.Type)
		}
		raw = [][][][]float64{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &raw); err != nil {
			return nil, fault.New(fault.Invalid, "geomap.feature.coordinates", g.Type)
		}
	default:
		t := g.Type
		if t == "" {
			t = "—"
		}
		return nil, fault.New(fault.Invalid, "geomap.feature.geometry", t)
	}
	var out []Polygon
	for _, p := range raw {
		var pg Polygon
		for _, r := range p {
			if len(r) < 4 {
				return nil, fault.New(fault.Invalid, "geomap.feature.ring", len(r))
			}
			ring := make(Ring, 0, len(r))
			for _, pos := range r {
				if len(pos) < 2 {
					return nil, fault.New(fault.Invalid, "geomap.feature.coordinates", g.Type)
				}
				pt := Point{Lon: pos[0], Lat: pos[1]}
				if !box.Contains(pt) {
					return nil, outside(pt, box)
				}
				ring = append(ring, pt)
			}
			pg = append(pg, ring)
		}
		if len(pg) > 0 {
			out = append(out, pg)
		}
	}
	if len(out) == 0 {
		return nil, fault.New(fault.Invalid, "geomap.feature.empty")
	}
	return out, nil
}

// outside explains a position outside the city's box, guessing the usual mistakes.
func outside(pt Point, box Box) *fault.Error {
	lon, lat := num(pt.Lon), num(pt.Lat)
	bounds := []any{num(box.MinLon), num(box.MaxLon), num(box.MinLat), num(box.MaxLat)}
	switch {
	case box.Contains(Point{Lon: pt.Lat, Lat: pt.Lon}):
		return fault.New(fault.Invalid, "geomap.feature.swapped", lon, lat)
	case math.Abs(pt.Lon) > 180 || math.Abs(pt.Lat) > 90:
		return fault.New(fault.Invalid, "geomap.feature.projected", lon, lat)
	}
	return fault.New(fault.Invalid, "geomap.feature.outside", append([]any{lon, lat}, bounds...)...)
}

// num shows a coordinate in a message with at most five decimals.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*1e5)/1e5, 'f', -1, 64) }

// WriteGeoJSON writes the layer as a normalised GeoJSON FeatureCollection: one MultiPolygon
// feature per unit, its id and properties code and name, coordinates rounded to 6 decimals
// (about 0.1 m). [ParseBoundaries] reads it back, matching by code.
func (l *Layer) WriteGeoJSON(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, s := range l.shapes {
		if i > 0 {
			b.WriteByte(',')
		}
		id, _ := json.Marshal(s.Code)
		name, _ := json.Marshal(s.Name)
		fmt.Fprintf(&b, `{"type":"Feature","id":%s,"properties":{"code":%s,"name":%s},"geometry":{"type":"MultiPolygon","coordinates":[`, id, id, name)
		for j, pg := range s.Polygons {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('[')
			for k, r := range pg {
				if k > 0 {
					b.WriteByte(',')
				}
				b.WriteByte('[')
				for m, p := range r {
					if m > 0 {
						b.WriteByte(',')
					}
					b.WriteByte('[')
					b.WriteString(strconv.FormatFloat(math.Round(p.Lon*1e6)/1e6, 'f', -1, 64))
					b.WriteByte(',')
					b.WriteString(strconv.FormatFloat(math.Round(p.Lat*1e6)/1e6, 'f', -1, 64))
					b.WriteByte(']')
				}
				b.WriteByte(']')
			}
			b.WriteByte(']')
		}
		b.WriteString("]}}")
	}
	b.WriteString("]}\n")
	_, err := w.Write(b.Bytes())
	return err
}
