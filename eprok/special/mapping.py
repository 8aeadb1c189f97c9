"""The special reports on the offline map (eprok.core.geo): counts per region, and the reports that carry
coordinates as points linking to their cards."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from eprok.core import geo
from eprok.special.selectors import Analytics


def report_map(result: Analytics, *, filters: Any) -> dict[str, Any]:
    """The map's SVG, its legend and the table of counts per region (the information without the picture)."""
    base = {key: value for key, value in filters.items() if key not in ("region", "page")}

    def link_for(code: str) -> str:
        return reverse("special:list") + "?" + urlencode({**base, "region": code})

    points = [
        geo.MapPoint(
            lon=float(report.longitude),
            lat=float(report.latitude),
            label=f"{report.number}: {report.incident_type.name}",
            url=report.get_absolute_url() + "?from=map",
        )
        for report in result.points
        if report.latitude is not None and report.longitude is not None
    ]
    svg: SafeString = geo.render_map(
        values=result.by_region,
        points=points,
        title=_("Special reports by region"),
        value_label=_("Special reports"),
        link_for=link_for,
    )
    rows = sorted(
        ((geo.region_name(code) or code, count, link_for(code)) for code, count in result.by_region.items()),
        key=lambda row: (-row[1], row[0]),
    )
    return {"svg": svg, "legend": geo.map_legend(result.by_region), "rows": rows}
