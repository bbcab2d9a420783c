"""The practice phone: one widget that draws any :class:`PhoneScreen` described in a lesson.

It is a safe copy of an app, never a real service. Each element is a large tappable row (at least
15 mm tall); a tap anywhere on the phone is reported through ``on_element`` with the element's id,
or ``None`` for the phone's background, so that a near miss still gets a helpful hint.

The phone never grows past its frame: a screen whose elements need more height than the phone has
(long words in a long language, the signs' badges after an answer) is fitted, first by making a
QR code or picture smaller (down to PICTURE_LEAST_ROWS), then by making the phone's text smaller
(down to MIN_TEXT_SCALE, and never below the kiosk's smallest print).
"""

from __future__ import annotations

import hashlib
import random
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget
from kivy.utils import get_color_from_hex

from kiosk.lessons.model import Element, PhoneScreen
from kiosk.ui.screens.base import TextFitter
from kiosk.ui.theme import Theme

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


def _theme() -> Theme:
    theme: Theme = App.get_running_app().theme
    return theme


class PhoneElement(ButtonBehavior, BoxLayout):
    element_id = StringProperty("")
    kind = StringProperty("")
    text = StringProperty("")
    label = StringProperty("")
    picture = StringProperty("")
    accent = ColorProperty([0, 0, 0, 1])
    highlighted = BooleanProperty(False)
    sign_number = StringProperty("")
    tall = NumericProperty(1)  # height in 15 mm rows (a QR code or a picture needs more)
    # Set by the PhoneView to fit its frame: the text's scale, and the pixels a picture gives up.
    scale = NumericProperty(1.0)
    squeeze = NumericProperty(0)
    font = NumericProperty(0)  # the element's text size: the theme's, times ``scale`` (kv)


class QRPattern(Widget):
    """A made-up QR-like pattern: three corner squares and seeded dots. It encodes nothing.

    Drawn as one 21x21-pixel texture scaled up with nearest-neighbour filtering: a single
    rectangle, so moving or resizing it costs nothing (hundreds of small rectangles did).
    """

    seed = StringProperty("")
    CELLS = 21

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        with self.canvas:
            Color(1, 1, 1, 1)
            self._rect = Rectangle()
        self.bind(pos=self._place, size=self._place, seed=self._paint)
        self._paint()

    def _paint(self, *_: object) -> None:
        cells = self.CELLS
        rng = random.Random(hashlib.sha256(self.seed.encode()).digest())
        dark = {(c, r) for c in range(cells) for r in range(cells) if rng.random() < 0.45}
        for cx, cy in ((0, 0), (cells - 7, 0), (0, cells - 7)):  # the three finder squares
            for c in range(7):
                for r in range(7):
                    dark.discard((cx + c, cy + r))
                    if c in (0, 6) or r in (0, 6) or (2 <= c <= 4 and 2 <= r <= 4):
                        dark.add((cx + c, cy + r))
        pixels = bytearray()
        for r in range(cells - 1, -1, -1):  # textures start at the bottom row
            for c in range(cells):
                pixels += b"\x00\x00\x00" if (c, r) in dark else b"\xff\xff\xff"
        texture = Texture.create(size=(cells, cells), colorfmt="rgb")
        texture.mag_filter = "nearest"
        texture.min_filter = "nearest"
        texture.blit_buffer(bytes(pixels), colorfmt="rgb", bufferfmt="ubyte")
        self._rect.texture = texture
        self._place()

    def _place(self, *_: object) -> None:
        side = min(self.width, self.height)
        self._rect.pos = (self.center_x - side / 2, self.center_y - side / 2)
        self._rect.size = (side, side)


class PhoneView(BoxLayout):
    """Draws one practice screen. Bind ``on_element`` to hear taps."""

    screen = ObjectProperty(None, allownone=True)
    app_colour = ColorProperty([0, 0, 0, 1])
    title = StringProperty("")
    highlight = StringProperty("")
    __events__ = ("on_element",)
    _BACKGROUND = "phone_background"
    CACHED_SCREENS = 6
    # The phone's text may come down to 80 % (3.5 mm) to fit its frame; its small print stops at
    # the kiosk's smallest (theme.font_least). A real phone's text is smaller still.
    MIN_TEXT_SCALE = 0.8
    # A QR code or picture may give up height down to this many 15 mm rows: still a clear
    # square well above the 15 mm touch target, and it costs no words.
    PICTURE_LEAST_ROWS = 1.6
    PICTURES = ("qr", "image")
    text_scale = NumericProperty(1.0)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.elements: dict[str, PhoneElement] = {}
        self._language = ""
        self._cache: OrderedDict[tuple[int, str, bool], tuple[str, dict[str, PhoneElement]]] = (
            OrderedDict())
        self._fit_trigger = Clock.create_trigger(self._fit)
        self._fitter = TextFitter(self.MIN_TEXT_SCALE)
        self._pictures_fitted = False
        self._wait_frames = 0

    def show(self, screen: PhoneScreen | None, fill: Callable[[str], str],
             images_dir: Path, language: str = "") -> None:
        """Draw ``screen``; ``fill`` turns a source sentence into the text to show."""
        if screen is not None and screen is self.screen and language == self._language:
            # Several steps in a row often show the same phone screen: keep its widgets and
            # only clear the marks.
            self._clear_marks()
            self._refit()
            return
        self._language = language
        self.screen = screen
        body = self.ids.elements
        body.clear_widgets()
        self.elements = {}
        self.highlight = ""
        if screen is None:
            return
        self.prepare(screen, fill, images_dir, language)
        key = self._key(screen, language)
        self._cache.move_to_end(key)
        self.title, self.elements = self._cache[key]
        self.app_colour = get_color_from_hex(_theme().app_colour(screen.app))
        self._clear_marks()
        for widget in self.elements.values():
            body.add_widget(widget)
        self._refit()

    def prepare(self, screen: PhoneScreen | None, fill: Callable[[str], str],
                images_dir: Path, language: str = "") -> None:
        """Build a screen's widgets ahead of time (the next step's, while the learner reads).

        Drawing text is the slowest part of a step change on a kiosk's small processor; the
        widgets are built at the width they will have, so their text is drawn once, now, and
        showing the screen later only puts them in place. A few recent screens are kept.
        """
        key = self._key(screen, language)
        if screen is None or key in self._cache:
            return
        colour = get_color_from_hex(_theme().app_colour(screen.app))
        body = self.ids.elements
        width = body.width - body.padding[0] - body.padding[2]
        elements: dict[str, PhoneElement] = {}
        for element in screen.elements:
            widget = self._make(element, fill, images_dir, colour)
            widget.bind(on_release=self._tapped)
            if width > 0:
                widget.width = width
            elements[element.id] = widget
        self._cache[key] = (fill(screen.title), elements)
        while len(self._cache) > self.CACHED_SCREENS:
            self._cache.popitem(last=False)

    @staticmethod
    def _key(screen: PhoneScreen | None, language: str) -> tuple[int, str, bool]:
        # The app's colour is baked into the built widgets, so each palette has its own.
        return (id(screen), language, bool(_theme().high_contrast))

    def _clear_marks(self) -> None:
        self.highlight = ""
        for widget in self.elements.values():
            widget.highlighted = False
            widget.sign_number = ""

    def mark_signs(self, element_ids: list[str]) -> None:
        """Number the elements that give a fake away, to match the numbered list of signs."""
        for number, element_id in enumerate(element_ids, 1):
            if element_id in self.elements:
                widget = self.elements[element_id]
                widget.sign_number = (f"{widget.sign_number} {number}".strip())
        self._refit()  # the badges take room: fit again

    # --- fitting the frame ---------------------------------------------------------------------
    @property
    def fitting(self) -> bool:
        """True until the screen on show has settled to fit the phone's frame."""
        return bool(self._fit_trigger.is_triggered)

    def _refit(self, *_: object) -> None:
        """Start a fit from the full sizes: the words or the room have changed."""
        for widget in self.elements.values():
            widget.scale = 1.0
            widget.squeeze = 0
        self.text_scale = 1.0
        self._fitter.reset()
        self._pictures_fitted = False
        # New words are drawn on the next frame and laid out on the one after.
        self._wait_frames = 2
        self._fit_trigger()

    def _fit(self, *_: object) -> None:
        """One step of the fit, once a frame (the text is laid out again between steps)."""
        area = self.ids.screen_area
        if self.screen is None or not self.elements or area.height <= 1:
            return
        if self._wait_frames > 0:
            self._wait_frames -= 1
            self._fit_trigger()
            return
        if not self._pictures_fitted:
            # Pictures first: a smaller QR code loses nothing a learner reads.
            self._pictures_fitted = True
            # (A little more than the excess: the fit asks for a pixel to spare.)
            if self._squeeze_pictures(TextFitter.needed(area) - area.height + 2):
                self._wait_frames = 1
                self._fit_trigger()
                return
        scale = self._fitter.next(area, self.text_scale)
        if scale is not None:
            self.text_scale = scale
            for widget in self.elements.values():
                widget.scale = scale
            self._fit_trigger()

    def _squeeze_pictures(self, excess: float) -> bool:
        """Take ``excess`` pixels from the pictures, each down to PICTURE_LEAST_ROWS at most, in
        proportion to what each can give. Returns whether any gave some."""
        touch = _theme().touch
        pictures = [w for w in self.elements.values() if w.kind in self.PICTURES]
        room = {w: max(0.0, (w.tall - self.PICTURE_LEAST_ROWS) * touch) for w in pictures}
        can_give = sum(room.values())
        if excess <= 0 or can_give <= 0:
            return False
        share = min(1.0, excess / can_give)
        for widget, most in room.items():
            widget.squeeze = most * share
        return True

    def on_highlight(self, _view: PhoneView, element_id: str) -> None:
        for key, widget in self.elements.items():
            widget.highlighted = key == element_id

    def _make(self, element: Element, fill: Callable[[str], str], images_dir: Path,
              colour: list[float]) -> PhoneElement:
        cls = ELEMENT_CLASSES[element.kind]
        text = fill(element.text) if element.text else ""
        if element.kind == "amount":
            text = fill("{" + element.value + "}")
        label = fill(element.label or element.sender or element.source or "")
        picture = str(images_dir / element.picture) if element.picture else ""
        return cls(element_id=element.id, kind=element.kind, text=text, label=label,
                   picture=picture, accent=colour)

    def _tapped(self, widget: PhoneElement) -> None:
        self.dispatch("on_element", widget.element_id)

    def on_touch_down(self, touch: object) -> bool:
        if super().on_touch_down(touch):
            return True  # an element took it; it reports itself on release
        if self.screen is not None and self.ids.screen_area.collide_point(*touch.pos):
            # A touch on the phone but on no element: a near miss, answered with the hint.
            touch.ud[self._BACKGROUND] = True
            return True
        return False

    def on_touch_up(self, touch: object) -> bool:
        if touch.ud.get(self._BACKGROUND) and touch.grab_current is None:
            touch.ud[self._BACKGROUND] = False
            if self.ids.screen_area.collide_point(*touch.pos):
                self.dispatch("on_element", None)
            return True
        return super().on_touch_up(touch)

    def on_element(self, element_id: str | None) -> None:
        """Default handler: the screen binds its own."""


class PhoneText(PhoneElement):
    pass


class PhoneButton(PhoneElement):
    pass


class PhoneField(PhoneElement):
    pass


class PhoneAmount(PhoneElement):
    pass


class PhoneQR(PhoneElement):
    pass


class PhoneMessage(PhoneElement):
    pass


class PhoneHeadline(PhoneElement):
    pass


class PhoneNotice(PhoneElement):
    pass


class PhoneImage(PhoneElement):
    pass


ELEMENT_CLASSES: dict[str, type[PhoneElement]] = {
    "text": PhoneText,
    "button": PhoneButton,
    "field": PhoneField,
    "amount": PhoneAmount,
    "qr": PhoneQR,
    "message": PhoneMessage,
    "headline": PhoneHeadline,
    "notice": PhoneNotice,
    "image": PhoneImage,
}
