"""Words and values in the learner's language.

For now the kiosk speaks English (the source language); the translation catalogs arrive with the
languages issue and plug in here, so every string on screen already passes through :func:`gettext`
and every value through Babel.

>>> from kiosk.lessons.model import Value
>>> fill("You will pay {price}.", {"price": Value("money", 120)}, locale="en", currency="TWD")
'You will pay NT$120.'
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import string

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from kiosk.lessons.model import Value

DEFAULT_LOCALE = "en"
_translations: _gettext.NullTranslations = _gettext.NullTranslations()


def gettext(message: str) -> str:
    """Translate a UI string (identity until catalogs are installed)."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


_ = gettext


def format_value(value: Value, *, locale: str, currency: str) -> str:
    """Format one lesson value the way ``locale`` writes it."""
    raw = value.value
    if value.type == "money" and isinstance(raw, int | float):
        if not float(raw).is_integer():
            return format_currency(raw, currency, locale=locale)
        # Whole amounts (prices in Taiwan dollars) drop the ".00" but keep the locale's own
        # pattern, so the symbol stays where that language puts it ("120 NT$" in Vietnamese).
        pattern = Locale.parse(locale).currency_formats["standard"].pattern
        whole_pattern = pattern.replace(".00", "").replace(".##", "")
        return format_currency(raw, currency, locale=locale, format=whole_pattern,
                               currency_digits=False)
    if value.type == "number" and isinstance(raw, int | float):
        return format_decimal(raw, locale=locale)
    if value.type == "date":
        assert isinstance(value.value, dt.date)
        return format_date(value.value, format="full", locale=locale)
    if value.type == "time":
        assert isinstance(value.value, dt.time)
        return format_time(value.value, format="short", locale=locale)
    raise ValueError(f"unknown value type {value.type!r}")


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"  # the validator reports unknown names; never crash on screen


def fill(text: str, values: dict[str, Value], *, locale: str = DEFAULT_LOCALE,
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


def language_name(code: str) -> str:
    """A language's name written in that language, for the language buttons."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]
