"""Reads behind the training analysis pages: hours of training per employee and per unit, coverage of the
mandatory thematic areas, trainer load and evaluation scores, for a period, a unit (± its sub-units) and a
thematic area.

What counts: events published or held (drafts and cancelled events do not), by their start within the
period; "attended" is an attendance row marked present; employees are the active ones. Listeners are
placed by their own unit; trainer load and evaluations by the event's organiser unit.

Every figure comes from a fixed number of aggregate queries whatever the number of events or employees
(no per-row query); the pages' tables are exported with the same functions (`*_rows`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, overload

from django.db.models import (
    Avg,
    Count,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from eprok.org.models import Employee, Unit
from eprok.training import access
from eprok.training.models import (
    Attendance,
    Evaluation,
    EventStatus,
    EventTrainer,
    ThematicArea,
)

COUNTED_STATUSES = (EventStatus.PUBLISHED, EventStatus.HELD)
SCORES = ("content_score", "trainer_score", "organisation_score", "usefulness_score")
ZERO = Decimal("0.0")


@dataclass(frozen=True)
class Scope:
    """The units whose data the user may analyse; `units` None is the whole service (administrators)."""

    units: QuerySet[Unit] | None


def scope_for(user: Any) -> Scope | None:
    """The user's scope, or None when they may not open the analysis at all."""
    if access.is_administrator(user):
        return Scope(units=None)
    units = access.analysis_units(user)
    if not units.exists():
        return None
    return Scope(units=units)


@dataclass(frozen=True)
class AnalysisFilters:
    date_from: dt.date
    date_to: dt.date
    unit: Unit | None = None
    include_subunits: bool = True
    area: ThematicArea | None = None

    @classmethod
    def default(cls, today: dt.date | None = None) -> AnalysisFilters:
        """From the first of January to today."""
        today = today or timezone.localdate()
        return cls(date_from=today.replace(month=1, day=1), date_to=today)

    def as_data(self) -> dict[str, Any]:
        """The filters as plain values (for the audit record of an export)."""
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "unit": self.unit.code if self.unit else "",
            "include_subunits": self.include_subunits,
            "area": self.area.code if self.area else "",
        }


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _unit_q(prefix: str, scope: Scope, filters: AnalysisFilters) -> Q:
    """Rows whose unit (`prefix`, a path to a Unit) lies in the scope and the unit filter."""
    condition = Q()
    if scope.units is not None:
        condition &= Q(**{f"{prefix}__in": scope.units})
    if filters.unit is not None:
        if filters.include_subunits:
            condition &= Q(**{f"{prefix}__path__startswith": filters.unit.path})
        else:
            condition &= Q(**{prefix: filters.unit})
    return condition


def _event_q(prefix: str, filters: AnalysisFilters) -> Q:
    """Events (`prefix` a path to a TrainingEvent, "" for the event itself) that count in the period."""
    p = f"{prefix}__" if prefix else ""
    condition = Q(
        **{
            f"{p}status__in": COUNTED_STATUSES,
            f"{p}starts_at__gte": _day_start(filters.date_from),
            f"{p}starts_at__lt": _day_start(filters.date_to + dt.timedelta(days=1)),
        }
    )
    if filters.area is not None:
        condition &= Q(**{f"{p}area": filters.area})
    return condition


def attended(*, scope: Scope, filters: AnalysisFilters) -> QuerySet[Attendance]:
    """Presences of active employees of the scope at events that count in the period."""
    return Attendance.objects.filter(
        _event_q("event", filters),
        _unit_q("employee__unit", scope, filters),
        present=True,
        employee__is_active=True,
    )


def staff(*, scope: Scope, filters: AnalysisFilters) -> QuerySet[Employee]:
    return Employee.objects.filter(_unit_q("unit", scope, filters), is_active=True, unit__isnull=False)


# --- hours per employee -----------------------------------------------------------------------------------


@dataclass
class EmployeeHours:
    """An employee's attended academic hours and events; `employee` is loaded for the rows shown."""

    employee_id: int
    hours: Decimal
    events: int
    employee: Employee | None = None


class RankedEmployees(Sequence[EmployeeHours]):
    """Employees ranked by hours, most first; a slice loads its employees (with unit and position) in one
    query, so a page of the paginator costs one query whatever the number of employees."""

    def __init__(self, rows: list[EmployeeHours]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[EmployeeHours]:
        return iter(self[:])  # one query for all, not one per row

    @overload
    def __getitem__(self, index: int) -> EmployeeHours: ...

    @overload
    def __getitem__(self, index: slice) -> list[EmployeeHours]: ...

    def __getitem__(self, index: int | slice) -> EmployeeHours | list[EmployeeHours]:
        if isinstance(index, int):
            return self[index : index + 1 or None][0]
        chosen = self._rows[index]
        missing = [row.employee_id for row in chosen if row.employee is None]
        if missing:
            loaded = Employee.objects.select_related("unit", "position").in_bulk(missing)
            for row in chosen:
                row.employee = row.employee or loaded[row.employee_id]
        return chosen


def hours_per_employee(*, scope: Scope, filters: AnalysisFilters) -> RankedEmployees:
    """Active employees of the scope with the academic hours and the number of events they attended, most
    hours first (then by name); those with none are listed too, with 0.

    Two queries: the totals grouped by employee, and the employees in name order (ids only); the ranking is
    a stable sort of the second by the first. (A correlated subquery per employee was several times
    slower on 5,000 employees.)"""
    totals = {
        row["employee_id"]: (Decimal(row["hours"] or 0), row["events"])
        for row in attended(scope=scope, filters=filters)
        .values("employee_id")
        .annotate(hours=Sum("event__hours"), events=Count("pk"))
        .order_by()
    }
    ids = (
        staff(scope=scope, filters=filters)
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", flat=True)
    )
    rows = [EmployeeHours(pk, *totals.get(pk, (ZERO, 0))) for pk in ids]
    rows.sort(key=lambda row: row.hours, reverse=True)  # stable: equal hours stay in name order
    return RankedEmployees(rows)


def hours_per_employee_rows(ranked: RankedEmployees) -> Iterator[list[Any]]:
    """Export rows, loading the employees a thousand at a time."""
    for start in range(0, len(ranked), 1000):
        for row in ranked[start : start + 1000]:
            employee = row.employee
            assert employee is not None
            yield [
                employee.full_name,
                employee.unit.name if employee.unit else "",
                employee.position.name if employee.position else "",
                row.events,
                row.hours,
            ]


# --- hours per unit ---------------------------------------------------------------------------------------


@dataclass
class UnitHours:
    unit: Unit
    staff: int  # active employees of the unit itself (not of its sub-units)
    trained: int  # of them, those who attended at least one event
    hours: Decimal

    @property
    def average(self) -> Decimal:
        return (self.hours / self.staff).quantize(Decimal("0.1")) if self.staff else ZERO


def hours_per_unit(*, scope: Scope, filters: AnalysisFilters) -> list[UnitHours]:
    """Each unit of the scope with active employees, in tree order: its staff, those trained, the hours
    they attended and the average per employee (two queries)."""
    units = list(
        Unit.objects.filter(_unit_rows_q(scope, filters))
        .annotate(staff=Count("employees", filter=Q(employees__is_active=True)))
        .filter(staff__gt=0)
        .order_by("path")
    )
    sums = {
        row["employee__unit_id"]: row
        for row in attended(scope=scope, filters=filters)
        .values("employee__unit_id")
        .annotate(hours=Sum("event__hours"), trained=Count("employee_id", distinct=True))
        .order_by()
    }
    result = []
    for unit in units:
        row: Any = sums.get(unit.pk, {})
        result.append(
            UnitHours(
                unit=unit,
                staff=unit.staff,
                trained=row.get("trained", 0),
                hours=Decimal(row.get("hours") or 0),
            )
        )
    return result


def _unit_rows_q(scope: Scope, filters: AnalysisFilters) -> Q:
    """Unit rows themselves in the scope and the unit filter."""
    condition = Q()
    if scope.units is not None:
        condition &= Q(pk__in=scope.units)
    if filters.unit is not None:
        condition &= (
            Q(path__startswith=filters.unit.path) if filters.include_subunits else Q(pk=filters.unit.pk)
        )
    return condition


def hours_per_unit_rows(rows: Iterable[UnitHours]) -> Iterator[list[Any]]:
    for row in rows:
        yield [row.unit.name, row.staff, row.trained, row.hours, row.average]


def hours_by_month(*, scope: Scope, filters: AnalysisFilters) -> list[tuple[dt.date, Decimal]]:
    """Academic hours attended by the scope's employees in each month of the period (months without any
    included, with 0)."""
    totals = {
        _as_date(row["month"]): Decimal(row["hours"] or 0)
        for row in attended(scope=scope, filters=filters)
        .annotate(month=TruncMonth("event__starts_at"))
        .values("month")
        .annotate(hours=Sum("event__hours"))
        .order_by()
    }
    months = []
    month = filters.date_from.replace(day=1)
    while month <= filters.date_to:
        months.append((month, totals.get(month, ZERO)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


# --- coverage of the mandatory areas ----------------------------------------------------------------------


@dataclass
class CoverageCell:
    covered: int
    staff: int

    @property
    def share(self) -> float:
        return self.covered / self.staff if self.staff else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass
class CoverageRow:
    unit: Unit | None  # None: the total row
    staff: int
    cells: list[CoverageCell] = field(default_factory=list)


@dataclass
class Coverage:
    areas: list[ThematicArea]
    rows: list[CoverageRow]
    total: CoverageRow


def mandatory_areas(filters: AnalysisFilters) -> list[ThematicArea]:
    if filters.area is not None:
        return [filters.area]
    return list(ThematicArea.objects.filter(is_mandatory=True, is_active=True))


def coverage(*, scope: Scope, filters: AnalysisFilters) -> Coverage:
    """For each unit of the scope and each mandatory area (the filter's area when one is chosen): the share
    of the unit's active employees who attended at least one event in that area in the period (three
    queries)."""
    areas = mandatory_areas(filters)
    units = list(
        Unit.objects.filter(_unit_rows_q(scope, filters))
        .annotate(staff=Count("employees", filter=Q(employees__is_active=True)))
        .filter(staff__gt=0)
        .order_by("path")
    )
    covered: dict[tuple[int, int], int] = {}
    if areas:
        rows = (
            attended(scope=scope, filters=filters)
            .filter(event__area__in=[area.pk for area in areas])
            .values("employee__unit_id", "event__area_id")
            .annotate(people=Count("employee_id", distinct=True))
            .order_by()
        )
        covered = {(row["employee__unit_id"], row["event__area_id"]): row["people"] for row in rows}
    result = []
    totals = [CoverageCell(covered=0, staff=0) for _ in areas]
    for unit in units:
        count: int = unit.staff
        row = CoverageRow(unit=unit, staff=count)
        for i, area in enumerate(areas):
            people = covered.get((unit.pk, area.pk), 0)
            row.cells.append(CoverageCell(covered=people, staff=count))
            totals[i].covered += people
            totals[i].staff += count
        result.append(row)
    return Coverage(
        areas=areas,
        rows=result,
        total=CoverageRow(unit=None, staff=sum(r.staff for r in result), cells=totals),
    )


def coverage_header(areas: list[ThematicArea], unit_label: Any, staff_label: Any) -> list[Any]:
    header = [unit_label, staff_label]
    for area in areas:
        header.extend([area.name, f"{area.name}, %"])
    return header


def coverage_rows(data: Coverage, total_label: str) -> Iterator[list[Any]]:
    for row in [*data.rows, data.total]:
        line: list[Any] = [row.unit.name if row.unit else total_label, row.staff]
        for cell in row.cells:
            line.extend([cell.covered, cell.percent])
        yield line


# --- trainer load -----------------------------------------------------------------------------------------

_TRAINER_KEYS = (
    "employee_id",
    "employee__last_name",
    "employee__first_name",
    "employee__patronymic",
    "external_name",
    "external_organisation",
)


@dataclass
class TrainerLoad:
    name: str
    internal: bool
    events: int
    hours: Decimal


def _trainer_name(row: dict[str, Any]) -> str:
    if row["employee_id"] is not None:
        parts = (row["employee__last_name"], row["employee__first_name"], row["employee__patronymic"])
        return " ".join(part for part in parts if part)
    if row["external_organisation"]:
        return f"{row['external_name']} ({row['external_organisation']})"
    return str(row["external_name"])


def _trainers(scope: Scope, filters: AnalysisFilters) -> QuerySet[EventTrainer]:
    return EventTrainer.objects.filter(
        _event_q("event", filters), _unit_q("event__organiser", scope, filters)
    )


def trainer_load(*, scope: Scope, filters: AnalysisFilters) -> list[TrainerLoad]:
    """Events and academic hours per trainer (employees and external experts, the latter by name and
    organisation), most hours first; events organised in the scope (one query)."""
    rows = (
        _trainers(scope, filters)
        .values(*_TRAINER_KEYS)
        .annotate(events=Count("event_id", distinct=True), hours=Sum("event__hours"))
        .order_by("-hours", "-events", "employee__last_name", "external_name")
    )
    return [
        TrainerLoad(
            name=_trainer_name(row),
            internal=row["employee_id"] is not None,
            events=row["events"],
            hours=Decimal(row["hours"] or 0),
        )
        for row in rows
    ]


def trainer_load_rows(rows: Iterable[TrainerLoad], internal: str, external: str) -> Iterator[list[Any]]:
    for row in rows:
        yield [row.name, internal if row.internal else external, row.events, row.hours]


# --- evaluation scores ------------------------------------------------------------------------------------


@dataclass
class Scores:
    label: str
    count: int
    content: float | None
    trainer: float | None
    organisation: float | None
    usefulness: float | None
    key: Any = None

    @property
    def overall(self) -> float | None:
        values = [self.content, self.trainer, self.organisation, self.usefulness]
        if any(value is None for value in values):
            return None
        return sum(values) / 4  # type: ignore[arg-type]


def _averages(prefix: str = "") -> dict[str, Any]:
    return {
        "n": Count(f"{prefix}pk") if prefix else Count("pk"),
        **{name: Avg(f"{prefix}{name}") for name in SCORES},
    }


def _scores(label: str, row: Any, key: Any = None) -> Scores:
    def rounded(value: Any) -> float | None:
        return None if value is None else round(float(value), 2)

    return Scores(
        label=label,
        count=row["n"],
        content=rounded(row["content_score"]),
        trainer=rounded(row["trainer_score"]),
        organisation=rounded(row["organisation_score"]),
        usefulness=rounded(row["usefulness_score"]),
        key=key,
    )


def evaluations(*, scope: Scope, filters: AnalysisFilters) -> QuerySet[Evaluation]:
    """Evaluations of the events that count in the period, organised in the scope."""
    return Evaluation.objects.filter(_event_q("event", filters), _unit_q("event__organiser", scope, filters))


def scores_per_area(*, scope: Scope, filters: AnalysisFilters) -> list[Scores]:
    """Average marks per thematic area (two queries: the averages and the areas' names)."""
    rows = list(
        evaluations(scope=scope, filters=filters).values("event__area_id").annotate(**_averages()).order_by()
    )
    areas = {
        area.pk: area for area in ThematicArea.objects.filter(pk__in=[r["event__area_id"] for r in rows])
    }
    result = [
        _scores(areas[row["event__area_id"]].name, row, key=areas[row["event__area_id"]]) for row in rows
    ]
    result.sort(key=lambda s: (areas[s.key.pk].sort_order, areas[s.key.pk].code))
    return result


def scores_per_trainer(*, scope: Scope, filters: AnalysisFilters) -> list[Scores]:
    """Average marks of the events each trainer taught (an evaluation counts for every trainer of its
    event), most evaluations first (one query)."""
    prefix = "event__evaluations__"
    rows = (
        _trainers(scope, filters)
        .filter(event__evaluations__isnull=False)
        .values(*_TRAINER_KEYS)
        .annotate(
            n=Count("event__evaluations"),
            **{name: Avg(f"{prefix}{name}") for name in SCORES},
        )
        .order_by("-n", "employee__last_name", "external_name")
    )
    return [_scores(_trainer_name(row), row) for row in rows]


def scores_per_event(*, scope: Scope, filters: AnalysisFilters) -> QuerySet[Evaluation, Any]:
    """Average marks per event, newest first (a values queryset the page paginates)."""
    return (
        evaluations(scope=scope, filters=filters)
        .values("event_id", "event__number", "event__title", "event__starts_at", "event__public_id")
        .annotate(**_averages())
        .order_by("-event__starts_at", "-event_id")
    )


def event_scores(rows: Iterable[dict[str, Any]]) -> list[Scores]:
    return [_scores(f"{row['event__number']} {row['event__title']}", row, key=row) for row in rows]


def scores_rows(rows: Iterable[Scores]) -> Iterator[list[Any]]:
    for row in rows:
        yield [row.label, row.count, row.content, row.trainer, row.organisation, row.usefulness, row.overall]


# --- the audit record of an export -----------------------------------------------------------------------


def export_record(*, actor: Any, table: str, fmt: str, filters: dict[str, Any]) -> None:
    """Record that `actor` exported an analysis table or the event list (its filters and format)."""
    from eprok.audit.services import audit_record

    audit_record(
        actor=actor,
        action=f"training.{table}.exported",
        target_type="training.analysis" if table != "event" else "training.trainingevent",
        data={"filters": filters, "format": fmt},
    )


def employees_read_record(*, actor: Any, filters: dict[str, Any], page: int) -> None:
    """Record that `actor` read the hours of training per named employee (one page of them)."""
    from eprok.audit.services import audit_record

    audit_record(
        actor=actor,
        action="training.analysis.employees_read",
        target_type="training.analysis",
        purpose="hours of training per employee",
        data={"filters": filters, "page": page},
    )
