"""Which clip to play for a text, at run time. No Kivy: the UI plays the path it is given.

In order, the first that exists wins:

1. a human-recorded override (``assets/audio/overrides/<lang>/<sha>.*``);
2. a pre-built clip (``assets/audio/<lang>/``, from ``audio build``; gTTS before espeak-ng);
3. a clip this kiosk synthesised earlier (``KIOSK_HOME/audio/<lang>/``);
4. a new clip, synthesised with espeak-ng on a background thread and kept for next time;
5. ``None``: no sound. The UI shows its "no sound" mark and the lesson goes on silently.

What is looked for and synthesised is the front end's spoken form of the text for each engine
(:mod:`kiosk.speech.frontend`): the lesson's values said from their typed data (give ``values``),
the lexicon applied. A recorded override is looked up by the text itself.

The caller is never blocked and never sees an exception: :meth:`SpeechResolver.resolve` returns a
``Future`` at once (already done when a clip exists: the checks are a few ``stat`` calls), and
every failure is logged and becomes ``None``. Synthesis runs on one worker thread, so espeak-ng is
never driven from two threads, and a second request for a text already being made shares the
first one's Future.

>>> speech = SpeechResolver.for_folders(Path("assets/audio"), Path(home) / "audio")
>>> future = speech.resolve("請掃描商店的付款碼。", "zh_Hant_TW", "normal")
>>> future.result()   # in the UI: future.add_done_callback(...) and Clock.schedule_once
PosixPath('.../audio/zh_Hant_TW/3f1c....wav')
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import CancelledError, Future, InvalidStateError, ThreadPoolExecutor
from pathlib import Path

from kiosk.lessons.model import Value
from kiosk.speech.cache import ENGINE_PREFERENCE, ClipFolder, find_override, normalise_text
from kiosk.speech.engine import Engine, Rate
from kiosk.speech.espeak import ESPEAK_VOICES, EspeakEngine
from kiosk.speech.frontend import Frontend, default_frontend

log = logging.getLogger(__name__)

ClipCallback = Callable[[Path | None], None]
Values = Mapping[str, Value]


def _done(path: Path | None) -> Future[Path | None]:
    future: Future[Path | None] = Future()
    future.set_result(path)
    return future


class SpeechResolver:
    """Finds or makes the clip for (text, language, rate). Safe to call from any thread.

    ``synthesiser`` makes missing clips on the device (:meth:`for_folders` uses espeak-ng;
    ``None``: never synthesise). ``engines`` are the engines whose cached clips may be played,
    best first.
    """

    def __init__(self, *, prebuilt: Path, device: Path, synthesiser: Engine | None,
                 overrides: Path | None = None,
                 engines: Sequence[str] = ENGINE_PREFERENCE,
                 frontend: Frontend | None = None, currency: str = "TWD",
                 voices: Mapping[str, str] | None = None) -> None:
        self.prebuilt = ClipFolder(prebuilt)
        self.device = ClipFolder(device)
        self.overrides = overrides if overrides is not None else prebuilt / "overrides"
        self.synthesiser = synthesiser
        self.engines = tuple(engines)
        self.frontend = frontend or default_frontend()
        self.currency = currency
        # Languages spoken on this kiosk with another espeak-ng voice than the pre-built clips
        # (the Southern Vietnamese accent): their espeak-ng clips are not taken from the
        # pre-built folder, and the kiosk keeps its own under "<language>@<voice>".
        self.voice_tags = {language: voice for language, voice in (voices or {}).items()
                           if voice != ESPEAK_VOICES.get(language, voice)}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speech")
        self._pending: dict[tuple[str, str, Rate], Future[Path | None]] = {}
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def for_folders(cls, audio_dir: Path, device_audio_dir: Path, *, currency: str = "TWD",
                    voices: Mapping[str, str] | None = None) -> SpeechResolver:
        """The kiosk's resolver: ``assets/audio`` (with its ``overrides``) and
        ``KIOSK_HOME/audio``, synthesising with espeak-ng (``voices``: its voice per language,
        e.g. the Southern Vietnamese one)."""
        return cls(prebuilt=audio_dir, device=device_audio_dir,
                   synthesiser=EspeakEngine(voices), currency=currency, voices=voices)

    def spoken(self, text: str, language: str, values: Values | None = None) -> dict[str, str]:
        """The spoken form of ``text`` for each engine whose clips may be played."""
        engines = dict.fromkeys([*self.engines, *([self.synthesiser.name]
                                                  if self.synthesiser else [])])
        return self.frontend.forms(text, language, values=values, currency=self.currency,
                                   engines=engines)

    def find(self, text: str, language: str, rate: Rate = "normal",
             values: Values | None = None) -> Path | None:
        """An existing clip (steps 1-3 above), or None. Only looks at files; never raises."""
        try:
            if not normalise_text(text):
                return None
            override = find_override(self.overrides, text, language, rate)
            if override is not None:
                return override
            spoken = self.spoken(text, language, values)
            prebuilt = [e for e in self.engines
                        if e != "espeak" or language not in self.voice_tags]
            return (self.prebuilt.find(text, language, rate, prebuilt, spoken)
                    or self.device.find(text, self._device_language(language), rate,
                                        self.engines, spoken))
        except Exception:  # a damaged card or folder: no sound, never a crash
            log.exception("Looking for the clip of %r failed", text[:40])
            return None

    def resolve(self, text: str, language: str, rate: Rate = "normal",
                callback: ClipCallback | None = None, *,
                values: Values | None = None) -> Future[Path | None]:
        """The clip to play, as a Future that never holds an exception (None: no sound).

        ``values`` are the lesson's values that ``text`` shows (said from their typed data).
        ``callback``, if given, is called with the result: at once, in the caller's thread, when
        the clip exists; otherwise in the speech worker's thread. A UI must hand it over to its
        own thread (Kivy: ``Clock.schedule_once``) before touching widgets.
        """
        try:
            future = self._resolve(text, language, rate, values)
        except Exception:
            log.exception("Speech for %r failed", text[:40])
            future = _done(None)
        if callback is not None:
            future.add_done_callback(lambda f: self._deliver(f, callback))
        return future

    def prefetch(self, text: str, language: str, rate: Rate = "normal", *,
                 values: Values | None = None) -> None:
        """Make the clip ready in the background (for the step after this one)."""
        self.resolve(text, language, rate, values=values)

    def warm_up(self, languages: Sequence[str] = ()) -> None:
        """Load the speech front end's libraries and lexicons on the speech worker, in the
        background, so the first narration does not wait for them on the UI thread."""
        with contextlib.suppress(RuntimeError):  # already closed
            self._executor.submit(self._warm_up, tuple(languages))

    def _warm_up(self, languages: tuple[str, ...]) -> None:
        try:
            self.frontend.warm_up(languages, self.engines)
        except Exception:  # a broken lexicon is reported when that language is spoken
            log.exception("Warming up the speech front end failed")

    def close(self) -> None:
        """Stop the worker (on app exit). Requests still queued give None; the clip being made,
        if any, is finished and kept."""
        with self._lock:
            self._closed = True
        self._executor.shutdown(wait=False, cancel_futures=True)

    # --- internals ---------------------------------------------------------------------------
    def _resolve(self, text: str, language: str, rate: Rate,
                 values: Values | None) -> Future[Path | None]:
        found = self.find(text, language, rate, values)
        if found is not None or self.synthesiser is None or not normalise_text(text):
            return _done(found)
        key = (normalise_text(text), language, rate)
        with self._lock:
            if self._closed:
                return _done(None)
            pending = self._pending.get(key)
            if pending is not None:
                return pending
            # The caller gets a Future of its own, settled from the worker's: a job cancelled by
            # close() then gives None instead of raising CancelledError from result().
            outer: Future[Path | None] = Future()
            inner = self._executor.submit(self._synthesise, text, language, rate, values)
            self._pending[key] = outer
        inner.add_done_callback(lambda done: self._settle(key, done, outer))
        return outer

    def _settle(self, key: tuple[str, str, Rate], inner: Future[Path | None],
                outer: Future[Path | None]) -> None:
        with self._lock:
            self._pending.pop(key, None)
        try:
            path = None if inner.cancelled() else inner.result()
        except Exception:  # _synthesise never raises; this is only a safety net
            path = None
        with contextlib.suppress(InvalidStateError):  # the caller may have cancelled it
            outer.set_result(path)

    def _synthesise(self, text: str, language: str, rate: Rate,
                    values: Values | None = None) -> Path | None:
        """Runs on the worker thread. Never raises."""
        try:
            found = self.find(text, language, rate, values)  # made while this request waited?
            if found is not None:
                return found
            engine = self.synthesiser
            assert engine is not None
            said = self.spoken(text, language, values).get(engine.name, text)
            data = engine.synthesize(said, language, rate)
            device_language = self._device_language(language)
            info = self.device.save(said, device_language, engine.name, rate, data,
                                    engine.extension, screen_text=text)
            return self.device.folder(device_language) / info.file
        except Exception as exc:
            log.error("No sound for %r in %s (%s): %s", text[:40], language, rate, exc)
            return None

    def _device_language(self, language: str) -> str:
        tag = self.voice_tags.get(language)
        return f"{language}@{tag}" if tag else language

    @staticmethod
    def _deliver(future: Future[Path | None], callback: ClipCallback) -> None:
        try:
            path = future.result()
        except (CancelledError, Exception):  # closed while waiting: no sound
            path = None
        try:
            callback(path)
        except Exception:
            log.exception("A speech callback failed")
