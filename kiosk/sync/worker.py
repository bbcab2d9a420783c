"""The background sync: a plain thread (no Kivy), never the UI thread, stoppable.

It syncs on a schedule (every ``interval`` seconds), and as soon as connectivity returns: while the
last run found the server unreachable it probes cheaply (a TCP connect) every ``probe_interval``
seconds, and a successful probe starts a sync at once. Failed runs back off with capped
exponential backoff and full jitter. The thread opens its own connection to the progress file
(SQLite connections are per thread; WAL lets the UI keep writing meanwhile).

    worker = SyncWorker(settings.database_path, settings.home)
    worker.start()
    ...
    worker.trigger()   # e.g. when a learner finishes a lesson
    ...
    worker.stop()      # at exit: returns once the thread has finished its current request
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.progress import ProgressStore, StorageError
from kiosk.sync.client import (
    Backoff,
    ServerClock,
    SyncResult,
    Transport,
    Uploader,
    load_credentials,
    reachable,
)

log = logging.getLogger(__name__)


class SyncWorker:
    def __init__(self, database_path: Path, home: Path, *, interval: float = 900.0,
                 probe_interval: float = 60.0, heartbeat_interval: float = 6 * 3600.0,
                 transport: Transport | None = None, backoff: Backoff | None = None,
                 probe: Callable[[str], bool] | None = None,
                 on_result: Callable[[SyncResult], None] | None = None) -> None:
        self.database_path = database_path
        self.home = home
        self.interval = interval
        self.probe_interval = probe_interval
        self.heartbeat_interval = heartbeat_interval
        self.transport = transport
        self.backoff = backoff or Backoff(base=5.0, cap=1800.0)  # between failed runs
        self.retry_backoff = Backoff(base=1.0, cap=10.0)  # between tries inside one run
        self.probe = probe or reachable
        self.on_result = on_result
        self.clock = ServerClock()  # kept across runs: the offset learnt stays learnt
        self.runs = 0
        self.last_result: SyncResult | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # --- control (any thread) ------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kiosk-sync", daemon=True)
            self._thread.start()

    def trigger(self) -> None:
        """Sync as soon as possible (e.g. a lesson was just finished)."""
        self._wake.set()

    def stop(self, timeout: float | None = 30.0) -> bool:
        """Ask the thread to finish and wait for it; True if it has."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # --- the thread ------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            store = ProgressStore.open(self.database_path)
        except StorageError:
            log.exception("sync: cannot open the progress store; no sync this session")
            return
        try:
            self._loop(store)
        finally:
            store.close()

    def _loop(self, store: ProgressStore) -> None:
        failures = 0
        offline = False
        next_run = time.monotonic()
        last_contact = float("-inf")
        while not self._stopping.is_set():
            now = time.monotonic()
            if now >= next_run or self._wake.is_set():
                self._wake.clear()
                result = self._sync(store, heartbeat=now - last_contact >= self.heartbeat_interval)
                if result.outcome == "done":
                    failures, offline, last_contact = 0, False, time.monotonic()
                    next_run = time.monotonic() + self.interval
                elif result.outcome == "offline":
                    failures += 1
                    offline = True
                    next_run = time.monotonic() + self.backoff.delay(failures)
                elif result.outcome == "rate_limited":
                    next_run = time.monotonic() + max(result.retry_after, 1.0)
                else:  # not enrolled, blocked: nothing will change until a volunteer acts
                    next_run = time.monotonic() + self.interval
            wait = max(0.0, next_run - time.monotonic())
            if offline:
                wait = min(wait, self.probe_interval)
            self._wake.wait(wait)
            if offline and not self._stopping.is_set() and not self._wake.is_set() \
                    and time.monotonic() < next_run:
                credentials = load_credentials(self.home)
                if credentials is not None and self.probe(credentials.server_url):
                    log.info("sync: the server is reachable again")
                    next_run = time.monotonic()  # connectivity returned: sync now

    def _sync(self, store: ProgressStore, *, heartbeat: bool) -> SyncResult:
        self.runs += 1
        try:
            uploader = Uploader(store, load_credentials(self.home), transport=self.transport,
                                clock=self.clock, backoff=self.retry_backoff, max_retries=1,
                                sleep=self._sleep)
            result = uploader.run(heartbeat=heartbeat)
        except StorageError as exc:
            result = SyncResult(outcome="offline", message=str(exc))
        except Exception as exc:  # never let the thread die: the kiosk runs for months
            log.exception("sync: unexpected failure")
            result = SyncResult(outcome="offline", message=repr(exc))
        self.last_result = result
        if self.on_result:
            self.on_result(result)
        return result

    def _sleep(self, seconds: float) -> None:
        """Waits inside a run end early when the worker is stopped."""
        self._stopping.wait(seconds)
