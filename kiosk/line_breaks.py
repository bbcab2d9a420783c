"""Where a line of Chinese may break, and wrapping it to a width. No Kivy.

Kivy's SDL2 text breaks lines only at spaces; a run without spaces (all of Chinese) is cut at
whatever character reaches the edge, so "繁體中文（台灣）" split inside its parentheses and a lone
"。" could start a line (issue 15). Two real line-breaking libraries decide instead:

- BudouX (Google; its Traditional Chinese model) finds phrase boundaries, so lines end between
  words, as a person would write them, not in the middle of one;
- uniseg's Unicode line breaking (UAX #14) says where a break is allowed at all: never before
  closing punctuation such as "。", "，", "）" or "」", never after an opening one such as "（".

A break is offered where both agree (and after any space, as in Latin text). :func:`wrap` then
fills lines greedily with a caller's measure of what fits and returns the text with newlines,
which Kivy lays out as they are. Text with no Chinese, Japanese or full-width characters is left
to Kivy exactly as before.

    >>> break_points("繁體中文（台灣）")
    (2,)
    >>> wrap("繁體中文（台灣）", lambda line: len(line) <= 6)
    '繁體\\n中文（台灣）'
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import lru_cache

import budoux
from uniseg.linebreak import line_break_boundaries

# Han, CJK punctuation, kana, full-width forms, Bopomofo: scripts written without spaces.
_CJK = re.compile("[\u2e80-\u2fff\u3000-\u30ff\u3100-\u312f\u31a0-\u31bf\u3400-\u4dbf"
                  "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


@lru_cache(maxsize=1)
def _parser() -> budoux.Parser:
    return budoux.load_default_traditional_chinese_parser()


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def _uax14(text: str) -> frozenset[int]:
    """Positions (0 < p < len) before which UAX #14 allows a line break."""
    return frozenset(p for p in line_break_boundaries(text) if 0 < p < len(text))


@lru_cache(maxsize=8192)
def break_points(text: str) -> tuple[int, ...]:
    """Where a line of ``text`` (one paragraph) may break: before each position returned.
    Cached: the same sentences come back on every visit to a step (uniseg is pure Python)."""
    allowed = _uax14(text)
    phrases: set[int] = set()
    position = 0
    for chunk in _parser().parse(text)[:-1]:
        position += len(chunk)
        phrases.add(position)
    after_space = {i + 1 for i, char in enumerate(text[:-1]) if char.isspace()}
    return tuple(sorted(allowed & (phrases | after_space)))


@lru_cache(maxsize=8192)
def fine_points(text: str) -> tuple[int, ...]:
    """Every UAX #14 break in ``text``: for a phrase too long for a line on its own."""
    return tuple(sorted(_uax14(text)))


def _pieces(text: str, points: tuple[int, ...]) -> list[str]:
    cuts = [0, *points, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(cuts) if b > a]


def _fill(pieces: list[str], fits: Callable[[str], bool]) -> list[str]:
    """Greedy lines: as many pieces on a line as fit, then the next line."""
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and not fits((line + piece).rstrip()):
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    if line:
        lines.append(line.rstrip())
    return lines


def wrap(text: str, fits: Callable[[str], bool]) -> str:
    """``text`` with a newline wherever a line must end so that each line ``fits``, breaking
    only where :func:`break_points` allows. A paragraph that fits, and text with no CJK, come
    back unchanged; a phrase too long for a whole line is broken where UAX #14 allows."""
    if not has_cjk(text):
        return text
    out = []
    for paragraph in text.split("\n"):
        if not paragraph or fits(paragraph):
            out.append(paragraph)
            continue
        pieces: list[str] = []
        for phrase in _pieces(paragraph, break_points(paragraph)):
            if fits(phrase.rstrip()):
                pieces.append(phrase)
            else:
                pieces.extend(_pieces(phrase, fine_points(phrase)))
        out.append("\n".join(_fill(pieces, fits)))
    return "\n".join(out)
