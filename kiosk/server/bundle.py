"""Import a signed USB bundle: the same checks as an HTTP upload, except clock freshness.

A bundle file (written by ``python -m kiosk sync export``) is::

    {"format": "kiosk-bundle/1",
     "requests": [{"method": "POST", "path": "/api/v1/batches",
                   "headers": {"X-Kiosk-Id": ..., "X-Timestamp": ..., "X-Nonce": ...,
                               "X-Signature": ...},
                   "body": "<the exact JSON text that was signed>"}]}

A single request object (without ``requests``) is accepted too. Importing the same bundle twice
changes nothing: every batch comes back "duplicate" (or its nonce "replayed").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.server.ingest import Ingestor
from kiosk.server.problems import Refusal
from kiosk.signing import BATCHES_PATH, BUNDLE_FORMAT


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


def import_bundle(ingestor: Ingestor, path: Path, *, now: float) -> ImportReport:
    report = ImportReport()
    try:
        data = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.refused += 1
        report.lines.append(f"{path}: cannot read the bundle: {exc}")
        return report
    entries, problem = _entries(data)
    if problem:
        report.refused += 1
        report.lines.append(f"{path}: {problem}")
    for number, entry in enumerate(entries, 1):
        where = f"{path}: request {number}"
        if not (isinstance(entry, dict) and isinstance(entry.get("headers"), dict)
                and isinstance(entry.get("body"), str)):
            report.refused += 1
            report.lines.append(f"{where}: refused: needs headers (an object) and body (text)")
            continue
        method, target = str(entry.get("method", "POST")), str(entry.get("path", BATCHES_PATH))
        if (method, target) != ("POST", BATCHES_PATH):
            report.refused += 1
            report.lines.append(f"{where}: refused: only POST {BATCHES_PATH} can be imported")
            continue
        headers = {str(k): str(v) for k, v in entry["headers"].items()}
        try:
            result = ingestor.upload(method=method, path=target, headers=headers,
                                     body=entry["body"].encode("utf-8"), now=now, from_bundle=True)
        except Refusal as refusal:
            report.refused += 1
            problems = "; ".join(f"{p.loc + ': ' if p.loc else ''}{p.message}"
                                 for p in refusal.problems)
            report.lines.append(f"{where}: refused ({refusal.status}): {problems}")
            continue
        if result.status == "accepted":
            report.accepted += 1
        else:
            report.duplicates += 1
        report.lines.append(f"{where}: batch {result.batch_id}: {result.status} "
                            f"({result.items} items)")
    return report
