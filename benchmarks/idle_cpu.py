"""CPU use of a kiosk left alone on its welcome screen: it should be near zero, so that a
Raspberry Pi stays cool and quiet when nobody is using it.

Starts the real kiosk (headless: SDL offscreen, Mesa) in a child process on a scratch
KIOSK_HOME, lets it settle, then measures the CPU time the child uses over ``--seconds``
(default 60) of wall time, as a percentage of one core. A bare Kivy window (one Label, one
Button) is measured the same way, in the same run, for comparison.

    .venv/bin/python benchmarks/idle_cpu.py [--seconds 60] [--settle 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent

KIOSK = """
import sys
sys.path.insert(0, {root!r})
from kiosk.config import load_settings
from kiosk.ui.bootstrap import prepare
settings = load_settings()
prepare(settings, headless=True)
from kiosk.ui.app import KioskApp
KioskApp(settings).run()
"""

BARE = """
from kivy.app import App
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label

class Bare(App):
    def build(self):
        box = BoxLayout()
        box.add_widget(Label(text="Hello"))
        box.add_widget(Button(text="Press"))
        return box

Bare().run()
"""


def measure(code: str, home: Path, settle: float, seconds: float) -> float:
    (home / "kivy").mkdir(parents=True, exist_ok=True)
    script = home / "child.py"  # a file, not -c: Kivy's App looks for its class's source file
    script.write_text(code, encoding="utf-8")
    log = home / "child.log"
    env = {**os.environ, "KIOSK_HOME": str(home), "KIVY_HOME": str(home / "kivy"),
           "KIVY_NO_ARGS": "1", "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy",
           "KIOSK_QUIET_KIVY": "1", "KIOSK_FULLSCREEN": "0"}
    with log.open("wb") as output:
        child = subprocess.Popen([sys.executable, str(script)], env=env,
                                 stdout=output, stderr=subprocess.STDOUT)
    try:
        process = psutil.Process(child.pid)
        time.sleep(settle)
        if child.poll() is not None:
            raise SystemExit(f"the child exited early ({child.returncode}): "
                             f"{log.read_text(errors='replace')[-600:]}")
        before = process.cpu_times()
        started = time.monotonic()
        time.sleep(seconds)
        after = process.cpu_times()
        elapsed = time.monotonic() - started
        used = (after.user - before.user) + (after.system - before.system)
        return 100.0 * used / elapsed
    finally:
        child.terminate()
        child.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--settle", type=float, default=5.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-idle-") as scratch:
        bare = measure(BARE, Path(scratch) / "bare", args.settle, args.seconds)
        kiosk = measure(KIOSK.format(root=str(ROOT)), Path(scratch) / "kiosk", args.settle,
                        args.seconds)
    print(f"Idle on the welcome screen for {args.seconds:.0f} s (headless, software GL):")
    print(f"  bare Kivy window  {bare:5.1f} % of one core")
    print(f"  kiosk             {kiosk:5.1f} % of one core")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
