"""Manager sessions: a signed, expiring cookie, and CSRF tokens for every form that POSTs.

The cookie holds the manager's e-mail, a CSRF token and a random session id, signed with a secret
kept in the database (so sessions survive a restart and die with the database). With a store, the
session also lives on the server (``manager_sessions``, the id kept only as a hash): logging out
deletes it, so a copy of the cookie saved before stops working at once instead of for the rest of
its 12 hours. It is HttpOnly and SameSite=Strict; the login form itself is protected by a
double-submit token, so another site cannot log a browser in to an account of its choosing.

    >>> sessions = Sessions("k" * 64)
    >>> cookie = sessions.issue("manager@example.org")
    >>> sessions.read(cookie).email
    'manager@example.org'
    >>> sessions.read(cookie + "x") is None
    True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, URLSafeTimedSerializer

if TYPE_CHECKING:
    from kiosk.server.storage import Store

SESSION_COOKIE = "kiosk_session"
CSRF_COOKIE = "kiosk_login_csrf"
SESSION_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Session:
    email: str
    csrf: str
    sid: str = ""


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


class Sessions:
    def __init__(self, secret: str, *, store: Store | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="kiosk-dashboard-session")
        self._store = store
        self._clock = clock

    def issue(self, email: str) -> str:
        sid = secrets.token_urlsafe(24)
        if self._store is not None:
            now = self._clock()
            self._store.start_manager_session(_hash(sid), email,
                                              expires_at=int(now) + SESSION_SECONDS, now=now)
        return self._serializer.dumps({"email": email, "csrf": secrets.token_urlsafe(24),
                                       "sid": sid})

    def end(self, session: Session) -> None:
        """Log out: the server forgets the session, so no copy of its cookie works again."""
        if self._store is not None and session.sid:
            self._store.end_manager_session(_hash(session.sid))

    def read(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        session = Session(email=str(data.get("email", "")), csrf=str(data.get("csrf", "")),
                          sid=str(data.get("sid", "")))
        if self._store is not None and not self._store.manager_session_alive(
                _hash(session.sid), session.email, now=self._clock()):
            return None  # logged out (or from before server-side sessions): sign in again
        return session


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
