"""Lessons: the data model, the validator and the loader. No Kivy here.

>>> from pathlib import Path
>>> library = load_library(Path("lessons"), Path("assets/images"))
>>> [t.id for t in library.topics]
['payment', 'telehealth', 'misinformation']
"""

from kiosk.lessons.library import Library, lesson_files, load_library
from kiosk.lessons.model import (
    Element,
    Lesson,
    Option,
    PhoneScreen,
    Problem,
    Sign,
    Step,
    Topic,
    Value,
)
from kiosk.lessons.parse import parse_lesson, read_toml

__all__ = [
    "Element",
    "Lesson",
    "Library",
    "Option",
    "PhoneScreen",
    "Problem",
    "Sign",
    "Step",
    "Topic",
    "Value",
    "lesson_files",
    "load_library",
    "parse_lesson",
    "read_toml",
]
