"""Set Kivy's environment before Kivy is first imported. Kivy reads these at import time."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.config import Settings


def prepare(settings: Settings, *, headless: bool = False, fullscreen: bool = False) -> None:
    """Configure Kivy for this kiosk. Must run before ``import kivy``."""
    kivy_home = settings.home / "kivy"
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KIVY_HOME", str(kivy_home))  # else Kivy writes into ~/.kivy
    os.environ["KIVY_NO_ARGS"] = "1"  # else Kivy eats our command-line options
    # Kivy's own log goes to KIOSK_HOME/kivy/logs, where a technician can find a crash. The
    # console log is never switched off: Kivy routes stderr through it, so turning it off would
    # hide tracebacks too. KIOSK_QUIET_KIVY only raises its level.
    if headless:
        # Real rendering with Mesa's software GL (llvmpipe) and no X server: the same pixels
        # a kiosk shows, which the layout and contrast audits measure.
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")  # Escape must never quit a public kiosk
    if os.environ.get("KIOSK_QUIET_KIVY"):
        Config.set("kivy", "log_level", "warning")
    Config.set("kivy", "window_icon", str(Path(settings.assets_dir) / "images" / "icon.png"))
    Config.set("input", "mouse", "mouse,disable_multitouch")  # no red multitouch dots
    Config.set("graphics", "width", str(settings.screen_width))
    Config.set("graphics", "height", str(settings.screen_height))
    Config.set("graphics", "resizable", "0" if fullscreen else "1")
    if fullscreen:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
        Config.set("graphics", "show_cursor", "0")
