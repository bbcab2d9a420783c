"""Lessons as plain data: what a lesson file says, after validation.

Nothing here knows about Kivy or about files; :mod:`kiosk.lessons.parse` builds these objects from
TOML and :mod:`kiosk.lessons.library` finds the files. Every piece of text a learner sees is kept as
an English source string (one sentence per string) so that the translation catalogs can carry it
unchanged; values such as money and dates are kept apart and formatted per language at display time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

STEP_KINDS = ("explain", "tap", "choice", "order", "spot")
ELEMENT_KINDS = (
    "text", "button", "field", "amount", "qr", "message", "headline", "notice", "image",
)
APPS = ("wallet", "clinic", "chat", "news", "camera", "video", "browser")
SPOT_ANSWERS = ("real", "fake")
VALUE_TYPES = ("money", "number", "date", "time", "phone")
# Numbers a learner is told to dial. Typed bare into a sentence they would be read as amounts
# ("one hundred and sixty-five"); a ``phone`` value is read digit by digit.
HOTLINES = ("110", "112", "113", "119", "165", "1922", "1955", "1957", "1966", "1999")

ValueType = Literal["money", "number", "date", "time", "phone"]
ValueData = float | int | dt.date | dt.time | str


@dataclass(frozen=True)
class Value:
    """A value shown inside text as ``{name}``: money, a number, a date, a time of day, or a phone
    number to dial (a string of digits, read one digit at a time)."""

    type: ValueType
    value: ValueData


@dataclass(frozen=True)
class Element:
    """One thing drawn on a practice phone screen. Any element with an id can be a tap target."""

    id: str
    kind: str
    text: str = ""
    label: str = ""
    sender: str = ""
    source: str = ""
    picture: str = ""
    value: str = ""  # name of a Value, for the ``amount`` kind


@dataclass(frozen=True)
class PhoneScreen:
    """A safe copy of a phone app's screen, described in data and drawn by one widget."""

    name: str
    app: str
    title: str
    elements: tuple[Element, ...]

    def element(self, element_id: str) -> Element | None:
        return next((e for e in self.elements if e.id == element_id), None)


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Sign:
    """A tell-tale sign revealed after a ``spot`` step; ``element`` points at what gave it away."""

    text: str
    element: str = ""


@dataclass(frozen=True)
class Step:
    """One step of a lesson.

    ``kind`` decides which of the optional fields matter:

    - ``explain``: ``text`` and optionally ``picture`` or ``screen``.
    - ``tap``: ``screen`` and the ``target`` element to tap; ``hint`` after a wrong tap;
      optionally ``leads_to``, the screen the phone moves to after the right tap.
    - ``choice``: ``options``, at least one correct, each with its own feedback.
    - ``order``: ``items`` in the right order (shown shuffled); ``hint`` after a wrong pick.
    - ``spot``: a ``screen`` to judge, ``answer`` real or fake, ``signs`` revealed afterwards.
    """

    kind: str
    text: tuple[str, ...]
    screen: PhoneScreen | None = None
    picture: str = ""
    target: str = ""
    hint: str = ""
    praise: str = ""
    help: str = ""
    options: tuple[Option, ...] = ()
    items: tuple[str, ...] = ()
    answer: str = ""
    signs: tuple[Sign, ...] = ()
    leads_to: PhoneScreen | None = None  # tap steps: the phone's next screen after the right tap

    @property
    def is_practice(self) -> bool:
        """True when the learner has to do something, not only read."""
        return self.kind != "explain"


@dataclass(frozen=True)
class Lesson:
    id: str
    topic: str
    version: int
    title: str
    summary: str
    minutes: int
    done: str
    remember: str
    steps: tuple[Step, ...]
    values: dict[str, Value] = field(default_factory=dict)
    order: int = 100
    path: Path | None = None

    @property
    def step_count(self) -> int:
        return len(self.steps)


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    summary: str
    order: int
    colour: str = ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a lesson file, in words a volunteer can act on."""

    path: Path
    field: str
    message: str
    step: int | None = None  # 1-based, as a person counts
    line: int | None = None

    def __str__(self) -> str:
        where = [str(self.path)]
        if self.step is not None:
            where.append(f"step {self.step}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        return ": ".join([*where, self.field, self.message])
