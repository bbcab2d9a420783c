"""Every character the kiosk can show is in its font: Kivy has no fallback, so a missing one
would be a box on screen."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

from kiosk.config import PROJECT_ROOT
from kiosk.i18n import LANGUAGES, LOCALES_DIR, format_value, language_name
from kiosk.i18n.catalogs import TRANSLATED
from kiosk.lessons import load_library
from tests.conftest import IMAGES, LESSONS

FONTS = PROJECT_ROOT / "assets" / "fonts"


def shown_text() -> dict[str, str]:
    """Every string a learner may see, by where it comes from."""
    texts: dict[str, str] = {}
    for domain in ("kiosk", "lessons"):
        with (LOCALES_DIR / f"{domain}.pot").open("rb") as handle:
            for message in read_po(handle):
                ids = message.id if isinstance(message.id, tuple | list) else [message.id]
                for text in ids:
                    texts[f"{domain}.pot: {text[:30]}"] = str(text)
        for language in TRANSLATED:
            with (LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
                for message in read_po(handle, locale=language):
                    strings = (message.string if isinstance(message.string, tuple | list)
                               else [message.string])
                    for text in strings:
                        texts[f"{language}/{domain}.po: {message.id!s:.30}"] = str(text or "")
    for lesson in load_library(LESSONS, IMAGES).lessons.values():
        for name, value in lesson.values.items():
            for language in LANGUAGES:
                texts[f"{lesson.id} {{{name}}} in {language}"] = format_value(
                    value, locale=language, currency="TWD")
    for language in LANGUAGES:
        texts[f"language name {language}"] = language_name(language)
    from kiosk.ui.widgets.language import SHORT_NAMES  # imported here: it needs the window

    texts["language button"] = SHORT_NAMES
    return texts


@pytest.mark.ui
@pytest.mark.parametrize("font", ["NotoSansTC-Regular.ttf", "NotoSansTC-Bold.ttf"])
def test_every_character_is_in_the_font(kivy_window, font):
    cmap = TTFont(FONTS / font, lazy=True).getBestCmap()
    missing = {}
    for where, text in shown_text().items():
        for char in text:
            if char not in "\n\t" and ord(char) not in cmap:
                missing.setdefault(f"U+{ord(char):04X} {char!r}", where)
    assert missing == {}, f"characters {font} cannot draw (first place each is used): {missing}"


def test_a_character_outside_the_font_is_caught():
    cmap = TTFont(FONTS / "NotoSansTC-Regular.ttf", lazy=True).getBestCmap()
    assert ord("中") in cmap and ord("ệ") in cmap
    assert ord("\U0001F600") not in cmap  # an emoji would be a box: the check above would fail
