package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/geomap"
	"hoctap/internal/people"
	"hoctap/internal/store"
	"hoctap/internal/web"
)

// boundaryFeature is a feature of a test upload.
type boundaryFeature struct {
	Type       string            `json:"type"`
	Properties map[string]string `json:"properties"`
	Geometry   map[string]any    `json:"geometry"`
}

// boundaryFile makes a GeoJSON file with one square per current commune (the tiles' squares),
// half matched by code (ma_xa) and half by their name without accents (ten), plus extra.
func boundaryFile(t *testing.T, skip string, extra ...boundaryFeature) []byte {
	t.Helper()
	units, err := adminunit.LoadHanoi()
	if err != nil {
		t.Fatal(err)
	}
	tiles, err := geomap.CommuneTiles(units)
	if err != nil {
		t.Fatal(err)
	}
	var feats []boundaryFeature
	for i, s := range tiles.Shapes() {
		if s.Code == skip {
			continue
		}
		var ring [][2]float64
		for _, p := range s.Polygons[0][0] {
			ring = append(ring, [2]float64{p.Lon, p.Lat})
		}
		props := map[string]string{"ma_xa": s.Code}
		if i%2 == 1 {
			props = map[string]string{"ten": people.FoldName(s.Name)}
		}
		feats = append(feats, boundaryFeature{Type: "Feature", Properties: props, Geometry: map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}}})
	}
	feats = append(feats, extra...)
	b, err := json.MarshalIndent(map[string]any{"type": "FeatureCollection", "features": feats}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// uploadBoundaries posts a file to the page as who and returns the status, location and body.
func uploadBoundaries(t *testing.T, f *fixture, who, name string, content []byte) (int, string, string) {
	t.Helper()
	var ct string
	var body []byte
	if name == "" {
		ct, body = multipartFile(nil, "other", "x.txt", nil)
	} else {
		ct, body = multipartBody(nil, name, content)
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/map/boundaries", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := f.clients[who].Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), b.String()
}

func TestBoundaryPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const officer = "city_officer"
	shapes := regexp.MustCompile(`<g data-code="|<a href="[^"]*" data-code="`)
	layerKind := func() geomap.Kind {
		t.Helper()
		l, err := web.CommuneMapLayer(f.web, ctx)
		if err != nil {
			t.Fatal(err)
		}
		return l.Kind()
	}
	files := func() []store.BoundaryFile {
		t.Helper()
		fs, err := f.db.BoundaryFiles(ctx, "01", "2025-07")
		if err != nil {
			t.Fatal(err)
		}
		return fs
	}

	page := f.get(t, officer, "/map/boundaries")
	if page.status != http.StatusOK || !strings.Contains(page.body, "Đang dùng bản đồ ô vuông") || len(shapes.FindAllString(page.body, -1)) != 126 {
		t.Fatalf("first page: %d, %d shapes", page.status, len(shapes.FindAllString(page.body, -1)))
	}
	if layerKind() != geomap.KindTiles {
		t.Fatal("the map does not start with tiles")
	}

	// A good file: every commune, matched by code or by name without accents.
	st, loc, body := uploadBoundaries(t, f, officer, "ranh-gioi-xa-phuong.geojson", boundaryFile(t, ""))
	if st != http.StatusSeeOther || loc != "/map/boundaries" {
		t.Fatalf("good file: %d %s\n%s", st, loc, body)
	}
	stored := files()
	if len(stored) != 1 || !stored[0].Active || stored[0].Units != 126 || stored[0].Matched != 126 || stored[0].FileName != "ranh-gioi-xa-phuong.geojson" {
		t.Fatalf("stored %+v", stored)
	}
	if layerKind() != geomap.KindBoundaries {
		t.Fatal("the dashboards do not draw the uploaded boundaries")
	}
	page = f.get(t, officer, "/map/boundaries")
	for _, want := range []string{"Đã lưu ranh giới", "Đang dùng ranh giới tải lên: tệp ranh-gioi-xa-phuong.geojson", "Đối tượng đã khớp (126)",
		`">phuong ngoc ha</td>`, `Phường Ngọc Hà <span class="id">00008</span></td><td data-label="Khớp theo">tên</td>`, `/map/boundaries/` + fmt.Sprint(stored[0].ID) + `/retire`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("page after upload lacks %q", want)
		}
	}
	if strings.Contains(page.body, "Mỗi ô là") || len(shapes.FindAllString(page.body, -1)) != 126 {
		t.Error("the page still draws tiles")
	}

	// A file with a feature that matches no commune: the report names it, nothing is stored.
	stray := boundaryFeature{Type: "Feature", Properties: map[string]string{"ma_xa": "99999", "ten": "Xã Không Tồn Tại"},
		Geometry: map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{105.8, 21}, {105.81, 21}, {105.81, 21.01}, {105.8, 21}}}}}
	st, _, body = uploadBoundaries(t, f, officer, "thua-mot.geojson", boundaryFile(t, "", stray))
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("unmatched feature: %d", st)
	}
	for _, want := range []string{"Tệp thua-mot.geojson chưa được lưu", "127 đối tượng: 126 khớp, 1 không khớp; 0 xã, phường", `">127</td><td data-label="Tên trong tệp">Xã Không Tồn Tại</td><td class="id" data-label="Mã trong tệp">99999</td>`,
		"Mã 99999 không phải mã của xã, phường nào hiện nay."} {
		if !strings.Contains(body, want) {
			t.Errorf("unmatched report lacks %q", want)
		}
	}
	// A file that leaves out a commune: the report names the commune.
	st, _, body = uploadBoundaries(t, f, officer, "thieu-mot.geojson", boundaryFile(t, "00004"))
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Xã, phường chưa có ranh giới (1)") || !strings.Contains(body, `<span class="id">00004</span> Phường Ba Đình`) {
		t.Errorf("missing commune: %d", st)
	}
	// A file that is not JSON: the place of the fault.
	st, _, body = uploadBoundaries(t, f, officer, "hong.geojson", []byte("{\"type\": \"FeatureCollection\",\n \"features\": [}"))
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Tệp không phải JSON hợp lệ: dòng 2, cột 15") {
		t.Errorf("invalid JSON: %d\n%s", st, body[strings.Index(body, "<main"):])
	}
	// Over the limit, whether the request or the file is too large.
	for _, size := range []int{5<<20 + 10, 6 << 20} {
		big := append([]byte(`{"type":"FeatureCollection","features":[]}`), bytes.Repeat([]byte(" "), size)...)
		if st, _, body = uploadBoundaries(t, f, officer, "lon.geojson", big); st != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Tệp quá lớn (tối đa 5 MB).") {
			t.Errorf("%d bytes: %d", size, st)
		}
	}
	// No file at all.
	if st, _, body = uploadBoundaries(t, f, officer, "", nil); st != http.StatusUnprocessableEntity || !strings.Contains(body, "Hãy chọn tệp ranh giới.") {
		t.Errorf("no file: %d", st)
	}
	if now := files(); len(now) != 1 || !now[0].Active || now[0].ID != stored[0].ID {
		t.Fatalf("a refused upload changed the stored files: %+v", now)
	}

	// Back to the tile map.
	retire := func() int {
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/map/boundaries/%d/retire", f.srv.URL, stored[0].ID), nil)
		return f.do(t, officer, req).status
	}
	if st := retire(); st != http.StatusSeeOther {
		t.Fatalf("retire: %d", st)
	}
	if layerKind() != geomap.KindTiles || files()[0].Active {
		t.Fatal("the map did not go back to tiles")
	}
	if st := retire(); st != http.StatusConflict {
		t.Errorf("retire twice: %d", st)
	}
	page = f.get(t, officer, "/map/boundaries")
	if !strings.Contains(page.body, "Đang dùng bản đồ ô vuông") || !strings.Contains(page.body, "Thôi dùng") {
		t.Error("the page does not show the tile map and the retired file")
	}
	entries, err := f.db.ListAudit(ctx, store.AuditFilter{Scope: auth.Scope{All: true}, Entity: "boundary_file", Limit: 10})
	if err != nil || len(entries) != 2 || entries[0].Action != "retire" || entries[1].Action != "upload" {
		t.Errorf("audit: %v %+v", err, entries)
	}
}
