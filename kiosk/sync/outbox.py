"""The outbox: batches of counters waiting for the server, in the progress store's own file.

Life of a batch, one transaction per state change, so the kiosk can lose power at any moment:

1. :meth:`Outbox.build` snapshots every counter whose revision is newer than the last one queued
   into new batches (each with a UUID), split so no batch exceeds the server's item and body
   limits, and records the revision queued — all in one transaction.
2. The client sends a pending batch (signed afresh each time; the ``batch_id`` never changes).
3. :meth:`acknowledge` deletes it once the server answered 200 (``accepted`` or ``duplicate``);
   :meth:`refuse` keeps it, marked refused, with the server's errors for volunteers to read;
   :meth:`split` replaces a batch the server found too large by two smaller ones.

A batch whose answer was lost is simply sent again: the server answers ``duplicate``. A key that
changes again while an older batch is still pending goes out in a newer batch with a higher
revision; whichever arrives first, the server ends up with the higher one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.progress import ProgressStore
from kiosk.protocol import MAX_BODY_BYTES, MAX_ITEMS  # the server's limits, defined once
from kiosk.sync import aggregate
from kiosk.sync.aggregate import get_state, set_state

BODY_MARGIN = 1024  # room for the envelope: batch id, the longest kiosk id, brackets

# The wire names of an item, in order: exactly kiosk.server.wire.Item's fields.
ITEM_FIELDS = ("day", "lesson_id", "lesson_version", "language", "revision", "starts",
               "completions", "reached")

LAST_SUCCESS = "sync.last_success"
LAST_ERROR = "sync.last_error"
LAST_ERROR_AT = "sync.last_error_at"
BLOCKED = "sync.blocked"
EPOCH = "sync.epoch"  # set by progress.py's migration V5; '' for a store older than epochs


@dataclass(frozen=True)
class Item:
    day: str
    lesson_id: str
    lesson_version: int
    language: str
    revision: int
    starts: int
    completions: int
    reached: tuple[int, ...]

    def wire(self) -> dict[str, Any]:
        return {"day": self.day, "lesson_id": self.lesson_id,
                "lesson_version": self.lesson_version, "language": self.language,
                "revision": self.revision, "starts": self.starts,
                "completions": self.completions, "reached": list(self.reached)}

    @property
    def key(self) -> aggregate.Key:
        return (self.day, self.lesson_id, self.lesson_version, self.language)


@dataclass(frozen=True)
class Batch:
    seq: int
    batch_id: str
    status: str  # "pending" or "refused"
    created_at: str
    items: tuple[Item, ...]
    attempts: int = 0
    exported_at: str | None = None
    errors: tuple[dict[str, Any], ...] = ()
    epoch: str = ""


@dataclass(frozen=True)
class Status:
    pending: int
    pending_items: int
    oldest_pending: str | None
    refused: list[Batch]
    exported: int
    last_success: str
    last_error: str
    last_error_at: str
    blocked: str


def encode(batch_id: str, kiosk_id: str, items: Sequence[Item], epoch: str = "") -> bytes:
    """The exact body sent: compact JSON, keys in the schema's order, nothing else. The epoch
    is left out when it is '' (the server's default), so a kiosk's first store still talks to a
    server older than epochs."""
    data: dict[str, Any] = {"batch_id": batch_id, "kiosk_id": kiosk_id}
    if epoch:
        data["epoch"] = epoch
    data["items"] = [i.wire() for i in items]
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _item_size(item: Item) -> int:
    return len(json.dumps(item.wire(), separators=(",", ":")).encode("utf-8")) + 1  # + comma


def chunk(items: Sequence[Item], *, max_items: int, max_body_bytes: int) -> list[list[Item]]:
    """Consecutive groups of at most ``max_items`` items whose body stays under the limit."""
    budget = max_body_bytes - BODY_MARGIN
    groups: list[list[Item]] = []
    current: list[Item] = []
    size = 0
    for item in items:
        item_size = _item_size(item)
        if current and (len(current) >= max_items or size + item_size > budget):
            groups.append(current)
            current, size = [], 0
        current.append(item)
        size += item_size
    if current:
        groups.append(current)
    return groups


class Outbox:
    def __init__(self, store: ProgressStore, *, max_items: int = MAX_ITEMS,
                 max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.store = store
        self.max_items = max_items
        self.max_body_bytes = max_body_bytes

    def _now(self) -> str:
        return self.store.clock().isoformat(timespec="seconds")

    # --- building --------------------------------------------------------------------------------
    def refresh_and_build(self) -> list[str]:
        aggregate.refresh(self.store)
        return self.build()

    def build(self) -> list[str]:
        """Queue every counter changed since it was last queued; returns the new batch ids."""
        created: list[str] = []
        with self.store.transaction():
            items = [Item(row[0], row[1], int(row[2]), row[3], int(row[4]), int(row[5]),
                          int(row[6]), tuple(json.loads(row[7])))
                     for row in self.store.execute(
                         "SELECT day, lesson_id, lesson_version, language, revision, starts, "
                         "completions, reached FROM sync_counters WHERE revision > "
                         "queued_revision ORDER BY day, lesson_id, lesson_version, language")]
            epoch = get_state(self.store, EPOCH)
            for group in chunk(items, max_items=self.max_items,
                               max_body_bytes=self.max_body_bytes):
                created.append(self._insert(group, epoch))
            self.store.execute("UPDATE sync_counters SET queued_revision = revision "
                               "WHERE revision > queued_revision")
        return created

    def _insert(self, items: Sequence[Item], epoch: str, batch_id: str | None = None) -> str:
        """Inside a transaction."""
        batch_id = batch_id or str(uuid.uuid4())
        self.store.execute("INSERT INTO outbox_batches (batch_id, status, created_at, item_count, "
                           "epoch) VALUES (?, 'pending', ?, ?, ?)", batch_id, self._now(),
                           len(items), epoch)
        for position, item in enumerate(items):
            self.store.execute(
                "INSERT INTO outbox_items (batch_id, position, day, lesson_id, lesson_version, "
                "language, revision, starts, completions, reached) VALUES (?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?)", batch_id, position, *item.key, item.revision, item.starts,
                item.completions, json.dumps(list(item.reached)))
        return batch_id

    # --- reading -----------------------------------------------------------------------------
    def _items(self, batch_id: str) -> tuple[Item, ...]:
        return tuple(Item(row[0], row[1], int(row[2]), row[3], int(row[4]), int(row[5]),
                          int(row[6]), tuple(json.loads(row[7])))
                     for row in self.store.execute(
                         "SELECT day, lesson_id, lesson_version, language, revision, starts, "
                         "completions, reached FROM outbox_items WHERE batch_id = ? "
                         "ORDER BY position", batch_id))

    def batches(self, status: str = "pending") -> list[Batch]:
        rows = self.store.execute(
            "SELECT seq, batch_id, status, created_at, attempts, exported_at, errors, epoch "
            "FROM outbox_batches WHERE status = ? ORDER BY seq", status).fetchall()
        return [Batch(row[0], row[1], row[2], row[3], self._items(row[1]), int(row[4]), row[5],
                      tuple(json.loads(row[6])) if row[6] else (), row[7]) for row in rows]

    def pending(self) -> list[Batch]:
        return self.batches("pending")

    def get(self, batch_id: str) -> Batch | None:
        return next((b for b in self.pending() + self.batches("refused")
                     if b.batch_id == batch_id), None)

    def status(self) -> Status:
        row = self.store.execute(
            "SELECT COUNT(*), COALESCE(SUM(item_count), 0), MIN(created_at), "
            "COUNT(exported_at) FROM outbox_batches WHERE status = 'pending'").fetchone()
        return Status(pending=int(row[0]), pending_items=int(row[1]), oldest_pending=row[2],
                      refused=self.batches("refused"), exported=int(row[3]),
                      last_success=get_state(self.store, LAST_SUCCESS),
                      last_error=get_state(self.store, LAST_ERROR),
                      last_error_at=get_state(self.store, LAST_ERROR_AT),
                      blocked=get_state(self.store, BLOCKED))

    # --- state changes (one transaction each) --------------------------------------------------
    def note_attempt(self, batch_id: str) -> None:
        with self.store.transaction():
            self.store.execute("UPDATE outbox_batches SET attempts = attempts + 1 "
                               "WHERE batch_id = ?", batch_id)

    def acknowledge(self, batch_id: str, *, when: str) -> None:
        """The server has the batch (accepted now, or earlier: "duplicate"): forget it."""
        with self.store.transaction():
            self.store.execute("DELETE FROM outbox_batches WHERE batch_id = ?", batch_id)
            set_state(self.store, LAST_SUCCESS, when)
            set_state(self.store, LAST_ERROR, "")
            set_state(self.store, BLOCKED, "")

    def note_success(self, when: str) -> None:
        with self.store.transaction():
            set_state(self.store, LAST_SUCCESS, when)
            set_state(self.store, LAST_ERROR, "")

    def refuse(self, batch_id: str, errors: Sequence[dict[str, Any]], message: str) -> None:
        """The server will never take this batch as it is: keep it, with the server's reasons."""
        with self.store.transaction():
            self.store.execute("UPDATE outbox_batches SET status = 'refused', refused_at = ?, "
                               "errors = ? WHERE batch_id = ?", self._now(),
                               json.dumps(list(errors), ensure_ascii=False), batch_id)
            set_state(self.store, LAST_ERROR, message)
            set_state(self.store, LAST_ERROR_AT, self._now())

    def split(self, batch_id: str) -> list[str]:
        """Replace a pending batch the server found too large by two halves (new ids). The old
        one was refused whole, so nothing of it was stored: no figure is counted twice."""
        batch = self.get(batch_id)
        if batch is None or len(batch.items) < 2:
            return []
        half = len(batch.items) // 2
        with self.store.transaction():
            self.store.execute("DELETE FROM outbox_batches WHERE batch_id = ?", batch_id)
            ids = [self._insert(batch.items[:half], batch.epoch),
                   self._insert(batch.items[half:], batch.epoch)]
        return ids

    def note_error(self, message: str) -> None:
        with self.store.transaction():
            set_state(self.store, LAST_ERROR, message)
            set_state(self.store, LAST_ERROR_AT, self._now())

    def block(self, message: str) -> None:
        """The server refuses this kiosk itself (unknown, revoked): stop until it is enrolled."""
        with self.store.transaction():
            set_state(self.store, BLOCKED, message)
            set_state(self.store, LAST_ERROR, message)
            set_state(self.store, LAST_ERROR_AT, self._now())

    def unblock(self) -> None:
        with self.store.transaction():
            set_state(self.store, BLOCKED, "")

    def mark_exported(self, batch_ids: Sequence[str]) -> None:
        with self.store.transaction():
            for batch_id in batch_ids:
                self.store.execute("UPDATE outbox_batches SET exported_at = ? "
                                   "WHERE batch_id = ?", self._now(), batch_id)

    def adopt(self, batch_id: str, items: Sequence[Item], epoch: str) -> bool:
        """Queue a batch recovered from a damaged store under its own id and epoch (so the server
        answers "duplicate" if it had it already); False if it is queued here already."""
        with self.store.transaction():
            if self.store.execute("SELECT 1 FROM outbox_batches WHERE batch_id = ?",
                                  batch_id).fetchone():
                return False
            self._insert(items, epoch, batch_id)
        return True

    def retry_refused(self) -> int:
        """Volunteers' escape hatch once the cause is fixed (e.g. the server learnt a lesson)."""
        with self.store.transaction():
            cursor = self.store.execute("UPDATE outbox_batches SET status = 'pending', "
                                        "refused_at = NULL, errors = NULL "
                                        "WHERE status = 'refused'")
        return int(cursor.rowcount)
