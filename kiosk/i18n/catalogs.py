"""The translation catalog workflow, wrapping ``pybabel extract / update / compile``.

::

    python -m kiosk i18n extract    # source strings -> locales/kiosk.pot, locales/lessons.pot
    python -m kiosk i18n update     # merge new strings into every language's .po files
    python -m kiosk i18n compile    # .po -> .mo (done by ./run; never edit a .mo by hand)
    python -m kiosk i18n check      # list every missing, empty or fuzzy entry, with counts
    python -m kiosk i18n init fr    # start a new language

Translators edit the ``.po`` files with any PO editor (Poedit, Lokalize, Weblate).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from kiosk.i18n import DOMAINS, LANGUAGES, LOCALES_DIR, SOURCE_LANGUAGE, languages_of
from kiosk.i18n.extract import extract_kv, extract_lessons

# The checkout the catalogs are extracted from (kiosk.config imports kiosk.i18n, so it is not
# asked: that would make a loop).
PROJECT_ROOT = LOCALES_DIR.parent

# UI strings come from Python code and .kv files; lesson text from the lesson files. The same
# mapping is in babel.cfg / babel-lessons.cfg for people who run pybabel by hand.
MAPPINGS = {
    # The server's words are its own domain (first matching pattern wins, so they are skipped
    # here): a learner's catalogs need not carry the managers' dashboard.
    "kiosk": [("kiosk/server/**", "ignore"), ("kiosk/**.py", "python"),
              ("kiosk/**.kv", "kiosk_kv")],
    "lessons": [("lessons/**.toml", "kiosk_lessons")],
    "server": [("kiosk/server/**.py", "python"), ("kiosk/server/templates/**.html", "jinja2")],
}
METHODS = {"kiosk_kv": extract_kv, "kiosk_lessons": extract_lessons,
           "jinja2": "jinja2.ext:babel_extract"}
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE)


def translated(domain: str) -> tuple[str, ...]:
    """The languages that need a ``domain`` catalog (the server's: Taiwan Chinese only)."""
    return tuple(lang for lang in languages_of(domain) if lang != SOURCE_LANGUAGE)


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])  # type: ignore[no-untyped-call]


def template_path(domain: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / f"{domain}.pot"


def po_path(language: str, domain: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / language / "LC_MESSAGES" / f"{domain}.po"


def extract(domain: str, output: Path) -> None:
    """Write the template (.pot) of ``domain``: the same as ``pybabel extract -F <cfg>``, with the
    project's extractors passed in directly so this works before the package is installed."""
    method_map = [(pattern, METHODS.get(method, method))
                  for pattern, method in MAPPINGS[domain]]
    catalog = Catalog(project="community-skills-kiosk", charset="utf-8")
    keywords = {"_": None, "gettext": None, "translate": None, "N_": None,
                "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
    # Babel takes a callable in place of a method name (its type hints only say str).
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PROJECT_ROOT), method_map=cast(Any, method_map), keywords=keywords,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                    context=context)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True, width=100)


def extract_all(locales_dir: Path = LOCALES_DIR) -> None:
    for domain in DOMAINS:
        extract(domain, template_path(domain, locales_dir))


def update_all(locales_dir: Path = LOCALES_DIR) -> None:
    """Merge the templates into every language; new strings arrive empty, never guessed."""
    for domain in DOMAINS:
        for language in translated(domain):
            po = po_path(language, domain, locales_dir)
            if not po.exists():
                _pybabel("init", "-D", domain, "-i", str(template_path(domain, locales_dir)),
                         "-d", str(locales_dir), "-l", language)
            else:
                _pybabel("update", "-D", domain, "-i", str(template_path(domain, locales_dir)),
                         "-d", str(locales_dir), "-l", language, "--no-fuzzy-matching",
                         "--ignore-obsolete")


def compile_all(locales_dir: Path = LOCALES_DIR) -> None:
    for domain in DOMAINS:
        for language in translated(domain):
            if po_path(language, domain, locales_dir).exists():
                _pybabel("compile", "-D", domain, "-d", str(locales_dir), "-l", language)


def init_language(language: str, locales_dir: Path = LOCALES_DIR) -> None:
    for domain in DOMAINS:
        if language not in languages_of(domain):
            continue  # a new learner language does not translate the managers' dashboard
        _pybabel("init", "-D", domain, "-i", str(template_path(domain, locales_dir)),
                 "-d", str(locales_dir), "-l", language)


# The kinds of problem that are entries a translator still has to do, counted per catalog.
TO_DO = ("missing", "not translated", "fuzzy")


@dataclass(frozen=True)
class CatalogProblem:
    path: Path
    message: str
    kind: str = "other"  # one of TO_DO, or "other" (out of date, broken, a bad placeholder)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def to_do_counts(problems: list[CatalogProblem]) -> dict[Path, Counter[str]]:
    """Per catalog, how many entries are missing, not translated and fuzzy."""
    counts: dict[Path, Counter[str]] = {}
    for problem in problems:
        if problem.kind in TO_DO:
            counts.setdefault(problem.path, Counter())[problem.kind] += 1
    return counts


def describe_counts(counts: Counter[str]) -> str:
    """"12 entries to do: 10 missing, 1 not translated, 1 fuzzy"."""
    parts = ", ".join(f"{counts[kind]} {kind}" for kind in TO_DO if counts[kind])
    total = sum(counts.values())
    return f"{total} {'entry' if total == 1 else 'entries'} to do: {parts}"


def _read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def check(locales_dir: Path = LOCALES_DIR) -> list[CatalogProblem]:
    """Everything that stops the catalogs from shipping: out of date, empty, fuzzy, broken."""
    problems: list[CatalogProblem] = []
    with tempfile.TemporaryDirectory() as scratch:
        for domain in DOMAINS:
            fresh_path = Path(scratch) / f"{domain}.pot"
            extract(domain, fresh_path)
            fresh = {m.id for m in _read(fresh_path) if m.id}
            template = template_path(domain, locales_dir)
            if not template.exists() or {m.id for m in _read(template) if m.id} != fresh:
                problems.append(CatalogProblem(template, "out of date with the source "
                                               "strings; run: python -m kiosk i18n extract"))
            for language in translated(domain):
                po = po_path(language, domain, locales_dir)
                if not po.exists():
                    problems.append(CatalogProblem(po, "missing; run: python -m kiosk i18n "
                                                   "update"))
                    continue
                catalog = _read(po, language)
                if catalog.fuzzy:
                    problems.append(CatalogProblem(po, "the header is marked fuzzy; pybabel "
                                                   "compile would skip the whole catalog"))
                ids = {m.id for m in catalog if m.id}
                # Every one, not the first few: a translator works through the whole list.
                for missing in sorted(str(i) for i in fresh - ids):
                    problems.append(CatalogProblem(po, f"no entry for {missing!r}; run: "
                                                   "python -m kiosk i18n update", "missing"))
                for message in catalog:
                    if not message.id:
                        continue
                    label = str(message.id if isinstance(message.id, str) else message.id[0])
                    if message.fuzzy:
                        problems.append(CatalogProblem(po, f"fuzzy: {label!r}", "fuzzy"))
                    strings = (message.string if isinstance(message.string, tuple | list)
                               else [message.string])
                    if not all(strings):
                        problems.append(CatalogProblem(po, f"not translated: {label!r}",
                                                       "not translated"))
                    for error in message.check(catalog):
                        problems.append(CatalogProblem(po, f"{label!r}: {error}"))
    return problems
