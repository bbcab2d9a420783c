"""The welcome screen: one huge target, "Touch the screen to start"."""

from __future__ import annotations

from kiosk.i18n import language_name
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.widgets.common import BigButton

load_kv(__file__)


class WelcomeScreen(KioskScreen):
    """A huge start button, the offered languages (each written in its own language), the "Aa"
    control, and a small but findable way in for volunteers."""

    def on_kv_post(self, base_widget: object) -> None:
        self.ids.start.bind(on_release=lambda *_: self.app.go("start"))

    def refresh(self) -> None:
        row = self.ids.languages
        row.clear_widgets()
        for code in self.app.offered_languages:
            button = BigButton(text=language_name(code),
                               style="primary" if code == self.app.language else "secondary")
            # After the kv rule: language names keep one size, so each stays on one line.
            button.font_size = self.app.theme.font_choice
            button.language = code
            button.bind(on_release=lambda b: self.app.set_language(b.language))
            row.add_widget(button)
