"""The public digital-equity page: released figures anyone may read, no login (issue 16).

Off unless the server is started with ``--public-page``. It shows, for each released month and
quarter, learners who started and finished per topic, per language and per centre, with
completion rates — and nothing else: every figure is a cell of a stored release
(:mod:`kiosk.server.releases`) that the managers' dashboard also shows, suppressed exactly as
there. The lesson and funnel tables and the kiosks' last contact stay behind the login (a coarser
grain for the public). Because the public page repeats a subset of what a manager already sees,
it gives an attacker nothing more to combine: the privacy auditor's result covers it, and a test
checks the subset.

Open data: each release as CSV and JSON at a stable URL (``/equity/2026-11.json``), with a JSON
Schema (``/equity/schema.json``), a licence (CC BY 4.0) and a methods page
(``/equity/methods``) that states what is counted, what is never collected, how small numbers
are protected and what each release's own attacker check found.

    >>> public_rows([StoredCell("topics", "payment", "started", 0, 12, True),
    ...              StoredCell("topics", "payment", "finished", 1, 3, False),
    ...              StoredCell("lessons", "pay-shop-qr", "started", 2, 9, True)])
    [('topics', 'payment', 12, None)]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from kiosk.server.catalogue import Catalogue
from kiosk.server.config import ServerConfig
from kiosk.server.releases import make_releases
from kiosk.server.reports import LEARNER_LANGUAGES, choices, topic_title
from kiosk.server.storage import Store
from kiosk.server.storage import releases as saved
from kiosk.server.storage.releases import StoredCell
from kiosk.server.suppression import MARGIN, SUPPRESSED, THRESHOLD
from kiosk.server.words import LANG_COOKIE, Words, choose, switch_links

HERE = Path(__file__).parent
# Only these released tables are public; lessons and funnels are for managers.
PUBLIC_TABLES = ("total", "topics", "languages", "centres")
LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
SCHEMA_ID = "/equity/schema.json"
CSV_COLUMNS = ["period", "table", "key", "label", "started", "finished"]
PUBLIC_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
                               "font-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "public, max-age=3600",  # released figures never change
}

Row = tuple[str, str, int | None, int | None]  # table, key, started, finished (None: suppressed)


def public_rows(cells: list[StoredCell]) -> list[Row]:
    """The public tables' rows of one release, in release order; a suppressed cell is None."""
    rows: dict[tuple[str, str], dict[str, int | None]] = {}
    for c in cells:
        if c.table in PUBLIC_TABLES:
            rows.setdefault((c.table, c.row), {})[c.measure] = c.value if c.shown else None
    return [(table, key, values.get("started"), values.get("finished"))
            for (table, key), values in rows.items()]


def schema() -> dict[str, Any]:
    """The JSON Schema every ``/equity/<period>.json`` follows."""
    count = {"type": ["integer", "null"], "minimum": 0,
             "description": "null: not shown (suppressed to protect small numbers)"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Community skills kiosks: one released period's digital-equity figures",
        "type": "object",
        "required": ["period", "kind", "released_on", "licence", "method", "rows"],
        "additionalProperties": False,
        "properties": {
            "period": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$"},
            "kind": {"enum": ["month", "quarter"]},
            "released_on": {"type": "string", "format": "date"},
            "licence": {"type": "object", "required": ["name", "url"],
                        "properties": {"name": {"type": "string"},
                                       "url": {"type": "string"}}},
            "method": {"type": "string"},
            "rows": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": ["table", "key", "label", "started", "finished"],
                "properties": {
                    "table": {"enum": list(PUBLIC_TABLES)},
                    "key": {"type": "string",
                            "description": "topic id, language code, centre name, or 'all'"},
                    "label": {"type": "string"},
                    "started": count, "finished": count}}},
        },
    }


def build_equity(store: Store, catalogue: Catalogue, config: ServerConfig, *,
                 clock: Callable[[], float] = time.time) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    templates = Jinja2Templates(directory=str(HERE / "templates"))

    def words_of(request: Request) -> Words:
        return Words.of(choose(request.query_params.get("lang")
                               or request.cookies.get(LANG_COOKIE)))

    def released() -> dict[str, str]:
        """Every release, period -> kind, making any that are due first (as the dashboard
        does, so both show the same releases)."""
        today = dt.datetime.fromtimestamp(clock(), dt.UTC).date()
        make_releases(store, catalogue, today=today, delay_days=config.release_delay_days)
        return saved.released_periods(store)

    def label(words: Words, table: str, key: str) -> str:
        if table == "total":
            return words.gettext("All")
        if table == "topics":
            return topic_title(catalogue, words, key)
        if table == "languages":
            return words.language_name(key) if key in LEARNER_LANGUAGES else key
        return {c.id: c.name for c in store.centres()}.get(key, key)

    def centre_key(table: str, key: str) -> str:
        # Centre ids are the server's own; the open data names the centre instead.
        return {c.id: c.name for c in store.centres()}.get(key, key) if table == "centres" else key

    def not_here() -> Response:
        return Response("Not found.", status_code=404, media_type="text/plain")

    def page(request: Request, name: str, context: dict[str, object]) -> HTMLResponse:
        words = words_of(request)
        switch = switch_links(request.url.path, dict(request.query_params), words)
        response = templates.TemplateResponse(request, name, {
            **context, "_": words.gettext, "words": words, "switch": switch, "session": None,
            "suppressed": SUPPRESSED, "threshold": THRESHOLD, "margin": MARGIN,
            "licence": LICENCE})
        response.headers.update(PUBLIC_HEADERS)
        return response

    @router.get("/equity")
    def equity(request: Request) -> Response:
        if not config.public_page:
            return not_here()
        words = words_of(request)
        kinds = released()
        periods = choices(store)
        asked = request.query_params.get("period")
        if asked is not None and asked not in kinds:
            return Response("'period' must be a released month or quarter: "
                            + (", ".join(periods) or "none yet") + ".", status_code=400,
                            media_type="text/plain")
        period = asked or next((p for p in periods if "-Q" not in p), None)
        sections: list[dict[str, object]] = []
        if period:
            rows = public_rows(saved.release_cells(store, period))
            titles = {"total": words.gettext("All learners"),
                      "topics": words.gettext("By topic"),
                      "languages": words.gettext("By language"),
                      "centres": words.gettext("By centre")}
            for table in PUBLIC_TABLES:
                shown = [[label(words, t, key), _cell(started), _cell(finished),
                          words.rate(_cell(finished), _cell(started))]
                         for t, key, started, finished in rows if t == table]
                sections.append({"name": table, "title": titles[table], "rows": shown})
        return page(request, "equity.html", {
            "period": period, "periods": periods, "sections": sections,
            "delay_days": config.release_delay_days})

    @router.get("/equity/methods")
    def methods(request: Request) -> Response:
        if not config.public_page:
            return not_here()
        released()
        return page(request, "equity_methods.html", {"log": saved.release_log(store)})

    @router.get("/equity/schema.json")
    def schema_file() -> Response:
        if not config.public_page:
            return not_here()
        return Response(json.dumps(schema(), ensure_ascii=False, indent=2),
                        media_type="application/schema+json", headers=PUBLIC_HEADERS)

    @router.get("/equity/{period}.json")
    def release_json(period: str, request: Request) -> Response:
        if not config.public_page or period not in released():
            return not_here()
        return Response(json.dumps(open_data(request, period), ensure_ascii=False, indent=1),
                        media_type="application/json", headers={
                            **PUBLIC_HEADERS, "Content-Disposition":
                            f'inline; filename="kiosk-equity-{period}.json"'})

    @router.get("/equity/{period}.csv")
    def release_csv(period: str, request: Request) -> Response:
        if not config.public_page or period not in released():
            return not_here()
        data = open_data(request, period)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for row in data["rows"]:
            writer.writerow([period, row["table"], row["key"], row["label"],
                             "" if row["started"] is None else row["started"],
                             "" if row["finished"] is None else row["finished"]])
        return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={**PUBLIC_HEADERS, "Content-Disposition":
                                 f'attachment; filename="kiosk-equity-{period}.csv"'})

    def open_data(request: Request, period: str) -> dict[str, Any]:
        words = words_of(request)
        entry = next(e for e in saved.release_log(store) if e.period == period)
        return {"period": period, "kind": entry.kind, "released_on": entry.made_day,
                "licence": LICENCE, "method": "/equity/methods",
                "rows": [{"table": t, "key": centre_key(t, key), "label": label(words, t, key),
                          "started": started, "finished": finished}
                         for t, key, started, finished
                         in public_rows(saved.release_cells(store, period))]}

    return router


def _cell(value: int | None) -> str:
    return SUPPRESSED if value is None else str(value)
