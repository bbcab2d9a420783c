"""The outbox: snapshots of changed counters, limits, acknowledgement, and surviving SIGKILL."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.progress import ProgressStore
from kiosk.server.catalogue import Catalogue
from kiosk.server.ingest import Ingestor, Limits
from kiosk.server.storage import open_store
from kiosk.server.wire import Item
from kiosk.sync import aggregate, outbox
from kiosk.sync.client import Backoff, Credentials, Uploader
from kiosk.sync.outbox import ITEM_FIELDS, Outbox, encode
from tests.sync.helpers import (
    Clock,
    InProcessTransport,
    kiosk_figures,
    server_figures,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock):
    s = ProgressStore.open(tmp_path / "progress.db", clock=clock)
    yield s
    s.close()


def busy_days(store: ProgressStore, clock: Clock, days: int, lessons: int = 5) -> None:
    """One learner per lesson per day, each answering the first step."""
    for _ in range(days):
        for n in range(lessons):
            learner = store.new_guest()
            store.begin_lesson(learner, f"pay-lesson-{n}", version=1, step_count=9,
                               language="en")
            store.answer(learner, f"pay-lesson-{n}", step=0, correct=True)
        clock.advance(days=1)


def test_items_have_the_servers_fields() -> None:
    assert tuple(Item.model_fields) == ITEM_FIELDS


def test_build_snapshots_changed_keys_only(store: ProgressStore, clock: Clock) -> None:
    box = Outbox(store)
    assert box.refresh_and_build() == []
    busy_days(store, clock, 2, lessons=2)
    first = box.refresh_and_build()
    assert len(first) == 1 and len(box.pending()[0].items) == 4
    assert box.refresh_and_build() == []  # nothing changed: nothing queued
    # One key changes: only it is queued again, with a higher revision.
    learner = store.new_guest()
    clock.advance(days=-1)
    store.begin_lesson(learner, "pay-lesson-0", version=1, step_count=9, language="en")
    second = box.refresh_and_build()
    items = box.pending()[1].items
    assert len(second) == 1 and [(i.lesson_id, i.revision, i.starts) for i in items] == [
        ("pay-lesson-0", 2, 2)]


def test_batches_respect_the_item_and_body_limits(store: ProgressStore, clock: Clock) -> None:
    busy_days(store, clock, 90)  # 450 keys
    box = Outbox(store, max_items=100)
    ids = box.refresh_and_build()
    sizes = [len(b.items) for b in box.pending()]
    assert len(ids) == 5 and sizes == [100, 100, 100, 100, 50]
    # A body limit that fits about 20 items a batch.
    store2_box = Outbox(store, max_items=500, max_body_bytes=4000)
    groups = outbox.chunk([i for b in box.pending() for i in b.items], max_items=500,
                          max_body_bytes=4000)
    for group in groups:
        assert len(encode("2b1f0e4e-8a7c-4c39-9d1e-1a2b3c4d5e6f", "k-" + "x" * 62, group)) <= 4000
    assert sum(len(g) for g in groups) == 450 and len(groups) > 20
    assert store2_box.max_body_bytes == 4000


def test_acknowledge_refuse_and_split(store: ProgressStore, clock: Clock) -> None:
    busy_days(store, clock, 1, lessons=4)
    box = Outbox(store)
    [batch_id] = box.refresh_and_build()
    halves = box.split(batch_id)
    assert [len(b.items) for b in box.pending()] == [2, 2] and box.get(batch_id) is None
    box.refuse(halves[0], [{"code": "unknown_lesson", "loc": "items.0.lesson_id",
                            "message": "no lesson"}], "refused: tell the manager")
    status = box.status()
    assert status.pending == 1 and len(status.refused) == 1
    assert status.refused[0].errors[0]["code"] == "unknown_lesson"
    assert status.last_error == "refused: tell the manager"
    box.acknowledge(halves[1], when="2025-11-20 10:00:00 UTC")
    status = box.status()
    assert status.pending == 0 and status.last_success == "2025-11-20 10:00:00 UTC"
    assert box.retry_refused() == 1 and box.status().pending == 1


def test_an_interrupted_build_leaves_nothing_half_done(store: ProgressStore,
                                                       clock: Clock) -> None:
    busy_days(store, clock, 3)
    box = Outbox(store, max_items=4)
    aggregate.refresh(store)

    calls = 0
    original = box._insert

    def failing_insert(items, epoch):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError("power cut")
        return original(items, epoch)

    box._insert = failing_insert  # type: ignore[method-assign]
    with pytest.raises(OSError):
        box.build()
    assert box.pending() == []
    assert store.execute("SELECT COUNT(*) FROM sync_counters WHERE queued_revision > 0")\
        .fetchone()[0] == 0
    box._insert = original  # type: ignore[method-assign]
    assert len(box.build()) == 4  # 15 keys, 4 per batch


def test_killed_at_any_moment_nothing_is_lost_or_counted_twice(tmp_path: Path) -> None:
    """SIGKILL a kiosk that records answers and syncs (through a lossy link to the server's
    own ingest code) again and again; after each kill, reopen and drain: the server holds
    exactly the kiosk's figures."""
    kiosk_db, server_db = tmp_path / "progress.db", tmp_path / "server.db"
    server = open_store(str(server_db))
    server.add_centre("Centre")
    kiosk = server.enrol(server.create_enrolment_code("Centre", now=time.time()),
                         now=time.time())
    assert kiosk is not None
    server.close()
    rng = random.Random(int(os.environ.get("SYNC_KILL_SEED", "4")))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_ in range(int(os.environ.get("SYNC_KILLS", "12"))):
        child = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "sync" / "kill_child.py"), str(kiosk_db),
             str(server_db), kiosk.id, kiosk.secret, str(round_)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "READY", child.stderr.read() if child.stderr \
            else ""
        time.sleep(rng.uniform(0.05, 0.6))
        child.send_signal(signal.SIGKILL)
        _, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err

        store = ProgressStore.open(kiosk_db)
        assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert not store.notices
        server = open_store(str(server_db))
        try:
            uploader = Uploader(store, Credentials("http://in-process", kiosk.id, kiosk.secret),
                                transport=InProcessTransport(
                                    Ingestor(server, Catalogue.guess(),
                                             Limits(requests_per_minute=10**6)), time.time),
                                backoff=Backoff(0, 0), sleep=lambda s: None)
            result = uploader.run()
            assert result.outcome == "done" and result.remaining == 0 and not result.refused
            assert server_figures(server, kiosk.id) == kiosk_figures(store)
            # Every pending-or-acknowledged revision reached the server: none went backwards.
            for row in server.counters():
                key = (row["day"], row["lesson_id"], row["lesson_version"], row["language"])
                assert aggregate.counters(store)[key].revision == row["revision"]
        finally:
            server.close()
            store.close()
    server = open_store(str(server_db))
    try:  # the kills landed in a kiosk that did real work
        assert len(server.counters()) > 10
    finally:
        server.close()


def test_body_is_the_schema_and_nothing_else(store: ProgressStore, clock: Clock) -> None:
    busy_days(store, clock, 1, lessons=1)
    box = Outbox(store)
    box.refresh_and_build()
    [batch] = box.pending()
    data = json.loads(encode(batch.batch_id, "k-1", batch.items))
    assert list(data) == ["batch_id", "kiosk_id", "items"]
    assert [list(i) for i in data["items"]] == [list(ITEM_FIELDS)]
