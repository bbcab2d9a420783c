"""The public digital-equity page against the real server on loopback (issue 16).

What a member of the public and a re-user of the open data meet: off unless the server is told,
no login, Chinese by default and English, no script and no request to anyone else; each release
as CSV and JSON that follow the published JSON Schema; a methods page with each release's own
attacker check. And what an attacker would check first: every figure the public page or its files
show is a figure the managers' dashboard shows for the same release, suppressed the same way — so
the public page adds nothing to combine, and the privacy auditor's result covers it.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from jsonschema import Draft202012Validator

from kiosk.server.equity import PUBLIC_TABLES
from kiosk.server.passwords import hash_password
from tests.server.conftest import RunningServer, batch, body_of, item, start_server, stop_server
from tests.server.test_dashboard_browser import browser  # noqa: F401  (a fixture)
from tests.server.test_dashboard_http import EMAIL, LAST_MONTH, PASSWORD, log_in, rows_of

PERIOD = LAST_MONTH[:7]


def upload_month(server: RunningServer) -> None:
    """Two centres, small and large cells, several languages and lessons, all last month."""
    wanhua, beitou = server.enrol("Wanhua Community Centre"), server.enrol("北投圖書館")
    cells = [(wanhua, "pay-shop-qr", "zh_Hant_TW", 23, 14), (wanhua, "receive-money", "vi", 3, 2),
             (wanhua, "book-appointment", "zh_Hant_TW", 11, 6), (beitou, "pay-shop-qr", "id", 2, 1),
             (beitou, "sift-check-before-sharing", "zh_Hant_TW", 9, 7),
             (beitou, "book-appointment", "en", 4, 4)]
    for kiosk, lesson, language, starts, completions in cells:
        body = body_of(batch(kiosk.id, [item(day=LAST_MONTH, lesson_id=lesson,
                                             language=language, starts=starts,
                                             completions=completions,
                                             reached=[starts, completions])]))
        assert server.upload(kiosk, body).status_code == 200


@pytest.fixture
def public_server(tmp_path: Path) -> Iterator[RunningServer]:
    server = start_server(str(tmp_path / "server.db"), "--release-delay-days", "0",
                          "--public-page")
    store = server.store()
    store.add_manager(EMAIL, hash_password(PASSWORD))
    store.close()
    try:
        upload_month(server)
        yield server
    finally:
        stop_server(server)


def test_the_public_page_is_off_unless_the_server_is_told(tmp_path: Path) -> None:
    server = start_server(str(tmp_path / "server.db"), "--release-delay-days", "0")
    try:
        upload_month(server)
        with httpx.Client(base_url=server.url) as anyone:
            for path in ("/equity", "/equity/methods", "/equity/schema.json",
                         f"/equity/{PERIOD}.json", f"/equity/{PERIOD}.csv"):
                assert anyone.get(path).status_code == 404, path
    finally:
        stop_server(server)


def test_anyone_reads_it_in_chinese_or_english_with_no_script_and_no_other_site(
        public_server: RunningServer) -> None:
    with httpx.Client(base_url=public_server.url) as anyone:
        page = anyone.get("/equity")  # no login, no cookie
        assert page.status_code == 200
        assert '<html lang="zh-Hant-TW">' in page.text
        assert "各主題" in page.text and "數位平權" in page.text
        english = anyone.get("/equity?lang=en")
        assert '<html lang="en">' in english.text and "By topic" in english.text
        for response in (page, english, anyone.get("/equity/methods")):
            text = response.text
            assert "<script" not in text.lower()
            # Only links go elsewhere (the licence): nothing the browser would fetch by itself.
            fetched = re.findall(r'(?:src|href)="([^"]+)"', text)
            assert all(not u.startswith(("http:", "https:", "//")) for u in fetched
                       if not re.search(r'<a [^>]*href="' + re.escape(u), text)), fetched
            assert "default-src 'none'" in response.headers["content-security-policy"]
        assert "set-cookie" not in page.headers  # a reader is not tracked


def test_open_data_follows_its_schema_and_the_csv_says_the_same(
        public_server: RunningServer) -> None:
    with httpx.Client(base_url=public_server.url) as anyone:
        schema = anyone.get("/equity/schema.json").json()
        data = anyone.get(f"/equity/{PERIOD}.json?lang=en").json()
        Draft202012Validator.check_schema(schema)
        errors = list(Draft202012Validator(schema).iter_errors(data))
        assert errors == []
        assert data["period"] == PERIOD and data["kind"] == "month"
        assert data["licence"]["name"] == "CC BY 4.0"
        assert {row["table"] for row in data["rows"]} == set(PUBLIC_TABLES)
        assert "北投圖書館" in {row["key"] for row in data["rows"] if row["table"] == "centres"}
        # Suppressed cells are null, never a number: the 1-4 cells are not there to read.
        assert any(row["started"] is None for row in data["rows"])
        assert all(row["started"] is None or not 1 <= row["started"] <= 4
                   for row in data["rows"])
        response = anyone.get(f"/equity/{PERIOD}.csv?lang=en")
        assert f'kiosk-equity-{PERIOD}.csv' in response.headers["content-disposition"]
        table = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
        assert table[0] == ["period", "table", "key", "label", "started", "finished"]
        assert [[r["table"], r["key"], "" if r["started"] is None else str(r["started"]),
                 "" if r["finished"] is None else str(r["finished"])] for r in data["rows"]] \
            == [[r[1], r[2], r[4], r[5]] for r in table[1:]]
        assert anyone.get("/equity/2001-01.json").status_code == 404  # never released


def test_every_public_figure_is_one_the_managers_see_suppressed_the_same_way(
        public_server: RunningServer) -> None:
    """The attacker's view: the public page adds no figure to combine. Each public (label,
    started, finished) row is a row of the managers' table of the same release, and a figure
    hidden there is hidden here."""
    manager = log_in(public_server, "en")
    with httpx.Client(base_url=public_server.url) as anyone:
        data = anyone.get(f"/equity/{PERIOD}.json?lang=en").json()
        page = html.unescape(anyone.get(f"/equity?lang=en&period={PERIOD}").text)
    dashboard_rows = {}
    for name in PUBLIC_TABLES:
        rows = rows_of(manager.get(f"/dashboard/{name}.csv", params={"period": PERIOD}))
        dashboard_rows[name] = {row[0]: (row[1], row[2]) for row in rows}
    for row in data["rows"]:
        shown = ("–" if row["started"] is None else str(row["started"]),
                 "–" if row["finished"] is None else str(row["finished"]))
        managers = dashboard_rows[row["table"]]
        label = row["label"] if row["table"] != "total" else "All"
        assert managers.get(label) == shown, (row, managers)
        # ...and the page shows exactly the same figures as the file.
        assert re.search(re.escape(f"<td>{row['label']}</td>"), page), row["label"]
    assert sum(len(v) for v in dashboard_rows.values()) >= len(data["rows"])
    manager.close()


def test_the_methods_page_states_the_promise_and_each_releases_check(
        public_server: RunningServer) -> None:
    with httpx.Client(base_url=public_server.url) as anyone:
        anyone.get("/equity")  # the release is made on first look
        text = html.unescape(anyone.get("/equity/methods?lang=en").text)
        assert "Never collected: names, phone numbers" in text
        assert "could be anything from 3 below it" in text
        [row] = re.findall(r"<tr><td>[^<]*</td><td>[^<]*</td>\s*<td class=\"num\">(\d+)</td>\s*"
                           r"<td>a (\d) could be (\d+) to (\d+|∞)</td>\s*"
                           r"<td class=\"num\">(\d+)</td>", text)
        checked, value, low, high, failures = row
        assert int(checked) >= 4  # the 3, 2, 4 and 1 cells among others
        assert failures == "0"
        assert int(low) <= max(0, int(value) - 3)
        assert high == "∞" or int(high) >= int(value) + 3
        zh = anyone.get("/equity/methods").text
        assert '<html lang="zh-Hant-TW">' in zh


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_the_public_pages_fit_a_phone_and_a_desktop(
        public_server: RunningServer, browser: object, lang: str) -> None:  # noqa: F811
    """In headless Chromium: no sideways scrolling and nothing sticking out, at 1280 and 390
    pixels, in both languages; the switch goes to the other language."""
    from selenium.webdriver.common.by import By

    from tests.server.test_dashboard_browser import OVERFLOWING

    driver = browser  # type: ignore[assignment]
    for width in (1280, 390):
        driver.set_window_size(width, 900)
        for path in ("/equity", "/equity/methods"):
            driver.get(f"{public_server.url}{path}?lang={lang}")
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") \
                == lang.replace("_", "-")
            assert driver.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth") <= 1
            assert driver.execute_script(OVERFLOWING) == [], (lang, width, path)
    driver.find_element(By.CSS_SELECTOR, "nav.lang a").click()
    other = "en" if lang == "zh_Hant_TW" else "zh-Hant-TW"
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == other
