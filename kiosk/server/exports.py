"""A period's report to hand on: every table as CSV, all of them in one ZIP, and a PDF with the
trend chart, in the manager's language.

Everything here draws from :class:`~kiosk.server.reports.Report` tables, the same display strings
the page shows, so a file can show no figure the page hides (a "–" stays a "–").

    >>> csv_safe("=HYPERLINK(1)"), csv_safe("-3"), csv_safe("–"), csv_safe("Wanhua")
    ("'=HYPERLINK(1)", "'-3", '–', 'Wanhua')
    >>> [csv_safe(chr(9) + "x"), csv_safe(chr(13) + "=1"), csv_safe("  @A1")]
    ["'\\tx", "'\\r=1", "'  @A1"]
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import FontFace

from kiosk.server.reports import Report, Table
from kiosk.server.suppression import SUPPRESSED
from kiosk.server.svg import _number, nice_step
from kiosk.server.words import Words

FONTS = Path(__file__).parents[2] / "assets" / "fonts"
FONT = "NotoSansTC"
# A spreadsheet may run a cell starting with one of these (after any spaces) as a formula: such
# cells get a leading apostrophe, which spreadsheets show as text and do not run.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STARTED, FINISHED = (29, 79, 145), (27, 110, 58)  # the page's colours (dashboard.css)


def csv_safe(cell: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula."""
    return "'" + cell if cell.lstrip(" ").startswith(FORMULA_STARTS) else cell


def csv_name(report: Report, name: str) -> str:
    """The file name: table, period, lesson (funnel) and months (trend); every part is
    ``[a-z0-9-]`` (lesson ids, periods), so safe in a file name and a header."""
    lesson = report.funnel_lesson if name == "funnel" else None
    months = report.trend_months if name == "trend" else []
    return (f"kiosk-{name}-{report.period or 'none'}" + (f"-{lesson}" if lesson else "")
            + (f"-{months[0]}-to-{months[-1]}" if months else "") + ".csv")


def csv_text(report: Report, table: Table, words: Words) -> str:
    """One table as CSV. The first lines say what the file holds, so a saved copy still says
    it: the report, the table, the period and any filter; an empty line; then the table."""
    _ = words.gettext
    preamble = [[_("Digital-equity report"), table.title],
                [_("Period"), words.period(report.period) if report.period else "–"]]
    if table.name == "funnel" and report.funnel_lesson:
        preamble.append([_("Lesson"), dict(report.lesson_choices).get(report.funnel_lesson,
                                                                      report.funnel_lesson)])
    if table.name == "trend" and report.trend_months:
        preamble.append([_("Months"), words.period(report.trend_months[0]) + " – "
                         + words.period(report.trend_months[-1])])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([[csv_safe(c) for c in row] for row in preamble])
    writer.writerow([])
    writer.writerow([csv_safe(c) for c in table.columns])
    writer.writerows([[csv_safe(c) for c in row] for row in table.rows])
    return "\ufeff" + out.getvalue()  # BOM: Excel then reads Chinese correctly


def every_csv(report: Report, funnel_of: Callable[[str], Report],
              words: Words) -> list[tuple[str, str]]:
    """(file name, text) of every table of the period, and one funnel per lesson."""
    files = [(csv_name(report, t.name), csv_text(report, t, words))
             for t in report.tables if t.name != "funnel"]
    for lesson, _title in report.lesson_choices:
        one = funnel_of(lesson)
        files.append((csv_name(one, "funnel"), csv_text(one, one.funnel, words)))
    return files


def report_zip(files: list[tuple[str, str]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files:
            z.writestr(name, text.encode("utf-8"))
    return out.getvalue()


def display(table: Table, row: list[str], words: Words) -> list[str]:
    """A table row as the page shows it: counts grouped the way the manager's language does."""
    return [words.number(c) if i >= table.numeric_from else c for i, c in enumerate(row)]


def _wrap(words: Words) -> WrapMode:
    """Chinese breaks between any two characters; other languages between words (fpdf2 would
    otherwise break a Chinese line only at its rare spaces)."""
    return WrapMode.CHAR if words.language.startswith("zh") else WrapMode.WORD


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}", align="C")


def report_pdf(report: Report, funnels: list[Report], words: Words, *, legend: str,
               trend_title: str) -> bytes:
    """The period's report as an A4 PDF: what the page shows, the trend drawn as columns, and the
    funnel of every lesson (``funnels``: the report once per lesson)."""
    _ = words.gettext
    pdf = _Pdf(format="A4")
    pdf.set_title(_("Digital-equity report"))
    pdf.set_creator("kiosk server")
    pdf.add_font(FONT, "", str(FONTS / "NotoSansTC-Regular.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "NotoSansTC-Bold.ttf"))
    period = words.period(report.period) if report.period else "–"
    pdf.footer_text = _("Digital-equity report") + " · " + period
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 10, _("Digital-equity report") + "\n" + period,
                   new_x="LMARGIN", new_y="NEXT", align="L",
                   wrapmode=_wrap(words))
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(60, 60, 60)
    pdf.multi_cell(0, 4.5, legend, new_x="LMARGIN", new_y="NEXT", align="L",
                   wrapmode=_wrap(words))
    pdf.set_text_color(0, 0, 0)
    for table in report.tables:
        if table.name == "funnel":
            for one in funnels:
                _table(pdf, one.funnel, words)
            continue
        if table.name == "trend" and table.rows:
            _heading(pdf, table.title, words)
            _trend(pdf, report, words, trend_title)
            _table(pdf, table, words, heading=False)
            continue
        _table(pdf, table, words)
    return bytes(pdf.output())


def _heading(pdf: FPDF, title: str, words: Words) -> None:
    if pdf.get_y() > pdf.h - 50:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12.5)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT", align="L",
                   wrapmode=_wrap(words))


def _table(pdf: FPDF, table: Table, words: Words, *, heading: bool = True) -> None:
    if heading:
        _heading(pdf, table.title, words)
    pdf.set_font(FONT, "", 9.5)
    if not table.rows:
        pdf.multi_cell(0, 6, words.gettext("Nothing to show for this release."),
                       new_x="LMARGIN", new_y="NEXT", align="L",
                   wrapmode=_wrap(words))
        return
    align = ["LEFT" if i < table.numeric_from else "RIGHT" for i in range(len(table.columns))]
    with pdf.table(text_align=tuple(align), line_height=5.5, padding=1.2,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(234, 238, 232)),
                   first_row_as_headings=True, wrapmode=_wrap(words)) as out:
        out.row(table.columns)
        for row in table.rows:
            out.row(display(table, row, words))
    if table.note:
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(60, 60, 60)
        pdf.multi_cell(0, 4.5, table.note, new_x="LMARGIN", new_y="NEXT", align="L",
                   wrapmode=_wrap(words))
        pdf.set_text_color(0, 0, 0)


def _trend(pdf: FPDF, report: Report, words: Words, title: str) -> None:
    """The trend's columns, as on the page: a hidden month is a dashed gap with its "–"."""
    _ = words.gettext
    rows = report.trend.rows
    width, height, axis = pdf.epw, 60.0, 12.0
    if pdf.get_y() + height + 24 > pdf.h - 16:
        pdf.add_page()
    left, top = pdf.l_margin, pdf.get_y() + 8
    pdf.set_font(FONT, "", 8.5)
    for i, (name, colour) in enumerate(((_("Started"), STARTED), (_("Finished"), FINISHED))):
        pdf.set_fill_color(*colour)
        pdf.rect(left + axis + i * 40, top - 7, 4, 4, style="F")
        pdf.text(left + axis + i * 40 + 6, top - 3.8, name)
    pdf.set_draw_color(85, 85, 85)
    with pdf.local_context(dash_pattern={"dash": 1, "gap": 0.8}):
        pdf.rect(left + axis + 80, top - 7, 4, 4)
    pdf.text(left + axis + 86, top - 3.8, f"{SUPPRESSED} " + _("not shown"))
    numbers = [n for r in rows for n in (_number(r[1]), _number(r[2])) if n is not None]
    step = nice_step(max(numbers, default=0))
    peak = step * max(1, -(-max(numbers, default=0) // step))
    bottom = top + height
    pdf.set_draw_color(210, 210, 210)
    for tick in range(0, peak + 1, step):
        y = bottom - height * tick / peak
        pdf.line(left + axis, y, left + width, y)
        pdf.text(left, y + 1.2, str(tick))
    group = (width - axis) / len(rows)
    bar = min(9.0, group * 0.8 / 2)
    every = -(-len(rows) // 12)
    for g, (row, month) in enumerate(zip(rows, report.trend_months, strict=True)):
        x0 = left + axis + g * group + (group - 2 * bar) / 2
        for s, colour in enumerate((STARTED, FINISHED)):
            x = x0 + s * bar
            n = _number(row[1 + s])
            if n is None:
                pdf.set_draw_color(85, 85, 85)
                with pdf.local_context(dash_pattern={"dash": 1, "gap": 0.8}):
                    pdf.rect(x + 0.3, bottom - 8, bar - 0.6, 8)
                pdf.text(x + bar / 2 - 1, bottom - 9.5, SUPPRESSED)
            elif n:
                pdf.set_fill_color(*colour)
                pdf.rect(x + 0.3, bottom - height * n / peak, bar - 0.6, height * n / peak,
                         style="F")
        if g % every == 0 or month.endswith("-01") or g == 0:
            label = words.month_short(month)
            pdf.text(x0 + bar - pdf.get_string_width(label) / 2, bottom + 4.5, label)
        if g == 0 or month.endswith("-01"):
            year = words.year(month)
            pdf.text(x0 + bar - pdf.get_string_width(year) / 2, bottom + 8.5, year)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(255, 255, 255)  # the table after the chart takes the fill colour
    pdf.line(left + axis, bottom, left + width, bottom)
    pdf.set_y(bottom + 11)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(60, 60, 60)
    pdf.multi_cell(0, 4, title, new_x="LMARGIN", new_y="NEXT", align="L",
                   wrapmode=_wrap(words))
    pdf.set_text_color(0, 0, 0)
