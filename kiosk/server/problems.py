"""The one shape of every refusal: a status and *every* problem found, never just the first.

The JSON body follows Datasette's convention::

    {"ok": false, "status": 422, "errors": [
        {"code": "greater_than_equal", "loc": "items.0.starts",
         "message": "Input should be greater than or equal to 0"}]}

A kiosk (or a person reading a log) can fix everything in one go instead of one retry per problem.

Example::

    >>> r = Refusal.of([Problem("bad_signature", "signature does not match", "header.X-Signature"),
    ...                 Problem("stale_timestamp", "clock is 400 s off", "header.X-Timestamp")])
    >>> r.status, [p.code for p in r.problems]
    (401, ['bad_signature', 'stale_timestamp'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# When problems of several kinds are found together, the response carries the status of the most
# decisive one: an authentication failure outranks anything said about the body, and a body that
# belongs to another kiosk outranks its size, which outranks its field errors.
STATUS_BY_CODE: dict[str, int] = {
    "body_too_large": 413,
    "missing_header": 401,
    "bad_header": 401,
    "unknown_kiosk": 401,
    "bad_signature": 401,
    "stale_timestamp": 401,
    "revoked_kiosk": 403,
    "replayed_nonce": 409,
    "rate_limited": 429,
    "malformed_json": 400,
    "wrong_kiosk": 403,
    "too_many_items": 413,
}
PRECEDENCE = (413, 401, 403, 409, 429, 400, 422)
DEFAULT_STATUS = 422  # any field-level schema problem


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    loc: str = ""

    @property
    def status(self) -> int:
        return STATUS_BY_CODE.get(self.code, DEFAULT_STATUS)

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "loc": self.loc, "message": self.message}


@dataclass(frozen=True)
class Refusal(Exception):
    """Raised (or returned) when a request is refused; nothing of it may have been stored."""

    status: int
    problems: tuple[Problem, ...]
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, problems: list[Problem], *, headers: dict[str, str] | None = None,
           extra: dict[str, Any] | None = None) -> Refusal:
        statuses = {p.status for p in problems}
        status = next((s for s in PRECEDENCE if s in statuses), DEFAULT_STATUS)
        return cls(status, tuple(problems), headers or {}, extra or {})

    def body(self) -> dict[str, Any]:
        return {"ok": False, "status": self.status,
                "errors": [p.as_json() for p in self.problems], **self.extra}
