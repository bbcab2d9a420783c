"""``python -m kiosk sync export DIR``: the pending batches as a signed bundle on a USB stick.

The file is the server's import format (``kiosk-bundle/1``, see :func:`kiosk.signing.bundle_entry`
and docs/SERVER.md): each pending batch as the exact signed request the kiosk would have sent.
The manager runs ``python -m kiosk server import-bundle FILE``; importing it twice, or importing it
and later receiving the same batches over the network, changes nothing (same batch ids).

Exported batches stay in the outbox until the server acknowledges them (the kiosk cannot know a
bundle was imported), so every export holds everything not yet confirmed. The file is written to a
temporary name in the same folder, flushed to the stick, then renamed: a stick pulled out too early
holds no half-written bundle under the real name.

Its name says what it is and where it comes from, for volunteers and managers::

    kiosk-stats_wanhua-community-centre_k-3f9a0c2b1d7e_2025-11-20.json
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.files import write_atomic
from kiosk.progress import ProgressStore
from kiosk.signing import BATCHES_PATH, BUNDLE_FORMAT, bundle_entry, sign_request
from kiosk.sync.client import Credentials, ServerClock
from kiosk.sync.outbox import Outbox, encode
from kiosk.sync.salvage import salvage_all


@dataclass(frozen=True)
class Export:
    path: Path
    batches: int
    items: int


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40] or "centre"


def bundle_name(credentials: Credentials, day: str) -> str:
    return f"kiosk-stats_{_slug(credentials.centre)}_{credentials.kiosk_id}_{day}.json"


def export_bundle(store: ProgressStore, credentials: Credentials, directory: Path, *,
                  clock: ServerClock | None = None) -> Export:
    """Write every pending batch (after bringing the counters up to date) into one bundle."""
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a folder (is the USB stick plugged in?)")
    clock = clock or ServerClock()
    outbox = Outbox(store)
    salvage_all(store)
    outbox.refresh_and_build()
    pending = outbox.pending()
    entries = []
    for batch in pending:
        body = encode(batch.batch_id, credentials.kiosk_id, batch.items, batch.epoch)
        # The server does not check a bundle's timestamp (sticks travel for days), but it is
        # still signed, with a fresh nonce per request.
        headers = sign_request(credentials.kiosk_id, credentials.secret, "POST", BATCHES_PATH,
                               body, timestamp=int(clock.now()))
        entries.append(bundle_entry(headers, body))
    day = time.strftime("%Y-%m-%d", time.gmtime(clock.now()))
    path = directory / bundle_name(credentials, day)
    number = 1
    while path.exists():
        number += 1
        path = directory / bundle_name(credentials, f"{day}-{number}")
    data = {"format": BUNDLE_FORMAT, "requests": entries}
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"),
                 private=False)
    outbox.mark_exported([b.batch_id for b in pending])
    return Export(path, len(pending), sum(len(b.items) for b in pending))
