"""Babel formatting per language, catalog loading, and the catalog workflow."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.i18n import (
    LANGUAGES,
    Translations,
    fill,
    format_value,
    language_name,
    set_language,
)
from kiosk.i18n import gettext as ui_gettext
from kiosk.i18n.catalogs import check as check_catalogs
from kiosk.lessons.model import Value

NBSP = "\xa0"

FORMATS = [
    # (locale, money 120, money 2350.5, date 2026-12-03, time 09:30, time 14:00)
    ("zh_Hant_TW", "NT$120", "NT$2,350.50", "2026年12月3日 星期四", "上午9:30", "下午2:00"),
    # CLDR's narrow no-break space (U+202F) is not in the font: an ordinary one replaces it.
    ("en", "NT$120", "NT$2,350.50", "Thursday, December 3, 2026", f"9:30{NBSP}AM",
     f"2:00{NBSP}PM"),
    ("vi", f"120{NBSP}NT$", f"2.350,50{NBSP}NT$", "Thứ Năm, 3 tháng 12, 2026", "09:30", "14:00"),
    ("id", "NT$120", "NT$2.350,50", "Kamis, 03 Desember 2026", "09.30", "14.00"),
]


@pytest.mark.parametrize(("locale", "money", "cents", "date", "morning", "afternoon"), FORMATS)
def test_values_are_written_the_way_each_language_writes_them(locale, money, cents, date,
                                                              morning, afternoon):
    def fmt(kind, value):
        return format_value(Value(kind, value), locale=locale, currency="TWD")

    assert fmt("money", 120) == money
    assert fmt("money", 2350.5) == cents
    assert fmt("date", dt.date(2026, 12, 3)) == date
    assert fmt("time", dt.time(9, 30)) == morning
    assert fmt("time", dt.time(14, 0)) == afternoon


def test_numbers_and_other_currencies():
    assert format_value(Value("number", 1500), locale="vi", currency="TWD") == "1.500"
    assert format_value(Value("money", 120), locale="en", currency="USD") == "$120"


def test_fill_puts_values_into_a_sentence_and_never_crashes():
    values = {"price": Value("money", 120)}
    assert fill("Pay {price}.", values, locale="zh_Hant_TW") == "Pay NT$120."
    assert fill("Pay {missing}.", values) == "Pay {missing}."
    assert fill("A stray { brace.", values) == "A stray { brace."


def test_language_names_are_written_in_their_own_language():
    assert [language_name(code) for code in LANGUAGES] == [
        "繁體中文（台灣）", "English", "Tiếng Việt", "Bahasa Indonesia"]


def test_a_po_catalog_is_used_without_compiling_and_a_broken_one_falls_back(tmp_path):
    folder = tmp_path / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "kiosk.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Next"\nmsgstr "Tiếp"\n', encoding="utf-8")
    (folder / "lessons.po").write_text("this is not a catalog", encoding="utf-8")
    translations = Translations("vi", tmp_path)
    assert translations.ui.gettext("Next") == "Tiếp"
    assert translations.lessons.gettext("Tap Scan.") == "Tap Scan."  # English, not a crash
    set_language("vi", tmp_path)
    try:
        assert ui_gettext("Next") == "Tiếp"
    finally:
        set_language("en")


def test_catalog_check_reports_an_out_of_date_template(tmp_path):
    problems = [str(p) for p in check_catalogs(tmp_path)]
    assert any("kiosk.pot: out of date" in p for p in problems)
    assert any("vi/LC_MESSAGES/lessons.po: missing" in p for p in problems)


def test_shipped_catalogs_are_complete_and_up_to_date():
    """Every UI and lesson string is translated in every language, none fuzzy, and the templates
    match the source strings: CI fails here when someone adds text without translations."""
    assert [str(p) for p in check_catalogs()] == []
