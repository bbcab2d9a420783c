"""Before-and-after checks: two parallel forms (A and B) per topic, as plain data. No Kivy.

A check form is a short file in ``lessons/<topic>/checks/`` (``form-a.toml``, ``form-b.toml``)
written like a lesson (docs/LESSON_FORMAT.md, "Checks"): the same ``[values]``, the same practice
phone ``[screens.*]`` and the same ``tap``, ``choice`` and ``spot`` steps, so the lesson validator
checks them and the lesson catalogs translate them. What differs:

- 4 to 6 items, every one a practice step (a check teaches nothing, it asks);
- each item has ``can``: what a right answer shows the learner can do, one sentence, listed at
  the end of the after-check ("Now you can: ...") — what they do right, never a score;
- no title, summary, minutes, done or remember: the kiosk's own words frame a check.

Items must be new scenarios, never a lesson's own (a check of what was just practised measures
memory of that screen, not the skill); the confidence question is the kiosk's, the same for
every topic (kiosk/check_player.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.lessons.model import Lesson, Problem, Step, Value
from kiosk.lessons.parse import ID_PATTERN, _Checker, read_toml
from kiosk.lessons.text import lesson_strings

CHECKS_FOLDER = "checks"
FORMS = ("a", "b")
MIN_ITEMS, MAX_ITEMS = 4, 6
ITEM_KINDS = ("tap", "choice", "spot")
PHASES = ("before", "after")


@dataclass(frozen=True)
class CheckForm:
    """One form of one topic's check: its items and, per item, what a right answer shows."""

    id: str
    topic: str
    form: str  # "a" or "b"
    version: int
    steps: tuple[Step, ...]
    can: tuple[str, ...]  # one sentence per item
    values: dict[str, Value] = field(default_factory=dict)
    path: Path | None = None

    @property
    def item_count(self) -> int:
        return len(self.steps)

    def as_lesson(self) -> Lesson:
        """The form as a :class:`Lesson` with no framing words, so the lesson machinery (values,
        catalogs, the phone and the step screen) serves it unchanged."""
        return Lesson(id=self.id, topic=self.topic, version=self.version, title="", summary="",
                      minutes=2, done="", remember="", steps=self.steps, values=self.values,
                      order=0, path=self.path)

    def strings(self) -> list[str]:
        """Every learner-facing string of the form, each once (what a catalog must translate)."""
        return list(dict.fromkeys([*lesson_strings(self.as_lesson()), *self.can]))


@dataclass
class CheckSet:
    """Every valid form, by (topic, form), and the problems of the files that were skipped."""

    forms: dict[tuple[str, str], CheckForm] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0

    def form(self, topic: str, form: str) -> CheckForm | None:
        return self.forms.get((topic, form))

    def has_check(self, topic: str) -> bool:
        """A topic offers a check only when both forms load: the after-check needs the other."""
        return all((topic, f) in self.forms for f in FORMS)


def is_check_file(path: Path) -> bool:
    return path.parent.name == CHECKS_FOLDER


def check_files_in(lessons_dir: Path) -> list[Path]:
    return sorted(lessons_dir.glob(f"*/{CHECKS_FOLDER}/*.toml"))


def parse_check(path: Path, data: dict[str, Any], *, topics: Iterable[str],
                picture_exists: Callable[[str], bool]) -> tuple[CheckForm | None, list[Problem]]:
    """Check one form's data. Returns the form only when there is no problem."""
    check = _Checker(path, picture_exists)
    topics = tuple(topics)
    form_id = data.get("id")
    if not isinstance(form_id, str) or not ID_PATTERN.match(form_id):
        check.add("id", 'missing or not lowercase-with-hyphens, like id = "payment-check-a"')
    topic = data.get("topic")
    folder_topic = path.parent.parent.name
    if topic not in topics:
        check.add("topic", f"'{topic}' is not a topic; use one of {', '.join(topics)}")
    elif folder_topic in topics and folder_topic != topic:
        check.add("topic", f"says '{topic}' but the file is in the '{folder_topic}' folder")
    form = data.get("form")
    if form not in FORMS:
        check.add("form", f"must be \"a\" or \"b\" (the two parallel forms), not {form!r}")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        check.add("version", "must be a whole number from 1; raise it when the items change")

    values = check.values(data.get("values"))
    raw_screens = data.get("screens")
    declared = set(raw_screens) if isinstance(raw_screens, dict) else set()
    screens = check.screens(raw_screens)
    steps: list[Step] = []
    can: list[str] = []
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        check.add("items", "missing; add [[items]] tables (4 to 6)")
        raw_items = []
    elif not MIN_ITEMS <= len(raw_items) <= MAX_ITEMS:
        check.add("items", f"has {len(raw_items)} items; a check has {MIN_ITEMS} to {MAX_ITEMS} "
                  "(about two minutes)")
    for number, raw in enumerate(raw_items, 1):
        if isinstance(raw, dict) and raw.get("kind") not in ITEM_KINDS:
            check.add("kind", f"a check item is a {', '.join(ITEM_KINDS)} step, not "
                      f"{raw.get('kind')!r}: a check asks, it does not explain", number)
            continue
        if isinstance(raw, dict) and "leads_to" in raw:
            check.add("leads_to", "a check item does not move the phone on: the check shows "
                      "no answer", number)
            continue
        step = check.step(raw, number, screens, declared)
        if step is not None:
            steps.append(step)
            can.append(check.text(raw, "can", "", number))

    known = {"id", "topic", "form", "version", "values", "screens", "items"}
    for key in sorted(set(data) - known):
        check.add(key, "is not a check field; check the spelling")
    if check.problems:
        return None, check.problems
    return CheckForm(id=str(form_id), topic=str(topic), form=str(form),
                     version=int(str(version)), steps=tuple(steps), can=tuple(can),
                     values=values, path=path), []


def load_checks(paths: Iterable[Path], topic_ids: Iterable[str], images_dir: Path,
                checks: CheckSet | None = None) -> CheckSet:
    """Parse every check file into a :class:`CheckSet`; a broken or duplicate form is skipped
    with its problems kept (the kiosk never stops for one bad file)."""
    checks = checks or CheckSet()
    topic_ids = tuple(topic_ids)

    def picture_exists(name: str) -> bool:
        candidate = (images_dir / name).resolve()
        return candidate.is_file() and images_dir.resolve() in candidate.parents

    ids = {f.id: f.path for f in checks.forms.values()}
    for path in paths:
        checks.files_checked += 1
        data, problems = read_toml(path)
        form = None
        if data is not None:
            form, problems = parse_check(path, data, topics=topic_ids,
                                         picture_exists=picture_exists)
        if form is not None and form.id in ids:
            problems, form = [Problem(path, "id", f"'{form.id}' is already used by "
                                      f"{ids[form.id]}")], None
        if form is not None and (form.topic, form.form) in checks.forms:
            other = checks.forms[(form.topic, form.form)].path
            problems, form = [Problem(path, "form", f"{form.topic} already has form "
                                      f"'{form.form}' in {other}")], None
        if form is None:
            checks.problems.extend(problems)
            continue
        ids[form.id] = path
        checks.forms[(form.topic, form.form)] = form
    return checks


def pair_problems(checks: CheckSet, topic_ids: Iterable[str]) -> Iterator[Problem]:
    """A topic with one form but not the other cannot give an after-check on the other form."""
    for topic in topic_ids:
        have = [f for f in FORMS if (topic, f) in checks.forms]
        if len(have) == 1:
            form = checks.forms[(topic, have[0])]
            assert form.path is not None
            yield Problem(form.path, "form", f"{topic} has form '{have[0]}' only; write the "
                          "other form too (the after-check uses the one not taken before)")
