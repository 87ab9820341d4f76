-- 0007: news, announcements and campaigns that officers publish for their scope (issue 9,
-- part 2), and the images placed in their text. Frozen once released.

-- news: one item. audience says who it is for: 'city' (the whole province: commune_code is ''),
-- 'commune' (commune_code) or 'unit' (work_unit_id, with the unit's commune in commune_code so
-- the row stays located). starts_on and ends_on (yyyy-mm-dd in Hà Nội, '' = open) bound when it
-- shows; a campaign has both. state: draft → published → withdrawn, each with who and when.
-- body is the text in the small markup of internal/news (never HTML).
CREATE TABLE news (
    id              INTEGER PRIMARY KEY,
    province_code   TEXT NOT NULL,
    commune_code    TEXT NOT NULL DEFAULT '',
    work_unit_id    INTEGER REFERENCES work_units (id),
    audience        TEXT NOT NULL,
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL DEFAULT '',
    starts_on       TEXT NOT NULL DEFAULT '',
    ends_on         TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    created_by      INTEGER REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    published_by    INTEGER REFERENCES users (id),
    published_at    TIMESTAMP,
    withdrawn_by    INTEGER REFERENCES users (id),
    withdrawn_at    TIMESTAMP,
    withdraw_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX news_shown ON news (state, audience, published_at);
CREATE INDEX news_place ON news (province_code, commune_code);
CREATE INDEX news_unit ON news (work_unit_id);

-- news_images: the pictures of an item, numbered in the order they were added ([ảnh 1] in
-- the text places the first); the content is a row of blobs, stored once by its SHA-256.
CREATE TABLE news_images (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    commune_code  TEXT NOT NULL DEFAULT '',
    news_id       INTEGER NOT NULL REFERENCES news (id),
    number        INTEGER NOT NULL,
    blob_sha256   TEXT NOT NULL REFERENCES blobs (sha256),
    alt           TEXT NOT NULL DEFAULT '',
    width         INTEGER NOT NULL DEFAULT 0,
    height        INTEGER NOT NULL DEFAULT 0,
    uploaded_by   INTEGER REFERENCES users (id),
    uploaded_at   TIMESTAMP NOT NULL,
    UNIQUE (news_id, number)
);
