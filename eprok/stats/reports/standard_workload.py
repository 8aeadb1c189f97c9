"""The workload and timeliness report: per unit (each child of the chosen unit with its whole subtree) and
per employee of the chosen unit, what came in, what was done and what is overdue.

- Crime reports (by the report's unit; per employee: the one it is assigned to): registered in the
  period; decided in the period; overdue — still undecided at the end of the period with the check term
  (check_due) run out before that day. Timeliness % = decided within the check term / decided.
- Criminal cases (by the investigating unit; per employee: the investigator in charge): pending at the end
  of the period (opened and not completed by then: under investigation, suspended or with the indictment);
  completed in the period (sent to court, terminated, referred or joined); with an overdue investigation
  term — pending, not suspended, investigation_due run out before the end of the period.
- Appeals (by the executor unit, or the receiving unit while nobody is appointed; per employee: the
  executor): received in the period; answered in the period; answered late — of those, answered after the
  answer term. Timeliness % = answered within the term / answered.

A constant number of grouped queries whatever the number of units, employees or records.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case as CaseWhen
from django.db.models import Count, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from eprok.appeals.models import Appeal, AppealStatus
from eprok.cases.models import Case, CaseStatus
from eprok.materials.models import OPEN_STATUSES as MATERIAL_OPEN
from eprok.materials.models import Material
from eprok.org.models import Employee, Unit

from ..tables import Row, Table, columns, percent
from .standard_common import TOTAL, Frame, bucket, local_date, unit_rows

FIGURES = (
    "m_registered",
    "m_decided",
    "m_on_time",
    "m_overdue",
    "c_pending",
    "c_completed",
    "c_overdue",
    "a_received",
    "a_answered",
    "a_late",
)


def _columns(label: Any) -> list[Any]:
    return columns(
        ("label", label, "text"),
        ("m_registered", _("Crime reports registered")),
        ("m_decided", _("Crime reports decided")),
        ("m_overdue", _("Crime reports overdue")),
        ("m_timely", _("Crime reports decided in time, %"), "pct"),
        ("c_pending", _("Cases pending at the end of the period")),
        ("c_completed", _("Cases completed")),
        ("c_overdue", _("Cases with the investigation term overdue")),
        ("a_received", _("Appeals received")),
        ("a_answered", _("Appeals answered")),
        ("a_late", _("Appeals answered late")),
        ("a_timely", _("Appeals answered in time, %"), "pct"),
    )


def _cells(figures: dict[str, Any]) -> dict[str, Any]:
    values = {key: int(figures.get(key) or 0) for key in FIGURES}
    cells: dict[str, Any] = {key: values[key] for key in FIGURES if key != "m_on_time"}
    cells["m_timely"] = percent(values["m_on_time"], values["m_decided"])
    cells["a_timely"] = percent(values["a_answered"] - values["a_late"], values["a_answered"])
    return cells


def _material_counts(frame: Frame) -> dict[str, Any]:
    decided = frame.within("decided_at")
    open_at_ref = Q(registered_at__lt=frame.ref_at) & (
        Q(status__in=MATERIAL_OPEN) | Q(decided_at__gte=frame.ref_at)
    )
    return {
        "m_registered": Count("pk", filter=frame.within("registered_at")),
        "m_decided": Count("pk", filter=decided),
        "m_on_time": Count(
            "pk", filter=decided & (Q(check_due__isnull=True) | Q(decided_day__lte=F("check_due")))
        ),
        "m_overdue": Count("pk", filter=open_at_ref & Q(check_due__lt=frame.ref_day)),
    }


def _case_counts(frame: Frame) -> dict[str, Any]:
    pending = Q(opened_at__lt=frame.ref_at) & (
        Q(completed_at__isnull=True) | Q(completed_at__gte=frame.ref_at)
    )
    return {
        "c_pending": Count("pk", filter=pending),
        "c_completed": Count("pk", filter=frame.within("completed_at")),
        "c_overdue": Count(
            "pk",
            filter=pending & ~Q(status=CaseStatus.SUSPENDED) & Q(investigation_due__lt=frame.ref_day),
        ),
    }


def _appeal_counts(frame: Frame) -> dict[str, Any]:
    answered = Q(status=AppealStatus.ANSWERED) & frame.within("closed_at")
    return {
        "a_received": Count("pk", filter=frame.within("registered_at")),
        "a_answered": Count("pk", filter=answered),
        "a_late": Count("pk", filter=answered & Q(answer_due__isnull=False, closed_day__gt=F("answer_due"))),
    }


def _appeal_scope(frame: Frame) -> Q:
    """Appeals of the executor unit, or of the receiving unit while no executor unit is appointed."""
    return (Q(executor_unit__isnull=False) & frame.scope("executor_unit")) | (
        Q(executor_unit__isnull=True) & frame.scope("unit")
    )


def _appeal_bucket(frame: Frame, children: list[Unit]) -> Any:
    whens = [
        When(
            Q(executor_unit__path__startswith=child.path)
            | Q(executor_unit__isnull=True, unit__path__startswith=child.path),
            then=Value(child.pk),
        )
        for child in children
    ]
    return CaseWhen(*whens, default=Value(frame.unit.pk), output_field=IntegerField())


def _relevant_materials(frame: Frame) -> Q:
    return (
        frame.within("registered_at")
        | frame.within("decided_at")
        | (
            Q(registered_at__lt=frame.ref_at, check_due__lt=frame.ref_day)
            & (Q(status__in=MATERIAL_OPEN) | Q(decided_at__gte=frame.ref_at))
        )
    )


def _relevant_cases(frame: Frame) -> Q:
    return Q(opened_at__lt=frame.ref_at) & (
        Q(completed_at__isnull=True) | Q(completed_at__gte=frame.start_at)
    )


def _relevant_appeals(frame: Frame) -> Q:
    return frame.within("registered_at") | frame.within("closed_at")


def _grouped(
    queryset: Any, key: Any, counts: dict[str, Any], annotations: dict[str, Any] | None = None
) -> dict[int, dict[str, Any]]:
    rows = queryset.annotate(**(annotations or {}), group=key).values("group").annotate(**counts).order_by()
    return {row["group"]: row for row in rows}


def workload_report(frame: Frame) -> Any:
    children = frame.children()
    materials = Material.objects.filter(frame.scope("unit"), _relevant_materials(frame))
    cases = Case.objects.filter(frame.scope("unit"), _relevant_cases(frame))
    appeals = Appeal.objects.filter(_appeal_scope(frame), _relevant_appeals(frame))
    material_day = {"decided_day": local_date("decided_at")}
    appeal_day = {"closed_day": local_date("closed_at")}

    per_unit: dict[int, dict[str, Any]] = {}
    for found in (
        _grouped(materials, bucket("unit", frame.unit, children), _material_counts(frame), material_day),
        _grouped(cases, bucket("unit", frame.unit, children), _case_counts(frame)),
        _grouped(appeals, _appeal_bucket(frame, children), _appeal_counts(frame), appeal_day),
    ):
        for pk, row in found.items():
            per_unit.setdefault(pk, {}).update({key: value for key, value in row.items() if key != "group"})
    rows = unit_rows(frame, children, per_unit, "label", _cells)
    sums = {key: sum(int(figures.get(key) or 0) for figures in per_unit.values()) for key in FIGURES}
    rows.append(Row(cells={"label": str(TOTAL), **_cells(sums)}, total=True))
    units = Table(
        key="units", title=_("Workload and timeliness by unit"), columns=_columns(_("Unit")), rows=rows
    )

    staff = list(
        Employee.objects.filter(unit=frame.unit, is_active=True)
        .order_by("last_name", "first_name", "pk")
        .only("pk", "last_name", "first_name", "patronymic", "username")
    )
    per_person: dict[int, dict[str, Any]] = {}
    for found in (
        _grouped(
            materials.filter(assignee__unit_id=frame.unit.pk),
            F("assignee_id"),
            _material_counts(frame),
            material_day,
        ),
        _grouped(
            cases.filter(investigator__unit_id=frame.unit.pk), F("investigator_id"), _case_counts(frame)
        ),
        _grouped(
            appeals.filter(executor__unit_id=frame.unit.pk),
            F("executor_id"),
            _appeal_counts(frame),
            appeal_day,
        ),
    ):
        for pk, row in found.items():
            per_person.setdefault(pk, {}).update({key: value for key, value in row.items() if key != "group"})
    person_rows = [
        Row(cells={"label": person.full_name or person.username, **_cells(per_person.get(person.pk, {}))})
        for person in staff
    ]
    shown = {person.pk for person in staff}
    sums = {
        key: sum(int(figures.get(key) or 0) for pk, figures in per_person.items() if pk in shown)
        for key in FIGURES
    }
    person_rows.append(Row(cells={"label": str(TOTAL), **_cells(sums)}, total=True))
    employees = Table(
        key="employees",
        title=_("Workload and timeliness by employee of %(unit)s") % {"unit": frame.unit.name},
        columns=_columns(_("Employee")),
        rows=person_rows,
        note=_(
            "The active employees of the unit itself; a crime report counts for the employee it is "
            "assigned to, a case for its investigator in charge, an appeal for its executor."
        ),
    )
    return frame.report(
        "workload",
        _("Workload and timeliness report"),
        [units, employees],
        notes=(
            _(
                "Decided in time: decided on or before the check term's last day (CPC art. 207). Answered "
                "late: answered after the answer term with any extension (Appeals Law art. 10)."
            ),
        ),
    )
