"""The residents of each region, the denominator of the rates per 10,000 on the drill-down and the crime map.

The figures ship with the code (`data/population.json`: the State Statistical Committee's population at the
beginning of each year, rounded to the hundred) and are loaded into `stats.Population` by a data migration
calling `load_bundled`; an administrator may add later years the same way. A year without figures falls back
to the nearest earlier year, so this year's rates use last year's population until the Committee publishes.
The Nakhchivan Autonomous Republic as a whole (the group code "AZ-NX", used by units of the republic's own
level) has the sum of its districts.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from eprok.core.geo.regions import region_groups

from .models import Population

DATA_FILE = Path(__file__).resolve().parent / "data" / "population.json"


@cache
def bundled() -> dict[str, Any]:
    """The bundled file: {"source": ..., "note": ..., "years": {"2024": {region code: residents}}}."""
    return dict(json.loads(DATA_FILE.read_text(encoding="utf-8")))


def load_bundled(model: Any = None) -> int:
    """Insert or update the bundled figures (idempotent); `model` is the historical model in a migration.
    Returns the number of (region, year) rows written."""
    model = model or Population
    data = bundled()
    source = str(data["source"])[:200]
    rows = [
        model(region=region, year=int(year), residents=int(residents), source=source)
        for year, figures in data["years"].items()
        for region, residents in figures.items()
    ]
    model.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["region", "year"],
        update_fields=["residents", "source"],
    )
    return len(rows)


def _groups() -> dict[str, tuple[str, ...]]:
    return {group.code: group.members for group in region_groups()}


def residents_by_region(year: int) -> dict[str, int]:
    """Region code → residents at the start of `year` (or of the nearest earlier year with figures), plus
    the groups (the Nakhchivan AR) as the sum of their members — one query."""
    return figures_for(year)[0]


def figures_for(year: int) -> tuple[dict[str, int], int | None]:
    """`residents_by_region(year)` and the latest year of figures it uses (None: no figures) — one query."""
    found: dict[str, int] = {}
    latest: int | None = None
    rows = (
        Population.objects.filter(year__lte=year)
        .order_by("region", "-year")
        .values_list("region", "year", "residents")
    )
    for region, row_year, count in rows:
        if region not in found:
            found[region] = count
            latest = max(latest or row_year, row_year)
    for code, members in _groups().items():
        if code not in found and all(member in found for member in members):
            found[code] = sum(found[member] for member in members)
    return found, latest


def residents(region: str, year: int) -> int | None:
    """Residents of a region (or group) at the start of `year` or the nearest earlier year; None: unknown."""
    if region in _groups():
        return residents_by_region(year).get(region)
    row = (
        Population.objects.filter(region=region, year__lte=year)
        .order_by("-year")
        .values_list("residents", flat=True)
        .first()
    )
    return int(row) if row is not None else None
