"""The lessons of one topic, each with the learner's progress: not started, step 3 of 8, done."""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty
from kivy.utils import get_color_from_hex

from kiosk.i18n import _, lesson_gettext, ngettext, translations_for
from kiosk.i18n.coverage import shown_lessons
from kiosk.progress import LessonProgress
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.widgets.common import Card

load_kv(__file__)


def status_text(progress: LessonProgress | None) -> str:
    if progress is None:
        return _("Not started")
    if progress.done:
        return _("Done")
    return _("Step {number} of {total}").format(number=progress.step + 1,
                                                total=progress.step_count)


# Three cards fit a 1280x800 screen at the kiosk's standard text size, two at the larger sizes of
# the "Aa" control. More lessons go on further pages, reached with a button: learners are never
# asked to swipe or scroll.
PER_PAGE = {"standard": 3, "large": 2, "largest": 2}


class LessonsScreen(KioskScreen):
    page = NumericProperty(0)
    has_more = BooleanProperty(False)

    def on_pre_enter(self, *args: object) -> None:
        self.page = 0
        super().on_pre_enter(*args)

    def turn_page(self, delta: int) -> None:
        self.page = max(0, self.page + delta)
        self.refresh()

    def refresh(self) -> None:
        app = self.app
        topic = app.library.topic(app.topic_id)
        self.ids.topic_title.text = lesson_gettext(topic.title) if topic else ""
        accent = get_color_from_hex(topic.colour if topic and topic.colour else "#1d4f91")
        progress = app.store.all_progress(app.learner_id) if app.learner_id else {}
        cards = self.ids.cards
        cards.clear_widgets()
        # Only the lessons completely translated into the learner's language; the others are
        # counted in one line, never shown half in English (kiosk/i18n/coverage.py).
        lessons, english_only = shown_lessons(app.library.lessons_in(app.topic_id),
                                              translations_for(app.language))
        self.ids.english_only.text = ngettext(
            "{n} more lesson in English", "{n} more lessons in English",
            len(english_only)).format(n=len(english_only)) if english_only else ""
        per_page = PER_PAGE.get(app.theme.text_size, 2)
        if english_only:
            # The "more lessons in English" line takes a card's room: three long Indonesian
            # cards and the line overflow the standard screen, two and the line fit.
            per_page = min(per_page, 2)
        self.has_more = len(lessons) > (self.page + 1) * per_page
        for lesson in lessons[self.page * per_page:(self.page + 1) * per_page]:
            minutes = ngettext("About {n} minute", "About {n} minutes", lesson.minutes).format(
                n=lesson.minutes)
            current = progress.get(lesson.id)
            if current is not None and current.lesson_version != lesson.version:
                current = None  # the lesson changed since; it starts again from step 1
            card = Card(title=lesson_gettext(lesson.title),
                        detail=lesson_gettext(lesson.summary),
                        status=status_text(current), extra=minutes,
                        accent=accent)
            card.lesson_id = lesson.id
            card.bind(on_release=lambda c: self.app.choose_lesson(c.lesson_id))
            cards.add_widget(card)
