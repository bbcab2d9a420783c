"""Switching language mid-lesson, and hearing each step: tapped like a finger."""

from __future__ import annotations

import pytest

from kiosk.i18n import Translations, fill, language_name
from kiosk.speech.player import SpeechResolver

pytestmark = pytest.mark.ui


def test_switching_language_mid_lesson_redraws_the_step_and_keeps_the_place(kiosk):
    kiosk.open_lesson(steps=5)  # step 6: a choice with the price in it
    app = kiosk.app
    before = app.store.progress(app.learner_id, "pay-shop-qr")
    assert kiosk.shows("Step 6 of 9")

    kiosk.tap("中文 · EN · VI · ID")
    picker = kiosk.app.root_window.children[0]  # the language picker opens on top
    kiosk.tap(kiosk.find(language_name("vi"), within=picker))

    vi = Translations("vi")
    lesson = app.library.lessons["pay-shop-qr"]
    assert kiosk.screen_name == "step"
    assert kiosk.shows(vi.ui.gettext("Step {number} of {total}").format(number=6, total=9))
    for sentence in lesson.steps[5].text:  # money now written the Vietnamese way
        assert kiosk.shows(fill(vi.lessons.gettext(sentence), lesson.values, locale="vi"))
    assert kiosk.shows("120\xa0NT$")  # Vietnamese puts the symbol after, with a no-break space
    after = app.store.progress(app.learner_id, "pay-shop-qr")
    assert (after.step, after.furthest_step) == (before.step, before.furthest_step)
    assert after.language == "vi"


def test_each_step_is_read_aloud_and_can_be_heard_again_and_slower(kiosk):
    kiosk.open_lesson()
    narrator = kiosk.app.narrator
    kiosk.wait_until(lambda: narrator.state == "ready")  # synthesised on the device, off-thread
    assert narrator.playing
    kiosk.tap("Listen again")
    assert narrator.playing
    kiosk.tap("Slower")
    kiosk.wait_until(lambda: "slow" in narrator._sounds)
    assert narrator.playing
    assert narrator._sounds["slow"].length > narrator._sounds["normal"].length
    kiosk.tap("Next")  # a new step stops the old sound and reads the new one
    kiosk.wait_until(lambda: narrator.state == "ready")


def test_no_sound_is_marked_and_the_lesson_still_works(kiosk, tmp_path):
    app = kiosk.app
    app.narrator.resolver.close()
    # No clips anywhere and nothing to synthesise with: the resolver answers "no sound".
    app.narrator.resolver = SpeechResolver(prebuilt=tmp_path / "none", device=tmp_path / "none2",
                                           synthesiser=None)
    kiosk.open_lesson()
    kiosk.wait_until(lambda: app.narrator.state == "none")
    assert kiosk.shows("No sound")
    assert kiosk.find("No sound").disabled
    kiosk.tap("Next")
    assert kiosk.shows("Step 2 of 9")


def test_feedback_is_read_at_once_and_listen_again_still_reads_the_step(kiosk):
    """A learner who cannot read hears why an answer is wrong: the feedback interrupts the
    step's narration, with the lesson's values said from their typed data."""
    kiosk.open_lesson(steps=5)  # step 6: a choice with the price in it
    narrator = kiosk.app.narrator
    kiosk.wait_until(lambda: narrator.state == "ready")
    asked: list[tuple[str, dict]] = []
    real = narrator.resolver.resolve

    def spy(text, language, rate="normal", callback=None, *, values=None):
        asked.append((text, dict(values or {})))
        return real(text, language, rate, callback, values=values)

    narrator.resolver.resolve = spy
    wrong = "The name and the amount both match. It is safe to tap Pay."
    kiosk.tap("Tap Cancel.")
    assert kiosk.shows(wrong)
    kiosk.wait_until(lambda: narrator._said is not None and narrator.playing)
    assert asked[0][0] == wrong and "price" in asked[0][1]
    assert narrator._said.state == "play"
    assert narrator._sounds["normal"].state != "play"  # the step's reading was interrupted
    kiosk.tap("Listen again")
    assert narrator._sounds["normal"].state == "play" and narrator._said.state != "play"


def test_the_hint_from_i_need_help_and_the_closing_words_are_read(kiosk):
    kiosk.open_lesson(steps=1)  # step 2 asks for a tap on the phone: it has a hint
    narrator = kiosk.app.narrator
    kiosk.wait_until(lambda: narrator.state == "ready")
    asked: list[str] = []
    real = narrator.resolver.resolve

    def spy(text, language, rate="normal", callback=None, *, values=None):
        asked.append(text)
        return real(text, language, rate, callback, values=values)

    narrator.resolver.resolve = spy
    kiosk.tap("I need help")
    kiosk.tap("Show me a hint")
    hint = kiosk.app.player.help_text
    assert kiosk.screen.feedback_text == hint
    kiosk.wait_until(lambda: narrator._said is not None and narrator.playing)
    assert asked[-1] == hint

    kiosk.app.finish_lesson()
    kiosk.wait_until(lambda: kiosk.screen_name == "done")
    from kiosk.speech.narration import closing_narration

    closing = closing_narration(kiosk.app.player)
    assert kiosk.app.player.text(kiosk.app.player.lesson.done) in closing
    kiosk.wait_until(lambda: narrator._text == closing and narrator.state == "ready")


def shown_answers(kiosk) -> list[str]:
    """The answer buttons' words, top to bottom (left to right in two columns)."""
    return [button.text for button in reversed(kiosk.screen.ids.answers.children)]


def test_the_choices_and_the_items_to_order_are_read_as_the_screen_shows_them(kiosk):
    """A learner who cannot read hears the answers too: after the step's words, each choice
    counted from the top, and the items to order in the shuffled order they are shown in, with
    their places once placed (also after a language switch)."""
    kiosk.open_lesson(steps=5)  # step 6: a choice with two answers
    narrator = kiosk.app.narrator
    player = kiosk.app.player
    choices = shown_answers(kiosk)
    assert len(choices) == 2
    expected = " ".join([*player.sentences, *(f"Answer {number}: {text}"
                                              for number, text in enumerate(choices, 1))])
    assert narrator._text == expected

    right = next(o for o in player.step.options if o.correct)
    kiosk.tap(player.text(right.text))
    kiosk.tap("Next")
    right = next(o for o in player.step.options if o.correct)
    kiosk.tap(player.text(right.text))
    kiosk.tap("Next")  # step 8: put four sentences in order
    step = player.step
    assert step.kind == "order"
    items = shown_answers(kiosk)
    assert items != [player.text(item) for item in step.items]  # shuffled on screen
    assert narrator._text == " ".join([*player.sentences, *items])

    kiosk.tap(player.text(step.items[0]))  # the first one, placed: "1.  ..." on its button
    kiosk.tap("中文 · EN · VI · ID")
    kiosk.tap(kiosk.find(language_name("vi"), within=kiosk.popups()[0]))
    items = shown_answers(kiosk)
    assert sum(text.startswith("1.  ") for text in items) == 1
    assert narrator._language == "vi"
    assert narrator._text == " ".join([*player.sentences, *items])
