"""Shared fixtures: paths of the project and a scratch kiosk home."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import PROJECT_ROOT, Settings, load_settings

LESSONS = PROJECT_ROOT / "lessons"
IMAGES = PROJECT_ROOT / "assets" / "images"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a kiosk whose home is a fresh temporary folder."""
    return load_settings(environ={"KIOSK_HOME": str(tmp_path / "home")}, fullscreen=False)


def _runs_ui_tests(config: pytest.Config) -> bool:
    """Whether the -m expression can select a test marked ``ui``."""
    expression = config.getoption("markexpr", "")
    if not expression:
        return True
    try:  # pytest's own parser of -m, so "not ui", "not ui and not slow" etc. all count
        from _pytest.mark.expression import Expression

        return bool(Expression.compile(expression).evaluate(lambda name, **_: name == "ui"))
    except Exception:  # a pytest whose internals moved: collect as before (slower, not wrong)
        return True


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # Every module under tests/ui imports Kivy, and importing Kivy's Window opens the window:
    # under -m "not ui" the folder is not even imported, so the core tests run without one.
    if collection_path.name == "ui" and collection_path.parent == Path(__file__).parent:
        return None if _runs_ui_tests(config) else True
    return None
