"""What the statistics dashboard, the drill-down and the crime map read.

Every figure comes from `selectors.card_counts` over `access.card_scope(user)`, so nothing outside the user's
statistics scope is counted, not even in a total. A unit named in the parameters must lie inside the scope
(`access.unit_for`: 404, audited). The dashboard's key indicators compare the year so far with the same
period of last year; its trend lines cover the last twelve months. The drill-down goes country → region →
unit → sub-units → the underlying records; the map shows the count and the rate per 10,000 residents of
each region. Each of these reads a constant number of queries, however many cards there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.core.errors import ApplicationError
from eprok.core.geo.regions import get_region, region_groups, region_name, regions
from eprok.org.models import Unit

from . import access, selectors
from .facts import UNSOLVED_GROUND
from .models import Card, CardKind, SubjectType
from .population import figures_for
from .tables import change, percent, rate

DEFAULT_KIND = CardKind.OPENED
PER = 10_000  # rates per 10,000 residents
TREND_MONTHS = 12
TREND_KINDS = (CardKind.OPENED, CardKind.SOLVED, CardKind.REGISTERED, CardKind.SENT_TO_COURT)
INDICATOR_KINDS = (
    CardKind.OPENED,
    CardKind.SOLVED,
    CardKind.SUSPENDED,
    CardKind.SENT_TO_COURT,
    CardKind.REGISTERED,
    CardKind.REFUSED,
)
MEASURES = ("count", "rate")


class QueryError(ApplicationError):
    """A parameter of a dashboard, drill-down or map that cannot be used (400; `details` names the field)."""

    code = "bad_request"
    status = 400
    default_message = gettext_lazy("The parameters of the request are not valid.")


def _bad(field_name: str, message: str) -> QueryError:
    return QueryError(message, details={field_name: message, "field": field_name})


# --- parameters ---------------------------------------------------------------------------------------------


def year_start(day: dt.date) -> dt.date:
    return day.replace(month=1, day=1)


def same_day_last_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _date(value: Any, field_name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _bad(field_name, _("Enter a date as YYYY-MM-DD.")) from None


def region_known(code: str) -> bool:
    return get_region(code) is not None or is_group(code)


def is_group(code: str) -> bool:
    """A group of regions (the Nakhchivan AR as a whole: its cards are those of the republic's own units)."""
    return any(group.code == code for group in region_groups())


def _residents(figures: Mapping[str, int], code: str) -> int | None:
    """The denominator of a row's rate: none for a group, whose cards are only those of its own level."""
    return None if not code or is_group(code) else figures.get(code)


@dataclass(frozen=True)
class Query:
    """A drill-down or map query: the fact counted, the period, optionally a region and a unit (in scope)."""

    kind: str
    start: dt.date
    end: dt.date
    region: str = ""
    unit: Unit | None = None
    records: bool = False
    measure: str = "count"

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string of this query (with `changes`; a None or "" value drops the key)."""
        values: dict[str, Any] = {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "region": self.region,
            "unit": self.unit.code if self.unit else "",
        }
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value not in (None, "", False)}

    @property
    def filters(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.region:
            found["region"] = self.region
        if self.unit is not None:
            found["unit_path"] = self.unit.path
        return found

    @property
    def kind_label(self) -> str:
        return str(CardKind(self.kind).label)


def parse_query(user: Any, data: Mapping[str, Any], *, today: dt.date | None = None) -> Query:
    """The query named by request parameters: "kind" (default: cases opened), "start"/"end" (default: this
    year so far), "region", "unit" (404 outside the scope), "records", "measure". QueryError on bad values."""
    today = today or timezone.localdate()
    kind = str(data.get("kind") or DEFAULT_KIND)
    if kind not in CardKind.values:
        raise _bad("kind", _("Choose a fact from the list."))
    start = _date(data.get("start"), "start") or year_start(today)
    end = _date(data.get("end"), "end") or today
    try:
        selectors.check_period(start, end)
    except selectors.PeriodError:
        raise _bad("end", _("The end of the period is before its start.")) from None
    region = str(data.get("region") or "").strip()
    if region and not region_known(region):
        raise _bad("region", _("There is no region with this code."))
    measure = str(data.get("measure") or "count")
    if measure not in MEASURES:
        raise _bad("measure", _("Choose the count or the rate."))
    code = str(data.get("unit") or "").strip()
    unit = access.unit_for(user, code) if code else None
    records = str(data.get("records") or "") in ("1", "true", "on")
    return Query(kind=kind, start=start, end=end, region=region, unit=unit, records=records, measure=measure)


# --- the dashboard ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One tile: the figure of the year so far and of the same period of last year. `kind` "int" or "pct"."""

    key: str
    label: Any
    now: int | Decimal | None
    before: int | Decimal | None
    kind: str = "int"
    drill_kind: str = ""

    @property
    def change(self) -> Decimal | None:
        """Per cent change for counts; the difference in percentage points for rates."""
        if self.kind == "pct":
            if self.now is None or self.before is None:
                return None
            return Decimal(self.now) - Decimal(self.before)
        return change(int(self.now or 0), int(self.before or 0))


@dataclass(frozen=True)
class Series:
    kind: str
    label: Any
    points: list[tuple[dt.date, int]]  # (first day of the month, count)


@dataclass
class Dashboard:
    unit: Unit | None
    region: str
    start: dt.date
    end: dt.date
    before_start: dt.date
    before_end: dt.date
    indicators: list[Indicator]
    months: list[dt.date]
    series: list[Series] = field(default_factory=list)

    @property
    def trend_rows(self) -> list[tuple[dt.date, list[int]]]:
        """The trend as a table: per month, the count of each series."""
        return [
            (month, [series.points[i][1] for series in self.series]) for i, month in enumerate(self.months)
        ]


def _by_kind(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        kind = row["kind"]
        if kind == CardKind.SUSPENDED:
            kind = "unsolved" if row["ground"] == UNSOLVED_GROUND else "suspended_other"
        found[kind] = found.get(kind, 0) + int(row["n"])
    return found


def _indicators(now: Mapping[str, int], before: Mapping[str, int]) -> list[Indicator]:
    def solve_rate(counts: Mapping[str, int]) -> Decimal | None:
        solved = counts.get(CardKind.SOLVED, 0)
        return percent(solved, solved + counts.get("unsolved", 0))

    def tile(kind: str, label: Any) -> Indicator:
        return Indicator(kind, label, now.get(kind, 0), before.get(kind, 0), drill_kind=kind)

    return [
        tile(CardKind.OPENED, gettext_lazy("Crimes registered")),
        tile(CardKind.SOLVED, gettext_lazy("Crimes solved")),
        Indicator("solve_rate", gettext_lazy("Solve rate"), solve_rate(now), solve_rate(before), "pct"),
        tile(CardKind.SENT_TO_COURT, gettext_lazy("Cases sent to court")),
        tile(CardKind.REGISTERED, gettext_lazy("Crime reports registered")),
        tile(CardKind.REFUSED, gettext_lazy("Opening of a case refused")),
    ]


def month_starts(end: dt.date, count: int = TREND_MONTHS) -> list[dt.date]:
    """The first days of the `count` months up to and including the month of `end`, oldest first."""
    months: list[dt.date] = []
    year, month = end.year, end.month
    for _i in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def dashboard(
    user: Any, *, unit: Unit | None = None, region: str = "", today: dt.date | None = None
) -> Dashboard:
    """The key indicators (year so far against the same period of last year) and the monthly trend of the
    last twelve months, inside the user's scope and the chosen unit or region — three queries."""
    today = today or timezone.localdate()
    scope = access.card_scope(user)
    filters: dict[str, Any] = {}
    if unit is not None:
        filters["unit_path"] = unit.path
    if region:
        filters["region"] = region
    start, end = year_start(today), today
    before_start, before_end = year_start(same_day_last_year(today)), same_day_last_year(today)

    def counts(first: dt.date, last: dt.date) -> dict[str, int]:
        return _by_kind(
            selectors.card_counts(
                scope=scope,
                start=first,
                end=last,
                by=["kind", "ground"],
                kinds=INDICATOR_KINDS,
                filters=filters,
            )
        )

    now, before = counts(start, end), counts(before_start, before_end)
    months = month_starts(today)
    monthly = selectors.card_counts(
        scope=scope,
        start=months[0],
        end=today,
        by=["year", "month", "kind"],
        kinds=TREND_KINDS,
        filters=filters,
    )
    found = {(int(row["year"]), int(row["month"]), row["kind"]): int(row["n"]) for row in monthly}
    series = [
        Series(
            kind,
            CardKind(kind).label,
            [(month, found.get((month.year, month.month, kind), 0)) for month in months],
        )
        for kind in TREND_KINDS
    ]
    return Dashboard(
        unit=unit,
        region=region,
        start=start,
        end=end,
        before_start=before_start,
        before_end=before_end,
        indicators=_indicators(now, before),
        months=months,
        series=series,
    )


# --- the drill-down -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrillRow:
    """One row of a drill-down level. `region`/`unit`: the code the row drills into ("" when it does not)."""

    label: str
    count: int
    region: str = ""
    unit: str = ""
    residents: int | None = None
    rate: Decimal | None = None
    own: bool = False  # the unit's own cards, not in any sub-unit


@dataclass(frozen=True)
class Crumb:
    label: str
    params: dict[str, str]


@dataclass
class DrillLevel:
    """`level`: "country" (rows per region), "region" (rows per unit with cards there), "unit" (rows per
    sub-unit) or "records"."""

    query: Query
    level: str
    rows: list[DrillRow]
    total: int
    crumbs: list[Crumb]
    population_year: int | None = None
    has_children: bool = False


def _scope(user: Any) -> Q:
    return access.card_scope(user)


def region_label(code: str) -> str:
    return (region_name(code) or code) if code else _("Region not specified")


def crumbs(user: Any, query: Query) -> list[Crumb]:
    """The drill path: the country, the region when one is chosen, and the unit's ancestors inside the scope
    down to the unit (one query for the ancestors)."""
    base = query.params(region="", unit="")
    out = [Crumb(_("Country"), base)]
    if query.region:
        out.append(Crumb(region_label(query.region), {**base, "region": query.region}))
    if query.unit is not None:
        ids = [int(part) for part in query.unit.path.strip("/").split("/") if part]
        ancestors = Unit.objects.filter(pk__in=ids).order_by("depth")
        for unit in ancestors:
            if unit.pk == query.unit.pk or access.can_drill(user, unit):
                out.append(
                    Crumb(
                        unit.name,
                        {**base, **({"region": query.region} if query.region else {}), "unit": unit.code},
                    )
                )
    return out


def drill(user: Any, query: Query) -> DrillLevel:
    """One level of the drill-down for `query` (the records level is `record_cards`)."""
    scope = _scope(user)
    kinds = [query.kind]
    if query.unit is not None:
        return _unit_level(user, query, scope)
    if query.region:
        rows = selectors.card_counts(
            scope=scope, start=query.start, end=query.end, by=["unit"], kinds=kinds, filters=query.filters
        )
        counts = {int(row["unit"]): int(row["n"]) for row in rows}
        units = Unit.objects.filter(pk__in=list(counts)).order_by("path")
        out = [DrillRow(unit.name, counts[unit.pk], unit=unit.code) for unit in units]
        return DrillLevel(query, "region", out, sum(counts.values()), crumbs(user, query))
    rows = selectors.card_counts(scope=scope, start=query.start, end=query.end, by=["region"], kinds=kinds)
    figures, year = figures_for(query.end.year)
    out = []
    for row in rows:
        code, count = str(row["region"] or ""), int(row["n"])
        residents = _residents(figures, code)
        out.append(
            DrillRow(
                region_label(code), count, region=code, residents=residents, rate=rate(count, residents, PER)
            )
        )
    out.sort(key=lambda row: (-row.count, row.label))
    return DrillLevel(
        query, "country", out, sum(row.count for row in out), crumbs(user, query), population_year=year
    )


def _unit_level(user: Any, query: Query, scope: Q) -> DrillLevel:
    unit = query.unit
    assert unit is not None
    children = [child for child in selectors.children_of(unit) if access.can_drill(user, child)]
    rows = selectors.card_counts(
        scope=scope, start=query.start, end=query.end, by=["unit"], kinds=[query.kind], filters=query.filters
    )
    counts = {int(row["unit"]): int(row["n"]) for row in rows}
    total = sum(counts.values())
    out: list[DrillRow] = []
    if children:
        rolled = selectors.rollup(counts, unit, children)
        out = [DrillRow(child.name, rolled.get(child.pk, 0), unit=child.code) for child in children]
        own = rolled.get(unit.pk, 0)
        if own:
            out.append(DrillRow(_("%(unit)s itself") % {"unit": unit.name}, own, own=True))
    return DrillLevel(query, "unit", out, total, crumbs(user, query), has_children=bool(children))


def record_cards(user: Any, query: Query) -> QuerySet[Card]:
    """The cards that make up a drill-down figure: those counted (+1, not cancelled), newest first."""
    return (
        selectors.cards(
            scope=_scope(user), start=query.start, end=query.end, kinds=[query.kind], filters=query.filters
        )
        .filter(sign=1, correction__isnull=True)
        .select_related("unit")
        .order_by("-occurred_on", "-pk")
    )


def _owners() -> dict[str, tuple[Any, tuple[str, ...]]]:
    from eprok.cases import access as cases_access
    from eprok.materials import access as materials_access
    from eprok.supervision import access as supervision_access

    return {
        SubjectType.MATERIAL: (materials_access.visible_to, ("pk", "number")),
        SubjectType.CASE: (cases_access.visible_to, ("pk", "number")),
        SubjectType.SUPERVISED: (supervision_access.visible_to, ("pk", "public_id")),
    }


def record_links(user: Any, cards: Sequence[Card]) -> dict[tuple[str, int], str]:
    """(record type, record id) → the record's page, for the records the owning module lets the user open
    (one query per type present)."""
    wanted: dict[str, set[int]] = {}
    for card in cards:
        wanted.setdefault(card.subject_type, set()).add(card.subject_id)
    links: dict[tuple[str, int], str] = {}
    owners = _owners()
    for subject_type, ids in wanted.items():
        owner = owners.get(subject_type)
        if owner is None:
            continue
        visible_to, fields = owner
        for record in visible_to(user).filter(pk__in=ids).only(*fields):
            links[(subject_type, record.pk)] = record.get_absolute_url()
    return links


# --- the map ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionFigure:
    code: str
    name: str
    count: int
    residents: int | None
    rate: Decimal | None


@dataclass
class CrimeMap:
    query: Query
    figures: list[RegionFigure]  # every region, then the groups with cards of their own
    population_year: int | None
    unassigned: int = 0  # cards of units without a region

    @property
    def total(self) -> int:
        return sum(figure.count for figure in self.figures) + self.unassigned

    def values(self) -> dict[str, float | int]:
        """The values drawn: counts (regions with cards) or rates (every region with a population)."""
        if self.query.measure == "rate":
            return {figure.code: float(figure.rate) for figure in self.figures if figure.rate is not None}
        return {figure.code: figure.count for figure in self.figures if figure.count}


def crime_map(user: Any, query: Query) -> CrimeMap:
    """Counts and rates per 10,000 residents of every region for the query's fact and period — two queries."""
    rows = selectors.card_counts(
        scope=_scope(user), start=query.start, end=query.end, by=["region"], kinds=[query.kind]
    )
    counts = {str(row["region"] or ""): int(row["n"]) for row in rows}
    figures, year = figures_for(query.end.year)
    codes = [region.code for region in regions()]
    codes += sorted(code for code in counts if code and code not in codes and region_known(code))
    out = []
    for code in codes:
        count, residents = counts.get(code, 0), _residents(figures, code)
        out.append(RegionFigure(code, region_label(code), count, residents, rate(count, residents, PER)))
    return CrimeMap(query, out, year, unassigned=counts.get("", 0))
