"""Words and values in the learner's language.

Two gettext domains, as Babel catalogs in ``locales/<lang>/LC_MESSAGES/``: ``kiosk`` for the
screens' own words and ``lessons`` for lesson text. English is the source language. Values (money,
dates, times, numbers) are formatted by Babel for the current language, never written into text.

>>> from kiosk.lessons.model import Value
>>> fill("You will pay {price}.", {"price": Value("money", 120)}, locale="en", currency="TWD")
'You will pay NT$120.'
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import logging
import string
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from kiosk.lessons.model import Value

log = logging.getLogger(__name__)

LANGUAGES = ("zh_Hant_TW", "en", "vi", "id")
DEFAULT_LANGUAGE = "zh_Hant_TW"
SOURCE_LANGUAGE = "en"
DOMAINS = ("kiosk", "lessons", "server")
# The managers' dashboard (``server`` domain) speaks Taiwan Chinese and English only: its users
# are the programme's staff, not the learners.
DOMAIN_LANGUAGES = {"server": ("zh_Hant_TW", "en")}
SERVER_LANGUAGES = DOMAIN_LANGUAGES["server"]


def languages_of(domain: str) -> tuple[str, ...]:
    """The languages ``domain`` is translated into (the source language included)."""
    return DOMAIN_LANGUAGES.get(domain, LANGUAGES)
LOCALES_DIR = Path(__file__).resolve().parent.parent.parent / "locales"


def _translated(catalog: Catalog) -> frozenset[str]:
    """The messages that have a translation the kiosk will show (not empty, not fuzzy)."""
    return frozenset(str(m.id) for m in catalog
                     if m.id and isinstance(m.id, str) and m.string and not m.fuzzy)


def load_domain(locales_dir: Path, language: str, domain: str
                 ) -> tuple[_gettext.NullTranslations, frozenset[str]]:
    """The compiled catalog (.mo) if it is up to date, else the .po compiled in memory; and the
    messages it translates."""
    folder = locales_dir / language / "LC_MESSAGES"
    po, mo = folder / f"{domain}.po", folder / f"{domain}.mo"
    try:
        if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
            data = mo.read_bytes()
            catalog = read_mo(BytesIO(data))
            return _gettext.GNUTranslations(BytesIO(data)), _translated(catalog)
        if po.is_file():
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=language, domain=domain)
            buffer = BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            return _gettext.GNUTranslations(buffer), _translated(catalog)
    except (OSError, ValueError) as exc:  # a damaged catalog: show English, never crash
        log.error("Cannot read the %s catalog for %s: %s", domain, language, exc)
    return _gettext.NullTranslations(), frozenset()


class Translations:
    """The UI and lesson catalogs of one language."""

    def __init__(self, language: str, locales_dir: Path = LOCALES_DIR) -> None:
        self.language = language
        # The lesson messages this language really translates: whether a whole lesson can be
        # shown in it is decided from these (kiosk.i18n.coverage).
        self.lesson_messages: frozenset[str] = frozenset()
        # Whether each lesson is complete here, by (lesson id, version): a loaded catalog never
        # changes, and the answer is asked for every sentence a step shows.
        self.complete_lessons: dict[tuple[str, int], bool] = {}
        if language == SOURCE_LANGUAGE:
            self.ui: _gettext.NullTranslations = _gettext.NullTranslations()
            self.lessons: _gettext.NullTranslations = _gettext.NullTranslations()
        else:
            self.ui, _ids = load_domain(locales_dir, language, "kiosk")
            self.lessons, self.lesson_messages = load_domain(locales_dir, language, "lessons")


_current = Translations(SOURCE_LANGUAGE)
_cache: dict[tuple[str, Path], Translations] = {}


def set_language(language: str, locales_dir: Path = LOCALES_DIR) -> None:
    """Switch every following gettext call to ``language`` (catalogs are loaded once)."""
    global _current
    key = (language, locales_dir)
    if key not in _cache:
        _cache[key] = Translations(language, locales_dir)
    _current = _cache[key]


def current_language() -> str:
    return _current.language


def translations_for(language: str, locales_dir: Path | None = None) -> Translations:
    """The catalogs of ``language``: the ones on screen when it is the current language, else
    loaded once from ``locales_dir`` (the shipped catalogs by default)."""
    if _current.language == language and locales_dir is None:
        return _current
    key = (language, locales_dir or LOCALES_DIR)
    if key not in _cache:
        _cache[key] = Translations(language, key[1])
    return _cache[key]


def gettext(message: str) -> str:
    """Translate a UI string (``kiosk`` domain)."""
    return _current.ui.gettext(message)


def pgettext(context: str, message: str) -> str:
    """Translate a UI string that needs different words in different places: "Back" is
    "previous step" in a lesson but "return" on other screens (msgctxt ``context``)."""
    return _current.ui.pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ui.ngettext(singular, plural, n)


def lesson_gettext(message: str) -> str:
    """Translate a lesson string (``lessons`` domain)."""
    return _current.lessons.gettext(message)


_ = gettext


def N_(message: str) -> str:  # the gettext convention for "mark, do not translate yet"
    """Mark a string for extraction where it is defined; translate it where it is shown."""
    return message


# Where CLDR's symbol would mislead: in Taiwan's own locale it writes New Taiwan dollars as a
# bare "$", but price tags, bills and bank apps there say NT$ (and a learner must not mistake it
# for US dollars).
CURRENCY_SYMBOLS = {("zh_Hant_TW", "TWD"): "NT$"}


def format_value(value: Value, *, locale: str, currency: str) -> str:
    """Format one lesson value the way ``locale`` writes it."""
    # CLDR puts a narrow no-break space in English times ("9:30\u202fAM"); the kiosk's font has
    # no such glyph (it would show as a box), so it becomes an ordinary no-break space.
    return _format_value(value, locale=locale, currency=currency).replace("\u202f", "\xa0")


def _format_value(value: Value, *, locale: str, currency: str) -> str:
    raw = value.value
    if value.type == "money" and isinstance(raw, int | float):
        pattern = Locale.parse(locale).currency_formats["standard"].pattern
        symbol = CURRENCY_SYMBOLS.get((locale, currency))
        if symbol:
            pattern = pattern.replace("¤", f"'{symbol}'")
        if float(raw).is_integer():
            # Whole amounts (prices in Taiwan dollars) drop the ".00" but keep the locale's own
            # pattern, so the symbol stays where that language puts it ("120 NT$" in Vietnamese).
            pattern = pattern.replace(".00", "").replace(".##", "")
        return format_currency(raw, currency, locale=locale, format=pattern,
                               currency_digits=False)
    if value.type == "number" and isinstance(raw, int | float):
        return format_decimal(raw, locale=locale)
    if value.type == "date":
        assert isinstance(value.value, dt.date)
        return format_date(value.value, format="full", locale=locale)
    if value.type == "time":
        assert isinstance(value.value, dt.time)
        return format_time(value.value, format="short", locale=locale)
    if value.type == "phone" and isinstance(raw, str):
        # Written as people dial it, in every language: Taiwan's hotlines are three or four
        # digits, and grouping them like an amount ("1,955") would mislead.
        return raw
    raise ValueError(f"unknown value type {value.type!r}")


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"  # the validator reports unknown names; never crash on screen


def fill(text: str, values: dict[str, Value], *, locale: str = SOURCE_LANGUAGE,
         currency: str = "TWD") -> str:
    """Put formatted values into a sentence: ``"Pay {price}."`` -> ``"Pay NT$120."``."""
    if "{" not in text:
        return text
    formatted = _Values({name: format_value(v, locale=locale, currency=currency)
                         for name, v in values.items()})
    try:
        return string.Formatter().vformat(text, (), formatted)
    except (ValueError, IndexError, AttributeError, KeyError):
        return text


# How people name their own language on a sign or a form, where CLDR's display name is not it
# (CLDR gives "中文 (繁體, 台灣)" and "Indonesia").
ENDONYMS = {"zh_Hant_TW": "繁體中文（台灣）", "id": "Bahasa Indonesia"}


# How each language is written on the small language button: short, in its own script, so that
# anyone recognises their own among them.
SHORT_NAMES = {"zh_Hant_TW": "中文", "en": "EN", "vi": "VI", "id": "ID"}


def short_names(codes: tuple[str, ...] = LANGUAGES) -> str:
    """The language button's words: ``中文 · EN · VI · ID``."""
    return " · ".join(SHORT_NAMES.get(code, code) for code in codes)


def language_name(code: str) -> str:
    """A language's name written in that language, for the language buttons."""
    if code in ENDONYMS:
        return ENDONYMS[code]
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]
