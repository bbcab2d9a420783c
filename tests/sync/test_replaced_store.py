"""A damaged progress store replaced by a fresh one must never lower or drop figures the server
already has, and what was still queued in the damaged file goes out after all (issue 9, part 2).

End to end: the real server process on 127.0.0.1, the real kiosk CLI, real lessons through the
LessonPlayer, and three real damages to the SQLite file (cut short, garbage over its header,
garbage over the pages of its biggest tables). The test keeps its own ledger of what learners
did, across both stores: that is the day's real total the server must show.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.progress import ProgressStore
from kiosk.sync.client import Uploader, load_credentials
from kiosk.sync.outbox import Outbox
from tests.server.conftest import RunningServer, stop_server
from tests.sync.helpers import LIBRARY, Clock, Ledger, server_figures, take_lesson
from tests.sync.test_e2e import enrol_by_cli, kiosk_cli, start

KEY_LESSON, LANGUAGE = "pay-shop-qr", "en"
PAGE = 4096


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start(str(tmp_path / "server.db"))
    yield running
    stop_server(running)


def learners(store: ProgressStore, clock: Clock, ledger: Ledger, count: int, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        learner = store.new_guest()
        take_lesson(store, clock, ledger, learner, KEY_LESSON, language=LANGUAGE, rng=rng)


def truncated(path: Path, _roots: dict[str, int]) -> None:
    """Cut short, mid-page, as a full disk or a pulled card leaves a file."""
    size = path.stat().st_size
    os.truncate(path, size - PAGE - PAGE // 2)


def garbage_header(path: Path, _roots: dict[str, int]) -> None:
    with path.open("r+b") as out:
        out.write(random.Random(1).randbytes(100))


def garbage_pages(path: Path, roots: dict[str, int]) -> None:
    """Garbage over the root pages of the learners' answers and starts."""
    rng = random.Random(2)
    with path.open("r+b") as out:
        for table in ("attempts", "lesson_starts"):
            out.seek((roots[table] - 1) * PAGE)
            out.write(rng.randbytes(PAGE))


@pytest.mark.parametrize("damage", [truncated, garbage_header, garbage_pages],
                         ids=["truncated", "garbage-header", "garbage-pages"])
def test_a_replaced_store_keeps_the_days_figures_and_sends_what_was_queued(
        server: RunningServer, tmp_path: Path, damage: Callable[[Path, dict[str, int]], None]
) -> None:
    home = tmp_path / "kiosk"
    enrol_by_cli(server, home)
    database = home / "progress.db"
    clock, ledger = Clock(), Ledger()
    key = (clock.day, KEY_LESSON, LIBRARY.lessons[KEY_LESSON].version, LANGUAGE)

    # Morning: five learners, synced. Midday: three more, queued while the server is away.
    store = ProgressStore.open(database, clock=clock)
    learners(store, clock, ledger, 5, seed=1)
    assert Uploader(store, load_credentials(home)).run().remaining == 0
    learners(store, clock, ledger, 3, seed=2)
    assert len(Outbox(store).refresh_and_build()) == 1
    roots = {row[0]: int(row[1]) for row in store.execute(
        "SELECT name, rootpage FROM sqlite_master WHERE type = 'table'")}
    store.close()
    snap = server.store()
    assert server_figures(snap)[key][0] == 5
    snap.close()

    damage(database, roots)

    # A volunteer looks first: status only reads, so the damaged file stays where it is.
    looked = kiosk_cli(home, "sync", "status")
    assert looked.returncode == 1 and "is damaged" in looked.stderr, looked.stdout + looked.stderr
    assert "Nothing was moved" in looked.stderr
    assert "1 batch(es)" in looked.stderr, looked.stderr
    assert sorted(p.name for p in home.iterdir() if p.name.startswith("progress")) == \
        ["progress.db"]

    # The kiosk restarts: the file is moved aside, a fresh store started; two more learners.
    store = ProgressStore.open(database, clock=clock)
    assert store.notices
    learners(store, clock, ledger, 2, seed=3)
    store.close()
    [aside] = [p for p in home.iterdir() if ".damaged-" in p.name
               and not p.name.endswith(("-wal", "-shm"))]

    # Status tells the truth: the batch in the damaged file has not reached the server.
    told = kiosk_cli(home, "sync", "status")
    assert told.returncode == 0, told.stderr
    assert "everything has reached the server" not in told.stdout
    assert f"Damaged progress file {aside}: 1 batch(es)" in told.stdout, told.stdout
    assert "were not sent" in told.stdout

    sent = kiosk_cli(home, "sync", "now")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    snap = server.store()
    try:
        # The day's real total (5 + 3 + 2), not the new store's 2 and not the old store's 5.
        assert server_figures(snap)[key] == ledger.figures()[key]
        assert ledger.figures()[key][0] == 10
    finally:
        snap.close()
    assert aside.exists()  # never deleted

    # Afterwards nothing is left to send, and sending again changes nothing.
    after = kiosk_cli(home, "sync", "status")
    assert "Waiting to send: nothing; everything has reached the server." in after.stdout, \
        after.stdout
    before = server.snapshot()["counters"]
    assert kiosk_cli(home, "sync", "now").returncode == 0
    assert server.snapshot()["counters"] == before


def test_more_answers_after_the_store_is_replaced_only_raise_the_days_figures(
        server: RunningServer, tmp_path: Path) -> None:
    """The measured fault: real day total 8, server showed 2. The new store's revisions start
    again at 1; each sync of it must add to, never replace, what the old store sent."""
    home = tmp_path / "kiosk"
    enrol_by_cli(server, home)
    database = home / "progress.db"
    clock, ledger = Clock(), Ledger()
    key = (clock.day, KEY_LESSON, LIBRARY.lessons[KEY_LESSON].version, LANGUAGE)
    store = ProgressStore.open(database, clock=clock)
    for seed in range(3):  # three syncs: the old store's revision for the key reaches 3
        learners(store, clock, ledger, 2, seed=seed)
        assert Uploader(store, load_credentials(home)).run().remaining == 0
    store.close()
    garbage_header(database, {})
    shown = []
    store = ProgressStore.open(database, clock=clock)
    for seed in range(3, 6):
        learners(store, clock, ledger, 1, seed=seed)
        assert Uploader(store, load_credentials(home)).run().remaining == 0
        snap = server.store()
        shown.append(server_figures(snap)[key][0])
        snap.close()
    store.close()
    assert shown == [7, 8, 9] and ledger.figures()[key][0] == 9


def test_status_never_says_everything_arrived_when_a_damaged_file_could_not_be_read(
        tmp_path: Path) -> None:
    """Cut to half its size, the file keeps nothing SQLite can read: whatever was queued in it
    is lost, and sync status must keep saying so after the kiosk has moved it aside."""
    home = tmp_path / "kiosk"
    clock, ledger = Clock(), Ledger()
    store = ProgressStore.open(home / "progress.db", clock=clock)
    learners(store, clock, ledger, 3, seed=1)
    assert len(Outbox(store).refresh_and_build()) == 1
    store.close()
    database = home / "progress.db"
    os.truncate(database, database.stat().st_size // 2)

    looked = kiosk_cli(home, "sync", "status")
    assert looked.returncode == 1 and "could not be read at all" in looked.stderr, looked.stderr
    salvaged = kiosk_cli(home, "sync", "salvage")  # moves it aside, as the kiosk would
    assert salvaged.returncode == 1 and "are lost" in salvaged.stdout, salvaged.stdout
    told = kiosk_cli(home, "sync", "status")
    assert "everything has reached the server" not in told.stdout, told.stdout
    assert "figures in that part that had not been sent are lost" in told.stdout
