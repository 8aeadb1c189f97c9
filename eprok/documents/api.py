"""API operations of documents and the correspondence register (mounted at /api/v1/documents).

Documents are reached through their owner (`/of/{owner_type}/{key}`) or by public id; access is the
owner's (documents.access). Uploads are multipart (`file`, `title`, `classification`); creating
operations honour the `Idempotency-Key` header. Downloads answer the file with
`Content-Disposition: attachment` and `X-Content-Type-Options: nosniff`; every download is audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, WRITE_ERRORS, employee_by_public_id, require_scope, unit_by_code
from eprok.core.errors import NotFound, ValidationFailed
from eprok.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from eprok.core.idempotency import run_once
from eprok.core.locking import expected_version
from eprok.core.pagination import Page, PageParams, paginate
from eprok.documents import access, ocr, selectors, services
from eprok.documents.correspondence import access as letter_access
from eprok.documents.correspondence import selectors as letter_selectors
from eprok.documents.correspondence import services as letter_services
from eprok.documents.models import Correspondence, Document, DocumentVersion, Resolution
from eprok.documents.schemas import (
    CompleteIn,
    DocumentDetailOut,
    DocumentOut,
    LetterDetailOut,
    LetterFilterIn,
    LetterIn,
    LetterOut,
    NewVersionOut,
    OcrOut,
    ResolutionIn,
    ResolutionOut,
    WithdrawIn,
)
from eprok.documents.views import safe_file_name

router = Router(tags=["documents"])


def _version(version: DocumentVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "source": version.source,
        "original_name": version.original_name,
        "content_type": version.content_type,
        "file_kind": version.file_kind,
        "size": version.size,
        "sha256": version.sha256,
        "reason": version.reason,
        "created_at": version.created_at,
        "created_by": version.created_by.full_name,
    }


def _document(document: Document) -> dict[str, Any]:
    return {
        "public_id": document.public_id,
        "owner_type": document.owner_type,
        "owner_key": document.owner_key,
        "title": document.title,
        "kind": document.kind,
        "category": document.category,
        "classification": document.classification,
        "status": document.status,
        "version": document.current_version.number if document.current_version is not None else None,
        "verification_code": document.verification_code,
        "ocr_status": document.ocr_status,
        "ocr_progress": document.ocr_progress,
        "created_at": document.created_at,
    }


@router.get(
    "/of/{owner_type}/{key}",
    response={200: Page[DocumentOut], **ERRORS},
    summary="A record's documents",
    description='The documents of one record (owner_type e.g. "cases.case", key its number or public id).',
)
def owner_documents(request: HttpRequest, owner_type: str, key: str, page: Query[PageParams]) -> Any:
    require_scope(request, Scope.READ)
    kind, owner = access.get_owner_for(request.user, owner_type, key, action="view")
    result = paginate(
        selectors.documents_of(request.user, kind.label, owner), limit=page.limit, offset=page.offset
    )
    result["items"] = [_document(d) for d in result["items"]]
    selectors.documents_listed(
        user=request.user, owner_type=kind, owner=owner, count=len(result["items"]), channel="api"
    )
    return result


@router.post(
    "/of/{owner_type}/{key}",
    response={201: DocumentDetailOut, 200: DocumentDetailOut, **WRITE_ERRORS},
    summary="Upload a document to a record",
    description=(
        "Multipart: `file` (the content decides the type), `title` (default: the file name), "
        "`classification` (0-3; never below the record's). Honours Idempotency-Key."
    ),
)
def owner_upload(
    request: HttpRequest,
    owner_type: str,
    key: str,
    file: File[UploadedFile],
    title: Form[str] = "",
    classification: Form[int | None] = None,
) -> Any:
    require_scope(request, Scope.WRITE)
    kind, owner = access.get_owner_for(request.user, owner_type, key, action="attach")
    if classification is not None and not 0 <= classification <= 3:
        raise ValidationFailed(details={"classification": "0-3"})

    def create() -> Document:
        return services.document_upload(
            actor=request.user,
            owner_type=kind.label,
            owner=owner,
            file=file,
            title=title,
            classification=classification,
        )

    document, created = run_once(
        client=request.user,
        operation="documents.upload",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload={"owner": f"{kind.label}:{key}", "title": title, "name": file.name, "size": file.size},
        create=create,
        result_key=lambda d: str(d.public_id),
        load=lambda k: Document.objects.get(public_id=k),
    )
    return Status(201 if created else 200, _detail(request, document.public_id, audit=False))


def _detail(request: HttpRequest, public_id: Any, *, audit: bool = True) -> dict[str, Any]:
    document = access.get_document_for(request.user, public_id)
    if audit:
        selectors.document_read(user=request.user, document=document, purpose="api")
    return {**_document(document), "versions": [_version(v) for v in selectors.versions_of(document)]}


@router.get(
    "/{uuid:public_id}", response={200: DocumentDetailOut, **ERRORS}, summary="A document with its versions"
)
def document_detail(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    return _detail(request, public_id)


@router.get(
    "/{uuid:public_id}/versions/{number}/download",
    response={200: None, **ERRORS},
    summary="Download a version",
    description="The version's file as an attachment; the read is audited.",
)
def version_download(request: HttpRequest, public_id: uuid.UUID, number: int) -> Any:
    require_scope(request, Scope.READ)
    document = access.get_document_for(request.user, public_id)
    version = selectors.version_of(document, number) if 0 < number < 2**31 else None
    if version is None:
        raise NotFound()
    try:
        stream = selectors.version_open(version)
    except OSError:
        raise NotFound() from None
    selectors.document_read(user=request.user, document=document, purpose="api download", version=version)
    response = FileResponse(
        stream, as_attachment=True, filename=safe_file_name(version), content_type=version.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/{uuid:public_id}/versions",
    response={201: NewVersionOut, **WRITE_ERRORS},
    summary="Upload a new version",
    description="Multipart: `file` and `reason` (required). The new version becomes current.",
)
def version_new(
    request: HttpRequest, public_id: uuid.UUID, file: File[UploadedFile], reason: Form[str] = ""
) -> Any:
    require_scope(request, Scope.WRITE)
    document = access.get_document_for(request.user, public_id, action="edit")
    version = services.version_upload(actor=request.user, document=document, file=file, reason=reason)
    return Status(201, {"document": _document(document), "version": _version(version)})


@router.post(
    "/{uuid:public_id}/withdraw", response={200: DocumentOut, **WRITE_ERRORS}, summary="Withdraw a document"
)
def document_withdraw(request: HttpRequest, public_id: uuid.UUID, body: WithdrawIn) -> Any:
    require_scope(request, Scope.WRITE)
    document = access.get_document_for(request.user, public_id, action="edit")
    services.document_withdraw(actor=request.user, document=document, reason=body.reason)
    return _document(document)


@router.get("/{uuid:public_id}/ocr", response={200: OcrOut, **ERRORS}, summary="Text recognition status")
def ocr_status(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    document = access.get_document_for(request.user, public_id)
    return {"status": document.ocr_status, "progress": document.ocr_progress, "available": ocr.available()}


@router.post(
    "/{uuid:public_id}/ocr",
    response={202: OcrOut, **WRITE_ERRORS},
    summary="Start text recognition",
    description="Queues OCR of the current version; status `unavailable` when the server has no OCR.",
)
def ocr_start(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.WRITE)
    document = access.get_document_for(request.user, public_id, action="edit")
    services.ocr_request(actor=request.user, document=document)
    document.refresh_from_db(fields=["ocr_status", "ocr_progress"])
    return Status(
        202, {"status": document.ocr_status, "progress": document.ocr_progress, "available": ocr.available()}
    )


# --- correspondence ---------------------------------------------------------------------------------------


def _letter(letter: Correspondence) -> dict[str, Any]:
    return {
        "number": letter.number,
        "direction": letter.direction,
        "unit": letter.unit.code,
        "registered_at": letter.registered_at,
        "correspondent": letter.correspondent,
        "their_number": letter.their_number,
        "their_date": letter.their_date,
        "subject": letter.subject,
        "classification": letter.classification,
        "channel": letter.channel,
        "link_type": letter.link_type,
        "link_key": letter.link_key,
        "status": letter.status,
        "sent_at": letter.sent_at,
        "version": letter.version,
    }


def _resolution(r: Resolution) -> dict[str, Any]:
    return {
        "id": r.pk,
        "text": r.text,
        "author": r.author.full_name,
        "executor": r.executor.full_name,
        "executor_id": r.executor.public_id,
        "executor_unit": r.executor_unit.code,
        "due_date": r.due_date,
        "due_set_by_head": r.due_set_by_head,
        "status": r.status,
        "report": r.report,
        "completed_at": r.completed_at,
    }


def _letter_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    letter = letter_access.get_letter_for(request.user, number)
    letter_selectors.letter_read(user=request.user, letter=letter, purpose="api")
    return {
        **_letter(letter),
        "summary": letter.summary,
        "resolutions": [_resolution(r) for r in letter_selectors.resolutions_of(letter)],
    }


@router.get(
    "/correspondence", response={200: Page[LetterOut], **ERRORS}, summary="The correspondence register"
)
def letter_list(request: HttpRequest, page: Query[PageParams], filters: Query[LetterFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    qs = letter_selectors.correspondence_list(user=request.user, filters=filters.to_filter())
    result = paginate(qs, limit=page.limit, offset=page.offset)
    result["items"] = [_letter(letter) for letter in result["items"]]
    return result


@router.post(
    "/correspondence",
    response={201: LetterDetailOut, 200: LetterDetailOut, **WRITE_ERRORS},
    summary="Register a letter",
    description="Takes the next number of the unit's incoming or outgoing register. Honours Idempotency-Key.",
)
def letter_register(request: HttpRequest, body: LetterIn) -> Any:
    require_scope(request, Scope.WRITE)
    unit = unit_by_code(body.unit, "unit")

    def create() -> Correspondence:
        return letter_services.correspondence_register(
            actor=request.user,
            unit=unit,
            direction=body.direction.value,
            correspondent=body.correspondent,
            subject=body.subject,
            channel=body.channel.value,
            summary=body.summary,
            their_number=body.their_number,
            their_date=body.their_date,
            classification=body.classification,
            link_type=body.link_type.value if body.link_type else "",
            link_key=body.link_key,
        )

    letter, created = run_once(
        client=request.user,
        operation="documents.correspondence.register",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload=body.model_dump(mode="json"),
        create=create,
        result_key=lambda x: x.number,
        load=lambda k: Correspondence.objects.get(number=k),
    )
    return Status(201 if created else 200, _letter_detail(request, letter.number))


@router.get(
    "/correspondence/{number}",
    response={200: LetterDetailOut, **ERRORS},
    summary="A letter with its resolutions",
)
def letter_detail(request: HttpRequest, number: str) -> Any:
    require_scope(request, Scope.READ)
    return _letter_detail(request, number)


@router.post(
    "/correspondence/{number}/resolutions",
    response={201: ResolutionOut, 200: ResolutionOut, **WRITE_ERRORS},
    summary="Record a resolution (dərkənar)",
    description=(
        "The due date defaults to the rule's term; an earlier one may be given. Honours Idempotency-Key."
    ),
)
def resolution_add(request: HttpRequest, number: str, body: ResolutionIn) -> Any:
    require_scope(request, Scope.WRITE)
    letter = letter_access.get_letter_for(request.user, number, action="resolve")
    executor = employee_by_public_id(str(body.executor), "executor")
    author = employee_by_public_id(str(body.author), "author") if body.author else None
    version = expected_version(request, body.version)

    def create() -> Resolution:
        return letter_services.resolution_add(
            actor=request.user,
            letter=letter,
            text=body.text,
            executor=executor,
            author=author,
            due_date=body.due_date,
            expected_version=version,
        )

    resolution, created = run_once(
        client=request.user,
        operation="documents.resolution.add",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload={"letter": number, **body.model_dump(mode="json")},
        create=create,
        result_key=lambda r: str(r.pk),
        load=lambda k: Resolution.objects.get(pk=int(k)),
    )
    row = Resolution.objects.select_related("author", "executor", "executor_unit").get(pk=resolution.pk)
    return Status(201 if created else 200, _resolution(row))


@router.post(
    "/correspondence/{number}/resolutions/{pk}/complete",
    response={200: ResolutionOut, **WRITE_ERRORS},
    summary="Report execution of a resolution",
)
def resolution_complete(request: HttpRequest, number: str, pk: int, body: CompleteIn) -> Any:
    require_scope(request, Scope.WRITE)
    letter = letter_access.get_letter_for(request.user, number)
    resolution = (
        Resolution.objects.select_related("correspondence__unit", "author", "executor", "executor_unit")
        .filter(pk=pk if 0 < pk < 2**62 else 0, correspondence=letter)
        .first()
    )
    if resolution is None:
        raise NotFound()
    if not letter_access.can_complete(request.user, resolution):
        from eprok.core.access import deny

        deny(
            request.user,
            action="documents.resolution.complete",
            target_type=letter_access.TARGET_TYPE,
            target_key=letter.number,
            visible=True,
        )
    letter_services.resolution_complete(actor=request.user, resolution=resolution, report=body.report)
    resolution.refresh_from_db()
    return _resolution(resolution)
