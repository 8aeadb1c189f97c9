"""Who may read which audit events: holders of "read the audit log", for the units they hold it in.

An event belongs to the unit its actor worked in when it happened (`actor_unit_id`). Events without
an actor's unit (the CLI, background tasks, failed sign-ins of unknown logins) belong to the whole
service, so only holders of the role over the root unit see them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from eprok.audit.models import AuditEvent
from eprok.core.access import deny
from eprok.org.grants import active_grants, unit_scope
from eprok.org.models import Unit
from eprok.org.roles import Role

TARGET_TYPE = "audit.auditevent"


def _is_root(unit_path: str) -> bool:
    # "/1/" is the root; each level adds one segment.
    return unit_path.count("/") == 2


def can_read_audit(user: Any) -> bool:
    return any(grant.role == Role.READ_AUDIT for grant in active_grants(user))


def visible_to(user: Any) -> QuerySet[AuditEvent]:
    """The events `user` may read; none without the role."""
    grants = [grant for grant in active_grants(user) if grant.role == Role.READ_AUDIT]
    if not grants:
        return AuditEvent.objects.none()
    if any(_is_root(grant.unit_path) and grant.include_subunits for grant in grants):
        return AuditEvent.objects.all()
    # One subquery over the unit tree instead of a list of ids: a subtree may hold thousands of units.
    units = unit_scope(user, Role.READ_AUDIT, unit_field=None)
    condition = Q(actor_unit_id__in=Unit.objects.filter(units).values("pk"))
    if any(_is_root(grant.unit_path) for grant in grants):
        condition |= Q(actor_unit_id__isnull=True)
    return AuditEvent.objects.filter(condition)


def require_audit_reader(user: Any) -> None:
    """Raise NotFound (audited) unless the user holds the role somewhere: to others the log does not exist."""
    if not can_read_audit(user):
        deny(user, action="read", target_type="audit.log", target_key="", visible=False)


def get_event_for(user: Any, event_id: int, *, action: str = "read") -> AuditEvent:
    """The event, or NotFound (audited) when it is absent or outside the user's units."""
    event = visible_to(user).filter(pk=event_id).first() if 0 < event_id < 2**63 else None
    if event is None:
        deny(user, action=action, target_type=TARGET_TYPE, target_key=str(event_id), visible=False)
    assert event is not None  # deny() always raises
    return event
