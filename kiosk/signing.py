"""Request signing shared by the kiosk (which signs) and the server (which verifies).

Standard library only, so the kiosk can import it without any server dependency.

A signed request carries four headers::

    X-Kiosk-Id:   the id the server gave this kiosk at enrolment
    X-Timestamp:  unix seconds, on the *server's* clock (the kiosk learns its offset from ``Date``)
    X-Nonce:      32 random hex digits, never reused
    X-Signature:  hex HMAC-SHA256(secret, canonical_string(...))

The canonical string is five lines: method, path, timestamp, nonce and the body's SHA-256::

    >>> canonical_string("post", "/api/v1/batches", 1700000000, "ab12", b"{}")
    'POST\\n/api/v1/batches\\n1700000000\\nab12\\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'
    >>> headers = sign_request("k-1", "s3cret", "POST", "/api/v1/batches", b"{}",
    ...                        timestamp=1700000000, nonce="ab12")
    >>> verify_signature("s3cret", "POST", "/api/v1/batches", "1700000000", "ab12", b"{}",
    ...                  headers[SIGNATURE_HEADER])
    True

A USB bundle is a JSON file holding the same signed requests, so the server checks it exactly
like an upload (see :func:`bundle_entry`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

KIOSK_ID_HEADER = "X-Kiosk-Id"
TIMESTAMP_HEADER = "X-Timestamp"
NONCE_HEADER = "X-Nonce"
SIGNATURE_HEADER = "X-Signature"
SIGNED_HEADERS = (KIOSK_ID_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER)

BATCHES_PATH = "/api/v1/batches"
BUNDLE_FORMAT = "kiosk-bundle/1"


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical_string(method: str, path: str, timestamp: int | str, nonce: str,
                     body: bytes) -> str:
    """The exact text that is signed. The timestamp is used as sent (a string stays a string)."""
    return "\n".join([method.upper(), path, str(timestamp), nonce, body_digest(body)])


def signature(secret: str, method: str, path: str, timestamp: int | str, nonce: str,
              body: bytes) -> str:
    message = canonical_string(method, path, timestamp, nonce, body).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(secret: str, method: str, path: str, timestamp: str, nonce: str,
                     body: bytes, claimed: str) -> bool:
    """Constant-time comparison, so the time taken says nothing about how much matched."""
    expected = signature(secret, method, path, timestamp, nonce, body)
    return hmac.compare_digest(expected, claimed.strip().lower())


def new_nonce() -> str:
    return secrets.token_hex(16)


def sign_request(kiosk_id: str, secret: str, method: str, path: str, body: bytes, *,
                 timestamp: int | None = None, nonce: str | None = None,
                 clock_offset: float = 0.0) -> dict[str, str]:
    """The four headers for one request.

    ``clock_offset`` is (server time - local time) as learnt from the server's ``Date`` header;
    a kiosk without a real-time clock must pass it, or its requests will be refused as stale.
    """
    ts = int(time.time() + clock_offset) if timestamp is None else timestamp
    n = new_nonce() if nonce is None else nonce
    return {
        KIOSK_ID_HEADER: kiosk_id,
        TIMESTAMP_HEADER: str(ts),
        NONCE_HEADER: n,
        SIGNATURE_HEADER: signature(secret, method, path, ts, n, body),
    }


def bundle_entry(headers: dict[str, str], body: bytes, *, method: str = "POST",
                 path: str = BATCHES_PATH) -> dict[str, Any]:
    """One signed request as it is written into a USB bundle.

    A bundle file is ``{"format": "kiosk-bundle/1", "requests": [entry, ...]}``. The body is kept
    as the exact text that was signed; re-serialising it would change its digest.
    """
    return {"method": method, "path": path,
            "headers": {name: headers[name] for name in SIGNED_HEADERS},
            "body": body.decode("utf-8")}
