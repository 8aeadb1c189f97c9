"""The training record ("təlim kartı") of an employee and of a unit: events attended with their hours,
evaluations given, distance-learning courses completed with their certificates, and the mandatory thematic
areas not yet covered this year.

Reads only; who may read is `access.can_see_record` / `access.record_units`. The learning models are read
directly (enrolments and certificates), never through the learning app's services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from eprok.audit.services import audit_record
from eprok.org.models import Employee, Unit
from eprok.training.models import Attendance, Evaluation, EventStatus, ThematicArea

ATTENDED = Q(present=True) & ~Q(event__status__in=[EventStatus.CANCELLED, EventStatus.DRAFT])


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    return start, timezone.make_aware(dt.datetime(year + 1, 1, 1))


@dataclass
class Record:
    employee: Employee
    year: int
    attended: list[Attendance]
    hours_total: Decimal
    hours_year: Decimal
    evaluations: list[Evaluation]
    courses: list[Any]  # learning.Enrollment rows completed, with `certificate` (or None)
    missing_areas: list[ThematicArea] = field(default_factory=list)


def _completed_courses(employee_ids: list[int], since: dt.datetime | None = None) -> QuerySet[Any]:
    from eprok.learning.models import Enrollment, EnrollmentStatus

    rows = Enrollment.objects.filter(employee_id__in=employee_ids, status=EnrollmentStatus.COMPLETED)
    if since is not None:
        rows = rows.filter(completed_at__gte=since)
    return rows


def employee_record(*, employee: Employee, year: int | None = None) -> Record:
    """The employee's record: every event attended (newest first), hours in all and this year, the
    evaluations they gave, the courses completed and the mandatory areas not yet covered this year."""
    from eprok.learning.models import Certificate

    year = year or timezone.localdate().year
    start, end = _year_bounds(year)
    attended = list(
        Attendance.objects.filter(ATTENDED, employee_id=employee.pk)
        .select_related("event", "event__area", "event__organiser")
        .order_by("-event__starts_at")
    )
    hours_total = sum((row.event.hours for row in attended), Decimal("0"))
    this_year = [row for row in attended if start <= row.event.starts_at < end]
    hours_year = sum((row.event.hours for row in this_year), Decimal("0"))
    evaluations = list(
        Evaluation.objects.filter(employee_id=employee.pk).select_related("event").order_by("-created_at")
    )
    courses = list(
        _completed_courses([employee.pk]).select_related("course", "course__area").order_by("-completed_at")
    )
    certificates = {
        row.enrollment_id: row for row in Certificate.objects.filter(enrollment__in=[c.pk for c in courses])
    }
    for enrollment in courses:
        enrollment.certificate = certificates.get(enrollment.pk)
    covered = {row.event.area_id for row in this_year} | {
        enrollment.course.area_id
        for enrollment in courses
        if enrollment.completed_at and start <= enrollment.completed_at < end
    }
    missing = [area for area in mandatory_areas() if area.pk not in covered]
    return Record(
        employee=employee,
        year=year,
        attended=attended,
        hours_total=hours_total,
        hours_year=hours_year,
        evaluations=evaluations,
        courses=courses,
        missing_areas=missing,
    )


def mandatory_areas() -> list[ThematicArea]:
    return list(ThematicArea.objects.filter(is_active=True, is_mandatory=True).order_by("sort_order", "code"))


@dataclass
class UnitRow:
    employee: Employee
    hours: Decimal
    events: int
    missing: list[ThematicArea]


def unit_employees(*, unit: Unit) -> QuerySet[Employee]:
    """The active employees of the unit and its sub-units, by unit and name."""
    return (
        Employee.objects.filter(unit__path__startswith=unit.path, is_active=True)
        .select_related("unit", "position")
        .order_by("unit__path", "last_name", "first_name", "pk")
    )


def unit_rows(*, employees: list[Employee], year: int | None = None) -> list[UnitRow]:
    """For a page of employees: hours and events attended this year, and the mandatory areas not covered —
    three queries whatever the number of employees."""
    year = year or timezone.localdate().year
    start, end = _year_bounds(year)
    ids = [employee.pk for employee in employees]
    in_year = Attendance.objects.filter(
        ATTENDED, employee_id__in=ids, event__starts_at__gte=start, event__starts_at__lt=end
    )
    totals = {
        row["employee_id"]: row
        for row in in_year.values("employee_id").annotate(hours=Sum("event__hours"), events=Count("event"))
    }
    covered: dict[int, set[int]] = {}
    for employee_id, area_id in in_year.values_list("employee_id", "event__area_id").distinct():
        covered.setdefault(employee_id, set()).add(area_id)
    for employee_id, area_id in (
        _completed_courses(ids, since=start)
        .filter(completed_at__lt=end)
        .values_list("employee_id", "course__area_id")
        .distinct()
    ):
        covered.setdefault(employee_id, set()).add(area_id)
    areas = mandatory_areas()
    rows = []
    for employee in employees:
        total: Any = totals.get(employee.pk, {})
        rows.append(
            UnitRow(
                employee=employee,
                hours=total.get("hours") or Decimal("0"),
                events=total.get("events") or 0,
                missing=[area for area in areas if area.pk not in covered.get(employee.pk, set())],
            )
        )
    return rows


def record_read(*, user: Any, employee: Employee) -> None:
    """Reading someone else's record is audited; one's own is not."""
    if user.pk != employee.pk:
        audit_record(
            actor=user,
            action="training.record.read",
            target=employee,
            purpose="training record",
        )


def unit_record_read(*, user: Any, unit: Unit, year: int) -> None:
    audit_record(
        actor=user,
        action="training.record.unit_read",
        target=unit,
        data={"year": year},
        purpose="training record of a unit",
    )
