"""One plain question with two large answers, read aloud (e.g. before deleting a profile)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class ConfirmPrompt(ModalView):
    question = StringProperty("")
    yes = StringProperty("")
    no = StringProperty("")

    def __init__(self, *, question: str, yes: str, no: str, on_yes: Callable[[], None],
                 **kwargs: object) -> None:
        super().__init__(question=question, yes=yes, no=no, **kwargs)
        self._on_yes = on_yes

    def open_and_say(self) -> None:
        self.open(animation=False)
        app = App.get_running_app()
        app.narrator.open(self.question, app.language, autoplay=True)

    def answer_yes(self) -> None:
        self.dismiss(animation=False)
        self._on_yes()
