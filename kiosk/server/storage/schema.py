"""The server's tables, in SQL both SQLite and PostgreSQL accept.

What is *not* here matters as much as what is: no learner ids, no names, no free text, no times
finer than a day for anything a learner did. Kiosk secrets are kept in clear because HMAC needs
them to verify; protect the database file (or the PostgreSQL role) accordingly.
"""

from __future__ import annotations

from kiosk.server.storage.backend import split_script

SCHEMA_VERSION = 1

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS centres (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_day TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS kiosks (
    id TEXT PRIMARY KEY,
    centre_id TEXT NOT NULL REFERENCES centres(id),
    secret TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    enrolled_day TEXT NOT NULL,
    last_seen_day TEXT
);
CREATE TABLE IF NOT EXISTS enrolment_codes (
    code_hash TEXT PRIMARY KEY,            -- sha256 of the normalised code, never the code
    centre_id TEXT NOT NULL REFERENCES centres(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    kiosk_id TEXT
);
CREATE TABLE IF NOT EXISTS managers (
    email TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,           -- scrypt, see kiosk.server.passwords
    created_day TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL REFERENCES kiosks(id),
    received_day TEXT NOT NULL,
    items INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS nonces (
    kiosk_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (kiosk_id, nonce)
);
CREATE INDEX IF NOT EXISTS nonces_seen ON nonces(seen_at);
CREATE TABLE IF NOT EXISTS counters (
    kiosk_id TEXT NOT NULL REFERENCES kiosks(id),
    day TEXT NOT NULL,
    week TEXT NOT NULL,                    -- Monday of the ISO week, for the weekly reports
    lesson_id TEXT NOT NULL,
    lesson_version INTEGER NOT NULL,
    language TEXT NOT NULL,
    revision BIGINT NOT NULL,
    starts INTEGER NOT NULL,
    completions INTEGER NOT NULL,
    reached TEXT NOT NULL,                 -- JSON list of counts, one per step index
    PRIMARY KEY (kiosk_id, day, lesson_id, lesson_version, language)
);
CREATE INDEX IF NOT EXISTS counters_week ON counters(week);
CREATE INDEX IF NOT EXISTS counters_lesson ON counters(lesson_id)
"""

STATEMENTS = list(split_script(DDL))
TABLES = ("meta", "centres", "kiosks", "enrolment_codes", "managers", "batches", "nonces",
          "counters")
