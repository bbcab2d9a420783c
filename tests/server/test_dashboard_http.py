"""Dashboard access rules over plain HTTP against the real server: login required, CSRF-safe
login form, session cookie flags; the CSVs as a logged-in manager gets them; clear refusals of
bad choices; spreadsheet formulas neutralised; topics right with no flag."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from pathlib import Path

import httpx
import pytest

from kiosk.server.passwords import hash_password
from tests.server.conftest import RunningServer, batch, body_of, item, start_server, stop_server

EMAIL, PASSWORD = "manager@example.org", "a long passphrase"
VIDEO_VISIT_TITLE = "See the doctor by video call"
# A day in last month, so that a server with no release delay has released it.
LAST_MONTH = (dt.datetime.now(dt.UTC).date().replace(day=1) - dt.timedelta(days=10)).isoformat()


def log_in(server: RunningServer, lang: str | None = "en") -> httpx.Client:
    """A logged-in manager; reading English unless ``lang`` says otherwise (None: the default)."""
    browser = httpx.Client(base_url=server.url, timeout=60)
    if lang:
        browser.cookies.set("lang", lang)
    token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/login").text)
    assert token
    assert browser.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                        "csrf": token.group(1)}).status_code == 303
    return browser


def rows_of(response: httpx.Response) -> list[list[str]]:
    """A CSV's table: what follows the lines that say what it holds and the empty line."""
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    return rows[rows.index([]) + 1:]


@pytest.fixture
def manager_server(tmp_path: Path) -> RunningServer:
    server = start_server(str(tmp_path / "server.db"), "--release-delay-days", "0",
                          "--quiet-days", "0")
    store = server.store()
    store.add_manager(EMAIL, hash_password(PASSWORD))
    store.close()
    return server


def test_login_is_required_and_csrf_protected(manager_server: RunningServer) -> None:
    server = manager_server
    try:
        kiosk = server.enrol()
        small = body_of(batch(kiosk.id, [item(day=LAST_MONTH, starts=2, completions=1)]))
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
            assert page.status_code == 200 and "<svg" in page.text and "–" in page.text
            rows = rows_of(browser.get("/dashboard/languages.csv", params={"lang": "en"}))
            assert rows[0] == ["Language", "Started", "Finished", "Completion rate"]
            assert ["Chinese (Taiwan)", "–", "–", "–"] in rows
            assert browser.get("/dashboard/nothing.csv").status_code == 404
    finally:
        stop_server(server)


@pytest.mark.parametrize("query", [
    {"weeks": "²"}, {"weeks": "4"}, {"period": "²"}, {"period": "2026-1²"}, {"period": "x"},
    {"lesson": "²"}, {"lesson": "pay-shop-qr", "period": "1999-01"}, {"centre": "=1+1"},
])
def test_a_bad_choice_is_refused_in_words_not_a_crash(manager_server: RunningServer,
                                                      query: dict[str, str]) -> None:
    server = manager_server
    try:
        kiosk = server.enrol()
        assert server.upload(kiosk, body_of(batch(kiosk.id, [item(day=LAST_MONTH)]))
                             ).status_code == 200
        browser = log_in(server)
        for path in ("/dashboard", "/dashboard/lessons.csv"):
            response = browser.get(path, params=query)
            assert response.status_code == 400, (path, query, response.text)
            assert "'period'" in response.text or "'lesson'" in response.text, response.text
        assert browser.get("/dashboard").status_code == 200
        browser.close()
    finally:
        stop_server(server)


def test_csv_cells_are_never_run_as_formulas(manager_server: RunningServer) -> None:
    server = manager_server
    names = ['=HYPERLINK("http://example.org/x","Open")', "+1 Main Street", "-2 Annex",
             "@SUM(A1)"]  # (names cannot hold a tab: add-centre normalises spaces)
    try:
        for name in names:
            kiosk = server.enrol(name)
            assert server.upload(kiosk, body_of(batch(kiosk.id, [
                item(day=LAST_MONTH, starts=9, completions=7, reached=[9, 8, 7])]))
                                 ).status_code == 200
        server.enrol("Quiet Hall")  # sends nothing: listed in the quiet table
        browser = log_in(server)
        for table in ("centres", "quiet"):
            cells = [c for row in rows_of(browser.get(f"/dashboard/{table}.csv"))
                     for c in row]
            starts = {c[:1] for c in cells}
            assert not starts & {"=", "+", "-", "@", "\t", "\r"}, cells
            if table == "centres":
                assert "'" + names[0] in cells and "'-2 Annex" in cells
        browser.close()
    finally:
        stop_server(server)


def test_shipped_lessons_count_under_their_topic_with_no_flag(
        manager_server: RunningServer) -> None:
    server = manager_server  # started without --lessons
    try:
        kiosk = server.enrol()
        assert server.upload(kiosk, body_of(batch(kiosk.id, [
            item(day=LAST_MONTH, lesson_id="video-visit", starts=6, completions=5,
                 reached=[6, 5]),
            item(day=LAST_MONTH, lesson_id="book-appointment", starts=7, completions=6,
                 reached=[7, 6]),
            item(day=LAST_MONTH, lesson_id="receive-money", starts=8, completions=8,
                 reached=[8, 8])]))).status_code == 200
        browser = log_in(server)
        rows = rows_of(browser.get("/dashboard/topics.csv"))
        assert ["Telehealth", "13", "11", "85%"] in rows
        assert ["Mobile payment", "8", "8", "100%"] in rows
        assert ["Other", "0", "0", "–"] in rows  # a shipped lesson is never counted as "Other"
        lessons = rows_of(browser.get("/dashboard/lessons.csv"))
        titles = {r[1]: r[0] for r in lessons[1:]}
        assert titles[VIDEO_VISIT_TITLE] == "Telehealth"  # titles from the shipped lessons
        browser.close()
    finally:
        stop_server(server)


def test_before_any_release_the_page_says_when_the_first_comes(
        manager_server: RunningServer) -> None:
    server = manager_server
    try:
        browser = log_in(server)
        page = browser.get("/dashboard")
        assert page.status_code == 200 and "No report yet" in page.text
        assert rows_of(browser.get("/dashboard/total.csv")) == [
            ["", "Started", "Finished", "Completion rate"]]
        browser.close()
    finally:
        stop_server(server)


def test_the_dashboard_is_in_taiwan_chinese_by_default_and_english_on_request(
        manager_server: RunningServer) -> None:
    server = manager_server
    try:
        kiosk = server.enrol("萬華社區活動中心")
        assert server.upload(kiosk, body_of(batch(kiosk.id, [
            item(day=LAST_MONTH, lesson_id="video-visit", starts=1234, completions=617,
                 reached=[1234, 900]),
            item(day=LAST_MONTH, lesson_id="receive-money", language="vi", starts=6,
                 completions=3, reached=[6, 3])]))).status_code == 200
        login = httpx.get(server.url + "/login")
        assert '<html lang="zh-Hant-TW">' in login.text and "電子郵件地址" in login.text
        browser = log_in(server, lang=None)
        page = browser.get("/dashboard").text
        assert '<html lang="zh-Hant-TW">' in page and "數位平權報表" in page
        month = dt.date.fromisoformat(LAST_MONTH)
        assert f"{month.year}年{month.month}月" in page  # the period, as Taiwan writes it
        assert "視訊看醫生" in page and "遠距醫療" in page  # titles from lessons.po
        assert "video call" not in page and "Telehealth" not in page and "Started" not in page
        assert "1,234" in page and "50%" in page  # grouped by Babel; 617 / 1,234
        assert "越南文" in page
        # Every page offers the other language, keeping what the manager was looking at.
        switch = re.search(r'<a href="(/dashboard\?[^"]*)" lang="en"', page)
        assert switch, page
        english = browser.get(html.unescape(switch.group(1)))
        assert english.status_code == 200 and '<html lang="en">' in english.text
        assert "Digital-equity report" in english.text and "See the doctor by video call" in \
            english.text
        assert english.cookies.get("lang") == "en"  # remembered ...
        again = browser.get("/dashboard").text  # ... on the next page, with no parameter
        assert '<html lang="en">' in again and "Completion rate" in again
        assert "1,234" in again and "Vietnamese" in again
        # A CSV speaks the page's language but keeps plain numbers for a spreadsheet.
        zh_rows = rows_of(browser.get("/dashboard/topics.csv", params={"lang": "zh_Hant_TW"}))
        assert zh_rows[0] == ["主題", "開始", "完成", "完成率"]
        tele = next(r for r in zh_rows if r[0] == "遠距醫療")
        assert tele[1] == "1234" and tele[3] == ("–" if tele[2] == "–" else "50%")
        # A rate is hidden wherever one of its parts is (here the 3 of 6 learners in Vietnamese).
        languages = rows_of(browser.get("/dashboard/languages.csv"))
        assert ["Vietnamese", "6", "–", "–"] in languages
        assert browser.get("/dashboard", params={"lang": "fr"}).status_code == 200
        browser.close()
    finally:
        stop_server(server)


def test_every_csv_names_its_period_and_filter_in_its_name_and_first_lines(
        manager_server: RunningServer) -> None:
    server = manager_server
    try:
        kiosk = server.enrol()
        assert server.upload(kiosk, body_of(batch(kiosk.id, [
            item(day=LAST_MONTH, starts=9, completions=7, reached=[9, 8, 7]),
            item(day=LAST_MONTH, lesson_id="video-visit", starts=6, completions=5,
                 reached=[6, 5])]))).status_code == 200
        browser = log_in(server)
        period = LAST_MONTH[:7]
        month = dt.date.fromisoformat(LAST_MONTH).strftime("%B %Y")
        centres = browser.get("/dashboard/centres.csv")
        assert f'filename="kiosk-centres-{period}.csv"' in centres.headers["content-disposition"]
        lines = list(csv.reader(io.StringIO(centres.text.lstrip("\ufeff"))))
        assert lines[:3] == [["Digital-equity report", "By centre"], ["Period", month], []]
        funnel = browser.get("/dashboard/funnel.csv",
                             params={"period": period, "lesson": "video-visit"})
        assert (f'filename="kiosk-funnel-{period}-video-visit.csv"'
                in funnel.headers["content-disposition"])
        lines = list(csv.reader(io.StringIO(funnel.text.lstrip("\ufeff"))))
        assert lines[2] == ["Lesson", "See the doctor by video call"] and lines[3] == []
        zh = browser.get("/dashboard/funnel.csv",
                         params={"period": period, "lesson": "video-visit", "lang": "zh_Hant_TW"})
        first = list(csv.reader(io.StringIO(zh.text.lstrip("\ufeff"))))[:3]
        assert first[1][0] == "期間" and first[2] == ["課程", "視訊看醫生"]
        browser.close()
    finally:
        stop_server(server)


def test_a_from_to_range_lists_its_released_months_and_names_them_in_the_csv(
        manager_server: RunningServer) -> None:
    server = manager_server
    before = (dt.date.fromisoformat(LAST_MONTH).replace(day=1) - dt.timedelta(days=5))
    try:
        kiosk = server.enrol()
        assert server.upload(kiosk, body_of(batch(kiosk.id, [
            item(day=before.isoformat(), starts=12, completions=9, reached=[12, 11, 10, 9]),
            item(day=LAST_MONTH, revision=2, starts=20, completions=15,
                 reached=[20, 18, 16, 15])]))).status_code == 200
        browser = log_in(server)
        first, last = before.isoformat()[:7], LAST_MONTH[:7]
        page = browser.get("/dashboard", params={"period": last, "from": first, "to": last})
        assert page.status_code == 200, page.text
        trend = re.search(r'<section class="card" id="trend">(.*?)</section>', page.text, re.S)
        assert trend and 'class="chart trend"' in trend.group(1) and "<desc" in trend.group(1)
        names = [dt.date.fromisoformat(m + "-01").strftime("%B %Y") for m in (first, last)]
        rows = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in
                 re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
                for r in re.findall(r"<tr>(.*?)</tr>", trend.group(1), re.S)][1:]
        assert rows == [[names[0], "12", "9"], [names[1], "20", "15"]]  # as each was released
        one = browser.get("/dashboard/trend.csv", params={"period": last, "from": last,
                                                          "to": last})
        assert (f'filename="kiosk-trend-{last}-{last}-to-{last}.csv"'
                in one.headers["content-disposition"])
        assert rows_of(one) == [["Month", "Started", "Finished"], [names[1], "20", "15"]]
        for bad in ({"from": last, "to": first}, {"from": "1999-01", "to": last},
                    {"from": "2026-1²", "to": last}, {"to": last}):
            refused = browser.get("/dashboard", params=bad)
            assert refused.status_code == 400 and "'from' and 'to'" in refused.text, bad
        browser.close()
    finally:
        stop_server(server)


def _page_tables(page: str) -> dict[str, list[list[str]]]:
    """Every table on a page, by its section's id, header row first."""
    out = {}
    for name, body in re.findall(r'<section class="card" id="(\w+)">(.*?)</section>', page, re.S):
        out[name] = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                      for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
                     for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    return out


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_the_period_report_pdf_and_zip_show_exactly_what_the_page_shows(
        manager_server: RunningServer, lang: str) -> None:
    import zipfile

    import pypdf

    server = manager_server
    try:
        busy, small = server.enrol("Wanhua Community Centre"), server.enrol("北投圖書館")
        assert server.upload(busy, body_of(batch(busy.id, [
            item(day=LAST_MONTH, starts=23, completions=17, reached=[23, 20, 18, 17]),
            item(day=LAST_MONTH, lesson_id="video-visit", language="vi", starts=9,
                 completions=8, reached=[9, 9, 8])]))).status_code == 200
        assert server.upload(small, body_of(batch(small.id, [
            item(day=LAST_MONTH, starts=3, completions=2, reached=[3, 3, 2, 2])]))
        ).status_code == 200
        browser = log_in(server, lang)
        period = LAST_MONTH[:7]
        page = browser.get("/dashboard", params={"period": period})
        assert f'href="/dashboard/report.pdf?period={period}' in page.text
        tables = _page_tables(page.text)
        assert "–" in {c for row in tables["centres"] for c in row}  # 北投: 3 and 2, hidden

        pdf = browser.get("/dashboard/report.pdf", params={"period": period})
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert f'filename="kiosk-report-{period}.pdf"' in pdf.headers["content-disposition"]
        reader = pypdf.PdfReader(io.BytesIO(pdf.content))
        text = "\n".join(p.extract_text() for p in reader.pages)
        lines = [" ".join(line.split()) for line in text.splitlines()]
        title = "數位平權報表" if lang == "zh_Hant_TW" else "Digital-equity report"
        assert lines[0] == title
        # Every row of every table on the page is in the PDF, cell after cell (a long cell
        # wraps onto more lines, so spaces and line ends are left out of the comparison), and
        # its figures end a line as the row's last cells.
        flat = "".join(text.split())
        for name, rows in tables.items():
            for row in rows[1:]:
                assert "".join("".join(row).split()) in flat, (name, row)
                figures = " ".join(row[-2:])
                assert any(line.endswith(figures) for line in lines), (name, row)
        desc = re.search(r"<desc[^>]*>(.*?)</desc>", page.text, re.S)
        assert desc and "".join(html.unescape(desc.group(1)).split()) in "".join(text.split())
        for line in lines:
            assert not re.match(r"北投圖書館 [0-9]", line), line
        # The ZIP holds every CSV of the period, byte for byte as each CSV link gives it.
        archive = browser.get("/dashboard/report.zip", params={"period": period})
        assert f'filename="kiosk-report-{period}.zip"' in archive.headers["content-disposition"]
        files = zipfile.ZipFile(io.BytesIO(archive.content))
        names = files.namelist()
        lessons = re.findall(r'<option value="([a-z0-9-]+)"',
                             re.search(r'<select name="lesson">(.*?)</select>', page.text,
                                       re.S).group(1))  # type: ignore[union-attr]
        assert len(names) == len(set(names)) == 8 + len(lessons)
        for name in names:
            table = name.split("-")[1]
            params = {"period": period}
            if table == "funnel":
                params["lesson"] = name.removesuffix(".csv").split(f"{period}-", 1)[1]
            if table == "quiet":
                continue  # days since last contact: the same, unless midnight passed
            one = browser.get(f"/dashboard/{table}.csv", params=params)
            assert f'filename="{name}"' in one.headers["content-disposition"], name
            assert files.read(name).decode("utf-8") == one.text, name
        centres = rows_of_text(files.read(f"kiosk-centres-{period}.csv").decode("utf-8"))
        assert [r[1:] for r in centres[1:] if r[0] == "北投圖書館"] == [["–", "–", "–"]]
        browser.close()
    finally:
        stop_server(server)


def rows_of_text(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return rows[rows.index([]) + 1:]
