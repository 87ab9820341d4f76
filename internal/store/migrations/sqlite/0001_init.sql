-- 0001: the foundation schema. Frozen: change the schema only in a new numbered file.
-- Instants are TIMESTAMP (UTC); civil dates are TEXT 'YYYY-MM-DD'.
-- Every large table carries province_code and commune_code: the future sharding key (DESIGN §5).

CREATE TABLE admin_units (
    era             TEXT NOT NULL,
    code            TEXT NOT NULL,
    level           TEXT NOT NULL,
    name            TEXT NOT NULL,
    short_name      TEXT NOT NULL,
    type            TEXT NOT NULL,
    parent_code     TEXT NOT NULL DEFAULT '',
    province_code   TEXT NOT NULL,
    valid_from      TEXT,
    valid_to        TEXT,
    status          TEXT NOT NULL DEFAULT '',
    population_2019 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (era, code)
);

CREATE TABLE admin_unit_links (
    from_era  TEXT NOT NULL,
    from_code TEXT NOT NULL,
    to_era    TEXT NOT NULL,
    to_code   TEXT NOT NULL,
    is_full   BOOLEAN NOT NULL,
    weight    REAL NOT NULL,
    PRIMARY KEY (from_era, from_code, to_era, to_code)
);

CREATE TABLE villages (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    name          TEXT NOT NULL,
    name_folded   TEXT NOT NULL,
    kind          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    retired_on    TEXT,
    UNIQUE (commune_code, name_folded)
);

CREATE TABLE work_units (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    level         TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX work_units_commune ON work_units (province_code, commune_code);

CREATE TABLE providers (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE households (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    village_id    INTEGER NOT NULL REFERENCES villages (id),
    address       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX households_village ON households (province_code, commune_code, village_id);

CREATE TABLE citizens (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    village_id    INTEGER REFERENCES villages (id),
    household_id  INTEGER REFERENCES households (id),
    relation      TEXT NOT NULL DEFAULT '',
    national_id   TEXT UNIQUE,
    full_name     TEXT NOT NULL,
    name_folded   TEXT NOT NULL,
    birth_date    TEXT,
    birth_year    INTEGER NOT NULL,
    gender        TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    work_unit_id  INTEGER REFERENCES work_units (id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX citizens_village ON citizens (province_code, commune_code, village_id);
CREATE INDEX citizens_name ON citizens (commune_code, name_folded);
CREATE INDEX citizens_household ON citizens (household_id);
CREATE INDEX citizens_work_unit ON citizens (work_unit_id);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    display_name         TEXT NOT NULL,
    login_phone          TEXT UNIQUE,
    login_email          TEXT UNIQUE,
    login_national_id    TEXT UNIQUE,
    password_hash        TEXT NOT NULL,
    lang                 TEXT NOT NULL DEFAULT 'vi',
    citizen_id           INTEGER REFERENCES citizens (id),
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         TIMESTAMP,
    created_by           INTEGER REFERENCES users (id),
    created_at           TIMESTAMP NOT NULL,
    password_changed_at  TIMESTAMP NOT NULL
);

CREATE TABLE grants (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    role          TEXT NOT NULL,
    province_code TEXT NOT NULL DEFAULT '',
    commune_code  TEXT NOT NULL DEFAULT '',
    village_id    INTEGER REFERENCES villages (id),
    work_unit_id  INTEGER REFERENCES work_units (id),
    provider_id   INTEGER REFERENCES providers (id),
    citizen_id    INTEGER REFERENCES citizens (id),
    created_by    INTEGER REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX grants_user ON grants (user_id);
CREATE INDEX grants_scope ON grants (province_code, commune_code);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);

-- login_throttle counts failed logins per key ("account:ID" or "address:IP") within a window.
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

-- audit_log is append-only (triggers below) and hash-chained: hash = SHA-256(prev_hash, fields).
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TIMESTAMP NOT NULL,
    actor_user_id INTEGER,
    actor         TEXT NOT NULL,
    ip            TEXT NOT NULL DEFAULT '',
    request_id    TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL,
    entity        TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    province_code TEXT NOT NULL DEFAULT '',
    commune_code  TEXT NOT NULL DEFAULT '',
    before_json   TEXT NOT NULL DEFAULT '',
    after_json    TEXT NOT NULL DEFAULT '',
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_log_scope ON audit_log (province_code, commune_code, id);

-- audit_head holds the last entry's id and hash; every write transaction locks it, which
-- serialises appends and lets verify notice entries removed from the end of the chain.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- pending_imports keeps an uploaded file between its preview and the user's confirmation.
CREATE TABLE pending_imports (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL,
    province_code TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    options      TEXT NOT NULL DEFAULT '',
    payload      BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
