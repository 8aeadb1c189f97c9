"""API operations of drafting (mounted in eprok.core.api at /api/v1/drafting).

- `GET /templates?owner_type=` the templates in use for a kind of record;
- `POST /preview` the HTML of a template filled from a record the caller may generate for;
- `POST /generate` render a template for a record as PDF or DOCX and store it as a draft document of the
  record (201 with the document; the `Idempotency-Key` header makes a retry return the same document, 200);
- template administration (Role "Manage document templates"): `POST /templates/{code}/versions` saves a
  draft version, `POST /templates/{code}/versions/{number}/publish` publishes it (the previous is retired).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope
from eprok.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from eprok.core.idempotency import run_once
from eprok.drafting import access, selectors, services
from eprok.drafting.models import OutputFormat, Template, TemplateVersion

router = Router(tags=["drafting"])


class TemplateOut(Schema):
    code: str
    name: str
    name_az: str
    group: str
    legal_basis: str
    owner_types: list[str]
    published_version: int | None


class TemplateFilter(Schema):
    owner_type: str = Field("", max_length=64, description="Only templates for this kind of record")


class OwnerIn(Schema):
    template: str = Field(..., min_length=1, max_length=64, description="Template code")
    owner_type: str = Field(..., min_length=1, max_length=64, description="e.g. cases.case")
    owner_key: str = Field(..., min_length=1, max_length=64, description="The record's number or public id")


class GenerateIn(OwnerIn):
    format: OutputFormat = OutputFormat.PDF


class PreviewOut(Schema):
    template: str
    version: int
    title: str
    html: str


class GeneratedOut(Schema):
    public_id: uuid.UUID
    title: str
    category: str
    status: str
    owner_type: str
    owner_key: str
    template_version: int
    format: str
    url: str


class VersionIn(Schema):
    title: str = Field("", max_length=300)
    body: str = Field(..., min_length=1, max_length=100_000)
    note: str = Field("", max_length=500)


class VersionOut(Schema):
    template: str
    number: int
    status: str
    title: str
    note: str
    published_at: dt.datetime | None


def _template_out(t: Template) -> dict[str, Any]:
    published = selectors.published_version(t)
    return {
        "code": t.code,
        "name": t.name,
        "name_az": t.name_az,
        "group": t.group,
        "legal_basis": t.legal_basis,
        "owner_types": t.owner_type_list,
        "published_version": published.number if published else None,
    }


def _version_out(v: TemplateVersion) -> dict[str, Any]:
    return {
        "template": v.template.code,
        "number": v.number,
        "status": v.status,
        "title": v.title,
        "note": v.note,
        "published_at": v.published_at,
    }


def _generated_out(document: Any) -> dict[str, Any]:
    generation = document.generation
    return {
        "public_id": document.public_id,
        "title": document.title,
        "category": document.category,
        "status": document.status,
        "owner_type": document.owner_type,
        "owner_key": document.owner_key,
        "template_version": generation.version.number,
        "format": generation.output_format,
        "url": reverse("documents:detail", args=[document.public_id]),
    }


@router.get("/templates", response={200: list[TemplateOut], **ERRORS}, summary="Templates in use")
def template_list(request: HttpRequest, filters: Query[TemplateFilter]) -> Any:
    """Active templates with a published version; with `owner_type`, only those for that kind of record."""
    require_scope(request, Scope.READ)
    if filters.owner_type:
        qs = selectors.templates_for(filters.owner_type)
    else:
        qs = selectors.template_list().filter(is_active=True)
    return [_template_out(t) for t in qs]


@router.post(
    "/preview", response={200: PreviewOut, **ERRORS}, summary="Preview a template filled from a record"
)
def preview(request: HttpRequest, payload: OwnerIn) -> Any:
    require_scope(request, Scope.READ)
    kind, owner = access.get_owner_for(request.user, payload.owner_type, payload.owner_key)
    template = access.get_template_for(request.user, payload.template)
    version = selectors.published_version(template)
    if version is None:
        access.deny_unpublished(request.user, template)
    rendered = services.render_for(
        actor=request.user, version=version, kind=kind, owner=owner, purpose="api preview"
    )
    return {
        "template": template.code,
        "version": version.number,
        "title": rendered.title,
        "html": rendered.sheet_html,
    }


@router.post(
    "/generate",
    response={200: GeneratedOut, 201: GeneratedOut, **WRITE_ERRORS},
    summary="Generate a document from a template",
    description=(
        "Renders the template's published version with the record's fields as PDF or DOCX and stores it as a "
        "new draft document of the record. With an `Idempotency-Key` header a retried request returns the "
        "document the first one created (200)."
    ),
)
def generate(request: HttpRequest, payload: GenerateIn) -> Any:
    require_scope(request, Scope.WRITE)
    kind, owner = access.get_owner_for(request.user, payload.owner_type, payload.owner_key)
    template = access.get_template_for(request.user, payload.template)

    def create() -> Any:
        return services.document_generate(
            actor=request.user, template=template, kind=kind, owner=owner, output_format=payload.format.value
        )

    from eprok.documents.models import Document

    document, created = run_once(
        client=request.user,
        operation="drafting.generate",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload=payload.model_dump(mode="json"),
        create=create,
        result_key=lambda d: str(d.public_id),
        load=lambda key: Document.objects.get(public_id=key),
    )
    return Status(201 if created else 200, _generated_out(document))


@router.post(
    "/templates/{code}/versions",
    response={201: VersionOut, **WRITE_ERRORS},
    summary="Save a draft version of a template",
)
def version_create(request: HttpRequest, code: str, payload: VersionIn) -> Any:
    require_scope(request, Scope.WRITE)
    template = access.get_template_for(request.user, code, action="manage")
    version = services.version_save(
        actor=request.user, template=template, title=payload.title, body=payload.body, note=payload.note
    )
    return Status(201, _version_out(version))


@router.post(
    "/templates/{code}/versions/{number}/publish",
    response={200: VersionOut, **WRITE_ERRORS},
    summary="Publish a version of a template",
)
def version_publish(request: HttpRequest, code: str, number: int) -> Any:
    require_scope(request, Scope.WRITE)
    template = access.get_template_for(request.user, code, action="manage")
    version = selectors.version_get(template, number) if 0 < number < 2**31 else None
    if version is None:
        access.deny_unpublished(request.user, template)
    return _version_out(services.version_publish(actor=request.user, version=version))
