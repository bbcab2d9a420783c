"""What the shipped lessons teach (issue 11, part 2): advice that holds in real life.

These are content regressions: each test names advice that was fragile or wrong in a lesson and
fails if it comes back. They read the lessons as the kiosk loads them.
"""
from __future__ import annotations

import re

from kiosk.lessons import load_library
from kiosk.lessons.model import Lesson, Step
from tests.conftest import IMAGES, LESSONS

LIBRARY = load_library(LESSONS, IMAGES)


def _sentences(step: Step) -> list[str]:
    """Everything a step says to the learner, after an answer too."""
    return [*step.text, step.hint, step.praise, step.help,
            *(o.text for o in step.options), *(o.feedback for o in step.options),
            *step.items, *(s.text for s in step.signs)]


def _all_sentences(lesson: Lesson) -> list[str]:
    return [s for step in lesson.steps for s in _sentences(step)] + [lesson.done, lesson.remember]


def test_no_lesson_teaches_the_sender_number_as_the_tell() -> None:
    # Senders are faked, and real banks text from ordinary numbers: the reliable tells are a link,
    # a request for a code or card number, and urgency.
    weak = re.compile(r"(unknown|personal) mobile number|who sent it", re.IGNORECASE)
    for lesson in LIBRARY.lessons.values():
        said = [s for s in _all_sentences(lesson) if weak.search(s)]
        assert not said, f"{lesson.id} still teaches the sender as the tell: {said}"


def test_the_scam_message_sender_agrees_with_its_bubbles() -> None:
    lesson = LIBRARY.lessons["refuse-scam-request"]
    step = next(s for s in lesson.steps if s.screen and s.screen.name == "scam-message")
    assert step.screen is not None
    from_field = next(e for e in step.screen.elements if e.id == "from")
    senders = {e.sender for e in step.screen.elements if e.kind == "message"}
    assert senders == {from_field.text}
    # ...and the sign on it says why the name proves nothing, instead of calling it a tell.
    sign = next(s for s in step.signs if s.element == "from")
    assert "proves nothing" in sign.text


def test_no_over_claims_about_news_and_doctors() -> None:
    # True news can be deleted too, and scam adverts use real doctors' names and deepfakes.
    lesson = LIBRARY.lessons["tricks-in-the-news"]
    said = " ".join(_all_sentences(lesson))
    assert "not deleted" not in said
    assert "gives a full name and the clinic" not in said
    assert "no full name and no clinic" not in said


PRACTICE = {"tap", "choice", "order", "spot"}


def test_a_real_or_fake_task_does_not_also_define_a_word() -> None:
    # fake-bank step 4 explained the one-time code inside its real/fake question: the definition
    # now comes in the explain step before it.
    for lesson in LIBRARY.lessons.values():
        for number, step in enumerate(lesson.steps, start=1):
            if step.kind in PRACTICE:
                defining = [s for s in step.text if re.search(r"\bis (a|the) (number|person)", s)]
                assert not defining, f"{lesson.id} step {number} defines a word: {defining}"


def test_sift_names_the_four_steps_apart_from_the_source() -> None:
    lesson = LIBRARY.lessons["sift-check-before-sharing"]
    four = next(s for s in lesson.steps if any("four steps" in t for t in s.text))
    assert not any("The source is" in t for t in four.text)


def test_video_visit_practises_what_to_keep_near_you() -> None:
    # The six things to have ready were one explain step with nothing to do; the cards and the
    # other things are now apart, and the learner chooses the other things.
    lesson = LIBRARY.lessons["video-visit"]
    cards = next(i for i, s in enumerate(lesson.steps) if any("health card" in t for t in s.text))
    assert not any("glasses" in t for t in lesson.steps[cards].text)
    after = lesson.steps[cards + 1]
    assert after.kind == "choice"
    assert any("glasses" in o.text for o in after.options if o.correct)


def test_no_tap_practises_pointing_at_a_line_a_real_app_never_asks_for() -> None:
    # No real app asks you to tap a shop's name or your booking number: checking the name and
    # keeping the number are choices now.
    pointless = re.compile(r"Tap (the name of the shop|your booking number)", re.IGNORECASE)
    for lesson in LIBRARY.lessons.values():
        for step in lesson.steps:
            assert not any(pointless.search(t) for t in step.text), (lesson.id, step.text)
    pay = LIBRARY.lessons["pay-shop-qr"]
    name_step = next(s for s in pay.steps if "First, check the name." in s.text)
    assert name_step.kind == "choice" and name_step.screen is not None
    book = LIBRARY.lessons["book-appointment"]
    number_step = next(s for s in book.steps if s.screen and s.screen.name == "booked")
    assert number_step.kind == "choice"


def test_steps_about_a_phone_show_one() -> None:
    # "A customer shows you his phone" and "A caller says he is a police officer" had nothing on
    # the practice phone.
    market = LIBRARY.lessons["receive-money"].steps[9]
    assert market.text[0] == "You sell vegetables at the market."
    assert market.screen is not None and any(e.kind == "amount" for e in market.screen.elements)
    caller = LIBRARY.lessons["refuse-scam-request"].steps[8]
    assert caller.text[0] == "A caller says he is a police officer."
    assert caller.screen is not None and caller.screen.app == "video"


def test_every_from_line_agrees_with_the_bubbles_under_it() -> None:
    for lesson in LIBRARY.lessons.values():
        for step in lesson.steps:
            screen = step.screen
            if screen is None:
                continue
            froms = {e.text for e in screen.elements if e.kind == "field" and e.label == "From"}
            senders = {e.sender for e in screen.elements if e.kind == "message"}
            if froms and senders:
                assert froms == senders, (lesson.id, screen.name, froms, senders)
