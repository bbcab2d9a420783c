""""I need help": a calm answer, a hint if the step has one, and a volunteer told.

The request is only flagged for the volunteers when the learner asks for a person (not for a
hint), so the volunteer view lists the people who are waiting and nobody else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.modalview import ModalView

from kiosk.i18n import _

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class HelpPrompt(ModalView):
    answer = StringProperty("")
    has_hint = BooleanProperty(False)
    asked = BooleanProperty(False)

    def __init__(self, *, show_hint: Callable[[], None] | None = None,
                 **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._show_hint = show_hint
        self.has_hint = show_hint is not None
        self.answer = _("It is fine to ask. Everyone needs help sometimes.")

    def open_and_say(self) -> None:
        self.open(animation=False)
        self._say()

    def hint(self) -> None:
        self.dismiss(animation=False)
        if self._show_hint is not None:
            self._show_hint()

    def call_volunteer(self) -> None:
        app = App.get_running_app()
        if app.ask_for_help():
            self.answer = _("A volunteer has been told and will come to you. You can wait "
                            "here, or carry on with the lesson.")
        else:
            self.answer = _("Please ask a member of staff near you. They are happy to help.")
        self.asked = True
        self._say()

    def _say(self) -> None:
        app = App.get_running_app()
        app.narrator.open(self.answer, app.language, autoplay=True)
