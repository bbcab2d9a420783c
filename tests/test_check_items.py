"""tools/check_items.py: item difficulty and discrimination from a real kiosk database."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.check_items import correlation, item_stats, open_read_only
from kiosk.check_player import CheckPlayer
from kiosk.check_results import CheckResults
from kiosk.config import PROJECT_ROOT
from kiosk.lessons.checks import check_files_in, load_checks
from kiosk.progress import ProgressStore
from tests.conftest import IMAGES, LESSONS

# Eight learners take payment form A (4 items): four strong, then four weak. Item 1 everyone
# gets right; item 2 mostly the strong; item 3 mostly the weak (a bad item).
PATTERNS = [
    (1, 1, 0, 1), (1, 1, 0, 1), (1, 1, 1, 1), (1, 1, 0, 1),
    (1, 0, 1, 0), (1, 0, 0, 0), (1, 0, 1, 0), (1, 1, 1, 0),
]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "progress.db"
    store = ProgressStore.open(path, clock=lambda: dt.datetime(2026, 12, 3, tzinfo=dt.UTC))
    form = load_checks(check_files_in(LESSONS), ["payment"], IMAGES).form("payment", "a")
    assert form is not None
    results = CheckResults(store)
    for pattern in PATTERNS:
        player = CheckPlayer.begin(results, form, store.new_guest(), phase="before",
                                   language="en")
        player.tap("history" if pattern[0] else "scan")
        player.choose(0 if pattern[1] else 1)
        player.spot("fake" if pattern[2] else "real")
        player.spot("real" if pattern[3] else "fake")
        player.confidence(3)
    # A skipped check and an unfinished one are not counted.
    other = store.new_guest()
    CheckPlayer.begin(results, form, other, phase="before", language="en").tap("scan")
    store.close()
    return path


def test_difficulty_and_discrimination(database):
    stats = item_stats(open_read_only(database))
    assert [(s.item, s.answers) for s in stats] == [(0, 8), (1, 8), (2, 8), (3, 8)]
    easy, strong, bad, _ = stats
    assert easy.difficulty == 1.0 and easy.discrimination is None  # no spread: no correlation
    assert "very easy" in easy.flags and "few answers" in easy.flags
    assert strong.difficulty == 0.625 and strong.discrimination is not None
    assert bad.discrimination is not None and bad.discrimination < 0
    assert "weak discrimination" in bad.flags
    # Item 2 against the rest (items 1, 3 and 4), worked by hand: r = 0.5164.
    assert strong.discrimination == pytest.approx(
        correlation([1, 1, 1, 1, 0, 0, 0, 1], [2, 2, 3, 2, 2, 1, 2, 2]))
    assert strong.discrimination == pytest.approx(0.5164, abs=1e-4)


def test_correlation_matches_the_textbook():
    assert correlation([0, 0, 1, 1], [1, 2, 3, 4]) == pytest.approx(0.8944, abs=1e-4)
    assert correlation([1, 1], [1, 2]) is None


def test_the_tool_prints_one_line_an_item_and_changes_nothing(database):
    before = database.read_bytes()
    result = subprocess.run([sys.executable, "tools/check_items.py", str(database)],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:7] == ["topic", "form", "v", "item", "n", "difficulty",
                                    "discrimination"]
    assert lines[1].split()[:6] == ["payment", "a", "1", "1", "8", "1.00"]
    assert "You want to see what you paid yesterday." in lines[2]
    assert database.read_bytes() == before


def test_the_tool_says_when_there_is_no_database(tmp_path):
    result = subprocess.run([sys.executable, "tools/check_items.py", str(tmp_path / "no.db")],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert result.returncode == 2 and "no such database" in result.stderr
