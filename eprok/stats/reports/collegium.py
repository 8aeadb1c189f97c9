"""The collegium report: the main indicators of the fight against crime for a unit and a period, against
the same period of the previous year, with the breakdowns by investigating body, by gravity category and
by subordinate unit (each linking to the same report for that unit).

Every figure is a net count of statistical cards (`selectors.card_counts`) inside the user's statistics
scope and the chosen unit's subtree, recorded up to the report's "as of" moment. The whole report takes a
constant number of queries: one grouped count per period for the indicators, bodies and categories, one
grouped by unit for the drill-down table, the children of the unit and their paths.

Formulas (also in the tables' notes and the user guide, docs/user/stats.*.md):
- crimes solved rate, % = solved / (solved + unsolved) × 100, where "unsolved" are the suspensions on
  the ground "53.1.1" (the accused not identified);
- investigations completed = sent to court + terminated + referred to another body;
- change, % = (this period - same period last year) / same period last year × 100; for the solve rate the
  change is the difference in percentage points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from eprok.criminal_code.models import GravityCategory
from eprok.org.models import Unit

from .. import access, selectors
from ..models import PROSECUTION_BODY, CardKind
from ..tables import Column, Report, Row, Table, change, percent
from . import ReportSpec, register

CODE = "collegium"
UNSOLVED_GROUND = "53.1.1"  # Criminal Procedure Code art. 53.1.1: the accused has not been identified

# The investigating bodies in the order of the report ("prosecution": the service's own investigations;
# the others are the supervised bodies' kinds, eprok.supervision.models.BodyKind).
BODY_LABELS: dict[str, Any] = {
    PROSECUTION_BODY: _("Prosecution service"),
    "police": _("Police"),
    "investigative": _("Investigative body"),
    "security": _("State security service"),
    "customs": _("Customs"),
    "border": _("Border service"),
    "other": _("Other body"),
}

KINDS = (
    CardKind.OPENED,
    CardKind.SOLVED,
    CardKind.SUSPENDED,
    CardKind.SENT_TO_COURT,
    CardKind.TERMINATED,
    CardKind.REFERRED,
    CardKind.REGISTERED,
    CardKind.REFUSED,
    CardKind.CONVICTED,
    CardKind.ACQUITTED,
    CardKind.RETURNED,
)
COMPLETED_KINDS = (CardKind.SENT_TO_COURT, CardKind.TERMINATED, CardKind.REFERRED)
# The measures of the breakdown tables (by body, by category, by unit).
MEASURES = ("registered", "solved", "unsolved", "completed", "sent_to_court")

SOLVE_RATE_NOTE = _(
    "Solve rate, % = solved / (solved + unsolved) × 100; unsolved: investigations suspended because the "
    "accused was not identified (ground 53.1.1). Completed investigations = sent to court + terminated + "
    "referred to another body."
)
CHANGE_NOTE = _(
    "Change, % = (this period - same period last year) / same period last year × 100; for the solve rate, "
    "the difference in percentage points. A dash: no base to compare with."
)


class ParamsError(ValueError):
    """Parameters that are not a valid date, moment or period (shown as a 400 or a form error)."""


@dataclass(frozen=True)
class Period:
    unit: Unit
    start: dt.date
    end: dt.date
    as_of: dt.datetime | None  # as asked: None means "now"


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        parsed = parse_date(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        raise ParamsError(_("“%(value)s” is not a date (%(name)s).") % {"value": value, "name": name})
    return parsed


def parse_moment(value: Any) -> dt.datetime | None:
    """An ISO moment (a date alone means the end of that day); naive moments are in the local time zone."""
    if value in (None, ""):
        return None
    moment: dt.datetime | None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value)
        try:
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None:
            day = _date(text, "as_of")
            assert day is not None
            moment = dt.datetime.combine(day, dt.time.max)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def year_before(day: dt.date) -> dt.date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def resolve(user: Any, params: Mapping[str, Any]) -> Period:
    """The unit, the period and the moment of `params`, checked: 404 (audited) without the role or for a
    unit outside the scope, ParamsError for a bad date or an inverted period. Defaults: the top unit of
    the scope, this year from 1 January to today, now."""
    access.require_view(user, action="report")
    code = params.get("unit")
    if code:
        unit = access.unit_for(user, str(code))
    else:
        tops = access.top_units(user)
        if not tops:
            access.require_view(None, action="report")  # no unit left in the scope: 404
        unit = tops[0]
    today = timezone.localdate()
    start = _date(params.get("start"), "start") or today.replace(month=1, day=1)
    end = _date(params.get("end"), "end") or today
    try:
        selectors.check_period(start, end)
    except selectors.PeriodError as exc:
        raise ParamsError(_("The end of the period is before its start.")) from exc
    return Period(unit=unit, start=start, end=end, as_of=parse_moment(params.get("as_of")))


def report_params(period: Period, as_of: dt.datetime | None = None) -> dict[str, Any]:
    moment = as_of or period.as_of
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "unit": period.unit.code,
        **({"as_of": moment.isoformat()} if moment else {}),
    }


def report_link(code: str, params: Mapping[str, Any]) -> str:
    """The page of report `code` with `params` (the drill-down link of a row)."""
    query = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{reverse('stats:report', args=[code])}?{urlencode(query)}"


# --- measures from grouped counts ------------------------------------------------------------------------


def _measures(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """The breakdown measures from count rows carrying "kind" and "ground"."""
    out = dict.fromkeys(MEASURES, 0)
    for row in rows:
        kind, n = row["kind"], int(row["n"])
        if kind == CardKind.OPENED:
            out["registered"] += n
        elif kind == CardKind.SOLVED:
            out["solved"] += n
        elif kind == CardKind.SUSPENDED and row.get("ground") == UNSOLVED_GROUND:
            out["unsolved"] += n
        if kind in COMPLETED_KINDS:
            out["completed"] += n
        if kind == CardKind.SENT_TO_COURT:
            out["sent_to_court"] += n
    return out


def solve_rate(solved: int, unsolved: int) -> Decimal | None:
    return percent(solved, solved + unsolved)


def _kind_totals(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in rows:
        out[row["kind"]] = out.get(row["kind"], 0) + int(row["n"])
    return out


def _breakdown_columns(first: tuple[str, Any]) -> list[Column]:
    return [
        Column(first[0], first[1], "text"),
        Column("registered", _("Crimes registered")),
        Column("solved", _("Crimes solved")),
        Column("solve_rate", _("Solve rate, %"), "pct"),
        Column("completed", _("Investigations completed")),
        Column("sent_to_court", _("Sent to court")),
    ]


def _breakdown_row(label_key: str, label: Any, m: Mapping[str, int], **extra: Any) -> Row:
    return Row(
        cells={
            label_key: str(label),
            "registered": m["registered"],
            "solved": m["solved"],
            "solve_rate": solve_rate(m["solved"], m["unsolved"]),
            "completed": m["completed"],
            "sent_to_court": m["sent_to_court"],
        },
        **extra,
    )


def _sum_measures(parts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    out = dict.fromkeys(MEASURES, 0)
    for part in parts:
        for key in MEASURES:
            out[key] += part[key]
    return out


# --- the tables -----------------------------------------------------------------------------------------


def _summary(now: list[dict[str, Any]], before: list[dict[str, Any]]) -> Table:
    k_now, k_before = _kind_totals(now), _kind_totals(before)
    m_now, m_before = _measures(now), _measures(before)
    rate_now = solve_rate(m_now["solved"], m_now["unsolved"])
    rate_before = solve_rate(m_before["solved"], m_before["unsolved"])

    def count(label: Any, key: str, a: int, b: int) -> Row:
        return Row(
            cells={"indicator": str(label), "key": key, "current": a, "previous": b, "change": change(a, b)}
        )

    rows = [
        count(_("Crimes registered"), "opened", m_now["registered"], m_before["registered"]),
        count(_("Crimes solved"), "solved", m_now["solved"], m_before["solved"]),
        Row(
            cells={
                "indicator": str(_("Solve rate, %")),
                "key": "solve_rate",
                "current": rate_now,
                "previous": rate_before,
                "change": None if rate_now is None or rate_before is None else rate_now - rate_before,
            }
        ),
        count(_("Investigations completed"), "completed", m_now["completed"], m_before["completed"]),
    ]
    for key, label in (
        (CardKind.SENT_TO_COURT, _("Cases sent to court")),
        (CardKind.TERMINATED, _("Cases terminated")),
        (CardKind.REGISTERED, _("Crime reports registered")),
        (CardKind.REFUSED, _("Refusals to open a criminal case")),
        (CardKind.CONVICTED, _("Court: convictions")),
        (CardKind.ACQUITTED, _("Court: acquittals")),
        (CardKind.RETURNED, _("Court: returned for additional investigation")),
    ):
        rows.append(count(label, str(key), k_now.get(key, 0), k_before.get(key, 0)))
    return Table(
        key="summary",
        title=_("Main indicators"),
        columns=[
            Column("indicator", _("Indicator"), "text"),
            Column("current", _("This period")),
            Column("previous", _("Same period last year")),
            Column("change", _("Change, %"), "pct"),
        ],
        rows=rows,
        note=f"{SOLVE_RATE_NOTE} {CHANGE_NOTE}",
    )


def _by_body(now: list[dict[str, Any]]) -> Table:
    groups: dict[str, list[dict[str, Any]]] = {code: [] for code in BODY_LABELS}
    for row in now:
        groups[row["body"] if row["body"] in BODY_LABELS else "other"].append(row)
    parts = {code: _measures(rows) for code, rows in groups.items()}
    rows = [_breakdown_row("body", label, parts[code]) for code, label in BODY_LABELS.items()]
    rows.append(_breakdown_row("body", _("Total"), _sum_measures(parts.values()), total=True))
    return Table(
        key="bodies",
        title=_("By investigating body"),
        columns=_breakdown_columns(("body", _("Investigating body"))),
        rows=rows,
        note=SOLVE_RATE_NOTE,
    )


def _by_category(now: list[dict[str, Any]]) -> Table:
    keys: list[int | None] = [*GravityCategory.values, None]
    groups: dict[int | None, list[dict[str, Any]]] = {key: [] for key in keys}
    for row in now:
        groups[row["category"] if row["category"] in groups else None].append(row)
    parts = {key: _measures(rows) for key, rows in groups.items()}
    labels: dict[int | None, Any] = {value: capfirst(label) for value, label in GravityCategory.choices}
    labels[None] = _("Not qualified")
    rows = [_breakdown_row("category", labels[key], parts[key]) for key in keys]
    rows.append(_breakdown_row("category", _("Total"), _sum_measures(parts.values()), total=True))
    return Table(
        key="categories",
        title=_("By gravity category"),
        columns=_breakdown_columns(("category", _("Gravity category"))),
        rows=rows,
        note=SOLVE_RATE_NOTE,
    )


def _by_unit(user: Any, period: Period, by_unit: list[dict[str, Any]]) -> Table:
    unit = period.unit
    # A child outside the scope (a grant without sub-units) is not listed: its cards are not counted.
    children = [child for child in selectors.children_of(unit) if access.can_drill(user, child)]
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in by_unit:
        grouped.setdefault(int(row["unit"]), []).append(row)
    per_unit = {pk: _measures(rows) for pk, rows in grouped.items()}
    per_measure: dict[str, dict[int, int]] = {}
    paths = selectors.unit_paths(per_unit) if per_unit else {}
    for key in MEASURES:
        counts = {pk: m[key] for pk, m in per_unit.items() if m[key]}
        per_measure[key] = selectors.rollup(counts, unit, children, paths) if counts else {}
    rows: list[Row] = []

    def measures_of(pk: int) -> dict[str, int]:
        return {key: per_measure[key].get(pk, 0) for key in MEASURES}

    for child in children:
        link_params = {
            "unit": child.code,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "as_of": period.as_of.isoformat() if period.as_of else None,
        }
        rows.append(
            _breakdown_row("unit", child.name, measures_of(child.pk), link=report_link(CODE, link_params))
        )
    own = measures_of(unit.pk)
    if any(own.values()):
        rows.append(_breakdown_row("unit", _("%(unit)s (own)") % {"unit": unit.name}, own))
    all_parts = [measures_of(child.pk) for child in children] + [own]
    rows.append(_breakdown_row("unit", _("Total"), _sum_measures(all_parts), total=True))
    return Table(
        key="units",
        title=_("By unit"),
        columns=_breakdown_columns(("unit", _("Unit"))),
        rows=rows,
        note=_("A unit's row counts its whole subtree; open it to see its own units."),
    )


def build_collegium(user: Any, params: dict[str, Any]) -> Report:
    period = resolve(user, params)
    moment = period.as_of or timezone.now()
    scope = access.card_scope(user)
    filters = {"unit_path": period.unit.path}
    common: dict[str, Any] = {"scope": scope, "as_of": moment, "kinds": KINDS, "filters": filters}
    by = ("kind", "body", "category", "ground")
    now = selectors.card_counts(start=period.start, end=period.end, by=by, **common)
    before = selectors.card_counts(
        start=year_before(period.start), end=year_before(period.end), by=by, **common
    )
    by_unit = selectors.card_counts(
        start=period.start, end=period.end, by=("kind", "unit", "ground"), **common
    )
    return Report(
        code=CODE,
        title=_("Collegium report"),
        unit_name=period.unit.name,
        period=(period.start, period.end),
        as_of=moment,
        tables=[_summary(now, before), _by_body(now), _by_category(now), _by_unit(user, period, by_unit)],
        params=report_params(period),
        notes=[
            _("Same period last year: %(start)s to %(end)s.")
            % {
                "start": year_before(period.start).strftime("%d.%m.%Y"),
                "end": year_before(period.end).strftime("%d.%m.%Y"),
            }
        ],
    )


register(ReportSpec(code=CODE, title=_("Collegium report"), build=build_collegium, help_page="stats"))
