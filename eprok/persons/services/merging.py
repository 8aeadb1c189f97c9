"""Merging duplicates: every reference to the duplicate moves to the survivor; the duplicate stays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record, diff
from eprok.core.errors import Conflict, ValidationFailed
from eprok.persons.models import Person, PersonMerge
from eprok.persons.services.details import _address_row, _document_row
from eprok.persons.services.records import compute_name_key, snapshot
from eprok.search.services import index_later

_FILLABLE = (
    "fin",
    "virtual_pin",
    "patronymic",
    "birth_date",
    "sex",
    "citizenship",
    "voen",
    "registration_number",
    "registration_date",
)


def _reverse_references() -> list[Any]:
    """Every foreign key (or one-to-one) in any app that points at Person, except merge bookkeeping.

    Hidden relations (related_name="+") and the foreign keys of many-to-many through tables count too.
    """
    found = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        field = getattr(rel, "field", None)
        if field is None:
            continue
        if field.model is PersonMerge or (field.model is Person and field.name == "merged_into"):
            continue
        found.append(field)
    return found


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[list[str], Q | None]]:
    """The unique constraints of `model` that include `field_name`: (their fields, their condition)."""
    sets: list[tuple[list[str], Q | None]] = []
    meta = model._meta
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field_name in (constraint.fields or ()):
            sets.append((list(constraint.fields), constraint.condition))
    for together in meta.unique_together:
        if field_name in together:
            sets.append((list(together), None))
    field = meta.get_field(field_name)
    if getattr(field, "unique", False):
        sets.append(([field_name], None))
    return sets


def _move_references(duplicate: Person, survivor: Person) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Point every row that references `duplicate` at `survivor`.

    A row that would break a unique constraint (the survivor already holds the same role in the same
    material, the same phone number, ...) is deleted instead, and listed in the second result.
    """
    moved: dict[str, int] = {}
    dropped: list[dict[str, Any]] = []
    for field in _reverse_references():
        model = field.model
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        rows = model._default_manager.filter(**{field.name: duplicate})
        unique_sets = _unique_sets(model, field.name)
        clash_pks: list[Any] = []
        if unique_sets:
            for row in rows:
                if _clashes(model, row, field.name, survivor, unique_sets):
                    clash_pks.append(row.pk)
                    dropped.append({"table": label, "id": row.pk, "row": _row_data(row, field.name)})
            if clash_pks:
                model._default_manager.filter(pk__in=clash_pks).delete()
        count = rows.exclude(pk__in=clash_pks).update(**{field.name: survivor})
        if count:
            moved[label] = count
    return moved, dropped


def _clashes(
    model: type[models.Model],
    row: models.Model,
    field_name: str,
    survivor: Person,
    unique_sets: list[tuple[list[str], Q | None]],
) -> bool:
    manager = model._default_manager
    for fields, condition in unique_sets:
        if condition is not None and not manager.filter(condition, pk=row.pk).exists():
            continue
        lookup: dict[str, Any] = {field_name: survivor}
        for name in fields:
            if name != field_name:
                attname = getattr(model._meta.get_field(name), "attname", name)
                lookup[attname] = getattr(row, attname)
        others = manager.filter(**lookup)
        if condition is not None:
            others = others.filter(condition)
        if others.exists():
            return True
    return False


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _row_data(row: models.Model, skip: str) -> dict[str, Any]:
    return {
        field.name: _json_value(getattr(row, field.attname))
        for field in row._meta.concrete_fields
        if field.name != skip
    }


def _merge_snapshot(person: Person) -> dict[str, Any]:
    data = snapshot(person)
    data["public_id"] = str(person.public_id)
    data["display_name"] = person.display_name
    data["documents"] = [_document_row(d) for d in person.documents.all()]
    data["addresses"] = [_address_row(a) for a in person.addresses.all()]
    data["phones"] = [{"number": p.number, "note": p.note} for p in person.phones.all()]
    return data


@transaction.atomic
def person_merge(*, actor: Any, duplicate: Person, survivor: Person, reason: str) -> Person:
    """Fold `duplicate` into `survivor`: every reference moves, the duplicate stays as a pointer.

    Refused for the same record, different kinds, an already merged record, or two different FINs or
    VÖENs. The survivor takes the identifying fields it lacks; the duplicate's record as it was, and
    the counts of what moved, are kept in a PersonMerge row.
    """
    if getattr(actor, "pk", None) is None:
        raise TypeError("person_merge() needs the employee who merges (PersonMerge.merged_by)")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Write why the two records are the same person."), details={"field": "reason"}
        )
    if duplicate.pk == survivor.pk:
        raise Conflict(_("A record cannot be merged into itself."), code="same_person")
    # Lock both rows in a fixed order, so two merges of the same pair cannot deadlock.
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=[duplicate.pk, survivor.pk]).order_by("pk")
    }
    duplicate, survivor = locked[duplicate.pk], locked[survivor.pk]
    if duplicate.kind != survivor.kind:
        raise Conflict(_("A natural person and a legal entity cannot be merged."), code="different_kinds")
    if duplicate.is_merged or survivor.is_merged:
        raise Conflict(_("One of the records has already been merged."), code="already_merged")
    for field, message in (
        ("fin", _("The records have different FINs, so they are different persons.")),
        ("voen", _("The records have different VÖENs, so they are different taxpayers.")),
    ):
        a, b = getattr(duplicate, field), getattr(survivor, field)
        if a and b and a != b:
            raise Conflict(message, code=f"different_{field}")
    record_before = _merge_snapshot(duplicate)
    survivor_before = snapshot(survivor)

    moved, dropped = _move_references(duplicate, survivor)
    # Duplicates merged into this one earlier now point at the survivor, so every chain is one step.
    earlier = Person.objects.filter(merged_into=duplicate).update(merged_into=survivor)
    if earlier:
        moved["persons.person (merged earlier)"] = earlier

    duplicate.merged_into = survivor
    duplicate.version = F("version") + 1
    duplicate.save(update_fields=["merged_into", "version", "updated_at"])

    filled = {}
    for name in _FILLABLE:
        if getattr(survivor, name) in (None, "") and record_before.get(name) not in (None, ""):
            filled[name] = getattr(duplicate, name)
            setattr(survivor, name, getattr(duplicate, name))
    survivor.name_key = compute_name_key(survivor)
    survivor.version = F("version") + 1
    survivor.save()
    survivor.refresh_from_db()
    for changed in (survivor, duplicate):
        index_later("persons.person", changed.pk)

    merge = PersonMerge.objects.create(
        duplicate=duplicate,
        survivor=survivor,
        merged_by=actor,
        reason=reason,
        snapshot=record_before,
        moved={"moved": moved, "dropped": dropped, "filled": sorted(filled)},
    )
    audit_record(
        actor=actor,
        action="persons.person.merged",
        target=survivor,
        related=duplicate,
        changes=diff(survivor_before, snapshot(survivor)),
        data={
            "duplicate": str(duplicate.public_id),
            "reason": reason,
            "moved": moved,
            "dropped": [{"table": d["table"], "id": d["id"]} for d in dropped],
            "merge_id": merge.pk,
        },
    )
    return survivor
