"""For each topic, a learner finishes a whole lesson by touch, including one wrong tap.

The test reads the lesson file to know the right answers, then touches the screen as a person
would: phone elements, option buttons, order items, Real / Fake, Next. It checks what the screen
shows (the hint after the wrong tap, the closing sentence) and what the store then holds.
"""

from __future__ import annotations

import pytest

from kiosk.i18n import fill

pytestmark = pytest.mark.ui

LESSONS = {
    "payment": "pay-shop-qr",
    "telehealth": "book-appointment",
    "misinformation": "fake-bank-government-messages",
}


def phone_element(kiosk, element_id):
    phone = kiosk.screen.ids.phone
    return phone.elements[element_id]


def text(kiosk, lesson, source):
    return fill(source, lesson.values, locale=kiosk.app.settings.language,
                currency=kiosk.app.settings.currency)


def solve_step(kiosk, lesson, step, *, wrong_first):
    """Answer one step by touch. Returns the hint shown after a wrong answer, if any."""
    hint_seen = None
    answers = kiosk.screen.ids.answers
    if step.kind == "tap":
        if wrong_first:
            wrong = next(e for e in step.screen.elements if e.id != step.target)
            kiosk.tap(phone_element(kiosk, wrong.id))
            hint_seen = text(kiosk, lesson, step.hint)
            assert kiosk.shows(hint_seen), kiosk.texts()
            # The hint points the way: the right element is ringed.
            assert phone_element(kiosk, step.target).highlighted
            assert kiosk.find("Next").disabled
        kiosk.tap(phone_element(kiosk, step.target))
    elif step.kind == "choice":
        if wrong_first:
            wrong = next(o for o in step.options if not o.correct)
            kiosk.tap(text(kiosk, lesson, wrong.text), within=answers)
            hint_seen = text(kiosk, lesson, wrong.feedback)
            assert kiosk.shows(hint_seen)
        right = next(o for o in step.options if o.correct)
        kiosk.tap(text(kiosk, lesson, right.text), within=answers)
        assert kiosk.shows(text(kiosk, lesson, right.feedback))
    elif step.kind == "order":
        if wrong_first:
            kiosk.tap(text(kiosk, lesson, step.items[-1]), within=answers)
            hint_seen = text(kiosk, lesson, step.hint)
            assert kiosk.shows(hint_seen)
        for item in step.items:
            kiosk.tap(text(kiosk, lesson, item), within=answers)
    elif step.kind == "spot":
        wrong_label, right_label = (("It is fake", "It is real") if step.answer == "real"
                                    else ("It is real", "It is fake"))
        if wrong_first:
            kiosk.tap(wrong_label, within=answers)
            hint_seen = text(kiosk, lesson, step.hint) if step.hint else "Look again, closely."
            assert kiosk.shows(hint_seen)
        kiosk.tap(right_label, within=answers)
        for sign in step.signs:  # the tell-tale signs are revealed, numbered
            assert kiosk.shows(text(kiosk, lesson, sign.text))
    assert not kiosk.find(kiosk.screen.next_label).disabled, "Next opens after a right answer"
    return hint_seen


@pytest.mark.parametrize("topic", sorted(LESSONS))
def test_finish_a_lesson_by_touch(kiosk, topic):
    app = kiosk.app
    lesson = app.library.lessons[LESSONS[topic]]
    topic_title = app.library.topic(topic).title

    kiosk.start_as_guest()
    kiosk.tap(topic_title)
    kiosk.tap(lesson.title)
    learner = app.learner_id

    wrong_done = False
    for number, step in enumerate(lesson.steps, 1):
        assert kiosk.shows(f"Step {number} of {lesson.step_count}")
        for sentence in step.text:
            assert kiosk.shows(text(kiosk, lesson, sentence))
        wrong_first = step.is_practice and not wrong_done
        hint = solve_step(kiosk, lesson, step, wrong_first=wrong_first)
        wrong_done = wrong_done or hint is not None
        if step.is_practice:  # a practice answer is stored as soon as it is given
            assert app.store.progress(learner, lesson.id).furthest_step == number
        kiosk.tap(kiosk.screen.next_label if kiosk.screen_name == "step" else "Next")
        assert app.store.progress(learner, lesson.id).furthest_step == number

    assert kiosk.screen_name == "done"
    assert kiosk.shows("Well done!")
    assert kiosk.shows(text(kiosk, lesson, lesson.done))
    progress = app.store.progress(learner, lesson.id)
    assert progress.done and progress.step == lesson.step_count
    attempts = app.store.attempts(learner, lesson.id)
    hinted = [a for a in attempts if a["hinted"]]
    assert len(hinted) == 1 and not hinted[0]["correct"], [(a["step"], a["correct"])
                                                           for a in attempts]
    assert {a["step"] for a in attempts if a["correct"]} == set(range(lesson.step_count))

    kiosk.tap("Choose another lesson")
    assert kiosk.screen_name == "lessons"
    card = kiosk.find(lesson.title).parent.parent
    assert card.status == "Done"
