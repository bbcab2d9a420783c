"""Reads each step aloud: asks the core's SpeechResolver for a clip, plays it with Kivy.

Nothing here blocks the screen: the resolver answers with a Future (a clip already on disk comes
back at once; a missing one is synthesised on a worker thread) and the result is handed to the
UI thread with ``Clock.schedule_once``. A step that has no sound at all says so, and still works.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.clock import Clock
from kivy.core.audio import Sound, SoundLoader
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, StringProperty

from kiosk.config import Settings
from kiosk.speech.engine import Rate
from kiosk.speech.player import SpeechResolver

log = logging.getLogger(__name__)


class Narrator(EventDispatcher):
    # "" while looking, "ready" when a clip is loaded, "none" when there is no sound.
    state = StringProperty("")
    playing = BooleanProperty(False)

    def __init__(self, settings: Settings, resolver: SpeechResolver | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.resolver = resolver or SpeechResolver.for_folders(settings.audio_dir,
                                                              settings.device_audio_dir)
        self.volume = max(0.0, min(1.0, settings.speech_volume))
        self._text = ""
        self._language = ""
        self._sounds: dict[Rate, Sound] = {}
        self._token = 0

    def open(self, text: str, language: str, *, autoplay: bool | None = None) -> None:
        """A new step is on screen: find its clip and, if autoplay is on, read it."""
        self.stop()
        self._token += 1
        self._text, self._language = text, language
        self._sounds = {}
        self.state = ""
        play = self.settings.speech_autoplay if autoplay is None else autoplay
        self._fetch("normal", play)

    def listen_again(self) -> None:
        self._play_or_fetch("normal")

    def slower(self) -> None:
        self._play_or_fetch("slow")

    def stop(self) -> None:
        for sound in self._sounds.values():
            if sound.state == "play":
                sound.stop()
        self.playing = False

    def close(self) -> None:
        self.stop()
        self.resolver.close()

    # --- internals ---------------------------------------------------------------------------
    def _play_or_fetch(self, rate: Rate) -> None:
        if rate in self._sounds:
            self._play(rate)
        elif self._text:
            self._fetch(rate, True)

    def _fetch(self, rate: Rate, play: bool) -> None:
        token = self._token

        def on_clip(path: Path | None) -> None:  # on the speech thread: hand over to the UI's
            Clock.schedule_once(lambda _dt: self._loaded(token, rate, path, play))

        self.resolver.resolve(self._text, self._language, rate, callback=on_clip)

    def _loaded(self, token: int, rate: Rate, path: Path | None, play: bool) -> None:
        if token != self._token:
            return  # the learner has moved on; this clip belongs to another step
        sound = SoundLoader.load(str(path)) if path is not None else None
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
        if play:
            self._play(rate)

    def _play(self, rate: Rate) -> None:
        self.stop()
        sound = self._sounds[rate]
        sound.seek(0)
        sound.play()
        self.playing = True
