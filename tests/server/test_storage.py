"""The storage interface, on SQLite and (with KIOSK_TEST_POSTGRES_URL) on a real PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.server.passwords import hash_password, verify_password
from kiosk.server.storage import Replayed, Store, StoreError, open_store
from kiosk.server.wire import Batch

NOW = 1_764_000_000.0  # 2025-11-24


def enrolled(store: Store, centre: str = "Wanhua") -> str:
    if centre not in {c.name for c in store.centres()}:
        store.add_centre(centre)
    kiosk = store.enrol(store.create_enrolment_code(centre, now=NOW), now=NOW)
    assert kiosk is not None
    return kiosk.id


def make_batch(kiosk_id: str, items: list[dict[str, Any]], batch_id: str | None = None) -> Batch:
    full = [{"day": "2025-11-20", "lesson_id": "pay-shop-qr", "lesson_version": 1,
             "language": "en", "revision": 1, "starts": 1, "completions": 0, "reached": [1]}
            | i for i in items]
    return Batch.model_validate({"batch_id": batch_id or str(uuid.uuid4()), "kiosk_id": kiosk_id,
                                 "items": full}, strict=False)


# The server's schema 1, exactly as shipped, to check migrating a database in use.
SCHEMA_1 = """
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


def test_a_schema_1_database_migrates_and_keeps_every_figure(db_url: str) -> None:
    from kiosk.server.storage.backend import split_script

    old = open_store(db_url)  # only to get a backend; its tables are dropped and made as in 1
    with old.backend.transaction() as tx:
        for table in ("counters", "batches", "nonces", "managers", "enrolment_codes", "kiosks",
                      "centres", "meta"):
            tx.execute(f"DROP TABLE {table}")
        for statement in split_script(SCHEMA_1):
            tx.execute(statement)
        tx.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1'), "
                   "('session_secret', 'kept')")
        tx.execute("INSERT INTO centres VALUES ('c-1', 'Wanhua', '2025-11-01')")
        tx.execute("INSERT INTO kiosks (id, centre_id, secret, enrolled_day) VALUES "
                   "('k-1', 'c-1', 's', '2025-11-01'), ('k-2', 'c-1', 't', '2025-11-01')")
        tx.execute("INSERT INTO batches VALUES ('b-1', 'k-1', '2025-11-20', 1)")
        tx.execute("INSERT INTO counters VALUES ('k-1', '2025-11-20', '2025-11-17', "
                   "'pay-shop-qr', 1, 'en', 4, 8, 6, '[8, 7]')")
    old.close()

    store = open_store(db_url)
    try:
        assert [dict(r) for r in store.counters()] == [{
            "kiosk_id": "k-1", "epoch": "", "day": "2025-11-20", "lesson_id": "pay-shop-qr",
            "lesson_version": 1, "language": "en", "revision": 4, "starts": 8,
            "completions": 6, "reached": "[8, 7]"}]
        assert store.session_secret() == "kept"
        snap = store.snapshot()
        assert [r["value"] for r in snap["meta"] if r["key"] == "schema_version"] == ["2"]
        assert [(r["kiosk_id"], r["batch_id"]) for r in snap["batches"]] == [("k-1", "b-1")]
        # The same batch id from another kiosk is that kiosk's own batch now.
        other = make_batch("k-2", [{"revision": 1, "starts": 2}],
                           batch_id="6f1d3c52-1111-4d8e-9c4b-6a2d1e0f9a77")
        mine = make_batch("k-1", [{"revision": 1, "starts": 2}],
                          batch_id="6f1d3c52-1111-4d8e-9c4b-6a2d1e0f9a77")
        assert store.ingest(other, nonce="a" * 32, now=NOW).status == "accepted"
        assert store.ingest(mine, nonce="b" * 32, now=NOW).status == "accepted"
    finally:
        store.close()
    again = open_store(db_url)  # opening a migrated database again changes nothing
    assert [r["starts"] for r in again.counters()] == [8, 2]  # k-1 kept revision 4
    again.close()


def test_a_database_from_a_newer_server_is_refused(db_url: str) -> None:
    store = open_store(db_url)
    with store.backend.transaction() as tx:
        tx.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    store.close()
    with pytest.raises(StoreError, match="newer server"):
        open_store(db_url)


def test_enrolment_codes_are_single_use_and_expire(store: Store) -> None:
    store.add_centre("Wanhua")
    with pytest.raises(StoreError, match="already"):
        store.add_centre("  Wanhua ")
    with pytest.raises(StoreError, match="no centre"):
        store.create_enrolment_code("Nowhere", now=NOW)
    code = store.create_enrolment_code("Wanhua", now=NOW, days=1)
    late = store.create_enrolment_code("Wanhua", now=NOW, days=1)
    kiosk = store.enrol(code, now=NOW + 10)
    assert kiosk is not None and kiosk.centre_name == "Wanhua"
    assert store.enrol(code, now=NOW + 20) is None
    assert store.enrol(late, now=NOW + 86400 + 1) is None  # expired
    assert store.kiosk(kiosk.id) == kiosk
    snap = store.snapshot()
    assert all(len(r["code_hash"]) == 64 for r in snap["enrolment_codes"])  # codes kept hashed
    assert code not in str(snap)


def test_revoke_and_managers(store: Store) -> None:
    kiosk_id = enrolled(store)
    assert store.revoke_kiosk(kiosk_id) and not store.revoke_kiosk("k-nobody")
    kiosk = store.kiosk(kiosk_id)
    assert kiosk is not None and kiosk.revoked
    store.add_manager("Manager@Example.org", hash_password("a long passphrase"))
    with pytest.raises(StoreError):
        store.add_manager("manager@example.org", "x")
    stored = store.manager_password_hash("manager@example.org")
    assert stored and verify_password("a long passphrase", stored)
    assert store.manager_count() == 1


def test_ingest_keeps_the_highest_revision_and_acknowledges_duplicates(store: Store) -> None:
    kiosk_id = enrolled(store)
    b2 = make_batch(kiosk_id, [{"revision": 2, "starts": 5, "reached": [5, 4]}])
    assert store.ingest(b2, nonce="a" * 32, now=NOW).status == "accepted"
    before = store.snapshot()
    duplicate = store.ingest(b2, nonce="b" * 32, now=NOW)
    assert (duplicate.status, duplicate.applied) == ("duplicate", 0)
    assert store.snapshot() == before  # not even the nonce
    with pytest.raises(Replayed):
        store.ingest(make_batch(kiosk_id, []), nonce="a" * 32, now=NOW)
    assert store.snapshot() == before
    b1 = make_batch(kiosk_id, [{"revision": 1, "starts": 9}])
    assert store.ingest(b1, nonce="c" * 32, now=NOW).applied == 0
    rows = store.counters()
    assert [(r["revision"], r["starts"], r["reached"]) for r in rows] == [(2, 5, "[5, 4]")]
    kiosk = store.kiosk(kiosk_id)
    assert kiosk is not None and kiosk.last_seen_day == "2025-11-24"


def test_concurrent_uploads_of_one_batch_count_once(db_url: str) -> None:
    stores = [open_store(db_url) for _ in range(2)]  # two connections, as two server threads
    kiosk_id = enrolled(stores[0])
    batch = make_batch(kiosk_id, [{"revision": 1, "starts": 3}])
    results: list[str] = []

    def send(i: int) -> None:
        for attempt in range(5):
            results.append(stores[i % 2].ingest(batch, nonce=f"{i:02d}{attempt:02d}" * 8,
                                                now=NOW).status)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count("accepted") == 1 and len(results) == 20
    assert [r["starts"] for r in stores[0].counters()] == [3]
    for s in stores:
        s.close()


def test_reports_read_back_cube_and_funnel(store: Store) -> None:
    a, b = enrolled(store, "Wanhua"), enrolled(store, "Beitou")
    store.ingest(make_batch(a, [{"starts": 3, "completions": 1, "reached": [3, 2, 1]},
                                {"day": "2025-11-21", "starts": 2, "reached": [2, 2]}]),
                 nonce="1" * 32, now=NOW)
    store.ingest(make_batch(b, [{"language": "vi", "starts": 4, "reached": [4]}]),
                 nonce="2" * 32, now=NOW)
    cube = store.cube(first_week="2025-11-17", last_week="2025-11-17")
    assert sorted((r["language"], r["starts"], r["completions"]) for r in cube) == [
        ("en", 5, 1), ("vi", 4, 0)]
    assert store.reached("pay-shop-qr", first_week="2025-11-17", last_week="2025-11-17") == {
        1: [9, 4, 1]}
    kiosk_b = store.kiosk(b)
    assert kiosk_b is not None
    assert store.cube(first_week="2025-11-17", last_week="2025-11-17",
                      centre_id=kiosk_b.centre_id)[0]["starts"] == 4
    assert store.cube(first_week="2025-11-24", last_week="2025-12-01") == []


# --- property: any interleaving gives the same totals as "max revision per key" -----------------
KEYS = [("2025-11-20", "pay-shop-qr", "en"), ("2025-11-20", "pay-shop-qr", "vi"),
        ("2025-11-21", "tele-book-visit", "en")]

# A kiosk's history: for each key, a sequence of revisions with growing counts. Batches are
# snapshots of some keys at some revision; the network then duplicates, drops and reorders them.
revision_plan = st.lists(st.tuples(st.sampled_from(range(len(KEYS))), st.integers(0, 5)),
                         min_size=1, max_size=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=revision_plan, data=st.data())
def test_any_interleaving_gives_the_max_revision_totals(db_url: str, plan: list[tuple[int, int]],
                                                       data: st.DataObject) -> None:
    store = open_store(db_url)
    try:
        kiosk_id = enrolled(store, centre=f"C{uuid.uuid4().hex[:8]}")
        revision = {k: 0 for k in range(len(KEYS))}
        counts = {k: 0 for k in range(len(KEYS))}
        batches: list[Batch] = []
        for key, more in plan:  # the kiosk records learners, then queues a batch
            revision[key] += 1
            counts[key] += more
            day, lesson, language = KEYS[key]
            batches.append(make_batch(kiosk_id, [{
                "day": day, "lesson_id": lesson, "language": language,
                "revision": revision[key], "starts": counts[key], "completions": counts[key] // 2,
                "reached": [counts[key], counts[key] // 2]}]))
        # Every batch arrives at least once (the kiosk retries until acknowledged), in any order,
        # some several times: a response lost after the commit makes the kiosk send it again.
        deliveries = data.draw(st.permutations(
            batches + data.draw(st.lists(st.sampled_from(batches), max_size=8))))
        for n, batch in enumerate(deliveries):
            store.ingest(batch, nonce=f"{n:032x}", now=NOW)
        expected = sorted(
            (KEYS[k][0], KEYS[k][1], KEYS[k][2], revision[k], counts[k])
            for k in range(len(KEYS)) if revision[k])
        actual = sorted((r["day"], r["lesson_id"], r["language"], r["revision"], r["starts"])
                        for r in store.counters() if r["kiosk_id"] == kiosk_id)
        assert actual == expected
    finally:
        store.close()
