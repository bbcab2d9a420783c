"""The language chooser says what it is and has a way out (issue 15), in the language on screen,
with targets of at least 15 mm."""

from __future__ import annotations

import pytest

from kiosk.i18n import language_name
from kiosk.ui.widgets.language import SHORT_NAMES

pytestmark = pytest.mark.ui


def open_picker(kiosk):
    kiosk.tap(SHORT_NAMES)
    [picker] = kiosk.popups()
    return picker


@pytest.mark.parametrize(("language", "title", "close"), [
    ("en", "Choose your language", "Close"),
    ("zh_Hant_TW", "請選擇語言", "關閉"),
])
def test_the_language_chooser_has_a_title_and_closes_without_changing_anything(
        kiosk, language, title, close):
    kiosk.app.set_language(language)
    kiosk.app.start_learning()  # the topics screen, with the language button on it
    kiosk.frames(3)
    before = kiosk.screen_name
    picker = open_picker(kiosk)
    assert kiosk.find(title, within=picker)
    button = kiosk.find(close, within=picker)
    touch = kiosk.app.theme.touch  # 15 mm on the configured panel
    assert button.height >= touch and button.width >= touch
    for code in kiosk.app.offered_languages:
        assert kiosk.find(language_name(code), within=picker).height >= touch
    kiosk.tap(button)
    kiosk.frames(3)
    assert kiosk.popups() == []
    assert kiosk.app.language == language and kiosk.screen_name == before


def test_the_language_chooser_fits_the_screen_at_the_largest_size(kiosk):
    from kivy.core.window import Window

    kiosk.app.set_display(text_size="largest")
    kiosk.app.set_language("vi")  # the longest title
    kiosk.app.start_learning()
    kiosk.frames(3)
    picker = open_picker(kiosk)
    kiosk.frames(3)
    box = picker.ids.choices
    assert box.y >= 0 and box.top <= Window.height
    assert picker.ids.close.y >= box.y and picker.ids.title.top <= box.top
