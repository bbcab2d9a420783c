"""Large buttons and wrapping text, sized from the theme."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class Body(Label):
    """Text that wraps to its width and grows to fit, left-aligned."""


class Heading(Body):
    pass


class BigButton(ButtonBehavior, Label):
    """A large, plainly labelled button. ``style`` is "primary" or "secondary"."""

    style = StringProperty("primary")
    compact = BooleanProperty(False)  # answer buttons: exactly the 15 mm minimum, to fit more
    wrap = BooleanProperty(True)  # False: one line, and the button is as wide as its words
    background = ColorProperty([0, 0, 0, 0])


class Card(ButtonBehavior, BoxLayout):
    """A large tappable card with a title and a line of detail (topics, lessons)."""

    title = StringProperty("")
    detail = StringProperty("")
    status = StringProperty("")
    extra = StringProperty("")
    accent = ColorProperty([0, 0, 0, 1])


class FeedbackBox(Body):
    """Kind feedback after an answer: green-ish when right, warm yellow for a hint; never red."""

    kind = StringProperty("")
