"""What every speech engine offers, and the names the speech package shares. No Kivy.

An engine turns one text in one kiosk language into the bytes of a sound file. It never writes
files (the clip cache does, atomically) and never plays anything (the UI does). Its ``name`` is
part of every clip's key, and its ``extension`` names the files it makes.

>>> from kiosk.speech.espeak import EspeakEngine
>>> wav = EspeakEngine().synthesize("Tap Scan.", "en", "normal")
>>> wav[:4], wav[8:12]
(b'RIFF', b'WAVE')
"""

from __future__ import annotations

from typing import Literal, Protocol

Rate = Literal["normal", "slow"]
RATES: tuple[Rate, ...] = ("normal", "slow")


class SpeechError(Exception):
    """A clip could not be made. ``str()`` says why, for the log; learners never see it."""


class Engine(Protocol):
    """A text-to-speech engine: ``synthesize`` returns a whole sound file, or raises."""

    @property
    def name(self) -> str:
        """Part of the clip key: ``"espeak"`` or ``"gtts"``."""
        ...

    @property
    def extension(self) -> str:
        """The file extension of what it makes, with the dot: ``".wav"``."""
        ...

    def synthesize(self, text: str, language: str, rate: Rate) -> bytes:
        """The sound file for ``text`` read in ``language`` (a kiosk code such as ``"vi"``).

        Raises :class:`SpeechError` (or anything else: callers treat every exception alike).
        """
        ...


def base_language(language: str) -> str:
    """The language part of a kiosk locale code: ``"zh_Hant_TW"`` -> ``"zh"``.

    Used for a language the engines' tables do not list yet (a translator adding ``fr``), so a
    new locale speaks with the nearest voice instead of not at all.
    """
    return language.replace("-", "_").split("_", 1)[0].lower()
