"""Pronunciation lexicons: reviewed data files of word -> how to say it, one per language. No Kivy.

``kiosk/speech/lexicon/<language>.toml`` has two tables:

- ``[all]``: for every voice. Abbreviations (``"Dr." = "dokter"``), loan words spelt the way the
  language reads them (``"video" = "vi đê ô"``), names.
- ``[espeak]``: for espeak-ng only, where its Mandarin dictionary says what Beijing says and
  Taiwan says otherwise (訊息: 息 xí; 日期: 期 qí), or guesses a polyphone wrong (一行 háng, 得先
  děi). The spoken form is a character espeak-ng reads right (``"息" = "席"``) or pinyin with
  tone numbers, which its Mandarin voice reads as phonemes (``"得先" = "dei3先"``). Google's
  Taiwan voice reads these words right, so it gets them unchanged.

Longer words win over shorter ones (每一行 before 一行 before 行), and a word in a Latin script
only matches whole (``video`` but not ``videos``). A broken file is a clear error naming the file,
raised when the kiosk first speaks that language and by the tests.

>>> Lexicon({"Dr.": "dokter"}).apply("Dr. Chen")
'dokter Chen'
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
TABLES = ("all", "espeak")


class LexiconError(ValueError):
    """A lexicon file cannot be used; the message names the file and the entry."""


def _pattern(word: str) -> str:
    escaped = re.escape(word)
    # Whole words for Latin script; Chinese has no spaces, so a Chinese word matches anywhere.
    if word[:1].isascii() and word[:1].isalnum():
        escaped = r"(?<![\w])" + escaped
    if word[-1:].isascii() and word[-1:].isalnum():
        escaped += r"(?![\w])"
    return escaped


class Lexicon:
    """Word -> spoken form, applied over a whole sentence in one pass (longest word first)."""

    def __init__(self, entries: Mapping[str, str]) -> None:
        self.entries = dict(entries)
        words = sorted(self.entries, key=lambda w: (-len(w), w))
        self._regex = re.compile("|".join(_pattern(w) for w in words)) if words else None

    def apply(self, text: str) -> str:
        if self._regex is None:
            return text
        return self._regex.sub(lambda m: self.entries[m.group(0)], text)


def read_tables(path: Path) -> dict[str, dict[str, str]]:
    """The tables of one lexicon file, checked; LexiconError says what is wrong and where."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise LexiconError(f"{path}: cannot be read ({exc})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: is not valid TOML ({exc})") from exc
    tables: dict[str, dict[str, str]] = {}
    for name, table in data.items():
        if name not in TABLES:
            raise LexiconError(f"{path}: [{name}] is not a lexicon table; use "
                               f"{' or '.join(f'[{t}]' for t in TABLES)}")
        if not isinstance(table, dict):
            raise LexiconError(f"{path}: {name} must be a table of \"word\" = \"spoken form\"")
        for word, spoken in table.items():
            if not isinstance(spoken, str) or not word.strip() or not spoken.strip():
                raise LexiconError(f"{path}: [{name}] {word!r} must be given a spoken form in "
                                   "quotes, not empty")
        tables[name] = dict(table)
    return tables


def check_lexicons(folder: Path = LEXICON_DIR) -> list[str]:
    """Every problem in the lexicon files of ``folder``, in words a volunteer can act on."""
    problems = []
    for path in sorted(folder.glob("*.toml")):
        try:
            read_tables(path)
        except LexiconError as exc:
            problems.append(str(exc))
    return problems


def load_lexicon(language: str, engine: str, folder: Path = LEXICON_DIR) -> Lexicon:
    """The lexicon a voice uses for ``language``: ``[all]`` plus, for espeak-ng, ``[espeak]``
    (whose entries win). No file for the language: an empty lexicon."""
    path = folder / f"{language}.toml"
    if not path.is_file():
        return Lexicon({})
    tables = read_tables(path)
    entries = dict(tables.get("all", {}))
    if engine == "espeak":
        entries.update(tables.get("espeak", {}))
    return Lexicon(entries)
