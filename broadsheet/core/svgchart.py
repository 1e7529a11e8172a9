"""Bar charts and stacked bar charts as server-rendered SVG, for the admin dashboard.

Why our own and not a chart library: the dashboard has three small static charts (a count per
day for 30 days). Chart.js, ECharts or D3 would ship 70-300 KB of JavaScript to draw them,
most libraries set inline `style` attributes (refused by our CSP, `style-src 'self'`), and the
page would stay blank until the script ran. A hundred lines of SVG built on the server need
no script at all, pass the CSP as it is, print, work with the network off, and are tested as
plain strings. Colours and type come from classes (static/core/svgchart.css), so a theme
changes them without touching this file.

Accessibility: the <svg> is `role="img"` with an `aria-label` that summarises it, a <title> and
a <desc>; every bar segment has its own <title> (a tooltip on hover); and the numbers are
repeated in a visually hidden table for screen readers and for anyone who wants the figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 960, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 10, 26  # room for the value axis and the day labels
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
BAR_SHARE = 0.72  # of each day's slot; the rest is the gap between bars
MAX_X_LABELS = 7


@dataclass(frozen=True)
class Series:
    """One stack layer: its name (legend, tooltips, table header) and one value per label."""

    name: str
    values: Sequence[int]


def nice_ceiling(value: int) -> int:
    """The axis top: the smallest 1, 2 or 5 times a power of ten that is at least `value` (>= 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _check(labels: Sequence[str], series: Sequence[Series]) -> None:
    if not series:
        raise ValueError("a chart needs at least one series")
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"series {one.name!r} has {len(one.values)} values for {len(labels)} labels")
        if any(value < 0 for value in one.values):
            raise ValueError(f"series {one.name!r} has a negative value")


def bar_chart(
    chart_id: str, title: str, labels: Sequence[str], values: Sequence[int], *, unit: str
) -> SafeString:
    """One bar per label; `unit` names what is counted ("views")."""
    return stacked_bar_chart(chart_id, title, labels, [Series(unit, values)])


def stacked_bar_chart(
    chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]
) -> SafeString:
    """One bar per label, its series stacked bottom to top in the order given."""
    _check(labels, series)
    totals = [sum(one.values[i] for one in series) for i in range(len(labels))]
    top = nice_ceiling(max(totals, default=0))
    summary = _summary(title, labels, series, totals)
    cid = escape(chart_id)
    parts = [
        '<figure class="bs-chart">',
        f'<svg class="bs-chart__svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(summary)}" aria-describedby="{cid}-desc">',
        f"<title>{escape(title)}</title>",
        f'<desc id="{cid}-desc">{escape(summary)}</desc>',
        *_value_axis(top),
    ]
    if labels:
        parts += _bars(labels, series, top)
    else:
        parts.append(
            f'<text class="bs-chart__empty" x="{LEFT + PLOT_W / 2}" y="{TOP + PLOT_H / 2}">No data</text>'
        )
    parts.append("</svg>")
    if len(series) > 1:
        parts.append(_legend(series))
    parts.append(_table(title, labels, series))
    parts.append("</figure>")
    return mark_safe("".join(parts))


def _summary(title: str, labels: Sequence[str], series: Sequence[Series], totals: Sequence[int]) -> str:
    if not labels:
        return f"{title}: no data."
    peak = max(range(len(totals)), key=lambda i: totals[i])
    by_series = ", ".join(f"{one.name} {sum(one.values):,}" for one in series) if len(series) > 1 else ""
    return (
        f"{title}, {labels[0]} to {labels[-1]}: {sum(totals):,} in all"
        + (f" ({by_series})" if by_series else "")
        + f"; highest {totals[peak]:,} on {labels[peak]}."
    )


def _value_axis(top: int) -> list[str]:
    parts = []
    for tick in (0, top // 2 if top % 2 == 0 else None, top):
        if tick is None:
            continue
        y = TOP + PLOT_H - tick / top * PLOT_H
        parts.append(
            f'<line class="bs-chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(y)}" y2="{_n(y)}"/>'
        )
        parts.append(f'<text class="bs-chart__tick" x="{LEFT - 6}" y="{_n(y + 4)}">{tick:,}</text>')
    return parts


def _bars(labels: Sequence[str], series: Sequence[Series], top: int) -> list[str]:
    slot = PLOT_W / len(labels)
    bar = slot * BAR_SHARE
    # About MAX_X_LABELS day labels, always including the last (today).
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    parts = []
    for i, label in enumerate(labels):
        x = LEFT + i * slot + (slot - bar) / 2
        base: float = TOP + PLOT_H
        parts.append('<g class="bs-chart__day">')
        for layer, one in enumerate(series):
            value = one.values[i]
            height = value / top * PLOT_H
            base -= height
            tip = f"{label}: {value:,} {one.name}"
            parts.append(
                f'<rect class="bs-chart__bar bs-chart__bar--{layer}" x="{_n(x)}" y="{_n(base)}" '
                f'width="{_n(bar)}" height="{_n(height)}"><title>{escape(tip)}</title></rect>'
            )
        parts.append("</g>")
        if (len(labels) - 1 - i) % every == 0:
            parts.append(
                f'<text class="bs-chart__label" x="{_n(x + bar / 2)}" y="{HEIGHT - 8}">{escape(label)}</text>'
            )
    return parts


def _legend(series: Sequence[Series]) -> str:
    items = "".join(
        f'<li><span class="bs-chart__swatch bs-chart__swatch--{layer}"></span>{escape(one.name)}</li>'
        for layer, one in enumerate(series)
    )
    return f'<ul class="bs-chart__legend">{items}</ul>'


def _table(title: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    head = "".join(f'<th scope="col">{escape(one.name)}</th>' for one in series)
    rows = "".join(
        f'<tr><th scope="row">{escape(label)}</th>'
        + "".join(f"<td>{one.values[i]:,}</td>" for one in series)
        + "</tr>"
        for i, label in enumerate(labels)
    )
    return (
        # In a div: a <table> ignores the 1 px box the class gives it.
        f'<div class="bs-visually-hidden"><table><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">Day</th>{head}</tr></thead><tbody>{rows}</tbody></table></div>'
    )
