"""Typed settings for one kiosk: ``KIOSK_HOME/kiosk.toml`` overlaid by ``KIOSK_*`` variables.

Example ``kiosk.toml``::

    currency = "TWD"
    screen_inches = 10.1
    screen_width = 1280
    screen_height = 800
    fullscreen = true

Nothing here imports Kivy; the UI reads :class:`Settings` and applies it.
"""

from __future__ import annotations

import logging
import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "community-skills-kiosk"


def default_home() -> Path:
    """Per-user data folder, following the XDG convention used on Debian and Raspberry Pi OS."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_NAME


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=default_home)
    lessons_dir: Path = PROJECT_ROOT / "lessons"
    assets_dir: Path = PROJECT_ROOT / "assets"
    locales_dir: Path = PROJECT_ROOT / "locales"
    currency: str = "TWD"
    language: str = "zh_Hant_TW"  # the language a new learner sees first
    # The screen the touch-target sizes are checked against: a 10-inch 1280x800 panel by default.
    screen_inches: float = 10.1
    screen_width: int = 1280
    screen_height: int = 800
    fullscreen: bool = True
    # Speech: narration volume (0.0-1.0) and whether each step is read aloud as it opens.
    speech_volume: float = 1.0
    speech_autoplay: bool = True
    # A shared kiosk forgets the screen when a learner walks away: after this many seconds with
    # no touch it asks "Are you still there?", then counts down before going back to the start.
    idle_timeout: float = 120.0
    idle_countdown: float = 30.0

    @property
    def database_path(self) -> Path:
        return self.home / "progress.db"

    @property
    def images_dir(self) -> Path:
        return self.assets_dir / "images"

    @property
    def audio_dir(self) -> Path:
        """Pre-built narration clips (``audio build``) and human-recorded ``overrides/``."""
        return self.assets_dir / "audio"

    @property
    def device_audio_dir(self) -> Path:
        """Clips this kiosk synthesised itself, kept for next time."""
        return self.home / "audio"

    @property
    def pixels_per_mm(self) -> float:
        diagonal_px = math.hypot(self.screen_width, self.screen_height)
        return diagonal_px / (self.screen_inches * 25.4)


_ENV_KEYS = {
    "KIOSK_HOME": "home",
    "KIOSK_LESSONS": "lessons_dir",
    "KIOSK_ASSETS": "assets_dir",
    "KIOSK_LOCALES": "locales_dir",
    "KIOSK_CURRENCY": "currency",
    "KIOSK_LANGUAGE": "language",
    "KIOSK_SCREEN_INCHES": "screen_inches",
    "KIOSK_SCREEN_WIDTH": "screen_width",
    "KIOSK_SCREEN_HEIGHT": "screen_height",
    "KIOSK_FULLSCREEN": "fullscreen",
    "KIOSK_SPEECH_VOLUME": "speech_volume",
    "KIOSK_SPEECH_AUTOPLAY": "speech_autoplay",
    "KIOSK_IDLE_TIMEOUT": "idle_timeout",
    "KIOSK_IDLE_COUNTDOWN": "idle_countdown",
}


def _coerce(name: str, raw: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if kind == "Path":
        return Path(str(raw)).expanduser()
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in {"1", "true", "yes", "on"}
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    return str(raw)


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from defaults, then ``kiosk.toml`` in the home folder, then the environment.

    A bad value in ``kiosk.toml`` is logged and ignored: a typo must not stop the kiosk.
    """
    env = os.environ if environ is None else environ
    settings = Settings()
    if "KIOSK_HOME" in env:
        settings = replace(settings, home=Path(env["KIOSK_HOME"]).expanduser())
    config_file = settings.home / "kiosk.toml"
    values: dict[str, Any] = {}
    if config_file.is_file():
        try:
            values.update(tomllib.loads(config_file.read_text("utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            log.error("Ignoring %s: %s", config_file, exc)
    for env_key, name in _ENV_KEYS.items():
        if env_key in env:
            values[name] = env[env_key]
    values.update(overrides)
    known = {f.name for f in fields(Settings)}
    clean: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in known:
            log.error("Ignoring unknown setting %r in %s", name, config_file)
            continue
        try:
            clean[name] = _coerce(name, raw)
        except (TypeError, ValueError):
            log.error("Ignoring setting %s=%r: not a valid value", name, raw)
    return replace(settings, **clean)
