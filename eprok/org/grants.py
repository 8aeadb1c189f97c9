"""What roles a user holds where: the one source every app's access.py asks.

Grants are loaded once per user object (one query) and cached on it for the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from eprok.org.models import RoleAssignment, Unit

_CACHE_ATTR = "_eprok_grants"
_NAME_LANGUAGES = ("az", "en", "ru")
_GRANT_COLUMNS = (
    "role",
    "unit_id",
    "unit__path",
    "include_subunits",
    "pk",
    "valid_from",
    "valid_to",
    *(f"unit__name_{code}" for code in _NAME_LANGUAGES),
)


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    unit_path: str
    unit_name: str
    include_subunits: bool
    assignment_id: int
    valid_from: dt.date
    valid_to: dt.date | None

    def covers(self, unit: Unit) -> bool:
        if unit.pk == self.unit_id:
            return True
        return self.include_subunits and unit.path.startswith(self.unit_path)


def active_grants(user: Any) -> list[Grant]:
    """The user's role assignments valid today, with their units' tree paths."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    # Plain tuples, not model instances: this runs on every page, and only these columns are used.
    rows = RoleAssignment.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
        employee_id=user.pk,
        valid_from__lte=today,
        ended_at__isnull=True,
        unit__is_active=True,
    ).values_list(*_GRANT_COLUMNS)
    language = (get_language() or "az")[:2]
    grants = []
    for role, unit_id, unit_path, include_subunits, pk, valid_from, valid_to, *names in rows:
        unit_names = dict(zip(_NAME_LANGUAGES, names, strict=True))
        grants.append(
            Grant(
                role=role,
                unit_id=unit_id,
                unit_path=unit_path,
                # As Unit.name: the active language's name, else the Azerbaijani one.
                unit_name=unit_names.get(language) or unit_names["az"],
                include_subunits=include_subunits,
                assignment_id=pk,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    setattr(user, _CACHE_ATTR, grants)
    return grants


def forget_grants(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_role(user: Any, role: str, unit: Unit | None = None) -> bool:
    """Whether the user holds `role` at all (unit=None) or over `unit`."""
    return grant_for(user, role, unit) is not None


def grant_for(user: Any, role: str, unit: Unit | None = None) -> Grant | None:
    for grant in active_grants(user):
        if grant.role == role and (unit is None or grant.covers(unit)):
            return grant
    return None


def roles_of(user: Any) -> set[str]:
    return {grant.role for grant in active_grants(user)}


def unit_scope(user: Any, role: str, unit_field: str | None = "unit") -> Q:
    """A filter for rows whose `unit_field` lies where the user holds `role`; matches nothing without it.

    With unit_field=None the filter applies to Unit rows themselves.
    """
    path = f"{unit_field}__path__startswith" if unit_field else "path__startswith"
    key = f"{unit_field}_id" if unit_field else "pk"
    condition = Q(pk__in=[])
    for grant in active_grants(user):
        if grant.role != role:
            continue
        condition |= Q(**{path: grant.unit_path}) if grant.include_subunits else Q(**{key: grant.unit_id})
    return condition
