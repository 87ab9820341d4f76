package geomap

import (
	_ "embed"
	"fmt"
	"math"
	"sync"

	"hoctap/internal/adminunit"
)

// districtsFile holds Hà Nội's 30 district polygons of 2019–2025 (data/README.md: dvhcvn,
// from gis.chinhphu.vn, GPL-3.0), kept as a separate data asset.
//
//go:embed data/hanoi_districts.geojson
var districtsFile []byte

var districts struct {
	once  sync.Once
	layer *Layer
	err   error
}

// Districts returns the 30 districts of Hà Nội before 2025-07-01 (the same in the 2020 and
// 2025-01 eras), keyed by their three-digit codes. The layer is parsed once and shared.
func Districts() (*Layer, error) {
	districts.once.Do(func() { districts.layer, districts.err = parseDistricts(districtsFile) })
	return districts.layer, districts.err
}

func parseDistricts(b []byte) (*Layer, error) {
	feats, err := decodeCollection(b)
	if err != nil {
		return nil, fmt.Errorf("geomap: embedded districts: %w", err)
	}
	all := Box{MinLon: -180, MinLat: -90, MaxLon: 180, MaxLat: 90}
	var shapes []Shape
	seen := map[string]bool{}
	for i, f := range feats {
		s := Shape{Code: f.prop([]string{"districtcode"}), Name: f.prop([]string{"districtname"}), Label: f.prop([]string{"districtnameshort"})}
		if s.Code == "" || s.Name == "" || s.Label == "" || seen[s.Code] {
			return nil, fmt.Errorf("geomap: embedded districts: feature %d: missing or repeated code or name", i+1)
		}
		seen[s.Code] = true
		pgs, ferr := f.polygons(all)
		if ferr != nil {
			return nil, fmt.Errorf("geomap: embedded districts: feature %d: %w", i+1, ferr)
		}
		s.Polygons = pgs
		shapes = append(shapes, s)
	}
	return newLayer(KindDistricts, adminunit.Era2020, shapes, nil, math.NaN()), nil
}

// tiles caches the tile layer of each unit map (in practice the one the program loads).
var tiles sync.Map // *adminunit.Map → *tileResult

type tileResult struct {
	once  sync.Once
	layer *Layer
	err   error
}

// CommuneTiles returns the tile map of the current (2025-07) communes of m, drawn over the
// outlines of the former districts. The layer is built once per map and shared.
func CommuneTiles(m *adminunit.Map) (*Layer, error) {
	v, _ := tiles.LoadOrStore(m, &tileResult{})
	t := v.(*tileResult)
	t.once.Do(func() {
		d, err := Districts()
		if err != nil {
			t.err = err
			return
		}
		t.layer, t.err = buildTiles(m, d, defaultTileKm)
	})
	return t.layer, t.err
}
