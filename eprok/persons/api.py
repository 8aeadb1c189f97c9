"""API operations of the person registry (mounted in eprok.core.api at /api/v1/persons).

The same services and selectors as the pages: searching reads names and masked FINs; reading one
person returns every field and is audited as "persons.person.viewed"; creating operations honour the
Idempotency-Key header; updates take `version` in the body or an `If-Match` header.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope
from eprok.core.errors import ValidationFailed
from eprok.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from eprok.core.idempotency import run_once
from eprok.core.locking import expected_version
from eprok.core.pagination import Page, PageParams, paginate
from eprok.persons import access, selectors, services
from eprok.persons.forms import PersonFilterForm
from eprok.persons.models import (
    AddressKind,
    DocumentKind,
    Person,
    PersonAddress,
    PersonDocument,
    PersonPhone,
)
from eprok.persons.validators import mask_fin

router = Router(tags=["persons"])

KindLiteral = Literal["natural", "legal"]


class _Input(Schema):
    """Text fields may not carry NUL characters (no database stores them)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL characters are not allowed")
        return value


# --- output ----------------------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    kind: str = Field(..., description=f"One of: {', '.join(DocumentKind.values)}.")
    series: str
    number: str
    issuing_country: str
    issued_by: str
    issued_on: dt.date | None
    valid_until: dt.date | None


class AddressOut(Schema):
    id: int
    kind: str = Field(..., description=f"One of: {', '.join(AddressKind.values)}.")
    district: str
    text: str
    postal_code: str


class PhoneOut(Schema):
    id: int
    number: str = Field(..., description="E.164, e.g. +994501234567.")
    note: str


class PersonListOut(Schema):
    """A search result: enough to tell persons apart; the FIN is masked as on the pages."""

    public_id: uuid.UUID
    kind: str
    display_name: str
    birth_date: dt.date | None
    fin_masked: str = Field(..., description="The FIN with its middle hidden, e.g. 5Z****7.")
    voen: str | None
    citizenship: str
    merged_into: uuid.UUID | None = Field(None, description="For a merged duplicate: the surviving record.")

    @staticmethod
    def resolve_fin_masked(obj: Person) -> str:
        return mask_fin(obj.fin)

    @staticmethod
    def resolve_merged_into(obj: Person) -> uuid.UUID | None:
        return obj.merged_into.public_id if obj.merged_into_id and obj.merged_into else None


class PersonOut(Schema):
    """One person with every field, documents, addresses and phones. Reading it is audited."""

    public_id: uuid.UUID
    kind: str
    display_name: str
    last_name: str
    first_name: str
    patronymic: str
    birth_date: dt.date | None
    sex: str
    citizenship: str
    fin: str | None
    virtual_pin: str
    voen: str | None
    legal_name: str
    registration_number: str
    registration_date: dt.date | None
    note: str
    merged_into: uuid.UUID | None = Field(None, description="For a merged duplicate: the surviving record.")
    version: int = Field(..., description="Send it back as `version` (or If-Match) when updating.")
    created_at: dt.datetime
    documents: list[DocumentOut]
    addresses: list[AddressOut]
    phones: list[PhoneOut]

    @staticmethod
    def resolve_merged_into(obj: Person) -> uuid.UUID | None:
        return obj.merged_into.public_id if obj.merged_into_id and obj.merged_into else None

    @staticmethod
    def resolve_documents(obj: Person) -> list[Any]:
        return list(obj.documents.all())

    @staticmethod
    def resolve_addresses(obj: Person) -> list[Any]:
        return list(obj.addresses.all())

    @staticmethod
    def resolve_phones(obj: Person) -> list[Any]:
        return list(obj.phones.all())


# --- input -----------------------------------------------------------------------------------------


class PersonFilter(_Input):
    q: str = Field(
        "",
        max_length=200,
        description="A name in any spelling, surname first (Məmmədov = Mamedov = Мамедов), or an exact "
        "FIN, VÖEN, virtual PIN, document or phone number.",
    )
    kind: KindLiteral | None = Field(None, description="natural or legal.")
    birth_date: dt.date | None = None
    sort: Literal["name", "-name", "birth_date", "-birth_date", "created", "-created"] = "name"


class PersonIn(_Input):
    """A new person. Natural persons: last_name and first_name required; legal entities: legal_name."""

    kind: KindLiteral
    last_name: str = Field("", max_length=100)
    first_name: str = Field("", max_length=100)
    patronymic: str = Field("", max_length=100)
    birth_date: dt.date | None = None
    sex: Literal["", "male", "female"] = ""
    citizenship: str = Field("", max_length=2, description="ISO 3166 alpha-2, e.g. AZ.")
    fin: str | None = Field(None, max_length=16, description="7 characters, no I or O.")
    virtual_pin: str = Field("", max_length=20)
    voen: str | None = Field(None, max_length=16, description="10 digits; ends in 1 (legal) or 2 (natural).")
    legal_name: str = Field("", max_length=300)
    registration_number: str = Field("", max_length=64)
    registration_date: dt.date | None = None
    note: str = Field("", max_length=4000)


class PersonPatch(_Input):
    """Fields to change; omitted fields stay. `version` (or If-Match) refuses a stale update with 409."""

    version: int | None = Field(None, ge=1)
    last_name: str | None = Field(None, max_length=100)
    first_name: str | None = Field(None, max_length=100)
    patronymic: str | None = Field(None, max_length=100)
    birth_date: dt.date | None = None
    sex: Literal["", "male", "female"] | None = None
    citizenship: str | None = Field(None, max_length=2)
    fin: str | None = Field(None, max_length=16)
    virtual_pin: str | None = Field(None, max_length=20)
    voen: str | None = Field(None, max_length=16)
    legal_name: str | None = Field(None, max_length=300)
    registration_number: str | None = Field(None, max_length=64)
    registration_date: dt.date | None = None
    note: str | None = Field(None, max_length=4000)


class DocumentIn(_Input):
    kind: Literal["id_card", "passport", "foreign_passport", "residence_permit", "birth_certificate", "other"]
    number: str = Field(..., max_length=40, description="E.g. AZE12345678, AA1234567, C01234567.")
    series: str = Field("", max_length=12)
    issuing_country: str = Field("", max_length=2)
    issued_by: str = Field("", max_length=200)
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None


class AddressIn(_Input):
    kind: Literal["registration", "residence", "legal", "work"]
    text: str = Field(..., max_length=300)
    district: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=7, description="AZ and 4 digits.")


class PhoneIn(_Input):
    number: str = Field(..., max_length=32, description="Any usual writing; stored in E.164.")
    note: str = Field("", max_length=100)


class MergeIn(_Input):
    survivor: uuid.UUID = Field(
        ..., description="The record that stays; the one in the path is merged into it."
    )
    reason: str = Field(..., min_length=1, max_length=2000)


# --- operations ------------------------------------------------------------------------------------


def _loaded(user: Any, public_id: Any, action: str = "view") -> Person:
    return selectors.person_get(user=user, public_id=public_id, action=action)


def _expected_version(request: HttpRequest, version: int | None) -> int | None:
    return expected_version(request, version)


@router.get("", response={200: Page[PersonListOut], **ERRORS}, summary="Search persons")
def person_list(request: HttpRequest, page: Query[PageParams], filters: Query[PersonFilter]) -> Any:
    """Live records matching the filters, sorted by `sort`; nothing until `q` or `birth_date` is given."""
    require_scope(request, "read")
    access.require_registry(request.user, "search")
    form = PersonFilterForm(
        {
            "q": filters.q,
            "kind": filters.kind or "",
            "birth_date": filters.birth_date.isoformat() if filters.birth_date else "",
            "sort": filters.sort,
        }
    )
    if not form.is_valid():
        raise ValidationFailed(details={k: [str(e) for e in v] for k, v in form.errors.items()})
    qs = selectors.person_list(user=request.user, filters=form.to_filters()).select_related("merged_into")
    return paginate(qs, limit=page.limit, offset=page.offset)


@router.get("/{public_id}", response={200: PersonOut, **ERRORS}, summary="Get a person")
def person_get(request: HttpRequest, public_id: str) -> Any:
    require_scope(request, "read")
    person = _loaded(request.user, public_id)
    services.person_record_view(actor=request.user, person=person, purpose="api")
    return person


@router.post("", response={201: PersonOut, 200: PersonOut, **WRITE_ERRORS}, summary="Register a person")
def person_create(request: HttpRequest, payload: PersonIn) -> Any:
    """Send an Idempotency-Key header to make a retried request return the first result."""
    require_scope(request, "write")
    access.require_registry(request.user, "create")
    data = payload.dict(exclude_unset=True)
    kind = data.pop("kind")
    person, created = run_once(
        client=request.user,
        operation="persons.person.create",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload=payload.dict(),
        create=lambda: services.person_create(actor=request.user, kind=kind, **data),
        result_key=lambda p: str(p.public_id),
        load=lambda k: Person.objects.get(public_id=k),
    )
    # A replay of the same Idempotency-Key answers 200 with the record the first request created.
    return Status(201 if created else 200, _loaded(request.user, person.public_id))


@router.patch("/{public_id}", response={200: PersonOut, **WRITE_ERRORS}, summary="Correct a person")
def person_update(request: HttpRequest, public_id: str, payload: PersonPatch) -> Any:
    require_scope(request, "write")
    person = access.get_person_for(request.user, public_id, action="change")
    data = payload.dict(exclude_unset=True)
    version = _expected_version(request, data.pop("version", None))
    services.person_update(actor=request.user, person=person, expected_version=version, **data)
    return _loaded(request.user, person.public_id)


def _create_row(
    request: HttpRequest, public_id: str, operation: str, model: type[Any], payload: Any, create: Any
) -> Any:
    require_scope(request, "write")
    person = access.get_person_for(request.user, public_id, action="change")
    row, created = run_once(
        client=request.user,
        operation=f"persons.{operation}:{person.public_id}",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload=payload.dict(),
        create=lambda: create(actor=request.user, person=person, **payload.dict()),
        result_key=lambda r: str(r.pk),
        load=lambda k: model.objects.get(pk=int(k)),
    )
    return Status(201 if created else 200, row)


@router.post(
    "/{public_id}/documents",
    response={201: DocumentOut, 200: DocumentOut, **WRITE_ERRORS},
    summary="Add a document",
)
def document_add(request: HttpRequest, public_id: str, payload: DocumentIn) -> Any:
    return _create_row(
        request, public_id, "document.add", PersonDocument, payload, services.person_add_document
    )


@router.post(
    "/{public_id}/addresses",
    response={201: AddressOut, 200: AddressOut, **WRITE_ERRORS},
    summary="Add an address",
)
def address_add(request: HttpRequest, public_id: str, payload: AddressIn) -> Any:
    return _create_row(request, public_id, "address.add", PersonAddress, payload, services.person_add_address)


@router.post(
    "/{public_id}/phones",
    response={201: PhoneOut, 200: PhoneOut, **WRITE_ERRORS},
    summary="Add a phone number",
)
def phone_add(request: HttpRequest, public_id: str, payload: PhoneIn) -> Any:
    return _create_row(request, public_id, "phone.add", PersonPhone, payload, services.person_add_phone)


def _delete_row(request: HttpRequest, public_id: str, model: type[Any], pk: int, remove: Any) -> Any:
    require_scope(request, "write")
    person = access.get_person_for(request.user, public_id, action="change")
    row = get_object_or_404(model.objects.select_related("person"), pk=pk, person=person)
    remove(row)
    return Status(204, None)


@router.delete(
    "/{public_id}/documents/{pk}", response={204: None, **WRITE_ERRORS}, summary="Remove a document"
)
def document_remove(request: HttpRequest, public_id: str, pk: int) -> Any:
    return _delete_row(
        request,
        public_id,
        PersonDocument,
        pk,
        lambda row: services.person_remove_document(actor=request.user, document=row),
    )


@router.delete(
    "/{public_id}/addresses/{pk}", response={204: None, **WRITE_ERRORS}, summary="Remove an address"
)
def address_remove(request: HttpRequest, public_id: str, pk: int) -> Any:
    return _delete_row(
        request,
        public_id,
        PersonAddress,
        pk,
        lambda row: services.person_remove_address(actor=request.user, address=row),
    )


@router.delete(
    "/{public_id}/phones/{pk}", response={204: None, **WRITE_ERRORS}, summary="Remove a phone number"
)
def phone_remove(request: HttpRequest, public_id: str, pk: int) -> Any:
    return _delete_row(
        request,
        public_id,
        PersonPhone,
        pk,
        lambda row: services.person_remove_phone(actor=request.user, phone=row),
    )


@router.get(
    "/{public_id}/duplicates", response={200: list[PersonListOut], **ERRORS}, summary="Possible duplicates"
)
def person_duplicates(request: HttpRequest, public_id: str) -> Any:
    """Live records with the same FIN/VÖEN, or the same folded name and date of birth."""
    require_scope(request, "read")
    person = access.get_person_for(request.user, public_id)
    return selectors.duplicate_candidates(person=person, user=request.user)


@router.post(
    "/{public_id}/merge", response={200: PersonOut, **WRITE_ERRORS}, summary="Merge into another record"
)
def person_merge(request: HttpRequest, public_id: str, payload: MergeIn) -> Any:
    """The person in the path is the duplicate; it is merged into `survivor`, which is returned."""
    require_scope(request, "write")
    duplicate = access.get_person_for(request.user, public_id, action="merge")
    survivor = access.get_person_for(request.user, payload.survivor, action="merge")
    merged = services.person_merge(
        actor=request.user, duplicate=duplicate, survivor=survivor, reason=payload.reason
    )
    return _loaded(request.user, merged.public_id)
