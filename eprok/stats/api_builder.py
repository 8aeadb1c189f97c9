"""API of the report builder and the background exports (mounted at /api/v1/stats).

`POST /builder/run` answers a definition's table; saved queries are listed, created, read, changed and
deleted under `/builder/queries` (changes take the `version` in the body or an `If-Match` header and answer
409 when it is stale; only the owner changes a query, others may read and run it). `POST /exports` queues a
background export of any report (202 with the job); `GET /exports/{public_id}` tells its progress and,
when ready, its download URL. Reads need the token scope "read", changes "write".
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope, unit_by_code
from eprok.core.errors import NotFound
from eprok.core.locking import expected_version
from eprok.core.pagination import Page, PageParams, paginate
from eprok.org.models import Unit

from . import access, jobs
from .models import ExportJob, ExportStatus, SavedQuery
from .reports import builder
from .tables import Report

router = Router(tags=["statistics"])


# --- schemas ------------------------------------------------------------------------------------------------


class DefinitionIn(Schema):
    definition: dict[str, Any] = Field(
        ...,
        description=(
            "measures (list), dimensions (0 to 2), filters (body, category, chapter, article, region), "
            "start and end (ISO dates), unit (code; default the top of your scope), as_of (ISO moment)."
        ),
    )


class ColumnOut(Schema):
    key: str
    label: str
    kind: str


class TableOut(Schema):
    report: str
    title: str
    unit: str
    start: dt.date
    end: dt.date
    as_of: dt.datetime
    columns: list[ColumnOut]
    rows: list[dict[str, Any]] = Field(..., description="One object per row (column key → value).")
    total: dict[str, Any] | None = Field(None, description="The total row.")
    definition: dict[str, Any]
    notes: list[str]


class QueryOut(Schema):
    public_id: uuid.UUID
    name: str
    owner: str
    mine: bool
    shared_with: str | None = Field(None, description="The code of the unit it is shared with.")
    definition: dict[str, Any]
    version: int
    updated_at: dt.datetime


class QueryIn(DefinitionIn):
    name: str = Field(..., max_length=200)
    shared_with: str | None = Field(None, max_length=64, description="A unit code, or null: private.")


class QueryPatchIn(Schema):
    name: str | None = Field(None, max_length=200)
    shared_with: str | None = Field(None, max_length=64, description='A unit code; "" makes it private.')
    definition: dict[str, Any] | None = None
    version: int | None = Field(None, ge=1, description="The version read; or send If-Match.")


class QueryVersionIn(Schema):
    version: int | None = Field(None, ge=1)


class ExportIn(Schema):
    code: str = Field(..., max_length=32, description='The report\'s code, e.g. "builder".')
    params: dict[str, Any] = Field(default_factory=dict)
    fmt: str = Field(..., max_length=8, description="xlsx, csv or pdf.")


class ExportOut(Schema):
    public_id: uuid.UUID
    report: str
    fmt: str
    status: ExportStatus
    progress: int
    rows_total: int | None
    rows_done: int
    error: str
    filename: str
    size: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    expires_at: dt.datetime | None
    expired: bool
    download_url: str | None


# --- helpers ------------------------------------------------------------------------------------------------


def _table(report: Report) -> dict[str, Any]:
    table = report.tables[0]
    rows = [dict(row.cells) for row in table.rows if not row.total]
    total = next((dict(row.cells) for row in table.rows if row.total), None)

    def plain(cells: dict[str, Any]) -> dict[str, Any]:
        return {
            key: (str(value) if not isinstance(value, int | str | type(None)) else value)
            for key, value in cells.items()
        }

    return {
        "report": report.code,
        "title": str(report.title),
        "unit": str(report.unit_name),
        "start": report.period[0],
        "end": report.period[1],
        "as_of": report.as_of,
        "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.columns],
        "rows": [plain(row) for row in rows],
        "total": plain(total) if total else None,
        "definition": report.params.get("definition", {}),
        "notes": [str(note) for note in report.notes],
    }


def _query(request: HttpRequest, query: SavedQuery) -> dict[str, Any]:
    return {
        "public_id": query.public_id,
        "name": query.name,
        "owner": str(query.owner),
        "mine": query.owner_id == request.user.pk,
        "shared_with": query.shared_with.code if query.shared_with else None,
        "definition": query.definition,
        "version": query.version,
        "updated_at": query.updated_at,
    }


def _share_unit(code: str | None) -> Unit | None:
    """The unit a query is shared with (none when the body names none); a 422 on an unknown code."""
    return unit_by_code(code, "shared_with") if code else None


def _export(request: HttpRequest, job: ExportJob) -> dict[str, Any]:
    url = (
        reverse("api:stats_export_download", kwargs={"public_id": job.public_id})
        if jobs.downloadable(job)
        else None
    )
    return {
        "public_id": job.public_id,
        "report": job.report,
        "fmt": job.fmt,
        "status": job.status,
        "progress": job.progress,
        "rows_total": job.rows_total,
        "rows_done": job.rows_done,
        "error": job.error,
        "filename": job.filename,
        "size": job.size,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "expires_at": job.expires_at,
        "expired": jobs.expired(job),
        "download_url": request.build_absolute_uri(url) if url else None,
    }


# --- the builder and saved queries --------------------------------------------------------------------------


@router.post(
    "/builder/run",
    response={200: TableOut, **ERRORS},
    summary="Run a report-builder query",
    description="The table of the definition's measures by its dimensions, inside the caller's scope.",
)
def builder_run(request: HttpRequest, payload: DefinitionIn) -> Any:
    require_scope(request, Scope.READ)
    access.require_view(request.user, action="builder")
    _definition, report = builder.run_definition(request.user, payload.definition)
    return _table(report)


@router.get(
    "/builder/queries",
    response={200: Page[QueryOut], **ERRORS},
    summary="List saved queries",
    description="The caller's own queries and those shared with the units where the caller views statistics.",
)
def query_list(request: HttpRequest, page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    access.require_view(request.user, action="builder.saved")
    queryset = (
        access.saved_queries_visible_to(request.user)
        .select_related("owner", "shared_with")
        .order_by("name", "pk")
    )
    result = paginate(queryset, limit=page.limit, offset=page.offset)
    result["items"] = [_query(request, query) for query in result["items"]]
    return result


@router.post(
    "/builder/queries",
    response={201: QueryOut, **WRITE_ERRORS},
    summary="Save a query",
    description="Validates the definition; `shared_with` must be a unit where the caller views statistics.",
)
def query_create(request: HttpRequest, payload: QueryIn) -> Any:
    require_scope(request, Scope.WRITE)
    access.require_view(request.user, action="builder.save")
    definition = builder.parse(request.user, payload.definition)
    query = builder.query_save(
        actor=request.user,
        name=payload.name,
        definition=definition,
        shared_with=_share_unit(payload.shared_with),
    )
    return Status(201, _query(request, builder.query_get(request.user, query.public_id)))


@router.get(
    "/builder/queries/{uuid:public_id}",
    response={200: QueryOut, **ERRORS},
    summary="Get a saved query",
)
def query_get(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    return _query(request, builder.query_get(request.user, public_id))


@router.patch(
    "/builder/queries/{uuid:public_id}",
    response={200: QueryOut, **WRITE_ERRORS},
    summary="Rename, re-share or redefine a saved query",
    description='The owner only (403 for others who see it). `shared_with: ""` makes it private.',
)
def query_patch(request: HttpRequest, public_id: uuid.UUID, payload: QueryPatchIn) -> Any:
    require_scope(request, Scope.WRITE)
    query = builder.query_get(request.user, public_id)
    fields = payload.model_fields_set
    definition = builder.parse(request.user, payload.definition) if payload.definition is not None else None
    kwargs: dict[str, Any] = {}
    if "shared_with" in fields:
        kwargs["shared_with"] = _share_unit(payload.shared_with)
    builder.query_update(
        actor=request.user,
        query=query,
        expected_version=expected_version(request, payload.version),
        name=payload.name,
        definition=definition,
        **kwargs,
    )
    return _query(request, builder.query_get(request.user, public_id))


@router.delete(
    "/builder/queries/{uuid:public_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a saved query",
    description="The owner only; the version in the body or an If-Match header.",
)
def query_delete(request: HttpRequest, public_id: uuid.UUID, version: Query[QueryVersionIn]) -> Any:
    require_scope(request, Scope.WRITE)
    query = builder.query_get(request.user, public_id)
    builder.query_delete(
        actor=request.user, query=query, expected_version=expected_version(request, version.version)
    )
    return Status(204, None)


# --- background exports -------------------------------------------------------------------------------------


@router.post(
    "/exports",
    response={202: ExportOut, **ERRORS},
    summary="Export a report in the background",
    description="Queues the export of report `code` with `params` as `fmt`; poll the job for its progress.",
)
def export_create(request: HttpRequest, payload: ExportIn) -> Any:
    require_scope(request, Scope.WRITE)
    job = jobs.export_request(user=request.user, code=payload.code, params=payload.params, fmt=payload.fmt)
    job.refresh_from_db()
    return Status(202, _export(request, job))


@router.get(
    "/exports/{uuid:public_id}",
    response={200: ExportOut, **ERRORS},
    summary="Get a background export",
    description="Its status and progress; when ready, the URL of its file (the caller's own exports only).",
)
def export_get(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    return _export(request, jobs.job_for(request.user, public_id))


@router.get(
    "/exports/{uuid:public_id}/download",
    response={200: None, **ERRORS},
    url_name="stats_export_download",
    summary="Download a background export",
    description=(
        "The file of a ready export (audited); 404 when it is not ready, expired or not the caller's."
    ),
)
def export_download(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    job = jobs.job_for(request.user, public_id, action="download")
    handle = jobs.download_opened(request.user, job)
    if handle is None:
        raise NotFound(_("The export is not ready or is no longer available."))
    response = FileResponse(handle, as_attachment=True, filename=job.filename or f"export.{job.fmt}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
