"""Releases: the only figures the dashboard and the CSVs ever show (design in docs/PRIVACY.md).

A release is made once for each calendar month after it ends (``delay_days`` later, so kiosks
that sync every few days are in it), and once for each quarter together with its last month.
It is stored and never rewritten.

What a month's release counts, exactly: for every (centre, language, lesson) and every funnel
step, the growth of the all-time count (every counter for days up to the month's last day, as
the server holds them when the release is made) since the month releases before it, never below
zero. So figures that arrive late, for any earlier day, are counted in the first release made
after they arrive; and a fall (a learner deleted their profile) is never shown as a fall: it is
taken off that cell's later growth. A quarter is the sum of its three months' frozen cells.

Each release has the same linked tables: the grand total, by topic, by lesson, by language, by
centre (learners who started and finished) and the funnel of every lesson. Cells are suppressed
by :mod:`kiosk.server.suppression`, a quarter and its last month together, with the quarter's
first two months (already published) as fixed constraints.

    >>> last_ended_month(dt.date(2026, 12, 2), 3), last_ended_month(dt.date(2026, 12, 4), 3)
    ('2026-10', '2026-11')
    >>> quarter_of("2026-11"), quarter_months("2026-Q4"), next_month("2026-12")
    ('2026-Q4', ['2026-10', '2026-11', '2026-12'], '2027-01')
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kiosk.server.catalogue import Catalogue
from kiosk.server.storage import Store
from kiosk.server.storage import releases as saved
from kiosk.server.storage.releases import Cube, ReleaseAudit, StoredCell
from kiosk.server.suppression import AuditResult, Problem, Relation, audit, protect
from kiosk.server.wire import LANGUAGES

DELAY_DAYS = 3
TABLES = ("total", "topics", "lessons", "languages", "centres", "funnel")
_making = threading.Lock()


# --- periods -----------------------------------------------------------------------------------
def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(month: str) -> dt.date:
    """The first day of a month written ``YYYY-MM``; ValueError otherwise."""
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isascii():
        raise ValueError(f"{month!r} is not a month like 2026-11")
    return dt.date(int(month[:4]), int(month[5:]), 1)


def next_month(month: str) -> str:
    first = parse_month(month)
    return month_of((first + dt.timedelta(days=32)).replace(day=1))


def last_day(month: str) -> dt.date:
    return parse_month(next_month(month)) - dt.timedelta(days=1)


def quarter_of(month: str) -> str:
    first = parse_month(month)
    return f"{first.year:04d}-Q{(first.month - 1) // 3 + 1}"


def quarter_months(quarter: str) -> list[str]:
    year, q = int(quarter[:4]), int(quarter[6:])
    return [f"{year:04d}-{3 * (q - 1) + i:02d}" for i in (1, 2, 3)]


def period_months(period: str) -> list[str]:
    return quarter_months(period) if "-Q" in period else [period]


def last_ended_month(today: dt.date, delay_days: int) -> str:
    """The latest month whose release is due: it ended at least ``delay_days`` days ago."""
    return month_of((today - dt.timedelta(days=delay_days)).replace(day=1) - dt.timedelta(days=1))


# --- building the linked tables ----------------------------------------------------------------
@dataclass
class Frame:
    """The variables of one suppression problem: the micro-cells of one or more months."""

    catalogue: Catalogue
    centres: list[str]
    lessons: list[str]
    steps: dict[str, int]  # lesson -> number of funnel steps
    listed: list[str] = field(default_factory=list)  # lessons with a row of their own
    index: dict[tuple[str, ...], int] = field(default_factory=dict)
    truth: list[int] = field(default_factory=list)

    def var(self, *key: str) -> int:
        return self.index[key]

    def add(self, key: tuple[str, ...], value: int) -> None:
        self.index[key] = len(self.truth)
        self.truth.append(value)

    @property
    def topics(self) -> list[str]:
        return self.catalogue.topics()


def _frame(store: Store, catalogue: Catalogue, cubes: dict[str, Cube],
           published: Iterable[StoredCell]) -> Frame:
    """The rows of every table come from the catalogue and the centres, never from the figures,
    so that a row's presence tells nothing. Lessons the catalogue does not know are variables
    (they count in their topic and the totals) but get no row and no funnel of their own."""
    centres = {c.id for c in store.centres()}
    listed = set(catalogue.lessons)
    steps = {lesson: n for lesson, n in catalogue.steps.items() if n}
    others: set[str] = set()
    for cube in cubes.values():
        centres |= {k[0] for k in cube.cells}
        others |= {k[2] for k in cube.cells} | {k[0] for k in cube.funnel}
    for cell in published:  # rows shown before must keep their meaning
        if cell.table == "centres":
            centres.add(cell.row)
        elif cell.table == "lessons":
            listed.add(cell.row)
        elif cell.table == "funnel":
            lesson, number = cell.row.rsplit(":", 1)
            listed.add(lesson)
            steps[lesson] = max(steps.get(lesson, 0), int(number))
    frame = Frame(catalogue, sorted(centres), catalogue.sort_lessons(listed | others), steps,
                  listed=catalogue.sort_lessons(listed))
    for month, cube in cubes.items():
        for c in frame.centres:
            for g in LANGUAGES:
                for lesson in frame.lessons:
                    s, f = cube.cells.get((c, g, lesson), (0, 0))
                    frame.add((month, "s", c, g, lesson), s)
                    frame.add((month, "f", c, g, lesson), f)
        for lesson, n in steps.items():
            for k in range(n):
                frame.add((month, "r", lesson, str(k)), cube.funnel.get((lesson, k), 0))
    return frame


@dataclass(frozen=True)
class CellDef:
    table: str
    row: str
    measure: str
    variables: tuple[int, ...]


def cell_defs(frame: Frame, months: list[str]) -> list[CellDef]:
    """Every cell of one period's tables, in display order, as sums of the frame's variables."""
    out: list[CellDef] = []

    def cells(table: str, row: str, keep: Callable[[str, str, str], bool]) -> None:
        for measure, code in (("started", "s"), ("finished", "f")):
            out.append(CellDef(table, row, measure, tuple(
                frame.var(m, code, c, g, lesson) for m in months for c in frame.centres
                for g in LANGUAGES for lesson in frame.lessons if keep(c, g, lesson))))

    topic_of = frame.catalogue.topic_of
    cells("total", "all", lambda c, g, lesson: True)
    for t in frame.topics:
        cells("topics", t, lambda c, g, lesson, t=t: topic_of(lesson) == t)  # type: ignore[misc]
    for x in frame.listed:
        cells("lessons", x, lambda c, g, lesson, x=x: lesson == x)  # type: ignore[misc]
    for x in LANGUAGES:
        cells("languages", x, lambda c, g, lesson, x=x: g == x)  # type: ignore[misc]
    for x in frame.centres:
        cells("centres", x, lambda c, g, lesson, x=x: c == x)  # type: ignore[misc]
    for lesson in frame.listed:
        for k in range(frame.steps.get(lesson, 0)):
            out.append(CellDef("funnel", f"{lesson}:{k + 1}", "reached",
                               tuple(frame.var(m, "r", lesson, str(k)) for m in months)))
    return out


def relations(frame: Frame, months: list[str]) -> list[Relation]:
    """What an attacker knows of the data's structure, per month: finished against started for
    every micro-cell, each funnel step against the one before, the first step against the
    lesson's starts and the last against its completions."""
    out: list[Relation] = []
    for m in months:
        for c in frame.centres:
            for g in LANGUAGES:
                for lesson in frame.lessons:
                    out.append(Relation((frame.var(m, "f", c, g, lesson),),
                                        (frame.var(m, "s", c, g, lesson),)))
        for lesson, n in frame.steps.items():
            reached = [frame.var(m, "r", lesson, str(k)) for k in range(n)]
            for k in range(1, n):
                out.append(Relation((reached[k],), (reached[k - 1],)))
            for code, step in (("s", 0), ("f", n - 1)):
                total = tuple(frame.var(m, code, c, g, lesson) for c in frame.centres
                              for g in LANGUAGES)
                out.append(Relation((reached[step],), total))
    return out


# --- making releases ---------------------------------------------------------------------------
def month_cube(store: Store, month: str, released_months: list[str]) -> Cube:
    """The month's micro-cells: the growth since the earlier releases, never below zero."""
    now = saved.cumulative(store, last_day=last_day(month).isoformat())
    before = saved.released_cube(store, released_months)
    cube = Cube()
    for key in set(now.cells) | set(before.cells):
        a, b = now.cells.get(key, [0, 0]), before.cells.get(key, [0, 0])
        grown = [max(0, a[0] - b[0]), max(0, a[1] - b[1])]
        if any(grown):
            cube.cells[key] = grown
    for fkey in set(now.funnel) | set(before.funnel):
        grown_r = max(0, now.funnel.get(fkey, 0) - before.funnel.get(fkey, 0))
        if grown_r:
            cube.funnel[fkey] = grown_r
    return cube


def _stored_cells(defs: list[CellDef], frame: Frame, suppressed: set[int],
                  offset: int) -> list[StoredCell]:
    return [StoredCell(d.table, d.row, d.measure, i,
                       sum(frame.truth[v] for v in d.variables), offset + i not in suppressed)
            for i, d in enumerate(defs)]


def make_releases(store: Store, catalogue: Catalogue, *, today: dt.date,
                  delay_days: int = DELAY_DAYS, up_to: str | None = None) -> list[str]:
    """Make every release that is due and not made yet, oldest first; return their periods.

    ``up_to`` (a month) releases every month up to it even before ``delay_days`` have passed;
    it must have ended.
    """
    last = up_to or last_ended_month(today, delay_days)
    if up_to and last_day(up_to) >= today:
        raise ValueError(f"{up_to} has not ended yet; a month is released after its last day")
    with _making:
        first_day = saved.first_counter_day(store)
        done = saved.released_periods(store)
        if first_day is None:
            return []
        month = quarter_months(quarter_of(month_of(dt.date.fromisoformat(first_day))))[0]
        if done:  # releases continue from the last one made: earlier gaps stay closed
            month = min(month, min(p for p, k in done.items() if k == "month"))
        made: list[str] = []
        while month <= last:
            made += _make_month(store, catalogue, month, done, today)
            month = next_month(month)
        return made


def _make_month(store: Store, catalogue: Catalogue, month: str, done: dict[str, str],
                today: dt.date) -> list[str]:
    """Release ``month`` if not done, and its quarter with it if the month ends one. (A month
    released without its quarter — the process stopped between the two — gets its quarter now,
    with the month as published.)"""
    quarter = quarter_of(month)
    months = quarter_months(quarter)
    joint = month == months[-1] and quarter not in done
    new = month not in done
    if not (new or joint):
        return []
    cubes: dict[str, Cube] = {}
    published: dict[str, list[StoredCell]] = {}
    for m in (months[:-1] if joint else []) + ([] if new else [month]):
        cubes[m] = saved.released_cube(store, [m])
        published[m] = saved.release_cells(store, m)
    if new:
        earlier = sorted(p for p, k in done.items() if k == "month" and p < month)
        cubes[month] = month_cube(store, month, earlier)
    frame = _frame(store, catalogue, cubes, [c for cs in published.values() for c in cs])
    problem = Problem(n_vars=len(frame.truth), truth=frame.truth)
    for m, cells in published.items():
        shown = {(c.table, c.row, c.measure): c.shown for c in cells}
        for d in cell_defs(frame, [m]):
            # A cell that was not published then is as good as suppressed.
            problem.add_cell(d.variables, decidable=False,
                             suppressed=not shown.get((d.table, d.row, d.measure), False))
    offset = len(problem.cells)
    month_defs = cell_defs(frame, [month]) if new else []
    quarter_defs = cell_defs(frame, months) if joint else []
    for d in month_defs + quarter_defs:
        problem.add_cell(d.variables)
    problem.relations = relations(frame, list(cubes))
    suppressed = protect(problem)
    # The same attacker, once more on what is published, for the public methods page: how many
    # small cells were checked and the narrowest interval found (docs/PRIVACY.md).
    checked = _whole_numbers(audit(problem, suppressed))
    made_day = today.isoformat()
    made = []
    if new:
        saved.save_release(store, month, "month", made_day=made_day, cube=cubes[month],
                           cells=_stored_cells(month_defs, frame, suppressed, offset),
                           audit=checked)
        done[month] = "month"
        made.append(month)
    if joint:
        saved.save_release(store, quarter, "quarter", made_day=made_day, cube=None,
                           cells=_stored_cells(quarter_defs, frame, suppressed,
                                               offset + len(month_defs)),
                           audit=checked)
        done[quarter] = "quarter"
        made.append(quarter)
    return made


def _whole_numbers(result: AuditResult) -> ReleaseAudit:
    """An audit's narrowest interval rounded inwards, as an attacker who knows counts are whole
    numbers would read it (kiosk.server.suppression.protected does the same)."""
    narrowest = None
    if result.narrowest is not None:
        value, low, high = result.narrowest
        narrowest = (value, max(0, math.ceil(low - 1e-6)),
                     None if math.isinf(high) else math.floor(high + 1e-6))
    return ReleaseAudit(result.checked, narrowest, len(result.failures))
