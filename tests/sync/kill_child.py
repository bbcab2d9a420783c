"""Child for tests/sync/test_outbox.py: record answers and sync, as fast as it can, until killed.

``python tests/sync/kill_child.py KIOSK_DB SERVER_DB KIOSK_ID SECRET SEED``. The "server" is the
server's own ingest code on a SQLite file in this process, so a SIGKILL can land anywhere: in a
kiosk transaction, between the server's commit and the kiosk's acknowledgement, or inside the
server's own transaction. Some answers are dropped after the server committed, some before.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from kiosk.progress import ProgressStore
from kiosk.server.catalogue import Catalogue
from kiosk.server.ingest import Ingestor, Limits
from kiosk.server.storage import open_store
from kiosk.sync.client import Backoff, Credentials, TransportError, Uploader
from kiosk.sync.outbox import Outbox
from tests.sync.helpers import LIBRARY, Clock, InProcessTransport, Ledger, take_lesson


class Flaky(InProcessTransport):
    def __init__(self, *args: object, rng: random.Random, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.rng = rng

    def request(self, method, url, body, headers, timeout):  # type: ignore[no-untyped-def]
        roll = self.rng.random()
        if roll < 0.2:
            raise TransportError("dropped before the server saw it")
        answer = super().request(method, url, body, headers, timeout)
        if roll > 0.8:
            raise TransportError("dropped after the server committed")
        return answer


def main(argv: list[str]) -> int:
    kiosk_db, server_db, kiosk_id, secret, seed = argv[1:6]
    rng = random.Random(int(seed))
    clock = Clock()
    store = ProgressStore.open(Path(kiosk_db), clock=clock)
    server = open_store(server_db)
    ingestor = Ingestor(server, Catalogue.guess(), Limits(max_items=3, requests_per_minute=10**6))
    transport = Flaky(ingestor, time.time, rng=rng)
    credentials = Credentials("http://in-process", kiosk_id, secret)
    outbox = Outbox(store, max_items=3)
    uploader = Uploader(store, credentials, transport=transport, outbox=outbox,
                        backoff=Backoff(base=0.0, cap=0.0), max_retries=0, sleep=lambda s: None)
    lessons = sorted(LIBRARY.lessons)
    print("READY", flush=True)
    while True:
        learner = store.new_guest()
        take_lesson(store, clock, Ledger(), learner, rng.choice(lessons),
                    language=rng.choice(["en", "vi"]), steps=rng.choice([None, 1, 2, 5]),
                    rng=rng)
        if rng.random() < 0.5:
            uploader.run()
        if rng.random() < 0.05:
            clock.advance(days=1)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
