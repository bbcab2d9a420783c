"""Community digital-skills kiosk: lessons, progress and sync, with a Kivy front end in kiosk.ui."""

__version__ = "0.1.0"
