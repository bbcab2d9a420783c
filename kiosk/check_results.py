"""Where each learner's before-and-after checks are kept (schema V6), on the kiosk only. No Kivy.

One row per learner, topic and phase; a skipped check is a row too, so it is not offered again.
Only the day is kept, never the time. Each item's *first* answer is what counts: a check measures
what the learner could do on arrival, so a second try is not stored. A guest's rows stay with a
random id that nobody can sign in to again, like their lesson progress; deleting a profile takes
them with it (ON DELETE CASCADE).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from kiosk.lessons.checks import FORMS
from kiosk.progress import ProgressStore

Phase = Literal["before", "after"]
CONFIDENCE_LEVELS = (1, 2, 3, 4)  # "Not sure at all" .. "Very sure"


@dataclass(frozen=True)
class CheckRecord:
    id: int
    topic: str
    form: str
    form_version: int
    phase: str
    language: str
    status: str  # in_progress, done or skipped
    item_count: int
    items_right: int | None
    confidence: int | None
    day: str

    @property
    def done(self) -> bool:
        return self.status == "done"


_COLUMNS = ("id, topic, form, form_version, phase, language, status, item_count, items_right, "
            "confidence, day")


class CheckResults:
    """The checks of every learner in one progress store."""

    def __init__(self, store: ProgressStore, rng: random.Random | None = None) -> None:
        self.store = store
        self.rng = rng or random.Random()

    # --- reading ------------------------------------------------------------------------------
    def record(self, learner_id: str, topic: str, phase: str) -> CheckRecord | None:
        row = self.store.execute(
            f"SELECT {_COLUMNS} FROM checks WHERE learner_id = ? AND topic = ? AND phase = ?",
            learner_id, topic, phase).fetchone()
        return CheckRecord(*row) if row else None

    def answers(self, check_id: int) -> dict[int, bool]:
        """Each answered item's first answer: item index -> right."""
        rows = self.store.execute(
            "SELECT item, correct FROM check_answers WHERE check_id = ? ORDER BY item",
            check_id).fetchall()
        return {int(item): bool(correct) for item, correct in rows}

    def form_for(self, learner_id: str, topic: str, phase: Phase) -> str:
        """Which form this learner takes: for the after-check, the one *not* taken before (so
        the items are new to them); otherwise chosen at random, per learner and topic, so each
        form comes first for about half the learners and a form's difficulty does not pass for
        a gain."""
        earlier = self.record(learner_id, topic, phase)
        if earlier is not None:
            return earlier.form
        if phase == "after":
            before = self.record(learner_id, topic, "before")
            if before is not None:
                return next(f for f in FORMS if f != before.form)
        return self.rng.choice(FORMS)

    def should_offer(self, learner_id: str, topic: str, phase: Phase) -> bool:
        """Offer a check unless it was taken or skipped already (one that was left midway is
        offered again and goes on from the next item)."""
        record = self.record(learner_id, topic, phase)
        return record is None or record.status == "in_progress"

    # --- writing ------------------------------------------------------------------------------
    def begin(self, learner_id: str, topic: str, phase: Phase, *, form: str, form_version: int,
              item_count: int, language: str) -> CheckRecord:
        """Start the check (or return the one already begun, to go on with it)."""
        with self.store.transaction():
            self.store.execute(
                "INSERT OR IGNORE INTO checks (learner_id, topic, form, form_version, phase, "
                "language, status, item_count, day) VALUES (?, ?, ?, ?, ?, ?, 'in_progress', ?, ?)",
                learner_id, topic, form, form_version, phase, language, item_count, self._day())
        record = self.record(learner_id, topic, phase)
        assert record is not None
        return record

    def skip(self, learner_id: str, topic: str, phase: Phase, *, form: str, form_version: int,
             item_count: int, language: str) -> None:
        """The learner tapped Skip: remembered so it is not offered again; answers given before
        skipping are kept, but the check is not counted as taken."""
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO checks (learner_id, topic, form, form_version, phase, language, "
                "status, item_count, day) VALUES (?, ?, ?, ?, ?, ?, 'skipped', ?, ?) "
                "ON CONFLICT (learner_id, topic, phase) DO UPDATE SET status = 'skipped' "
                "WHERE status = 'in_progress'",
                learner_id, topic, form, form_version, phase, language, item_count, self._day())

    def answer(self, check_id: int, item: int, *, correct: bool) -> bool:
        """Keep an item's first answer; returns False if it had been answered already."""
        with self.store.transaction():
            cursor = self.store.execute(
                "INSERT OR IGNORE INTO check_answers (check_id, item, correct) VALUES (?, ?, ?)",
                check_id, item, int(correct))
        return cursor.rowcount == 1

    def finish(self, check_id: int, *, confidence: int) -> CheckRecord:
        """The confidence answer ends the check: items right are counted from the answers."""
        if confidence not in CONFIDENCE_LEVELS:
            raise ValueError(f"confidence must be 1 to 4, not {confidence!r}")
        with self.store.transaction():
            self.store.execute(
                "UPDATE checks SET status = 'done', confidence = ?, items_right = (SELECT "
                "COUNT(*) FROM check_answers WHERE check_id = checks.id AND correct = 1), "
                "day = ? WHERE id = ? AND status = 'in_progress'",
                confidence, self._day(), check_id)
        row = self.store.execute(f"SELECT {_COLUMNS} FROM checks WHERE id = ?",
                                 check_id).fetchone()
        return CheckRecord(*row)

    def _day(self) -> str:
        return self.store.clock().date().isoformat()
