"""The run-time resolver (override > pre-built > on-device > synthesise > no sound), which never
blocks and never raises, and the narration texts, which match what the screen shows."""

from __future__ import annotations

import io
import threading
import time
import wave
from concurrent.futures import Future
from pathlib import Path

import pytest

from kiosk.i18n import LANGUAGES, Translations, current_language, set_language
from kiosk.lessons import load_library
from kiosk.player import LessonPlayer
from kiosk.progress import ProgressStore
from kiosk.speech.cache import ClipFolder, clip_key, text_sha
from kiosk.speech.engine import SpeechError
from kiosk.speech.espeak import EspeakEngine
from kiosk.speech.narration import join_sentences, player_narration, step_narration
from kiosk.speech.player import SpeechResolver
from tests.conftest import IMAGES, LESSONS

TEXT = "請掃描商店的付款碼。"


def silent_wav(seconds: float = 0.5) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\0\0" * int(16000 * seconds))
    return buffer.getvalue()


class FakeEngine:
    """Counts calls; can be made to fail or to wait."""

    name, extension = "espeak", ".wav"

    def __init__(self, fail: bool = False, gate: threading.Event | None = None) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.fail = fail
        self.gate = gate

    def synthesize(self, text, language, rate):
        self.calls.append((text, language, rate))
        if self.gate is not None:
            self.gate.wait(5)
        if self.fail:
            raise SpeechError("simulated: no engine works")
        return silent_wav()


@pytest.fixture
def folders(tmp_path):
    return tmp_path / "assets" / "audio", tmp_path / "home" / "audio"


def resolver(folders, engine) -> SpeechResolver:
    prebuilt, device = folders
    return SpeechResolver(prebuilt=prebuilt, device=device, synthesiser=engine)


def test_the_order_override_prebuilt_device_synthesis(folders):
    prebuilt, device = folders
    engine = FakeEngine()
    speech = resolver(folders, engine)
    try:
        # Nothing yet: made on the device, cached, listed in the device's manifest.
        made = speech.resolve(TEXT, "zh_Hant_TW", "normal").result(5)
        assert made == device / "zh_Hant_TW" / (clip_key(TEXT, "zh_Hant_TW", "espeak",
                                                          "normal") + ".wav")
        assert len(engine.calls) == 1
        assert made.stem in ClipFolder(device).read_manifest("zh_Hant_TW")
        again = speech.resolve(TEXT, "zh_Hant_TW", "normal")
        assert again.done() and again.result() == made and len(engine.calls) == 1

        # A pre-built clip beats the device's; a gTTS one beats an espeak one.
        espeak = ClipFolder(prebuilt).save(TEXT, "zh_Hant_TW", "espeak", "normal",
                                           silent_wav(), ".wav")
        assert speech.find(TEXT, "zh_Hant_TW") == prebuilt / "zh_Hant_TW" / espeak.file
        gtts = ClipFolder(prebuilt).save(TEXT, "zh_Hant_TW", "gtts", "normal",
                                         bytes([0xFF, 0xF3, 0x44, 0xC4]) + bytes(92), ".mp3")
        assert speech.find(TEXT, "zh_Hant_TW") == prebuilt / "zh_Hant_TW" / gtts.file

        # A human recording beats everything.
        override = prebuilt / "overrides" / "zh_Hant_TW" / f"{text_sha(TEXT)}.mp3"
        override.parent.mkdir(parents=True)
        override.write_bytes(b"ID3 recorded by a volunteer")
        assert speech.resolve(TEXT, "zh_Hant_TW", "normal").result(5) == override
        assert speech.resolve(TEXT, "zh_Hant_TW", "slow").result(5) == override
        assert speech.find(TEXT, "en") is None  # overrides are per language
        assert len(engine.calls) == 1
    finally:
        speech.close()


def test_no_sound_when_every_engine_fails(folders, caplog):
    engine = FakeEngine(fail=True)
    speech = resolver(folders, engine)
    got: list[Path | None] = []
    done = threading.Event()
    try:
        future = speech.resolve(TEXT, "zh_Hant_TW", "normal",
                                callback=lambda path: (got.append(path), done.set()))
        assert future.result(5) is None  # a value, never an exception
        assert future.exception() is None
        assert done.wait(5) and got == [None]
        assert "No sound for" in caplog.text and "simulated" in caplog.text
        assert not list(folders[1].rglob("*.wav"))
    finally:
        speech.close()


def test_no_synthesiser_means_no_sound_and_no_thread_work(folders):
    speech = resolver(folders, None)
    try:
        future = speech.resolve("Hello.", "en")
        assert future.done() and future.result() is None
    finally:
        speech.close()


def test_nothing_ever_raises_into_the_caller(folders, monkeypatch):
    speech = resolver(folders, FakeEngine())
    try:
        assert speech.resolve("", "en").result(5) is None
        assert speech.resolve("   ", "en").result(5) is None

        def broken(*args, **kwargs):
            raise OSError("the SD card went away")

        monkeypatch.setattr("kiosk.speech.player.find_override", broken)
        assert speech.find("Hello.", "en") is None
        assert speech.resolve("Hello.", "en").result(5) is not None  # found nothing: made it

        def bad_callback(path):
            raise RuntimeError("a UI bug")

        assert isinstance(speech.resolve("Hi.", "en", callback=bad_callback), Future)
    finally:
        speech.close()
    assert speech.resolve("After close.", "en").result(5) is None


def test_the_caller_is_not_blocked_and_a_double_tap_shares_one_synthesis(folders):
    gate = threading.Event()
    engine = FakeEngine(gate=gate)
    speech = resolver(folders, engine)
    try:
        started = time.monotonic()
        first = speech.resolve("Listen again.", "en", "slow")
        second = speech.resolve("Listen again.", "en", "slow")
        assert time.monotonic() - started < 0.5  # the engine is still waiting on the gate
        assert second is first and not first.done()
        gate.set()
        assert first.result(5) is not None
        assert len(engine.calls) == 1
    finally:
        gate.set()
        speech.close()


def test_closing_gives_no_sound_to_waiting_requests_instead_of_an_error(folders):
    gate = threading.Event()
    speech = resolver(folders, FakeEngine(gate=gate))
    running = speech.resolve("First.", "en")
    queued = speech.resolve("Second.", "en")
    time.sleep(0.05)
    speech.close()
    gate.set()
    assert queued.result(5) is None  # cancelled in the queue: None, not CancelledError
    assert running.result(5) is not None  # the clip being made is still finished and kept


def test_the_kiosk_resolver_speaks_with_espeak(folders):
    prebuilt, device = folders
    speech = SpeechResolver.for_folders(prebuilt, device)
    try:
        assert isinstance(speech.synthesiser, EspeakEngine)
        path = speech.resolve(TEXT, "zh_Hant_TW", "slow").result(10)
        assert path is not None and path.suffix == ".wav" and device in path.parents
        with wave.open(str(path)) as clip:
            assert clip.getnframes() / clip.getframerate() > 0.5
    finally:
        speech.close()


# --- narration -------------------------------------------------------------------------------
def test_sentences_are_joined_the_way_each_script_writes_them():
    assert join_sentences(["Tap Scan.", " Is that right? ", ""]) == "Tap Scan. Is that right?"
    assert join_sentences(["請點「掃描」。", "對嗎？"]) == "請點「掃描」。對嗎？"
    assert join_sentences(["Bấm Quét.", "Đúng không?"]) == "Bấm Quét. Đúng không?"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_narration_is_what_the_screen_shows(language, tmp_path):
    """What ``audio build`` renders (no global language switch) is exactly what the lesson
    player gives the screen in that language, values formatted for it, for every step."""
    library = load_library(LESSONS, IMAGES)
    lesson = library.lessons["pay-shop-qr"]
    translations = Translations(language)
    previous = current_language()
    store = ProgressStore.open(tmp_path / "progress.db")
    try:
        set_language(language)
        learner = store.new_guest()
        player = LessonPlayer.begin(store, lesson, learner, language=language)
        for index in range(lesson.step_count):
            player.index = index
            assert player_narration(player) == step_narration(lesson, index, language,
                                                              translations)
    finally:
        set_language(previous)
        store.close()
