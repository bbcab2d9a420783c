"""``python -m kiosk sync enrol | now | status | export | salvage``: what kiosk.cli calls.
Plain words out.

    python -m kiosk sync enrol N3XX7-UARAJ --server https://reports.example.org
    python -m kiosk sync now
    python -m kiosk sync status
    python -m kiosk sync export /media/usb
    python -m kiosk sync salvage

``status`` only looks: it never moves a damaged progress file (it says so and what it holds);
the commands that send (``now``, ``export``, ``salvage``) open the store the way the kiosk does,
which moves a damaged file aside, and queue what is left in it (kiosk/sync/salvage.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.config import Settings
from kiosk.progress import DamagedStore, ProgressStore, StorageError
from kiosk.sync.bundle import export_bundle
from kiosk.sync.client import (
    Backoff,
    SyncError,
    Uploader,
    credentials_path,
    enrol,
    load_credentials,
)
from kiosk.sync.outbox import Outbox
from kiosk.sync.salvage import Found, inspect, losses, pending_files, salvage_all


def _open(settings: Settings) -> ProgressStore:
    return ProgressStore.open(settings.database_path)


def enrol_command(settings: Settings, code: str, server: str, *, insecure: bool = False) -> int:
    store = _open(settings)
    try:
        credentials = enrol(settings.home, server, code, store=store, insecure=insecure)
    except SyncError as exc:
        print(f"Not enrolled: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    centre = f" at {credentials.centre}" if credentials.centre else ""
    print(f"Enrolled as kiosk {credentials.kiosk_id}{centre}. Figures will be sent to "
          f"{credentials.server_url} whenever it can be reached.")
    print(f"The kiosk's key is in {credentials_path(settings.home)} (readable by this user only).")
    return 0


def now_command(settings: Settings) -> int:
    store = _open(settings)
    try:
        uploader = Uploader(store, load_credentials(settings.home),
                            backoff=Backoff(base=1.0, cap=8.0), max_retries=3)
        result = uploader.run(heartbeat=True)
    except StorageError as exc:
        print(f"Could not sync: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    sent = result.accepted + result.duplicates
    if result.outcome == "done":
        print(f"Sent {sent} batch(es); {result.remaining} waiting." +
              (f" {result.refused} refused: see python -m kiosk sync status."
               if result.refused else ""))
        return 1 if result.refused else 0
    print(f"Sent {sent} batch(es); {result.remaining} still waiting. {result.message}",
          file=sys.stderr)
    return 1


def _found_text(found: Found) -> str:
    """One damaged file, in words: what in it has not reached the server."""
    parts = []
    if found.batches or found.unqueued:
        queued = (f"{len(found.batches)} batch(es)" if found.batches else "")
        loose = (f"{len(found.unqueued)} figure(s) not yet in a batch" if found.unqueued else "")
        parts.append(f"{' and '.join(p for p in (queued, loose) if p)} ({found.items} figure(s) "
                     "in all) were not sent; the next sync sends them (python -m kiosk sync now)")
    if found.lost_batches:
        parts.append(f"{found.lost_batches} batch(es) could not be read and are lost")
    if found.error and not found.readable:
        parts.append(f"it could not be read at all ({found.error}); figures in it that had not "
                     "been sent are lost. Keep the file for the technical contact")
    if not parts:
        parts.append("nothing in it was waiting to be sent")
    return f"Damaged progress file {found.path}: " + "; ".join(parts) + "."


def status_command(settings: Settings) -> int:
    credentials = load_credentials(settings.home)
    path = settings.database_path
    try:
        store = ProgressStore.open(path, move_damaged=False)
    except DamagedStore as exc:
        print(f"The progress file {path} is damaged ({exc}). Nothing was moved. When the kiosk "
              "next starts, or on python -m kiosk sync now, it is moved aside, a new one is "
              "started, and whatever can still be read of the figures waiting in it is sent.",
              file=sys.stderr)
        print(_found_text(inspect(path)).replace("Damaged progress file", "In"),
              file=sys.stderr)
        return 1
    except StorageError as exc:
        print(f"Could not read the progress file: {exc}", file=sys.stderr)
        return 1
    try:
        outbox = Outbox(store)
        outbox.refresh_and_build()
        status = outbox.status()
        damaged = [inspect(p) for p in pending_files(store)]
        lost = losses(store)
    finally:
        store.close()
    unsent = sum(f.items for f in damaged) + sum(f.lost_batches for f in damaged) + sum(
        not f.readable for f in damaged)
    if credentials is None:
        print("Enrolment: not enrolled. Ask the programme manager for a code, then run "
              "python -m kiosk sync enrol CODE --server URL")
    else:
        centre = f" at {credentials.centre}" if credentials.centre else ""
        print(f"Enrolment: kiosk {credentials.kiosk_id}{centre}, server {credentials.server_url}")
    if status.pending:
        exported = f", {status.exported} of them exported to USB" if status.exported else ""
        print(f"Waiting to send: {status.pending} batch(es), {status.pending_items} figure(s), "
              f"the oldest queued {status.oldest_pending}{exported}")
    elif not unsent and not lost:
        print("Waiting to send: nothing; everything has reached the server.")
    elif not unsent:
        print("Waiting to send: nothing that can still be read (but see below).")
    else:
        print("Waiting to send: nothing in the progress file (but see the damaged file below).")
    for found in damaged:
        print(_found_text(found))
    for name, error in lost:
        print(f"Damaged progress file {name}: part of it could not be read ({error}); figures "
              "in that part that had not been sent are lost. Keep the file for the technical "
              "contact.")
    print(f"Last successful upload: {status.last_success or 'never'}")
    if status.blocked:
        print(f"Uploads stopped: {status.blocked}")
    elif status.last_error:
        print(f"Last problem ({status.last_error_at}): {status.last_error}")
    for batch in status.refused:
        reasons = "; ".join(f"{e.get('loc', '')}: {e.get('message', '')}" for e in batch.errors)
        print(f"Refused batch {batch.batch_id} ({len(batch.items)} figures): {reasons}")
    if status.refused:
        print("Refused batches are kept on the kiosk. Tell the programme manager; once they "
              "have fixed the cause, python -m kiosk sync now --retry-refused sends them again.")
    return 0


def export_command(settings: Settings, directory: Path) -> int:
    credentials = load_credentials(settings.home)
    if credentials is None:
        print("Cannot export: this kiosk is not enrolled, so it cannot sign a bundle. Enrol it "
              "first (python -m kiosk sync enrol CODE --server URL).", file=sys.stderr)
        return 1
    store = _open(settings)
    try:
        export = export_bundle(store, credentials, directory)
    except (OSError, StorageError) as exc:
        print(f"Could not write the bundle: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"Wrote {export.path} ({export.batches} batch(es), {export.items} figure(s)). Give it "
          "to the programme manager: python -m kiosk server import-bundle FILE")
    return 0


def salvage_command(settings: Settings) -> int:
    """Queue what damaged progress files still hold (``sync now`` does this by itself too)."""
    try:
        store = _open(settings)
    except StorageError as exc:
        print(f"Could not open the progress file: {exc}", file=sys.stderr)
        return 1
    try:
        done = salvage_all(store)
    finally:
        store.close()
    if not done:
        print("No damaged progress file is waiting to be recovered.")
    failed = False
    for salvaged in done:
        if salvaged.batches:
            print(f"{salvaged.path}: queued {salvaged.batches} batch(es), {salvaged.items} "
                  f"figure(s); they are sent with the next sync.")
        else:
            print(f"{salvaged.path}: nothing that can be read was waiting to be sent.")
        if salvaged.error:
            failed = True
            print(f"  Part of it could not be read ({salvaged.error}); figures in that part "
                  "that had not been sent are lost. Keep the file for the technical contact.")
    return 1 if failed else 0


def retry_refused(settings: Settings) -> int:
    store = _open(settings)
    try:
        count = Outbox(store).retry_refused()
    finally:
        store.close()
    print(f"{count} refused batch(es) will be sent again.")
    return 0
