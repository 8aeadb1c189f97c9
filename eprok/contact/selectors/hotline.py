"""Reads of the hotline: the register with its filters and exports, a report with its conversation,
the reporter's look-up by receipt code, and the analytics by sector, type of corruption and period."""

from __future__ import annotations

import datetime as dt
import hmac
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from eprok.contact import access, classifiers
from eprok.contact.models import (
    CorruptionType,
    HotlineMessage,
    HotlineReport,
    HotlineStatus,
)
from eprok.contact.selectors.calls import EXPORT_MAX_ROWS, day_start
from eprok.org.models import Employee, RoleAssignment, Unit
from eprok.org.selectors import active_assignments


@dataclass(frozen=True)
class HotlineFilter:
    number: str = ""
    unit: str = ""
    status: str = ""
    channel: str = ""
    sector: str = ""
    corruption_type: str = ""
    assignee: str = ""  # an employee's public id, "me" or "none"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""

    def as_data(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items() if value not in (None, "")}


def filtered_reports(
    qs: QuerySet[HotlineReport], filters: HotlineFilter, *, user: Any
) -> QuerySet[HotlineReport]:
    if filters.number:
        qs = qs.filter(number__icontains=filters.number.strip())
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    if filters.status == "open":
        qs = qs.filter(status__in=[HotlineStatus.RECEIVED, HotlineStatus.IN_REVIEW])
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    if filters.corruption_type:
        qs = qs.filter(corruption_type=filters.corruption_type)
    if filters.assignee == "me":
        qs = qs.filter(assignee_id=getattr(user, "pk", None))
    elif filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee:
        try:
            qs = qs.filter(assignee__public_id=uuid.UUID(filters.assignee))
        except ValueError:
            return qs.none()
    if filters.date_from:
        qs = qs.filter(received_at__gte=day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(received_at__lt=day_start(filters.date_to + dt.timedelta(days=1)))
    for word in filters.q.split():
        qs = qs.filter(text__icontains=word)
    return qs


def hotline_list(*, user: Any, filters: HotlineFilter | None = None) -> QuerySet[HotlineReport]:
    qs = filtered_reports(access.hotline_visible_to(user), filters or HotlineFilter(), user=user)
    return qs.select_related("unit", "assignee").order_by("-received_at", "-pk")


EXPORT_COLUMNS = (
    "number",
    "unit__code",
    "channel",
    "received_at",
    "sector",
    "corruption_type",
    "place",
    "status",
    "assignee__last_name",
    "assignee__first_name",
    "triaged_at",
    "material_number",
    "forwarded_to",
    "identity_held",
    "text",
)


def hotline_export_rows(
    *, user: Any, filters: HotlineFilter, max_rows: int = EXPORT_MAX_ROWS
) -> Iterator[tuple[Any, ...]]:
    qs = filtered_reports(access.hotline_visible_to(user), filters, user=user).order_by("-received_at", "-pk")
    yield from qs[:max_rows].values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000)


def hotline_get(*, user: Any, number: str, action: str = "view") -> HotlineReport:
    queryset = (
        access.hotline_visible_to(user)
        .select_related("unit", "assignee", "registered_by", "triaged_by", "call")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=HotlineMessage.objects.select_related("author").order_by("created_at", "pk"),
            )
        )
    )
    return access.get_hotline_report_for(user, number, action=action, queryset=queryset)


# Compared when no report has the code, so a wrong code costs the same as a right one.
_DUMMY_HASH = "0" * 64


def hotline_report_for_reporter(*, code: str) -> HotlineReport | None:
    """The report whose receipt code this is, or None (the hashes are compared in constant time)."""
    from eprok.contact.services.public import code_hash, normalise_code

    if len(normalise_code(code)) < 10:
        hmac.compare_digest(_DUMMY_HASH.encode(), _DUMMY_HASH.encode())
        return None
    digest = code_hash(code)
    report = HotlineReport.objects.select_related("unit").filter(receipt_code_hash=digest).first()
    stored = report.receipt_code_hash if report is not None else _DUMMY_HASH
    if report is None or not hmac.compare_digest(digest.encode(), stored.encode()):
        return None
    return report


def hotline_report_for_session(*, public_id: str) -> HotlineReport | None:
    """The web report a reporter's portal session opened with its receipt code (the session keeps the
    report's public id, never the code); None for any other key or a report not filed on the web."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    reports = HotlineReport.objects.select_related("unit").exclude(receipt_code_hash="")
    return reports.filter(public_id=key).first()


def assignee_choices(*, unit: Unit) -> list[Employee]:
    """Active employees holding "Investigate" or "Operate the call centre" over `unit`."""
    above = [int(part) for part in unit.path.strip("/").split("/") if part]
    grants = (
        RoleAssignment.objects.filter(
            active_assignments(), role__in=access.HOTLINE_WORKER_ROLES, unit__is_active=True
        )
        .filter(Q(unit_id=unit.pk) | Q(unit_id__in=above, include_subunits=True))
        .values("employee_id")
    )
    return list(
        Employee.objects.filter(pk__in=grants, is_active=True).order_by("last_name", "first_name", "pk")
    )


# --- analytics ----------------------------------------------------------------------------------------


@dataclass
class Bar:
    key: str
    label: str
    count: int
    share: int  # per cent of the largest bar, for drawing


@dataclass
class Analytics:
    date_from: dt.date
    date_to: dt.date
    total: int
    by_sector: list[Bar]
    by_type: list[Bar]
    by_month: list[Bar]
    by_status: list[Bar]


def _bars(rows: list[tuple[str, str, int]]) -> list[Bar]:
    top = max((count for _key, _label, count in rows), default=0) or 1
    return [
        Bar(key=key, label=label, count=count, share=round(100 * count / top)) for key, label, count in rows
    ]


def hotline_analytics(*, user: Any, date_from: dt.date, date_to: dt.date, unit: str = "") -> Analytics:
    """Reports the user may see, received in [date_from, date_to], counted four ways (four queries)."""
    qs = filtered_reports(
        access.hotline_visible_to(user),
        HotlineFilter(unit=unit, date_from=date_from, date_to=date_to),
        user=user,
    ).order_by()
    sectors = classifiers.sector_names()
    by_sector = sorted(
        (
            (row["sector"], sectors.get(row["sector"], row["sector"]), row["n"])
            for row in qs.values("sector").annotate(n=Count("pk"))
        ),
        key=lambda item: (-item[2], item[1]),
    )
    no_sector = str(_not_classified())
    by_sector = [(key, label or no_sector, n) if key else ("", no_sector, n) for key, label, n in by_sector]
    types = dict(qs.values_list("corruption_type").annotate(n=Count("pk")))
    by_type = [
        (value, str(label), types.get(value, 0))
        for value, label in CorruptionType.choices
        if types.get(value, 0)
    ]
    if types.get(""):
        by_type.append(("", no_sector, types[""]))
    months = {
        timezone.localtime(row["month"]).strftime("%Y-%m")
        if timezone.is_aware(row["month"])
        else row["month"].strftime("%Y-%m"): row["n"]
        for row in qs.annotate(month=TruncMonth("received_at")).values("month").annotate(n=Count("pk"))
        if row["month"] is not None
    }
    by_month = [(month, month, months[month]) for month in sorted(months)]
    statuses = dict(qs.values_list("status").annotate(n=Count("pk")))
    by_status = [(value, str(label), statuses.get(value, 0)) for value, label in HotlineStatus.choices]
    return Analytics(
        date_from=date_from,
        date_to=date_to,
        total=sum(statuses.values()),
        by_sector=_bars(by_sector),
        by_type=_bars(by_type),
        by_month=_bars(by_month),
        by_status=_bars(by_status),
    )


def _not_classified() -> Any:
    from django.utils.translation import gettext_lazy as _

    return _("Not classified")
