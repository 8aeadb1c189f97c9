"""The supervision report (per supervised investigating body) and the training coverage report.

Supervision — the cases investigated by the police and other bodies under the supervision of the chosen
unit's subtree, per investigating body, with the definitions of the supervision register's own statistics
(eprok.supervision.selectors.statistics): received = opened in the period; under investigation and
suspended = in that state now (cases opened by the end of the period); sent to court and terminated =
reached that state in the period; acts = instructions, demands and protests issued in the period (with
those answered late and those still unanswered after their due date); violations recorded in the period
and violations remedied in the period.

Training — the chosen unit's active employees (its whole subtree) and their attendance at training events
published or held that started in the period (eprok.training.analysis: the same scope and filters as the
training analysis): trained = attended at least one event; coverage = trained / employees; events held =
counted events organised by the subtree; by thematic area.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from eprok.supervision.models import (
    ActKind,
    InvestigatingBody,
    SupervisedCase,
    SupervisedStatus,
    SupervisoryAct,
    Violation,
    ViolationKind,
)
from eprok.training import analysis
from eprok.training.models import ThematicArea, TrainingEvent

from .. import access
from ..tables import Row, Table, columns, percent
from .standard_common import TOTAL, Frame, bucket, local_date, unit_rows

# --- supervision --------------------------------------------------------------------------------------------

CASE_FIGURES = ("received", "investigation", "suspended", "sent_to_court", "terminated")
ACT_KINDS = (ActKind.INSTRUCTION, ActKind.DEMAND, ActKind.PROTEST)


def supervision_report(frame: Frame) -> Any:
    cases = SupervisedCase.objects.filter(frame.scope("unit"))
    case_rows: dict[int, dict[str, Any]] = {
        row["body_id"]: dict(row)
        for row in cases.values("body_id")
        .annotate(
            received=Count("pk", filter=Q(opened_on__gte=frame.start, opened_on__lte=frame.end)),
            investigation=Count(
                "pk", filter=Q(status=SupervisedStatus.INVESTIGATION, opened_on__lte=frame.end)
            ),
            suspended=Count("pk", filter=Q(status=SupervisedStatus.SUSPENDED, opened_on__lte=frame.end)),
            sent_to_court=Count(
                "pk", filter=Q(status=SupervisedStatus.SENT_TO_COURT) & frame.within("closed_at")
            ),
            terminated=Count("pk", filter=Q(status=SupervisedStatus.TERMINATED) & frame.within("closed_at")),
        )
        .order_by()
    }
    act_groups: list[dict[str, Any]] = [
        dict(row)
        for row in SupervisoryAct.objects.filter(
            frame.scope("case__unit"), frame.within("issued_at"), kind__in=ACT_KINDS
        )
        .annotate(answered_day=local_date("answered_at"))
        .values("case__body_id", "kind")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=Q(answered_at__isnull=False, answered_day__gt=F("due_date"))),
            overdue=Count("pk", filter=Q(answered_at__isnull=True, due_date__lt=frame.ref_day)),
        )
        .order_by()
    ]
    violation_groups: list[dict[str, Any]] = [
        dict(row)
        for row in Violation.objects.filter(frame.scope("case__unit"))
        .filter(
            Q(found_on__gte=frame.start, found_on__lte=frame.end)
            | Q(remedied_on__gte=frame.start, remedied_on__lte=frame.end)
        )
        .values("case__body_id", "kind")
        .annotate(
            found=Count("pk", filter=Q(found_on__gte=frame.start, found_on__lte=frame.end)),
            remedied=Count("pk", filter=Q(remedied_on__gte=frame.start, remedied_on__lte=frame.end)),
        )
        .order_by()
    ]
    per_body: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for body_id, row in case_rows.items():
        for key in CASE_FIGURES:
            per_body[body_id][key] += row[key]
    acts_by_kind: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for group in act_groups:
        per_body[group["case__body_id"]][group["kind"]] += group["n"]
        for key in ("n", "late", "overdue"):
            acts_by_kind[group["kind"]][key] += group[key]
    violations_by_kind: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for group in violation_groups:
        figures = per_body[group["case__body_id"]]
        figures["found"] += group["found"]
        figures["remedied"] += group["remedied"]
        violations_by_kind[group["kind"]]["found"] += group["found"]
        violations_by_kind[group["kind"]]["remedied"] += group["remedied"]

    keys = (*CASE_FIGURES, *(kind.value for kind in ACT_KINDS), "found", "remedied")
    bodies = InvestigatingBody.objects.filter(
        pk__in=[pk for pk, figures in per_body.items() if any(figures.values())]
    )
    rows = [
        Row(cells={"label": str(body.name), **{key: per_body[body.pk][key] for key in keys}})
        for body in bodies.order_by("kind", "code")
    ]
    rows.append(
        Row(
            cells={
                "label": str(TOTAL),
                **{key: sum(figures[key] for figures in per_body.values()) for key in keys},
            },
            total=True,
        )
    )
    body_table = Table(
        key="bodies",
        title=_("Supervised investigations by investigating body"),
        columns=columns(
            ("label", _("Investigating body"), "text"),
            ("received", _("Cases received")),
            ("investigation", _("Under investigation (now)")),
            ("suspended", _("Suspended (now)")),
            ("sent_to_court", _("Sent to court")),
            ("terminated", _("Terminated")),
            (ActKind.INSTRUCTION.value, _("Instructions issued")),
            (ActKind.DEMAND.value, _("Demands issued")),
            (ActKind.PROTEST.value, _("Protests issued")),
            ("found", _("Violations recorded")),
            ("remedied", _("Violations remedied")),
        ),
        rows=rows,
    )

    act_rows = [
        Row(
            cells={
                "label": str(kind.label),
                "n": acts_by_kind[kind.value]["n"],
                "late": acts_by_kind[kind.value]["late"],
                "overdue": acts_by_kind[kind.value]["overdue"],
            }
        )
        for kind in ACT_KINDS
    ]
    act_rows.append(
        Row(
            cells={
                "label": str(TOTAL),
                **{key: sum(f[key] for f in acts_by_kind.values()) for key in ("n", "late", "overdue")},
            },
            total=True,
        )
    )
    act_table = Table(
        key="acts",
        title=_("Acts of the supervising prosecutor issued in the period"),
        columns=columns(
            ("label", _("Act"), "text"),
            ("n", _("Issued")),
            ("late", _("Answered late")),
            ("overdue", _("Unanswered after the due date")),
        ),
        rows=act_rows,
    )
    violation_rows = [
        Row(
            cells={
                "label": str(kind.label),
                "found": violations_by_kind[kind.value]["found"],
                "remedied": violations_by_kind[kind.value]["remedied"],
            }
        )
        for kind in ViolationKind
    ]
    violation_rows.append(
        Row(
            cells={
                "label": str(TOTAL),
                "found": sum(f["found"] for f in violations_by_kind.values()),
                "remedied": sum(f["remedied"] for f in violations_by_kind.values()),
            },
            total=True,
        )
    )
    violation_table = Table(
        key="violations",
        title=_("Violations of law by kind"),
        columns=columns(
            ("label", _("Violation"), "text"),
            ("found", _("Recorded in the period")),
            ("remedied", _("Remedied in the period")),
        ),
        rows=violation_rows,
    )
    return frame.report(
        "supervision",
        _("Procedural supervision report"),
        [body_table, act_table, violation_table],
        notes=(
            _(
                "Cases are counted by the supervising unit. Received: opened in the period. Under "
                "investigation and suspended: in that state now. Sent to court and terminated: in the period."
            ),
        ),
    )


# --- training -----------------------------------------------------------------------------------------------


def training_report(frame: Frame) -> Any:
    scope = analysis.Scope(units=access.units_in_scope(frame.user))
    filters = analysis.AnalysisFilters(
        date_from=frame.start, date_to=frame.end, unit=frame.unit, include_subunits=True
    )
    children = frame.children()
    staff = {
        row["group"]: row["n"]
        for row in analysis.staff(scope=scope, filters=filters)
        .annotate(group=bucket("unit", frame.unit, children))
        .values("group")
        .annotate(n=Count("pk"))
        .order_by()
    }
    attended = analysis.attended(scope=scope, filters=filters)
    trained: dict[int, dict[str, Any]] = {
        row["group"]: dict(row)
        for row in attended.annotate(group=bucket("employee__unit", frame.unit, children))
        .values("group")
        .annotate(
            trained=Count("employee_id", distinct=True),
            events=Count("event_id", distinct=True),
            presences=Count("pk"),
            hours=Sum("event__hours"),
        )
        .order_by()
    }
    per_area: dict[int, dict[str, Any]] = {
        row["event__area_id"]: dict(row)
        for row in attended.values("event__area_id")
        .annotate(trained=Count("employee_id", distinct=True), events=Count("event_id", distinct=True))
        .order_by()
    }
    overall = attended.aggregate(
        trained=Count("employee_id", distinct=True), events=Count("event_id", distinct=True)
    )
    held = {
        row["area_id"]: row["n"]
        for row in TrainingEvent.objects.filter(
            frame.scope("organiser"),
            status__in=analysis.COUNTED_STATUSES,
            starts_at__gte=frame.start_at,
            starts_at__lt=frame.end_at,
        )
        .values("area_id")
        .annotate(n=Count("pk"))
        .order_by()
    }

    figures: dict[int, dict[str, Any]] = {}
    for pk in {*staff, *trained}:
        counted: dict[str, Any] = trained.get(pk, {})
        figures[pk] = {
            "staff": staff.get(pk, 0),
            "trained": counted.get("trained", 0),
            "events": counted.get("events", 0),
            "presences": counted.get("presences", 0),
            "hours": counted.get("hours"),
        }

    def cells(values: dict[str, Any]) -> dict[str, Any]:
        return {
            "staff": values.get("staff", 0),
            "trained": values.get("trained", 0),
            "coverage": percent(values.get("trained", 0), values.get("staff", 0)),
            "events": values.get("events", 0),
            "presences": values.get("presences", 0),
            "hours": values.get("hours"),
        }

    rows = unit_rows(frame, children, figures, "label", cells)
    total_staff = sum(staff.values())
    hours = [values["hours"] for values in figures.values() if values["hours"] is not None]
    rows.append(
        Row(
            cells={
                "label": str(TOTAL),
                **cells(
                    {
                        "staff": total_staff,
                        "trained": overall["trained"],
                        "events": overall["events"],
                        "presences": sum(values["presences"] for values in figures.values()),
                        "hours": sum(hours) if hours else None,
                    }
                ),
            },
            total=True,
        )
    )
    unit_table = Table(
        key="coverage",
        title=_("Training coverage by unit"),
        columns=columns(
            ("label", _("Unit"), "text"),
            ("staff", _("Employees")),
            ("trained", _("Employees trained")),
            ("coverage", _("Coverage, %"), "pct"),
            ("events", _("Events attended")),
            ("presences", _("Attendances")),
            ("hours", _("Academic hours attended"), "rate"),
        ),
        rows=rows,
        note=_(
            "Employees: the active employees of the unit. Trained: attended at least one training event "
            "that started in the period. Events attended are counted once per unit, however many of its "
            "employees attended."
        ),
    )

    area_ids = {*per_area, *held}
    areas = ThematicArea.objects.filter(Q(pk__in=area_ids) | Q(is_mandatory=True, is_active=True)).order_by(
        "sort_order", "code"
    )
    area_rows = []
    for area in areas:
        found: dict[str, Any] = per_area.get(area.pk, {})
        area_rows.append(
            Row(
                cells={
                    "label": str(area.name),
                    "mandatory": str(_("yes")) if area.is_mandatory else "",
                    "held": held.get(area.pk, 0),
                    "events": found.get("events", 0),
                    "trained": found.get("trained", 0),
                    "coverage": percent(found.get("trained", 0), total_staff),
                }
            )
        )
    area_rows.append(
        Row(
            cells={
                "label": str(TOTAL),
                "mandatory": "",
                "held": sum(held.values()),
                "events": overall["events"],
                "trained": overall["trained"],
                "coverage": percent(overall["trained"], total_staff),
            },
            total=True,
        )
    )
    area_table = Table(
        key="areas",
        title=_("Training by thematic area"),
        columns=columns(
            ("label", _("Thematic area"), "text"),
            ("mandatory", _("Mandatory"), "text"),
            ("held", _("Events held")),
            ("events", _("Events attended")),
            ("trained", _("Employees trained")),
            ("coverage", _("Coverage, %"), "pct"),
        ),
        rows=area_rows,
        note=_(
            "Events held: events organised by the unit and its sub-units. The total of employees trained "
            "counts each employee once, however many areas they were trained in."
        ),
    )
    return frame.report(
        "training",
        _("Training coverage report"),
        [unit_table, area_table],
        notes=(
            _(
                "Events published or held that started in the period count; drafts and cancelled events "
                "do not."
            ),
        ),
    )
