"""Chinese lines break where a reader expects (issue 15): "繁體中文（台灣）" never splits inside
its parentheses, and no line starts with closing punctuation such as "。" — in what is actually
laid out on screen, at every text size."""

from __future__ import annotations

import itertools

import pytest
from kivy.uix.label import Label

from tests.ui.driver import visible, walk

pytestmark = pytest.mark.ui

# UAX #14 classes CL, CP, EX, IS, NS in the forms Chinese text uses: never at a line's start.
CLOSING = set("。，、．：；！？）」』】〕〉》…")
OPENING = set("（「『【〔〈《")


def laid_out_lines(label: Label) -> list[str]:
    label.texture_update()
    return ["".join(word.text for word in line.words) for line in label._label._cached_lines]


def bad_breaks(kiosk) -> list[tuple[str, list[str]]]:
    """Every visible label whose laid-out lines start with closing punctuation or end with an
    opening one."""
    found = []
    roots = [*kiosk.popups(), kiosk.screen]
    for widget in (w for root in roots for w in walk(root)):
        if not isinstance(widget, Label) or not widget.text or not visible(widget):
            continue
        lines = [line for line in laid_out_lines(widget) if line.strip()]
        for before, after in itertools.pairwise(lines):
            if after.lstrip()[0] in CLOSING or before.rstrip()[-1] in OPENING:
                found.append((widget.text, lines))
                break
    return found


@pytest.mark.parametrize("size", ["standard", "large", "largest"])
def test_the_chinese_name_never_wraps_inside_its_brackets(kiosk, size):
    kiosk.app.set_display(text_size=size)
    kiosk.app.set_language("zh_Hant_TW")
    kiosk.frames(3)
    name = kiosk.find("繁體中文（台灣）")
    lines = laid_out_lines(name)
    assert any("（台灣）" in line for line in lines), lines
    assert name.text == "繁體中文（台灣）"  # only the drawing has line breaks, not the text


@pytest.mark.parametrize("size", ["standard", "largest"])
def test_no_line_of_a_chinese_lesson_starts_with_closing_punctuation(kiosk, size):
    kiosk.app.set_language("zh_Hant_TW")
    kiosk.app.set_display(text_size=size)
    kiosk.tap("請輕觸螢幕開始")
    kiosk.app.start_learning()
    kiosk.app.open_lesson("pay-shop-qr")
    kiosk.frames(3)
    player = kiosk.app.player
    problems = []
    for index in range(player.lesson.step_count):
        player._show(index)
        kiosk.screen.refresh()
        kiosk.frames(4)
        problems += bad_breaks(kiosk)
        if player.step.kind == "choice":  # and each answer's feedback
            options = player.step.options
            for option in sorted(range(len(options)), key=lambda i: options[i].correct):
                player.choose(option)
                kiosk.screen._draw_answer()
                kiosk.frames(4)
                problems += bad_breaks(kiosk)
    assert problems == []
