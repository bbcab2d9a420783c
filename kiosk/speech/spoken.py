"""The spoken form of a lesson value, per language, from its typed data. No Kivy.

The screen shows ``NT$12,800``; a voice given that reads "N T twelve comma eight hundred". So the
voice is given the words a person would say, made from the number itself (never by re-reading the
formatted text): Chinese numerals with 萬 grouping and 兩 from ``cn2an``, Vietnamese, Indonesian and
English number words from ``num2words``, the currency named the way people say it, a year read
digit by digit in Chinese (二〇二六年), a time with 點 and 分, and a phone number one digit at a
time (一六五, "một sáu năm").

>>> from kiosk.lessons.model import Value
>>> spoken_value(Value("money", 12800), "zh_Hant_TW")
'一萬兩千八百元'
>>> spoken_value(Value("money", 12800), "id")
'dua belas ribu delapan ratus dolar Taiwan'
>>> spoken_value(Value("phone", "165"), "vi")
'một sáu năm'
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from babel.dates import format_date
from babel.numbers import get_currency_name

from kiosk.lessons.model import Value

# How each language names New Taiwan dollars aloud. CLDR's names ("Tân Đài tệ", "Dolar Taiwan
# Baru") are what a bank statement says; people say these.
CURRENCY_WORDS: Mapping[tuple[str, str], str] = {
    ("zh", "TWD"): "元",
    ("vi", "TWD"): "Đài tệ",
    ("id", "TWD"): "dolar Taiwan",
    ("en", "TWD"): "Taiwan dollars",
}
# num2words' own language codes for our languages (it has no Chinese: cn2an reads that).
NUM2WORDS_LANGUAGES = ("vi", "id", "en")
_ZH_DIGITS = "〇一二三四五六七八九"
_DIGIT_WORDS: Mapping[str, tuple[str, ...]] = {
    # Taiwan reads a number to dial with 一, not the Mainland's 幺.
    "zh": tuple("零一二三四五六七八九"),
    "vi": ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"),
    "id": ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan",
           "sembilan"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
}
# 二 before a unit is said 兩 in Taiwan (兩千, 兩萬, 兩百), never after 十 (十二萬 stays).
_LIANG = re.compile(r"(?<![十一二三四五六七八九])二(?=[百千萬億])")


@functools.cache
def _an2cn() -> Callable[[Any, str], str]:
    # Imported on first use, not with the kiosk: cn2an builds its converters when imported
    # (about 0.2 s on a desktop), which would delay the first frame. The speech worker warms it
    # up in the background (SpeechResolver.warm_up).
    import cn2an

    return cn2an.an2cn  # type: ignore[no-any-return]


@functools.cache
def _num2words() -> Callable[..., Any]:
    from num2words import num2words

    return num2words  # type: ignore[no-any-return]


def warm_up() -> None:
    """Import the number libraries now (on a background thread), not at the first step."""
    _an2cn()
    _num2words()


def language_of(locale: str) -> str:
    """``"zh_Hant_TW"`` -> ``"zh"``: the front end's rules are per language."""
    return locale.replace("-", "_").split("_", 1)[0].lower()


def zh_number(number: int) -> str:
    """A whole number in Taiwan Mandarin: 12800 -> 一萬兩千八百, 20000 -> 兩萬, 2 -> 二."""
    words = str(_an2cn()(number, "low"))
    words = words.replace("万", "萬").replace("亿", "億").replace("负", "負")
    return _LIANG.sub("兩", words)


def _zh_decimal(number: float) -> str:
    whole, _, fraction = f"{number:.2f}".rstrip("0").rstrip(".").partition(".")
    spoken = zh_number(int(whole))
    if fraction:
        spoken += "點" + "".join(_ZH_DIGITS[int(d)] for d in fraction)
    return spoken


def cardinal(number: float, language: str) -> str:
    """A number in words, for the language of ``language`` (a kiosk locale or a base code)."""
    base = language_of(language)
    if base == "zh":
        return zh_number(int(number)) if float(number).is_integer() else _zh_decimal(number)
    value: float = int(number) if float(number).is_integer() else number
    lang = base if base in NUM2WORDS_LANGUAGES else "en"
    # English num2words writes "twelve thousand, eight hundred": the comma is a pause no one
    # makes in a price.
    return str(_num2words()(value, lang=lang)).replace(",", "")


def digits(text: str, language: str) -> str:
    """A number to dial, one digit at a time: "165" -> 一六五 / "satu enam lima"."""
    base = language_of(language)
    words = _DIGIT_WORDS.get(base, _DIGIT_WORDS["en"])
    spoken = [words[int(c)] for c in text if c.isdigit()]
    if base == "zh":
        return "".join(spoken)
    return " ".join(spoken)


def money(amount: float, language: str, currency: str = "TWD") -> str:
    """An amount with its currency said the way people say it."""
    base = language_of(language)
    words = cardinal(amount, base)
    if base == "zh" and amount == 2:
        words = "兩"  # 兩元, as two of anything counted is 兩
    name = CURRENCY_WORDS.get((base, currency))
    if name is None:  # another currency: CLDR's name for it, in the plural form that fits
        name = get_currency_name(currency, count=amount, locale=language)
    if base == "en" and currency == "TWD" and amount == 1:
        name = "Taiwan dollar"
    return f"{words}{name}" if base == "zh" else f"{words} {name}"


def date(day: dt.date, language: str) -> str:
    """A date as it is said: 二〇二六年十二月三日 星期四; "Kamis, tiga Desember dua ribu …"."""
    base = language_of(language)
    weekday = format_date(day, "EEEE", locale=language)
    if base == "zh":
        year = "".join(_ZH_DIGITS[int(d)] for d in str(day.year))
        return f"{year}年{zh_number(day.month)}月{zh_number(day.day)}日 {weekday}"
    if base == "vi":
        return (f"{weekday}, ngày {cardinal(day.day, 'vi')} tháng {cardinal(day.month, 'vi')}"
                f" năm {cardinal(day.year, 'vi')}")
    month = format_date(day, "MMMM", locale=language)
    if base == "id":
        return f"{weekday}, {cardinal(day.day, 'id')} {month} {cardinal(day.year, 'id')}"
    ordinal = str(_num2words()(day.day, lang="en", to="ordinal"))
    year = str(_num2words()(day.year, lang="en", to="year"))
    return f"{weekday}, {month} {ordinal}, {year}"


def time(moment: dt.time, language: str) -> str:
    """A time of day as it is said: 上午九點三十分; "chín giờ ba mươi phút"; "nine thirty AM"."""
    base = language_of(language)
    hour, minute = moment.hour, moment.minute
    if base == "zh":
        # The screen (CLDR's zh_Hant_TW) writes 上午 before noon and 下午 after, on a 12-hour
        # clock; the voice says the same.
        period = "上午" if hour < 12 else "下午"
        twelve = hour % 12 or 12
        # Two o'clock is 兩點, as two of anything counted is 兩.
        spoken = f"{period}{'兩' if twelve == 2 else zh_number(twelve)}點"
        if minute:
            spoken += ("零" if minute < 10 else "") + f"{zh_number(minute)}分"
        return spoken
    if base == "vi":  # the screen shows a 24-hour clock: 18:30
        spoken = f"{cardinal(hour, 'vi')} giờ"
        return spoken + (f" {cardinal(minute, 'vi')} phút" if minute else "")
    if base == "id":  # "09.30"; the sentence itself says "pukul" before it
        spoken = cardinal(hour, "id")
        return spoken + (f" {cardinal(minute, 'id')}" if minute else "")
    twelve = hour % 12 or 12
    suffix = "AM" if hour < 12 else "PM"
    if not minute:
        return f"{cardinal(twelve, 'en')} {suffix}"
    middle = f"oh {cardinal(minute, 'en')}" if minute < 10 else cardinal(minute, "en")
    return f"{cardinal(twelve, 'en')} {middle} {suffix}"


def spoken_value(value: Value, language: str, currency: str = "TWD") -> str:
    """The words a voice should say for ``value`` where the screen shows it formatted."""
    raw = value.value
    if value.type == "money" and isinstance(raw, int | float):
        return money(raw, language, currency)
    if value.type == "number" and isinstance(raw, int | float):
        return cardinal(raw, language)
    if value.type == "date" and isinstance(raw, dt.date):
        return date(raw, language)
    if value.type == "time" and isinstance(raw, dt.time):
        return time(raw, language)
    if value.type == "phone":
        return digits(str(raw), language)
    raise ValueError(f"cannot say a {value.type} value {raw!r}")
