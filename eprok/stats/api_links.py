"""Related proceedings in the API: GET /api/v1/stats/links/{label}/{key}."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, require_scope

from . import links
from .views_links import get_record_for, links_listed

router = Router(tags=["statistics"])


class SharedOut(Schema):
    kind: str = Field(..., description="person, company, phone, address or vehicle.")
    value: str = Field(
        ...,
        description=(
            "What is shared, as the caller may see it: a name, a phone number (masked without access to "
            "the person registry), an address, a plate or VIN; empty when only the kind may be shown."
        ),
    )
    person: str = Field("", description="The public id of the shared person, when the caller may open it.")


class LinkOut(Schema):
    type: str = Field(..., description='"materials.material" or "cases.case".')
    number: str = Field(..., description="The register or case number of the related record.")
    url: str
    title: str
    status: str
    unit: str
    strength: int = Field(..., description="Person, company and vehicle count 3, a phone 2, an address 1.")
    shared: list[SharedOut]


@router.get(
    "/links/{label}/{key}",
    response={200: list[LinkOut], **ERRORS},
    summary="List related proceedings",
    description=(
        'Crime reports and criminal cases related to the record `key` of type `label` ("materials.material" '
        'with its register number, "cases.case" with its case number) by a shared person, company, phone, '
        "address or vehicle, strongest first; only records the caller may open. 404 when the record is "
        "not visible."
    ),
)
def link_list(request: HttpRequest, label: str, key: str) -> Any:
    require_scope(request, Scope.READ)
    record = get_record_for(request.user, label, key)
    related = links.related(request.user, label, record)
    links_listed(user=request.user, label=label, key=record.number, count=len(related), channel="api")
    return [
        {
            "type": link.label,
            "number": link.key,
            "url": link.url,
            "title": link.title,
            "status": link.status,
            "unit": link.unit,
            "strength": link.strength,
            "shared": [{"kind": s.kind, "value": s.value, "person": s.person_id} for s in link.shared],
        }
        for link in related
    ]
