"""Every read of special reports: the register, the card, the duty console's board, the daily digest and the
analytics. Each starts from `access.visible_to(user)`; the views record the reads in the audit log."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.special import access
from eprok.special.models import (
    ConsoleState,
    Delivery,
    FollowUp,
    IncidentType,
    ReportPerson,
    ReportStatus,
    SpecialReport,
)

# The purposes the module records reads with, as the card's history names them.
PURPOSE_LABELS: dict[str, Any] = {
    "review": _("review"),
    "register": _("the register"),
    "duty console": _("the duty console"),
    "daily digest": _("the daily digest"),
    "analytics": _("analytics"),
    "my work": _("My work"),
    "api": _("API"),
    "api: duty console": _("API: the duty console"),
}
CONSOLE_RECENT = dt.timedelta(hours=24)
CONSOLE_LIMIT = 100
DIGEST_LIMIT = 500


@dataclass(frozen=True)
class ReportFilters:
    status: str = ""
    incident_type: IncidentType | None = None
    district_code: str = ""
    region_code: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    undelivered: bool = False

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> ReportFilters:
        return cls(
            status=data.get("status") or "",
            incident_type=data.get("incident_type"),
            district_code=data.get("district_code") or "",
            region_code=data.get("region_code") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            undelivered=bool(data.get("undelivered")),
        )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered(queryset: QuerySet[SpecialReport], filters: ReportFilters) -> QuerySet[SpecialReport]:
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.incident_type is not None:
        queryset = queryset.filter(incident_type=filters.incident_type)
    if filters.district_code:
        queryset = queryset.filter(district_code=filters.district_code)
    if filters.region_code:
        queryset = queryset.filter(region_code=filters.region_code)
    if filters.date_from:
        queryset = queryset.filter(submitted_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(submitted_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.undelivered:
        queryset = queryset.filter(delivered_at__isnull=True)
    return queryset


def report_list(*, user: Any, filters: ReportFilters) -> QuerySet[SpecialReport]:
    return filtered(access.visible_to(user), filters).select_related(
        "incident_type", "reporting_unit", "acknowledged_by"
    )


def report_card(*, user: Any, key: Any) -> SpecialReport:
    """The report with everything its card shows (404/403 through access)."""
    report = access.get_report_for(user, key)
    return (
        SpecialReport.objects.select_related(
            "incident_type",
            "reporting_unit",
            "reported_by",
            "acknowledged_by",
            "closed_by",
            "material",
            "case",
        )
        .prefetch_related(
            Prefetch("deliveries", queryset=Delivery.objects.select_related("unit").order_by("id")),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("author").order_by("sequence")),
            Prefetch("persons", queryset=ReportPerson.objects.select_related("person").order_by("id")),
        )
        .get(pk=report.pk)
    )


def report_history(*, report: SpecialReport, limit: int = 200) -> list[Any]:
    """The audit events of this report, reads included (restricted information: who opened it matters),
    oldest first."""
    from eprok.audit.labels import action_label
    from eprok.audit.models import AuditEvent

    events = AuditEvent.objects.filter(target_type=access.TARGET_TYPE, target_id=str(report.public_id))
    rows = events.only("id", "occurred_at", "actor_name", "action", "purpose").order_by("-id")[:limit]
    return [
        {
            "event": event,
            "label": action_label(event.action),
            "purpose": PURPOSE_LABELS.get(event.purpose, event.purpose),
        }
        for event in reversed(list(rows))
    ]


# --- the duty console ---------------------------------------------------------------------------------------


def console_version(*, user: Any, now: dt.datetime | None = None) -> str:
    """A token that changes whenever the console's board may have changed: the counter every delivery,
    acknowledgement, follow-up, linked person and closure increments (models.ConsoleState), and the minute
    (reports pass their acknowledgement target and leave the 24-hour window as time goes by)."""
    now = now or timezone.now()
    counter = ConsoleState.objects.filter(pk=1).values_list("version", flat=True).first() or 0
    return f"{counter}.{int(now.timestamp()) // 60}"


@dataclass
class Board:
    unacknowledged: list[SpecialReport]
    recent: list[SpecialReport]
    version: str
    now: dt.datetime
    numbers: list[str] = field(default_factory=list)
    waiting_count: int = 0  # all waiting, when more wait than the board lists


def console_board(
    *, user: Any, filters: ReportFilters, now: dt.datetime | None = None, version: str | None = None
) -> Board:
    """What the console shows: the delivered reports waiting for acknowledgement, newest first (a new report
    always comes on top, however many wait; the count is of all of them), then the other reports of the last
    24 hours, newest first, within the filters. `version`: already read by the caller."""
    now = now or timezone.now()
    version = version if version is not None else console_version(user=user, now=now)
    delivered = filtered(access.visible_to(user), filters).filter(delivered_at__isnull=False)
    delivered = delivered.select_related("incident_type", "reporting_unit", "acknowledged_by")
    waiting_all = delivered.filter(status=ReportStatus.SUBMITTED)
    waiting = list(waiting_all.order_by("-delivered_at", "-id")[:CONSOLE_LIMIT])
    waiting_count = waiting_all.count() if len(waiting) == CONSOLE_LIMIT else len(waiting)
    recent = list(
        delivered.filter(delivered_at__gte=now - CONSOLE_RECENT)
        .exclude(status=ReportStatus.SUBMITTED)
        .order_by("-delivered_at", "-id")[:CONSOLE_LIMIT]
    )
    numbers = [report.number for report in waiting + recent]
    return Board(
        unacknowledged=waiting,
        recent=recent,
        version=version,
        now=now,
        numbers=numbers,
        waiting_count=waiting_count,
    )


# --- the daily digest ---------------------------------------------------------------------------------------


@dataclass
class Digest:
    since: dt.datetime
    until: dt.datetime
    reports: list[SpecialReport]
    follow_ups: list[FollowUp]
    by_type: list[tuple[str, int]]
    dead: int
    injured: int
    acknowledged_in_target: int
    acknowledged: int


def digest(*, user: Any, until: dt.datetime | None = None, hours: int = 24) -> Digest:
    """The reports submitted and the follow-ups added in the `hours` before `until`, for the leadership."""
    until = until or timezone.now()
    since = until - dt.timedelta(hours=hours)
    visible = access.visible_to(user)
    reports = list(
        visible.filter(submitted_at__gte=since, submitted_at__lt=until)
        .select_related("incident_type", "reporting_unit", "acknowledged_by", "material", "case")
        .order_by("submitted_at", "id")[:DIGEST_LIMIT]
    )
    follow_ups = list(
        FollowUp.objects.filter(report__in=visible, created_at__gte=since, created_at__lt=until)
        .select_related("report", "author")
        .order_by("created_at")[:DIGEST_LIMIT]
    )
    types = Counter(report.incident_type.name for report in reports)
    acknowledged = [report for report in reports if report.ack_seconds is not None]
    return Digest(
        since=since,
        until=until,
        reports=reports,
        follow_ups=follow_ups,
        by_type=sorted(types.items(), key=lambda item: (-item[1], item[0])),
        dead=sum(report.dead_count for report in reports),
        injured=sum(report.injured_count for report in reports),
        acknowledged_in_target=sum(1 for report in acknowledged if report.ack_within_target),
        acknowledged=len(acknowledged),
    )


# --- analytics ----------------------------------------------------------------------------------------------


@dataclass
class Analytics:
    total: int
    by_type: list[tuple[IncidentType, int]]
    by_region: dict[str, int]
    by_month: list[tuple[str, int]]
    points: list[SpecialReport]
    acknowledged: int
    within_target: int
    median_ack_seconds: int | None
    undelivered: int


def analytics(*, user: Any, filters: ReportFilters, points_limit: int = 300) -> Analytics:
    """Counts by type, region and month, and the acknowledgement indicator, over what the user may see."""
    queryset = filtered(access.visible_to(user), filters)
    rows = list(
        queryset.values_list(
            "incident_type_id",
            "region_code",
            "submitted_at",
            "delivered_at",
            "acknowledged_at",
            "ack_target_minutes",
        )
    )
    types = {incident_type.pk: incident_type for incident_type in IncidentType.objects.all()}
    by_type = Counter(row[0] for row in rows)
    by_region = Counter(row[1] for row in rows if row[1])
    by_month = Counter(timezone.localtime(row[2]).strftime("%Y-%m") for row in rows)
    ack = [(row[4] - row[3]).total_seconds() for row in rows if row[3] is not None and row[4] is not None]
    within = sum(
        1
        for row in rows
        if row[3] is not None and row[4] is not None and (row[4] - row[3]).total_seconds() <= row[5] * 60
    )
    points = list(
        queryset.filter(latitude__isnull=False)
        .select_related("incident_type")
        .order_by("-submitted_at")[:points_limit]
    )
    return Analytics(
        total=len(rows),
        by_type=[(types[pk], count) for pk, count in by_type.most_common() if pk in types],
        by_region=dict(by_region),
        by_month=sorted(by_month.items()),
        points=points,
        acknowledged=len(ack),
        within_target=within,
        median_ack_seconds=int(statistics.median(ack)) if ack else None,
        undelivered=sum(1 for row in rows if row[3] is None),
    )


def incident_types(*, active_only: bool = False) -> QuerySet[IncidentType]:
    queryset = IncidentType.objects.prefetch_related("routed_to").order_by("sort_order", "code")
    return queryset.filter(is_active=True) if active_only else queryset
