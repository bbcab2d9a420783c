"""Open any screen (or pop-up) of the kiosk directly, for the audits that visit them all.

``open_screen`` returns the widget to audit: the screen, or the pop-up on top of it.
"""

from __future__ import annotations

from typing import Any

from kiosk.help_requests import ask_for_help

# Screens reached without a lesson: (name, subject) pairs for the audits' tables.
PROFILE_SCREENS = [("start", ""), ("privacy", ""), ("pictures", "new"), ("pictures", "sign_in"),
                   ("pin", "new"), ("pin", "sign_in"), ("pin", "volunteer")]
VOLUNTEER_SCREENS = [("volunteer", "today"), ("volunteer", "learners"), ("volunteer", "help"),
                     ("volunteer", "problems"), ("volunteer", "sync"), ("settings", "")]
POPUPS = [("popup", "help"), ("popup", "display"), ("popup", "delete"), ("popup", "idle")]


def _some_history(app: Any) -> None:
    """Two profiles with progress, one help request: the volunteer view has rows to show."""
    first = app.profiles.create("tree", "2468", language=app.language)
    app.store.start_session(first.learner_id)
    for lesson in app.library.lessons_in("payment"):
        app.store.begin_lesson(first.learner_id, lesson.id, version=lesson.version,
                               step_count=lesson.step_count, language=app.language)
        for number in range(lesson.step_count):
            app.store.answer(first.learner_id, lesson.id, step=number, correct=True)
    second = app.profiles.create("boat", "1357", language=app.language)
    app.store.start_session(second.learner_id)
    lesson = app.library.lessons_in("telehealth")[0]
    app.store.begin_lesson(second.learner_id, lesson.id, version=lesson.version,
                           step_count=lesson.step_count, language=app.language)
    ask_for_help(app.store, second.learner_id, lesson_id=lesson.id, step=0, screen="step")
    app.store.end_session()


def open_screen(app: Any, screen: str, subject: str = "", index: int = 0) -> Any:
    if screen == "welcome":
        app.go("welcome")
    elif screen in ("start", "privacy"):
        app.profiles.create("sun", "1111", language=app.language)  # "I have a profile" shows
        app.go("start")
        if screen == "privacy":
            app.make_profile()
    elif screen == "pictures":
        app.profiles.create("sun", "1111", language=app.language)
        pictures = app.screen("pictures")
        pictures.signing_in = subject == "sign_in"
        app.go("pictures")
    elif screen == "pin":
        if subject == "volunteer":
            app.open_volunteer()
        else:
            app.choose_picture("umbrella", signing_in=subject == "sign_in")
    elif screen in ("volunteer", "settings"):
        _some_history(app)
        app.unlock_volunteer()
        if screen == "settings":
            app.go("settings")
        else:
            app.screen("volunteer").show(subject)
    elif screen == "popup":
        return _open_popup(app, subject)
    else:
        app.start_learning()
        if screen == "topics":
            pass
        elif screen == "lessons":
            app.open_topic(subject)
        elif screen in ("step", "done"):
            app.open_lesson(subject)
            if screen == "done":
                app.finish_lesson()
            else:
                app.player._show(index)
                app.screen("step").refresh()
    return app.root.current_screen


def _open_popup(app: Any, which: str) -> Any:
    from kivy.core.window import Window
    from kivy.uix.modalview import ModalView

    if which == "delete":
        profile = app.profiles.create("key", "9090", language=app.language)
        app.learner_id, app.profile_picture = profile.learner_id, profile.picture
        app.go("topics")
        app.screen("topics").ask_delete()
    else:
        app.start_learning()
        app.open_lesson(app.library.lessons_in("payment")[0].id)
        app.player._show(1)
        app.screen("step").refresh()
        if which == "help":
            app.screen("step").need_help()
        elif which == "display":
            from kiosk.ui.widgets.display import DisplayPicker

            DisplayPicker().open(animation=False)
        else:
            app._ask_still_there()
    return next(w for w in Window.children if isinstance(w, ModalView))
