"""API operations of state-register look-ups (mounted in eprok.core.api at /api/v1/registers).

The same services and selectors as the register browser: a look-up needs a purpose and a role the
register allows (refusals are audited); a register that fails gives a look-up with status "failed" and
the message, not an error of the API. The caller reads only their own look-ups, and every read is audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope
from eprok.core.pagination import Page, PageParams, paginate
from eprok.gateway import lookups, selectors_registers
from eprok.gateway.lookups import QueryKind
from eprok.gateway.models import Lookup, LookupStatus, Register, RegisterCopy

router = Router(tags=["registers"])


class RegisterLookupIn(Schema):
    # "register" is a name pydantic's Schema already uses: the field is aliased.
    register_: Register = Field(..., alias="register", description=f"One of: {', '.join(Register.values)}.")
    query_kind: QueryKind = Field(
        ..., description="fin, voen, plate or vin (what each register accepts: docs)."
    )
    query: str = Field(..., max_length=40, description="The FIN, VÖEN, plate (10-AB-123) or VIN.")
    purpose: str = Field(
        "", max_length=lookups.PURPOSE_MAX, description="Why the data are needed (at least 10 characters)."
    )
    subject: str = Field(
        "",
        max_length=120,
        description="What the look-up is made from: person:<public id>, material:<number> or case:<number>.",
    )
    issue: str = Field(
        "",
        max_length=lookups.ISSUE_MAX,
        description="A case or report number sent as X-Road-Issue (taken from the subject if it is one).",
    )


class RegisterLookupOut(Schema):
    id: uuid.UUID
    register_: str = Field(..., alias="register")
    query_kind: str
    query: str
    purpose: str
    issue: str
    subject: str = Field("", description="person:<id>, material:<number> or case:<number>; empty if none.")
    status: str = Field(..., description=f"One of: {', '.join(LookupStatus.values)}.")
    result: dict[str, Any] = Field(
        ..., description="The register's answer (found), empty (not found), or {outcome} (failed)."
    )
    error: str = Field(..., description="For a failed look-up: the message shown to the user.")
    xroad_id: str = Field("", description="The X-Road message id of the exchange in the gateway's log.")
    created_at: dt.datetime


class RegisterCopyIn(Schema):
    person: uuid.UUID = Field(..., description="The person record's public id.")
    fields: list[str] = Field(
        ..., min_length=1, max_length=7, description=f"Any of: {', '.join(lookups.COPY_FIELDS)}."
    )
    version: int | None = Field(
        None, description="The person record's version the caller saw (409 if stale)."
    )


class RegisterCopyOut(Schema):
    lookup: uuid.UUID
    person: uuid.UUID
    fields: dict[str, Any] = Field(..., description="What was copied, by field.")
    copied_at: dt.datetime
    copied_by: str


# The fields `selectors_registers.subject_reference` reads, by the subject's type.
def _lookup_out(lookup: Lookup, subjects: dict[tuple[str, int], Any]) -> dict[str, Any]:
    """The look-up as answered; `subjects` are those the caller may see (`_visible_subjects`)."""
    subject = subjects.get((lookup.subject_type, lookup.subject_id or 0))
    return {
        "id": lookup.public_id,
        "register": lookup.register,  # by alias
        "query_kind": lookup.query_kind,
        "query": lookup.query,
        "purpose": lookup.purpose,
        "issue": lookup.issue,
        "subject": selectors_registers.subject_reference(subject),
        "status": lookup.status,
        "result": lookup.result or {},
        "error": lookup.error,
        "xroad_id": lookup.message.xroad_id if lookup.message is not None else "",
        "created_at": lookup.created_at,
    }


@router.post(
    "/lookups",
    response={201: RegisterLookupOut, **WRITE_ERRORS},
    by_alias=True,
    summary="Look up in a state register",
    description=(
        "Asks one register through the e-Government gateway. Refused (403, audited) when the caller's roles "
        "do not allow the register; 422 (audited) without a purpose. A register that does not answer, "
        "refuses or answers garbage gives a look-up with status `failed` and the message in `error`."
    ),
)
def lookup_create(request: HttpRequest, payload: RegisterLookupIn) -> Any:
    require_scope(request, Scope.WRITE)
    subject = selectors_registers.resolve_subject(user=request.user, text=payload.subject)
    lookup = lookups.lookup_run(
        actor=request.user,
        register=payload.register_.value,
        query_kind=payload.query_kind.value,
        query=payload.query,
        purpose=payload.purpose,
        subject=subject,
        issue=payload.issue,
    )
    # The subject was just resolved among those the caller may see.
    subjects = {(lookup.subject_type, subject.pk): subject} if subject is not None else {}
    return Status(201, _lookup_out(lookup, subjects))


@router.get(
    "/lookups",
    response={200: Page[RegisterLookupOut], **ERRORS},
    by_alias=True,
    summary="List my look-ups",
    description="The caller's own look-ups, newest first. The read is audited.",
)
def lookup_list(request: HttpRequest, page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    result = paginate(
        selectors_registers.lookup_history(user=request.user).select_related("message"),
        limit=page.limit,
        offset=page.offset,
    )
    if result["items"]:
        lookups.lookups_record_listed(
            actor=request.user, keys=[str(lookup.public_id) for lookup in result["items"]], purpose="api"
        )
    subjects = selectors_registers.visible_subjects(request.user, result["items"])
    result["items"] = [_lookup_out(lookup, subjects) for lookup in result["items"]]
    return result


@router.get(
    "/lookups/{lookup_id}",
    response={200: RegisterLookupOut, **ERRORS},
    by_alias=True,
    summary="Read one of my look-ups",
    description="404 for a look-up of someone else. The read is audited.",
)
def lookup_detail(request: HttpRequest, lookup_id: str) -> Any:
    require_scope(request, Scope.READ)
    lookup = selectors_registers.lookup_get(user=request.user, key=lookup_id)
    lookups.lookup_record_view(actor=request.user, lookups=[lookup], purpose="api")
    return _lookup_out(lookup, selectors_registers.visible_subjects(request.user, [lookup]))


@router.post(
    "/lookups/{lookup_id}/copy",
    response={201: RegisterCopyOut, **WRITE_ERRORS},
    summary="Copy a population answer into a person record",
    description=(
        "Copies the chosen fields of a found population look-up into the person record (the caller may "
        "change it); the copy is recorded with its source and audited. 409 when the record has another FIN, "
        "was merged, or changed since `version`."
    ),
)
def lookup_copy(request: HttpRequest, lookup_id: str, payload: RegisterCopyIn) -> Any:
    from eprok.persons import access as persons_access

    require_scope(request, Scope.WRITE)
    lookup = selectors_registers.lookup_get(user=request.user, key=lookup_id)
    person = persons_access.get_person_for(request.user, payload.person, action="change")
    copy: RegisterCopy = lookups.lookup_copy(
        actor=request.user,
        lookup=lookup,
        person=person,
        fields=payload.fields,
        expected_version=payload.version,
    )
    return Status(
        201,
        {
            "lookup": lookup.public_id,
            "person": person.public_id,
            "fields": copy.fields,
            "copied_at": copy.copied_at,
            "copied_by": getattr(request.user, "full_name", "") or request.user.get_username(),
        },
    )
