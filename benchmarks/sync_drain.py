"""The kiosk's real sync, measured against the real server on loopback.

    python benchmarks/sync_drain.py [--completions 200] [--days 90] [--per-day 30] [--seed 1]

1. A busy week from a REAL progress store: learners take the shipped lessons through the real
   LessonPlayer until ``--completions`` lessons are finished over 7 days (about one learner in
   four stops part way), in four languages. Bytes uploaded by kiosk.sync (signed JSON bodies plus
   the HTTP request head) when the kiosk syncs once a week, once a day, and after every lesson.
2. Drain: ``--days`` days of statistics queued while offline (``--per-day`` lessons a day), then
   one `sync now`-style run against the real server: time and batches.

Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.lessons import load_library  # noqa: E402
from kiosk.player import LessonPlayer  # noqa: E402
from kiosk.progress import ProgressStore  # noqa: E402
from kiosk.sync.client import Credentials, Response, Uploader, UrllibTransport  # noqa: E402
from kiosk.sync.outbox import Outbox  # noqa: E402

LIBRARY = load_library(ROOT / "lessons", ROOT / "assets" / "images")
LANGUAGES = ["zh_Hant_TW", "zh_Hant_TW", "zh_Hant_TW", "en", "vi", "id"]


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


class Counting:
    def __init__(self) -> None:
        self.inner = UrllibTransport()
        self.bytes = 0
        self.requests = 0

    def request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
                timeout: float) -> Response:
        path = "/" + url.split("/", 3)[3]
        head = f"{method} {path} HTTP/1.1\r\nHost: {url.split('/')[2]}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += f"Content-Length: {len(body or b'')}\r\nConnection: close\r\n\r\n"
        self.bytes += len(head.encode()) + len(body or b"")
        self.requests += 1
        return self.inner.request(method, url, body, headers, timeout)


def take(store: ProgressStore, learner: str, lesson_id: str, language: str, finish: bool,
         rng: random.Random) -> bool:
    lesson = LIBRARY.lessons[lesson_id]
    player = LessonPlayer.begin(store, lesson, learner, language=language)
    stop_at = None if finish else rng.randrange(1, lesson.step_count)
    done = 0
    while stop_at is None or done < stop_at:
        step = player.step
        if step.kind == "tap":
            player.tap(step.target)
        elif step.kind == "choice":
            player.choose(next(i for i, o in enumerate(step.options) if o.correct))
        elif step.kind == "order":
            for item in range(len(step.items)):
                player.pick(item)
        elif step.kind == "spot":
            player.spot("real" if step.answer == "real" else "fake")
        done += 1
        if not player.next():
            return True
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "server", "serve", "--host",
                             "127.0.0.1", "--port", str(port), "--db", db, "--lessons",
                             str(ROOT / "lessons"), "--rate-limit", "100000"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "/api/v1/health", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def enrol(db: str, url: str) -> Credentials:
    from kiosk.server.storage import open_store
    from kiosk.sync.client import enrol as kiosk_enrol

    store = open_store(db)
    store.add_centre("Bench Centre")
    code = store.create_enrolment_code("Bench Centre", now=time.time())
    store.close()
    home = Path(tempfile.mkdtemp())
    return kiosk_enrol(home, url, code)


def busy_week(tmp: Path, url: str, credentials: Credentials, completions: int, mode: str,
              seed: int) -> tuple[int, int, int]:
    """Bytes and requests for one week; mode: week, day or lesson (when the kiosk syncs)."""
    rng = random.Random(seed)
    clock = Clock(dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=7))
    store = ProgressStore.open(tmp / f"week-{mode}.db", clock=clock)
    counting = Counting()
    uploader = Uploader(store, credentials, transport=counting)
    lessons = sorted(LIBRARY.lessons)
    finished = 0
    per_day = -(-completions // 7)
    for day in range(7):
        clock.now = clock.now.replace(hour=9) + dt.timedelta(days=1 if day else 0)
        today = 0
        while today < per_day and finished < completions:
            learner = store.new_guest()
            done = take(store, learner, rng.choice(lessons), rng.choice(LANGUAGES),
                        rng.random() < 0.77, rng)
            clock.now += dt.timedelta(minutes=3)
            finished += done
            today += done
            if mode == "lesson":
                uploader.run()
        if mode == "day":
            uploader.run()
    uploader.run()
    keys = len(Outbox(store).store.execute("SELECT * FROM sync_counters").fetchall())
    store.close()
    return counting.bytes, counting.requests, keys


def drain(tmp: Path, url: str, credentials: Credentials, days: int, per_day: int,
          seed: int) -> tuple[float, int, int, float]:
    rng = random.Random(seed)
    clock = Clock(dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=days))
    store = ProgressStore.open(tmp / "drain.db", clock=clock)
    lessons = sorted(LIBRARY.lessons)
    for _ in range(days):
        for _ in range(per_day):
            take(store, store.new_guest(), rng.choice(lessons), rng.choice(LANGUAGES),
                 rng.random() < 0.77, rng)
        clock.now += dt.timedelta(days=1)
    counting = Counting()
    started = time.perf_counter()
    outbox = Outbox(store)
    outbox.refresh_and_build()
    built = time.perf_counter() - started
    items = sum(len(b.items) for b in outbox.pending())
    result = Uploader(store, credentials, transport=counting).run()
    elapsed = time.perf_counter() - started
    assert result.remaining == 0 and result.outcome == "done", result
    store.close()
    return elapsed, counting.requests, items, built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--completions", type=int, default=200)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--per-day", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # Stores in memory-backed /dev/shm where there is one: recording 90 days of answers with
    # synchronous=FULL is otherwise minutes of fsync, and it is not what is measured.
    shm = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=shm) as name:
        tmp = Path(name)
        db = str(tmp / "server.db")
        proc, url = start_server(db)
        try:
            credentials = enrol(db, url)
            print(f"Busy week: {args.completions} completions from a real store "
                  f"({len(LIBRARY.lessons)} shipped lessons, 4 languages)")
            for mode, label in (("week", "once a week"), ("day", "once a day"),
                                ("lesson", "after every lesson")):
                sent, requests, keys = busy_week(tmp, url, credentials, args.completions, mode,
                                                 args.seed)
                print(f"  sync {label:<19} {sent / 1000:7.1f} kB in {requests:4d} request(s) "
                      f"({keys} keys)")
            elapsed, requests, items, built = drain(tmp, url, credentials, args.days,
                                                    args.per_day, args.seed)
            print(f"Drain: {args.days} days queued ({args.per_day} lessons a day, {items} "
                  f"items) -> {requests} batch(es) in {elapsed:.2f} s "
                  f"(aggregating and queueing {built:.2f} s) on loopback, SQLite server")
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    main()
