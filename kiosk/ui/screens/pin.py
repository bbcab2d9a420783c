"""Typing a PIN on large keys: a learner's 4 digits, or the volunteers' 6.

Modes: ``new`` then ``confirm`` (making a profile), ``sign_in``, ``volunteer``. The volunteer
PIN is never chosen here (deploy/install.sh or ``python -m kiosk volunteer set-pin`` sets it):
without one the gate says how to set it and its keys stay off. After repeated wrong PINs the
keys rest for a while, with a countdown and calm words; they always come back by themselves, so
nobody is ever locked out in a way that needs staff. Both pauses are kept on disk, so they
are still on after a restart.
"""

from __future__ import annotations

import math

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.i18n import _, ngettext
from kiosk.profiles import PICTURE_LABELS
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.volunteer import VolunteerPinNotSet

load_kv(__file__)

LEARNER_DIGITS = 4
VOLUNTEER_DIGITS = 6


class PinScreen(KioskScreen):
    mode = StringProperty("new")
    typed = StringProperty("")
    digits = NumericProperty(LEARNER_DIGITS)
    heading = StringProperty("")
    message = StringProperty("")
    picture_source = StringProperty("")
    picture_label = StringProperty("")
    resting = BooleanProperty(False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._rest_until = 0.0
        self._rest_event = None

    # --- what is shown -----------------------------------------------------------------------
    def on_pre_enter(self, *args: object) -> None:
        self.message = ""
        super().on_pre_enter(*args)
        if self.mode == "sign_in":
            self._rest(self.app.profiles.paused_for(self.app.chosen_picture))
        elif self.mode == "volunteer":
            access = self.app.volunteer_access()
            if not access.is_set():
                self.resting = True  # no keys to press: there is no PIN to match
                self.message = str(VolunteerPinNotSet())
            else:
                self.resting = False
                self._rest(access.paused_for())

    def on_enter(self, *_: object) -> None:
        if not self.mode.startswith("volunteer"):
            self.app.narrator.open(self.heading, self.app.language, autoplay=True)

    def on_mode(self, *_: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        volunteer = self.mode.startswith("volunteer")
        self.digits = VOLUNTEER_DIGITS if volunteer else LEARNER_DIGITS
        self.typed = ""
        self.heading = {
            "new": _("Choose a 4-digit PIN"),
            "confirm": _("Type the same PIN again"),
            "sign_in": _("Enter your PIN"),
            "volunteer": _("Volunteer PIN"),
        }[self.mode]
        if self.mode == "new" and not self.message:
            # A kiosk PIN is seen by others nearby: never reuse one that guards money.
            self.message = _("Pick numbers you will remember. Do not use your bank card PIN.")
        picture = self.app.chosen_picture
        if volunteer or not picture:
            self.picture_source = self.picture_label = ""
        else:
            self.picture_source = str(self.app.settings.picture_file(picture))
            self.picture_label = _(PICTURE_LABELS[picture])

    # --- keys --------------------------------------------------------------------------------
    def press(self, digit: str) -> None:
        if self.resting or len(self.typed) >= self.digits:
            return
        self.typed += digit
        if len(self.typed) == self.digits:
            # A moment for the last dot to show before the answer comes.
            Clock.schedule_once(lambda _dt: self._submit(), 0.15)

    def clear(self) -> None:
        self.typed = ""

    def back(self) -> None:
        if self.mode.startswith("volunteer"):
            self.app.leave()
        elif self.mode == "sign_in":
            self.app.go("pictures")
        else:
            self.mode = "new"
            self.app.go("pictures")

    def _submit(self) -> None:
        pin, self.typed = self.typed, ""
        if len(pin) != self.digits:
            return
        handler = {
            "new": self._first, "confirm": self._second, "sign_in": self._sign_in,
            "volunteer": self._volunteer,
        }[self.mode]
        handler(pin)

    # --- what each mode does with a full PIN -------------------------------------------------
    def _first(self, pin: str) -> None:
        self.app.first_pin = pin
        self.message = ""
        self.mode = "confirm"
        self.on_enter()

    def _second(self, pin: str) -> None:
        if pin != self.app.first_pin:
            self._start_again(_("The two PINs were not the same. Please choose your PIN again."))
            return
        problem = self.app.create_profile(pin)
        if problem:
            self._start_again(problem)

    def _start_again(self, message: str) -> None:
        self.app.first_pin = ""
        self.mode = "new"
        self.message = message
        self.app.narrator.open(message, self.app.language, autoplay=True)

    def _sign_in(self, pin: str) -> None:
        wait = self.app.sign_in(pin)
        if wait == 0:
            return  # signed in: the app has opened the learner's lesson
        if wait > 0:
            self._rest(wait)
        else:
            self.message = _("That PIN is not right. Please try again.")
            self.app.narrator.open(self.message, self.app.language, autoplay=True)

    def _volunteer(self, pin: str) -> None:
        try:
            wait = self.app.volunteer_access().check(pin)
        except VolunteerPinNotSet as exc:  # the file was removed while the gate was open
            self.message = str(exc)
            return
        if wait == 0:
            self.app.unlock_volunteer()
        elif wait > 0:
            self._rest(wait)
        else:
            self.message = _("That PIN is not right. Please try again.")

    # --- a calm pause ------------------------------------------------------------------------
    def on_resting(self, _screen: object, resting: bool) -> None:
        for key in self.ids.keypad.children:
            key.disabled = resting
    def _rest(self, seconds: float) -> None:
        if seconds <= 0:
            self.resting = False
            return
        self._rest_until = Clock.get_time() + seconds
        self.resting = True
        self._tick(0)
        if self._rest_event is None:
            self._rest_event = Clock.schedule_interval(self._tick, 0.5)
        self.app.narrator.open(_("Let's take a short break."), self.app.language,
                               autoplay=not self.mode.startswith("volunteer"))

    def _tick(self, _dt: float) -> None:
        left = math.ceil(self._rest_until - Clock.get_time())
        if left <= 0:
            self.resting = False
            self.message = _("You can try again now.")
            if self._rest_event is not None:
                self._rest_event.cancel()
                self._rest_event = None
            return
        self.message = ngettext(
            "Let's take a short break. You can try again in {n} second.",
            "Let's take a short break. You can try again in {n} seconds.", left).format(n=left)
