"""``python -m kiosk``: a thin command line over the core. Parse arguments, call, map errors.

Examples::

    python -m kiosk                       # run the kiosk full screen
    python -m kiosk run --windowed        # run it in a window, for development
    python -m kiosk lessons check         # check every lesson file
    python -m kiosk lessons check lessons/payment/pay-shop-qr.toml
    python -m kiosk screenshot --screen step --lesson pay-shop-qr --step 2 --out step.png
    python -m kiosk audio build --engine espeak   # narration clips for every step, offline
    python -m kiosk i18n check            # translation catalogs complete and up to date
    python -m kiosk server serve --db server.db   # the managers' server (see docs/SERVER.md)
    python -m kiosk sync status           # statistics waiting to be sent (see docs/SYNC.md)
    python -m kiosk sync salvage          # queue figures left in a damaged progress file
    python -m kiosk volunteer set-pin     # the 6-digit PIN of the volunteer screen
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk.config import load_settings
from kiosk.i18n import LANGUAGES
from kiosk.lessons import Lesson, Library, lesson_files, load_library
from kiosk.lessons.checks import (
    CheckForm,
    CheckSet,
    check_files_in,
    is_check_file,
    load_checks,
    pair_problems,
)
from kiosk.lessons.library import check_files, load_topics

SCREENS = ("welcome", "start", "privacy", "profile", "pin", "topics", "lessons", "step", "done",
           "idle", "volunteer", "settings")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kiosk", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command")

    run = commands.add_parser("run", help="run the kiosk (the default)")
    run.add_argument("--windowed", action="store_true", help="run in a window, not full screen")

    lessons = commands.add_parser("lessons", help="work with lesson files")
    lesson_commands = lessons.add_subparsers(dest="lessons_command", required=True)
    check = lesson_commands.add_parser("check", help="check lesson files and list every problem")
    check.add_argument("paths", nargs="*", type=Path,
                       help="lesson files or folders (default: every lesson)")
    check.add_argument("--strict", action="store_true",
                       help="exit 1 on warnings too (untranslated, money in text, long "
                            "sentences, brand names)")

    i18n = commands.add_parser("i18n", help="translation catalogs (wraps pybabel)")
    i18n_commands = i18n.add_subparsers(dest="i18n_command", required=True)
    i18n_commands.add_parser("extract", help="source strings -> locales/*.pot")
    i18n_commands.add_parser("update", help="merge new strings into every language's .po")
    i18n_commands.add_parser("compile", help=".po -> .mo (the kiosk also reads fresh .po)")
    i18n_commands.add_parser("check", help="fail if a catalog is out of date, empty or fuzzy")
    init = i18n_commands.add_parser("init", help="start a new language")
    init.add_argument("language", help="a locale code, e.g. th or fil")

    audio = commands.add_parser("audio", help="narration clips")
    audio_commands = audio.add_subparsers(dest="audio_command", required=True)
    build = audio_commands.add_parser(
        "build", help="render every step's narration, in every language, into assets/audio")
    build.add_argument("--lang", action="append", choices=LANGUAGES,
                       help="only this language (repeatable; default: all)")
    build.add_argument("--engine", choices=("auto", "gtts", "espeak"), default="auto",
                       help="auto: gTTS if the service answers, else espeak-ng (default)")
    build.add_argument("--rate", action="append", choices=("normal", "slow"),
                       help="speech rate to build (repeatable; default: normal)")
    build.add_argument("--out", type=Path, help="clip folder (default: assets/audio)")
    build.add_argument("--prune", action="store_true",
                       help="delete clips that no step says any more")

    shot = commands.add_parser("screenshot", help="draw one screen headless into a PNG file")
    shot.add_argument("--screen", required=True, choices=SCREENS)
    shot.add_argument("--lesson", help="lesson id, for the lessons, step and done screens")
    shot.add_argument("--topic", help="topic id, for the lessons screen")
    shot.add_argument("--step", type=int, default=1, help="step number, counted from 1")
    shot.add_argument("--lang", help="language code")
    shot.add_argument("--out", required=True, type=Path, help="PNG file to write")
    shot.add_argument("--text-size", choices=("standard", "large", "largest"),
                      default="standard", help='the "Aa" control\'s text size')
    shot.add_argument("--high-contrast", action="store_true", help="the high-contrast theme")

    sync = commands.add_parser("sync", help="send anonymised statistics (see docs/SYNC.md)")
    sync_commands = sync.add_subparsers(dest="sync_command", required=True)
    enrol = sync_commands.add_parser("enrol", help="enrol this kiosk with a one-time code")
    enrol.add_argument("code", help="the code the programme manager gave, e.g. N3XX7-UARAJ")
    enrol.add_argument("--server", required=True, help="the server's address, https://...")
    enrol.add_argument("--insecure", action="store_true",
                       help="allow http:// to a server that is not this computer (the kiosk's "
                       "key then travels unencrypted)")
    now = sync_commands.add_parser("now", help="send waiting statistics now")
    now.add_argument("--retry-refused", action="store_true",
                     help="first put batches the server refused back in the queue")
    sync_commands.add_parser("status", help="what is waiting, the last success and problem")
    sync_commands.add_parser("salvage", help="queue the figures still waiting in a damaged "
                             "progress file (sync now does this by itself)")
    export = sync_commands.add_parser("export", help="write a signed bundle for a USB stick")
    export.add_argument("directory", type=Path, help="folder to write to, e.g. /media/usb")

    volunteer = commands.add_parser("volunteer", help="the volunteer screen's PIN")
    volunteer_commands = volunteer.add_subparsers(dest="volunteer_command", required=True)
    set_pin = volunteer_commands.add_parser(
        "set-pin", help="set or change the 6-digit volunteer PIN (asked twice, not shown)")
    set_pin.add_argument("--pin-from-stdin", action="store_true",
                         help="read the PIN from the first line of standard input (for scripts)")

    # Listed here for --help only: the server's own parser (and its packages: FastAPI, pydantic,
    # psycopg) load only when a server command runs, so the kiosk starts without them.
    commands.add_parser("server", help="the programme managers' server (see docs/SERVER.md)",
                        add_help=False)
    return parser


def server_main(argv: list[str]) -> int:
    """``python -m kiosk server ...``: needs the optional ``server`` packages."""
    try:
        from kiosk.server.cli import add_server_parser, run_server_command
    except ImportError as exc:
        print(f"The server needs its extra packages ({exc.name} is missing). Install them with "
              "./run server (or: pip install -e '.[server]').", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m kiosk")
    add_server_parser(parser.add_subparsers(dest="command", required=True))
    return int(run_server_command(parser.parse_args(argv)))


def lesson_warnings(lessons: Sequence[Lesson], locales_dir: Path) -> list[str]:
    """Warnings for lessons that load: languages they are not complete in (kiosk/i18n/coverage),
    then money in the text, long sentences and brand names (kiosk/lessons/style)."""
    from kiosk.i18n import SOURCE_LANGUAGE, translations_for
    from kiosk.i18n.coverage import lesson_strings, missing_strings, needs_translation
    from kiosk.lessons.style import load_brands, style_warnings

    catalogs = [translations_for(language, locales_dir) for language in LANGUAGES
                if language != SOURCE_LANGUAGE]
    brands = load_brands()
    out: list[str] = []
    for lesson in lessons:
        to_translate = sum(1 for s in lesson_strings(lesson) if needs_translation(s))
        for catalog in catalogs:
            missing = missing_strings(lesson, catalog)
            if missing:
                out.append(
                    f"warning: {lesson.path}: not completely translated into {catalog.language}"
                    f" ({len(missing)} of {to_translate} strings missing), so it "
                    f"is not listed in {catalog.language}; run python -m kiosk i18n extract, "
                    "then i18n update, translate, and i18n check")
        out.extend(f"warning: {w}" for w in style_warnings(lesson, catalogs, brands))
    return out


def check_warnings(forms: Sequence[CheckForm], locales_dir: Path) -> list[str]:
    """The lesson warnings for the before-and-after check forms: languages a form is not
    complete in (a form is shown in a language only when all of it is translated), then money,
    long sentences and brand names, in the items and in their "can" sentences."""
    from kiosk.i18n import SOURCE_LANGUAGE, translations_for
    from kiosk.i18n.coverage import needs_translation
    from kiosk.lessons.style import load_brands, style_warnings, text_warnings

    catalogs = [translations_for(language, locales_dir) for language in LANGUAGES
                if language != SOURCE_LANGUAGE]
    brands = load_brands()
    out: list[str] = []
    for form in forms:
        strings = [s for s in form.strings() if needs_translation(s)]
        for catalog in catalogs:
            missing = [s for s in strings if s not in catalog.lesson_messages]
            if missing:
                out.append(
                    f"warning: {form.path}: not completely translated into {catalog.language}"
                    f" ({len(missing)} of {len(strings)} strings missing), so the check is "
                    f"given in English in {catalog.language}; run python -m kiosk i18n extract, "
                    "then i18n update, translate, and i18n check")
        out.extend(f"warning: {w}" for w in style_warnings(form.as_lesson(), catalogs, brands))
        for number, can in enumerate(form.can, 1):
            versions = [(SOURCE_LANGUAGE, can, ""),
                        *((c.language, c.lessons.gettext(can), f"in {c.language}: ")
                          for c in catalogs)]
            for language, text, where in versions:
                if where and text == can:
                    continue  # untranslated: the English warning is the one to act on
                out.extend(f"warning: {form.path}: step {number}: can: {where}{message}"
                           for message in text_warnings(text, language, brands))
    return out


def _check_forms(paths: Sequence[Path], lessons_dir: Path, images_dir: Path,
                 topic_ids: list[str]) -> tuple[CheckSet, list[Path]]:
    """The check forms named (or, with no paths, all of them), parsed; other forms in the
    kiosk's folder count for duplicate ids and forms."""
    if not paths:
        files = check_files_in(lessons_dir)
    else:
        files = []
        for path in paths:
            if path.is_dir():
                files.extend(p for p in sorted(path.rglob("*.toml")) if is_check_file(p))
            elif is_check_file(path):
                files.append(path)
    named = {f.resolve() for f in files}
    checks = load_checks([p for p in check_files_in(lessons_dir) if p.resolve() not in named],
                         topic_ids, images_dir)
    checks.problems.clear()
    checks.files_checked = 0
    load_checks(files, topic_ids, images_dir, checks)
    if not paths:
        checks.problems.extend(pair_problems(checks, topic_ids))
    return checks, files


def check_lessons(paths: Sequence[Path], *, strict: bool = False) -> int:
    """Print every problem as ``PATH: step N: field: message``, then every warning; exit status 1
    if there is a problem (or, with ``strict``, a warning)."""
    settings = load_settings()
    if not paths:
        library = load_library(settings.lessons_dir, settings.images_dir)
    else:
        library = Library()
        library.topics, library.problems = load_topics(settings.lessons_dir)
        files: list[Path] = []
        for path in paths:
            files.extend(lesson_files(path) if path.is_dir()
                         else [] if is_check_file(path) else [path])
        # Lessons already in the kiosk's folder count for duplicate ids, except the files checked.
        named = {f.resolve() for f in files}
        others = [p for p in lesson_files(settings.lessons_dir) if p.resolve() not in named]
        check_files(others, [t.id for t in library.topics], settings.images_dir, library)
        library.problems.clear()
        library.files_checked = 0
        check_files(files, [t.id for t in library.topics], settings.images_dir, library)
    checks, _check_files = _check_forms(paths, settings.lessons_dir, settings.images_dir,
                                        [t.id for t in library.topics])
    problems = [*library.problems, *checks.problems]
    for problem in problems:
        print(problem)
    checked = sorted((lesson for lesson in library.lessons.values()
                      if not paths or lesson.path in set(files)),
                     key=lambda lesson: str(lesson.path))
    named_forms = {f.resolve() for f in _check_files}
    forms = sorted((f for f in checks.forms.values()
                    if f.path is not None and f.path.resolve() in named_forms),
                   key=lambda form: str(form.path))
    warnings = [*lesson_warnings(checked, settings.locales_dir),
                *check_warnings(forms, settings.locales_dir)]
    for warning in warnings:
        print(warning)
    bad = len({p.path for p in problems})
    good = library.files_checked + checks.files_checked - bad
    warned = f"; {len(warnings)} warning(s)" if warnings else ""
    if problems:
        print(f"{len(problems)} problem(s) in {bad} file(s); {good} lesson file(s) OK"
              f"{warned}.", file=sys.stderr)
        return 1
    steps = sum(lesson.step_count for lesson in checked)
    items = sum(form.item_count for form in forms)
    also = f", {len(forms)} check form(s) ({items} items)" if forms else ""
    print(f"All {good - len(forms)} lesson file(s) OK ({steps} steps){also}{warned}.")
    return 1 if strict and warnings else 0


def run_i18n(command: str, language: str | None) -> int:
    from kiosk.i18n import catalogs

    locales_dir = load_settings().locales_dir
    if command == "check":
        problems = catalogs.check(locales_dir)
        for problem in problems:
            print(problem)
        for path, counts in sorted(catalogs.to_do_counts(problems).items()):
            print(f"{path}: {catalogs.describe_counts(counts)}")
        if problems:
            print(f"{len(problems)} catalog problem(s).", file=sys.stderr)
            return 1
        print("Catalogs are complete and up to date.")
        return 0
    if command == "init":
        assert language is not None
        catalogs.init_language(language, locales_dir)
        return 0
    {"extract": catalogs.extract_all, "update": catalogs.update_all,
     "compile": catalogs.compile_all}[command](locales_dir)
    return 0


def run_sync(args: argparse.Namespace) -> int:
    from kiosk.sync import commands as sync

    settings = load_settings()
    if args.sync_command == "enrol":
        return sync.enrol_command(settings, args.code, args.server, insecure=args.insecure)
    if args.sync_command == "now":
        if args.retry_refused:
            sync.retry_refused(settings)
        return sync.now_command(settings)
    if args.sync_command == "status":
        return sync.status_command(settings)
    if args.sync_command == "export":
        return sync.export_command(settings, args.directory)
    if args.sync_command == "salvage":
        return sync.salvage_command(settings)
    raise AssertionError(args.sync_command)


def set_volunteer_pin(*, from_stdin: bool) -> int:
    """``volunteer set-pin``: ask twice (nothing shown), so a typo does not lock volunteers out."""
    from kiosk.volunteer import VolunteerAccess

    settings = load_settings()
    if from_stdin:
        pin = sys.stdin.readline().strip()
    else:
        try:
            pin = getpass.getpass("New volunteer PIN (6 numbers): ").strip()
            again = getpass.getpass("The same PIN again: ").strip()
        except (EOFError, KeyboardInterrupt):
            print("\nThe PIN was not changed.", file=sys.stderr)
            return 1
        if pin != again:
            print("The two PINs were not the same. The PIN was not changed; please try again.",
                  file=sys.stderr)
            return 1
    access = VolunteerAccess(settings.home)
    had_one = access.is_set()
    try:
        access.set_pin(pin)
    except ValueError as exc:
        print(f"{exc} The PIN was not changed.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Could not save the PIN in {settings.home}: {exc}", file=sys.stderr)
        return 1
    print(("The volunteer PIN was changed." if had_one else "The volunteer PIN is set.") +
          " The volunteer screen asks for it from now on.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["server"]:
        return server_main(arguments)
    args = _build_parser().parse_args(arguments)
    if args.command in (None, "run"):
        from kiosk.ui.launch import run_kiosk  # imported late: only the UI needs Kivy

        return int(run_kiosk(windowed=bool(getattr(args, "windowed", False))))
    if args.command == "lessons":
        logging.getLogger("kiosk.lessons").setLevel(logging.ERROR)  # problems are printed below
        return check_lessons(list(args.paths), strict=bool(args.strict))
    if args.command == "audio":
        from kiosk.speech.build import build_command  # imported late: gTTS pulls in requests

        return build_command(load_settings(), languages=args.lang, engine=args.engine,
                             rates=args.rate or ["normal"], out=args.out, prune=args.prune)
    if args.command == "i18n":
        return run_i18n(args.i18n_command, getattr(args, "language", None))
    if args.command == "sync":
        return run_sync(args)
    if args.command == "volunteer":
        return set_volunteer_pin(from_stdin=bool(args.pin_from_stdin))
    if args.command == "screenshot":
        from kiosk.ui.launch import screenshot

        return int(screenshot(screen=args.screen, lesson=args.lesson, topic=args.topic,
                              step=args.step, language=args.lang, out=args.out,
                              text_size=args.text_size, high_contrast=args.high_contrast))
    raise AssertionError(args.command)
