package geomap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"hoctap/internal/adminunit"
	"hoctap/internal/fault"
	"hoctap/internal/i18n"
)

func loadUnits(t testing.TB) *adminunit.Map {
	t.Helper()
	m, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDistricts(t *testing.T) {
	l, err := Districts()
	if err != nil {
		t.Fatal(err)
	}
	if l.Kind() != KindDistricts || l.Era() != adminunit.Era2020 {
		t.Errorf("kind %s era %s", l.Kind(), l.Era())
	}
	m := loadUnits(t)
	want := map[string]string{}
	for _, u := range m.Units(adminunit.Era2020, adminunit.LevelDistrict) {
		want[u.Code] = u.Name
	}
	if len(want) != 30 || len(l.Shapes()) != 30 {
		t.Fatalf("%d districts in adminunit, %d shapes", len(want), len(l.Shapes()))
	}
	for _, s := range l.Shapes() {
		if name, ok := want[s.Code]; !ok || name != s.Name {
			t.Errorf("shape %s %q: adminunit has %q (%v)", s.Code, s.Name, name, ok)
		}
		if len(s.Polygons) == 0 || len(s.Polygons[0][0]) < 4 {
			t.Errorf("shape %s has no polygon", s.Code)
		}
	}
	for code, name := range map[string]string{"001": "Quận Ba Đình", "002": "Quận Hoàn Kiếm", "269": "Thị xã Sơn Tây", "282": "Huyện Mỹ Đức"} {
		if s, ok := l.Shape(code); !ok || s.Name != name {
			t.Errorf("district %s = %q, want %q", code, s.Name, name)
		}
	}
	// Hoàn Kiếm's centroid lies inside it, and inside no other district.
	pl := newPlane(l.box, l.refLat)
	hk, _ := l.Shape("002")
	x, y, area := pl.centroid(hk)
	c := pl.point(x, y)
	for _, s := range l.Shapes() {
		if got := shapeContains(s, c); got != (s.Code == "002") {
			t.Errorf("centroid of Hoàn Kiếm inside %s: %v", s.Code, got)
		}
	}
	// The official area is 5.29 km²; the generalised polygon is close.
	if area < 4.5 || area > 6 {
		t.Errorf("area of Hoàn Kiếm %.2f km²", area)
	}
	again, _ := Districts()
	if again != l {
		t.Error("Districts parsed twice")
	}
}

func TestCommuneTiles(t *testing.T) {
	m := loadUnits(t)
	l, err := CommuneTiles(m)
	if err != nil {
		t.Fatal(err)
	}
	units := m.Units(adminunit.Era2025Jul, adminunit.LevelCommune)
	if len(units) != 126 || len(l.Shapes()) != 126 {
		t.Fatalf("%d communes, %d tiles", len(units), len(l.Shapes()))
	}
	seen := map[string]int{}
	for _, s := range l.Shapes() {
		seen[s.Code]++
	}
	for _, u := range units {
		if seen[u.Code] != 1 {
			t.Errorf("commune %s %s has %d tiles", u.Code, u.Name, seen[u.Code])
		}
	}
	// No two tiles overlap: compare their squares in the plane.
	pl := newPlane(l.box, l.refLat)
	type sq struct{ x0, y0, x1, y1 float64 }
	var sqs []sq
	for _, s := range l.Shapes() {
		r := s.Polygons[0][0]
		x0, y0 := pl.xy(r[0])
		x1, y1 := pl.xy(r[2])
		if math.Abs((x1-x0)-(y1-y0)) > 1e-6 || x1-x0 <= 0 {
			t.Fatalf("tile %s is not a square: %.3f × %.3f km", s.Code, x1-x0, y1-y0)
		}
		sqs = append(sqs, sq{x0, y0, x1, y1})
	}
	for i := range sqs {
		for j := i + 1; j < len(sqs); j++ {
			a, b := sqs[i], sqs[j]
			if a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 {
				t.Errorf("tiles %s and %s overlap", l.shapes[i].Code, l.shapes[j].Code)
			}
		}
	}
	// Built once per map; a fresh build gives the same drawing byte for byte.
	if again, _ := CommuneTiles(m); again != l {
		t.Error("CommuneTiles built twice for one map")
	}
	d, _ := Districts()
	fresh, err := buildTiles(loadUnits(t), d, defaultTileKm)
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := l.SVG(&a, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := fresh.SVG(&b, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two builds of the tile map draw differently")
	}
	if len(l.outline) != 30 {
		t.Errorf("%d district outlines under the tiles", len(l.outline))
	}
}

// TestTileTargets checks the weighted centroid against the districts' centroids computed here.
func TestTileTargets(t *testing.T) {
	m := loadUnits(t)
	tiles, err := TilePlacement(m)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := Districts()
	pl := newPlane(d.box, d.refLat)
	single, multi := 0, 0
	for _, tl := range tiles {
		preds, err := m.Predecessors(tl.Code)
		if err != nil {
			t.Fatal(err)
		}
		share := map[string]float64{}
		for _, p := range preds {
			share[p.Unit.ParentCode] += p.Weight
		}
		var wx, wy float64
		for code, w := range share {
			s, ok := d.Shape(code)
			if !ok {
				t.Fatalf("%s: district %s has no shape", tl.Code, code)
			}
			x, y, _ := pl.centroid(s)
			wx, wy = wx+w*x, wy+w*y
		}
		if math.Abs(wx-tl.TargetX) > 1e-9 || math.Abs(wy-tl.TargetY) > 1e-9 {
			t.Errorf("%s: target (%.3f, %.3f), want (%.3f, %.3f)", tl.Code, tl.TargetX, tl.TargetY, wx, wy)
		}
		if len(share) == 1 {
			single++
		} else {
			multi++
		}
	}
	if single == 0 || multi == 0 {
		t.Errorf("%d communes from one district, %d from several: the fixture tests nothing", single, multi)
	}
}

// TestTilePlacementQuality bounds how far tiles drift from their targets.
func TestTilePlacementQuality(t *testing.T) {
	tiles, err := TilePlacement(loadUnits(t))
	if err != nil {
		t.Fatal(err)
	}
	var sum, worst float64
	home := 0
	cells := map[[2]int]string{}
	for _, tl := range tiles {
		sum += tl.Displaced
		worst = math.Max(worst, tl.Displaced)
		if _, ok := tl.Districts[tl.InDistrict]; ok {
			home++
		}
		k := [2]int{tl.Col, tl.Row}
		if other, taken := cells[k]; taken {
			t.Errorf("cell %v holds %s and %s", k, other, tl.Code)
		}
		cells[k] = tl.Code
	}
	mean := sum / float64(len(tiles))
	t.Logf("tiles %d: mean distance to target %.1f km, worst %.1f km, %d inside a former district", len(tiles), mean, worst, home)
	if mean > 5.5 || worst > 13 || home < 75 {
		t.Errorf("placement drifted: mean %.1f km, worst %.1f km, %d at home", mean, worst, home)
	}
}

// fixtureUnits are three current communes, with the codes and names of the real list.
func fixtureUnits(t *testing.T) []adminunit.Unit {
	t.Helper()
	m := loadUnits(t)
	var out []adminunit.Unit
	for _, code := range []string{"00004", "00070", "00091"} {
		u, err := m.Current(code)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, u)
	}
	return out
}

// square is a GeoJSON polygon around a point of Hà Nội.
func square(lon, lat float64) string {
	d := 0.005
	return `{"type":"Polygon","coordinates":[[[` + num(lon-d) + `,` + num(lat-d) + `],[` + num(lon+d) + `,` + num(lat-d) + `],[` +
		num(lon+d) + `,` + num(lat+d) + `],[` + num(lon-d) + `,` + num(lat+d) + `],[` + num(lon-d) + `,` + num(lat-d) + `]]]}`
}

func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

func feature(props, geometry string) string {
	return `{"type":"Feature","properties":` + props + `,"geometry":` + geometry + `}`
}

func TestParseBoundaries(t *testing.T) {
	units := fixtureUnits(t)
	if units[0].Name != "Phường Ba Đình" || units[1].Name != "Phường Hoàn Kiếm" {
		t.Fatalf("fixture units: %s, %s", units[0].Name, units[1].Name)
	}
	file := collection(
		feature(`{"code":"00004","name":"Ba Đình"}`, square(105.83, 21.035)),
		feature(`{"ten":"phuong hoan kiem"}`, square(105.85, 21.03)),
	)
	l, rep, err := ParseBoundaries(strings.NewReader(file), units)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Features != 2 || len(rep.Matched) != 2 || len(rep.Unmatched) != 0 {
		t.Fatalf("report %+v", rep)
	}
	if m := rep.Matched[0]; m.Index != 1 || m.By != "code" || m.Unit.Code != "00004" || m.Code != "00004" {
		t.Errorf("first match %+v", m)
	}
	if m := rep.Matched[1]; m.Index != 2 || m.By != "name" || m.Unit.Code != "00070" || m.Name != "phuong hoan kiem" {
		t.Errorf("second match %+v", m)
	}
	// The unit with no feature is reported.
	if len(rep.Missing) != 1 || rep.Missing[0].Code != units[2].Code || rep.Complete() {
		t.Errorf("missing %v, complete %v", rep.Missing, rep.Complete())
	}
	if got := l.Codes(); !slices.Equal(got, []string{"00004", "00070"}) || l.Kind() != KindBoundaries || l.Era() != adminunit.Era2025Jul {
		t.Errorf("layer %v %s %s", got, l.Kind(), l.Era())
	}
	if s, _ := l.Shape("00070"); s.Name != "Phường Hoàn Kiếm" || s.Label != "Hoàn Kiếm" {
		t.Errorf("shape %+v", s)
	}

	// Written back as normalised GeoJSON, it reads the same, matched by code.
	var norm bytes.Buffer
	if err := l.WriteGeoJSON(&norm); err != nil {
		t.Fatal(err)
	}
	l2, rep2, err := ParseBoundaries(bytes.NewReader(norm.Bytes()), units)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l2.Codes(), l.Codes()) || rep2.Matched[1].By != "code" {
		t.Errorf("round trip: %v, %+v", l2.Codes(), rep2.Matched)
	}
	a, _ := l.Shape("00070")
	b, _ := l2.Shape("00070")
	if math.Abs(a.Polygons[0][0][2].Lon-b.Polygons[0][0][2].Lon) > 1e-6 {
		t.Errorf("round trip moved a point: %v → %v", a.Polygons[0][0][2], b.Polygons[0][0][2])
	}
}

func TestParseBoundariesProblems(t *testing.T) {
	units := fixtureUnits(t)
	ok := feature(`{"code":"00004"}`, square(105.83, 21.035))
	cases := []struct {
		name    string
		feature string
		key     string
		args    []any
	}{
		{"unknown code", feature(`{"ma_xa":"99999","name":"Nơi nào đó"}`, square(105.8, 21)), "geomap.feature.unknown_code", []any{"99999"}},
		{"unknown code, known name", feature(`{"MA_XA":"99998","name":"Hoàn Kiếm"}`, square(105.8, 21)), "geomap.feature.unknown_code_named", []any{"99998", "Phường Hoàn Kiếm", "00070"}},
		{"unknown name", feature(`{"name":"Phường Không Có"}`, square(105.8, 21)), "geomap.feature.unknown_name", []any{"Phường Không Có"}},
		{"point", feature(`{"code":"00070"}`, `{"type":"Point","coordinates":[105.85,21.03]}`), "geomap.feature.geometry", []any{"Point"}},
		{"no geometry", feature(`{"code":"00070"}`, `null`), "geomap.feature.no_geometry", nil},
		{"no key", feature(`{"dien_tich":12}`, square(105.8, 21)), "geomap.feature.no_key", nil},
		{"projected", feature(`{"code":"00070"}`, `{"type":"Polygon","coordinates":[[[585000,2330000],[586000,2330000],[586000,2331000],[585000,2330000]]]}`), "geomap.feature.projected", []any{"585000", "2330000"}},
		{"swapped", feature(`{"code":"00070"}`, `{"type":"Polygon","coordinates":[[[21.03,105.85],[21.04,105.85],[21.04,105.86],[21.03,105.85]]]}`), "geomap.feature.swapped", []any{"21.03", "105.85"}},
		{"elsewhere", feature(`{"code":"00070"}`, square(106.7, 10.77)), "geomap.feature.outside", nil},
		{"short ring", feature(`{"code":"00070"}`, `{"type":"Polygon","coordinates":[[[105.8,21],[105.81,21],[105.8,21]]]}`), "geomap.feature.ring", []any{3}},
		{"bad coordinates", feature(`{"code":"00070"}`, `{"type":"Polygon","coordinates":[["a","b"]]}`), "geomap.feature.coordinates", []any{"Polygon"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, rep, err := ParseBoundaries(strings.NewReader(collection(ok, c.feature)), units)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Matched) != 1 || len(rep.Unmatched) != 1 {
				t.Fatalf("matched %d, unmatched %+v", len(rep.Matched), rep.Unmatched)
			}
			p := rep.Unmatched[0]
			if p.Index != 2 || p.Reason.Key != c.key {
				t.Fatalf("problem %d %s %v, want 2 %s", p.Index, p.Reason.Key, p.Reason.Args, c.key)
			}
			if c.args != nil && !slices.Equal(p.Reason.Args, c.args) {
				t.Errorf("args %v, want %v", p.Reason.Args, c.args)
			}
		})
	}
	// The reasons name the feature by its own name and code.
	_, rep, _ := ParseBoundaries(strings.NewReader(collection(ok, cases[0].feature)), units)
	if p := rep.Unmatched[0]; p.Name != "Nơi nào đó" || p.Code != "99999" {
		t.Errorf("problem names %q %q", p.Name, p.Code)
	}
}

func TestParseBoundariesMatching(t *testing.T) {
	units := fixtureUnits(t)
	// A code that lost its leading zeros, the feature's own id, a name without accents.
	file := collection(
		feature(`{"code":4}`, square(105.83, 21.035)),
		`{"type":"Feature","id":"00070","properties":{},"geometry":`+square(105.85, 21.03)+`}`,
		feature(`{"name":"`+units[2].ShortName+`"}`, square(105.84, 21.02)),
		// A second part of Ba Đình is drawn with it.
		feature(`{"commune_code":"00004"}`, square(105.82, 21.04)),
	)
	l, rep, err := ParseBoundaries(strings.NewReader(file), units)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Complete() || len(rep.Matched) != 4 {
		t.Fatalf("report %+v", rep)
	}
	if s, _ := l.Shape("00004"); len(s.Polygons) != 2 {
		t.Errorf("Ba Đình has %d polygons, want 2", len(s.Polygons))
	}
	if !slices.Equal(l.Codes(), []string{"00004", "00070", "00091"}) {
		t.Errorf("codes %v", l.Codes())
	}

	// Two units of the same short name: the name alone is ambiguous, the full name is not.
	twins := []adminunit.Unit{
		{Era: adminunit.Era2025Jul, Code: "10001", Name: "Phường Đông Hà", ShortName: "Đông Hà", Type: "Phường"},
		{Era: adminunit.Era2025Jul, Code: "10002", Name: "Xã Đông Hà", ShortName: "Đông Hà", Type: "Xã"},
	}
	_, rep, err = ParseBoundaries(strings.NewReader(collection(
		feature(`{"name":"Dong Ha"}`, square(105.8, 21)),
		feature(`{"name":"xa dong ha"}`, square(105.81, 21)))), twins)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Unmatched) != 1 || rep.Unmatched[0].Reason.Key != "geomap.feature.ambiguous_name" || len(rep.Matched) != 1 || rep.Matched[0].Unit.Code != "10002" {
		t.Errorf("twins: %+v", rep)
	}
}

func TestParseBoundariesRefused(t *testing.T) {
	units := fixtureUnits(t)
	invalid := "{\n \"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\",, }\n ]\n}\n"
	line4 := strings.Split(invalid, "\n")[3]
	cases := []struct {
		name, file, key string
		args            []any
	}{
		{"invalid JSON", invalid, "geomap.file.json", []any{4, strings.Index(line4, ",,") + 2}},
		{"cut short", `{"type":"FeatureCollection","features":[`, "geomap.file.json", []any{1}},
		{"wrong shape", "{\"type\":\"FeatureCollection\",\n\"features\":{\"a\":1}}", "geomap.file.json_type", []any{2, 12}},
		{"empty", "  \n", "geomap.file.empty", nil},
		{"not a collection", `{"type":"Polygon","coordinates":[]}`, "geomap.file.type", []any{"Polygon"}},
		{"no features", `{"type":"FeatureCollection","features":[]}`, "geomap.file.no_features", nil},
		{"projected crs", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3405"}},"features":[]}`, "geomap.file.crs", []any{"urn:ogc:def:crs:EPSG::3405"}},
		{"matches nothing", collection(feature(`{"code":"99999"}`, square(105.8, 21))), "geomap.file.no_match", []any{1, 3}},
		{"not UTF-8", "{\"type\":\"FeatureCollection\",\"name\":\"H\xe0 N\xf4i\",\"features\":[]}", "geomap.file.utf8", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, _, err := ParseBoundaries(strings.NewReader(c.file), units)
			if err == nil || l != nil {
				t.Fatalf("accepted: %v", l)
			}
			fe, ok := fault.As(err)
			if !ok || fe.Kind != fault.Invalid || fe.Key != c.key {
				t.Fatalf("error %v, want %s", err, c.key)
			}
			if len(fe.Args) < len(c.args) || !slices.Equal(fe.Args[:len(c.args)], c.args) {
				t.Errorf("args %v, want %v…", fe.Args, c.args)
			}
		})
	}
	// A BOM in front is not an error.
	if _, _, err := ParseBoundaries(strings.NewReader("\xef\xbb\xbf"+collection(feature(`{"code":"00004"}`, square(105.83, 21.035)))), units); err != nil {
		t.Errorf("BOM: %v", err)
	}
	// A reader that fails is an internal error, not a message about the file.
	_, _, err := ParseBoundaries(io.MultiReader(strings.NewReader("{"), failing{}), units)
	if err == nil || fault.KindOf(err) != fault.Internal {
		t.Errorf("read error: %v", err)
	}
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("disk gone") }

// svgDoc is an SVG parsed into its elements, for looking things up.
type svgElem struct {
	name  string
	attrs map[string]string
	text  string
	path  []string // names of the ancestors
}

func parseSVG(t *testing.T, b []byte) []svgElem {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var out []svgElem
	var stack []int
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			e := svgElem{name: x.Name.Local, attrs: map[string]string{}}
			for _, a := range x.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			for _, i := range stack {
				e.path = append(e.path, out[i].name)
			}
			out = append(out, e)
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				out[stack[len(stack)-1]].text += string(x)
			}
		}
	}
	return out
}

func translator(t testing.TB, lang string) func(string, ...any) string {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return func(k string, a ...any) string { return c.T(lang, k, a...) }
}

func TestSVG(t *testing.T) {
	units := fixtureUnits(t)
	units = append(units, adminunit.Unit{Era: adminunit.Era2025Jul, Code: "99001", Name: `Xã <script>alert("x")</script> & co`, ShortName: "<script>"})
	l, _, err := ParseBoundaries(strings.NewReader(collection(
		feature(`{"code":"00004"}`, square(105.83, 21.035)),
		feature(`{"code":"00070"}`, square(105.85, 21.03)),
		feature(`{"code":"00091"}`, square(105.84, 21.02)),
		feature(`{"code":"99001"}`, square(105.9, 21.1)),
	)), units)
	if err != nil {
		t.Fatal(err)
	}
	shades := map[string]Shade{
		"00004": Value(0.452), // class 2 (40–60%)
		"00070": Value(0),     // 0% is the lightest class, not "no data"
		"00091": NoData(),
		"99001": Value(0.95),
	}
	var buf bytes.Buffer
	opt := Options{Lang: "vi", T: translator(t, "vi"), Title: `Tỉ lệ <b>CDHT</b> "2025"`, Width: 600, Scale: EqualScale(0, 1, true, 1),
		Highlight: []string{"00091"}, ID: "m1",
		Link: func(code string) string {
			if code == "99001" {
				return `javascript:alert(1)`
			}
			return "/dashboard/communes/" + code + `?a=1&b="2"`
		}}
	if err := l.SVG(&buf, shades, opt); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	els := parseSVG(t, buf.Bytes())
	if strings.Contains(out, "<script") || strings.Contains(out, "javascript:") || strings.Contains(out, "<b>") || strings.Contains(strings.ToLower(out), "style") {
		t.Errorf("unescaped or unsafe text in the SVG")
	}
	if !strings.Contains(out, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co") {
		t.Errorf("the name is not escaped as expected")
	}
	fills := map[string]string{}
	links := map[string]string{}
	tips := map[string]string{}
	for i, e := range els {
		code := e.attrs["data-code"]
		if code == "" {
			continue
		}
		if e.name == "a" {
			links[code] = e.attrs["href"]
		}
		for _, c := range els[i+1:] {
			if c.name == "path" && fills[code] == "" {
				fills[code] = c.attrs["fill"]
			}
			if c.name == "title" && tips[code] == "" {
				tips[code] = c.text
			}
			if fills[code] != "" && tips[code] != "" {
				break
			}
		}
	}
	want := map[string]string{"00004": Palette[2], "00070": Palette[0], "00091": "url(#m1-nodata)", "99001": Palette[4]}
	for code, f := range want {
		if fills[code] != f {
			t.Errorf("fill of %s = %q, want %q", code, fills[code], f)
		}
	}
	if tips["00004"] != "Phường Ba Đình: 45,2%" || tips["00091"] != "Phường Phú Thượng: Không có số liệu" || tips["00070"] != "Phường Hoàn Kiếm: 0,0%" {
		t.Errorf("tooltips %q", tips)
	}
	if links["00004"] != `/dashboard/communes/00004?a=1&b="2"` || links["99001"] != "" {
		t.Errorf("links %q", links)
	}
	var legend []string
	highlighted := 0
	for _, e := range els {
		if e.name == "text" && slices.Contains(e.path, "g") && !strings.Contains(strings.Join(e.path, "/"), "a") && e.attrs["x"] != "" {
			legend = append(legend, e.text)
		}
		if e.name == "path" && e.attrs["fill"] == "" && len(e.path) > 1 {
			highlighted++
		}
	}
	for _, w := range []string{"0,0% – 20,0%", "80,0% – 100,0%", "Không có số liệu", "Chậm nhất"} {
		if !slices.Contains(legend, w) {
			t.Errorf("legend %q lacks %q", legend, w)
		}
	}
	if highlighted != 2 { // one unit, two strokes
		t.Errorf("%d highlight paths, want 2", highlighted)
	}
	if els[0].name != "svg" || els[1].name != "title" || els[1].text != `Tỉ lệ <b>CDHT</b> "2025"` {
		t.Errorf("svg starts with %s %s %q", els[0].name, els[1].name, els[1].text)
	}

	// English: decimal point, English texts; same input, same bytes.
	opt.Lang, opt.T = "en", translator(t, "en")
	var en1, en2 bytes.Buffer
	_ = l.SVG(&en1, shades, opt)
	_ = l.SVG(&en2, shades, opt)
	if !bytes.Equal(en1.Bytes(), en2.Bytes()) {
		t.Error("the same map drawn twice differs")
	}
	for _, w := range []string{"Phường Ba Đình: 45.2%", "80.0% – 100.0%", "No data", "Furthest behind"} {
		if !strings.Contains(en1.String(), w) {
			t.Errorf("English map lacks %q", w)
		}
	}
}

func TestSVGTilesAndDistricts(t *testing.T) {
	m := loadUnits(t)
	tl, err := CommuneTiles(m)
	if err != nil {
		t.Fatal(err)
	}
	shades := map[string]Shade{}
	for i, c := range tl.Codes() {
		if i%7 != 0 {
			shades[c] = Value(float64(i%10) / 10)
		}
	}
	var buf bytes.Buffer
	if err := tl.SVG(&buf, shades, Options{T: translator(t, "vi")}); err != nil {
		t.Fatal(err)
	}
	els := parseSVG(t, buf.Bytes())
	shapes, labels, noData := 0, 0, 0
	for _, e := range els {
		if e.name == "g" && e.attrs["data-code"] != "" {
			shapes++
			if e.attrs["data-class"] == "nodata" {
				noData++
			}
		}
		if e.name == "tspan" {
			labels++
		}
	}
	if shapes != 126 || noData != 18 || labels < 126 {
		t.Errorf("tile map: %d shapes, %d without data, %d label lines", shapes, noData, labels)
	}
	if !strings.Contains(buf.String(), "Mỗi ô là một xã, phường") {
		t.Error("the tile map does not say what a tile is")
	}
	// Every tile's name is written on it: a name on lines, or its initials.
	for _, e := range els {
		if e.name == "text" && slices.Contains(e.path, "g") && e.attrs["text-anchor"] == "middle" {
			fs, err := strconv.ParseFloat(e.attrs["font-size"], 64)
			if err != nil || fs < minLabelFont*0.75 {
				t.Errorf("label %q at %s px", e.text, e.attrs["font-size"])
			}
		}
	}
	// Plain: one colour, names only, no classes in the legend.
	buf.Reset()
	if err := tl.SVG(&buf, shades, Options{T: translator(t, "vi"), Plain: true}); err != nil {
		t.Fatal(err)
	}
	plain := buf.String()
	if strings.Count(plain, `fill="`+plainFill+`"`) != 126 || strings.Contains(plain, Palette[4]) || strings.Contains(plain, "0% – 20%") ||
		!strings.Contains(plain, "<title>Phường Ba Đình</title>") {
		t.Error("the plain map is coloured or has a legend of classes")
	}
	d, _ := Districts()
	buf.Reset()
	if err := d.SVG(&buf, map[string]Shade{"001": Value(0.5)}, Options{Width: 1000}); err != nil {
		t.Fatal(err)
	}
	els = parseSVG(t, buf.Bytes())
	shapes = 0
	for _, e := range els {
		if e.attrs["data-code"] != "" {
			shapes++
		}
	}
	if shapes != 30 || !strings.Contains(buf.String(), `width="1000"`) {
		t.Errorf("district map: %d shapes", shapes)
	}
}

func TestScale(t *testing.T) {
	s := PercentScale()
	for v, want := range map[float64]int{-0.1: 0, 0: 0, 0.199: 0, 0.2: 1, 0.5: 2, 0.8: 4, 1: 4, 1.2: 4} {
		if got := s.Class(v); got != want {
			t.Errorf("class of %v = %d, want %d", v, got, want)
		}
	}
	for _, c := range []struct {
		lang string
		v    float64
		d    int
		want string
	}{
		{"vi", 1234567.891, 2, "1.234.567,89"}, {"en", 1234567.891, 2, "1,234,567.89"}, {"vi", -0.04, 1, "0,0"},
		{"vi", -12.5, 1, "-12,5"}, {"vi", 999, 0, "999"}, {"en", 1000, 0, "1,000"},
	} {
		if got := FormatNumber(c.lang, c.v, c.d); got != c.want {
			t.Errorf("FormatNumber(%s, %v, %d) = %q, want %q", c.lang, c.v, c.d, got, c.want)
		}
	}
	q := QuantileScale(map[string]Shade{"a": Value(1), "b": Value(2), "c": Value(3), "d": Value(4), "e": Value(5), "f": Value(6), "x": NoData()}, false, 0)
	if q.Bounds != [6]float64{1, 2, 3, 4, 5, 6} || q.Class(6) != 4 || q.Class(1) != 0 {
		t.Errorf("quantiles %v", q.Bounds)
	}
	if got := Legend(Options{Lang: "en", Scale: EqualScale(0, 50, false, 0)}); got[0] != "0 – 10" || got[4] != "40 – 50" || got[5] != "geomap.legend.no_data" {
		t.Errorf("legend %q", got)
	}
}

func TestSafeHref(t *testing.T) {
	for in, want := range map[string]string{
		"/a/b?c=1": "/a/b?c=1", "https://x.vn/": "https://x.vn/", "javascript:alert(1)": "", " JaVaScRiPt:x": "",
		"//evil.example/": "", "data:text/html,x": "", "/\\evil": "", "/a\nb": "", "#top": "#top",
	} {
		if got := safeHref(in); got != want {
			t.Errorf("safeHref(%q) = %q, want %q", in, got, want)
		}
	}
	if safeID(`x" onload="y`) != "xonloady" || safeID("") != "geomap" || safeID("1a") != "geomap1a" {
		t.Error("safeID")
	}
}

func TestFitTile(t *testing.T) {
	lines, fs := fitTile("Hai Bà Trưng", 36)
	if len(lines) < 2 || fs < minLabelFont {
		t.Errorf("Hai Bà Trưng on a 36 px tile: %q at %.1f", lines, fs)
	}
	if lines, _ := fitTile("Hai Bà Trưng", 12); len(lines) != 1 || lines[0] != "HBT" {
		t.Errorf("on a 12 px tile: %q", lines)
	}
	if lines, _ := fitTile("Hai Bà Trưng", 3); lines != nil {
		t.Errorf("on a 3 px tile: %q", lines)
	}
	if shortLabel("Văn Miếu - Quốc Tử Giám") != "Văn Miếu" {
		t.Error("shortLabel")
	}
}

func BenchmarkSVGTiles(b *testing.B) {
	l, err := CommuneTiles(loadUnits(b))
	if err != nil {
		b.Fatal(err)
	}
	shades := map[string]Shade{}
	for i, c := range l.Codes() {
		shades[c] = Value(float64(i%10) / 10)
	}
	opt := Options{T: translator(b, "vi"), Title: "Bản đồ", Link: func(c string) string { return "/dashboard/" + c }, Highlight: l.Codes()[:5]}
	b.ReportAllocs()
	for b.Loop() {
		if err := l.SVG(io.Discard, shades, opt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSVGDistricts(b *testing.B) {
	l, err := Districts()
	if err != nil {
		b.Fatal(err)
	}
	shades := map[string]Shade{}
	for i, c := range l.Codes() {
		shades[c] = Value(float64(i%10) / 10)
	}
	opt := Options{T: translator(b, "vi"), Title: "Bản đồ", Link: func(c string) string { return "/dashboard/" + c }, Highlight: l.Codes()[:3]}
	b.ReportAllocs()
	for b.Loop() {
		if err := l.SVG(io.Discard, shades, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSVGTilesFirst draws the tile map at a width not drawn before: path data and label
// places are computed, not taken from the layer's cache.
func BenchmarkSVGTilesFirst(b *testing.B) {
	l, err := CommuneTiles(loadUnits(b))
	if err != nil {
		b.Fatal(err)
	}
	opt := Options{T: translator(b, "vi")}
	b.ReportAllocs()
	for b.Loop() {
		l.mu.Lock()
		l.cache = nil
		l.mu.Unlock()
		if err := l.SVG(io.Discard, nil, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSVGDistrictsFirst is BenchmarkSVGTilesFirst for the district map.
func BenchmarkSVGDistrictsFirst(b *testing.B) {
	l, err := Districts()
	if err != nil {
		b.Fatal(err)
	}
	opt := Options{T: translator(b, "vi")}
	b.ReportAllocs()
	for b.Loop() {
		l.mu.Lock()
		l.cache = nil
		l.mu.Unlock()
		if err := l.SVG(io.Discard, nil, opt); err != nil {
			b.Fatal(err)
		}
	}
}
