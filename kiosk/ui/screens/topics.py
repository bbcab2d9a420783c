"""The three topics as large cards."""

from __future__ import annotations

from kivy.utils import get_color_from_hex

from kiosk.i18n import lesson_gettext, ngettext, translations_for
from kiosk.i18n.coverage import shown_lessons
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.widgets.common import Card
from kiosk.ui.widgets.fit_bar import FitBar  # noqa: F401  (registers it for topics.kv)

load_kv(__file__)


class TopicsScreen(KioskScreen):
    def refresh(self) -> None:
        app = self.app
        cards = self.ids.cards
        cards.clear_widgets()
        translations = translations_for(app.language)
        for topic in app.library.topics:
            # The lessons the learner will find in their language (kiosk/i18n/coverage.py).
            count = len(shown_lessons(app.library.lessons_in(topic.id), translations)[0])
            card = Card(title=lesson_gettext(topic.title), detail=lesson_gettext(topic.summary),
                        status=ngettext("{n} lesson", "{n} lessons", count).format(n=count),
                        accent=get_color_from_hex(topic.colour or "#1d4f91"))
            card.topic_id = topic.id
            card.bind(on_release=lambda c: self.app.open_topic(c.topic_id))
            cards.add_widget(card)

    def ask_delete(self) -> None:
        """"Delete my profile": one plain question first; nothing is deleted by a slip."""
        from kiosk.i18n import _
        from kiosk.ui.widgets.confirm import ConfirmPrompt

        ConfirmPrompt(
            question=_("Delete your profile and all your progress? This cannot be undone."),
            yes=_("Yes, delete everything"), no=_("No, keep it"),
            on_yes=self.app.delete_profile).open_and_say()
