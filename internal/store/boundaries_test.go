package store_test

import (
	"context"
	"errors"
	"testing"

	"hoctap/internal/audit"
	"hoctap/internal/auth"
	"hoctap/internal/fault"
	"hoctap/internal/store"
	"hoctap/internal/testdb"
)

func TestBoundaryFiles(t *testing.T) {
	db := testdb.Open(t, nil)
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test", IP: "127.0.0.1"})
	upload := func(name string) store.BoundaryFile {
		t.Helper()
		b := store.BoundaryFile{ProvinceCode: "01", Era: "2025-07", FileName: name, FileSHA256: "ab", FileBytes: 1234,
			GeoJSON: []byte(`{"type":"FeatureCollection","features":[]}`), Report: []byte(`[]`), Features: 126, Matched: 126, Units: 126}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateBoundaryFile(ctx, &b) }); err != nil {
			t.Fatal(err)
		}
		return b
	}
	if _, err := db.ActiveBoundaryFile(ctx, "01", "2025-07"); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("no upload yet: %v", err)
	}
	first := upload("xa-phuong-1.geojson")
	if !first.Active || first.ID == 0 {
		t.Fatalf("first %+v", first)
	}
	active, err := db.ActiveBoundaryFile(ctx, "01", "2025-07")
	if err != nil || active.ID != first.ID || active.Units != 126 || active.FileName != "xa-phuong-1.geojson" {
		t.Fatalf("active %+v, %v", active, err)
	}
	if geo, err := db.BoundaryGeoJSON(ctx, active.ID); err != nil || string(geo) != `{"type":"FeatureCollection","features":[]}` {
		t.Fatalf("geojson %q, %v", geo, err)
	}
	if _, err := db.BoundaryGeoJSON(ctx, 999999); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("geojson of unknown: %v", err)
	}
	// A newer upload replaces it.
	second := upload("xa-phuong-2.geojson")
	list, err := db.BoundaryFiles(ctx, "01", "2025-07")
	if err != nil || len(list) != 2 || list[0].ID != second.ID || !list[0].Active || list[1].Active || list[1].RetiredAt.IsZero() {
		t.Fatalf("list %+v, %v", list, err)
	}
	if list[0].GeoJSON != nil {
		t.Error("the list carries GeoJSON")
	}
	// Retiring the active file leaves none; retiring it again is a conflict.
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.RetireBoundaryFile(ctx, second.ID) }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ActiveBoundaryFile(ctx, "01", "2025-07"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("after retiring: %v", err)
	}
	err = db.Write(ctx, func(tx *store.Tx) error { return tx.RetireBoundaryFile(ctx, second.ID) })
	if fault.KindOf(err) != fault.Conflict {
		t.Errorf("retire twice: %v", err)
	}
	err = db.Write(ctx, func(tx *store.Tx) error { return tx.RetireBoundaryFile(ctx, 999999) })
	if !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("retire unknown: %v", err)
	}
	got, err := db.BoundaryFileByID(ctx, first.ID)
	if err != nil || got.Active || got.FileName != "xa-phuong-1.geojson" || len(got.GeoJSON) == 0 {
		t.Errorf("by id %+v, %v", got, err)
	}
	// Each upload, the replacement and the retirement are in the audit log.
	entries, err := db.ListAudit(ctx, store.AuditFilter{Scope: auth.Scope{All: true}, Entity: "boundary_file", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if len(actions) != 4 || actions[0] != "retire" || actions[1] != "upload" || actions[2] != "supersede" || actions[3] != "upload" {
		t.Errorf("audit actions %v", actions)
	}
	// Another era keeps its own active file.
	other := store.BoundaryFile{ProvinceCode: "01", Era: "2020", FileName: "x", GeoJSON: []byte("{}"), Report: []byte("[]")}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateBoundaryFile(ctx, &other) }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ActiveBoundaryFile(ctx, "01", "2025-07"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("an upload of another era is drawn: %v", err)
	}
}
