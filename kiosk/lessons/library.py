"""Find the lesson files in a folder and load every valid one.

A lesson dropped into ``lessons/<topic>/`` appears with no code change. A broken file is skipped,
and its problems are kept so that ``lessons check`` and the volunteers can see why; the kiosk
itself never stops because of one bad file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.lessons.model import Lesson, Problem, Topic
from kiosk.lessons.parse import ID_PATTERN, parse_lesson, read_toml

log = logging.getLogger(__name__)

TOPICS_FILE = "topics.toml"


@dataclass
class Library:
    """Every topic and every valid lesson, plus the problems of the files that were skipped."""

    topics: list[Topic] = field(default_factory=list)
    lessons: dict[str, Lesson] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def lessons_in(self, topic_id: str) -> list[Lesson]:
        found = [lesson for lesson in self.lessons.values() if lesson.topic == topic_id]
        return sorted(found, key=lambda lesson: (lesson.order, lesson.id))

    @property
    def skipped_files(self) -> list[Path]:
        return sorted({p.path for p in self.problems})


def load_topics(lessons_dir: Path) -> tuple[list[Topic], list[Problem]]:
    path = lessons_dir / TOPICS_FILE
    data, problems = read_toml(path)
    if data is None:
        return [], problems
    topics: list[Topic] = []
    raw_topics = data.get("topics")
    if not isinstance(raw_topics, list) or not raw_topics:
        return [], [Problem(path, "topics", "missing; add [[topics]] tables")]
    for i, raw in enumerate(raw_topics, 1):
        where = f"topics[{i}]"
        if not isinstance(raw, dict):
            problems.append(Problem(path, where, "must be a table with id, title and summary"))
            continue
        missing = [k for k in ("id", "title", "summary") if not isinstance(raw.get(k), str)]
        if missing:
            problems.append(Problem(path, where, f"missing {', '.join(missing)}"))
            continue
        if not ID_PATTERN.match(raw["id"]):
            problems.append(Problem(path, f"{where}.id", "must be lowercase-with-hyphens"))
            continue
        order = raw.get("order", i)
        topics.append(Topic(id=raw["id"], title=raw["title"], summary=raw["summary"],
                            order=order if isinstance(order, int) else i,
                            colour=str(raw.get("colour", ""))))
    topics.sort(key=lambda t: t.order)
    return topics, problems


def lesson_files(lessons_dir: Path) -> list[Path]:
    """Every ``*.toml`` under the lessons folder except the topics list and the before-and-after
    checks (``<topic>/checks/``, kiosk/lessons/checks.py), in a stable order."""
    return sorted(p for p in lessons_dir.rglob("*.toml")
                  if p.name != TOPICS_FILE and p.parent.name != "checks")


def check_files(paths: list[Path], topic_ids: list[str], images_dir: Path,
                library: Library) -> None:
    """Parse ``paths`` into ``library``: valid lessons are added, problems collected."""
    first_seen = {lesson.id: lesson.path for lesson in library.lessons.values()}

    def picture_exists(name: str) -> bool:
        candidate = (images_dir / name).resolve()
        return candidate.is_file() and images_dir.resolve() in candidate.parents

    for path in paths:
        library.files_checked += 1
        data, problems = read_toml(path)
        lesson = None
        if data is not None:
            lesson, problems = parse_lesson(path, data, topics=topic_ids,
                                            picture_exists=picture_exists)
        if lesson is not None and lesson.id in first_seen:
            problems = [Problem(path, "id", f"'{lesson.id}' is already used by "
                                f"{first_seen[lesson.id]}; each lesson needs its own id")]
            lesson = None
        if lesson is None:
            for problem in problems:
                log.warning("Skipping lesson file: %s", problem)
            library.problems.extend(problems)
            continue
        first_seen[lesson.id] = path
        library.lessons[lesson.id] = lesson


def load_library(lessons_dir: Path, images_dir: Path) -> Library:
    """Load the topics and every valid lesson under ``lessons_dir``. Never raises on bad content."""
    library = Library()
    library.topics, problems = load_topics(lessons_dir)
    library.problems.extend(problems)
    if not lessons_dir.is_dir():
        library.problems.append(Problem(lessons_dir, "folder", "does not exist"))
        return library
    check_files(lesson_files(lessons_dir), [t.id for t in library.topics], images_dir, library)
    return library
