"""Who may see and act on crime reports.

A report is visible to holders of "Register crime reports" or "Supervise investigations" over its unit
(or over the unit it was transferred to), and to its assignee. Registering needs "Register crime
reports" over the unit; assigning needs that role or "Supervise" over the unit. The check itself
(steps, parties, decisions) is the assignee's, while they hold "Investigate" or "Supervise" over the
unit. Extensions follow the rule's step (may_grant_extension); a refusal is quashed by a supervisor.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from eprok.core.access import deny
from eprok.core.calendar.deadlines import may_grant_extension
from eprok.materials.models import Material, MaterialStatus
from eprok.materials.terms import check_rule
from eprok.org.grants import active_grants, has_role, unit_scope
from eprok.org.models import Unit
from eprok.org.roles import Role

TARGET_TYPE = "materials.material"
READER_ROLES = (Role.REGISTER_MATERIALS, Role.SUPERVISE)
WORKER_ROLES = (Role.INVESTIGATE, Role.SUPERVISE)
# The roles that open the register at all (the menu, the list page).
REGISTER_ROLES = frozenset({Role.REGISTER_MATERIALS, Role.INVESTIGATE, Role.SUPERVISE})


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def unit_filter(user: Any) -> Q:
    """Reports of the units where the user reads the register (registrars and supervisors)."""
    condition = Q(pk__in=[])
    for role in READER_ROLES:
        condition |= unit_scope(user, role, "unit") | unit_scope(user, role, "transferred_to_unit")
    return condition


def visible_to(user: Any) -> QuerySet[Material]:
    if not signed_in(user):
        return Material.objects.none()
    return Material.objects.filter(unit_filter(user) | Q(assignee_id=user.pk))


def reads_all_of(user: Any, unit: Any, *, subunits: bool = False) -> bool:
    """Whether the user reads the register of `unit` (with `subunits`, of its whole subtree).

    Every report registered there is then visible to the user, so a register filtered to that unit
    needs no visibility condition (see visible_in).
    """
    for grant in active_grants(user):
        if grant.role not in READER_ROLES:
            continue
        if grant.include_subunits and unit.path.startswith(grant.unit_path):
            return True
        if not subunits and grant.unit_id == unit.pk:
            return True
    return False


def visible_in(user: Any, unit: Any, *, subunits: bool = False) -> QuerySet[Material]:
    """visible_to(user) for a register filtered to reports of `unit`: the same rows, without the
    visibility condition (and its joins) when the user reads the register of all that the filter keeps."""
    if signed_in(user) and reads_all_of(user, unit, subunits=subunits):
        return Material.objects.all()
    return visible_to(user)


def can_register(user: Any, unit: Unit | None = None) -> bool:
    """Registers in `unit` (or anywhere, with unit=None)."""
    return signed_in(user) and has_role(user, Role.REGISTER_MATERIALS, unit)


def can_supervise(user: Any, material: Material) -> bool:
    return signed_in(user) and has_role(user, Role.SUPERVISE, material.unit)


def can_read_unit_register(user: Any, unit: Unit | None = None) -> bool:
    """Holds a role that opens a unit's register and its workload dashboard."""
    return signed_in(user) and any(has_role(user, role, unit) for role in READER_ROLES)


def can_assign(user: Any, material: Material) -> bool:
    return material.is_open and can_read_unit_register(user, material.unit)


def is_eligible_assignee(employee: Any, unit: Unit) -> bool:
    """An employee may be given a check while they hold "Investigate" or "Supervise" over the unit."""
    return bool(
        employee is not None
        and employee.is_active
        and any(has_role(employee, role, unit) for role in WORKER_ROLES)
    )


def can_work(user: Any, material: Material) -> bool:
    """Steps of the check, parties and decisions: the assignee, while eligible."""
    return signed_in(user) and material.assignee_id == user.pk and is_eligible_assignee(user, material.unit)


def can_open_case(user: Any, material: Material) -> bool:
    """Open a criminal case on the report (the cases register calls this before case_open)."""
    return material.is_open and (can_work(user, material) or can_supervise(user, material))


def can_extend(user: Any, material: Material, rule: Any, step: str | None = None) -> bool:
    """Extend the check under `step` (under any step of the rule when step is None)."""
    if not (signed_in(user) and material.is_open):
        return False
    steps = [step] if step else [str(s.get("key", "")) for s in (rule.extension_steps or [])]
    return any(may_grant_extension(user, rule, key, material.unit) for key in steps)


def can_quash(user: Any, material: Material) -> bool:
    return material.status == MaterialStatus.REFUSED and can_supervise(user, material)


ACTIONS = {
    "view": lambda user, material: True,
    "assign": can_assign,
    "work": can_work,
    "quash": can_quash,
    "open_case": can_open_case,
    # Under any step of the rule; the service checks the chosen step again.
    "extend": lambda user, material: can_extend(user, material, check_rule()),
}


def get_material_for(user: Any, number: str, action: str = "view", queryset: Any = None) -> Material:
    """The report `number` if `user` may see it (404 otherwise) and may do `action` on it (403 otherwise)."""
    base = queryset if queryset is not None else visible_to(user).select_related("unit", "assignee")
    material = base.filter(number=str(number)[:40]).first()
    if material is None:
        deny(
            user,
            action=f"materials.material.{action}",
            target_type=TARGET_TYPE,
            target_key=str(number)[:64],
            visible=False,
        )
    if not ACTIONS[action](user, material):
        deny(
            user,
            action=f"materials.material.{action}",
            target_type=TARGET_TYPE,
            target_key=material.number,
            visible=True,
        )
    return material
