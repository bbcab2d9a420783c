"""Step transition: from a finger's tap on Next until the next step has been drawn.

One headless process (SDL offscreen, Mesa's software renderer) runs the real KioskApp on a scratch
``KIOSK_HOME``. Each round a fresh guest opens the lesson; every step is answered correctly through
the step screen's own widgets, a few frames are drawn, and then Next is tapped with a real touch
(``UnitTestTouch`` down and up at the button's window position). The time runs from the touch down
until the window's next frame has been flipped. It includes what a learner waits for: saving an
explain step to the progress store (``synchronous=FULL``), rebuilding the screen, layout, drawing,
and Kivy's frame pacing (``maxfps``, 60 by default: up to 16.7 ms before a frame may start). The
last tap of each round is Finish, which draws the closing screen.

    .venv/bin/python benchmarks/step_transition.py [--runs 5] [--lesson pay-shop-qr]
        [--language zh_Hant_TW]

Budget: p95 under 100 ms. Always exits 0: it is a measurement; read the PASS/FAIL line.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from stats import percentile

ROOT = Path(__file__).resolve().parent.parent
P95_BUDGET_MS = 100.0



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="times through the whole lesson")
    parser.add_argument("--lesson", default="pay-shop-qr", help="lesson id")
    parser.add_argument("--no-speech", action="store_true", help="narration off")
    parser.add_argument("--language", default="en",
                        help="e.g. zh_Hant_TW, whose lines go through kiosk/line_breaks.py")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-step-") as scratch:
        samples = run(Path(scratch), args.lesson, args.runs, speech=not args.no_speech,
                      language=args.language)

    ms = [s[1] for s in samples]
    cpu = [s[2] for s in samples]
    p95 = percentile(ms, 0.95)
    slowest = sorted(samples, key=lambda s: s[1], reverse=True)[:3]
    print()
    print(f"Step transition, tap Next -> next frame flipped, {len(ms)} taps "
          f"({args.runs} rounds of {args.lesson}):")
    print(f"  median {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   max {max(ms):6.1f} ms"
          f"   min {min(ms):6.1f} ms")
    print(f"  CPU time of this process (all threads) per transition: median "
          f"{statistics.median(cpu):6.1f} ms   p95 {percentile(cpu, 0.95):6.1f} ms")
    print("  slowest: " + ", ".join(f"{label} {value:.1f} ms" for label, value, _ in slowest))
    print(f"  p95 budget < {P95_BUDGET_MS:.0f} ms   {'PASS' if p95 < P95_BUDGET_MS else 'FAIL'}")
    return 0


def run(home: Path, lesson_id: str, rounds: int, speech: bool = True,
        language: str = "en") -> list[tuple[str, float, float]]:
    """Return (which tap, wall-clock ms, CPU ms) for every tap on Next."""
    sys.path.insert(0, str(ROOT))
    import os

    from kiosk.config import load_settings
    from kiosk.ui.bootstrap import prepare

    os.environ["KIVY_HOME"] = str(home / "kivy")  # never the user's ~/.kivy
    # The "Step N of M" label is checked after each tap (its number, in any language).
    # --no-speech: measure without narration (clips are then never synthesised or loaded).
    environ = {"KIOSK_HOME": str(home), "KIOSK_LANGUAGE": language}
    if not speech:
        environ["KIOSK_SPEECH_AUTOPLAY"] = "0"
    settings = load_settings(environ=environ)
    prepare(settings, headless=True)

    from kivy.base import EventLoop
    from kivy.config import Config
    from kivy.core.window import Window
    from kivy.tests.common import UnitTestTouch

    from kiosk.ui.app import KioskApp

    app = KioskApp(settings)
    if lesson_id not in app.library.lessons:
        known = ", ".join(sorted(app.library.lessons))
        raise SystemExit(f"No lesson {lesson_id!r}; lessons: {known}")
    lesson = app.library.lessons[lesson_id]
    app._run_prepare()
    import gc

    gc.freeze()  # as the real kiosk does once its first frame is up (kiosk/ui/launch.py)

    flips: list[tuple[float, float]] = []  # (wall clock, process CPU time) after each flip
    original_flip = Window.flip

    def flip() -> None:
        original_flip()
        flips.append((time.perf_counter(), time.process_time()))

    Window.flip = flip  # WindowBase.on_flip calls self.flip(): this instance's copy

    def frames(count: int) -> None:
        for _ in range(count):
            EventLoop.idle()

    print(f"window {Window.width}x{Window.height}, maxfps {Config.getint('graphics', 'maxfps')}, "
          f"store {settings.database_path}")
    frames(3)
    tap_times = [time.time()]
    samples: list[tuple[str, float, float]] = []
    for round_number in range(1, rounds + 1):
        app.start_learning()  # a fresh guest each round
        app.open_topic(lesson.topic)
        app.open_lesson(lesson.id)
        frames(3)
        screen = app.root.get_screen("step")
        round_ms: list[float] = []
        for index in range(lesson.step_count):
            assert app.root.current == "step" and app.player.index == index, (
                app.root.current, app.player.index, index)
            answer(screen, app.player)
            frames(3)  # the feedback and the enabled Next button are drawn; the finger lifts
            assert screen.can_go_next, f"step {index + 1}: Next is not enabled after answering"
            button = screen.ids.next
            x, y = button.to_window(*button.center)
            before = len(flips)
            touch = UnitTestTouch(x, y)
            # A person's timing, one tap a second: the kiosk counts taps closer than 300 ms at
            # the same place as one (a trembling finger), and the benchmark must not look like one.
            tap_times[0] = max(tap_times[0] + 1.0, time.time())
            touch.time_start, touch.time_end = tap_times[0], tap_times[0] + 0.1
            started, started_cpu = time.perf_counter(), time.process_time()
            touch.touch_down()
            touch.touch_up()  # on_release: the screen moves on synchronously
            for _ in range(100):
                if len(flips) > before:
                    break
                EventLoop.idle()
            else:
                raise SystemExit(f"step {index + 1}: no frame was drawn after tapping Next")
            elapsed_ms = (flips[before][0] - started) * 1000
            cpu_ms = (flips[before][1] - started_cpu) * 1000
            if index + 1 < lesson.step_count:
                assert app.player.index == index + 1, f"step {index + 1}: Next did not move on"
                expected = f"{index + 2}"
                assert expected in screen.ids.step_label.text, screen.ids.step_label.text
            else:
                assert app.root.current == "done", app.root.current
            round_ms.append(elapsed_ms)
            samples.append((f"round {round_number} step {index + 1}", elapsed_ms, cpu_ms))
        print(f"round {round_number}: " + " ".join(f"{v:5.1f}" for v in round_ms) + "  ms")
        app.leave()
        frames(2)
    app.store.close()
    return samples


def answer(screen: object, player: object) -> None:
    """Answer the step on screen correctly, through the screen's own buttons and phone."""
    step = player.step  # type: ignore[attr-defined]
    ids = screen.ids  # type: ignore[attr-defined]
    buttons = list(reversed(ids.answers.children))  # Kivy keeps children last-added first
    if step.kind == "explain":
        return
    if step.kind == "tap":
        ids.phone.elements[step.target].dispatch("on_release")
    elif step.kind == "choice":
        right = next(i for i, option in enumerate(step.options) if option.correct)
        next(b for b in buttons if b.option_index == right).dispatch("on_release")
    elif step.kind == "order":
        for item in range(len(step.items)):
            next(b for b in buttons if b.item_index == item).dispatch("on_release")
    elif step.kind == "spot":
        next(b for b in buttons if b.spot_answer == step.answer).dispatch("on_release")
    else:
        raise AssertionError(step.kind)
    assert player.answered, f"{step.kind} step not answered"  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
