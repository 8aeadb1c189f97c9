"""Who sees which notification: only its recipient. Everyone else gets 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from eprok.core.access import deny
from eprok.core.errors import NotFound
from eprok.notifications.models import Notification


def visible_to(user: Any) -> QuerySet[Notification]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def can_mark_read(user: Any, notification: Notification) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and notification.recipient_id == user.pk


def get_notification_for(user: Any, key: uuid.UUID | str, *, action: str = "read") -> Notification:
    """The user's own notification by public id; another person's is as invisible as a missing one."""
    try:
        public_id = key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except ValueError:
        raise NotFound() from None
    notification = visible_to(user).filter(public_id=public_id).first()
    if notification is not None:
        return notification
    if Notification.objects.filter(public_id=public_id).exists():
        deny(
            user,
            action=f"notifications.notification.{action}",
            target_type="notifications.notification",
            target_key=str(public_id),
            visible=False,
        )
    raise NotFound()
