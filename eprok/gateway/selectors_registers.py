"""Reads of register look-ups: the user's own look-ups, the subject they were made from, what a population
answer would change in a person record, and the data on a person card confirmed by registers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from eprok.core.errors import ValidationFailed
from eprok.gateway import access
from eprok.gateway.lookups import COPY_FIELDS, COPY_LABELS, register_values, subject_of
from eprok.gateway.models import Lookup, LookupStatus, Register, RegisterCopy

MAX_BATCH = 10


def lookup_history(*, user: Any) -> QuerySet[Lookup]:
    """The user's own look-ups, newest first."""
    return access.lookups_visible_to(user).order_by("-created_at", "-id")


def lookup_get(*, user: Any, key: Any) -> Lookup:
    return access.get_lookup_for(user, key)


def lookups_get(*, user: Any, keys: list[str]) -> list[Lookup]:
    """The user's own look-ups named by `keys` (public ids), in that order; 404 (audited) if any is not."""
    parsed: list[uuid.UUID] = []
    for key in keys[:MAX_BATCH]:
        try:
            parsed.append(uuid.UUID(str(key)))
        except ValueError:
            access.get_lookup_for(user, key)  # denies, audited
    found = {
        lookup.public_id: lookup
        for lookup in access.lookups_visible_to(user).filter(public_id__in=parsed).select_related("message")
    }
    for public_id in parsed:
        if public_id not in found:
            access.get_lookup_for(user, public_id)  # denies, audited
    return [found[public_id] for public_id in parsed]


def resolve_subject(*, user: Any, text: str) -> Any:
    """The person, report or case named "person:<public id>", "material:<number>" or "case:<number>", if the
    user may see it (404, audited, otherwise); None for an empty text."""
    text = (text or "").strip()
    if not text:
        return None
    kind, _sep, key = text.partition(":")
    key = key.strip()
    if kind == "person":
        from eprok.persons import access as persons_access

        return persons_access.get_person_for(user, key)
    if kind == "material":
        from eprok.materials import access as materials_access

        return materials_access.get_material_for(user, key)
    if kind == "case":
        from eprok.cases import access as cases_access

        return cases_access.get_case_for(user, key)
    message = "person:<id>, material:<number> or case:<number>"
    raise ValidationFailed(message, code="invalid_subject", details={"subject": message})


def subject_reference(subject: Any) -> str:
    """The text `resolve_subject` reads back."""
    if subject is None:
        return ""
    label = f"{subject._meta.app_label}.{subject._meta.model_name}"
    if label == "persons.person":
        return f"person:{subject.public_id}"
    if label == "materials.material":
        return f"material:{subject.number}"
    return f"case:{subject.number}"


@dataclass
class CopyRow:
    field: str
    label: Any
    current: Any
    register: Any
    differs: bool


@dataclass
class CopyOffer:
    """What the results page offers for a population answer: copy into `person` or create a record."""

    person: Any = None
    rows: list[CopyRow] = field(default_factory=list)
    can_copy: bool = False
    can_create: bool = False


def _shown(value: Any) -> Any:
    return value if value not in (None, "") else None


def copy_offer(*, user: Any, lookup: Lookup) -> CopyOffer | None:
    """None unless `lookup` is a found population answer; otherwise the person it can be copied into (the
    subject it was made from, or the live record with this FIN) with each field's current and register
    value, or the offer to create a record."""
    if lookup.register != Register.POPULATION or lookup.status != LookupStatus.FOUND:
        return None
    from eprok.persons import access as persons_access
    from eprok.persons.models import AddressKind, Person, PersonKind

    values = register_values(lookup)
    person = None
    subject = subject_of(lookup) if lookup.subject_type == "persons.person" else None
    if subject is not None and persons_access.visible_to(user).filter(pk=subject.pk).exists():
        person = subject
    if person is None:
        person = (
            persons_access.visible_to(user)
            .filter(fin=values.fin, merged_into__isnull=True)
            .prefetch_related("addresses")
            .first()
        )
    if person is None:
        return CopyOffer(can_create=persons_access.can_edit_registry(user))
    if person.kind != PersonKind.NATURAL or (person.fin and person.fin != values.fin) or person.is_merged:
        return CopyOffer(person=person)
    registered = [
        ", ".join(part for part in (address.district, address.text) if part)
        for address in person.addresses.all()
        if address.kind == AddressKind.REGISTRATION
    ]
    register_address = ", ".join(part for part in (values.district, values.address) if part)
    rows = []
    for name in COPY_FIELDS:
        if name == "fin" and person.fin:
            continue
        if name == "address":
            current: Any = "; ".join(registered) or None
            theirs: Any = register_address or None
            differs = bool(theirs) and register_address not in registered
        else:
            current = getattr(person, name)
            theirs = values.value(name)
            if name == "sex":
                labels = dict(Person._meta.get_field("sex").choices or [])
                current, theirs = labels.get(current, current), labels.get(theirs, theirs)
            differs = _shown(theirs) is not None and current != theirs
        rows.append(CopyRow(name, COPY_LABELS[name], _shown(current), _shown(theirs), differs))
    return CopyOffer(person=person, rows=rows, can_copy=persons_access.can_change(user, person))


def confirmed_copies(*, person: Any, limit: int = 20) -> list[RegisterCopy]:
    """The data copied into `person` from registers, newest first (for the person card)."""
    copies = list(
        RegisterCopy.objects.filter(person=person)
        .select_related("lookup", "copied_by")
        .order_by("-copied_at", "-id")[:limit]
    )
    for copy in copies:
        copy.field_labels = [str(COPY_LABELS.get(name, name)) for name in copy.fields]  # type: ignore[attr-defined]
    return copies


def browser_url(*, user: Any, subject: Any) -> str | None:
    """The register browser's address prefilled for `subject` (a person: its FIN or VÖEN; a report or a
    case: its number as the issue), or None when the user's roles open no register."""
    from urllib.parse import urlencode

    from django.urls import reverse

    if not access.can_use_registers(user, cached=True):
        return None
    params = {"subject": subject_reference(subject)}
    if getattr(subject, "number", None):
        params["issue"] = subject.number
    elif getattr(subject, "fin", None):
        params["fin"] = subject.fin
    elif getattr(subject, "voen", None):
        params["voen"] = subject.voen
    return reverse("gateway:registers:browser") + "?" + urlencode(params)


# --- the subjects look-ups were made from, as far as the user may still see them -----------------------


SUBJECT_FIELDS = {"persons.person": "public_id", "materials.material": "number", "cases.case": "number"}


def visible_of(user: Any, subject_type: str) -> QuerySet[Any] | None:
    """The subjects of `subject_type` the user may see (each app's `visible_to`); None for another type."""
    if subject_type == "persons.person":
        from eprok.persons import access as persons_access

        return persons_access.visible_to(user)
    if subject_type == "materials.material":
        from eprok.materials import access as materials_access

        return materials_access.visible_to(user)
    if subject_type == "cases.case":
        from eprok.cases import access as cases_access

        return cases_access.visible_to(user)
    return None


def visible_subjects(user: Any, rows: list[Lookup]) -> dict[tuple[str, int], Any]:
    """The subjects of `rows` the user may still see, by (subject_type, id): one query per type of subject.
    A subject the user can no longer see (or that is gone) is not in the map, so it is not named."""
    wanted: dict[str, set[int]] = {}
    for lookup in rows:
        if lookup.subject_type in SUBJECT_FIELDS and lookup.subject_id is not None:
            wanted.setdefault(lookup.subject_type, set()).add(lookup.subject_id)
    found: dict[tuple[str, int], Any] = {}
    for subject_type, ids in wanted.items():
        visible = visible_of(user, subject_type)
        if visible is None:
            continue
        for subject in visible.filter(pk__in=ids).only("pk", SUBJECT_FIELDS[subject_type]).order_by():
            found[(subject_type, subject.pk)] = subject
    return found


def subject_visible(user: Any, lookup: Lookup) -> Any:
    """The subject of one look-up if the user may still see it, else None."""
    return visible_subjects(user, [lookup]).get((lookup.subject_type, lookup.subject_id or 0))
