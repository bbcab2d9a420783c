"""The welcome screen: one huge target, "Touch the screen to start"."""

from __future__ import annotations

from kiosk.ui.screens.base import KioskScreen, load_kv

load_kv(__file__)


class WelcomeScreen(KioskScreen):
    def on_touch_up(self, touch: object) -> bool:
        # The whole screen is the button: any single tap starts.
        if self.collide_point(*touch.pos) and self.manager.current == self.name:  # type: ignore[attr-defined]
            self.app.start_learning()
            return True
        return super().on_touch_up(touch)
