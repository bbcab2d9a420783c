"""The Kivy front end: the only package that imports kivy.

Import :mod:`kiosk.ui.bootstrap` (and call :func:`prepare`) before anything else from Kivy, so that
Kivy's environment (home folder, headless video driver, window size) is set first.
"""
