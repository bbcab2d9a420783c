"""A lesson not completely translated into a language is never shown half in English (issue 15):
the lessons list leaves it out in that language with one line saying so, and if the learner
switches to that language in the middle of it, all of its words stay in English. Tapped like a
finger, with the shipped lessons and a real partial catalog (the shipped one, one entry gone)."""

from __future__ import annotations

import re
import shutil

import pytest
from babel.messages.pofile import read_po, write_po

from kiosk.config import load_settings
from kiosk.i18n import LOCALES_DIR, Translations, language_name
from tests.ui.driver import visible, walk

pytestmark = pytest.mark.ui

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
LESSON = "pay-shop-qr"
TITLE = "Pay a shop with a QR code"


@pytest.fixture
def partial(make_kiosk, tmp_path):
    """The kiosk with Chinese catalogs that lack one sentence of pay-shop-qr's first step."""
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    po = locales / "zh_Hant_TW" / "LC_MESSAGES" / "lessons.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="zh_Hant_TW")
    driver = make_kiosk(load_settings(environ={
        "KIOSK_HOME": str(tmp_path / "home"), "KIOSK_LANGUAGE": "en",
        "KIOSK_LOCALES": str(locales)}))
    lesson = driver.app.library.lessons[LESSON]
    catalog.delete(lesson.steps[0].text[0])
    with po.open("wb") as handle:
        write_po(handle, catalog)
    return driver


def choose_language(kiosk, code):
    kiosk.tap(kiosk.find("中文 · EN · VI · ID"))
    picker = kiosk.popups()[0]
    kiosk.tap(kiosk.find(language_name(code), within=picker))


def lesson_texts(kiosk):
    """Every visible piece of the lesson's own text: its sentences, answers and practice phone."""
    screen = kiosk.screen
    return [w.text for part in ("words", "answers", "phone", "lesson_title")
            for w in walk(screen.ids[part]) if getattr(w, "text", "") and visible(w)]


def test_the_list_leaves_out_a_partly_translated_lesson_and_says_so(partial):
    kiosk = partial
    kiosk.start_as_guest()
    kiosk.tap("Mobile payment")
    assert kiosk.shows(TITLE)
    choose_language(kiosk, "zh_Hant_TW")
    zh = Translations("zh_Hant_TW", LOCALES_DIR)
    assert kiosk.screen_name == "lessons"
    assert not kiosk.shows(zh.lessons.gettext(TITLE)) and not kiosk.shows(TITLE)
    assert kiosk.shows("另有 1 堂課目前只有英文版")
    # A complete lesson is listed.
    assert kiosk.shows(zh.lessons.gettext("Receive money and check that it arrived"))
    kiosk.tap("回到主題")  # Back to topics: the payment topic counts only the ones it lists
    card = next(w for w in walk(kiosk.screen) if getattr(w, "topic_id", "") == "payment")
    assert card.status == f"{len(kiosk.app.library.lessons_in('payment')) - 1}堂課"
    kiosk.tap(card)
    choose_language(kiosk, "vi")  # complete in Vietnamese: listed, and no line
    assert kiosk.shows(Translations("vi", LOCALES_DIR).lessons.gettext(TITLE))
    assert not any("tiếng Anh" in t for t in kiosk.texts())


def test_switching_to_that_language_mid_lesson_keeps_every_lesson_word_in_english(partial):
    kiosk = partial
    kiosk.open_lesson(steps=2)  # step 3: the practice phone's payment screen, "Pay" on it
    app = kiosk.app
    lesson = app.library.lessons[LESSON]
    english = lesson_texts(kiosk)
    choose_language(kiosk, "zh_Hant_TW")
    assert kiosk.screen_name == "step" and app.language == "zh_Hant_TW"
    zh = Translations("zh_Hant_TW", LOCALES_DIR)
    assert kiosk.shows(zh.ui.gettext("Step {number} of {total}").format(number=3, total=9))
    shown = lesson_texts(kiosk)
    assert shown == english
    assert not [t for t in shown if CJK.search(t)], shown  # not one Chinese word among them
    assert lesson.steps[2].text[0] in shown  # the English source itself
    # The learner goes on in the same lesson: the next steps are whole English too.
    step = app.player.step
    if step.kind == "tap":
        kiosk.tap(kiosk.screen.ids.phone.elements[step.target])
    assert not [t for t in lesson_texts(kiosk) if CJK.search(t)]


@pytest.mark.parametrize("size", ["standard", "largest"])
@pytest.mark.parametrize("language", ["zh_Hant_TW", "vi", "id"])
def test_the_english_only_line_fits_in_every_language_and_size(make_kiosk, tmp_path, size,
                                                               language):
    from tests.ui.screens import open_screen
    from tests.ui.test_layout import general_overflows

    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    po = locales / language / "LC_MESSAGES" / "lessons.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    catalog.delete(TITLE)
    with po.open("wb") as handle:
        write_po(handle, catalog)
    kiosk = make_kiosk(load_settings(environ={
        "KIOSK_HOME": str(tmp_path / "home"), "KIOSK_LANGUAGE": "en",
        "KIOSK_LOCALES": str(locales)}))
    app = kiosk.app
    app.set_language(language)
    app.set_display(text_size=size)
    shown = open_screen(app, "lessons", "payment")
    kiosk.frames(6)
    line = shown.ids.english_only
    assert line.text and visible(line)
    assert general_overflows(shown) == [], f"{size} {language}"
    back = shown.ids.back
    assert line.to_window(line.x, line.y)[1] >= back.to_window(back.x, back.top)[1]


def test_feedback_is_read_in_the_language_it_is_shown_in(partial):
    """The lesson's words stay English after a switch to a language it is not translated into,
    and are read by the English voice; the kiosk's own words ("Not this one yet...") are in
    the learner's language, and read in it."""
    kiosk = partial
    kiosk.open_lesson(steps=4)  # step 5: a choice
    app = kiosk.app
    assert app.player.step.kind == "choice"
    choose_language(kiosk, "zh_Hant_TW")
    narrator = app.narrator
    asked: list[tuple[str, str]] = []
    real = narrator.resolver.resolve

    def spy(text, language, rate="normal", callback=None, *, values=None):
        asked.append((text, language))
        return real(text, language, rate, callback, values=values)

    narrator.resolver.resolve = spy
    # The step is read in English, answers and their labels too: not one Chinese word in it.
    assert narrator._language == "en" and "Answer 1: " in narrator._text
    assert not CJK.search(narrator._text)
    option = next(o for o in app.player.step.options if not o.correct)
    kiosk.tap(option.text)  # the English source, as the button shows it
    assert asked[-1] == (option.feedback, "en")
    kiosk.tap(kiosk.screen.ids.phone)  # not where this step's answer is
    zh = Translations("zh_Hant_TW", LOCALES_DIR)
    not_yet = zh.ui.gettext("Not this one yet. Choose one of the answers under the words.")
    assert kiosk.screen.feedback_text == not_yet
    assert asked[-1] == (not_yet, "zh_Hant_TW")
