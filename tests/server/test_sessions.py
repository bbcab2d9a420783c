"""Logging out ends the manager's session on the server, not only in the browser (issue 9,
part 4): a copy of the session cookie saved before logging out must stop working at once."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from kiosk.server.passwords import hash_password
from tests.server.conftest import start_server, stop_server

EMAIL, PASSWORD = "manager@example.org", "a long passphrase"


def log_in(browser: httpx.Client) -> str:
    token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/login").text)
    assert token
    login = browser.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                         "csrf": token.group(1)})
    assert login.status_code == 303
    return str(browser.cookies["kiosk_session"])


def test_a_saved_cookie_stops_working_after_logging_out(tmp_path: Path) -> None:
    server = start_server(str(tmp_path / "server.db"))
    try:
        store = server.store()
        store.add_manager(EMAIL, hash_password(PASSWORD))
        store.close()
        with httpx.Client(base_url=server.url) as browser, \
                httpx.Client(base_url=server.url) as other_browser:
            saved = log_in(browser)
            other = log_in(other_browser)  # the same manager on a second computer
            page = browser.get("/dashboard")
            assert page.status_code == 200
            token = re.search(r'action="/logout".*?name="csrf" value="([^"]+)"', page.text,
                              re.DOTALL)
            assert token, page.text
            assert browser.post("/logout", data={"csrf": token.group(1)}).status_code == 303
            assert browser.get("/dashboard").headers.get("location") == "/login"
            # The second computer's session is its own: still signed in.
            assert other_browser.get("/dashboard").status_code == 200
            assert str(other_browser.cookies["kiosk_session"]) == other
        with httpx.Client(base_url=server.url, cookies={"kiosk_session": saved}) as thief:
            assert thief.get("/dashboard").headers.get("location") == "/login"
            assert thief.get("/dashboard/lessons.csv").status_code == 401
        store = server.store()
        assert len(store.snapshot()["manager_sessions"]) == 1  # only the second computer's
        assert saved not in str(store.snapshot())  # the id is kept only as a hash
        store.close()
    finally:
        stop_server(server)
