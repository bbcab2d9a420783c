"""Speech: every step read aloud, offline first. No Kivy here; the UI only plays a file path.

- :mod:`~kiosk.speech.espeak`: espeak-ng (the ``espeakng-loader`` wheel) via ctypes; offline.
- :mod:`~kiosk.speech.gtts_engine`: gTTS, online, always with a timeout; for ``audio build`` only.
- :mod:`~kiosk.speech.cache`: clip keys, the clip folders and their manifests, recorded overrides.
- :mod:`~kiosk.speech.clipinfo`: a clip's duration from its headers (WAV, MP3, Ogg).
- :mod:`~kiosk.speech.frontend`: the screen's text -> what each engine says (values in words from
  :mod:`~kiosk.speech.spoken`, the pronunciation lexicons of :mod:`~kiosk.speech.lexicon`).
- :mod:`~kiosk.speech.narration`: what is read for each step, its feedback and the closing
  words, in each language.
- :mod:`~kiosk.speech.build`: ``python -m kiosk audio build``.
- :mod:`~kiosk.speech.player`: :class:`SpeechResolver`, the run-time "which file do I play".

>>> speech = SpeechResolver.for_folders(settings.assets_dir / "audio", settings.home / "audio")
>>> speech.resolve(player_narration(player), player.text_language, "slow", callback=on_clip)
"""

from kiosk.speech.cache import clip_key, text_sha
from kiosk.speech.engine import RATES, Engine, Rate, SpeechError
from kiosk.speech.narration import Narration, library_narrations, player_narration
from kiosk.speech.player import SpeechResolver

__all__ = [
    "RATES",
    "Engine",
    "Narration",
    "Rate",
    "SpeechError",
    "SpeechResolver",
    "clip_key",
    "library_narrations",
    "player_narration",
    "text_sha",
]
