"""What is read aloud: each step's sentences and answers, its feedback and the closing words.
No Kivy.

The words come from one place, :class:`kiosk.step_words.StepWords`, which the lesson player and
the step screen use too: the step screen hands the narrator ``step_speech(player)`` (the step's
sentences, then its choices counted from the top, or its items to order in their shown order)
and ``feedback_speech(player, feedback)``, each with the language the words are in (English for
a lesson not translated into the learner's language; the learner's for the kiosk's own words).
``audio build`` lists the same words for every language ahead of time with
:func:`library_narrations`, through each language's own catalog (it never switches the
process's current language): every step as it opens (an order step also with the items placed
so far) and every feedback :meth:`StepWords.every_feedback` names, from the same judge the player
uses, so a new kind of feedback cannot be left without a clip (tests/test_speech_every_word.py
drives a real player through every answer and checks each clip is there).

Each narration carries its spoken forms per engine from the speech front end
(:mod:`kiosk.speech.frontend`), made from the lesson's typed values: the screen text stays as it
is, the voice says the words.

>>> join_sentences(["Tap Scan.", "Is that right?"])
'Tap Scan. Is that right?'
>>> join_sentences(["請點「掃描」。", "對嗎？"])
'請點「掃描」。對嗎？'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.i18n import LANGUAGES, LOCALES_DIR, Translations
from kiosk.lessons.model import Lesson
from kiosk.speech.frontend import Frontend, default_frontend
from kiosk.step_words import StepWords, join_sentences

if TYPE_CHECKING:
    from kiosk.lessons.library import Library
    from kiosk.player import Feedback, LessonPlayer

@dataclass(frozen=True)
class Narration:
    """One step's narration in one language."""

    lesson_id: str
    step: int  # 1-based, as a person counts (0: the closing screen)
    language: str
    text: str  # as the screen shows it; a recorded override is named after it
    # What each engine says (engine name -> spoken form); empty: the text itself.
    spoken: Mapping[str, str] = field(default_factory=dict, compare=False)
    part: str = "text"  # "text", "feedback" or "closing": for the build's messages

    def spoken_for(self, engine: str) -> str:
        return self.spoken.get(engine, self.text)


def player_narration(player: LessonPlayer) -> str:
    """The narration of the step on screen: its words and its answers as shown, in the
    player's text language (:attr:`kiosk.player.LessonPlayer.text_language`)."""
    return player.narration


def feedback_narration(player: LessonPlayer, feedback: Feedback) -> str:
    """What is read when feedback appears: its words, then the spot step's signs in order."""
    return player.words.feedback_narration(feedback)


def step_speech(player: LessonPlayer) -> tuple[str, str]:
    """What the step screen hands the narrator when the step opens: (words, their language)."""
    return player_narration(player), player.text_language


def feedback_speech(player: LessonPlayer, feedback: Feedback) -> tuple[str, str]:
    """What the step screen hands the narrator when feedback appears: (words, their language,
    which is the words' own: see :attr:`kiosk.player.Feedback.language`)."""
    return feedback_narration(player, feedback), feedback.language or player.text_language


def closing_narration(player: LessonPlayer) -> str:
    """What is read on the closing screen: what the learner can now do, and what to remember."""
    from kiosk.i18n import gettext

    return _closing(player.text, gettext, player.lesson)


def _closing(lesson_text: Callable[[str], str], ui: Callable[[str], str], lesson: Lesson) -> str:
    sentences = [ui("Well done!"), lesson_text(lesson.done)]
    if lesson.remember:
        sentences.append(ui("Remember: {text}").format(text=lesson_text(lesson.remember)))
    return join_sentences(sentences)


def step_narration(lesson: Lesson, index: int, language: str, translations: Translations, *,
                   currency: str = "TWD") -> str:
    """The narration of ``lesson.steps[index]`` when it opens, for a learner reading
    ``language`` (``translations`` of it): what :func:`player_narration` says there."""
    assert translations.language == language
    return StepWords(lesson, translations, currency).narration(index)


def lesson_narrations(lessons: Iterable[Lesson], languages: Sequence[str] = LANGUAGES, *,
                      currency: str = "TWD", locales_dir: Path = LOCALES_DIR,
                      frontend: Frontend | None = None,
                      feedback: bool = True) -> list[Narration]:
    """Every narration of ``lessons`` in ``languages``, in a stable order: each step's text,
    then (unless ``feedback`` is False) its feedback, then the closing screen's."""
    frontend = frontend or default_frontend()
    catalogs = {language: Translations(language, locales_dir) for language in languages}
    found: list[Narration] = []
    for lesson in sorted(lessons, key=lambda lesson: lesson.id):
        for language in languages:
            found += _lesson_narrations(lesson, language, catalogs[language], currency,
                                        frontend, feedback=feedback)
    # A lesson not translated into a language is read in English there too: once is enough.
    return list(dict.fromkeys(found))


def _lesson_narrations(lesson: Lesson, language: str, catalog: Translations, currency: str,
                       frontend: Frontend, *, feedback: bool) -> list[Narration]:
    """Everything the step screen and the closing screen can hand the voice for a learner
    reading ``language``, each with the language it is said in (English for the lesson's own
    words when it is not translated into ``language``)."""
    words = StepWords(lesson, catalog, currency)
    texts: list[tuple[int, str, str, str]] = []  # (step, text, language, part)
    for index in range(lesson.step_count):
        # An order step is read again with the items placed so far after a language or text
        # size change, and with all of them placed when it is reopened solved.
        texts += [(index + 1, words.narration(index, placed), words.text_language, "text")
                  for placed in words.narration_stages(index)]
    if feedback:
        texts += [(index + 1, words.feedback_narration(said), said.language, "feedback")
                  for index in range(lesson.step_count)
                  for said in words.every_feedback(index)]
        texts.append((0, _closing(words.text, catalog.ui.gettext, lesson), language, "closing"))
    return [Narration(lesson.id, step, spoken_in, text,
                      frontend.forms(text, spoken_in, values=lesson.values, currency=currency),
                      part) for step, text, spoken_in, part in texts if text.strip()]


def library_narrations(library: Library, languages: Sequence[str] = LANGUAGES, *,
                       currency: str = "TWD", locales_dir: Path = LOCALES_DIR,
                       frontend: Frontend | None = None,
                       feedback: bool = True) -> list[Narration]:
    """Every narration of the whole library (steps, feedback, closing screens)."""
    return lesson_narrations(library.lessons.values(), languages, currency=currency,
                             locales_dir=locales_dir, frontend=frontend, feedback=feedback)
