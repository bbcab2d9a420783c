"""A clock the test moves by hand, for the store (``ProgressStore(clock=...)``) and the sync."""

from __future__ import annotations

import datetime as dt


class Clock:
    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime.now(dt.UTC).replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)

    def at(self, text: str) -> None:
        self.now = dt.datetime.fromisoformat(text)

    @property
    def day(self) -> str:
        return self.now.date().isoformat()
