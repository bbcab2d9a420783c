"""The speech front end: the text on screen in, the words a voice should say out. No Kivy.

The screen keeps its text; each voice gets a spoken form of it, in this order:

1. the lesson's values, from their typed data (:mod:`kiosk.speech.spoken`): where the screen shows
   ``NT$12,800`` the voice says 一萬兩千八百元; a ``phone`` value is read digit by digit;
2. what is left that a voice would misread: an amount with ``NT$`` typed into a sentence, a time
   such as ``9:30``, any other run of digits (read as a number in the language's words), so no
   ASCII digit reaches a voice unread;
3. the language's pronunciation lexicon (:mod:`kiosk.speech.lexicon`), over the whole sentence.

Spoken forms are per engine (``"espeak"``, ``"gtts"``): the ``[espeak]`` lexicon tables only fix
espeak-ng. A clip's key is made from its engine's spoken form, so a lexicon change rebuilds only
the clips it touches.

>>> from kiosk.lessons.model import Value
>>> frontend = Frontend()
>>> frontend.spoken("這則訊息說您的卡片刷了NT$12,800。", "zh_Hant_TW", "espeak",
...                 values={"charge": Value("money", 12800)})
'這則訊席說您的卡片刷了一萬兩千八百元。'
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from babel.numbers import NumberFormatError, parse_decimal

from kiosk.i18n import format_value
from kiosk.lessons.model import Value
from kiosk.speech import spoken as say
from kiosk.speech.lexicon import LEXICON_DIR, Lexicon, LexiconError, load_lexicon

log = logging.getLogger(__name__)

ENGINES = ("gtts", "espeak")  # the same names as kiosk.speech.cache.ENGINE_PREFERENCE

# "NT$1,200", "NT$ 1.200" (id), "1.200 NT$" (vi): an amount typed into a sentence.
_MONEY = re.compile(r"NT\$\s?(?P<a>\d[\d.,]*\d|\d)|(?P<b>\d[\d.,]*\d|\d)\s?NT\$")
_TIME = re.compile(r"(?<![\d.,:])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?![\d:])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_ZH_YEAR = re.compile(r"(\d{4})(?=年)")  # 2026年: 二〇二六年, a year is read digit by digit


def _amount(text: str, language: str) -> float | None:
    try:
        return float(parse_decimal(text, locale=language, strict=False))
    except (NumberFormatError, ValueError):
        return None


class Frontend:
    """Spoken forms of sentences, per language and engine. Safe to share between threads."""

    def __init__(self, lexicon_dir: Path = LEXICON_DIR) -> None:
        self.lexicon_dir = lexicon_dir
        self._lexicons: dict[tuple[str, str], Lexicon] = {}
        self._lock = threading.Lock()

    def lexicon(self, language: str, engine: str) -> Lexicon:
        """The lexicon of ``language`` for ``engine``. A broken file is logged once and spoken
        without (the kiosk keeps talking); ``audio build`` checks the files and refuses."""
        key = (language, engine)
        with self._lock:
            if key not in self._lexicons:
                try:
                    self._lexicons[key] = load_lexicon(language, engine, self.lexicon_dir)
                except LexiconError as exc:
                    log.error("Speaking %s without its pronunciation lexicon: %s", language, exc)
                    self._lexicons[key] = Lexicon({})
            return self._lexicons[key]

    def warm_up(self, languages: Iterable[str] = (), engines: Iterable[str] = ENGINES) -> None:
        """Load the number libraries and the lexicons now, so the first step does not wait."""
        say.warm_up()
        for language in languages:
            for engine in engines:
                self.lexicon(language, engine)

    def spoken(self, text: str, language: str, engine: str = "espeak", *,
               values: Mapping[str, Value] | None = None, currency: str = "TWD") -> str:
        """What ``engine`` should say for ``text`` (as the screen shows it) in ``language``."""
        return self.forms(text, language, values=values, currency=currency,
                          engines=[engine])[engine]

    def forms(self, text: str, language: str, *, values: Mapping[str, Value] | None = None,
              currency: str = "TWD", engines: Iterable[str] = ENGINES) -> dict[str, str]:
        """The spoken form of ``text`` for each engine (the numbers are read once; each engine
        then gets its own lexicon)."""
        words = self._leftovers(self._values(text, language, values or {}, currency), language,
                                currency)
        return {engine: self.lexicon(language, engine).apply(words) for engine in engines}

    # --- internals ---------------------------------------------------------------------------
    @staticmethod
    def _values(text: str, language: str, values: Mapping[str, Value], currency: str) -> str:
        # Each value as the screen formats it -> its words. Longest first, so NT$1,200 is
        # replaced whole before NT$120 could match inside it.
        shown = []
        for value in values.values():
            try:
                shown.append((format_value(value, locale=language, currency=currency),
                              say.spoken_value(value, language, currency)))
            except (ValueError, TypeError, AssertionError):
                continue  # the validator reports bad values; the leftovers pass still reads it
        for formatted, words in sorted(shown, key=lambda pair: -len(pair[0])):
            if formatted and formatted in text:
                text = text.replace(formatted, words)
        return text

    @staticmethod
    def _leftovers(text: str, language: str, currency: str) -> str:
        if not any(c.isascii() and c.isdigit() for c in text):
            return text.replace("NT$", say.CURRENCY_WORDS.get((say.language_of(language),
                                                                "TWD"), "NT$"))

        def money(match: re.Match[str]) -> str:
            amount = _amount(match.group("a") or match.group("b"), language)
            return match.group(0) if amount is None else say.money(amount, language, "TWD")

        def clock(match: re.Match[str]) -> str:
            return say.time(dt.time(int(match.group("h")), int(match.group("m"))), language)

        def number(match: re.Match[str]) -> str:
            amount = _amount(match.group(0), language)
            if amount is None:
                return say.digits(match.group(0), language)
            return say.cardinal(amount, language)

        text = _MONEY.sub(money, text)
        if say.language_of(language) == "zh":
            text = _ZH_YEAR.sub(lambda m: "".join("〇一二三四五六七八九"[int(d)]
                                                  for d in m.group(1)), text)
        text = _TIME.sub(clock, text)
        text = _NUMBER.sub(number, text)
        return text.replace("NT$", say.CURRENCY_WORDS.get((say.language_of(language), "TWD"),
                                                          "NT$"))


_default: Frontend | None = None


def default_frontend() -> Frontend:
    """The kiosk's front end, with the shipped lexicons (made once)."""
    global _default
    if _default is None:
        _default = Frontend()
    return _default
