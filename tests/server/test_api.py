"""End to end against the real server process: enrol, upload, and every refusal in one table."""

from __future__ import annotations

import email.utils
import json
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from kiosk.signing import BATCHES_PATH, sign_request
from tests.server.conftest import EnrolledKiosk, RunningServer, batch, body_of, item


def test_enrol_trades_a_code_once(server: RunningServer) -> None:
    store = server.store()
    store.add_centre("Beitou Library")
    code = store.create_enrolment_code("Beitou Library", now=time.time())
    store.close()
    with server.client() as c:
        typed = code.lower().replace("-", " ")  # as a volunteer might type it
        first = c.post("/api/v1/enrol", json={"code": typed})
        second = c.post("/api/v1/enrol", json={"code": code})
        nonsense = c.post("/api/v1/enrol", json={"code": "AAAAA-AAAAA"})
        missing = c.post("/api/v1/enrol", json={"kode": code, "extra": 1})
    assert first.status_code == 200
    assert first.json()["centre"] == "Beitou Library" and len(first.json()["secret"]) == 64
    assert second.status_code == 403 and second.json()["errors"][0]["code"] == "bad_code"
    assert nonsense.status_code == 403
    assert missing.status_code == 422 and len(missing.json()["errors"]) == 3  # code, kode, extra


def test_one_kiosk_cannot_claim_another_kiosks_batch_id(server: RunningServer) -> None:
    """Batch ids are unique per kiosk: a kiosk that sends another's batch id first (it may have
    read it off a USB bundle) must not get the victim's batch answered "duplicate" and lost."""
    victim, other = server.enrol(), server.enrol("Beitou Library")
    victims = batch(victim.id, [item(revision=1, starts=7)])
    claimed = server.upload(other, body_of(batch(other.id, [item(revision=1, starts=1)],
                                                 batch_id=victims["batch_id"])))
    assert claimed.status_code == 200 and claimed.json()["status"] == "accepted"
    sent = server.upload(victim, body_of(victims))
    assert sent.status_code == 200 and sent.json()["status"] == "accepted", sent.text
    assert sent.json()["applied"] == 1
    store = server.store()
    rows = {r["kiosk_id"]: r["starts"] for r in store.counters()}
    store.close()
    assert rows == {victim.id: 7, other.id: 1}
    # The victim's own retry is still recognised as its duplicate.
    assert server.upload(victim, body_of(victims)).json()["status"] == "duplicate"


def test_a_new_epoch_adds_to_the_old_one_and_never_replaces_it(server: RunningServer) -> None:
    """A kiosk whose progress store was replaced sends revision 1 again under a new epoch."""
    kiosk = server.enrol()
    assert server.upload(kiosk, body_of(batch(kiosk.id, [item(revision=3, starts=8,
                                                                completions=6)]))).json()[
        "applied"] == 1
    fresh = {**batch(kiosk.id, [item(revision=1, starts=2, completions=1)]), "epoch": "ab" * 16}
    assert server.upload(kiosk, body_of(fresh)).json()["applied"] == 1
    later = {**batch(kiosk.id, [item(revision=2, starts=3, completions=3)]), "epoch": "ab" * 16}
    assert server.upload(kiosk, body_of(later)).json()["applied"] == 1
    store = server.store()
    rows = store.counters()
    cube = store.cube(first_week="2000-01-03", last_week="2100-01-04")
    store.close()
    assert sorted((r["epoch"], r["revision"], r["starts"]) for r in rows) == [
        ("", 3, 8), ("ab" * 16, 2, 3)]
    assert [(r["starts"], r["completions"]) for r in cube] == [(11, 9)]
    bad = {**batch(kiosk.id), "epoch": "Not-Hex"}
    assert server.upload(kiosk, body_of(bad)).status_code == 422


def test_accepted_duplicate_and_revisions(server: RunningServer) -> None:
    kiosk = server.enrol()
    first = batch(kiosk.id, [item(revision=2, starts=7, completions=5)])
    r = server.upload(kiosk, body_of(first))
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["applied"] == 1
    after_first = server.snapshot()

    # The same batch again (a retry after a lost response, with a new nonce): acknowledged only.
    again = server.upload(kiosk, body_of(first))
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert server.snapshot() == after_first

    # An older revision of the same key arriving late changes nothing; a newer one replaces it.
    older = server.upload(kiosk, body_of(batch(kiosk.id, [item(revision=1, starts=3)])))
    assert older.json() | {"batch_id": ""} == {"ok": True, "status": "accepted", "batch_id": "",
                                                "items": 1, "applied": 0}
    newer = server.upload(kiosk, body_of(batch(kiosk.id, [item(revision=3, starts=9)])))
    assert newer.json()["applied"] == 1
    store = server.store()
    rows = store.counters()
    store.close()
    assert [(r["revision"], r["starts"], r["completions"]) for r in rows] == [(3, 9, 5)]


def test_honest_kiosk_corrects_its_clock_from_the_refusal(server: RunningServer) -> None:
    kiosk = server.enrol()
    body = body_of(batch(kiosk.id))
    refused = server.upload(kiosk, body, offset=-3600)  # no RTC: the kiosk thinks it is 1 h ago
    assert refused.status_code == 401
    problem = refused.json()
    assert [e["code"] for e in problem["errors"]] == ["stale_timestamp"]
    server_date = email.utils.parsedate_to_datetime(refused.headers["Date"]).timestamp()
    assert abs(server_date - problem["server_time"]) <= 2
    offset = problem["server_time"] - (time.time() - 3600)  # what the kiosk learns
    retried = server.upload(kiosk, body, offset=offset - 3600)
    assert retried.status_code == 200 and retried.json()["status"] == "accepted"


def test_body_limit_is_enforced_before_the_body_is_read(server: RunningServer) -> None:
    """Declare a 50 MB body and send none of it: the 413 must come back at once."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"POST /api/v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     b"\r\nContent-Length: 50000000\r\n\r\n")
        started = time.monotonic()
        reply = b""
        while b"body_too_large" not in reply and time.monotonic() - started < 5:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    reply_text = reply.decode()
    assert reply_text.startswith("HTTP/1.1 413")
    assert "body_too_large" in reply_text


def test_openapi_batch_schema_has_no_field_that_could_carry_identity_or_text(
        server: RunningServer) -> None:
    with server.client() as c:
        spec = c.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    body = spec["paths"][BATCHES_PATH]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Batch"}
    batch_schema, item_schema = schemas["Batch"], schemas["Item"]
    assert set(batch_schema["properties"]) == {"batch_id", "kiosk_id", "epoch", "items"}
    assert set(item_schema["properties"]) == {"day", "lesson_id", "lesson_version", "language",
                                              "revision", "starts", "completions", "reached"}
    for schema in (batch_schema, item_schema):
        assert schema["additionalProperties"] is False
        for name, prop in schema["properties"].items():
            if prop.get("type") == "string":
                # every string is a UUID, a date, a fixed choice or a pattern-bounded id
                bounded = "format" in prop or "enum" in prop or (
                    "pattern" in prop and prop.get("maxLength", 999) <= 64)
                assert bounded, f"{name} could carry free text: {prop}"
    assert item_schema["properties"]["language"]["enum"] == ["zh_Hant_TW", "en", "vi", "id"]
    assert item_schema["properties"]["reached"]["items"]["type"] == "integer"


# --- the table of refusals -------------------------------------------------------------------
@dataclass
class Ctx:
    server: RunningServer
    kiosk: EnrolledKiosk
    other: EnrolledKiosk

    def signed(self, body: bytes, *, secret: str | None = None, kiosk_id: str | None = None,
               offset: float = 0) -> httpx.Response:
        headers = sign_request(kiosk_id or self.kiosk.id, secret or self.kiosk.secret, "POST",
                               BATCHES_PATH, body, clock_offset=offset)
        with self.server.client() as c:
            return c.post(BATCHES_PATH, content=body, headers=headers)


def _replay(ctx: Ctx) -> Callable[[], httpx.Response]:
    body = body_of(batch(ctx.kiosk.id))
    headers = sign_request(ctx.kiosk.id, ctx.kiosk.secret, "POST", BATCHES_PATH, body)
    with ctx.server.client() as c:
        assert c.post(BATCHES_PATH, content=body, headers=headers).status_code == 200
    # The identical request captured on the wire and sent again:
    return lambda: httpx.post(ctx.server.url + BATCHES_PATH, content=body, headers=headers)


def _revoke(ctx: Ctx) -> Callable[[], httpx.Response]:
    store = ctx.server.store()
    store.revoke_kiosk(ctx.kiosk.id)
    store.close()
    return lambda: ctx.signed(body_of(batch(ctx.kiosk.id)))


def _flood(ctx: Ctx) -> Callable[[], httpx.Response]:
    for _ in range(20):  # the server runs with --rate-limit 20
        assert ctx.signed(body_of(batch(ctx.kiosk.id))).status_code == 200
    return lambda: ctx.signed(body_of(batch(ctx.kiosk.id)))


def _now(send: Callable[[Ctx], httpx.Response]) -> Callable[[Ctx], Callable[[], httpx.Response]]:
    return lambda ctx: (lambda: send(ctx))


def _raw(ctx: Ctx, body: bytes) -> httpx.Response:
    return ctx.signed(body)


BAD_REQUESTS: list[tuple[str, Callable[[Ctx], Callable[[], httpx.Response]], int, list[str]]] = [
    ("malformed JSON", _now(lambda c: _raw(c, b'{"batch_id": "')), 400, ["malformed_json"]),
    ("nested thousands deep", _now(lambda c: _raw(c, b"[" * 100_000 + b"]" * 100_000)), 400,
     ["malformed_json"]),
    ("wrong types", _now(lambda c: _raw(c, body_of(batch(c.kiosk.id, [item(
        starts="7", lesson_version=1.5, language=5)])))), 422,
     ["int_type", "int_type", "literal_error"]),
    ("negative counts", _now(lambda c: _raw(c, body_of(batch(c.kiosk.id, [item(
        starts=-1, completions=-2, reached=[3, -1])])))), 422,
     ["greater_than_equal"] * 3),
    ("unknown lesson", _now(lambda c: _raw(c, body_of(batch(c.kiosk.id, [
        item(), item(lesson_id="pay-with-bitcoin")])))), 422, ["unknown_lesson"]),
    ("a learner id smuggled in", _now(lambda c: _raw(c, body_of(batch(c.kiosk.id, [
        item(learner_id="0912-345-678", note="Mrs Lin")])))), 422,
     ["extra_forbidden", "extra_forbidden"]),
    ("the same key twice", _now(lambda c: _raw(c, body_of(batch(c.kiosk.id, [
        item(), item(revision=2)])))), 422, ["duplicate_key"]),
    ("oversized body", _now(lambda c: _raw(c, body_of(batch(c.kiosk.id, [
        item(reached=[1000] * 200)] * 300)))), 413, ["body_too_large"]),
    ("too many items", _now(lambda c: _raw(c, body_of(batch(c.kiosk.id, [
        item(lesson_version=i + 1, reached=[]) for i in range(501)])))), 413,
     ["too_many_items"]),
    ("unsigned", _now(lambda c: httpx.post(c.server.url + BATCHES_PATH,
                                           content=body_of(batch(c.kiosk.id)))), 401,
     ["missing_header"] * 4),
    ("malformed signing headers", _now(lambda c: httpx.post(
        c.server.url + BATCHES_PATH, content=b"{}",
        headers={"X-Kiosk-Id": "k 1", "X-Timestamp": "soon", "X-Nonce": "zz",
                 "X-Signature": "abc"})), 401, ["bad_header"] * 4),
    ("wrong signature", _now(lambda c: c.signed(body_of(batch(c.kiosk.id)),
                                                secret=c.other.secret)), 401, ["bad_signature"]),
    ("unknown kiosk", _now(lambda c: c.signed(body_of(batch("k-nobody")), kiosk_id="k-nobody")),
     401, ["unknown_kiosk"]),
    ("stale timestamp", _now(lambda c: c.signed(body_of(batch(c.kiosk.id)), offset=-301 - 5)),
     401, ["stale_timestamp"]),
    ("stale and wrongly signed", _now(lambda c: c.signed(
        body_of(batch(c.kiosk.id)), secret="0" * 64, offset=900)), 401,
     ["bad_signature", "stale_timestamp"]),
    ("replayed nonce", _replay, 409, ["replayed_nonce"]),
    ("revoked kiosk", _revoke, 403, ["revoked_kiosk"]),
    ("another kiosk's id", _now(lambda c: c.signed(body_of(batch(c.other.id)))), 403,
     ["wrong_kiosk"]),
    ("another kiosk's id and a negative count", _now(lambda c: c.signed(body_of(batch(
        c.other.id, [item(starts=-5)])))), 403, ["wrong_kiosk", "greater_than_equal"]),
    ("rate limit", _flood, 429, ["rate_limited"]),
]


@pytest.mark.parametrize(("case", "prepare", "status", "codes"), BAD_REQUESTS,
                         ids=[case for case, *_ in BAD_REQUESTS])
def test_refused_with_its_status_every_problem_and_nothing_stored(
        server: RunningServer, case: str, prepare: Callable[[Ctx], Callable[[], httpx.Response]],
        status: int, codes: list[str]) -> None:
    ctx = Ctx(server, server.enrol(), server.enrol("Another Centre"))
    send = prepare(ctx)
    before = server.snapshot()
    response = send()
    after = server.snapshot()
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["ok"] is False and body["status"] == status
    assert sorted(e["code"] for e in body["errors"]) == sorted(codes), body
    assert all(e["message"] for e in body["errors"])
    assert after == before, f"{case}: a refused request changed the database"
    if status == 429:
        assert 1 <= int(response.headers["Retry-After"]) <= 60
    if "stale_timestamp" in codes:
        assert "Date" in response.headers and isinstance(body["server_time"], int)


def test_refused_batch_then_accepted_when_fixed(server: RunningServer) -> None:
    """A refusal stores nothing, not even the nonce or batch id: the fixed batch goes through."""
    kiosk = server.enrol()
    batch_id = str(uuid.uuid4())
    bad = server.upload(kiosk, body_of(batch(kiosk.id, [item(starts=-1)], batch_id=batch_id)))
    good = server.upload(kiosk, body_of(batch(kiosk.id, [item()], batch_id=batch_id)))
    assert (bad.status_code, good.status_code, good.json()["status"]) == (422, 200, "accepted")


def test_health_and_schema_are_served(server: RunningServer) -> None:
    with server.client() as c:
        health = c.get("/api/v1/health").json()
        spec = c.get("/openapi.json")
    assert health["ok"] is True and health["database"] in {"sqlite", "postgresql"}
    assert spec.status_code == 200 and "/api/v1/enrol" in json.loads(spec.text)["paths"]


def test_server_killed_mid_upload_loses_nothing_and_counts_nothing_twice(
        db_url: str, lessons_dir: Any) -> None:
    """SIGKILL the server while a kiosk uploads; restart; the kiosk resends every batch it has
    no acknowledgement for (and, to be harsh, every other one too): totals are exact."""
    import concurrent.futures

    from tests.server.conftest import start_server, stop_server

    server = start_server(db_url, "--rate-limit", "10000", lessons=lessons_dir)
    kiosk = server.enrol()
    bodies = [body_of(batch(kiosk.id, [item(day=f"2025-10-{1 + n % 28:02d}",
                                            lesson_version=1 + n // 28, revision=1, starts=n + 1,
                                            completions=n)]))
              for n in range(120)]
    acknowledged: set[int] = set()

    def send(n: int) -> None:
        try:
            if server.upload(kiosk, bodies[n]).status_code == 200:
                acknowledged.add(n)
        except httpx.TransportError:
            pass  # the server died under us: no acknowledgement

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(send, n) for n in range(len(bodies))]
        while len(acknowledged) < 20:
            time.sleep(0.01)
        server.proc.kill()
        concurrent.futures.wait(futures)
    server.proc.wait()
    assert 20 <= len(acknowledged) < len(bodies)

    restarted = start_server(db_url, "--rate-limit", "10000", lessons=lessons_dir)
    try:
        statuses = [restarted.upload(kiosk, body).json()["status"] for body in bodies]
        assert all(statuses[n] == "duplicate" for n in acknowledged)  # nothing acknowledged lost
        store = restarted.store()
        rows = store.counters()
        store.close()
        assert len(rows) == len(bodies)
        assert sum(r["starts"] for r in rows) == sum(range(1, len(bodies) + 1))
    finally:
        stop_server(restarted)
