"""What is read aloud for each step: the step's sentences exactly as the screen shows them. No Kivy.

The running kiosk narrates ``player_narration(player)``: the sentences the lesson player gives the
screen, in the learner's language with money, dates and times formatted for it. ``audio build``
renders the same texts for every language ahead of time with :func:`library_narrations`, which
translates through each language's own catalog (it never switches the process's current
language) and fills the values the way :meth:`kiosk.player.LessonPlayer.text` does; a test checks
that the two agree, so a built clip is always the one the screen asks for.

>>> join_sentences(["Tap Scan.", "Is that right?"])
'Tap Scan. Is that right?'
>>> join_sentences(["請點「掃描」。", "對嗎？"])
'請點「掃描」。對嗎？'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.i18n import LANGUAGES, LOCALES_DIR, Translations, fill
from kiosk.lessons.model import Lesson

if TYPE_CHECKING:
    from kiosk.lessons.library import Library
    from kiosk.player import LessonPlayer

# A sentence that ends with one of these (Chinese and Japanese punctuation) is followed by the
# next without a space, as such text is written.
_WIDE_STOPS = "。！？：；，」』）"


@dataclass(frozen=True)
class Narration:
    """One step's narration in one language."""

    lesson_id: str
    step: int  # 1-based, as a person counts
    language: str
    text: str


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


def step_narration(lesson: Lesson, index: int, language: str, translations: Translations, *,
                   currency: str = "TWD") -> str:
    """The narration of ``lesson.steps[index]`` in ``language`` (``translations`` of it)."""
    return join_sentences([fill(translations.lessons.gettext(source), lesson.values,
                                locale=language, currency=currency)
                           for source in lesson.steps[index].text])


def lesson_narrations(lessons: Iterable[Lesson], languages: Sequence[str] = LANGUAGES, *,
                      currency: str = "TWD",
                      locales_dir: Path = LOCALES_DIR) -> list[Narration]:
    """Every (lesson, step, language) narration of ``lessons``, in a stable order."""
    catalogs = {language: Translations(language, locales_dir) for language in languages}
    found: list[Narration] = []
    for lesson in sorted(lessons, key=lambda lesson: lesson.id):
        for language in languages:
            for index in range(lesson.step_count):
                text = step_narration(lesson, index, language, catalogs[language],
                                      currency=currency)
                found.append(Narration(lesson.id, index + 1, language, text))
    return found


def library_narrations(library: Library, languages: Sequence[str] = LANGUAGES, *,
                       currency: str = "TWD",
                       locales_dir: Path = LOCALES_DIR) -> list[Narration]:
    """Every (lesson, step, language) narration text of the whole library."""
    return lesson_narrations(library.lessons.values(), languages, currency=currency,
                             locales_dir=locales_dir)
