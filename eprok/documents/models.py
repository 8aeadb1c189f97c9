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


# --- the correspondence register (kargüzarlıq) --------------------------------------------------------


class Direction(models.TextChoices):
    INCOMING = "in", _("Incoming")
    OUTGOING = "out", _("Outgoing")


class DeliveryChannel(models.TextChoices):
    POST = "post", _("Post")
    COURIER = "courier", _("Courier")
    BY_HAND = "by_hand", _("By hand")
    EMAIL = "email", _("E-mail")
    EDMS = "edms", _("Electronic document exchange")
    FAX = "fax", _("Fax")


class CorrespondenceStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_PROGRESS = "in_progress", _("With executors")
    COMPLETED = "completed", _("Executed")
    SENT = "sent", _("Sent")


class LinkType(models.TextChoices):
    MATERIAL = "materials.material", _("Crime report")
    CASE = "cases.case", _("Criminal case")
    APPEAL = "appeals.appeal", _("Appeal")


class Correspondence(PublicIdModel):
    """One registered letter of a unit: incoming (with the sender's own number and date) or outgoing.

    The letter owns documents (its scans, its answers) as owner type "documents.correspondence".
    """

    number = models.CharField(_("register number"), max_length=40, unique=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="correspondence"
    )
    registered_at = models.DateTimeField(_("registered"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    # The sender of an incoming letter, the recipient of an outgoing one.
    correspondent = models.CharField(_("sender or recipient"), max_length=300)
    their_number = models.CharField(_("sender's number"), max_length=64, blank=True)
    their_date = models.DateField(_("sender's date"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Clearance.choices, default=Clearance.OFFICIAL
    )
    channel = models.CharField(_("delivery channel"), max_length=16, choices=DeliveryChannel.choices)
    link_type = models.CharField(_("linked record type"), max_length=32, choices=LinkType.choices, blank=True)
    link_key = models.CharField(_("linked record number"), max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CorrespondenceStatus.choices,
        default=CorrespondenceStatus.REGISTERED,
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("correspondence")
        ordering = ["-registered_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "-registered_at"], name="correspondence_unit"),
            models.Index(fields=["link_type", "link_key"], name="correspondence_link"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="correspondence_direction"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=DeliveryChannel.values), name="correspondence_channel"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CorrespondenceStatus.values), name="correspondence_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("documents:correspondence_detail", args=[self.number])


class ResolutionStatus(models.TextChoices):
    OPEN = "open", _("In execution")
    DONE = "done", _("Executed")


class Resolution(TimeStampedModel):
    """The head's resolution (dərkənar) on a letter: what to do, who does it, by when; then the report."""

    correspondence = models.ForeignKey(
        Correspondence, verbose_name=_("letter"), on_delete=models.CASCADE, related_name="resolutions"
    )
    text = models.TextField(_("resolution"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("given by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        on_delete=models.PROTECT,
        related_name="correspondence_resolutions",
    )
    executor_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("executor unit"), on_delete=models.PROTECT, related_name="+"
    )
    rule_code = models.CharField(_("term rule"), max_length=64)
    due_date = models.DateField(_("due"))
    due_set_by_head = models.BooleanField(_("earlier date set by the head"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=ResolutionStatus.choices, default=ResolutionStatus.OPEN
    )
    report = models.TextField(_("execution report"), blank=True)
    completed_at = models.DateTimeField(_("executed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["correspondence", "created_at", "pk"]
        indexes = [models.Index(fields=["executor", "status"], name="resolution_executor")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ResolutionStatus.values), name="resolution_status"),
        ]

    def __str__(self) -> str:
        return f"{self.correspondence_id}: {self.text[:50]}"
