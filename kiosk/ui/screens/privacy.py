"""Before a profile is made: what the kiosk keeps and what it shares, in plain words, read aloud.

The words must stay true to the code: kiosk/profiles.py (picture, scrypt-hashed PIN, lesson
places, display choices), kiosk/sync/ (only daily counts per lesson and language leave the kiosk)
and kiosk/volunteer.py (what the volunteer view shows).
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from kiosk.i18n import _
from kiosk.ui.screens.base import KioskScreen, TextFitter, load_kv

load_kv(__file__)


class PrivacyScreen(KioskScreen):
    keeps = StringProperty("")
    never = StringProperty("")
    shares = StringProperty("")
    delete = StringProperty("")
    # The four paragraphs shrink a little (as a step's words do) if the largest text size in a
    # long language would not fit: every word must be on screen.
    text_scale = NumericProperty(1.0)
    MIN_TEXT_SCALE = 0.65  # 0.7 until the counting switch (issue 16) took a row

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._fit_trigger = Clock.create_trigger(self._fit)
        self._fitter = TextFitter(self.MIN_TEXT_SCALE)

    def on_kv_post(self, base_widget: object) -> None:
        self.ids.column.bind(size=lambda *_: self._fit_trigger())
        for name in ("keeps", "never", "shares", "delete"):
            self.ids[name].bind(texture_size=lambda *_: self._fit_trigger())
        # The counting switch's words can wrap at the largest size: the paragraphs make room.
        self.ids.counting.bind(height=lambda *_: self._fit_trigger())

    def _fit(self, *_: object) -> None:
        scale = self._fitter.next(self.ids.column, self.text_scale)
        if scale is not None:
            self.text_scale = scale
            self._fit_trigger()

    def refresh(self) -> None:
        self.text_scale = 1.0
        self._fitter.reset()
        self._fit_trigger()
        self.keeps = _("This kiosk keeps your picture, your PIN (scrambled, so nobody can read "
                       "it), your place in each lesson, and the text size and language you "
                       "like. Volunteers here can see which lessons your picture has done, so "
                       "they can help you.")
        self.never = _("It never asks for your name, phone number or ID.")
        self.shares = _("It only shares counts, such as how many people finished a lesson "
                        "each day. Nothing that shows who you are leaves this kiosk.")
        self.delete = _("You can delete your profile and all your progress at any time.")

    def on_enter(self, *_: object) -> None:
        self.read_aloud()

    def read_aloud(self) -> None:
        title = _("Before you make a profile")
        text = " ".join((title, self.keeps, self.never, self.shares, self.delete,
                         self.ids.counting.text))
        self.app.narrator.open(text, self.app.language, autoplay=True)

    def agree(self) -> None:
        pictures = self.app.screen("pictures")
        pictures.signing_in = False
        self.app.go("pictures")
