"""The batch a kiosk uploads, as strict Pydantic models.

Everything a kiosk may say is here and nothing else: ``extra="forbid"`` refuses any other field,
so no learner id, name or free text can ride along. Strings are either fixed choices (language),
a pattern-checked lesson id, a UUID, or a date. Counts are non-negative integers; ``strict`` means
``"5"`` is a wrong type, not 5.

Counters are cumulative per key ``(day, lesson_id, lesson_version, language)`` and carry a
``revision`` that the kiosk raises every time the counts for that key change. The server keeps, per
kiosk, epoch and key, the row with the highest revision, so a retried or reordered batch changes
nothing. The batch's ``epoch`` names the kiosk's progress store: a store that had to be replaced
starts its revisions again at 1 under a new epoch, and the server adds the epochs' rows together,
so figures already received are never lowered or overwritten.

``completions > starts`` is allowed on purpose: a learner may start a lesson one day and finish it
the next, so one day's counts need not be ordered. For the same reason ``reached`` is not checked
against ``starts``.

Example::

    >>> Batch.model_validate_json('''{"batch_id": "2b1f0e4e-8a7c-4c39-9d1e-1a2b3c4d5e6f",
    ...   "kiosk_id": "k-1", "items": [{"day": "2025-11-20", "lesson_id": "pay-shop-qr",
    ...   "lesson_version": 1, "language": "vi", "revision": 3, "starts": 4, "completions": 2,
    ...   "reached": [4, 4, 3, 2]}]}''').items[0].key
    ('2025-11-20', 'pay-shop-qr', 1, 'vi')
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from kiosk.protocol import MAX_FUNNEL_STEPS as MAX_STEPS  # shared with the kiosk

LANGUAGES = ("zh_Hant_TW", "en", "vi", "id")
LESSON_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_COUNT = 1_000_000  # one kiosk, one day, one lesson: far above anything real

Language = Literal["zh_Hant_TW", "en", "vi", "id"]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Key = tuple[str, str, int, str]


class Item(BaseModel):
    """Cumulative counts for one (day, lesson, lesson version, language) on one kiosk."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    day: dt.date = Field(description="Calendar day (no time of day is ever sent)")
    lesson_id: str = Field(min_length=1, max_length=64, pattern=LESSON_ID_PATTERN)
    lesson_version: int = Field(ge=1, le=10_000)
    language: Language
    revision: int = Field(ge=1, le=2**62, description="Raised each time these counts change")
    starts: Count
    completions: Count
    reached: list[Count] = Field(max_length=MAX_STEPS,
                                 description="Learners who reached each step, by step index")

    @property
    def key(self) -> Key:
        return (self.day.isoformat(), self.lesson_id, self.lesson_version, self.language)


class Batch(BaseModel):
    """One upload. ``batch_id`` is chosen by the kiosk; a batch is counted at most once."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    batch_id: uuid.UUID
    kiosk_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    epoch: str = Field(default="", max_length=32, pattern=r"^[0-9a-f]*$",
                       description="Random id of the kiosk's progress store (new after a store "
                       "is replaced); '' for a kiosk's first store. Revisions count per epoch.")
    items: list[Item]
