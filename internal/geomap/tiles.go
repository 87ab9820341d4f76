package geomap

import (
	"fmt"
	"math"
	"sort"

	"hoctap/internal/adminunit"
)

// defaultTileKm is the side of a tile's cell. At 4 km a tile is about 40 pixels wide on an
// 800-pixel map, room for a name on two lines readable on paper, while the crowded centre
// spreads only a few cells: tiles lie 4.8 km from their targets on average (11.3 km at most)
// and 83 of Hà Nội's 126 inside one of their former districts (TestTilePlacementQuality).
// At 3.5 km they lie closer (3.7 km) but the names shrink below 9 pixels; at 4.5 km they
// drift 6.6 km.
const defaultTileKm = 4.0

// outsidePenalty is added, in cells, to the distance of a cell whose centre lies outside every
// district: a tile goes outside the city only when no free cell is nearly as close inside.
const outsidePenalty = 1.0

// tileGap is the part of a cell left blank on each side of its tile, so tiles read apart.
const tileGap = 0.05

// Tile is where a commune's tile went: its target (the weighted centroid of its former
// districts) and the grid cell it was given, both in kilometres east and north of the
// south-west corner of the districts' box.
type Tile struct {
	Code       string
	TargetX    float64
	TargetY    float64
	Col, Row   int
	Districts  map[string]float64 // former district code → share of the commune
	CellKm     float64
	Displaced  float64 // distance from the target to the cell's centre, km
	InDistrict string  // the district whose polygon holds the cell's centre, "" if none
}

// tilePlan is the placement of every tile, before the squares are drawn.
type tilePlan struct {
	tiles []Tile
	plane plane
}

// planTiles places one tile per current commune of m on a square grid of cells cellKm wide.
//
// Target: the commune's former districts, each weighted by the sum of the backward weights
// (adminunit.Map.Predecessors) of the predecessors that lay in it; the target is the weighted
// mean of those districts' area centroids.
//
// Placement: communes are taken in order of code and each gets the free cell nearest its
// target (distance to the cell's centre, plus [outsidePenalty] cells if that centre lies
// outside the city; ties to the lower row, then column). GSO codes run from the old inner
// districts outward, so the crowded centre claims the middle first and the sparse suburbs then
// find free cells near their own targets. Taking the most crowded first instead did no better
// (same mean distance, fewer tiles inside a former district).
func planTiles(m *adminunit.Map, d *Layer, cellKm float64) (tilePlan, error) {
	pl := newPlane(d.box, d.refLat)
	type centre struct{ x, y float64 }
	cent := map[string]centre{}
	for _, s := range d.shapes {
		x, y, a := pl.centroid(s)
		if a == 0 {
			return tilePlan{}, fmt.Errorf("geomap: district %s has no area", s.Code)
		}
		cent[s.Code] = centre{x, y}
	}
	units := m.Units(adminunit.Era2025Jul, adminunit.LevelCommune)
	if len(units) == 0 {
		return tilePlan{}, fmt.Errorf("geomap: no current communes")
	}
	tiles := make([]Tile, len(units))
	for i, u := range units {
		preds, err := m.Predecessors(u.Code)
		if err != nil {
			return tilePlan{}, fmt.Errorf("geomap: tiles: %w", err)
		}
		w := map[string]float64{}
		for _, p := range preds {
			w[p.Unit.ParentCode] += p.Weight
		}
		var sx, sy, sw float64
		for code, wt := range w {
			c, ok := cent[code]
			if !ok {
				return tilePlan{}, fmt.Errorf("geomap: tiles: commune %s: former district %q has no polygon", u.Code, code)
			}
			sx, sy, sw = sx+wt*c.x, sy+wt*c.y, sw+wt
		}
		if sw == 0 {
			return tilePlan{}, fmt.Errorf("geomap: tiles: commune %s has no weighted predecessor", u.Code)
		}
		tiles[i] = Tile{Code: u.Code, TargetX: sx / sw, TargetY: sy / sw, Districts: w, CellKm: cellKm}
	}

	// The grid: cells over the districts' box and a margin of spare cells around it.
	const margin = 8
	w, h := pl.xy(Point{Lon: d.box.MaxLon, Lat: d.box.MaxLat})
	cols, rows := int(math.Ceil(w/cellKm))+2*margin, int(math.Ceil(h/cellKm))+2*margin
	type cell struct {
		x, y    float64 // centre, km
		col     int
		row     int
		penalty float64
		home    string // district holding the centre
		taken   bool
	}
	cells := make([]cell, 0, cols*rows)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			x, y := (float64(c-margin)+0.5)*cellKm, (float64(r-margin)+0.5)*cellKm
			ce := cell{x: x, y: y, col: c - margin, row: r - margin, penalty: outsidePenalty * cellKm}
			pt := pl.point(x, y)
			for _, s := range d.shapes {
				if shapeContains(s, pt) {
					ce.penalty, ce.home = 0, s.Code
					break
				}
			}
			cells = append(cells, ce)
		}
	}

	// In code order: GSO codes run from the old inner districts outward, so the crowded
	// centre is placed first and keeps its tiles together.
	order := make([]int, len(tiles))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return tiles[order[a]].Code < tiles[order[b]].Code })
	for _, i := range order {
		t := &tiles[i]
		best, bestCost := -1, math.Inf(1)
		for k := range cells { // row-major: ties keep the lower row, then column
			c := &cells[k]
			if c.taken {
				continue
			}
			if cost := math.Hypot(c.x-t.TargetX, c.y-t.TargetY) + c.penalty; cost < bestCost {
				best, bestCost = k, cost
			}
		}
		if best < 0 {
			return tilePlan{}, fmt.Errorf("geomap: tiles: no free cell for %s", t.Code)
		}
		c := &cells[best]
		c.taken = true
		t.Col, t.Row, t.InDistrict = c.col, c.row, c.home
		t.Displaced = math.Hypot(c.x-t.TargetX, c.y-t.TargetY)
	}
	return tilePlan{tiles: tiles, plane: pl}, nil
}

// buildTiles draws the planned tiles as squares over the district outlines.
func buildTiles(m *adminunit.Map, d *Layer, cellKm float64) (*Layer, error) {
	plan, err := planTiles(m, d, cellKm)
	if err != nil {
		return nil, err
	}
	units := m.Units(adminunit.Era2025Jul, adminunit.LevelCommune)
	shapes := make([]Shape, len(units))
	g := tileGap * cellKm
	for i, t := range plan.tiles {
		x0, y0 := float64(t.Col)*cellKm+g, float64(t.Row)*cellKm+g
		x1, y1 := float64(t.Col+1)*cellKm-g, float64(t.Row+1)*cellKm-g
		pl := plan.plane
		ring := Ring{pl.point(x0, y0), pl.point(x1, y0), pl.point(x1, y1), pl.point(x0, y1), pl.point(x0, y0)}
		shapes[i] = Shape{Code: units[i].Code, Name: units[i].Name, Label: units[i].ShortName, Polygons: []Polygon{{ring}}}
	}
	return newLayer(KindTiles, adminunit.Era2025Jul, shapes, d.shapes, d.refLat), nil
}

// TilePlacement returns where each current commune's tile went and why, for the page that
// explains the map and for tests.
func TilePlacement(m *adminunit.Map) ([]Tile, error) {
	d, err := Districts()
	if err != nil {
		return nil, err
	}
	p, err := planTiles(m, d, defaultTileKm)
	return p.tiles, err
}
