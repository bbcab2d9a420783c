"""What the before-and-after checks and the lessons' first answers would send: counts only.

Issue 11 part 3 ("What leaves the kiosk"). This module computes the counts from the progress
store; it is **not yet wired** into the outbox, the wire format or the server's releases (the
disclosure control of docs/PRIVACY.md must take these cells into its linked tables first). No
learner id, no free text, no time finer than the day: the day is the check's own day (V6 keeps
nothing finer).

Per (day, topic, language), from finished checks (a skipped or unfinished check is not counted):

- ``before_taken``, ``after_taken``: checks finished that day;
- ``paired``: learners whose after-check finished that day and who had finished a before-check
  in the topic (each learner once: one row per learner, topic and phase), with
  ``paired_right_before`` and ``paired_right_after``, the items they got right in each, and
  ``paired_diff_squares``, the sum over those learners of (after − before)²;
- ``confidence_before``, ``confidence_after``: finished checks per face, 1 to 4.

The gain per topic and its uncertainty come from these sums alone, over any period (sums add
up over days and kiosks): with n = paired, Σd = right_after − right_before and Σd² =
diff_squares, the mean gain is d̄ = Σd / n, its standard deviation s = √((Σd² − n·d̄²) / (n − 1)),
and a 95 % paired t interval d̄ ± t(0.975, n − 1) · s / √n (:func:`paired_interval`).

Per (day, lesson, version, language) :func:`first_time_right` counts, for each step, the learners
whose *first* answer to it was right (counted on the day of that first answer), so authors see
which step confuses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kiosk.progress import ProgressStore

CheckKey = tuple[str, str, str]  # (day, topic, language)
StepKey = tuple[str, str, int, str]  # (day, lesson_id, lesson_version, language)


@dataclass
class CheckCounts:
    before_taken: int = 0
    after_taken: int = 0
    paired: int = 0
    paired_right_before: int = 0
    paired_right_after: int = 0
    paired_diff_squares: int = 0
    confidence_before: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    confidence_after: list[int] = field(default_factory=lambda: [0, 0, 0, 0])


def check_counts(store: ProgressStore) -> dict[CheckKey, CheckCounts]:
    """Every (day, topic, language) with a finished check, and its counts."""
    rows = store.execute(
        "SELECT learner_id, topic, phase, language, items_right, confidence, day FROM checks "
        "WHERE status = 'done' AND learner_id NOT IN (SELECT learner_id FROM not_counted) "
        "ORDER BY id").fetchall()  # a learner who said "do not count me" is never counted
    before_right = {(learner, topic): int(right)
                    for learner, topic, phase, _, right, _, _ in rows if phase == "before"}
    out: dict[CheckKey, CheckCounts] = {}
    for learner, topic, phase, language, right, confidence, day in rows:
        counts = out.setdefault((str(day), str(topic), str(language)), CheckCounts())
        if phase == "before":
            counts.before_taken += 1
            counts.confidence_before[int(confidence) - 1] += 1
            continue
        counts.after_taken += 1
        counts.confidence_after[int(confidence) - 1] += 1
        before = before_right.get((learner, topic))
        if before is not None:
            counts.paired += 1
            counts.paired_right_before += before
            counts.paired_right_after += int(right)
            counts.paired_diff_squares += (int(right) - before) ** 2
    return out


def first_time_right(store: ProgressStore) -> dict[StepKey, dict[int, int]]:
    """Per (day, lesson, version, language): step index -> learners whose first answer to that
    step (of that version) was right, on the day of that first answer."""
    rows = store.execute(
        "SELECT substr(a.at, 1, 10), a.lesson_id, a.lesson_version, a.language, a.step, "
        "a.correct FROM attempts a JOIN (SELECT MIN(id) AS id FROM attempts "
        "GROUP BY learner_id, lesson_id, lesson_version, step) f ON f.id = a.id "
        "WHERE a.learner_id NOT IN (SELECT learner_id FROM not_counted)").fetchall()
    out: dict[StepKey, dict[int, int]] = {}
    for day, lesson, version, language, step, correct in rows:
        steps = out.setdefault((str(day), str(lesson), int(version), str(language)), {})
        steps[int(step)] = steps.get(int(step), 0) + int(correct)
    return out


def paired_interval(paired: int, right_before: int, right_after: int, diff_squares: int,
                    ) -> tuple[float, float, float] | None:
    """The mean gain in items right and its 95 % paired t interval, from the summed counts
    (over any days and kiosks); None with fewer than two pairs."""
    if paired < 2:
        return None
    from scipy.stats import t  # the server's extra; only the server works this out

    mean = (right_after - right_before) / paired
    variance = max(0.0, (diff_squares - paired * mean ** 2) / (paired - 1))
    half = float(t.ppf(0.975, paired - 1)) * math.sqrt(variance / paired)
    return mean, mean - half, mean + half
