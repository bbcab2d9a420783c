"""Screens are built the first time they are shown, not at start-up.

A kiosk boots into its welcome screen; the other screens (and the parsing of their ``.kv``
files, which is most of the cost) wait until a learner or a volunteer first needs them. This keeps
start-up close to a bare Kivy window, and screens a session never visits (the volunteer view) cost
nothing.
"""

from __future__ import annotations

import importlib

from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager

# name -> "module:Class". Each screen is one .py with its .kv beside it (kiosk/ui/screens/).
SCREENS: dict[str, str] = {
    "welcome": "kiosk.ui.screens.welcome:WelcomeScreen",
    "start": "kiosk.ui.screens.start:StartScreen",
    "privacy": "kiosk.ui.screens.privacy:PrivacyScreen",
    "pictures": "kiosk.ui.screens.pictures:PicturesScreen",
    "pin": "kiosk.ui.screens.pin:PinScreen",
    "topics": "kiosk.ui.screens.topics:TopicsScreen",
    "lessons": "kiosk.ui.screens.lessons:LessonsScreen",
    "step": "kiosk.ui.screens.step:StepScreen",
    "done": "kiosk.ui.screens.done:DoneScreen",
    "check": "kiosk.ui.screens.check:CheckScreen",
    "volunteer": "kiosk.ui.screens.volunteer:VolunteerScreen",
    "settings": "kiosk.ui.screens.settings:SettingsScreen",
}


def screen_class(name: str) -> type[Screen]:
    module_name, _, class_name = SCREENS[name].partition(":")
    cls: type[Screen] = getattr(importlib.import_module(module_name), class_name)
    return cls


class LazyScreenManager(ScreenManager):
    """A ScreenManager that builds a screen from :data:`SCREENS` the first time it is asked for."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("transition", NoTransition())
        super().__init__(**kwargs)

    def get_screen(self, name: str) -> Screen:
        for screen in self.screens:
            if screen.name == name:
                return screen
        if name not in SCREENS:
            return super().get_screen(name)  # raises ScreenManagerException with its message
        screen = screen_class(name)(name=name)
        self.add_widget(screen)
        return screen

    def has_screen(self, name: str) -> bool:
        return name in SCREENS or super().has_screen(name)
