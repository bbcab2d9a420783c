"""The learner's say over being counted, by touch (issue 16): the switch on the topics screen
(guests) and the privacy screen (profiles), what it says and reads aloud, what the store keeps,
and what the next upload would carry."""

from __future__ import annotations

import pytest

from kiosk.sync import aggregate
from kiosk.sync.outbox import Outbox
from tests.ui.test_profiles import sign_in, type_pin

pytestmark = pytest.mark.ui

YES = "Count my lessons in the anonymous totals: Yes"
NO = "Count my lessons in the anonymous totals: No"


def next_upload(app) -> list:
    box = Outbox(app.store)
    ids = box.refresh_and_build()
    return [item for batch in box.pending() if batch.batch_id in ids for item in batch.items]


def test_a_guest_says_no_and_their_lesson_is_not_in_the_next_upload(kiosk):
    kiosk.tap("Touch the screen to start")
    assert kiosk.shows("The kiosk counts only how many people start and finish each lesson, "
                       "never who. You can say no on the next screen.")
    kiosk.tap("Start now")
    kiosk.tap(YES)
    assert kiosk.shows(NO) and not kiosk.shows(YES)
    assert kiosk.app.narrator._text == NO  # the new choice is said aloud
    learner = kiosk.app.learner_id
    assert not aggregate.is_counted(kiosk.app.store, learner)
    kiosk.tap("Mobile payment")
    kiosk.tap("Pay a shop with a QR code")
    kiosk.tap("Next")
    assert kiosk.app.store.progress(learner, "pay-shop-qr").step == 1  # their progress works
    assert next_upload(kiosk.app) == []
    kiosk.tap("All lessons")
    kiosk.tap("Back to topics")
    kiosk.tap("I have finished")
    # The next person has their own say, and it starts at yes.
    kiosk.tap("Touch the screen to start")
    kiosk.tap("Start now")
    assert kiosk.shows(YES)


def test_a_profile_says_no_before_it_is_made_keeps_it_and_can_change_its_mind(kiosk):
    kiosk.tap("Touch the screen to start")
    kiosk.tap("Make a profile")
    kiosk.tap(YES)
    assert kiosk.shows(NO)
    kiosk.tap("I understand. Continue")
    kiosk.tap("Tree")
    type_pin(kiosk, "2468")
    type_pin(kiosk, "2468")
    app = kiosk.app
    learner = app.learner_id
    assert app.profile_picture and not aggregate.is_counted(app.store, learner)
    kiosk.tap("Mobile payment")
    kiosk.tap("Pay a shop with a QR code")
    kiosk.tap("Next")
    assert next_upload(app) == []
    kiosk.tap("All lessons")
    kiosk.tap("Back to topics")
    kiosk.tap("I have finished")
    sign_in(kiosk, "Tree", "2468")
    kiosk.tap("All lessons")  # signing in reopened the lesson; back to the topics
    kiosk.tap("Back to topics")
    assert kiosk.shows(NO)  # remembered
    kiosk.tap(NO)  # a change of mind: count me after all
    assert aggregate.is_counted(app.store, learner)
    [item] = next_upload(app)
    assert (item.lesson_id, item.starts, item.reached[:2]) == ("pay-shop-qr", 1, (1, 1))
