"""Reading the statistical cards: counts by any dimensions over a period, as of a moment.

`card_counts` is the one aggregate every report, dashboard, drill-down, the report builder and open data
use: the net number of cards (the sum of their signs, so a cancelled card counts 0) per group, for cards
whose statistical date lies in the period and that were recorded up to `as_of` (None: now). The scope is
a filter from `eprok.stats.access.card_scope(user)`, so every figure stays inside what the user may see.

`rollup` turns counts per unit into counts per child of a unit (each child with its whole subtree), the
step of a drill-down: the database groups by unit (a few hundred units at most), Python sums the subtrees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from eprok.org.models import Unit

from .models import Card

# Dimension name → the column (or expression) cards are grouped by.
DIMENSIONS: dict[str, Any] = {
    "kind": "kind",
    "body": "body",
    "unit": "unit_id",
    "region": "region",
    "article": "article",
    "chapter": "chapter",
    "category": "category",
    "ground": "ground",
    "year": ExtractYear("occurred_on"),
    "month": ExtractMonth("occurred_on"),
}
FILTERS = ("kind", "body", "unit", "region", "article", "chapter", "category", "ground")


class PeriodError(ValueError):
    """An inverted or unbounded period."""


def check_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    if start is None or end is None:
        raise PeriodError("a period needs a first and a last day")
    if start > end:
        raise PeriodError("the period ends before it starts")
    return start, end


def cards(
    *,
    scope: Q,
    start: dt.date,
    end: dt.date,
    as_of: dt.datetime | None = None,
    kinds: Iterable[str] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> QuerySet[Card]:
    """The cards of the period inside `scope`, recorded up to `as_of`, matching `filters` (dimension → value
    or list of values; "unit_path" → a subtree's path prefix)."""
    check_period(start, end)
    queryset = Card.objects.filter(scope, occurred_on__gte=start, occurred_on__lte=end)
    if as_of is not None:
        queryset = queryset.filter(recorded_at__lte=as_of)
    if kinds is not None:
        queryset = queryset.filter(kind__in=list(kinds))
    for name, value in (filters or {}).items():
        if name == "unit_path":  # a subtree, on the units' places in the tree today
            from .access import subtree_filter

            queryset = queryset.filter(subtree_filter(Q(path__startswith=value)))
            continue
        if name not in FILTERS:
            raise ValueError(f"unknown filter {name!r}")
        column = DIMENSIONS[name]
        if isinstance(value, list | tuple | set | frozenset):
            queryset = queryset.filter(**{f"{column}__in": list(value)})
        else:
            queryset = queryset.filter(**{column: value})
    return queryset


def _expression(column: Any) -> Any:
    """A column name as an expression (annotate() takes expressions only)."""
    return F(column) if isinstance(column, str) else column


def card_counts(
    *,
    scope: Q,
    start: dt.date,
    end: dt.date,
    by: Sequence[str] = (),
    as_of: dt.datetime | None = None,
    kinds: Iterable[str] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """[{dimension: value, ..., "n": net count}] — one query. Groups whose net count is 0 are left out."""
    queryset = cards(scope=scope, start=start, end=end, as_of=as_of, kinds=kinds, filters=filters)
    names = list(by)
    for name in names:
        if name not in DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}")
    annotations = {f"d_{name}": _expression(DIMENSIONS[name]) for name in names}
    rows = queryset.annotate(**annotations).values(*annotations).annotate(n=Sum("sign")).order_by()
    return [
        {**{name: row[f"d_{name}"] for name in names}, "n": int(row["n"] or 0)} for row in rows if row["n"]
    ]


def totals(rows: Iterable[Mapping[str, Any]], key: str) -> dict[Any, int]:
    """Counts summed per value of one dimension."""
    found: dict[Any, int] = {}
    for row in rows:
        found[row[key]] = found.get(row[key], 0) + int(row["n"])
    return found


def children_of(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=unit).order_by("sort_order", "path"))


def unit_paths(pks: Iterable[int]) -> dict[int, str]:
    """unit pk → its tree path today, in one query (give it to `rollup` when rolling up several measures)."""
    return dict(Unit.objects.filter(pk__in=list(pks)).values_list("pk", "path"))


def rollup(
    counts_by_unit: Mapping[int, int],
    parent: Unit,
    children: Sequence[Unit],
    paths: Mapping[int, str] | None = None,
) -> dict[int, int]:
    """child pk → the count of the child's whole subtree, from counts per unit pk; the parent's own cards
    (not in any child) are under the parent's pk. `paths` (unit_paths) saves the query."""
    if paths is None:
        paths = unit_paths(counts_by_unit)
    out: dict[int, int] = {child.pk: 0 for child in children}
    out.setdefault(parent.pk, 0)
    for pk, n in counts_by_unit.items():
        path = paths.get(pk, "")
        owner = next((child.pk for child in children if path.startswith(child.path)), parent.pk)
        out[owner] = out.get(owner, 0) + n
    return out
