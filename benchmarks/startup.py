"""Cold start to the first drawn frame of the welcome screen, and peak memory, against bare Kivy.

Each run starts a fresh Python process, headless (SDL offscreen, Mesa's software renderer), that
exits as soon as its first frame has been flipped. Two kinds of process alternate in the same run:

- ``kiosk``: the real kiosk (settings, lessons, progress store, every screen) on a scratch
  ``KIOSK_HOME``; the frame must show the welcome screen;
- ``bare``: a Kivy App whose root is one Label and one Button, with the same window size.

Start time is measured by this (parent) process, from just before it spawns the child to the
moment it reads the child's ``FIRST_FRAME`` line. The child also reports the time since the first
line of its own script ran (interpreter start-up excluded) and its peak RSS
(``ru_maxrss`` at the first frame). The OS file cache is warm (one discarded warm-up run of each
kind): this is a process cold start, as when the kiosk restarts, not a cold boot.

    .venv/bin/python benchmarks/startup.py [--runs 7]

Budgets: kiosk start <= 1.5 x bare start; kiosk peak RSS <= bare peak RSS + 60 MB.
Always exits 0: it is a measurement; read the PASS/FAIL lines.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()  # the first thing the child runs: its own clock starts here

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
START_RATIO_BUDGET = 1.5
RSS_EXTRA_BUDGET_MB = 60.0
WIDTH, HEIGHT = 1280, 800


# --- the child processes ---------------------------------------------------------------------
def _report_first_flip(check: object) -> None:
    """Print FIRST_FRAME once the window's first frame has been flipped, then exit at once."""
    import resource

    from kivy.core.window import Window

    original_flip = Window.flip

    def flip() -> None:
        original_flip()
        elapsed = time.perf_counter() - _T0
        usage = resource.getrusage(resource.RUSAGE_SELF)
        rss_mb = usage.ru_maxrss / 1024  # KiB on Linux
        cpu_s = usage.ru_utime + usage.ru_stime  # all threads, Mesa's included
        what = check()  # type: ignore[operator]
        print(f"FIRST_FRAME {elapsed:.6f} {rss_mb:.1f} {cpu_s:.6f} {what}", flush=True)
        os._exit(0)  # the measurement is over; tearing down is not part of a start

    Window.flip = flip  # WindowBase.on_flip calls self.flip(): this instance's copy


def run_kiosk_child(home: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from kiosk.config import load_settings
    from kiosk.ui.bootstrap import prepare

    settings = load_settings(environ={"KIOSK_HOME": str(home)}, screen_width=WIDTH,
                             screen_height=HEIGHT)
    prepare(settings, headless=True)
    from kivy.app import App

    from kiosk.ui.app import KioskApp

    def shows_welcome() -> str:
        root = App.get_running_app().root
        return "welcome" if root is not None and root.current == "welcome" else "NOT-WELCOME"

    _report_first_flip(shows_welcome)
    KioskApp(settings, fullscreen=False).run()


def run_bare_child(home: Path) -> None:
    os.environ["KIVY_HOME"] = str(home / "kivy")
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ["KIVY_NO_FILELOG"] = "1"
    os.environ["SDL_VIDEODRIVER"] = "offscreen"
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from kivy.config import Config

    Config.set("graphics", "width", str(WIDTH))
    Config.set("graphics", "height", str(HEIGHT))
    from kivy.app import App
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.button import Button
    from kivy.uix.label import Label

    class BareApp(App):
        def build(self) -> BoxLayout:
            root = BoxLayout(orientation="vertical")
            root.add_widget(Label(text="Touch the screen to start"))
            root.add_widget(Button(text="Start"))
            return root

    _report_first_flip(lambda: "bare")
    BareApp().run()


# --- the parent ------------------------------------------------------------------------------
def measure(kind: str, home: Path) -> tuple[float, float, float, float]:
    """One cold start: (parent-measured seconds, child-measured seconds, peak RSS in MB,
    child CPU seconds)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "KIVY_"))}
    env["KIVY_HOME"] = str(home / "kivy")
    # An installed kiosk starts from compiled .pyc files (deploy/install.sh runs compileall);
    # a machine that sets PYTHONDONTWRITEBYTECODE would otherwise compile every module of the
    # kiosk on every start, which the bare window (all site-packages, compiled by pip) never
    # pays. The warm-up run writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(home)]
    # Kivy's console log (where it also sends tracebacks) goes to a file, as it would to a
    # journal: a pipe that nobody reads could fill up and stall the child.
    with tempfile.TemporaryFile("w+") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, env=env,
                                cwd=ROOT)
        assert proc.stdout is not None
        line = ""
        for line in proc.stdout:
            if line.startswith("FIRST_FRAME "):
                break
        wall = time.perf_counter() - started
        proc.communicate(timeout=60)
        log.seek(0)
        err = log.read()
    if not line.startswith("FIRST_FRAME "):
        raise SystemExit(f"{kind} child drew no frame (exit {proc.returncode}):\n{err[-3000:]}")
    _, child_s, rss_mb, cpu_s, what = line.split()
    if what not in ("welcome", "bare"):
        raise SystemExit(f"{kind} child's first frame was not the welcome screen ({what})")
    return wall, float(child_s), float(rss_mb), float(cpu_s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs of each kind (>= 5)")
    parser.add_argument("--warmup", type=int, default=1, help="discarded runs of each kind first")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, home = args.child
        (run_kiosk_child if kind == "kiosk" else run_bare_child)(Path(home))
        return 1  # only reached if no frame was ever flipped
    if args.runs < 5:
        parser.error("--runs must be at least 5")

    results: dict[str, list[tuple[float, float, float, float]]] = {"bare": [], "kiosk": []}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-startup-") as scratch:
        homes = {kind: Path(scratch) / kind for kind in results}
        for home in homes.values():
            home.mkdir()
        for i in range(args.warmup + args.runs):
            order = ("bare", "kiosk") if i % 2 == 0 else ("kiosk", "bare")
            for kind in order:
                sample = measure(kind, homes[kind])
                if i >= args.warmup:
                    results[kind].append(sample)
                    wall, child, rss, cpu = sample
                    print(f"run {i - args.warmup + 1:2d} {kind:5s}  start {wall * 1000:6.0f} ms"
                          f"  (child clock {child * 1000:6.0f} ms, CPU {cpu * 1000:6.0f} ms)"
                          f"  peak RSS {rss:6.1f} MB", flush=True)

    med = {kind: [statistics.median(s[j] for s in samples) for j in range(4)]
           for kind, samples in results.items()}
    bare, kiosk = med["bare"], med["kiosk"]
    print()
    print(f"Cold start to first frame, median of {args.runs} runs each (spawn -> frame flipped):")
    for label, (wall, child, rss, cpu) in (("bare Kivy window", bare), ("kiosk welcome", kiosk)):
        print(f"  {label:17s}  {wall * 1000:6.0f} ms   (child clock {child * 1000:5.0f} ms, "
              f"CPU {cpu * 1000:5.0f} ms)   peak RSS {rss:6.1f} MB")
    ratio = kiosk[0] / bare[0]
    extra = kiosk[2] - bare[2]
    print(f"  (CPU time kiosk / bare = {kiosk[3] / bare[3]:.2f} x: less sensitive to other load)")
    start_ok = ratio <= START_RATIO_BUDGET
    rss_ok = extra <= RSS_EXTRA_BUDGET_MB
    print(f"  start: kiosk / bare = {ratio:.2f} x   budget <= {START_RATIO_BUDGET} x   "
          f"{'PASS' if start_ok else 'FAIL'}")
    print(f"  RSS:   kiosk - bare = {extra:+.1f} MB   budget <= +{RSS_EXTRA_BUDGET_MB:.0f} MB   "
          f"{'PASS' if rss_ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
