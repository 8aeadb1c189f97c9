"""The report builder: a table of chosen measures by up to two chosen dimensions, and the saved queries.

A definition is a JSON object (saved in `SavedQuery.definition`, passed to exports as the "definition"
parameter), validated strictly by `parse`:

    {"measures": ["opened", "solved", "solve_rate"], "dimensions": ["unit", "year"],
     "filters": {"body": ["police"], "category": [3, 4], "chapter": [19], "article": ["177"],
                 "region": ["AZ-BA"]},
     "start": "2026-01-01", "end": "2026-06-30", "unit": "baku", "as_of": "2026-07-01T00:00:00+04:00"}

The figures come from `selectors.card_counts` (one call for the measures' kinds, a second one for the
unsolved crimes: suspensions on ground 53.1.1), inside the user's statistics scope and the chosen unit's
subtree. The dimension "unit" gives a row per child of the chosen unit, each with its whole subtree (the
chosen unit's own cards get a row of their own), as the drill-down does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eprok.audit.services import audit_record
from eprok.core.access import deny
from eprok.core.errors import ValidationFailed
from eprok.core.geo.regions import region_name
from eprok.core.locking import lock_row
from eprok.criminal_code.models import GravityCategory
from eprok.org.models import Unit
from eprok.supervision.models import BodyKind

from .. import access, selectors
from ..models import PROSECUTION_BODY, CardKind, SavedQuery
from ..tables import Column, Report, Row, Table, Value, percent
from . import ReportSpec, register

CODE = "builder"
UNSOLVED_GROUND = "53.1.1"  # CPC art. 53.1.1: the person to be charged is not identified

# Measure code → (label, the card kind it counts). "unsolved" and "solve_rate" are computed.
MEASURES: dict[str, Any] = {
    "registered": gettext_lazy("Crime reports registered"),
    "refused": gettext_lazy("Opening of a case refused"),
    "opened": gettext_lazy("Crimes registered (cases opened)"),
    "solved": gettext_lazy("Crimes solved"),
    "unsolved": gettext_lazy("Crimes unsolved (suspended, accused not identified)"),
    "suspended": gettext_lazy("Investigations suspended"),
    "terminated": gettext_lazy("Cases terminated"),
    "sent_to_court": gettext_lazy("Cases sent to court"),
    "referred": gettext_lazy("Cases referred to another body"),
    "convicted": gettext_lazy("Convictions"),
    "acquitted": gettext_lazy("Acquittals"),
    "returned": gettext_lazy("Returned for additional investigation"),
    "solve_rate": gettext_lazy("Solve rate"),
}
KINDS: dict[str, str] = {
    "registered": CardKind.REGISTERED,
    "refused": CardKind.REFUSED,
    "opened": CardKind.OPENED,
    "solved": CardKind.SOLVED,
    "suspended": CardKind.SUSPENDED,
    "terminated": CardKind.TERMINATED,
    "sent_to_court": CardKind.SENT_TO_COURT,
    "referred": CardKind.REFERRED,
    "convicted": CardKind.CONVICTED,
    "acquitted": CardKind.ACQUITTED,
    "returned": CardKind.RETURNED,
}
DIMENSIONS: dict[str, Any] = {
    "unit": gettext_lazy("Unit"),
    "region": gettext_lazy("Region"),
    "body": gettext_lazy("Investigating body"),
    "category": gettext_lazy("Gravity category"),
    "chapter": gettext_lazy("Chapter of the Criminal Code"),
    "article": gettext_lazy("Article"),
    "year": gettext_lazy("Year"),
    "month": gettext_lazy("Month"),
}
FILTERS = ("body", "category", "chapter", "article", "region")
MAX_DIMENSIONS = 2
MAX_FILTER_VALUES = 100
MAX_NAME = 200
_ARTICLE = re.compile(r"^\d{1,4}(?:-\d{1,3})?$")
_REGION = re.compile(r"^AZ-[A-Z]{2,3}$")
_KEYS = {"measures", "dimensions", "filters", "start", "end", "unit", "as_of"}


def body_label(code: str) -> str:
    if code == PROSECUTION_BODY:
        return _("Prosecution service")
    try:
        return str(BodyKind(code).label)
    except ValueError:
        return code or _("Not specified")


def body_codes() -> list[str]:
    return [PROSECUTION_BODY, *BodyKind.values]


@dataclass
class Definition:
    """A validated definition: what `build_for` computes."""

    measures: list[str]
    dimensions: list[str]
    filters: dict[str, list[Any]]
    start: dt.date
    end: dt.date
    unit: Unit
    as_of: dt.datetime | None = None
    children: list[Unit] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The definition as saved and passed on (the unit by its code, dates as ISO text)."""
        data: dict[str, Any] = {
            "measures": list(self.measures),
            "dimensions": list(self.dimensions),
            "filters": {name: list(values) for name, values in self.filters.items() if values},
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "unit": self.unit.code,
        }
        if self.as_of is not None:
            data["as_of"] = self.as_of.isoformat()
        return data


def _invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_definition", details={field_name: message})


def _names(raw: Any, field_name: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise _invalid(field_name, _("“%(field)s” must be a list of codes.") % {"field": field_name})
    seen: list[str] = []
    for item in raw:
        if item not in seen:
            seen.append(item)
    return seen


def _date(raw: Any, field_name: str) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    value = parse_date(raw) if isinstance(raw, str) and len(raw) <= 10 else None
    if value is None:
        raise _invalid(field_name, _("Enter a date as YYYY-MM-DD."))
    return value


def _moment(raw: Any) -> dt.datetime | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        value: dt.datetime | None = raw
    else:
        try:
            value = parse_datetime(raw) if isinstance(raw, str) and len(raw) <= 40 else None
        except ValueError:
            value = None
    if value is None:
        raise _invalid("as_of", _("Enter the moment as an ISO date and time."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _filter_values(name: str, raw: Any) -> list[Any]:
    if raw in (None, "", []):
        return []
    if not isinstance(raw, list):
        raw = [raw]
    if len(raw) > MAX_FILTER_VALUES:
        raise _invalid(name, _("A filter may list at most %(n)d values.") % {"n": MAX_FILTER_VALUES})
    values: list[Any] = []
    for item in raw:
        value = _filter_value(name, item)
        if value not in values:
            values.append(value)
    return values


def _filter_value(name: str, item: Any) -> Any:
    bad = _invalid(name, _("“%(value)s” is not a valid value of this filter.") % {"value": str(item)[:40]})
    if name == "body":
        if item not in body_codes():
            raise bad
        return item
    if name in ("category", "chapter"):
        if isinstance(item, str) and item.isdigit() and len(item) <= 3:
            item = int(item)
        if isinstance(item, bool) or not isinstance(item, int):
            raise bad
        if name == "category" and item not in GravityCategory.values:
            raise bad
        if name == "chapter" and not 1 <= item <= 99:
            raise bad
        return item
    if name == "article":
        if not isinstance(item, str) or not _ARTICLE.match(item):
            raise bad
        return item
    if not isinstance(item, str) or not _REGION.match(item) or region_name(item) is None:
        raise bad
    return item


def parse(user: Any, raw: Any, defaults: Mapping[str, Any] | None = None) -> Definition:
    """A definition validated for `user`; ValidationFailed (a translated message naming the problem), or
    NotFound (audited) for a unit outside the user's scope. `defaults` fills "start", "end", "unit" and
    "as_of" the definition leaves out (an export's parameters)."""
    if not isinstance(raw, dict):
        raise _invalid("definition", _("The query definition must be a JSON object."))
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise _invalid(
            "definition", _("Unknown part of the query definition: %(name)s.") % {"name": unknown[0][:40]}
        )
    merged = {**{k: v for k, v in (defaults or {}).items() if k in _KEYS}, **raw}
    measures = _names(merged.get("measures"), "measures")
    if not measures:
        raise _invalid("measures", _("Choose at least one measure."))
    for name in measures:
        if name not in MEASURES:
            raise _invalid("measures", _("Unknown measure: %(name)s.") % {"name": name[:40]})
    dimensions = _names(merged.get("dimensions"), "dimensions")
    if len(dimensions) > MAX_DIMENSIONS:
        raise _invalid("dimensions", _("Choose at most two dimensions."))
    for name in dimensions:
        if name not in DIMENSIONS:
            raise _invalid(
                "dimensions", _("The figures cannot be grouped by “%(name)s”.") % {"name": name[:40]}
            )
    filters_raw = merged.get("filters") or {}
    if not isinstance(filters_raw, dict):
        raise _invalid("filters", _("The filters must be a JSON object."))
    filters: dict[str, list[Any]] = {}
    for name, value in filters_raw.items():
        if name not in FILTERS:
            raise _invalid("filters", _("Unknown filter: %(name)s.") % {"name": str(name)[:40]})
        filters[name] = _filter_values(name, value)
    start = _date(merged.get("start"), "start")
    end = _date(merged.get("end"), "end")
    if start is None or end is None:
        raise _invalid(
            "start" if start is None else "end", _("Enter the first and the last day of the period.")
        )
    try:
        selectors.check_period(start, end)
    except selectors.PeriodError:
        raise _invalid("end", _("The end of the period is before its start.")) from None
    as_of = _moment(merged.get("as_of"))
    unit = _unit(user, merged.get("unit"))
    children: list[Unit] = []
    if "unit" in dimensions:
        children = selectors.children_of(unit)
        if not children or not all(access.can_drill(user, child) for child in children):
            raise _invalid(
                "dimensions",
                _("You may not break the figures of %(unit)s down by its units.") % {"unit": unit.name},
            )
    return Definition(
        measures=measures,
        dimensions=dimensions,
        filters=filters,
        start=start,
        end=end,
        unit=unit,
        as_of=as_of,
        children=children,
    )


def _unit(user: Any, code: Any) -> Unit:
    if code in (None, ""):
        tops = access.top_units(user)
        if not tops:
            deny(user, action="builder", target_type="stats.report", target_key=CODE, visible=False)
        return tops[0]
    if not isinstance(code, str) or len(code) > 64:
        raise _invalid("unit", _("There is no unit with this code."))
    return access.unit_for(user, code)


# --- computing ----------------------------------------------------------------------------------------------


def _scope(user: Any, definition: Definition) -> tuple[Q, dict[str, Any]]:
    filters: dict[str, Any] = {name: values for name, values in definition.filters.items() if values}
    filters["unit_path"] = definition.unit.path
    return access.card_scope(user), filters


def _unit_owner(definition: Definition, unit_pks: Iterable[int]) -> dict[int, int]:
    """unit pk → the child of the chosen unit whose subtree holds it (the chosen unit itself for its own)."""
    # The same attribution as selectors.rollup (one query for the paths), kept per group of the other
    # dimension rather than summed, so a second dimension can stay beside the unit.
    mapping: dict[int, int] = {}
    pks = [pk for pk in set(unit_pks) if pk is not None]
    paths = dict(Unit.objects.filter(pk__in=pks).values_list("pk", "path")) if pks else {}
    for pk in pks:
        path = paths.get(pk, "")
        mapping[pk] = next(
            (child.pk for child in definition.children if path.startswith(child.path)), definition.unit.pk
        )
    return mapping


Key = tuple[Any, ...]


def compute(user: Any, definition: Definition) -> dict[Key, dict[str, int]]:
    """Group key (the dimension values, units rolled up to the chosen unit's children) → kind → net count;
    the unsolved crimes under the pseudo-kind "unsolved"."""
    scope, filters = _scope(user, definition)
    dims = definition.dimensions
    wanted = set(definition.measures)
    if "solve_rate" in wanted:
        wanted |= {"solved", "unsolved"}
    kinds = sorted({KINDS[name] for name in wanted if name in KINDS})
    rows: list[tuple[Key, str, int]] = []
    start, end, as_of = definition.start, definition.end, definition.as_of
    if kinds:
        for row in selectors.card_counts(
            scope=scope, start=start, end=end, as_of=as_of, by=[*dims, "kind"], kinds=kinds, filters=filters
        ):
            rows.append((tuple(row[d] for d in dims), str(row["kind"]), row["n"]))
    if "unsolved" in wanted:
        unsolved_filters = {**filters, "ground": UNSOLVED_GROUND}
        for row in selectors.card_counts(
            scope=scope,
            start=start,
            end=end,
            as_of=as_of,
            by=dims,
            kinds=[CardKind.SUSPENDED],
            filters=unsolved_filters,
        ):
            rows.append((tuple(row[d] for d in dims), "unsolved", row["n"]))
    owner: dict[int, int] = {}
    if "unit" in dims:
        position = dims.index("unit")
        owner = _unit_owner(definition, (key[position] for key, _kind, _n in rows))
    out: dict[Key, dict[str, int]] = {}
    for key, kind, n in rows:
        if owner:
            position = dims.index("unit")
            key = (*key[:position], owner[key[position]], *key[position + 1 :])
        counts = out.setdefault(key, {})
        counts[kind] = counts.get(kind, 0) + n
    return out


def _measure_value(name: str, counts: Mapping[str, int]) -> Value:
    if name == "solve_rate":
        solved, unsolved = counts.get(CardKind.SOLVED, 0), counts.get("unsolved", 0)
        return percent(solved, solved + unsolved)
    if name == "unsolved":
        return counts.get("unsolved", 0)
    return counts.get(KINDS[name], 0)


def _labeller(definition: Definition, dimension: str) -> tuple[Any, Any]:
    """(label of a value, sort key of a value) for a dimension."""
    if dimension == "unit":
        order = {child.pk: i for i, child in enumerate(definition.children)}
        names = {child.pk: child.name for child in definition.children}
        own = _("%(unit)s (own cases)") % {"unit": definition.unit.name}
        return (
            lambda value: names.get(value, own),
            lambda value: (order.get(value, len(order)), ""),
        )
    if dimension == "region":
        return (
            lambda value: (region_name(value) or value) if value else _("Not specified"),
            lambda value: (0 if value else 1, str(region_name(value) or value or "")),
        )
    if dimension == "body":
        codes = body_codes()
        return (
            body_label,
            lambda value: (codes.index(value) if value in codes else len(codes), str(value or "")),
        )
    if dimension == "category":
        labels = dict(GravityCategory.choices)
        return (
            lambda value: str(labels.get(value, value)) if value else _("Not specified"),
            lambda value: (0 if value else 1, value or 0),
        )
    if dimension == "chapter":
        return (
            lambda value: _("Chapter %(n)s") % {"n": value} if value else _("Not specified"),
            lambda value: (0 if value else 1, value or 0),
        )
    if dimension == "article":
        return (
            lambda value: _("Article %(n)s") % {"n": value} if value else _("Not specified"),
            lambda value: (0 if value else 1, _article_key(value)),
        )
    if dimension == "month":
        return (lambda value: str(MONTHS.get(value, value)), lambda value: (0, value or 0))
    return (lambda value: str(value), lambda value: (0, value or 0))


def _article_key(value: Any) -> tuple[int, int]:
    match = _ARTICLE.match(value or "")
    if not match:
        return (0, 0)
    main, _dash, sub = str(value).partition("-")
    return (int(main), int(sub or 0))


def columns_for(definition: Definition) -> list[Column]:
    cols = [Column(f"dim_{i}", DIMENSIONS[name], "text") for i, name in enumerate(definition.dimensions)]
    if not cols:
        cols = [Column("dim_0", _("Indicator"), "text")]
    cols += [
        Column(name, MEASURES[name], "pct" if name == "solve_rate" else "int") for name in definition.measures
    ]
    return cols


def table_for(definition: Definition, data: Mapping[Key, dict[str, int]]) -> Table:
    cols = columns_for(definition)
    labellers = [_labeller(definition, name) for name in definition.dimensions]
    rows: list[Row] = []
    if definition.dimensions:
        keys = sorted(data, key=lambda key: tuple(labellers[i][1](value) for i, value in enumerate(key)))
        for key in keys:
            cells: dict[str, Value] = {f"dim_{i}": labellers[i][0](value) for i, value in enumerate(key)}
            for name in definition.measures:
                cells[name] = _measure_value(name, data[key])
            rows.append(Row(cells=cells))
    totals: dict[str, int] = {}
    for counts in data.values():
        for kind, n in counts.items():
            totals[kind] = totals.get(kind, 0) + n
    total_cells: dict[str, Value] = {"dim_0": _("Total")}
    for i in range(1, len(definition.dimensions)):
        total_cells[f"dim_{i}"] = ""
    for name in definition.measures:
        total_cells[name] = _measure_value(name, totals)
    rows.append(Row(cells=total_cells, total=True))
    return Table(key="builder", title=_("Report builder"), columns=cols, rows=rows)


def build_for(user: Any, definition: Definition) -> Report:
    as_of = definition.as_of or timezone.now()
    table = table_for(definition, compute(user, definition))
    notes: list[Any] = []
    if "unsolved" in definition.measures or "solve_rate" in definition.measures:
        notes.append(
            _(
                "Unsolved crimes are the investigations suspended because the accused was not identified "
                "(CPC art. 53.1.1); the solve rate is solved / (solved + unsolved)."
            )
        )
    return Report(
        code=CODE,
        title=_("Report builder"),
        unit_name=definition.unit.name,
        period=(definition.start, definition.end),
        as_of=as_of,
        tables=[table],
        params={"definition": definition.as_json()},
        notes=notes,
    )


def _definition_of(params: Mapping[str, Any]) -> Any:
    raw = params.get("definition")
    if raw is None:
        raise _invalid("definition", _("The query definition is missing."))
    return raw


def build(user: Any, params: dict[str, Any]) -> Report:
    """The registry's entry: params hold the definition under "definition" (start, end, unit and as_of may
    also come as the params' own keys)."""
    access.require_view(user, action="builder")
    return build_for(user, parse(user, _definition_of(params), defaults=params))


def _expression(column: Any) -> Any:
    return F(column) if isinstance(column, str) else column


def estimate(user: Any, params: dict[str, Any]) -> int:
    """The rows the result would have (an upper bound: units not yet rolled up), with a total row."""
    access.require_view(user, action="builder")
    definition = parse(user, _definition_of(params), defaults=params)
    if not definition.dimensions:
        return 1
    scope, filters = _scope(user, definition)
    kinds = {KINDS.get(name, CardKind.SUSPENDED) for name in definition.measures if name != "solve_rate"}
    if "solve_rate" in definition.measures:
        kinds |= {CardKind.SOLVED, CardKind.SUSPENDED}
    queryset = selectors.cards(
        scope=scope,
        start=definition.start,
        end=definition.end,
        as_of=definition.as_of,
        kinds=sorted(kinds),
        filters=filters,
    )
    names = {f"d_{name}": _expression(selectors.DIMENSIONS[name]) for name in definition.dimensions}
    return queryset.annotate(**names).values(*names).distinct().count() + 1


register(
    ReportSpec(
        code=CODE,
        title=gettext_lazy("Report builder"),
        build=build,
        estimate=estimate,
        help_page="report-builder",
    )
)


# --- saved queries ------------------------------------------------------------------------------------------


def share_units(user: Any) -> list[Unit]:
    """The units a query may be shared with: where the user holds "View statistics"."""
    ids = {grant.unit_id for grant in access.grants(user)}
    return list(Unit.objects.filter(pk__in=ids).order_by("path"))


def _share(user: Any, unit: Unit | None) -> Unit | None:
    if unit is not None and unit.pk not in {grant.unit_id for grant in access.grants(user)}:
        raise _invalid("shared_with", _("You may share a query only with a unit where you view statistics."))
    return unit


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise _invalid("name", _("Enter a name."))
    if len(name) > MAX_NAME:
        raise _invalid("name", _("The name is too long."))
    return name


def query_save(*, actor: Any, name: str, definition: Definition, shared_with: Unit | None) -> SavedQuery:
    access.require_view(actor, action="builder.save")
    with transaction.atomic():
        query = SavedQuery.objects.create(
            name=_name(name),
            owner=actor,
            shared_with=_share(actor, shared_with),
            definition=definition.as_json(),
        )
        audit_record(
            actor=actor,
            action="stats.query.saved",
            target=query,
            data={"shared_with": query.shared_with.code if query.shared_with else ""},
        )
    return query


def query_get(user: Any, public_id: Any) -> SavedQuery:
    """A query the user may see; 404 (audited) otherwise."""
    query = (
        access.saved_queries_visible_to(user)
        .select_related("owner", "shared_with")
        .filter(public_id=public_id)
        .first()
    )
    if query is None:
        deny(
            user, action="open", target_type="stats.savedquery", target_key=str(public_id)[:64], visible=False
        )
    return query


def _editable(user: Any, query: SavedQuery, action: str) -> None:
    if not access.can_edit_query(user, query):
        deny(
            user, action=action, target_type="stats.savedquery", target_key=str(query.public_id), visible=True
        )


_UNCHANGED: Any = object()


def query_update(
    *,
    actor: Any,
    query: SavedQuery,
    expected_version: int | None,
    name: str | None = None,
    shared_with: Any = _UNCHANGED,
    definition: Definition | None = None,
) -> SavedQuery:
    """Rename, re-share (None: private) or redefine a query; the owner only; version-checked."""
    _editable(actor, query, "stats.query.update")
    with transaction.atomic():
        row = lock_row(SavedQuery.objects.all(), query.pk, expected_version)
        changes: dict[str, Any] = {}
        if name is not None and _name(name) != row.name:
            changes["name"] = [row.name, _name(name)]
            row.name = _name(name)
        if shared_with is not _UNCHANGED and (shared_with.pk if shared_with else None) != row.shared_with_id:
            unit = _share(actor, shared_with)
            changes["shared_with"] = [
                row.shared_with.code if row.shared_with else "",
                unit.code if unit else "",
            ]
            row.shared_with = unit
        if definition is not None and definition.as_json() != row.definition:
            changes["definition"] = True
            row.definition = definition.as_json()
        if changes:
            row.version += 1
            row.save()
            audit_record(actor=actor, action="stats.query.updated", target=row, changes=changes)
    return row


def query_delete(*, actor: Any, query: SavedQuery, expected_version: int | None) -> None:
    _editable(actor, query, "stats.query.delete")
    with transaction.atomic():
        row = lock_row(SavedQuery.objects.all(), query.pk, expected_version)
        audit_record(actor=actor, action="stats.query.deleted", target=row)
        row.delete()


def run_definition(user: Any, raw: Any, *, keep_unit: bool = True) -> tuple[Definition, Report]:
    """Parse and build; `keep_unit=False` drops a unit outside the user's scope (a query shared by someone
    who sees more) so it runs over the user's own top unit."""
    if not keep_unit and isinstance(raw, dict) and isinstance(raw.get("unit"), str):
        unit = Unit.objects.filter(code=raw["unit"]).first()
        if unit is None or not access.can_drill(user, unit):
            raw = {k: v for k, v in raw.items() if k != "unit"}
    definition = parse(user, raw)
    return definition, build_for(user, definition)


def measures_in(names: Sequence[str]) -> list[tuple[str, Any]]:
    return [(name, MEASURES[name]) for name in names if name in MEASURES]
