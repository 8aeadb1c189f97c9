"""Who may see and act on criminal cases.

A case is visible to the active members of its investigation team (the investigator in charge is the
lead member), to its supervising prosecutor, to holders of "Supervise investigations" over its unit
(superiors up the tree hold the role with sub-units) and, once it is sent to court, to holders of
"State prosecution in court" over the unit. Only the active team edits the case (acts, parties,
measures, qualification, suspension, completion); the supervising prosecutor and "Supervise" holders
give instructions, approve the indictment, extend terms (by the rule's step role), transfer the case and
change its team.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db.models import Exists, OuterRef, Q, QuerySet

from eprok.core.access import deny
from eprok.org.grants import has_role, unit_scope
from eprok.org.models import Unit
from eprok.org.roles import Role

from .models import Case, CaseStatus, TeamMember

TARGET_TYPE = "cases.case"
# The roles that open the register of cases at all (the menu, the list page, the dashboard's check).
REGISTER_ROLES = frozenset({Role.INVESTIGATE, Role.SUPERVISE, Role.PROSECUTE})
# Who may open a case in a unit: its investigators and supervising prosecutors.
OPENER_ROLES = (Role.INVESTIGATE, Role.SUPERVISE)


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def on_team(user: Any) -> Exists:
    """A subquery condition: `user` is an active member of the case's team."""
    return Exists(
        TeamMember.objects.filter(case=OuterRef("pk"), employee_id=user.pk, removed_at__isnull=True)
    )


def visible_to(user: Any) -> QuerySet[Case]:
    if not signed_in(user):
        return Case.objects.none()
    return Case.objects.filter(
        on_team(user)
        | Q(supervisor_id=user.pk)
        | unit_scope(user, Role.SUPERVISE)
        | (unit_scope(user, Role.PROSECUTE) & Q(status=CaseStatus.SENT_TO_COURT))
    )


def with_membership(queryset: QuerySet[Case], user: Any) -> QuerySet[Case]:
    """Annotate `is_team_member` so the card decides what it offers without another query."""
    return queryset.annotate(is_team_member=on_team(user))


def is_team_member(user: Any, case: Case) -> bool:
    if not signed_in(user):
        return False
    known = getattr(case, "is_team_member", None)
    if known is not None:
        return bool(known)
    return TeamMember.objects.filter(case=case, employee_id=user.pk, removed_at__isnull=True).exists()


def can_open_in(user: Any, unit: Unit) -> bool:
    return signed_in(user) and any(has_role(user, role, unit) for role in OPENER_ROLES)


def can_edit(user: Any, case: Case) -> bool:
    """Acts, parties, measures, qualification, suspension, completion: the active team only."""
    return is_team_member(user, case)


def can_supervise(user: Any, case: Case) -> bool:
    """Instructions, approval, extensions, transfers, team changes: the supervisor and "Supervise" holders."""
    return signed_in(user) and (case.supervisor_id == user.pk or has_role(user, Role.SUPERVISE, case.unit))


def can_see_register(user: Any) -> bool:
    return signed_in(user) and any(has_role(user, role) for role in REGISTER_ROLES)


def can_see_dashboard(user: Any) -> bool:
    return signed_in(user) and has_role(user, Role.SUPERVISE)


ACTIONS = {
    "view": lambda user, case: True,
    "edit": can_edit,
    # Acknowledging and reporting on an instruction is the team's.
    "acknowledge": can_edit,
    "supervise": can_supervise,
    # Releasing a person: the team, or the supervising prosecutor (CPC art. 153).
    "end_measure": lambda user, case: can_edit(user, case) or can_supervise(user, case),
}


def deny_case(user: Any, case: Case | None, *, action: str, key: str = "") -> NoReturn:
    """Record a refused attempt on a case and raise 404 (case None or invisible) or 403."""
    deny(
        user,
        action=f"cases.case.{action}",
        target_type=TARGET_TYPE,
        target_key=(case.number if case is not None else key)[:64],
        visible=case is not None,
    )


def get_case_for(user: Any, number: str, action: str = "view", queryset: Any = None) -> Case:
    """The case `number` if `user` may see it (404 otherwise) and may do `action` on it (403 otherwise)."""
    base = queryset if queryset is not None else visible_to(user)
    base = with_membership(base, user).select_related(
        "unit", "investigator", "supervisor", "material", "separated_from", "joined_into"
    )
    case = base.filter(number=str(number)[:40]).first()
    if case is None:
        deny_case(user, None, action=action, key=str(number))
    if not ACTIONS[action](user, case):
        deny_case(user, case, action=action)
    return case


def require(user: Any, case: Case, action: str) -> None:
    """The services' own check (for callers other than the views and the API); actor None is the system."""
    if user is None:
        return
    if not ACTIONS[action](user, case):
        deny_case(user, case, action=action)


def deny_unit(user: Any, unit: Unit, *, action: str) -> NoReturn:
    """Refuse an action in a unit where the user holds no role that allows it (403, audited)."""
    deny(user, action=f"cases.case.{action}", target_type="org.unit", target_key=unit.code, visible=True)


def deny_material(user: Any, material: Any) -> NoReturn:
    """Refuse to open a case on a report the user may not decide (403, audited)."""
    deny(
        user,
        action="cases.case.open",
        target_type="materials.material",
        target_key=str(material.number)[:64],
        visible=True,
    )
