"""Sizes, colours and fonts: the one place that decides how the kiosk looks.

Sizes are worked out in millimetres on the configured screen (a 10-inch 1280x800 panel by default)
so that every touch target is at least 15 mm, whatever the panel's pixel density. The ``.kv`` files
only ever refer to ``app.theme``, so :meth:`Theme.apply` (the "Aa" control: three text sizes and a
high-contrast palette) changes every screen at once through Kivy's property bindings.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.utils import get_color_from_hex as hex_colour

from kiosk.config import Settings

MIN_TOUCH_MM = 15.0
# The smallest print anywhere on the kiosk (the practice phone's small print; the audits' minimum).
MIN_PRINT_MM = 3.4

# The "Aa" control's three text sizes. Buttons grow with their text, so targets only get bigger.
TEXT_SCALES = {"standard": 1.0, "large": 1.12, "largest": 1.25}
# The practice phone keeps its size: it imitates a real phone (whose own text is far smaller than
# the phone's 4.4 mm here), and its screens must fit its frame, six 15 mm elements at most.
PHONE_SCALES = {"standard": 1.0, "large": 1.0, "largest": 1.0}

# Default theme: dark text on a warm white, body text above 12:1, everything above 4.5:1.
DEFAULT_COLOURS = {
    "background": "#fbf8f2", "text": "#1a1a1a", "muted": "#4a4a4a",
    "primary": "#1d4f91", "primary_text": "#ffffff",
    "secondary": "#e8e2d6", "secondary_text": "#1a1a1a",
    "disabled": "#c9c4ba", "disabled_text": "#4a4a4a",
    "right_bg": "#e3f4e8", "right_fg": "#14532d",
    "hint_bg": "#fff1cc", "hint_fg": "#5c3b00",
    # The ring that points at a phone element, and the numbered badges of tell-tale signs
    # (white numbers on it: 5:1).
    "highlight": "#b45309", "highlight_text": "#ffffff",
    "card": "#ffffff", "border": "#8a8378",
    "phone_body": "#2b2b2b", "phone_screen": "#ffffff",
    "phone_text": "#1a1a1a", "phone_muted": "#4d4d4d", "phone_panel": "#f0f0f0",
    "phone_message": "#e6edf7", "phone_sender": "#333359", "phone_headline": "#f5f2ed",
    "phone_notice": "#fff2cc", "phone_notice_text": "#5c3b00",
}

# High contrast: white and yellow on black, every text at least 7:1 (WCAG AAA). The practice
# phone stays a light phone (as a real one would) but with black text and darker app colours.
HIGH_CONTRAST_COLOURS = {
    "background": "#000000", "text": "#ffffff", "muted": "#e6e6e6",
    "primary": "#ffd23f", "primary_text": "#000000",
    "secondary": "#1f1f1f", "secondary_text": "#ffffff",
    "disabled": "#333333", "disabled_text": "#cccccc",
    "right_bg": "#0b3d1f", "right_fg": "#ffffff",
    "hint_bg": "#3d2f00", "hint_fg": "#ffffff",
    "highlight": "#ffd23f", "highlight_text": "#000000",
    "card": "#000000", "border": "#ffffff",
    "phone_body": "#5a5a5a", "phone_screen": "#ffffff",
    "phone_text": "#000000", "phone_muted": "#1a1a1a", "phone_panel": "#f0f0f0",
    "phone_message": "#e6edf7", "phone_sender": "#000000", "phone_headline": "#f5f2ed",
    "phone_notice": "#fff2cc", "phone_notice_text": "#000000",
}


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
    font_heading = NumericProperty(0)  # card titles: font_large at the standard size
    font_detail = NumericProperty(0)  # the line under a card title: font_small at standard
    font_phone = NumericProperty(0)
    font_least = NumericProperty(0)  # MIN_PRINT_MM: no text on the kiosk is smaller
    # The language and "Aa" controls keep one size: they must stay findable in the same place,
    # and they must leave room for the step's own words at the largest text size.
    font_control = NumericProperty(0)
    font_control_large = NumericProperty(0)
    font_choice = NumericProperty(0)
    font_name = StringProperty("Roboto")

    # The "Aa" control's choices (see apply()).
    text_size = StringProperty("standard")
    high_contrast = BooleanProperty(False)

    # colours: DEFAULT_COLOURS or HIGH_CONTRAST_COLOURS, set by apply()
    background = ColorProperty()
    text = ColorProperty()
    muted = ColorProperty()
    primary = ColorProperty()
    primary_text = ColorProperty()
    secondary = ColorProperty()
    secondary_text = ColorProperty()
    disabled = ColorProperty()
    disabled_text = ColorProperty()
    right_bg = ColorProperty()
    right_fg = ColorProperty()
    hint_bg = ColorProperty()
    hint_fg = ColorProperty()
    highlight = ColorProperty()
    highlight_text = ColorProperty()
    card = ColorProperty()
    border = ColorProperty()
    phone_body = ColorProperty()
    phone_screen = ColorProperty()
    phone_text = ColorProperty()
    phone_muted = ColorProperty()
    phone_panel = ColorProperty()
    phone_message = ColorProperty()
    phone_sender = ColorProperty()
    phone_headline = ColorProperty()
    phone_notice = ColorProperty()
    phone_notice_text = ColorProperty()

    def __init__(self, settings: Settings, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.px_per_mm = settings.pixels_per_mm
        self.touch = round(MIN_TOUCH_MM * self.px_per_mm)
        self.font_least = round(MIN_PRINT_MM * self.px_per_mm)
        self.gap = round(3 * self.px_per_mm)
        self.padding = round(4 * self.px_per_mm)
        self.radius = round(2.5 * self.px_per_mm)
        self.font_control = round(4.2 * self.px_per_mm)
        self.font_control_large = round(6.5 * self.px_per_mm)
        # The welcome screen's language names: one size, so they stay on one line each.
        self.font_choice = round(5.2 * self.px_per_mm)
        self.apply("standard", high_contrast=False)

    def apply(self, text_size: str, *, high_contrast: bool) -> None:
        """Set the text size ("standard", "large", "largest") and the palette, on every screen
        at once. An unknown size (an old profile, a typo) falls back to the standard one."""
        if text_size not in TEXT_SCALES:
            text_size = "standard"
        scale = TEXT_SCALES[text_size]
        mm = self.px_per_mm
        # Body text near 5 mm tall on a 10-inch panel: readable at arm's length for older eyes.
        self.font_body = round(5.2 * mm * scale)
        self.font_small = round(4.2 * mm * scale)
        self.font_large = round(6.5 * mm * scale)
        # Titles are already large (8.5 mm) and stay so; card titles and the details under them
        # grow half as much as body text, leaving room for more of the words that matter.
        half = 1 + (scale - 1) / 2
        self.font_title = round(8.5 * mm)
        self.font_heading = round(6.5 * mm * half)
        self.font_detail = round(4.2 * mm * half)
        self.font_phone = round(4.4 * mm * PHONE_SCALES[text_size])
        # Buttons grow with their words (BigButton's height rule); the bars keep their height,
        # so the practice phone keeps its room at every text size.
        self.button_height = round(15.5 * mm)
        colours = HIGH_CONTRAST_COLOURS if high_contrast else DEFAULT_COLOURS
        for name, value in colours.items():
            setattr(self, name, hex_colour(value))
        self.text_size = text_size
        self.high_contrast = high_contrast

    def app_colour(self, app: str) -> str:
        """The colour of one practice app; darker in high contrast, under its white words."""
        colours = HIGH_CONTRAST_APP_COLOURS if self.high_contrast else APP_COLOURS
        return colours.get(app, colours["camera"])


def register_fonts(settings: Settings) -> None:
    """Make Noto Sans TC the default font of every widget: it covers Traditional Chinese, Latin
    and Vietnamese. Kivy has no fallback font, so one font must cover every script on screen."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    fonts = settings.assets_dir / "fonts"
    LabelBase.register(DEFAULT_FONT, fn_regular=str(fonts / "NotoSansTC-Regular.ttf"),
                       fn_bold=str(fonts / "NotoSansTC-Bold.ttf"))
    # And Chinese lines break between phrases, never before "。" or inside "（台灣）".
    from kiosk.ui.text_wrap import install

    install()


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

# The same apps under high contrast: white words on each at least 7:1.
HIGH_CONTRAST_APP_COLOURS = {
    "wallet": "#0e4424",
    "clinic": "#123563",
    "chat": "#253a57",
    "news": "#4a1d3f",
    "camera": "#222222",
    "video": "#093540",
    "browser": "#2c3848",
}
