"""The auditor: plays the attacker against the real server; no small cell may be worked out.

Generated data with known truth (three centres, four kiosks, four languages, the eight shipped
lessons, several days in each of the last five ended months, many small cells) goes in through
the real API as signed uploads on loopback. Releases are made in two rounds, with late batches and
profile deletions (lower counts, higher revision) for already released days between them. The
auditor then fetches EVERY figure the server shows — the dashboard page for every period and every
funnel lesson, and every table's CSV under the same choices, in both rounds — and turns each shown
figure into a linear equation on the true micro-cells (per month: starts and completions per
centre, language and lesson; learners reaching each step per lesson). It adds what an attacker
knows of the structure (counts are at least 0; the true order of finished and started in every
micro-cell, of each funnel step and the one before, of the first step and the lesson's starts, of
the last step and its completions), and for every true cell of 1-4 in any released table asks
HiGHS for the smallest and largest value it could hold, twice: as a linear programme (counts as
real numbers) and as an integer programme (every micro-cell a whole number, solved to proven
optimality; a solve that is not proven fails the test). Neither interval may be narrower than the
protection level: [max(0, v - 3), v + 3].

A second test runs the same auditor on a deliberately leaky release (only the primary rule) built
from the same truth, and shows it finds pinned cells, so the first test can fail, and that the
integer attacker pins every cell the linear one does.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import math
import random
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
import pytest
from scipy.optimize import Bounds as ScipyBounds
from scipy.optimize import LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix, vstack
from scipy.sparse.csgraph import connected_components

from kiosk.server.catalogue import Catalogue
from kiosk.server.passwords import hash_password
from kiosk.server.releases import quarter_months
from kiosk.server.reports import LANGUAGE_NAMES
from tests.server.conftest import (
    RunningServer,
    body_of,
    run_cli,
    start_server,
    stop_server,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # 6 min on 2 cores loaded 3x over
EMAIL, PASSWORD = "auditor@example.org", "a long passphrase"
LANGS = list(LANGUAGE_NAMES)
CENTRES = {"Wanhua Community Centre": 2, "Beitou Library": 1, "Daan Elders Club": 1}
STEPS = Catalogue.guess().steps  # each lesson's funnel is as long as its shipped file says
SUPPRESSED = "–"


def ended_months(today: dt.date, n: int) -> list[str]:
    months, day = [], today.replace(day=1)
    for _ in range(n):
        day = (day - dt.timedelta(days=1)).replace(day=1)
        months.append(f"{day:%Y-%m}")
    return months[::-1]


def month_days(month: str) -> list[str]:
    first = dt.date.fromisoformat(month + "-01")
    return [(first + dt.timedelta(days=d)).isoformat() for d in range(28)]


def quarter_of(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"


# --- the kiosks, as the truth ----------------------------------------------------------------
@dataclass
class Kiosks:
    """What every kiosk holds, key by key, and what it sends."""

    server: RunningServer
    lessons: list[str]
    rnd: random.Random = field(default_factory=lambda: random.Random(20261202))
    kiosks: dict[str, tuple[Any, str]] = field(default_factory=dict)  # id -> (kiosk, centre)
    state: dict[tuple[str, str, str, str], dict[str, Any]] = field(default_factory=dict)

    def enrol_all(self) -> None:
        for centre, n in CENTRES.items():
            for _ in range(n):
                kiosk = self.server.enrol(centre)
                self.kiosks[kiosk.id] = (kiosk, centre)

    def activity(self, months: list[str]) -> None:
        """Several days a month on every kiosk, a few lessons a day, small counts."""
        for kiosk_id in self.kiosks:
            items = []
            for month in months:
                for day in self.rnd.sample(month_days(month), 3):
                    for lesson in self.rnd.sample(self.lessons, 2):
                        items.append(self.set(kiosk_id, day, lesson, self.rnd.choice(LANGS),
                                              self.rnd.randint(1, 3)))
            self.send(kiosk_id, items)

    def set(self, kiosk_id: str, day: str, lesson: str, lang: str, starts: int,
            finished: int | None = None) -> dict[str, Any]:
        key = (kiosk_id, day, lesson, lang)
        old = self.state.get(key)
        if finished is None:
            finished = self.rnd.randint(0, starts)
        reached = [starts]
        for _ in range(STEPS[lesson] - 1):
            reached.append(max(finished, reached[-1] - self.rnd.randint(0, 1)))
        row = {"day": day, "lesson_id": lesson, "lesson_version": 1, "language": lang,
               "revision": (old["revision"] + 1) if old else 1, "starts": starts,
               "completions": finished, "reached": reached}
        self.state[key] = row
        return row

    def send(self, kiosk_id: str, items: list[dict[str, Any]]) -> None:
        kiosk, _ = self.kiosks[kiosk_id]
        unique = list({(i["day"], i["lesson_id"], i["language"]): i for i in items}.values())
        for start in range(0, len(unique), 400):
            body = body_of({"batch_id": str(uuid.uuid4()), "kiosk_id": kiosk_id,
                            "items": unique[start:start + 400]})
            response = self.server.upload(kiosk, body)
            assert response.status_code == 200, response.text

    def late_and_deleted(self, month: str) -> None:
        """New figures for days of a released month, and profile deletions (counts fall)."""
        for kiosk_id in self.kiosks:
            items = []
            for day in self.rnd.sample(month_days(month), 2):
                lesson, lang = self.rnd.choice(self.lessons), self.rnd.choice(LANGS)
                if (kiosk_id, day, lesson, lang) not in self.state:
                    items.append(self.set(kiosk_id, day, lesson, lang, self.rnd.randint(1, 3)))
            mine = [k for k in self.state if k[0] == kiosk_id and k[1].startswith(month)
                    and self.state[k]["starts"] > 1]
            for key in self.rnd.sample(mine, min(2, len(mine))):
                row = self.state[key]
                items.append(self.set(kiosk_id, key[1], key[2], key[3], row["starts"] - 1,
                                      min(row["completions"], row["starts"] - 1)))
            self.send(kiosk_id, items)

    def cumulative(self, month: str) -> tuple[dict[Any, list[int]], dict[Any, int]]:
        """All-time counts for days up to the month's end, per (centre, language, lesson)."""
        cells: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
        funnel: dict[Any, int] = defaultdict(int)
        end = month_days(month)[-1][:7]
        for (kiosk_id, day, lesson, lang), row in self.state.items():
            if day[:7] <= end:
                cell = cells[(self.kiosks[kiosk_id][1], lang, lesson)]
                cell[0] += row["starts"]
                cell[1] += row["completions"]
                for k, n in enumerate(row["reached"]):
                    funnel[(lesson, k)] += n
        return cells, funnel


# --- collecting every figure the server shows ------------------------------------------------
Figure = tuple[str, str, str, str]  # period, table, row label, measure


def log_in(server: RunningServer) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=120)
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                       "csrf": token.group(1)}).status_code == 303
    return client


def _tables_in(page: str) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for name, body in re.findall(r'<section class="card" id="(\w+)">(.*?)</section>', page, re.S):
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                         for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)])
        out[name] = rows
    return out


def _figures(period: str, table: str, rows: list[list[str]], lesson: str | None,
             titles: dict[str, str], previous: dict[str, str] | None = None
             ) -> dict[Figure, str]:
    """Shown figures of one table (header row first), keyed by what they count.

    ``previous``: the label of the previous period's row in "total" -> that period."""
    if not rows:
        return {}
    header, out = rows[0], {}
    for row in rows[1:]:
        # CSV neutralisation; the page groups thousands ("1,234") the way its language does
        row = [(c[1:] if c.startswith("'") else c) for c in row]
        row = [c.replace(",", "") if re.fullmatch(r"[\d,]+", c) else c for c in row]
        if table == "funnel":
            out[(period, "funnel", f"{lesson}:{row[0]}", "reached")] = row[1]
        elif table == "total" and row[0] != "All":  # the previous period, from its release
            before = (previous or {})[row[0]]
            out[(before, table, "All", "started")] = row[1]
            out[(before, table, "All", "finished")] = row[2]
        elif table == "stops":  # the two funnel cells the step where most stop rests on
            if row[1].isdigit():
                out[(period, "funnel", f"{titles[row[0]]}:{row[1]}", "reached")] = row[3]
                out[(period, "funnel", f"{titles[row[0]]}:{int(row[1]) + 1}", "reached")] = row[4]
        elif table in ("total", "topics", "languages", "centres", "trend"):
            out[(period, table, row[0], "started")] = row[1]
            out[(period, table, row[0], "finished")] = row[2]
        elif table == "lessons":
            out[(period, table, titles[row[1]], "started")] = row[2]
            out[(period, table, titles[row[1]], "finished")] = row[3]
    assert header, table
    return out


def _counts(tables: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    """Each table's counts, rates and "–" cells, in place, whatever language labels them."""
    return {name: [[c.replace(",", "") for c in row if re.fullmatch(r"[\d,]+%?|–", c)]
                   for row in rows[1:]] for name, rows in tables.items() if name != "quiet"}


def collect(client: httpx.Client, titles: dict[str, str]) -> tuple[list[str], dict[Figure, str]]:
    """Every figure on every page and in every CSV, each source checked against the others.

    The figures are keyed by the English labels; the same page and CSVs in Taiwan Chinese (the
    default) must show exactly the same cells in the same places."""
    client.cookies.set("lang", "en")
    first = client.get("/dashboard")
    assert first.status_code == 200, first.text
    chosen = re.search(r'<select name="period">(.*?)</select>', first.text, re.S)
    assert chosen
    options = re.findall(r'<option value="(\d{4}-(?:Q\d|\d\d))"[^>]*>([^<]*)<', chosen.group(1))
    periods = [code for code, _ in options]
    previous = {f"Previous period: {html.unescape(label)}": code for code, label in options}
    seen: dict[Figure, str] = {}

    def add(figures: dict[Figure, str], source: str) -> None:
        for key, value in figures.items():
            assert seen.setdefault(key, value) == value, (key, value, seen[key], source)

    for period in periods:
        page = client.get("/dashboard", params={"period": period}).text
        select = re.search(r'<select name="lesson">(.*?)</select>', page, re.S)
        lessons = re.findall(r'<option value="([a-z0-9-]+)"', select.group(1)) if select else []
        for lesson in lessons or [None]:
            params = {"period": period, **({"lesson": lesson} if lesson else {})}
            page = client.get("/dashboard", params=params)
            assert page.status_code == 200
            # The charts draw from the tables: every value on a chart is a figure of the page.
            charted = re.findall(r'<text class="value"[^>]*>([^<]*)</text>', page.text)
            tabled = {c for rows in _tables_in(page.text).values() for r in rows for c in r}
            assert charted and set(map(html.unescape, charted)) <= tabled, params
            chinese = client.get("/dashboard", params={**params, "lang": "zh_Hant_TW"})
            client.cookies.set("lang", "en")
            assert '<html lang="zh-Hant-TW">' in chinese.text, params
            assert _counts(_tables_in(chinese.text)) == _counts(_tables_in(page.text)), params
            for table, rows in _tables_in(page.text).items():
                if table != "quiet":
                    add(_figures(period, table, rows, lesson, titles, previous), f"page {params}")
                for lang in ("zh_Hant_TW", "en"):
                    response = client.get(f"/dashboard/{table}.csv",
                                          params={**params, "lang": lang})
                    assert response.status_code == 200
                    lines = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
                    csv_rows = lines[lines.index([]) + 1:]  # after what the file holds
                    if table == "quiet":
                        continue
                    if lang == "en":
                        add(_figures(period, table, csv_rows, lesson, titles, previous),
                            f"csv {params}")
                    else:
                        assert (_counts({table: csv_rows})
                                == _counts({table: [[""], *rows[1:]]})), (table, params)
    return periods, seen


# --- the attacker's linear programme -----------------------------------------------------------
@dataclass
class Model:
    """Variables: the true micro-cells of every released month."""

    truth: list[int] = field(default_factory=list)
    index: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def add(self, key: tuple[Any, ...], value: int) -> None:
        self.index[key] = len(self.truth)
        self.truth.append(value)


@dataclass
class CellBounds:
    """What the two attackers can work out about one true cell of 1-4."""

    figure: Figure
    value: int
    lp: tuple[float, float]  # linear programme: counts as real numbers
    ip: tuple[float, float]  # integer programme: counts as whole numbers
    exact: tuple[bool, bool] = (True, True)  # False: that ip end is a table's value, not optimal


def below_level(value: int, lo: float, hi: float) -> bool:
    """Is [lo, hi], rounded inward to whole numbers, narrower than [max(0, v - 3), v + 3]?"""
    return math.ceil(lo - 1e-6) > max(0, value - 3) or (
        not math.isinf(hi) and math.floor(hi + 1e-6) < value + 3)


@dataclass
class Audit:
    cells: list[CellBounds]
    seconds: tuple[float, float]  # LP, MILP
    integral_lp: int  # interval ends where the LP's optimum was already a whole-number table
    solved: int  # interval ends solved as a MILP
    by_witness: int  # interval ends shown to reach the level by a whole-number table found before

    @property
    def checked(self) -> int:
        return len(self.cells)

    def failures(self, kind: str) -> list[CellBounds]:
        return [b for b in self.cells if below_level(b.value, *getattr(b, kind))]

    def narrowest(self, kind: str) -> CellBounds:
        """Of the cells whose two ends are optima (an end from a table found before is only a
        bound that reaches the level, which says nothing of how far beyond it goes)."""
        return min((b for b in self.cells if kind == "lp" or all(b.exact)),
                   key=lambda b: getattr(b, kind)[1] - getattr(b, kind)[0])

    def pinned(self, kind: str) -> list[CellBounds]:
        """Cells whose interval, rounded inward, holds one whole number: their true value."""
        return [b for b in self.cells if not math.isinf(getattr(b, kind)[1])
                and math.ceil(getattr(b, kind)[0] - 1e-6) == math.floor(getattr(b, kind)[1] + 1e-6)]

    def narrowed(self) -> list[CellBounds]:
        """Cells where whole numbers tell the attacker more than the LP interval rounded inward."""
        return [b for b in self.cells
                if (b.ip[0] > math.ceil(b.lp[0] - 1e-6) and b.exact[0])
                or (not math.isinf(b.lp[1]) and b.ip[1] < math.floor(b.lp[1] + 1e-6)
                    and b.exact[1])]


def release_truth(kiosks: Kiosks, periods: list[str], phase_of: dict[str, int],
                  states: list[dict[Any, Any]]) -> dict[str, tuple[dict[Any, list[int]],
                                                                   dict[Any, int]]]:
    """Each month's released micro-cells, by the documented rule: the growth of the all-time
    counts (as held when the month was released) since the months released before, never < 0."""
    months = sorted(p for p in periods if "-Q" not in p)
    released_cells: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    released_funnel: dict[Any, int] = defaultdict(int)
    out = {}
    for month in months:
        kiosks.state = states[phase_of[month]]
        cells, funnel = kiosks.cumulative(month)
        cube = {k: [max(0, cells[k][i] - released_cells[k][i]) for i in (0, 1)]
                for k in set(cells) | set(released_cells)}
        fcube = {k: max(0, funnel[k] - released_funnel[k])
                 for k in set(funnel) | set(released_funnel)}
        for k, v in cube.items():
            released_cells[k][0] += v[0]
            released_cells[k][1] += v[1]
        for fk, n in fcube.items():
            released_funnel[fk] += n
        out[month] = (cube, fcube)
    kiosks.state = states[-1]
    return out


def build_model(cubes: dict[str, Any], lessons: list[str]) -> Model:
    model = Model()
    for month, (cube, fcube) in cubes.items():
        for c in CENTRES:
            for g in LANGS:
                for lesson in lessons:
                    s, f = cube.get((c, g, lesson), [0, 0])
                    model.add((month, "s", c, g, lesson), s)
                    model.add((month, "f", c, g, lesson), f)
        for lesson in lessons:
            for k in range(STEPS[lesson]):
                model.add((month, "r", lesson, k), fcube.get((lesson, k), 0))
    return model


def cell_variables(model: Model, figure: Figure, catalogue: Catalogue,
                   labels: dict[str, str]) -> list[int]:
    """The micro-cells a figure adds up, from what its label says."""
    period, table, row, measure = figure
    if table == "trend":
        month = next(m for m in {k[0] for k in model.index}
                     if dt.date.fromisoformat(m + "-01").strftime("%B %Y") == row)
        period, table, row = month, "total", "All"
    months = ([f"{period[:4]}-{3 * (int(period[6:]) - 1) + i:02d}" for i in (1, 2, 3)]
              if "-Q" in period else [period])
    if table == "funnel":
        lesson, step = row.rsplit(":", 1)
        return [model.index[(m, "r", lesson, int(step) - 1)] for m in months]
    code = "s" if measure == "started" else "f"
    out = []
    for key, var in model.index.items():
        if key[0] not in months or key[1] != code:
            continue
        _, _, c, g, lesson = key
        if ((table == "total")
                or (table == "topics" and catalogue.topic_title(catalogue.topic_of(lesson)) == row)
                or (table == "lessons" and lesson == row)
                or (table == "languages" and labels[g] == row)
                or (table == "centres" and c == row)):
            out.append(var)
    return out


Rows = list[dict[int, float]]


def structure(model: Model, lessons: list[str]) -> tuple[Rows, Rows]:
    """What the attacker knows of the data: each relation in the order true of the data."""
    truth = model.truth
    eq, ub = [], []

    def relate(left: list[int], right: list[int]) -> None:
        a, b = sum(truth[v] for v in left), sum(truth[v] for v in right)
        row: dict[int, float] = defaultdict(float)
        for v in left:
            row[v] += 1
        for v in right:
            row[v] -= 1
        if a == b:
            eq.append(row)
        else:
            ub.append(row if a < b else {k: -x for k, x in row.items()})

    for month in {k[0] for k in model.index}:
        for c in CENTRES:
            for g in LANGS:
                for lesson in lessons:
                    relate([model.index[(month, "f", c, g, lesson)]],
                           [model.index[(month, "s", c, g, lesson)]])
        for lesson in lessons:
            r = [model.index[(month, "r", lesson, k)] for k in range(STEPS[lesson])]
            for k in range(1, STEPS[lesson]):
                relate([r[k]], [r[k - 1]])
            for code, k in (("s", 0), ("f", STEPS[lesson] - 1)):
                relate([r[k]], [model.index[(month, code, c, g, lesson)]
                                for c in CENTRES for g in LANGS])
    return eq, ub


def matrix(rows: list[dict[int, float]], n: int) -> csr_matrix:
    data, ri, ci = [], [], []
    for r, row in enumerate(rows):
        for c, x in row.items():
            ri.append(r)
            ci.append(c)
            data.append(x)
    return csr_matrix((data, (ri, ci)), shape=(len(rows), n))


class Parts:
    """The attacker's system split into parts that share no variable and no constraint.

    Months of different quarters share nothing, so a cell's min and max over the whole system
    are its min and max over the parts its variables are in: the other parts only need to be
    solvable, which the truth shows they are. Solving the small system is the same answer, faster.
    """

    def __init__(self, a_eq: csr_matrix, b_eq: np.ndarray, a_ub: csr_matrix) -> None:
        self.a_eq, self.b_eq, self.a_ub = a_eq, b_eq, a_ub
        both = vstack([a_eq, a_ub], format="csr")
        both.data[:] = 1
        _, self.part = connected_components(both.T @ both, directed=False)
        self.cache: dict[frozenset[int], tuple[Any, ...]] = {}

    def around(self, variables: list[int]) -> tuple[csr_matrix, np.ndarray, csr_matrix,
                                                    np.ndarray]:
        """The parts the variables are in: their equations, inequalities and columns (sorted)."""
        key = frozenset(int(self.part[v]) for v in variables)
        if key not in self.cache:
            keep = np.isin(self.part, list(key))
            columns = np.flatnonzero(keep)

            def rows(a: csr_matrix) -> np.ndarray:
                # every row lies in one part: a row with a kept column is wholly kept
                return np.flatnonzero(np.asarray(a[:, columns].getnnz(axis=1)) > 0)

            eq, ub = rows(self.a_eq), rows(self.a_ub)
            self.cache[key] = (self.a_eq[eq][:, columns], self.b_eq[eq],
                               self.a_ub[ub][:, columns], columns)
        a_eq, b_eq, a_ub, columns = self.cache[key]
        return a_eq, b_eq, a_ub, columns


def run_audit(model: Model, lessons: list[str], cells: dict[Figure, list[int]],
              shown: dict[Figure, int]) -> Audit:
    """For every figure whose true value is 1-4, the attacker's min and max, by LP and by MILP.

    The integer end is found exactly for every cell and both ends. Its interval lies inside the
    LP's but can be narrower than the LP's rounded inward, by any amount, so no LP interval,
    however wide, proves the integer one wide enough; only these shortcuts are taken, each exact:
    where the LP's optimal table is already whole numbers (checked exactly), the integer optimum
    is the same (it can be no better than the LP's, and that table attains it); where the LP
    maximum is unbounded, so is the integer one (the data are whole numbers and the truth is a
    whole-number solution: Meyer, 1974). Every other end is a MILP solved to proven optimality.
    Each cell is solved over the parts of the system its variables are in (see Parts)."""
    n = len(model.truth)
    eq, ub = structure(model, lessons)
    b_eq = [0.0] * len(eq)
    for figure, value in shown.items():
        eq.append({v: 1.0 for v in cells[figure]})
        b_eq.append(float(value))
    a_eq, a_ub = matrix(eq, n), matrix(ub, n)
    parts = Parts(a_eq, np.asarray(b_eq), a_ub)
    out, lp_seconds, ip_seconds, integral_lp, solved, by_witness = [], 0.0, 0.0, 0, 0, 0
    # Whole-number tables fitting every figure, per part: found by the LP or the MILP.
    witnesses: dict[int, list[np.ndarray]] = {}
    for figure, variables in cells.items():
        value = sum(model.truth[v] for v in variables)
        if not 1 <= value <= 4:
            continue
        a_eq, b_eq, a_ub, columns = parts.around(variables)
        ub = range(a_ub.shape[0])
        constraints = [LinearConstraint(a_eq, b_eq, b_eq)]
        if ub:
            constraints.append(LinearConstraint(a_ub, -np.inf, 0))
        objective = np.zeros(len(columns))
        objective[np.searchsorted(columns, variables)] = 1
        lp, ip, exact = [], [], [True, True]
        for sign in (1, -1):
            started = time.perf_counter()
            result = linprog(sign * objective, A_ub=a_ub, b_ub=np.zeros(len(ub)), A_eq=a_eq,
                             b_eq=b_eq, bounds=(0, None), method="highs")
            lp_seconds += time.perf_counter() - started
            assert result.status in (0, 3), result.message  # 2 would mean the figures lie
            lp.append(math.inf if result.status == 3 else sign * result.fun)
            if result.status == 3:
                ip.append(math.inf)
                continue
            started = time.perf_counter()
            whole = whole_solution(result.x, a_eq, b_eq, a_ub)
            tables = witnesses.setdefault(id(a_eq), [])
            reached = [sign * (sign * objective) @ t for t in tables]
            # the end the level asks for: max(0, v - 3) below, v + 3 above
            enough = [r for r in reached if sign * r <= sign * (max(0, value - 3) if sign > 0
                                                                 else value + 3)]
            if whole is not None:  # the LP's optimum is a whole-number table: it is the MILP's
                ip.append(sign * (sign * objective) @ whole)
                tables.append(whole)
                integral_lp += 1
            elif enough:  # a whole-number table found before already reaches the level
                ip.append(enough[0])
                exact[sign < 0] = False
                by_witness += 1
            else:
                optimum, table = whole_number_optimum(sign * objective, constraints, a_eq, b_eq,
                                                      a_ub, figure)
                ip.append(sign * optimum)
                tables.append(table)
                solved += 1
            ip_seconds += time.perf_counter() - started
        bounds = CellBounds(figure, value, (lp[0], lp[1]), (ip[0], ip[1]), (exact[0], exact[1]))
        # The integer attacker knows more, never less, and never rules out the truth.
        assert math.ceil(lp[0] - 1e-6) <= ip[0] <= value <= ip[1], bounds
        assert math.isinf(lp[1]) or ip[1] <= math.floor(lp[1] + 1e-6), bounds
        out.append(bounds)
    return Audit(out, (lp_seconds, ip_seconds), integral_lp, solved, by_witness)


def whole_solution(x: np.ndarray, a_eq: csr_matrix, b_eq: np.ndarray,
                   a_ub: csr_matrix) -> np.ndarray | None:
    """``x`` as whole numbers if it is one (to HiGHS's tolerance) and, rounded, fits every
    constraint exactly; else None."""
    whole = np.round(x)
    if (np.abs(x - whole).max() < 1e-6 and whole.min() >= 0
            and np.array_equal(a_eq @ whole, b_eq) and (a_ub @ whole <= 0).all()):
        return whole
    return None


MILP_SECONDS = 60  # per solve; reaching it fails the test rather than passing unproven


def whole_number_optimum(objective: np.ndarray, constraints: list[LinearConstraint],
                         a_eq: csr_matrix, b_eq: np.ndarray, a_ub: csr_matrix,
                         figure: Figure) -> tuple[int, np.ndarray]:
    """min objective·x over whole x >= 0, proven (HiGHS to a zero gap, then checked here), and
    a whole-number table that attains it."""
    result = milp(objective, integrality=np.ones(len(objective)),
                  bounds=ScipyBounds(0, np.inf), constraints=constraints,
                  options={"mip_rel_gap": 0, "time_limit": MILP_SECONDS})
    # 1 is the time limit: a bound not proven optimal proves nothing about the cell.
    assert result.status == 0, (figure, result.status, result.message)
    best = round(result.fun)
    # The objective is whole at whole x, so a dual bound above best - 1 proves best optimal.
    assert math.ceil(result.mip_dual_bound - 1e-6) == best, (figure, result.fun,
                                                             result.mip_dual_bound)
    x = whole_solution(result.x, a_eq, b_eq, a_ub)  # the witness: a table fitting every figure
    assert x is not None and objective @ x == best, figure
    return best, x


# --- the scenario ------------------------------------------------------------------------------
@dataclass
class Scenario:
    periods: list[str]
    before: dict[Figure, str]
    after: dict[Figure, str]
    model: Model
    lessons: list[str]
    cells: dict[Figure, list[int]]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    db = str(tmp_path_factory.mktemp("audit") / "server.db")
    # Round one: a server that releases nothing by itself; the manager releases up to a month.
    server = start_server(db, "--rate-limit", "100000", "--release-delay-days", "400")
    try:
        store = server.store()
        store.add_manager(EMAIL, hash_password(PASSWORD))
        store.close()
        catalogue = Catalogue.guess()
        lessons = catalogue.sort_lessons(catalogue.lessons)
        titles = {catalogue.lesson_title(x): x for x in lessons}
        kiosks = Kiosks(server, lessons)
        kiosks.enrol_all()
        today = dt.datetime.now(dt.UTC).date()
        months = ended_months(today, 5)
        kiosks.activity(months[:3])
        # Three months of linear programmes: 123 s measured on two shared, busy cores.
        released = run_cli("server", "release", "--month", months[2], "--db", db, timeout=900)
        assert released.returncode == 0, released.stderr
        states = [dict(kiosks.state)]
        client = log_in(server)
        periods_a, before = collect(client, titles)
        client.close()
        kiosks.late_and_deleted(months[1])
        kiosks.late_and_deleted(months[2])
        kiosks.activity(months[3:])
        states.append(dict(kiosks.state))
        stop_server(server)
        # Round two: the usual server, which releases every ended month when a page is viewed.
        server = kiosks.server = start_server(db, "--rate-limit", "100000",
                                              "--release-delay-days", "0")
        client = log_in(server)  # its first view releases the rest
        periods, after = collect(client, titles)
        client.close()
        phase_of = {p: 0 if p in periods_a else 1 for p in periods}
        cubes = release_truth(kiosks, periods, phase_of, states)
        model = build_model(cubes, lessons)
        labels = {**LANGUAGE_NAMES, "all": "All"}
        cells = {}
        for figure in after:
            cells[figure] = cell_variables(model, figure, catalogue, labels)
        yield Scenario(periods, before, after, model, lessons, cells)
    finally:
        stop_server(server)


def test_releases_are_kept_and_follow_the_documented_rule(scenario: Scenario) -> None:
    assert len([p for p in scenario.periods if "-Q" not in p]) >= 5
    assert any("-Q" in p for p in scenario.periods)
    # Nothing published in the first round changed after late batches and deletions.
    for figure, value in scenario.before.items():
        assert scenario.after[figure] == value, figure
    for figure, shown in scenario.after.items():
        truth = sum(scenario.model.truth[v] for v in scenario.cells[figure])
        if 1 <= truth <= 4:
            assert shown == SUPPRESSED, (figure, truth)  # primary rule
        if shown != SUPPRESSED:
            assert shown == str(truth), (figure, shown, truth)  # the rule in releases.py
    # Every shipped lesson under its own topic: nothing falls into "Other".
    topics = {f[2] for f in scenario.after if f[1] == "topics"}
    assert topics == {"Mobile payment", "Telehealth", "Spotting false information", "Other"}
    assert {v for f, v in scenario.after.items() if f[1:3] == ("topics", "Other")} == {"0"}
    # Which rows and funnels a release lists never depends on the figures.
    def release_rows(period: str) -> set[tuple[str, str, str]]:
        return {f[1:] for f in scenario.after if f[0] == period and f[1] != "trend"}

    for period in scenario.periods:
        assert release_rows(period) == release_rows(scenario.periods[0])
    # The trend beside a period: every released month up to the period's end (a year at most),
    # whatever their figures.
    months = sorted(p for p in scenario.periods if "-Q" not in p)
    for period in scenario.periods:
        end = quarter_months(period)[-1] if "-Q" in period else period
        expected = [m for m in months if m <= end][-12:]
        shown = {f[2] for f in scenario.after if f[0] == period and f[1] == "trend"}
        assert shown == {dt.date.fromisoformat(m + "-01").strftime("%B %Y") for m in expected}


def summary(audit: Audit) -> str:
    """Both attackers' figures, for the closing note."""
    lines = []
    for kind, name in (("lp", "LP (real numbers)"), ("ip", "MILP (whole numbers)")):
        narrowest = audit.narrowest(kind)
        lo, hi = getattr(narrowest, kind)
        lines.append(f"  {name}: narrowest interval {narrowest.value} in [{lo:g}, {hi:g}] "
                     f"({narrowest.figure}); {len(audit.failures(kind))} below the protection "
                     f"level, {len(audit.pinned(kind))} pinned; "
                     f"{audit.seconds[kind == 'ip']:.1f} s")
    ends = sum((b.ip[0] > b.lp[0] + 1e-6 and b.exact[0]) + (b.ip[1] < b.lp[1] - 1e-6 and b.exact[1])
               for b in audit.cells)
    lines.append(f"  integer ends: {audit.integral_lp} where the LP's optimum was already whole "
                 f"numbers, {audit.solved} solved as MILPs to proven optimality, "
                 f"{audit.by_witness} reaching the level in a whole-number table found before")
    lines.append(f"  the MILP narrowed {len(audit.narrowed())} of {audit.checked} cells beyond the "
                 f"LP interval rounded inward ({ends} interval ends beyond the LP's real ends)")
    return "\n".join(lines)


def test_the_attacker_recovers_no_small_cell(scenario: Scenario) -> None:
    shown = {f: int(v) for f, v in scenario.after.items() if v != SUPPRESSED}
    audit = run_audit(scenario.model, scenario.lessons, scenario.cells, shown)
    total = len(scenario.after)
    suppressed = total - len(shown)
    print(f"\nAUDITOR: {total} figures shown over {len(scenario.periods)} releases, "
          f"{suppressed} suppressed ({100 * suppressed / total:.0f} %); {audit.checked} true "
          f"cells of 1-4 checked, each by LP and by MILP\n{summary(audit)}")
    assert audit.checked > 50
    assert not audit.failures("lp"), audit.failures("lp")[:5]
    assert not audit.failures("ip"), audit.failures("ip")[:5]


def test_the_auditor_catches_a_leaky_release(scenario: Scenario) -> None:
    """The same figures with only the primary rule (every other cell shown) leak, and the
    integer attacker pins every cell the LP one pins, and no fewer."""
    leaky = {}
    for figure, variables in scenario.cells.items():
        value = sum(scenario.model.truth[v] for v in variables)
        if not 1 <= value <= 4:
            leaky[figure] = value
    audit = run_audit(scenario.model, scenario.lessons, scenario.cells, leaky)
    exact = [b for b in audit.cells if abs(b.lp[1] - b.lp[0]) < 1e-6]
    print(f"\nLEAKY (primary rule only): {audit.checked} small cells; {len(exact)} pinned by the "
          f"LP's real interval\n{summary(audit)}")
    assert audit.failures("lp") and exact
    figures = {kind: {b.figure for b in audit.pinned(kind)} for kind in ("lp", "ip")}
    assert {b.figure for b in exact} <= figures["lp"] <= figures["ip"]
    assert ({b.figure for b in audit.failures("lp")}
            <= {b.figure for b in audit.failures("ip")})
