"""Where a Chinese line may break (kiosk/line_breaks.py): BudouX's phrases where UAX #14 allows."""

from __future__ import annotations

import doctest

import pytest

import kiosk.line_breaks
from kiosk.line_breaks import break_points, has_cjk, wrap

CLOSING = set("。，、：；！？）」』")


def chars(n: int):
    return lambda line: len(line) <= n


def test_doctests() -> None:
    assert doctest.testmod(kiosk.line_breaks).failed == 0


def test_the_language_name_keeps_its_brackets_together() -> None:
    assert break_points("繁體中文（台灣）") == (2,)
    for width in range(6, 8):
        assert "（台灣）" in wrap("繁體中文（台灣）", chars(width)).split("\n")[-1]


@pytest.mark.parametrize("width", range(3, 20))
def test_no_line_starts_with_closing_punctuation(width: int) -> None:
    text = ("請仔細看手機畫面。然後點「是真的」或「是假的」。"
            "這一步您已經完成了，準備好了就點「下一步」。")
    lines = wrap(text, chars(width)).split("\n")
    assert "".join(lines) == text  # nothing lost, nothing added but newlines
    assert all(line[0] not in CLOSING for line in lines), lines
    assert all(line[-1] not in "（「『" for line in lines), lines
    assert all(len(line) <= width for line in lines if len(line) > 1), lines


def test_text_that_fits_and_text_without_chinese_are_unchanged() -> None:
    assert wrap("繁體中文（台灣）", chars(20)) == "繁體中文（台灣）"
    english = "Look for the button with the word Scan."
    assert not has_cjk(english) and wrap(english, chars(5)) == english


def test_mixed_text_breaks_at_spaces_and_phrases() -> None:
    lines = wrap("點 Scan 按鈕，打開相機。", chars(7)).split("\n")
    assert "Scan" in "".join(lines) and all("Sc" not in line or "Scan" in line for line in lines)
    assert all(line[0] not in CLOSING for line in lines)
