-- 0009: community resources kept by the Hội Khuyến học (issue 9, part 4): contributions
-- (xã hội hoá) in money or in kind, the awards and scholarships given with them and the
-- contributions they draw on. Frozen once released.

-- contributions: one gift received by a commune's association, with its receipt number.
-- donor_kind is person (citizen_id on record), household, clan, business, organisation (by
-- donor_name) or anonymous. donor_key identifies the donor for counting contributors (the
-- person's id, or the kind and the folded name); NULL for an anonymous gift, each of which
-- counts as one contributor. kind money carries amount (đồng); kind in_kind carries the item,
-- its quantity and an estimated value (0 when not estimated). purpose is scholarship,
-- equipment, prize, sponsorship (of programme_id) or other. received_on is yyyy-mm-dd in Hà Nội.
CREATE TABLE contributions (
    id              INTEGER PRIMARY KEY,
    province_code   TEXT NOT NULL,
    commune_code    TEXT NOT NULL,
    branch_id       INTEGER REFERENCES branches (id),
    receipt_no      TEXT NOT NULL,
    received_on     TEXT NOT NULL,
    donor_kind      TEXT NOT NULL,
    citizen_id      INTEGER REFERENCES citizens (id),
    donor_name      TEXT NOT NULL DEFAULT '',
    donor_address   TEXT NOT NULL DEFAULT '',
    donor_key       TEXT,
    kind            TEXT NOT NULL,
    amount          BIGINT NOT NULL DEFAULT 0,
    item            TEXT NOT NULL DEFAULT '',
    quantity        INTEGER NOT NULL DEFAULT 0,
    unit            TEXT NOT NULL DEFAULT '',
    estimated_value BIGINT NOT NULL DEFAULT 0,
    purpose         TEXT NOT NULL,
    programme_id    INTEGER REFERENCES programmes (id),
    note            TEXT NOT NULL DEFAULT '',
    recorded_by     INTEGER REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (province_code, commune_code, receipt_no)
);
CREATE INDEX contributions_commune ON contributions (province_code, commune_code, received_on);
CREATE INDEX contributions_received ON contributions (received_on);
CREATE INDEX contributions_programme ON contributions (programme_id);

-- awards: a scholarship or prize given to a person on record from the fund of one purpose,
-- in money (amount) or in kind (item and quantity), with its reason and day.
CREATE TABLE awards (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL,
    citizen_id    INTEGER NOT NULL REFERENCES citizens (id),
    purpose       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    amount        BIGINT NOT NULL DEFAULT 0,
    item          TEXT NOT NULL DEFAULT '',
    quantity      INTEGER NOT NULL DEFAULT 0,
    reason        TEXT NOT NULL,
    awarded_on    TEXT NOT NULL,
    recorded_by   INTEGER REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX awards_commune ON awards (province_code, commune_code, awarded_on);
CREATE INDEX awards_citizen ON awards (citizen_id);

-- award_sources: what an award draws from each contribution (money in đồng, or a quantity of
-- an in-kind gift). A contribution's remaining is its amount (or quantity) less these.
CREATE TABLE award_sources (
    id              INTEGER PRIMARY KEY,
    province_code   TEXT NOT NULL,
    commune_code    TEXT NOT NULL,
    award_id        INTEGER NOT NULL REFERENCES awards (id),
    contribution_id INTEGER NOT NULL REFERENCES contributions (id),
    amount          BIGINT NOT NULL DEFAULT 0,
    quantity        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (award_id, contribution_id)
);
CREATE INDEX award_sources_contribution ON award_sources (contribution_id);
