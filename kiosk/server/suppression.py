"""Cell suppression by audit and repair: what an attacker can work out, found by linear programming.

A release is a set of linked tables whose cells are sums of *micro-cells* (the variables): one
month's starts and completions per centre, language and lesson, and its funnel per lesson and step.
An attacker who sees every shown cell knows, for each, that its variables add up to the value
shown; they also know every variable is at least 0 and the structure of the data (see
:class:`Relation`). For a cell to be safe, the smallest and largest values it could hold given all
that must be far apart: see :func:`protected`.

The rule (docs/PRIVACY.md):

1. Primary: every cell from 1 to 4 is suppressed. Zero is shown: "nobody" identifies nobody.
2. Secondary, audit and repair: for each cell from 1 to 4, find its minimum and maximum with
   scipy's HiGHS; while one is protected less than the protection level, suppress one more cell
   (the smallest of the shown cells that hold the failing end of the interval in place, found
   from the LP's dual values) and audit again. Suppressing a cell only removes a constraint, so
   a cell found safe stays safe, and every table an LP returned still fits: an end of a cell's
   interval that one of those tables already takes past the protection level is safe with no LP
   of its own, which saves most of them.

    >>> p = Problem(n_vars=3, truth=[4, 9, 12])
    >>> cells = [p.add_cell([0]), p.add_cell([1]), p.add_cell([2]), p.add_cell([0, 1, 2])]
    >>> sorted(protect(p))      # 4 = 25 - 9 - 12: one more cell must go, the smallest (9)
    [0, 1]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack

THRESHOLD = 5  # cells from 1 to THRESHOLD - 1 are sensitive
MARGIN = 3  # protection level: see protected()
SUPPRESSED = "–"  # every suppressed cell looks the same, whatever the reason


def is_sensitive(value: int) -> bool:
    return 1 <= value < THRESHOLD


def required_interval(value: int) -> tuple[int, int]:
    """The attacker's interval must reach at least this far on both sides.

    The larger of ±50 % of the value and ±3, kept at or above zero: for a cell of 1–4 that is
    [max(0, v - 3), v + 3], so a 4 must look as if it could be 1 (or less) and 7 (or more).

    >>> required_interval(1), required_interval(4)
    ((0, 4), (1, 7))
    """
    margin = max(MARGIN, math.ceil(value / 2))
    return max(0, value - margin), value + margin


@dataclass(frozen=True)
class Relation:
    """Something the attacker knows about the data besides the shown cells: ``sum(left)`` compared
    with ``sum(right)``. Only the comparison that holds in the data is used (``=``, ``<=`` or
    ``>=``), so the attacker is given the true order: finished against started, each funnel step
    against the one before, the first step against the lesson's starts."""

    left: tuple[int, ...]
    right: tuple[int, ...]


@dataclass
class Cell:
    variables: tuple[int, ...]
    value: int
    decidable: bool = True  # False: published earlier, its fate is fixed
    suppressed: bool = False  # for fixed cells: how it was published


@dataclass
class Problem:
    n_vars: int
    truth: Sequence[int]
    cells: list[Cell] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def add_cell(self, variables: Iterable[int], *, decidable: bool = True,
                 suppressed: bool = False) -> int:
        vs = tuple(sorted(set(variables)))
        self.cells.append(Cell(vs, sum(int(self.truth[v]) for v in vs), decidable, suppressed))
        return len(self.cells) - 1


class Attacker:
    """Every constraint the attacker has, as matrices for ``linprog``."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        n = problem.n_vars
        truth = np.asarray(problem.truth, dtype=float)
        ub_rows: list[dict[int, float]] = []
        eq_rows: list[dict[int, float]] = []
        for rel in problem.relations:
            a, b = truth[list(rel.left)].sum(), truth[list(rel.right)].sum()
            row: dict[int, float] = {}
            for v in rel.left:
                row[v] = row.get(v, 0.0) + 1.0
            for v in rel.right:
                row[v] = row.get(v, 0.0) - 1.0
            if a == b:
                eq_rows.append(row)  # left - right = 0
            elif a < b:
                ub_rows.append(row)  # left - right <= 0
            else:
                ub_rows.append({k: -x for k, x in row.items()})
        self.rel_eq = _matrix(eq_rows, n)
        self.rel_ub = _matrix(ub_rows, n)
        self.cells = _matrix([{v: 1.0 for v in c.variables} for c in problem.cells], n)
        self.values = np.array([float(c.value) for c in problem.cells])
        # Every solution the LPs return: each fits every constraint, and still does after more
        # cells are suppressed (that only removes constraints). See reaches().
        self._points = np.zeros((0, n))
        self._found = 0

    def _keep(self, x: np.ndarray) -> None:
        if self._found == self._points.shape[0]:  # grow by doubling: no copy per point
            grown = np.zeros((max(16, 2 * self._found), self.problem.n_vars))
            grown[:self._found] = self._points[:self._found]
            self._points = grown
        self._points[self._found] = x
        self._found += 1

    def reaches(self, target: Sequence[int]) -> tuple[float, float]:
        """The lowest and highest ``sum(target)`` among the solutions found so far.

        Each is a table that fits every constraint, so the LP's minimum is at most the first and
        its maximum at least the second: an end that already reaches the protection level needs
        no LP of its own (``nan`` while nothing is found yet)."""
        if not self._found:
            return math.nan, math.nan
        sums = self._points[:self._found][:, list(target)].sum(axis=1)
        return float(sums.min()), float(sums.max())

    def interval(self, target: Sequence[int], shown: Sequence[int],
                 sides: tuple[bool, bool] = (True, True)
                 ) -> tuple[float, float, list[int], list[int]]:
        """Smallest and largest ``sum(target)`` consistent with the shown cells (by index), and
        for each, the shown cells that bind it (non-zero dual value): suppressing one of those
        is what can widen the interval. A side not asked for (``sides``) is ``nan``."""
        shown = list(shown)
        a_eq = vstack([self.rel_eq, self.cells[shown]], format="csr")
        b_eq = np.concatenate([np.zeros(self.rel_eq.shape[0]), self.values[shown]])
        b_ub = np.zeros(self.rel_ub.shape[0])
        objective = np.zeros(self.problem.n_vars)
        objective[list(target)] = 1.0
        ends: list[float] = []
        binding: list[list[int]] = []
        skip = self.rel_eq.shape[0]
        for sign, wanted in zip((1.0, -1.0), sides, strict=True):
            if not wanted:
                ends.append(math.nan)
                binding.append([])
                continue
            result = linprog(sign * objective, A_ub=self.rel_ub if b_ub.size else None,
                             b_ub=b_ub if b_ub.size else None, A_eq=a_eq if b_eq.size else None,
                             b_eq=b_eq if b_eq.size else None, bounds=(0, None), method="highs")
            if result.status == 3:  # unbounded: nothing caps it
                ends.append(math.inf)
                binding.append([])
            elif result.status != 0:
                raise RuntimeError(f"suppression audit: the LP failed ({result.message})")
            else:
                ends.append(sign * float(result.fun))
                self._keep(result.x)
                duals = result.eqlin.marginals[skip:] if b_eq.size else []
                binding.append([shown[k] for k, d in enumerate(duals) if abs(d) > 1e-9])
        return ends[0], ends[1], binding[0], binding[1]


def _matrix(rows: list[dict[int, float]], n: int) -> csr_matrix:
    data, ri, ci = [], [], []
    for r, row in enumerate(rows):
        for c, x in row.items():
            ri.append(r)
            ci.append(c)
            data.append(x)
    return csr_matrix((data, (ri, ci)), shape=(len(rows), n))


def protected(value: int, interval: tuple[float, float]) -> bool:
    """Is an attacker's interval for a cell of ``value`` at least the protection level?

    The LP gives a real-valued interval; an attacker who knows the counts are whole numbers rounds
    it inwards, so that is what is compared.
    """
    low, high = required_interval(value)
    lo = math.ceil(interval[0] - 1e-6)
    hi = math.inf if math.isinf(interval[1]) else math.floor(interval[1] + 1e-6)
    return lo <= low and hi >= high


@dataclass
class AuditResult:
    checked: int
    narrowest: tuple[int, float, float] | None  # (cell value, lo, hi) with the smallest width
    failures: list[tuple[int, float, float]]  # cell index, lo, hi


def audit(problem: Problem, suppressed: set[int]) -> AuditResult:
    """Check every sensitive cell against the protection level, with ``suppressed`` hidden."""
    attacker = Attacker(problem)
    shown = [i for i in range(len(problem.cells)) if i not in suppressed]
    checked, narrowest, failures = 0, None, []
    for i, cell in enumerate(problem.cells):
        if not is_sensitive(cell.value):
            continue
        checked += 1
        lo, hi, _, _ = attacker.interval(cell.variables, shown)
        if narrowest is None or hi - lo < narrowest[2] - narrowest[1]:
            narrowest = (cell.value, lo, hi)
        if not protected(cell.value, (lo, hi)):
            failures.append((i, lo, hi))
    return AuditResult(checked, narrowest, failures)


def protect(problem: Problem) -> set[int]:
    """The indexes of the cells to suppress: fixed ones as published, then primary, then as
    many secondary cells as the audit needs."""
    cells = problem.cells
    suppressed = {i for i, c in enumerate(cells)
                  if (c.suppressed if not c.decidable else is_sensitive(c.value))}
    attacker = Attacker(problem)
    closure = _linked_variables(problem)

    def interval(i: int) -> tuple[float, float, list[int], list[int]]:
        """The LP interval, solved only for the ends that no solution found so far already
        shows to reach the protection level (most cells need one LP or none, not two)."""
        low, high = required_interval(cells[i].value)
        seen_lo, seen_hi = attacker.reaches(cells[i].variables)
        sides = (not seen_lo <= low + 1e-6, not seen_hi >= high - 1e-6)  # nan: not seen
        shown = [j for j in range(len(cells)) if j not in suppressed]
        lo, hi, bind_lo, bind_hi = attacker.interval(cells[i].variables, shown, sides)
        return (lo if sides[0] else seen_lo), (hi if sides[1] else seen_hi), bind_lo, bind_hi

    def cost(j: int) -> tuple[bool, int, int]:
        return (cells[j].value == 0, cells[j].value, j)

    for i, cell in enumerate(cells):
        if not is_sensitive(cell.value):
            continue
        lo, hi, bind_lo, bind_hi = interval(i)
        while not protected(cell.value, (lo, hi)):
            low, high = required_interval(cell.value)
            # The cells that hold the failing end(s) in place: suppressing one of them moves it.
            binding = set()
            if math.ceil(lo - 1e-6) > low:
                binding |= set(bind_lo)
            if not math.isinf(hi) and math.floor(hi + 1e-6) < high:
                binding |= set(bind_hi)
            helpful = [j for j in binding if cells[j].decidable and j not in suppressed]
            if not helpful:  # held by fixed cells or structure: take the cheapest linked cell
                near = closure(cell.variables)
                for c in cells:
                    if near.intersection(c.variables):
                        near = near | set(c.variables)
                helpful = [j for j, c in enumerate(cells)
                           if c.decidable and j not in suppressed
                           and near.intersection(c.variables)]
                if not helpful:
                    helpful = [j for j, c in enumerate(cells)
                               if c.decidable and j not in suppressed]
            if not helpful:
                raise RuntimeError("suppression cannot protect a cell published earlier")
            suppressed.add(min(helpful, key=cost))
            lo, hi, bind_lo, bind_hi = interval(i)
    return suppressed


def _linked_variables(problem: Problem):  # type: ignore[no-untyped-def]
    """The variables a cell's value is tied to by one relation: its linked cells share them."""
    neighbours: dict[int, set[int]] = {}
    for rel in problem.relations:
        group = set(rel.left) | set(rel.right)
        for v in group:
            neighbours.setdefault(v, set()).update(group)

    def closure(variables: Sequence[int]) -> set[int]:
        out = set(variables)
        for v in variables:
            out |= neighbours.get(v, set())
        return out

    return closure
