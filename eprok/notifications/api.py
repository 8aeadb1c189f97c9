"""Notifications API: the caller's own notifications (mounted at /api/v1/notifications)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope
from eprok.core.pagination import Page, PageParams, paginate
from eprok.notifications import access, selectors, services
from eprok.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: uuid.UUID = Field(..., alias="public_id", description="The notification's public identifier.")
    title: str
    body: str
    url: str = Field(..., description="A path inside eprok the notification is about, or empty.")
    level: str = Field(..., description="info, success, warning or error.")
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationFilter(PageParams):
    unread: bool = Field(False, description="Only notifications not yet read.")


@router.get("", response={200: Page[NotificationOut], **ERRORS}, summary="My notifications, newest first")
def notification_list(request: HttpRequest, params: Query[NotificationFilter]) -> dict[str, Any]:
    require_scope(request, Scope.READ)
    qs = selectors.notification_list(user=request.user, unread_only=params.unread)
    return paginate(qs, limit=params.limit, offset=params.offset)


@router.post(
    "/{id}/read", response={200: NotificationOut, **WRITE_ERRORS}, summary="Mark one of my notifications read"
)
def notification_read(request: HttpRequest, id: uuid.UUID) -> Notification:
    require_scope(request, Scope.WRITE)
    notification = access.get_notification_for(request.user, id, action="read")
    return services.notification_mark_read(notification=notification, actor=request.user)
