"""Completion certificates: real PDFs, read back with pypdf.

The certificate's fixed words may not be translated yet in locales/, so the tests expect whatever
the learner's catalog gives (English until a translator adds the words), and check translation
itself with a small catalog of their own.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw
from pypdf import PdfReader

from kiosk.certificate import (
    CERTIFIES,
    COMPLETED_ON,
    LESSONS,
    MARGIN_X,
    TITLE,
    WELL_DONE,
    CertificateError,
    certificate_filename,
    make_certificate,
    save_problem,
)
from kiosk.config import PROJECT_ROOT
from kiosk.i18n import Translations, current_language

DAY = dt.date(2026, 11, 26)
FONTS = PROJECT_ROOT / "assets" / "fonts"
MM = 72 / 25.4  # PDF points per millimetre
A4_LANDSCAPE = (297 * MM, 210 * MM)

ENGLISH = {"language": "en", "picture_label": "tree", "topic_title": "Mobile payment",
           "lesson_titles": ["Pay a shop with a QR code",
                             "Receive money and check that it arrived",
                             "Say no to a scam payment request"]}
CHINESE = {"language": "zh_Hant_TW", "picture_label": "樹", "topic_title": "行動支付",
           "lesson_titles": ["用 QR 碼付款給商店", "收錢並確認已經收到", "拒絕詐騙的付款要求"]}
DATES = {"en": "November 26, 2026", "zh_Hant_TW": "2026年11月26日"}


def squeeze(text: str) -> str:
    """Text without any whitespace: a wrapped title extracts with line breaks inside it."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def picture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny tree on a transparent background, like the learners' sign-in pictures."""
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 4, 54, 44), fill=(46, 139, 87, 255))
    draw.rectangle((28, 40, 36, 60), fill=(120, 72, 32, 255))
    path = tmp_path_factory.mktemp("pictures") / "tree.png"
    image.save(path)
    return path


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory, picture: Path) -> dict[str, Path]:
    """One English and one Chinese certificate, made once for the tests that only read them."""
    folder = tmp_path_factory.mktemp("certificates")
    return {words["language"]: make_certificate(folder / f"{words['language']}.pdf",
                                                picture_png=picture, completed_on=DAY, **words)
            for words in (ENGLISH, CHINESE)}


def page_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


class Fonts:
    """Advance widths from the TTF files themselves, to measure each line of text drawn."""

    def __init__(self) -> None:
        self.fonts = {bold: TTFont(FONTS / f"NotoSansTC-{'Bold' if bold else 'Regular'}.ttf",
                                   lazy=True) for bold in (False, True)}

    def width(self, text: str, size: float, bold: bool) -> float:
        font = self.fonts[bold]
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        units = sum(hmtx[cmap[ord(char)]][0] for char in text)
        return units * size / font["head"].unitsPerEm


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts()


def text_runs(path: Path, fonts: Fonts) -> list[dict[str, Any]]:
    """Every line of text drawn, with its page, left and right edge and baseline (points)."""
    runs: list[dict[str, Any]] = []
    for number, page in enumerate(PdfReader(path).pages):
        def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float,
                  number: int = number) -> None:
            text = text.strip()
            if not text:
                return
            bold = "Bold" in str(font["/BaseFont"])
            left = cm[4] + tm[4]
            runs.append({"page": number, "text": text, "left": left, "baseline": cm[5] + tm[5],
                         "right": left + fonts.width(text, size, bold)})
        page.extract_text(visitor_text=visit)
    return runs


def test_the_certificate_is_an_a4_landscape_pdf_with_its_fonts_subset(certificates):
    for path in certificates.values():
        reader = PdfReader(path)
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4_LANDSCAPE, abs=0.5)
        # The two fonts are 7 MB each; only the glyphs used are embedded.
        assert path.stat().st_size < 100_000


@pytest.mark.parametrize("words", [ENGLISH, CHINESE], ids=["en", "zh_Hant_TW"])
def test_the_text_holds_the_learners_words_and_the_date(certificates, words):
    language = words["language"]
    text = page_text(certificates[language])
    ui = Translations(language).ui
    assert words["topic_title"] in text
    for title in words["lesson_titles"]:
        assert title in text
    assert DATES[language] in text
    assert squeeze(ui.gettext(COMPLETED_ON).format(date=DATES[language])) in squeeze(text)
    assert squeeze(ui.gettext(CERTIFIES).format(picture=words["picture_label"])) in \
        squeeze(text)
    for message in (TITLE, LESSONS, WELL_DONE):
        assert squeeze(ui.gettext(message)) in squeeze(text)


def test_the_place_is_written_beside_the_date(tmp_path):
    path = make_certificate(tmp_path / "c.pdf", picture_png=None, completed_on=DAY,
                            kiosk_place="Riverside Library", **ENGLISH)
    assert "Completed on November 26, 2026 at Riverside Library" in page_text(path)


def test_the_picture_is_embedded(certificates, tmp_path):
    def images(path: Path) -> list[Any]:
        xobjects = PdfReader(path).pages[0]["/Resources"].get("/XObject", {})
        return [x for x in (ref.get_object() for ref in xobjects.values())
                if x["/Subtype"] == "/Image"]

    assert len(images(certificates["en"])) == 1
    without = make_certificate(tmp_path / "none.pdf", picture_png=None, completed_on=DAY,
                               **ENGLISH)
    assert images(without) == []
    # A damaged picture file still gives a certificate: the picture's name is in the text.
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    path = make_certificate(tmp_path / "broken.pdf", picture_png=broken, completed_on=DAY,
                            **ENGLISH)
    assert images(path) == []
    assert "tree" in page_text(path)


def test_long_titles_wrap_inside_the_page(tmp_path, fonts):
    words = {
        "language": "en", "picture_label": "tree",
        "topic_title": "Spotting false information in messages, news stories and videos that "
                       "friends and family forward to you every day",
        "lesson_titles": [
            "Check a message before you share it with your family group, your neighbours and "
            "the people at the community centre, even when it looks like real news",
            "Supercalifragilisticexpialidocious" * 5,  # no space to break at
            "Spot fake bank and government messages",
        ],
    }
    chinese = {**CHINESE, "lesson_titles": ["在分享給家人之前先查證訊息的來源是否可信" * 4]}
    for name, given in (("en", words), ("zh", chinese)):
        path = make_certificate(tmp_path / f"{name}.pdf", picture_png=None, completed_on=DAY,
                                **given)
        runs = text_runs(path, fonts)
        width, height = A4_LANDSCAPE
        for run in runs:
            assert run["left"] >= MARGIN_X * MM - 1, run
            assert run["right"] <= width - MARGIN_X * MM + 1, run
            assert 0 < run["baseline"] < height, run
        text = squeeze(page_text(path))
        for title in [given["topic_title"], *given["lesson_titles"]]:
            assert squeeze(title) in text
        # The longest lesson title really did take several lines.
        longest = max(given["lesson_titles"], key=len)
        pieces = [run for run in runs if run["text"] in longest]
        assert len({run["baseline"] for run in pieces}) >= 2


def test_many_lessons_stay_inside_the_frame(tmp_path, fonts):
    titles = [f"Lesson {n}: pay a shop, receive money and check that it arrived"
              for n in range(1, 16)]
    path = make_certificate(tmp_path / "many.pdf", picture_png=None, completed_on=DAY,
                            **{**ENGLISH, "lesson_titles": titles})
    width, height = A4_LANDSCAPE
    for run in text_runs(path, fonts):
        assert run["left"] >= MARGIN_X * MM - 1, run
        assert run["right"] <= width - MARGIN_X * MM + 1, run
        assert 15 * MM < run["baseline"] < height - 15 * MM, run
    text = page_text(path)
    for title in titles:
        assert title in text


def test_the_fixed_words_come_from_the_learners_catalog(tmp_path):
    """A catalog of its own (the real ones may not have these words yet): the certificate is in
    the learner's language while the kiosk's own language stays as it was."""
    locales = tmp_path / "locales"
    catalog = Catalog(locale="vi", domain="kiosk")
    catalog.add(TITLE, "Giấy chứng nhận hoàn thành")
    catalog.add(CERTIFIES, "Chứng nhận người học có hình {picture} đã hoàn thành")
    catalog.add(COMPLETED_ON, "Hoàn thành ngày {day}")  # a translator's slip: {day}, not {date}
    (locales / "vi" / "LC_MESSAGES").mkdir(parents=True)
    with (locales / "vi" / "LC_MESSAGES" / "kiosk.po").open("wb") as handle:
        write_po(handle, catalog)
    before = current_language()
    # Decomposed letters (letter + combining mark), as some keyboards type them.
    topic = unicodedata.normalize("NFD", "Thanh toán di động")
    path = make_certificate(tmp_path / "vi.pdf", language="vi", picture_label="cây",
                            picture_png=None, topic_title=topic,
                            lesson_titles=["Trả tiền cho cửa hàng bằng mã QR"],
                            completed_on=DAY, locales_dir=locales)
    assert current_language() == before
    text = page_text(path)
    assert "Giấy chứng nhận hoàn thành" in text
    assert "Chứng nhận người học có hình cây đã hoàn thành" in text
    assert "Thanh toán di động" in text  # composed again: one glyph per letter
    assert "Trả tiền cho cửa hàng bằng mã QR" in text
    # The broken translation falls back to English instead of failing the certificate.
    assert "Completed on 26 tháng 11, 2026" in text


def test_a_folder_that_cannot_be_written_gives_a_plain_message(tmp_path):
    not_a_folder = tmp_path / "stick"
    not_a_folder.write_text("a file where a folder should be")
    with pytest.raises(CertificateError) as caught:
        make_certificate(not_a_folder / "c.pdf", picture_png=None, completed_on=DAY, **ENGLISH)
    assert "not saved" in str(caught.value)
    assert not_a_folder.read_text() == "a file where a folder should be"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_a_read_only_folder_gives_a_plain_message(tmp_path):
    folder = tmp_path / "stick"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(CertificateError, match="not saved"):
            make_certificate(folder / "c.pdf", picture_png=None, completed_on=DAY, **ENGLISH)
        assert list(folder.iterdir()) == []  # no half-written file left behind
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize(("code", "words"), [
    (errno.ENOSPC, "full"),
    (errno.EROFS, "lock"),
    (errno.EACCES, "not allowed"),
    (errno.EIO, "pushed in"),
    (errno.EINVAL, "another USB stick"),
])
def test_each_save_problem_says_what_to_do(code, words):
    message = save_problem(OSError(code, os.strerror(code)), Path("/media/usb"))
    assert words in message
    assert "not saved" in message


def test_file_names_are_safe_anywhere():
    assert certificate_filename("tree", "payment", DAY) == \
        "certificate-2026-11-26-tree-payment.pdf"
    assert certificate_filename("Cây dừa", "tele/../health", DAY) == \
        "certificate-2026-11-26-cay-dua-tele-health.pdf"
    assert certificate_filename("Đồng hồ", "payment", DAY) == \
        "certificate-2026-11-26-dong-ho-payment.pdf"
    assert certificate_filename("樹", "", DAY) == "certificate-2026-11-26-learner-topic.pdf"


def test_two_learners_with_the_same_picture_keep_their_own_certificate(tmp_path):
    """Same picture, same topic, same day: two files, neither overwritten; making one
    learner's certificate again replaces only that learner's file."""
    made = {}
    for learner, title in (("learner-a", "Mobile payment"), ("learner-b", "行動支付")):
        out = tmp_path / certificate_filename("tree", "payment", DAY, learner)
        made[learner] = make_certificate(out, picture_png=None, completed_on=DAY,
                                         **{**ENGLISH, "topic_title": title})
    assert made["learner-a"] != made["learner-b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in made.values())
    texts = {k: squeeze(PdfReader(v).pages[0].extract_text()) for k, v in made.items()}
    assert "Mobilepayment" in texts["learner-a"] and "行動支付" in texts["learner-b"]
    again = make_certificate(tmp_path / certificate_filename("tree", "payment", DAY, "learner-a"),
                             picture_png=None, completed_on=DAY, **ENGLISH)
    assert again == made["learner-a"] and len(list(tmp_path.iterdir())) == 2
    assert "行動支付" in squeeze(PdfReader(made["learner-b"]).pages[0].extract_text())
    # The tag says nothing of the id: a few hex digits, safe on any stick.
    assert "learner" not in again.name.removeprefix("certificate-2026-11-26-tree-payment")
    assert re.fullmatch(r"certificate-2026-11-26-tree-payment-[0-9a-f]{8}\.pdf", again.name)


def test_the_module_needs_no_kivy():
    code = "import sys, kiosk.certificate; print(sorted(m for m in sys.modules if 'kivy' in m))"
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True,
                            capture_output=True, text=True)
    assert result.stdout.strip() == "[]"
