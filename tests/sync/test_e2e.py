"""End to end with the REAL server process on 127.0.0.1 and the real kiosk CLI: enrol, answer
real lessons through the LessonPlayer, sync; the dashboard's figures equal the kiosk's; the server
killed mid-upload and restarted; what an upload holds; a USB bundle imported by the server CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import pytest

from kiosk.config import PROJECT_ROOT
from kiosk.i18n import LANGUAGES
from kiosk.progress import ProgressStore
from kiosk.server.passwords import hash_password
from kiosk.server.wire import Item
from kiosk.sync.client import (
    Backoff,
    Response,
    Uploader,
    UrllibTransport,
    load_credentials,
)
from kiosk.sync.outbox import Outbox
from tests.server.conftest import RunningServer, start_server, stop_server
from tests.sync.helpers import LIBRARY, Clock, Ledger, kiosk_figures, server_figures, take_lesson

LESSONS_DIR = PROJECT_ROOT / "lessons"
EMAIL, PASSWORD = "manager@example.org", "a long passphrase"


def start(db: str, port: int | None = None) -> RunningServer:
    """The real server, with the kiosk's real lessons folder, on a given or free port."""
    return start_server(db, "--rate-limit", "100000", lessons=LESSONS_DIR, port=port)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start(str(tmp_path / "server.db"))
    yield running
    stop_server(running)


def kiosk_cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KIOSK_HOME": str(home)})


def enrol_code(server: RunningServer, centre: str = "Wanhua Community Centre") -> str:
    store = server.store()
    try:
        if centre not in {c.name for c in store.centres()}:
            store.add_centre(centre)
        return store.create_enrolment_code(centre, now=time.time())
    finally:
        store.close()


def enrol_by_cli(server: RunningServer, home: Path) -> None:
    done = kiosk_cli(home, "sync", "enrol", enrol_code(server).lower(), "--server", server.url)
    assert done.returncode == 0, done.stderr
    assert "Enrolled as kiosk k-" in done.stdout


def busy_day(store: ProgressStore, clock: Clock, ledger: Ledger, rng: random.Random) -> None:
    """12 learners on pay-shop-qr in Chinese (9 finish, 3 stop part way); 6 finish
    book-appointment in Vietnamese. Counts of 5 or more, so the dashboard shows them exactly."""
    for n in range(12):
        learner = store.new_guest()
        store.start_session(learner)
        take_lesson(store, clock, ledger, learner, "pay-shop-qr", language="zh_Hant_TW",
                    steps=None if n < 9 else n - 8, rng=rng)
        if n < 6:
            take_lesson(store, clock, ledger, learner, "book-appointment", language="vi",
                        rng=rng)
        store.end_session()


def test_enrol_answer_sync_and_the_dashboard_shows_the_kiosks_figures(
        server: RunningServer, tmp_path: Path) -> None:
    home = tmp_path / "kiosk"
    enrol_by_cli(server, home)
    credentials = load_credentials(home)
    assert credentials is not None and credentials.server_url == server.url
    assert (home / "sync.json").stat().st_mode & 0o777 == 0o600

    # A day in the month before last: the dashboard shows only released (ended) months.
    this_month = dt.datetime.now(dt.UTC).replace(day=1, hour=10, minute=0, second=0,
                                                 microsecond=0)
    two_months_ago = (this_month - dt.timedelta(days=1)).replace(day=1) - dt.timedelta(days=1)
    clock, ledger = Clock(two_months_ago.replace(day=10)), Ledger()
    store = ProgressStore.open(home / "progress.db", clock=clock)
    busy_day(store, clock, ledger, random.Random(1))
    store.close()

    status = kiosk_cli(home, "sync", "status")
    assert "Waiting to send: 1 batch(es), 2 figure(s)" in status.stdout, status.stdout
    done = kiosk_cli(home, "sync", "now")
    assert done.returncode == 0 and "Sent 1 batch(es); 0 waiting." in done.stdout, done.stderr
    status = kiosk_cli(home, "sync", "status")
    assert "Waiting to send: nothing" in status.stdout and "UTC" in status.stdout

    store = ProgressStore.open(home / "progress.db")
    try:
        kiosk = kiosk_figures(store)
    finally:
        store.close()
    snap = server.store()
    try:
        assert server_figures(snap) == kiosk == ledger.figures()
    finally:
        snap.close()

    # The dashboard, as a manager sees it (and downloads it).
    snap = server.store()
    snap.add_manager(EMAIL, hash_password(PASSWORD))
    snap.close()
    with httpx.Client(base_url=server.url, cookies={"lang": "en"}) as browser:  # lesson titles
        token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/login").text)
        assert token
        assert browser.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                            "csrf": token.group(1)}).status_code == 303
        lessons = table_of(browser.get("/dashboard/lessons.csv").text)
        shown = {row[1]: (row[2], row[3]) for row in lessons[1:] if row[2] != "0"}
        funnel = table_of(browser.get("/dashboard/funnel.csv?lesson=pay-shop-qr").text)
    expected: dict[str, tuple[str, str]] = {}
    for (_, lesson, _, _), (starts, completions, _) in ledger.figures().items():
        expected[LIBRARY.lessons[lesson].title] = (str(starts), str(completions))
    assert shown == expected == {LIBRARY.lessons["pay-shop-qr"].title: ("12", "9"),
                                 LIBRARY.lessons["book-appointment"].title: ("6", "6")}
    version = LIBRARY.lessons["pay-shop-qr"].version
    reached = ledger.figures()[(clock.day, "pay-shop-qr", version, "zh_Hant_TW")][2]
    assert [row[1] for row in funnel[1:]] == [str(n) if n >= 5 else "–" for n in reached]
    assert reached[0] == 12 and reached[-1] == 9


def table_of(text: str) -> list[list[str]]:
    """A dashboard CSV's table: after the lines that say what it holds, and an empty line."""
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return lines[lines.index([]) + 1:]


class Recording:
    """The real urllib transport, keeping every request that went out."""

    def __init__(self) -> None:
        self.inner = UrllibTransport()
        self.sent: list[tuple[str, bytes, dict[str, str]]] = []

    def request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
                timeout: float) -> Response:
        self.sent.append((url, body or b"", dict(headers)))
        return self.inner.request(method, url, body, headers, timeout)


def test_real_upload_payloads_hold_no_learner_id_no_text_and_only_days(
        server: RunningServer, tmp_path: Path) -> None:
    home = tmp_path / "kiosk"
    enrol_by_cli(server, home)
    clock, ledger = Clock(), Ledger()
    store = ProgressStore.open(home / "progress.db", clock=clock)
    recording = Recording()
    rng = random.Random(5)
    uploader = Uploader(store, load_credentials(home), transport=recording)
    for _ in range(3):
        busy_day(store, clock, ledger, rng)
        learner = store.new_guest()
        take_lesson(store, clock, ledger, learner, "tricks-in-the-news", language="id", steps=2)
        assert uploader.run().remaining == 0
        clock.advance(days=1)
    learner_ids = [row[0] for row in store.execute("SELECT id FROM learners")]
    store.close()
    assert len(recording.sent) == 3 and len(learner_ids) == 3 * 13
    allowed_strings = set(LIBRARY.lessons) | set(LANGUAGES)
    for _url, body, headers in recording.sent:
        text = body.decode("utf-8")
        for learner in learner_ids:
            assert learner not in text and learner[:8] not in text
            assert learner not in json.dumps(headers)
        assert set(headers) == {"X-Kiosk-Id", "X-Timestamp", "X-Nonce", "X-Signature",
                                "Content-Type"}
        data = json.loads(body)
        assert list(data) == ["batch_id", "kiosk_id", "epoch", "items"]
        uuid.UUID(data["batch_id"])
        # The store's random epoch: the same in every batch, and nothing but 32 hex digits.
        assert re.fullmatch(r"[0-9a-f]{32}", data["epoch"])
        assert data["epoch"] == json.loads(recording.sent[0][1])["epoch"]
        for item in data["items"]:
            assert list(item) == list(Item.model_fields)  # exactly the schema's keys
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["day"])  # a day, nothing finer
            assert {item["lesson_id"], item["language"]} <= allowed_strings
            assert all(type(v) is int for v in (item["lesson_version"], item["revision"],
                                                item["starts"], item["completions"],
                                                *item["reached"]))
        # No free text: the only strings are the ids above and the day.
        strings = [v for item in data["items"] for v in item.values() if isinstance(v, str)]
        assert len(strings) == 3 * len(data["items"])


def test_server_killed_mid_upload_and_restarted_totals_exact(tmp_path: Path) -> None:
    db = str(tmp_path / "server.db")
    server = start(db)
    port = int(server.url.rsplit(":", 1)[1])
    home = tmp_path / "kiosk"
    enrol_by_cli(server, home)
    clock, ledger = Clock(), Ledger()
    clock.advance(days=-40)
    store = ProgressStore.open(home / "progress.db", clock=clock)
    rng = random.Random(9)
    lessons = sorted(LIBRARY.lessons)
    for _ in range(40):  # forty days offline, a few learners a day
        for _ in range(3):
            learner = store.new_guest()
            for lesson in rng.sample(lessons, 3):
                take_lesson(store, clock, ledger, learner, lesson, language=rng.choice(
                    ["zh_Hant_TW", "en"]), steps=rng.choice([None, 2]), rng=rng)
        clock.advance(days=1)

    state = {"server": server, "killed": 0}
    restarted = threading.Event()

    def kill_and_restart() -> None:
        time.sleep(rng.uniform(0.0, 0.02))  # while the next batch is on its way
        state["server"].proc.kill()
        state["server"].proc.wait()
        state["killed"] += 1
        time.sleep(1.0)
        state["server"] = start(db, port)
        restarted.set()

    def on_ack(batch_id: str) -> None:
        acks.append(batch_id)
        if len(acks) == 2:
            threading.Thread(target=kill_and_restart).start()

    acks: list[str] = []
    outbox = Outbox(store, max_items=20)  # many small batches, so the kill lands mid-drain
    uploader = Uploader(store, load_credentials(home), outbox=outbox, on_ack=on_ack,
                        backoff=Backoff(base=0.1, cap=1.0), max_retries=40)
    try:
        result = uploader.run()
        assert restarted.wait(30) and state["killed"] == 1
        if result.remaining:  # the run may have ended just as the server went down
            result = uploader.run()
        assert result.outcome == "done" and result.remaining == 0 and not result.refused
        kiosk = kiosk_figures(store)
        snap = state["server"].store()
        try:
            assert server_figures(snap) == kiosk == ledger.figures()
            assert len(snap.counters()) > 60
        finally:
            snap.close()
        assert len(acks) >= 10
    finally:
        store.close()
        stop_server(state["server"])


def test_usb_export_imported_by_the_server_cli_gives_the_same_totals(
        server: RunningServer, tmp_path: Path) -> None:
    home, usb = tmp_path / "kiosk", tmp_path / "usb"
    usb.mkdir()
    enrol_by_cli(server, home)
    clock, ledger = Clock(), Ledger()
    store = ProgressStore.open(home / "progress.db", clock=clock)
    for _ in range(3):
        busy_day(store, clock, ledger, random.Random(2))
        clock.advance(days=1)
    store.close()

    done = kiosk_cli(home, "sync", "export", str(usb))
    assert done.returncode == 0, done.stderr
    [bundle] = list(usb.iterdir())
    assert re.fullmatch(r"kiosk-stats_wanhua-community-centre_k-[0-9a-z-]+_\d{4}-\d{2}-\d{2}"
                        r"\.json", bundle.name), bundle.name
    assert json.loads(bundle.read_text("utf-8"))["format"] == "kiosk-bundle/1"

    def import_bundle() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kiosk", "server", "import-bundle", str(bundle), "--db",
             server.db, "--lessons", str(LESSONS_DIR)],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)

    first = import_bundle()
    assert first.returncode == 0 and "1 accepted, 0 already imported, 0 refused" in \
        first.stdout, first.stdout + first.stderr
    store = ProgressStore.open(home / "progress.db")
    kiosk = kiosk_figures(store)
    store.close()
    snap = server.store()
    before = snap.snapshot()
    assert server_figures(snap) == kiosk == ledger.figures()
    snap.close()
    # Imported twice (its nonces are remembered for a while, so "replayed" or "duplicate"):
    # nothing changes.
    assert import_bundle().stdout.startswith(str(bundle)) and "0 accepted" in \
        import_bundle().stdout
    snap = server.store()
    assert snap.snapshot()["counters"] == before["counters"]
    snap.close()
    # The kiosk later gets online: the server already has the batch, says so, nothing changes.
    assert kiosk_cli(home, "sync", "status").stdout.count("exported to USB") == 1
    done = kiosk_cli(home, "sync", "now")
    assert done.returncode == 0, done.stderr
    snap = server.store()
    after = snap.snapshot()
    snap.close()
    assert after["counters"] == before["counters"]
    assert "Waiting to send: nothing" in kiosk_cli(home, "sync", "status").stdout
