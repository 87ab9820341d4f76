-- 0004: lifelong-learning programmes of providers (issue 6, part 1): programmes and their
-- sessions, enrolment with a waiting list, attendance by QR code, list or file, and the
-- completions another engineer's learning-record timeline reads. Frozen once released.

-- programmes: what a provider offers. commune_code is where it takes place (the provider's
-- commune for an online programme); first_day and last_day follow its sessions, for the
-- catalogue's date filter; search is FoldName(title) for search without diacritics.
CREATE TABLE programmes (
    id                 INTEGER PRIMARY KEY,
    province_code      TEXT NOT NULL,
    commune_code       TEXT NOT NULL,
    provider_id        INTEGER NOT NULL REFERENCES providers (id),
    title              TEXT NOT NULL,
    search             TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    topic              TEXT NOT NULL,
    audience           TEXT NOT NULL DEFAULT '',
    mode               TEXT NOT NULL,
    address            TEXT NOT NULL DEFAULT '',
    minutes            INTEGER NOT NULL,
    capacity           INTEGER NOT NULL,
    issues_certificate BOOLEAN NOT NULL DEFAULT FALSE,
    min_attendance     INTEGER NOT NULL DEFAULT 80,
    state              TEXT NOT NULL,
    first_day          TEXT NOT NULL DEFAULT '',
    last_day           TEXT NOT NULL DEFAULT '',
    cancel_reason      TEXT NOT NULL DEFAULT '',
    created_by         INTEGER REFERENCES users (id),
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    published_at       TIMESTAMP
);
CREATE INDEX programmes_catalogue ON programmes (state, last_day);
CREATE INDEX programmes_provider ON programmes (provider_id);
CREATE INDEX programmes_commune ON programmes (province_code, commune_code);

-- programme_sessions: the dated sessions of a programme (day yyyy-mm-dd, times HH:MM in Hà
-- Nội). opened_at is when the provider opened check-in by QR code. (The table "sessions" holds
-- the login sessions.)
CREATE TABLE programme_sessions (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    programme_id  INTEGER NOT NULL REFERENCES programmes (id),
    day           TEXT NOT NULL,
    starts_at     TEXT NOT NULL,
    ends_at       TEXT NOT NULL,
    opened_at     TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX programme_sessions_programme ON programme_sessions (programme_id, day);

-- enrolments: one person in one programme; state enrolled, waiting or cancelled. A waiting
-- list is served in order of queued_at (then id).
CREATE TABLE enrolments (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    programme_id  INTEGER NOT NULL REFERENCES programmes (id),
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    state         TEXT NOT NULL,
    queued_at     TIMESTAMP NOT NULL,
    enrolled_by   INTEGER REFERENCES users (id),
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (programme_id, citizen_id)
);
CREATE INDEX enrolments_citizen ON enrolments (citizen_id);
CREATE INDEX enrolments_programme ON enrolments (programme_id, state, queued_at);

-- attendance: one person present at one session; method qr, list or import. The unique key
-- makes a check-in count once, however often a code is scanned.
CREATE TABLE attendance (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    session_id    INTEGER NOT NULL REFERENCES programme_sessions (id),
    programme_id  INTEGER NOT NULL REFERENCES programmes (id),
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    method        TEXT NOT NULL,
    recorded_by   INTEGER REFERENCES users (id),
    recorded_at   TIMESTAMP NOT NULL,
    UNIQUE (session_id, citizen_id)
);
CREATE INDEX attendance_programme ON attendance (programme_id, citizen_id);

-- checkin_keys: the server's secret for the HMAC of the check-in QR codes (the newest is used).
CREATE TABLE checkin_keys (
    id         INTEGER PRIMARY KEY,
    secret     BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- completions: a person completed a programme, confirmed by its provider (by attendance or an
-- import). Read by the learning record.
CREATE TABLE completions (
    id               INTEGER PRIMARY KEY,
    province_code    TEXT NOT NULL,
    commune_code     TEXT NOT NULL,
    citizen_id       INTEGER NOT NULL REFERENCES citizens (id),
    programme_id     INTEGER REFERENCES programmes (id),
    provider_id      INTEGER NOT NULL REFERENCES providers (id),
    title            TEXT NOT NULL,
    topic            TEXT NOT NULL,
    completed_on     TEXT NOT NULL,
    minutes          INTEGER NOT NULL,
    source           TEXT NOT NULL,
    certificate_code TEXT UNIQUE,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (citizen_id, programme_id, completed_on)
);
CREATE INDEX completions_citizen ON completions (citizen_id, completed_on);
CREATE INDEX completions_programme ON completions (programme_id);
