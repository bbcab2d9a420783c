"""The real kiosk, headless (SDL offscreen + Mesa), one fresh app and store per test.

Kivy allows one window per process; every UI test shares it and gets a new KioskApp on it.
Under pytest-xdist each worker is its own process, so each has its own offscreen window.
"""

from __future__ import annotations

import gc
import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from kiosk.config import Settings, load_settings
from kiosk.lessons import Library, load_library
from kiosk.ui.bootstrap import prepare

# Kivy must be configured before its first import, and test modules import it at the top: this
# conftest is imported before them, so it is the place. Kivy's own files go to a scratch folder.
os.environ.setdefault("KIOSK_QUIET_KIVY", "1")
_SETTINGS = load_settings(environ={"KIOSK_HOME": tempfile.mkdtemp(prefix="kiosk-kivy-")})
prepare(_SETTINGS, headless=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Everything here runs in the window, so everything here is "ui" (what -m "not ui" leaves
    # out without importing this folder: see tests/conftest.py).
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.ui)


@cache
def shipped_library() -> Library:
    """The shipped lessons, parsed once per process. Lessons are frozen dataclasses and the app
    never changes its library, so every kiosk started on the shipped lessons can share one:
    parsing them again for each of a thousand cases cost a fifth of a second each."""
    return load_library(_SETTINGS.lessons_dir, _SETTINGS.images_dir)


@pytest.fixture(scope="session")
def kivy_window() -> object:
    from kivy.core.window import Window

    # The layout checks assume the kiosk's own screen size.
    assert tuple(Window.size) == (_SETTINGS.screen_width, _SETTINGS.screen_height)
    return Window


@pytest.fixture
def make_kiosk(kivy_window: object, tmp_path: Path) -> Iterator[object]:
    """Start a kiosk: ``make_kiosk()`` or ``make_kiosk(settings)``. Returns a Driver."""
    from kivy.app import App
    from kivy.core.window import Window

    from kiosk.ui.app import KioskApp
    from tests.ui.driver import Driver

    started: list[KioskApp] = []

    def start(settings: Settings | None = None, *, checks: bool = False) -> Driver:
        settings = settings or load_settings(environ={"KIOSK_HOME": str(tmp_path / "home"),
                                                      "KIOSK_LANGUAGE": "en"})
        shipped = (settings.lessons_dir == _SETTINGS.lessons_dir
                   and settings.images_dir == _SETTINGS.images_dir)
        app = KioskApp(replace(settings, fullscreen=False),
                       library=shipped_library() if shipped else None)
        # The before-and-after checks would come before every first lesson of a topic; the
        # tests of other screens go straight to the lesson (tests/ui/test_checks.py turns
        # them on).
        app.offer_checks = checks
        started.append(app)
        app._run_prepare()
        driver = Driver(app)
        driver.frames(3)
        return driver

    yield start
    for app in started:
        app.dispatch("on_stop")
        for child in list(Window.children):
            Window.remove_widget(child)
        app.store.close()
    App._running_app = None
    started.clear()
    # The kiosk's language is process-wide (kiosk.i18n; issue 13 moves it into a session): a
    # test that ends in Vietnamese must not leave the next test's messages in Vietnamese.
    from kiosk.i18n import SOURCE_LANGUAGE, set_language

    set_language(SOURCE_LANGUAGE)
    gc.collect()  # release the old app's files and threads now, not at some later collection


@pytest.fixture
def kiosk(make_kiosk: object) -> object:
    return make_kiosk()  # type: ignore[operator]
