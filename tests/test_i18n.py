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


# --- a lesson is shown in a language only when it is completely translated there -----------

def _partial_locales(tmp_path, language, drop):
    """A copy of the shipped catalogs in which ``language``'s lessons.po lacks ``drop`` (a real
    partial .po, written and read back by Babel as a translator's tool would)."""
    import shutil

    from babel.messages.pofile import read_po, write_po

    from kiosk.i18n import LOCALES_DIR

    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    po = locales / language / "LC_MESSAGES" / "lessons.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    assert drop in catalog
    catalog.delete(drop)
    with po.open("wb") as handle:
        write_po(handle, catalog)
    return locales


def _shipped_lesson(lesson_id):
    from kiosk.lessons import load_library
    from tests.conftest import IMAGES, LESSONS

    return load_library(LESSONS, IMAGES).lessons[lesson_id]


def test_every_shipped_lesson_is_complete_in_every_language():
    from kiosk.i18n.coverage import complete_languages, lesson_strings
    from kiosk.lessons import load_library
    from tests.conftest import IMAGES, LESSONS

    lesson = _shipped_lesson("pay-shop-qr")
    assert "Pay" in lesson_strings(lesson)  # phone buttons count, not only the instructions
    assert lesson.steps[-1].text[-1] in lesson_strings(lesson)
    for shipped in load_library(LESSONS, IMAGES).lessons.values():
        assert complete_languages(shipped) == LANGUAGES, shipped.id


def test_one_missing_entry_in_a_real_po_takes_the_lesson_out_of_that_language(tmp_path):
    from kiosk.i18n.coverage import (
        complete_languages,
        lesson_translator,
        missing_strings,
        shown_lessons,
    )

    lesson = _shipped_lesson("pay-shop-qr")
    sentence = lesson.steps[1].text[0]
    locales = _partial_locales(tmp_path, "vi", sentence)
    vi = Translations("vi", locales)
    assert missing_strings(lesson, vi) == [sentence]
    assert complete_languages(lesson, locales_dir=locales) == ("zh_Hant_TW", "en", "id")
    # All or nothing: every string of the lesson comes from the English source in Vietnamese,
    # even those the catalog does translate (the phone's "Pay" button among them).
    translate = lesson_translator(lesson, vi)
    assert translate("Pay") == "Pay" and vi.lessons.gettext("Pay") != "Pay"
    other = _shipped_lesson("receive-money")
    assert shown_lessons([lesson, other], vi) == ([other], [lesson])
    zh = Translations("zh_Hant_TW", locales)
    assert lesson_translator(lesson, zh)("Pay") == zh.lessons.gettext("Pay") != "Pay"


def test_a_fuzzy_or_empty_entry_is_missing_too(tmp_path):
    from babel.messages.pofile import read_po, write_po

    from kiosk.i18n.coverage import missing_strings

    lesson = _shipped_lesson("pay-shop-qr")
    locales = _partial_locales(tmp_path, "id", lesson.title)
    po = locales / "id" / "LC_MESSAGES" / "lessons.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    catalog[lesson.summary].flags.add("fuzzy")
    catalog[lesson.done].string = ""
    with po.open("wb") as handle:
        write_po(handle, catalog)
    assert sorted(missing_strings(lesson, Translations("id", locales))) == sorted(
        [lesson.title, lesson.summary, lesson.done])


def test_the_player_shows_a_partly_translated_lesson_wholly_in_english(tmp_path):
    from kiosk.player import LessonPlayer
    from kiosk.progress import ProgressStore

    lesson = _shipped_lesson("pay-shop-qr")
    locales = _partial_locales(tmp_path, "zh_Hant_TW", lesson.steps[0].text[0])
    store = ProgressStore.open(tmp_path / "progress.db")
    learner = store.new_guest()
    set_language("zh_Hant_TW", locales)
    try:
        player = LessonPlayer.begin(store, lesson, learner, language="zh_Hant_TW")
        assert player.text_language == "en"
        assert player.text(lesson.title) == lesson.title
        assert player.text("Pay") == "Pay"
        assert player.sentences == [player.text(s) for s in lesson.steps[0].text]
        assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in s) for s in player.sentences)
        # Values are written the English way too, not the Chinese way inside English words.
        assert player.text("{price}") == fill("{price}", lesson.values, locale="en")
        # The same lesson, complete in Indonesian, is shown in Indonesian.
        set_language("id", locales)
        player.language = "id"
        assert player.text_language == "id"
        assert player.text("Pay") != "Pay"
    finally:
        set_language("en")
        store.close()


def _damaged_vi_lessons(tmp_path, drop=7):
    """The shipped catalogs with ``drop`` Vietnamese lesson entries gone, one fuzzy, one empty."""
    from babel.messages.pofile import read_po, write_po

    locales = _partial_locales(tmp_path, "vi", _shipped_lesson("pay-shop-qr").title)
    po = locales / "vi" / "LC_MESSAGES" / "lessons.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    ids = sorted(str(m.id) for m in catalog if m.id)
    for gone in ids[:drop - 1]:
        catalog.delete(gone)
    catalog[ids[drop]].flags.add("fuzzy")
    catalog[ids[drop + 1]].string = ""
    with po.open("wb") as handle:
        write_po(handle, catalog)
    return locales, po


def test_catalog_check_lists_every_missing_entry_with_a_count(tmp_path):
    from kiosk.i18n.catalogs import describe_counts, to_do_counts

    locales, po = _damaged_vi_lessons(tmp_path)
    problems = check_catalogs(locales)
    assert all(p.path == po for p in problems), [str(p) for p in problems]
    missing = [p for p in problems if p.message.startswith("no entry for ")]
    assert len(missing) == 7  # every one, not the first five
    counts = to_do_counts(problems)
    assert describe_counts(counts[po]) == "9 entries to do: 7 missing, 1 not translated, 1 fuzzy"
