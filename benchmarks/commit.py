"""Committing one answered step: ``ProgressStore.answer()`` on a real file, against bare sqlite3.

Both loops run in the same process on files in the same temporary folder (on the same disk as
``--dir``, default the system temp folder), interleaved in blocks so that a busy disk affects both
alike:

- ``store``: ``ProgressStore.answer(learner, lesson, step=i, correct=True)``: one transaction with
  the attempt and the new position, WAL, ``synchronous=FULL``, then the position read back;
- ``sqlite3``: a bare connection with the same schema, WAL and ``synchronous=FULL`` running
  ``BEGIN IMMEDIATE; INSERT INTO attempts ...; UPDATE lesson_progress ...; COMMIT``.

The difference is what the store's own checks and sqlite-utils cost. Most of either figure is the
fsync of the WAL, so it depends on the disk: run it on the kiosk's own storage (an SD card is far
slower than a laptop SSD), e.g. ``--dir /path/on/that/disk``.

    .venv/bin/python benchmarks/commit.py [--runs 500] [--dir DIR]

There is no budget yet; it prints median and p99 in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from stats import percentile

ROOT = Path(__file__).resolve().parent.parent
BLOCK = 50  # answers per block; the two loops alternate block by block
LESSON = "bench-lesson"



def filesystem_of(path: Path) -> str:
    """The mount point and type of the file system holding ``path`` (Linux), for the record."""
    best = ("?", "?")
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return "unknown"
    resolved = str(path.resolve())
    for line in mounts:
        _device, mount, kind, *_ = line.split()
        inside = resolved == mount or resolved.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best[0].replace("?", "")):
            best = (mount, kind)
    return f"{best[1]} mounted on {best[0]}"


class StoreLoop:
    def __init__(self, folder: Path, runs: int) -> None:
        from kiosk.progress import ProgressStore

        self.store = ProgressStore.open(folder / "store.db")
        self.learner = self.store.new_guest()
        self.store.start_session(self.learner)
        self.store.begin_lesson(self.learner, LESSON, version=1, step_count=runs + 2,
                                language="en")
        self.step = 0

    def commit_one(self) -> None:
        progress = self.store.answer(self.learner, LESSON, step=self.step, correct=True)
        self.step += 1
        assert progress.step == self.step

    def close(self) -> None:
        assert len(self.store.attempts(self.learner, LESSON)) == self.step
        self.store.close()


class BareLoop:
    def __init__(self, folder: Path, runs: int) -> None:
        from kiosk.progress import V1  # the same tables and indexes as the store

        self.conn = sqlite3.connect(str(folder / "bare.db"), isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        for statement in V1.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        self.learner = "bench-learner"
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.conn.execute("INSERT INTO learners VALUES (?, 'guest', ?)", (self.learner, now[:10]))
        self.conn.execute(
            "INSERT INTO lesson_progress (learner_id, lesson_id, lesson_version, language, step, "
            "furthest_step, step_count, status, started_at, updated_at) "
            "VALUES (?, ?, 1, 'en', 0, 0, ?, 'in_progress', ?, ?)",
            (self.learner, LESSON, runs + 2, now, now))
        self.step = 0

    def commit_one(self) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO attempts (learner_id, lesson_id, lesson_version, language, step, "
            "correct, hinted, at) VALUES (?, ?, 1, 'en', ?, 1, 0, ?)",
            (self.learner, LESSON, self.step, now))
        conn.execute(
            "UPDATE lesson_progress SET step = ?, furthest_step = max(furthest_step, ?), "
            "updated_at = ? WHERE learner_id = ? AND lesson_id = ?",
            (self.step + 1, self.step + 1, now, self.learner, LESSON))
        conn.execute("COMMIT")
        self.step += 1

    def close(self) -> None:
        count = self.conn.execute("SELECT count(*) FROM attempts").fetchone()[0]
        assert count == self.step
        self.conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=500, help="answers committed by each loop")
    parser.add_argument("--dir", type=Path, default=None,
                        help="make the temporary folder here (default: the system temp folder)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-commit-", dir=args.dir) as scratch:
        folder = Path(scratch)
        print(f"files in {folder} ({filesystem_of(folder)}); {args.runs} answers each, "
              f"alternating in blocks of {BLOCK}")
        loops = {"store": StoreLoop(folder, args.runs), "sqlite3": BareLoop(folder, args.runs)}
        times: dict[str, list[float]] = {name: [] for name in loops}
        for loop in loops.values():  # warm up: the first commit creates the WAL file
            loop.commit_one()
        done = 0
        while done < args.runs:
            block = min(BLOCK, args.runs - done)
            for name, loop in loops.items():
                for _ in range(block):
                    started = time.perf_counter()
                    loop.commit_one()
                    times[name].append((time.perf_counter() - started) * 1000)
            done += block
        for loop in loops.values():
            loop.close()

    print()
    print(f"Committing one answered step ({len(times['store'])} timed commits each, "
          "after 1 warm-up):")
    for name, label in (("store", "ProgressStore.answer()"),
                        ("sqlite3", "bare sqlite3 INSERT+UPDATE")):
        ms = times[name]
        print(f"  {label:27s} median {statistics.median(ms):6.2f} ms   "
              f"p99 {percentile(ms, 0.99):6.2f} ms   max {max(ms):6.2f} ms")
    ratio = statistics.median(times["store"]) / statistics.median(times["sqlite3"])
    print(f"  store / bare (medians) = {ratio:.2f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
