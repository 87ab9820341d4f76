-- 0008: notifications (issue 9, part 3): the in-app inbox, the outbox of messages to external
-- channels (email, a webhook for SMS or chat gateways), each person's choice of channels, and
-- the last settings the server ran with. Frozen once released.

-- notifications: one message to one recipient, shown in the inbox. A person (citizen_id) reads
-- it from any account linked to them; an officer's summary goes to the account (user_id).
-- recipient is "c:<citizen id>" or "u:<user id>"; (event_key, recipient) is unique, so queuing
-- the same event twice (a reminder job run twice) adds nothing. args holds the message's
-- values as JSON; the text is rendered in the reader's language when it is shown or sent.
CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL DEFAULT '',
    commune_code  TEXT NOT NULL DEFAULT '',
    event_key     TEXT NOT NULL,
    recipient     TEXT NOT NULL,
    citizen_id    INTEGER REFERENCES citizens (id),
    user_id       INTEGER REFERENCES users (id),
    kind          TEXT NOT NULL,
    args          TEXT NOT NULL DEFAULT '',
    link          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    read_at       TIMESTAMP,
    UNIQUE (event_key, recipient)
);
CREATE INDEX notifications_citizen ON notifications (citizen_id, id);
CREATE INDEX notifications_user ON notifications (user_id, id);
-- The unread count in every page's header reads these two partial indexes only.
CREATE INDEX notifications_unread_citizen ON notifications (citizen_id) WHERE read_at IS NULL;
CREATE INDEX notifications_unread_user ON notifications (user_id) WHERE read_at IS NULL;

-- outbox: one delivery of a notification on one external channel. (notification_id, channel)
-- is unique: a message is queued once per channel. state: queued → sending (claimed with a
-- lease) → sent | queued again (retry at next_at) | failed (attempts used up); skipped when it
-- must not be sent (consent withdrawn, no address, channel switched off), with the reason.
-- A test message from the administrator has no notification and its address in to_address.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    province_code   TEXT NOT NULL DEFAULT '',
    commune_code    TEXT NOT NULL DEFAULT '',
    notification_id INTEGER REFERENCES notifications (id),
    channel         TEXT NOT NULL,
    to_address      TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_at         TIMESTAMP NOT NULL,
    lease_until     TIMESTAMP,
    claimed_by      TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP,
    UNIQUE (notification_id, channel)
);
CREATE INDEX outbox_due ON outbox (state, next_at);
CREATE INDEX outbox_updated ON outbox (state, updated_at);

-- notification_prefs: the external channels an account chose (the inbox is always on).
CREATE TABLE notification_prefs (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    email      BOOLEAN NOT NULL DEFAULT FALSE,
    webhook    BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL
);

-- notification_settings: the delivery settings (from flags or the environment, password
-- replaced by its hash) the server last started with, so a change is noticed and audited.
CREATE TABLE notification_settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    settings   TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A person's accounts are found from the person when a message is addressed to them.
CREATE INDEX users_citizen_id ON users (citizen_id);
