"""For each topic, a guest takes the before-check, the lessons and the after-check by touch.

The before-check is offered at the first lesson of the topic; the learner answers the first item
wrongly and the rest rightly, picks a face, and sees what they did right, then the lesson opens.
The topic's other lessons are marked done in the store, and the last is taken by touch (the same
solver as test_finish_lessons); its Next offers the after-check on the other form. The store
must hold both checks: forms, items right, confidence, and the day only.
"""

from __future__ import annotations

import pytest

from kiosk.check_player import CONFIDENCE_CHOICES
from tests.ui.test_finish_lessons import solve_step

pytestmark = pytest.mark.ui


def answer_items(kiosk, *, wrong_first: bool) -> list[str]:
    """Answer every item of the check on screen by touch; returns the "can" sentences of the
    items answered right."""
    check = kiosk.app.check_player
    form = check.form
    right_can = []
    for index, step in enumerate(form.steps):
        assert kiosk.shows(f"Question {index + 1} of {form.item_count}")
        for sentence in step.text:
            assert kiosk.shows(check.text(sentence)), kiosk.texts()
        wrong = wrong_first and index == 0
        answers = kiosk.screen.ids.answers
        if step.kind == "tap":
            phone = kiosk.screen.ids.phone
            target = (next(e.id for e in step.screen.elements if e.id != step.target) if wrong
                      else step.target)
            kiosk.tap(phone.elements[target])
        elif step.kind == "choice":
            option = next(o for o in step.options if o.correct != wrong)
            kiosk.tap(check.text(option.text), within=answers)
        else:
            said = step.answer if not wrong else ("real" if step.answer == "fake" else "fake")
            kiosk.tap("It is real" if said == "real" else "It is fake", within=answers)
        # Nothing says right or wrong: the next item (or the faces) follows.
        assert not kiosk.shows(check.text(step.hint)) if step.hint else True
        if not wrong:
            right_can.append(check.text(form.can[index]))
    return right_can


def take_check(kiosk, *, phase: str, wrong_first: bool, face: int) -> list[str]:
    assert kiosk.screen_name == "check"
    assert kiosk.shows("Let's see what you already know")
    assert kiosk.app.check_player.phase == phase
    kiosk.tap("Start")
    can = answer_items(kiosk, wrong_first=wrong_first)
    assert kiosk.shows("How sure are you that you could do this on your own phone?")
    kiosk.tap(CONFIDENCE_CHOICES[face - 1])
    assert kiosk.shows("Thank you.") and kiosk.shows("Now you can:")
    for sentence in can:
        assert kiosk.shows(sentence), kiosk.texts()
    assert not any("%" in t or "score" in t.lower() for t in kiosk.texts())
    kiosk.tap("Go on")
    return can


@pytest.mark.parametrize("topic", ["payment", "telehealth", "misinformation"])
def test_before_lessons_after_by_touch(make_kiosk, topic):
    kiosk = make_kiosk(checks=True)
    app = kiosk.app
    lessons = app.library.lessons_in(topic)
    first = lessons[0]
    kiosk.start_as_guest()
    kiosk.tap(app.library.topic(topic).title)
    kiosk.tap(first.title)
    learner = app.learner_id
    take_check(kiosk, phase="before", wrong_first=True, face=2)
    # The lesson opens after the check.
    assert kiosk.screen_name == "step" and app.player.lesson.id == first.id
    before = app.check_results.record(learner, topic, "before")
    assert before.done and before.confidence == 2
    assert before.items_right == before.item_count - 1 and before.day.count("-") == 2
    assert len(before.day) == 10  # the day only

    # The other lessons are done already (in the store); the first is the last to finish.
    store = app.store
    for lesson in lessons[1:]:
        store.begin_lesson(learner, lesson.id, version=lesson.version,
                           step_count=lesson.step_count, language="en")
        for step in range(lesson.step_count):
            store.answer(learner, lesson.id, step=step, correct=True)
    for step in first.steps:
        solve_step(kiosk, first, step, wrong_first=False)
        kiosk.tap(kiosk.screen.next_label)
    take_check(kiosk, phase="after", wrong_first=False, face=4)
    assert kiosk.screen_name == "done" and kiosk.shows("Well done!")

    after = app.check_results.record(learner, topic, "after")
    assert after.done and after.confidence == 4 and after.items_right == after.item_count
    assert {before.form, after.form} == {"a", "b"}
    rows = store.execute("SELECT phase, status FROM checks WHERE learner_id = ? ORDER BY phase",
                         learner).fetchall()
    assert rows == [("after", "done"), ("before", "done")]
    # Never offered again.
    assert not app._check_due(topic, "before") and not app._check_due(topic, "after")


def test_skip_is_one_tap_and_the_lesson_opens(make_kiosk):
    kiosk = make_kiosk(checks=True)
    app = kiosk.app
    kiosk.start_as_guest()
    kiosk.tap(app.library.topic("payment").title)
    kiosk.tap(app.library.lessons_in("payment")[0].title)
    assert kiosk.screen_name == "check"
    kiosk.tap("Skip")
    assert kiosk.screen_name == "step"
    record = app.check_results.record(app.learner_id, "payment", "before")
    assert record.status == "skipped"


def test_a_profile_sees_its_own_before_and_after(make_kiosk):
    """The end of a profile's after-check: what it does right now, and its before beside it."""
    from tests.ui.screens import open_screen

    kiosk = make_kiosk()
    app = kiosk.app
    open_screen(app, "check", "telehealth/b/end")  # before: form a, nothing right; after: all
    kiosk.frames(4)
    form = app.checks.form("telehealth", "b")
    assert kiosk.shows("Now you can:")
    for can in form.can:
        assert kiosk.shows(can)
    assert kiosk.shows(f"Before the lessons: 0 of {form.item_count}. "
                       f"Now: {form.item_count} of {form.item_count}.")
    # A guest's end shows what they do right, with no before beside it.
    app.leave()
    kiosk.frames(2)
    app.start_learning()
    check = app.check_results
    from kiosk.check_player import CheckPlayer

    app.check_player = player = CheckPlayer.begin(check, form, app.learner_id, phase="after",
                                                  language="en")
    app.check_started = True
    player.index = form.item_count
    player.confidence(1)
    app.go("check")
    kiosk.frames(4)
    assert kiosk.shows("The lessons will show you how. Take your time.")
    assert not kiosk.shows("Before the lessons")
