"""Start the kiosk, or draw one screen into a PNG without a display."""

from __future__ import annotations

import gc
import logging
import shutil
from pathlib import Path

from kiosk.config import Settings, load_settings
from kiosk.ui.bootstrap import prepare

log = logging.getLogger(__name__)


def run_kiosk(*, windowed: bool = False, settings: Settings | None = None) -> int:
    """``python main.py``: full screen unless ``windowed`` (or ``fullscreen = false``)."""
    settings = settings or load_settings()
    fullscreen = settings.fullscreen and not windowed
    prepare(settings, fullscreen=fullscreen)
    from kivy.clock import Clock

    from kiosk.ui.app import KioskApp

    # Everything built at start-up (Kivy, fonts, catalogs, lessons, the screens) lives until
    # the kiosk stops: once the first frame is up, move it out of the garbage collector's reach,
    # which keeps its pauses (tens of ms in the middle of a step change) short. Only here, in
    # the real kiosk: a process that makes many apps (the tests) must let old ones be collected.
    Clock.schedule_once(lambda _dt: gc.freeze(), 0)
    KioskApp(settings, fullscreen=fullscreen).run()
    return 0


def render_frames(count: int) -> None:
    """Let Kivy lay out and draw ``count`` frames (a screenshot on frame 1 can be black)."""
    from kivy.base import EventLoop

    for _ in range(count):
        EventLoop.idle()


def _show_profile_making(app: object, screen: str) -> None:
    """The screens of making a profile, as a new learner meets them."""
    app.go("start")  # type: ignore[attr-defined]
    if screen == "start":
        return
    app.make_profile()  # type: ignore[attr-defined]
    if screen == "profile":
        app.screen("privacy").agree()  # type: ignore[attr-defined]
    elif screen == "pin":
        app.choose_picture("tree", signing_in=False)  # type: ignore[attr-defined]
        app.screen("pin").press("4")  # type: ignore[attr-defined]
        app.screen("pin").press("2")  # type: ignore[attr-defined]


def example_history(app: object) -> None:
    """A little for the volunteer view to show (screenshots, and the audits that draw it): one
    profile that finished a topic, one half-way through a lesson and asking for help."""
    from kiosk.help_requests import ask_for_help

    store = app.store  # type: ignore[attr-defined]
    library = app.library  # type: ignore[attr-defined]
    language = app.language  # type: ignore[attr-defined]
    plans = (("tree", "2468", library.lessons_in("payment"), None),
             ("boat", "1357", library.lessons_in("telehealth")[:1], 2))
    for picture, pin, lessons, stop_at in plans:
        profile = app.profiles.create(picture, pin, language=language)  # type: ignore[attr-defined]
        store.start_session(profile.learner_id)
        for lesson in lessons:
            store.begin_lesson(profile.learner_id, lesson.id, version=lesson.version,
                               step_count=lesson.step_count, language=language)
            for number in range(lesson.step_count if stop_at is None else stop_at):
                store.answer(profile.learner_id, lesson.id, step=number, correct=True)
        if stop_at is not None:
            ask_for_help(store, profile.learner_id, lesson_id=lessons[0].id, step=stop_at,
                         screen="step")
    store.end_session()


def _show_volunteer_view(app: object, screen: str) -> None:
    """The volunteer view with a little to show (example_history)."""
    example_history(app)
    app.unlock_volunteer()  # type: ignore[attr-defined]
    app.screen("volunteer").show("learners" if screen == "volunteer" else "today")  # type: ignore[attr-defined]
    if screen == "settings":
        app.go("settings")  # type: ignore[attr-defined]


def screenshot(*, screen: str, out: Path, lesson: str | None = None, topic: str | None = None,
               step: int = 1, language: str | None = None, text_size: str = "standard",
               high_contrast: bool = False) -> int:
    """Draw ``screen`` headless into ``out`` (PNG). Progress goes to a throw-away store."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        settings = load_settings(language=language) if language else load_settings()
        # A scratch home: a screenshot must never touch a real kiosk's progress.
        from dataclasses import replace

        settings = replace(settings, home=Path(scratch))
        prepare(settings, headless=True)
        from kiosk.ui.app import KioskApp

        app = KioskApp(settings)
        if lesson and lesson not in app.library.lessons:
            log.error("No lesson %r. Lessons: %s", lesson, ", ".join(sorted(app.library.lessons)))
            return 2
        app._run_prepare()  # build and show the root without entering the main loop
        render_frames(2)
        if high_contrast or text_size != "standard":
            app.set_display(text_size=text_size, high_contrast=high_contrast)
        if screen in ("start", "privacy", "profile", "pin"):
            _show_profile_making(app, screen)
        elif screen in ("volunteer", "settings"):
            _show_volunteer_view(app, screen)
        elif screen != "welcome":
            app.start_learning()
        if screen in ("lessons", "step", "done", "idle"):
            chosen = app.library.lessons[lesson] if lesson else None
            app.open_topic(topic or (chosen.topic if chosen else app.library.topics[0].id))
        if screen in ("step", "done", "idle"):
            lesson_id = lesson or app.library.lessons_in(app.topic_id)[0].id
            app.open_lesson(lesson_id)
            if screen == "idle":
                app._ask_still_there()  # what a learner who walked away comes back to
            elif screen == "step":
                for _ in range(max(0, step - 1)):
                    app.player.index += 1  # look only: the scratch store is thrown away
                app.screen("step").refresh()
            else:
                app.finish_lesson()
        render_frames(10)  # layout, text and the step's text fitting settle over a few frames
        out.parent.mkdir(parents=True, exist_ok=True)
        from kivy.core.window import Window

        # Window.screenshot() shows exactly what the panel shows (background colour included);
        # it adds a counter to the name it is given, so write to scratch and move into place.
        written = Window.screenshot(name=str(Path(scratch) / "screen.png"))
        shutil.move(written, out)
        log.info("Wrote %s", out)
        print(f"Wrote {out}")
    return 0
