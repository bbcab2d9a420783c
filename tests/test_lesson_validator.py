"""The validator names file, step and field for each problem, in words a volunteer can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.lessons import Library, load_library
from kiosk.lessons.library import check_files
from tests.conftest import IMAGES, LESSONS
from tests.lesson_samples import VALID_LESSON

TOPICS = ["payment", "telehealth", "misinformation"]


def check(tmp_path: Path, text: str, name: str = "sample.toml") -> list[str]:
    folder = tmp_path / "payment"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    library = Library()
    check_files([path], TOPICS, IMAGES, library)
    return [str(p).replace(str(tmp_path) + "/", "") for p in library.problems]


def test_the_sample_is_valid(tmp_path):
    assert check(tmp_path, VALID_LESSON) == []


BROKEN = [
    pytest.param('title = "A sample lesson"', 'title = ', [
        "payment/sample.toml: line 6: toml: Invalid value (column 9)"], id="toml-syntax"),
    pytest.param('kind = "order"', 'kind = "sort"', [
        "payment/sample.toml: step 4: kind: unknown step kind 'sort'; use one of explain, tap, "
        "choice, order, spot"], id="unknown-kind"),
    pytest.param('hint = "Look for the word Scan."\n', '', [
        "payment/sample.toml: step 2: hint: missing; a tap step needs screen, target, hint"],
        id="missing-field"),
    pytest.param('target = "scan"', 'target = "pay"', [
        "payment/sample.toml: step 2: target: 'pay' is not on screen 'home' (it has: scan, "
        "receive, amount)"], id="target-not-on-screen"),
    pytest.param('correct = true', 'correct = false', [
        "payment/sample.toml: step 3: options: no option is marked correct = true"],
        id="no-correct-option"),
    pytest.param('kind = "explain"\ntext = ["This', 'kind = "explain"\npicture = "nope.png"\n'
                 'text = ["This', [
                     "payment/sample.toml: step 1: picture: picture 'nope.png' is not in "
                     "assets/images/"], id="missing-picture"),
    pytest.param('You will pay {price}.', 'You will pay {cost}.', [
        "payment/sample.toml: step 3: text[1]: uses {cost} but [values] has no 'cost' "
        "(it has: price)"], id="unknown-value"),
    pytest.param('screen = "home"\ntarget', 'screen = "hom"\ntarget', [
        "payment/sample.toml: step 2: screen: no screen named 'hom' (screens: home)"],
        id="unknown-screen"),
    pytest.param('answer = "real"', 'answer = "maybe"', [
        "payment/sample.toml: step 5: answer: must be \"real\" or \"fake\", not 'maybe'"],
        id="bad-spot-answer"),
    pytest.param('topic = "payment"', 'topic = "cooking"', [
        "payment/sample.toml: topic: 'cooking' is not a topic; use one of payment, telehealth, "
        "misinformation"], id="unknown-topic"),
    pytest.param('topic = "payment"', 'topic = "telehealth"', [
        "payment/sample.toml: topic: says 'telehealth' but the file is in the 'payment' folder"],
        id="topic-folder-mismatch"),
    pytest.param('version = 1', 'version = 0', [
        "payment/sample.toml: version: must be a whole number from 1; raise it when the steps "
        "change"], id="bad-version"),
    pytest.param('price = { money = 120 }', 'price = { money = "120" }', [
        "payment/sample.toml: values.price: money must look like money = 120",
        "payment/sample.toml: screens.home.elements[3].value: 'price' is not a money value in "
        "[values]",
        "payment/sample.toml: step 3: text[1]: uses {price} but [values] has no 'price' "
        "(it has: none)"], id="bad-value"),
    pytest.param('items = ["Scan.", "Check.", "Pay."]', 'items = ["Scan.", "Pay.", "Pay."]', [
        "payment/sample.toml: step 4: items: two items say the same thing; the order would be "
        "ambiguous"], id="duplicate-order-items"),
    pytest.param('{ id = "receive"', '{ id = "scan"', [
        "payment/sample.toml: screens.home.elements[2].id: 'scan' is used twice on this screen"],
        id="duplicate-element-id"),
    pytest.param('minutes = 5', 'minutes = 5\ncolour = "red"', [
        "payment/sample.toml: colour: is not a lesson field; check the spelling"],
        id="unknown-field"),
    pytest.param('text = ["Well done."]', 'text = ["One.", "Two.", "Three.", "Four."]', [
        "payment/sample.toml: step 6: text: has 4 sentences; use at most 3 a step"],
        id="too-many-sentences"),
    pytest.param('target = "scan"', 'target = "scan"\nleads_to = "camera"', [
        "payment/sample.toml: step 2: leads_to: no screen named 'camera' (screens: home)"],
        id="leads-to-unknown-screen"),
    pytest.param('answer = "real"', 'answer = "real"\nleads_to = "home"', [
        "payment/sample.toml: step 5: leads_to: only a tap step can lead to another screen"],
        id="leads-to-not-on-a-tap-step"),
]


@pytest.mark.parametrize(("old", "new", "expected"), BROKEN)
def test_each_problem_is_named_exactly(tmp_path, old, new, expected):
    assert old in VALID_LESSON
    assert check(tmp_path, VALID_LESSON.replace(old, new, 1)) == expected


def test_too_few_steps_and_practice(tmp_path):
    head, _, _ = VALID_LESSON.partition("[[steps]]")
    text = head + '[[steps]]\nkind = "explain"\ntext = ["Only one."]\n'
    assert check(tmp_path, text) == [
        "payment/sample.toml: steps: has 1 steps; a lesson has 6 to 12",
        "payment/sample.toml: steps: has 0 practice steps; a lesson needs at least 3 (tap, "
        "choice, order or spot)",
    ]


def test_not_utf8(tmp_path):
    folder = tmp_path / "payment"
    folder.mkdir()
    (folder / "latin1.toml").write_bytes('title = "caf\xe9"'.encode("latin-1"))
    library = Library()
    check_files([folder / "latin1.toml"], TOPICS, IMAGES, library)
    assert [p.message for p in library.problems] == ["is not UTF-8 text (byte 12); save it as "
                                                     "UTF-8"]


def test_duplicate_ids_across_files(tmp_path):
    check(tmp_path, VALID_LESSON, "a.toml")
    folder = tmp_path / "payment"
    (folder / "b.toml").write_text(VALID_LESSON, encoding="utf-8")
    library = Library()
    check_files([folder / "a.toml", folder / "b.toml"], TOPICS, IMAGES, library)
    assert list(library.lessons) == ["sample-lesson"]
    assert [str(p).replace(str(tmp_path) + "/", "") for p in library.problems] == [
        "payment/b.toml: id: 'sample-lesson' is already used by payment/a.toml; each lesson "
        "needs its own id"]


def test_every_shipped_lesson_is_valid():
    library = load_library(LESSONS, IMAGES)
    assert [str(p) for p in library.problems] == []
    assert {t.id for t in library.topics} == set(TOPICS)
    for topic in TOPICS:
        assert len(library.lessons_in(topic)) >= 2, topic
    for lesson in library.lessons.values():
        assert 6 <= lesson.step_count <= 12
        assert sum(s.is_practice for s in lesson.steps) >= 3


def test_a_dropped_in_lesson_appears_and_a_broken_one_is_skipped(tmp_path):
    import shutil

    lessons = tmp_path / "lessons"
    shutil.copytree(LESSONS, lessons)
    (lessons / "payment" / "new-lesson.toml").write_text(
        VALID_LESSON.replace("sample-lesson", "new-lesson"), encoding="utf-8")
    (lessons / "payment" / "broken.toml").write_text("id = [", encoding="utf-8")
    library = load_library(lessons, IMAGES)
    assert "new-lesson" in [lesson.id for lesson in library.lessons_in("payment")]
    assert library.skipped_files == [lessons / "payment" / "broken.toml"]
    assert len(library.lessons) == len(load_library(LESSONS, IMAGES).lessons) + 1


def test_missing_folder_is_a_problem_not_a_crash(tmp_path):
    library = load_library(tmp_path / "nowhere", IMAGES)
    assert library.lessons == {}
    assert library.problems


HOTLINE_BROKEN = [
    pytest.param('"Tap Scan."', '"Tap Scan, or call 165."', [
        'payment/sample.toml: step 2: text[1]: has the hotline 165 typed in; add it to [values] '
        'as hotline = { phone = "165" } and write {hotline}'], id="hotline-in-text"),
    pytest.param('hint = "Look for the word Scan."', 'hint = "Unsure? Dial 1955."', [
        'payment/sample.toml: step 2: hint: has the hotline 1955 typed in; add it to [values] '
        'as hotline = { phone = "1955" } and write {hotline}'], id="hotline-in-hint"),
    pytest.param('price = { money = 120 }', 'price = { money = 120 }\nhotline = { phone = 165 }',
                 ['payment/sample.toml: values.hotline: phone must look like phone = "165"'],
                 id="phone-not-a-string"),
]


@pytest.mark.parametrize(("old", "new", "expected"), HOTLINE_BROKEN)
def test_a_bare_hotline_number_is_refused(tmp_path, old, new, expected):
    assert old in VALID_LESSON
    assert check(tmp_path, VALID_LESSON.replace(old, new, 1)) == expected


def test_a_phone_value_is_accepted_and_shown_as_dialled(tmp_path):
    from kiosk.i18n import fill
    from kiosk.lessons.model import Value

    lesson = VALID_LESSON.replace('price = { money = 120 }',
                                  'price = { money = 120 }\nhotline = { phone = "165" }', 1)
    lesson = lesson.replace('"Tap Scan."', '"Tap Scan, or call {hotline}."', 1)
    assert check(tmp_path, lesson) == []
    for language in ("zh_Hant_TW", "en", "vi", "id"):
        assert fill("Call {hotline}.", {"hotline": Value("phone", "165")},
                    locale=language) == "Call 165."


def test_no_shipped_lesson_types_a_hotline_into_a_sentence():
    """Every lesson that names 165 or 1955 does it through a phone value."""
    library = load_library(LESSONS, IMAGES)
    phones = {(lesson_id, v.value) for lesson_id, lesson in library.lessons.items()
              for v in lesson.values.values() if v.type == "phone"}
    assert {("refuse-scam-request", "165"), ("refuse-scam-request", "1955"),
            ("fake-bank-government-messages", "165"), ("video-visit", "165")} <= phones


def test_a_tap_step_leads_to_a_screen(tmp_path):
    text = VALID_LESSON.replace('target = "scan"', 'target = "scan"\nleads_to = "home"', 1)
    assert check(tmp_path, text) == []


# --- style warnings (kiosk/lessons/style.py): the lesson loads, the author is told -----------

def _lesson_from(tmp_path: Path, text: str):
    folder = tmp_path / "payment"
    folder.mkdir(exist_ok=True)
    (folder / "styled.toml").write_text(text, encoding="utf-8")
    library = Library()
    check_files([folder / "styled.toml"], TOPICS, IMAGES, library)
    assert [str(p) for p in library.problems] == []  # warnings never stop a lesson loading
    return library.lessons["sample-lesson"]


def _warnings(lesson, translations=()):
    from kiosk.lessons.style import style_warnings

    return [str(w).split(": ", 1)[1] for w in style_warnings(lesson, translations)]


LONG = ("Add the money to your wallet before you go to the shop, because the shop at the corner "
        "takes only wallets and never cash from anyone here.")


LONG_ZH = "這是一個練習用的錢包，裡面的錢不是真的，您可以放心地按任何按鈕，不會有任何損失。"


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Add NT$200 to your wallet.", "money typed into the text ('NT$200')"),
    ("It costs NT$ 1,000.", "money typed into the text ('NT$ 1,000')"),
    ("It costs 200元.", "money typed into the text ('200元')"),
    ("Give me $5.", "money typed into the text ('$5')"),
    (LONG, "a sentence of 27 words (at most 15)"),
    ("Open LINE Pay and tap Scan.", "real brand name 'LINE Pay'"),
    ("Send it on whatsapp.", "real brand name 'WhatsApp'"),
    ("Buy it at 7-ELEVEN.", "real brand name '7-ELEVEN'"),
])
def test_style_warnings_in_the_english_text(tmp_path, sentence, expected):
    lesson = _lesson_from(tmp_path, VALID_LESSON.replace('"Tap Scan."', f'"{sentence}"'))
    found = _warnings(lesson)
    assert any(w.startswith("step 2: text[1]: " + expected) for w in found), found


def test_no_warning_for_values_everyday_words_or_short_sentences(tmp_path):
    text = VALID_LESSON.replace('"Tap Scan."', '"Tap the line with {price} on it."')
    assert _warnings(_lesson_from(tmp_path, text)) == []


def test_style_warnings_in_a_real_translation(tmp_path):
    """A translator's .po (read by the kiosk as it is) is checked as the English is: Chinese
    length in characters, brand names written in Chinese, money in the translated words."""
    from kiosk.i18n import Translations

    lesson = _lesson_from(tmp_path, VALID_LESSON)
    folder = tmp_path / "locales" / "zh_Hant_TW" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "lessons.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Tap Scan."\nmsgstr "請打開全聯的App，點「掃描」。"\n\n'
        'msgid "Check the amount."\nmsgstr "請確認金額是200元。"\n\n'
        'msgid "This is a practice wallet."\n'
        f'msgstr "{LONG_ZH}"\n\n'
        'msgid "Scan."\nmsgstr "掃描。"\n', encoding="utf-8")
    (tmp_path / "locales" / "id" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "locales" / "id" / "LC_MESSAGES" / "lessons.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Tap Scan."\nmsgstr "Ketuk Pindai untuk menerima dana."\n', encoding="utf-8")
    found = _warnings(lesson, [Translations("zh_Hant_TW", tmp_path / "locales"),
                               Translations("id", tmp_path / "locales")])
    assert found == [
        "remember: in zh_Hant_TW: money typed into the text ('200元'); write a value such as "
        "{price} and define it in [values]",
        "step 1: text[1]: in zh_Hant_TW: a sentence of 36 characters (at most 29): "
        f"'{LONG_ZH}'; split it in two",
        "step 2: text[1]: in zh_Hant_TW: real brand name '全聯'; use a made-up name",
    ]  # and the Indonesian "dana" (funds) is an everyday word, not the DANA wallet


def test_the_shipped_lessons_and_their_translations_have_no_style_warnings():
    from kiosk.i18n import LANGUAGES, Translations
    from kiosk.lessons.style import style_warnings

    catalogs = [Translations(language) for language in LANGUAGES]
    library = load_library(LESSONS, IMAGES)
    assert [str(w) for lesson in library.lessons.values()
            for w in style_warnings(lesson, catalogs)] == []


def test_a_brand_is_named_once_and_everyday_words_are_not_brands():
    from kiosk.lessons.style import load_brands, text_warnings

    brands = load_brands()
    assert text_warnings("Open LINE Pay, then LINE Pay again.", "en", brands) == [
        "real brand name 'LINE Pay'; use a made-up name"]
    assert text_warnings("Send it on LINE.", "en", brands) == [
        "real brand name 'LINE'; use a made-up name"]
    for everyday in ("Tap the first line.", "Stand in line at the online shop.",
                     "Then grab your card.", "Transfer dana ke rekening.", "一家人去全家人的店。"):
        language = "id" if "dana" in everyday else "en"
        assert text_warnings(everyday, language, brands) == [], everyday
