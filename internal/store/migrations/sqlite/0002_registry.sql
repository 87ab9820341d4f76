-- 0002: the registry of people and organisations (issue: people and organisations).
-- Frozen once released. Memberships carry start/end dates so that history is kept.

ALTER TABLE citizens ADD COLUMN legacy_id TEXT NOT NULL DEFAULT '';
ALTER TABLE citizens ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE citizens ADD COLUMN target_group TEXT NOT NULL DEFAULT '';
ALTER TABLE citizens ADD COLUMN ethnicity TEXT NOT NULL DEFAULT '';
-- national_id_rev and phone_rev hold the digits reversed, so "the last digits" is a prefix
-- range on an index.
ALTER TABLE citizens ADD COLUMN national_id_rev TEXT NOT NULL DEFAULT '';
ALTER TABLE citizens ADD COLUMN phone_rev TEXT NOT NULL DEFAULT '';
ALTER TABLE citizens ADD COLUMN erased_at TIMESTAMP;
-- sort_key orders people by given name then full name in Vietnamese collation (people.SortKey).
ALTER TABLE citizens ADD COLUMN sort_key BLOB NOT NULL DEFAULT x'';
CREATE INDEX citizens_sort ON citizens (commune_code, sort_key);
CREATE INDEX citizens_village_sort ON citizens (commune_code, village_id, sort_key);
-- Superseded: names are found through citizen_name_tokens, and a village's people through the
-- index above or, for a collector's villages, the one-column index below. Fewer indexes make a
-- roster import faster.
DROP INDEX citizens_name;
DROP INDEX citizens_village;
CREATE INDEX citizens_village ON citizens (village_id);

-- citizen_name_tokens holds each word of a person's folded name (no accents, đ→d), so that a
-- search by the beginnings of words ("dang van d") is an index range per word, not a scan.
CREATE TABLE citizen_name_tokens (
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    token         TEXT NOT NULL,
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    PRIMARY KEY (commune_code, token, citizen_id)
);
CREATE INDEX citizen_name_tokens_token ON citizen_name_tokens (token);
CREATE INDEX citizen_name_tokens_citizen ON citizen_name_tokens (citizen_id);
CREATE INDEX citizens_id_rev ON citizens (commune_code, national_id_rev);
CREATE INDEX citizens_phone_rev ON citizens (commune_code, phone_rev);

ALTER TABLE households ADD COLUMN code TEXT NOT NULL DEFAULT '';
ALTER TABLE households ADD COLUMN head_citizen_id INTEGER REFERENCES citizens (id);
CREATE INDEX households_code ON households (commune_code, code);

CREATE TABLE household_memberships (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    household_id  INTEGER NOT NULL REFERENCES households (id),
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    relation      TEXT NOT NULL,
    start_on      TEXT NOT NULL,
    end_on        TEXT
);
CREATE INDEX household_memberships_citizen ON household_memberships (citizen_id);
CREATE INDEX household_memberships_household ON household_memberships (household_id);

CREATE TABLE residences (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    village_id    INTEGER REFERENCES villages (id),
    start_on      TEXT NOT NULL,
    end_on        TEXT
);
CREATE INDEX residences_citizen ON residences (citizen_id);

CREATE TABLE transfers (
    id                INTEGER PRIMARY KEY,
    province_code     TEXT NOT NULL,
    commune_code      TEXT NOT NULL,
    citizen_id        INTEGER NOT NULL REFERENCES citizens (id),
    from_commune_code TEXT NOT NULL,
    performed_by      INTEGER REFERENCES users (id),
    performed_at      TIMESTAMP NOT NULL,
    reason            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX transfers_citizen ON transfers (citizen_id);

CREATE TABLE consents (
    id              INTEGER PRIMARY KEY,
    province_code   TEXT NOT NULL,
    commune_code    TEXT NOT NULL,
    citizen_id      INTEGER NOT NULL REFERENCES citizens (id),
    text_version    TEXT NOT NULL,
    method          TEXT NOT NULL,
    given_by        TEXT NOT NULL,
    collected_by    INTEGER REFERENCES users (id),
    given_at        TIMESTAMP NOT NULL,
    withdrawn_at    TIMESTAMP,
    withdrawn_by    INTEGER REFERENCES users (id)
);
CREATE INDEX consents_citizen ON consents (citizen_id);

CREATE TABLE clans (
    id                INTEGER PRIMARY KEY,
    province_code     TEXT NOT NULL,
    commune_code      TEXT NOT NULL,
    name              TEXT NOT NULL,
    name_folded       TEXT NOT NULL,
    origin            TEXT NOT NULL DEFAULT '',
    representative_id INTEGER REFERENCES citizens (id),
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX clans_commune ON clans (province_code, commune_code);

CREATE TABLE clan_households (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    clan_id       INTEGER NOT NULL REFERENCES clans (id),
    household_id  INTEGER NOT NULL REFERENCES households (id),
    start_on      TEXT NOT NULL,
    end_on        TEXT
);
CREATE INDEX clan_households_clan ON clan_households (clan_id);

CREATE TABLE work_unit_staff (
    id             INTEGER PRIMARY KEY,
    province_code  TEXT NOT NULL,
    commune_code   TEXT NOT NULL,
    work_unit_id   INTEGER NOT NULL REFERENCES work_units (id),
    citizen_id     INTEGER NOT NULL REFERENCES citizens (id),
    position       TEXT NOT NULL DEFAULT '',
    civil_servant  BOOLEAN NOT NULL DEFAULT FALSE,
    start_on       TEXT NOT NULL,
    end_on         TEXT
);
CREATE INDEX work_unit_staff_unit ON work_unit_staff (work_unit_id);
CREATE INDEX work_unit_staff_citizen ON work_unit_staff (citizen_id);

CREATE TABLE branches (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    name          TEXT NOT NULL,
    village_id    INTEGER REFERENCES villages (id),
    work_unit_id  INTEGER REFERENCES work_units (id),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX branches_commune ON branches (province_code, commune_code);

CREATE TABLE branch_members (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    branch_id     INTEGER NOT NULL REFERENCES branches (id),
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    is_official   BOOLEAN NOT NULL DEFAULT FALSE,
    position      TEXT NOT NULL DEFAULT '',
    start_on      TEXT NOT NULL,
    end_on        TEXT
);
CREATE INDEX branch_members_branch ON branch_members (branch_id);
CREATE INDEX branch_members_citizen ON branch_members (citizen_id);

-- trainings record an association official's study of the criteria (the "100% trained" target).
CREATE TABLE trainings (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    trained_on    TEXT NOT NULL,
    course        TEXT NOT NULL,
    trainer       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX trainings_citizen ON trainings (citizen_id);
