"""Small-cell suppression, checked by an attacker who knows the total and enumerates every
possibility; and the report tables built from a real store."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.server.catalogue import Catalogue
from kiosk.server.reports import Filters, build_report
from kiosk.server.storage import Store
from kiosk.server.suppression import HIDDEN, SMALL, protect
from kiosk.server.svg import bar_chart
from tests.server.test_storage import NOW, enrolled, make_batch


def candidates(shown: str, limit: int) -> range | list[int]:
    """What a reader can conclude a cell might hold, from its display alone."""
    if shown == SMALL:
        return range(1, 5)
    if shown == HIDDEN:
        return [0, *range(5, limit + 1)]
    return [int(shown)]


def worked_out(values: list[int], shown: list[str]) -> set[int]:
    """Indexes of "<5" cells whose value follows from the display plus the (known) total."""
    total = sum(values)
    if total < 5:
        return set()  # the total itself is "<5" wherever it is published
    if all(s == HIDDEN for s in shown):
        return set()  # fallback: a fully hidden column carries no "<5" hint either
    possible: dict[int, set[int]] = {i: set() for i, s in enumerate(shown) if s == SMALL}
    for combo in itertools.product(*(candidates(s, total) for s in shown)):
        if sum(combo) == total:
            for i in possible:
                possible[i].add(combo[i])
    return {i for i, options in possible.items() if len(options) < 2}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=5))
def test_no_small_cell_can_be_worked_out_from_the_total(values: list[int]) -> None:
    shown = protect(values)
    for value, cell in zip(values, shown, strict=True):
        if 1 <= value <= 4:
            assert cell in (SMALL, HIDDEN)  # every count 1..4 is hidden
        elif cell != HIDDEN:
            assert cell == str(value)  # nothing else is misreported
    assert worked_out(values, shown) == set(), (values, shown)


def test_the_complement_attack_the_rule_exists_for() -> None:
    assert worked_out([12, 3, 9], ["12", SMALL, "9"]) == {1}
    assert protect([12, 3, 9]) == ["12", SMALL, HIDDEN]


def test_report_tables_are_suppressed_and_carry_no_totals(store: Store, tmp_path: Path) -> None:
    wanhua, beitou = enrolled(store, "Wanhua"), enrolled(store, "Beitou")
    day = "2025-11-20"
    store.ingest(make_batch(wanhua, [
        {"day": day, "starts": 12, "completions": 9, "reached": [12, 11, 9]},
        {"day": day, "lesson_id": "pay-receive", "starts": 3, "completions": 2, "reached": [3]},
        {"day": day, "lesson_id": "tele-book-visit", "language": "vi", "starts": 6,
         "completions": 6, "reached": [6]}]), nonce="1" * 32, now=NOW)
    store.ingest(make_batch(beitou, [{"day": day, "starts": 2, "completions": 1,
                                      "reached": [2, 1, 1]}]), nonce="2" * 32, now=NOW)
    report = build_report(store, Catalogue.guess(), Filters(weeks=4),
                          today=dt.date(2025, 11, 26), quiet_days=7)
    by_centre = {r[0]: r[1:] for r in report.centres.rows}
    # With two centres, Wanhua's 21 would give Beitou's 2 away against the total (23), which
    # the week and language tables publish: so Wanhua's figures are hidden too.
    assert by_centre == {"Beitou": [SMALL, SMALL], "Wanhua": [HIDDEN, HIDDEN]}
    assert report.weeks.rows[-2][1:] == ["23", "18"] and report.weeks.rows[-1][1:] == ["0", "0"]
    lessons = {r[1]: r[2:] for r in report.lessons.rows}
    assert lessons["pay-receive"][0] == SMALL
    assert lessons["pay-shop-qr"][0] == HIDDEN  # 14 + "<5" = payment's published 17
    topics = {r[0]: r[1:] for r in report.topics.rows}
    assert topics["Mobile payment"][0] == "17" and topics["Telehealth"] == ["6", "6"]
    assert report.funnel_lesson == "pay-shop-qr"
    assert report.funnel.rows == [["1", "14"], ["2", "12"], ["3", "10"]]
    for table in report.tables:
        assert not any("total" in " ".join(row).lower() for row in table.rows)
    assert report.quiet.rows == []
    later = build_report(store, Catalogue.guess(), Filters(weeks=4),
                         today=dt.date(2025, 12, 10), quiet_days=7)
    assert sorted(r[1] for r in later.quiet.rows) == ["Beitou", "Wanhua"]


def test_chart_draws_no_bar_for_a_hidden_cell() -> None:
    svg = bar_chart("t", ["a", "b", "c"], [("Started", "started", ["7", SMALL, HIDDEN])])
    assert svg.count("height=\"20\"") == 1  # one bar (legend swatches are 14 high): the 7
    assert "&lt;5" in svg and "hidden" in svg
