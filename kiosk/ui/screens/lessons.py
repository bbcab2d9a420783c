"""The lessons of one topic, each with the learner's progress: not started, step 3 of 8, done."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty
from kivy.uix.label import Label
from kivy.uix.layout import Layout
from kivy.uix.widget import Widget
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


# At most three cards a page at the kiosk's standard text size, two at the larger sizes of the "Aa"
# control; fewer when the words are long (a page holds only the cards that fit, measured once they
# are laid out: a long English or Indonesian summary can make three cards taller than the screen).
# More lessons go on further pages, reached with a button: learners are never asked to swipe or
# scroll.
PER_PAGE = {"standard": 3, "large": 2, "largest": 2}


def lay_out_now(root: Widget) -> None:
    """Lay out ``root`` now rather than on the next frame: each layout places its children, each
    label wraps its words at its new width. Twice, since a label's new height changes its
    parent's minimum height, which moves its siblings."""
    for _pass in range(2):
        for widget in root.walk():
            if isinstance(widget, Label):
                widget.texture_update()
            if isinstance(widget, Layout):
                widget.do_layout()


class LessonsScreen(KioskScreen):
    page = NumericProperty(0)
    has_more = BooleanProperty(False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        # Where each page starts in the topic's list of lessons: pages are as long as what fits,
        # so "Previous lessons" goes back to the start it came from, not to page x per_page.
        self._starts: list[int] = [0]
        self._frames_waited = 0
        self._last_height = -1.0

    def on_pre_enter(self, *args: object) -> None:
        self.page = 0
        self._starts = [0]
        super().on_pre_enter(*args)

    def turn_page(self, delta: int) -> None:
        if delta > 0:
            del self._starts[self.page + 1:]
            self._starts.append(self._starts[self.page] + len(self.ids.cards.children))
        self.page = max(0, min(self.page + delta, len(self._starts) - 1))
        self.refresh()

    def _room_for_cards(self) -> float:
        """The height the cards may take: the screen less the heading, the bottom bar, the line
        about English-only lessons and the gaps between them."""
        cards = self.ids.cards  # a weak proxy: compare by uid, not identity
        column = cards.parent
        others = [child for child in column.children
                  if child.uid != cards.uid and child.size_hint_y is None]
        gaps = column.spacing * (len(column.children) - 1)
        return float(column.height - column.padding[1] - column.padding[3] - gaps
                     - sum(child.height for child in others))

    def _cards_height(self) -> float:
        cards = self.ids.cards
        shown = cards.children
        return float(sum(card.height for card in shown) + cards.spacing * (len(shown) - 1)
                     + cards.padding[1] + cards.padding[3])

    def _fit_page(self, *_: object) -> bool:
        """Each frame until the new cards are laid out (their words wrapped at their real width),
        then move the cards that do not fit to the next page and show the rest. A card's height is
        known only once Kivy has wrapped its words; measuring earlier would see words wrapped at
        a placeholder width and move cards that do fit."""
        cards = self.ids.cards
        settled = (cards.width > 100 and cards.minimum_height == self._last_height
                   and all(abs(card.width - cards.width) < 1 for card in cards.children))
        self._last_height = cards.minimum_height
        self._frames_waited += 1
        if not settled and self._frames_waited < 30:
            return True  # look again next frame
        while len(cards.children) > 1 and self._cards_height() > self._room_for_cards():
            cards.remove_widget(cards.children[0])  # the last card shown goes to the next page
            self.has_more = True
        cards.opacity = 1
        return False

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
        start = self._starts[min(self.page, len(self._starts) - 1)]
        self.has_more = len(lessons) > start + per_page
        # Hidden until _fit_page has measured them, so a card that does not fit never flashes.
        cards.opacity = 0
        for lesson in lessons[start:start + per_page]:
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
        self._frames_waited, self._last_height = 0, -1.0
        Clock.unschedule(self._fit_page)
        if self.manager is not None:
            # A screen built just now has Kivy's placeholder size until the next frame; it will
            # fill the screen manager, so give it that size now and measure the cards at once.
            self.size = self.manager.size
        if self.width > 100:
            lay_out_now(self)
            self._last_height = cards.minimum_height
            self._frames_waited = 30
            self._fit_page()
        else:
            Clock.schedule_interval(self._fit_page, 0)
