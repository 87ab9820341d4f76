-- 0010: commune boundaries uploaded by a city officer for the map (issue 7, part 4). No open
-- boundaries exist for the communes of 2025-07, so the map draws tiles until the city uploads
-- a GeoJSON file of true boundaries. Frozen once released.

-- boundary_files: every accepted upload, whole: the file's name, size and SHA-256, the
-- normalised GeoJSON that is drawn (one MultiPolygon per unit, id and properties code and name,
-- WGS84; geomap.Layer.WriteGeoJSON) and, in report, the JSON list of which feature matched which
-- unit and how. A file is accepted only when every feature matched and every unit of the era
-- has a boundary, so unmatched and missing are kept for the record. At most one file per
-- province and era is active, the newest accepted; retiring it returns the map to tiles.
CREATE TABLE boundary_files (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    era           TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    file_sha256   TEXT NOT NULL,
    file_bytes    INTEGER NOT NULL,
    geojson       TEXT NOT NULL,
    report        TEXT NOT NULL,
    features      INTEGER NOT NULL,
    matched       INTEGER NOT NULL,
    unmatched     INTEGER NOT NULL,
    units         INTEGER NOT NULL,
    missing       INTEGER NOT NULL,
    active        BOOLEAN NOT NULL,
    uploaded_by   INTEGER REFERENCES users (id),
    uploaded_at   TIMESTAMP NOT NULL,
    retired_by    INTEGER REFERENCES users (id),
    retired_at    TIMESTAMP
);
CREATE INDEX boundary_files_place ON boundary_files (province_code, era, uploaded_at);
CREATE UNIQUE INDEX boundary_files_one_active ON boundary_files (province_code, era) WHERE active;
