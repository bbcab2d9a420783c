"""The order step (issue 15): its first hint goes once the first item is placed, and its grid of
items has even rows, in every language and text size."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui


def open_order_step(kiosk, topic: str, lesson: str) -> None:
    kiosk.open_lesson(topic, lesson)
    player = kiosk.app.player
    player._show(next(i for i, s in enumerate(player.lesson.steps) if s.kind == "order"))
    kiosk.screen.refresh()
    kiosk.frames(3)


def item_button(kiosk, index: int):
    """The button showing the order step's item ``index`` (0: the one to place first)."""
    return next(b for b in kiosk.screen.ids.answers.children
                if getattr(b, "item_index", None) == index)


def test_the_camera_hint_goes_once_the_camera_is_placed(kiosk):
    open_order_step(kiosk, "Mobile payment", "Pay a shop with a QR code")
    first_hint = "Start with the camera. Tapping Pay always comes last."
    kiosk.tap(item_button(kiosk, 3))  # "Tap Pay." first: wrong
    assert kiosk.shows(first_hint)
    kiosk.tap(item_button(kiosk, 0))  # the camera: right
    assert kiosk.shows("Yes. What comes next?") and not kiosk.shows(first_hint)
    kiosk.tap(item_button(kiosk, 3))  # "Tap Pay." again: still too early
    assert not kiosk.shows(first_hint)
    assert kiosk.shows("Not that one yet. You have done: Tap Scan and point the camera at the "
                       "code. What comes next?")
    kiosk.tap("I need help")
    kiosk.tap("Show me a hint")
    assert not kiosk.shows(first_hint)  # the help gives the hint for now, too


def rows(kiosk) -> list[list]:
    grid = kiosk.screen.ids.answers
    buttons = list(reversed(grid.children))
    return [buttons[i:i + grid.cols] for i in range(0, len(buttons), grid.cols)]


@pytest.mark.parametrize("language", ["en", "vi", "id", "zh_Hant_TW"])
@pytest.mark.parametrize("size", ["standard", "largest"])
def test_order_grid_rows_are_even(kiosk, language, size):
    open_order_step(kiosk, "Telehealth", "See the doctor by video call")  # five items
    kiosk.app.set_language(language)
    kiosk.app.set_display(text_size=size)
    kiosk.frames(12)  # let the step's text settle to its fitted size
    assert kiosk.screen.ids.answers.cols == 2
    for row in rows(kiosk):
        if len(row) > 1:
            assert len({round(b.height) for b in row}) == 1, [(b.text, b.height) for b in row]
            assert len({round(b.y) for b in row}) == 1, [(b.text, b.y) for b in row]
