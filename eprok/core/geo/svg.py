"""Server-side choropleth of Azerbaijan's regions as an inline <svg>.

Equirectangular projection with the longitude scaled by cos(mid-latitude), fitted to the country.
The output has no ``style`` attribute and no script, so it passes the site's CSP (``style-src
'self'``): colours are ``fill``/``stroke`` presentation attributes, and every shape carries a class
(``eprok-map__region``, ``eprok-map__c0`` … ``eprok-map__c5``, ``eprok-map__none``,
``eprok-map__group``, ``eprok-map__point``) for the site's stylesheet. The picture is never the only
carrier of the figures: ``map_legend`` gives the class breaks for an HTML list, and the page shows a
table of the values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from eprok.core.geo.regions import Polygon, _data, _ring_area_centroid, get_region

WIDTH = 1000.0
PADDING = 10.0
CLASSES = 5
# ColorBrewer "Blues" (sequential), light to dark; zero and "no data" get neutral greys.
PALETTE = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
ZERO_FILL = "#f0f0f0"
NONE_FILL = "#d9d9d9"
POINT_FILL = "#cb181d"
EN_DASH = "\N{EN DASH}"
_CSS_CLASS = re.compile(r"^[A-Za-z0-9_\- ]*$")
_DOM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")

Value = int | float


@dataclass(frozen=True)
class MapPoint:
    """A point drawn on the map: WGS84 degrees, a label (escaped), an optional link and class."""

    lon: float
    lat: float
    label: str
    url: str | None = None
    css_class: str = ""


@dataclass(frozen=True)
class LegendClass:
    """One class of the scale. ``lower``/``upper`` are None for the zero and no-data entries."""

    css_class: str
    fill: str
    lower: Value | None
    upper: Value | None
    label: str


# --- projection ------------------------------------------------------------------------------


@cache
def _frame() -> tuple[float, float, float, float, float]:
    """(min_lon, max_lat, scale_x, scale_y, height) for the country's bounding box."""
    min_lon, min_lat, max_lon, max_lat = _data().bbox
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = (WIDTH - 2 * PADDING) / ((max_lon - min_lon) * k)
    height = (max_lat - min_lat) * scale + 2 * PADDING
    return min_lon, max_lat, scale * k, scale, height


def view_box() -> tuple[float, float, float, float]:
    _, _, _, _, height = _frame()
    return 0.0, 0.0, WIDTH, round(height, 1)


def project(lon: float, lat: float) -> tuple[float, float]:
    """Map a WGS84 point to the map's viewBox coordinates (x to the east, y to the south)."""
    min_lon, max_lat, sx, sy, _ = _frame()
    return round(PADDING + (lon - min_lon) * sx, 1), round(PADDING + (max_lat - lat) * sy, 1)


def _num(v: float) -> str:
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _path_data(polygons: Sequence[Polygon]) -> str:
    parts = []
    for polygon in polygons:
        for ring in polygon:
            xy = [project(lon, lat) for lon, lat in ring]
            head, *rest = xy
            parts.append(
                f"M{_num(head[0])} {_num(head[1])}L" + " ".join(f"{_num(x)} {_num(y)}" for x, y in rest) + "Z"
            )
    return "".join(parts)


@cache
def _paths() -> tuple[tuple[str, str], ...]:
    """(code, path data) per region, largest first so cities inside rayons are drawn on top."""

    def extent(code: str) -> float:
        region = get_region(code)
        assert region is not None
        return sum(abs(_ring_area_centroid(polygon[0])[0]) for polygon in region.polygons)

    codes = sorted((r.code for r in _data().regions), key=lambda c: (-extent(c), c))
    by_code = _data().by_code
    return tuple((code, _path_data(by_code[code].polygons)) for code in codes)


@cache
def _group_paths() -> dict[str, str]:
    data = _data()
    return {
        g.code: _path_data([p for m in g.members for p in data.by_code[m].polygons])
        for g in data.groups.values()
    }


# --- classes ---------------------------------------------------------------------------------


def _format(value: Value, decimals: int | None) -> str:
    if decimals is None:
        decimals = 0 if isinstance(value, int) or float(value).is_integer() else 2
    return number_format(value, decimal_pos=decimals)


def _check(values: Mapping[str, Value]) -> None:
    data = _data()
    for code, value in values.items():
        if code not in data.by_code and code not in data.groups:
            raise ValueError(f"unknown region code {code!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"region {code}: value must be finite and not negative, got {value!r}")


def _breaks(values: Mapping[str, Value]) -> list[Value]:
    """Upper bounds of up to five quantile classes over the positive region values."""
    by_code = _data().by_code
    positive = sorted(v for code, v in values.items() if code in by_code and v > 0)
    uppers: list[Value] = []
    n = len(positive)
    for i in range(1, CLASSES + 1):
        if n == 0:
            break
        upper = positive[max(0, math.ceil(n * i / CLASSES) - 1)]
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    return uppers


def _class_of(value: Value | None, uppers: Sequence[Value]) -> tuple[str, str]:
    """(css class, fill) for a value."""
    if value is None:
        return "eprok-map__none", NONE_FILL
    if value <= 0 or not uppers:
        return "eprok-map__c0", ZERO_FILL
    offset = CLASSES - len(uppers)  # the highest class is always the darkest
    i = next((n for n, upper in enumerate(uppers) if value <= upper), len(uppers) - 1)
    return f"eprok-map__c{i + offset + 1}", PALETTE[i + offset]


def map_legend(values: Mapping[str, Value], *, decimals: int | None = None) -> list[LegendClass]:
    """The scale used by ``render_map`` for these values: a zero entry, then up to five classes.

    Integer values give closed ranges ("4-7", with an en dash); otherwise each class runs from
    above the previous upper bound to its own. Group values (e.g. the whole Nakhchivan AR) take
    no part in the scale.
    """
    _check(values)
    uppers = _breaks(values)
    integral = all(isinstance(v, int) or float(v).is_integer() for v in values.values())
    legend = [LegendClass("eprok-map__c0", ZERO_FILL, 0, 0, _format(0, decimals))]
    by_code = _data().by_code
    previous: Value | None = None
    for upper in uppers:
        if previous is None:
            lower: Value = min(v for c, v in values.items() if c in by_code and v > 0)
        else:
            lower = previous + 1 if integral else previous
        css_class, fill = _class_of(upper, uppers)
        label = (
            _format(upper, decimals)
            if lower == upper
            else f"{_format(lower, decimals)}{EN_DASH}{_format(upper, decimals)}"
        )
        legend.append(LegendClass(css_class, fill, lower, upper, label))
        previous = upper
    return legend


# --- rendering -------------------------------------------------------------------------------


def _safe_url(url: str) -> str:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("", "http", "https"):
        raise ValueError(f"refusing a {scheme}: link on the map")
    return escape(url)


def render_map(
    *,
    values: Mapping[str, Value],
    points: Sequence[MapPoint] = (),
    title: str,
    value_label: str,
    link_for: Callable[[str], str | None] | None = None,
    missing_is_zero: bool = True,
    decimals: int | None = None,
    dom_id: str = "eprok-map",
) -> SafeString:
    """An inline <svg> map of ``values`` keyed by region code (``regions()[i].code``).

    A value keyed by a group code (``"AZ-NX"``) is drawn as an outline around the group's members
    with its own tooltip, outside the colour scale. A region absent from ``values`` counts as 0,
    or as "no data" with ``missing_is_zero=False`` (for rates). ``link_for(code)`` may return a
    URL (relative or http/https) wrapping the region in a link; when any region is linked, the
    <svg> is a ``group`` instead of an ``img`` so the links stay reachable by keyboard and screen
    readers. ``dom_id`` must be unique on the page.
    """
    _check(values)
    if not _DOM_ID.match(dom_id):
        raise ValueError(f"invalid dom_id {dom_id!r}")
    data = _data()
    uppers = _breaks(values)
    no_data = _("no data")

    region_parts: list[str] = []
    linked = False
    for code, d in _paths():
        region = data.by_code[code]
        value = values.get(code, 0 if missing_is_zero else None)
        css_class, fill = _class_of(value, uppers)
        shown = no_data if value is None else _format(value, decimals)
        shape = (
            f'<path class="eprok-map__region {css_class}" data-region="{code}" fill="{fill}" '
            f'd="{d}"><title>{escape(region.name)}: {escape(shown)}</title></path>'
        )
        url = link_for(code) if link_for else None
        if url:
            linked = True
            shape = f'<a href="{_safe_url(url)}">{shape}</a>'
        region_parts.append(shape)

    group_parts = [
        f'<path class="eprok-map__group" data-region="{code}" d="{d}">'
        f"<title>{escape(data.groups[code].name)}: {escape(_format(values[code], decimals))}</title></path>"
        for code, d in _group_paths().items()
        if code in values
    ]

    point_parts: list[str] = []
    for point in points:
        if not _CSS_CLASS.match(point.css_class):
            raise ValueError(f"invalid css_class {point.css_class!r}")
        if not (math.isfinite(point.lon) and math.isfinite(point.lat)):
            continue
        x, y = project(point.lon, point.lat)
        extra = f" {point.css_class.strip()}" if point.css_class.strip() else ""
        shape = (
            f'<circle class="eprok-map__point{extra}" cx="{_num(x)}" cy="{_num(y)}" r="5">'
            f"<title>{escape(point.label)}</title></circle>"
        )
        if point.url:
            linked = True
            shape = f'<a href="{_safe_url(point.url)}">{shape}</a>'
        point_parts.append(shape)

    w, h = view_box()[2:]
    role = "group" if linked else "img"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="eprok-map" viewBox="0 0 {_num(w)} {_num(h)}" '
        f'role="{role}" aria-labelledby="{dom_id}-title {dom_id}-desc">'
        f'<title id="{dom_id}-title">{escape(title)}</title>'
        f'<desc id="{dom_id}-desc">{escape(value_label)}</desc>'
        '<g class="eprok-map__regions" stroke="#ffffff" stroke-width="0.8" stroke-linejoin="round" '
        f'fill-rule="evenodd">{"".join(region_parts)}</g>'
        + (
            '<g class="eprok-map__groups" fill="none" stroke="#252525" stroke-width="1.6" '
            f'stroke-linejoin="round">{"".join(group_parts)}</g>'
            if group_parts
            else ""
        )
        + (
            f'<g class="eprok-map__points" fill="{POINT_FILL}" stroke="#ffffff" stroke-width="1.2">'
            f"{''.join(point_parts)}</g>"
            if point_parts
            else ""
        )
        + "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every label and URL is escaped above; codes come from our data
