"""Speech front end: what it changes, and what it costs a step on the device.

1. **Share of narrations said differently from the screen**, per language: every narration of
   every shipped lesson (step text, feedback, closing words) whose espeak-ng spoken form is not the
   screen's text (a value said in words, a lexicon entry applied).
2. **Front end time per step**: ``SpeechResolver.spoken()`` (what the kiosk runs before looking
   for or making a clip: the spoken form for each engine) on each step's narration, after one
   warm-up pass that loads the lexicons. Budget: median and p95 under 5 ms a step.
3. **Synthesis time of a step, before and after**: espeak-ng synthesising the screen's text as
   it did before (the baseline), beside the front end plus espeak-ng synthesising the spoken form
   (now), interleaved step by step, ``--runs`` passes over a sample of steps of every language.

    .venv/bin/python benchmarks/speech_frontend.py [--runs 5] [--steps 12]

Always exits 0: read the PASS/FAIL line.
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
sys.path.insert(0, str(ROOT))

BUDGET_MS = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="passes over the sampled steps")
    parser.add_argument("--steps", type=int, default=12, help="steps sampled per language")
    args = parser.parse_args(argv)

    from kiosk.config import load_settings
    from kiosk.i18n import LANGUAGES
    from kiosk.lessons import load_library
    from kiosk.speech.espeak import EspeakEngine
    from kiosk.speech.narration import library_narrations
    from kiosk.speech.player import SpeechResolver

    settings = load_settings(environ={})
    library = load_library(settings.lessons_dir, settings.images_dir)
    narrations = library_narrations(library)

    print("Narrations said differently from the screen (espeak-ng's spoken form):")
    for language in LANGUAGES:
        mine = [n for n in narrations if n.language == language]
        steps = [n for n in mine if n.part == "text"]
        differ = sum(1 for n in mine if n.spoken_for("espeak") != n.text)
        differ_steps = sum(1 for n in steps if n.spoken_for("espeak") != n.text)
        print(f"  {language:<11} {differ:4d}/{len(mine):<4d} = {100 * differ / len(mine):5.1f} %"
              f"   (steps only: {differ_steps}/{len(steps)} = "
              f"{100 * differ_steps / len(steps):5.1f} %)")

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-frontend-") as scratch:
        resolver = SpeechResolver(prebuilt=Path(scratch) / "a", device=Path(scratch) / "b",
                                  synthesiser=EspeakEngine())
        steps = [n for n in narrations if n.part == "text"]
        values = {n.lesson_id: library.lessons[n.lesson_id].values for n in steps}
        for n in steps:  # warm-up: lexicons loaded, regexes compiled
            resolver.spoken(n.text, n.language, values[n.lesson_id])
        frontend_ms = []
        for _ in range(args.runs):
            for n in steps:
                started = time.perf_counter()
                resolver.spoken(n.text, n.language, values[n.lesson_id])
                frontend_ms.append((time.perf_counter() - started) * 1000)

        engine = EspeakEngine()
        sample = []
        for language in LANGUAGES:
            mine = [n for n in steps if n.language == language]
            stride = max(1, len(mine) // args.steps)
            sample += mine[::stride][:args.steps]
        engine.synthesize("OK", "en", "normal")  # loads libespeak-ng
        before_ms, after_ms = [], []
        for _ in range(args.runs):
            for n in sample:
                started = time.perf_counter()
                engine.synthesize(n.text, n.language, "normal")
                before_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                said = resolver.spoken(n.text, n.language, values[n.lesson_id])["espeak"]
                engine.synthesize(said, n.language, "normal")
                after_ms.append((time.perf_counter() - started) * 1000)
        resolver.close()

    median, p95 = statistics.median(frontend_ms), percentile(frontend_ms, 0.95)
    print()
    print(f"Front end per step ({len(steps)} steps x {args.runs} runs): median {median:.2f} ms, "
          f"p95 {p95:.2f} ms, max {max(frontend_ms):.2f} ms")
    print(f"Synthesis of a step ({len(sample)} steps x {args.runs} runs), espeak-ng:")
    print(f"  before (screen text)          median {statistics.median(before_ms):7.1f} ms")
    print(f"  after  (front end + spoken)   median {statistics.median(after_ms):7.1f} ms")
    verdict = "PASS" if median <= BUDGET_MS and p95 <= BUDGET_MS else "FAIL"
    print(f"{verdict}: the front end adds at most {BUDGET_MS:.0f} ms a step "
          f"(median {median:.2f} ms, p95 {p95:.2f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
