"""The scam lessons added for issue 11 can be found and finished by touch, from the topic list.

They are the topic's fourth to eighth lessons, so the learner pages with "More lessons" to reach
them; each step is answered as a person would (one wrong answer first, then the right one), using
the same solver as test_finish_lessons.
"""

from __future__ import annotations

import pytest

from tests.ui.test_finish_lessons import solve_step, text

pytestmark = pytest.mark.ui

NEW_LESSONS = ["investment-chat-groups", "fake-police-family-calls",
               "fake-parcel-toll-shop-texts", "loan-card-account-rental",
               "ai-made-pictures-videos"]


def open_from_list(kiosk, title):
    """Page through the topic's lessons until the card is on screen, and open it."""
    for _ in range(10):
        if kiosk.shows(title):
            kiosk.tap(title)
            return
        kiosk.tap("More lessons")
    raise AssertionError(f"{title!r} is on no page of the list: {kiosk.texts()}")


@pytest.mark.parametrize("lesson_id", NEW_LESSONS)
def test_finish_a_new_scam_lesson_by_touch(kiosk, lesson_id):
    app = kiosk.app
    lesson = app.library.lessons[lesson_id]
    assert lesson.topic == "misinformation"

    kiosk.start_as_guest()
    kiosk.tap(app.library.topic("misinformation").title)
    open_from_list(kiosk, lesson.title)
    learner = app.learner_id

    wrong_done = False
    for number, step in enumerate(lesson.steps, 1):
        assert kiosk.shows(f"Step {number} of {lesson.step_count}")
        for sentence in step.text:
            assert kiosk.shows(text(kiosk, lesson, sentence))
        wrong_first = step.is_practice and not wrong_done
        hint = solve_step(kiosk, lesson, step, wrong_first=wrong_first)
        wrong_done = wrong_done or hint is not None
        if step.kind == "tap" and step.leads_to:  # the phone moved on, as a real one would
            first = step.leads_to.elements[0]
            assert kiosk.shows(text(kiosk, lesson, first.text)), kiosk.texts()
        kiosk.tap(kiosk.screen.next_label if kiosk.screen_name == "step" else "Next")

    assert kiosk.screen_name == "done"
    assert kiosk.shows(text(kiosk, lesson, lesson.done))
    progress = app.store.progress(learner, lesson.id)
    assert progress.done and progress.step == lesson.step_count
    attempts = app.store.attempts(learner, lesson.id)
    assert {a["step"] for a in attempts if a["correct"]} == set(range(lesson.step_count))
