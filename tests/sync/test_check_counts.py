"""The counts the checks and the lessons' first answers would send: computed from a real store,
with no learner-level row, and a paired interval that agrees with one from the raw differences."""

from __future__ import annotations

import datetime as dt
import math
import statistics

import pytest

from kiosk.check_player import CheckPlayer
from kiosk.check_results import CheckResults
from kiosk.lessons.checks import check_files_in, load_checks
from kiosk.progress import ProgressStore
from kiosk.sync.check_counts import check_counts, first_time_right, paired_interval
from tests.conftest import IMAGES, LESSONS

FORMS = load_checks(check_files_in(LESSONS), ["payment"], IMAGES)


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def take(results: CheckResults, learner: str, phase: str, right: int, face: int,
         language: str = "vi") -> None:
    form_name = results.form_for(learner, "payment", phase)  # type: ignore[arg-type]
    form = FORMS.form("payment", form_name)
    assert form is not None
    player = CheckPlayer.begin(results, form, learner, phase=phase,  # type: ignore[arg-type]
                               language=language)
    for index, step in enumerate(form.steps):
        ok = index < right
        if step.kind == "tap":
            player.tap(step.target if ok else next(e.id for e in step.screen.elements
                                                   if e.id != step.target))
        elif step.kind == "choice":
            player.choose(next(i for i, o in enumerate(step.options) if o.correct == ok))
        else:
            player.spot(step.answer if ok else ("real" if step.answer == "fake" else "fake"))
    player.confidence(face)


def test_counts_per_day_topic_and_language(tmp_path):
    clock = Clock()
    store = ProgressStore.open(tmp_path / "progress.db", clock=clock)
    results = CheckResults(store)
    scores = [(1, 4), (2, 3), (0, 4), (3, 3)]  # (before, after) for four learners
    learners = [store.new_guest() for _ in scores]
    for learner, (before, _) in zip(learners, scores, strict=True):
        take(results, learner, "before", before, face=2)
    lone = store.new_guest()
    take(results, lone, "after", 2, face=3)  # skipped the before-check: not paired
    clock.now += dt.timedelta(days=2)
    for learner, (_, after) in zip(learners, scores, strict=True):
        take(results, learner, "after", after, face=4)
    skipper = store.new_guest()
    results.skip(skipper, "payment", "before", form="a", form_version=1, item_count=4,
                 language="vi")

    counts = check_counts(store)
    first = counts[("2026-12-01", "payment", "vi")]
    assert (first.before_taken, first.after_taken, first.paired) == (4, 1, 0)
    assert first.confidence_before == [0, 4, 0, 0] and first.confidence_after == [0, 0, 1, 0]
    later = counts[("2026-12-03", "payment", "vi")]
    assert (later.before_taken, later.after_taken, later.paired) == (0, 4, 4)
    assert later.paired_right_before == 6 and later.paired_right_after == 14
    assert later.paired_diff_squares == 9 + 1 + 16 + 0
    assert later.confidence_after == [0, 0, 0, 4]

    interval = paired_interval(later.paired, later.paired_right_before,
                               later.paired_right_after, later.paired_diff_squares)
    differences = [after - before for before, after in scores]
    mean = statistics.mean(differences)
    from scipy.stats import t

    half = t.ppf(0.975, 3) * statistics.stdev(differences) / math.sqrt(4)
    assert interval == pytest.approx((mean, mean - half, mean + half))
    assert paired_interval(1, 1, 3, 4) is None
    store.close()


def test_first_time_right_counts_only_each_learners_first_answer(tmp_path):
    store = ProgressStore.open(tmp_path / "progress.db", clock=Clock())
    for first_right in (True, False, True):
        learner = store.new_guest()
        store.begin_lesson(learner, "pay-shop-qr", version=1, step_count=3, language="id")
        store.answer(learner, "pay-shop-qr", step=0, correct=True)
        store.answer(learner, "pay-shop-qr", step=1, correct=first_right, move_on=False)
        store.answer(learner, "pay-shop-qr", step=1, correct=True)
    assert first_time_right(store) == {("2026-12-01", "pay-shop-qr", 1, "id"): {0: 3, 1: 2}}
    store.close()
