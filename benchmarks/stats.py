"""The one percentile the benchmark scripts share (they run as scripts, so this folder is on
sys.path and ``from stats import percentile`` finds it)."""

from __future__ import annotations

import math


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with ``fraction`` of the values at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]
