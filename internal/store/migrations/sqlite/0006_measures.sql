-- 0006: measures, plans and targets as data, and the counts behind the dashboards (issue 7).
-- Frozen once released.

-- measures: each share the programme tracks (chỉ số on a dashboard), numerator and
-- denominator named by count (internal/measure). Seeded from the shipped defaults; city
-- officers edit them.
CREATE TABLE measures (
    code        TEXT PRIMARY KEY,
    name_vi     TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    numerator   TEXT NOT NULL,
    denominator TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    main        BOOLEAN NOT NULL DEFAULT FALSE,
    position    INTEGER NOT NULL DEFAULT 0,
    updated_at  TIMESTAMP NOT NULL
);

-- plans: documents that set targets (KH 290/KH-UBND, QĐ 677/QĐ-TTg, QĐ 387/QĐ-TTg …).
CREATE TABLE plans (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL DEFAULT '',
    name       TEXT NOT NULL,
    issuer     TEXT NOT NULL DEFAULT '',
    start_year INTEGER NOT NULL,
    end_year   INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- plan_targets: the share (percent) a plan sets for a measure by the end of a year.
CREATE TABLE plan_targets (
    id        INTEGER PRIMARY KEY,
    plan_id   INTEGER NOT NULL REFERENCES plans (id),
    measure   TEXT NOT NULL REFERENCES measures (code),
    year      INTEGER NOT NULL,
    value     REAL NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    UNIQUE (plan_id, measure, year)
);

-- programme_settings: settings of the counts: adult_age (a person is an adult in year Y when
-- Y − birth year ≥ adult_age) and first_year (the first year whose counts are kept).
CREATE TABLE programme_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO programme_settings (key, value, updated_at) VALUES ('adult_age', '18', CURRENT_TIMESTAMP), ('first_year', '2023', CURRENT_TIMESTAMP);

-- count_years: the years whose counts are kept (initialised from the facts once, then kept
-- current by every write that moves them).
CREATE TABLE count_years (
    year       INTEGER PRIMARY KEY,
    counted_at TIMESTAMP NOT NULL
);

-- place_counts: one count for one year in one place, on the year's reference day
-- (31 December): a village (village_id), a work unit (work_unit_id), or the commune itself
-- (both 0) for what belongs to no village. Changed in the same transaction as the facts.
CREATE TABLE place_counts (
    year          INTEGER NOT NULL,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    village_id    INTEGER NOT NULL,
    work_unit_id  INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    value         INTEGER NOT NULL,
    PRIMARY KEY (year, commune_code, village_id, work_unit_id, kind)
);

-- commune_counts: the sum of a commune's rows above, changed with them, so that the city
-- dashboard reads 126 rows per count and year instead of every village's.
CREATE TABLE commune_counts (
    year          INTEGER NOT NULL,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    kind          TEXT NOT NULL,
    value         INTEGER NOT NULL,
    PRIMARY KEY (year, commune_code, kind)
);

-- pipeline_counts: assessments per cycle, place and state, kept by the triggers below in the
-- same statement as the assessment itself, so no code path can forget them.
CREATE TABLE pipeline_counts (
    cycle_id      INTEGER NOT NULL,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    village_id    INTEGER NOT NULL,
    work_unit_id  INTEGER NOT NULL,
    state         TEXT NOT NULL,
    value         INTEGER NOT NULL,
    PRIMARY KEY (cycle_id, commune_code, village_id, work_unit_id, state)
);

-- pipeline_totals: the same per commune, so that the city's pipeline reads a few thousand rows.
CREATE TABLE pipeline_totals (
    cycle_id      INTEGER NOT NULL,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    state         TEXT NOT NULL,
    value         INTEGER NOT NULL,
    PRIMARY KEY (cycle_id, commune_code, state)
);

INSERT INTO pipeline_totals (cycle_id, province_code, commune_code, state, value)
SELECT cycle_id, province_code, commune_code, state, COUNT(*) FROM assessments GROUP BY cycle_id, province_code, commune_code, state;

INSERT INTO pipeline_counts (cycle_id, province_code, commune_code, village_id, work_unit_id, state, value)
SELECT cycle_id, province_code, commune_code, COALESCE(village_id, 0), COALESCE(work_unit_id, 0), state, COUNT(*)
FROM assessments GROUP BY cycle_id, province_code, commune_code, COALESCE(village_id, 0), COALESCE(work_unit_id, 0), state;

CREATE TRIGGER assessments_pipeline_insert AFTER INSERT ON assessments BEGIN
    INSERT INTO pipeline_counts (cycle_id, province_code, commune_code, village_id, work_unit_id, state, value)
    VALUES (NEW.cycle_id, NEW.province_code, NEW.commune_code, COALESCE(NEW.village_id, 0), COALESCE(NEW.work_unit_id, 0), NEW.state, 1)
    ON CONFLICT (cycle_id, commune_code, village_id, work_unit_id, state) DO UPDATE SET value = value + 1;
    INSERT INTO pipeline_totals (cycle_id, province_code, commune_code, state, value) VALUES (NEW.cycle_id, NEW.province_code, NEW.commune_code, NEW.state, 1)
    ON CONFLICT (cycle_id, commune_code, state) DO UPDATE SET value = value + 1;
END;

CREATE TRIGGER assessments_pipeline_update AFTER UPDATE OF cycle_id, commune_code, village_id, work_unit_id, state ON assessments
WHEN OLD.state IS NOT NEW.state OR OLD.cycle_id IS NOT NEW.cycle_id OR OLD.commune_code IS NOT NEW.commune_code
  OR OLD.village_id IS NOT NEW.village_id OR OLD.work_unit_id IS NOT NEW.work_unit_id BEGIN
    UPDATE pipeline_counts SET value = value - 1
    WHERE cycle_id = OLD.cycle_id AND commune_code = OLD.commune_code AND village_id = COALESCE(OLD.village_id, 0)
      AND work_unit_id = COALESCE(OLD.work_unit_id, 0) AND state = OLD.state;
    UPDATE pipeline_totals SET value = value - 1 WHERE cycle_id = OLD.cycle_id AND commune_code = OLD.commune_code AND state = OLD.state;
    INSERT INTO pipeline_counts (cycle_id, province_code, commune_code, village_id, work_unit_id, state, value)
    VALUES (NEW.cycle_id, NEW.province_code, NEW.commune_code, COALESCE(NEW.village_id, 0), COALESCE(NEW.work_unit_id, 0), NEW.state, 1)
    ON CONFLICT (cycle_id, commune_code, village_id, work_unit_id, state) DO UPDATE SET value = value + 1;
    INSERT INTO pipeline_totals (cycle_id, province_code, commune_code, state, value) VALUES (NEW.cycle_id, NEW.province_code, NEW.commune_code, NEW.state, 1)
    ON CONFLICT (cycle_id, commune_code, state) DO UPDATE SET value = value + 1;
END;

CREATE TRIGGER assessments_pipeline_delete AFTER DELETE ON assessments BEGIN
    UPDATE pipeline_counts SET value = value - 1
    WHERE cycle_id = OLD.cycle_id AND commune_code = OLD.commune_code AND village_id = COALESCE(OLD.village_id, 0)
      AND work_unit_id = COALESCE(OLD.work_unit_id, 0) AND state = OLD.state;
    UPDATE pipeline_totals SET value = value - 1 WHERE cycle_id = OLD.cycle_id AND commune_code = OLD.commune_code AND state = OLD.state;
END;

-- past_figures: what the units of their time reported before the system (the Excel reports
-- summed by hand), by era and unit code, imported by city officers. Trends of today's
-- communes reach back through them by the old→new links.
CREATE TABLE past_figures (
    year        INTEGER NOT NULL,
    era         TEXT NOT NULL,
    unit_code   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    value       INTEGER NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    imported_at TIMESTAMP NOT NULL,
    PRIMARY KEY (year, era, unit_code, kind)
);

-- Whether a subject holds a title in a year is looked up per subject when counts are kept.
CREATE INDEX assessments_subject ON assessments (subject_kind, subject_id);
-- A village's residents are found when its counts are refreshed.
CREATE INDEX residences_village ON residences (commune_code, village_id);
