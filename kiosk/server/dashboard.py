"""The managers' dashboard: login, the report page, a CSV for every table, and the period's
report to hand on (a PDF and a ZIP of every CSV, :mod:`kiosk.server.exports`). HTML from Jinja2,
charts as inline SVG, no JavaScript at all, so it works on any phone and with no internet.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from kiosk.server.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    Session,
    Sessions,
    new_csrf_token,
    same_token,
)
from kiosk.server.catalogue import Catalogue
from kiosk.server.config import ServerConfig
from kiosk.server.exports import csv_name, csv_text, display, every_csv, report_pdf, report_zip
from kiosk.server.passwords import verify_password
from kiosk.server.ratelimit import RateLimiter
from kiosk.server.releases import make_releases
from kiosk.server.reports import Report, build_report, choices
from kiosk.server.storage import Store
from kiosk.server.suppression import MARGIN, SUPPRESSED, THRESHOLD
from kiosk.server.svg import bar_chart, column_chart
from kiosk.server.words import LANG_COOKIE, N_, Words, choose, switch_links

HERE = Path(__file__).parent
FONT = HERE.parents[1] / "assets" / "fonts" / "NotoSansTC-Regular.ttf"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
                               "font-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
QUERY_PARAMETERS = {"period", "lesson", "lang", "from", "to"}
# A wrong password costs the same scrypt as a right one; this only stops a flood.
LOGIN_ATTEMPTS_PER_MINUTE = 10


class BadQuery(Exception):
    """A query parameter the report does not take; ``str()`` says what to change."""


def legend(words: Words) -> str:
    """What "–" means and how the figures are protected, under every report."""
    return words.gettext(
        "{dash} = not shown. No number from 1 to {below} is shown, and some other numbers are "
        "not shown either: each release is checked by linear programming so that, as far as "
        "that check can tell from all the released figures together (treating counts as any "
        "number, not only whole ones), every number from 1 to {below} could still be anything "
        "from {margin} below it (or 0) to {margin} above it. A “{dash}” does not say why it is "
        "not shown. A completion rate (finished ÷ started) is not shown where either of its "
        "parts is not. Figures are made once per month and quarter and never change.").format(
            dash=SUPPRESSED, below=THRESHOLD - 1, margin=MARGIN)


def trend_query(request: Request) -> dict[str, str]:
    """The trend's asked range, kept in every link so a CSV holds what the page shows."""
    q = request.query_params
    return {k: q[k] for k in ("from", "to") if q.get(k)}


def trend_description(report: Report, words: Words) -> str:
    """The trend's figures in words: the chart's text alternative."""
    _ = words.gettext
    shown = [display(report.trend, row, words) for row in report.trend.rows]
    return " ".join([_("{month}: {started} started, {finished} finished.").format(
        month=r[0], started=r[1], finished=r[2]) for r in shown] + [_("– = not shown.")])


def trend_chart(report: Report, words: Words) -> str:
    """The trend's columns, drawn from the trend table's cells (nothing else), with the same
    figures in words as its text alternative; "" when there is no month to draw."""
    if not report.trend.rows:
        return ""
    _ = words.gettext
    shown = [display(report.trend, row, words) for row in report.trend.rows]
    months = report.trend_months
    under = [words.year(m) if i == 0 or m.endswith("-01") else "" for i, m in enumerate(months)]
    return column_chart(_("Learners who started and finished, month by month"),
                        trend_description(report, words),
                        [words.month_short(m) for m in months], under,
                        [(_("Started"), "started", [r[1] for r in shown]),
                         (_("Finished"), "finished", [r[2] for r in shown])],
                        gap_word=_("not shown"))


def build_dashboard(store: Store, catalogue: Catalogue, config: ServerConfig, *,
                    clock: Callable[[], float] = time.time) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    sessions = Sessions(store.session_secret(), store=store, clock=clock)
    login_limiter = RateLimiter(LOGIN_ATTEMPTS_PER_MINUTE)
    cookie_flags = {"httponly": True, "samesite": "strict", "secure": config.secure_cookies}

    def session_of(request: Request) -> Session | None:
        session = sessions.read(request.cookies.get(SESSION_COOKIE))
        if session is None or store.manager_password_hash(session.email) is None:
            return None  # a removed manager's cookie stops working at once
        return session

    def words_of(request: Request) -> Words:
        """The manager's language: ``?lang=`` (remembered in a cookie), else the cookie, else
        Taiwan Chinese."""
        return Words.of(choose(request.query_params.get("lang")
                               or request.cookies.get(LANG_COOKIE)))

    def page(request: Request, name: str, context: dict[str, object],
             status: int = 200) -> HTMLResponse:
        words = words_of(request)
        switch = switch_links(request.url.path, dict(request.query_params), words)
        response = templates.TemplateResponse(request, name, {
            **context, "_": words.gettext, "words": words, "switch": switch},
            status_code=status)
        response.headers.update(SECURITY_HEADERS)
        if request.query_params.get("lang") == words.language:
            response.set_cookie(LANG_COOKIE, words.language, max_age=365 * 86400,
                                samesite="strict", secure=config.secure_cookies)
        return response

    def login_page(request: Request, error: str = "", status: int = 200) -> HTMLResponse:
        error = words_of(request).gettext(error) if error else error
        token = new_csrf_token()
        response = page(request, "login.html", {"csrf": token, "error": error}, status)
        response.set_cookie(CSRF_COOKIE, token, max_age=3600, **cookie_flags)  # type: ignore[arg-type]
        return response

    @router.get("/")
    def root() -> RedirectResponse:
        return RedirectResponse("/dashboard", status_code=303)

    @router.get("/static/dashboard.css")
    def css() -> FileResponse:
        return FileResponse(HERE / "static" / "dashboard.css", media_type="text/css")

    @router.get("/static/NotoSansTC-Regular.ttf")
    def font() -> FileResponse:
        # The kiosk's own Chinese font, for a browser with none (a bare Linux desktop): fetched
        # only for characters the manager's own fonts lack, never from a CDN.
        return FileResponse(FONT, media_type="font/ttf",
                            headers={"Cache-Control": "public, max-age=604800"})

    @router.get("/login")
    def login_form(request: Request) -> HTMLResponse:
        return login_page(request)

    @router.post("/login", response_model=None)
    async def login(request: Request, email: str = Form(""), password: str = Form(""),
                    csrf: str = Form("")) -> Response:
        if not same_token(csrf, request.cookies.get(CSRF_COOKIE)):
            return login_page(request, N_("The form had expired. Please try again."), 403)
        client = request.client.host if request.client else "?"
        if login_limiter.check(client, now=clock()):
            return login_page(request, N_("Too many attempts. Wait a minute and try again."), 429)
        stored = store.manager_password_hash(email)
        ok = await run_in_threadpool(verify_password, password, stored or _DUMMY_HASH)
        if not (ok and stored):
            return login_page(request, N_("Wrong e-mail address or password."), 401)
        response = RedirectResponse("/dashboard", status_code=303)
        response.set_cookie(SESSION_COOKIE, sessions.issue(email.strip().lower()),
                            max_age=12 * 3600, **cookie_flags)  # type: ignore[arg-type]
        response.delete_cookie(CSRF_COOKIE)
        return response

    @router.post("/logout")
    def logout(request: Request, csrf: str = Form("")) -> RedirectResponse:
        session = session_of(request)
        response = RedirectResponse("/login", status_code=303)
        if session and same_token(csrf, session.csrf):
            sessions.end(session)  # on the server too: a saved copy of the cookie stops working
            response.delete_cookie(SESSION_COOKIE)
        return response

    def report_for(request: Request) -> Report:
        """The report the query asks for, or :class:`BadQuery` saying what to change."""
        today = dt.datetime.fromtimestamp(clock(), dt.UTC).date()
        make_releases(store, catalogue, today=today, delay_days=config.release_delay_days)
        q = request.query_params
        unknown = sorted(set(q) - QUERY_PARAMETERS)
        if unknown:
            raise BadQuery(f"Unknown setting {unknown[0]!r}. The report takes only 'period' (a "
                           "released month like 2026-11 or quarter like 2026-Q4), 'lesson' "
                           "(for the funnel) and 'from' and 'to' (released months, for the "
                           "trend); there are no free time windows.")
        periods = choices(store)
        period = q.get("period") or next((p for p in periods if "-Q" not in p), None)
        if period is not None and period not in periods:
            raise BadQuery("'period' must be a released month or quarter: "
                           + (", ".join(periods) or "none yet") + ".")
        months = sorted(p for p in periods if "-Q" not in p)
        trend_range = None
        if q.get("from") or q.get("to"):
            trend_range = (q.get("from") or "", q.get("to") or "")
            if not (set(trend_range) <= set(months) and trend_range[0] <= trend_range[1]):
                raise BadQuery("'from' and 'to' must both be released months, 'from' not after "
                               "'to': " + (", ".join(months) or "none yet") + ".")
        words = words_of(request)
        report = build_report(store, catalogue, period, None, today=today,
                              quiet_days=config.quiet_days, words=words,
                              trend_range=trend_range)
        lesson = q.get("lesson") or None
        if lesson is not None:
            if lesson not in {x for x, _ in report.lesson_choices}:
                raise BadQuery("'lesson' must be a lesson with a funnel in this release: "
                               + (", ".join(x for x, _ in report.lesson_choices) or "none")
                               + ".")
            report = build_report(store, catalogue, period, lesson, today=today,
                                  quiet_days=config.quiet_days, words=words,
                                  trend_range=trend_range)
        return report

    def bad_query(problem: BadQuery) -> Response:
        return Response(str(problem), status_code=400, media_type="text/plain",
                        headers=SECURITY_HEADERS)

    @router.get("/dashboard", response_model=None)
    def dashboard(request: Request) -> Response:
        session = session_of(request)
        if session is None:
            return RedirectResponse("/login", status_code=303)
        try:
            report = report_for(request)
        except BadQuery as problem:
            return bad_query(problem)
        words = words_of(request)
        _ = words.gettext
        trend = trend_chart(report, words)
        steps = [display(report.funnel, row, words) for row in report.funnel.rows]
        funnel = bar_chart(report.funnel.title,
                           [_("Step {number}").format(number=r[0]) for r in steps],
                           [(_("Reached"), "reached", [r[1] for r in steps])])
        query = urlencode({"period": report.period or "",
                           **({"lesson": report.funnel_lesson} if report.funnel_lesson else {}),
                           **trend_query(request)})
        return page(request, "dashboard.html", {
            "report": report, "session": session,
            "trend_chart": trend,
            "funnel_chart": funnel if report.funnel.rows else "",
            "display": lambda table, row: display(table, row, words),
            "query": query, "suppressed": SUPPRESSED, "legend": legend(words),
            "threshold": THRESHOLD, "margin": MARGIN,
            "delay_days": config.release_delay_days})

    @router.get("/dashboard/{name}.csv", response_model=None)
    def table_csv(name: str, request: Request) -> Response:
        if session_of(request) is None:
            return Response("Log in first.", status_code=401, media_type="text/plain")
        try:
            report = report_for(request)
        except BadQuery as problem:
            return bad_query(problem)
        table = report.table(name)
        if table is None:
            return Response("No such table.", status_code=404, media_type="text/plain")
        filename = csv_name(report, name)
        return Response(csv_text(report, table, words_of(request)),
                        media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                 **SECURITY_HEADERS})

    def period_files(request: Request) -> tuple[Report, list[Report], Words] | Response:
        """The report of the asked period, and the same once per lesson (each funnel)."""
        if session_of(request) is None:
            return Response("Log in first.", status_code=401, media_type="text/plain")
        try:
            report = report_for(request)
        except BadQuery as problem:
            return bad_query(problem)
        if report.period is None:
            return Response("No report yet.", status_code=404, media_type="text/plain")
        words = words_of(request)
        today = dt.datetime.fromtimestamp(clock(), dt.UTC).date()
        funnels = [build_report(store, catalogue, report.period, lesson, today=today,
                                quiet_days=config.quiet_days, words=words)
                   for lesson, _title in report.lesson_choices]
        return report, funnels, words

    def attachment(content: bytes, media_type: str, filename: str) -> Response:
        return Response(content, media_type=media_type, headers={
            "Content-Disposition": f'attachment; filename="{filename}"', **SECURITY_HEADERS})

    @router.get("/dashboard/report.zip", response_model=None)
    def period_zip(request: Request) -> Response:
        found = period_files(request)
        if isinstance(found, Response):
            return found
        report, funnels, words = found
        by_lesson = {one.funnel_lesson: one for one in funnels}
        files = every_csv(report, lambda lesson: by_lesson[lesson], words)
        return attachment(report_zip(files), "application/zip",
                          f"kiosk-report-{report.period}.zip")

    @router.get("/dashboard/report.pdf", response_model=None)
    async def period_pdf(request: Request) -> Response:
        found = await run_in_threadpool(period_files, request)
        if isinstance(found, Response):
            return found
        report, funnels, words = found
        # Embedding the Chinese font takes a second or two: not on the event loop.
        pdf = await run_in_threadpool(
            report_pdf, report, funnels, words, legend=legend(words),
            trend_title=trend_description(report, words))
        return attachment(pdf, "application/pdf", f"kiosk-report-{report.period}.pdf")

    return router


# Checked when the e-mail is unknown, so an unknown address takes as long as a known one.
_DUMMY_HASH = ("scrypt$16384$8$1$00000000000000000000000000000000$"
               "0000000000000000000000000000000000000000000000000000000000000000")
