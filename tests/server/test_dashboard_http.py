"""Dashboard access rules over plain HTTP against the real server: login required, CSRF-safe
login form, session cookie flags, and the CSV as a logged-in manager gets it."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from kiosk.server.passwords import hash_password
from tests.server.conftest import batch, body_of, item, start_server, stop_server

EMAIL, PASSWORD = "manager@example.org", "a long passphrase"


def test_login_is_required_and_csrf_protected(tmp_path: Path) -> None:
    server = start_server(str(tmp_path / "server.db"))
    try:
        store = server.store()
        store.add_manager(EMAIL, hash_password(PASSWORD))
        store.close()
        kiosk = server.enrol()
        small = body_of(batch(kiosk.id, [item(starts=2, completions=1)]))
        assert server.upload(kiosk, small).status_code == 200
        with httpx.Client(base_url=server.url) as anonymous:
            assert anonymous.get("/dashboard").headers["location"] == "/login"
            assert anonymous.get("/dashboard/centres.csv").status_code == 401
            # A cross-site form post has no CSRF cookie of ours: refused, no session issued.
            forged = anonymous.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                                    "csrf": "guess"})
            assert forged.status_code == 403 and "kiosk_session" not in forged.cookies

        with httpx.Client(base_url=server.url) as browser:
            form = browser.get("/login")
            assert "default-src 'none'" in form.headers["content-security-policy"]
            token = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert token
            login = browser.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                                 "csrf": token.group(1)})
            assert login.status_code == 303
            cookie = login.headers["set-cookie"].lower()
            assert "httponly" in cookie and "samesite=strict" in cookie
            page = browser.get("/dashboard")
            assert page.status_code == 200 and "<svg" in page.text and "&lt;5" in page.text
            csv_text = browser.get("/dashboard/languages.csv").text.lstrip("\ufeff")
            assert csv_text.splitlines()[0] == "Language,Started,Finished"
            assert "繁體中文 (Taiwan),<5,<5" in csv_text.splitlines()
            assert browser.get("/dashboard/nothing.csv").status_code == 404
    finally:
        stop_server(server)
