"""The kiosk app runs the statistics sync in the background once a volunteer has enrolled it."""

from __future__ import annotations

import socket
import time

import pytest

from kiosk.config import load_settings
from kiosk.sync.client import Credentials, save_credentials

pytestmark = pytest.mark.ui


def test_no_enrolment_no_sync(kiosk):
    assert kiosk.app.sync_worker is None


def test_an_enrolled_kiosk_syncs_off_the_ui_thread_and_stops_cleanly(make_kiosk, tmp_path):
    home = tmp_path / "home"
    with socket.socket() as probe:  # a port with no server behind it: the kiosk is "offline"
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    save_credentials(home, Credentials(f"http://127.0.0.1:{port}", "kiosk-1", "s" * 64))
    kiosk = make_kiosk(load_settings(environ={"KIOSK_HOME": str(home), "KIOSK_LANGUAGE": "en"}))
    worker = kiosk.app.sync_worker
    assert worker is not None and worker.alive
    assert worker._thread.name == "kiosk-sync"
    kiosk.start_as_guest()  # the UI works while the server is unreachable
    kiosk.tap("Mobile payment")
    assert kiosk.screen_name == "lessons"
    deadline = time.monotonic() + 10
    while worker.last_result is None:  # the first run starts at once, in the background
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert worker.last_result.outcome == "offline"  # nothing lost: it stays queued
    assert worker.stop(timeout=10)
    assert not worker.alive
