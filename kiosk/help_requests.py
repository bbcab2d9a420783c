"""Help requests: a learner's tap on "Help" waits in a list for a volunteer, until they mark it
done, or until the learner leaves (then it is closed as "left", so the list of people waiting
only ever holds someone who is still at the kiosk).

Only where the learner is (lesson, step, screen) and when is kept: no name, no free text. A
request belongs to a learner, so deleting a profile deletes its requests (ON DELETE CASCADE).

    >>> store = ProgressStore.in_memory()
    >>> learner = store.new_guest()
    >>> first = ask_for_help(store, learner, lesson_id="pay-shop-qr", step=2, screen="step")
    >>> ask_for_help(store, learner, lesson_id="pay-shop-qr", step=3, screen="step") == first
    True
    >>> [(r.lesson_id, r.step, r.picture) for r in open_requests(store)]
    [('pay-shop-qr', 2, None)]
    >>> resolve(store, first)
    >>> open_requests(store)
    []
    >>> second = ask_for_help(store, learner, lesson_id=None, step=None, screen="topics")
    >>> learner_left(store, learner)
    1
    >>> open_requests(store), [r.id for r in left_requests(store)] == [second]
    ([], True)
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.progress import ProgressStore


@dataclass(frozen=True)
class HelpRequest:
    id: int
    asked_at: str  # ISO timestamp, the store's clock (UTC)
    lesson_id: str | None
    step: int | None  # 0-based step index, as in the store
    screen: str  # the screen's name, e.g. "step" or "topics"
    picture: str | None  # the profile's picture, so a volunteer knows whom to go to; None: guest
    left_at: str | None = None  # when the learner left without being helped (ISO, UTC)


def ask_for_help(store: ProgressStore, learner_id: str, *, lesson_id: str | None,
                 step: int | None, screen: str) -> int:
    """Record that ``learner_id`` would like help; returns the request's id.

    If they already have an open request, that one's id is returned and nothing is added: an
    anxious learner tapping "Help" five times is still one person waiting (and keeps their
    place in the queue, which is by the first tap).
    """
    with store.transaction():
        # INSERT OR IGNORE against the unique partial index on open requests: one statement,
        # so the check and the insert cannot be split by another tap.
        store.execute(
            "INSERT OR IGNORE INTO help_requests (learner_id, lesson_id, step, screen, asked_at) "
            "VALUES (?, ?, ?, ?, ?)", learner_id, lesson_id, step, screen,
            store.clock().isoformat(timespec="seconds"))
        row = store.execute("SELECT id FROM help_requests WHERE learner_id = ? AND "
                            "resolved_at IS NULL", learner_id).fetchone()
    return int(row[0])


def open_requests(store: ProgressStore) -> list[HelpRequest]:
    """Requests nobody has marked done yet, the one waiting longest first."""
    rows = store.execute(
        "SELECT h.id, h.asked_at, h.lesson_id, h.step, h.screen, p.picture FROM help_requests h "
        "LEFT JOIN profiles p ON p.learner_id = h.learner_id WHERE h.resolved_at IS NULL "
        "ORDER BY h.asked_at, h.id").fetchall()
    return [HelpRequest(id=int(row[0]), asked_at=str(row[1]), lesson_id=row[2],
                        step=None if row[3] is None else int(row[3]), screen=str(row[4]),
                        picture=row[5]) for row in rows]


def resolve(store: ProgressStore, request_id: int) -> None:
    """A volunteer has helped: the request leaves the list (resolving twice changes nothing)."""
    with store.transaction():
        store.execute("UPDATE help_requests SET resolved_at = ?, closed_because = 'helped' "
                      "WHERE id = ? AND resolved_at IS NULL",
                      store.clock().isoformat(timespec="seconds"), request_id)


def learner_left(store: ProgressStore, learner_id: str) -> int:
    """``learner_id`` has gone ("I have finished", signing out, or nobody touched the screen):
    their open request, if any, is closed as "left", so no volunteer walks over to an empty
    kiosk. Returns how many were closed (0 or 1)."""
    with store.transaction():
        cursor = store.execute(
            "UPDATE help_requests SET resolved_at = ?, closed_because = 'left' "
            "WHERE learner_id = ? AND resolved_at IS NULL",
            store.clock().isoformat(timespec="seconds"), learner_id)
    return int(cursor.rowcount)


def left_requests(store: ProgressStore, *, since: str = "") -> list[HelpRequest]:
    """Requests whose learner left before a volunteer came, asked at or after ``since`` (an ISO
    date or timestamp), the most recent first: the volunteers may want to know someone gave up
    waiting."""
    rows = store.execute(
        "SELECT h.id, h.asked_at, h.lesson_id, h.step, h.screen, p.picture, h.resolved_at "
        "FROM help_requests h LEFT JOIN profiles p ON p.learner_id = h.learner_id "
        "WHERE h.closed_because = 'left' AND h.asked_at >= ? "
        "ORDER BY h.resolved_at DESC, h.id DESC", since).fetchall()
    return [HelpRequest(id=int(row[0]), asked_at=str(row[1]), lesson_id=row[2],
                        step=None if row[3] is None else int(row[3]), screen=str(row[4]),
                        picture=row[5], left_at=str(row[6])) for row in rows]
