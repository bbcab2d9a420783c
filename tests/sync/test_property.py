"""Property (hypothesis): any interleaving of learners answering real lessons, uploads whose
answers are lost before or after the server commits, duplicate and out-of-order sends, new days
and kiosk restarts leaves the server holding exactly the kiosk's figures.

The server is its own ingest code and storage, in-process on a SQLite file, for speed; the
transport in between loses what hypothesis tells it to."""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.progress import ProgressStore
from kiosk.server.catalogue import Catalogue
from kiosk.server.ingest import Ingestor, Limits
from kiosk.server.storage import open_store
from kiosk.signing import BATCHES_PATH, sign_request
from kiosk.sync import aggregate
from kiosk.sync.client import Backoff, Credentials, Response, TransportError, Uploader
from kiosk.sync.outbox import Outbox
from tests.sync.helpers import (
    LIBRARY,
    Clock,
    InProcessTransport,
    Ledger,
    kiosk_figures,
    server_figures,
    take_lesson,
)

LESSONS = sorted(LIBRARY.lessons)

learn = st.tuples(st.just("learn"), st.integers(0, 3), st.sampled_from(LESSONS[:4]),
                  st.sampled_from([None, 1, 2, 3]), st.sampled_from(["en", "vi"]))
upload = st.tuples(st.just("upload"), st.sampled_from(["ok", "lost-before", "lost-after"]))
resend = st.tuples(st.just("resend"), st.integers(0, 50))
other = st.sampled_from([("restart",), ("day",), ("new-learner",)])
operations = st.lists(st.one_of(learn, upload, resend, other), min_size=1, max_size=25)


class Lossy(InProcessTransport):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.mode = "ok"

    def request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
                timeout: float) -> Response:
        if self.mode == "lost-before":
            raise TransportError("lost on the way to the server")
        answer = super().request(method, url, body, headers, timeout)
        if self.mode == "lost-after":
            raise TransportError("the server committed, the answer was lost")
        return answer


@settings(max_examples=int(os.environ.get("SYNC_EXAMPLES", "120")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations, seed=st.integers(0, 1000), max_items=st.sampled_from([1, 2, 500]))
def test_any_interleaving_leaves_the_server_equal_to_the_kiosk(ops, seed, max_items) -> None:
    # In memory-backed /dev/shm where there is one: synchronous=FULL fsyncs dominate otherwise.
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) \
            as tmp:
        server = open_store(str(Path(tmp) / "server.db"))
        server.add_centre("C")
        kiosk = server.enrol(server.create_enrolment_code("C", now=time.time()), now=time.time())
        assert kiosk is not None
        credentials = Credentials("http://in-process", kiosk.id, kiosk.secret)
        transport = Lossy(Ingestor(server, Catalogue.guess(),
                                   Limits(requests_per_minute=10**9)), time.time)
        clock, ledger, rng = Clock(), Ledger(), random.Random(seed)
        path = Path(tmp) / "progress.db"
        store = ProgressStore.open(path, clock=clock)
        learners = [store.new_guest() for _ in range(4)]

        def new_uploader() -> Uploader:
            return Uploader(store, credentials, transport=transport,
                            outbox=Outbox(store, max_items=max_items), backoff=Backoff(0, 0),
                            max_retries=0, sleep=lambda s: None)

        uploader = new_uploader()
        for op in ops:
            if op[0] == "learn":
                _, who, lesson, steps, language = op
                take_lesson(store, clock, ledger, learners[who], lesson, language=language,
                            steps=steps, rng=rng)
            elif op[0] == "upload":
                transport.mode = op[1]
                uploader.run()
                transport.mode = "ok"
            elif op[0] == "resend" and transport.requests:
                # An old request arrives again, re-signed (a duplicate, or out of order after
                # newer revisions of the same keys).
                _, body, _ = transport.requests[op[1] % len(transport.requests)]
                headers = sign_request(kiosk.id, kiosk.secret, "POST", BATCHES_PATH, body)
                transport.request("POST", "http://in-process" + BATCHES_PATH, body, headers, 5)
            elif op[0] == "restart":
                store.close()
                store = ProgressStore.open(path, clock=clock)
                uploader = new_uploader()
            elif op[0] == "day":
                clock.advance(days=1)
            elif op[0] == "new-learner":
                learners[rng.randrange(4)] = store.new_guest()

        result = new_uploader().run()  # connectivity is back: drain
        assert result.outcome == "done" and result.remaining == 0 and not result.refused
        assert server_figures(server, kiosk.id) == kiosk_figures(store) == ledger.figures()
        revisions = {k: c.revision for k, c in aggregate.counters(store).items()}
        assert {(r["day"], r["lesson_id"], r["lesson_version"], r["language"]): r["revision"]
                for r in server.counters()} == revisions
        store.close()
        server.close()
