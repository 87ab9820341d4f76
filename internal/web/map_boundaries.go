package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"sync"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/geomap"
	"hoctap/internal/store"
)

// maxBoundaryFile bounds an uploaded boundary file: true boundaries of 126 communes,
// generalised for a city map, are well under it.
const maxBoundaryFile = 5 << 20

// boundaryEra is the era of the units an uploaded file draws: today's communes. The districts
// before it have their embedded polygons.
const boundaryEra = adminunit.Era2025Jul

// boundaryRoutes are the pages where a city officer uploads true commune boundaries for the
// map (issue 7, part 4), or goes back to the tile map.
func (s *Server) boundaryRoutes() []route {
	return []route{
		{"GET /map/boundaries", auth.PermManageTargets, s.boundaryPage},
		{"POST /map/boundaries", auth.PermManageTargets, s.boundaryUpload},
		{"POST /map/boundaries/{id}/retire", auth.PermManageTargets, s.boundaryRetire},
	}
}

// communeMapLayer returns the layer today's communes are drawn with: the active uploaded
// boundaries if the city has any, else the tile map. The dashboards call it (and
// geomap.Districts for the years before 2025-07-01).
func (s *Server) communeMapLayer(ctx context.Context) (*geomap.Layer, error) {
	f, err := s.db.ActiveBoundaryFile(ctx, s.units.Province().Code, string(boundaryEra))
	if errors.Is(err, fault.ErrNotFound) {
		return geomap.CommuneTiles(s.units)
	}
	if err != nil {
		return nil, err
	}
	l, err := s.boundaryLayer(ctx, f)
	if fault.KindOf(err) == fault.Invalid {
		// A stored file no longer fits the units (their list changed since): the dashboards
		// fall back to tiles rather than fail; the page still shows the file as in use.
		s.log.Warn("stored boundaries no longer match the units; drawing tiles", "boundary_file", f.ID, "err", err)
		return geomap.CommuneTiles(s.units)
	}
	return l, err
}

// boundaryLayers keeps parsed uploads by the SHA-256 of the uploaded file: a stored upload
// never changes, and the same file gives the same normalised GeoJSON, so the dashboards parse
// it once instead of on every request. Bounded to a few entries.
var boundaryLayers = struct {
	sync.Mutex
	m map[string]*geomap.Layer
}{m: map[string]*geomap.Layer{}}

func (s *Server) boundaryLayer(ctx context.Context, f store.BoundaryFile) (*geomap.Layer, error) {
	boundaryLayers.Lock()
	l, ok := boundaryLayers.m[f.FileSHA256]
	boundaryLayers.Unlock()
	if ok {
		return l, nil
	}
	geo, err := s.db.BoundaryGeoJSON(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	l, _, err = geomap.ParseBoundaries(bytes.NewReader(geo), s.units.Units(boundaryEra, adminunit.LevelCommune))
	if err != nil {
		return nil, err
	}
	boundaryLayers.Lock()
	defer boundaryLayers.Unlock()
	if len(boundaryLayers.m) >= 4 {
		clear(boundaryLayers.m)
	}
	boundaryLayers.m[f.FileSHA256] = l
	return l, nil
}

// BoundaryMatch is one line of an upload's report of matched features, as stored with it.
type BoundaryMatch struct {
	Index    int    `json:"index"`
	Name     string `json:"name"`
	Code     string `json:"code"`
	By       string `json:"by"`
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
}

// BoundaryProblem is a feature of a refused upload that did not match, with the reason.
type BoundaryProblem struct {
	Index  int
	Name   string
	Code   string
	Reason string
}

// BoundaryReport is what the page says about a file: counts, matches, problems, units left out.
type BoundaryReport struct {
	FileName  string
	Features  int
	Matched   []BoundaryMatch
	Unmatched []BoundaryProblem
	Missing   []adminunit.Unit
}

// BoundariesView is the page of the map's boundaries.
type BoundariesView struct {
	Base
	Active   *store.BoundaryFile  // the upload in use; nil: tiles
	Files    []store.BoundaryFile // every upload, newest first
	Map      template.HTML        // the communes as the dashboards draw them now
	MaxMB    int                  // the upload limit
	FileName string               // the refused file
	Problems []string             // why a refused file could not be read at all
	Refused  *BoundaryReport      // the report of a refused upload
	Report   *BoundaryReport      // what the active upload matched
}

func (s *Server) boundaryPage(w http.ResponseWriter, r *http.Request) {
	s.renderBoundaries(w, r, http.StatusOK, "", nil, nil)
}

func (s *Server) renderBoundaries(w http.ResponseWriter, r *http.Request, status int, fileName string, problems []string, refused *BoundaryReport) {
	ctx := r.Context()
	province := s.units.Province().Code
	v := BoundariesView{Base: s.base(r, "geomap.page.title"), MaxMB: maxBoundaryFile >> 20, FileName: fileName, Problems: problems, Refused: refused}
	files, err := s.db.BoundaryFiles(ctx, province, string(boundaryEra))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Files = files
	for i := range files {
		if files[i].Active {
			v.Active = &files[i]
			v.Report = &BoundaryReport{FileName: files[i].FileName, Features: files[i].Features}
			if err := json.Unmarshal(files[i].Report, &v.Report.Matched); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	layer, err := s.communeMapLayer(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var svg bytes.Buffer
	l := v.Lang
	if err := layer.SVG(&svg, nil, geomap.Options{Lang: l, T: func(k string, a ...any) string { return s.cat.T(l, k, a...) },
		Title: v.T("geomap.page.preview_title"), Width: 800, Plain: true, ID: "boundaries"}); err != nil {
		s.fail(w, r, err)
		return
	}
	v.Map = template.HTML(svg.String()) // geomap escapes every text and writes no script
	s.render(w, r, status, "map_boundaries", v)
}

func (s *Server) boundaryUpload(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	province := s.units.Province().Code
	if !principal(r).CanAt(auth.PermManageTargets, auth.Place{ProvinceCode: province}) {
		s.fail(w, r, fault.ErrForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBoundaryFile+64<<10)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderBoundaries(w, r, http.StatusRequestEntityTooLarge, "", []string{s.cat.T(l, "geomap.file.too_large", maxBoundaryFile>>20)}, nil)
			return
		}
		s.renderBoundaries(w, r, http.StatusUnprocessableEntity, "", []string{s.cat.T(l, "geomap.page.upload.missing")}, nil)
		return
	}
	defer file.Close()
	body, err := io.ReadAll(io.LimitReader(file, maxBoundaryFile+1))
	if err != nil || len(body) > maxBoundaryFile {
		s.renderBoundaries(w, r, http.StatusRequestEntityTooLarge, hdr.Filename, []string{s.cat.T(l, "geomap.file.too_large", maxBoundaryFile>>20)}, nil)
		return
	}
	units := s.units.Units(boundaryEra, adminunit.LevelCommune)
	layer, rep, err := geomap.ParseBoundaries(bytes.NewReader(body), units)
	report := &BoundaryReport{FileName: hdr.Filename, Features: rep.Features, Missing: rep.Missing}
	for _, p := range rep.Unmatched {
		report.Unmatched = append(report.Unmatched, BoundaryProblem{Index: p.Index, Name: p.Name, Code: p.Code, Reason: s.cat.T(l, p.Reason.Key, p.Reason.Args...)})
	}
	for _, m := range rep.Matched {
		report.Matched = append(report.Matched, BoundaryMatch{Index: m.Index, Name: m.Name, Code: m.Code, By: m.By, UnitCode: m.Unit.Code, UnitName: m.Unit.Name})
	}
	if err != nil {
		if fault.KindOf(err) != fault.Invalid {
			s.fail(w, r, err)
			return
		}
		if rep.Features == 0 { // the file could not be read: no report to show
			report = nil
		}
		s.renderBoundaries(w, r, http.StatusUnprocessableEntity, hdr.Filename, s.problems(r, err), report)
		return
	}
	if !rep.Complete() {
		// Nothing is stored: a map missing communes, or drawing shapes nobody can name,
		// would mislead whoever reads it.
		s.renderBoundaries(w, r, http.StatusUnprocessableEntity, hdr.Filename, nil, report)
		return
	}
	var geo bytes.Buffer
	if err := layer.WriteGeoJSON(&geo); err != nil {
		s.fail(w, r, err)
		return
	}
	matches, err := json.Marshal(report.Matched)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sum := sha256.Sum256(body)
	name := []rune(hdr.Filename)
	if len(name) > 200 {
		name = name[:200]
	}
	bf := store.BoundaryFile{ProvinceCode: province, Era: string(boundaryEra), FileName: string(name), FileSHA256: hex.EncodeToString(sum[:]),
		FileBytes: len(body), GeoJSON: geo.Bytes(), Report: matches, Features: rep.Features, Matched: len(rep.Matched),
		Unmatched: len(rep.Unmatched), Units: len(layer.Codes()), Missing: len(rep.Missing)}
	if err := s.db.Write(r.Context(), func(tx *store.Tx) error { return tx.CreateBoundaryFile(r.Context(), &bf) }); err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.boundaries_uploaded")
	http.Redirect(w, r, "/map/boundaries", http.StatusSeeOther)
}

func (s *Server) boundaryRetire(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.db.BoundaryFileByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !principal(r).CanAt(auth.PermManageTargets, auth.Place{ProvinceCode: f.ProvinceCode}) {
		s.fail(w, r, fault.ErrForbidden)
		return
	}
	if err := s.db.Write(r.Context(), func(tx *store.Tx) error { return tx.RetireBoundaryFile(r.Context(), id) }); err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, "flash.boundaries_retired")
	http.Redirect(w, r, "/map/boundaries", http.StatusSeeOther)
}
