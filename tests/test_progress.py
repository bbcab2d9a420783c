"""The progress store on a real SQLite file: durable settings, resume, damage, a full disk."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from kiosk.progress import SCHEMA_VERSION, DamagedStore, ProgressStore, StorageError


@pytest.fixture
def store(tmp_path):
    store = ProgressStore.open(tmp_path / "progress.db")
    yield store
    store.close()


def begin(store, learner, lesson="pay-shop-qr", steps=4, version=1):
    return store.begin_lesson(learner, lesson, version=version, step_count=steps, language="en")


def test_every_connection_is_durable(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_learner_moves_through_a_lesson(store):
    learner = store.new_guest()
    store.start_session(learner)
    assert begin(store, learner).step == 0
    assert store.answer(learner, "pay-shop-qr", step=0, correct=False, hinted=True).step == 0
    # Right: the way on is open, but the place stays on the answered step (its feedback is on
    # screen), so a restart reopens it rather than the next, unseen step.
    right = store.answer(learner, "pay-shop-qr", step=0, correct=True, move_on=False)
    assert (right.step, right.furthest_step) == (0, 1)
    assert store.go_to_step(learner, "pay-shop-qr", 1).step == 1  # Next
    assert store.go_to_step(learner, "pay-shop-qr", 0).furthest_step == 1
    # Back on step 0 and answering it again: recorded, and nothing further opens.
    assert store.answer(learner, "pay-shop-qr", step=0, correct=True,
                        move_on=False).furthest_step == 1
    assert store.go_to_step(learner, "pay-shop-qr", 1).step == 1
    # An answer to a step the learner is not on is recorded but moves nothing.
    assert store.answer(learner, "pay-shop-qr", step=0, correct=True).step == 1
    assert store.go_to_step(learner, "pay-shop-qr", 9).step == 1  # never past the furthest
    # An explain step is answered by Next: the place moves with it.
    moved = store.answer(learner, "pay-shop-qr", step=1, correct=True, move_on=True)
    assert (moved.step, moved.furthest_step) == (2, 2)
    store.answer(learner, "pay-shop-qr", step=2, correct=True, move_on=False)
    store.go_to_step(learner, "pay-shop-qr", 3)
    progress = store.answer(learner, "pay-shop-qr", step=3, correct=True, move_on=False)
    assert progress.done and progress.step == 4  # the last step's answer finishes it
    attempts = store.attempts(learner, "pay-shop-qr")
    assert [(a["step"], a["correct"], a["hinted"]) for a in attempts] == [
        (0, 0, 1), (0, 1, 0), (0, 1, 0), (0, 1, 0), (1, 1, 0), (2, 1, 0), (3, 1, 0)]


def test_progress_is_keyed_by_learner(store):
    ana, ben = store.new_guest(), store.new_guest()
    begin(store, ana)
    store.answer(ana, "pay-shop-qr", step=0, correct=True, move_on=True)
    assert store.all_progress(ben) == {}
    assert store.all_progress(ana)["pay-shop-qr"].step == 1


def test_the_session_survives_a_restart(tmp_path):
    path = tmp_path / "progress.db"
    store = ProgressStore.open(path)
    learner = store.new_guest()
    store.start_session(learner)
    begin(store, learner)
    store.answer(learner, "pay-shop-qr", step=0, correct=True, move_on=True)
    store.close()  # like a power cut after the commit

    again = ProgressStore.open(path)
    session = again.active_session()
    assert session is not None
    assert (session.learner_id, session.lesson_id) == (learner, "pay-shop-qr")
    assert again.progress(learner, "pay-shop-qr").step == 1
    again.end_session()
    assert again.active_session() is None
    again.close()


def test_a_done_lesson_opens_from_the_start_and_a_new_version_resets(store):
    learner = store.new_guest()
    begin(store, learner, steps=1)
    assert store.answer(learner, "pay-shop-qr", step=0, correct=True).done
    assert begin(store, learner, steps=1).step == 0
    store.answer(learner, "pay-shop-qr", step=0, correct=False)
    begin(store, learner, steps=3)
    store.answer(learner, "pay-shop-qr", step=0, correct=True)
    assert begin(store, learner, steps=5, version=2).step == 0


def test_a_damaged_file_is_moved_aside_and_a_fresh_one_started(tmp_path):
    path = tmp_path / "progress.db"
    path.write_bytes(b"this is not a database" * 200)
    store = ProgressStore.open(path)
    assert len(store.notices) == 1
    assert "could not be read" in store.notices[0]
    moved = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(moved) == 1 and moved[0].read_bytes().startswith(b"this is not a database")
    assert store.new_guest()  # the fresh store works
    store.close()


def test_looking_at_a_damaged_file_leaves_it_where_it_is(tmp_path):
    path = tmp_path / "progress.db"
    path.write_bytes(b"this is not a database" * 200)
    with pytest.raises(DamagedStore, match="not a database"):
        ProgressStore.open(path, move_damaged=False)
    assert [p.name for p in tmp_path.iterdir()] == ["progress.db"]


def test_every_fresh_store_has_its_own_random_sync_epoch(tmp_path):
    epochs = set()
    for name in ("a.db", "b.db"):
        store = ProgressStore.open(tmp_path / name)
        [(epoch,)] = store.db.execute(
            "SELECT value FROM sync_state WHERE key = 'sync.epoch'").fetchall()
        store.close()
        assert len(epoch) == 32 and int(epoch, 16) >= 0
        epochs.add(epoch)
    assert len(epochs) == 2


def test_a_file_from_a_newer_kiosk_is_kept_aside(tmp_path):
    path = tmp_path / "progress.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    store = ProgressStore.open(path)
    assert "newer version" in store.notices[0]
    store.close()


def test_a_full_disk_is_a_clear_error_and_loses_nothing_committed(store):
    learner = store.new_guest()
    begin(store, learner, steps=10_000)
    store.answer(learner, "pay-shop-qr", step=0, correct=True, move_on=True)
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now "full"
    with pytest.raises(StorageError, match="storage is full"):
        for step in range(1, 10_000):
            store.answer(learner, "pay-shop-qr", step=step, correct=True, hinted=False,
                         move_on=True)
    reached = store.progress(learner, "pay-shop-qr").step
    assert reached >= 1
    assert len(store.attempts(learner, "pay-shop-qr")) == reached  # attempt and move together
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_home_that_cannot_be_made_is_a_storage_error(tmp_path):
    blocker = tmp_path / "home"
    blocker.write_text("a file where the kiosk's folder should be")
    with pytest.raises(StorageError, match="could not be saved"):
        ProgressStore.open(blocker / "progress.db")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_an_unwritable_folder_is_a_storage_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    with pytest.raises(StorageError):
        ProgressStore.open(folder / "progress.db")


def test_in_memory_fallback_works(tmp_path):
    store = ProgressStore.in_memory(notice="disk broken")
    learner = store.new_guest()
    begin(store, learner)
    assert store.answer(learner, "pay-shop-qr", step=0, correct=True).step == 1
    assert store.notices == ["disk broken"]


def test_a_v2_file_migrates_to_v3_and_keeps_everything(tmp_path):
    """A kiosk in use before profiles: every row of every table is still there after V3, and
    its guests can then become profiles."""
    from kiosk.profiles import Profiles
    from kiosk.progress import V1, V2

    path = tmp_path / "progress.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in (V1, V2):
        for statement in migration.split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.executescript("""
        INSERT INTO learners VALUES ('L1', 'guest', '2025-11-19'), ('L2', 'guest', '2025-11-20');
        INSERT INTO sessions (learner_id, lesson_id, started_at, ended_at) VALUES
            ('L1', 'pay-shop-qr', '2025-11-19T08:00:00+00:00', '2025-11-19T08:30:00+00:00'),
            ('L2', NULL, '2025-11-20T10:00:00+00:00', NULL);
        INSERT INTO lesson_progress VALUES
            ('L1', 'pay-shop-qr', 1, 'en', 2, 2, 2, 'done', '2025-11-19T08:00:00+00:00',
             '2025-11-19T08:05:00+00:00', '2025-11-19T08:05:00+00:00');
        INSERT INTO attempts (learner_id, lesson_id, lesson_version, language, step, correct,
                              hinted, at) VALUES
            ('L1', 'pay-shop-qr', 1, 'en', 0, 1, 0, '2025-11-19T08:01:00+00:00'),
            ('L1', 'pay-shop-qr', 1, 'en', 1, 1, 1, '2025-11-19T08:05:00+00:00');
        INSERT INTO lesson_starts (learner_id, lesson_id, lesson_version, language, step_count,
                                   day) VALUES ('L1', 'pay-shop-qr', 1, 'en', 2, '2025-11-19');
        INSERT INTO sync_counters VALUES ('2025-11-19', 'pay-shop-qr', 1, 'en', 1, 1, 1, '[1,1]',
                                          1);
        INSERT INTO outbox_batches (batch_id, status, created_at, item_count) VALUES
            ('b-1', 'pending', '2025-11-19T09:00:00+00:00', 1);
        INSERT INTO outbox_items VALUES ('b-1', 0, '2025-11-19', 'pay-shop-qr', 1, 'en', 1, 1, 1,
                                         '[1,1]');
        INSERT INTO sync_state VALUES ('aggregate.attempts_seen', '2'), ('sync.last_success', 'x');
    """)
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    before = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
    assert all(before.values())  # every v2 table has something to lose
    conn.close()

    store = ProgressStore.open(path)
    try:
        assert store.notices == []
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
        after = {t: sorted(store.db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
        # V5 adds outbox_batches.epoch ('' for a batch queued before epochs); nothing else moves.
        assert after.pop("outbox_batches") == [(*row, "") for row in before.pop("outbox_batches")]
        assert after == before
        # A store already in use keeps the epoch '' the server filed its figures under.
        assert store.db.execute("SELECT COUNT(*) FROM sync_state WHERE key = 'sync.epoch'")\
            .fetchone()[0] == 0
        for table in ("profiles", "pin_failures", "help_requests", "checks", "check_answers"):
            assert store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
        profile = Profiles(store).create("sun", "1234", language="en", learner_id="L1")
        assert profile.learner_id == "L1" and store.progress("L1", "pay-shop-qr").done
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        store.close()
