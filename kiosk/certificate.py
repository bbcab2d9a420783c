"""A printable certificate (PDF) for a learner who finished a topic, in the learner's language.

A volunteer prints it, or saves it to a USB stick for the learner to take home. The caller passes
the words it already has in the learner's language (the picture's name, the topic and lesson
titles); the certificate's own fixed words are translated here for ``language`` without changing
the kiosk's current language, so the screen stays in the volunteer's language meanwhile.

>>> day = dt.date(2026, 11, 26)
>>> make_certificate(Path("/media/usb") / certificate_filename("tree", "payment", day),
...                  language="zh_Hant_TW", picture_label="樹",
...                  picture_png=Path("assets/pictures/tree.png"),
...                  topic_title="行動支付", lesson_titles=["用 QR 碼付款給商店"],
...                  completed_on=day, kiosk_place="社區活動中心")
PosixPath('/media/usb/certificate-2026-11-26-tree-payment.pdf')

Nothing here imports Kivy.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import logging
import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, WrapMode, XPos, YPos

from kiosk.config import Settings
from kiosk.files import write_atomic
from kiosk.i18n import N_, Translations
from kiosk.i18n import gettext as _

log = logging.getLogger(__name__)

# The certificate's fixed words, in the "kiosk" domain. Marked here, translated per certificate
# with the learner's catalog (not the kiosk's current language).
# TRANSLATORS: the heading of the printed certificate a learner takes home.
TITLE = N_("Certificate of completion")
# TRANSLATORS: learners sign in with a picture, not a name. {picture} is the picture's name
# (e.g. "tree"); the topic's title follows on the next line.
CERTIFIES = N_("This certifies that the learner with the picture {picture} has completed")
# TRANSLATORS: the heading above the list of lessons on the certificate.
LESSONS = N_("Lessons")
# TRANSLATORS: {date} is a date written out, e.g. "November 26, 2026".
COMPLETED_ON = N_("Completed on {date}")
# TRANSLATORS: {date} is a date written out; {place} is where the kiosk stands, e.g. a library.
COMPLETED_ON_AT = N_("Completed on {date} at {place}")
# TRANSLATORS: the last line of the certificate, to encourage the learner.
WELL_DONE = N_("Well done! You can use these skills every day.")

FONT = "NotoSansTC"
# One font covers Chinese, Latin and Vietnamese; fpdf2 embeds only the glyphs used (a few dozen
# kilobytes instead of 7 MB per file).
FONT_FILES = {"": "NotoSansTC-Regular.ttf", "B": "NotoSansTC-Bold.ttf"}

# A4 landscape, in millimetres.
PAGE_W, PAGE_H = 297.0, 210.0
BORDER = 9.0  # the outer frame's distance from the paper's edge (inside any printer's margin)
MARGIN_X = 25.0  # text keeps clear of the frame
MARGIN_Y = 20.0
LESSONS_MAX_W = 210.0  # a long line is hard to follow for older eyes
PICTURE_SIZE = 32.0
PT = 25.4 / 72  # millimetres per point
LEADING = 1.35  # line height as a multiple of the type size

INK = (33, 33, 33)  # near-black: full contrast without looking harsh on a home printer
FRAME = (40, 84, 110)
# Large type for older eyes: the smallest text is 16 pt. Only when a topic has many lessons
# does everything shrink, down to SMALLEST_SCALE (12 pt); past that, a second page follows.
SCALES = (1.0, 0.9, 0.8, 0.75)
SMALLEST_SCALE = SCALES[-1]


class CertificateError(Exception):
    """The certificate could not be saved; ``str()`` tells a volunteer what to do."""


@dataclass(frozen=True)
class _Paragraph:
    text: str
    size: float  # points, before scaling
    bold: bool = False
    gap: float = 0.0  # millimetres of space above, before scaling
    bullet: bool = False


def certificate_filename(picture: str, topic_id: str, completed_on: dt.date,
                         learner_id: str = "") -> str:
    """A file name safe on any USB stick (FAT included) and in any shell.

    Two learners may have the same picture and finish the same topic on the same day, so a
    learner's id adds a short tag of its own: their two certificates never overwrite each other,
    and making one learner's certificate again replaces only that learner's file. The tag is a
    hash, so the stick shows nothing of the id.

    >>> certificate_filename("tree", "payment", dt.date(2026, 11, 26))
    'certificate-2026-11-26-tree-payment.pdf'
    >>> certificate_filename("Café Olé!", "../x", dt.date(2026, 1, 2))
    'certificate-2026-01-02-cafe-ole-x.pdf'
    >>> certificate_filename("tree", "payment", dt.date(2026, 11, 26), "learner-1")
    'certificate-2026-11-26-tree-payment-d25b18ac.pdf'
    """
    tag = ("-" + hashlib.sha256(learner_id.encode("utf-8")).hexdigest()[:8]) if learner_id else ""
    return (f"certificate-{completed_on.isoformat()}-{_slug(picture, 'learner')}-"
            f"{_slug(topic_id, 'topic')}{tag}.pdf")


def _slug(text: str, fallback: str) -> str:
    # Accents dropped ("cây" -> "cay"); Vietnamese đ is a letter of its own, not d + a mark.
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")
    return slug or fallback


def make_certificate(out: Path, *, language: str, picture_label: str, picture_png: Path | None,
                     topic_title: str, lesson_titles: Sequence[str], completed_on: dt.date,
                     kiosk_place: str = "", assets_dir: Path | None = None,
                     locales_dir: Path | None = None) -> Path:
    """Write the certificate to ``out`` (whole or not at all) and return ``out``.

    ``picture_label``, ``topic_title`` and ``lesson_titles`` are already in ``language``.
    Raises :class:`CertificateError` when ``out``'s folder cannot be written.
    """
    settings = Settings()
    assets = assets_dir or settings.assets_dir
    words = Translations(language, locales_dir or settings.locales_dir).ui

    def say(message: str, **values: str) -> str:
        return _fill(words.gettext(message), message, values)

    date = format_date(completed_on, format="long", locale=language)
    place = _clean(kiosk_place)
    completed = (say(COMPLETED_ON_AT, date=date, place=place) if place
                 else say(COMPLETED_ON, date=date))
    paragraphs = [
        _Paragraph(say(TITLE), 34, bold=True),
        _Paragraph(say(CERTIFIES, picture=picture_label), 18, gap=5),
        _Paragraph(_clean(topic_title), 28, bold=True, gap=2),
    ]
    if lesson_titles:
        paragraphs.append(_Paragraph(say(LESSONS), 18, bold=True, gap=7))
        paragraphs += [_Paragraph(_clean(title), 16, gap=1, bullet=True)
                       for title in lesson_titles]
    paragraphs += [
        _Paragraph(completed, 16, gap=8),
        _Paragraph(say(WELL_DONE), 18, bold=True, gap=3),
    ]

    pdf = _Certificate()
    for style, name in FONT_FILES.items():
        pdf.add_font(FONT, style, str(assets / "fonts" / name))
    pdf.set_title(say(TITLE))
    pdf.set_lang(language.replace("_", "-"))  # so a screen reader reads it in the right voice
    pdf.add_page()
    top = MARGIN_Y
    if picture_png is not None and _draw_picture(pdf, picture_png):
        top += PICTURE_SIZE + 4
    # Chinese has no spaces between words: a line may break after any character.
    wrap = WrapMode.CHAR if language.startswith("zh") else WrapMode.WORD
    _draw_text(pdf, paragraphs, top=top, wrap=wrap)
    data = bytes(pdf.output())
    try:
        write_atomic(out, data)
    except OSError as exc:
        raise CertificateError(save_problem(exc, out.parent)) from exc
    return out


class _Certificate(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.set_margins(MARGIN_X, MARGIN_Y, MARGIN_X)
        self.set_auto_page_break(True, margin=MARGIN_Y)
        self.set_text_color(*INK)

    def header(self) -> None:
        # Every page gets the frame, should many lessons run onto a second one.
        self.set_draw_color(*FRAME)
        self.set_line_width(1.2)
        self.rect(BORDER, BORDER, PAGE_W - 2 * BORDER, PAGE_H - 2 * BORDER)
        self.set_line_width(0.4)
        inner = BORDER + 2.5
        self.rect(inner, inner, PAGE_W - 2 * inner, PAGE_H - 2 * inner)


def _draw_picture(pdf: FPDF, png: Path) -> bool:
    """The learner's picture, top centre. A missing or broken file leaves it out: the picture's
    name is still written in the text, and the volunteer still gets a certificate."""
    try:
        pdf.image(png, x=(PAGE_W - PICTURE_SIZE) / 2, y=MARGIN_Y, w=PICTURE_SIZE,
                  h=PICTURE_SIZE, keep_aspect_ratio=True)
    except (OSError, ValueError) as exc:  # PIL's "cannot identify image" is an OSError
        log.warning("Certificate without its picture %s: %s", png, exc)
        return False
    return True


def _draw_text(pdf: FPDF, paragraphs: Sequence[_Paragraph], *, top: float,
               wrap: WrapMode) -> None:
    """Centre the paragraphs in the space below ``top``, at the largest size that fits."""
    room = PAGE_H - MARGIN_Y - top
    scale, height, column = SMALLEST_SCALE, 0.0, 0.0
    for scale in SCALES:
        column = _lesson_column(pdf, paragraphs, scale)
        height = sum(_height(pdf, p, scale, column, wrap) for p in paragraphs)
        if height <= room:
            break
    pdf.set_y(top + max(0.0, (room - height) / 2))
    for paragraph in paragraphs:
        _set_font(pdf, paragraph, scale)
        line = paragraph.size * scale * PT * LEADING
        pdf.set_y(pdf.get_y() + paragraph.gap * scale)
        if paragraph.bullet:
            # A tick for each lesson done (the font's "•" is a small dot, easy to miss), hanging:
            # wrapped lines start under the text, not under the tick.
            indent = line * 0.9
            pdf.set_x((PAGE_W - column) / 2)
            pdf.set_text_color(*FRAME)
            pdf.set_font(FONT, "B", paragraph.size * scale)
            pdf.cell(indent, line, "✓")
            pdf.set_text_color(*INK)
            _set_font(pdf, paragraph, scale)
            pdf.multi_cell(column - indent, line, paragraph.text, align=Align.L,
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=wrap)
        else:
            pdf.multi_cell(0, line, paragraph.text, align=Align.C, new_x=XPos.LMARGIN,
                           new_y=YPos.NEXT, wrapmode=wrap)


def _lesson_column(pdf: FPDF, paragraphs: Sequence[_Paragraph], scale: float) -> float:
    """The lesson list is a left-aligned column centred on the page, as wide as its longest
    title (wrapping past LESSONS_MAX_W)."""
    widest = 0.0
    for paragraph in paragraphs:
        if paragraph.bullet:
            _set_font(pdf, paragraph, scale)
            indent = paragraph.size * scale * PT * LEADING * 0.9
            # + 2 c_margins: multi_cell keeps that much padding inside the cell
            widest = max(widest, indent + pdf.get_string_width(paragraph.text)
                         + 2 * pdf.c_margin + 0.5)
    return min(widest, LESSONS_MAX_W, PAGE_W - 2 * MARGIN_X)


def _height(pdf: FPDF, paragraph: _Paragraph, scale: float, column: float,
            wrap: WrapMode) -> float:
    _set_font(pdf, paragraph, scale)
    line = paragraph.size * scale * PT * LEADING
    width = column - line * 0.9 if paragraph.bullet else PAGE_W - 2 * MARGIN_X
    lines = pdf.multi_cell(width, line, paragraph.text, dry_run=True,
                           output=MethodReturnValue.LINES, wrapmode=wrap)
    assert isinstance(lines, list)
    return paragraph.gap * scale + line * max(1, len(lines))


def _set_font(pdf: FPDF, paragraph: _Paragraph, scale: float) -> None:
    pdf.set_font(FONT, "B" if paragraph.bold else "", paragraph.size * scale)


def _clean(text: str) -> str:
    # Composed Vietnamese letters (one glyph each in the font) instead of letter + combining
    # mark, which the PDF would draw side by side; the font has no U+202F (CLDR's narrow
    # no-break space), so an ordinary one stands in.
    return unicodedata.normalize("NFC", text).replace("\u202f", "\xa0").strip()


def _fill(translated: str, source: str, values: dict[str, str]) -> str:
    """Put values into a translated sentence; a translation whose {names} are broken falls back
    to the English sentence rather than stop the certificate."""
    clean = {name: _clean(value) for name, value in values.items()}
    for text in (translated, source):
        try:
            return _clean(string.Formatter().vformat(text, (), clean))
        except (ValueError, IndexError, KeyError, AttributeError):
            log.error("Broken placeholders in the translation of %r: %r", source, text)
    return _clean(source)


def save_problem(exc: OSError, folder: Path) -> str:
    """What a volunteer should do when the certificate cannot be saved in ``folder``: plain
    words in the kiosk's current language (the volunteer's, not the certificate's)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("The USB stick or disk is full, so the certificate was not saved. Delete some "
                 "files from it, or use another one, and try again.")
    if exc.errno == errno.EROFS:
        return _("The USB stick is locked (read-only), so the certificate was not saved. If it "
                 "has a small lock switch on its side, slide it the other way, put the stick "
                 "back in and try again. Or use another stick.")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _("The kiosk is not allowed to save files in the folder {folder}, so the "
                 "certificate was not saved. Try another USB stick.").format(folder=folder)
    if exc.errno in (errno.EIO, errno.ENODEV, errno.ENOENT, errno.ENXIO):
        return _("The folder {folder} cannot be reached, so the certificate was not saved. If "
                 "it is on a USB stick, check that the stick is pushed in all the way, then "
                 "try again.").format(folder=folder)
    return _("The certificate was not saved ({error}). Try again, or put in another USB "
             "stick.").format(error=exc.strerror or exc)
