"""Documents owned by any module's record, and their versions.

A Document belongs to one owner named by (owner_type, owner_id): owner_type is a label registered in
eprok.documents.owners ("cases.case", ...), owner_id the owner's primary key, owner_key its public key (the
number or public id) kept for display and links. Access to a document is decided by its owner's access rules
(documents.access) and the reader's clearance against the document's classification, which is at least the
owner's.

Every change of content is a new DocumentVersion: an upload, a new upload replacing it, a generated PDF,
a signed PDF (each signature adds one version), an OCR'd PDF. A version's file is stored under a generated
name (eprok.core.uploads); its SHA-256 and size are recorded, and it never changes once written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel, TimeStampedModel
from eprok.org.roles import Clearance


class DocumentKind(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded file")
    GENERATED = "generated", _("Generated from a template")
    CORRESPONDENCE = "correspondence", _("Correspondence")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")
    SIGNED = "signed", _("Signed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# status -> the statuses a named service may move it to
DOCUMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    DocumentStatus.DRAFT: frozenset({DocumentStatus.FINAL, DocumentStatus.SIGNED, DocumentStatus.WITHDRAWN}),
    DocumentStatus.FINAL: frozenset({DocumentStatus.SIGNED, DocumentStatus.WITHDRAWN, DocumentStatus.DRAFT}),
    DocumentStatus.SIGNED: frozenset({DocumentStatus.SIGNED, DocumentStatus.WITHDRAWN}),
    DocumentStatus.WITHDRAWN: frozenset(),
}


class OcrStatus(models.TextChoices):
    NONE = "none", _("Not needed")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Recognising text")
    DONE = "done", _("Text recognised")
    FAILED = "failed", _("Recognition failed")
    UNAVAILABLE = "unavailable", _("Recognition unavailable")


class VersionSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded")
    GENERATED = "generated", _("Generated")
    SIGNED = "signed", _("Signed")
    OCR = "ocr", _("Text layer added")


class Document(PublicIdModel):
    """One document of a record: its title, type, classification, current version and status."""

    owner_type = models.CharField(_("owner type"), max_length=64)
    owner_id = models.BigIntegerField(_("owner"))
    owner_key = models.CharField(_("owner number"), max_length=64)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    # The procedural act or letter this is ("decision_open_case", ...): a template code, or blank.
    category = models.CharField(_("category"), max_length=64, blank=True)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Clearance.choices, default=Clearance.OFFICIAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    current_version = models.ForeignKey(
        "documents.DocumentVersion",
        verbose_name=_("current version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Short public code printed with the QR on signed documents (portal verification); set on first signing.
    verification_code = models.CharField(
        _("verification code"), max_length=16, unique=True, null=True, blank=True
    )
    # Text extracted from the current version (or recognised by OCR), for search.
    text = models.TextField(_("extracted text"), blank=True)
    ocr_status = models.CharField(
        _("text recognition"), max_length=16, choices=OcrStatus.choices, default=OcrStatus.NONE
    )
    ocr_progress = models.PositiveSmallIntegerField(_("recognition progress (%)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner_type", "owner_id", "-created_at"], name="document_owner"),
            models.Index(fields=["unit", "-created_at"], name="document_unit"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DocumentStatus.values), name="document_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"),
            models.CheckConstraint(condition=Q(ocr_status__in=OcrStatus.values), name="document_ocr_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(TimeStampedModel):
    """One immutable file of a document: who stored it, when, why, and its checksum."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    source = models.CharField(_("source"), max_length=16, choices=VersionSource.choices)
    storage_name = models.CharField(_("storage name"), max_length=255, unique=True)
    # Shown to people only; never used to build a path.
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    file_kind = models.CharField(_("file type"), max_length=16)  # a key of eprok.core.uploads.FILE_TYPES
    reason = models.CharField(_("reason for the change"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("stored by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique"),
            models.CheckConstraint(condition=Q(source__in=VersionSource.values), name="version_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"
