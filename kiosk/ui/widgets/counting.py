"""The learner's say over being counted (issue 16): one large switch, in words.

"Count my lessons in the anonymous totals: Yes" — a tap changes it to "No" and back, says the
new choice aloud, and applies it at once (:meth:`KioskApp.set_counted`): a learner who says no
never enters the statistics; their own progress still works. On the start screen (for guests),
the privacy screen (before a profile is made) and the topics screen (to change one's mind).
The state is written out in full rather than shown by a tick, which some learners cannot read.
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder

from kiosk.ui.widgets.common import BigButton

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class CountingSwitch(BigButton):
    def on_release(self) -> None:
        app = App.get_running_app()
        app.set_counted(not app.counted)
        app.narrator.open(self.text, app.language, autoplay=True)
