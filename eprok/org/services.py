"""Writes to the organisation: units, employees, role assignments, clearances.

Every function takes keyword arguments and an `actor` (None means the system itself), changes
rows in one transaction and records one audit event with the before/after of what changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record, diff
from eprok.core.errors import Conflict, ValidationFailed
from eprok.org.grants import forget_grants
from eprok.org.models import ClassRank, Employee, Position, RoleAssignment, Unit, UnitKind
from eprok.org.roles import Clearance, Role
from eprok.org.validators import normalise_fin

_UNSET: Any = object()


# --- units -----------------------------------------------------------------------------------------


def _path_for(unit: Unit) -> tuple[str, int]:
    if unit.parent_id is None:
        return f"/{unit.pk}/", 0
    parent = Unit.objects.only("path", "depth").get(pk=unit.parent_id)
    return f"{parent.path}{unit.pk}/", parent.depth + 1


def _unit_snapshot(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "kind": unit.kind,
        "name_az": unit.name_az,
        "name_en": unit.name_en,
        "name_ru": unit.name_ru,
        "parent": unit.parent.code if unit.parent_id and unit.parent else None,
        "sort_order": unit.sort_order,
        "district_code": unit.district_code,
        "is_active": unit.is_active,
        "head": unit.head.username if unit.head_id and unit.head else None,
    }


def _check_unit_fields(*, code: str, kind: str, name_az: str) -> None:
    errors: dict[str, Any] = {}
    if not code or not code.replace("-", "").replace("_", "").isalnum() or not code.isascii():
        errors["code"] = str(_("Use Latin letters, digits and hyphens."))
    if kind not in UnitKind.values:
        errors["kind"] = str(_("Choose a kind of unit from the list."))
    if not (name_az or "").strip():
        errors["name_az"] = str(_("The Azerbaijani name is required."))
    if errors:
        raise ValidationFailed(details=errors)


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    kind: str,
    name_az: str,
    name_en: str = "",
    name_ru: str = "",
    parent: Unit | None = None,
    sort_order: int = 0,
    district_code: str = "",
) -> Unit:
    """Create a unit under `parent` (or as a root) and place it in the tree."""
    _check_unit_fields(code=code, kind=kind, name_az=name_az)
    if Unit.objects.filter(code=code).exists():
        raise Conflict(
            _("A unit with this code already exists."), code="duplicate_code", details={"field": "code"}
        )
    if parent is not None and not parent.is_active:
        raise Conflict(_("A unit cannot be created under an inactive unit."), code="inactive_parent")
    unit = Unit.objects.create(
        code=code,
        kind=kind,
        name_az=name_az,
        name_en=name_en,
        name_ru=name_ru,
        parent=parent,
        sort_order=sort_order,
        district_code=district_code,
    )
    unit.path, unit.depth = _path_for(unit)
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    audit_record(
        actor=actor,
        action="org.unit.created",
        target=unit,
        changes={
            "after": {
                "code": code,
                "kind": kind,
                "name_az": name_az,
                "parent": parent.code if parent else None,
            }
        },
    )
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: Any,
    unit: Unit,
    name_az: str | None = None,
    name_en: str | None = None,
    name_ru: str | None = None,
    kind: str | None = None,
    sort_order: int | None = None,
    district_code: str | None = None,
    parent: Unit | None = _UNSET,
    head: Any = _UNSET,
) -> Unit:
    """Rename or re-classify a unit, move it (with its whole subtree) under another parent, or name its
    head (an active employee of the unit; None: no head)."""
    unit = Unit.objects.select_for_update(of=("self",)).select_related("parent", "head").get(pk=unit.pk)
    before = _unit_snapshot(unit)
    for field, value in (
        ("name_az", name_az),
        ("name_en", name_en),
        ("name_ru", name_ru),
        ("kind", kind),
        ("sort_order", sort_order),
        ("district_code", district_code),
    ):
        if value is not None:
            setattr(unit, field, value)
    _check_unit_fields(code=unit.code, kind=unit.kind, name_az=unit.name_az)
    if head is not _UNSET:
        if head is not None and (head.unit_id != unit.pk or not head.is_active):
            raise ValidationFailed(
                _("The head of a unit is an active employee of that unit."),
                code="head_not_in_unit",
                details={"field": "head"},
            )
        unit.head = head
    moved = parent is not _UNSET and (parent.pk if parent else None) != unit.parent_id
    moved_count = 0
    if moved:
        if parent is None:
            raise ValidationFailed(
                _("Only the General Prosecutor's Office stands at the root of the tree."),
                code="root_move",
                details={"field": "parent"},
            )
        parent = Unit.objects.get(pk=parent.pk)
        if parent.path.startswith(unit.path):
            raise ValidationFailed(
                _("A unit cannot be moved under itself or one of its own sub-units."),
                code="move_under_descendant",
                details={"field": "parent"},
            )
        if not parent.is_active:
            raise Conflict(_("A unit cannot be moved under an inactive unit."), code="inactive_parent")
        unit.parent = parent
        moved_count = _move_subtree(unit, parent)
    unit.save()
    after = _unit_snapshot(unit)
    audit_record(
        actor=actor,
        action="org.unit.moved" if moved else "org.unit.updated",
        target=unit,
        changes=diff(before, after),
        data={"subtree_size": moved_count} if moved else None,
    )
    return unit


def _move_subtree(unit: Unit, parent: Unit) -> int:
    """Rewrite the tree paths of `unit` and every unit below it; returns how many rows changed."""
    old_path, old_depth = unit.path, unit.depth
    new_path, new_depth = f"{parent.path}{unit.pk}/", parent.depth + 1
    subtree = list(Unit.objects.filter(path__startswith=old_path).only("pk", "path", "depth"))
    for row in subtree:
        row.path = new_path + row.path[len(old_path) :]
        row.depth = row.depth - old_depth + new_depth
    Unit.objects.bulk_update(subtree, ["path", "depth"])
    unit.path, unit.depth = new_path, new_depth
    return len(subtree)


@transaction.atomic
def unit_deactivate(*, actor: Any, unit: Unit) -> Unit:
    """Close a unit; it must have no active sub-units and no active employees left."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        raise Conflict(_("The unit is already inactive."), code="already_inactive")
    if unit.children.filter(is_active=True).exists():
        raise Conflict(_("Close or move the unit's active sub-units first."), code="has_active_subunits")
    if unit.employees.filter(is_active=True).exists():
        raise Conflict(_("Move or deactivate the unit's employees first."), code="has_active_employees")
    unit.is_active = False
    unit.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="org.unit.deactivated",
        target=unit,
        changes={"before": {"is_active": True}, "after": {"is_active": False}},
    )
    return unit


# --- employees -------------------------------------------------------------------------------------

_EMPLOYEE_FIELDS = (
    "username",
    "last_name",
    "first_name",
    "patronymic",
    "fin",
    "email",
    "phone",
    "preferred_language",
)


def _employee_snapshot(employee: Employee) -> dict[str, Any]:
    data: dict[str, Any] = {field: getattr(employee, field) for field in _EMPLOYEE_FIELDS}
    data["unit"] = employee.unit.code if employee.unit_id and employee.unit else None
    data["position"] = employee.position.code if employee.position_id and employee.position else None
    data["class_rank"] = employee.class_rank.code if employee.class_rank_id and employee.class_rank else None
    data["clearance"] = employee.clearance
    data["is_active"] = employee.is_active
    return data


def _check_names(*, last_name: str, first_name: str) -> None:
    errors = {}
    if not (last_name or "").strip():
        errors["last_name"] = str(_("The last name is required."))
    if not (first_name or "").strip():
        errors["first_name"] = str(_("The first name is required."))
    if errors:
        raise ValidationFailed(details=errors)


def _refuse_duplicate(*, username: str, fin: str | None, exclude_pk: int | None = None) -> None:
    others = Employee.objects.exclude(pk=exclude_pk) if exclude_pk else Employee.objects.all()
    if others.filter(username=username).exists():
        raise Conflict(
            _("This login is already taken."), code="duplicate_username", details={"field": "username"}
        )
    if fin and others.filter(fin=fin).exists():
        raise Conflict(
            _("An employee with this FIN already exists."), code="duplicate_fin", details={"field": "fin"}
        )


@transaction.atomic
def employee_create(
    *,
    actor: Any,
    username: str,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    fin: str | None = None,
    email: str = "",
    phone: str = "",
    unit: Unit,
    position: Position | None = None,
    class_rank: ClassRank | None = None,
    clearance: int = Clearance.OFFICIAL,
    password: str | None = None,
) -> Employee:
    """Add an employee (and their account) to `unit`; without a password the account cannot sign in yet."""
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(details={"username": str(_("The login is required."))})
    _check_names(last_name=last_name, first_name=first_name)
    fin = normalise_fin(fin)
    _refuse_duplicate(username=username, fin=fin)
    if not unit.is_active:
        raise Conflict(_("An employee cannot be added to an inactive unit."), code="inactive_unit")
    employee = Employee(
        username=username,
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        patronymic=patronymic.strip(),
        fin=fin,
        email=email.strip(),
        phone=phone.strip(),
        unit=unit,
        position=position,
        class_rank=class_rank,
        clearance=clearance,
    )
    if password:
        employee.set_password(password)
    else:
        employee.set_unusable_password()
    try:
        with transaction.atomic():
            employee.save()
    except IntegrityError as exc:  # a concurrent insert of the same login or FIN
        raise Conflict(_("This login or FIN is already taken."), code="duplicate_employee") from exc
    audit_record(
        actor=actor,
        action="org.employee.created",
        target=employee,
        changes={"after": _employee_snapshot(employee)},
    )
    return employee


@transaction.atomic
def employee_update(*, actor: Any, employee: Employee, **fields: Any) -> Employee:
    """Change an employee's personal data, unit, position or class rank (clearance has its own service)."""
    allowed = {*_EMPLOYEE_FIELDS, "unit", "position", "class_rank"} - {"username"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"employee_update does not change {sorted(unknown)}")
    employee = (
        Employee.objects.select_for_update(of=("self",))
        .select_related("unit", "position", "class_rank")
        .get(pk=employee.pk)
    )
    before = _employee_snapshot(employee)
    if "fin" in fields:
        fields["fin"] = normalise_fin(fields["fin"])
    for name in ("last_name", "first_name", "patronymic", "email", "phone"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    unit = fields.get("unit")
    if unit is not None and unit.pk != employee.unit_id and not unit.is_active:
        raise Conflict(_("An employee cannot be moved to an inactive unit."), code="inactive_unit")
    for name, value in fields.items():
        setattr(employee, name, value)
    _check_names(last_name=employee.last_name, first_name=employee.first_name)
    _refuse_duplicate(username=employee.username, fin=employee.fin, exclude_pk=employee.pk)
    employee.save()
    changes = diff(before, _employee_snapshot(employee))
    audit_record(actor=actor, action="org.employee.updated", target=employee, changes=changes)
    return employee


@transaction.atomic
def employee_set_clearance(*, actor: Any, employee: Employee, clearance: int) -> Employee:
    """Change the level of restricted records an employee may read; never above the actor's own."""
    if clearance not in Clearance.values:
        raise ValidationFailed(details={"clearance": str(_("Choose a clearance level from the list."))})
    if actor is not None and getattr(actor, "is_authenticated", False) and clearance > actor.clearance:
        raise ValidationFailed(
            _("You cannot grant a clearance higher than your own."),
            code="clearance_too_high",
            details={"field": "clearance"},
        )
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    before = employee.clearance
    if before == clearance:
        return employee
    employee.clearance = clearance
    employee.save(update_fields=["clearance"])
    audit_record(
        actor=actor,
        action="org.employee.clearance_changed",
        target=employee,
        changes={"before": {"clearance": before}, "after": {"clearance": clearance}},
    )
    return employee


@transaction.atomic
def employee_deactivate(*, actor: Any, employee: Employee) -> Employee:
    """Close an employee's account and end their role assignments; the record stays for history."""
    if actor is not None and getattr(actor, "pk", None) == employee.pk:
        raise Conflict(_("You cannot deactivate your own account."), code="self_deactivation")
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if not employee.is_active:
        raise Conflict(_("The employee is already inactive."), code="already_inactive")
    employee.is_active = False
    employee.save(update_fields=["is_active"])
    now = timezone.now()
    ended = RoleAssignment.objects.filter(employee=employee, ended_at__isnull=True).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate())
    )
    ended_ids = list(ended.values_list("pk", flat=True))
    RoleAssignment.objects.filter(pk__in=ended_ids).update(ended_at=now, updated_at=now)
    forget_grants(employee)
    audit_record(
        actor=actor,
        action="org.employee.deactivated",
        target=employee,
        changes={"before": {"is_active": True}, "after": {"is_active": False}},
        data={"ended_assignments": ended_ids},
    )
    return employee


# --- role assignments ------------------------------------------------------------------------------


def _assignment_snapshot(assignment: RoleAssignment) -> dict[str, Any]:
    return {
        "employee": str(assignment.employee.public_id),
        "role": assignment.role,
        "unit": assignment.unit.code,
        "include_subunits": assignment.include_subunits,
        "valid_from": assignment.valid_from.isoformat(),
        "valid_to": assignment.valid_to.isoformat() if assignment.valid_to else None,
    }


@transaction.atomic
def role_assignment_grant(
    *,
    actor: Any,
    employee: Employee,
    role: str,
    unit: Unit,
    include_subunits: bool = False,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> RoleAssignment:
    """Give `employee` a role in `unit` (optionally with its sub-units) for a period."""
    if role not in Role.values:
        raise ValidationFailed(details={"role": str(_("Choose a role from the list."))})
    valid_from = valid_from or timezone.localdate()
    if valid_to is not None and valid_to < valid_from:
        raise ValidationFailed(
            _("The end date cannot be earlier than the start date."),
            code="period_reversed",
            details={"field": "valid_to"},
        )
    if not employee.is_active:
        raise Conflict(_("Roles cannot be given to an inactive employee."), code="inactive_employee")
    if not unit.is_active:
        raise Conflict(_("Roles cannot be given in an inactive unit."), code="inactive_unit")
    today = timezone.localdate()
    duplicate = RoleAssignment.objects.filter(
        employee=employee, role=role, unit=unit, include_subunits=include_subunits, ended_at__isnull=True
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    if duplicate.exists():
        raise Conflict(_("The employee already holds this role in this unit."), code="duplicate_assignment")
    assignment = RoleAssignment.objects.create(
        employee=employee,
        role=role,
        unit=unit,
        include_subunits=include_subunits,
        valid_from=valid_from,
        valid_to=valid_to,
        granted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    forget_grants(employee)
    audit_record(
        actor=actor,
        action="org.role_assignment.granted",
        target=assignment,
        related=employee,
        changes={"after": _assignment_snapshot(assignment)},
    )
    return assignment


@transaction.atomic
def role_assignment_end(
    *, actor: Any, assignment: RoleAssignment, valid_to: dt.date | None = None
) -> RoleAssignment:
    """End an assignment: without a date it stops counting at once; with one it lapses after that day."""
    assignment = (
        RoleAssignment.objects.select_for_update(of=("self",))
        .select_related("employee", "unit")
        .get(pk=assignment.pk)
    )
    if assignment.ended_at is not None:
        raise Conflict(_("The assignment has already ended."), code="already_ended")
    before = _assignment_snapshot(assignment)
    today = timezone.localdate()
    if valid_to is not None:
        if valid_to < assignment.valid_from:
            raise ValidationFailed(
                _("The end date cannot be earlier than the start date."),
                code="period_reversed",
                details={"field": "valid_to"},
            )
        assignment.valid_to = valid_to
        if valid_to < today:
            assignment.ended_at = timezone.now()
    else:
        assignment.valid_to = max(today, assignment.valid_from)
        assignment.ended_at = timezone.now()
    assignment.save(update_fields=["valid_to", "ended_at", "updated_at"])
    forget_grants(assignment.employee)
    changes = diff(before, _assignment_snapshot(assignment))
    changes.setdefault("after", {})["ended"] = assignment.ended_at is not None
    audit_record(
        actor=actor,
        action="org.role_assignment.ended",
        target=assignment,
        related=assignment.employee,
        changes=changes,
    )
    return assignment


# --- reference data --------------------------------------------------------------------------------


@transaction.atomic
def position_create(
    *,
    actor: Any,
    code: str,
    name_az: str,
    name_en: str = "",
    name_ru: str = "",
    is_prosecutor: bool = False,
    is_investigator: bool = False,
    sort_order: int = 0,
) -> Position:
    """Add a post to the catalogue of positions."""
    if Position.objects.filter(code=code).exists():
        raise Conflict(_("A position with this code already exists."), code="duplicate_code")
    position = Position.objects.create(
        code=code,
        name_az=name_az,
        name_en=name_en,
        name_ru=name_ru,
        is_prosecutor=is_prosecutor,
        is_investigator=is_investigator,
        sort_order=sort_order,
    )
    audit_record(
        actor=actor,
        action="org.position.created",
        target=position,
        changes={"after": {"code": code, "name_az": name_az}},
    )
    return position


@transaction.atomic
def class_rank_create(
    *, actor: Any, code: str, name_az: str, name_en: str = "", name_ru: str = "", seniority: int
) -> ClassRank:
    """Add a special (class) rank; seniority 1 is the highest."""
    if ClassRank.objects.filter(Q(code=code) | Q(seniority=seniority)).exists():
        raise Conflict(_("A class rank with this code or seniority already exists."), code="duplicate_code")
    rank = ClassRank.objects.create(
        code=code, name_az=name_az, name_en=name_en, name_ru=name_ru, seniority=seniority
    )
    audit_record(
        actor=actor,
        action="org.class_rank.created",
        target=rank,
        changes={"after": {"code": code, "name_az": name_az, "seniority": seniority}},
    )
    return rank
