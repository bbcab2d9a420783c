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
