"""Volunteer settings: which languages are offered, how long before "Are you still there?", and
how loud the narration is. Saved in ``KIOSK_HOME/volunteer.toml`` (kiosk/volunteer.py) and
applied at once; what the installer wrote in kiosk.toml stays the default underneath.
"""

from __future__ import annotations

from dataclasses import replace

from babel.numbers import format_percent
from kivy.properties import ListProperty, NumericProperty, StringProperty

from kiosk.i18n import LANGUAGES, _, language_name, ngettext
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.widgets.common import BigButton
from kiosk.volunteer import save_volunteer_settings

load_kv(__file__)

# The choices a volunteer steps through with "-" and "+": never below a minute, so a learner who
# reads slowly is not interrupted.
IDLE_CHOICES = (60.0, 120.0, 180.0, 300.0, 600.0)
VOLUME_STEP = 0.1


class SettingsScreen(KioskScreen):
    languages = ListProperty([])
    idle_timeout = NumericProperty(120.0)
    volume = NumericProperty(1.0)
    idle_text = StringProperty("")
    volume_text = StringProperty("")
    message = StringProperty("")

    def on_pre_enter(self, *args: object) -> None:
        settings = self.app.settings
        self.languages = [code for code in settings.languages if code in LANGUAGES]
        self.idle_timeout = settings.idle_timeout
        self.volume = settings.speech_volume
        self.message = ""
        super().on_pre_enter(*args)

    def refresh(self) -> None:
        minutes = round(self.idle_timeout / 60, 1)
        shown = int(minutes) if minutes == int(minutes) else minutes
        self.idle_text = ngettext("{n} minute", "{n} minutes", int(minutes)).format(n=shown)
        self.volume_text = format_percent(self.volume, locale=self.app.language)
        row = self.ids.language_choices
        row.clear_widgets()
        for code in LANGUAGES:
            offered = code in self.languages
            # A tick as well as the colour: the state must not rest on colour alone.
            button = BigButton(text=("✓ " if offered else "") + language_name(code),
                               compact=True, wrap=False,
                               style="primary" if offered else "secondary")
            button.language = code
            button.bind(on_release=lambda b: self.toggle_language(b.language))
            row.add_widget(button)

    def toggle_language(self, code: str) -> None:
        chosen = list(self.languages)
        if code in chosen:
            if len(chosen) == 1:
                self.message = _("At least one language must be offered.")
                return
            chosen.remove(code)
        else:
            chosen.append(code)
        self.languages = [c for c in LANGUAGES if c in chosen]
        self.message = ""
        self.refresh()

    def step_idle(self, direction: int) -> None:
        later = [c for c in IDLE_CHOICES if c > self.idle_timeout]
        earlier = [c for c in IDLE_CHOICES if c < self.idle_timeout]
        if direction > 0 and later:
            self.idle_timeout = later[0]
        elif direction < 0 and earlier:
            self.idle_timeout = earlier[-1]
        self.refresh()

    def step_volume(self, direction: int) -> None:
        self.volume = round(min(1.0, max(0.0, self.volume + direction * VOLUME_STEP)), 2)
        self.refresh()

    def save(self) -> None:
        app = self.app
        try:
            save_volunteer_settings(app.settings.home, languages=tuple(self.languages),
                                    idle_timeout=self.idle_timeout, speech_volume=self.volume)
        except OSError as exc:
            self.message = _("The settings could not be saved ({error}). Nothing was "
                             "changed.").format(error=exc)
            return
        app.apply_volunteer_settings(replace(
            app.settings, languages=tuple(self.languages), idle_timeout=self.idle_timeout,
            speech_volume=self.volume))
        self.message = _("Saved. The kiosk uses these settings now.")
