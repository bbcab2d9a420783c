"""Turn one lesson file into a :class:`Lesson`, or into a list of problems a volunteer can fix.

The checks are written by hand rather than with a schema library because most of them are about
meaning, not shape: a tap target that is not on its screen, a choice with no right answer,
a ``{price}`` in a sentence with no price defined. Every problem names the file, the step
(counted from 1) and the field, so ``python -m kiosk lessons check`` can print
``PATH: step N: field: message``.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kiosk.lessons.model import (
    APPS,
    ELEMENT_KINDS,
    HOTLINES,
    SPOT_ANSWERS,
    STEP_KINDS,
    VALUE_TYPES,
    Element,
    Lesson,
    Option,
    PhoneScreen,
    Problem,
    Sign,
    Step,
    Value,
)

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MIN_STEPS, MAX_STEPS, MIN_PRACTICE = 6, 12, 3
# Content rule (docs/LESSON_FORMAT.md): one sentence a string keeps catalogs and narration simple.
MAX_SENTENCES_PER_STEP = 3
# Six large rows are what the practice phone can show at 15 mm each, with no scrolling.
MAX_ELEMENTS = 6
TOML_LINE = re.compile(r"at line (\d+)")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 -]*[0-9]$|^[0-9]$")
HOTLINE_IN_TEXT = re.compile(r"(?<![0-9{])(" + "|".join(HOTLINES) + r")(?![0-9}])")

ELEMENT_NEEDS: dict[str, tuple[str, ...]] = {
    "text": ("text",),
    "button": ("text",),
    "field": ("label", "text"),
    "amount": ("value",),
    "qr": (),
    "message": ("sender", "text"),
    "headline": ("source", "text"),
    "notice": ("text",),
    "image": ("picture",),
}
STEP_NEEDS: dict[str, tuple[str, ...]] = {
    "explain": (),
    "tap": ("screen", "target", "hint"),
    "choice": ("options",),
    "order": ("items", "hint"),
    "spot": ("screen", "answer", "signs"),
}


class _Checker:
    """Collects problems for one file while walking its data."""

    def __init__(self, path: Path, picture_exists: Callable[[str], bool]) -> None:
        self.path = path
        self.picture_exists = picture_exists
        self.problems: list[Problem] = []
        self.value_names: set[str] = set()

    def add(self, field: str, message: str, step: int | None = None) -> None:
        self.problems.append(Problem(self.path, field, message, step=step))

    # --- scalar fields -----------------------------------------------------------------------
    def text(self, data: dict[str, Any], key: str, where: str, step: int | None = None,
             required: bool = True) -> str:
        raw = data.get(key)
        if raw is None:
            if required:
                self.add(f"{where}{key}", "missing; write one plain sentence here", step)
            return ""
        if not isinstance(raw, str) or not raw.strip():
            self.add(f"{where}{key}", "must be a sentence in quotes, not empty", step)
            return ""
        self.placeholders(raw, f"{where}{key}", step)
        self.hotlines(raw, f"{where}{key}", step)
        return raw.strip()

    def sentences(self, data: dict[str, Any], key: str, step: int | None) -> tuple[str, ...]:
        raw = data.get(key)
        if raw is None:
            self.add(key, "missing; write a list of short sentences, like text = [\"...\"]", step)
            return ()
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw:
            self.add(key, "must be a list of sentences in quotes", step)
            return ()
        if len(raw) > MAX_SENTENCES_PER_STEP:
            self.add(key, f"has {len(raw)} sentences; use at most {MAX_SENTENCES_PER_STEP} a step",
                     step)
        out = []
        for i, sentence in enumerate(raw, 1):
            if not isinstance(sentence, str) or not sentence.strip():
                self.add(f"{key}[{i}]", "must be a sentence in quotes, not empty", step)
                continue
            self.placeholders(sentence, f"{key}[{i}]", step)
            self.hotlines(sentence, f"{key}[{i}]", step)
            out.append(sentence.strip())
        return tuple(out)

    def hotlines(self, text: str, field: str, step: int | None) -> None:
        """A hotline typed as digits would be read as an amount; it must be a phone value."""
        for number in HOTLINE_IN_TEXT.findall(text):
            self.add(field, f"has the hotline {number} typed in; add it to [values] as "
                     f'hotline = {{ phone = "{number}" }} and write {{hotline}}', step)

    def placeholders(self, text: str, field: str, step: int | None) -> None:
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError as exc:
            self.add(field, f"has a stray {{ or }} ({exc}); write {{name}} for a value", step)
            return
        for name in names:
            if name not in self.value_names:
                known = ", ".join(sorted(self.value_names)) or "none"
                self.add(field, f"uses {{{name}}} but [values] has no '{name}' (it has: {known})",
                         step)

    def picture(self, data: dict[str, Any], field: str, step: int | None) -> str:
        raw = data.get("picture", "")
        if raw == "":
            return ""
        if not isinstance(raw, str):
            self.add(field, "must be a file name in quotes", step)
            return ""
        if not self.picture_exists(raw):
            self.add(field, f"picture '{raw}' is not in assets/images/", step)
        return raw

    # --- values and screens ------------------------------------------------------------------
    def values(self, raw: Any) -> dict[str, Value]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add("values", "must be a table like [values] price = { money = 120 }")
            return {}
        out: dict[str, Value] = {}
        for name, spec in raw.items():
            where = f"values.{name}"
            if not isinstance(spec, dict) or len(spec) != 1:
                self.add(where, f"must be one of {{ {' | '.join(VALUE_TYPES)} = ... }}")
                continue
            (kind, value), = spec.items()
            ok = {
                "money": isinstance(value, int | float) and not isinstance(value, bool),
                "number": isinstance(value, int | float) and not isinstance(value, bool),
                "date": isinstance(value, dt.date) and not isinstance(value, dt.datetime),
                "time": isinstance(value, dt.time),
                "phone": isinstance(value, str) and PHONE_PATTERN.match(value) is not None,
            }.get(kind)
            if ok is None:
                self.add(where, f"unknown value type '{kind}'; use one of {', '.join(VALUE_TYPES)}")
            elif not ok:
                example = {"money": "120", "number": "3", "date": "2026-12-03",
                           "time": "09:30:00", "phone": '"165"'}[kind]
                self.add(where, f"{kind} must look like {kind} = {example}")
            else:
                out[name] = Value(kind, value)
        self.value_names = set(out)
        return out

    def screens(self, raw: Any) -> dict[str, PhoneScreen]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add("screens", "must be tables like [screens.pay]")
            return {}
        return {name: s for name, spec in raw.items()
                if (s := self.screen(name, spec)) is not None}

    def screen(self, name: str, spec: Any) -> PhoneScreen | None:
        where = f"screens.{name}"
        if not isinstance(spec, dict):
            self.add(where, "must be a table with app, title and elements")
            return None
        app = spec.get("app")
        if app not in APPS:
            self.add(f"{where}.app", f"'{app}' is not a practice app; use one of {', '.join(APPS)}")
        title = self.text(spec, "title", f"{where}.")
        raw_elements = spec.get("elements")
        if not isinstance(raw_elements, list) or not raw_elements:
            self.add(f"{where}.elements", "missing; list what the screen shows")
            return None
        if len(raw_elements) > MAX_ELEMENTS:
            self.add(f"{where}.elements", f"has {len(raw_elements)} elements; the practice "
                     f"phone shows at most {MAX_ELEMENTS}")
        elements: list[Element] = []
        seen: set[str] = set()
        for i, raw in enumerate(raw_elements, 1):
            element = self.element(raw, f"{where}.elements[{i}]")
            if element is None:
                continue
            if element.id in seen:
                self.add(f"{where}.elements[{i}].id",
                         f"'{element.id}' is used twice on this screen")
            seen.add(element.id)
            elements.append(element)
        return PhoneScreen(name=name, app=str(app), title=title, elements=tuple(elements))

    def element(self, raw: Any, where: str) -> Element | None:
        if not isinstance(raw, dict):
            self.add(where,
                     'must be a table like { id = "pay", kind = "button", text = "Pay" }')
            return None
        kind = raw.get("kind")
        element_id = raw.get("id")
        if not isinstance(element_id, str) or not ID_PATTERN.match(element_id):
            self.add(f"{where}.id", "missing or not lowercase-with-hyphens")
            return None
        if kind not in ELEMENT_KINDS:
            self.add(f"{where}.kind",
                     f"unknown kind '{kind}'; use one of {', '.join(ELEMENT_KINDS)}")
            return None
        fields: dict[str, str] = {}
        for key in ("text", "label", "sender", "source"):
            if key in raw or key in ELEMENT_NEEDS[kind]:
                fields[key] = self.text(raw, key, f"{where}.", required=key in ELEMENT_NEEDS[kind])
        if kind == "amount":
            value = raw.get("value")
            if value not in self.value_names:
                self.add(f"{where}.value", f"'{value}' is not a money value in [values]")
            fields["value"] = str(value)
        if "picture" in raw or kind == "image":
            if not raw.get("picture"):
                self.add(f"{where}.picture", "missing; name a picture in assets/images/")
            fields["picture"] = self.picture(raw, f"{where}.picture", None)
        return Element(id=element_id, kind=str(kind), **fields)

    # --- steps -------------------------------------------------------------------------------
    def step(self, raw: Any, number: int, screens: dict[str, PhoneScreen],
             declared_screens: set[str]) -> Step | None:
        if not isinstance(raw, dict):
            self.add("step", "must be a [[steps]] table", number)
            return None
        kind = raw.get("kind")
        if kind not in STEP_KINDS:
            self.add("kind", f"unknown step kind '{kind}'; use one of {', '.join(STEP_KINDS)}",
                     number)
            return None
        for key in STEP_NEEDS[kind]:
            if key not in raw:
                self.add(key, f"missing; a {kind} step needs {', '.join(STEP_NEEDS[kind])}", number)
        text = self.sentences(raw, "text", number)
        screen = None
        screen_name = raw.get("screen")
        if screen_name is not None:
            screen = screens.get(screen_name)
            if screen is None and screen_name not in declared_screens:
                known = ", ".join(sorted(declared_screens)) or "none"
                self.add("screen", f"no screen named '{screen_name}' (screens: {known})", number)
        step = Step(
            kind=kind,
            text=text,
            screen=screen,
            picture=self.picture(raw, "picture", number),
            hint=self.text(raw, "hint", "", number, required=False),
            praise=self.text(raw, "praise", "", number, required=False),
            help=self.text(raw, "help", "", number, required=False),
            target=self.target(raw, screen, number) if kind == "tap" else "",
            options=self.options(raw, number) if kind == "choice" else (),
            items=self.items(raw, number) if kind == "order" else (),
            answer=self.answer(raw, number) if kind == "spot" else "",
            signs=self.signs(raw, screen, number) if kind == "spot" else (),
            leads_to=self.leads_to(raw, kind, screens, declared_screens, number),
        )
        return step

    def leads_to(self, raw: dict[str, Any], kind: str, screens: dict[str, PhoneScreen],
                 declared_screens: set[str], number: int) -> PhoneScreen | None:
        """A tap step's ``leads_to``: the screen a real phone would show after the right tap."""
        name = raw.get("leads_to")
        if name is None:
            return None
        if kind != "tap":
            self.add("leads_to", "only a tap step can lead to another screen", number)
            return None
        if name not in screens:
            if name not in declared_screens:
                known = ", ".join(sorted(declared_screens)) or "none"
                self.add("leads_to", f"no screen named '{name}' (screens: {known})", number)
            return None
        return screens[name]

    def target(self, raw: dict[str, Any], screen: PhoneScreen | None, number: int) -> str:
        target = raw.get("target")
        if not isinstance(target, str):
            return ""
        if screen is not None and screen.element(target) is None:
            ids = ", ".join(e.id for e in screen.elements)
            self.add("target", f"'{target}' is not on screen '{screen.name}' (it has: {ids})",
                     number)
        return target

    def options(self, raw: dict[str, Any], number: int) -> tuple[Option, ...]:
        options = raw.get("options")
        if not isinstance(options, list) or len(options) < 2:
            if options is not None:
                self.add("options", "give at least two options", number)
            return ()
        out = []
        for i, option in enumerate(options, 1):
            where = f"options[{i}]."
            if not isinstance(option, dict):
                self.add(f"options[{i}]", "must be a table with text, correct and feedback", number)
                continue
            correct = option.get("correct", False)
            if not isinstance(correct, bool):
                self.add(f"{where}correct", "must be true or false", number)
                correct = False
            out.append(Option(text=self.text(option, "text", where, number),
                              correct=correct,
                              feedback=self.text(option, "feedback", where, number)))
        if not any(o.correct for o in out):
            self.add("options", "no option is marked correct = true", number)
        return tuple(out)

    def items(self, raw: dict[str, Any], number: int) -> tuple[str, ...]:
        items = raw.get("items")
        if not isinstance(items, list) or len(items) < 3:
            if items is not None:
                self.add("items", "list at least three items, in the right order", number)
            return ()
        out = []
        for i, item in enumerate(items, 1):
            if not isinstance(item, str) or not item.strip():
                self.add(f"items[{i}]", "must be a sentence in quotes, not empty", number)
                continue
            self.placeholders(item, f"items[{i}]", number)
            self.hotlines(item, f"items[{i}]", number)
            out.append(item.strip())
        if len(set(out)) != len(out):
            self.add("items", "two items say the same thing; the order would be ambiguous", number)
        return tuple(out)

    def answer(self, raw: dict[str, Any], number: int) -> str:
        answer = raw.get("answer")
        if answer is not None and answer not in SPOT_ANSWERS:
            self.add("answer", f"must be \"real\" or \"fake\", not {answer!r}", number)
            return ""
        return str(answer or "")

    def signs(self, raw: dict[str, Any], screen: PhoneScreen | None,
              number: int) -> tuple[Sign, ...]:
        signs = raw.get("signs")
        if not isinstance(signs, list) or not signs:
            if signs is not None:
                self.add("signs", "list at least one tell-tale sign", number)
            return ()
        out = []
        for i, sign in enumerate(signs, 1):
            if not isinstance(sign, dict):
                self.add(f"signs[{i}]",
                         'must be a table like { element = "sender", text = "..." }', number)
                continue
            element = sign.get("element", "")
            if element and screen is not None and screen.element(element) is None:
                self.add(f"signs[{i}].element", f"'{element}' is not on screen '{screen.name}'",
                         number)
            out.append(Sign(text=self.text(sign, "text", f"signs[{i}].", number),
                            element=str(element)))
        return tuple(out)


def parse_lesson(
    path: Path,
    data: dict[str, Any],
    *,
    topics: Iterable[str],
    picture_exists: Callable[[str], bool],
) -> tuple[Lesson | None, list[Problem]]:
    """Check the data of one lesson file. Returns the lesson only when there is no problem."""
    check = _Checker(path, picture_exists)
    topics = tuple(topics)

    lesson_id = data.get("id")
    if not isinstance(lesson_id, str) or not ID_PATTERN.match(lesson_id):
        check.add("id", "missing or not lowercase-with-hyphens, like id = \"pay-shop-qr\"")
    topic = data.get("topic")
    if topic not in topics:
        check.add("topic", f"'{topic}' is not a topic; use one of {', '.join(topics)}")
    elif path.parent.name in topics and path.parent.name != topic:
        check.add("topic", f"says '{topic}' but the file is in the '{path.parent.name}' folder")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        check.add("version", "must be a whole number from 1; raise it when the steps change")
    minutes = data.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 30:
        check.add("minutes", "must be a whole number of minutes, 1 to 30")
    order = data.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        check.add("order", "must be a whole number")
        order = 100

    values = check.values(data.get("values"))
    title = check.text(data, "title", "")
    summary = check.text(data, "summary", "")
    done = check.text(data, "done", "")
    remember = check.text(data, "remember", "")
    raw_screens = data.get("screens")
    declared = set(raw_screens) if isinstance(raw_screens, dict) else set()
    screens = check.screens(raw_screens)

    raw_steps = data.get("steps")
    steps: list[Step] = []
    if not isinstance(raw_steps, list) or not raw_steps:
        check.add("steps", "missing; add [[steps]] tables")
    else:
        for number, raw in enumerate(raw_steps, 1):
            step = check.step(raw, number, screens, declared)
            if step is not None:
                steps.append(step)
        if not MIN_STEPS <= len(raw_steps) <= MAX_STEPS:
            check.add("steps", f"has {len(raw_steps)} steps; a lesson has {MIN_STEPS} to "
                      f"{MAX_STEPS}")
        practice = sum(1 for s in steps if s.is_practice)
        if practice < MIN_PRACTICE:
            check.add("steps", f"has {practice} practice steps; a lesson needs at least "
                      f"{MIN_PRACTICE} (tap, choice, order or spot)")

    known = {"id", "topic", "version", "title", "summary", "minutes", "done", "remember", "order",
             "values", "screens", "steps"}
    for key in sorted(set(data) - known):
        check.add(key, "is not a lesson field; check the spelling")

    if check.problems:
        return None, check.problems
    lesson = Lesson(
        id=str(lesson_id), topic=str(topic), version=int(str(version)), title=title,
        summary=summary, minutes=int(str(minutes)), done=done, remember=remember,
        steps=tuple(steps), values=values, order=order, path=path,
    )
    return lesson, []


def read_toml(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read a TOML file, turning every way it can fail into a :class:`Problem`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(path, "file", f"cannot be read ({exc.strerror or exc})")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(path, "file", f"is not UTF-8 text (byte {exc.start}); save it as "
                              "UTF-8")]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        match = TOML_LINE.search(str(exc))
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column (\d+)\)", r" (column \1)", str(exc))
        return None, [Problem(path, "toml", message, line=line)]
