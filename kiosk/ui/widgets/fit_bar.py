"""A bar of buttons that always fits its width: no button is ever cut or pushed off screen.

Each button is as wide as its words on one line. When the words of every button together are
wider than the bar (a long language, "No sound" in place of "Listen again"), the button that
saves the most goes to two lines, then the next, until the bar fits; only if every button is on
two lines and the bar is still too wide does the bar's text come down, in small steps, to at
least ``MIN_SCALE`` of its size. Buttons never get narrower than a 15 mm target.

The bar measures words with Kivy's own text renderer, so what it measures is what is drawn.
"""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.properties import NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.line_breaks import break_points, fine_points, has_cjk
from kiosk.ui.widgets.common import BigButton

MIN_SCALE = 0.8
SCALES = (1.0, 0.95, 0.9, 0.85, MIN_SCALE)


def two_line_splits(text: str) -> list[tuple[str, str]]:
    """Every way to put ``text`` on two lines where the kiosk's labels will break it: at a
    space, or in Chinese only between phrases (kiosk.line_breaks, which every label draws
    through), between characters only when the words are a single phrase. A split the labels
    would not make would size the button for two lines and then show three."""
    if has_cjk(text):
        points = break_points(text) or fine_points(text)
        return [(text[:p].rstrip(), text[p:].lstrip()) for p in points
                if text[:p].strip() and text[p:].strip()]
    return [(text[:index], text[index + 1:]) for index in range(1, len(text) - 1)
            if text[index] == " "]


class FitBar(BoxLayout):
    """Lay out like a horizontal BoxLayout; size the ``BigButton`` children to fit (above).
    Other children (the "Aa" button) keep their own width; a plain ``Widget`` is a spacer."""

    # The font size the bar's buttons are drawn at when there is room (set in kv).
    font_size = NumericProperty(0)
    # The scale the bar settled on (1 when everything fits at the full size): for the audits.
    scale = NumericProperty(1.0)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._trigger = Clock.create_trigger(self._fit, -1)
        self.bind(width=self._trigger, font_size=self._trigger)

    def add_widget(self, widget: Widget, *args: object, **kwargs: object) -> None:
        super().add_widget(widget, *args, **kwargs)
        if isinstance(widget, BigButton):
            # font_size too: BigButton's own rule sets it again when the text size changes.
            widget.bind(text=self._trigger, font_size=self._trigger, texture_size=self._tall)
        self._trigger()

    def _buttons(self) -> list[BigButton]:
        return [c for c in reversed(self.children) if isinstance(c, BigButton)]

    def _tall(self, *_: object) -> None:
        """As tall as the tallest words need (every button of the bar is that tall). Two lines
        fit the usual bar height, so the practice phone keeps its room."""
        app = App.get_running_app()
        if app is None:
            return
        theme = app.theme
        needed = max(b.texture_size[1] for b in self._buttons()) + theme.gap * 0.6
        self.height = max(theme.button_height, needed)

    def _fit(self, *_: object) -> None:
        buttons = self._buttons()
        if not buttons or self.width <= 1 or not self.font_size:
            return
        theme = App.get_running_app().theme
        others = [c for c in self.children if not isinstance(c, BigButton)
                  and type(c) is not Widget]
        room = (self.width - self.padding[0] - self.padding[2]
                - self.spacing * (len(self.children) - 1) - sum(c.width for c in others))
        # The words' margin inside a button, as the other bars have (BarButton).
        inset = theme.padding * 1.2
        least = theme.touch * 1.2
        widths: list[float] = []
        size = self.font_size
        for scale in SCALES:
            size = round(self.font_size * scale)
            widths = self._widths(buttons, size, inset, least, room)
            if sum(widths) <= room:
                self.scale = scale
                break
        else:
            self.scale = MIN_SCALE
        for button, width in zip(buttons, widths, strict=True):
            button.font_size = size
            button.width = width
            # After the width: BigButton's own rule resets text_size when the width changes.
            # Words wider than the button (less its margin) go on to a second line.
            button.text_size = (width - inset + 2, None)
        self._tall()

    @staticmethod
    def _widths(buttons: list[BigButton], size: int, inset: float, least: float,
                room: float) -> list[float]:
        """One line each; then two lines for the buttons that save the most, until they fit."""
        one: list[float] = []
        two: list[float] = []
        for button in buttons:
            measure = _Measure(button, size)
            width = measure(button.text)
            one.append(max(least, width + inset))
            splits = two_line_splits(button.text)
            best = min((max(measure(a), measure(b)) for a, b in splits), default=width)
            two.append(max(least, best + inset))
        widths = list(one)
        for index in sorted(range(len(buttons)), key=lambda i: two[i] - one[i]):
            if sum(widths) <= room:
                break
            widths[index] = two[index]
        return widths


class _Measure:
    """The width of a line of text as Kivy draws it in ``button``'s font at ``size``."""

    def __init__(self, button: Label, size: int) -> None:
        self.label = CoreLabel(font_size=size, font_name=button.font_name, bold=button.bold)

    def __call__(self, text: str) -> float:
        return float(self.label.get_extents(text)[0])
