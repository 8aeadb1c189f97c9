"""Every write to notifications: send, mark read, mark all read. Each is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core.errors import Forbidden, ValidationFailed
from eprok.notifications.access import can_mark_read
from eprok.notifications.models import Level, Notification


def _check_url(url: str) -> str:
    # Only links inside eprok: a notification must never send a user to another site.
    url = url.strip()
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValidationFailed(
            _("A notification link must be a path inside the system."), details={"url": url}
        )
    return url


def notification_send(
    *, recipient: Any, title: str, body: str = "", url: str = "", level: str = Level.INFO, actor: Any
) -> Notification:
    """Put a notification in the recipient's list (and later in their e-mail or SMS)."""
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("A notification needs a title."))
    if level not in Level.values:
        raise ValidationFailed(_("Unknown notification level."), details={"level": level})
    url = _check_url(url)
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=recipient, title=title[:255], body=body, url=url, level=level
        )
        audit_record(
            actor=actor,
            action="notifications.notification.sent",
            target=notification,
            related=recipient,
            data={"level": level, "url": url},
        )
    return notification


def notification_send_many(
    *, messages: list[tuple[Any, str]], body: str = "", url: str = "", level: str = Level.INFO, actor: Any
) -> list[Notification]:
    """Put one notification per (recipient, title) in their lists: one insert and one audit event for the
    whole fan-out (a special report reaching every duty prosecutor), instead of one of each per recipient."""
    if level not in Level.values:
        raise ValidationFailed(_("Unknown notification level."), details={"level": level})
    url = _check_url(url)
    rows = []
    for recipient, title in messages:
        title = (title or "").strip()
        if not title:
            raise ValidationFailed(_("A notification needs a title."))
        rows.append(Notification(recipient=recipient, title=title[:255], body=body, url=url, level=level))
    if not rows:
        return []
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action="notifications.notification.sent",
            target_type="notifications.notification",
            data={
                "level": level,
                "url": url,
                "recipients": [row.recipient.pk for row in rows],
                "count": len(rows),
            },
        )
    return created


def notification_mark_read(*, notification: Notification, actor: Any) -> Notification:
    """Mark one notification read; reading it again changes nothing and writes nothing."""
    if not can_mark_read(actor, notification):
        raise Forbidden()
    if notification.read_at is not None:
        return notification
    with transaction.atomic():
        now = timezone.now()
        updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
        if updated:
            audit_record(actor=actor, action="notifications.notification.read", target=notification)
    return notification


def notification_mark_all_read(*, recipient: Any, actor: Any) -> int:
    """Mark every unread notification of `recipient` read; returns how many changed."""
    if actor is None or getattr(actor, "pk", None) != recipient.pk:
        raise Forbidden()
    with transaction.atomic():
        count = Notification.objects.filter(recipient_id=recipient.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if count:
            audit_record(
                actor=actor,
                action="notifications.notification.all_read",
                target=recipient,
                data={"count": count},
            )
    return count
