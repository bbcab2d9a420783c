"""Talking to the server: enrolment, signed uploads, backoff, and a clock learnt from ``Date``.

Standard library only (urllib), so the kiosk needs no HTTP package.

- **Enrolment** trades a one-time code for a kiosk id and secret (``POST /api/v1/enrol``); they are
  written with the server's address to ``KIOSK_HOME/sync.json``, mode 0600, atomically.
- **Clock**: kiosks have no real-time clock, so the local clock is never used for anything the
  server checks. :class:`ServerClock` learns the server's time from the ``Date`` header of every
  response (and from ``server_time`` in a stale-timestamp refusal) and then runs on the monotonic
  clock, which the wall clock jumping at boot or at an NTP sync cannot disturb.
- **Uploads** (:class:`Uploader`) send each pending batch signed with :mod:`kiosk.signing`:

  ======================  =============================================================
  200 accepted/duplicate  acknowledged: the batch leaves the outbox
  401 stale timestamp     learn the clock from ``Date``, re-sign, retry once
  401 other, 403 revoked  the server refuses the kiosk itself: stop until it is enrolled again
  409 replayed nonce      re-sign with a new nonce once (a proxy may have sent it twice)
  413                     split the batch in two and send the halves
  429                     wait ``Retry-After`` (up to ``max_wait``), else stop for now
  other 4xx               the batch is marked refused with the server's errors: never resent
  5xx, network errors     retried with capped exponential backoff and full jitter, then left
                          queued for the next run
  ======================  =============================================================
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from kiosk.files import write_atomic
from kiosk.progress import ProgressStore
from kiosk.signing import BATCHES_PATH, sign_request
from kiosk.sync.outbox import Batch, Outbox, encode
from kiosk.sync.salvage import salvage_all

CREDENTIALS_FILE = "sync.json"
ENROL_PATH = "/api/v1/enrol"
HEALTH_PATH = "/api/v1/health"
TIMEOUT_S = 20.0


# --- credentials -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Credentials:
    server_url: str
    kiosk_id: str
    secret: str = field(repr=False)
    centre: str = ""

    def url(self, path: str) -> str:
        return self.server_url.rstrip("/") + path


def credentials_path(home: Path) -> Path:
    return home / CREDENTIALS_FILE


def load_credentials(home: Path) -> Credentials | None:
    try:
        data = json.loads(credentials_path(home).read_text("utf-8"))
        return Credentials(str(data["server_url"]), str(data["kiosk_id"]), str(data["secret"]),
                           str(data.get("centre", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_credentials(home: Path, credentials: Credentials) -> Path:
    path = credentials_path(home)
    write_atomic(path, json.dumps(asdict(credentials), indent=2).encode("utf-8"), private=True)
    return path


# --- the server's clock ------------------------------------------------------------------------
class ServerClock:
    """The server's time, learnt from its answers; until then, the local clock (a guess)."""

    def __init__(self, *, wall: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._wall = wall
        self._monotonic = monotonic
        self._base: tuple[float, float] | None = None  # (server time, monotonic then)

    @property
    def learnt(self) -> bool:
        return self._base is not None

    def learn(self, server_time: float) -> None:
        self._base = (server_time, self._monotonic())

    def learn_from_date(self, header: str | None) -> bool:
        """``Date`` has whole seconds: the server's time was in [t, t+1), so take t + 0.5."""
        if not header:
            return False
        try:
            parsed = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            return False
        if parsed.tzinfo is None:
            return False
        self.learn(parsed.timestamp() + 0.5)
        return True

    def now(self) -> float:
        if self._base is None:
            return self._wall()
        server_time, then = self._base
        return server_time + (self._monotonic() - then)

    @property
    def offset(self) -> float:
        """Server time minus local wall time, in seconds (for status and tests)."""
        return self.now() - self._wall()

    def iso(self) -> str:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(self.now()))
        return f"{stamp} UTC" + ("" if self.learnt else " (kiosk clock)")


# --- transport ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, ValueError):
            return None


class TransportError(Exception):
    """No HTTP answer at all: no route, refused, reset, timed out."""


class Transport(Protocol):
    def request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
                timeout: float) -> Response: ...


class UrllibTransport:
    def request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str],
                timeout: float) -> Response:
        req = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
        try:
            with urllib.request.urlopen(req, timeout=timeout) as answer:
                return Response(answer.status, _lower(answer.headers.items()), answer.read())
        except urllib.error.HTTPError as error:
            with error:
                return Response(error.code, _lower(error.headers.items()), error.read())
        except (urllib.error.URLError, OSError, TimeoutError, ValueError) as exc:
            # http.client.HTTPException (e.g. RemoteDisconnected) is an OSError subclass here.
            raise TransportError(str(getattr(exc, "reason", exc))) from exc
        except Exception as exc:  # http.client.IncompleteRead and friends: no usable answer
            raise TransportError(repr(exc)) from exc


def _lower(items: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in items}


def reachable(server_url: str, *, timeout: float = 3.0) -> bool:
    """A cheap probe: can a TCP connection be opened to the server (or its proxy)?"""
    parts = urllib.parse.urlsplit(server_url)
    if not parts.hostname:
        return False
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return True
    except OSError:
        return False


# --- backoff -----------------------------------------------------------------------------------
@dataclass
class Backoff:
    """Capped exponential backoff with *full* jitter: wait uniform(0, min(cap, base * 2**n)), so
    a hundred kiosks coming back online together do not knock at the same moment."""

    base: float = 1.0
    cap: float = 300.0
    rng: random.Random = field(default_factory=random.Random)

    def ceiling(self, failures: int) -> float:
        return float(min(self.cap, self.base * 2 ** min(failures, 62)))

    def delay(self, failures: int) -> float:
        return self.rng.uniform(0.0, self.ceiling(failures))


# --- enrolment ---------------------------------------------------------------------------------
class SyncError(Exception):
    """Something a volunteer must act on; ``str()`` says what, in plain words."""


def is_loopback(host: str) -> bool:
    """This computer itself: the only place plain http:// cannot be read on the way."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
            ".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def enrol(home: Path, server_url: str, code: str, *, transport: Transport | None = None,
          timeout: float = TIMEOUT_S, store: ProgressStore | None = None,
          insecure: bool = False) -> Credentials:
    server_url = server_url.strip().rstrip("/")
    parts = urllib.parse.urlsplit(server_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(f"The server address {server_url!r} should start with https://")
    # The answer carries the kiosk's secret key: over plain http anyone on the way could read it
    # and sign figures as this kiosk. Only this computer itself (tests, a local trial) is safe.
    if parts.scheme == "http" and not insecure and not is_loopback(parts.hostname):
        raise SyncError(f"The server address {server_url!r} is not encrypted (http://), so the "
                        "kiosk's key could be read on the way. Use the https:// address the "
                        "programme manager gave. (Only for a test network: add --insecure.)")
    transport = transport or UrllibTransport()
    body = json.dumps({"code": code.strip()}).encode("utf-8")
    try:
        answer = transport.request("POST", server_url + ENROL_PATH, body,
                                   {"Content-Type": "application/json"}, timeout)
    except TransportError as exc:
        raise SyncError(f"Could not reach the server at {server_url} ({exc}). Check the "
                        "internet connection and the address, then try again.") from exc
    data = answer.json()
    if answer.status != 200 or not isinstance(data, dict) or "kiosk_id" not in data:
        reasons = problems_text(data) or f"HTTP {answer.status}"
        if answer.status == 403:
            raise SyncError("The server did not accept this code: it is unknown, already used or "
                            "expired. Ask the programme manager for a new code.")
        if answer.status == 429:
            raise SyncError("Too many tries. Wait a minute, then type the code again.")
        raise SyncError(f"The server did not enrol this kiosk ({reasons}).")
    credentials = Credentials(server_url, str(data["kiosk_id"]), str(data["secret"]),
                              str(data.get("centre", "")))
    save_credentials(home, credentials)
    if store is not None:
        Outbox(store).unblock()
    return credentials


def problems_text(data: Any) -> str:
    if not isinstance(data, dict) or not isinstance(data.get("errors"), list):
        return ""
    return "; ".join((f"{e['loc']}: " if e.get("loc") else "") + str(e.get("message", ""))
                     for e in data["errors"] if isinstance(e, dict))


# --- uploads -----------------------------------------------------------------------------------
@dataclass
class SyncResult:
    outcome: str = "done"  # done | offline | rate_limited | blocked | not_enrolled
    accepted: int = 0
    duplicates: int = 0
    refused: int = 0
    split: int = 0
    remaining: int = 0
    retry_after: float = 0.0
    message: str = ""


_CREDENTIAL_CODES = {"unknown_kiosk", "bad_signature", "missing_header", "revoked_kiosk"}


class Uploader:
    def __init__(self, store: ProgressStore, credentials: Credentials | None, *,
                 transport: Transport | None = None, clock: ServerClock | None = None,
                 backoff: Backoff | None = None, sleep: Callable[[float], None] = time.sleep,
                 timeout: float = TIMEOUT_S, max_retries: int = 3, max_wait: float = 60.0,
                 outbox: Outbox | None = None,
                 on_ack: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.credentials = credentials
        self.transport: Transport = transport or UrllibTransport()
        self.clock = clock or ServerClock()
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.outbox = outbox or Outbox(store)
        self.on_ack = on_ack

    def run(self, *, heartbeat: bool = False) -> SyncResult:
        """Aggregate, queue, then send every pending batch, oldest first."""
        self.outbox.refresh_and_build()
        # Figures left in a damaged progress file go out with this store's own (once per file).
        salvage_all(self.store)
        result = SyncResult()
        if self.credentials is None:
            result.outcome = "not_enrolled"
            result.message = ("This kiosk is not enrolled yet: python -m kiosk sync enrol CODE "
                              "--server URL")
            result.remaining = len(self.outbox.pending())
            return result
        blocked = self.outbox.status().blocked
        if blocked:
            result.outcome, result.message = "blocked", blocked
            result.remaining = len(self.outbox.pending())
            return result
        sent_any = False
        while True:
            pending = self.outbox.pending()
            if not pending:
                break
            outcome = self.send(pending[0], result)
            sent_any = True
            if outcome != "next":
                break
        if not sent_any and heartbeat and result.outcome == "done":
            # Nothing to send: an empty batch tells the server this kiosk is alive.
            self._send_heartbeat(result)
        result.remaining = len(self.outbox.pending())
        return result

    def _sign(self, body: bytes) -> dict[str, str]:
        assert self.credentials is not None
        headers = sign_request(self.credentials.kiosk_id, self.credentials.secret, "POST",
                               BATCHES_PATH, body, timestamp=int(self.clock.now()))
        return {**headers, "Content-Type": "application/json"}

    def _post(self, body: bytes, result: SyncResult) -> Response | None:
        """POST a batch body, signing each try afresh. None when the server could not be reached
        after the retries (the caller leaves everything queued)."""
        assert self.credentials is not None
        failures = 0
        while True:
            try:
                answer = self.transport.request("POST", self.credentials.url(BATCHES_PATH),
                                                body, self._sign(body), self.timeout)
            except TransportError as exc:
                problem = f"Could not reach the server ({exc})."
            else:
                self.clock.learn_from_date(answer.headers.get("date"))
                if answer.status < 500:
                    return answer
                problem = f"The server had a problem (HTTP {answer.status})."
            failures += 1
            if failures > self.max_retries:
                result.outcome = "offline"
                result.message = (f"{problem} The figures are kept on the kiosk and will be "
                                  "sent when the server can be reached. If this lasts for days, "
                                  "check the internet connection or use sync export.")
                self.outbox.note_error(result.message)
                return None
            self.sleep(self.backoff.delay(failures - 1))

    def send(self, batch: Batch, result: SyncResult) -> str:
        """Send one batch; returns "next" to go on to the next one, or "stop"."""
        assert self.credentials is not None
        body = encode(batch.batch_id, self.credentials.kiosk_id, batch.items, batch.epoch)
        stale_retried = nonce_retried = False
        waits = 0
        while True:
            self.outbox.note_attempt(batch.batch_id)
            answer = self._post(body, result)
            if answer is None:
                return "stop"
            data = answer.json()
            errors = data.get("errors", []) if isinstance(data, dict) else []
            codes = {e.get("code") for e in errors if isinstance(e, dict)}
            if answer.status == 200:
                status = data.get("status") if isinstance(data, dict) else None
                if status == "duplicate":
                    result.duplicates += 1
                else:
                    result.accepted += 1
                self.outbox.acknowledge(batch.batch_id, when=self.clock.iso())
                if self.on_ack:
                    self.on_ack(batch.batch_id)
                return "next"
            if answer.status == 401 and "stale_timestamp" in codes and not stale_retried:
                stale_retried = True
                if not self.clock.learn_from_date(answer.headers.get("date")) and isinstance(
                        data, dict) and isinstance(data.get("server_time"), int):
                    self.clock.learn(data["server_time"])
                continue
            if answer.status == 429:
                wait = _retry_after(answer.headers.get("retry-after"))
                if wait <= self.max_wait and waits < 3:
                    waits += 1
                    self.sleep(wait)
                    continue
                result.outcome, result.retry_after = "rate_limited", wait
                result.message = f"The server asked the kiosk to wait {wait:.0f} s."
                self.outbox.note_error(result.message)
                return "stop"
            if answer.status == 409 and "replayed_nonce" in codes and not nonce_retried:
                nonce_retried = True
                continue
            if (answer.status in (401, 403) and codes & _CREDENTIAL_CODES) or (
                    answer.status == 401 and "stale_timestamp" not in codes):
                result.outcome = "blocked"
                result.message = self._blocked_message(codes, errors)
                self.outbox.block(result.message)
                return "stop"
            if answer.status == 401:  # still stale after learning the clock
                result.outcome = "offline"
                result.message = ("The server says the kiosk's clock is wrong even after "
                                  "correcting it. The figures are kept; try again later.")
                self.outbox.note_error(result.message)
                return "stop"
            if answer.status == 413 and len(batch.items) > 1:
                self.outbox.split(batch.batch_id)
                result.split += 1
                return "next"
            result.refused += 1
            message = (f"The server refused a batch of {len(batch.items)} figures (HTTP "
                       f"{answer.status}: {problems_text(data) or 'no reason given'}). It will "
                       "not be sent again; tell the programme manager.")
            self.outbox.refuse(batch.batch_id, [e for e in errors if isinstance(e, dict)],
                               message)
            return "next"

    def _blocked_message(self, codes: set[Any], errors: list[Any]) -> str:
        if "revoked_kiosk" in codes:
            return ("The server has revoked this kiosk. Figures are kept on the kiosk. Ask the "
                    "programme manager for a new code, then: python -m kiosk sync enrol CODE "
                    "--server URL")
        if "unknown_kiosk" in codes:
            return ("The server does not know this kiosk (its records may have been reset). "
                    "Figures are kept on the kiosk. Enrol it again with a new code.")
        reasons = "; ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict))
        return (f"The server does not accept this kiosk's signature ({reasons}). Figures are "
                "kept on the kiosk. Enrol it again with a new code.")

    def _send_heartbeat(self, result: SyncResult) -> None:
        assert self.credentials is not None
        body = encode(str(uuid.uuid4()), self.credentials.kiosk_id, [])
        answer = self._post(body, result)
        if answer is not None and answer.status == 200:
            self.outbox.note_success(self.clock.iso())


def _retry_after(header: str | None) -> float:
    if header is None:
        return 60.0
    try:
        return max(0.0, float(header))
    except ValueError:
        try:
            return max(0.0, email.utils.parsedate_to_datetime(header).timestamp() - time.time())
        except (TypeError, ValueError, IndexError):
            return 60.0
