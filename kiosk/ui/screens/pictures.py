"""A grid of large, distinct pictures: choose one for a new profile, or tap your own to sign in.

The pictures (assets/pictures/, drawn for the project, CC0) differ in shape and in colour, so
someone with low vision tells them apart at a glance; each is also named under it.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import _
from kiosk.profiles import PICTURE_LABELS, PICTURES
from kiosk.ui.screens.base import KioskScreen, load_kv

load_kv(__file__)


class PictureButton(ButtonBehavior, BoxLayout):
    picture = StringProperty("")
    source = StringProperty("")
    label = StringProperty("")


class PicturesScreen(KioskScreen):
    signing_in = BooleanProperty(False)
    heading = StringProperty("")

    def refresh(self) -> None:
        app = self.app
        if self.signing_in:
            self.heading = _("Tap your picture")
            pictures = app.profiles.pictures_in_use()
        else:
            self.heading = _("Choose your picture")
            pictures = list(PICTURES)
        grid = self.ids.grid
        grid.clear_widgets()
        for picture in pictures:
            button = PictureButton(picture=picture, source=str(app.settings.picture_file(picture)),
                                   label=_(PICTURE_LABELS[picture]))
            button.bind(on_release=self._chosen)
            grid.add_widget(button)

    def _chosen(self, button: PictureButton) -> None:
        self.app.choose_picture(button.picture, signing_in=self.signing_in)
