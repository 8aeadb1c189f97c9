"""Who may change the working calendar: holders of "administer users" over the root of the unit tree.

Everyone signed in reads the calendar, the deadline rules and the calculator; a change of the
calendar moves deadlines across the whole service, so only the central administrators make it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from eprok.core.access import deny
from eprok.core.models import CalendarDay, TrackedDeadline
from eprok.org.grants import active_grants, unit_scope
from eprok.org.roles import Role

MANAGE_ROLE = Role.ADMINISTER_USERS
TARGET_TYPE = "core.calendarday"


def can_manage_calendar(user: Any) -> bool:
    """Holds the role over a root unit (a tree path of one segment, "/<id>/")."""
    return any(grant.role == MANAGE_ROLE and grant.unit_path.count("/") == 2 for grant in active_grants(user))


def require_calendar_manager(user: Any, *, action: str, key: str) -> None:
    if not can_manage_calendar(user):
        deny(user, action=action, target_type=TARGET_TYPE, target_key=key[:64], visible=False)


def get_calendar_day_for(user: Any, pk: int, action: str = "delete") -> CalendarDay:
    """The override `pk`, for a calendar manager; NotFound for anyone else."""
    key = str(pk)
    require_calendar_manager(user, action=f"core.calendar_day.{action}", key=key)
    day = CalendarDay.objects.filter(pk=pk).first()
    if day is None:
        deny(
            user,
            action=f"core.calendar_day.{action}",
            target_type=TARGET_TYPE,
            target_key=key[:64],
            visible=False,
        )
    return day


# --- tracked deadlines ---------------------------------------------------------------------------------

# Who sees a unit's list of overdue and approaching terms, per record type ("materials.material"): the
# roles that head or control that register in the unit. Each module registers its own in AppConfig.ready.
_UNIT_LIST_ROLES: dict[str, frozenset[str]] = {}


def register_unit_list_roles(owner_type: str, roles: Iterable[str]) -> None:
    """Holders of `roles` over a unit see the unit's running terms of records of `owner_type`."""
    _UNIT_LIST_ROLES[owner_type] = frozenset(roles)


def unit_list_roles() -> frozenset[str]:
    """Every role that opens the unit's overdue list for some record type."""
    return frozenset().union(*_UNIT_LIST_ROLES.values()) if _UNIT_LIST_ROLES else frozenset()


def can_see_unit_deadlines(user: Any) -> bool:
    roles = unit_list_roles()
    return any(grant.role in roles for grant in active_grants(user))


def deadlines_visible_to(user: Any) -> QuerySet[TrackedDeadline]:
    """Tracked terms of the record types and units (and sub-units, where granted) the user controls."""
    by_role: dict[str, list[str]] = {}
    for owner_type, roles in _UNIT_LIST_ROLES.items():
        for role in roles:
            by_role.setdefault(role, []).append(owner_type)
    scope = Q(pk__in=[])
    held = {grant.role for grant in active_grants(user)}
    for role, owner_types in by_role.items():
        if role in held:
            scope |= Q(owner_type__in=sorted(owner_types)) & unit_scope(user, role)
    return TrackedDeadline.objects.filter(scope)
