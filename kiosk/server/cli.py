"""``python -m kiosk server ...``: thin commands over the server core.

Examples::

    python -m kiosk server serve --db /var/lib/kiosk-server/server.db
    python -m kiosk server add-centre "Wanhua Community Centre"
    python -m kiosk server enrol-code --centre "Wanhua Community Centre"
    python -m kiosk server add-manager manager@example.org          # asks for the password
    python -m kiosk server list-kiosks --centre "Wanhua Community Centre"  # a stolen kiosk:
    python -m kiosk server revoke-kiosk k-3f9a0c2b1d7e                # find it, then revoke it
    python -m kiosk server move-kiosk k-3f9a0c2b1d7e --centre "Beitou Library"
    python -m kiosk server list-centres
    python -m kiosk server list-managers
    python -m kiosk server reset-password m@example.org              # asks for the new one
    python -m kiosk server remove-manager m@example.org
    python -m kiosk server import-bundle /media/usb/kiosk-bundle.json
    python -m kiosk server release --month 2026-11                # without waiting for the delay

Nothing heavy is imported until a command runs, so ``python -m kiosk --help`` stays fast and the
kiosk itself never loads FastAPI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import shlex
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

from kiosk.server.config import DEFAULT_PORT, ServerConfig, default_db, describe_db


def add_server_parser(commands: Any) -> None:
    server = commands.add_parser("server", help="the programme managers' reports server")
    sub = server.add_subparsers(dest="server_command", required=True)

    def with_db(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--db", default=None,
                            help="SQLite file or postgresql:// URL (default: $KIOSK_SERVER_DB, "
                                 "else server.db in the kiosk's data folder)")
        return parser

    serve = with_db(sub.add_parser("serve", help="run the API and dashboard"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--lessons", type=Path, default=None,
                       help="lessons folder: refuse batches naming any other lesson")
    serve.add_argument("--rate-limit", type=int, default=60, metavar="N",
                       help="requests per kiosk per minute (default 60)")
    serve.add_argument("--secure-cookies", action="store_true",
                       help="mark the login cookie Secure (set this behind an HTTPS proxy)")
    serve.add_argument("--quiet-days", type=int, default=7,
                       help="a kiosk with no batch for this many days is listed as quiet")
    serve.add_argument("--release-delay-days", type=int, default=3, metavar="N",
                       help="release a month's report N days after it ends (default 3)")
    serve.add_argument("--public-page", action="store_true",
                       help="serve the public digital-equity page /equity (no login) with its "
                            "open data and methods page; off by default")

    centre = with_db(sub.add_parser("add-centre", help="add a community centre"))
    centre.add_argument("name")

    code = with_db(sub.add_parser("enrol-code", help="make a one-time code to enrol one kiosk"))
    code.add_argument("--centre", required=True, help="the centre's name, as added")
    code.add_argument("--days", type=int, default=7, help="days the code stays valid")

    manager = with_db(sub.add_parser("add-manager", help="add a dashboard login"))
    manager.add_argument("email")
    manager.add_argument("--password-stdin", action="store_true",
                         help="read the password from the first line of standard input")

    revoke = with_db(sub.add_parser("revoke-kiosk", help="refuse every further upload"))
    revoke.add_argument("kiosk_id")

    kiosks = with_db(sub.add_parser(
        "list-kiosks", help="every kiosk: id, centre, last contact, revoked (quietest first)"))
    kiosks.add_argument("--centre", default=None, help="only this centre's kiosks")
    with_db(sub.add_parser("list-centres", help="every centre and how many kiosks it has"))
    with_db(sub.add_parser("list-managers", help="every dashboard login"))

    reset = with_db(sub.add_parser("reset-password",
                                   help="give a manager a new password (ends their sessions)"))
    reset.add_argument("email")
    reset.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of standard input")
    remove = with_db(sub.add_parser("remove-manager", help="remove a dashboard login at once"))
    remove.add_argument("email")

    move = with_db(sub.add_parser("move-kiosk", help="give a kiosk to another centre"))
    move.add_argument("kiosk_id")
    move.add_argument("--centre", required=True, help="the new centre's name, as added")

    bundle = with_db(sub.add_parser("import-bundle", help="import a signed USB bundle"))
    bundle.add_argument("file", type=Path)
    bundle.add_argument("--lessons", type=Path, default=None)

    release = with_db(sub.add_parser(
        "release", help="make the reports of ended months now (each is made once, then kept)"))
    release.add_argument("--month", default=None, metavar="YYYY-MM",
                         help="release every month up to this one (default: up to last month)")
    release.add_argument("--lessons", type=Path, default=None)


def run_server_command(args: argparse.Namespace) -> int:
    from kiosk.server.storage import StoreError, open_store

    db = args.db or default_db()
    if args.server_command == "serve":
        return _serve(args, db)
    store = open_store(db)
    try:
        if args.server_command == "add-centre":
            centre = store.add_centre(args.name, now=time.time())
            # Quoted for the shell, so the line can be pasted back whatever the name holds.
            print(f"Added centre {centre.name!r}. Next: python -m kiosk server enrol-code "
                  f"--centre {shlex.quote(centre.name)}"
                  + (f" --db {shlex.quote(args.db)}" if args.db else ""))
        elif args.server_command == "enrol-code":
            code = store.create_enrolment_code(args.centre, now=time.time(), days=args.days)
            print(code)
            print(f"Type this code on the kiosk at {args.centre} within {args.days} days. "
                  "It works once.", file=sys.stderr)
        elif args.server_command == "add-manager":
            return _add_manager(store, args.email, args.password_stdin)
        elif args.server_command == "revoke-kiosk":
            if not store.revoke_kiosk(args.kiosk_id):
                print(f"No kiosk {args.kiosk_id!r}.", file=sys.stderr)
                return 1
            print(f"Kiosk {args.kiosk_id} revoked: its uploads are now refused.")
        elif args.server_command == "list-kiosks":
            return _list_kiosks(store, args.centre)
        elif args.server_command == "list-centres":
            counts: dict[str, int] = {}
            for kiosk in store.kiosks():
                counts[kiosk.centre_id] = counts.get(kiosk.centre_id, 0) + 1
            _print_table(["Centre", "Id", "Kiosks"],
                         [[c.name, c.id, str(counts.get(c.id, 0))] for c in store.centres()])
        elif args.server_command == "list-managers":
            _print_table(["Manager", "Added"], [list(m) for m in store.managers()])
        elif args.server_command == "reset-password":
            return _reset_password(store, args.email, args.password_stdin)
        elif args.server_command == "remove-manager":
            store.remove_manager(args.email)
            print(f"Manager {args.email.strip().lower()} removed: they are logged out now and "
                  "cannot log in again.")
        elif args.server_command == "move-kiosk":
            kiosk = store.move_kiosk(args.kiosk_id, args.centre)
            print(f"Kiosk {kiosk.id} now belongs to {kiosk.centre_name}. Reports released from "
                  "now on count everything it has sent at this centre.")
        elif args.server_command == "import-bundle":
            return _import_bundle(store, args.file, args.lessons)
        elif args.server_command == "release":
            return _release(store, args.month, args.lessons)
        else:
            raise AssertionError(args.server_command)
    except StoreError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def _serve(args: argparse.Namespace, db: str) -> int:
    import uvicorn

    from kiosk.server.app import create_app
    from kiosk.server.ingest import Limits
    from kiosk.server.storage import open_store

    config = ServerConfig(db=db, host=args.host, port=args.port, lessons_dir=args.lessons,
                          limits=Limits(requests_per_minute=args.rate_limit),
                          secure_cookies=args.secure_cookies, quiet_days=args.quiet_days,
                          release_delay_days=args.release_delay_days,
                          public_page=args.public_page)
    store = open_store(db)
    print(f"Kiosk server, {store.kind} database: {describe_db(db)}", flush=True)
    print(f"Dashboard: {config.dashboard_url}", flush=True)
    if config.public_page:
        print(f"Public page: {config.dashboard_url.removesuffix('/dashboard')}/equity",
              flush=True)
    if store.manager_count() == 0:
        db_arg = "" if args.db is None else f" --db {json.dumps(args.db)}"
        print("No manager can log in yet. Create the first one with:\n"
              f"  python -m kiosk server add-manager you@example.org{db_arg}", flush=True)
    app = create_app(config, store=store)
    # No access log: it would record the addresses of community centres with every request.
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    store.close()
    return 0


def _add_manager(store: Any, email: str, from_stdin: bool) -> int:
    from kiosk.server.passwords import hash_password, password_problem

    if "@" not in email:
        print("Error: give the manager's e-mail address.", file=sys.stderr)
        return 1
    password = _new_password(from_stdin, f"add-manager {shlex.quote(email)}")
    if password is None:
        return 2
    problem = password_problem(password)
    if problem:
        print(f"Error: {problem}.", file=sys.stderr)
        return 1
    store.add_manager(email, hash_password(password), now=time.time())
    print(f"Manager {email.strip().lower()} added; they can now log in to the dashboard.")
    return 0


def _new_password(from_stdin: bool, command: str) -> str | None:
    """The password from standard input's first line, or asked twice at a terminal; None (after
    saying what to do) when there is no terminal to ask at, or the two typings differ."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        print("Error: no terminal to ask for the password at. Run it in a terminal, or give the "
              "password on standard input:\n"
              f"  printf '%s\\n' \"$PASSWORD\" | python -m kiosk server {command} "
              "--password-stdin", file=sys.stderr)
        return None
    password = getpass.getpass("Password: ")
    if getpass.getpass("Same password again: ") != password:
        print("Error: the two passwords differ.", file=sys.stderr)
        return None
    return password


def _reset_password(store: Any, email: str, from_stdin: bool) -> int:
    from kiosk.server.passwords import hash_password, password_problem

    if store.manager_password_hash(email) is None:
        print(f"Error: no manager {email.strip().lower()!r} (see list-managers).",
              file=sys.stderr)
        return 1
    password = _new_password(from_stdin, f"reset-password {shlex.quote(email)}")
    if password is None:
        return 2
    problem = password_problem(password)
    if problem:
        print(f"Error: {problem}.", file=sys.stderr)
        return 1
    store.set_manager_password(email, hash_password(password))
    print(f"New password set for {email.strip().lower()}; their open sessions have ended.")
    return 0


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        print("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True))
              .rstrip())


def _list_kiosks(store: Any, centre: str | None) -> int:
    kiosks = store.kiosks()
    if centre is not None:
        if centre not in {c.name for c in store.centres()}:
            print(f"Error: no centre called {centre!r} (see list-centres).", file=sys.stderr)
            return 1
        kiosks = [k for k in kiosks if k.centre_name == centre]
    today = dt.datetime.now(dt.UTC).date()

    def days(kiosk: Any) -> int:
        return (today - dt.date.fromisoformat(kiosk.last_seen_day or kiosk.enrolled_day)).days

    # The quietest first: a stolen or unplugged kiosk is at the top of its list.
    rows = [[k.id, k.centre_name, k.last_seen_day or "never", str(days(k)),
             "revoked" if k.revoked else ""]
            for k in sorted(kiosks, key=lambda k: (k.revoked, -days(k), k.id))]
    _print_table(["Kiosk", "Centre", "Last contact", "Days since", "Revoked"], rows)
    return 0


def _import_bundle(store: Any, path: Path, lessons: Path | None) -> int:
    from kiosk.server.bundle import import_bundle
    from kiosk.server.catalogue import Catalogue
    from kiosk.server.ingest import Ingestor

    catalogue = Catalogue.from_dir(lessons) if lessons else Catalogue.guess()
    report = import_bundle(Ingestor(store, catalogue), path, now=time.time())
    for line in report.lines:
        print(line)
    print(f"{report.accepted} accepted, {report.duplicates} already imported, "
          f"{report.refused} refused.")
    return 1 if report.refused else 0


def _release(store: Any, month: str | None, lessons: Path | None) -> int:
    import datetime as dt

    from kiosk.server.catalogue import Catalogue
    from kiosk.server.releases import last_ended_month, make_releases, parse_month

    today = dt.datetime.now(dt.UTC).date()
    try:
        if month is not None:
            parse_month(month)
        made = make_releases(store, Catalogue.from_dir(lessons) if lessons else Catalogue.guess(),
                             today=today, up_to=month or last_ended_month(today, 0))
    except ValueError as exc:
        print(f"Error: {exc}.", file=sys.stderr)
        return 1
    if made:
        print("Released: " + ", ".join(made) + ". Published figures are never changed.")
    else:
        print("Nothing to release: every ended month already has its report (or no figures yet).")
    return 0
