-- 0005: each person's learning record (sổ học tập suốt đời) and digital skills (issue 6, parts
-- 4, 5 and 7). Completions confirmed by providers are in `completions` (0004). Frozen once released.

-- learning_activities: learning a person declares (reading, a club, a talk, an online course,
-- training at work, other), self-declared until a collector of the village or a commune officer
-- confirms or rejects it. village_id is where the person lived when they declared it: it decides
-- which collector reviews it. minutes is the time spent, at most the days of the period × 24 h.
CREATE TABLE learning_activities (
    id              INTEGER PRIMARY KEY,
    province_code   TEXT NOT NULL,
    commune_code    TEXT NOT NULL,
    village_id      INTEGER REFERENCES villages (id),
    citizen_id      INTEGER NOT NULL REFERENCES citizens (id),
    kind            TEXT NOT NULL,
    description     TEXT NOT NULL,
    started_on      TEXT NOT NULL,
    ended_on        TEXT NOT NULL,
    minutes         INTEGER NOT NULL,
    evidence_sha256 TEXT REFERENCES blobs (sha256),
    evidence_name   TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    declared_by     INTEGER REFERENCES users (id),
    declared_at     TIMESTAMP NOT NULL,
    reviewed_by     INTEGER REFERENCES users (id),
    reviewed_at     TIMESTAMP,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX learning_activities_citizen ON learning_activities (citizen_id, started_on);
CREATE INDEX learning_activities_commune ON learning_activities (province_code, commune_code, state, started_on);
CREATE INDEX learning_activities_village ON learning_activities (village_id, state);
CREATE INDEX learning_activities_evidence ON learning_activities (evidence_sha256);

-- digital_skill_results: a digital-skills self-assessment (QĐ 757/QĐ-BKHCN framework, as
-- digitalskills.Framework), with the answers and the scores by group as JSON.
CREATE TABLE digital_skill_results (
    id                INTEGER PRIMARY KEY,
    province_code     TEXT NOT NULL,
    commune_code      TEXT NOT NULL,
    citizen_id        INTEGER NOT NULL REFERENCES citizens (id),
    taken_on          TEXT NOT NULL,
    framework_version TEXT NOT NULL,
    answers           TEXT NOT NULL,
    group_scores      TEXT NOT NULL,
    percent           INTEGER NOT NULL,
    level             TEXT NOT NULL,
    self_submitted    BOOLEAN NOT NULL,
    submitted_by      INTEGER REFERENCES users (id),
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX digital_skill_results_citizen ON digital_skill_results (citizen_id, taken_on);

-- digital_confirmations: digital-skills confirmations issued elsewhere (another platform, a
-- training centre) and imported from a file. The same person, day and issuer is one
-- confirmation, so importing a file again adds nothing.
CREATE TABLE digital_confirmations (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    confirmed_on  TEXT NOT NULL,
    level         TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    file_name     TEXT NOT NULL DEFAULT '',
    imported_by   INTEGER REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (citizen_id, confirmed_on, issuer)
);
CREATE INDEX digital_confirmations_commune ON digital_confirmations (province_code, commune_code, confirmed_on);

-- assessment_learning_items: items of the learning record attached to an indicator of a
-- Công dân học tập self-assessment as evidence. item_kind is 'completion' or 'activity'.
CREATE TABLE assessment_learning_items (
    id             INTEGER PRIMARY KEY,
    province_code  TEXT NOT NULL,
    commune_code   TEXT NOT NULL,
    assessment_id  INTEGER NOT NULL REFERENCES assessments (id),
    indicator_code TEXT NOT NULL,
    item_kind      TEXT NOT NULL,
    item_id        INTEGER NOT NULL,
    attached_by    INTEGER REFERENCES users (id),
    attached_at    TIMESTAMP NOT NULL,
    UNIQUE (assessment_id, indicator_code, item_kind, item_id)
);
