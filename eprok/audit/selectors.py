"""Reading the audit log: one filter set for the viewer, the CSV export and the API, newest first by id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from eprok.audit import access
from eprok.audit.models import AuditEvent

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
EXPORT_MAX_ROWS = 100_000

SOURCES = ("web", "api", "cli", "task", "system")

# What a list row needs; the detail page loads the whole event.
LIST_FIELDS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_name",
    "actor_unit",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "purpose",
    "source",
    "request_id",
)


@dataclass(frozen=True)
class AuditFilter:
    """The viewer's and the API's filters; empty fields filter nothing. Dates are days in local time."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    request_id: str = ""
    source: str = ""
    purpose: str = ""

    def as_data(self) -> dict[str, str]:
        """The filters that are set, as text (what an "audit.log.read" event records)."""
        return {key: str(value) for key, value in asdict(self).items() if value not in (None, "")}


# Days outside this range would overflow when converted to UTC; no event lies outside it anyway.
_FIRST_DAY = dt.date(1900, 1, 1)
_LAST_DAY = dt.date(9998, 12, 31)


def _day_start(day: dt.date) -> dt.datetime:
    day = min(max(day, _FIRST_DAY), _LAST_DAY)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered(queryset: QuerySet[AuditEvent], filters: AuditFilter) -> QuerySet[AuditEvent]:
    if filters.date_from:
        queryset = queryset.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(occurred_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.actor:
        queryset = queryset.filter(actor_name__icontains=filters.actor)
    if filters.action:
        # "org.employee" matches "org.employee.created" but not "org.employees.x"; a full code matches itself.
        prefix = filters.action.rstrip(".")
        queryset = queryset.filter(Q(action__startswith=f"{prefix}.") | Q(action=prefix))
    if filters.target_type:
        queryset = queryset.filter(target_type=filters.target_type)
    if filters.target_id:
        queryset = queryset.filter(target_id=filters.target_id)
    if filters.request_id:
        queryset = queryset.filter(request_id=filters.request_id)
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    if filters.purpose:
        queryset = queryset.filter(purpose__icontains=filters.purpose)
    return queryset


@dataclass
class EventPage:
    items: list[AuditEvent]
    next_before_id: int | None


def event_list(
    *, user: Any, filters: AuditFilter, before_id: int | None = None, limit: int = DEFAULT_PAGE_SIZE
) -> EventPage:
    """One page of the events `user` may read, newest first; keyset on id, so page 1,000 costs as page 1."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    queryset = filtered(access.visible_to(user), filters).only(*LIST_FIELDS).order_by("-id")
    if before_id is not None:
        queryset = queryset.filter(id__lt=before_id)
    rows = list(queryset[: limit + 1])
    items = rows[:limit]
    return EventPage(items=items, next_before_id=items[-1].pk if len(rows) > limit else None)


def event_export_rows(
    *, user: Any, filters: AuditFilter, max_rows: int = EXPORT_MAX_ROWS
) -> Iterator[tuple[Any, ...]]:
    """The rows of the CSV export, newest first, streamed from the database in chunks."""
    queryset = filtered(access.visible_to(user), filters).order_by("-id")[:max_rows]
    yield from queryset.values_list(
        "id",
        "occurred_at",
        "actor_name",
        "actor_unit",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "purpose",
        "source",
        "request_id",
        "ip",
    ).iterator(chunk_size=2000)
