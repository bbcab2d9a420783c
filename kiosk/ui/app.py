"""KioskApp: holds the kiosk's state and moves between screens.

State lives in the progress store, not in widgets: after a power cut, :meth:`KioskApp.on_start`
asks the store who was learning what, and opens that step again.

Who is learning: a guest (a random id, nothing to remember) or a picture profile (a picture from
a grid and a 4-digit PIN; no name, no phone number). A profile's text size, contrast and
language come back when it signs in; a guest's last until they leave. Leaving (or walking away)
puts everything back to the kiosk's defaults, so the next person sees nothing of the last.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from kivy.app import App
from kivy.clock import Clock, ClockEvent
from kivy.core.window import Window
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty

from kiosk.check_player import CheckPlayer
from kiosk.check_results import CheckResults, Phase
from kiosk.config import Settings
from kiosk.help_requests import ask_for_help, learner_left
from kiosk.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    SOURCE_LANGUAGE,
    _,
    ngettext,
    pgettext,
    set_language,
    translations_for,
)
from kiosk.i18n.coverage import shown_lessons
from kiosk.lessons import Library, load_library
from kiosk.lessons.checks import check_files_in, load_checks
from kiosk.player import LessonPlayer
from kiosk.profiles import Profile, Profiles
from kiosk.progress import ProgressStore, StorageError
from kiosk.speech.narration import step_speech
from kiosk.sync import aggregate
from kiosk.sync.client import load_credentials
from kiosk.sync.worker import SyncWorker
from kiosk.ui.narrator import Narrator
from kiosk.ui.screen_manager import LazyScreenManager
from kiosk.ui.theme import Theme, register_fonts
from kiosk.ui.touch_filter import TouchFilter
from kiosk.ui.widgets.idle import StillTherePrompt

if TYPE_CHECKING:
    from kiosk.volunteer import VolunteerAccess

log = logging.getLogger(__name__)


class KioskApp(App):
    title = "Digital skills kiosk"
    theme = ObjectProperty(None)
    learner_id = StringProperty("")
    topic_id = StringProperty("")
    player = ObjectProperty(None, allownone=True)
    # Messages for the volunteers: damaged progress file, lesson files that were skipped.
    notices = ListProperty([])
    # A problem the learner should know about right now (e.g. "this step was not saved").
    alert = StringProperty("")
    # The language on screen. kv rules pass it to translate() so they re-run when it changes.
    language = StringProperty(SOURCE_LANGUAGE)
    narrator = ObjectProperty(None)
    # The signed-in profile's picture id; "" for a guest or nobody.
    profile_picture = StringProperty("")
    # The languages the welcome screen and the language picker offer (a volunteer setting).
    offered_languages = ListProperty(list(LANGUAGES))
    volunteer_unlocked = BooleanProperty(False)
    # The before-and-after check on screen (kiosk/ui/screens/check.py), if any, and whether the
    # learner has tapped Start on its offer.
    check_player = ObjectProperty(None, allownone=True)
    check_started = BooleanProperty(False)
    # Offer the checks (issue 11). UI tests about other screens turn it off (tests/ui/conftest).
    offer_checks = BooleanProperty(True)
    # The person at the kiosk lets their lessons count in the anonymous totals (issue 16): yes
    # unless they say no; a profile remembers it, a guest's choice lasts the visit.
    counted = BooleanProperty(True)

    def __init__(self, settings: Settings, *, fullscreen: bool = False,
                 library: Library | None = None, store: ProgressStore | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.fullscreen = fullscreen
        self.theme = Theme(settings)
        self._use_language(settings.language)
        self.library = library or load_library(settings.lessons_dir, settings.images_dir)
        self.store = store or self._open_store()
        self.profiles = Profiles(self.store)
        self.checks = load_checks(check_files_in(settings.lessons_dir),
                                  [t.id for t in self.library.topics], settings.images_dir)
        self.check_results = CheckResults(self.store)
        # What comes after the check on screen: a lesson to open, or the closing screen.
        self._after_check = ""
        self.notices = list(self.store.notices) + self._lesson_notices()
        # The open lesson's values, so the voice says them from their typed data.
        self.narrator = Narrator(settings, values=lambda: (
            self.check_player.form.values if self.check_player is not None
            else self.player.lesson.values if self.player else {}))
        self.apply_volunteer_settings(settings)  # the languages offered
        self.sync_worker: SyncWorker | None = None
        self._idle_event: ClockEvent | None = None
        self._prompt: StillTherePrompt | None = None
        self.touch_filter: TouchFilter | None = None
        # A profile being made or signed into: the picture tapped and the first PIN typed. In
        # memory only, and forgotten when the learner leaves.
        self.chosen_picture = ""
        self.first_pin = ""
        self._volunteer_access: VolunteerAccess | None = None
        self._rest_event: ClockEvent | None = None
        self._awake_fps = Clock._max_fps

    # --- set-up ------------------------------------------------------------------------------
    def _open_store(self) -> ProgressStore:
        try:
            return ProgressStore.open(self.settings.database_path)
        except StorageError as exc:
            message = _("Progress cannot be saved on this kiosk: {error} Lessons still work, "
                        "but nothing is kept after the kiosk is switched off.").format(error=exc)
            log.error(message)
            return ProgressStore.in_memory(notice=message)

    def _lesson_notices(self) -> list[str]:
        skipped = self.library.skipped_files
        if not skipped:
            return []
        names = ", ".join(p.name for p in skipped)
        return [ngettext("{count} lesson file was skipped because of problems: {names}. Run "
                         "'python -m kiosk lessons check' to see what to fix.",
                         "{count} lesson files were skipped because of problems: {names}. Run "
                         "'python -m kiosk lessons check' to see what to fix.",
                         len(skipped)).format(count=len(skipped), names=names)]

    def build(self) -> LazyScreenManager:
        register_fonts(self.settings)
        # The panel behind every screen follows the theme ("Aa", a profile, leaving).
        Window.clearcolor = self.theme.background
        self.theme.bind(background=lambda _theme, colour: setattr(Window, "clearcolor", colour))
        # Screens are built on first use (kiosk/ui/screen_manager.py): start-up draws only the
        # welcome screen.
        return LazyScreenManager()

    def screen(self, name: str) -> object:
        """The screen called ``name``, built now if it has not been shown yet."""
        return self.root.get_screen(name)

    def on_start(self) -> None:
        # Any touch anywhere counts as "someone is here" (bound callbacks see it first and
        # return None, so the touch still reaches the widgets).
        Window.bind(on_touch_down=self._someone_touched)
        # Bound last, so it sees every touch first (Kivy calls the newest binding first).
        self.touch_filter = TouchFilter(bounce_mm=15, px_per_mm=self.theme.px_per_mm,
                                        reach_px=self.theme.gap / 2)
        self.touch_filter.install()
        self.resume()
        self._start_sync()

    def on_stop(self) -> None:
        self._wake()
        Window.unbind(on_touch_down=self._someone_touched)
        if self.touch_filter is not None:
            self.touch_filter.uninstall()
        if self._idle_event is not None:
            self._idle_event.cancel()
        self.narrator.close()
        if self.sync_worker is not None:
            self.sync_worker.stop(timeout=5)

    def _start_sync(self) -> None:
        """Send the anonymised statistics in the background, if a volunteer enrolled this kiosk
        (python -m kiosk sync enrol CODE --server URL). Never on the UI thread."""
        if self.store.path == Path(":memory:") or load_credentials(self.settings.home) is None:
            return
        self.sync_worker = SyncWorker(self.settings.database_path, self.settings.home)
        self.sync_worker.start()

    def resume(self) -> None:
        """Bring back whoever was learning when the kiosk stopped, at the same step."""
        session = self.store.active_session()
        if session is None:
            self.go("welcome")
            return
        self.learner_id = session.learner_id
        profile = self.profiles.get(self.learner_id)
        if profile is not None:
            self._use_profile(profile)
        lesson = self.library.lessons.get(session.lesson_id or "")
        if lesson is None:
            self.go("topics")
            return
        self.topic_id = lesson.topic
        progress = self.store.progress(self.learner_id, lesson.id)
        if progress is not None and progress.language in LANGUAGES:
            self._use_language(progress.language)  # back in the learner's own language
        if progress is None or progress.done:
            self.go("lessons")
            return
        self.open_lesson(lesson.id)

    # --- navigation (called from the screens) ------------------------------------------------
    def go(self, screen: str) -> None:
        if screen in ("volunteer", "settings") and not self.volunteer_unlocked:
            screen = "welcome"  # only through the volunteer PIN
        if screen != "step":
            self.narrator.stop()
        self.root.current = screen
        self._arm_idle()
        if screen == "welcome":
            self._rest_when_quiet()
        else:
            self._wake()

    # --- a learner who walks away -------------------------------------------------------------
    def _someone_touched(self, *_args: object) -> None:
        self._wake()
        self._arm_idle()

    # --- resting: a kiosk nobody uses should draw almost nothing ----------------------------
    # Kivy's loop wakes 60 times a second whether or not anything changes. On the blank welcome
    # screen nothing moves, so after a few quiet seconds the loop is slowed to a few frames a
    # second (a touch still lands within a fraction of a second, and wakes it at once).
    REST_AFTER = 5.0
    RESTING_FPS = 4.0

    def _rest_when_quiet(self) -> None:
        if self._rest_event is not None:
            self._rest_event.cancel()
        self._rest_event = Clock.schedule_once(self._rest, self.REST_AFTER)

    def _rest(self, *_args: object) -> None:
        self._rest_event = None
        if self.root is not None and self.root.current == "welcome" and not self.learner_id:
            Clock._max_fps = self.RESTING_FPS  # Kivy reads it on every frame

    def _wake(self) -> None:
        if self._rest_event is not None:
            self._rest_event.cancel()
            self._rest_event = None
        Clock._max_fps = self._awake_fps

    def _arm_idle(self) -> None:
        """(Re)start the wait for "Are you still there?" while a learner is using the kiosk."""
        if self._idle_event is not None:
            self._idle_event.cancel()
            self._idle_event = None
        # Someone is here whenever the screen is not the blank welcome: a learner, someone
        # half-way through making a profile, or a volunteer (whose view must not stay open).
        someone = self.learner_id or (self.root is not None and self.root.current != "welcome")
        if someone and self.settings.idle_timeout > 0 and self._prompt is None:
            self._idle_event = Clock.schedule_once(self._ask_still_there,
                                                   self.settings.idle_timeout)

    def _ask_still_there(self, *_args: object) -> None:
        self._idle_event = None
        self._prompt = StillTherePrompt(self.settings.idle_countdown,
                                        on_timeout=self._walked_away)
        self._prompt.bind(on_dismiss=self._prompt_closed)
        self._prompt.start()
        # The question is also spoken, in the learner's language.
        self.narrator.open(_("Are you still there?"), self.language, autoplay=True)

    def _prompt_closed(self, *_: object) -> None:
        self._prompt = None
        self._arm_idle()
        if self.root.current == "step" and self.player is not None:
            # "Listen again" reads the step again, not the question.
            self.narrator.open(*step_speech(self.player), autoplay=False)

    def _walked_away(self) -> None:
        """Nobody answered: every answer is already saved; clear the screen for the next
        person."""
        log.info("No touch for %.0f s: closing the session", self.settings.idle_timeout)
        self.leave()

    def ngettext(self, singular: str, plural: str, n: int, *_bindings: object) -> str:
        """For .kv files, like translate()."""
        return ngettext(singular, plural, n)

    def start_learning(self) -> None:
        """Start as a guest: a new learner with a clean slate, and nothing to remember."""
        if not self._save(lambda: self._new_learner()):
            self.learner_id = ""
        self.go("topics")

    def _new_learner(self) -> None:
        self.learner_id = self.store.new_guest()
        self.store.start_session(self.learner_id)
        if not self.counted:  # said no on the start screen, before there was a learner
            aggregate.set_counted(self.store, self.learner_id, False)

    def set_counted(self, counted: bool) -> None:
        """The learner's say: count their lessons in the anonymous totals or not. Applied at
        once; turning it off after figures were sent lowers them in the next upload."""
        self.counted = counted
        if self.learner_id:
            learner_id = self.learner_id
            self._save(lambda: aggregate.set_counted(self.store, learner_id, counted))

    # --- picture profiles ----------------------------------------------------------------------
    def make_profile(self) -> None:
        """First the plain words on what the kiosk keeps and shares, then picture and PIN."""
        self.chosen_picture = self.first_pin = ""
        self.go("privacy")

    def choose_picture(self, picture: str, *, signing_in: bool) -> None:
        self.chosen_picture = picture
        self.first_pin = ""
        pin = self.screen("pin")
        pin.mode = "sign_in" if signing_in else "new"  # type: ignore[attr-defined]
        self.go("pin")

    def create_profile(self, pin: str) -> str:
        """Make the profile from the chosen picture and ``pin`` (typed twice). Returns "" or
        a kind message to show. The current guest, if any, keeps what they have done."""
        from kiosk.profiles import ProfileError

        try:
            profile = self.profiles.create(
                self.chosen_picture, pin, language=self.language,
                text_size=self.theme.text_size, high_contrast=self.theme.high_contrast,
                learner_id=self.learner_id or None)
            self.store.start_session(profile.learner_id)
            # The choice made on the privacy screen goes with the profile.
            aggregate.set_counted(self.store, profile.learner_id, self.counted)
        except ProfileError as exc:
            return str(exc)
        except StorageError as exc:
            log.error("%s", exc)
            return str(exc)
        self.first_pin = ""
        self.learner_id = profile.learner_id
        self.profile_picture = profile.picture
        self.go("topics")
        return ""

    def sign_in(self, pin: str) -> float:
        """Check the PIN for the chosen picture. Returns 0 when signed in (and carries on where
        the learner stopped), else the seconds of calm pause before the next try (may be 0.0
        only on success; a wrong PIN with tries left returns a negative number)."""
        result = self.profiles.sign_in(self.chosen_picture, pin)
        if result.profile is None:
            return result.paused_for if result.paused_for > 0 else -1.0
        profile = result.profile
        if not self._save(lambda: self.store.start_session(profile.learner_id)):
            return -1.0
        self.learner_id = profile.learner_id
        self._use_profile(profile)
        self._carry_on()
        return 0.0

    def _use_profile(self, profile: Profile) -> None:
        self.profile_picture = profile.picture
        self.counted = aggregate.is_counted(self.store, profile.learner_id)
        self.theme.apply(profile.text_size, high_contrast=profile.high_contrast)
        if profile.language and profile.language in self.offered_languages:
            self._use_language(profile.language)

    def _carry_on(self) -> None:
        """Open the lesson the learner was last in, at their step; or the topics."""
        rows = self.store.execute(
            "SELECT lesson_id FROM lesson_progress WHERE learner_id = ? AND status = "
            "'in_progress' ORDER BY updated_at DESC", self.learner_id).fetchall()
        unfinished = [row[0] for row in rows if row[0] in self.library.lessons]
        if unfinished:
            self.open_lesson(unfinished[0])
        else:
            self.go("topics")

    def delete_profile(self) -> None:
        """"Delete my profile": the learner and everything about them, then a blank start."""
        learner_id = self.learner_id
        if self._save(lambda: self.profiles.delete(learner_id)):
            # Said in the learner's language (still on), as they walk away from a blank screen.
            said = _("Your profile and all your progress have been deleted.")
            language = self.language
            self.learner_id = ""
            self.player = None  # its lesson's rows are gone: no place to keep
            self.leave()
            self.narrator.open(said, language, autoplay=True)

    # --- the "Aa" control --------------------------------------------------------------------
    def set_display(self, *, text_size: str | None = None,
                    high_contrast: bool | None = None) -> None:
        """Apply a text size or the high-contrast palette now; a profile remembers it."""
        size = text_size or self.theme.text_size
        contrast = self.theme.high_contrast if high_contrast is None else high_contrast
        self.theme.apply(size, high_contrast=contrast)
        if self.profile_picture:
            learner_id = self.learner_id
            self._save(lambda: self.profiles.set_preferences(
                learner_id, text_size=size, high_contrast=contrast))
        if self.root is not None and self.root.current_screen is not None:
            self.root.current_screen.refresh()

    # --- "I need help" -----------------------------------------------------------------------
    def ask_for_help(self) -> bool:
        """Flag a help request for the volunteer view. False if it could not be saved."""
        learner_id = self.learner_id
        player = self.player
        screen = self.root.current if self.root is not None else ""
        if not learner_id:
            return False
        return self._save(lambda: ask_for_help(
            self.store, learner_id,
            lesson_id=player.lesson.id if player is not None and screen == "step" else None,
            step=player.index if player is not None and screen == "step" else None,
            screen=screen))

    # --- the volunteer view ------------------------------------------------------------------
    def volunteer_access(self) -> VolunteerAccess:
        # One for the app's life: it counts wrong PINs for the calm pause.
        if self._volunteer_access is None:
            from kiosk.volunteer import VolunteerAccess

            self._volunteer_access = VolunteerAccess(self.settings.home)
        return self._volunteer_access

    def open_volunteer(self) -> None:
        """The small control on the welcome screen: the PIN gate, then the volunteer view.
        The PIN is set when the kiosk is installed (deploy/install.sh) or from the command line,
        never on the screen: otherwise whoever touched "Volunteers" first would choose it."""
        self.first_pin = self.chosen_picture = ""
        pin = self.screen("pin")
        pin.mode = "volunteer"  # type: ignore[attr-defined]
        self.go("pin")

    def unlock_volunteer(self) -> None:
        self.volunteer_unlocked = True
        self.go("volunteer")

    def apply_volunteer_settings(self, settings: Settings) -> None:
        """The settings volunteers can change take effect at once (and at start-up)."""
        self.settings = settings
        self.offered_languages = [code for code in settings.languages if code in LANGUAGES]
        self.narrator.set_volume(settings.speech_volume)

    def open_topic(self, topic_id: str) -> None:
        self.topic_id = topic_id
        self.go("lessons")

    def open_lesson(self, lesson_id: str) -> None:
        lesson = self.library.lessons[lesson_id]
        self.topic_id = lesson.topic

        def begin() -> None:
            self.player = LessonPlayer.begin(self.store, lesson, self.learner_id,
                                             language=self.language,
                                             currency=self.settings.currency)

        if self._save(begin):
            self.go("step")

    def choose_lesson(self, lesson_id: str) -> None:
        """A lesson tapped in the list: before the learner's first lesson in its topic, offer
        "Let's see what you already know" first (always skippable)."""
        lesson = self.library.lessons[lesson_id]
        if self._check_due(lesson.topic, "before"):
            self._offer_check(lesson.topic, "before", then=lesson_id)
        else:
            self.open_lesson(lesson_id)

    def finish_lesson(self) -> None:
        self.narrator.stop()
        if self.sync_worker is not None:
            self.sync_worker.trigger()  # a completion to report: send it when the server answers
        topic = self.player.lesson.topic if self.player is not None else ""
        if topic and self._check_due(topic, "after"):
            self._offer_check(topic, "after", then="done")
            return
        self.go("done")

    # --- the before-and-after checks (kiosk/check_player.py) ---------------------------------
    def _check_due(self, topic: str, phase: Phase) -> bool:
        if not (self.offer_checks and self.learner_id and self.checks.has_check(topic)):
            return False
        try:
            if not self.check_results.should_offer(self.learner_id, topic, phase):
                return False
            progress = self.store.all_progress(self.learner_id)
        except StorageError:
            return False  # never in the way of a lesson
        lessons, _english = shown_lessons(self.library.lessons_in(topic),
                                          translations_for(self.language))
        if phase == "before":
            return not any(lesson.id in progress for lesson in self.library.lessons_in(topic))
        return bool(lessons) and all(lesson.id in progress and progress[lesson.id].done
                                     for lesson in lessons)

    def _offer_check(self, topic: str, phase: Phase, *, then: str) -> None:
        learner_id = self.learner_id

        def begin() -> None:
            form = self.checks.form(topic, self.check_results.form_for(learner_id, topic, phase))
            assert form is not None
            self.check_player = CheckPlayer.begin(self.check_results, form, learner_id,
                                                  phase=phase, language=self.language,
                                                  currency=self.settings.currency)

        self._after_check = then
        self.check_started = False
        if self._save(begin):
            self.go("check")
        else:
            self.check_done()

    def check_done(self) -> None:
        """The check was finished or skipped: on to the lesson, or to the closing screen."""
        then, self._after_check = self._after_check, ""
        self.check_player = None
        self.check_started = False
        if then == "done":
            self.go("done")
        elif then in self.library.lessons:
            self.open_lesson(then)
        else:
            self.go("lessons")

    def leave(self) -> None:
        """The learner is finished: forget the screen so the next person sees nothing of it."""
        if self.player is not None:
            self.player.leave()  # a lesson left midway keeps the learner's real place
        if self.learner_id:
            # Nobody is left to help: their request must not keep a volunteer looking for them.
            learner_id = self.learner_id
            self._save(lambda: learner_left(self.store, learner_id))
        self._save(self.store.end_session)
        self._close_popups()
        self.narrator.stop()
        self.player = None
        # A check left midway is kept where it was (its answers are saved), not shown again.
        self.check_player = None
        self.check_started = False
        self._after_check = ""
        self.learner_id = ""
        self.topic_id = ""
        self.profile_picture = ""
        self.chosen_picture = self.first_pin = ""
        self.volunteer_unlocked = False
        self.counted = True  # the next person has their own say
        # The next person starts afresh: the kiosk's language, standard text, usual colours.
        self._use_language(self.settings.language)
        self.theme.apply("standard", high_contrast=False)
        self.go("welcome")

    @staticmethod
    def _close_popups() -> None:
        """Nothing of the last learner stays open on top of the welcome screen."""
        from kivy.uix.modalview import ModalView

        for widget in list(Window.children):
            if isinstance(widget, ModalView):
                widget.dismiss(animation=False)

    def _save(self, action: object) -> bool:
        """Run a store action; on a storage failure tell the learner calmly and carry on."""
        try:
            action()  # type: ignore[operator]
        except StorageError as exc:
            log.error("%s", exc)
            self.alert = str(exc)
            return False
        self.alert = ""
        return True

    # --- language ----------------------------------------------------------------------------
    def _use_language(self, language: str) -> None:
        if language not in LANGUAGES:
            log.error("Unknown language %r; using %s", language, DEFAULT_LANGUAGE)
            language = DEFAULT_LANGUAGE
        set_language(language, self.settings.locales_dir)
        self.language = language

    def set_language(self, language: str) -> None:
        """Switch language now: the current screen is drawn again, the learner's place kept;
        a signed-in learner's profile remembers the choice for next time."""
        self._use_language(language)
        self.notices = list(self.store.notices) + self._lesson_notices()
        if self.profile_picture:  # a profile remembers its language, as it does "Aa"
            learner_id, chosen = self.learner_id, self.language
            self._save(lambda: self.profiles.set_preferences(learner_id, language=chosen))
        if self.player is not None:
            self.player.language = self.language
            self._save(lambda: self.store.set_language(self.learner_id, self.player.lesson.id,
                                                       self.language))
        if self.root is not None:
            self.root.current_screen.refresh()

    def translate(self, text: str, *_bindings: object) -> str:
        """For .kv files: ``app.translate("Next", app.language)`` re-runs on a switch."""
        return _(text)

    def translate_in(self, context: str, text: str, *_bindings: object) -> str:
        """For .kv files: a string with a msgctxt, ``app.translate_in("lesson step", "Back",
        app.language)``, where the same English needs other words on another screen."""
        return pgettext(context, text)
