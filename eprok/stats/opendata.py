"""Open data: the public tables of the whole service by region, Criminal Code chapter and year.

For every completed year (from the first year with cards to the year before the current one) and every
measure, one table of regions × chapters with row, column and grand totals, counted from all cards
(`card_counts` with an empty scope: public aggregates of the prosecution service and the bodies it
supervises) and protected by `eprok.stats.suppression` so that small counts cannot identify anyone.
Published in long form: one row per entry of the table, totals included ("TOTAL").
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from eprok.core.geo.regions import get_region, regions

from . import suppression
from .models import Card, CardKind
from .selectors import card_counts

DEFAULT_THRESHOLD = 5
TOTAL = "TOTAL"
UNKNOWN = "UNKNOWN"  # cards without a region (unit without a district) or without a main article
LANGUAGES = ("az", "en", "ru")
CHAPTERS_FILE = Path(__file__).resolve().parent / "data" / "cc_chapters.json"

# The long-form fields, in order (the Frictionless Table Schema of schema.json).
FIELDS = (
    "year",
    "region_code",
    "region_name",
    "article_group",
    "article_group_name",
    "measure",
    "value",
    "suppressed",
)


@dataclass(frozen=True)
class Measure:
    slug: str  # in URLs and files
    kind: str  # the card kind counted
    label: Any


MEASURES: dict[str, Measure] = {
    m.slug: m
    for m in (
        Measure("crimes-registered", CardKind.OPENED, _("Crimes registered")),
        Measure("crimes-solved", CardKind.SOLVED, _("Crimes solved")),
        Measure("cases-sent-to-court", CardKind.SENT_TO_COURT, _("Criminal cases sent to court")),
    )
}


class NotPublished(LookupError):
    """No such measure, or the year is not a completed year with data."""


def threshold() -> int:
    """Counts below this are not published (setting EPROK_OPEN_DATA_THRESHOLD, at least 2)."""
    return max(2, int(getattr(settings, "EPROK_OPEN_DATA_THRESHOLD", DEFAULT_THRESHOLD)))


@functools.cache
def _chapters_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CHAPTERS_FILE.read_text(encoding="utf-8"))
    return data


def chapter_numbers() -> list[int]:
    return sorted(int(number) for number in _chapters_data()["chapters"])


def language(lang: str) -> str:
    """One of LANGUAGES (Azerbaijani for anything else)."""
    code = (lang or "az").split("-")[0].lower()
    return code if code in LANGUAGES else "az"


def chapter_title(number: int, lang: str) -> str:
    entry = _chapters_data()["chapters"].get(str(number))
    return str(entry[language(lang)]) if entry else ""


def group_name(code: str, lang: str) -> str:
    """'Chapter 18. Crimes against life and health' in `lang`; the labels of TOTAL and UNKNOWN."""
    with translation.override(language(lang)):
        if code == TOTAL:
            return str(_("All chapters"))
        if code == UNKNOWN:
            return str(_("Article not determined"))
        title = chapter_title(int(code), lang)
        heading = str(_("Chapter %(number)s") % {"number": code})
        return f"{heading}. {title}" if title else heading


def region_label(code: str, lang: str) -> str:
    with translation.override(language(lang)):
        if code == TOTAL:
            return str(_("All regions"))
        if code == UNKNOWN:
            return str(_("Region not determined"))
    region = get_region(code)
    if region is None:
        return code
    return str(region.names.get(language(lang)) or region.names["az"])


def cutoff(year: int) -> dt.datetime:
    """The moment a year's tables are taken and published: EPROK_OPEN_DATA_CUTOFF_DAYS (default 90) after
    the year's end. A table counts the cards recorded up to it and never changes afterwards, so comparing two
    downloads cannot place a late or corrected card in a suppressed cell."""
    days = int(getattr(settings, "EPROK_OPEN_DATA_CUTOFF_DAYS", 90))
    return timezone.make_aware(dt.datetime(year + 1, 1, 1)) + dt.timedelta(days=days)


def completed_years(*, now: dt.datetime | None = None) -> list[int]:
    """The published years: from the first year with cards of a measure to the last whose cutoff passed."""
    moment = now or timezone.now()
    current = timezone.localdate(moment).year
    first = Card.objects.filter(kind__in=[m.kind for m in MEASURES.values()]).aggregate(
        first=Min("occurred_on")
    )["first"]
    if first is None:
        return []
    return [year for year in range(first.year, current) if cutoff(year) <= moment]


def check(year: int, slug: str, *, now: dt.datetime | None = None) -> Measure:
    """The measure of a published table; NotPublished for an unknown measure or a year not (yet) published."""
    measure = MEASURES.get(slug)
    if measure is None or year not in completed_years(now=now):
        raise NotPublished(f"no open data for {year}/{slug}")
    return measure


@dataclass(frozen=True)
class OpenTable:
    """One published table: regions (rows) × chapters (columns), margins last, with its suppression."""

    year: int
    measure: Measure
    threshold: int
    regions: tuple[str, ...]  # region codes of the rows, then TOTAL
    groups: tuple[str, ...]  # chapter numbers (as text) of the columns, then TOTAL
    grid: suppression.Grid

    def entry(self, row: int, column: int) -> int | None:
        """The published figure (None: suppressed)."""
        return self.grid.published((row, column))

    def label(self) -> str:
        return f"<{self.threshold}"


CACHE_SECONDS = 3600


def _counts(year: int, measure: Measure, as_of: dt.datetime | None) -> dict[tuple[str, str], int]:
    """(region code, chapter) → net count of the year; UNKNOWN where the card has none."""
    counts = card_counts(
        scope=Q(),
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        by=("region", "chapter"),
        as_of=as_of or cutoff(year),
        kinds=[measure.kind],
    )
    found: dict[tuple[str, str], int] = {}
    for row in counts:
        region = row["region"] or UNKNOWN
        group = str(row["chapter"]) if row["chapter"] is not None else UNKNOWN
        # A net count below zero cannot come from consistent cards; it is published as 0, never negative.
        found[(region, group)] = found.get((region, group), 0) + max(0, int(row["n"]))
    return found


def _cached_counts(year: int, measure: Measure) -> dict[tuple[str, str], int]:
    # Cards are append-only, so the newest card's id names the state of the data: the public pages reuse
    # the grouped counts until a card is added, and anonymous traffic costs an index look-up, not a scan.
    latest = Card.objects.aggregate(latest=Max("pk"))["latest"] or 0
    key = f"eprok:stats:opendata:{year}:{measure.slug}:{latest}"
    found: dict[tuple[str, str], int] | None = cache.get(key)
    if found is None:
        found = _counts(year, measure, None)
        cache.set(key, found, CACHE_SECONDS)
    return found


def table(year: int, measure: Measure, *, as_of: dt.datetime | None = None) -> OpenTable:
    """A published year's table, small counts suppressed; as of the year's cutoff unless `as_of` is given."""
    found = _counts(year, measure, as_of) if as_of is not None else _cached_counts(year, measure)
    known_regions = [r.code for r in regions()]
    extra_regions = sorted({r for r, _g in found} - set(known_regions) - {UNKNOWN})
    row_codes = known_regions + extra_regions + ([UNKNOWN] if any(r == UNKNOWN for r, _g in found) else [])
    known_groups = [str(n) for n in chapter_numbers()]
    extra_groups = sorted({g for _r, g in found} - set(known_groups) - {UNKNOWN}, key=int)
    group_codes = known_groups + extra_groups + ([UNKNOWN] if any(g == UNKNOWN for _r, g in found) else [])
    cells = [[found.get((r, g), 0) for g in group_codes] for r in row_codes]
    limit = threshold()
    return OpenTable(
        year=year,
        measure=measure,
        threshold=limit,
        regions=(*row_codes, TOTAL),
        groups=(*group_codes, TOTAL),
        grid=suppression.suppress(cells, limit),
    )


def long_rows(open_table: OpenTable, *, lang: str = "az") -> list[dict[str, Any]]:
    """One row per entry of the table (totals included), in FIELDS order; suppressed: value None."""
    lang = language(lang)
    group_names = {code: group_name(code, lang) for code in open_table.groups}
    out = []
    for r, region in enumerate(open_table.regions):
        region_name = region_label(region, lang)
        for c, group in enumerate(open_table.groups):
            value = open_table.entry(r, c)
            out.append(
                {
                    "year": open_table.year,
                    "region_code": region,
                    "region_name": region_name,
                    "article_group": group,
                    "article_group_name": group_names[group],
                    "measure": open_table.measure.slug,
                    "value": value,
                    "suppressed": value is None,
                }
            )
    return out


def table_schema(*, threshold_value: int) -> dict[str, Any]:
    """The Frictionless Table Schema of the long-form files (CSV writes a suppressed value as '<n')."""
    return {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "title": "Electronic Prosecution open data: crimes by region, Criminal Code chapter and year",
        "description": (
            "Aggregate counts of the prosecution service and the bodies under its procedural supervision. "
            f"Counts from 1 to {threshold_value - 1} are suppressed, and so are further figures that would "
            "reveal them (complementary suppression)."
        ),
        "fields": [
            {"name": "year", "type": "integer", "title": "Year", "constraints": {"required": True}},
            {
                "name": "region_code",
                "type": "string",
                "title": "Region (ISO 3166-2:AZ code)",
                "description": f"'{TOTAL}' for all regions, '{UNKNOWN}' when the region is not determined.",
                "constraints": {"required": True},
            },
            {"name": "region_name", "type": "string", "title": "Region"},
            {
                "name": "article_group",
                "type": "string",
                "title": "Chapter of the Special Part of the Criminal Code",
                "description": (
                    f"The chapter number (16-35); '{TOTAL}' for all chapters, '{UNKNOWN}' if not determined."
                ),
                "constraints": {"required": True},
            },
            {"name": "article_group_name", "type": "string", "title": "Chapter"},
            {
                "name": "measure",
                "type": "string",
                "title": "Measure",
                "constraints": {"required": True, "enum": list(MEASURES)},
            },
            {
                "name": "value",
                "type": "integer",
                "title": "Count",
                "description": "Empty (null) when suppressed; the CSV shows the suppressed value as "
                f"'<{threshold_value}'.",
                "constraints": {"minimum": 0},
            },
            {
                "name": "suppressed",
                "type": "boolean",
                "title": "Suppressed to protect privacy",
                "constraints": {"required": True},
            },
        ],
        "missingValues": ["", f"<{threshold_value}"],
        "primaryKey": ["year", "measure", "region_code", "article_group"],
    }
