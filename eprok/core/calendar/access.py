"""Who may change the working calendar: holders of "administer users" over the root of the unit tree.

Everyone signed in reads the calendar, the deadline rules and the calculator; a change of the
calendar moves deadlines across the whole service, so only the central administrators make it.
"""

from __future__ import annotations

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

# Who sees a unit's list of overdue and approaching terms: the unit's heads and supervising prosecutors.
UNIT_LIST_ROLES = (Role.SUPERVISE, Role.REGISTER_MATERIALS)


def can_see_unit_deadlines(user: Any) -> bool:
    return any(grant.role in UNIT_LIST_ROLES for grant in active_grants(user))


def deadlines_visible_to(user: Any) -> QuerySet[TrackedDeadline]:
    """Tracked terms of the units (and sub-units, where granted) the user heads or supervises."""
    scope = Q(pk__in=[])
    for role in UNIT_LIST_ROLES:
        scope |= unit_scope(user, role)
    return TrackedDeadline.objects.filter(scope)
