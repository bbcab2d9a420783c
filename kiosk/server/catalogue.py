"""Which lessons the server knows, and which topic each belongs to.

Pointed at the kiosk's ``lessons/`` folder (``--lessons DIR``), the server reads each lesson file's
``id`` and ``topic`` and refuses batches that mention any other lesson. Without a folder it accepts
every well-formed lesson id and guesses the topic from the id's first word. Leave the folder out
unless it is kept up to date: a kiosk with a newer lesson would otherwise be refused until the
server learns of it.

    >>> Catalogue.guess().topic_of("pay-shop-qr"), Catalogue.guess().known("anything-new")
    ('payment', True)
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

OTHER = "other"
# Used only when no lessons folder is configured: the first word of a lesson id names its topic.
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
    lessons: dict[str, str] | None  # lesson id -> topic id; None means "accept any id"
    titles: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TITLES))

    @classmethod
    def guess(cls) -> Catalogue:
        return cls(lessons=None)

    @classmethod
    def from_dir(cls, lessons_dir: Path) -> Catalogue:
        titles = dict(DEFAULT_TITLES)
        topics_file = lessons_dir / "topics.toml"
        if topics_file.is_file():
            for topic in tomllib.loads(topics_file.read_text("utf-8")).get("topics", []):
                if isinstance(topic, dict) and isinstance(topic.get("id"), str):
                    titles[topic["id"]] = str(topic.get("title", topic["id"]))
        lessons: dict[str, str] = {}
        for path in sorted(lessons_dir.rglob("*.toml")):
            if path == topics_file:
                continue
            try:
                data = tomllib.loads(path.read_text("utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                log.warning("Skipping lesson file %s: %s", path, exc)
                continue
            if isinstance(data.get("id"), str):
                lessons[data["id"]] = str(data.get("topic") or path.parent.name)
        return cls(lessons=lessons, titles=titles)

    def known(self, lesson_id: str) -> bool:
        return self.lessons is None or lesson_id in self.lessons

    def topic_of(self, lesson_id: str) -> str:
        if self.lessons is not None and lesson_id in self.lessons:
            return self.lessons[lesson_id]
        return PREFIX_TOPICS.get(lesson_id.split("-", 1)[0], OTHER)

    def topic_title(self, topic: str) -> str:
        return self.titles.get(topic, topic)

    def topics(self) -> list[str]:
        """Every topic a report should list, even one with no activity yet."""
        if self.lessons is not None:
            return sorted(set(self.lessons.values()))
        return sorted(set(PREFIX_TOPICS.values()))
