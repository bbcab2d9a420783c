"""'Are you still there?': what the kiosk asks when nobody has touched it for a while.

One huge button keeps the learner where they are. If nobody answers, the countdown ends, the
session is closed (everything is already saved: every answer is committed when it is given) and
the welcome screen comes back, showing nothing of the last learner.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import NumericProperty
from kivy.uix.modalview import ModalView

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class StillTherePrompt(ModalView):
    seconds_left = NumericProperty(0)

    def __init__(self, countdown: float, on_timeout: Callable[[], None], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._on_timeout = on_timeout
        self._deadline = 0.0
        self._countdown = countdown
        self._tick_event = None

    def start(self) -> None:
        self._deadline = Clock.get_time() + self._countdown
        self.seconds_left = math.ceil(self._countdown)
        self._tick_event = Clock.schedule_interval(self._tick, 0.25)
        self.open(animation=False)

    def stay(self) -> None:
        """The learner is here: close the question, carry on where they were."""
        self._stop()
        self.dismiss(animation=False)

    def _tick(self, _dt: float) -> None:
        left = self._deadline - Clock.get_time()
        self.seconds_left = max(0, math.ceil(left))
        if left <= 0:
            self._stop()
            self.dismiss(animation=False)
            self._on_timeout()

    def _stop(self) -> None:
        if self._tick_event is not None:
            self._tick_event.cancel()
            self._tick_event = None
