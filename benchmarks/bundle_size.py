"""Bytes one kiosk uploads for a busy week: 200 lesson completions, simulated.

    python benchmarks/bundle_size.py [--completions 200] [--seed 1]

The week is drawn with a fixed seed: 7 days, the lessons of three topics, four languages, about
1.3 starts per completion, 9 steps a lesson. Three ways a kiosk might send it are measured, each
as the exact signed JSON body plus the HTTP request head (request line and headers):

- once a week: one batch holding every key of the week;
- once a day: each day's batch holds that day's keys (cumulative, final revision);
- after every lesson (finished or left): each upload re-sends only the key that changed
  (the worst case).
Also shown: the same week as a USB bundle file.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.signing import BATCHES_PATH, BUNDLE_FORMAT, bundle_entry, sign_request

LESSONS = ["pay-shop-qr", "pay-receive", "pay-scam-refuse", "tele-book-visit", "tele-video-call",
           "fake-news-check", "fake-payment-request"]
LANGUAGES = ["zh_Hant_TW", "zh_Hant_TW", "zh_Hant_TW", "en", "vi", "id"]  # weighted
STEPS = 9
KIOSK_ID, SECRET = "k-3f9a0c2b1d7e", "ab" * 32
Key = tuple[str, str, str]


def head_bytes(body: bytes) -> int:
    headers = sign_request(KIOSK_ID, SECRET, "POST", BATCHES_PATH, body)
    lines = [f"POST {BATCHES_PATH} HTTP/1.1", "Host: reports.example.org",
             "Content-Type: application/json", f"Content-Length: {len(body)}",
             *(f"{k}: {v}" for k, v in headers.items())]
    return len("\r\n".join(lines).encode()) + 4


def body(items: list[dict[str, Any]]) -> bytes:
    return json.dumps({"batch_id": str(uuid.uuid4()), "kiosk_id": KIOSK_ID, "items": items},
                      separators=(",", ":")).encode()


def simulate(completions: int, seed: int) -> list[tuple[Key, bool, int]]:
    """Events in time order: (key, completed?, furthest step reached)."""
    rng = random.Random(seed)
    events = []
    while sum(1 for e in events if e[1]) < completions:
        key = (f"2025-11-{17 + rng.randrange(7)}", rng.choice(LESSONS), rng.choice(LANGUAGES))
        done = rng.random() < 0.77
        events.append((key, done, STEPS if done else rng.randrange(1, STEPS)))
    events.sort(key=lambda e: e[0][0])
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--completions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    state: dict[Key, dict[str, Any]] = {}
    per_completion_bytes = 0
    uploads = 0
    for key, done, furthest in simulate(args.completions, args.seed):
        row = state.setdefault(key, {"day": key[0], "lesson_id": key[1], "lesson_version": 1,
                                     "language": key[2], "revision": 0, "starts": 0,
                                     "completions": 0, "reached": [0] * STEPS})
        row["revision"] += 1
        row["starts"] += 1
        row["completions"] += int(done)
        for step in range(furthest):
            row["reached"][step] += 1
        b = body([dict(row)])
        per_completion_bytes += len(b) + head_bytes(b)
        uploads += 1

    items = list(state.values())
    weekly = body(items)
    by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in items:
        by_day[str(row["day"])].append(row)
    daily = [body(rows) for rows in by_day.values()]
    bundle = json.dumps({"format": BUNDLE_FORMAT, "requests": [bundle_entry(
        sign_request(KIOSK_ID, SECRET, "POST", BATCHES_PATH, weekly), weekly)]}).encode()

    starts = sum(r["starts"] for r in items)
    print(f"Busy week: {args.completions} completions, {starts} starts, {len(items)} keys "
          f"(day x lesson x language), {STEPS} steps a lesson")
    print(f"  once a week:            1 upload,  {len(weekly):6d} B body + "
          f"{head_bytes(weekly)} B head = {len(weekly) + head_bytes(weekly):6d} B")
    total_daily = sum(len(b) + head_bytes(b) for b in daily)
    print(f"  once a day:             {len(daily)} uploads, {total_daily:6d} B in all")
    print(f"  after every lesson:     {uploads} uploads, {per_completion_bytes:6d} B in all "
          "(worst case)")
    print(f"  as a USB bundle file:   {len(bundle):6d} B")
    print("Responses are about 100 B each; TLS adds roughly 5 kB per new connection.")


if __name__ == "__main__":
    main()
