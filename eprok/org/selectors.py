"""Reads of the organisation, shared by the HTML views and the API; each starts from access.visible_to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from eprok.core.collation import az_order, az_sort_key
from eprok.org import access
from eprok.org.grants import active_grants
from eprok.org.models import Employee, RoleAssignment, Unit, name_search_key


def unit_list(*, user: Any) -> QuerySet[Unit]:
    """Visible units in tree order (path), with their parents."""
    return access.units_visible_to(user).select_related("parent").order_by("path")


@dataclass
class TreeNode:
    unit: Unit
    children: list[TreeNode] = field(default_factory=list)


def unit_tree(*, user: Any) -> list[TreeNode]:
    """The visible units as a forest, siblings in Azerbaijani alphabetical order (one query)."""
    units = list(access.units_visible_to(user).order_by("path"))
    nodes = {unit.pk: TreeNode(unit) for unit in units}
    roots: list[TreeNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(nodes[unit.pk])

    def sort(level: list[TreeNode]) -> None:
        level.sort(key=lambda node: az_sort_key(node.unit.name))
        for node in level:
            sort(node.children)

    sort(roots)
    return roots


def ancestors(*, unit: Unit) -> list[Unit]:
    """The units above `unit`, from the root down (one query, from the tree path)."""
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
    return list(Unit.objects.filter(pk__in=ids).order_by("depth"))


def unit_children(*, user: Any, unit: Unit) -> list[Unit]:
    children = list(access.units_visible_to(user).filter(parent=unit))
    return sorted(children, key=lambda child: az_sort_key(child.name))


def employee_list(
    *, user: Any, q: str = "", unit: Unit | None = None, with_subunits: bool = False
) -> QuerySet[Employee]:
    """The directory: visible employees, searched by name in any letter case, optionally within a unit."""
    qs = access.visible_to(user).select_related("unit", "position")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path) if with_subunits else qs.filter(unit=unit)
    for word in name_search_key(q or "").split():
        qs = qs.filter(name_key__contains=word)
    return qs.order_by(az_order("last_name"), az_order("first_name"), "pk")


def employee_get(*, user: Any, public_id: Any) -> Employee:
    return access.get_employee_for(user, public_id)


def active_assignments() -> Q:
    today = timezone.localdate()
    return Q(ended_at__isnull=True, valid_from__lte=today) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )


def assignments_of(*, employee: Employee, include_past: bool = True) -> list[RoleAssignment]:
    qs = RoleAssignment.objects.filter(employee=employee).select_related("unit", "granted_by")
    if not include_past:
        qs = qs.filter(active_assignments())
    return list(qs.order_by("-valid_from", "pk"))


def assignments_in(*, unit: Unit) -> list[RoleAssignment]:
    """Current role assignments given in `unit` itself."""
    return list(
        RoleAssignment.objects.filter(unit=unit)
        .filter(active_assignments())
        .filter(employee__is_active=True)
        .select_related("employee", "employee__position")
        .order_by("role", "employee__last_name")
    )


def unit_employees(*, user: Any, unit: Unit) -> QuerySet[Employee]:
    return (
        access.visible_to(user)
        .filter(unit=unit)
        .select_related("position", "class_rank")
        .order_by(az_order("last_name"), az_order("first_name"), "pk")
    )


def units_for_choice(*, user: Any, managed_only: bool = False) -> list[Unit]:
    """Units for a select box in tree order, siblings alphabetical; optionally only active managed ones."""
    grants = [g for g in active_grants(user) if g.role == access.MANAGE_ROLE] if managed_only else []
    ordered: list[Unit] = []

    def walk(level: list[TreeNode]) -> None:
        for node in level:
            if not managed_only or (node.unit.is_active and any(g.covers(node.unit) for g in grants)):
                ordered.append(node.unit)
            walk(node.children)

    walk(unit_tree(user=user))
    return ordered
