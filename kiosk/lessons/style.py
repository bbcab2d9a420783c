"""Style warnings for lesson authors: what docs/WRITING.md asks for that a parser cannot refuse.

A lesson with a warning still loads and works; ``python -m kiosk lessons check`` prints each
warning (exit status 0, or 1 with ``--strict``). Three rules, checked in the English source and
in every translation the catalogs have for it:

- **Money typed into a sentence** ("Add NT$200", "200元", "$5"): amounts are values, written
  ``{price}`` and formatted for each language (docs/LESSON_FORMAT.md, "Values").
- **A sentence that is too long**: at most 15 words in English (docs/WRITING.md). Chinese has no
  spaces, so it is counted in characters; the translations' limits are what a 20-word English
  sentence comes to in each language (see MAX_LENGTH), so a faithful translation of a short
  sentence is not flagged, but one that grew is.
- **A real brand name** (kiosk/lessons/brands.txt): practice screens are safe copies with
  made-up names.

Kept apart from the validator (kiosk/lessons/parse.py), whose problems stop a lesson loading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kiosk.i18n import SOURCE_LANGUAGE, Translations
from kiosk.lessons.model import Lesson, Problem
from kiosk.lessons.text import located_strings

BRANDS_FILE = Path(__file__).resolve().parent / "brands.txt"

# docs/WRITING.md: "a sentence of at most about 15 words" (Be Connected, Learn My Way,
# GCFGlobal). Translations: 20 English words (15 and the "about") times the median length of a
# translation against its English source, rounded up, measured with length() below on the 8
# shipped lessons' catalogs (strings of 5 words or more) in December 2026: Chinese 1.43
# characters a word, Vietnamese 1.18 words (syllables), Indonesian 0.88 words. The longest
# shipped sentences are 15 English words, 27 Chinese characters, 22 and 16 words.
MAX_LENGTH = {"en": 15, "zh_Hant_TW": 29, "vi": 24, "id": 18}
DEFAULT_MAX_LENGTH = 24  # a language added later, until its own limit is measured

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# A sentence ends at . ! ? followed by a space (not the dot in "sunrise-bank-help.top"), or at
# Chinese full-width punctuation, which needs no space.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_RUN = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")

# Money written as figures: a currency sign or code next to a number, or a number followed by a
# currency word, in the four languages ("NT$ 1,000", "$5", "200元", "50.000 đồng", "Rp 5.000").
MONEY = re.compile(
    r"(?:NT\$|US\$|NTD|TWD|USD|VND|IDR|Rp\.?|[$€£¥₫])\s?\d(?:[\d.,]*\d)?"
    r"|\d[\d.,]*\s?(?:元|塊|块|萬元|đồng|₫|NT\$|NTD|TWD|USD|VND|IDR|rupiah|dollars?\b|dong\b)",
    re.IGNORECASE)


@dataclass(frozen=True)
class Brand:
    name: str
    pattern: re.Pattern[str]


def load_brands(path: Path = BRANDS_FILE) -> list[Brand]:
    """The names in ``path``: whole words, any letter case (``=Name``: exactly that case)."""
    brands: list[Brand] = []
    for line in path.read_text("utf-8").splitlines():
        name = "" if line.lstrip().startswith("#") else line.strip()
        if not name:
            continue
        exact = name.startswith("=")
        name = name.removeprefix("=").strip()
        # Whole words: no letter or digit may touch an ASCII end of the name. A Chinese name has
        # no word boundaries to look for, so it matches wherever it is written.
        before = r"(?<![0-9A-Za-z])" if name[0].isascii() else ""
        after = r"(?![0-9A-Za-z])" if name[-1].isascii() else ""
        flags = 0 if exact else re.IGNORECASE
        brands.append(Brand(name, re.compile(before + re.escape(name) + after, flags)))
    return brands


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if s.strip()]


def length(sentence: str, language: str) -> int:
    """Words, or for Chinese characters (a run of Latin letters or digits counts as one)."""
    sentence = PLACEHOLDER.sub(" X ", sentence)
    if language.startswith("zh"):
        return len(HAN.findall(sentence)) + len(LATIN_RUN.findall(sentence))
    return len(sentence.split())


def text_warnings(text: str, language: str, brands: Iterable[Brand]) -> list[str]:
    """What is wrong with one string in one language, in words an author can act on."""
    found: list[str] = []
    money = MONEY.search(PLACEHOLDER.sub("", text))
    if money:
        found.append(f"money typed into the text ({money.group(0).strip()!r}); write a value "
                     "such as {price} and define it in [values]")
    limit = MAX_LENGTH.get(language, DEFAULT_MAX_LENGTH)
    unit = "characters" if language.startswith("zh") else "words"
    for sentence in sentences(text):
        n = length(sentence, language)
        if n > limit:
            found.append(f"a sentence of {n} {unit} (at most {limit}): {sentence.strip()!r}; "
                         "split it in two")
    spans: list[tuple[int, int, str]] = [
        (m.start(), m.end(), brand.name) for brand in brands for m in brand.pattern.finditer(text)]
    for start, end, name in spans:
        # "LINE Pay" is one name, not also "LINE": a match inside a longer one is left out.
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans):
            message = f"real brand name {name!r}; use a made-up name"
            if message not in found:
                found.append(message)
    return found


def style_warnings(lesson: Lesson, translations: Iterable[Translations] = (),
                   brands: Iterable[Brand] | None = None) -> list[Problem]:
    """Every warning for ``lesson``: its English text, then each translation the catalogs have."""
    path = lesson.path or Path(lesson.id)
    brand_list = list(load_brands() if brands is None else brands)
    catalogs = [t for t in translations if t.language != SOURCE_LANGUAGE]
    out: list[Problem] = []
    for where in located_strings(lesson):
        if not where.text:
            continue
        for message in text_warnings(where.text, SOURCE_LANGUAGE, brand_list):
            out.append(Problem(path, where.field, message, step=where.step))
        for catalog in catalogs:
            translated = catalog.lessons.gettext(where.text)
            if translated == where.text:
                continue  # untranslated: the English warning above is the one to act on
            for message in text_warnings(translated, catalog.language, brand_list):
                out.append(Problem(path, where.field, f"in {catalog.language}: {message}",
                                   step=where.step))
    return out
