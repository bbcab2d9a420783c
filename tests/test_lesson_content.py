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
