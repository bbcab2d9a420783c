"""The server half of trust: are the four signing headers there, fresh, and do they verify?

The canonical string and the HMAC live in :mod:`kiosk.signing`, which the kiosk imports too, so
the two sides cannot drift apart. This module only decides what is wrong with a request, and
returns *every* problem it finds.

    >>> from kiosk.signing import sign_request
    >>> headers = sign_request("k-1", "s", "POST", "/p", b"{}", timestamp=1000, nonce="ab" * 16)
    >>> signed, problems = read_headers(headers)
    >>> verify(signed, "s", "POST", "/p", b"{}", now=1100, window=300), problems
    ([], [])
    >>> [p.code for p in verify(signed, "s", "POST", "/p", b"{}", now=2000, window=300)]
    ['stale_timestamp']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.server.problems import Problem
from kiosk.signing import (
    KIOSK_ID_HEADER,
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify_signature,
)

FRESHNESS_SECONDS = 300
_NONCE = re.compile(r"^[0-9a-fA-F]{16,64}$")
_SIGNATURE = re.compile(r"^[0-9a-fA-F]{64}$")
_KIOSK_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")


@dataclass(frozen=True)
class SignedHeaders:
    kiosk_id: str
    timestamp: str  # as sent: it is signed as text
    nonce: str
    signature: str


def read_headers(headers: Mapping[str, str]) -> tuple[SignedHeaders | None, list[Problem]]:
    """Check that each signing header is present and well formed; list every one that is not."""
    lower = {k.lower(): v for k, v in headers.items()}
    rules = ((KIOSK_ID_HEADER, _KIOSK_ID, "letters, digits and hyphens"),
             (TIMESTAMP_HEADER, _TIMESTAMP, "unix seconds"),
             (NONCE_HEADER, _NONCE, "16 to 64 hex digits"),
             (SIGNATURE_HEADER, _SIGNATURE, "64 hex digits (HMAC-SHA256)"))
    values: list[str] = []
    problems: list[Problem] = []
    for name, pattern, shape in rules:
        value = lower.get(name.lower())
        if value is None:
            problems.append(Problem("missing_header", f"{name} is required: the request must "
                                    "be signed", f"header.{name}"))
        elif not pattern.match(value.strip()):
            problems.append(Problem("bad_header", f"{name} must be {shape}", f"header.{name}"))
        values.append((value or "").strip())
    if problems:
        return None, problems
    return SignedHeaders(*values), []


def verify(signed: SignedHeaders, secret: str, method: str, path: str, body: bytes, *,
           now: float, window: int | None) -> list[Problem]:
    """Signature and (unless ``window`` is None, as for USB bundles) freshness problems."""
    problems: list[Problem] = []
    if not verify_signature(secret, method, path, signed.timestamp, signed.nonce, body,
                            signed.signature):
        problems.append(Problem("bad_signature", "the signature does not match this request "
                                "(method, path, timestamp, nonce and body)",
                                f"header.{SIGNATURE_HEADER}"))
    if window is not None:
        skew = int(signed.timestamp) - int(now)
        if abs(skew) > window:
            side = "ahead of" if skew > 0 else "behind"
            problems.append(Problem(
                "stale_timestamp",
                f"the timestamp is {abs(skew)} s {side} the server's clock (limit {window} s); "
                "take the time from this response's Date header or server_time and retry",
                f"header.{TIMESTAMP_HEADER}"))
    return problems
