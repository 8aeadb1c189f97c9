"""Reads of notifications, always from access.visible_to(user)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from eprok.notifications.access import visible_to
from eprok.notifications.models import Notification


def notification_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = visible_to(user).order_by("-created_at", "-id")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notification_unread_count(*, user: Any) -> int:
    return visible_to(user).filter(read_at__isnull=True).count()


def notification_latest_unread(*, user: Any, limit: int = 5) -> list[Notification]:
    return list(notification_list(user=user, unread_only=True)[:limit])
