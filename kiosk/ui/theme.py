"""Sizes, colours and fonts: the one place that decides how the kiosk looks.

Sizes are worked out in millimetres on the configured screen (a 10-inch 1280x800 panel by default)
so that every touch target is at least 15 mm, whatever the panel's pixel density. The ``.kv`` files
only ever refer to ``app.theme``.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.properties import ColorProperty, NumericProperty, StringProperty
from kivy.utils import get_color_from_hex as hex_colour

from kiosk.config import Settings

MIN_TOUCH_MM = 15.0


class Theme(EventDispatcher):
    # sizes in pixels
    touch = NumericProperty(0)  # smallest touch target: 15 mm
    button_height = NumericProperty(0)
    gap = NumericProperty(0)  # space between touch targets
    padding = NumericProperty(0)
    radius = NumericProperty(0)
    font_body = NumericProperty(0)
    font_small = NumericProperty(0)
    font_large = NumericProperty(0)
    font_title = NumericProperty(0)
    font_phone = NumericProperty(0)
    font_name = StringProperty("Roboto")

    # colours (default theme: dark text on a warm white, contrast above 12:1)
    background = ColorProperty(hex_colour("#fbf8f2"))
    text = ColorProperty(hex_colour("#1a1a1a"))
    muted = ColorProperty(hex_colour("#4a4a4a"))
    primary = ColorProperty(hex_colour("#1d4f91"))
    on_primary = ColorProperty(hex_colour("#ffffff"))
    secondary = ColorProperty(hex_colour("#e8e2d6"))
    on_secondary = ColorProperty(hex_colour("#1a1a1a"))
    disabled = ColorProperty(hex_colour("#c9c4ba"))
    on_disabled = ColorProperty(hex_colour("#4a4a4a"))
    right_bg = ColorProperty(hex_colour("#e3f4e8"))
    right_fg = ColorProperty(hex_colour("#14532d"))
    hint_bg = ColorProperty(hex_colour("#fff1cc"))
    hint_fg = ColorProperty(hex_colour("#5c3b00"))
    # The ring that points at a phone element, and the numbered badges of tell-tale signs
    # (white numbers on it: 5:1).
    highlight = ColorProperty(hex_colour("#b45309"))
    card = ColorProperty(hex_colour("#ffffff"))
    border = ColorProperty(hex_colour("#8a8378"))
    phone_body = ColorProperty(hex_colour("#2b2b2b"))
    phone_screen = ColorProperty(hex_colour("#ffffff"))

    def __init__(self, settings: Settings, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.px_per_mm = settings.pixels_per_mm
        self.touch = round(MIN_TOUCH_MM * self.px_per_mm)
        self.button_height = round(15.5 * self.px_per_mm)
        self.gap = round(3 * self.px_per_mm)
        self.padding = round(4 * self.px_per_mm)
        self.radius = round(2.5 * self.px_per_mm)
        # Body text near 5 mm tall on a 10-inch panel: readable at arm's length for older eyes.
        self.font_body = round(5.2 * self.px_per_mm)
        self.font_small = round(4.2 * self.px_per_mm)
        self.font_large = round(6.5 * self.px_per_mm)
        self.font_title = round(8.5 * self.px_per_mm)
        self.font_phone = round(4.4 * self.px_per_mm)


def register_fonts(settings: Settings) -> None:
    """Make Noto Sans TC the default font of every widget: it covers Traditional Chinese, Latin
    and Vietnamese. Kivy has no fallback font, so one font must cover every script on screen."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    fonts = settings.assets_dir / "fonts"
    LabelBase.register(DEFAULT_FONT, fn_regular=str(fonts / "NotoSansTC-Regular.ttf"),
                       fn_bold=str(fonts / "NotoSansTC-Bold.ttf"))


# Practice apps: each has its own colour, so "the wallet" and "the clinic app" look different.
APP_COLOURS = {
    "wallet": "#1b6e3a",
    "clinic": "#1d4f91",
    "chat": "#3d5a80",
    "news": "#6b2d5c",
    "camera": "#333333",
    "video": "#0f4c5c",
    "browser": "#44546a",
}
