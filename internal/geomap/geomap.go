package geomap

import (
	"math"
	"sync"

	"hoctap/internal/adminunit"
)

// Point is a position in WGS84 degrees.
type Point struct{ Lon, Lat float64 }

// Ring is a closed line of points; the last point may or may not repeat the first.
type Ring []Point

// Polygon is an outer ring followed by its holes.
type Polygon []Ring

// Shape is one unit drawn on a map.
type Shape struct {
	Code     string // the unit's GSO code, the key of the values shown
	Name     string // full name, shown in the tooltip: "Phường Ba Đình"
	Label    string // short name written on the shape: "Ba Đình"
	Polygons []Polygon
}

// Kind tells where a layer's shapes come from.
type Kind string

// The kinds of layer.
const (
	KindDistricts  Kind = "districts"  // the pre-2025 district polygons
	KindTiles      Kind = "tiles"      // one square tile per current commune
	KindBoundaries Kind = "boundaries" // polygons from an uploaded GeoJSON file
)

// Box is a rectangle of longitudes and latitudes.
type Box struct{ MinLon, MinLat, MaxLon, MaxLat float64 }

func emptyBox() Box {
	return Box{MinLon: math.Inf(1), MinLat: math.Inf(1), MaxLon: math.Inf(-1), MaxLat: math.Inf(-1)}
}

func (b *Box) add(p Point) {
	b.MinLon, b.MaxLon = math.Min(b.MinLon, p.Lon), math.Max(b.MaxLon, p.Lon)
	b.MinLat, b.MaxLat = math.Min(b.MinLat, p.Lat), math.Max(b.MaxLat, p.Lat)
}

func (b *Box) addShape(s Shape) {
	for _, pg := range s.Polygons {
		for _, r := range pg {
			for _, p := range r {
				b.add(p)
			}
		}
	}
}

// Contains tells whether p lies in the box (edges included).
func (b Box) Contains(p Point) bool {
	return p.Lon >= b.MinLon && p.Lon <= b.MaxLon && p.Lat >= b.MinLat && p.Lat <= b.MaxLat
}

// grow returns the box widened by d degrees on every side.
func (b Box) grow(d float64) Box {
	return Box{MinLon: b.MinLon - d, MinLat: b.MinLat - d, MaxLon: b.MaxLon + d, MaxLat: b.MaxLat + d}
}

// Layer is a set of shapes to colour, with faint outlines drawn beneath them. A layer is
// read-only once built and safe for concurrent use; the layers of the embedded data are
// built once and shared.
type Layer struct {
	kind    Kind
	era     adminunit.Era
	shapes  []Shape
	outline []Shape // drawn faintly under the shapes, not coloured (districts under tiles)
	box     Box     // what the projection fits: shapes and outlines
	refLat  float64 // latitude whose cosine scales longitudes
	byCode  map[string]int

	mu    sync.Mutex
	cache map[float64]*geometry // drawing geometry by width (svg.go)
}

func newLayer(kind Kind, era adminunit.Era, shapes, outline []Shape, refLat float64) *Layer {
	l := &Layer{kind: kind, era: era, shapes: shapes, outline: outline, box: emptyBox(), byCode: map[string]int{}}
	for i, s := range shapes {
		l.box.addShape(s)
		l.byCode[s.Code] = i
	}
	for _, s := range outline {
		l.box.addShape(s)
	}
	l.refLat = refLat
	if math.IsNaN(refLat) {
		l.refLat = (l.box.MinLat + l.box.MaxLat) / 2
	}
	return l
}

// Kind tells where the layer's shapes come from.
func (l *Layer) Kind() Kind { return l.kind }

// Era is the era of the units the layer shows: [adminunit.Era2020] for the districts (which
// are the same in 2025-01), [adminunit.Era2025Jul] for the communes.
func (l *Layer) Era() adminunit.Era { return l.era }

// Shapes returns the layer's shapes in drawing order. The polygons are shared: do not change them.
func (l *Layer) Shapes() []Shape { return append([]Shape(nil), l.shapes...) }

// Shape returns the shape of a unit code.
func (l *Layer) Shape(code string) (Shape, bool) {
	i, ok := l.byCode[code]
	if !ok {
		return Shape{}, false
	}
	return l.shapes[i], true
}

// Codes returns the codes of the layer's units in drawing order.
func (l *Layer) Codes() []string {
	out := make([]string, len(l.shapes))
	for i, s := range l.shapes {
		out[i] = s.Code
	}
	return out
}

// Box returns the rectangle the map is fitted to.
func (l *Layer) Box() Box { return l.box }

// kmPerDegLat is the length of one degree of latitude (mean, WGS84), for the tile grid.
const kmPerDegLat = 111.2

// plane is the local flat frame of a layer, in kilometres east and north of the box's
// south-west corner: the same equirectangular projection the drawing uses.
type plane struct {
	lon0, lat0, cos float64
}

func newPlane(box Box, refLat float64) plane {
	return plane{lon0: box.MinLon, lat0: box.MinLat, cos: math.Cos(refLat * math.Pi / 180)}
}

func (p plane) xy(pt Point) (x, y float64) {
	return (pt.Lon - p.lon0) * p.cos * kmPerDegLat, (pt.Lat - p.lat0) * kmPerDegLat
}

func (p plane) point(x, y float64) Point {
	return Point{Lon: p.lon0 + x/(p.cos*kmPerDegLat), Lat: p.lat0 + y/kmPerDegLat}
}

// ringArea returns the signed area and the centroid of a ring in the plane.
func (p plane) ringArea(r Ring) (area, cx, cy float64) {
	n := len(r)
	if n < 3 {
		return 0, 0, 0
	}
	x0, y0 := p.xy(r[0])
	for i := 0; i < n; i++ {
		xa, ya := p.xy(r[i])
		xb, yb := p.xy(r[(i+1)%n])
		xa, ya, xb, yb = xa-x0, ya-y0, xb-x0, yb-y0 // near the origin, for precision
		c := xa*yb - xb*ya
		area += c
		cx += (xa + xb) * c
		cy += (ya + yb) * c
	}
	area /= 2
	if area == 0 {
		return 0, x0, y0
	}
	return area, cx/(6*area) + x0, cy/(6*area) + y0
}

// centroid returns the area centroid of a shape in the plane (holes subtracted) and its area.
func (p plane) centroid(s Shape) (x, y, area float64) {
	var sx, sy float64
	for _, pg := range s.Polygons {
		for i, r := range pg {
			a, cx, cy := p.ringArea(r)
			a = math.Abs(a)
			if i > 0 {
				a = -a // a hole
			}
			area += a
			sx += a * cx
			sy += a * cy
		}
	}
	if area == 0 {
		return 0, 0, 0
	}
	return sx / area, sy / area, area
}

// inside tells whether pt lies inside polygon pg (even-odd rule over its rings).
func inside(pg Polygon, pt Point) bool {
	in := false
	for _, r := range pg {
		n := len(r)
		for i, j := 0, n-1; i < n; j, i = i, i+1 {
			a, b := r[i], r[j]
			if (a.Lat > pt.Lat) != (b.Lat > pt.Lat) &&
				pt.Lon < (b.Lon-a.Lon)*(pt.Lat-a.Lat)/(b.Lat-a.Lat)+a.Lon {
				in = !in
			}
		}
	}
	return in
}

// shapeContains tells whether pt lies inside any polygon of s.
func shapeContains(s Shape, pt Point) bool {
	for _, pg := range s.Polygons {
		if inside(pg, pt) {
			return true
		}
	}
	return false
}
