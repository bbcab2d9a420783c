"""What every kiosk screen shares: its ``.kv`` file is loaded next to its ``.py`` file."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen

# Imported for their side effect: they register the widgets that the screens' .kv files use.
import kiosk.ui.widgets.common
import kiosk.ui.widgets.language
import kiosk.ui.widgets.phone  # noqa: F401


def load_kv(py_file: str) -> None:
    Builder.load_file(str(Path(py_file).with_suffix(".kv")))


class KioskScreen(Screen):
    @property
    def app(self):  # type: ignore[no-untyped-def]
        return App.get_running_app()

    def on_pre_enter(self, *_: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the app's state. Screens override this."""
