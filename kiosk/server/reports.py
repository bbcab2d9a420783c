"""The digital-equity report: tables by week, topic, lesson, language and centre, a funnel over a
lesson's steps, and the kiosks that have gone quiet — every figure already suppressed.

A :class:`Table` holds only display strings (``"12"``, ``"<5"``, ``"hidden"``): the page, the chart
and the CSV all draw from it, so no output can show a figure another one hides.

    >>> protect_column([("a", 12), ("b", 3), ("c", 9)])
    ['12', '<5', 'hidden']
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kiosk.server.catalogue import Catalogue
from kiosk.server.storage import Kiosk, Store, week_of
from kiosk.server.suppression import primary, protect

LANGUAGE_NAMES = {"zh_Hant_TW": "繁體中文 (Taiwan)", "en": "English", "vi": "Tiếng Việt",
                  "id": "Bahasa Indonesia"}
WEEK_CHOICES = (4, 12, 26, 52)


@dataclass(frozen=True)
class Filters:
    weeks: int = 12
    centre: str | None = None  # centre id
    language: str | None = None
    topic: str | None = None
    lesson: str | None = None  # the funnel's lesson; default: the most started one


@dataclass
class Table:
    name: str  # used in URLs: /dashboard/<name>.csv
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


@dataclass
class Report:
    filters: Filters
    first_week: str
    last_week: str
    weeks: Table
    topics: Table
    lessons: Table
    languages: Table
    centres: Table
    funnel: Table
    funnel_lesson: str | None
    quiet: Table
    lesson_choices: list[str]

    @property
    def tables(self) -> list[Table]:
        return [self.weeks, self.topics, self.lessons, self.languages, self.centres,
                self.funnel, self.quiet]

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


def protect_column(cells: Iterable[tuple[str, int]]) -> list[str]:
    return protect([value for _, value in cells])


def _two_columns(name: str, title: str, label: str, keys: list[str], labels: dict[str, str],
                 starts: dict[str, int], completions: dict[str, int]) -> Table:
    started = protect([starts.get(k, 0) for k in keys])
    finished = protect([completions.get(k, 0) for k in keys])
    table = Table(name, title, [label, "Started", "Finished"])
    table.rows = [[labels.get(k, k), s, f] for k, s, f in zip(keys, started, finished, strict=True)]
    return table


def week_label(monday: str) -> str:
    day = dt.date.fromisoformat(monday)
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d} ({day:%d %b})"


def build_report(store: Store, catalogue: Catalogue, filters: Filters, *, today: dt.date,
                 quiet_days: int) -> Report:
    last = dt.date.fromisoformat(week_of(today))
    first = last - dt.timedelta(weeks=filters.weeks - 1)
    weeks = [(first + dt.timedelta(weeks=i)).isoformat() for i in range(filters.weeks)]
    rows = store.cube(first_week=weeks[0], last_week=weeks[-1], centre_id=filters.centre,
                      language=filters.language)
    if filters.topic:
        rows = [r for r in rows if catalogue.topic_of(r["lesson_id"]) == filters.topic]

    sums: dict[str, dict[str, dict[str, int]]] = {
        dim: {"s": defaultdict(int), "c": defaultdict(int)}
        for dim in ("week", "topic", "lesson", "language", "centre")}
    for r in rows:
        keys = {"week": r["week"], "topic": catalogue.topic_of(r["lesson_id"]),
                "lesson": r["lesson_id"], "language": r["language"], "centre": r["centre_id"]}
        for dim, key in keys.items():
            sums[dim]["s"][key] += r["starts"]
            sums[dim]["c"][key] += r["completions"]

    def table(dim: str, name: str, title: str, label: str, keys: list[str],
              labels: dict[str, str]) -> Table:
        return _two_columns(name, title, label, keys, labels, sums[dim]["s"], sums[dim]["c"])

    topics = sorted(set(catalogue.topics()) | set(sums["topic"]["s"]))
    if filters.topic:
        topics = [filters.topic]
    centres = store.centres()
    if filters.centre:
        centres = [c for c in centres if c.id == filters.centre]
    languages = [filters.language] if filters.language else list(LANGUAGE_NAMES)

    report = Report(
        filters=filters, first_week=weeks[0], last_week=weeks[-1],
        weeks=table("week", "weeks", "By week", "Week", weeks,
                    {w: week_label(w) for w in weeks}),
        topics=table("topic", "topics", "By topic", "Topic", topics,
                     {t: catalogue.topic_title(t) for t in topics}),
        lessons=_lessons_table(catalogue, topics, sums["lesson"]["s"], sums["lesson"]["c"]),
        languages=table("language", "languages", "By language", "Language", languages,
                        LANGUAGE_NAMES),
        centres=table("centre", "centres", "By centre", "Centre", [c.id for c in centres],
                      {c.id: c.name for c in centres}),
        funnel=Table("funnel", "Where learners stop", ["Step", "Reached"]),
        funnel_lesson=None, quiet=_quiet_table(store.kiosks(), today, quiet_days),
        lesson_choices=sorted(sums["lesson"]["s"]),
    )
    starts = sums["lesson"]["s"]
    lesson = filters.lesson or (max(starts, key=lambda k: (starts[k], k)) if starts else None)
    if lesson:
        report.funnel_lesson = lesson
        report.funnel = _funnel_table(store, lesson, report, filters)
    return report


def _lessons_table(catalogue: Catalogue, topics: list[str], starts: dict[str, int],
                   completions: dict[str, int]) -> Table:
    """Suppressed within each topic, because each topic's total is published in the topic table."""
    table = Table("lessons", "By lesson", ["Topic", "Lesson", "Started", "Finished"],
                  note="Hidden cells are chosen within each topic.")
    known = set(catalogue.lessons or {}) | set(starts)
    for topic in topics:
        lessons = sorted(lesson for lesson in known if catalogue.topic_of(lesson) == topic)
        started = protect([starts.get(k, 0) for k in lessons])
        finished = protect([completions.get(k, 0) for k in lessons])
        for lesson, s, f in zip(lessons, started, finished, strict=True):
            table.rows.append([catalogue.topic_title(topic), lesson, s, f])
    return table


def _funnel_table(store: Store, lesson: str, report: Report, filters: Filters) -> Table:
    funnels = store.reached(lesson, first_week=report.first_week, last_week=report.last_week,
                            centre_id=filters.centre, language=filters.language)
    table = Table("funnel", f"Where learners stop: {lesson}", ["Step", "Reached"])
    if not funnels:
        return table
    version = max(funnels)
    table.title += f" (version {version})"
    # Step counts overlap (everyone at step 3 also reached step 2): they are not parts of a total,
    # so the primary rule is the one that applies.
    table.rows = [[str(i + 1), primary(count)] for i, count in enumerate(funnels[version])]
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
