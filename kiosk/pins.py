"""PINs for learner profiles and for volunteers: hashing, checking, and a calm pause after
repeated wrong tries. Standard library only; no Kivy, no clock of its own.

A PIN is never stored, only a salted scrypt hash with its parameters written beside it, so the
parameters can be raised later without making old hashes unreadable::

    >>> stored = hash_pin("2580")
    >>> stored.startswith("scrypt$16384$8$1$")
    True
    >>> verify_pin("2580", stored), verify_pin("0000", stored), verify_pin("2580", "junk")
    (True, False, False)
    >>> is_valid_pin("2580"), is_valid_pin("25 8"), is_valid_pin("258024", 6)
    (True, False, True)

Wrong PINs never lock anybody out for good (an older learner who forgets a PIN must not be
shamed or stranded); after a few tries the kiosk only asks them to wait a little::

    >>> pause = CalmPause()
    >>> [pause.pause_after(n) for n in range(1, 8)]
    [0.0, 0.0, 30.0, 60.0, 120.0, 240.0, 300.0]
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

# scrypt's cost: about 50 ms on a Raspberry Pi 4 and 16 MiB of memory (128 * n * r bytes), small
# enough for a tap to feel instant, big enough that a stolen file is slow to guess through.
# (A 4-digit PIN has only 10,000 values, so the hash cannot make it strong; it keeps PINs out of
# plain sight, and the calm pause is what limits guessing on the kiosk itself.)
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
DKLEN = 32
SALT_BYTES = 16
# Enough for n up to 2**20 with r = 8 (the default limit, 32 MiB, is just too small for that).
_MAXMEM = 256 * 1024 * 1024
_PREFIX = "scrypt"


def hash_pin(pin: str) -> str:
    """A new salted hash of ``pin``: ``scrypt$N$r$p$<salt hex>$<hash hex>``.

    >>> hash_pin("1234") != hash_pin("1234")   # a fresh salt each time
    True
    """
    salt = os.urandom(SALT_BYTES)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=DKLEN, maxmem=_MAXMEM)
    return f"{_PREFIX}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True if ``pin`` matches ``stored`` (from :func:`hash_pin`). Never raises: anything
    malformed, including absurd parameters that would eat the kiosk's memory, is simply False.

    >>> verify_pin("1234", "scrypt$16384$8$1$zz$00")
    False
    """
    try:
        name, n_text, r_text, p_text, salt_hex, hash_hex = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
        if name != _PREFIX or not salt or not expected:
            return False
        # A hand-edited file must not be able to make one tap take minutes or all the memory.
        if n < 2 or n & (n - 1) or n > 2**20 or not 1 <= r <= 32 or not 1 <= p <= 16:
            return False
        actual = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                                dklen=len(expected), maxmem=_MAXMEM)
    except (ValueError, TypeError, AttributeError, MemoryError, UnicodeError):
        return False
    # Constant time, so how long a wrong PIN takes says nothing about how close it was.
    return hmac.compare_digest(actual, expected)


def is_valid_pin(pin: str, length: int = 4) -> bool:
    """Exactly ``length`` ASCII digits (``str.isdigit`` alone would accept "٣" or "²").

    >>> is_valid_pin("0042"), is_valid_pin("042"), is_valid_pin("٠٠٤٢")
    (True, False, False)
    """
    return len(pin) == length and all("0" <= c <= "9" for c in pin)


@dataclass(frozen=True)
class CalmPause:
    """How long to wait after repeated wrong PINs: never a lock that lasts.

    The first ``free_tries - 1`` wrong PINs cost nothing; the ``free_tries``-th asks for
    ``first_pause`` seconds, each further wrong one doubles it, up to ``longest_pause``. Pure: the
    caller keeps the count and the time (in SQLite for learners, in memory for volunteers).

    ``forget_after``: a count whose last wrong try is this many seconds old starts again from
    nothing, so the next person to use a picture is not made to wait for a stranger's mistakes of
    yesterday. It changes little for guessing: after the first pauses a guesser gets one try
    every ``longest_pause`` anyway.

    >>> pause = CalmPause()
    >>> pause.remaining(3, elapsed=10.0)        # 30 s pause, 10 s of it gone
    20.0
    >>> pause.remaining(3, elapsed=-500.0)      # the clock went back: do not lock, forget
    0.0
    """

    free_tries: int = 3
    first_pause: float = 30.0
    longest_pause: float = 300.0
    forget_after: float = 3600.0

    def pause_after(self, failures: int) -> float:
        """Seconds to wait after ``failures`` wrong PINs in a row (0 while under the limit)."""
        if failures < self.free_tries:
            return 0.0
        doublings = min(failures - self.free_tries, 32)  # 2**32 * 30 s is past any cap
        return float(min(self.longest_pause, self.first_pause * 2**doublings))

    def forgotten(self, elapsed: float) -> bool:
        """Whether a count whose last wrong try was ``elapsed`` seconds ago no longer counts.

        A negative ``elapsed`` means the clock was set back (a kiosk with no real-time clock
        boots in the past, then NTP moves it): we cannot know how long it really was, and the
        rule is never to lock for good, so the count is forgotten.
        """
        return elapsed < 0 or elapsed >= self.forget_after

    def remaining(self, failures: int, elapsed: float) -> float:
        """Seconds still to wait, ``elapsed`` seconds after the last of ``failures`` wrong PINs."""
        if self.forgotten(elapsed):
            return 0.0
        return max(0.0, self.pause_after(failures) - elapsed)
