"""A Babel extraction method for lesson files, so ``pybabel extract`` finds lesson text.

Registered in pyproject.toml as the ``kiosk_lessons`` extractor; ``babel.cfg`` maps
``lessons/**.toml`` to it. Every string a learner sees becomes a message, with a comment saying
where it is used (e.g. ``pay-shop-qr, step 3 (tap): hint``) so translators have the context.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import IO, Any

# Fields that hold learner-facing text, wherever they appear in a lesson or topic file.
TEXT_FIELDS = ("title", "summary", "done", "remember", "text", "hint", "praise", "help",
               "feedback", "label", "sender", "source", "can")


def _strings(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """Yield (message, context) for every learner-facing string under ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("id", "kind", "topic", "app", "target", "answer", "element", "screen",
                        "picture", "value", "colour"):
                continue
            child = f"{where}: {key}" if where else key
            # A screen may be named like a text field ([screens.summary]): only a string or a
            # list is text; a table under such a name is searched like any other.
            # A check form's [[items]] are steps (kiosk/lessons/checks.py); an order step's
            # items are sentences.
            item_steps = (key == "items" and isinstance(value, list) and bool(value)
                          and all(isinstance(item, dict) for item in value))
            if ((key in TEXT_FIELDS or key == "items") and isinstance(value, (str, list))
                    and not item_steps):
                if isinstance(value, str):
                    yield value.strip(), child
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, str):
                            yield item.strip(), child
                        else:
                            yield from _strings(item, child)
            elif (key == "steps" and isinstance(value, list)) or item_steps:
                for number, step in enumerate(value, 1):
                    kind = step.get("kind", "?") if isinstance(step, dict) else "?"
                    label = "step" if key == "steps" else "item"
                    yield from _strings(step, f"{where} {label} {number} ({kind})".strip())
            else:
                yield from _strings(value, child)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, where)


def extract_lessons(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
                    options: dict[str, Any]) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor: yields ``(lineno, funcname, message, comments)``."""
    raw = fileobj.read()
    text = raw.decode("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # `python -m kiosk lessons check` reports broken files; extraction skips them
    name = data.get("id", "") if isinstance(data, dict) else ""
    lines = text.splitlines()
    for message, where in _strings(data, ""):
        if not message:
            continue
        lineno = next((i for i, line in enumerate(lines, 1) if message in line), 0)
        context = f"{name}, {where}" if name else where
        yield lineno, "_", message, [context]


KV_CALL = re.compile(r"""translate\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]""")
KV_CONTEXT = re.compile(
    r"""translate_in\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*[,)]""")
KV_PLURAL = re.compile(r"""ngettext\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*,""")


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def extract_kv(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
               options: dict[str, Any]) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Babel extractor for Kivy ``.kv`` files: every ``app.translate("...")``,
    ``app.translate_in("context", "...")`` (a msgctxt) and
    ``app.ngettext("...", "...", n, ...)``."""
    for lineno, line in enumerate(fileobj.read().decode("utf-8").splitlines(), 1):
        for match in KV_CALL.finditer(line):
            yield lineno, "translate", _unescape(match.group(1)), []
        for match in KV_CONTEXT.finditer(line):
            yield (lineno, "pgettext", (_unescape(match.group(1)), _unescape(match.group(2))),
                   [])
        for match in KV_PLURAL.finditer(line):
            yield (lineno, "ngettext", (_unescape(match.group(1)), _unescape(match.group(2))),
                   [])
