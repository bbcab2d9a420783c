"""Large buttons and wrapping text, sized from the theme."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
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
    # At least this tall: set by even_rows() so buttons side by side share one height.
    row_height = NumericProperty(0)

    @property
    def needed_height(self) -> float:
        """The height its own words need (what the kv rule gives it, before row_height)."""
        from kivy.app import App

        theme = App.get_running_app().theme
        return max(theme.touch if self.compact else theme.button_height,
                   self.texture_size[1] + theme.gap * 1.5)


def even_rows(buttons: list[BigButton], cols: int) -> None:
    """Buttons laid out ``cols`` to a row (in this order) each take the height of the tallest
    in their row, now and whenever their words change size (a new text size, the step's text
    scaled to fit): a row of uneven buttons looks ragged and unfinished (issue 15)."""
    rows = [buttons[i:i + cols] for i in range(0, len(buttons), cols)]
    for row in rows:
        def even(*_: object, row: list[BigButton] = row) -> None:
            tallest = max(b.needed_height for b in row)
            for b in row:
                b.row_height = tallest if len(row) > 1 else 0
        for button in row:
            # One binding per button at a time: buttons are reused from step to step.
            old = getattr(button, "_even_rows", None)
            if old is not None:
                button.unbind(texture_size=old)
            button._even_rows = even
            button.bind(texture_size=even)
        even()


def stop_even_rows(button: BigButton) -> None:
    """A reused button leaves its old row."""
    old = getattr(button, "_even_rows", None)
    if old is not None:
        button.unbind(texture_size=old)
        button._even_rows = None
    button.row_height = 0


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
