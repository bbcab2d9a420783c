"""Manager sessions: a signed, expiring cookie, and CSRF tokens for every form that POSTs.

The cookie holds the manager's e-mail and a CSRF token, signed with a secret kept in the database
(so sessions survive a restart and die with the database). It is HttpOnly and SameSite=Strict;
the login form itself is protected by a double-submit token, so another site cannot log a
browser in to an account of its choosing.

    >>> sessions = Sessions("k" * 64)
    >>> cookie = sessions.issue("manager@example.org")
    >>> sessions.read(cookie).email
    'manager@example.org'
    >>> sessions.read(cookie + "x") is None
    True
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "kiosk_session"
CSRF_COOKIE = "kiosk_login_csrf"
SESSION_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Session:
    email: str
    csrf: str


class Sessions:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="kiosk-dashboard-session")

    def issue(self, email: str) -> str:
        return self._serializer.dumps({"email": email, "csrf": secrets.token_urlsafe(24)})

    def read(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        return Session(email=str(data.get("email", "")), csrf=str(data.get("csrf", "")))


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
