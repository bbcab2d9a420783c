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


TREND_WIDTH = 420  # small, so the chart's words stay readable when a phone scales it down
TREND_HEIGHT = 280
AXIS_WIDTH = 48
PLOT_TOP, PLOT_BOTTOM = 40, TREND_HEIGHT - 52
GAP = "gap"  # the class of a suppressed month's mark


def nice_step(top: int) -> int:
    """A round step for about four gridlines up to ``top``.

    >>> [nice_step(n) for n in (0, 3, 17, 40, 230, 1234)]
    [1, 1, 5, 10, 100, 500]
    """
    rough = max(top, 1) / 4
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m >= rough:
                return step * m
        step *= 10


def column_chart(title: str, description: str, labels: list[str], under: list[str],
                 series: list[tuple[str, str, list[str]]], *, gap_word: str) -> str:
    """Time on the x-axis: one group of columns per month (``labels``, with ``under`` written
    below a label where a new year starts), one column per series (name, class, values).

    A suppressed value ("–") has no column: its place keeps a dashed outline and the "–", so a
    missing month is seen as a gap, never as a fall to zero. ``description`` is the chart's
    text alternative (the same figures, in words).

    >>> svg = column_chart("Trend", "In words", ["Nov", "Dec"], ["2026", ""],
    ...                    [("Started", "started", ["23", "–"]), ("Finished", "finished",
    ...                     ["17", "–"])], gap_word="not shown")
    >>> # one started column and the legend's; two gaps and the legend's
    >>> svg.count('<rect class="started"'), svg.count('<rect class="gap"'), "<desc" in svg
    (2, 3, True)
    """
    numbers = [n for _, _, values in series for n in map(_number, values) if n is not None]
    step = nice_step(max(numbers, default=0))
    top = step * max(1, -(-max(numbers, default=0) // step))
    plot_w = TREND_WIDTH - AXIS_WIDTH - 8
    plot_h = PLOT_BOTTOM - PLOT_TOP
    group = plot_w / max(1, len(labels))
    bar = min(28.0, group * 0.8 / max(1, len(series)))
    every = -(-len(labels) // 8)  # at most eight month names, so they never overlap

    def y_of(n: int) -> float:
        return PLOT_BOTTOM - plot_h * n / top

    uid = "t" + str(abs(hash((title, tuple(labels)))) % 10**8)
    parts = [
        f'<svg class="chart trend" viewBox="0 0 {TREND_WIDTH} {TREND_HEIGHT}" role="img" '
        f'aria-labelledby="{uid}" aria-describedby="{uid}d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{uid}">{escape(title)}</title>',
        f'<desc id="{uid}d">{escape(description)}</desc>',
    ]
    for s, (name, css, _) in enumerate(series):  # legend
        key = AXIS_WIDTH + s * 110
        parts.append(f'<rect class="{css}" x="{key}" y="6" width="16" height="16"/>'
                     f'<text x="{key + 22}" y="20">{escape(name)}</text>')
    key = AXIS_WIDTH + len(series) * 110
    parts.append(f'<rect class="{GAP}" x="{key}" y="6" width="16" height="16"/>'
                 f'<text x="{key + 22}" y="20">– {escape(gap_word)}</text>')
    for tick in range(0, top + 1, step):
        y = round(y_of(tick), 1)
        parts.append(f'<line class="grid" x1="{AXIS_WIDTH}" x2="{TREND_WIDTH - 8}" y1="{y}" '
                     f'y2="{y}"/><text class="tick" x="{AXIS_WIDTH - 6}" y="{y + 5}" '
                     f'text-anchor="end">{tick}</text>')
    for g, label in enumerate(labels):
        x0 = AXIS_WIDTH + g * group + (group - bar * len(series)) / 2
        when = escape(f"{label} {under[g]}".strip())
        for s, (name, css, values) in enumerate(series):
            x = round(x0 + s * bar, 1)
            shown = values[g]
            n = _number(shown)
            if n is None:  # suppressed: a gap, labelled
                parts.append(f'<rect class="{GAP}" x="{x + 1}" y="{PLOT_BOTTOM - 24}" '
                             f'width="{round(bar - 2, 1)}" height="24"><title>{when}: '
                             f'{escape(name)} – {escape(gap_word)}</title>'
                             f'</rect><text class="value" x="{round(x + bar / 2, 1)}" '
                             f'y="{PLOT_BOTTOM - 30}" text-anchor="middle">{escape(shown)}</text>')
            elif n:
                y = round(y_of(n), 1)
                parts.append(f'<rect class="{css}" x="{x + 1}" y="{y}" width="{round(bar - 2, 1)}"'
                             f' height="{round(PLOT_BOTTOM - y, 1)}"><title>{when}: '
                             f'{escape(name)} {escape(shown)}</title></rect>')
        centre = round(AXIS_WIDTH + (g + 0.5) * group, 1)
        if g % every == 0 or under[g]:
            parts.append(f'<text class="label" x="{centre}" y="{PLOT_BOTTOM + 20}" '
                         f'text-anchor="middle">{escape(label)}</text>')
        if under[g]:
            parts.append(f'<text class="label year" x="{centre}" y="{PLOT_BOTTOM + 42}" '
                         f'text-anchor="middle">{escape(under[g])}</text>')
    parts.append(f'<line class="axis" x1="{AXIS_WIDTH}" x2="{TREND_WIDTH - 8}" '
                 f'y1="{PLOT_BOTTOM}" y2="{PLOT_BOTTOM}"/></svg>')
    return "".join(parts)
