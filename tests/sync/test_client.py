"""The client against scripted answers: each status does what docs/SYNC.md says; backoff;
the clock learnt from Date; credentials private; the worker thread."""

from __future__ import annotations

import email.utils
import json
import random
import stat
import threading
import time
from pathlib import Path

import pytest

from kiosk.progress import ProgressStore
from kiosk.signing import verify_signature
from kiosk.sync.client import (
    Backoff,
    Credentials,
    Response,
    ServerClock,
    SyncError,
    Uploader,
    enrol,
    load_credentials,
    save_credentials,
)
from kiosk.sync.outbox import Outbox
from kiosk.sync.worker import SyncWorker
from tests.sync.helpers import Clock, Scripted, offline, ok, refused

CREDS = Credentials("http://127.0.0.1:9", "k-test", "s3cret", "Wanhua")


@pytest.fixture
def store(tmp_path: Path):
    s = ProgressStore.open(tmp_path / "progress.db", clock=Clock())
    learner = s.new_guest()
    s.begin_lesson(learner, "pay-shop-qr", version=1, step_count=4, language="en")
    yield s
    s.close()


def uploader(store: ProgressStore, answers, **kwargs) -> tuple[Uploader, Scripted, list[float]]:
    transport = Scripted(answers)
    sleeps: list[float] = []
    up = Uploader(store, CREDS, transport=transport, sleep=sleeps.append,
                  backoff=Backoff(base=1, cap=8, rng=random.Random(1)), **kwargs)
    return up, transport, sleeps


def test_accepted_batches_leave_the_outbox_and_are_signed(store: ProgressStore) -> None:
    up, transport, _ = uploader(store, [ok()])
    result = up.run()
    assert (result.outcome, result.accepted, result.remaining) == ("done", 1, 0)
    method, url, body, headers = transport.requests[0]
    assert url == "http://127.0.0.1:9/api/v1/batches" and body is not None
    assert verify_signature("s3cret", method, "/api/v1/batches", headers["X-Timestamp"],
                            headers["X-Nonce"], body, headers["X-Signature"])
    assert Outbox(store).status().last_success


def test_duplicate_is_an_acknowledgement(store: ProgressStore) -> None:
    up, _, _ = uploader(store, [ok("duplicate")])
    result = up.run()
    assert result.duplicates == 1 and result.remaining == 0


def test_network_errors_retry_with_backoff_then_keep_everything(store: ProgressStore) -> None:
    up, transport, sleeps = uploader(store, [offline()] * 4, max_retries=3)
    result = up.run()
    assert result.outcome == "offline" and result.remaining == 1
    assert len(transport.requests) == 4 and len(sleeps) == 3
    assert all(0 <= s <= c for s, c in zip(sleeps, [1, 2, 4], strict=True))
    assert "kept on the kiosk" in Outbox(store).status().last_error
    # Each try is signed afresh: never the same nonce twice.
    assert len({r[3]["X-Nonce"] for r in transport.requests}) == 4
    up2, _, _ = uploader(store, [ok()])
    assert up2.run().remaining == 0


def test_server_errors_are_retried(store: ProgressStore) -> None:
    up, _, sleeps = uploader(store, [Response(502, {}, b"bad gateway"), ok()])
    assert up.run().accepted == 1 and len(sleeps) == 1


def test_full_jitter_is_capped_and_spread() -> None:
    backoff = Backoff(base=1, cap=30, rng=random.Random(3))
    assert [backoff.ceiling(n) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    delays = [backoff.delay(10) for _ in range(2000)]
    assert 0 <= min(delays) < 1 and 29 < max(delays) <= 30  # the whole range, not just the top
    assert 13 < sum(delays) / len(delays) < 17


def test_stale_timestamp_learns_the_server_clock_from_date_and_retries_once(
        store: ProgressStore) -> None:
    server_now = time.time() + 7200  # the kiosk's clock is two hours behind
    date = email.utils.formatdate(server_now, usegmt=True)
    up, transport, _ = uploader(store, [refused(401, "stale_timestamp", date=date), ok()])
    assert up.run().accepted == 1
    first, second = (int(r[3]["X-Timestamp"]) for r in transport.requests)
    assert abs(first - time.time()) < 5 and abs(second - server_now) < 3
    assert abs(up.clock.offset - 7200) < 3


def test_stale_twice_keeps_the_batch(store: ProgressStore) -> None:
    date = email.utils.formatdate(time.time() + 7200, usegmt=True)
    up, transport, _ = uploader(store, [refused(401, "stale_timestamp", date=date)] * 2)
    result = up.run()
    assert result.outcome == "offline" and result.remaining == 1 and len(transport.requests) == 2


def test_the_clock_ignores_wall_clock_jumps() -> None:
    wall, mono = [1000.0], [50.0]
    clock = ServerClock(wall=lambda: wall[0], monotonic=lambda: mono[0])
    assert clock.now() == 1000.0 and not clock.learnt
    clock.learn(1_700_000_000)
    wall[0] = 5.0  # NTP, or a reboot without RTC, moves the wall clock: no effect
    mono[0] += 30
    assert clock.now() == 1_700_000_030


@pytest.mark.parametrize("status,code", [(422, "unknown_lesson"), (400, "malformed_json"),
                                         (403, "wrong_kiosk"), (413, "too_many_items")])
def test_other_refusals_mark_the_batch_refused_with_the_reasons(store: ProgressStore,
                                                                status: int, code: str) -> None:
    up, transport, _ = uploader(store, [refused(status, code)])
    result = up.run()
    assert result.refused == 1 and result.remaining == 0 and len(transport.requests) == 1
    [batch] = Outbox(store).status().refused
    assert batch.errors[0]["code"] == code
    assert up.run().refused == 0 and len(transport.requests) == 1  # never sent again


def test_413_splits_a_batch_and_sends_the_halves(tmp_path: Path) -> None:
    store = ProgressStore.open(tmp_path / "p.db", clock=Clock())
    for n in range(3):
        learner = store.new_guest()
        store.begin_lesson(learner, f"pay-x{n}", version=1, step_count=2, language="en")
    up, transport, _ = uploader(store, [refused(413, "too_many_items"), ok(), ok()])
    result = up.run()
    assert (result.split, result.accepted, result.remaining) == (1, 2, 0)
    sizes = [len(json.loads(r[2])["items"]) for r in transport.requests]
    ids = [json.loads(r[2])["batch_id"] for r in transport.requests]
    assert sizes == [3, 1, 2] and len(set(ids)) == 3
    store.close()


def test_429_honours_retry_after(store: ProgressStore) -> None:
    up, _, sleeps = uploader(store, [refused(429, "rate_limited", **{"retry-after": "7"}), ok()])
    assert up.run().accepted == 1 and sleeps == [7.0]
    up, _, sleeps = uploader(store, [refused(429, "rate_limited", **{"retry-after": "600"})],
                             max_wait=60)
    # Too long to wait inside one run: stop, keep the batch, tell the worker when to come back.
    store.begin_lesson(store.new_guest(), "pay-shop-qr", version=1, step_count=4, language="en")
    result = up.run()
    assert (result.outcome, result.retry_after, result.remaining) == ("rate_limited", 600, 1)
    assert sleeps == []


@pytest.mark.parametrize("status,code,words", [(403, "revoked_kiosk", "revoked"),
                                               (401, "unknown_kiosk", "does not know"),
                                               (401, "bad_signature", "signature")])
def test_a_refused_kiosk_stops_uploading_until_enrolled_again(
        store: ProgressStore, tmp_path: Path, status: int, code: str, words: str) -> None:
    up, transport, _ = uploader(store, [refused(status, code)])
    result = up.run()
    assert result.outcome == "blocked" and result.remaining == 1 and words in result.message
    assert up.run().outcome == "blocked" and len(transport.requests) == 1
    enrol(tmp_path / "home", "http://127.0.0.1:9", "CODE", store=store, transport=Scripted([
        Response(200, {}, json.dumps({"kiosk_id": "k-new", "secret": "x", "centre": "C",
                                      "server_time": 1}).encode())]))
    assert not Outbox(store).status().blocked


def test_replayed_nonce_is_resent_with_a_new_one(store: ProgressStore) -> None:
    up, transport, _ = uploader(store, [refused(409, "replayed_nonce"), ok("duplicate")])
    assert up.run().remaining == 0
    assert transport.requests[0][3]["X-Nonce"] != transport.requests[1][3]["X-Nonce"]


def test_credentials_are_private_and_written_atomically(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = save_credentials(home, CREDS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_credentials(home) == CREDS and "s3cret" not in repr(CREDS)
    save_credentials(home, Credentials("https://x", "k-2", "t", ""))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in home.iterdir()] == ["sync.json"]  # no temporary file left


def test_enrol_refusal_is_plain_words(tmp_path: Path) -> None:
    with pytest.raises(SyncError, match="Ask the programme manager for a new code"):
        enrol(tmp_path, "http://127.0.0.1:9", "BAD", transport=Scripted(
            [refused(403, "bad_code")]))
    with pytest.raises(SyncError, match="Could not reach the server"):
        enrol(tmp_path, "http://127.0.0.1:9", "X", transport=Scripted([offline()]))
    assert load_credentials(tmp_path) is None


def test_enrol_over_plain_http_is_refused_unless_the_server_is_this_computer(
        tmp_path: Path) -> None:
    """The enrolment answer carries the kiosk's secret key: over http:// to another host anyone
    on the way could read it. Refused before anything is sent, unless --insecure."""
    for url in ("http://reports.example.org", "http://10.0.0.5:8400", "http://[2001:db8::1]/"):
        transport = Scripted([ok()])
        with pytest.raises(SyncError, match="not encrypted"):
            enrol(tmp_path, url, "CODE", transport=transport)
        assert transport.requests == []  # nothing left the kiosk
    assert load_credentials(tmp_path) is None
    answer = Response(200, {}, json.dumps({"kiosk_id": "k-1", "secret": "s" * 64,
                                           "centre": "Wanhua"}).encode())
    for url, insecure in (("http://reports.example.org", True), ("http://127.0.0.1:8400", False),
                          ("http://localhost:8400", False), ("http://[::1]:8400", False),
                          ("https://reports.example.org", False)):
        credentials = enrol(tmp_path, url, "CODE", transport=Scripted([answer]),
                            insecure=insecure)
        assert credentials.server_url == url.rstrip("/")


def test_sync_enrol_cli_refuses_http_to_another_host(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from kiosk.config import PROJECT_ROOT

    done = subprocess.run([sys.executable, "-m", "kiosk", "sync", "enrol", "N3XX7-UARAJ",
                           "--server", "http://192.0.2.10:8400"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "KIOSK_HOME": str(tmp_path)})
    assert done.returncode == 1
    assert "not encrypted" in done.stderr and "--insecure" in done.stderr, done.stderr
    assert not (tmp_path / "sync.json").exists()


def test_worker_runs_off_the_ui_thread_probes_and_stops(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = ProgressStore.open(tmp_path / "progress.db")
    store.begin_lesson(store.new_guest(), "pay-shop-qr", version=1, step_count=4, language="en")
    save_credentials(home, CREDS)
    online = threading.Event()
    threads: list[str] = []

    class Transport(Scripted):
        def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            threads.append(threading.current_thread().name)
            if not online.is_set():
                raise offline()
            return ok()

    probes: list[str] = []

    def probe(url: str) -> bool:
        probes.append(url)
        return online.is_set()

    results = []
    worker = SyncWorker(tmp_path / "progress.db", home, interval=3600, probe_interval=0.05,
                        transport=Transport([]), backoff=Backoff(base=3600, cap=3600),
                        probe=probe, on_result=results.append)
    worker.start()
    deadline = time.monotonic() + 10
    while not probes and time.monotonic() < deadline:
        time.sleep(0.02)
    assert results and results[0].outcome == "offline" and probes
    online.set()  # connectivity returns: the probe notices and a sync runs at once
    while (not results or results[-1].outcome != "done") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert results[-1].outcome == "done" and Outbox(store).status().pending == 0
    assert set(threads) == {"kiosk-sync"}
    assert worker.stop(timeout=5) and not worker.alive
    store.close()
