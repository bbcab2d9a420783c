"""The "Aa" control on every screen: three text sizes and a high-contrast palette.

A choice applies at once (the picker stays open, so the learner sees the difference and can go
back), and a signed-in profile remembers it for next time (:meth:`KioskApp.set_display`).
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class DisplayButton(ButtonBehavior, Label):
    """The large "Aa": the same two letters in every language, so anyone can find it."""

    def on_release(self) -> None:
        DisplayPicker().open(animation=False)


class DisplayPicker(ModalView):
    def choose_size(self, text_size: str) -> None:
        App.get_running_app().set_display(text_size=text_size)

    def choose_contrast(self, high_contrast: bool) -> None:
        App.get_running_app().set_display(high_contrast=high_contrast)
