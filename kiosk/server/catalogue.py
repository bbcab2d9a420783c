"""Which lessons the server knows: each lesson's topic and title, and the topics' titles.

By default the server reads the lesson catalogue shipped with it — the repository's ``lessons/``
folder, the same files the kiosks teach from, read with :mod:`kiosk.lessons` — so every shipped
lesson is counted under its real topic with no flag. A lesson it does not know (a kiosk with a
newer lesson) is still accepted, and its topic guessed from the id's first word, else "Other".

Pointed at a lessons folder (``--lessons DIR``), the server reads that folder instead and refuses
batches that mention any other lesson. Only use it if the folder is kept up to date.

    >>> c = Catalogue.guess()
    >>> c.topic_of("refuse-scam-request"), c.topic_of("video-visit"), c.known("anything-new")
    ('payment', 'telehealth', True)
    >>> c.topic_of("tele-new-lesson"), c.topic_of("mystery")
    ('telehealth', 'other')
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kiosk.lessons import lesson_files, read_toml
from kiosk.lessons.library import load_topics

log = logging.getLogger(__name__)

SHIPPED_LESSONS = Path(__file__).resolve().parents[2] / "lessons"
OTHER = "other"
# For lessons the catalogue does not know: the first word of a lesson id names its topic.
PREFIX_TOPICS = {
    "pay": "payment", "wallet": "payment", "transfer": "payment",
    "tele": "telehealth", "health": "telehealth", "clinic": "telehealth", "doctor": "telehealth",
    "fake": "misinformation", "news": "misinformation", "misinfo": "misinformation",
    "spot": "misinformation", "check": "misinformation",
}
DEFAULT_TITLES = {"payment": "Mobile payment", "telehealth": "Telehealth",
                  "misinformation": "Spotting false information", OTHER: "Other"}


@dataclass(frozen=True)
class Catalogue:
    lessons: dict[str, str]  # lesson id -> topic id
    titles: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TITLES))
    lesson_titles: dict[str, str] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)  # topic or lesson id -> display order
    steps: dict[str, int] = field(default_factory=dict)  # lesson id -> number of steps
    # lesson id -> each step's first sentence (English; the lessons catalog translates it)
    step_texts: dict[str, list[str]] = field(default_factory=dict)
    strict: bool = False  # refuse batches naming a lesson not listed

    @classmethod
    def guess(cls) -> Catalogue:
        """The shipped catalogue, accepting lessons it does not know."""
        return _shipped()

    @classmethod
    def from_dir(cls, lessons_dir: Path, *, strict: bool = True) -> Catalogue:
        titles = dict(DEFAULT_TITLES)
        order: dict[str, int] = {}
        if (lessons_dir / "topics.toml").is_file():
            topics, problems = load_topics(lessons_dir)
            for problem in problems:
                log.warning("Lesson topics: %s", problem)
            for topic in topics:
                titles[topic.id] = topic.title
                order[topic.id] = topic.order
        lessons: dict[str, str] = {}
        lesson_titles: dict[str, str] = {}
        steps: dict[str, int] = {}
        step_texts: dict[str, list[str]] = {}
        for path in lesson_files(lessons_dir):
            data, problems = read_toml(path)
            if data is None:
                log.warning("Skipping lesson file %s: %s", path, problems)
                continue
            if isinstance(data.get("id"), str):
                lessons[data["id"]] = str(data.get("topic") or path.parent.name)
                lesson_titles[data["id"]] = str(data.get("title") or data["id"])
                if isinstance(data.get("order"), int):
                    order[data["id"]] = data["order"]
                if isinstance(data.get("steps"), list):
                    steps[data["id"]] = len(data["steps"])
                    step_texts[data["id"]] = [_first_sentence(step) for step in data["steps"]]
        return cls(lessons=lessons, titles=titles, lesson_titles=lesson_titles, order=order,
                   steps=steps, step_texts=step_texts, strict=strict)

    def known(self, lesson_id: str) -> bool:
        return not self.strict or lesson_id in self.lessons

    def topic_of(self, lesson_id: str) -> str:
        if lesson_id in self.lessons:
            return self.lessons[lesson_id]
        return PREFIX_TOPICS.get(lesson_id.split("-", 1)[0], OTHER)

    def topic_title(self, topic: str) -> str:
        return self.titles.get(topic, topic)

    def lesson_title(self, lesson_id: str) -> str:
        return self.lesson_titles.get(lesson_id, lesson_id)

    def step_text(self, lesson_id: str, step: int) -> str:
        """The first sentence of a lesson's step (1 is the first), or "" if unknown."""
        texts = self.step_texts.get(lesson_id, [])
        return texts[step - 1] if 0 < step <= len(texts) else ""

    def topics(self) -> list[str]:
        """Every topic a report lists, whatever the figures (so no row's presence tells
        anything): the catalogue's, and "Other" for lessons it does not know."""
        guessed = set(PREFIX_TOPICS.values()) if not self.strict else set()
        return sorted(set(self.lessons.values()) | guessed | {OTHER}, key=self.topic_order)

    def topic_order(self, topic: str) -> tuple[int, str]:
        return (self.order.get(topic, 1000 if topic != OTHER else 2000), topic)

    def sort_lessons(self, lessons: Iterable[str]) -> list[str]:
        """By topic, then by the lesson's own order, as the kiosk lists them."""
        return sorted(set(lessons), key=lambda x: (self.topic_order(self.topic_of(x)),
                                                   self.order.get(x, 1000), x))


def _first_sentence(step: object) -> str:
    """What a step says first: how a manager recognises it ("Scan the shop's QR code.")."""
    text = step.get("text") if isinstance(step, dict) else None
    if isinstance(text, list):
        text = text[0] if text else None
    return text if isinstance(text, str) else ""


@cache
def _shipped() -> Catalogue:
    if not SHIPPED_LESSONS.is_dir():
        log.warning("No lesson catalogue at %s: topics are guessed from lesson ids",
                    SHIPPED_LESSONS)
        return Catalogue(lessons={})
    return Catalogue.from_dir(SHIPPED_LESSONS, strict=False)
