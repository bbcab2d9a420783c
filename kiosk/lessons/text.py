"""Every learner-facing string of a lesson, with where it is in the file. No Kivy.

One walk over a :class:`Lesson` that the translation coverage (kiosk/i18n/coverage.py) and the
style warnings (kiosk/lessons/style.py) share, so both see exactly the same strings. Places are
named as the validator names them: ``step 3: options[2].feedback``, ``screens.pay.title``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kiosk.lessons.model import Lesson, PhoneScreen


@dataclass(frozen=True)
class Located:
    text: str
    field: str
    step: int | None = None  # 1-based, as a person counts


def located_strings(lesson: Lesson) -> Iterator[Located]:
    """Each string where it is written (a string used twice comes twice)."""
    for key in ("title", "summary", "done", "remember"):
        yield Located(getattr(lesson, key), key)
    screens: dict[str, PhoneScreen] = {}
    for number, step in enumerate(lesson.steps, 1):
        for i, sentence in enumerate(step.text, 1):
            yield Located(sentence, f"text[{i}]", number)
        for key in ("hint", "praise", "help"):
            yield Located(getattr(step, key), key, number)
        for i, option in enumerate(step.options, 1):
            yield Located(option.text, f"options[{i}].text", number)
            yield Located(option.feedback, f"options[{i}].feedback", number)
        for i, item in enumerate(step.items, 1):
            yield Located(item, f"items[{i}]", number)
        for i, sign in enumerate(step.signs, 1):
            yield Located(sign.text, f"signs[{i}].text", number)
        if step.screen is not None:
            screens.setdefault(step.screen.name, step.screen)
    for name, screen in screens.items():
        yield Located(screen.title, f"screens.{name}.title")
        for i, element in enumerate(screen.elements, 1):
            for key in ("text", "label", "sender", "source"):
                yield Located(getattr(element, key), f"screens.{name}.elements[{i}].{key}")


def lesson_strings(lesson: Lesson) -> list[str]:
    """Every learner-facing string of ``lesson``, each once, in file order."""
    return list(dict.fromkeys(s.text for s in located_strings(lesson) if s.text))
