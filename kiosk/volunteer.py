"""What the volunteer view shows and what it may change. No Kivy: the UI draws these.

- :func:`sessions_on`: who used the kiosk on a day (the kiosk's local day), and how far they got;
- :func:`profile_progress`, :func:`finished_topics`: each profile's lessons and finished topics;
- :func:`lesson_problems`: lesson files that were skipped, and why;
- :func:`sync_summary`: whether the statistics are reaching the server;
- :class:`VolunteerAccess`: the 6-digit volunteer PIN, kept as a hash in ``volunteer.toml``;
- :func:`save_volunteer_settings`: the settings volunteers may choose, in the same file
  (:func:`kiosk.config.load_settings` reads them over kiosk.toml).

Times in the progress file are UTC; volunteers think in the kiosk's local time, so days and times
shown here are converted with the machine's time zone (the one ``date`` prints; set it with
``sudo raspi-config`` or ``timedatectl set-timezone Asia/Taipei``)::

    >>> store = ProgressStore.in_memory()
    >>> learner = store.new_guest()
    >>> _ = store.start_session(learner)
    >>> [row.picture for row in sessions_on(store, dt.datetime.now().date())]
    [None]
    >>> import tempfile
    >>> home = tempfile.mkdtemp()
    >>> access = VolunteerAccess(Path(home))
    >>> access.set_pin("135790")
    >>> access.check("135790"), access.check("000000")    # right; wrong, try again
    (0.0, -1.0)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config import (
    VOLUNTEER_SETTINGS,
    Settings,
    read_volunteer_file,
    volunteer_file,
    volunteer_setting,
)
from kiosk.files import write_atomic
from kiosk.i18n import LANGUAGES, _
from kiosk.lessons import Library
from kiosk.pins import CalmPause, hash_pin, is_valid_pin, verify_pin
from kiosk.profiles import Profile, Profiles
from kiosk.progress import ProgressStore
from kiosk.sync import aggregate
from kiosk.sync.client import load_credentials
from kiosk.sync.outbox import Outbox
from kiosk.sync.salvage import damaged_files, pending_files

log = logging.getLogger(__name__)

VOLUNTEER_PIN_LENGTH = 6
# What check() answers for a wrong PIN while tries are left: 0.0 must mean "right", and a number
# above 0 "wait", so "wrong, try again now" is below 0 (as the UI's profile sign-in does it too).
WRONG_PIN = -1.0


# --- sessions ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionRow:
    started_at: str  # local time, ISO 8601 with its UTC offset
    ended_at: str | None  # None: still going (or the kiosk stopped before it was ended)
    picture: str | None  # the profile's picture; None for a guest
    lessons_opened: int
    lessons_finished: int


def _parse(at: str) -> dt.datetime:
    """A stored timestamp as an aware datetime (a naive one was written as UTC)."""
    moment = dt.datetime.fromisoformat(at)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _local(at: str, tz: dt.tzinfo | None) -> dt.datetime:
    # astimezone(None) is the machine's local zone, as the C library sees it (TZ, /etc/localtime).
    return _parse(at).astimezone(tz)


def sessions_on(store: ProgressStore, day: dt.date, *,
                tz: dt.tzinfo | None = None) -> list[SessionRow]:
    """Every session that began on ``day`` in local time (``tz``; None: the machine's zone),
    earliest first.

    ``lessons_opened``: lessons the learner began afresh or answered during the session, plus the
    one open when it ended (resuming a lesson writes nothing else, so a lesson only glanced at
    and left may be missed). ``lessons_finished``: lessons whose last step they answered
    correctly during the session (the sync's own rule for a completion).

    >>> late = dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.UTC)   # already the 2nd in Taipei
    >>> store = ProgressStore.in_memory(clock=lambda: late)
    >>> _ = store.start_session(store.new_guest())
    >>> taipei = dt.timezone(dt.timedelta(hours=8))
    >>> [r.started_at for r in sessions_on(store, dt.date(2025, 3, 2), tz=taipei)]
    ['2025-03-02T07:30:00+08:00']
    """
    # No zone is more than 14 hours from UTC: the UTC days either side hold every candidate,
    # and the exact local day is then decided in Python rather than in string comparisons.
    rows = store.execute(
        "SELECT s.id, s.learner_id, s.lesson_id, s.started_at, s.ended_at, p.picture "
        "FROM sessions s LEFT JOIN profiles p ON p.learner_id = s.learner_id "
        "WHERE s.started_at >= ? AND s.started_at < ? ORDER BY s.started_at, s.id",
        (day - dt.timedelta(days=1)).isoformat(), (day + dt.timedelta(days=2)).isoformat())
    out: list[SessionRow] = []
    for _id, learner, lesson, started, ended, picture in rows.fetchall():
        start = _local(started, tz)
        if start.date() != day:
            continue
        opened, finished = _session_lessons(store, learner, started, ended)
        if lesson:
            opened.add(lesson)
        out.append(SessionRow(
            started_at=start.isoformat(timespec="seconds"),
            ended_at=None if ended is None else _local(ended, tz).isoformat(timespec="seconds"),
            picture=picture, lessons_opened=len(opened), lessons_finished=len(finished)))
    return out


def _session_lessons(store: ProgressStore, learner: str, started: str,
                     ended: str | None) -> tuple[set[str], set[str]]:
    """(lessons begun or answered, lessons finished) by ``learner`` in [started, ended)."""
    # Both bounds and the rows were written by the same store clock in the same format, so
    # comparing the strings compares the times. "~" sorts after every ISO character.
    until = ended or "~"
    opened = {str(row[0]) for row in store.execute(
        "SELECT lesson_id FROM lesson_progress WHERE learner_id = ? AND started_at >= ? AND "
        "started_at < ?", learner, started, until)}
    finished: set[str] = set()
    for lesson, version, step, correct in store.execute(
            "SELECT DISTINCT lesson_id, lesson_version, step, correct FROM attempts "
            "WHERE learner_id = ? AND at >= ? AND at < ?", learner, started, until).fetchall():
        opened.add(str(lesson))
        if correct and step == aggregate.step_count(store, lesson, int(version)) - 1:
            finished.add(str(lesson))
    return opened, finished


# --- progress of each profile ----------------------------------------------------------------
@dataclass(frozen=True)
class FinishedTopic:
    topic_id: str
    lesson_ids: list[str]  # every lesson of the topic, in the library's order
    completed_on: dt.date  # local day the last of them was finished


@dataclass(frozen=True)
class ProfileProgress:
    profile: Profile
    done: list[str]  # lesson ids, in the library's order (lessons no longer shipped last)
    # (lesson_id, step, step_count): ``step`` is the 0-based step they are on, which is also how
    # many steps they have done ("3 of 9 done").
    in_progress: list[tuple[str, int, int]]
    finished_topics: list[str]  # topic ids, in the library's order


def _library_order(library: Library) -> dict[str, int]:
    ordered = [lesson.id for topic in library.topics for lesson in library.lessons_in(topic.id)]
    ordered += sorted(set(library.lessons) - set(ordered))
    return {lesson_id: n for n, lesson_id in enumerate(ordered)}


def profile_progress(store: ProgressStore, library: Library, *,
                     tz: dt.tzinfo | None = None) -> list[ProfileProgress]:
    """Every profile (oldest first) with its lessons done, lessons under way and topics done."""
    order = _library_order(library)

    def position(lesson_id: str) -> tuple[int, str]:
        return (order.get(lesson_id, len(order)), lesson_id)

    out: list[ProfileProgress] = []
    for profile in Profiles(store).all():
        progress = store.all_progress(profile.learner_id)
        done = sorted((p.lesson_id for p in progress.values() if p.done), key=position)
        under_way = sorted((p for p in progress.values() if not p.done),
                           key=lambda p: position(p.lesson_id))
        out.append(ProfileProgress(
            profile=profile, done=done,
            in_progress=[(p.lesson_id, p.step, p.step_count) for p in under_way],
            finished_topics=[t.topic_id for t in
                             finished_topics(store, library, profile.learner_id, tz=tz)]))
    return out


def finished_topics(store: ProgressStore, library: Library, learner_id: str, *,
                    tz: dt.tzinfo | None = None) -> list[FinishedTopic]:
    """The topics whose every lesson (as in the library now) the learner has done.

    A lesson counts as done whatever version they did: a corrected lesson does not take away a
    finished topic. ``completed_on`` is the local day the last of its lessons was finished.
    """
    finished_at = {str(row[0]): str(row[1] or row[2]) for row in store.execute(
        "SELECT lesson_id, completed_at, updated_at FROM lesson_progress WHERE learner_id = ? "
        "AND status = 'done'", learner_id)}
    out: list[FinishedTopic] = []
    for topic in library.topics:
        lesson_ids = [lesson.id for lesson in library.lessons_in(topic.id)]
        if lesson_ids and all(lesson_id in finished_at for lesson_id in lesson_ids):
            last = max(_local(finished_at[lesson_id], tz) for lesson_id in lesson_ids)
            out.append(FinishedTopic(topic.id, lesson_ids, last.date()))
    return out


def lesson_problems(library: Library) -> list[str]:
    """One line per problem of a skipped lesson file, as ``lessons check`` prints it:
    ``FILE: step N: field: what is wrong``. (Lesson files are written in English, and so are
    these lines; the volunteer passes them on to whoever writes the lessons.)"""
    return [str(problem) for problem in library.problems]


# --- the statistics' journey -----------------------------------------------------------------
@dataclass(frozen=True)
class SyncSummary:
    enrolled: bool
    server: str  # the server's address; "" when not enrolled
    pending_batches: int  # batches built and waiting for the server
    refused_batches: int  # batches the server refused, kept for the programme manager
    last_success: str | None  # the server's time of the last upload it took, None: never
    last_error: str | None  # the last problem, in plain words; None when there is none
    # progress.db.damaged-* files the kiosk set aside when it could not read its store, and how
    # many of them still hold figures not yet queued (the next sync takes them).
    damaged_files: tuple[str, ...] = ()
    damaged_waiting: int = 0


def sync_summary(settings: Settings, store: ProgressStore) -> SyncSummary:
    """What ``sync status`` would say, in short, read without changing anything (it does not
    build new batches: the sync worker does that on its own schedule)."""
    credentials = load_credentials(settings.home)
    status = Outbox(store).status()
    return SyncSummary(enrolled=credentials is not None,
                       server=credentials.server_url if credentials else "",
                       pending_batches=status.pending, refused_batches=len(status.refused),
                       last_success=status.last_success or None,
                       last_error=status.blocked or status.last_error or None,
                       damaged_files=tuple(p.name for p in damaged_files(store.path)),
                       damaged_waiting=len(pending_files(store)))


# --- the volunteer PIN and settings ----------------------------------------------------------
class VolunteerPinNotSet(RuntimeError):
    """No volunteer PIN has been set on this kiosk yet."""

    def __init__(self) -> None:
        super().__init__(_("No volunteer PIN has been set on this kiosk yet. Set one with: "
                           "python -m kiosk volunteer set-pin"))


def _toml_value(value: Any) -> str:
    """Enough TOML for volunteer.toml: booleans, numbers, plain strings and lists of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value))
    if isinstance(value, str):
        if any(c in value for c in '"\\') or not value.isprintable():
            raise ValueError(f"cannot write {value!r} to volunteer.toml")
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to volunteer.toml")


def _write_volunteer_file(home: Path, pin_hash: str | None, settings: dict[str, Any]) -> None:
    lines = ["# Written by the kiosk: the volunteer PIN (only its hash) and the settings chosen",
             "# on the volunteer screen, which win over kiosk.toml. Change the PIN with:",
             "#     python -m kiosk volunteer set-pin", ""]
    if pin_hash:
        lines.append(f"pin_hash = {_toml_value(pin_hash)}")
    lines += ["", "[settings]"]
    lines += [f"{name} = {_toml_value(settings[name])}"
              for name in VOLUNTEER_SETTINGS if name in settings]
    # private: the PIN's hash is a 6-digit secret away from the volunteer view.
    write_atomic(volunteer_file(home), ("\n".join(lines) + "\n").encode("utf-8"), private=True)


def _current(home: Path) -> tuple[str | None, dict[str, Any]]:
    """The PIN hash and the valid settings now in volunteer.toml (anything else is dropped)."""
    data = read_volunteer_file(home)
    pin_hash = data.get("pin_hash")
    table = data.get("settings")
    settings: dict[str, Any] = {}
    for name, raw in (table.items() if isinstance(table, dict) else ()):
        try:
            settings[name] = volunteer_setting(name, raw)
        except (TypeError, ValueError) as exc:
            log.warning("Dropping setting from %s: %s", volunteer_file(home), exc)
    return (pin_hash if isinstance(pin_hash, str) and pin_hash else None), settings


def save_volunteer_settings(home: Path, *, languages: tuple[str, ...] | None = None,
                            idle_timeout: float | None = None,
                            speech_volume: float | None = None) -> None:
    """Keep the settings chosen on the volunteer screen (None: leave as it is) in
    volunteer.toml's ``[settings]``, keeping the PIN hash. They apply from the next
    :func:`kiosk.config.load_settings`. ValueError for a value outside what volunteers may
    choose (an unknown language, idle time outside 30-3600 s, volume outside 0-1).

    >>> import tempfile
    >>> from kiosk.config import load_settings
    >>> home = tempfile.mkdtemp()
    >>> save_volunteer_settings(Path(home), languages=("vi", "en"), speech_volume=0.5)
    >>> load_settings(environ={"KIOSK_HOME": home}).languages
    ('vi', 'en')
    """
    if languages is not None and not set(languages) <= set(LANGUAGES):
        # Saving is strict (the screen offers only known codes); loading forgives and logs.
        raise ValueError(f"unknown language in {languages!r}")
    given = {"languages": languages, "idle_timeout": idle_timeout,
             "speech_volume": speech_volume}
    chosen = {name: volunteer_setting(name, value) for name, value in given.items()
              if value is not None}
    pin_hash, settings = _current(home)
    _write_volunteer_file(home, pin_hash, {**settings, **chosen})


TRIES_FILE = "volunteer-tries.json"


class VolunteerAccess:
    """The volunteer PIN: 6 digits, stored as a hash in ``KIOSK_HOME/volunteer.toml``.

    Wrong tries are answered with :class:`CalmPause` (never a lock: a volunteer must always be
    able to get in to help). They are counted in ``KIOSK_HOME/volunteer-tries.json`` (owner only)
    with the wall-clock time of the last one, like the learners' counts in the progress file, so
    restarting the kiosk (or pulling the plug) does not end a pause: before, the count lived in
    memory and a restart gave a guesser three fresh tries. A clock set back forgets the count
    (the rule is never to lock for good; see :meth:`CalmPause.forgotten`). The files are read at
    each check, so a PIN set from the command line works at once.
    """

    def __init__(self, home: Path, clock: Callable[[], float] = time.time, *,
                 pause: CalmPause | None = None) -> None:
        self.home = home
        self.clock = clock
        self.pause = pause or CalmPause()

    def is_set(self) -> bool:
        return _current(self.home)[0] is not None

    def set_pin(self, pin: str) -> None:
        """Set (or change) the PIN, keeping the volunteers' settings. ValueError unless 6 digits."""
        if not is_valid_pin(pin, VOLUNTEER_PIN_LENGTH):
            raise ValueError(_("The volunteer PIN needs exactly 6 numbers, like 135790."))
        _pin, settings = _current(self.home)
        _write_volunteer_file(self.home, hash_pin(pin), settings)
        self._save_tries(0, 0.0)

    # --- the count of wrong tries, on disk ---------------------------------------------------
    def _tries(self) -> tuple[int, float]:
        try:
            data = json.loads((self.home / TRIES_FILE).read_text("utf-8"))
            return int(data["failures"]), float(data["last_failed_at"])
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # A damaged count must not lock volunteers out, nor hand out fresh tries for ever:
            # treat it as one pause's worth of wrong tries, just now.
            log.warning("volunteer tries file unreadable (%s): counting it as a pause", exc)
            failures, now = self.pause.free_tries, self.clock()
            with contextlib.suppress(OSError):  # written down, so the pause ends in its time
                self._save_tries(failures, now)
            return failures, now

    def _save_tries(self, failures: int, last_failed_at: float) -> None:
        path = self.home / TRIES_FILE
        if not failures:
            path.unlink(missing_ok=True)
            return
        write_atomic(path, json.dumps({"failures": failures,
                                       "last_failed_at": last_failed_at}).encode("utf-8"),
                     private=True)

    def paused_for(self) -> float:
        """Seconds before the next try (0: go ahead)."""
        failures, last_failed_at = self._tries()
        if not failures:
            return 0.0
        return self.pause.remaining(failures, self.clock() - last_failed_at)

    def check(self, pin: str) -> float:
        """0.0: ``pin`` is right. Above 0: wrong, or a pause is on (then the PIN is not even
        checked): the seconds to wait before the next try. :data:`WRONG_PIN` (below 0): wrong,
        and the next try may come at once. Raises :class:`VolunteerPinNotSet` if no PIN was
        ever set."""
        stored = _current(self.home)[0]
        if stored is None:
            raise VolunteerPinNotSet()
        waiting = self.paused_for()
        if waiting > 0:
            return waiting
        if verify_pin(pin, stored):
            self._save_tries(0, 0.0)
            return 0.0
        failures, last_failed_at = self._tries()
        now = self.clock()
        forgotten = self.pause.forgotten(now - last_failed_at)
        failures = 1 if not failures or forgotten else failures + 1
        self._save_tries(failures, now)
        return self.pause.pause_after(failures) or WRONG_PIN
