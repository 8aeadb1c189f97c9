"""Reads of the gateway's administration: the services with their circuits, the allow-list, the message log.

Every read starts from the access decision in access.py (an administrator of the gateway, else nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from eprok.gateway import access
from eprok.gateway.models import Direction, InboundPermission, Message, Outcome, RemoteService


@dataclass
class ServiceRow:
    service: RemoteService
    failures: int
    opened_until: dt.datetime | None
    is_open: bool
    last_outcome: str
    last_at: dt.datetime | None

    @property
    def last_outcome_label(self) -> str:
        return str(Outcome(self.last_outcome).label) if self.last_outcome in Outcome.values else ""


def service_list(*, user: Any, now: dt.datetime | None = None) -> list[ServiceRow]:
    """Every configured service with its circuit and the outcome of its latest outbound message."""
    access.require_gateway_admin(user, action="services")
    now = now or timezone.now()
    latest = Message.objects.filter(direction=Direction.OUT, service_code=OuterRef("code")).order_by("-id")
    services = (
        RemoteService.objects.select_related("circuit")
        .annotate(
            last_outcome=Subquery(latest.values("outcome")[:1]),
            last_at=Subquery(latest.values("occurred_at")[:1]),
        )
        .order_by("kind", "code")
    )
    rows = []
    for service in services:
        state = getattr(service, "circuit", None)
        opened_until = state.opened_until if state is not None else None
        rows.append(
            ServiceRow(
                service=service,
                failures=state.failures if state is not None else 0,
                opened_until=opened_until,
                is_open=bool(opened_until and now < opened_until),
                last_outcome=getattr(service, "last_outcome", "") or "",
                last_at=getattr(service, "last_at", None),
            )
        )
    return rows


def permission_list(*, user: Any) -> QuerySet[InboundPermission]:
    access.require_gateway_admin(user, action="permissions")
    return InboundPermission.objects.order_by("service", "client")


@dataclass(frozen=True)
class MessageFilters:
    """The message log's filters; unknown values are dropped so a stale bookmark still opens the list."""

    direction: str = ""
    service: str = ""
    outcome: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    xroad_id: str = ""
    issue: str = ""
    user: str = ""

    @classmethod
    def from_query(cls, query: Any) -> MessageFilters:
        def text(name: str, limit: int) -> str:
            return " ".join(str(query.get(name, "") or "").split())[:limit]

        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(str(query.get(name, "") or ""))
            except ValueError:
                return None

        direction = text("direction", 3)
        outcome = text("outcome", 16)
        return cls(
            direction=direction if direction in Direction.values else "",
            service=text("service", 300),
            outcome=outcome if outcome in Outcome.values else "",
            date_from=day("date_from"),
            date_to=day("date_to"),
            xroad_id=text("xroad_id", 100),
            issue=text("issue", 100),
            user=text("user", 64).upper(),
        )

    def as_query(self) -> dict[str, str]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in vars(self).items() if v}


def message_list(*, user: Any, filters: MessageFilters) -> QuerySet[Message]:
    """The message log, newest first, filtered; the bodies are left out of the list."""
    access.require_gateway_admin(user, action="messages")
    messages = access.messages_visible_to(user)
    if filters.direction:
        messages = messages.filter(direction=filters.direction)
    if filters.service:
        messages = messages.filter(Q(service_code=filters.service) | Q(service__icontains=filters.service))
    if filters.outcome:
        messages = messages.filter(outcome=filters.outcome)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=tz)
        messages = messages.filter(occurred_at__gte=start)
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        messages = messages.filter(occurred_at__lt=end)
    if filters.xroad_id:
        messages = messages.filter(xroad_id=filters.xroad_id)
    if filters.issue:
        messages = messages.filter(issue=filters.issue)
    if filters.user:
        fin = filters.user.removeprefix("AZ") if len(filters.user) == 9 else filters.user
        messages = messages.filter(user_id__in={f"AZ{fin}", fin, filters.user})
    return messages.defer("request_body", "response_body").order_by("-id")


def service_codes() -> list[str]:
    return list(RemoteService.objects.order_by("code").values_list("code", flat=True))


PURPOSE = "gateway administration"


def message_list_audited(*, user: Any, filters: MessageFilters) -> QuerySet[Message]:
    """The list, its reading recorded with the filters (the rows name who asked about whom)."""
    messages = message_list(user=user, filters=filters)
    from eprok.audit.services import audit_record

    with transaction.atomic():
        audit_record(
            actor=user,
            action="gateway.message.listed",
            target_type="gateway.message",
            data={"filters": filters.as_query()},
            purpose=PURPOSE,
        )
    return messages


def message_get(*, user: Any, key: Any) -> Message:
    """One message with its bodies; reading it is audited as a read of protected data."""
    from eprok.audit.services import audit_record

    message: Message = access.get_message_for(user, key, action="read")
    with transaction.atomic():
        audit_record(
            actor=user,
            action="gateway.message.read",
            target=message,
            data={"xroad_id": message.xroad_id, "service": message.service_code or message.service},
            purpose=PURPOSE,
        )
    return message
