-- 0003: the yearly evaluation of titles (issue: the Công dân học tập title end to end).
-- Frozen once released.

-- criteria_sets keeps every uploaded version of a criteria set whole, as the JSON file that was
-- checked (criteria.Parse); a cycle points at one version, so old results keep their rules.
CREATE TABLE criteria_sets (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    version     TEXT NOT NULL,
    name        TEXT NOT NULL,
    body        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    provisional BOOLEAN NOT NULL,
    uploaded_by INTEGER REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL,
    UNIQUE (title, version)
);

-- cycles: one per year per title, with the deadline of each step (dates, Asia/Ho_Chi_Minh).
CREATE TABLE cycles (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    year            INTEGER NOT NULL,
    criteria_set_id INTEGER NOT NULL REFERENCES criteria_sets (id),
    opens_on        TEXT NOT NULL,
    pledge_by       TEXT NOT NULL,
    self_assess_by  TEXT NOT NULL,
    verify_by       TEXT NOT NULL,
    appraise_by     TEXT NOT NULL,
    decide_by       TEXT NOT NULL,
    created_by      INTEGER REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (title, year)
);

-- decisions: a recognition decision of one commune in one cycle, with its list (the
-- assessments that point at it).
CREATE TABLE decisions (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    cycle_id      INTEGER NOT NULL REFERENCES cycles (id),
    number        TEXT NOT NULL,
    signed_on     TEXT NOT NULL,
    signer        TEXT NOT NULL,
    signer_title  TEXT NOT NULL,
    issuing_body  TEXT NOT NULL,
    created_by    INTEGER REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (cycle_id, commune_code, number)
);
CREATE INDEX decisions_scope ON decisions (province_code, commune_code, cycle_id);

-- assessments: one subject (a person, a household, a clan, a village, a work unit or a commune)
-- in one cycle. Scores are JSON objects {"CS01": 8, …}: self_scores as the subject (or an officer
-- for them) gave them, scores after verification; computed holds the items computed from the
-- registry, with their numerators and denominators. citizen_id is the person who may act for the
-- subject themself: the person, the household's head, the clan's representative (NULL for the
-- others). village_id and work_unit_id are where the subject was when it pledged: they decide
-- who verifies.
CREATE TABLE assessments (
    id                 INTEGER PRIMARY KEY,
    province_code      TEXT NOT NULL,
    commune_code       TEXT NOT NULL,
    cycle_id           INTEGER NOT NULL REFERENCES cycles (id),
    subject_kind       TEXT NOT NULL,
    subject_id         INTEGER NOT NULL,
    subject_name       TEXT NOT NULL,
    citizen_id         INTEGER REFERENCES citizens (id),
    village_id         INTEGER REFERENCES villages (id),
    work_unit_id       INTEGER REFERENCES work_units (id),
    target_group       TEXT NOT NULL,
    state              TEXT NOT NULL,
    self_scores        TEXT NOT NULL DEFAULT '',
    scores             TEXT NOT NULL DEFAULT '',
    adjustments        TEXT NOT NULL DEFAULT '',
    computed           TEXT NOT NULL DEFAULT '',
    total              INTEGER NOT NULL DEFAULT 0,
    passed             BOOLEAN NOT NULL DEFAULT FALSE,
    digital_skills     BOOLEAN NOT NULL DEFAULT FALSE,
    digital_proficient BOOLEAN NOT NULL DEFAULT FALSE,
    self_submitted     BOOLEAN NOT NULL DEFAULT FALSE,
    consent_method     TEXT NOT NULL DEFAULT '',
    pledged_at         TIMESTAMP NOT NULL,
    pledged_by         INTEGER REFERENCES users (id),
    submitted_at       TIMESTAMP,
    submitted_by       INTEGER REFERENCES users (id),
    verified_at        TIMESTAMP,
    verified_by        INTEGER REFERENCES users (id),
    appraised_at       TIMESTAMP,
    appraised_by       INTEGER REFERENCES users (id),
    proposed           BOOLEAN NOT NULL DEFAULT FALSE,
    grade              TEXT NOT NULL DEFAULT '',
    level              INTEGER NOT NULL DEFAULT 0,
    valid_until        INTEGER NOT NULL DEFAULT 0,
    comment            TEXT NOT NULL DEFAULT '',
    reason             TEXT NOT NULL DEFAULT '',
    decision_id        INTEGER REFERENCES decisions (id),
    updated_at         TIMESTAMP NOT NULL,
    UNIQUE (cycle_id, subject_kind, subject_id)
);
CREATE INDEX assessments_commune ON assessments (cycle_id, province_code, commune_code, state);
CREATE INDEX assessments_village ON assessments (cycle_id, village_id, state);
CREATE INDEX assessments_unit ON assessments (cycle_id, work_unit_id, state);
CREATE INDEX assessments_citizen ON assessments (citizen_id);
CREATE INDEX assessments_decision ON assessments (decision_id);

-- assessment_steps: each step taken on an assessment, shown to the person as its history.
CREATE TABLE assessment_steps (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    step          TEXT NOT NULL,
    to_state      TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    actor         TEXT NOT NULL,
    at            TIMESTAMP NOT NULL,
    comment       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assessment_steps_assessment ON assessment_steps (assessment_id);

-- blobs: uploaded files, stored once by the SHA-256 of their content, inside the database so
-- that a backup of the database holds them and a write is one transaction.
CREATE TABLE blobs (
    sha256       TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

-- evidence: a file attached to one indicator of an assessment.
CREATE TABLE evidence (
    id             INTEGER PRIMARY KEY,
    province_code  TEXT NOT NULL,
    commune_code   TEXT NOT NULL,
    assessment_id  INTEGER NOT NULL REFERENCES assessments (id),
    indicator_code TEXT NOT NULL,
    blob_sha256    TEXT NOT NULL REFERENCES blobs (sha256),
    file_name      TEXT NOT NULL,
    uploaded_by    INTEGER REFERENCES users (id),
    uploaded_at    TIMESTAMP NOT NULL
);
CREATE INDEX evidence_assessment ON evidence (assessment_id);

-- certificates: one per recognised assessment; code is the unguessable part of /verify/{code}.
CREATE TABLE certificates (
    code          TEXT PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    decision_id   INTEGER NOT NULL REFERENCES decisions (id),
    issued_at     TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP,
    revoked_by    INTEGER REFERENCES users (id),
    revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX certificates_decision ON certificates (decision_id);
CREATE INDEX certificates_assessment ON certificates (assessment_id);

-- signing_keys: the deployment's Ed25519 key for signing credentials (the newest is used).
CREATE TABLE signing_keys (
    id          INTEGER PRIMARY KEY,
    public_key  BLOB NOT NULL,
    private_key BLOB NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
