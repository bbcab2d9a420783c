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
    assert player.last_feedback == right


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
    assert player.last_feedback is None


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
