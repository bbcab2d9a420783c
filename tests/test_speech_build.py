"""``audio build`` over a small lesson library: a clip for every step in every language, a
second run that reuses them all, failures that never stop the build, and clips that Kivy's
SDL2 audio loads (checked in a subprocess under SDL's dummy audio driver)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import PROJECT_ROOT, load_settings
from kiosk.i18n import LANGUAGES
from kiosk.lessons import load_library
from kiosk.speech.build import ProgressBar, build_audio, build_command
from kiosk.speech.cache import ClipFolder, clip_key, normalise_text, text_sha
from kiosk.speech.clipinfo import clip_duration
from kiosk.speech.engine import SpeechError
from kiosk.speech.espeak import EspeakEngine
from kiosk.speech.narration import library_narrations
from tests.lesson_samples import VALID_LESSON

TOPICS = '[[topics]]\nid = "payment"\ntitle = "Mobile payment"\nsummary = "Pay with a phone."\n'
SAMPLE_STEPS = 6
# Each step read as it opens, and the order step (three items) read again with 1, 2 and 3 of
# its items placed, as it is after a language switch midway or when reopened solved.
SAMPLE_NARRATIONS = SAMPLE_STEPS + 3


def make_library(root: Path, lessons: dict[str, str] | None = None) -> Path:
    """A lessons folder with the sample lesson (and any others given as id -> TOML)."""
    folder = root / "lessons"
    (folder / "payment").mkdir(parents=True)
    (folder / "topics.toml").write_text(TOPICS, "utf-8")
    (folder / "payment" / "sample.toml").write_text(VALID_LESSON, "utf-8")
    for lesson_id, text in (lessons or {}).items():
        (folder / "payment" / f"{lesson_id}.toml").write_text(text, "utf-8")
    return folder


def translate_sample(root: Path, library) -> Path:
    """A locales folder in which the sample lesson is wholly "translated" (into its own
    English words) in every language: a lesson is narrated in a language only when it is
    shown in it, and not half-translated (kiosk.i18n.coverage)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from kiosk.i18n.coverage import lesson_strings

    locales = root / "locales"
    for language in LANGUAGES:
        catalog = Catalog(locale=language, domain="lessons")
        for text in lesson_strings(library.lessons["sample-lesson"]):
            catalog.add(text, text)
        folder = locales / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with (folder / "lessons.po").open("wb") as handle:
            write_po(handle, catalog)
    return locales


@pytest.fixture
def narrations(tmp_path):
    library = load_library(make_library(tmp_path), tmp_path / "images")
    assert list(library.lessons) == ["sample-lesson"]
    return library_narrations(library, feedback=False,
                              locales_dir=translate_sample(tmp_path, library))


def load_lengths(paths: list[Path], kivy_home: Path, timeout: float = 120) -> dict[str, float]:
    """Sound.length of each file as Kivy's SDL2 audio provider loads it, in a fresh process
    (this test process may already own a Kivy window) with SDL's dummy audio driver."""
    script = (
        "import json, sys\n"
        "from kivy.core.audio import SoundLoader\n"
        "lengths = {}\n"
        "for path in sys.argv[1:]:\n"
        "    sound = SoundLoader.load(path)\n"
        "    lengths[path] = sound.length if sound else -1\n"
        "print('LENGTHS ' + json.dumps(lengths))\n")
    env = {**os.environ, "SDL_AUDIODRIVER": "dummy", "SDL_VIDEODRIVER": "offscreen",
           "KIVY_NO_ARGS": "1", "KIVY_HOME": str(kivy_home), "KIVY_LOG_MODE": "PYTHON"}
    result = subprocess.run([sys.executable, "-c", script, *map(str, paths)], env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("LENGTHS "))
    return json.loads(line.removeprefix("LENGTHS "))


def test_every_step_in_every_language_gets_a_clip_and_kivy_can_play_them(narrations, tmp_path):
    out = tmp_path / "audio"
    log = io.StringIO()
    summary = build_audio(narrations, ClipFolder(out), engine="espeak", stream=log)
    assert len(narrations) == SAMPLE_NARRATIONS * len(LANGUAGES)
    assert (summary.made, summary.reused, summary.failed) == (len(narrations), 0, 0)
    assert dict(summary.engines) == {"espeak": len(narrations)}

    clips = ClipFolder(out)
    paths = []
    for narration in narrations:
        path = clips.find(narration.text, narration.language, "normal", ["espeak"],
                          narration.spoken)
        assert path is not None, narration
        manifest = clips.read_manifest(narration.language)
        entry = manifest[path.stem]
        # The manifest lists what the voice says; the override is named after the screen text.
        assert entry.text == normalise_text(narration.spoken_for("espeak"))
        assert entry.engine == "espeak"
        assert entry.rate == "normal" and entry.override == text_sha(narration.text)
        assert entry.duration == pytest.approx(clip_duration(path), abs=0.001)
        assert entry.duration > 0.2
        paths.append(path)
    for language in LANGUAGES:
        assert len(clips.read_manifest(language)) == SAMPLE_NARRATIONS

    lengths = load_lengths(paths, tmp_path / "kivy")
    assert len(lengths) == len(paths)
    assert all(length > 0.2 for length in lengths.values()), lengths

    # Not a terminal: one line per language, no progress bar.
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert lines == [f"{lang}: {SAMPLE_NARRATIONS} made, 0 reused, 0 failed" for lang in LANGUAGES]


def test_a_second_run_reuses_every_clip(narrations, tmp_path):
    out = ClipFolder(tmp_path / "audio")
    build_audio(narrations, out, engine="espeak", stream=io.StringIO())
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "audio").rglob("*.wav")}

    class MustNotSpeak:
        name, extension = "espeak", ".wav"

        def synthesize(self, text, language, rate):
            raise AssertionError("a clip that exists was made again")

    again = build_audio(narrations, out, engine="espeak", espeak=MustNotSpeak(),
                        stream=io.StringIO())
    assert (again.made, again.reused, again.failed) == (0, len(narrations), 0)
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "audio").rglob("*.wav")} == before
    assert "0 made, 36 reused, 0 failed (espeak 36)" in again.line()


def test_one_bad_clip_never_stops_the_build(narrations, tmp_path):
    real = EspeakEngine()

    class BreaksOnScan:
        name, extension = "espeak", ".wav"

        def synthesize(self, text, language, rate):
            if "Scan" in text:
                raise SpeechError("simulated failure")
            return real.synthesize(text, language, rate)

    log = io.StringIO()
    summary = build_audio(narrations, ClipFolder(tmp_path), engine="espeak",
                          espeak=BreaksOnScan(), stream=log)
    bad = [n for n in narrations if "Scan" in n.text]
    assert bad and len(bad) < len(narrations)
    assert (summary.made, summary.failed) == (len(narrations) - len(bad), len(bad))
    assert len(summary.failures) == len(bad)
    assert "FAILED en sample-lesson step 2 (normal): espeak: simulated failure" in log.getvalue()
    assert f"{len(bad)} failed" in summary.line()
    # The next run makes only what is missing.
    again = build_audio(narrations, ClipFolder(tmp_path), engine="espeak", stream=io.StringIO())
    assert (again.made, again.reused, again.failed) == (len(bad), len(narrations) - len(bad), 0)


def test_slow_clips_on_request_and_overrides_are_counted(narrations, tmp_path):
    english = [n for n in narrations if n.language == "en"]
    overrides = tmp_path / "overrides"
    (overrides / "en").mkdir(parents=True)
    (overrides / "en" / f"{text_sha(english[0].text)}.wav").write_bytes(b"RIFF")
    summary = build_audio(english, ClipFolder(tmp_path / "audio"), engine="espeak",
                          rates=("normal", "slow"), overrides=overrides, stream=io.StringIO())
    assert summary.made == 2 * SAMPLE_NARRATIONS
    assert summary.overridden == 2  # the normal and the slow clip of that step
    manifest = ClipFolder(tmp_path / "audio").read_manifest("en")
    assert sorted(c.rate for c in manifest.values()).count("slow") == SAMPLE_NARRATIONS


def test_prune_removes_clips_no_step_says(narrations, tmp_path):
    clips = ClipFolder(tmp_path)
    english = [n for n in narrations if n.language == "en"]
    build_audio(english, clips, engine="espeak", stream=io.StringIO())
    stale = clips.save("A sentence no lesson has any more.", "en", "espeak", "normal",
                       EspeakEngine().synthesize("Old.", "en", "normal"), ".wav")
    log = io.StringIO()
    summary = build_audio(english, clips, engine="espeak", prune=True, stream=log)
    assert summary.reused == SAMPLE_NARRATIONS
    assert not (tmp_path / "en" / stale.file).exists()
    assert stale.key not in clips.read_manifest("en")
    assert len(clips.read_manifest("en")) == SAMPLE_NARRATIONS
    assert "removed 1 clip(s)" in log.getvalue()


def test_the_progress_bar_draws_on_a_terminal_only():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    bar = ProgressBar(4, screen)
    for done in range(5):
        bar.update(done, "en sample-lesson step 1", force=True)
    bar.note("FAILED something")
    assert "\r[" + "#" * 30 + "] 4/4" in screen.getvalue()
    assert "FAILED something\n" in screen.getvalue()

    log = io.StringIO()
    quiet = ProgressBar(4, log)
    for done in range(5):
        quiet.update(done, "x", force=True)
    assert log.getvalue() == ""


def test_the_command_builds_the_kiosk_lessons_folder(tmp_path):
    lessons = make_library(tmp_path)
    settings = load_settings(environ={"KIOSK_HOME": str(tmp_path / "home"),
                                      "KIOSK_LESSONS": str(lessons),
                                      "KIOSK_ASSETS": str(tmp_path / "assets")})
    out, err = io.StringIO(), io.StringIO()
    status = build_command(settings, languages=["vi"], engine="espeak", stdout=out, stderr=err)
    assert status == 0, err.getvalue()
    # Every step, every feedback and the closing words, each distinct text once.
    said = {normalise_text(n.text) for n in library_narrations(
        load_library(lessons, tmp_path / "images"), ["vi"])}
    assert len(said) > SAMPLE_STEPS
    assert out.getvalue().startswith(f"Audio clips: {len(said)} made, 0 reused, 0 failed")
    # The sample lesson is not translated into Vietnamese: a Vietnamese learner sees (and
    # hears) its words in English, and the kiosk's own words ("Not this one yet...") in
    # Vietnamese.
    assert sorted(p.name for p in (tmp_path / "assets" / "audio").iterdir()) == ["en", "vi"]
    assert build_command(settings, engine="bogus", stdout=out, stderr=err) == 2
    assert build_command(settings, rates=["fast"], stdout=out, stderr=err) == 2


def test_the_shipped_lessons_have_a_narration_for_every_step_in_every_language():
    from tests.conftest import IMAGES, LESSONS

    library = load_library(LESSONS, IMAGES)
    found = [n for n in library_narrations(library) if n.part == "text"]
    steps = sum(lesson.step_count for lesson in library.lessons.values())
    # Every shipped lesson is translated, so each step is read in each language (an order step
    # more than once: with the items placed so far).
    assert {(n.lesson_id, n.step, n.language) for n in found} == {
        (lesson.id, number, language) for lesson in library.lessons.values()
        for number in range(1, lesson.step_count + 1) for language in LANGUAGES}
    assert all(n.text.strip() for n in found)
    assert len({clip_key(n.text, n.language, "espeak", "normal") for n in found}) > steps


def test_the_speech_core_never_imports_kivy():
    code = ("import sys, kiosk.speech, kiosk.speech.build, kiosk.speech.player\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'kivy'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.slow
def test_audio_build_with_espeak_narrates_every_shipped_step_in_every_language(tmp_path):
    """The command a volunteer runs, on the real lessons: then every step of every lesson has a
    clip in every language, and Kivy (SDL's dummy audio driver) loads each one with length > 0."""
    from tests.conftest import IMAGES, LESSONS

    out = tmp_path / "audio"
    env = {**os.environ, "KIOSK_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "audio", "build", "--engine", "espeak", "--out",
         str(out)], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 failed" in result.stdout

    narrations = library_narrations(load_library(LESSONS, IMAGES))
    clips = ClipFolder(out)
    paths = [clips.find(n.text, n.language, "normal", ["espeak"], n.spoken) for n in narrations]
    missing = [n for n, path in zip(narrations, paths, strict=True) if path is None]
    assert missing == []
    # Each clip once (steps that say the same share one); a few thousand clips take a while on
    # a busy two-core machine.
    lengths = load_lengths(sorted({p for p in paths if p is not None}), tmp_path / "kivy",
                           timeout=600)
    assert len(lengths) == len(set(paths))
    assert min(lengths.values()) > 0.2
