"""Import a signed USB bundle: the same checks as an HTTP upload, except clock freshness.

A bundle file (written by ``python -m kiosk sync export``) is::

    {"format": "kiosk-bundle/1",
     "requests": [{"method": "POST", "path": "/api/v1/batches",
                   "headers": {"X-Kiosk-Id": ..., "X-Timestamp": ..., "X-Nonce": ...,
                               "X-Signature": ...},
                   "body": "<the exact JSON text that was signed>"}]}

A single request object (without ``requests``) is accepted too. Importing the same bundle twice
changes nothing: every batch comes back "already imported" (its nonces are spent, but the server
finds the kiosk's batch id already stored).

Every entry is checked on its own: a bad one (forged, malformed, nested thousands deep, text that
is not valid UTF-8) is reported with its number and the rest are still imported. A file larger
than :data:`MAX_BUNDLE_BYTES` is refused before it is parsed: a real kiosk's bundle is a few
hundred kilobytes (90 days offline is four batches), so anything that big is the wrong file, and
reading it whole could exhaust the server's memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.server.ingest import Ingestor
from kiosk.server.problems import Refusal
from kiosk.signing import BATCHES_PATH, BUNDLE_FORMAT

MAX_BUNDLE_BYTES = 64 * 1024 * 1024  # 250 full 256 KiB batches; a year offline is about 60


@dataclass
class ImportReport:
    accepted: int = 0
    duplicates: int = 0
    refused: int = 0
    lines: list[str] = field(default_factory=list)


def _entries(data: Any) -> tuple[list[Any], str | None]:
    if isinstance(data, dict) and "requests" in data:
        if data.get("format") not in (None, BUNDLE_FORMAT):
            return [], f"unknown bundle format {data.get('format')!r}; expected {BUNDLE_FORMAT}"
        requests = data["requests"]
        return (requests, None) if isinstance(requests, list) else ([], "requests must be a list")
    if isinstance(data, dict) and "headers" in data:
        return [data], None
    return [], "not a kiosk bundle: expected an object with requests, or headers and body"


def _read(path: Path, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes, so even a FIFO or a file still growing cannot fill memory."""
    with path.open("rb") as source:
        return source.read(limit + 1)


def import_bundle(ingestor: Ingestor, path: Path, *, now: float,
                  max_bytes: int = MAX_BUNDLE_BYTES) -> ImportReport:
    report = ImportReport()
    try:
        raw = _read(path, max_bytes)
        if len(raw) > max_bytes:
            report.refused += 1
            report.lines.append(f"{path}: refused: larger than {max_bytes // (1024 * 1024)} MiB; "
                                "a kiosk's bundle is far smaller. Is this the right file?")
            return report
        data = json.loads(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.refused += 1
        report.lines.append(f"{path}: cannot read the bundle: {exc}")
        return report
    except RecursionError:
        report.refused += 1
        report.lines.append(f"{path}: cannot read the bundle: it is nested too deeply to be one")
        return report
    entries, problem = _entries(data)
    if problem:
        report.refused += 1
        report.lines.append(f"{path}: {problem}")
    for number, entry in enumerate(entries, 1):
        _import_entry(ingestor, entry, f"{path}: request {number}", now, report)
    return report


def _import_entry(ingestor: Ingestor, entry: Any, where: str, now: float,
                  report: ImportReport) -> None:
    """One request of the bundle; whatever is wrong with it is reported, never raised."""
    if not (isinstance(entry, dict) and isinstance(entry.get("headers"), dict)
            and isinstance(entry.get("body"), str)):
        report.refused += 1
        report.lines.append(f"{where}: refused: needs headers (an object) and body (text)")
        return
    method, target = str(entry.get("method", "POST")), str(entry.get("path", BATCHES_PATH))
    if (method, target) != ("POST", BATCHES_PATH):
        report.refused += 1
        report.lines.append(f"{where}: refused: only POST {BATCHES_PATH} can be imported")
        return
    try:
        # JSON text may hold a lone surrogate (\ud800), which is no UTF-8 at all: no kiosk
        # signed such a body, so it is refused rather than crashing the import.
        body = entry["body"].encode("utf-8")
        headers = {str(k): str(v).encode("utf-8").decode("utf-8")
                   for k, v in entry["headers"].items()}
    except UnicodeEncodeError:
        report.refused += 1
        report.lines.append(f"{where}: refused: its text is not valid UTF-8 (a lone surrogate)")
        return
    try:
        result = ingestor.upload(method=method, path=target, headers=headers, body=body,
                                 now=now, from_bundle=True)
    except Refusal as refusal:
        report.refused += 1
        problems = "; ".join(f"{p.loc + ': ' if p.loc else ''}{p.message}"
                             for p in refusal.problems)
        report.lines.append(f"{where}: refused ({refusal.status}): {problems}")
        return
    if result.status == "accepted":
        report.accepted += 1
        report.lines.append(f"{where}: batch {result.batch_id}: accepted ({result.items} items)")
    else:
        report.duplicates += 1
        report.lines.append(f"{where}: batch {result.batch_id}: already imported "
                            f"({result.items} items; nothing changed)")
