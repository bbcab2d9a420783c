"""PIN hashing and the calm pause (kiosk/pins.py): pure functions, no store."""

from __future__ import annotations

import doctest
import hashlib
import time

import pytest

import kiosk.pins
from kiosk.pins import CalmPause, hash_pin, is_valid_pin, verify_pin


def test_the_hash_names_its_parameters_and_salt() -> None:
    stored = hash_pin("2580")
    name, n, r, p, salt, digest = stored.split("$")
    assert (name, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert "2580" not in stored
    assert hash_pin("2580") != stored  # a fresh salt every time


def test_the_right_pin_verifies_and_others_do_not() -> None:
    stored = hash_pin("2580")
    assert verify_pin("2580", stored)
    assert not verify_pin("2581", stored)
    assert not verify_pin("", stored)
    assert not verify_pin("25800", stored)


def test_parameters_are_read_from_the_stored_string() -> None:
    """A hash made with other (e.g. future, stronger) parameters still verifies."""
    salt = bytes(range(16))
    digest = hashlib.scrypt(b"1234", salt=salt, n=2**10, r=4, p=2, dklen=24)
    stored = f"scrypt$1024$4$2${salt.hex()}${digest.hex()}"
    assert verify_pin("1234", stored)
    assert not verify_pin("4321", stored)


@pytest.mark.parametrize("stored", [
    "", "scrypt", "scrypt$$$$$", "bcrypt$16384$8$1$00ff$00ff", "scrypt$16384$8$1$zz$00",
    "scrypt$16384$8$1$$00ff", "scrypt$16384$8$1$00ff$", "scrypt$x$8$1$00ff$00ff",
    "scrypt$1000$8$1$00ff$00ff",        # n not a power of two
    "scrypt$1073741824$8$1$00ff$00ff",  # n = 2**30: would need a gigabyte, refused at once
    "scrypt$16384$999$1$00ff$00ff", "scrypt$16384$8$0$00ff$00ff",
    "scrypt$16384$8$1$00ff$00ff$extra", "scrypt$-16384$8$1$00ff$00ff",
])
def test_a_malformed_stored_string_is_false_never_an_error(stored: str) -> None:
    started = time.monotonic()
    assert verify_pin("1234", stored) is False
    assert time.monotonic() - started < 2


def test_a_stored_value_of_the_wrong_type_is_false() -> None:
    assert verify_pin("1234", None) is False  # type: ignore[arg-type]


@pytest.mark.parametrize(("pin", "length", "valid"), [
    ("0000", 4, True), ("2580", 4, True), ("258", 4, False), ("25800", 4, False),
    ("", 4, False), ("25 8", 4, False), (" 258", 4, False), ("258a", 4, False),
    ("٢٥٨٠", 4, False),   # Arabic-Indic digits: isdigit() says yes, the keypad never types them
    ("²580", 4, False), ("１２３４", 4, False),  # superscript, full-width
    ("135790", 6, True), ("2580", 6, False), ("1357900", 6, False),
])
def test_a_valid_pin_is_exactly_so_many_ascii_digits(pin: str, length: int, valid: bool) -> None:
    assert is_valid_pin(pin, length) is valid


def test_the_calm_pause_starts_at_the_third_wrong_pin_doubles_and_stops_growing() -> None:
    pause = CalmPause()
    assert [pause.pause_after(n) for n in range(0, 10)] == [
        0.0, 0.0, 0.0, 30.0, 60.0, 120.0, 240.0, 300.0, 300.0, 300.0]
    assert pause.pause_after(10_000) == 300.0  # never overflows, never grows past the cap


def test_the_calm_pause_can_be_tuned() -> None:
    pause = CalmPause(free_tries=5, first_pause=10.0, longest_pause=25.0)
    assert [pause.pause_after(n) for n in range(3, 9)] == [0.0, 0.0, 10.0, 20.0, 25.0, 25.0]


def test_remaining_counts_down_and_is_never_a_lock() -> None:
    pause = CalmPause()
    assert pause.remaining(3, elapsed=0.0) == 30.0
    assert pause.remaining(3, elapsed=29.5) == 0.5
    assert pause.remaining(3, elapsed=31.0) == 0.0
    assert pause.remaining(2, elapsed=0.0) == 0.0
    # A clock set back (kiosks boot with no real-time clock): forgotten, not a lock for a year.
    assert pause.forgotten(-3600.0) and pause.remaining(7, elapsed=-3600.0) == 0.0
    # An hour without a wrong try: the next person starts afresh.
    assert not pause.forgotten(3599.0) and pause.forgotten(3600.0)


def test_docstring_examples() -> None:
    result = doctest.testmod(kiosk.pins)
    assert result.attempted > 0 and result.failed == 0
