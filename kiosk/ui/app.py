"""KioskApp: holds the kiosk's state and moves between screens.

State lives in the progress store, not in widgets: after a power cut, :meth:`KioskApp.on_start`
asks the store who was learning what, and opens that step again.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock, ClockEvent
from kivy.core.window import Window
from kivy.properties import ListProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.config import Settings
from kiosk.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    SOURCE_LANGUAGE,
    _,
    ngettext,
    set_language,
)
from kiosk.lessons import Library, load_library
from kiosk.player import LessonPlayer
from kiosk.progress import ProgressStore, StorageError
from kiosk.speech.narration import player_narration
from kiosk.sync.client import load_credentials
from kiosk.sync.worker import SyncWorker
from kiosk.ui.narrator import Narrator
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.lessons import LessonsScreen
from kiosk.ui.screens.step import StepScreen
from kiosk.ui.screens.topics import TopicsScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.ui.theme import Theme, register_fonts
from kiosk.ui.touch_filter import TouchFilter
from kiosk.ui.widgets.idle import StillTherePrompt

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

    def __init__(self, settings: Settings, *, fullscreen: bool = False,
                 library: Library | None = None, store: ProgressStore | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.fullscreen = fullscreen
        self.theme = Theme(settings)
        self._use_language(settings.language)
        self.library = library or load_library(settings.lessons_dir, settings.images_dir)
        self.store = store or self._open_store()
        self.notices = list(self.store.notices) + self._lesson_notices()
        self.narrator = Narrator(settings)
        self.sync_worker: SyncWorker | None = None
        self._idle_event: ClockEvent | None = None
        self._prompt: StillTherePrompt | None = None
        self.touch_filter: TouchFilter | None = None

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

    def build(self) -> ScreenManager:
        register_fonts(self.settings)
        Window.clearcolor = self.theme.background
        manager = ScreenManager(transition=NoTransition())
        for screen in (WelcomeScreen(name="welcome"), TopicsScreen(name="topics"),
                       LessonsScreen(name="lessons"), StepScreen(name="step"),
                       DoneScreen(name="done")):
            manager.add_widget(screen)
        return manager

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
        if screen != "step":
            self.narrator.stop()
        self.root.current = screen
        self._arm_idle()

    # --- a learner who walks away -------------------------------------------------------------
    def _someone_touched(self, *_args: object) -> None:
        self._arm_idle()

    def _arm_idle(self) -> None:
        """(Re)start the wait for "Are you still there?" while a learner is using the kiosk."""
        if self._idle_event is not None:
            self._idle_event.cancel()
            self._idle_event = None
        if self.learner_id and self.settings.idle_timeout > 0 and self._prompt is None:
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
            self.narrator.open(player_narration(self.player), self.language, autoplay=False)

    def _walked_away(self) -> None:
        """Nobody answered: every answer is already saved; clear the screen for the next
        person."""
        log.info("No touch for %.0f s: closing the session", self.settings.idle_timeout)
        self.leave()

    def ngettext(self, singular: str, plural: str, n: int, *_bindings: object) -> str:
        """For .kv files, like translate()."""
        return ngettext(singular, plural, n)

    def start_learning(self) -> None:
        """The welcome screen was touched: a new guest starts with a clean slate."""
        if not self._save(lambda: self._new_learner()):
            self.learner_id = ""
        self.go("topics")

    def _new_learner(self) -> None:
        self.learner_id = self.store.new_guest()
        self.store.start_session(self.learner_id)

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

    def finish_lesson(self) -> None:
        self.narrator.stop()
        if self.sync_worker is not None:
            self.sync_worker.trigger()  # a completion to report: send it when the server answers
        self.go("done")

    def leave(self) -> None:
        """The learner is finished: forget the screen so the next person sees nothing of it."""
        self._save(self.store.end_session)
        self.narrator.stop()
        self.player = None
        self.learner_id = ""
        self.topic_id = ""
        self._use_language(self.settings.language)  # the next person starts afresh
        self.go("welcome")

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
        """Switch language now: the current screen is drawn again, the learner's place kept."""
        self._use_language(language)
        self.notices = list(self.store.notices) + self._lesson_notices()
        if self.player is not None:
            self.player.language = self.language
            self._save(lambda: self.store.set_language(self.learner_id, self.player.lesson.id,
                                                       self.language))
        if self.root is not None:
            self.root.current_screen.refresh()

    def translate(self, text: str, *_bindings: object) -> str:
        """For .kv files: ``app.translate("Next", app.language)`` re-runs on a switch."""
        return _(text)
