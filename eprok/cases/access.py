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
from eprok.org.grants import active_grants, has_role, unit_scope
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


def supervises_all_of(user: Any, unit: Any, *, subunits: bool = False) -> bool:
    """Whether "Supervise investigations" covers `unit` (with `subunits`, its whole subtree) for `user`.

    Every case there is then visible to the user, so a register filtered to that unit needs no
    visibility condition (see visible_in).
    """
    for grant in active_grants(user):
        if grant.role != Role.SUPERVISE:
            continue
        if grant.include_subunits and unit.path.startswith(grant.unit_path):
            return True
        if not subunits and grant.unit_id == unit.pk:
            return True
    return False


def visible_in(user: Any, unit: Any, *, subunits: bool = False) -> QuerySet[Case]:
    """visible_to(user) for a register filtered to `unit`: the same rows, without the visibility
    condition (and its subquery) when the user supervises the whole of what the filter keeps."""
    if signed_in(user) and supervises_all_of(user, unit, subunits=subunits):
        return Case.objects.all()
    return visible_to(user)


def can_view(user: Any, case: Case) -> bool:
    """`visible_to(user)` decided for one loaded case (its unit loaded), from the grants already in memory.

    The same four conditions as visible_to, so the card reads its row by number without the visibility
    filter's subqueries; test_selectors checks that both agree for every persona.
    """
    if not signed_in(user):
        return False
    return bool(
        case.supervisor_id == user.pk
        or has_role(user, Role.SUPERVISE, case.unit)
        or (case.status == CaseStatus.SENT_TO_COURT and has_role(user, Role.PROSECUTE, case.unit))
        or is_team_member(user, case)
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


# What get_case_for loads with the case unless the caller's queryset says otherwise.
CASE_RELATED = ("unit", "investigator", "supervisor", "material", "separated_from", "joined_into")


def get_case_for(user: Any, number: str, action: str = "view", queryset: Any = None) -> Case:
    """The case `number` if `user` may see it (404 otherwise) and may do `action` on it (403 otherwise).

    `queryset` (default: every case with CASE_RELATED) chooses the columns and joins; visibility is
    decided by can_view on the loaded row, which is cheaper than visible_to's filter for one case.
    """
    case = None
    if signed_in(user):
        base = queryset if queryset is not None else Case.objects.select_related(*CASE_RELATED)
        rows = list(with_membership(base, user).filter(number=str(number)[:40]).order_by()[:1])
        case = rows[0] if rows and can_view(user, rows[0]) else None
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
