"""Writes to a person's documents, addresses and phones; each locks the person row (serialising with
merges) and refuses a merged duplicate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core.errors import Conflict, ValidationFailed
from eprok.persons.models import (
    AddressKind,
    DocumentKind,
    Person,
    PersonAddress,
    PersonDocument,
    PersonKind,
    PersonPhone,
)
from eprok.persons.services.records import MERGED, _lock, _text
from eprok.persons.validators import (
    normalise_citizenship,
    normalise_document,
    normalise_phone,
    normalise_postal_code,
)


def _lock_live(person: Person) -> Person:
    """Lock the person row (serialising with merges) and refuse a merged duplicate."""
    current = _lock(person)
    if current.is_merged:
        raise Conflict(MERGED, code="merged")
    return current


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, dt.date):
        raise ValidationFailed(_("Enter a valid date."), details={"field": field})
    return value


def _document_row(document: PersonDocument) -> dict[str, Any]:
    return {
        "kind": document.kind,
        "series": document.series,
        "number": document.number,
        "issuing_country": document.issuing_country,
        "issued_by": document.issued_by,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "valid_until": document.valid_until.isoformat() if document.valid_until else None,
    }


@transaction.atomic
def person_add_document(
    *,
    actor: Any,
    person: Person,
    kind: str,
    number: str,
    series: str = "",
    issuing_country: str = "",
    issued_by: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> PersonDocument:
    """Add an identity document; Azerbaijani ID cards and passports are checked against their format."""
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Choose the kind of document from the list."), details={"field": "kind"})
    series, number = normalise_document(kind, series, number)
    country = normalise_citizenship(issuing_country, field="issuing_country")
    if kind in (DocumentKind.ID_CARD, DocumentKind.PASSPORT, DocumentKind.BIRTH_CERTIFICATE) and not country:
        country = "AZ"
    if kind == DocumentKind.FOREIGN_PASSPORT and not country:
        raise ValidationFailed(
            _("Enter the country that issued the passport."), details={"field": "issuing_country"}
        )
    issued_on = _date(issued_on, "issued_on")
    valid_until = _date(valid_until, "valid_until")
    if issued_on and issued_on > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), details={"field": "issued_on"})
    if issued_on and valid_until and valid_until < issued_on:
        raise ValidationFailed(
            _("A document cannot expire before it was issued."), details={"field": "valid_until"}
        )
    current = _lock_live(person)
    if current.kind != PersonKind.NATURAL:
        raise Conflict(_("Identity documents belong to natural persons only."), code="wrong_kind")
    if current.documents.filter(kind=kind, series=series, number=number).exists():
        raise Conflict(
            _("This document is already on the record."),
            code="duplicate_document",
            details={"field": "number"},
        )
    document = PersonDocument.objects.create(
        person=current,
        kind=kind,
        series=series,
        number=number,
        issuing_country=country,
        issued_by=_text(issued_by, 200),
        issued_on=issued_on,
        valid_until=valid_until,
    )
    audit_record(
        actor=actor,
        action="persons.document.added",
        target=current,
        changes={"after": _document_row(document)},
    )
    return document


@transaction.atomic
def person_remove_document(*, actor: Any, document: PersonDocument) -> None:
    current = _lock_live(document.person)
    row = _document_row(document)
    document.delete()
    audit_record(actor=actor, action="persons.document.removed", target=current, changes={"before": row})


_ADDRESS_KINDS = {
    PersonKind.NATURAL: frozenset({AddressKind.REGISTRATION, AddressKind.RESIDENCE, AddressKind.WORK}),
    PersonKind.LEGAL: frozenset({AddressKind.LEGAL, AddressKind.RESIDENCE}),
}


def _address_row(address: PersonAddress) -> dict[str, Any]:
    return {
        "kind": address.kind,
        "district": address.district,
        "text": address.text,
        "postal_code": address.postal_code,
    }


@transaction.atomic
def person_add_address(
    *, actor: Any, person: Person, kind: str, text: str, district: str = "", postal_code: str = ""
) -> PersonAddress:
    """Add an address: registered, actual or work address of a person; legal or actual one of an entity."""
    if kind not in AddressKind.values:
        raise ValidationFailed(_("Choose the kind of address from the list."), details={"field": "kind"})
    text = _text(text, 300)
    if not text:
        raise ValidationFailed(_("Enter the address."), details={"field": "text"})
    postal_code = normalise_postal_code(postal_code)
    current = _lock_live(person)
    if kind not in _ADDRESS_KINDS[PersonKind(current.kind)]:
        raise ValidationFailed(
            _("This kind of address does not apply to this kind of person."), details={"field": "kind"}
        )
    address = PersonAddress.objects.create(
        person=current, kind=kind, text=text, district=_text(district, 100), postal_code=postal_code
    )
    audit_record(
        actor=actor, action="persons.address.added", target=current, changes={"after": _address_row(address)}
    )
    return address


@transaction.atomic
def person_remove_address(*, actor: Any, address: PersonAddress) -> None:
    current = _lock_live(address.person)
    row = _address_row(address)
    address.delete()
    audit_record(actor=actor, action="persons.address.removed", target=current, changes={"before": row})


@transaction.atomic
def person_add_phone(*, actor: Any, person: Person, number: str, note: str = "") -> PersonPhone:
    """Add a phone number, stored in E.164 form; the same number is not added twice."""
    number = normalise_phone(number)
    current = _lock_live(person)
    if current.phones.filter(number=number).exists():
        raise Conflict(
            _("This number is already on the record."), code="duplicate_phone", details={"field": "number"}
        )
    phone = PersonPhone.objects.create(person=current, number=number, note=_text(note, 100))
    audit_record(
        actor=actor,
        action="persons.phone.added",
        target=current,
        changes={"after": {"number": phone.number, "note": phone.note}},
    )
    return phone


@transaction.atomic
def person_remove_phone(*, actor: Any, phone: PersonPhone) -> None:
    current = _lock_live(phone.person)
    row = {"number": phone.number, "note": phone.note}
    phone.delete()
    audit_record(actor=actor, action="persons.phone.removed", target=current, changes={"before": row})
