"""Per-kiosk request budget: at most N requests in any 60 seconds (a sliding window).

Kept in memory, on purpose: a refused request must leave nothing in the database, and the budget
only has to hold within one server process (run one process; see docs/SERVER.md).

    >>> limiter = RateLimiter(per_minute=2)
    >>> limiter.check("k-1", now=0.0), limiter.check("k-1", now=1.0), limiter.check("k-1", now=2.0)
    (0, 0, 58)
    >>> limiter.check("k-1", now=60.5)
    0
"""

from __future__ import annotations

import math
import threading
from collections import deque


class RateLimiter:
    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str, *, now: float) -> int:
        """0 if the request may go ahead (and count it); else seconds to wait (Retry-After)."""
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return max(1, math.ceil(seen[0] + self.window - now))
            seen.append(now)
            return 0
