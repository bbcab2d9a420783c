"""Switching language from any screen: a small but findable button and a picker of four names.

Each language is written in its own language and script, so a learner finds theirs without reading
the current one.
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView

from kiosk.i18n import language_name, short_names
from kiosk.ui.widgets.common import BigButton

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

# What the small button shows: every language's own short form, so anyone recognises it.
SHORT_NAMES = short_names()


class LanguageButton(ButtonBehavior, Label):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("text", SHORT_NAMES)
        super().__init__(**kwargs)

    def on_release(self) -> None:
        LanguagePicker().open()


class LanguagePicker(ModalView):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        app = App.get_running_app()
        box = self.ids.languages
        for code in app.offered_languages:
            button = BigButton(text=language_name(code),
                               style="primary" if code == app.language else "secondary")
            button.language = code
            button.bind(on_release=self._choose)
            box.add_widget(button)

    def _choose(self, button: BigButton) -> None:
        self.dismiss()
        App.get_running_app().set_language(button.language)

