"""Manager passwords, hashed with scrypt (standard library): slow on purpose, salted, tunable.

The stored form names its parameters, so they can be raised later without breaking old hashes::

    >>> stored = hash_password("correct horse battery staple")
    >>> stored.startswith("scrypt$16384$8$1$")
    True
    >>> verify_password("correct horse battery staple", stored), verify_password("guess", stored)
    (True, False)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1  # about 50 ms and 16 MiB per check on a small server
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n),
                                r=int(r), p=int(p), dklen=len(digest) // 2,
                                maxmem=64 * 1024 * 1024)
    except ValueError:
        return False
    return hmac.compare_digest(actual.hex(), digest)


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None. Length matters more than character classes."""
    if len(password) < MIN_LENGTH:
        return f"use at least {MIN_LENGTH} characters (a few words is easiest to remember)"
    return None
