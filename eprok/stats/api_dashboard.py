"""API of the statistics dashboard, the drill-down and the crime map (under /api/v1/stats).

The same selectors and rules as the pages: 404 (audited) without "View statistics" or for a unit outside
the caller's scope, 400 for an inverted period, an unknown fact, region or measure; every figure is
computed over the caller's scope only. A token needs the "read" scope.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, require_scope

from . import access, dashboard

router = Router(tags=["statistics"])

KIND = Field(
    None, max_length=32, description="The fact counted (a card kind, e.g. opened, solved, registered)."
)
START = Field(None, max_length=10, description="First day of the period, YYYY-MM-DD (default: 1 January).")
END = Field(None, max_length=10, description="Last day of the period, YYYY-MM-DD (default: today).")
REGION = Field(None, max_length=8, description="A region's ISO 3166-2 code, e.g. AZ-BA.")
UNIT = Field(None, max_length=64, description="A unit's code inside the caller's statistics scope.")


def _number(value: int | Decimal | None) -> float | int | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else int(value)


# --- schemas ------------------------------------------------------------------------------------------------


class DashboardIn(Schema):
    unit: str | None = UNIT
    region: str | None = REGION


class IndicatorOut(Schema):
    key: str = Field(..., description="opened, solved, solve_rate, sent_to_court, registered or refused.")
    label: str
    kind: str = Field(..., description='"int" (a count) or "pct" (a percentage).')
    now: float | None = Field(None, description="The year so far.")
    before: float | None = Field(None, description="The same period of last year.")
    change: float | None = Field(None, description="Per cent change (counts) or percentage points (rates).")


class PointOut(Schema):
    month: str = Field(..., description="YYYY-MM")
    count: int


class SeriesOut(Schema):
    kind: str
    label: str
    points: list[PointOut]


class DashboardOut(Schema):
    unit: str | None
    region: str
    start: dt.date
    end: dt.date
    before_start: dt.date
    before_end: dt.date
    indicators: list[IndicatorOut]
    series: list[SeriesOut]


class DrillIn(Schema):
    kind: str | None = KIND
    start: str | None = START
    end: str | None = END
    region: str | None = REGION
    unit: str | None = UNIT


class DrillRowOut(Schema):
    label: str
    count: int
    region: str = Field("", description="The region the row drills into (the country level).")
    unit: str = Field("", description="The unit the row drills into (the region and unit levels).")
    residents: int | None = None
    rate: float | None = Field(None, description="Per 10,000 residents (the country level).")
    own: bool = Field(False, description="The unit's own cards, not in any of its sub-units.")


class DrillOut(Schema):
    level: str = Field(..., description="country, region or unit")
    kind: str
    start: dt.date
    end: dt.date
    region: str
    unit: str | None
    total: int
    population_year: int | None
    rows: list[DrillRowOut]


class MapIn(Schema):
    kind: str | None = KIND
    start: str | None = START
    end: str | None = END
    measure: str | None = Field(None, max_length=8, description='"count" (default) or "rate".')


class RegionOut(Schema):
    code: str
    name: str
    count: int
    residents: int | None
    rate: float | None = Field(None, description="Per 10,000 residents.")
    value: float | None = Field(None, description="The value drawn on the map for the chosen measure.")


class MapOut(Schema):
    kind: str
    measure: str
    start: dt.date
    end: dt.date
    population_year: int | None
    total: int
    unassigned: int = Field(..., description="Cards of units without a region.")
    regions: list[RegionOut]


# --- operations ---------------------------------------------------------------------------------------------


def _query(request: HttpRequest, data: dict[str, Any]) -> dashboard.Query:
    require_scope(request, Scope.READ)
    access.require_view(request.user)
    return dashboard.parse_query(request.user, {key: value for key, value in data.items() if value})


@router.get(
    "/dashboard",
    response={200: DashboardOut, **ERRORS},
    summary="Statistics dashboard",
    description=(
        "Key indicators of the year so far against the same period of last year, and the monthly counts of "
        "the last twelve months, over the caller's statistics scope, optionally one unit or region."
    ),
)
def dashboard_get(request: HttpRequest, params: Query[DashboardIn]) -> Any:
    query = _query(request, params.dict())
    board = dashboard.dashboard(request.user, unit=query.unit, region=query.region)
    return {
        "unit": query.unit.code if query.unit else None,
        "region": query.region,
        "start": board.start,
        "end": board.end,
        "before_start": board.before_start,
        "before_end": board.before_end,
        "indicators": [
            {
                "key": item.key,
                "label": str(item.label),
                "kind": item.kind,
                "now": _number(item.now),
                "before": _number(item.before),
                "change": _number(item.change),
            }
            for item in board.indicators
        ],
        "series": [
            {
                "kind": series.kind,
                "label": str(series.label),
                "points": [
                    {"month": month.strftime("%Y-%m"), "count": count} for month, count in series.points
                ],
            }
            for series in board.series
        ],
    }


@router.get(
    "/drill",
    response={200: DrillOut, **ERRORS},
    summary="Drill-down",
    description=(
        "One level of the drill-down: without region and unit, the count per region with the rate per "
        "10,000 residents; with a region, the count per unit having cards there; with a unit, the count per "
        "sub-unit (the unit's own cards in a row marked own)."
    ),
)
def drill_get(request: HttpRequest, params: Query[DrillIn]) -> Any:
    query = _query(request, params.dict())
    level = dashboard.drill(request.user, query)
    return {
        "level": level.level,
        "kind": query.kind,
        "start": query.start,
        "end": query.end,
        "region": query.region,
        "unit": query.unit.code if query.unit else None,
        "total": level.total,
        "population_year": level.population_year,
        "rows": [
            {
                "label": row.label,
                "count": row.count,
                "region": row.region,
                "unit": row.unit,
                "residents": row.residents,
                "rate": _number(row.rate),
                "own": row.own,
            }
            for row in level.rows
        ],
    }


@router.get(
    "/map",
    response={200: MapOut, **ERRORS},
    summary="Crime map figures",
    description="Per region: the count and the rate per 10,000 residents of the fact in the period.",
)
def map_get(request: HttpRequest, params: Query[MapIn]) -> Any:
    query = _query(request, params.dict())
    result = dashboard.crime_map(request.user, query)
    rate = query.measure == "rate"
    return {
        "kind": query.kind,
        "measure": query.measure,
        "start": query.start,
        "end": query.end,
        "population_year": result.population_year,
        "total": result.total,
        "unassigned": result.unassigned,
        "regions": [
            {
                "code": figure.code,
                "name": figure.name,
                "count": figure.count,
                "residents": figure.residents,
                "rate": _number(figure.rate),
                "value": _number(figure.rate) if rate else figure.count,
            }
            for figure in result.figures
        ],
    }
