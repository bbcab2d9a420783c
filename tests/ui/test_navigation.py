"""A learner's way through the screens, tapped like a finger."""

from __future__ import annotations

import pytest

from kiosk.i18n import translations_for
from kiosk.i18n.coverage import shown_lessons

pytestmark = pytest.mark.ui


def test_welcome_tap_shows_three_topics(kiosk):
    assert kiosk.screen_name == "welcome"
    assert kiosk.shows("Touch the screen to start")
    kiosk.start_as_guest()
    assert kiosk.screen_name == "topics"
    for title in ("Mobile payment", "Telehealth", "Spotting false information"):
        assert kiosk.shows(title)
    # A guest learner now exists and owns the session, with nothing started yet.
    session = kiosk.app.store.active_session()
    assert session is not None and session.learner_id == kiosk.app.learner_id
    assert kiosk.app.store.all_progress(kiosk.app.learner_id) == {}


def test_topic_lists_its_lessons_with_progress(kiosk):
    kiosk.start_as_guest()
    kiosk.tap("Mobile payment")
    assert kiosk.screen_name == "lessons"
    assert kiosk.shows("Pay a shop with a QR code")
    assert kiosk.texts().count("Not started") == 3
    kiosk.tap("Pay a shop with a QR code")
    assert kiosk.screen_name == "step"
    assert kiosk.shows("Step 1 of 9")
    kiosk.tap("Next")
    assert kiosk.shows("Step 2 of 9")
    kiosk.tap("Back")
    kiosk.tap("Back")  # Back on the first step returns to the list
    assert kiosk.screen_name == "lessons"
    # The real place: the learner had got to step 2 before stepping back to re-read.
    assert kiosk.shows("Step 2 of 9")
    kiosk.tap("Pay a shop with a QR code")
    assert kiosk.shows("Step 2 of 9")


def test_i_have_finished_forgets_the_learner(kiosk):
    kiosk.start_as_guest()
    kiosk.tap("Telehealth")
    kiosk.tap("Back to topics")
    kiosk.tap("I have finished")
    assert kiosk.screen_name == "welcome"
    assert kiosk.app.store.active_session() is None
    assert kiosk.app.learner_id == ""


def _cards(kiosk):
    return [card.lesson_id for card in kiosk.screen.ids.cards.children[::-1]]


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize("size", ["standard", "largest"])
def test_every_lesson_of_a_topic_is_on_one_page_and_back_returns(kiosk, size, language):
    """Pages hold what fits (long words make fewer cards a page); paging forward shows every
    lesson of the topic once, in order, and "Previous lessons" brings back the same pages."""
    app = kiosk.app
    kiosk.start_as_guest()
    app.set_language(language)
    app.set_display(text_size=size)
    for topic in app.library.topics:
        app.open_topic(topic.id)
        kiosk.frames(6)
        pages = [_cards(kiosk)]
        while kiosk.screen.has_more:
            kiosk.tap(kiosk.screen.ids.more)
            kiosk.frames(6)
            pages.append(_cards(kiosk))
            assert len(pages) < 12, pages
        shown = [lesson_id for page in pages for lesson_id in page]
        lessons, _ = shown_lessons(app.library.lessons_in(topic.id), translations_for(language))
        expected = [lesson.id for lesson in lessons]
        assert shown == expected, f"{topic.id} {size} {language}: {pages}"
        for page in reversed(pages[:-1]):
            kiosk.tap(kiosk.screen.ids.back)
            kiosk.frames(6)
            assert _cards(kiosk) == page
        kiosk.tap(kiosk.screen.ids.back)  # "Back to topics" on the first page
        kiosk.frames(4)
        assert kiosk.screen_name == "topics"
