"""core.geo: the region data, the district mapping and the server-side SVG map."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.utils import translation

from eprok.core import geo
from eprok.core.geo.svg import NONE_FILL, PALETTE, ZERO_FILL

SVG = "{http://www.w3.org/2000/svg}"
UNITS = Path(__file__).resolve().parents[2] / "org" / "fixtures" / "units.json"
BAKU = (49.87, 40.41)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def region_paths(root: ET.Element) -> dict[str, ET.Element]:
    return {
        p.get("data-region", ""): p
        for p in root.iter(f"{SVG}path")
        if "eprok-map__region" in (p.get("class") or "").split()
    }


def test_every_unit_district_code_maps_to_a_region_in_the_data() -> None:
    codes = {u["district_code"] for u in json.loads(UNITS.read_text(encoding="utf-8")) if u["district_code"]}
    known = {r.code for r in geo.regions()}
    assert codes, "the fixture has district codes"
    for code in sorted(codes):
        polygons = geo.regions_for_district(code)
        assert polygons, f"{code} has no region"
        assert set(polygons) <= known, code
        assert geo.region_name(geo.region_for_district(code) or "") is not None


def test_district_mapping_examples() -> None:
    assert geo.region_for_district("baku-xetai") == "AZ-BA"
    assert geo.region_for_district("gence-city") == "AZ-GA"
    assert geo.region_for_district("lenkeran") == "AZ-LAN"
    assert geo.region_for_district("lenkeran-city") == "AZ-LA"
    assert geo.region_for_district("nar") == "AZ-NX"
    assert len(geo.regions_for_district("nar")) == 8
    assert geo.regions_for_district("babek") == ("AZ-BAB",)
    assert geo.region_for_district("") is None
    assert geo.region_for_district("atlantis") is None
    assert geo.regions_for_district("atlantis") == ()


@pytest.mark.parametrize(
    ("district", "lon", "lat"),
    [
        ("xankendi-city", 46.752, 39.815),  # no polygon of its own: inside Xocalı's
        ("yevlax-city", 47.150, 40.618),  # inside the Yevlax rayon's polygon
        ("naxcivan-city", 45.412, 39.209),
        ("lacin", 46.546, 39.639),
        ("baku-sebail", *BAKU),
        ("gence-city", 46.36, 40.68),
        ("sumqayit-city", 49.66, 40.59),
    ],
)
def test_city_seats_lie_in_the_mapped_polygon(district: str, lon: float, lat: float) -> None:
    assert geo.region_at(lon, lat) == geo.region_for_district(district)


def test_region_at_outside_the_country() -> None:
    assert geo.region_at(30.0, 50.0) is None
    assert geo.region_at(float("nan"), 40.0) is None


def test_every_region_has_names_in_three_languages() -> None:
    regions = geo.regions()
    assert len(regions) == 75
    assert len({r.code for r in regions}) == 75
    for region in regions:
        assert set(region.names) == {"az", "en", "ru"}, region.code
        assert all(name.strip() for name in region.names.values()), region.code
        assert region.kind in ("city", "district")
    for group in geo.region_groups():
        assert all(group.names[lang] for lang in ("az", "en", "ru"))


def test_names_follow_the_active_language() -> None:
    region = geo.get_region("AZ-SAK")
    assert region is not None
    with translation.override("az"):
        assert region.name == "Şəki rayonu"
    with translation.override("en"):
        assert region.name == "Shaki District"
    with translation.override("ru"):
        assert region.name == "Шекинский район"
        assert geo.region_name("AZ-NX") == "Нахчыванская Автономная Республика"


def test_bbox_and_centroid() -> None:
    region = geo.get_region("AZ-BA")
    assert region is not None
    min_lon, min_lat, max_lon, max_lat = region.bbox
    assert min_lon < BAKU[0] < max_lon
    assert min_lat < BAKU[1] < max_lat
    lon, lat = region.centroid
    assert min_lon < lon < max_lon
    assert min_lat < lat < max_lat


def test_values_by_region_sums_districts() -> None:
    values = geo.values_by_region({"baku-xetai": 2, "baku-nesimi": 3, "nar": 1, "atlantis": 9, "": 4})
    assert values == {"AZ-BA": 5, "AZ-NX": 1}


def test_render_map_is_well_formed_with_one_path_per_region() -> None:
    svg = geo.render_map(values={"AZ-BA": 3}, title="Map", value_label="reports")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert set((root.get("aria-labelledby") or "").split()) <= ids
    assert root.find(f"{SVG}title") is not None
    paths = region_paths(root)
    assert len(paths) == len(geo.regions())
    assert set(paths) == {r.code for r in geo.regions()}
    for path in paths.values():
        assert path.find(f"{SVG}title") is not None


def test_render_map_escapes_labels() -> None:
    evil = '<script>alert("x")</script>'
    svg = geo.render_map(
        values={},
        title=evil,
        value_label=evil,
        points=[geo.MapPoint(lon=BAKU[0], lat=BAKU[1], label=evil, url="/a?b=1&c=2")],
    )
    assert "<script" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == evil  # type: ignore[union-attr]
    circle = next(root.iter(f"{SVG}circle"))
    assert circle.find(f"{SVG}title").text == evil  # type: ignore[union-attr]
    link = next(root.iter(f"{SVG}a"))
    assert link.get("href") == "/a?b=1&c=2"


def test_render_map_has_no_style_attribute_and_no_script() -> None:
    svg = geo.render_map(
        values={"AZ-BA": 5, "AZ-GA": 1, "AZ-NX": 2},
        points=[geo.MapPoint(lon=BAKU[0], lat=BAKU[1], label="Bakı", url="/x", css_class="hot")],
        title="Map",
        value_label="reports",
        link_for=lambda code: f"/regions/{code}/",
    )
    assert "style=" not in svg
    root = parse(svg)
    for el in root.iter():
        assert "style" not in el.attrib
        assert el.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}foreignObject")
        assert not any(name.startswith("on") for name in el.attrib)


def test_render_map_fills_by_value_class() -> None:
    values = {r.code: i + 1 for i, r in enumerate(geo.regions())}
    values["AZ-BA"] = 1000
    values["AZ-GA"] = 0
    paths = region_paths(parse(geo.render_map(values=values, title="Map", value_label="reports")))
    assert paths["AZ-BA"].get("fill") == PALETTE[-1]
    assert "eprok-map__c5" in (paths["AZ-BA"].get("class") or "")
    assert paths["AZ-GA"].get("fill") == ZERO_FILL
    assert "eprok-map__c0" in (paths["AZ-GA"].get("class") or "")
    smallest = min((c for c in values if values[c] > 0), key=values.__getitem__)
    assert paths[smallest].get("fill") == PALETTE[0]
    used = {p.get("fill") for p in paths.values()}
    assert used == {ZERO_FILL, *PALETTE}
    with translation.override("en"):
        assert paths["AZ-BA"].find(f"{SVG}title") is not None
        title = parse(geo.render_map(values={"AZ-BA": 1234}, title="Map", value_label="v"))
        baku = region_paths(title)["AZ-BA"].find(f"{SVG}title")
        assert baku is not None
        assert baku.text is not None
        assert baku.text.startswith("Baku City: ")
        assert baku.text.replace(",", "").endswith("1234")


def test_missing_regions_are_zero_or_no_data() -> None:
    zero = region_paths(parse(geo.render_map(values={"AZ-BA": 2}, title="M", value_label="v")))
    assert zero["AZ-GA"].get("fill") == ZERO_FILL
    none = region_paths(
        parse(geo.render_map(values={"AZ-BA": 2.5}, title="M", value_label="v", missing_is_zero=False))
    )
    assert none["AZ-GA"].get("fill") == NONE_FILL
    assert none["AZ-BA"].get("fill") == PALETTE[-1]


def test_legend_matches_the_map() -> None:
    values = {"AZ-BA": 40, "AZ-GA": 10, "AZ-SM": 5, "AZ-MI": 2, "AZ-NA": 1, "AZ-LA": 0}
    legend = geo.map_legend(values)
    assert legend[0].css_class == "eprok-map__c0"
    assert legend[0].fill == ZERO_FILL
    classes = legend[1:]
    assert len(classes) == 5
    assert [c.fill for c in classes] == list(PALETTE)
    assert classes[0].lower == 1
    assert classes[-1].upper == 40
    for previous, current in itertools.pairwise(classes):
        assert previous.upper is not None
        assert current.lower == previous.upper + 1
    paths = region_paths(parse(geo.render_map(values=values, title="M", value_label="v")))
    for entry in classes:
        for code, value in values.items():
            assert entry.lower is not None
            assert entry.upper is not None
            if entry.lower <= value <= entry.upper:
                assert paths[code].get("fill") == entry.fill


def test_legend_with_few_values_uses_the_darkest_class_for_the_top() -> None:
    legend = geo.map_legend({"AZ-BA": 3})
    assert [c.label for c in legend] == ["0", "3"]
    assert legend[-1].fill == PALETTE[-1]


def test_point_lands_in_the_projected_region() -> None:
    svg = geo.render_map(
        values={}, title="M", value_label="v", points=[geo.MapPoint(lon=BAKU[0], lat=BAKU[1], label="Bakı")]
    )
    circle = next(parse(svg).iter(f"{SVG}circle"))
    x, y = float(circle.get("cx", "nan")), float(circle.get("cy", "nan"))
    assert (x, y) == pytest.approx(geo.project(*BAKU), abs=0.05)
    region = geo.get_region("AZ-BA")
    assert region is not None
    x0, y0 = geo.project(region.bbox[0], region.bbox[3])  # north-west corner
    x1, y1 = geo.project(region.bbox[2], region.bbox[1])  # south-east corner
    assert x0 < x < x1
    assert y0 < y < y1
    _, _, width, height = geo.view_box()
    assert 0 < x < width
    assert 0 < y < height
    assert x > width * 0.8  # Baku is in the east of the country


def test_group_value_is_an_outline_not_a_fill() -> None:
    with translation.override("az"):
        root = parse(geo.render_map(values={"AZ-NX": 7, "AZ-BAB": 1}, title="M", value_label="v"))
    groups = [p for p in root.iter(f"{SVG}path") if p.get("class") == "eprok-map__group"]
    assert len(groups) == 1
    title = groups[0].find(f"{SVG}title")
    assert title is not None
    assert title.text == "Naxçıvan Muxtar Respublikası: 7"
    assert region_paths(root)["AZ-BAB"].get("fill") == PALETTE[-1]


def test_links_wrap_regions_and_unsafe_urls_are_refused() -> None:
    root = parse(
        geo.render_map(
            values={},
            title="M",
            value_label="v",
            link_for=lambda code: f"/stats/{code}/" if code == "AZ-BA" else None,
        )
    )
    assert root.get("role") == "group"
    links = list(root.iter(f"{SVG}a"))
    assert len(links) == 1
    assert links[0].get("href") == "/stats/AZ-BA/"
    with pytest.raises(ValueError):
        geo.render_map(values={}, title="M", value_label="v", link_for=lambda code: "javascript:alert(1)")


@pytest.mark.parametrize(
    "values",
    [{"AZ-XX": 1}, {"AZ-BA": -1}, {"AZ-BA": float("nan")}],
)
def test_bad_values_are_refused(values: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        geo.render_map(values=values, title="M", value_label="v")


def test_bad_point_class_is_refused() -> None:
    point = geo.MapPoint(lon=BAKU[0], lat=BAKU[1], label="x", css_class='a" onload="x')
    with pytest.raises(ValueError):
        geo.render_map(values={}, title="M", value_label="v", points=[point])
