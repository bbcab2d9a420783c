"""The step screen as an older learner meets it (issue 15), tapped like a finger: the bottom bar
always fits, there is a way home from every step, an answer survives a language or text size
change, and the header grows with the text."""

from __future__ import annotations

import pytest
from kivy.core.window import Window
from kivy.uix.behaviors import ButtonBehavior

from kiosk.i18n import LANGUAGES, Translations, language_name
from kiosk.speech.player import SpeechResolver
from kiosk.ui.theme import TEXT_SCALES
from tests.ui.driver import visible

pytestmark = pytest.mark.ui


def silence(app, tmp_path):
    """The kiosk with no sound at all (no clips, no synthesiser): "Listen again" becomes
    "No sound", the longest state of the bar."""
    app.narrator.resolver.close()
    app.narrator.resolver = SpeechResolver(prebuilt=tmp_path / "none", device=tmp_path / "none2",
                                           synthesiser=None)


def bar_problems(screen) -> list[str]:
    """Every bar button wholly on screen, its words wholly inside it."""
    problems = []
    bar = screen.ids.next.parent
    for button in [c for c in bar.children if isinstance(c, ButtonBehavior)]:
        x, y = button.to_window(button.x, button.y)
        where = f"{button.text!r} at ({x:.0f}, {y:.0f}, {button.width:.0f}x" \
                f"{button.height:.0f})"
        if x < 0 or y < 0 or x + button.width > Window.width or y + button.height > Window.height:
            problems.append(f"{where} is not wholly on screen")
        if button.texture_size[0] > button.width + 1 or button.texture_size[1] > button.height + 1:
            problems.append(f"{where}: its words ({button.texture_size}) are cut")
        button.texture_update()
        lines = [line for line in button._label._cached_lines
                 if "".join(word.text for word in line.words).strip()]
        if len(lines) > 2:  # sized for two lines, drawn on more (issue 15 with BudouX)
            problems.append(f"{where}: its words take {len(lines)} lines")
    return problems


def test_a_chinese_bar_button_is_sized_only_for_breaks_the_labels_make():
    """The labels break Chinese between phrases (kiosk.line_breaks): the bar must not size
    "再聽一次" for "再聽 / 一次", which the labels draw as "再 / 聽一 / 次", three lines."""
    from kiosk.line_breaks import wrap
    from kiosk.ui.widgets.fit_bar import two_line_splits

    for text in ("再聽一次", "我需要幫忙", "所有課程", "沒有聲音", "上一步"):
        for first, second in two_line_splits(text):
            width = max(len(first), len(second))
            drawn = wrap(text, lambda line, width=width: len(line) <= width)
            assert len(drawn.split("\n")) <= 2, (text, first, second, drawn)
    assert two_line_splits("Listen again") == [("Listen", "again")]


def test_the_bar_fits_in_every_language_size_and_without_sound(kiosk, tmp_path):
    """Indonesian without sound showed "Lanj" for Next at the standard size, and no Next at all
    at the largest. Every language, every size, sound and no sound: Next is there to tap."""
    app = kiosk.app
    kiosk.start_as_guest()
    lesson = app.library.lessons["receive-money"]
    index = 8  # step 9: a choice, the longest bar words of the example
    problems = []
    for sound in (True, False):
        if not sound:
            silence(app, tmp_path)
        for language in LANGUAGES:
            for size in TEXT_SCALES:
                app.set_language(language)
                app.set_display(text_size=size)
                app.open_lesson(lesson.id)
                app.player._show(index)
                screen = app.screen("step")
                screen.refresh()
                if not sound:
                    kiosk.wait_until(lambda: app.narrator.state == "none")
                kiosk.frames(3)
                found = bar_problems(screen)
                problems += [f"{language} {size} sound={sound}: {p}" for p in found]
                if not found:  # and a finger can use it: answer, then Next
                    right = next(b for b in screen.ids.answers.children
                                 if lesson.steps[index].options[b.option_index].correct)
                    kiosk.tap(right)
                    kiosk.tap(screen.ids.next)
                    if app.player.index != index + 1:
                        problems.append(f"{language} {size} sound={sound}: Next did not work")
    assert problems == []


def answer_by_finger(kiosk):
    """Answer the step on screen rightly, by touch, as a learner would."""
    player = kiosk.app.player
    step = player.step
    if step.kind == "tap":
        kiosk.tap(kiosk.screen.ids.phone.elements[step.target])
    elif step.kind == "choice":
        kiosk.tap(player.text(next(o for o in step.options if o.correct).text))
    elif step.kind == "order":
        for item in step.items:
            kiosk.tap(player.text(item))
    elif step.kind == "spot":
        kiosk.tap("It is fake" if step.answer == "fake" else "It is real")


def walk(kiosk, steps):
    """``steps`` steps on from where the learner is, each answered, then Next."""
    for _ in range(steps):
        answer_by_finger(kiosk)
        kiosk.tap(kiosk.screen.ids.next)


def test_all_lessons_leaves_midway_and_the_list_shows_the_real_place(kiosk):
    kiosk.open_lesson()
    walk(kiosk, 6)  # on step 7 of 9
    assert kiosk.shows("Step 7 of 9")
    kiosk.tap("All lessons")
    assert kiosk.screen_name == "lessons"
    assert kiosk.shows("Step 7 of 9")  # not "Step 1 of 9"
    kiosk.tap("Pay a shop with a QR code")
    assert kiosk.screen_name == "step" and kiosk.shows("Step 7 of 9")


def test_all_lessons_is_on_every_step(kiosk):
    kiosk.open_lesson()
    app = kiosk.app
    lesson = app.player.lesson
    for number in range(1, lesson.step_count + 1):
        assert kiosk.shows(f"Step {number} of {lesson.step_count}")
        assert visible(kiosk.find("All lessons"))
        if number < lesson.step_count:
            walk(kiosk, 1)


def choose_language(kiosk, code):
    kiosk.tap("中文 · EN · VI · ID")
    picker = kiosk.popups()[0]
    kiosk.tap(kiosk.find(language_name(code), within=picker))


def choose_size(kiosk, size):
    kiosk.tap("Aa")
    picker = kiosk.popups()[0]
    kiosk.tap(picker.ids[{"standard": "small", "large": "middle", "largest": "big"}[size]])
    if kiosk.popups():  # the picker stays open to try another size; close it
        kiosk.popups()[0].dismiss(animation=False)
        kiosk.frames(2)


def test_a_choice_answer_survives_a_language_and_a_text_size_change(kiosk):
    kiosk.open_lesson()
    walk(kiosk, 5)  # step 6: a choice
    app = kiosk.app
    screen = kiosk.screen
    step = app.player.step
    assert step.kind == "choice"
    wrong = next(o for o in step.options if not o.correct)
    kiosk.tap(app.player.text(wrong.text))
    assert kiosk.shows(app.player.text(wrong.feedback))
    choose_language(kiosk, "vi")
    vi = Translations("vi")
    # The hint is still there, in Vietnamese; Next still closed (nothing right yet).
    assert screen.feedback_kind == "hint"
    assert screen.feedback_text == app.player.text(wrong.feedback)
    assert screen.feedback_text != wrong.feedback
    assert not screen.can_go_next
    # The options still answer a finger.
    right = next(o for o in step.options if o.correct)
    kiosk.tap(app.player.text(right.text))
    assert screen.feedback_kind == "right" and screen.can_go_next
    choose_size(kiosk, "largest")
    assert screen.feedback_kind == "right"
    assert screen.feedback_text == app.player.text(right.feedback)
    chosen = kiosk.find(app.player.text(right.text))
    assert chosen.style == "primary"  # the right option stays marked
    assert screen.can_go_next
    kiosk.tap(vi.ui.gettext("Next"))
    assert app.player.index == 6


def test_spot_signs_and_a_tap_hint_survive_a_language_change(kiosk):
    app = kiosk.app
    lesson, index = next((lesson, i) for lesson in app.library.lessons.values()
                         for i, s in enumerate(lesson.steps) if s.kind == "spot" and s.signs
                         and lesson.order <= 3)  # on the topic's first page
    topic = app.library.topic(lesson.topic)
    kiosk.open_lesson(topic=topic.title, lesson=lesson.title)
    walk(kiosk, index)
    kiosk.tap("It is fake" if lesson.steps[index].answer == "fake" else "It is real")
    first_sign = app.player.text(lesson.steps[index].signs[0].text)
    assert kiosk.shows(first_sign)
    kiosk.frames(12)  # the words settle to fit over a few frames; a person is slower still
    choose_language(kiosk, "id")
    assert kiosk.shows(app.player.text(lesson.steps[index].signs[0].text))
    assert kiosk.screen.feedback_kind == "right" and kiosk.screen.can_go_next
    assert Translations("id").ui.gettext("It is fake") not in kiosk.texts()  # signs instead



def test_a_wrong_tap_hint_survives_a_text_size_change(kiosk):
    kiosk.open_lesson(steps=1)  # step 2: tap Scan
    app = kiosk.app
    step = app.player.step
    assert step.kind == "tap"
    phone = kiosk.screen.ids.phone
    kiosk.tap(phone.elements["receive"])
    hint = app.player.text(step.hint)
    assert kiosk.shows(hint) and phone.highlight == step.target
    choose_size(kiosk, "large")
    # The hint and the pointer on the phone stay; the phone still answers the right tap.
    assert kiosk.shows(hint) and phone.highlight == step.target
    assert not kiosk.screen.can_go_next
    kiosk.tap(phone.elements[step.target])
    assert kiosk.screen.feedback_kind == "right" and kiosk.screen.can_go_next


def test_the_header_grows_with_the_text_and_the_title_is_never_cut(kiosk):
    app = kiosk.app
    kiosk.start_as_guest()
    sizes = {}
    for size in ("standard", "largest"):
        for language in LANGUAGES:
            app.set_language(language)
            app.set_display(text_size=size)
            for lesson in app.library.lessons.values():
                app.open_lesson(lesson.id)
                kiosk.screen.refresh()
                kiosk.frames(3)
                title = kiosk.screen.ids.lesson_title
                assert title.text == app.player.text(lesson.title)
                assert not title.shorten, "the title is cut with …"
                assert title.texture_size[1] <= title.height + 1
                assert title.texture_size[0] <= title.width + 1, (language, title.text)
        # A short title (English, the first lesson) has room to grow with the text.
        app.set_language("en")
        app.open_lesson("pay-shop-qr")
        kiosk.screen.refresh()
        kiosk.frames(3)
        ids = kiosk.screen.ids
        sizes[size] = (ids.step_label.font_size, ids.lesson_title.font_size)
    assert sizes["largest"][0] > sizes["standard"][0]
    assert sizes["largest"][1] > sizes["standard"][1]


@pytest.mark.parametrize("kind", ["choice", "spot"])
def test_choice_and_spot_steps_keep_the_chosen_text_size_when_it_fits(kiosk, kind):
    """Body text comes down only when the words truly do not fit (then at most to 75% of the
    standard size)."""
    app = kiosk.app
    kiosk.start_as_guest()
    app.set_display(text_size="largest")
    shrunk = []
    for lesson in app.library.lessons.values():
        for index, step in enumerate(lesson.steps):
            if step.kind != kind:
                continue
            app.open_lesson(lesson.id)
            app.player._show(index)
            screen = app.screen("step")
            screen.refresh()
            kiosk.frames(12)
            if screen.text_scale < 1:
                # Shrunk: then the words at full size must really overflow the column.
                left = screen.ids.left
                screen.text_scale = 1.0
                kiosk.frames(2)
                needed = screen._fitter.needed(left)
                if needed <= left.height:
                    shrunk.append(f"{lesson.id} step {index + 1}: needs {needed:.0f} of "
                                  f"{left.height:.0f}px at full size")
    assert shrunk == []
