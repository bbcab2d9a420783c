"""Which languages a lesson can be shown in: never half translated.

gettext falls back to English one string at a time, so a lesson whose catalog entries are only
partly there would show English instructions beside translated phone buttons (a "Pay" that some
other lesson already translated). The kiosk never does that. A lesson is shown in a language only
when *every* one of its strings is translated there (not empty, not fuzzy); otherwise the
lessons list leaves it out in that language and says how many more lessons there are in English.
If such a lesson is open anyway (a language switched in the middle of it, or a resumed lesson
whose catalog lost an entry), all of its text, values and narration come from the English
source: the text of one lesson in one language comes either all from the catalog or all from
the source.

>>> complete_languages(lesson)            # doctest: +SKIP
('zh_Hant_TW', 'en', 'vi', 'id')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from kiosk.i18n import LANGUAGES, SOURCE_LANGUAGE, Translations, translations_for
from kiosk.lessons.model import Lesson
from kiosk.lessons.text import lesson_strings

__all__ = ["complete_languages", "is_complete", "lesson_strings", "lesson_translator",
           "missing_strings", "needs_translation", "shown_lessons", "text_language"]

PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def needs_translation(text: str) -> bool:
    """False for a string that is only values, like "{balance}": it reads the same everywhere."""
    return any(ch.isalpha() for ch in PLACEHOLDER.sub("", text))


def missing_strings(lesson: Lesson, translations: Translations) -> list[str]:
    """The strings of ``lesson`` that ``translations`` does not translate (empty for English)."""
    if translations.language == SOURCE_LANGUAGE:
        return []
    return [s for s in lesson_strings(lesson)
            if needs_translation(s) and s not in translations.lesson_messages]


def is_complete(lesson: Lesson, translations: Translations) -> bool:
    key = (lesson.id, lesson.version)
    known = translations.complete_lessons.get(key)
    if known is None:
        known = translations.complete_lessons[key] = not missing_strings(lesson, translations)
    return known


def complete_languages(lesson: Lesson, languages: Sequence[str] = LANGUAGES,
                       locales_dir: Path | None = None) -> tuple[str, ...]:
    """The languages ``lesson`` is wholly translated into (English, the source, always)."""
    return tuple(language for language in languages
                 if is_complete(lesson, translations_for(language, locales_dir)))


def text_language(lesson: Lesson, translations: Translations) -> str:
    """The language ``lesson``'s text is shown in: the learner's, or English if it is not
    complete there."""
    return translations.language if is_complete(lesson, translations) else SOURCE_LANGUAGE


def lesson_translator(lesson: Lesson, translations: Translations) -> Callable[[str], str]:
    """One function for all of ``lesson``'s text: the catalog's when the lesson is complete in
    the language, else the English source for every string (never some of each)."""
    if text_language(lesson, translations) == SOURCE_LANGUAGE:
        return str
    return translations.lessons.gettext


def shown_lessons(lessons: Iterable[Lesson], translations: Translations
                  ) -> tuple[list[Lesson], list[Lesson]]:
    """Split a topic's lessons into those listed in this language and those only in English."""
    shown: list[Lesson] = []
    english_only: list[Lesson] = []
    for lesson in lessons:
        (shown if is_complete(lesson, translations) else english_only).append(lesson)
    return shown, english_only
