"""One-time enrolment codes a volunteer can read aloud and type on a touch screen.

Ten characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G), shown in
two groups of five. About 44 bits: with a seven-day expiry and the enrol endpoint rate-limited,
guessing one is hopeless. Only a SHA-256 of the code is stored.

    >>> code = new_code()
    >>> len(code), code[5]
    (11, '-')
    >>> normalise(code.lower().replace("-", " ")) == normalise(code)
    True
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
LENGTH = 10


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise(code: str) -> str:
    """Upper case, no spaces or hyphens: what the volunteer meant, however it was typed."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode("ascii", "replace")).hexdigest()
