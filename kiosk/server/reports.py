"""The digital-equity report: one release's tables, the trend over the monthly releases, and the
kiosks that have gone quiet.

Every figure comes from a stored release (:mod:`kiosk.server.releases`): nothing here adds up
counters. A :class:`Table` holds only display strings (``"12"``, ``"–"``), and the page, the
charts and the CSVs all draw from it, so no output can show a figure another one hides.

    >>> sorted_periods(["2026-07", "2026-Q3", "2026-09", "2026-10", "2026-08"])
    ['2026-10', '2026-Q3', '2026-09', '2026-08', '2026-07']
    >>> period_label("2026-11"), period_label("2026-Q4")
    ('November 2026', '2026 quarter 4')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kiosk.server.catalogue import Catalogue
from kiosk.server.storage import Kiosk, Store
from kiosk.server.storage import releases as saved
from kiosk.server.storage.releases import StoredCell
from kiosk.server.suppression import SUPPRESSED

LANGUAGE_NAMES = {"zh_Hant_TW": "繁體中文 (Taiwan)", "en": "English", "vi": "Tiếng Việt",
                  "id": "Bahasa Indonesia"}


@dataclass
class Table:
    name: str  # used in URLs: /dashboard/<name>.csv
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


@dataclass
class Report:
    period: str | None
    periods: list[str]  # every release, newest first
    total: Table
    topics: Table
    lessons: Table
    languages: Table
    centres: Table
    funnel: Table
    funnel_lesson: str | None
    lesson_choices: list[tuple[str, str]]  # lessons with a funnel in this release: (id, title)
    trend: Table
    quiet: Table

    @property
    def tables(self) -> list[Table]:
        return [self.total, self.trend, self.topics, self.lessons, self.languages, self.centres,
                self.funnel, self.quiet]

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


def show(cell: StoredCell) -> str:
    return str(cell.value) if cell.shown else SUPPRESSED


def period_label(period: str) -> str:
    if "-Q" in period:
        return f"{period[:4]} quarter {period[6:]}"
    return dt.date.fromisoformat(period + "-01").strftime("%B %Y")


def sorted_periods(periods: list[str]) -> list[str]:
    """Newest first; a quarter just before its last month."""
    def key(p: str) -> str:
        return (p[:5] + f"{3 * int(p[6:]):02d}" + "q") if "-Q" in p else p + "m"
    return sorted(periods, key=key, reverse=True)


def choices(store: Store) -> list[str]:
    return sorted_periods(list(saved.released_periods(store)))


def funnel_lessons(cells: list[StoredCell], catalogue: Catalogue) -> list[tuple[str, str]]:
    seen = list(dict.fromkeys(c.row.rsplit(":", 1)[0] for c in cells if c.table == "funnel"))
    return [(lesson, catalogue.lesson_title(lesson)) for lesson in seen]


def build_report(store: Store, catalogue: Catalogue, period: str | None, lesson: str | None,
                 *, today: dt.date, quiet_days: int) -> Report:
    periods = choices(store)
    cells = saved.release_cells(store, period) if period else []
    centre_names = {c.id: c.name for c in store.centres()}
    two = ["Started", "Finished"]

    def rows(table: str, label: dict[str, list[str]] | None = None) -> list[list[str]]:
        by_row: dict[str, dict[str, str]] = {}
        for c in cells:
            if c.table == table:
                by_row.setdefault(c.row, {})[c.measure] = show(c)
        return [[*(label or {}).get(row, [row]), values.get("started", ""),
                 values.get("finished", "")] for row, values in by_row.items()]

    lessons_rows = rows("lessons", {
        x: [catalogue.topic_title(catalogue.topic_of(x)), catalogue.lesson_title(x)]
        for x in {c.row for c in cells if c.table == "lessons"}})
    choice = funnel_lessons(cells, catalogue)
    funnel_lesson = lesson or (choice[0][0] if choice else None)
    funnel = Table("funnel", "Where learners stop" + (
        f": {catalogue.lesson_title(funnel_lesson)}" if funnel_lesson else ""), ["Step", "Reached"])
    funnel.rows = [[c.row.rsplit(":", 1)[1], show(c)] for c in cells
                   if c.table == "funnel" and c.row.rsplit(":", 1)[0] == funnel_lesson]
    return Report(
        period=period, periods=periods,
        total=Table("total", "All learners", ["", *two], rows("total", {"all": ["All"]})),
        topics=Table("topics", "By topic", ["Topic", *two], rows("topics", {
            t: [catalogue.topic_title(t)] for t in {c.row for c in cells}})),
        lessons=Table("lessons", "By lesson", ["Topic", "Lesson", *two], lessons_rows),
        languages=Table("languages", "By language", ["Language", *two],
                        rows("languages", {k: [v] for k, v in LANGUAGE_NAMES.items()})),
        centres=Table("centres", "By centre", ["Centre", *two],
                      rows("centres", {k: [v] for k, v in centre_names.items()})),
        funnel=funnel, funnel_lesson=funnel_lesson, lesson_choices=choice,
        trend=_trend(store, periods), quiet=_quiet_table(store.kiosks(), today, quiet_days))


def _trend(store: Store, periods: list[str]) -> Table:
    """Each monthly release's grand total, oldest first: the same cells as each month shows."""
    table = Table("trend", "Month by month", ["Month", "Started", "Finished"])
    for period in reversed([p for p in periods if "-Q" not in p]):
        total = {c.measure: show(c) for c in saved.release_cells(store, period)
                 if c.table == "total"}
        table.rows.append([period_label(period), total.get("started", ""),
                           total.get("finished", "")])
    return table


def _quiet_table(kiosks: list[Kiosk], today: dt.date, quiet_days: int) -> Table:
    table = Table("quiet", f"Kiosks with no batch for {quiet_days} days or more",
                  ["Kiosk", "Centre", "Last batch", "Days quiet"])
    for kiosk in kiosks:
        if kiosk.revoked:
            continue
        since = kiosk.last_seen_day or kiosk.enrolled_day
        days = (today - dt.date.fromisoformat(since)).days
        if days >= quiet_days:
            table.rows.append([kiosk.id, kiosk.centre_name, kiosk.last_seen_day or "never",
                               str(days)])
    table.rows.sort(key=lambda r: -int(r[3]))
    return table
