"""Child process for tests/test_power_cut.py: answer lesson steps as fast as possible until killed.

Run as ``python tests/helpers/power_cut_child.py KIOSK_HOME SEED`` with the project root on
``PYTHONPATH``. It opens the progress store under ``KIOSK_HOME`` (no Kivy), resumes the active
session if there is one (as the kiosk does after a power cut), otherwise starts a new guest, and
works through the shipped lessons with :class:`kiosk.player.LessonPlayer`: explain steps with
``next()``, practice steps answered correctly (sometimes after a wrong answer) and then ``next()``.

Protocol on stdout, one line per event, each flushed:

- ``READY`` once the code is imported and the lessons are loaded, before the store is opened;
- ``RESUMED <learner> <lesson> <step>`` when a lesson is opened, with the step the player shows;
- ``COMMITTED <learner> <lesson> <step> <correct>`` after an answer to ``step`` is committed
  (``correct`` is 1 or 0). A line is printed only after the store has returned, so every reported
  answer must survive a kill.

Each learner takes each lesson once and never goes back, which lets the parent check a strict
invariant: the steps with a correct attempt are exactly ``0 .. furthest_step - 1``, and the
place is the furthest step or (a practice step answered, Next not yet tapped) the one before.
When a learner has taken every lesson, the session ends and a new guest starts.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from kiosk.config import load_settings
from kiosk.lessons import load_library
from kiosk.player import LessonPlayer
from kiosk.progress import ProgressStore


def say(*words: object) -> None:
    # One write() of a short line: a pipe write of this size is atomic, so a kill cannot leave
    # half a line (the parent ignores an unterminated last line anyway).
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    home, seed = Path(argv[1]), int(argv[2])
    settings = load_settings(environ={"KIOSK_HOME": str(home)})
    library = load_library(settings.lessons_dir, settings.images_dir)
    assert library.lessons and not library.problems, library.problems
    rng = random.Random(seed)
    say("READY")

    store = ProgressStore.open(settings.database_path)
    assert not store.notices, store.notices  # the file was never damaged, so never moved aside
    # A SIGKILL leaves the OS page cache intact, so it cannot show what synchronous=OFF would lose
    # when the plug is pulled. Check the settings that make a commit durable directly instead.
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2, "synchronous is not FULL"

    while True:
        session = store.active_session()
        if session is None:
            learner = store.new_guest()
            store.start_session(learner)
            continue
        learner = session.learner_id
        begun = store.all_progress(learner)
        current = begun.get(session.lesson_id or "")
        if current is not None and not current.done:
            lesson_id = current.lesson_id  # resume the lesson the power cut interrupted
        else:
            order = sorted(library.lessons)
            random.Random(learner).shuffle(order)
            remaining = [lesson for lesson in order if lesson not in begun]
            if not remaining:
                store.end_session()
                continue
            lesson_id = remaining[0]
        lesson = library.lessons[lesson_id]
        player = LessonPlayer.begin(store, lesson, learner, language="en")
        assert player.progress is not None
        # The player must open the lesson exactly where the store says the learner is: on the
        # furthest step, or on the practice step before it, answered (killed before Next).
        progress = player.progress
        assert player.index == progress.step, (player.index, progress)
        answered_here = progress.step == progress.furthest_step - 1
        assert progress.step == progress.furthest_step or answered_here, progress
        assert player.solved_here == answered_here, (player.solved_here, progress)
        say("RESUMED", learner, lesson_id, player.index)
        take_lesson(player, rng)


def take_lesson(player: LessonPlayer, rng: random.Random) -> None:
    learner, lesson_id = player.learner_id, player.lesson.id

    def committed(index: int, correct: bool) -> None:
        # The player swallows storage errors (the lesson goes on); here that must never happen.
        assert not player.storage_problem, player.storage_problem
        progress = player.progress
        assert progress is not None
        if correct:
            assert progress.furthest_step == index + 1, (index, progress)
        else:
            assert progress.step == index, (index, progress)
        say("COMMITTED", learner, lesson_id, index, int(correct))

    if player.solved_here and not player.next():  # reopened answered: on with Next
        return
    while True:
        index = player.index
        step = player.step
        if step.kind == "explain":
            more = player.next()  # the first visit to an explain step saves it as answered
            committed(index, True)
            if not more:
                return
            continue
        if rng.random() < 0.3 and answer_wrong(player):
            committed(index, False)
        answer_right(player)
        committed(index, True)
        if not player.next():
            return


def answer_right(player: LessonPlayer) -> None:
    step = player.step
    if step.kind == "tap":
        feedback = player.tap(step.target)
    elif step.kind == "choice":
        feedback = player.choose(next(i for i, o in enumerate(step.options) if o.correct))
    elif step.kind == "order":
        for item in range(len(step.items)):
            feedback = player.pick(item)
    elif step.kind == "spot":
        feedback = player.spot("real" if step.answer == "real" else "fake")
    else:
        raise AssertionError(step.kind)
    assert feedback is not None and feedback.right, feedback
    assert player.answered


def answer_wrong(player: LessonPlayer) -> bool:
    """Give one wrong answer; False if this step has no way to be wrong."""
    step = player.step
    if step.kind == "tap":
        assert step.screen is not None
        others = [e.id for e in step.screen.elements if e.id != step.target]
        feedback = player.tap(others[0] if others else None)
    elif step.kind == "choice":
        wrong = [i for i, o in enumerate(step.options) if not o.correct]
        if not wrong:
            return False
        feedback = player.choose(wrong[0])
    elif step.kind == "order":
        if len(step.items) < 2:
            return False
        feedback = player.pick(1)  # item 0 comes first
    elif step.kind == "spot":
        feedback = player.spot("fake" if step.answer == "real" else "real")
    else:
        raise AssertionError(step.kind)
    assert feedback is not None and not feedback.right, feedback
    return True


if __name__ == "__main__":
    sys.exit(main(sys.argv))
