"""Learner profiles: a picture and a 4-digit PIN instead of a name, so a learner can come back
another day and carry on. No Kivy; the UI calls this and shows what it says.

Nothing here identifies a person: the learner id is random, the picture is one of twelve, the PIN
is kept only as a salted hash. Two learners may choose the same picture (the PIN tells them
apart), but not the same picture and PIN. Wrong PINs are counted per picture in the progress file
and answered with a calm pause (:class:`kiosk.pins.CalmPause`), never a lock.

Making a profile must not be a faster way to guess a PIN than signing in. Refusing a taken
picture and PIN says "someone has this PIN", and accepting one says "nobody has it", so *every*
try at making a profile with a picture somebody already has counts, like a wrong PIN, towards
that picture's pause, and while the picture rests no profile is made with it either (the learner
is asked to choose another picture, or to wait a little). And the right PIN no longer wipes the
count: otherwise a guesser with a profile of their own on that picture would sign in with it
every second try and never meet a pause. The count is forgotten an hour after the last try, as
before. Allowing the same picture and PIN twice was the other way to say nothing at creation; it
was not chosen because two learners would then sign in to one profile, seeing each other's
progress, which is exactly the confusion profiles are there to avoid.

    >>> store = ProgressStore.in_memory()
    >>> profiles = Profiles(store)
    >>> ana = profiles.create("boat", "2580", language="vi")
    >>> profiles.pictures_in_use()
    ['boat']
    >>> profiles.sign_in("boat", "2580").profile == profiles.get(ana.learner_id)
    True
    >>> profiles.sign_in("boat", "1111")
    SignInResult(profile=None, paused_for=0.0)
    >>> profiles.delete(ana.learner_id)
    >>> profiles.all()
    []
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from kiosk.i18n import N_, _
from kiosk.pins import CalmPause, hash_pin, is_valid_pin, verify_pin
from kiosk.progress import ProgressStore
from kiosk.sync import aggregate

PICTURES: tuple[str, ...] = ("sun", "tree", "fish", "house", "boat", "cup", "key", "umbrella",
                             "apple", "bird", "star", "flower")
# Shown under each picture and read aloud: translate with _() where shown.
PICTURE_LABELS: dict[str, str] = {
    "sun": N_("Sun"),
    "tree": N_("Tree"),
    "fish": N_("Fish"),
    "house": N_("House"),
    "boat": N_("Boat"),
    "cup": N_("Cup"),
    "key": N_("Key"),
    "umbrella": N_("Umbrella"),
    "apple": N_("Apple"),
    "bird": N_("Bird"),
    "star": N_("Star"),
    "flower": N_("Flower"),
}
TEXT_SIZES = ("standard", "large", "largest")
PIN_LENGTH = 4


class ProfileError(Exception):
    """A profile could not be made. ``str()`` is a kind message the learner reads.

    On purpose it never says *why* a PIN was refused: "that PIN is taken for this picture"
    would tell a stranger another learner's PIN.
    """


@dataclass(frozen=True)
class Profile:
    learner_id: str
    picture: str
    text_size: str  # one of TEXT_SIZES
    high_contrast: bool
    language: str | None  # None: the kiosk's default language
    created_day: str  # ISO date (the store's clock, UTC)
    last_seen_day: str | None  # ISO date of the last sign-in, None if never signed in again


@dataclass(frozen=True)
class SignInResult:
    profile: Profile | None
    paused_for: float  # seconds to wait before the next try, 0 if none


_SELECT = ("SELECT learner_id, picture, text_size, high_contrast, language, created_at, "
           "last_seen_at FROM profiles")


def _profile(row: tuple[Any, ...]) -> Profile:
    learner_id, picture, text_size, high_contrast, language, created_at, last_seen_at = row
    return Profile(learner_id=str(learner_id), picture=str(picture), text_size=str(text_size),
                   high_contrast=bool(high_contrast),
                   language=None if language is None else str(language),
                   created_day=str(created_at)[:10],
                   last_seen_day=None if last_seen_at is None else str(last_seen_at)[:10])


def _parse_time(at: str) -> dt.datetime:
    """A stored timestamp as an aware datetime (naive ones were written as UTC)."""
    moment = dt.datetime.fromisoformat(at)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Profiles:
    """Profiles in a :class:`ProgressStore`: make, sign in, change preferences, delete."""

    def __init__(self, store: ProgressStore, *, pause: CalmPause | None = None) -> None:
        self.store = store
        self.pause = pause or CalmPause()

    # --- making one ---------------------------------------------------------------------------
    def create(self, picture: str, pin: str, *, language: str, text_size: str = "standard",
               high_contrast: bool = False, learner_id: str | None = None) -> Profile:
        """Make a profile. With ``learner_id`` (the guest using the kiosk now) that learner
        becomes the profile and keeps what they did as a guest; otherwise a new learner.

        Raises :class:`ProfileError` (a message for the learner) for an unknown picture, a PIN
        that is not 4 digits, or a picture and PIN another profile already has; ValueError for
        an unknown text size and KeyError for an unknown ``learner_id`` (the UI's mistakes).
        """
        if picture not in PICTURES:
            raise ProfileError(_("Please choose one of the pictures."))
        if not is_valid_pin(pin, PIN_LENGTH):
            raise ProfileError(_("Please choose a different PIN. It needs 4 numbers."))
        _check_text_size(text_size)
        if self.paused_for(picture) > 0:
            # Not even checked while the picture rests, as for signing in.
            raise ProfileError(_("This picture is resting for a moment. Please choose another "
                                 "picture, or try again in a few minutes."))
        pin_hash = hash_pin(pin)  # outside the write lock: it takes a moment
        now = self.store.clock()
        stamp = now.isoformat(timespec="seconds")
        with self.store.transaction():
            # Inside the transaction, so two kiosks' worth of taps cannot both take the pair.
            others = self._with_picture(picture)
            # Every one is checked, so the time taken says nothing about which one matched.
            taken = [verify_pin(pin, stored) for _other, stored in others]
            if others:
                # Whatever the answer, it told the learner something about the others' PINs.
                self._count_try(picture, stamp)
            if not any(taken):
                learner_id = self._insert(picture, pin_hash, language, text_size, high_contrast,
                                          learner_id, now)
        if any(taken):
            raise ProfileError(_("Please choose a different PIN."))
        assert learner_id is not None
        profile = self.get(learner_id)
        assert profile is not None
        return profile

    def _insert(self, picture: str, pin_hash: str, language: str, text_size: str,
                high_contrast: bool, learner_id: str | None, now: dt.datetime) -> str:
        """Inside a transaction: the learner (new, or the guest becoming a profile) and the
        profile row. Returns the learner id."""
        stamp = now.isoformat(timespec="seconds")
        if learner_id is None:
            learner_id = uuid.uuid4().hex
            self.store.execute(
                "INSERT INTO learners (id, kind, created_day) VALUES (?, 'profile', ?)",
                learner_id, now.date().isoformat())
        else:
            if self.store.execute("SELECT 1 FROM learners WHERE id = ?",
                                  learner_id).fetchone() is None:
                raise KeyError(f"no learner {learner_id!r}")
            if self.store.execute("SELECT 1 FROM profiles WHERE learner_id = ?",
                                  learner_id).fetchone() is not None:
                raise ValueError(f"learner {learner_id!r} already has a profile")
            # The guest's lessons, answers and session stay where they are: same id.
            self.store.execute("UPDATE learners SET kind = 'profile' WHERE id = ?",
                               learner_id)
        self.store.execute(
            "INSERT INTO profiles (learner_id, picture, pin_hash, text_size, high_contrast, "
            "language, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
            learner_id, picture, pin_hash, text_size, int(high_contrast), language, stamp)
        return learner_id

    # --- signing in ---------------------------------------------------------------------------
    def pictures_in_use(self) -> list[str]:
        """The pictures at least one profile has, in :data:`PICTURES` order."""
        used = {row[0] for row in self.store.execute("SELECT DISTINCT picture FROM profiles")}
        return [picture for picture in PICTURES if picture in used]

    def _count_try(self, picture: str, stamp: str) -> int:
        """Inside a transaction: one more try against ``picture``'s pause; the new count."""
        row = self.store.execute("SELECT failures, last_failed_at FROM pin_failures "
                                 "WHERE picture = ?", picture).fetchone()
        failures = 1
        if row is not None and not self.pause.forgotten(self._elapsed(str(row[1]))):
            failures = int(row[0]) + 1
        self.store.execute(
            "INSERT INTO pin_failures (picture, failures, last_failed_at) VALUES (?, ?, ?) "
            "ON CONFLICT (picture) DO UPDATE SET failures = excluded.failures, "
            "last_failed_at = excluded.last_failed_at", picture, failures, stamp)
        return failures

    def paused_for(self, picture: str) -> float:
        """Seconds before the next PIN may be tried for ``picture`` (0: go ahead)."""
        row = self.store.execute("SELECT failures, last_failed_at FROM pin_failures "
                                 "WHERE picture = ?", picture).fetchone()
        if row is None:
            return 0.0
        return self.pause.remaining(int(row[0]), self._elapsed(str(row[1])))

    def sign_in(self, picture: str, pin: str) -> SignInResult:
        """Check ``pin`` against every profile with ``picture``.

        While a pause is on, the PIN is not even checked (so guessing during it gains nothing).
        A wrong PIN adds one to the picture's count, kept in the progress file so that a restart
        does not end a pause; the right one notes the day but leaves the count to be forgotten
        in its own time (see the module's docstring: clearing it would let a guesser with a
        profile on the same picture reset it at will).
        """
        waiting = self.paused_for(picture)
        if waiting > 0:
            return SignInResult(None, waiting)
        candidates = self._with_picture(picture)
        # Every candidate is checked even after a match, so the time taken says nothing about
        # which of several same-picture profiles matched.
        matches = [learner for learner, stored in candidates if verify_pin(pin, stored)]
        stamp = self.store.clock().isoformat(timespec="seconds")
        with self.store.transaction():
            if matches:
                self.store.execute("UPDATE profiles SET last_seen_at = ? WHERE learner_id = ?",
                                   stamp, matches[0])
            else:
                failures = self._count_try(picture, stamp)
        if not matches:
            return SignInResult(None, self.pause.pause_after(failures))
        return SignInResult(self.get(matches[0]), 0.0)

    # --- reading ------------------------------------------------------------------------------
    def get(self, learner_id: str) -> Profile | None:
        row = self.store.execute(f"{_SELECT} WHERE learner_id = ?", learner_id).fetchone()
        return _profile(row) if row else None

    def all(self) -> list[Profile]:
        """Every profile, oldest first."""
        return [_profile(row) for row in
                self.store.execute(f"{_SELECT} ORDER BY created_at, rowid").fetchall()]

    # --- changing -----------------------------------------------------------------------------
    def set_preferences(self, learner_id: str, *, text_size: str | None = None,
                        high_contrast: bool | None = None, language: str | None = None) -> None:
        """Change what is given (None: leave as it is). ValueError on an unknown text size."""
        if text_size is not None:
            _check_text_size(text_size)
        with self.store.transaction():
            if text_size is not None:
                self.store.execute("UPDATE profiles SET text_size = ? WHERE learner_id = ?",
                                   text_size, learner_id)
            if high_contrast is not None:
                self.store.execute("UPDATE profiles SET high_contrast = ? WHERE learner_id = ?",
                                   int(high_contrast), learner_id)
            if language is not None:
                self.store.execute("UPDATE profiles SET language = ? WHERE learner_id = ?",
                                   language, learner_id)

    def delete(self, learner_id: str) -> None:
        """Forget the learner entirely: the profile, lessons, answers, sessions, starts and help
        requests (ON DELETE CASCADE from ``learners``), in one transaction. A database error
        becomes :class:`kiosk.progress.StorageError`, as for every store write.

        The anonymised sync counters of every (day, lesson, version, language) the learner
        touched are recomputed in the same transaction from what is left, with a higher
        revision, so the next upload replaces the figures that counted them (the server keeps
        the highest revision per key). Keys they never touched are left alone.
        """
        with self.store.transaction():
            keys = aggregate.keys_of_learner(self.store, learner_id)
            self.store.execute("DELETE FROM learners WHERE id = ?", learner_id)
            aggregate.recount(self.store, keys)

    # --- internals ----------------------------------------------------------------------------
    def _with_picture(self, picture: str) -> list[tuple[str, str]]:
        return [(str(row[0]), str(row[1])) for row in self.store.execute(
            "SELECT learner_id, pin_hash FROM profiles WHERE picture = ? ORDER BY learner_id",
            picture)]

    def _elapsed(self, last_failed_at: str) -> float:
        try:
            return (self.store.clock() - _parse_time(last_failed_at)).total_seconds()
        except (ValueError, TypeError):
            return -1.0  # unreadable: treated like a clock set back, i.e. forgotten


def _check_text_size(text_size: str) -> None:
    if text_size not in TEXT_SIZES:
        raise ValueError(f"unknown text size {text_size!r}; use one of {', '.join(TEXT_SIZES)}")
