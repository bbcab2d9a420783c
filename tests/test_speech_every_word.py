"""Every word the step screen can hand the voice has a clip that ``audio build`` made (issue 12).

A real lesson player (real SQLite store) is driven through every step of every shipped lesson in
every language the way a learner can: the step opening, every wrong and right answer, each stage
of an order step (and the step read again there, as after a language switch), "I need help", a
tap on the practice phone where the answer is not, and one after the step is done. Whatever the
screen would hand the narrator for each (:func:`step_speech`, :func:`feedback_speech`) must be in
the manifest of a real espeak-ng build of the shipped lessons, in the language it is said in.
"""

from __future__ import annotations

import io

import pytest

from kiosk.i18n import LANGUAGES, current_language, set_language
from kiosk.lessons import load_library
from kiosk.lessons.model import Lesson
from kiosk.player import LessonPlayer
from kiosk.progress import ProgressStore
from kiosk.speech.build import build_audio
from kiosk.speech.cache import ClipFolder
from kiosk.speech.frontend import default_frontend
from kiosk.speech.narration import (
    closing_narration,
    feedback_speech,
    library_narrations,
    step_speech,
)
from tests.conftest import IMAGES, LESSONS

pytestmark = pytest.mark.slow  # one espeak-ng build of every shipped narration (about a minute)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    library = load_library(LESSONS, IMAGES)
    out = tmp_path_factory.mktemp("audio")
    summary = build_audio(library_narrations(library), ClipFolder(out), engine="espeak",
                          stream=io.StringIO())
    assert summary.failed == 0, summary.failures
    return library, ClipFolder(out)


def everything_said(player: LessonPlayer) -> list[tuple[str, str]]:
    """(words, language) of everything the step screen hands the narrator, over the whole
    lesson, answered every way a learner can."""
    said: list[tuple[str, str]] = []

    def answer(feedback) -> None:
        if feedback is not None:
            said.append(feedback_speech(player, feedback))

    while True:
        step = player.step
        said.append(step_speech(player))
        answer(player.tap("nowhere"))  # off the answer ("Not this one yet..." or the hint)
        answer(player.help_feedback)
        if step.kind == "tap":
            answer(player.tap(step.target))
        elif step.kind == "choice":
            right = [i for i, option in enumerate(step.options) if option.correct]
            for option in [i for i in range(len(step.options)) if i not in right] + right:
                answer(player.choose(option))
        elif step.kind == "order":
            for item in range(len(step.items)):
                if item < len(step.items) - 1:
                    answer(player.pick(len(step.items) - 1))  # too early
                answer(player.pick(item))
                said.append(step_speech(player))  # read again here (a language switch)
                answer(player.help_feedback)
        elif step.kind == "spot":
            wrong = "real" if step.answer == "fake" else "fake"
            answer(player.spot(wrong))  # type: ignore[arg-type]
            answer(player.spot(step.answer))  # type: ignore[arg-type]
        if step.is_practice:
            answer(player.tap(None))  # "You have done this step..."
        if not player.next():
            break
    said.append((closing_narration(player), player.language))  # the closing screen's
    return said


def missing_clips(clips: ClipFolder, lesson: Lesson, said: list[tuple[str, str]]
                  ) -> list[tuple[str, str]]:
    frontend = default_frontend()
    return [(text, language) for text, language in said
            if clips.find(text, language, "normal", ["espeak"],
                          frontend.forms(text, language, values=lesson.values)) is None]


@pytest.mark.parametrize("language", LANGUAGES)
def test_everything_the_step_screen_says_was_built(language, built, tmp_path):
    library, clips = built
    previous = current_language()
    store = ProgressStore.open(tmp_path / "progress.db")
    try:
        set_language(language)  # as the app does: the kiosk's own words follow it
        learner = store.new_guest()
        missing = []
        kinds = set()
        for lesson in library.lessons.values():
            player = LessonPlayer.begin(store, lesson, learner, language=language)
            said = everything_said(player)
            kinds.update(step.kind for step in lesson.steps)
            missing += [(lesson.id, *gap) for gap in missing_clips(clips, lesson, said)]
        assert missing == []
        assert kinds == {"explain", "tap", "choice", "order", "spot"}
    finally:
        set_language(previous)
        store.close()


def test_a_feedback_left_out_of_the_build_is_found(built, tmp_path):
    """The check above can fail: without the feedback narrations, "Not this one yet..." and the
    hints have no clip."""
    library, _ = built
    lesson = library.lessons["pay-shop-qr"]
    clips = ClipFolder(tmp_path / "audio")
    build_audio(library_narrations(library, ["en"], feedback=False), clips, engine="espeak",
                stream=io.StringIO())
    store = ProgressStore.open(tmp_path / "progress.db")
    try:
        player = LessonPlayer.begin(store, lesson, store.new_guest(), language="en")
        missing = missing_clips(clips, lesson, everything_said(player))
    finally:
        store.close()
    texts = [text for text, _ in missing]
    assert "Not this one yet. Choose one of the answers under the words." in texts
    assert all(text != step_text for text in texts
               for step_text in [n.text for n in library_narrations(library, ["en"],
                                                                    feedback=False)
                                 if n.lesson_id == lesson.id])
