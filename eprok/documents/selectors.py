"""Reads of documents: an owner's documents, one document with its versions, a version's bytes.

`version_read` and `version_open` read storage without an access check: callers have checked access
(documents.access.get_document_for) and audit the read with a purpose (`document_read`).
"""

from __future__ import annotations

from typing import IO, Any

from django.core.files.storage import default_storage
from django.db.models import QuerySet

from eprok.audit.services import audit_record
from eprok.documents import access
from eprok.documents.models import Document, DocumentVersion


def version_open(version: DocumentVersion) -> IO[bytes]:
    """The stored file of the version, opened for reading (the caller closes it)."""
    return default_storage.open(version.storage_name, "rb")


def version_read(version: DocumentVersion) -> bytes:
    with version_open(version) as stream:
        data = stream.read()
    return bytes(data)


def documents_of(user: Any, owner_type: str, owner: Any) -> QuerySet[Document]:
    """The owner's documents the user may read (the owner's visibility was checked by the caller)."""
    return (
        Document.objects.filter(
            owner_type=owner_type, owner_id=owner.pk, classification__lte=access.clearance_of(user)
        )
        .select_related("current_version", "created_by")
        .order_by("-created_at", "-pk")
    )


def documents_listed(*, user: Any, owner_type: Any, owner: Any, count: int, channel: str = "web") -> None:
    """Audit one listing of an owner's documents (the panel, the API list): the owner and how many were
    listed, as search audits the records it lists."""
    audit_record(
        actor=user,
        action="documents.document.list",
        target_type=owner_type.label,
        target_id=str(owner_type.key_of(owner))[:64],
        target_repr=str(owner)[:255],
        data={"count": int(count), "channel": channel},
        purpose="list",
    )


def versions_of(document: Document) -> QuerySet[DocumentVersion]:
    return document.versions.select_related("created_by").order_by("-number")


def version_of(document: Document, number: int) -> DocumentVersion | None:
    return document.versions.filter(number=number).first()


def document_read(
    *, user: Any, document: Document, purpose: str, version: DocumentVersion | None = None
) -> None:
    """Audit a read of a document (its page, a download) with the purpose given."""
    audit_record(
        actor=user,
        action="documents.document.read" if version is None else "documents.version.download",
        target=document,
        data={"version": version.number} if version is not None else {},
        purpose=purpose,
    )
