"""Where releases are kept: the published cells, and the frozen micro-cells they were made from.

New tables only (``CREATE TABLE IF NOT EXISTS``, made on first use), so they need no schema
version of their own. A release is written in one transaction and never updated: a second writer
of the same period finds the ``releases`` row taken and its whole write is rolled back.
"""

from __future__ import annotations

import json
import weakref
from collections import defaultdict
from dataclasses import dataclass, field

from kiosk.server.storage.backend import split_script
from kiosk.server.storage.store import Store

DDL = """
CREATE TABLE IF NOT EXISTS releases (
    period TEXT PRIMARY KEY,               -- "2026-11" or "2026-Q4"
    kind TEXT NOT NULL,                    -- "month" or "quarter"
    made_day TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS release_cube (  -- a month's micro-cells, frozen when it was released
    period TEXT NOT NULL,
    centre_id TEXT NOT NULL,
    language TEXT NOT NULL,
    lesson_id TEXT NOT NULL,
    starts BIGINT NOT NULL,
    completions BIGINT NOT NULL,
    PRIMARY KEY (period, centre_id, language, lesson_id)
);
CREATE TABLE IF NOT EXISTS release_funnel (
    period TEXT NOT NULL,
    lesson_id TEXT NOT NULL,
    step INTEGER NOT NULL,                 -- 0-based step index
    reached BIGINT NOT NULL,
    PRIMARY KEY (period, lesson_id, step)
);
CREATE TABLE IF NOT EXISTS release_cells (  -- every cell of every table, shown or suppressed
    period TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_key TEXT NOT NULL,
    measure TEXT NOT NULL,
    position INTEGER NOT NULL,
    value BIGINT NOT NULL,
    shown INTEGER NOT NULL,
    PRIMARY KEY (period, table_name, row_key, measure)
);
CREATE TABLE IF NOT EXISTS release_audits (  -- the release's own attacker check, when made
    period TEXT PRIMARY KEY,
    checked INTEGER NOT NULL,              -- cells of 1-4 whose interval was worked out
    narrowest_value INTEGER,               -- the cell with the narrowest interval (NULL: none)
    narrowest_low INTEGER,
    narrowest_high INTEGER,                -- NULL: no upper bound
    failures INTEGER NOT NULL              -- cells narrower than the protection level
)
"""

CubeKey = tuple[str, str, str]  # centre id, language, lesson id
FunnelKey = tuple[str, int]  # lesson id, step index


@dataclass
class Cube:
    """Starts and completions per (centre, language, lesson); learners reaching each step."""

    cells: dict[CubeKey, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    funnel: dict[FunnelKey, int] = field(default_factory=lambda: defaultdict(int))


@dataclass(frozen=True)
class StoredCell:
    table: str
    row: str
    measure: str
    position: int
    value: int
    shown: bool


@dataclass(frozen=True)
class ReleaseAudit:
    """What the attacker's check found when a release was made (:func:`kiosk.server.suppression.
    audit`): the intervals rounded inwards to whole numbers, as an attacker would."""

    checked: int
    narrowest: tuple[int, int, int | None] | None  # (cell value, low, high or None: unbounded)
    failures: int


@dataclass(frozen=True)
class ReleaseEntry:
    period: str
    kind: str
    made_day: str
    audit: ReleaseAudit | None


_ready: weakref.WeakSet[Store] = weakref.WeakSet()  # stores whose release tables exist


def _ensure(store: Store) -> None:
    if store not in _ready:
        store.backend.run_script(list(split_script(DDL)))
        _ready.add(store)


def cumulative(store: Store, *, last_day: str) -> Cube:
    """Everything counted for days up to ``last_day``, as the counters stand now (every counter
    row of a key is summed, whatever else keys it)."""
    cube = Cube()
    with store.backend.transaction() as tx:
        rows = tx.query("SELECT k.centre_id, c.language, c.lesson_id, c.starts, c.completions, "
                        "c.reached FROM counters c JOIN kiosks k ON k.id = c.kiosk_id "
                        "WHERE c.day <= ?", [last_day])
    for r in rows:
        cell = cube.cells[(r["centre_id"], r["language"], r["lesson_id"])]
        cell[0] += int(r["starts"])
        cell[1] += int(r["completions"])
        for step, count in enumerate(json.loads(r["reached"])):
            cube.funnel[(r["lesson_id"], step)] += int(count)
    return cube


def first_counter_day(store: Store) -> str | None:
    with store.backend.transaction() as tx:
        rows = tx.query("SELECT MIN(day) AS day FROM counters")
    return rows[0]["day"] if rows and rows[0]["day"] else None


def released_cube(store: Store, periods: list[str]) -> Cube:
    """The sum of the frozen cubes of the given month releases."""
    _ensure(store)
    cube = Cube()
    if not periods:
        return cube
    marks = ", ".join("?" for _ in periods)
    with store.backend.transaction() as tx:
        cells = tx.query("SELECT centre_id, language, lesson_id, starts, completions FROM "
                         f"release_cube WHERE period IN ({marks})", periods)
        funnel = tx.query("SELECT lesson_id, step, reached FROM release_funnel "
                          f"WHERE period IN ({marks})", periods)
    for r in cells:
        cell = cube.cells[(r["centre_id"], r["language"], r["lesson_id"])]
        cell[0] += int(r["starts"])
        cell[1] += int(r["completions"])
    for r in funnel:
        cube.funnel[(r["lesson_id"], int(r["step"]))] += int(r["reached"])
    return cube


def released_periods(store: Store) -> dict[str, str]:
    """Every release made, period -> kind."""
    _ensure(store)
    with store.backend.transaction() as tx:
        rows = tx.query("SELECT period, kind FROM releases")
    return {r["period"]: r["kind"] for r in rows}


def release_cells(store: Store, period: str) -> list[StoredCell]:
    _ensure(store)
    with store.backend.transaction() as tx:
        rows = tx.query("SELECT table_name, row_key, measure, position, value, shown FROM "
                        "release_cells WHERE period = ? ORDER BY position", [period])
    return [StoredCell(r["table_name"], r["row_key"], r["measure"], int(r["position"]),
                       int(r["value"]), bool(r["shown"])) for r in rows]


def release_log(store: Store) -> list[ReleaseEntry]:
    """Every release made, newest made first, with its audit (None for releases made before
    audits were kept)."""
    _ensure(store)
    with store.backend.transaction() as tx:
        rows = tx.query("SELECT r.period, r.kind, r.made_day, a.checked, a.narrowest_value, "
                        "a.narrowest_low, a.narrowest_high, a.failures FROM releases r "
                        "LEFT JOIN release_audits a ON a.period = r.period "
                        "ORDER BY r.made_day DESC, r.period DESC")
    out = []
    for r in rows:
        audit = None
        if r["checked"] is not None:
            narrowest = None if r["narrowest_value"] is None else (
                int(r["narrowest_value"]), int(r["narrowest_low"]),
                None if r["narrowest_high"] is None else int(r["narrowest_high"]))
            audit = ReleaseAudit(int(r["checked"]), narrowest, int(r["failures"]))
        out.append(ReleaseEntry(r["period"], r["kind"], r["made_day"], audit))
    return out


def save_release(store: Store, period: str, kind: str, *, made_day: str, cube: Cube | None,
                 cells: list[StoredCell], audit: ReleaseAudit | None = None) -> bool:
    """Write a release once; False if that period was already released (nothing written)."""
    _ensure(store)

    class _Taken(Exception):
        pass

    try:
        with store.backend.transaction() as tx:
            if not tx.execute("INSERT INTO releases (period, kind, made_day) VALUES (?, ?, ?) "
                              "ON CONFLICT DO NOTHING", [period, kind, made_day]):
                raise _Taken
            if cube is not None:
                for (centre, language, lesson), (starts, completions) in cube.cells.items():
                    if starts or completions:
                        tx.execute("INSERT INTO release_cube (period, centre_id, language, "
                                   "lesson_id, starts, completions) VALUES (?, ?, ?, ?, ?, ?)",
                                   [period, centre, language, lesson, starts, completions])
                for (lesson, step), reached in cube.funnel.items():
                    if reached:
                        tx.execute("INSERT INTO release_funnel (period, lesson_id, step, reached)"
                                   " VALUES (?, ?, ?, ?)", [period, lesson, step, reached])
            for c in cells:
                tx.execute("INSERT INTO release_cells (period, table_name, row_key, measure, "
                           "position, value, shown) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [period, c.table, c.row, c.measure, c.position, c.value, int(c.shown)])
            if audit is not None:
                value, low, high = audit.narrowest or (None, None, None)
                tx.execute("INSERT INTO release_audits (period, checked, narrowest_value, "
                           "narrowest_low, narrowest_high, failures) VALUES (?, ?, ?, ?, ?, ?)",
                           [period, audit.checked, value, low, high, audit.failures])
    except _Taken:
        return False
    return True
