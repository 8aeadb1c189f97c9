"""The write path of documents: uploads, generated files, new versions, signing marks, withdrawal, OCR state.

Every service checks what it must, stores the file first (under a generated name, eprok.core.uploads),
then writes the rows in one transaction; if the transaction fails, the file is removed at once, and
whatever a crash leaves behind is removed by the sweep (`manage.py documents_sweep`). Every write is
audited and schedules the document's re-indexing for search after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core import uploads
from eprok.core.errors import Conflict, NotFound, ValidationFailed
from eprok.documents import owners
from eprok.documents.extraction import OCR_KINDS, extract_text
from eprok.documents.models import (
    DOCUMENT_TRANSITIONS,
    Document,
    DocumentKind,
    DocumentStatus,
    DocumentVersion,
    OcrStatus,
    VersionSource,
)
from eprok.org.roles import Clearance
from eprok.search import services as search_services

logger = logging.getLogger("eprok.documents")

STORAGE_PREFIX = "documents"
GENERATED_TYPES = frozenset({"pdf", "docx"})
MAX_TITLE = 300
MAX_REASON = 500


class StaleDocumentVersion(Conflict):
    code = "stale_version"
    default_message = _("The document has a newer version; reload it and try again.")


class SignedDocumentNoOcr(Conflict):
    code = "document_signed"
    default_message = _("A signed document cannot get a text layer; its signatures would no longer cover it.")


# --- helpers -------------------------------------------------------------------------------------------


def index_later(document: Document) -> None:
    """Re-index the document for search after commit."""
    search_services.index_later("documents.document", document.pk)


def _owner_type(label: str) -> owners.OwnerType:
    if not owners.is_owner_type(label):
        raise NotFound()
    return owners.owner_type(label)


def _check_attach(actor: Any, owner_type: owners.OwnerType, owner: Any) -> None:
    """The guard of every write: an audited 403 when the actor may not add documents to the owner."""
    from eprok.documents.access import require_attach

    require_attach(actor, owner_type, owner)


def _clean_title(title: str, fallback: str = "") -> str:
    title = " ".join(str(title or "").split())[:MAX_TITLE] or fallback[:MAX_TITLE]
    if not title:
        raise ValidationFailed(
            _("Give the document a title."), code="title_required", details={"title": str(_("Required."))}
        )
    return title


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = " ".join(str(reason or "").split())
    if required and not reason:
        raise ValidationFailed(
            _("Say why the document is changed."),
            code="reason_required",
            details={"reason": str(_("Required."))},
        )
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            _("The reason is longer than %(max)d characters.") % {"max": MAX_REASON},
            code="reason_too_long",
            details={"reason": str(_("Too long."))},
        )
    return reason


def _classification(owner_type: owners.OwnerType, owner: Any, requested: int | None, actor: Any) -> int:
    """The owner's classification, or a higher one asked for; never above the actor's own clearance."""
    floor = int(owner_type.classification_of(owner))
    if requested is None:
        return floor
    if requested not in Clearance.values:
        raise ValidationFailed(_("Choose a classification from the list."), code="classification_invalid")
    if int(requested) > int(getattr(actor, "clearance", 0) or 0):
        raise ValidationFailed(
            _("You cannot classify a document above your own clearance."),
            code="classification_above_clearance",
            details={"classification": str(_("Above your clearance."))},
        )
    return max(floor, int(requested))


@contextmanager
def _stored(file: Any, *, allowed: frozenset[str] = uploads.DEFAULT_TYPES) -> Iterator[uploads.StoredUpload]:
    """Validate and store the file; remove it again if the block (the row's transaction) fails."""
    sniffed = uploads.validate_upload(file, allowed=allowed, strict_pdf=True)
    stored = uploads.store_upload(file, prefix=STORAGE_PREFIX, sniffed=sniffed)
    try:
        yield stored
    except BaseException:
        uploads.delete_upload(stored.name)
        raise


def _read_file(file: Any) -> bytes:
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data if isinstance(data, bytes) else bytes(data)


def _content_file(content: bytes, file_name: str) -> ContentFile:
    if not isinstance(content, (bytes, bytearray)):
        raise ValidationFailed(_("The file is empty."), code="upload_refused")
    return ContentFile(bytes(content), name=str(file_name or "document"))


def _extract(data: bytes, kind: str) -> tuple[str, bool]:
    """The version's text and whether OCR should run. Called before the transaction opens: parsing up to
    hundreds of PDF pages must not hold the database's write lock."""
    text, needs_ocr = extract_text(data, kind)
    return text, needs_ocr and kind in OCR_KINDS


def _new_version(
    *, document: Document, stored: uploads.StoredUpload, source: str, reason: str, actor: Any, number: int
) -> DocumentVersion:
    return DocumentVersion.objects.create(
        document=document,
        number=number,
        source=source,
        storage_name=stored.name,
        original_name=stored.original_name[:255],
        sha256=stored.sha256,
        size=stored.size,
        content_type=stored.content_type,
        file_kind=stored.kind,
        reason=reason,
        created_by=actor,
    )


def _schedule_ocr_if_needed(document: Document, needs_ocr: bool, actor: Any) -> None:
    """Queue OCR after commit for a scan (or mark it unavailable); clear the state for text files."""
    from eprok.documents import ocr

    if not needs_ocr:
        document.ocr_status, document.ocr_progress = OcrStatus.NONE, 0
        return
    if not ocr.available():
        document.ocr_status, document.ocr_progress = OcrStatus.UNAVAILABLE, 0
        return
    document.ocr_status, document.ocr_progress = OcrStatus.QUEUED, 0
    pk, actor_pk = document.pk, actor.pk
    transaction.on_commit(lambda: ocr.enqueue(pk, actor_pk))


def _version_data(document: Document, version: DocumentVersion) -> dict[str, Any]:
    return {
        "version": version.number,
        "source": version.source,
        "sha256": version.sha256,
        "size": version.size,
        "file_kind": version.file_kind,
        "reason": version.reason,
        "owner_type": document.owner_type,
        "owner": document.owner_key,
    }


def _create_document(
    *,
    actor: Any,
    owner_type: owners.OwnerType,
    owner: Any,
    stored: uploads.StoredUpload,
    extracted: tuple[str, bool],
    title: str,
    kind: str,
    source: str,
    classification: int,
    category: str,
    reason: str,
    status: str,
) -> Document:
    document = Document.objects.create(
        owner_type=owner_type.label,
        owner_id=owner.pk,
        owner_key=owner_type.key_of(owner)[:64],
        unit=owner_type.unit_of(owner),
        title=title,
        kind=kind,
        category=category[:64],
        classification=classification,
        status=status,
        created_by=actor,
    )
    version = _new_version(
        document=document, stored=stored, source=source, reason=reason, actor=actor, number=1
    )
    document.current_version = version
    document.text, needs_ocr = extracted
    _schedule_ocr_if_needed(document, needs_ocr, actor)
    document.save(update_fields=["current_version", "text", "ocr_status", "ocr_progress", "updated_at"])
    audit_record(
        actor=actor,
        action="documents.document.create",
        target=document,
        data={
            **_version_data(document, version),
            "title": title,
            "kind": kind,
            "category": category,
            "classification": classification,
        },
    )
    transaction.on_commit(lambda: index_later(document))
    return document


# --- the public services --------------------------------------------------------------------------------


def document_upload(
    *,
    actor: Any,
    owner_type: str,
    owner: Any,
    file: Any,
    title: str,
    classification: int | None = None,
    category: str = "",
    allowed: frozenset[str] = uploads.DEFAULT_TYPES,
) -> Document:
    """Attach an uploaded file to `owner` as a new document (version 1, source UPLOAD); `allowed` narrows or
    widens the kinds of file taken (e.g. uploads.VIDEO_TYPES for a video lesson)."""
    kind = _owner_type(owner_type)
    _check_attach(actor, kind, owner)
    title = _clean_title(title, uploads.display_name(file))
    level = _classification(kind, owner, classification, actor)
    with _stored(file, allowed=allowed) as stored:
        extracted = _extract(_read_file(file), stored.kind)
        with transaction.atomic():
            return _create_document(
                actor=actor,
                owner_type=kind,
                owner=owner,
                stored=stored,
                extracted=extracted,
                title=title,
                kind=DocumentKind.UPLOADED,
                source=VersionSource.UPLOAD,
                classification=level,
                category=category,
                reason="",
                status=DocumentStatus.FINAL,
            )


def document_add_generated(
    *,
    actor: Any,
    owner_type: str,
    owner: Any,
    content: bytes,
    file_name: str,
    title: str,
    category: str,
    reason: str = "",
) -> Document:
    """Store a generated PDF or DOCX as a new draft document of `owner` (version 1, source GENERATED)."""
    kind = _owner_type(owner_type)
    _check_attach(actor, kind, owner)
    title = _clean_title(title)
    reason = _clean_reason(reason, required=False)
    file = _content_file(content, file_name)
    with _stored(file, allowed=GENERATED_TYPES) as stored:
        extracted = _extract(bytes(content), stored.kind)
        with transaction.atomic():
            return _create_document(
                actor=actor,
                owner_type=kind,
                owner=owner,
                stored=stored,
                extracted=extracted,
                title=title,
                kind=DocumentKind.GENERATED,
                source=VersionSource.GENERATED,
                classification=int(kind.classification_of(owner)),
                category=category,
                reason=reason,
                status=DocumentStatus.DRAFT,
            )


def _locked(document: Document) -> Document:
    # of=self: PostgreSQL locks no row of the (nullable, outer-joined) current version.
    return (
        Document.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=document.pk)
    )


def _require_changeable(document: Document) -> None:
    if document.status == DocumentStatus.WITHDRAWN:
        raise Conflict(
            _("The document was withdrawn; it can no longer be changed."), code="document_withdrawn"
        )


def _add_version(
    *,
    actor: Any,
    document: Document,
    stored: uploads.StoredUpload,
    extracted: tuple[str, bool],
    source: str,
    reason: str,
    expected_version: int | None,
    action: str,
) -> DocumentVersion:
    locked = _locked(document)
    _require_changeable(locked)
    current = locked.current_version.number if locked.current_version else 0
    if expected_version is not None and current != expected_version:
        raise StaleDocumentVersion(details={"version": current})
    if source == VersionSource.OCR and locked.status == DocumentStatus.SIGNED:
        # The last guard: a text layer would change the signed file under its signatures.
        raise SignedDocumentNoOcr()
    number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = _new_version(
        document=locked, stored=stored, source=source, reason=reason, actor=actor, number=number
    )
    locked.current_version = version
    locked.text, needs_ocr = extracted
    fields = ["current_version", "text", "updated_at"]
    if source == VersionSource.SIGNED:
        # A signed file never gets a text layer (it would no longer be the signed file).
        locked.ocr_status, locked.ocr_progress = OcrStatus.NONE, 0
        fields += ["ocr_status", "ocr_progress"]
    elif source != VersionSource.OCR:
        _schedule_ocr_if_needed(locked, needs_ocr, actor)
        fields += ["ocr_status", "ocr_progress"]
    if source == VersionSource.UPLOAD and locked.status == DocumentStatus.SIGNED:
        # A new upload is not the signed file: the document is final again until signed anew.
        locked.status = DocumentStatus.FINAL
        fields.append("status")
    locked.save(update_fields=fields)
    audit_record(actor=actor, action=action, target=locked, data=_version_data(locked, version))
    transaction.on_commit(lambda: index_later(locked))
    # The caller's object follows the row.
    document.current_version = version
    document.text = locked.text
    document.status = locked.status
    document.ocr_status, document.ocr_progress = locked.ocr_status, locked.ocr_progress
    return version


def version_upload(*, actor: Any, document: Document, file: Any, reason: str) -> DocumentVersion:
    """A replacing upload: the next version of the document (source UPLOAD), with the reason for it."""
    owner_type = _owner_type(document.owner_type)
    _check_attach(actor, owner_type, owners.owner_of(document))
    _require_changeable(document)
    reason = _clean_reason(reason, required=True)
    with _stored(file) as stored:
        extracted = _extract(_read_file(file), stored.kind)
        with transaction.atomic():
            return _add_version(
                actor=actor,
                document=document,
                stored=stored,
                extracted=extracted,
                source=VersionSource.UPLOAD,
                reason=reason,
                expected_version=None,
                action="documents.version.upload",
            )


def version_add_content(
    *,
    actor: Any,
    document: Document,
    content: bytes,
    source: str,
    reason: str,
    file_name: str = "",
    expected_version: int | None = None,
) -> DocumentVersion:
    """Store bytes (a signed PDF, an OCR'd PDF) as the next, current version. The caller checked access.

    With `expected_version`, refuses (409 stale_version) when the current version is another one, so two
    signers never both build on the same version.
    """
    if source not in VersionSource.values:
        raise ValueError(f"unknown version source {source!r}")
    reason = _clean_reason(reason, required=False)
    name = file_name or (
        document.current_version.original_name if document.current_version else "document.pdf"
    )
    file = _content_file(content, name)
    with _stored(file, allowed=GENERATED_TYPES) as stored:
        extracted = _extract(bytes(content), stored.kind)
        with transaction.atomic():
            return _add_version(
                actor=actor,
                document=document,
                stored=stored,
                extracted=extracted,
                source=source,
                reason=reason,
                expected_version=expected_version,
                action=f"documents.version.{source}",
            )


def _move(document: Document, to: str) -> None:
    if to not in DOCUMENT_TRANSITIONS.get(document.status, frozenset()):
        raise Conflict(
            _("A document that is “%(status)s” cannot become “%(target)s”.")
            % {"status": DocumentStatus(document.status).label, "target": DocumentStatus(to).label},
            code="transition_not_allowed",
        )
    document.status = to


@transaction.atomic
def document_mark_signed(*, actor: Any, document: Document, verification_code: str) -> Document:
    """Status SIGNED; the verification code is set on the first signature and kept by later ones."""
    locked = _locked(document)
    _move(locked, DocumentStatus.SIGNED)
    first = not locked.verification_code
    if first:
        code = str(verification_code or "").strip()[:16]
        if not code:
            raise ValidationFailed(_("A verification code is required."), code="verification_code_required")
        locked.verification_code = code
    locked.save(update_fields=["status", "verification_code", "updated_at"])
    audit_record(
        actor=actor,
        action="documents.document.sign",
        target=locked,
        data={"verification_code": locked.verification_code, "first": first},
    )
    transaction.on_commit(lambda: index_later(locked))
    document.status, document.verification_code = locked.status, locked.verification_code
    return locked


@transaction.atomic
def document_withdraw(*, actor: Any, document: Document, reason: str) -> Document:
    """Withdraw the document (it stays, with its versions, marked WITHDRAWN); documents are never deleted."""
    _check_attach(actor, _owner_type(document.owner_type), owners.owner_of(document))
    reason = _clean_reason(reason, required=True)
    locked = _locked(document)
    previous = locked.status
    _move(locked, DocumentStatus.WITHDRAWN)
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="documents.document.withdraw",
        target=locked,
        changes={"status": [previous, locked.status]},
        data={"reason": reason},
    )
    transaction.on_commit(lambda: index_later(locked))
    document.status = locked.status
    return locked


def ocr_request(*, actor: Any, document: Document) -> Document:
    """Queue text recognition of the current version (the caller checked "edit")."""
    from eprok.documents import ocr

    with transaction.atomic():
        locked = _locked(document)
        _require_changeable(locked)
        if locked.status == DocumentStatus.SIGNED:
            raise SignedDocumentNoOcr()
        version = locked.current_version
        if version is None or version.file_kind not in OCR_KINDS:
            raise ValidationFailed(
                _("Text can be recognised only in PDF files and images."), code="ocr_not_applicable"
            )
        if locked.ocr_status in (OcrStatus.QUEUED, OcrStatus.RUNNING):
            raise Conflict(_("Text recognition is already under way."), code="ocr_running")
        if not ocr.available():
            locked.ocr_status, locked.ocr_progress = OcrStatus.UNAVAILABLE, 0
        else:
            locked.ocr_status, locked.ocr_progress = OcrStatus.QUEUED, 0
            pk, actor_pk = locked.pk, actor.pk
            transaction.on_commit(lambda: ocr.enqueue(pk, actor_pk))
        locked.save(update_fields=["ocr_status", "ocr_progress", "updated_at"])
        audit_record(
            actor=actor,
            action="documents.document.ocr",
            target=locked,
            data={"version": version.number, "status": locked.ocr_status},
        )
    document.ocr_status, document.ocr_progress = locked.ocr_status, locked.ocr_progress
    return locked


def ocr_set_state(
    document_pk: int, status: str, progress: int, text: str | None = None, *, version_pk: int | None = None
) -> None:
    """The OCR task's progress (no actor: the system records it; not audited, the result version is).

    With `version_pk`, only while that version is still the current one: a run overtaken by a newer
    version (a replacing upload, a signature) never touches the newer version's state or text.
    """
    fields: dict[str, Any] = {"ocr_status": status, "ocr_progress": max(0, min(100, progress))}
    if text is not None:
        fields["text"] = text
    rows = Document.objects.filter(pk=document_pk)
    if version_pk is not None:
        rows = rows.filter(current_version_id=version_pk)
    updated = rows.update(**fields)
    if text is not None and updated:
        search_services.index_later("documents.document", document_pk)
