"""Server ingest throughput: 50 simulated kiosks uploading at once over loopback to the REAL
server process, on SQLite and (given a URL) on PostgreSQL; then the time one kiosk takes to drain
90 days of queued statistics. Prints figures; asserts nothing.

    python benchmarks/server_ingest.py                       # SQLite only
    python benchmarks/server_ingest.py --postgres postgresql://kiosk_test:kiosk_test@127.0.0.1/kiosk_test
    KIOSK_TEST_POSTGRES_URL=... python benchmarks/server_ingest.py --runs 5

Each run: every kiosk sends ``--batches`` batches of ``--items`` items one after another (a new
batch only once the last is acknowledged, as the kiosk's outbox does), all kiosks at once.
Reported: the median over runs of batches per second (wall clock) and of the p95 latency.
The clients run on the same machine as the server, so the figures are a floor, not a ceiling.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.server.storage import open_store  # noqa: E402
from kiosk.signing import BATCHES_PATH, sign_request  # noqa: E402

LESSONS = ["pay-shop-qr", "pay-receive", "tele-book-visit", "tele-video-call", "fake-news-check"]
LANGUAGES = ["zh_Hant_TW", "en", "vi", "id"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(db: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "server", "serve", "--port", str(port),
                             "--db", db, "--rate-limit", "100000"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def enrol(db: str, count: int) -> list[tuple[str, str]]:
    """Enrol straight through the store: the API allows 10 enrolments a minute per address."""
    store = open_store(db)
    store.add_centre("Benchmark Centre")
    kiosks = []
    for _ in range(count):
        code = store.create_enrolment_code("Benchmark Centre", now=time.time())
        kiosk = store.enrol(code, now=time.time())
        assert kiosk is not None
        kiosks.append((kiosk.id, kiosk.secret))
    store.close()
    return kiosks


def make_body(kiosk_id: str, items: int, revision: int, first_day: dt.date) -> bytes:
    rows = []
    for i in range(items):
        day = first_day + dt.timedelta(days=i // (len(LESSONS) * len(LANGUAGES)))
        rest = i % (len(LESSONS) * len(LANGUAGES))
        starts = 3 + revision
        rows.append({"day": day.isoformat(), "lesson_id": LESSONS[rest // len(LANGUAGES)],
                     "lesson_version": 1, "language": LANGUAGES[rest % len(LANGUAGES)],
                     "revision": revision, "starts": starts, "completions": starts - 1,
                     "reached": [starts, starts, starts - 1, starts - 1, starts - 1, starts - 1,
                                 starts - 1, starts - 1]})
    import json

    return json.dumps({"batch_id": str(uuid.uuid4()), "kiosk_id": kiosk_id, "items": rows},
                      separators=(",", ":")).encode()


def one_run(url: str, kiosks: list[tuple[str, str]], batches: int, items: int,
            revision_base: int) -> tuple[float, float, int]:
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(kiosks) + 1)

    def kiosk(kiosk_id: str, secret: str) -> None:
        bodies = [make_body(kiosk_id, items, revision_base + n, dt.date(2025, 9, 1))
                  for n in range(batches)]
        mine: list[float] = []
        with httpx.Client(base_url=url, timeout=60) as client:
            barrier.wait()
            for body in bodies:
                headers = sign_request(kiosk_id, secret, "POST", BATCHES_PATH, body)
                started = time.perf_counter()
                response = client.post(BATCHES_PATH, content=body, headers=headers)
                mine.append(time.perf_counter() - started)
                if response.status_code != 200:
                    with lock:
                        errors.append(response.status_code)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=kiosk, args=k) for k in kiosks]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    p95 = statistics.quantiles(latencies, n=20)[-1]
    return len(latencies) / wall, p95, len(errors)


def drain(url: str, kiosk: tuple[str, str], days: int) -> tuple[float, int, int]:
    """90 days queued on one busy kiosk (every lesson in every language, every day: 20 keys a
    day), sent as the outbox would, in batches of at most 500 items."""
    kiosk_id, secret = kiosk
    per_day = len(LESSONS) * len(LANGUAGES)
    total = days * per_day
    sizes = [min(500, total - i) for i in range(0, total, 500)]
    bodies = []
    for n, size in enumerate(sizes):
        body = make_body(kiosk_id, size, 10_000 + n, dt.date(2025, 1, 1))
        bodies.append(body)
    started = time.perf_counter()
    with httpx.Client(base_url=url, timeout=60) as client:
        for body in bodies:
            headers = sign_request(kiosk_id, secret, "POST", BATCHES_PATH, body)
            assert client.post(BATCHES_PATH, content=body, headers=headers).status_code == 200
    return time.perf_counter() - started, len(bodies), sum(len(b) for b in bodies)


def bench(label: str, db: str, args: argparse.Namespace) -> None:
    proc, url = start(db)
    try:
        kiosks = enrol(db, args.kiosks)
        runs = [one_run(url, kiosks, args.batches, args.items, 1 + r * args.batches)
                for r in range(args.runs)]
        rate = statistics.median(r[0] for r in runs)
        p95 = statistics.median(r[1] for r in runs)
        errors = sum(r[2] for r in runs)
        print(f"{label:<11} {args.kiosks} kiosks x {args.batches} batches x {args.items} items, "
              f"median of {args.runs}: {rate:7.1f} batches/s ({rate * args.items:8.0f} items/s), "
              f"p95 latency {p95 * 1000:6.1f} ms, errors {errors}")
        seconds, count, size = drain(url, kiosks[0], 90)
        print(f"{label:<11} drain 90 days queued on one kiosk: {count} batches, "
              f"{size / 1024:.0f} KiB, {seconds:.2f} s")
    finally:
        proc.terminate()
        proc.wait(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--batches", type=int, default=20, help="per kiosk per run")
    parser.add_argument("--items", type=int, default=20, help="per batch")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get("KIOSK_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, server and clients on one "
          "machine (loopback)")
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite", str(Path(tmp) / "bench.db"), args)
    if args.postgres:
        import psycopg

        schema = "bench_" + secrets.token_hex(4)
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        try:
            sep = "&" if "?" in args.postgres else "?"
            bench("PostgreSQL", f"{args.postgres}{sep}options={quote(f'-csearch_path={schema}')}",
                  args)
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    else:
        print("PostgreSQL: skipped (give --postgres URL or set KIOSK_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    main()
