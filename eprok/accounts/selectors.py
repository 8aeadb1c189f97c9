"""Reads of sign-in and accounts data."""

from __future__ import annotations

import enum
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from eprok.accounts import access
from eprok.accounts.models import ApiToken, TotpDevice
from eprok.org.grants import roles_of
from eprok.org.models import Employee, RoleAssignment
from eprok.org.roles import TWO_FACTOR_ROLES


class SecondFactor(enum.StrEnum):
    """What the sign-in asks after the password."""

    VERIFY = "verify"  # a confirmed authenticator: ask for its code
    ENROL = "enrol"  # a role that requires one, but no authenticator yet: set it up now
    NONE = "none"  # no roles and no authenticator: the password is enough


def confirmed_device(employee: Employee) -> TotpDevice | None:
    return TotpDevice.objects.filter(employee=employee, confirmed_at__isnull=False).first()


def second_factor_for(employee: Employee) -> SecondFactor:
    if confirmed_device(employee) is not None:
        return SecondFactor.VERIFY
    if roles_of(employee) & TWO_FACTOR_ROLES:
        return SecondFactor.ENROL
    return SecondFactor.NONE


def token_list(user: Any) -> QuerySet[ApiToken]:
    return access.visible_to(user).order_by("-created_at")


def employee_profile(user: Any) -> tuple[Employee, list[RoleAssignment]]:
    """The employee with unit, position and rank, and their role assignments valid today (≤ 2 queries).

    Reuses the row a token lookup already loaded with its relations.
    """
    state = getattr(user, "_state", None)
    cached = state.fields_cache if state is not None else {}
    if {"unit", "position", "class_rank"} <= set(cached):
        employee = user
    else:
        employee = Employee.objects.select_related("unit", "position", "class_rank").get(pk=user.pk)
    today = timezone.localdate()
    assignments = list(
        RoleAssignment.objects.filter(employee_id=employee.pk, valid_from__lte=today, unit__is_active=True)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("unit")
        .order_by("role", "unit__path")
    )
    return employee, assignments
