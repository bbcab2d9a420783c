"""The server's tables, in SQL both SQLite and PostgreSQL accept.

What is *not* here matters as much as what is: no learner ids, no names, no free text, no times
finer than a day for anything a learner did. Kiosk secrets are kept in clear because HMAC needs
them to verify; protect the database file (or the PostgreSQL role) accordingly.
"""

from __future__ import annotations

from kiosk.server.storage.backend import split_script

SCHEMA_VERSION = 2

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
CREATE TABLE IF NOT EXISTS manager_sessions (
    token_hash TEXT PRIMARY KEY,           -- sha256 of the session's random id, never the id
    email TEXT NOT NULL,
    expires_at BIGINT NOT NULL             -- logging out deletes the row: the cookie then fails
);
CREATE TABLE IF NOT EXISTS batches (
    kiosk_id TEXT NOT NULL REFERENCES kiosks(id),
    batch_id TEXT NOT NULL,                -- unique per kiosk only: see migration 2
    received_day TEXT NOT NULL,
    items INTEGER NOT NULL,
    PRIMARY KEY (kiosk_id, batch_id)
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
    epoch TEXT NOT NULL DEFAULT '',        -- the kiosk's progress store that counted them
    day TEXT NOT NULL,
    week TEXT NOT NULL,                    -- Monday of the ISO week, for the weekly reports
    lesson_id TEXT NOT NULL,
    lesson_version INTEGER NOT NULL,
    language TEXT NOT NULL,
    revision BIGINT NOT NULL,
    starts INTEGER NOT NULL,
    completions INTEGER NOT NULL,
    reached TEXT NOT NULL,                 -- JSON list of counts, one per step index
    PRIMARY KEY (kiosk_id, epoch, day, lesson_id, lesson_version, language)
);
CREATE INDEX IF NOT EXISTS counters_week ON counters(week);
CREATE INDEX IF NOT EXISTS counters_lesson ON counters(lesson_id)
"""

# Migrations take a database from version N-1 to N (MIGRATIONS[N-2]), inside one transaction
# with the version bump in ``meta``. Append only. A fresh database gets the DDL above, already at
# SCHEMA_VERSION, and runs none of them.
#
# 2: counters gain ``epoch`` in their key. A kiosk's revisions count up per progress store; when a
#    damaged store is replaced, the new one starts again at revision 1, so keeping "the highest
#    revision per key" would drop or overwrite figures already received. Each store now sends a
#    random epoch and the server keeps the highest revision per (kiosk, epoch, key): reports sum
#    over epochs. Rows from before carry epoch '' (a kiosk's first store keeps '' too, see
#    kiosk/progress.py V4). And batch ids are unique per kiosk, not across all kiosks: one kiosk
#    must not be able to claim another's batch id and have the victim's batch answered
#    "duplicate". Both tables are rebuilt because neither database alters a primary key in place.
MIGRATION_2 = """
CREATE TABLE counters_v2 (
    kiosk_id TEXT NOT NULL REFERENCES kiosks(id),
    epoch TEXT NOT NULL DEFAULT '',
    day TEXT NOT NULL,
    week TEXT NOT NULL,
    lesson_id TEXT NOT NULL,
    lesson_version INTEGER NOT NULL,
    language TEXT NOT NULL,
    revision BIGINT NOT NULL,
    starts INTEGER NOT NULL,
    completions INTEGER NOT NULL,
    reached TEXT NOT NULL,
    PRIMARY KEY (kiosk_id, epoch, day, lesson_id, lesson_version, language)
);
INSERT INTO counters_v2 (kiosk_id, epoch, day, week, lesson_id, lesson_version, language,
                         revision, starts, completions, reached)
    SELECT kiosk_id, '', day, week, lesson_id, lesson_version, language, revision, starts,
           completions, reached FROM counters;
DROP TABLE counters;
ALTER TABLE counters_v2 RENAME TO counters;
CREATE INDEX IF NOT EXISTS counters_week ON counters(week);
CREATE INDEX IF NOT EXISTS counters_lesson ON counters(lesson_id);
CREATE TABLE batches_v2 (
    kiosk_id TEXT NOT NULL REFERENCES kiosks(id),
    batch_id TEXT NOT NULL,
    received_day TEXT NOT NULL,
    items INTEGER NOT NULL,
    PRIMARY KEY (kiosk_id, batch_id)
);
INSERT INTO batches_v2 (kiosk_id, batch_id, received_day, items)
    SELECT kiosk_id, batch_id, received_day, items FROM batches;
DROP TABLE batches;
ALTER TABLE batches_v2 RENAME TO batches
"""

STATEMENTS = list(split_script(DDL))
MIGRATIONS = [list(split_script(MIGRATION_2))]
assert len(MIGRATIONS) == SCHEMA_VERSION - 1
TABLES = ("meta", "centres", "kiosks", "enrolment_codes", "managers", "manager_sessions",
          "batches", "nonces", "counters")
