"""Open any screen (or pop-up) of the kiosk directly, for the audits that visit them all.

``open_screen`` returns the widget to audit: the screen, or the pop-up on top of it.
"""

from __future__ import annotations

from typing import Any

from kiosk.ui.launch import example_history

# Screens reached without a lesson: (name, subject) pairs for the audits' tables.
PROFILE_SCREENS = [("start", ""), ("privacy", ""), ("pictures", "new"), ("pictures", "sign_in"),
                   ("pin", "new"), ("pin", "sign_in"), ("pin", "volunteer")]
VOLUNTEER_SCREENS = [("volunteer", "today"), ("volunteer", "learners"), ("volunteer", "help"),
                     ("volunteer", "problems"), ("volunteer", "sync"), ("settings", "")]
POPUPS = [("popup", "help"), ("popup", "display"), ("popup", "delete"), ("popup", "idle"),
          ("popup", "language")]
# The before-and-after check (kiosk/ui/screens/check.py): "topic/form/state", where the state is
# offer, item1..item6, confidence, or end (a profile's after-check, with its before beside it).
CHECK_STATES = ("offer", "confidence", "end")


def check_screens(checks: Any, forms: tuple[str, ...] = ("a", "b")) -> list[tuple[str, str]]:
    places: list[tuple[str, str]] = []
    for (topic, form), check in sorted(checks.forms.items()):
        if form in forms:
            places += [("check", f"{topic}/{form}/{state}") for state in CHECK_STATES]
            places += [("check", f"{topic}/{form}/item{n}")
                       for n in range(1, check.item_count + 1)]
    return places


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
        example_history(app)
        app.unlock_volunteer()
        if screen == "settings":
            app.go("settings")
        else:
            app.screen("volunteer").show(subject)
    elif screen == "popup":
        return _open_popup(app, subject)
    elif screen == "check":
        _open_check(app, subject)
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


def _open_check(app: Any, subject: str) -> None:
    from kiosk.check_player import CheckPlayer

    topic, form_name, state = subject.split("/")
    form = app.checks.form(topic, form_name)
    if state == "end":
        # The longest end: a profile's after-check, every item right, the before beside it.
        profile = app.profiles.create("key", "9090", language=app.language)
        app.learner_id, app.profile_picture = profile.learner_id, profile.picture
        other = app.checks.form(topic, "b" if form_name == "a" else "a")
        before = CheckPlayer.begin(app.check_results, other, app.learner_id, phase="before",
                                   language=app.language)
        before.index = other.item_count
        before.confidence(2)
    else:
        app.start_learning()
    player = CheckPlayer.begin(app.check_results, form, app.learner_id,
                               phase="after" if state == "end" else "before",
                               language=app.language)
    app.check_player = player
    app.check_started = state != "offer"
    if state.startswith("item"):
        player.index = int(state[4:]) - 1
    elif state in ("confidence", "end"):
        if state == "end":
            for step in form.steps:
                _answer_check_item(player, step)
            player.confidence(3)
        player.index = form.item_count
    app.go("check")


def _answer_check_item(player: Any, step: Any) -> None:
    if step.kind == "tap":
        player.tap(step.target)
    elif step.kind == "choice":
        player.choose(next(i for i, o in enumerate(step.options) if o.correct))
    else:
        player.spot(step.answer)


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
        elif which == "language":
            from kiosk.ui.widgets.language import LanguagePicker

            LanguagePicker().open(animation=False)
        else:
            app._ask_still_there()
    return next(w for w in Window.children if isinstance(w, ModalView))


def without_sound(app: Any, folder: Any) -> None:
    """The kiosk with no sound at all (no clips, nothing to synthesise with), as on a kiosk
    whose audio is broken: "Listen again" becomes "No sound". Call screen.refresh() after."""
    from kiosk.speech.player import SpeechResolver

    app.narrator.resolver.close()
    app.narrator.resolver = SpeechResolver(prebuilt=folder / "none", device=folder / "none2",
                                           synthesiser=None)


def answer_rightly(app: Any) -> None:
    """Answer the step on screen rightly and draw it: its praise, the chosen option, the items
    numbered, a fake message's signs. (The audits draw the answered state; the UI tests tap.)"""
    player = app.player
    step = player.step
    if step.kind == "tap":
        player.tap(step.target)
    elif step.kind == "choice":
        player.choose([option.correct for option in step.options].index(True))
    elif step.kind == "order":
        for item in range(len(step.items)):
            player.pick(item)
    elif step.kind == "spot":
        player.spot(step.answer)
    app.screen("step")._draw_answer()
