"""Who may see and act on court proceedings (state prosecution in court, "Elektron İttiham").

A proceeding is visible to
- its state prosecutor (dövlət ittihamçısı);
- holders of "State prosecution in court" over its unit (an ancestor's grant with sub-units covers it);
- holders of "Supervise investigations" over its unit (read only);
- whoever may see the owning case: `cases.access` for a case of the service, the supervision register's
  rules for a supervised case.
Everything else answers 404, and the refusal is audited. The state prosecutor and the holders of "State
prosecution in court" over the unit act on it; opening one needs that role over the owner's unit.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db.models import Q, QuerySet

from eprok.core.access import deny
from eprok.org.grants import has_role, unit_scope
from eprok.org.models import Unit
from eprok.org.roles import Role

from .models import Proceeding

TARGET_TYPE = "courtwork.proceeding"
# The roles that open the register of proceedings at all (the menu, the list page).
REGISTER_ROLES = (Role.PROSECUTE, Role.SUPERVISE)
PROCEEDING_RELATED = ("court", "unit", "prosecutor", "case", "case__unit", "supervised", "supervised__unit")


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _supervised_condition(user: Any) -> Q:
    """Supervised cases the user may see, by the supervision register's rule."""
    from eprok.supervision import access as supervision_access

    return Q(supervised__in=supervision_access.visible_to(user).values("pk"))


def visible_to(user: Any) -> QuerySet[Proceeding]:
    if not signed_in(user):
        return Proceeding.objects.none()
    from eprok.cases import access as cases_access

    return Proceeding.objects.filter(
        Q(prosecutor_id=user.pk)
        | unit_scope(user, Role.PROSECUTE)
        | unit_scope(user, Role.SUPERVISE)
        | Q(case__in=cases_access.visible_to(user).values("pk"))
        | (Q(supervised__isnull=False) & _supervised_condition(user))
    )


def can_view(user: Any, proceeding: Proceeding) -> bool:
    """visible_to decided for one loaded proceeding (unit, case and supervised case loaded)."""
    if not signed_in(user):
        return False
    if proceeding.prosecutor_id == user.pk:
        return True
    if has_role(user, Role.PROSECUTE, proceeding.unit) or has_role(user, Role.SUPERVISE, proceeding.unit):
        return True
    if proceeding.case_id:
        from eprok.cases import access as cases_access

        return cases_access.can_view(user, proceeding.case)  # type: ignore[arg-type]
    from eprok.supervision import access as supervision_access

    return supervision_access.can_view(user, proceeding.supervised)  # type: ignore[arg-type]


def can_act(user: Any, proceeding: Proceeding) -> bool:
    """Hearings, positions, decisions, appeals: the state prosecutor and "prosecute" holders over the unit."""
    return signed_in(user) and (
        proceeding.prosecutor_id == user.pk or has_role(user, Role.PROSECUTE, proceeding.unit)
    )


def can_open_in(user: Any, unit: Unit) -> bool:
    return signed_in(user) and has_role(user, Role.PROSECUTE, unit)


def can_see_register(user: Any) -> bool:
    return signed_in(user) and any(has_role(user, role) for role in REGISTER_ROLES)


def can_use_calendar(user: Any) -> bool:
    """The hearings calendar and its feed: the holders of "State prosecution in court"."""
    return signed_in(user) and has_role(user, Role.PROSECUTE)


def prosecutor_ok(employee: Any, unit: Unit) -> bool:
    """Whether `employee` may be the state prosecutor of a proceeding of `unit`."""
    return employee is not None and employee.is_active and has_role(employee, Role.PROSECUTE, unit)


ACTIONS = {"view": lambda user, proceeding: True, "act": can_act}


def deny_proceeding(user: Any, proceeding: Proceeding | None, *, action: str, key: str = "") -> NoReturn:
    deny(
        user,
        action=f"courtwork.proceeding.{action}",
        target_type=TARGET_TYPE,
        target_key=(str(proceeding.public_id) if proceeding is not None else key)[:64],
        visible=proceeding is not None,
    )


def deny_register(user: Any, *, action: str) -> NoReturn:
    deny(user, action=f"courtwork.{action}", target_type="courtwork.register", target_key="", visible=True)


def deny_unit(user: Any, unit: Unit, *, action: str) -> NoReturn:
    deny(
        user,
        action=f"courtwork.proceeding.{action}",
        target_type="org.unit",
        target_key=unit.code,
        visible=True,
    )


def get_proceeding_for(user: Any, key: Any, action: str = "view") -> Proceeding:
    """The proceeding by public id if the user may see it (404 otherwise) and do `action` (403 otherwise)."""
    proceeding = None
    text = str(key or "").strip()
    if signed_in(user) and _is_uuid(text):
        rows = list(Proceeding.objects.select_related(*PROCEEDING_RELATED).filter(public_id=text)[:1])
        proceeding = rows[0] if rows and can_view(user, rows[0]) else None
    if proceeding is None:
        deny_proceeding(user, None, action=action, key=text)
    if not ACTIONS[action](user, proceeding):
        deny_proceeding(user, proceeding, action=action)
    return proceeding


def require(user: Any, proceeding: Proceeding, action: str) -> None:
    """The services' own check; actor None is the system (the e-Court exchange, the sweep)."""
    if user is None:
        return
    if not ACTIONS[action](user, proceeding):
        deny_proceeding(user, proceeding, action=action)


def _is_uuid(text: str) -> bool:
    import uuid

    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
