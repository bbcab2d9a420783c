"""Suppression checked by an attacker who enumerates every whole-number possibility, and releases
made from a real store: the documented counting rule, kept forever, every lesson under its topic."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.server.catalogue import Catalogue
from kiosk.server.releases import make_releases
from kiosk.server.reports import build_report
from kiosk.server.storage import Store
from kiosk.server.storage import releases as saved
from kiosk.server.suppression import SUPPRESSED, Problem, audit, protect, required_interval
from kiosk.server.svg import bar_chart, column_chart
from kiosk.server.words import Words
from tests.server.test_storage import NOW, enrolled, make_batch


def column(values: list[int]) -> tuple[Problem, list[int]]:
    """One table: a cell per value and the total, which any other table would publish."""
    problem = Problem(n_vars=len(values), truth=values)
    cells = [problem.add_cell([i]) for i in range(len(values))]
    cells.append(problem.add_cell(range(len(values))))
    return problem, cells


def whole_number_range(values: list[int], hidden: set[int], cell: int) -> tuple[int, int]:
    """What a reader can conclude a cell holds, from the shown cells and the (maybe shown)
    total, enumerating every whole-number possibility up to a generous cap."""
    n, total_index = len(values), len(values)
    total = sum(values) if total_index not in hidden else None
    unknown = [i for i in range(n) if i in hidden]
    known_sum = sum(values[i] for i in range(n) if i not in hidden)
    cap = (total if total is not None else sum(values)) + 8
    seen = set()
    for combo in itertools.product(range(cap + 1), repeat=len(unknown)):
        if total is not None and known_sum + sum(combo) != total:
            continue
        seen.add(dict(zip(unknown, combo, strict=True)).get(cell, values[cell]))
    return min(seen), max(seen)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=4))
def test_no_small_cell_is_narrower_than_the_protection_level(values: list[int]) -> None:
    problem, _ = column(values)
    hidden = protect(problem)
    assert audit(problem, hidden).failures == []
    for i, value in enumerate(values):
        if 1 <= value <= 4:
            assert i in hidden
            lo, hi = whole_number_range(values, hidden, i)
            need_lo, need_hi = required_interval(value)
            assert lo <= need_lo and hi >= need_hi, (values, hidden, i, lo, hi)


def test_the_complement_attack_the_rule_exists_for() -> None:
    problem, _ = column([12, 3, 9])
    primary_only = {1}
    assert audit(problem, primary_only).failures  # 3 = 24 - 12 - 9
    assert protect(problem) == {0, 1} or protect(problem) == {1, 2}


def _store_with_months(store: Store) -> tuple[str, str, str]:
    wanhua, beitou = enrolled(store, "Wanhua"), enrolled(store, "Beitou")
    store.ingest(make_batch(wanhua, [
        {"day": "2025-10-20", "lesson_id": "pay-shop-qr", "starts": 12, "completions": 9,
         "reached": [12, 11, 9]},
        {"day": "2025-10-20", "lesson_id": "receive-money", "starts": 5, "completions": 5,
         "reached": [5]},
        {"day": "2025-10-21", "lesson_id": "video-visit", "language": "vi", "starts": 6,
         "completions": 6, "reached": [6]}]), nonce="1" * 32, now=NOW)
    store.ingest(make_batch(beitou, [{"day": "2025-10-22", "starts": 7, "completions": 5,
                                      "reached": [7, 6, 5]}]), nonce="2" * 32, now=NOW)
    return wanhua, beitou, "2025-10"


def test_a_release_shows_only_its_cells_and_every_lesson_under_its_topic(store: Store) -> None:
    _store_with_months(store)
    catalogue = Catalogue.guess()
    made = make_releases(store, catalogue, today=dt.date(2025, 11, 30), delay_days=3)
    assert made == ["2025-10"]  # its quarter waits for December
    report = build_report(store, catalogue, "2025-10", None, today=dt.date(2025, 11, 30),
                          quiet_days=7, words=Words.of("en"))
    topics = {r[0]: r[1:] for r in report.topics.rows}
    assert topics["Telehealth"] == ["6", "6", "100%"]  # video-visit: no flag, no "Other"
    assert topics["Other"] == ["0", "0", "–"]  # listed whatever the figures; no rate of 0/0
    lessons = {r[1]: r[2:] for r in report.lessons.rows}
    assert lessons["Receive money and check that it arrived"] == ["5", "5", "100%"]
    assert report.total.rows == [["All", "30", "25", "83%"]]
    assert report.funnel_lesson == "pay-shop-qr" and report.funnel.rows[0][0] == "1"
    assert [r[0] for r in report.trend.rows] == ["October 2025"]
    # The same release in Taiwan Chinese: titles from the lesson catalogs, the month by Babel.
    zh = build_report(store, catalogue, "2025-10", None, today=dt.date(2025, 11, 30),
                      quiet_days=7, words=Words.of("zh_Hant_TW"))
    assert zh.total.rows == [["全部", "30", "25", "83%"]]
    assert {r[0] for r in zh.topics.rows} >= {"其他"} and "Telehealth" not in str(zh.topics.rows)
    assert "Receive money and check that it arrived" not in str(zh.lessons.rows)
    assert [r[0] for r in zh.trend.rows] == ["2025年10月"]


def test_late_figures_and_deletions_reach_only_the_next_release(store: Store) -> None:
    wanhua, _, october = _store_with_months(store)
    catalogue = Catalogue.guess()
    make_releases(store, catalogue, today=dt.date(2025, 11, 10), delay_days=3)
    first = saved.release_cells(store, october)
    # A late batch for October, and a deletion (pay-shop-qr 12 -> 10), after October's release.
    store.ingest(make_batch(wanhua, [
        {"day": "2025-10-25", "lesson_id": "book-appointment", "starts": 8, "completions": 8,
         "reached": [8]},
        {"day": "2025-10-20", "lesson_id": "pay-shop-qr", "revision": 2, "starts": 10,
         "completions": 8, "reached": [10, 9, 8]},
        {"day": "2025-11-03", "lesson_id": "pay-shop-qr", "starts": 6, "completions": 1,
         "reached": [6, 2, 1]}]), nonce="3" * 32, now=NOW)
    assert make_releases(store, catalogue, today=dt.date(2025, 12, 4), delay_days=3) == [
        "2025-11"]
    assert saved.release_cells(store, october) == first  # never rewritten
    november = saved.released_cube(store, ["2025-11"]).cells
    centre = next(k[0] for k in november)
    # Late: book-appointment's 8 arrive in November. Deletion: 10 + 6 now, 12 published before,
    # so pay-shop-qr grows by 4, and never below zero (completions 8 + 1 - 9 = 0).
    assert november[(centre, "en", "book-appointment")] == [8, 8]
    assert november[(centre, "en", "pay-shop-qr")] == [4, 0]
    report = build_report(store, catalogue, "2025-11", None, today=dt.date(2025, 12, 4),
                          quiet_days=7, words=Words.of("en"))
    lessons = {r[1]: r[2:] for r in report.lessons.rows}
    # 4 is never shown, nor its rate (which would give it away with the 0)
    assert lessons["Pay a shop with a QR code"] == [SUPPRESSED, "0", SUPPRESSED]
    figures = [c for t in report.tables if t.name != "quiet" for row in t.rows
               for c in row[t.numeric_from:]]
    assert figures and not {"1", "2", "3", "4"} & set(figures)


def test_chart_draws_no_bar_for_a_suppressed_cell() -> None:
    svg = bar_chart("t", ["a", "b", "c"], [("Started", "started", ["7", SUPPRESSED, "0"])])
    assert svg.count("height=\"20\"") == 1  # one bar (legend swatches are 14 high): the 7
    assert SUPPRESSED in svg


def test_trend_columns_leave_a_labelled_gap_for_a_suppressed_month() -> None:
    svg = column_chart("t", "in words", ["Oct", "Nov", "Dec"], ["2025", "", ""],
                       [("Started", "started", ["30", SUPPRESSED, "0"]),
                        ("Finished", "finished", ["25", "9", "0"])], gap_word="not shown")
    # 30 and 25 drawn, 9 drawn, nothing for the zeros; November's started is a dashed gap
    # with its "–", never a column of zero height.
    columns = [part for part in svg.split("<rect")[1:] if "<title>" in part]
    assert [c.split('"')[1] for c in columns] == ["started", "finished", "gap", "finished"]
    assert "Nov: Started – not shown" in svg
    assert svg.count('<text class="value"') == 1 and f">{SUPPRESSED}</text>" in svg
    assert '<text class="label year"' in svg and svg.count('<text class="label"') == 3
    assert "<desc" in svg and 'aria-describedby="' in svg


def test_a_range_is_its_released_months_never_a_sum(store: Store) -> None:
    wanhua, _, _ = _store_with_months(store)
    store.ingest(make_batch(wanhua, [{"day": "2025-11-05", "starts": 6, "completions": 1,
                                      "reached": [6, 2, 1]}]), nonce="3" * 32, now=NOW)
    catalogue = Catalogue.guess()
    make_releases(store, catalogue, today=dt.date(2026, 1, 10), delay_days=3)
    en = Words.of("en")
    december = build_report(store, catalogue, "2025-12", None, today=dt.date(2026, 1, 10),
                            quiet_days=7, words=en)
    assert december.trend_months == ["2025-10", "2025-11", "2025-12"]
    ranged = build_report(store, catalogue, "2025-10", None, today=dt.date(2026, 1, 10),
                          quiet_days=7, words=en, trend_range=("2025-11", "2025-12"))
    assert ranged.trend_months == ["2025-11", "2025-12"]
    assert "November 2025 to December 2025" in ranged.trend.title
    # Each month's row is that month's own released total, nothing added up.
    for row, month in zip(ranged.trend.rows, ranged.trend_months, strict=True):
        total = {c.measure: c for c in saved.release_cells(store, month) if c.table == "total"}
        assert row[1:] == [str(total[m].value) if total[m].shown else SUPPRESSED
                           for m in ("started", "finished")]
    assert len(ranged.trend.rows) == 2  # no "total of the range" row


def test_a_quarter_left_unmade_by_a_stop_is_made_later_from_its_months(store: Store) -> None:
    _store_with_months(store)
    catalogue = Catalogue.guess()
    assert make_releases(store, catalogue, today=dt.date(2026, 1, 10), delay_days=3) == [
        "2025-10", "2025-11", "2025-12", "2025-Q4"]
    quarter = saved.release_cells(store, "2025-Q4")
    december = saved.release_cells(store, "2025-12")
    with store.backend.transaction() as tx:  # as if the process stopped between the two writes
        tx.execute("DELETE FROM release_cells WHERE period = '2025-Q4'")
        tx.execute("DELETE FROM releases WHERE period = '2025-Q4'")
        tx.execute("DELETE FROM release_audits WHERE period = '2025-Q4'")  # same transaction
    assert make_releases(store, catalogue, today=dt.date(2026, 1, 10), delay_days=3) == [
        "2025-Q4"]
    assert saved.release_cells(store, "2025-12") == december
    assert saved.release_cells(store, "2025-Q4") == quarter
    # Every release keeps its own attacker check, the remade quarter too.
    audits = {entry.period: entry.audit for entry in saved.release_log(store)}
    assert set(audits) == {"2025-10", "2025-11", "2025-12", "2025-Q4"}
    assert all(a is not None and a.failures == 0 for a in audits.values())


def test_first_screen_answers_stops_previous_period_and_every_kiosk(store: Store) -> None:
    _store_with_months(store)
    catalogue = Catalogue.guess()
    make_releases(store, catalogue, today=dt.date(2025, 12, 4), delay_days=3)
    en = build_report(store, catalogue, "2025-11", None, today=dt.date(2025, 12, 4),
                      quiet_days=7, words=Words.of("en"))
    # Last period's total beside this one's, from October's own release.
    assert en.total.rows[1] == ["Previous period: October 2025", "30", "25", "83%"]
    # pay-shop-qr reached 19, 17, 14 in October and none reached step 4: most learners stop
    # at step 3, named by the lesson's title and what the step says, in the manager's language.
    october = build_report(store, catalogue, "2025-10", None, today=dt.date(2025, 12, 4),
                           quiet_days=7, words=Words.of("zh_Hant_TW"))
    step_text = catalogue.step_text("pay-shop-qr", 3)
    assert step_text and "Step 3" not in step_text
    zh_title = Words.of("zh_Hant_TW").lesson_text(catalogue.lesson_title("pay-shop-qr"))
    row = next(r for r in october.stops.rows if r[0] == zh_title)
    assert row[1] == "3" and row[3:] == ["14", "0"]
    assert row[2] == Words.of("zh_Hant_TW").lesson_text(step_text) != step_text
    assert october.total.rows[1:] == []  # no September release: no previous row
    # Every kiosk with its centre and last contact, not only the quiet ones.
    kiosks = {r[1]: r for r in en.quiet.rows}
    assert set(kiosks) == {"Wanhua", "Beitou"}
    assert all(r[4] in ("Sending", "Quiet") for r in kiosks.values())
