"""Typed settings for one kiosk, from four places; each later one wins over the ones before:

1. the defaults in :class:`Settings`;
2. ``KIOSK_HOME/kiosk.toml``, the deployment's file (deploy/kiosk.toml.example explains it);
3. the ``[settings]`` table of ``KIOSK_HOME/volunteer.toml``: what volunteers chose on the kiosk's
   volunteer screen (only ``languages``, ``idle_timeout`` and ``speech_volume``; written by
   :func:`kiosk.volunteer.save_volunteer_settings`, beside the volunteer PIN's hash);
4. ``KIOSK_*`` environment variables (and keyword overrides, for tests and tools).

So a volunteer's choice outlasts a reinstall's kiosk.toml, and an administrator can still force
anything for one run from the environment. Example ``kiosk.toml``::

    currency = "TWD"
    screen_inches = 10.1
    screen_width = 1280
    screen_height = 800
    fullscreen = true
    languages = ["zh_Hant_TW", "en"]     # KIOSK_LANGUAGES=zh_Hant_TW,en

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

from kiosk.i18n import LANGUAGES

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
    # The languages offered on screen, in this order (a subset of kiosk.i18n.LANGUAGES).
    languages: tuple[str, ...] = LANGUAGES
    # The screen the touch-target sizes are checked against: a 10-inch 1280x800 panel by default.
    screen_inches: float = 10.1
    screen_width: int = 1280
    screen_height: int = 800
    fullscreen: bool = True
    # Speech: narration volume (0.0-1.0) and whether each step is read aloud as it opens.
    speech_volume: float = 1.0
    speech_autoplay: bool = True
    # espeak-ng's Vietnamese accent: "north" (Hanoi, the default: the standard on Vietnamese
    # television), "south" (Saigon, where many Vietnamese spouses in Taiwan come from) or
    # "central". Only clips synthesised on the kiosk change; gTTS has one Vietnamese voice.
    vietnamese_voice: str = "north"
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

    def picture_file(self, picture: str) -> Path:
        """The drawing of a profile picture id (kiosk.profiles.PICTURES)."""
        return self.assets_dir / "pictures" / f"{picture}.png"

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
    "KIOSK_LANGUAGES": "languages",  # comma-separated: zh_Hant_TW,en
    "KIOSK_SCREEN_INCHES": "screen_inches",
    "KIOSK_SCREEN_WIDTH": "screen_width",
    "KIOSK_SCREEN_HEIGHT": "screen_height",
    "KIOSK_FULLSCREEN": "fullscreen",
    "KIOSK_SPEECH_VOLUME": "speech_volume",
    "KIOSK_SPEECH_AUTOPLAY": "speech_autoplay",
    "KIOSK_VIETNAMESE_VOICE": "vietnamese_voice",
    "KIOSK_IDLE_TIMEOUT": "idle_timeout",
    "KIOSK_IDLE_COUNTDOWN": "idle_countdown",
}


# What volunteers may change on the kiosk itself, and the values they may choose: a slip of a
# finger must not make the kiosk mute, or give up on a learner after five seconds.
VOLUNTEER_FILE = "volunteer.toml"
VOLUNTEER_SETTINGS = ("languages", "idle_timeout", "speech_volume")
IDLE_TIMEOUT_RANGE = (30.0, 3600.0)
SPEECH_VOLUME_RANGE = (0.0, 1.0)
VIETNAMESE_ACCENTS = ("north", "south", "central")  # kiosk.speech.espeak.VIETNAMESE_VOICES


def volunteer_file(home: Path) -> Path:
    """``KIOSK_HOME/volunteer.toml``: the volunteer PIN's hash and the volunteers' settings."""
    return home / VOLUNTEER_FILE


def read_volunteer_file(home: Path) -> dict[str, Any]:
    """The parsed volunteer.toml; ``{}`` if there is none or it cannot be read (logged)."""
    path = volunteer_file(home)
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        log.error("Ignoring %s: %s", path, exc)
        return {}


def _languages(raw: Any) -> tuple[str, ...]:
    """A list (TOML) or comma-separated text (environment) of codes. Unknown codes are left out
    with a log line, so one typo does not hide every language; none left is a ValueError."""
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        raise ValueError(f"not a list of languages: {raw!r}")
    chosen: list[str] = []
    for item in items:
        code = str(item).strip()
        if code not in LANGUAGES:
            log.error("Ignoring unknown language %r (known: %s)", code, ", ".join(LANGUAGES))
        elif code not in chosen:
            chosen.append(code)
    if not chosen:
        raise ValueError(f"no known language in {raw!r}")
    return tuple(chosen)


def volunteer_setting(name: str, raw: Any) -> Any:
    """``raw`` as a valid value of the volunteer-chosen setting ``name``, else ValueError.

    >>> volunteer_setting("speech_volume", 0.5), volunteer_setting("languages", ["en", "xx"])
    (0.5, ('en',))
    """
    if name not in VOLUNTEER_SETTINGS:
        raise ValueError(f"{name!r} is not a setting volunteers can change")
    if isinstance(raw, bool):  # TOML true is not a number of seconds
        raise ValueError(f"{name}: not a valid value: {raw!r}")
    value = _coerce(name, raw)
    bounds = {"idle_timeout": IDLE_TIMEOUT_RANGE, "speech_volume": SPEECH_VOLUME_RANGE}.get(name)
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise ValueError(f"{name}: {value!r} is not between {bounds[0]:g} and {bounds[1]:g}")
    return value


def _volunteer_values(home: Path) -> dict[str, Any]:
    """The valid values of volunteer.toml's ``[settings]``; anything else is logged, skipped."""
    table = read_volunteer_file(home).get("settings", {})
    if not isinstance(table, dict):
        log.error("Ignoring [settings] in %s: not a table", volunteer_file(home))
        return {}
    clean: dict[str, Any] = {}
    for name, raw in table.items():
        try:
            clean[name] = volunteer_setting(name, raw)
        except (TypeError, ValueError) as exc:
            log.error("Ignoring setting in %s: %s", volunteer_file(home), exc)
    return clean


def _coerce(name: str, raw: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if kind == "tuple[str, ...]":
        return _languages(raw)  # the only tuple setting
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
    if name == "vietnamese_voice" and str(raw) not in VIETNAMESE_ACCENTS:
        raise ValueError(f"use one of {', '.join(VIETNAMESE_ACCENTS)}")
    return str(raw)


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from defaults, then ``kiosk.toml`` in the home folder, then volunteer.toml's
    ``[settings]``, then the environment, then ``overrides``.

    A bad value in either file is logged and ignored: a typo must not stop the kiosk.
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
    values.update(_volunteer_values(settings.home))
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
