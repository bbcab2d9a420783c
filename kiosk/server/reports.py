"""The digital-equity report: one release's tables, the trend over the monthly releases, and the
kiosks that have gone quiet.

Every figure comes from a stored release (:mod:`kiosk.server.releases`): nothing here adds up
counters. A :class:`Table` holds only display strings (``"12"``, ``"–"``), and the page, the
charts and the CSVs all draw from it, so no output can show a figure another one hides.

    >>> sorted_periods(["2026-07", "2026-Q3", "2026-09", "2026-10", "2026-08"])
    ['2026-10', '2026-Q3', '2026-09', '2026-08', '2026-07']

Titles, column names and labels are in the manager's language (:class:`Words`); the cells stay
plain digits, grouped for the page only, so a CSV opens as numbers in any spreadsheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kiosk.server.catalogue import Catalogue
from kiosk.server.releases import quarter_months
from kiosk.server.storage import Kiosk, Store
from kiosk.server.storage import releases as saved
from kiosk.server.storage.releases import StoredCell
from kiosk.server.suppression import SUPPRESSED
from kiosk.server.words import Words

LEARNER_LANGUAGES = ("zh_Hant_TW", "en", "vi", "id")
TREND_MONTHS = 12  # the trend shows a year unless the manager asks for a range
# The learners' languages as the English dashboard names them (what its tables and CSVs say).
LANGUAGE_NAMES = {code: Words.of("en").language_name(code) for code in LEARNER_LANGUAGES}


@dataclass
class Table:
    name: str  # used in URLs: /dashboard/<name>.csv
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""
    numeric_from: int = 1  # the first column holding counts (formatted for the page)


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
    stops: Table
    funnel_lesson: str | None
    lesson_choices: list[tuple[str, str]]  # lessons with a funnel in this release: (id, title)
    trend: Table
    quiet: Table
    trend_months: list[str] = field(default_factory=list)  # the trend's months, oldest first
    months: list[str] = field(default_factory=list)  # every released month, oldest first

    @property
    def tables(self) -> list[Table]:
        return [self.total, self.stops, self.trend, self.topics, self.lessons, self.languages,
                self.centres, self.funnel, self.quiet]

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


def show(cell: StoredCell) -> str:
    return str(cell.value) if cell.shown else SUPPRESSED


def sorted_periods(periods: list[str]) -> list[str]:
    """Newest first; a quarter just before its last month."""
    def key(p: str) -> str:
        return (p[:5] + f"{3 * int(p[6:]):02d}" + "q") if "-Q" in p else p + "m"
    return sorted(periods, key=key, reverse=True)


def choices(store: Store) -> list[str]:
    return sorted_periods(list(saved.released_periods(store)))


def lesson_title(catalogue: Catalogue, words: Words, lesson: str) -> str:
    return words.lesson_text(catalogue.lesson_title(lesson))


def topic_title(catalogue: Catalogue, words: Words, topic: str) -> str:
    title = catalogue.topic_title(topic)
    translated = words.lesson_text(title)
    # "Other" and the guessed topics' titles are the server's words, not a topic file's.
    return translated if translated != title else words.gettext(title)


def funnel_lessons(cells: list[StoredCell], catalogue: Catalogue,
                   words: Words) -> list[tuple[str, str]]:
    seen = list(dict.fromkeys(c.row.rsplit(":", 1)[0] for c in cells if c.table == "funnel"))
    return [(lesson, lesson_title(catalogue, words, lesson)) for lesson in seen]


def trend_window(months: list[str], period: str | None,
                 asked: tuple[str, str] | None = None) -> list[str]:
    """The released months the trend shows: the asked from-to range (whole months), else the
    last :data:`TREND_MONTHS` up to the chosen period's end.

    >>> ms = [f"2026-{m:02d}" for m in range(1, 13)] + ["2027-01"]
    >>> trend_window(ms, "2026-Q2")
    ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']
    >>> trend_window(ms, "2026-02", ("2026-11", "2027-01"))
    ['2026-11', '2026-12', '2027-01']
    >>> len(trend_window(ms, "2027-01")), trend_window(ms, None)
    (12, [])
    """
    if asked:
        return [m for m in months if asked[0] <= m <= asked[1]]
    if period is None:
        return []
    end = quarter_months(period)[-1] if "-Q" in period else period
    return [m for m in months if m <= end][-TREND_MONTHS:]


def build_report(store: Store, catalogue: Catalogue, period: str | None, lesson: str | None,
                 *, today: dt.date, quiet_days: int, words: Words,
                 trend_range: tuple[str, str] | None = None) -> Report:
    _ = words.gettext
    periods = choices(store)
    months = sorted(p for p in periods if "-Q" not in p)
    trend_months = trend_window(months, period, trend_range)
    cells = saved.release_cells(store, period) if period else []
    centre_names = {c.id: c.name for c in store.centres()}
    three = [_("Started"), _("Finished"), _("Completion rate")]

    def rows(table: str, label: dict[str, list[str]] | None = None) -> list[list[str]]:
        by_row: dict[str, dict[str, str]] = {}
        for c in cells:
            if c.table == table:
                by_row.setdefault(c.row, {})[c.measure] = show(c)
        return [[*(label or {}).get(row, [row]), started, finished, words.rate(finished, started)]
                for row, values in by_row.items()
                for started, finished in [(values.get("started", ""),
                                           values.get("finished", ""))]]

    lessons_rows = rows("lessons", {
        x: [topic_title(catalogue, words, catalogue.topic_of(x)),
            lesson_title(catalogue, words, x)]
        for x in {c.row for c in cells if c.table == "lessons"}})
    choice = funnel_lessons(cells, catalogue, words)
    funnel_lesson = lesson or (choice[0][0] if choice else None)
    funnel = Table("funnel", _("Where learners stop") + (
        _(": {lesson}").format(lesson=lesson_title(catalogue, words, funnel_lesson))
        if funnel_lesson else ""), [_("Step"), _("Reached")])
    funnel.rows = [[c.row.rsplit(":", 1)[1], show(c)] for c in cells
                   if c.table == "funnel" and c.row.rsplit(":", 1)[0] == funnel_lesson]
    return Report(
        period=period, periods=periods,
        total=Table("total", _("All learners"), ["", *three],
                    rows("total", {"all": [_("All")]}) + _previous(store, period, words)),
        topics=Table("topics", _("By topic"), [_("Topic"), *three], rows("topics", {
            t: [topic_title(catalogue, words, t)] for t in {c.row for c in cells}})),
        lessons=Table("lessons", _("By lesson"), [_("Topic"), _("Lesson"), *three],
                      lessons_rows, numeric_from=2),
        languages=Table("languages", _("By language"), [_("Language"), *three],
                        rows("languages", {k: [words.language_name(k)]
                                           for k in LEARNER_LANGUAGES})),
        centres=Table("centres", _("By centre"), [_("Centre"), *three],
                      rows("centres", {k: [v] for k, v in centre_names.items()})),
        funnel=funnel, stops=_stops(cells, catalogue, words, choice),
        funnel_lesson=funnel_lesson, lesson_choices=choice,
        trend=_trend(store, trend_months, words),
        quiet=_kiosks_table(store.kiosks(), today, quiet_days, words),
        trend_months=trend_months, months=months)


def previous_period(period: str) -> str:
    """The month or quarter before: ``2026-01`` -> ``2025-12``, ``2026-Q1`` -> ``2025-Q4``.

    >>> previous_period("2026-01"), previous_period("2026-07"), previous_period("2026-Q1")
    ('2025-12', '2026-06', '2025-Q4')
    """
    year = int(period[:4])
    if "-Q" in period:
        quarter = int(period[6:]) - 1
        return f"{year - 1}-Q4" if quarter == 0 else f"{year}-Q{quarter}"
    month = int(period[5:]) - 1
    return f"{year - 1}-12" if month == 0 else f"{year}-{month:02d}"


def _previous(store: Store, period: str | None, words: Words) -> list[list[str]]:
    """The previous period's grand total, as that release shows it (its own stored cells)."""
    if not period:
        return []
    before = previous_period(period)
    if before not in saved.released_periods(store):
        return []
    total = {c.measure: show(c) for c in saved.release_cells(store, before)
             if c.table == "total"}
    started, finished = total.get("started", ""), total.get("finished", "")
    return [[words.gettext("Previous period: {period}").format(period=words.period(before)),
             started, finished, words.rate(finished, started)]]


def _stops(cells: list[StoredCell], catalogue: Catalogue, words: Words,
           lessons: list[tuple[str, str]]) -> Table:
    """Per lesson, the step after which most learners stop: the biggest fall between two
    released "reached" cells of consecutive steps, both shown. The fall itself is not shown
    (it is no released cell): the page shows the two cells it comes from."""
    _ = words.gettext
    table = Table("stops", _("Where most learners stop, by lesson"),
                  [_("Lesson"), _("Step"), _("The step says"), _("Reached this step"),
                   _("Reached the next step")], numeric_from=3,
                  note=_("Only steps whose counts are both shown are compared."))
    for lesson, title in lessons:
        reached = {int(c.row.rsplit(":", 1)[1]): show(c) for c in cells
                   if c.table == "funnel" and c.row.rsplit(":", 1)[0] == lesson}
        falls = [(int(reached[k]) - int(reached[k + 1]), -k) for k in sorted(reached)
                 if k + 1 in reached and reached[k].isdigit() and reached[k + 1].isdigit()]
        if not falls:
            table.rows.append([title, SUPPRESSED, "", SUPPRESSED, SUPPRESSED])
            continue
        if max(falls)[0] <= 0:
            continue  # nobody stopped part-way in this release: no step to name
        step = -max(falls)[1]
        table.rows.append([title, str(step),
                           words.lesson_text(catalogue.step_text(lesson, step)),
                           reached[step], reached[step + 1]])
    return table


def _trend(store: Store, months: list[str], words: Words) -> Table:
    """Each monthly release's grand total, oldest first: the same cells as each month shows.

    A range is never added up: a total over months one of which hides a figure would either
    hide too (and say nothing) or let the hidden figure be worked out by subtraction, so the
    range is its months, each as released (docs/SERVER.md, "Periods").
    """
    _ = words.gettext
    title = _("Month by month")
    if months:
        title += _(": {first} to {last}").format(first=words.period(months[0]),
                                                  last=words.period(months[-1]))
    table = Table("trend", title, [_("Month"), _("Started"), _("Finished")],
                  note=_("Each month as it was released. A range is not added up into one "
                         "total: a total that included a hidden figure could reveal it. Each "
                         "quarter has its own report: choose it under Period."))
    for period in months:
        total = {c.measure: show(c) for c in saved.release_cells(store, period)
                 if c.table == "total"}
        table.rows.append([words.period(period), total.get("started", ""),
                           total.get("finished", "")])
    return table


def _kiosks_table(kiosks: list[Kiosk], today: dt.date, quiet_days: int, words: Words) -> Table:
    """Every kiosk's last contact with its centre, the quietest first: a kiosk that stops
    sending (switched off, unplugged, stolen) shows at the top."""
    _ = words.gettext
    table = Table("quiet", _("Kiosks: last contact"),
                  [_("Kiosk"), _("Centre"), _("Last batch"), _("Days since"), _("Status")],
                  numeric_from=3,
                  note=_("A kiosk with no batch for {days} days or more is marked quiet: ask "
                         "its centre whether it is switched on and online.").format(
                             days=quiet_days))
    found = []
    for kiosk in kiosks:
        since = kiosk.last_seen_day or kiosk.enrolled_day
        days = (today - dt.date.fromisoformat(since)).days
        status = (_("Revoked") if kiosk.revoked else _("Quiet") if days >= quiet_days
                  else _("Sending"))
        found.append((kiosk.revoked, -days, [
            kiosk.id, kiosk.centre_name,
            words.date(kiosk.last_seen_day) if kiosk.last_seen_day else _("never"),
            str(days), status]))
    table.rows = [row for *_key, row in sorted(found, key=lambda f: (f[0], f[1]))]
    return table
