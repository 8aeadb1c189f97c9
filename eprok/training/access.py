"""Who may see and act on training events.

- Administrators of training (holders of "Administer training", at the Centre with or without sub-units)
  see every event and manage them all: enter, edit, publish, cancel, add trainers, invite, mark attendance.
- A trainer (an employee named among an event's trainers) sees the events they teach, shows their
  attendance QR code and marks attendance.
- Any employee sees the published (and later held or cancelled) events they are invited to, answers the
  invitation and checks in with the QR code.

Everything else answers 404, and the refusal is audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from eprok.core.access import deny
from eprok.org.grants import has_role, unit_scope
from eprok.org.models import Unit
from eprok.org.roles import Role
from eprok.training.models import EventStatus, EventTrainer, Invitation, TrainingEvent

TARGET_TYPE = "training.trainingevent"  # the audit label of the model (app.model)


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_administrator(user: Any) -> bool:
    return signed_in(user) and has_role(user, Role.ADMINISTER_TRAINING)


def organiser_units(user: Any) -> QuerySet[Unit]:
    """The units an administrator may enter events for (where they hold "Administer training")."""
    if not signed_in(user):
        return Unit.objects.none()
    return Unit.objects.filter(unit_scope(user, Role.ADMINISTER_TRAINING, None), is_active=True)


def uses_base(user: Any) -> bool:
    """Whether the user works with the base of events (the menu entry and the list page)."""
    return is_administrator(user) or (
        signed_in(user)
        and (has_role(user, Role.TEACH_TRAINING) or EventTrainer.objects.filter(employee_id=user.pk).exists())
    )


def visible_to(user: Any) -> QuerySet[TrainingEvent]:
    if not signed_in(user):
        return TrainingEvent.objects.none()
    if is_administrator(user):
        return TrainingEvent.objects.all()
    teaches = EventTrainer.objects.filter(employee_id=user.pk).values("event_id")
    invited = Invitation.objects.filter(employee_id=user.pk).values("event_id")
    return TrainingEvent.objects.filter(
        Q(pk__in=teaches) | (Q(pk__in=invited) & ~Q(status=EventStatus.DRAFT))
    )


def is_trainer(user: Any, event: TrainingEvent) -> bool:
    return signed_in(user) and EventTrainer.objects.filter(event=event, employee_id=user.pk).exists()


def can_manage(user: Any, event: TrainingEvent | None = None) -> bool:
    """Enter, edit, publish, cancel, add trainers, invite."""
    return is_administrator(user)


def can_run(user: Any, event: TrainingEvent) -> bool:
    """Show the attendance QR code and mark attendance: administrators and the event's trainers."""
    return is_administrator(user) or is_trainer(user, event)


def get_event_for(user: Any, key: Any, action: str = "view") -> TrainingEvent:
    """The event by public id if the user may see it; 404 otherwise, 403 for a refused action."""
    text = str(key or "").strip()
    event = None
    if _is_uuid(text):
        event = (
            visible_to(user).select_related("area", "organiser", "created_by").filter(public_id=text).first()
        )
    if event is None:
        deny(user, action=action, target_type=TARGET_TYPE, target_key=text[:64], visible=False)
    if action == "manage" and not can_manage(user, event):
        deny(user, action=action, target_type=TARGET_TYPE, target_key=str(event.public_id), visible=True)
    if action == "run" and not can_run(user, event):
        deny(user, action=action, target_type=TARGET_TYPE, target_key=str(event.public_id), visible=True)
    return event


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
