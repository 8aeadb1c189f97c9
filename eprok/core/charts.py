"""Small server-side charts as inline <svg>: horizontal bars (a value per label) and columns or a line over
periods (a value per month).

Like the map (`eprok.core.geo.svg`) the markup has no ``style`` attribute and no script, so it passes the
site's CSP (``style-src 'self'``): geometry is in attributes, colours and type come from classes in the
site's stylesheet (``eprok-chart``, ``eprok-chart__bar``, ``eprok-chart__column``, ``eprok-chart__line``,
``eprok-chart__point``, ``eprok-chart__label``, ``eprok-chart__value``, ``eprok-chart__axis``, plus a
bar's own class such as ``eprok-chart__bar--alt``). Each bar carries a <title> (its label and value,
shown on hover and read by screen readers); the chart is an image labelled by its title. A chart is never
the only carrier of the figures: the page shows the same figures in a table.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal

_CSS_CLASS = re.compile(r"^[A-Za-z0-9_\- ]*$")
_DOM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")

WIDTH = 640.0
ROW_HEIGHT = 24.0
BAR_HEIGHT = 16.0
LABEL_WIDTH = 240.0  # the labels' column of a bar chart
VALUE_WIDTH = 64.0  # room right of the longest bar for its value
LABEL_CHARS = 38  # a longer label is cut (the whole label stays in the bar's <title>)
COLUMN_HEIGHT = 180.0  # the plot area of a column chart
AXIS_BOTTOM = 36.0  # room under the plot for the period labels
AXIS_TOP = 16.0


@dataclass(frozen=True)
class Bar:
    """One bar or column: its label, its value, how the value is written (default: the number in the
    active locale) and an optional extra class."""

    label: str
    value: Number
    text: str = ""
    css_class: str = ""

    @property
    def shown(self) -> str:
        if self.text:
            return self.text
        value = self.value
        if isinstance(value, float | Decimal) and value != int(value):
            return number_format(value, decimal_pos=1)
        return number_format(int(value))


def _num(value: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _cut(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def _classes(*names: str) -> str:
    for name in names:
        if not _CSS_CLASS.match(name):
            raise ValueError(f"not a CSS class list: {name!r}")
    return " ".join(name for name in names if name)


def _dom_id(title: str, dom_id: str | None) -> str:
    if dom_id is None:
        return "chart-" + hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()[:10]
    if not _DOM_ID.match(dom_id):
        raise ValueError(f"not a DOM id: {dom_id!r}")
    return dom_id


def _scale(bars: Sequence[Bar], max_value: Number | None) -> float:
    top = float(max_value) if max_value is not None else max((float(b.value) for b in bars), default=0.0)
    return top if top > 0 else 1.0


def _open(kind: str, title: str, height: float, dom_id: str, css_class: str, desc: str) -> list[str]:
    parts = [
        f'<svg class="{_classes("eprok-chart", f"eprok-chart--{kind}", css_class)}" '
        f'viewBox="0 0 {_num(WIDTH)} {_num(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="{dom_id}-title'
        + (f" {dom_id}-desc" if desc else "")
        + '" focusable="false">',
        f'<title id="{dom_id}-title">{escape(title)}</title>',
    ]
    if desc:
        parts.append(f'<desc id="{dom_id}-desc">{escape(desc)}</desc>')
    return parts


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    max_value: Number | None = None,
    desc: str = "",
    css_class: str = "",
    dom_id: str | None = None,
) -> SafeString:
    """Horizontal bars, one row per bar in the order given, scaled to `max_value` (default: the largest
    value; 100 for shares in per cent). Empty when there are no bars."""
    if not bars:
        return mark_safe("")
    dom_id = _dom_id(title, dom_id)
    top = _scale(bars, max_value)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW_HEIGHT * len(bars) + 4
    parts = _open("bars", title, height, dom_id, css_class, desc)
    for i, bar in enumerate(bars):
        y = 2 + i * ROW_HEIGHT
        width = max(0.0, min(float(bar.value), top)) / top * plot
        middle = y + ROW_HEIGHT / 2
        label, shown = escape(bar.label), escape(bar.shown)
        parts.append(
            f'<g class="eprok-chart__row">'
            f'<text class="eprok-chart__label" x="{_num(LABEL_WIDTH - 6)}" y="{_num(middle)}" '
            f'text-anchor="end" dominant-baseline="middle">{escape(_cut(bar.label))}</text>'
            f'<rect class="{_classes("eprok-chart__bar", bar.css_class)}" x="{_num(LABEL_WIDTH)}" '
            f'y="{_num(y + (ROW_HEIGHT - BAR_HEIGHT) / 2)}" width="{_num(width)}" '
            f'height="{_num(BAR_HEIGHT)}">'
            f"<title>{label}: {shown}</title></rect>"
            f'<text class="eprok-chart__value" x="{_num(LABEL_WIDTH + width + 4)}" y="{_num(middle)}" '
            f'dominant-baseline="middle">{shown}</text>'
            f"</g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def column_chart(
    points: Sequence[Bar],
    *,
    title: str,
    line: bool = False,
    max_value: Number | None = None,
    desc: str = "",
    css_class: str = "",
    dom_id: str | None = None,
) -> SafeString:
    """Columns (or, with `line`, a line with a dot per point) over consecutive periods such as months,
    left to right in the order given; each period's label under its column. Empty without points."""
    if not points:
        return mark_safe("")
    dom_id = _dom_id(title, dom_id)
    top = _scale(points, max_value)
    height = AXIS_TOP + COLUMN_HEIGHT + AXIS_BOTTOM
    base = AXIS_TOP + COLUMN_HEIGHT
    left = 8.0
    step = (WIDTH - 2 * left) / len(points)
    # Label every period while they fit, else every n-th (the table has them all).
    every = max(1, round(len(points) / 12 + 0.49))
    parts = _open("line" if line else "columns", title, height, dom_id, css_class, desc)
    parts.append(
        f'<line class="eprok-chart__axis" x1="{_num(left)}" y1="{_num(base)}" '
        f'x2="{_num(WIDTH - left)}" y2="{_num(base)}"></line>'
    )
    coordinates: list[str] = []
    shapes: list[str] = []
    labels: list[str] = []
    for i, point in enumerate(points):
        x = left + i * step
        value_height = max(0.0, min(float(point.value), top)) / top * COLUMN_HEIGHT
        tip = f"<title>{escape(point.label)}: {escape(point.shown)}</title>"
        centre = x + step / 2
        if line:
            coordinates.append(f"{_num(centre)},{_num(base - value_height)}")
            shapes.append(
                f'<circle class="{_classes("eprok-chart__point", point.css_class)}" cx="{_num(centre)}" '
                f'cy="{_num(base - value_height)}" r="4">{tip}</circle>'
            )
        else:
            shapes.append(
                f'<rect class="{_classes("eprok-chart__column", point.css_class)}" '
                f'x="{_num(x + step * 0.15)}" '
                f'y="{_num(base - value_height)}" width="{_num(step * 0.7)}" height="{_num(value_height)}">'
                f"{tip}</rect>"
            )
        if i % every == 0:
            labels.append(
                f'<text class="eprok-chart__label" x="{_num(centre)}" y="{_num(base + 16)}" '
                f'text-anchor="middle">{escape(_cut(point.label, 12))}</text>'
            )
    if line:
        parts.append(f'<polyline class="eprok-chart__line" points="{" ".join(coordinates)}"></polyline>')
    parts.extend(shapes)
    parts.extend(labels)
    top_text = escape(Bar("", top).shown)
    parts.append(
        f'<text class="eprok-chart__value" x="{_num(left)}" y="{_num(AXIS_TOP - 4)}">{top_text}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
