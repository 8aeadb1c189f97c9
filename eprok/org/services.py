"""Writes to the organisation: units, employees, role assignments."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from eprok.audit.services import audit_record
from eprok.org.models import Unit


def _path_for(unit: Unit) -> tuple[str, int]:
    if unit.parent_id is None:
        return f"/{unit.pk}/", 0
    parent = Unit.objects.only("path", "depth").get(pk=unit.parent_id)
    return f"{parent.path}{unit.pk}/", parent.depth + 1


@transaction.atomic
def unit_create(*, actor: Any, code: str, kind: str, name_az: str, name_en: str = "", name_ru: str = "",
                parent: Unit | None = None, sort_order: int = 0, district_code: str = "") -> Unit:
    """Create a unit under `parent` (or as a root) and place it in the tree."""
    unit = Unit.objects.create(
        code=code, kind=kind, name_az=name_az, name_en=name_en, name_ru=name_ru, parent=parent,
        sort_order=sort_order, district_code=district_code,
    )
    unit.path, unit.depth = _path_for(unit)
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    audit_record(actor=actor, action="org.unit.created", target=unit,
                 changes={"after": {"code": code, "kind": kind, "name_az": name_az,
                                    "parent": parent.code if parent else None}})
    return unit
