"""The audit log over the API: the viewer's filters and selectors, keyset pagination, scope "audit:read"."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from eprok.audit import access, selectors, services
from eprok.audit.labels import action_label
from eprok.audit.models import AuditEvent
from eprok.audit.selectors import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, AuditFilter
from eprok.core.api import ERRORS, require_scope

router = Router(tags=["audit"])

SCOPE = "audit:read"
_NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL; refuse it as a validation error, not a 500
_MAX_ID = 2**63 - 1


class EventFilterIn(Schema):
    """Filters of the audit log (all optional) and the page window."""

    date_from: dt.date | None = Field(None, description="First day (local time, Asia/Baku), inclusive.")
    date_to: dt.date | None = Field(None, description="Last day (local time), inclusive.")
    actor: str = Field("", max_length=100, pattern=_NO_NUL, description="Part of the actor's name.")
    action: str = Field(
        "", max_length=100, pattern=_NO_NUL, description="An action or its prefix, e.g. org.employee."
    )
    target_type: str = Field(
        "", max_length=64, pattern=_NO_NUL, description="Object type, e.g. org.employee."
    )
    target_id: str = Field("", max_length=64, pattern=_NO_NUL, description="Object id.")
    request_id: str = Field("", max_length=64, pattern=_NO_NUL, description="Request id (X-Request-Id).")
    source: str = Field(
        "", pattern=r"^(|web|api|cli|task|system)$", description="web, api, cli, task or system."
    )
    purpose: str = Field("", max_length=100, pattern=_NO_NUL, description="Text the purpose contains.")
    before_id: int | None = Field(None, ge=1, le=_MAX_ID, description="Return events older than this id.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="How many events (1 to 200).")

    def to_filter(self) -> AuditFilter:
        return AuditFilter(
            date_from=self.date_from,
            date_to=self.date_to,
            actor=self.actor.strip(),
            action=self.action.strip(),
            target_type=self.target_type.strip(),
            target_id=self.target_id.strip(),
            request_id=self.request_id.strip(),
            source=self.source,
            purpose=self.purpose.strip(),
        )


class EventOut(Schema):
    id: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_name: str
    actor_unit: str
    action: str
    action_label: str
    target_type: str
    target_id: str
    target_repr: str
    purpose: str
    source: str
    request_id: str

    @staticmethod
    def resolve_action_label(obj: AuditEvent) -> str:
        return str(action_label(obj.action))


class EventDetailOut(EventOut):
    related_type: str
    related_id: str
    changes: dict[str, Any]
    data: dict[str, Any]
    ip: str | None
    user_agent: str
    prev_hash: str
    hash: str

    @staticmethod
    def resolve_changes(obj: AuditEvent) -> dict[str, Any]:
        return json.loads(obj.changes) if obj.changes else {}

    @staticmethod
    def resolve_data(obj: AuditEvent) -> dict[str, Any]:
        return json.loads(obj.data) if obj.data else {}


class EventPageOut(Schema):
    items: list[EventOut]
    next_before_id: int | None = Field(
        ..., description="Pass as before_id for the next (older) page; null at the end."
    )


@router.get("/events", response={200: EventPageOut, **ERRORS}, summary="List audit events, newest first")
def event_list(request: HttpRequest, params: Query[EventFilterIn]) -> Any:
    require_scope(request, SCOPE)
    access.require_audit_reader(request.user)
    filters = params.to_filter()
    page = selectors.event_list(
        user=request.user, filters=filters, before_id=params.before_id, limit=params.limit
    )
    services.audit_log_read(
        actor=request.user, filters=filters.as_data(), page_size=len(page.items), before_id=params.before_id
    )
    return {"items": page.items, "next_before_id": page.next_before_id}


@router.get("/events/{event_id}", response={200: EventDetailOut, **ERRORS}, summary="One audit event")
def event_detail(request: HttpRequest, event_id: int = Path(..., ge=1, le=_MAX_ID)) -> Any:
    require_scope(request, SCOPE)
    event = access.get_event_for(request.user, event_id)
    services.audit_event_read(actor=request.user, event=event)
    return event
