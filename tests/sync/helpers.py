"""Shared by the sync tests: a settable clock, learners taking real lessons through the real
LessonPlayer, a ledger of what they did (kept by the test, not computed by kiosk.sync), and fake
transports that hand requests to the server's own ingest code in-process."""

from __future__ import annotations

import email.utils
import json
import random
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.config import PROJECT_ROOT
from kiosk.lessons import Library, load_library
from kiosk.player import LessonPlayer
from kiosk.progress import ProgressStore
from kiosk.server.ingest import Ingestor
from kiosk.server.problems import Refusal
from kiosk.server.storage import Store
from kiosk.sync.client import Response, TransportError
from tests.helpers.clock import Clock
from tests.helpers.power_cut_child import answer_right, answer_wrong

LIBRARY: Library = load_library(PROJECT_ROOT / "lessons", PROJECT_ROOT / "assets" / "images")
Key = tuple[str, str, int, str]




@dataclass
class Ledger:
    """What learners did, written down by the test as it happens: the expected figures."""

    starts: dict[Key, set[str]] = field(default_factory=lambda: defaultdict(set))
    completions: dict[Key, set[str]] = field(default_factory=lambda: defaultdict(set))
    reached: dict[Key, dict[int, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    learners: set[str] = field(default_factory=set)

    def figures(self) -> dict[Key, tuple[int, int, list[int]]]:
        keys = set(self.starts) | set(self.completions) | set(self.reached)
        out = {}
        for key in keys:
            steps = LIBRARY.lessons[key[1]].step_count
            out[key] = (len(self.starts[key]), len(self.completions[key]),
                        [len(self.reached[key][i]) for i in range(steps)])
        return out


def take_lesson(store: ProgressStore, clock: Clock, ledger: Ledger, learner: str, lesson_id: str,
                *, language: str = "en", steps: int | None = None,
                rng: random.Random | None = None) -> LessonPlayer:
    """Open a lesson (resuming if unfinished) and do ``steps`` steps (all, if None), answering
    every practice step right, sometimes after a wrong answer; write what happened in the ledger."""
    rng = rng or random.Random(0)
    lesson = LIBRARY.lessons[lesson_id]
    before = store.progress(learner, lesson_id)
    player = LessonPlayer.begin(store, lesson, learner, language=language)
    # Resuming keeps the language the run was started in (the store's, unless the UI changes
    # it with set_language): that is the language its answers are counted under.
    assert player.progress is not None
    key = (clock.day, lesson_id, lesson.version, player.progress.language)
    ledger.learners.add(learner)
    if before is None or before.done or before.lesson_version != lesson.version:
        ledger.starts[key].add(learner)
        ledger.reached[key][0].add(learner)
    done = 0
    while steps is None or done < steps:
        index = player.index
        step = player.step
        if step.is_practice:
            if rng.random() < 0.3 and answer_wrong(player):
                ledger.reached[key][index].add(learner)
            answer_right(player)
        more = player.next()
        assert not player.storage_problem
        ledger.reached[key][index].add(learner)
        done += 1
        if not more:
            ledger.completions[key].add(learner)
            break
        ledger.reached[key][player.index].add(learner)
    return player


# --- in-process server ---------------------------------------------------------------------------
class InProcessTransport:
    """Hands each request to the server's Ingestor, like the HTTP layer does, and answers with
    the same statuses and bodies. ``server_clock`` is the server's time (unix seconds)."""

    def __init__(self, ingestor: Ingestor, server_clock: Callable[[], float]) -> None:
        self.ingestor = ingestor
        self.server_clock = server_clock
        self.requests: list[tuple[str, bytes, dict[str, str]]] = []

    def request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
                timeout: float) -> Response:
        assert body is not None
        path = "/" + url.split("/", 3)[3]
        now = self.server_clock()
        date = {"date": email.utils.formatdate(now, usegmt=True)}
        self.requests.append((path, body, dict(headers)))
        try:
            result = self.ingestor.upload(method=method, path=path, headers=headers, body=body,
                                          now=now)
        except Refusal as refusal:
            return Response(refusal.status, {**date, **{k.lower(): v for k, v in
                                                         refusal.headers.items()}},
                            json.dumps(refusal.body()).encode())
        return Response(200, date, json.dumps({
            "ok": True, "status": result.status, "batch_id": result.batch_id,
            "items": result.items, "applied": result.applied}).encode())


class Scripted:
    """A transport whose answers are given by the test, one per request, recording each."""

    def __init__(self, answers: list[Response | Exception]) -> None:
        self.answers = list(answers)
        self.requests: list[tuple[str, str, bytes | None, dict[str, str]]] = []

    def request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
                timeout: float) -> Response:
        self.requests.append((method, url, body, dict(headers)))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def ok(status: str = "accepted", **headers: str) -> Response:
    return Response(200, headers, json.dumps({"ok": True, "status": status}).encode())


def refused(status: int, *codes: str, **headers: str) -> Response:
    body: dict[str, Any] = {"ok": False, "status": status, "errors": [
        {"code": c, "loc": "items.0", "message": f"problem {c}"} for c in codes]}
    return Response(status, headers, json.dumps(body).encode())


def offline() -> TransportError:
    return TransportError("Connection refused")


def server_figures(store: Store, kiosk_id: str | None = None) -> dict[Key, tuple[int, int,
                                                                                 list[int]]]:
    """A kiosk's figures as the server holds them: the sum over epochs (over the progress stores
    the kiosk has had), as every report adds them up. With kiosk_id None, over all kiosks."""
    out: dict[Key, tuple[int, int, list[int]]] = {}
    for row in store.counters():
        if kiosk_id is None or row["kiosk_id"] == kiosk_id:
            key = (row["day"], row["lesson_id"], int(row["lesson_version"]), row["language"])
            starts, completions, reached = out.get(key, (0, 0, []))
            more = json.loads(row["reached"])
            reached = [(reached[i] if i < len(reached) else 0) + (more[i] if i < len(more) else 0)
                       for i in range(max(len(reached), len(more)))]
            out[key] = (starts + int(row["starts"]), completions + int(row["completions"]),
                        reached)
    return out


def kiosk_figures(store: ProgressStore) -> dict[Key, tuple[int, int, list[int]]]:
    from kiosk.sync.aggregate import compute_all

    return {k: (c.starts, c.completions, list(c.reached)) for k, c in compute_all(store).items()}
