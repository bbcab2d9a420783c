"""Reads each step aloud: asks the core's SpeechResolver for a clip, plays it with Kivy.

Nothing here blocks the screen: the resolver answers with a Future (a clip already on disk comes
back at once; a missing one is synthesised on a worker thread) and the result is handed to the
UI thread with ``Clock.schedule_once``. A step that has no sound at all says so, and still works.

What the voice says is the speech front end's spoken form (kiosk/speech/frontend.py): the open
lesson's values (``values()``) are said from their typed data, so the clip found is the one
``audio build`` made. Feedback is read with :meth:`Narrator.say`, which interrupts the step's
narration; "Listen again" still reads the step.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kivy.clock import Clock
from kivy.core.audio import Sound, SoundLoader
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, StringProperty

from kiosk.config import Settings
from kiosk.lessons.model import Value
from kiosk.speech.engine import Rate
from kiosk.speech.player import SpeechResolver

log = logging.getLogger(__name__)


class Narrator(EventDispatcher):
    # "" while looking, "ready" when a clip is loaded, "none" when there is no sound.
    state = StringProperty("")
    playing = BooleanProperty(False)

    def __init__(self, settings: Settings, resolver: SpeechResolver | None = None,
                 values: Callable[[], Mapping[str, Value]] | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.resolver = resolver or SpeechResolver.for_folders(
            settings.audio_dir, settings.device_audio_dir, currency=settings.currency,
            voices=espeak_voices(settings))
        self.values = values or dict
        # After the first frames: the number libraries load on the speech worker, not at
        # start-up and not when the first step opens.
        Clock.schedule_once(lambda _dt: self.resolver.warm_up(settings.languages), 2.0)
        self.volume = max(0.0, min(1.0, settings.speech_volume))
        self._text = ""
        self._language = ""
        self._sounds: dict[Rate, Sound] = {}
        self._token = 0
        self._said_token = -1  # feedback was said over this step: its late clip must not play
        self._said: Sound | None = None
        self._loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clip-loader")

    def open(self, text: str, language: str, *, autoplay: bool | None = None) -> None:
        """A new step is on screen: find its clip and, if autoplay is on, read it."""
        self.stop()
        self._token += 1
        self._text, self._language = text, language
        self._sounds = {}
        self.state = ""
        play = self.settings.speech_autoplay if autoplay is None else autoplay
        self._fetch("normal", play)

    def say(self, text: str, language: str) -> None:
        """Words that appear after an answer (feedback, signs): read them now, interrupting the
        step's narration. "Listen again" and "Slower" still read the step."""
        self.stop()
        self._said_token = token = self._token

        def on_clip(path: Path | None) -> None:
            with contextlib.suppress(RuntimeError):  # the app is closing: nothing to play
                self._loader.submit(load, path)

        def load(path: Path | None) -> None:
            sound = None
            if path is not None and token == self._token:
                try:
                    sound = SoundLoader.load(str(path))
                except Exception:  # a damaged clip: the words stay on screen, never a crash
                    log.exception("Could not load clip %s", path)
            Clock.schedule_once(lambda _dt: self._play_said(token, sound))

        self.resolver.resolve(text, language, "normal", callback=on_clip,
                              values=self._values())

    def listen_again(self) -> None:
        self._play_or_fetch("normal")

    def set_volume(self, volume: float) -> None:
        """A volunteer changed the volume: it applies from the next clip played."""
        self.volume = max(0.0, min(1.0, volume))
        for sound in self._sounds.values():
            sound.volume = self.volume

    def slower(self) -> None:
        self._play_or_fetch("slow")

    def stop(self) -> None:
        for sound in [*self._sounds.values(), *([self._said] if self._said else [])]:
            if sound.state == "play":
                sound.stop()
        self.playing = False

    def close(self) -> None:
        self.stop()
        self.resolver.close()
        self._loader.shutdown(wait=False, cancel_futures=True)

    # --- internals ---------------------------------------------------------------------------
    def _play_or_fetch(self, rate: Rate) -> None:
        if rate in self._sounds:
            self._play(rate)
        elif self._text:
            self._fetch(rate, True)

    def _fetch(self, rate: Rate, play: bool) -> None:
        token = self._token

        def on_clip(path: Path | None) -> None:
            # Decoding a clip takes tens of milliseconds (SDL converts it to the device's
            # format), so it happens on the loader thread; only play() runs on the UI thread.
            with contextlib.suppress(RuntimeError):  # the app is closing: nothing to play
                self._loader.submit(load, path)

        def load(path: Path | None) -> None:
            sound = None
            if path is not None and token == self._token:
                try:
                    sound = SoundLoader.load(str(path))
                except Exception:  # a damaged clip: no sound for this step, never a crash
                    log.exception("Could not load clip %s", path)
            Clock.schedule_once(lambda _dt: self._loaded(token, rate, path, sound, play))

        self.resolver.resolve(self._text, self._language, rate, callback=on_clip,
                              values=self._values())

    def _values(self) -> Mapping[str, Value]:
        try:
            return self.values()
        except Exception:  # no lesson open, or one being swapped: the words alone
            return {}

    def _play_said(self, token: int, sound: Sound | None) -> None:
        if token != self._token or sound is None or not sound.length:
            return  # another step is on screen now, or there is no sound for these words
        self.stop()
        sound.volume = self.volume
        sound.bind(on_stop=lambda *_: setattr(self, "playing", False))
        self._said = sound
        sound.play()
        self.playing = True

    def _loaded(self, token: int, rate: Rate, path: Path | None, sound: Sound | None,
                play: bool) -> None:
        if token != self._token:
            return  # the learner has moved on; this clip belongs to another step
        if sound is None or not sound.length:
            if path is not None:
                log.warning("Could not load clip %s", path)
            if rate == "normal":
                self.state = "none"
            return
        sound.volume = self.volume
        sound.bind(on_stop=lambda *_: setattr(self, "playing", False))
        self._sounds[rate] = sound
        self.state = "ready"
        if play and self._said_token != token:  # not over feedback already being read
            self._play(rate)

    def _play(self, rate: Rate) -> None:
        self.stop()
        sound = self._sounds[rate]
        sound.seek(0)
        sound.play()
        self.playing = True


def espeak_voices(settings: Settings) -> dict[str, str]:
    """espeak-ng's voice for each language, with the volunteer's choice of Vietnamese accent."""
    from kiosk.speech.espeak import ESPEAK_VOICES, VIETNAMESE_VOICES

    voices = dict(ESPEAK_VOICES)
    voices["vi"] = VIETNAMESE_VOICES.get(settings.vietnamese_voice, voices["vi"])
    return voices
