"""The dashboard's words in the manager's language: the ``server`` gettext domain, lesson and
topic titles from the lesson catalogs, and dates, numbers and percentages formatted by Babel.

One :class:`Words` per request (the language is the manager's choice, not a global), so two
managers reading in different languages at the same moment never see each other's.

    >>> zh, en = Words.of("zh_Hant_TW"), Words.of("en")
    >>> zh.period("2026-11"), en.period("2026-11"), zh.period("2026-Q4"), en.period("2026-Q4")
    ('2026年11月', 'November 2026', '2026年第4季', 'Q4 2026')
    >>> zh.month_short("2026-11"), en.month_short("2026-11"), zh.year("2026-11")
    ('11月', 'Nov', '2026年')
    >>> zh.date("2026-12-02"), en.date("2026-12-02")
    ('2026年12月2日', 'Dec 2, 2026')
    >>> en.number("1234"), zh.number("–"), en.rate("17", "23")
    ('1,234', '–', '74%')
    >>> en.rate("17", "–"), en.rate("0", "0")  # hidden where a part is, and for nothing started
    ('–', '–')
    >>> zh.language_name("vi"), en.language_name("zh_Hant_TW")
    ('越南文', 'Chinese (Taiwan)')
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from kiosk.i18n import LOCALES_DIR, SERVER_LANGUAGES, SOURCE_LANGUAGE, load_domain
from kiosk.server.suppression import SUPPRESSED

DEFAULT = "zh_Hant_TW"  # the programme runs in Taiwan
LANG_COOKIE = "lang"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


# How each language is named on the dashboard's switch: in its own words, so a manager who does
# not read the current one still finds theirs.
SWITCH_NAMES = {"zh_Hant_TW": "中文", "en": "English"}
# Learners' languages as a Taiwan manager names them (CLDR's "中文 (繁體, 台灣)" reads as a form).
LEARNER_LANGUAGES = {"zh_Hant_TW": {"zh_Hant_TW": "中文", "en": "英文", "vi": "越南文",
                                    "id": "印尼文"},
                     "en": {"zh_Hant_TW": "Chinese (Taiwan)", "en": "English",
                            "vi": "Vietnamese", "id": "Indonesian"}}


def choose(asked: str | None) -> str:
    """The dashboard language: what the manager asked for if offered, else Taiwan Chinese."""
    return asked if asked in SERVER_LANGUAGES else DEFAULT


@dataclass(frozen=True)
class Words:
    language: str
    ui: _gettext.NullTranslations
    lessons: _gettext.NullTranslations

    @classmethod
    def of(cls, language: str) -> Words:
        return _words(choose(language))

    @property
    def html_lang(self) -> str:
        """BCP 47 for ``<html lang>``: ``zh-Hant-TW``, ``en``."""
        return self.language.replace("_", "-")

    def gettext(self, message: str) -> str:
        return self.ui.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.ui.ngettext(singular, plural, n)

    def lesson_text(self, text: str) -> str:
        """A lesson or topic title, or a step's sentence, from the lesson catalogs."""
        return self.lessons.gettext(text) if text else text

    def period(self, period: str) -> str:
        """A released month or quarter, as this language writes it."""
        if "-Q" in period:
            first = dt.date(int(period[:4]), 3 * int(period[6:]) - 2, 1)
            return format_skeleton("yQQQ", first, locale=self.language)
        return format_skeleton("yMMMM", dt.date.fromisoformat(period + "-01"),
                               locale=self.language)

    def month_short(self, month: str) -> str:
        """A month's short name for a chart's axis: ``Nov``, ``11月``."""
        return format_skeleton("MMM", dt.date.fromisoformat(month + "-01"), locale=self.language)

    def year(self, month: str) -> str:
        return format_skeleton("y", dt.date.fromisoformat(month + "-01"), locale=self.language)

    def date(self, day: str) -> str:
        return format_skeleton("yMMMd", dt.date.fromisoformat(day), locale=self.language)

    def number(self, cell: str) -> str:
        """A table cell for the page: counts grouped as this language does; "–" stays."""
        return format_decimal(int(cell), locale=self.language) if cell.isdigit() else cell

    def rate(self, finished: str, started: str) -> str:
        """Finished / started from two released cells; hidden ("–") when either is hidden or
        nothing was started, so a rate never reveals a figure its parts do not show."""
        if not (finished.isdigit() and started.isdigit()) or int(started) == 0:
            return SUPPRESSED
        return format_percent(int(finished) / int(started), locale=self.language)

    def language_name(self, code: str) -> str:
        names = LEARNER_LANGUAGES.get(self.language, LEARNER_LANGUAGES["en"])
        return names.get(code) or Locale.parse(code).get_display_name(self.language) or code


@cache
def _words(language: str) -> Words:
    if language == SOURCE_LANGUAGE:
        return Words(language, _gettext.NullTranslations(), _gettext.NullTranslations())
    ui, _ids = load_domain(LOCALES_DIR, language, "server")
    lessons, _ids = load_domain(LOCALES_DIR, language, "lessons")
    return Words(language, ui, lessons)


# The topic of lessons the server cannot place (kiosk.server.catalogue.OTHER): its title is the
# server's word, so it is translated here.
OTHER_TOPIC = N_("Other")


def switch_links(path: str, query: dict[str, str], words: Words) -> list[tuple[str, str, str]]:
    """The language switch on every page: (name, code, link) for each other language, the same
    page with the same choices.

    >>> switch_links("/equity", {"period": "2026-11", "lang": "en"}, Words.of("en"))
    [('中文', 'zh_Hant_TW', '/equity?period=2026-11&lang=zh_Hant_TW')]
    """
    others = {k: v for k, v in query.items() if k != "lang"}
    return [(SWITCH_NAMES[code], code, path + "?" + urlencode({**others, "lang": code}))
            for code in SWITCH_NAMES if code != words.language]
