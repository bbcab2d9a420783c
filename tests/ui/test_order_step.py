"""The order step (issue 15): its first hint goes once the first item is placed, and its grid of
items has even rows and no lone button on its last row, in every language and text size."""

from __future__ import annotations

import pytest

from kiosk.config import load_settings
from kiosk.lessons import load_library
from kiosk.ui.screens.step import order_columns

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


def assert_balanced(kiosk) -> None:
    """In one column, or with no lone button on the last row and each row's buttons one height,
    side by side."""
    found = rows(kiosk)
    assert kiosk.screen.ids.answers.cols == 1 or len(found[-1]) > 1, [
        [b.text for b in row] for row in found]
    for row in found:
        if len(row) > 1:
            assert len({round(b.height) for b in row}) == 1, [(b.text, b.height) for b in row]
            assert len({round(b.y) for b in row}) == 1, [(b.text, b.y) for b in row]


@pytest.mark.parametrize("language", ["en", "vi", "id", "zh_Hant_TW"])
@pytest.mark.parametrize("size", ["standard", "largest"])
def test_order_grid_rows_are_even(kiosk, language, size):
    open_order_step(kiosk, "Telehealth", "See the doctor by video call")  # five items
    kiosk.app.set_language(language)
    kiosk.app.set_display(text_size=size)
    kiosk.frames(12)  # let the step's text settle to its fitted size
    assert kiosk.screen.ids.answers.cols == 3  # 3 + 2, not 2 + 2 + 1
    assert_balanced(kiosk)
    for index in range(5):  # placed and numbered ("1.  ..."): still even, still balanced
        kiosk.tap(item_button(kiosk, index))
    kiosk.frames(12)
    assert kiosk.shows(kiosk.app.translate("Well done. That is the right order.",
                                           kiosk.app.language))
    assert_balanced(kiosk)


_settings = load_settings(environ={})
_library = load_library(_settings.lessons_dir, _settings.images_dir)
ORDER_LESSONS = [lesson for lesson in _library.lessons.values()
                 if any(step.kind == "order" for step in lesson.steps)]


@pytest.mark.parametrize("size", ["standard", "large", "largest"])
@pytest.mark.parametrize("lesson", ORDER_LESSONS, ids=lambda lesson: lesson.id)
def test_every_order_grid_is_balanced_and_fits(kiosk, size, lesson):
    """Every order step in the lessons, at each text size, in Vietnamese (the longest words of
    an order step's items): no lone last button, even rows, every item whole on the screen."""
    from tests.ui.test_layout import general_overflows

    app = kiosk.app
    app.set_language("vi")
    app.set_display(text_size=size)
    app.start_learning()
    app.open_lesson(lesson.id)
    app.player._show(next(i for i, s in enumerate(lesson.steps) if s.kind == "order"))
    kiosk.screen.refresh()
    kiosk.frames(12)
    count = len(kiosk.screen.ids.answers.children)
    assert kiosk.screen.ids.answers.cols == order_columns(count)
    assert_balanced(kiosk)
    assert general_overflows(kiosk.screen) == []


@pytest.mark.parametrize("count", range(3, 10))
def test_order_columns_leave_no_lone_button(count):
    cols = order_columns(count)
    assert cols == 1 or count % cols != 1
    assert cols <= 4  # still wide enough for a sentence
