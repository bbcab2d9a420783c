"""How would you like to start? As a guest, by making a picture profile, or with one's own."""

from __future__ import annotations

from kivy.properties import BooleanProperty

from kiosk.ui.screens.base import KioskScreen, load_kv

load_kv(__file__)


class StartScreen(KioskScreen):
    # "I have a profile" is only offered once somebody has made one on this kiosk.
    has_profiles = BooleanProperty(False)

    def refresh(self) -> None:
        self.has_profiles = bool(self.app.profiles.pictures_in_use())

    def sign_in(self) -> None:
        pictures = self.app.screen("pictures")
        pictures.signing_in = True
        self.app.go("pictures")
