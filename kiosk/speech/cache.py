"""Narration clips on disk: their keys, their folders, their manifests, and recorded overrides.

A clip is keyed by the SHA-256 of (spoken text, language, engine, rate), where the spoken text is
what the speech front end made of the screen's text for that engine (:mod:`kiosk.speech.frontend`):
a change to a lexicon or a number rule changes exactly the keys of the clips whose words it
changes, so ``audio build`` remakes those and reuses the rest. Its file is ``<key>.wav``
(espeak-ng) or ``<key>.mp3`` (gTTS) in the language's folder. There are two folders of clips with
the same layout: the pre-built ones (``assets/audio/<lang>/``, made by ``audio build``) and the
ones the kiosk synthesised itself (``KIOSK_HOME/audio/<lang>/``). Each language folder has a
``manifest.json`` listing every clip's key, file, engine, rate, duration in seconds and text.

Human-recorded clips override everything: ``assets/audio/overrides/<lang>/<sha>.wav`` (or ``.mp3``,
``.ogg``) where ``<sha>`` is :func:`text_sha` of the text it says, and optionally
``<sha>.slow.wav`` for the "Slower" button. See ``assets/audio/README.md``. A recording is named
after the text as the screen shows it (a person reads NT$120 right), not after a spoken form.

Files are written whole or not at all (a temporary file, fsync, ``os.replace``), so a power cut
never leaves half a clip or half a manifest under the real name.

>>> folder = ClipFolder(Path(tmp))
>>> info = folder.save("Tap Scan.", "en", "espeak", "normal", wav_bytes, ".wav")
>>> folder.find("Tap Scan.", "en", "normal") == folder.root / "en" / info.file
True
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kiosk.files import write_atomic
from kiosk.speech.clipinfo import ClipError, clip_duration
from kiosk.speech.engine import RATES, Rate

log = logging.getLogger(__name__)

# Engines whose clips may be played, best voice first: a gTTS clip, when one was built, beats an
# espeak-ng one for the same text.
ENGINE_PREFERENCE = ("gtts", "espeak")
ENGINE_EXTENSIONS = {"gtts": ".mp3", "espeak": ".wav"}
OVERRIDE_EXTENSIONS = (".wav", ".mp3", ".ogg")
MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
KEY_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def normalise_text(text: str) -> str:
    """The form of a text that is hashed: Unicode NFC, runs of white space made one space.

    So that a line break in a lesson file or a different Unicode spelling of "ệ" (one code point,
    or e + two combining marks) does not make a different clip.
    """
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_sha(text: str) -> str:
    """The name (without extension) of an override recording of ``text``."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def clip_key(text: str, language: str, engine: str, rate: Rate) -> str:
    """The key of a clip: SHA-256 of (text, language, engine, rate), as 64 hex digits."""
    material = json.dumps([normalise_text(text), language, engine, rate], ensure_ascii=False,
                          separators=(",", ":"))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    write_atomic(path, data)


def _usable(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


@dataclass(frozen=True)
class ClipInfo:
    """One line of a manifest."""

    key: str
    file: str
    engine: str
    rate: str
    duration: float | None  # seconds; None when the file could not be measured
    text: str
    override: str  # the override file name (without extension) a recording of this text takes

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ClipInfo:
        duration = raw.get("duration")
        return cls(key=str(raw["key"]), file=str(raw["file"]), engine=str(raw["engine"]),
                   rate=str(raw["rate"]),
                   duration=float(duration) if isinstance(duration, int | float) else None,
                   text=str(raw.get("text", "")), override=str(raw.get("override", "")))


def measure(path: Path) -> float | None:
    """A clip's duration in seconds, rounded to milliseconds; None (logged) if unreadable."""
    try:
        return round(clip_duration(path), 3)
    except ClipError as exc:
        log.warning("Cannot measure %s: %s", path, exc)
        return None


class ClipFolder:
    """One tree of clips: ``<root>/<language>/<key>.<ext>`` plus a manifest per language.

    Not safe for two writers at once on the same language: the build writes the pre-built tree
    and the kiosk's single speech worker writes its own tree.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, language: str) -> Path:
        return self.root / language

    def path(self, text: str, language: str, engine: str, rate: Rate) -> Path:
        extension = ENGINE_EXTENSIONS.get(engine, ".wav")
        return self.folder(language) / (clip_key(text, language, engine, rate) + extension)

    def find(self, text: str, language: str, rate: Rate,
             engines: Iterable[str] = ENGINE_PREFERENCE,
             spoken: Mapping[str, str] | None = None) -> Path | None:
        """The clip of ``text`` from the first engine in ``engines`` that has one, or None.
        ``spoken`` gives each engine's spoken form of it (missing: ``text`` itself)."""
        for engine in engines:
            said = spoken.get(engine, text) if spoken is not None else text
            candidate = self.path(said, language, engine, rate)
            if _usable(candidate):
                return candidate
        return None

    def save(self, text: str, language: str, engine: str, rate: Rate, data: bytes,
             extension: str, *, update_manifest: bool = True,
             screen_text: str | None = None) -> ClipInfo:
        """Store one clip of the spoken ``text`` (atomically) and, unless told not to, add it
        to the manifest. ``screen_text`` is what the screen shows (it names the override)."""
        key = clip_key(text, language, engine, rate)
        path = self.folder(language) / (key + extension)
        atomic_write(path, data)
        info = ClipInfo(key=key, file=path.name, engine=engine, rate=rate,
                        duration=measure(path), text=normalise_text(text),
                        override=text_sha(text if screen_text is None else screen_text))
        if update_manifest:
            self.add_to_manifest(language, [info])
        return info

    def describe(self, path: Path, text: str, language: str, engine: str,
                 rate: Rate, screen_text: str | None = None) -> ClipInfo:
        """The manifest line of an existing clip file (measured now)."""
        return ClipInfo(key=path.stem, file=path.name, engine=engine, rate=rate,
                        duration=measure(path), text=normalise_text(text),
                        override=text_sha(text if screen_text is None else screen_text))

    # --- manifests ---------------------------------------------------------------------------
    def manifest_path(self, language: str) -> Path:
        return self.folder(language) / MANIFEST

    def read_manifest(self, language: str) -> dict[str, ClipInfo]:
        """The manifest's clips by key; empty (logged) when it is missing or damaged."""
        path = self.manifest_path(language)
        if not path.is_file():
            return {}
        try:
            raw = json.loads(path.read_text("utf-8"))
            return {c.key: c for c in (ClipInfo.from_json(item) for item in raw["clips"])}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("Ignoring damaged clip manifest %s: %s", path, exc)
            return {}

    def write_manifest(self, language: str, clips: Iterable[ClipInfo]) -> None:
        """Write the manifest (atomically), keeping only clips whose files exist."""
        folder = self.folder(language)
        kept = sorted((c for c in clips if (folder / c.file).is_file()), key=lambda c: c.key)
        document = {"format": MANIFEST_FORMAT, "language": language,
                    "clips": [asdict(c) for c in kept]}
        text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
        atomic_write(self.manifest_path(language), text.encode("utf-8"))

    def add_to_manifest(self, language: str, clips: Iterable[ClipInfo]) -> None:
        merged = self.read_manifest(language)
        merged.update((c.key, c) for c in clips)
        self.write_manifest(language, merged.values())

    def clip_files(self, language: str) -> list[Path]:
        """Every clip file in a language folder (manifest and temporary files excluded)."""
        folder = self.folder(language)
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir()
                      if p.is_file() and KEY_PATTERN.match(p.stem) and p.suffix in (".wav", ".mp3"))


def find_override(overrides: Path, text: str, language: str, rate: Rate) -> Path | None:
    """A human recording of ``text``: ``<overrides>/<language>/<text_sha>[.slow].<ext>``.

    For the slow rate a ``.slow`` recording is used if there is one, else the ordinary one: a
    person's clear voice is better than a synthetic one, even at the usual pace.
    """
    folder = overrides / language
    sha = text_sha(text)
    stems = [f"{sha}.slow", sha] if rate == "slow" else [sha]
    for stem in stems:
        for extension in OVERRIDE_EXTENSIONS:
            candidate = folder / (stem + extension)
            if _usable(candidate):
                return candidate
    return None


def check_rate(rate: str) -> Rate:
    """``rate`` as a :data:`~kiosk.speech.engine.Rate`, or ValueError."""
    for known in RATES:
        if rate == known:
            return known
    raise ValueError(f"unknown speech rate {rate!r}; use one of {', '.join(RATES)}")
