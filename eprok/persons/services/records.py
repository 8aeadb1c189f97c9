"""Writes to the person record itself: registering, correcting, and auditing reads and exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record, diff
from eprok.core.errors import Conflict, ValidationFailed
from eprok.core.locking import STALE_MESSAGE, StaleVersion
from eprok.persons import names
from eprok.persons.models import (
    Person,
    PersonKind,
    Sex,
)
from eprok.persons.validators import (
    VOEN_LEGAL,
    VOEN_NATURAL,
    normalise_citizenship,
    normalise_fin,
    normalise_virtual_pin,
    normalise_voen,
)
from eprok.search.services import index_later

NATURAL_FIELDS = (
    "fin",
    "virtual_pin",
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "sex",
    "citizenship",
    "voen",
    "note",
)
LEGAL_FIELDS = ("voen", "legal_name", "registration_number", "registration_date", "note")
ALL_FIELDS = tuple(dict.fromkeys(NATURAL_FIELDS + LEGAL_FIELDS))
# The earliest plausible date of birth of a living party to a proceeding.
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)

STALE = STALE_MESSAGE
MERGED = _("This record was merged into another one; change the surviving record instead.")


# --- persons ---------------------------------------------------------------------------------------


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def compute_name_key(person: Person) -> str:
    """The folded search key of a person: surname, name and patronymic, or the legal name."""
    if person.kind == PersonKind.LEGAL:
        return names.name_key(person.legal_name)
    return names.name_key(" ".join((person.last_name, person.first_name, person.patronymic)))


def _clean(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the fields of a person of `kind`; all field errors at once."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    own = NATURAL_FIELDS if kind == PersonKind.NATURAL else LEGAL_FIELDS
    for name in ALL_FIELDS:
        value = data.get(name)
        if name not in own:
            if value not in (None, ""):
                errors[name] = str(
                    _("This field is for natural persons.")
                    if kind == PersonKind.LEGAL
                    else _("This field is for legal entities.")
                )
            continue
        try:
            clean[name] = _clean_field(kind, name, value)
        except ValidationFailed as exc:
            errors[name] = str(exc.message)
    if kind == PersonKind.NATURAL:
        if not clean.get("last_name"):
            errors.setdefault("last_name", str(_("Enter the surname.")))
        if not clean.get("first_name"):
            errors.setdefault("first_name", str(_("Enter the name.")))
    elif not clean.get("legal_name"):
        errors.setdefault("legal_name", str(_("Enter the name of the legal entity.")))
    if errors:
        raise ValidationFailed(details=errors)
    return clean


def _clean_field(kind: str, name: str, value: Any) -> Any:
    today = timezone.localdate()
    if name == "fin":
        return normalise_fin(value)
    if name == "voen":
        return normalise_voen(value, status=VOEN_LEGAL if kind == PersonKind.LEGAL else VOEN_NATURAL)
    if name == "virtual_pin":
        return normalise_virtual_pin(value)
    if name == "citizenship":
        return normalise_citizenship(value)
    if name == "sex":
        if value and value not in Sex.values:
            raise ValidationFailed(_("Choose the sex from the list."))
        return value or ""
    if name in ("birth_date", "registration_date"):
        if value in (None, ""):
            return None
        if not isinstance(value, dt.date):
            raise ValidationFailed(_("Enter a valid date."))
        if value > today:
            raise ValidationFailed(_("The date cannot be in the future."))
        if name == "birth_date" and value < EARLIEST_BIRTH_DATE:
            raise ValidationFailed(_("The date of birth is before 1900; check it."))
        return value
    if name == "note":
        return str(value or "").strip()[:4000]
    field = Person._meta.get_field(name)
    limit = getattr(field, "max_length", None) or 100
    return _text(value, limit)


def _refuse_taken_identifiers(clean: dict[str, Any], *, exclude_pk: int | None = None) -> None:
    live = Person.objects.filter(merged_into__isnull=True)
    if exclude_pk is not None:
        live = live.exclude(pk=exclude_pk)
    for field, message in (
        ("fin", _("A person with this FIN is already registered.")),
        ("voen", _("A taxpayer with this VÖEN is already registered.")),
    ):
        value = clean.get(field)
        if not value:
            continue
        existing = live.filter(**{field: value}).values_list("public_id", flat=True).first()
        if existing is not None:
            raise Conflict(
                message, code=f"duplicate_{field}", details={"field": field, "existing": str(existing)}
            )


def snapshot(person: Person) -> dict[str, Any]:
    """The person's own fields as JSON-ready values (for audit diffs and merge records)."""
    data: dict[str, Any] = {"kind": person.kind}
    for name in ALL_FIELDS:
        value = getattr(person, name)
        data[name] = value.isoformat() if isinstance(value, dt.date) else value
    return data


@transaction.atomic
def person_create(*, actor: Any, kind: str, **fields: Any) -> Person:
    """Register a natural person or a legal entity; FIN and VÖEN must not be taken by a live record."""
    if kind not in PersonKind.values:
        raise ValidationFailed(_("Choose a natural person or a legal entity."), details={"field": "kind"})
    unknown = set(fields) - set(ALL_FIELDS)
    if unknown:
        raise TypeError(f"person_create() got unknown fields: {sorted(unknown)}")
    clean = _clean(kind, fields)
    _refuse_taken_identifiers(clean)
    person = Person(kind=kind, created_by=actor if getattr(actor, "pk", None) else None, **clean)
    person.name_key = compute_name_key(person)
    try:
        with transaction.atomic():
            person.save(force_insert=True)
    except IntegrityError:
        # Another request registered the same FIN or VÖEN between the check and the insert.
        _refuse_taken_identifiers(clean)
        raise
    index_later("persons.person", person.pk)
    audit_record(
        actor=actor,
        action="persons.person.created",
        target=person,
        changes={"after": {k: v for k, v in snapshot(person).items() if v not in (None, "")}},
    )
    return person


def _lock(person: Person) -> Person:
    # Every change of a person (record, documents, addresses, phones) locks the row here first.
    index_later("persons.person", person.pk)
    return Person.objects.select_for_update().get(pk=person.pk)


def _check_version(person: Person, expected_version: int | None) -> None:
    # No details: the person forms have a "version" field, where a details entry would land instead.
    if expected_version is not None and expected_version != person.version:
        raise StaleVersion()


@transaction.atomic
def person_update(
    *, actor: Any, person: Person, expected_version: int | None = None, **fields: Any
) -> Person:
    """Correct a person's fields (only those given); the kind cannot change."""
    unknown = set(fields) - set(ALL_FIELDS)
    if unknown:
        raise TypeError(f"person_update() got unknown fields: {sorted(unknown)}")
    current = _lock(person)
    if current.is_merged:
        raise Conflict(MERGED, code="merged")
    _check_version(current, expected_version)
    before = snapshot(current)
    merged = {**{k: getattr(current, k) for k in ALL_FIELDS}, **fields}
    clean = _clean(current.kind, merged)
    _refuse_taken_identifiers(clean, exclude_pk=current.pk)
    for name, value in clean.items():
        setattr(current, name, value)
    after = snapshot(current)
    changes = diff(before, after)
    if not changes:
        return current
    current.name_key = compute_name_key(current)
    current.version = F("version") + 1
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError:
        _refuse_taken_identifiers(clean, exclude_pk=current.pk)
        raise
    current.refresh_from_db()
    audit_record(actor=actor, action="persons.person.updated", target=current, changes=changes)
    return current


def person_record_view(*, actor: Any, person: Person, purpose: str = "") -> None:
    """Audit a read of a person card (HTML or API): who opened whose personal data."""
    with transaction.atomic():
        audit_record(actor=actor, action="persons.person.viewed", target=person, purpose=purpose)


def person_record_export(*, actor: Any, filters: dict[str, Any], max_rows: int, file_format: str) -> None:
    """Audit an export of search results, with the filters that chose the rows."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="persons.person.exported",
            data={"filters": filters, "max_rows": max_rows, "format": file_format},
        )
