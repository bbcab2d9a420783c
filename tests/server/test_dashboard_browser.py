"""The dashboard in Debian's headless Chromium (selenium + /usr/bin/chromedriver), against the
real server process: log in, see SVG charts and suppressed cells, download a CSV, fit a phone."""

from __future__ import annotations

import csv
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.server.passwords import hash_password
from tests.server.conftest import (
    RunningServer,
    batch,
    body_of,
    item,
    start_server,
    stop_server,
)
from tests.server.test_dashboard_http import LAST_MONTH

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)),
                       reason="needs Debian's chromium and chromium-driver (apt-get install "
                              "chromium chromium-driver)"),
]
webdriver = pytest.importorskip("selenium.webdriver")
EMAIL, PASSWORD = "manager@example.org", "a long passphrase"
DAY = LAST_MONTH  # released at once by a server with no release delay


@pytest.fixture
def dashboard_server(tmp_path: Path) -> Iterator[RunningServer]:
    server = start_server(str(tmp_path / "server.db"), "--release-delay-days", "0")
    store = server.store()
    store.add_manager(EMAIL, hash_password(PASSWORD))
    store.close()
    busy, small = server.enrol("Wanhua Community Centre"), server.enrol("Beitou Library")
    assert server.upload(busy, body_of(batch(busy.id, [
        item(day=DAY, starts=23, completions=17, reached=[23, 20, 18, 17]),
        item(day=DAY, lesson_id="video-visit", language="vi", starts=9, completions=8,
             reached=[9, 9, 8])]))).status_code == 200
    assert server.upload(small, body_of(batch(small.id, [
        item(day=DAY, starts=3, completions=2, reached=[3, 3, 2, 2])]))).status_code == 200
    yield server
    stop_server(server)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'p'}",
                 "--window-size=1280,900"):
        options.add_argument(flag)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads  # type: ignore[attr-defined]
    yield driver
    driver.quit()


def test_log_in_see_chart_and_small_cell_download_csv(dashboard_server: RunningServer,
                                                      browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser  # type: ignore[assignment]
    wait = WebDriverWait(driver, 20)
    driver.get(dashboard_server.url + "/dashboard")
    assert driver.current_url.endswith("/login")  # not logged in: sent to the login form

    def log_in(password: str) -> None:
        driver.find_element(By.ID, "email").send_keys(EMAIL)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]").click()

    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hant-TW"
    log_in("not the password")
    error = wait.until(ec.presence_of_element_located((By.CLASS_NAME, "error")))
    assert "電子郵件地址或密碼錯誤" in error.text  # Taiwan Chinese until the manager switches
    log_in(PASSWORD)
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "數位平權報表"))
    driver.find_element(By.CSS_SELECTOR, "nav.lang a[lang=en]").click()  # the switch
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Digital-equity report"))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"

    charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 2  # month by month, and the funnel, drawn inline by the server
    assert charts[0].get_attribute("class") == "chart trend"  # columns, time on the x-axis
    bars = driver.find_elements(By.CSS_SELECTOR, "svg.chart rect")
    assert bars and all(b.size["width"] > 0 for b in bars)
    beitou = driver.find_element(By.XPATH, "//section[@id='centres']//tr[td='Beitou Library']")
    assert beitou.text.split()[-2:] == ["–", "–"]  # 3 started, 2 finished: never shown
    centre_cells = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "#centres td")]
    assert not {"1", "2", "3", "4"} & set(centre_cells)
    suppressed = driver.find_elements(By.CSS_SELECTOR, "#centres td.suppressed")
    assert len(suppressed) >= 4  # Beitou's two, and Wanhua's or else total - Wanhua = Beitou
    legend = driver.find_element(By.CLASS_NAME, "legend").text
    assert "– = not shown" in legend and "from 3 below it (or 0) to 3 above it" in legend

    driver.find_element(By.CSS_SELECTOR, "#centres a.csv").click()
    deadline = time.monotonic() + 15
    files: list[Path] = []
    while time.monotonic() < deadline:
        files = [f for f in browser.downloads.glob("*.csv")]  # type: ignore[attr-defined]
        if files:
            break
        time.sleep(0.2)
    assert len(files) == 1, list(browser.downloads.iterdir())  # type: ignore[attr-defined]
    lines = list(csv.reader(files[0].read_text("utf-8-sig").splitlines()))
    assert files[0].name == f"kiosk-centres-{DAY[:7]}.csv" and lines[1][0] == "Period"
    rows = lines[lines.index([]) + 1:]
    assert rows[0] == ["Centre", "Started", "Finished", "Completion rate"]
    assert ["Beitou Library", "–", "–", "–"] in rows
    assert "3" not in [cell for row in rows for cell in row]

    driver.set_window_size(390, 844)  # a phone
    driver.get(dashboard_server.url + "/dashboard#funnel")
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, "the page scrolls sideways on a phone"


OVERFLOWING = """
const width = document.documentElement.clientWidth;
const out = [];
for (const e of document.querySelectorAll('body *')) {
  if (e.closest('.scroll')) continue;  // a wide table scrolls inside its own box, by design
  const r = e.getBoundingClientRect();
  if (r.width && (r.right > width + 1 || r.left < -1))
    out.push(e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40));
}
return out;
"""


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_every_page_fits_a_phone_and_a_desktop_in_both_languages(
        dashboard_server: RunningServer, browser: object, lang: str) -> None:
    from selenium.webdriver.common.by import By

    driver = browser  # type: ignore[assignment]
    url = dashboard_server.url
    for width in (1280, 390):
        driver.set_window_size(width, 900)
        driver.get(f"{url}/login?lang={lang}")
        assert driver.execute_script(OVERFLOWING) == [], (lang, width, "login")
        if width == 1280:
            driver.find_element(By.ID, "email").send_keys(EMAIL)
            driver.find_element(By.ID, "password").send_keys(PASSWORD)
            driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]").click()
        driver.get(f"{url}/dashboard?lang={lang}")
        html_lang = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        assert html_lang == lang.replace("_", "-")
        assert driver.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth") <= 1
        assert driver.execute_script(OVERFLOWING) == [], (lang, width, "dashboard")
        months = [o.get_attribute("value") for o in
                  driver.find_elements(By.CSS_SELECTOR, "select[name=from] option")]
        assert months and months[-1] == DAY[:7]
        for page in ("", f"&from={months[0]}&to={months[-1]}"):
            driver.get(f"{url}/dashboard?lang={lang}{page}")
            assert driver.execute_script(OVERFLOWING) == [], (lang, width, page)
            for chart in driver.find_elements(By.CSS_SELECTOR, "svg.chart"):
                # Every chart has a text alternative and its table next to it.
                assert chart.get_attribute("role") == "img" and chart.find_element(
                    By.TAG_NAME, "title").get_attribute("textContent")
                section = chart.find_element(By.XPATH, "ancestor::section")
                assert section.find_elements(By.TAG_NAME, "table")
            trend = driver.find_element(By.CSS_SELECTOR, "#trend svg.chart.trend")
            assert trend.find_element(By.TAG_NAME, "desc").get_attribute("textContent")
            # Its words stay readable on a phone: the month names at 10 CSS pixels or more.
            label = trend.find_element(By.CSS_SELECTOR, "text.label")
            assert label.size["height"] >= 10, (lang, width, label.size)
