"""Small-cell suppression: no published figure lets anyone learn a count from 1 to 4.

The rule, applied to every column of every report table (and within every group whose total is
published elsewhere, such as the lessons of one topic):

1. Primary: a count from 1 to 4 is shown as ``"<5"``. Zero is shown: "nobody" identifies nobody.
2. Secondary: assume the column's total is known — it is, from any other table of the same report,
   or as a cell of a wider report. If, knowing that total and every figure still shown, some
   ``"<5"`` cell could only be one value, hide more cells (smallest first) as ``"hidden"`` until
   every ``"<5"`` cell could be at least two values. A reader knows a ``"<5"`` cell is 1–4 and a
   ``"hidden"`` cell is 0 or at least 5; the check below reasons with exactly that knowledge.
3. If the total itself is under 5, every non-zero cell is already ``"<5"`` and the total is
   ``"<5"`` wherever it appears, so nothing more is needed.
4. If even hiding every cell leaves a ``"<5"`` cell pinned down (e.g. two cells of 4 and nothing
   else, with a known total of 8), the whole column shows ``"hidden"`` without the ``"<5"`` hint.

Totals are never printed as extra rows. Residual risk, stated plainly: the rule protects each
table against its own total, not against every combination of several filtered tables (a full
linked-table audit); keep filters coarse (whole weeks, whole centres), which the dashboard does.

    >>> protect([12, 3, 9])           # 3 = 24 - 12 - 9 if the total is known: hide another cell
    ['12', '<5', 'hidden']
    >>> protect([12, 3, 2, 9])        # 3 + 2 = 5 could be 1+4, 2+3, 3+2 or 4+1: safe as it is
    ['12', '<5', '<5', '9']
    >>> protect([0, 3, 0])            # the total is 3, itself shown as "<5" everywhere
    ['0', '<5', '0']
"""

from __future__ import annotations

from collections.abc import Sequence

SMALL = "<5"
HIDDEN = "hidden"
THRESHOLD = 5

_Interval = tuple[int, int]
_PRIMARY: list[_Interval] = [(1, THRESHOLD - 1)]
_SECONDARY: list[_Interval] = [(0, 0), (THRESHOLD, 2**62)]
_ANY: list[_Interval] = [(0, 2**62)]


def is_small(value: int) -> bool:
    return 1 <= value < THRESHOLD


def primary(value: int) -> str:
    """Only the primary rule: for figures that are not parts of a total (a funnel's steps)."""
    return SMALL if is_small(value) else str(value)


def protect(values: Sequence[int]) -> list[str]:
    marks: dict[int, list[_Interval]] = {i: _PRIMARY for i, v in enumerate(values) if is_small(v)}
    if not marks or sum(values) < THRESHOLD:
        return [_show(v, marks.get(i)) for i, v in enumerate(values)]
    candidates = sorted((v, i) for i, v in enumerate(values) if i not in marks)
    while not _safe(values, marks):
        if not candidates:
            return [HIDDEN] * len(values)
        _, index = candidates.pop(0)
        marks[index] = _SECONDARY
    return [_show(v, marks.get(i)) for i, v in enumerate(values)]


def _show(value: int, mark: list[_Interval] | None) -> str:
    if mark is None:
        return str(value)
    return SMALL if mark is _PRIMARY else HIDDEN


def _safe(values: Sequence[int], marks: dict[int, list[_Interval]]) -> bool:
    """Could every "<5" cell still be at least two values, given the sum of the hidden cells?"""
    hidden_sum = sum(values[i] for i in marks)
    for index, mark in marks.items():
        if mark is not _PRIMARY:
            continue
        others = [m for i, m in marks.items() if i != index]
        reachable = _sums(others, cap=hidden_sum)
        options = sum(1 for v in range(1, THRESHOLD)
                      if any(lo <= hidden_sum - v <= hi for lo, hi in reachable))
        if options < 2:
            return False
    return True


def _sums(domains: list[list[_Interval]], *, cap: int) -> list[_Interval]:
    """Every total the given cells could add up to (as merged intervals), up to ``cap``."""
    current: list[_Interval] = [(0, 0)]
    for domain in domains:
        combined = sorted((a + c, min(b + d, cap)) for a, b in current for c, d in domain
                          if a + c <= cap)
        current = []
        for lo, hi in combined:
            if current and lo <= current[-1][1] + 1:
                current[-1] = (current[-1][0], max(current[-1][1], hi))
            else:
                current.append((lo, hi))
    return current
