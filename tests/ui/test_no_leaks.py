"""A kiosk runs for months: starting and stopping the app must not leak files or threads
(the tests start hundreds of apps in one process, and a leak once made lesson files unreadable
with 'Too many open files')."""

from __future__ import annotations

import gc
import os
import threading

import pytest
from kivy.core.window import Window

from kiosk.config import load_settings

pytestmark = pytest.mark.ui


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def run_one(make_kiosk, home) -> None:
    kiosk = make_kiosk(load_settings(environ={"KIOSK_HOME": str(home), "KIOSK_LANGUAGE": "en"}))
    kiosk.start_as_guest()
    kiosk.tap("Mobile payment")
    kiosk.tap("Pay a shop with a QR code")
    kiosk.app.dispatch("on_stop")
    kiosk.app.store.close()
    Window.remove_widget(kiosk.app.root)


def test_apps_come_and_go_without_leaking_files_or_threads(make_kiosk, tmp_path):
    run_one(make_kiosk, tmp_path / "warm-up")  # fonts, catalogs, the first window
    gc.collect()
    files, threads = open_files(), threading.active_count()
    for number in range(15):
        run_one(make_kiosk, tmp_path / str(number))
    gc.collect()
    assert open_files() - files < 5
    assert threading.active_count() - threads < 5
