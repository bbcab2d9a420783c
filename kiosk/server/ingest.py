"""Every check an upload goes through, in order, then one transaction. Shared by HTTP and USB.

1. size        the body is at most ``max_body_bytes`` (the HTTP layer checks Content-Length first)
2. headers     the four signing headers are present and well formed          -> 401
3. identity    the kiosk exists (401); signature and freshness verify (401); it is not revoked (403)
4. budget      the kiosk is within its requests-per-minute budget           -> 429 + Retry-After
5. content     JSON parses (400); then *together*: schema (422), the batch names the signing kiosk
               (403), at most ``max_items`` items (413, so a kiosk knows to split and resend),
               known lessons (422), one item per key (422)
6. store       nonce unused (409), batch id new (else 200 "duplicate"), counters upserted by
               revision — all in one transaction

A refusal raises :class:`~kiosk.server.problems.Refusal` listing every problem of its stage; nothing
has been written by then, because the only write is step 6 and it is one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import ValidationError

from kiosk.protocol import MAX_BODY_BYTES, MAX_ITEMS
from kiosk.server.catalogue import Catalogue
from kiosk.server.problems import Problem, Refusal
from kiosk.server.ratelimit import RateLimiter
from kiosk.server.signing import FRESHNESS_SECONDS, read_headers, verify
from kiosk.server.storage import IngestResult, Replayed, Store
from kiosk.server.wire import Batch


@dataclass
class Limits:
    max_body_bytes: int = MAX_BODY_BYTES
    max_items: int = MAX_ITEMS
    freshness_seconds: int = FRESHNESS_SECONDS
    requests_per_minute: int = 60


@dataclass
class Ingestor:
    store: Store
    catalogue: Catalogue = field(default_factory=Catalogue.guess)
    limits: Limits = field(default_factory=Limits)
    limiter: RateLimiter | None = None

    def __post_init__(self) -> None:
        if self.limiter is None:
            self.limiter = RateLimiter(self.limits.requests_per_minute)

    def upload(self, *, method: str, path: str, headers: Mapping[str, str], body: bytes,
               now: float, from_bundle: bool = False) -> IngestResult:
        """Check and apply one signed upload, or raise :class:`Refusal`.

        A bundle (``from_bundle``) skips the freshness check, because USB sticks travel for days,
        and the rate limit, because a manager imports many requests at once; nonces and batch
        ids still make a second import of the same bundle change nothing.
        """
        if len(body) > self.limits.max_body_bytes:
            raise Refusal.of([body_too_large(self.limits.max_body_bytes)])
        signed, problems = read_headers(headers)
        if signed is None:
            raise Refusal.of(problems)
        kiosk = self.store.kiosk(signed.kiosk_id)
        if kiosk is None:
            raise Refusal.of([Problem("unknown_kiosk", "no kiosk has this id; enrol it first",
                                      "header.X-Kiosk-Id")])
        window = None if from_bundle else self.limits.freshness_seconds
        problems = verify(signed, kiosk.secret, method, path, body, now=now, window=window)
        if problems:
            stale = any(p.code == "stale_timestamp" for p in problems)
            raise Refusal.of(problems, extra={"server_time": int(now)} if stale else None)
        if kiosk.revoked:
            raise Refusal.of([Problem("revoked_kiosk", "this kiosk was revoked by a manager; "
                                      "enrol it again with a new code", "header.X-Kiosk-Id")])
        if not from_bundle:
            assert self.limiter is not None
            wait = self.limiter.check(kiosk.id, now=now)
            if wait:
                raise Refusal.of([Problem("rate_limited", f"too many requests; retry in {wait} s")],
                                 headers={"Retry-After": str(wait)})
        batch = self.parse(body, signing_kiosk=kiosk.id)
        try:
            return self.store.ingest(batch, nonce=signed.nonce.lower(), now=now)
        except Replayed:
            # A bundle imported again carries the same signed requests, so the same nonces: if
            # this kiosk's batch is already stored, that is "already imported", not a refusal.
            if from_bundle and self.store.has_batch(kiosk.id, str(batch.batch_id)):
                return IngestResult("duplicate", str(batch.batch_id), len(batch.items), 0)
            raise Refusal.of([Problem("replayed_nonce", "this nonce was already used; sign "
                                      "every request with a new one", "header.X-Nonce")]) from None

    def parse(self, body: bytes, *, signing_kiosk: str) -> Batch:
        """The batch, or a Refusal listing every problem with it."""
        try:
            raw = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Refusal.of([Problem("malformed_json", f"the body is not JSON: {exc}")]) from None
        except RecursionError:
            # Arrays or objects nested thousands deep: json gives up by recursion, which must be
            # a refusal like any other malformed body, not a server error.
            raise Refusal.of([Problem("malformed_json", "the body is nested too deeply; a "
                                      "batch is at most four levels deep")]) from None
        problems: list[Problem] = []
        if isinstance(raw, dict):
            claimed = raw.get("kiosk_id")
            if isinstance(claimed, str) and claimed != signing_kiosk:
                problems.append(Problem("wrong_kiosk", "kiosk_id differs from the kiosk that "
                                        "signed the request", "kiosk_id"))
            items = raw.get("items")
            if isinstance(items, list) and len(items) > self.limits.max_items:
                problems.append(Problem("too_many_items", f"{len(items)} items; at most "
                                        f"{self.limits.max_items} per batch, split it", "items"))
        batch: Batch | None = None
        try:
            batch = Batch.model_validate_json(body, strict=True)
        except ValidationError as exc:
            problems.extend(Problem(e["type"], e["msg"], ".".join(str(x) for x in e["loc"]))
                            for e in exc.errors(include_url=False))
        if batch is not None:
            problems.extend(self._content_problems(batch))
        if problems or batch is None:
            raise Refusal.of(problems)
        return batch

    def _content_problems(self, batch: Batch) -> list[Problem]:
        problems: list[Problem] = []
        first_index: dict[tuple[str, str, int, str], int] = {}
        for index, item in enumerate(batch.items):
            if not self.catalogue.known(item.lesson_id):
                problems.append(Problem("unknown_lesson", f"no lesson {item.lesson_id!r} on this "
                                        "server", f"items.{index}.lesson_id"))
            if item.key in first_index:
                problems.append(Problem("duplicate_key", "same day, lesson, version and language "
                                        f"as items.{first_index[item.key]}", f"items.{index}"))
            first_index.setdefault(item.key, index)
        return problems


def body_too_large(limit: int) -> Problem:
    return Problem("body_too_large", f"the body is larger than {limit} bytes; send smaller batches")
