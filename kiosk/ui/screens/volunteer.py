"""The volunteer view, behind the volunteer PIN: today's sessions, each profile's progress with
its certificates, open help requests, lesson files that failed their check, and sync status.

It shows pictures, never names (the kiosk has none). It closes like any other screen when nobody
touches it, so it never stays open for the next learner to see.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
from pathlib import Path

from babel.lists import format_list
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from kiosk.help_requests import HelpRequest, left_requests, open_requests, resolve
from kiosk.i18n import Translations, _, lesson_gettext, ngettext
from kiosk.profiles import PICTURE_LABELS
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.widgets.common import Body, Heading
from kiosk.volunteer import (
    SyncSummary,
    finished_topics,
    lesson_problems,
    profile_progress,
    sessions_on,
    sync_summary,
)

load_kv(__file__)

log = logging.getLogger(__name__)

PANELS = ("today", "learners", "help", "problems", "sync")


def local_time(iso: str | None) -> str:
    """A stored UTC time as the kiosk's local hour and minute."""
    if not iso:
        return ""
    return dt.datetime.fromisoformat(iso).astimezone().strftime("%H:%M")


def usb_folder() -> Path | None:
    """A mounted USB stick (Raspberry Pi OS mounts them under /media/<user>/<label>)."""
    media = Path("/media")
    try:
        for user in sorted(media.iterdir()):
            for stick in sorted(user.iterdir()):
                if stick.is_dir() and stick.is_mount():
                    return stick
    except OSError:
        return None
    return None


class Row(BoxLayout):
    """One line of a panel: words, and sometimes a picture or buttons."""


class VolunteerScreen(KioskScreen):
    panel = StringProperty("today")
    help_count = NumericProperty(0)
    problem_count = NumericProperty(0)
    message = StringProperty("")

    def show(self, panel: str) -> None:
        self.message = ""
        self.panel = panel
        self.refresh()

    def refresh(self) -> None:
        app = self.app
        self.help_count = len(open_requests(app.store))
        self.problem_count = len(app.library.problems)
        box = self.ids.panel
        box.clear_widgets()
        getattr(self, f"_{self.panel}")(box)

    # --- panels ------------------------------------------------------------------------------
    def _heading(self, box: BoxLayout, text: str) -> None:
        box.add_widget(Heading(text=text))

    def _line(self, box: BoxLayout, text: str, *, picture: str = "",
              buttons: tuple[tuple[str, object], ...] = ()) -> None:
        row = Row()
        if picture:
            row.add_widget(Image(source=str(self.app.settings.picture_file(picture)),
                                 size_hint=(None, None),
                                 size=(self.app.theme.touch, self.app.theme.touch)))
        if text:
            row.add_widget(Body(text=text, pos_hint={"center_y": 0.5}))
        box.add_widget(row)
        if buttons:
            # Actions on their own line, so the words above keep the whole width.
            actions = Row()
            actions.add_widget(Factory.Widget())
            for label, action in buttons:
                button = Factory.BarButton(text=label, style="secondary")
                button.bind(on_release=lambda _b, act=action: act())  # type: ignore[misc]
                actions.add_widget(button)
            box.add_widget(actions)

    def _today(self, box: BoxLayout) -> None:
        self._heading(box, _("Today's sessions"))
        sessions = sessions_on(self.app.store, dt.date.today())
        if not sessions:
            self._line(box, _("Nobody has used the kiosk yet today."))
        for session in sessions:
            who = _(PICTURE_LABELS[session.picture]) if session.picture else _("Guest")
            until = local_time(session.ended_at) or _("now")
            self._line(box, _("{start} to {end}  ·  {who}  ·  {opened}, {finished}").format(
                start=local_time(session.started_at), end=until, who=who,
                opened=ngettext("{n} lesson opened", "{n} lessons opened",
                                session.lessons_opened).format(n=session.lessons_opened),
                finished=ngettext("{n} lesson finished", "{n} lessons finished",
                                  session.lessons_finished).format(n=session.lessons_finished)),
                picture=session.picture or "")

    def _learners(self, box: BoxLayout) -> None:
        self._heading(box, _("Learners' progress"))
        rows = profile_progress(self.app.store, self.app.library)
        if not rows:
            self._line(box, _("No profiles yet. Guests' progress is not shown here."))
        lessons = self.app.library.lessons
        for row in rows:
            done = self._list([lesson_gettext(lessons[i].title) for i in row.done
                               if i in lessons])
            going = self._list([
                _("{lesson} (step {number} of {total})").format(
                    lesson=lesson_gettext(lessons[i].title), number=step + 1, total=total)
                for i, step, total in row.in_progress if i in lessons])
            text = _("{picture}. Finished: {done}. Still learning: {going}.").format(
                picture=_(PICTURE_LABELS[row.profile.picture]), done=done or "-",
                going=going or "-")
            buttons = tuple(
                (_("Certificate: {topic}").format(topic=self._topic_title(topic_id)),
                 lambda p=row.profile, t=topic_id: self.certificate(p, t))
                for topic_id in row.finished_topics)
            self._line(box, text, picture=row.profile.picture, buttons=buttons)

    def _list(self, items: list[str]) -> str:
        """Items joined the way the language joins them (Chinese uses 、 and 和, not ", ")."""
        return format_list(items, locale=self.app.language) if items else ""

    def _topic_title(self, topic_id: str, translations: Translations | None = None) -> str:
        topic = self.app.library.topic(topic_id)
        title = topic.title if topic else topic_id
        return translations.lessons.gettext(title) if translations else lesson_gettext(title)

    def _help(self, box: BoxLayout) -> None:
        self._heading(box, _("People asking for help"))
        requests = open_requests(self.app.store)
        if not requests:
            self._line(box, _("Nobody is waiting for help."))
        for request in requests:
            self._line(box, self._request_text(request), picture=request.picture or "",
                       buttons=((_("Helped"), lambda r=request.id: self._resolve(r)),))
        # Closed when the learner left: not waiting any more, but worth knowing about.
        midnight = dt.datetime.combine(dt.date.today(), dt.time()).astimezone(dt.UTC)
        gone = left_requests(self.app.store, since=midnight.isoformat(timespec="seconds"))
        if gone:
            self._heading(box, _("Left before a volunteer came (today)"))
        for request in gone:
            self._line(box, _("{request}  ·  left at {time}").format(
                request=self._request_text(request), time=local_time(request.left_at)),
                picture=request.picture or "")

    def _request_text(self, request: HelpRequest) -> str:
        lessons = self.app.library.lessons
        who = _(PICTURE_LABELS[request.picture]) if request.picture else _("Guest")
        where = (_("{lesson}, step {number}").format(
            lesson=lesson_gettext(lessons[request.lesson_id].title),
            number=(request.step or 0) + 1)
            if request.lesson_id in lessons else _("choosing a lesson"))
        return _("{time}  ·  {who}  ·  {where}").format(
            time=local_time(request.asked_at), who=who, where=where)

    def _resolve(self, request_id: int) -> None:
        self.app._save(lambda: resolve(self.app.store, request_id))
        self.refresh()

    def _problems(self, box: BoxLayout) -> None:
        self._heading(box, _("Lesson files with problems"))
        problems = lesson_problems(self.app.library)
        if not problems:
            self._line(box, _("Every lesson file passed its check."))
        else:
            self._line(box, _("These lessons are not shown to learners until they are fixed. "
                              "Run 'python -m kiosk lessons check' for details."))
        for problem in problems:
            self._line(box, problem)

    def _sync(self, box: BoxLayout) -> None:
        self._heading(box, _("Sending statistics"))
        summary = sync_summary(self.app.settings, self.app.store)
        self._damaged(box, summary)
        if not summary.enrolled:
            self._line(box, _("This kiosk is not enrolled, so it sends nothing. See "
                              "docs/SYNC.md to enrol it with the programme's server."))
            return
        self._line(box, _("Server: {server}").format(server=summary.server))
        self._line(box, ngettext("{n} batch waiting to be sent.",
                                 "{n} batches waiting to be sent.",
                                 summary.pending_batches).format(n=summary.pending_batches))
        if summary.refused_batches:
            self._line(box, ngettext(
                "{n} batch was refused by the server. Run 'python -m kiosk sync status'.",
                "{n} batches were refused by the server. Run 'python -m kiosk sync status'.",
                summary.refused_batches).format(n=summary.refused_batches))
        self._line(box, _("Last sent: {when}").format(
            when=summary.last_success or _("never")))
        if summary.last_error:
            self._line(box, _("Last problem: {error}").format(error=summary.last_error))
        self._line(box, "", buttons=((_("Sync now"), self.sync_now),))

    def _damaged(self, box: BoxLayout, summary: SyncSummary) -> None:
        """Progress files set aside as damaged (issue 15): a volunteer hears from learners that
        their place is gone, and should know why and what to do (not delete the file)."""
        if not summary.damaged_files:
            return
        count = len(summary.damaged_files)
        self._line(box, ngettext(
            "The kiosk could not read its progress file, so it set it aside and started a new "
            "one: {files}. Learners may find their lessons at the start again.",
            "The kiosk could not read its progress file {n} times. Each time it set the file "
            "aside and started a new one: {files}. Learners may find their lessons at the "
            "start again.",
            count).format(n=count, files=", ".join(summary.damaged_files)))
        if summary.enrolled and summary.damaged_waiting:
            self._line(box, _("Statistics still in it are sent with the next sync: tap "
                              "Sync now."))
        self._line(box, _("Please do not delete these files. Run 'python -m kiosk sync "
                          "status' to see what they hold, and tell the programme's "
                          "technician."))

    def sync_now(self) -> None:
        worker = self.app.sync_worker
        if worker is None:
            self.app._start_sync()
            worker = self.app.sync_worker
        if worker is not None:
            worker.trigger()
            self.message = _("Sending now. This can take a minute.")
        else:
            self.message = _("Sync cannot start on this kiosk.")

    # --- certificates ------------------------------------------------------------------------
    def certificate(self, profile: object, topic_id: str) -> None:
        """Make the topic's certificate in the learner's language; save it to a USB stick if
        one is in, else in the kiosk's folder; print it if a printer is set up. Making it takes
        about a second (reading the font), so the volunteer is told first."""
        self.message = _("Making the certificate…")
        Clock.schedule_once(lambda _dt: self._make_certificate(profile, topic_id), 0.05)

    def _make_certificate(self, profile: object, topic_id: str) -> None:
        from kiosk.certificate import CertificateError, certificate_filename, make_certificate

        app = self.app
        language = getattr(profile, "language", None) or app.settings.language
        picture = getattr(profile, "picture", "")
        learner_id = getattr(profile, "learner_id", "")
        translations = Translations(language, app.settings.locales_dir)
        finished = {f.topic_id: f for f in finished_topics(app.store, app.library, learner_id)}
        if topic_id not in finished:
            return
        topic = finished[topic_id]
        folder = usb_folder() or app.settings.home / "certificates"
        out = folder / certificate_filename(picture, topic_id, topic.completed_on, learner_id)
        try:
            make_certificate(
                out, language=language,
                picture_label=translations.ui.gettext(PICTURE_LABELS[picture]),
                picture_png=app.settings.picture_file(picture),
                topic_title=self._topic_title(topic_id, translations),
                lesson_titles=[translations.lessons.gettext(app.library.lessons[i].title)
                               for i in topic.lesson_ids if i in app.library.lessons],
                completed_on=topic.completed_on, assets_dir=app.settings.assets_dir)
        except CertificateError as exc:
            self.message = str(exc)
            return
        self.message = _("The certificate was saved: {path}").format(path=out)
        printer = shutil.which("lp")
        if printer:
            try:
                subprocess.run([printer, str(out)], check=True, timeout=20,
                               capture_output=True)
                self.message += " " + _("It was sent to the printer.")
            except (OSError, subprocess.SubprocessError) as exc:
                log.error("Printing %s failed: %s", out, exc)
                self.message += " " + _("The printer did not answer.")
        self.last_certificate = out
