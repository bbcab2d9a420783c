"""The lesson player decides every answer; tested here without a window."""

from __future__ import annotations

import pytest

from kiosk.lessons import load_library
from kiosk.player import LessonPlayer
from kiosk.progress import ProgressStore, StorageError
from tests.conftest import IMAGES, LESSONS

LIBRARY = load_library(LESSONS, IMAGES)
LESSON = LIBRARY.lessons["pay-shop-qr"]


@pytest.fixture
def store(tmp_path):
    store = ProgressStore.open(tmp_path / "progress.db")
    yield store
    store.close()


@pytest.fixture
def player(store):
    learner = store.new_guest()
    store.start_session(learner)
    return LessonPlayer.begin(store, LESSON, learner, language="en")


def step_index(kind):
    return next(i for i, s in enumerate(LESSON.steps) if s.kind == kind)


def test_explain_step_moves_on_with_next(player, store):
    assert player.step.kind == "explain" and player.answered
    assert player.step_label == "Step 1 of 9"
    assert player.next()
    assert player.index == 1
    assert store.progress(player.learner_id, LESSON.id).step == 1


def test_wrong_tap_gives_the_hint_and_points_at_the_target(player, store):
    player.next()
    step = player.step
    assert step.kind == "tap"
    feedback = player.tap("receive")
    assert feedback.kind == "hint"
    assert feedback.text == "Look for the button with the word Scan."
    assert feedback.point_at == "scan"
    assert not player.answered
    assert player.tap(None).kind == "hint"  # a near miss on the phone's background
    right = player.tap("scan")
    assert right.right and right.text == "Well done. The camera is now open."
    assert player.answered
    assert right.screen is not None and right.screen.name == "camera"  # the phone moves on
    attempts = store.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    # Once solved, a tap still gets an answer, but changes nothing and is not saved.
    again = player.tap("receive")
    assert again.text == "You have done this step. Tap Next when you are ready."
    assert store.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == attempts
    assert player.feedback == right and player.answer_shown == ("tap", "scan")


def test_next_is_refused_until_a_practice_step_is_solved(player):
    player.next()
    assert player.next() and player.index == 1  # stays: not answered
    player.tap("scan")
    player.next()
    assert player.index == 2


def test_choice_feedback_and_values_in_text(player):
    # The choice whose sentence carries a value ({price}), not the name check before it.
    player._show(next(i for i, s in enumerate(LESSON.steps)
                      if s.kind == "choice" and "{price}" in s.text[0]))
    assert player.sentences[0] == "The shop asked for NT$120."
    wrong = next(i for i, o in enumerate(player.step.options) if not o.correct)
    assert player.choose(wrong).kind == "hint"
    right = next(i for i, o in enumerate(player.step.options) if o.correct)
    assert player.choose(right).right


def test_order_is_shuffled_stably_and_answered_item_by_item(player):
    player._show(step_index("order"))
    shown = player.order_items
    assert shown != sorted(shown) and shown == player.order_items
    assert player.pick(2).kind == "hint"
    assert player.pick(0).right and not player.answered
    assert player.pick(0) is None  # already placed
    for item in range(1, len(player.step.items)):
        feedback = player.pick(item)
    assert feedback.text == "Well done. That is the right order."
    assert player.answered


def test_finishing_the_last_step_finishes_the_lesson(player, store):
    for index in range(LESSON.step_count):
        assert player.index == index
        step = player.step
        if step.kind == "tap":
            player.tap(step.target)
        elif step.kind == "choice":
            player.choose([o.correct for o in step.options].index(True))
        elif step.kind == "order":
            for item in range(len(step.items)):
                player.pick(item)
        elif step.kind == "spot":
            player.spot(step.answer)
        if index < LESSON.step_count - 1:
            assert player.next()
    assert player.next() is False
    assert player.finished
    assert store.progress(player.learner_id, LESSON.id).done


def test_resume_opens_the_step_where_the_learner_was(player, store):
    player.next()
    player.tap("scan")
    player.next()
    again = LessonPlayer.begin(store, LESSON, player.learner_id, language="en")
    assert again.index == 2
    again.back()
    assert again.answered  # solved on an earlier visit: Next is open at once


def test_a_storage_failure_does_not_stop_the_lesson(player, store, monkeypatch):
    def broken(*args, **kwargs):
        raise StorageError("The kiosk's storage is full, so this step was not saved.")

    monkeypatch.setattr(store, "answer", broken)
    assert player.next()
    assert player.index == 1
    assert "storage is full" in player.storage_problem
    assert player.tap("scan").right and player.answered


def test_help_text_for_every_step_kind():
    store = ProgressStore.in_memory()
    learner = store.new_guest()
    for lesson in LIBRARY.lessons.values():
        player = LessonPlayer.begin(store, lesson, learner, language="en")
        for index in range(lesson.step_count):
            player._show(index)
            assert player.help_text.strip()
            assert "{" not in player.help_text
            for sentence in player.sentences:
                assert "{" not in sentence, (lesson.id, index, sentence)


def answer_right(player):
    step = player.step
    if step.kind == "tap":
        return player.tap(step.target)
    if step.kind == "choice":
        return player.choose([o.correct for o in step.options].index(True))
    if step.kind == "order":
        return [player.pick(item) for item in range(len(step.items))][-1]
    return player.spot(step.answer)


@pytest.mark.parametrize("kind", ["tap", "choice", "order", "spot"])
def test_a_restart_reopens_an_answered_step_with_its_feedback(store, kind):
    """Answered but not moved on from, then the plug is pulled: the same step comes back,
    answered, its feedback shown, Next open (not the next, unseen step)."""
    # (Not a last step: answering that finishes the lesson.)
    lesson, index = next((lesson, i) for lesson in LIBRARY.lessons.values()
                         for i, s in enumerate(lesson.steps[:-1]) if s.kind == kind)
    learner = store.new_guest()
    player = LessonPlayer.begin(store, lesson, learner, language="en")
    for _ in range(index):
        if player.step.is_practice:
            answer_right(player)
        player.next()
    assert player.index == index
    said = answer_right(player)
    again = LessonPlayer.begin(store, lesson, learner, language="en")
    assert again.index == index
    assert again.answered and again.solved_here
    assert again.feedback == said
    if kind == "choice":
        assert lesson.steps[index].options[again.chosen].correct
    if kind == "order":
        assert again.picked == list(range(len(lesson.steps[index].items)))
    assert again.next() and again.index == index + 1


def test_the_feedback_follows_a_language_switch(player):
    player._show(step_index("choice"))
    wrong = next(i for i, o in enumerate(player.step.options) if not o.correct)
    english = player.choose(wrong)
    player.language = "vi"
    try:
        from kiosk.config import load_settings
        from kiosk.i18n import set_language

        set_language("vi", load_settings(environ={}).locales_dir)
        again = player.feedback
    finally:
        player.language = "en"  # the lesson's words follow the player's language, too
        set_language("en", load_settings(environ={}).locales_dir)
    assert again.kind == "hint" and again.text != english.text and again.text
    assert player.chosen == wrong and not player.answered  # still free to try again
    assert player.feedback == english


def test_leaving_midway_keeps_the_real_place(player, store):
    for _ in range(4):
        if player.step.is_practice:
            answer_right(player)
        player.next()
    answer_right(player) if player.step.is_practice else None
    place = store.progress(player.learner_id, LESSON.id)
    player.leave()  # "Lessons" on step 5: the place stays
    assert store.progress(player.learner_id, LESSON.id) == place
    for _ in range(4):
        player.back()  # back to step 1 to re-read, then out
    assert store.progress(player.learner_id, LESSON.id).step == 0
    player.leave()
    back_at = store.progress(player.learner_id, LESSON.id)
    assert back_at.step == back_at.furthest_step == place.furthest_step


@pytest.mark.parametrize("kind", ["explain", "choice", "spot"])
def test_a_tap_on_the_phone_on_any_step_gets_a_kind_answer(store, kind):
    lesson, index = next((lesson, i) for lesson in LIBRARY.lessons.values()
                         for i, s in enumerate(lesson.steps) if s.kind == kind and s.screen)
    learner = store.new_guest()
    player = LessonPlayer.begin(store, lesson, learner, language="en")
    player._show(index)
    for element in (*(e.id for e in player.step.screen.elements), None):
        feedback = player.tap(element)
        assert feedback.kind == "hint" and feedback.text.startswith("Not this one yet.")
        assert feedback.screen is None and not feedback.point_at
    assert store.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 0  # not answers
    assert player.answer_shown is None and player.feedback is None


def test_a_tap_step_without_leads_to_keeps_its_screen(player):
    index = next(i for i, s in enumerate(LESSON.steps) if s.kind == "tap" and not s.leads_to)
    player._show(index)
    assert player.tap(player.step.target).screen is None


def test_the_order_hint_moves_on_once_the_first_item_is_placed(player):
    player._show(step_index("order"))
    step = player.step
    first_hint = "Start with the camera. Tapping Pay always comes last."
    assert player.pick(3).text == first_hint and player.help_text == first_hint
    assert player.pick(0).right  # the camera item is placed
    later = player.pick(3)
    assert later.kind == "hint" and "camera" not in later.text.split(":")[0]
    assert later.text == ("Not that one yet. You have done: Tap Scan and point the camera at "
                          "the code. What comes next?")
    assert player.help_text == later.text  # "I need help" says the same, not the first hint
    assert step.items[0] in later.text


def test_taps_that_are_not_answers_leave_the_kept_answer(player, store):
    """'Not this one yet' on a choice step, 'You have done this step' on a solved tap step: shown,
    but not answers: nothing saved, and the answer the screen redraws stays the learner's own."""
    player._show(step_index("choice"))
    wrong = next(i for i, o in enumerate(player.step.options) if not o.correct)
    kept = player.choose(wrong)
    attempts = store.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    assert player.tap(None).text.startswith("Not this one yet.")
    assert player.feedback == kept and player.chosen == wrong
    player._show(step_index("tap"))
    said = player.tap(player.step.target)
    assert player.tap(player.step.target).text.startswith("You have done this step.")
    assert player.feedback == said
    assert store.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == attempts + 1


def test_a_kept_tap_answer_keeps_the_phone_on_its_next_screen(store):
    """A tap step with leads_to: the redrawn (or resumed) answer moves the phone on again."""
    lesson, index = next((lesson, i) for lesson in LIBRARY.lessons.values()
                         for i, s in enumerate(lesson.steps[:-1])
                         if s.kind == "tap" and s.leads_to)
    learner = store.new_guest()
    player = LessonPlayer.begin(store, lesson, learner, language="en")
    for _ in range(index):
        if player.step.is_practice:
            answer_right(player)
        player.next()
    said = player.tap(player.step.target)
    assert said.screen is not None and said.screen == lesson.steps[index].leads_to
    assert player.feedback is not None and player.feedback.screen == said.screen
    again = LessonPlayer.begin(store, lesson, learner, language="en")
    assert again.index == index and again.feedback == said


def test_a_wrong_order_pick_is_redrawn_with_the_hint_for_where_the_learner_is(player):
    player._show(step_index("order"))
    assert player.pick(0).right
    hint = player.pick(3)
    assert player.feedback == hint and hint.text.startswith("Not that one yet.")
