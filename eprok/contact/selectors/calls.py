"""Reads of calls, callbacks and recording-copy requests, shared by the pages and the API; each starts
from the visible set in access.py."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from eprok.contact import access
from eprok.contact.models import (
    OPEN_COPY_STATUSES,
    Call,
    Callback,
    CallbackStatus,
    CallStatus,
    RecordingCopyRequest,
)
from eprok.org.models import Employee, RoleAssignment, Unit
from eprok.org.roles import Role
from eprok.org.selectors import active_assignments

EXPORT_MAX_ROWS = 10_000
HISTORY_LIMIT = 20


def day_start(day: dt.date) -> dt.datetime:
    day = min(max(day, dt.date(1900, 1, 1)), dt.date(9998, 12, 31))
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class CallFilter:
    """The call list's and the API's filters; empty fields filter nothing. Dates are local days."""

    centre: str = ""
    unit: str = ""  # a unit's code
    status: str = ""
    outcome: str = ""
    operator: str = ""  # an employee's public id, "me" or "none"
    number: str = ""  # digits of the caller's number
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    topic: str = ""
    q: str = ""  # words in the summary

    def as_data(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items() if value not in (None, "")}


def filtered_calls(qs: QuerySet[Call], filters: CallFilter, *, user: Any) -> QuerySet[Call]:
    if filters.centre:
        qs = qs.filter(centre=filters.centre)
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.operator == "me":
        qs = qs.filter(operator_id=getattr(user, "pk", None))
    elif filters.operator == "none":
        qs = qs.filter(operator__isnull=True)
    elif filters.operator:
        try:
            qs = qs.filter(operator__public_id=uuid.UUID(filters.operator))
        except ValueError:
            return qs.none()
    digits = "".join(ch for ch in filters.number if ch.isdigit())
    if digits:
        qs = qs.filter(caller_number__contains=digits)
    if filters.date_from:
        qs = qs.filter(offered_at__gte=day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(offered_at__lt=day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    for word in filters.q.split():
        qs = qs.filter(summary__icontains=word)
    return qs


def call_list(*, user: Any, filters: CallFilter | None = None) -> QuerySet[Call]:
    """Visible calls matching `filters`, the latest first."""
    qs = filtered_calls(access.calls_visible_to(user), filters or CallFilter(), user=user)
    return qs.select_related("unit", "operator").order_by("-offered_at", "-pk")


EXPORT_COLUMNS = (
    "public_id",
    "centre",
    "unit__code",
    "direction",
    "status",
    "offered_at",
    "answered_at",
    "ended_at",
    "caller_number",
    "caller_name",
    "operator__last_name",
    "operator__first_name",
    "topic",
    "outcome",
    "appeal_number",
    "material_number",
    "forwarded_to",
    "summary",
)


def call_export_rows(
    *, user: Any, filters: CallFilter, max_rows: int = EXPORT_MAX_ROWS
) -> Iterator[tuple[Any, ...]]:
    qs = filtered_calls(access.calls_visible_to(user), filters, user=user).order_by("-offered_at", "-pk")
    yield from qs[:max_rows].values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000)


def call_get(*, user: Any, public_id: Any, action: str = "view") -> Call:
    queryset = access.calls_visible_to(user).select_related(
        "unit", "operator", "registered_by", "person", "pbx"
    )
    return access.get_call_for(user, public_id, action=action, queryset=queryset)


# --- the caller's history -----------------------------------------------------------------------------


@dataclass
class CallerHistory:
    """What the centre knows of a caller: earlier calls by number or FIN, and their appeals' status."""

    calls: list[Call]
    appeals: list[dict[str, Any]]
    appeals_available: bool
    persons: list[Any]


def caller_history(*, user: Any, call: Call | None = None, number: str = "", fin: str = "") -> CallerHistory:
    """Earlier calls (those the user may see) and appeals of the caller found by `number` or `fin`.

    Hotline calls have no caller and no history: anonymity is kept by not looking.
    """
    number = number or (call.caller_number if call else "")
    fin = fin or (call.caller_fin if call else "")
    if call is not None and call.centre == "161":
        return CallerHistory(calls=[], appeals=[], appeals_available=False, persons=[])
    match = Q(pk__in=[])
    if number:
        match |= Q(caller_number=number)
    if fin:
        match |= Q(caller_fin=fin)
    calls: list[Call] = []
    if number or fin:
        qs = access.calls_visible_to(user).filter(match).select_related("operator")
        if call is not None:
            qs = qs.exclude(pk=call.pk)
        calls = list(qs.order_by("-offered_at", "-pk")[:HISTORY_LIMIT])
    from eprok.contact import bridges

    appeals, available = bridges.appeals_of_caller(user=user, phone=number, fin=fin)
    persons = bridges.persons_of_caller(phone=number, fin=fin) if (number or fin) else []
    return CallerHistory(calls=calls, appeals=appeals, appeals_available=available, persons=persons)


# --- the operator's workspace -------------------------------------------------------------------------


def incoming_calls(*, user: Any, centre: str = "", limit: int = 20) -> list[Call]:
    """Calls ringing in the units the user answers for, and calls the user took and has not registered."""
    if not access.signed_in(user):
        return []
    from eprok.org.grants import unit_scope

    scope = unit_scope(user, Role.OPERATE_CALLS)
    qs = Call.objects.filter(
        (scope & Q(status=CallStatus.OFFERED))
        | Q(operator_id=user.pk, status__in=[CallStatus.ANSWERED, CallStatus.ENDED])
    )
    if centre:
        qs = qs.filter(centre=centre)
    return list(qs.select_related("operator").order_by("offered_at", "pk")[:limit])


def my_callbacks(*, user: Any, limit: int = 50) -> list[Callback]:
    if not access.signed_in(user):
        return []
    return list(
        Callback.objects.filter(assignee_id=user.pk, status=CallbackStatus.OPEN)
        .select_related("call")
        .order_by("due_at", "pk")[:limit]
    )


def my_recent_calls(*, user: Any, limit: int = 10) -> list[Call]:
    if not access.signed_in(user):
        return []
    return list(Call.objects.filter(operator_id=user.pk).order_by("-offered_at", "-pk")[:limit])


# --- callbacks and copy requests ----------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackFilter:
    status: str = CallbackStatus.OPEN
    mine: bool = False
    overdue: bool = False


def callback_list(*, user: Any, filters: CallbackFilter | None = None) -> QuerySet[Callback]:
    filters = filters or CallbackFilter()
    qs = access.callbacks_visible_to(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.mine:
        qs = qs.filter(assignee_id=getattr(user, "pk", None))
    if filters.overdue:
        qs = qs.filter(status=CallbackStatus.OPEN, due_at__lt=timezone.now())
    return qs.select_related("call", "call__unit", "assignee").order_by("due_at", "pk")


def copy_request_list(*, user: Any, status: str = "") -> QuerySet[RecordingCopyRequest]:
    qs = access.copy_requests_visible_to(user)
    if status == "open":
        qs = qs.filter(status__in=OPEN_COPY_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs.select_related("call", "call__unit", "assignee").order_by("-requested_at", "-pk")


def operator_choices(*, unit: Unit) -> list[Employee]:
    """Active employees who answer calls in `unit` (directly or from above)."""
    above = [int(part) for part in unit.path.strip("/").split("/") if part]
    grants = (
        RoleAssignment.objects.filter(active_assignments(), role=Role.OPERATE_CALLS, unit__is_active=True)
        .filter(Q(unit_id=unit.pk) | Q(unit_id__in=above, include_subunits=True))
        .values("employee_id")
    )
    return list(
        Employee.objects.filter(pk__in=grants, is_active=True).order_by("last_name", "first_name", "pk")
    )
