"""``python -m kiosk audio build``: render every narration in every language. No Kivy.

Every narration: each step's text, the feedback each answer can bring, the hint "I need help"
shows, and each lesson's closing words, each as the speech front end says it for the engine
(kiosk/speech/frontend.py). A clip's key is that spoken form, so after a lexicon change only the
clips whose words changed are made again. A broken lexicon file stops the build before any clip
is made, naming the file.

::

    python -m kiosk audio build                      # every language, gTTS if reachable
    python -m kiosk audio build --lang vi --engine espeak
    python -m kiosk audio build --rate normal --rate slow

Clips go to ``assets/audio/<lang>/`` with a ``manifest.json`` per language. With ``--engine auto``
a quick probe (a two-letter request, short timeout) decides: gTTS when the service answers, each
clip falling back to espeak-ng if its request fails; espeak-ng alone when it does not. A clip that
already exists is reused, so a second run only checks files and takes seconds. One bad clip never
stops the build: it is counted, reported, and the exit status is 1.

Only the normal rate is built by default. "Slower" is pressed now and then, not on every step, and
the kiosk synthesises a missing slow clip on the device with espeak-ng in a few tens of
milliseconds and keeps it; building both rates would double the build time, the disk space and the
requests sent to Google. ``--rate slow`` builds the slow clips too, for a kiosk that should use
gTTS's voice for "Slower" as well.

>>> summary = build_audio(narrations, ClipFolder(Path("assets/audio")), engine="espeak")
>>> summary.line()
'Audio clips: 932 made, 0 reused, 0 failed (espeak 932) in 20.6 s.'
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from kiosk.config import Settings
from kiosk.speech.cache import (
    ENGINE_PREFERENCE,
    ClipFolder,
    ClipInfo,
    check_rate,
    clip_key,
    find_override,
    normalise_text,
)
from kiosk.speech.engine import RATES, Engine, Rate
from kiosk.speech.espeak import EspeakEngine
from kiosk.speech.gtts_engine import GttsEngine
from kiosk.speech.narration import Narration

EngineChoice = Literal["auto", "gtts", "espeak"]
ENGINE_CHOICES: tuple[EngineChoice, ...] = ("auto", "gtts", "espeak")
# After this many gTTS failures in a row the service is taken as gone for the rest of the build,
# so a network that dies halfway costs a few timeouts, not one per clip.
GTTS_GIVE_UP_AFTER = 3
PROBE_TIMEOUT = 3.0
GTTS_URL_VARIABLE = "KIOSK_GTTS_URL"  # another address for the service (tests, a proxy)


@dataclass
class BuildSummary:
    made: int = 0
    reused: int = 0
    failed: int = 0
    overridden: int = 0  # clips that a human recording replaces at run time
    engines: Counter[str] = field(default_factory=Counter)  # engine of every clip made or reused
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        engines = ", ".join(f"{name} {count}" for name, count in sorted(self.engines.items()))
        line = (f"Audio clips: {self.made} made, {self.reused} reused, {self.failed} failed"
                f"{f' ({engines})' if engines else ''} in {self.seconds:.1f} s.")
        if self.overridden:
            line += f" {self.overridden} have a recorded override."
        return line


class ProgressBar:
    """A one-line bar on a terminal, redrawn at most ten times a second. When the output is not
    a terminal (CI logs, a pipe) it draws nothing: callers print one line per language instead."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = max(total, 1)
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._drawn_at = 0.0
        self._shown = False

    def update(self, done: int, detail: str, *, force: bool = False) -> None:
        if not self.tty:
            return
        now = time.monotonic()
        if not force and now - self._drawn_at < 0.1 and done < self.total:
            return
        self._drawn_at = now
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} {detail[:32]:<32}")  # < 80 columns
        self.stream.flush()
        self._shown = True

    def note(self, message: str) -> None:
        """Print a line of its own (above the bar, on a terminal)."""
        self.clear()
        self.stream.write(message + "\n")
        self.stream.flush()

    def clear(self) -> None:
        if self.tty and self._shown:
            self.stream.write("\r" + " " * (self.WIDTH + 46) + "\r")
            self._shown = False


@dataclass
class _Job:
    text: str  # as the screen shows it (names the override)
    language: str
    rate: Rate
    steps: list[str]  # "lesson-id step N" of every step that says this text
    spoken: Mapping[str, str] = field(default_factory=dict)  # engine -> what it says

    def said(self, engine: str) -> str:
        return self.spoken.get(engine, self.text)


def _jobs(narrations: Iterable[Narration], rates: Sequence[Rate]) -> list[_Job]:
    """One job per distinct (text, language, rate): two steps that say the same share a clip."""
    jobs: dict[tuple[str, str, Rate], _Job] = {}
    for narration in narrations:
        if not narration.text.strip():
            continue
        for rate in rates:
            key = (normalise_text(narration.text), narration.language, rate)
            job = jobs.setdefault(key, _Job(narration.text, narration.language, rate, [],
                                            narration.spoken))
            where = ("closing" if narration.part == "closing"
                     else f"step {narration.step}" + (" feedback" if narration.part == "feedback"
                                                       else ""))
            job.steps.append(f"{narration.lesson_id} {where}")
    return list(jobs.values())


class _EngineChain:
    """The engines to try for each clip, in order, with gTTS dropped after repeated failures."""

    def __init__(self, engines: list[Engine], progress: ProgressBar) -> None:
        self.engines = engines
        self.progress = progress
        self.failures_in_a_row: Counter[str] = Counter()
        self.given_up: set[str] = set()

    def active(self) -> list[Engine]:
        return [e for e in self.engines if e.name not in self.given_up]

    def succeeded(self, engine: Engine) -> None:
        self.failures_in_a_row[engine.name] = 0

    def failed(self, engine: Engine) -> None:
        self.failures_in_a_row[engine.name] += 1
        if engine.name == "gtts" and self.failures_in_a_row[engine.name] >= GTTS_GIVE_UP_AFTER:
            self.given_up.add(engine.name)
            self.progress.note(f"gTTS failed {GTTS_GIVE_UP_AFTER} times in a row; "
                               "not trying it again in this build.")


def check_engine(name: str) -> EngineChoice:
    """``name`` as an :data:`EngineChoice`, or ValueError."""
    for choice in ENGINE_CHOICES:
        if name == choice:
            return choice
    raise ValueError(f"unknown engine {name!r}; use one of {', '.join(ENGINE_CHOICES)}")


def _usable(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def choose_engines(choice: EngineChoice, espeak: Engine, gtts: GttsEngine,
                   progress: ProgressBar) -> tuple[list[Engine], tuple[str, ...]]:
    """(engines to make clips with, in order; engines whose existing clips are reused)."""
    if choice == "espeak":
        return [espeak], ("espeak",)
    if choice == "gtts":
        return [gtts], ("gtts",)
    if gtts.reachable(timeout=min(PROBE_TIMEOUT, gtts.timeout)):
        progress.note("gTTS is reachable: making clips with gTTS (espeak-ng if one fails).")
        return [gtts, espeak], ("gtts",)
    progress.note("gTTS is not reachable: making clips with espeak-ng.")
    return [espeak], ENGINE_PREFERENCE


def build_audio(narrations: Iterable[Narration], clips: ClipFolder, *,
                engine: EngineChoice = "auto", rates: Sequence[Rate] = ("normal",),
                espeak: Engine | None = None, gtts: GttsEngine | None = None,
                overrides: Path | None = None, prune: bool = False,
                stream: TextIO = sys.stderr) -> BuildSummary:
    """Make (or reuse) a clip for every narration at every rate. Never raises for one clip."""
    started = time.monotonic()
    narrations = list(narrations)
    jobs = _jobs(narrations, rates)
    summary = BuildSummary()
    progress = ProgressBar(len(jobs), stream)
    engines, reuse = choose_engines(engine, espeak or EspeakEngine(), gtts or GttsEngine(),
                                    progress)
    chain = _EngineChain(engines, progress)
    languages = list(dict.fromkeys(job.language for job in jobs))
    done = 0
    for language in languages:
        manifest = clips.read_manifest(language)
        before = (summary.made, summary.reused, summary.failed)
        try:
            for job in (j for j in jobs if j.language == language):
                progress.update(done, f"{language} {job.steps[0]}")
                info = _build_one(job, clips, chain, reuse, manifest, summary, progress)
                if info is not None:
                    manifest[info.key] = info
                    summary.engines[info.engine] += 1
                if overrides is not None and find_override(overrides, job.text, language,
                                                           job.rate):
                    summary.overridden += 1
                done += 1
            if prune:
                _prune(clips, language, narrations, manifest, progress)
        finally:  # an interrupted build still lists every clip it made
            clips.write_manifest(language, manifest.values())
        if not progress.tty:
            made, reused, failed = (now - then for now, then in zip(
                (summary.made, summary.reused, summary.failed), before, strict=True))
            progress.note(f"{language}: {made} made, {reused} reused, {failed} failed")
    progress.update(done, "done", force=True)
    progress.clear()
    summary.seconds = time.monotonic() - started
    return summary


def _build_one(job: _Job, clips: ClipFolder, chain: _EngineChain, reuse: Sequence[str],
               manifest: dict[str, ClipInfo], summary: BuildSummary,
               progress: ProgressBar) -> ClipInfo | None:
    for name in reuse:
        existing = clips.path(job.said(name), job.language, name, job.rate)
        if _usable(existing):
            summary.reused += 1
            return manifest.get(existing.stem) or clips.describe(
                existing, job.said(name), job.language, name, job.rate, job.text)
    errors: list[str] = []
    for engine in chain.active():
        said = job.said(engine.name)
        fallback = clips.path(said, job.language, engine.name, job.rate)
        if _usable(fallback):  # a fallback clip made by an earlier build
            summary.reused += 1
            return manifest.get(fallback.stem) or clips.describe(
                fallback, said, job.language, engine.name, job.rate, job.text)
        try:
            data = engine.synthesize(said, job.language, job.rate)
            info = clips.save(said, job.language, engine.name, job.rate, data,
                              engine.extension, update_manifest=False, screen_text=job.text)
        except Exception as exc:  # one bad clip must never stop the build
            chain.failed(engine)
            errors.append(f"{engine.name}: {exc}")
            continue
        chain.succeeded(engine)
        summary.made += 1
        return info
    summary.failed += 1
    message = (f"FAILED {job.language} {', '.join(job.steps)} ({job.rate}): "
               f"{'; '.join(errors) or 'no engine left to try'}")
    summary.failures.append(message)
    progress.note(message)
    return None


def _prune(clips: ClipFolder, language: str, narrations: list[Narration],
           manifest: dict[str, ClipInfo], progress: ProgressBar) -> None:
    """Delete clips whose text no step says any more (any engine, any rate is kept for a text
    that is still said)."""
    wanted = {clip_key(n.spoken_for(engine), language, engine, rate)
              for n in narrations if n.language == language
              for engine in ENGINE_PREFERENCE for rate in RATES}
    removed = 0
    for path in clips.clip_files(language):
        if path.stem not in wanted:
            path.unlink(missing_ok=True)
            manifest.pop(path.stem, None)
            removed += 1
    if removed:
        progress.note(f"{language}: removed {removed} clip(s) no step uses any more")


def build_command(settings: Settings, *, languages: Sequence[str] | None = None,
                  engine: str = "auto", rates: Sequence[str] = ("normal",),
                  out: Path | None = None, prune: bool = False,
                  lexicon_dir: Path | None = None,
                  stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    """The whole command: load the lessons, build, print the summary. Exit status 1 if any clip
    failed (or the lessons could not be read), else 0."""
    from kiosk.i18n import LANGUAGES
    from kiosk.lessons import load_library
    from kiosk.speech.narration import library_narrations

    try:
        choice = check_engine(engine)
        checked_rates = [check_rate(rate) for rate in dict.fromkeys(rates)]
    except ValueError as exc:
        print(exc, file=stderr)
        return 2
    from kiosk.speech.frontend import Frontend
    from kiosk.speech.lexicon import LEXICON_DIR, check_lexicons

    broken = check_lexicons(lexicon_dir or LEXICON_DIR)
    if broken:  # clips made without a lexicon would be kept and never made again
        for problem in broken:
            print(f"Pronunciation lexicon: {problem}", file=stderr)
        print("Fix the lexicon file(s) above, then run audio build again.", file=stderr)
        return 1
    library = load_library(settings.lessons_dir, settings.images_dir)
    if library.problems:
        print(f"{len(library.skipped_files)} lesson file(s) skipped; run `python -m kiosk "
              "lessons check` to see why.", file=stderr)
    if not library.lessons:
        print("No lessons to narrate.", file=stderr)
        return 1
    narrations = library_narrations(library, list(languages or LANGUAGES),
                                    currency=settings.currency,
                                    frontend=Frontend(lexicon_dir) if lexicon_dir else None)
    audio_dir = settings.assets_dir / "audio"
    gtts = GttsEngine(base_url=os.environ.get(GTTS_URL_VARIABLE) or None)
    summary = build_audio(narrations, ClipFolder(out or audio_dir),
                          engine=choice,
                          rates=checked_rates, gtts=gtts, overrides=audio_dir / "overrides",
                          prune=prune, stream=stderr)
    print(summary.line(), file=stdout)
    return 1 if summary.failed else 0
