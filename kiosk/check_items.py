"""Item statistics for the before-and-after checks, so authors can retire bad items. No Kivy.

From a kiosk's own progress database (schema V6), for every item of every form (and version)
that finished checks answered:

- **difficulty**: the share of learners who got it right (classical p; near 1 is too easy to
  tell anyone apart, near 0 too hard or unclear);
- **discrimination**: the corrected item-rest correlation — the Pearson (point-biserial)
  correlation between the item (1 right, 0 not) and the learner's score on the *other* items of
  the same check. An item that learners who do well elsewhere get wrong as often as the others
  (near 0, or negative) measures something else, or is ambiguous.

Only finished checks count (a skipped check has no total to compare with), before and after
alike: the question is how the item behaves, not how much anyone learned. The figures come from
the kiosk's own learners, so they are rough until an item has a few dozen answers; the report
says how many.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

# Rules of thumb from classical test theory, used only to point at items worth a second look.
EASY, HARD, WEAK = 0.95, 0.20, 0.20
FEW = 30


@dataclass(frozen=True)
class ItemStats:
    topic: str
    form: str
    version: int
    item: int  # 0-based
    answers: int
    difficulty: float
    discrimination: float | None  # None when it cannot be worked out (no spread)

    @property
    def flags(self) -> list[str]:
        out = []
        if self.answers < FEW:
            out.append("few answers")
        if self.difficulty >= EASY:
            out.append("very easy")
        if self.difficulty <= HARD:
            out.append("very hard")
        if self.discrimination is not None and self.discrimination < WEAK:
            out.append("weak discrimination")
        return out


def correlation(xs: list[int], ys: list[int]) -> float | None:
    """Pearson's r; None when either list has no spread."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def item_stats(conn: sqlite3.Connection) -> list[ItemStats]:
    """Every answered item of every finished check in the database, in form order."""
    rows = conn.execute(
        "SELECT c.topic, c.form, c.form_version, c.id, c.item_count, a.item, a.correct "
        "FROM checks c JOIN check_answers a ON a.check_id = c.id WHERE c.status = 'done' "
        "ORDER BY c.topic, c.form, c.form_version, c.id, a.item").fetchall()
    # (topic, form, version) -> check id -> {item: right}
    forms: dict[tuple[str, str, int], dict[int, dict[int, int]]] = {}
    sizes: dict[tuple[str, str, int], int] = {}
    for topic, form, version, check_id, item_count, item, correct in rows:
        key = (str(topic), str(form), int(version))
        forms.setdefault(key, {}).setdefault(int(check_id), {})[int(item)] = int(correct)
        sizes[key] = max(sizes.get(key, 0), int(item_count))
    out: list[ItemStats] = []
    for key, checks in sorted(forms.items()):
        for item in range(sizes[key]):
            # An item left unanswered in a finished check (lost to a storage error) is not
            # counted, rather than counted as wrong.
            answered = [answers for answers in checks.values() if item in answers]
            if not answered:
                continue
            scores = [answers[item] for answers in answered]
            rest = [sum(v for i, v in answers.items() if i != item) for answers in answered]
            out.append(ItemStats(*key, item=item, answers=len(scores),
                                 difficulty=sum(scores) / len(scores),
                                 discrimination=correlation(scores, rest)))
    return out


def open_read_only(path: Path) -> sqlite3.Connection:
    """The kiosk's database, opened so that nothing in it can change (no migration, no write)."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such database")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def report(stats: list[ItemStats],
           item_text: dict[tuple[str, str, int, int], str]) -> str:
    """A plain table, one item a line: where it is, how many answered, difficulty,
    discrimination, and what to look at."""
    if not stats:
        return "No finished checks in this database yet."
    lines = [f"{'topic':<15} {'form':<4} {'v':>2} {'item':>4} {'n':>5} {'difficulty':>10} "
             f"{'discrimination':>14}  notes"]
    for s in stats:
        disc = "-" if s.discrimination is None else f"{s.discrimination:+.2f}"
        text = item_text.get((s.topic, s.form, s.version, s.item), "")
        notes = ", ".join(s.flags)
        lines.append(f"{s.topic:<15} {s.form:<4} {s.version:>2} {s.item + 1:>4} {s.answers:>5} "
                     f"{s.difficulty:>10.2f} {disc:>14}  {notes}")
        if text:
            lines.append(f"{'':<15} {text}")
    return "\n".join(lines)
