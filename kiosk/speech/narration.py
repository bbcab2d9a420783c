"""What is read aloud: each step's sentences, its feedback and the closing words. No Kivy.

The running kiosk narrates ``player_narration(player)``: the sentences the lesson player gives the
screen, in the learner's language with money, dates and times formatted for it. ``audio build``
renders the same texts for every language ahead of time with :func:`library_narrations`, which
translates through each language's own catalog (it never switches the process's current
language) and fills the values the way :meth:`kiosk.player.LessonPlayer.text` does; a test checks
that the two agree, so a built clip is always the one the screen asks for.

Besides the step's own text, every word a learner is meant to read is spoken, and built ahead:
the feedback after an answer (the hint after a wrong tap, the praise after a right one, each
option's reason, the spot step's signs), the hint "I need help" shows, and the closing screen's
sentences. Each narration
carries its spoken forms per engine from the speech front end (:mod:`kiosk.speech.frontend`),
made from the lesson's typed values: the screen text stays as it is, the voice says the words.

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

from kiosk.i18n import LANGUAGES, LOCALES_DIR, Translations, fill
from kiosk.lessons.model import Lesson, Step
from kiosk.speech.frontend import Frontend, default_frontend

if TYPE_CHECKING:
    from kiosk.lessons.library import Library
    from kiosk.player import Feedback, LessonPlayer

# A sentence that ends with one of these (Chinese and Japanese punctuation) is followed by the
# next without a space, as such text is written.
_WIDE_STOPS = "。！？：；，」』）"


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


def join_sentences(sentences: Sequence[str]) -> str:
    """One text from a step's sentences, as it is read: "Tap Scan." + "Is that right?"."""
    text = ""
    for sentence in (s.strip() for s in sentences):
        if not sentence:
            continue
        if text and not text.endswith(tuple(_WIDE_STOPS)):
            text += " "
        text += sentence
    return text


def player_narration(player: LessonPlayer) -> str:
    """The narration of the step on screen, in the player's language (what the UI asks for)."""
    return join_sentences(player.sentences)


def feedback_narration(player: LessonPlayer, feedback: Feedback) -> str:
    """What is read when feedback appears: its words, then the spot step's signs in order."""
    return join_sentences([feedback.text, *(player.text(sign.text) for sign in feedback.signs)])


def closing_narration(player: LessonPlayer) -> str:
    """What is read on the closing screen: what the learner can now do, and what to remember."""
    from kiosk.i18n import gettext

    return _closing(player.text, gettext, player.lesson)


def _closing(lesson_text: Callable[[str], str], ui: Callable[[str], str], lesson: Lesson) -> str:
    sentences = [ui("Well done!"), lesson_text(lesson.done)]
    if lesson.remember:
        sentences.append(ui("Remember: {text}").format(text=lesson_text(lesson.remember)))
    return join_sentences(sentences)


def _feedback_texts(step: Step, lesson_text: Callable[[str], str],
                    ui: Callable[[str], str]) -> list[str]:
    """Every feedback text :class:`kiosk.player.LessonPlayer` can show for ``step`` (the same
    choices it makes; a test runs the player through every answer to keep the two in step)."""
    texts: list[str] = []
    if step.kind == "tap":
        texts.append(lesson_text(step.praise) if step.praise else ui("Well done."))
        texts.append(lesson_text(step.hint))
    elif step.kind == "choice":
        texts.extend(lesson_text(option.feedback) for option in step.options)
    elif step.kind == "order":
        texts += [lesson_text(step.hint), ui("Yes. What comes next?"),
                  ui("Well done. That is the right order.")]
    elif step.kind == "spot":
        right = (ui("Yes. This one is real.") if step.answer == "real"
                 else ui("Yes. This one is fake. Here is how you can tell."))
        texts.append(join_sentences([right, *(lesson_text(sign.text) for sign in step.signs)]))
        texts.append(lesson_text(step.hint) if step.hint else ui("Look again, closely."))
    texts.append(_help_text(step, lesson_text, ui))
    return [t for t in texts if t.strip()]


def _help_text(step: Step, lesson_text: Callable[[str], str], ui: Callable[[str], str]) -> str:
    """The hint "I need help" shows (as :attr:`kiosk.player.LessonPlayer.help_text`)."""
    from kiosk.player import GENERIC_HELP

    if step.help:
        return lesson_text(step.help)
    if step.hint and step.kind in ("tap", "order"):
        return lesson_text(step.hint)
    return ui(GENERIC_HELP[step.kind])


def step_narration(lesson: Lesson, index: int, language: str, translations: Translations, *,
                   currency: str = "TWD") -> str:
    """The narration of ``lesson.steps[index]`` in ``language`` (``translations`` of it)."""
    return join_sentences([fill(translations.lessons.gettext(source), lesson.values,
                                locale=language, currency=currency)
                           for source in lesson.steps[index].text])


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
    return found


def _lesson_narrations(lesson: Lesson, language: str, catalog: Translations, currency: str,
                       frontend: Frontend, *, feedback: bool) -> list[Narration]:
    def lesson_text(source: str) -> str:
        return fill(catalog.lessons.gettext(source), lesson.values, locale=language,
                    currency=currency)

    texts = [(index + 1, step_narration(lesson, index, language, catalog, currency=currency),
              "text") for index in range(lesson.step_count)]
    if feedback:
        texts += [(index + 1, text, "feedback") for index, step in enumerate(lesson.steps)
                  for text in _feedback_texts(step, lesson_text, catalog.ui.gettext)]
        texts.append((0, _closing(lesson_text, catalog.ui.gettext, lesson), "closing"))
    return [Narration(lesson.id, step, language, text,
                      frontend.forms(text, language, values=lesson.values, currency=currency),
                      part) for step, text, part in texts]


def library_narrations(library: Library, languages: Sequence[str] = LANGUAGES, *,
                       currency: str = "TWD", locales_dir: Path = LOCALES_DIR,
                       frontend: Frontend | None = None,
                       feedback: bool = True) -> list[Narration]:
    """Every narration of the whole library (steps, feedback, closing screens)."""
    return lesson_narrations(library.lessons.values(), languages, currency=currency,
                             locales_dir=locales_dir, frontend=frontend, feedback=feedback)
