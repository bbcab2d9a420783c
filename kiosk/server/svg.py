"""Bar charts as inline SVG, drawn on the server: no script, no CDN, readable offline.

Charts draw from a report :class:`~kiosk.server.reports.Table`'s display strings, so a
suppressed cell has no bar: it is labelled ``–`` and cannot be measured off it.
Colours come from CSS classes (the page's Content-Security-Policy forbids inline styles).

    >>> svg = bar_chart("Monthly", ["M1", "M2"], [("Started", "started", ["7", "–"])])
    >>> svg.startswith("<svg") and svg.count("<rect") == 2 and "–" in svg and "<title" in svg
    True
"""

from __future__ import annotations

from html import escape

WIDTH = 640
ROW = 26
LABEL_WIDTH = 150


def _number(value: str) -> int | None:
    """The count a shown cell says: "1,234" (grouped for the page) is 1234; "–" is none."""
    digits = value.replace(",", "").replace("\xa0", "").replace("\u202f", "")
    return int(digits) if digits.isdigit() else None


def bar_chart(title: str, labels: list[str],
              series: list[tuple[str, str, list[str]]]) -> str:
    """Horizontal grouped bars: one group per label, one bar per series (name, class, values).

    Horizontal bars keep long labels (lesson names, months) readable on a phone.
    """
    numbers = [n for _, _, values in series for n in map(_number, values) if n]
    top = max(numbers, default=1)
    bar_area = WIDTH - LABEL_WIDTH - 60
    group = ROW * len(series) + 8
    height = 30 + group * len(labels)
    uid = "c" + str(abs(hash((title, tuple(labels)))) % 10**8)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{uid}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{uid}">{escape(title)}</title>',
    ]
    x = LABEL_WIDTH
    for s, (name, css, _) in enumerate(series):  # legend
        parts.append(f'<rect class="{css}" x="{x + s * 120}" y="4" width="14" height="14"/>'
                     f'<text x="{x + s * 120 + 20}" y="16">{escape(name)}</text>')
    for g, label in enumerate(labels):
        y0 = 30 + g * group
        label_y = y0 + ROW * len(series) / 2 + 5
        parts.append(f'<text class="label" x="{LABEL_WIDTH - 8}" y="{label_y}"'
                     f' text-anchor="end">{escape(label)}</text>')
        for s, (_, css, values) in enumerate(series):
            y = y0 + s * ROW
            shown = values[g]
            n = _number(shown)
            width = 0 if not n else max(2, round(bar_area * n / top))
            if width:
                parts.append(f'<rect class="{css}" x="{LABEL_WIDTH}" y="{y}" width="{width}" '
                             f'height="{ROW - 6}"><title>{escape(shown)}</title></rect>')
            parts.append(f'<text class="value" x="{LABEL_WIDTH + width + 6}" y="{y + ROW - 10}">'
                         f'{escape(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)
