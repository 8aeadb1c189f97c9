"""Every read of supervised cases: the register with its filters, the card, the history, and the statistics
per supervised body. Each starts from `access.visible_to(user)`; the views record the reads in the audit
log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import access
from .models import (
    ANSWERED_KINDS,
    InvestigatingBody,
    SupervisedCase,
    SupervisedStatus,
    SupervisoryAct,
    Violation,
    ViolationKind,
)

PURPOSE_LABELS: dict[str, Any] = {
    "review": _("review"),
    "register": _("the register"),
    "api": _("API"),
}
MAX_WORDS = 100


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    body: InvestigatingBody | None = None
    unit: Any = None
    supervisor: Any = None
    overdue: bool = False
    has_violations: bool = False
    words: str = ""

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> CaseFilters:
        return cls(
            status=data.get("status") or "",
            body=data.get("body"),
            unit=data.get("unit"),
            supervisor=data.get("supervisor"),
            overdue=bool(data.get("overdue")),
            has_violations=bool(data.get("has_violations")),
            words=(data.get("words") or "").strip()[:MAX_WORDS],
        )


def open_violations() -> Exists:
    return Exists(Violation.objects.filter(case=OuterRef("pk"), remedied_on__isnull=True))


def filtered(queryset: QuerySet[SupervisedCase], filters: CaseFilters) -> QuerySet[SupervisedCase]:
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.body is not None:
        queryset = queryset.filter(body=filters.body)
    if filters.unit is not None:
        queryset = queryset.filter(unit__path__startswith=filters.unit.path)
    if filters.supervisor is not None:
        queryset = queryset.filter(supervisor=filters.supervisor)
    if filters.overdue:
        today = timezone.localdate()
        late_act = SupervisoryAct.objects.filter(
            case=OuterRef("pk"), kind__in=ANSWERED_KINDS, answered_at__isnull=True, due_date__lt=today
        )
        queryset = queryset.filter(
            Q(status=SupervisedStatus.INVESTIGATION, investigation_due__lt=today) | Exists(late_act)
        )
    if filters.has_violations:
        queryset = queryset.filter(open_violations())
    for word in filters.words.split()[:5]:
        queryset = queryset.filter(
            Q(number__icontains=word)
            | Q(summary__icontains=word)
            | Q(accused__icontains=word)
            | Q(investigator_name__icontains=word)
            | Q(articles__icontains=word)
        )
    return queryset


def case_list(*, user: Any, filters: CaseFilters) -> QuerySet[SupervisedCase]:
    """The cases the user may see, newest first, each with whether it has unremedied violations."""
    return (
        filtered(access.visible_to(user), filters)
        .select_related("body", "unit", "supervisor")
        .annotate(open_violation_count=Count("violations", filter=Q(violations__remedied_on__isnull=True)))
        .order_by("-opened_on", "-id")
    )


def case_card(*, user: Any, key: Any) -> SupervisedCase:
    """The case with its acts and violations (404/403 through access); four queries with the grants."""
    queryset = SupervisedCase.objects.select_related(*access.CASE_RELATED).prefetch_related(
        Prefetch(
            "acts", queryset=SupervisoryAct.objects.select_related("author").order_by("-issued_at", "-id")
        ),
        Prefetch("violations", queryset=Violation.objects.select_related("act").order_by("-found_on", "-id")),
    )
    return access.get_case_for(user, key, queryset=queryset)


def case_history(*, case: SupervisedCase, limit: int = 200) -> list[dict[str, Any]]:
    """The audit events of the case, oldest first (reads included: who opened it matters)."""
    from eprok.audit.labels import action_label
    from eprok.audit.models import AuditEvent

    events = AuditEvent.objects.filter(target_type=access.TARGET_TYPE, target_id=str(case.public_id))
    rows = events.only("id", "occurred_at", "actor_name", "action", "purpose").order_by("-id")[:limit]
    return [
        {
            "event": event,
            "label": action_label(event.action),
            "purpose": PURPOSE_LABELS.get(event.purpose, event.purpose),
        }
        for event in reversed(list(rows))
    ]


def body_list(*, active_only: bool = False) -> QuerySet[InvestigatingBody]:
    bodies = InvestigatingBody.objects.all().order_by("kind", "code")
    return bodies.filter(is_active=True) if active_only else bodies


def supervisors_of(unit: Any) -> QuerySet[Any]:
    """The employees who may be named supervisor of a case of `unit` (hold "Supervise" over it)."""
    from eprok.org.models import Employee, RoleAssignment
    from eprok.org.roles import Role

    today = timezone.localdate()
    grants = RoleAssignment.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
        Q(unit=unit) | Q(include_subunits=True, unit__path__in=_prefixes(unit.path)),
        role=Role.SUPERVISE,
        valid_from__lte=today,
        ended_at__isnull=True,
    )
    return Employee.objects.filter(is_active=True, pk__in=grants.values("employee_id")).order_by(
        "last_name", "first_name"
    )


def _prefixes(path: str) -> list[str]:
    """ "/1/5/17/" -> ["/1/", "/1/5/", "/1/5/17/"]: the paths of the unit and its ancestors."""
    parts = [part for part in path.split("/") if part]
    return ["/" + "/".join(parts[:index]) + "/" for index in range(1, len(parts) + 1)]


# --- statistics per supervised body -----------------------------------------------------------------------


@dataclass
class BodyStatistics:
    body: InvestigatingBody
    received: int = 0
    under_investigation: int = 0
    suspended: int = 0
    with_prosecutor: int = 0
    sent_to_court: int = 0
    terminated: int = 0
    violations: dict[str, int] = field(default_factory=dict)
    acts_issued: int = 0
    acts_answered_late: int = 0
    acts_overdue: int = 0

    @property
    def violations_total(self) -> int:
        return sum(self.violations.values())


@dataclass
class Statistics:
    date_from: dt.date
    date_to: dt.date
    rows: list[BodyStatistics]
    kinds: list[tuple[str, Any]]
    totals: BodyStatistics | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def statistics(*, user: Any, date_from: dt.date, date_to: dt.date, unit: Any = None) -> Statistics:
    """Per investigating body, over the cases the user may see (of `unit` and its sub-units, if given):

    - received: cases opened in the period;
    - under investigation, suspended, with the prosecutor: the cases in that state now;
    - sent to court, terminated: cases that reached that state (closed) in the period;
    - violations by kind: found in the period;
    - acts issued: instructions, demands and protests issued in the period; answered late: of those, the ones
      answered after their due date; overdue: of those, the ones still unanswered after it.
    """
    cases = access.visible_to(user)
    if unit is not None:
        cases = cases.filter(unit__path__startswith=unit.path)
    start, end = _day_start(date_from), _day_start(date_to + dt.timedelta(days=1))
    today = timezone.localdate()
    case_rows = cases.values("body_id").annotate(
        received=Count("pk", filter=Q(opened_on__gte=date_from, opened_on__lte=date_to)),
        under_investigation=Count("pk", filter=Q(status=SupervisedStatus.INVESTIGATION)),
        suspended=Count("pk", filter=Q(status=SupervisedStatus.SUSPENDED)),
        with_prosecutor=Count("pk", filter=Q(status=SupervisedStatus.INDICTMENT)),
        sent_to_court=Count(
            "pk", filter=Q(status=SupervisedStatus.SENT_TO_COURT, closed_at__gte=start, closed_at__lt=end)
        ),
        terminated=Count(
            "pk", filter=Q(status=SupervisedStatus.TERMINATED, closed_at__gte=start, closed_at__lt=end)
        ),
    )
    visible_ids = cases.values("pk")
    violation_rows = (
        Violation.objects.filter(case__in=visible_ids, found_on__gte=date_from, found_on__lte=date_to)
        .values("case__body_id", "kind")
        .annotate(count=Count("pk"))
    )
    act_rows = (
        SupervisoryAct.objects.filter(
            case__in=visible_ids, kind__in=ANSWERED_KINDS, issued_at__gte=start, issued_at__lt=end
        )
        .annotate(answered_day=TruncDate("answered_at", tzinfo=timezone.get_current_timezone()))
        .values("case__body_id")
        .annotate(
            issued=Count("pk"),
            late=Count("pk", filter=Q(answered_at__isnull=False, answered_day__gt=F("due_date"))),
            overdue=Count("pk", filter=Q(answered_at__isnull=True, due_date__lt=today)),
        )
    )
    by_body: dict[int, BodyStatistics] = {}
    bodies = {body.pk: body for body in InvestigatingBody.objects.all()}

    def row(body_id: int) -> BodyStatistics:
        if body_id not in by_body:
            by_body[body_id] = BodyStatistics(body=bodies[body_id])
        return by_body[body_id]

    for item in case_rows:
        stats = row(item["body_id"])
        for name in (
            "received",
            "under_investigation",
            "suspended",
            "with_prosecutor",
            "sent_to_court",
            "terminated",
        ):
            setattr(stats, name, item[name])
    for found in violation_rows:
        stats = row(found["case__body_id"])
        stats.violations[found["kind"]] = stats.violations.get(found["kind"], 0) + found["count"]
    for issued in act_rows:
        stats = row(issued["case__body_id"])
        stats.acts_issued += issued["issued"]
        stats.acts_answered_late += issued["late"]
        stats.acts_overdue += issued["overdue"]
    rows = sorted(by_body.values(), key=lambda stats: (stats.body.kind, stats.body.code))
    totals = BodyStatistics(body=InvestigatingBody(code="", name_az=str(_("Total"))))
    for stats in rows:
        for name in (
            "received",
            "under_investigation",
            "suspended",
            "with_prosecutor",
            "sent_to_court",
            "terminated",
            "acts_issued",
            "acts_answered_late",
            "acts_overdue",
        ):
            setattr(totals, name, getattr(totals, name) + getattr(stats, name))
        for kind, count in stats.violations.items():
            totals.violations[kind] = totals.violations.get(kind, 0) + count
    return Statistics(
        date_from=date_from,
        date_to=date_to,
        rows=rows,
        kinds=list(ViolationKind.choices),
        totals=totals if rows else None,
    )
