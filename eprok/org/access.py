"""Who may see and manage units and employees.

Every signed-in, active employee sees the unit tree and the employee directory (name, unit,
position). Holders of "administer users" over a unit manage that unit's subtree: its units,
employees, role assignments and clearances, and they see personal fields (FIN, e-mail, phone,
clearance). Inactive units and employees are visible only to those who manage them.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from eprok.core.access import deny
from eprok.org.grants import active_grants, grant_for, unit_scope
from eprok.org.models import Employee, RoleAssignment, Unit
from eprok.org.roles import Role

MANAGE_ROLE = Role.ADMINISTER_USERS


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_org_admin(user: Any) -> bool:
    """Holds "administer users" somewhere: may open the admin pages at all."""
    return _signed_in(user) and grant_for(user, MANAGE_ROLE) is not None


# --- units -----------------------------------------------------------------------------------------


def managed_units_filter(user: Any) -> Q:
    """A filter for the units the user manages (matches nothing without the role)."""
    return unit_scope(user, MANAGE_ROLE, unit_field=None)


def units_visible_to(user: Any) -> QuerySet[Unit]:
    """Units the user may see: every active unit, and inactive ones they manage."""
    if not _signed_in(user):
        return Unit.objects.none()
    return Unit.objects.filter(Q(is_active=True) | managed_units_filter(user))


def can_manage_unit(user: Any, unit: Unit) -> bool:
    return _signed_in(user) and grant_for(user, MANAGE_ROLE, unit) is not None


def get_unit_for(user: Any, code: str, action: str = "view") -> Unit:
    unit = units_visible_to(user).select_related("parent", "head").filter(code=code).first()
    if unit is None:
        deny(
            user,
            action=f"org.unit.{action}",
            target_type="org.unit",
            target_key=str(code)[:64],
            visible=False,
        )
    if action != "view" and not can_manage_unit(user, unit):
        deny(user, action=f"org.unit.{action}", target_type="org.unit", target_key=unit.code, visible=True)
    return unit


# --- employees -------------------------------------------------------------------------------------


def visible_to(user: Any) -> QuerySet[Employee]:
    """Employees the user may find in the directory."""
    if not _signed_in(user):
        return Employee.objects.none()
    return Employee.objects.filter(Q(is_active=True) | unit_scope(user, MANAGE_ROLE))


def managed_by(user: Any) -> QuerySet[Employee]:
    """Employees whose records the user manages (and whose personal fields they see)."""
    if not _signed_in(user):
        return Employee.objects.none()
    return Employee.objects.filter(unit_scope(user, MANAGE_ROLE))


def can_manage_employee(user: Any, employee: Employee) -> bool:
    if not _signed_in(user):
        return False
    if employee.unit_id is None:
        # An employee outside every unit is managed only from the root of the tree.
        return any(
            g.role == MANAGE_ROLE and g.include_subunits and g.unit_path.count("/") == 2
            for g in active_grants(user)
        )
    return grant_for(user, MANAGE_ROLE, employee.unit) is not None


def can_see_personal_fields(user: Any, employee: Employee) -> bool:
    """FIN, e-mail, phone and clearance: for managers of the employee, and the employee themself."""
    return _signed_in(user) and (user.pk == employee.pk or can_manage_employee(user, employee))


def get_employee_for(user: Any, public_id: Any, action: str = "view") -> Employee:
    employee = None
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        key = None
    if key is not None:
        employee = (
            visible_to(user).select_related("unit", "position", "class_rank").filter(public_id=key).first()
        )
    if employee is None:
        deny(
            user,
            action=f"org.employee.{action}",
            target_type="org.employee",
            target_key=str(public_id)[:64],
            visible=False,
        )
    if action != "view" and not can_manage_employee(user, employee):
        deny(
            user,
            action=f"org.employee.{action}",
            target_type="org.employee",
            target_key=str(employee.public_id),
            visible=True,
        )
    return employee


def get_assignment_for(user: Any, employee: Employee, pk: int, action: str = "end") -> RoleAssignment:
    """A role assignment of `employee`, for managing it; the assignment's unit must be managed too."""
    assignment = (
        RoleAssignment.objects.select_related("unit", "employee").filter(pk=pk, employee=employee).first()
    )
    if assignment is None:
        deny(
            user,
            action=f"org.role_assignment.{action}",
            target_type="org.roleassignment",
            target_key=str(pk),
            visible=False,
        )
    if not (can_manage_employee(user, employee) and can_manage_unit(user, assignment.unit)):
        deny(
            user,
            action=f"org.role_assignment.{action}",
            target_type="org.roleassignment",
            target_key=str(pk),
            visible=True,
        )
    return assignment
