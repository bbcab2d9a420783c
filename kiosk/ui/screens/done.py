"""The closing screen: what the learner can now do, and one thing to remember."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.speech.narration import closing_narration
from kiosk.ui.screens.base import KioskScreen, load_kv

load_kv(__file__)


class DoneScreen(KioskScreen):
    can_now = StringProperty("")
    remember = StringProperty("")

    def refresh(self) -> None:
        player = self.app.player
        if player is None:
            return
        self.can_now = player.text(player.lesson.done)
        self.remember = player.text(player.lesson.remember)
        # The closing words are read too, as every step was.
        self.app.narrator.open(closing_narration(player), player.language)
