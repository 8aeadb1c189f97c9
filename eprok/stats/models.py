"""Statistical accounting: the statistical cards (events on the milestones of crime reports and cases),
the population of the regions for rates, the analysts' saved queries, issued reports and background
exports.

A card is one fact of a record (a crime report registered, a case opened, the crime solved, a suspension,
a termination, the case sent to court, the court's outcome) with the dimensions reports group by: the
investigating body, the responsible unit (and its tree path), the region, the main Criminal Code article,
its chapter and gravity category. Cards are never changed or deleted (database triggers refuse it): a fact
that changes (a corrected date, a re-qualified article, a cancelled decision) gets a correcting card
(sign -1, naming the card it cancels) and, when it still holds, a new card with the new values. A report
"as it was on date D" counts the cards recorded up to D, so every past report can be reproduced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel

PROSECUTION_BODY = "prosecution"  # the body code of the prosecution service's own investigations


class SubjectType(models.TextChoices):
    MATERIAL = "materials.material", _("Crime report")
    CASE = "cases.case", _("Criminal case")
    SUPERVISED = "supervision.supervisedcase", _("Supervised case")


class CardKind(models.TextChoices):
    REGISTERED = "registered", _("Crime report registered")
    REFUSED = "refused", _("Opening of a case refused")
    TRANSFERRED = "transferred", _("Crime report transferred by jurisdiction")
    OPENED = "opened", _("Criminal case opened (crime registered)")
    SOLVED = "solved", _("Crime solved (person charged)")
    SUSPENDED = "suspended", _("Investigation suspended")
    RESUMED = "resumed", _("Investigation resumed")
    TERMINATED = "terminated", _("Case terminated")
    SENT_TO_COURT = "sent_to_court", _("Case sent to court")
    REFERRED = "referred", _("Case referred to another body")
    CONVICTED = "convicted", _("Court: conviction")
    ACQUITTED = "acquitted", _("Court: acquittal")
    COURT_TERMINATED = "court_terminated", _("Court: proceedings terminated")
    RETURNED = "returned", _("Court: returned for additional investigation")


class Card(models.Model):
    """One statistical card: +1 a fact, -1 the cancellation of an earlier card (append-only)."""

    subject_type = models.CharField(_("record type"), max_length=32, choices=SubjectType.choices)
    subject_id = models.PositiveBigIntegerField(_("record"))
    subject_number = models.CharField(_("record number"), max_length=40)
    kind = models.CharField(_("fact"), max_length=20, choices=CardKind.choices)
    # Identifies the fact within its record ("opened", "suspended:17"): a fact is counted at most once.
    fact_key = models.CharField(_("fact key"), max_length=64)
    # The n-th +1 card of this fact (a corrected fact gets a new revision after its correcting card).
    revision = models.PositiveIntegerField(_("revision"), default=1)
    sign = models.SmallIntegerField(_("sign"), default=1)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("cancels the card"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
    )
    occurred_on = models.DateField(_("statistical date"))
    recorded_at = models.DateTimeField(_("recorded at"))
    body = models.CharField(_("investigating body"), max_length=32)
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(_("unit tree path"), max_length=255)
    region = models.CharField(_("region"), max_length=8, blank=True)
    article = models.CharField(_("main article"), max_length=32, blank=True)
    chapter = models.PositiveSmallIntegerField(_("chapter of the Criminal Code"), null=True, blank=True)
    category = models.PositiveSmallIntegerField(_("gravity category"), null=True, blank=True)
    ground = models.CharField(_("legal ground"), max_length=16, blank=True)
    reason = models.CharField(_("reason of the correction"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("statistical card")
        verbose_name_plural = _("statistical cards")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(sign__in=(1, -1)), name="stats_card_sign_valid"),
            models.CheckConstraint(
                condition=(Q(sign=1) & Q(corrects__isnull=True)) | (Q(sign=-1) & Q(corrects__isnull=False)),
                name="stats_card_correction_shape",
            ),
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "fact_key", "revision"],
                condition=Q(sign=1),
                name="stats_card_fact_once",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "occurred_on"], name="stats_card_kind_day"),
            # Scopes and drill-downs select by unit (the units of a subtree, on today's tree).
            models.Index(fields=["unit", "kind", "occurred_on"], name="stats_card_unit_kind_day"),
            models.Index(fields=["subject_type", "subject_id"], name="stats_card_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_number} {self.kind} {self.sign:+d}"


class Population(models.Model):
    """Residents of a region (ISO 3166-2:AZ code) at the start of a year, for rates per 10,000."""

    region = models.CharField(_("region"), max_length=8)
    year = models.PositiveSmallIntegerField(_("year"))
    residents = models.PositiveIntegerField(_("residents"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("population of a region")
        verbose_name_plural = _("population of the regions")
        ordering = ["region", "year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="stats_population_region_year"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.residents}"


class SavedQuery(PublicIdModel):
    """A report-builder query an analyst saved: measures, dimensions, filters and period (JSON)."""

    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    # Shared with the employees of this unit who may view statistics; null: private to the owner.
    shared_with = models.ForeignKey(
        "org.Unit",
        verbose_name=_("shared with the unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    definition = models.JSONField(_("definition"), default=dict)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("saved query")
        verbose_name_plural = _("saved queries")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class IssuedReport(PublicIdModel):
    """A standard report as issued: its parameters, the moment its figures were taken ("as of") and
    the checksum of the figures, so the same report can be reproduced and compared later."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    report = models.CharField(_("report"), max_length=32)
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(_("parameters"), default=dict)
    as_of = models.DateTimeField(_("figures as of"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    figures_sha256 = models.CharField(_("checksum of the figures"), max_length=64)

    class Meta:
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJob(PublicIdModel):
    """A report export too large to build while the user waits: built by the worker, with progress."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    report = models.CharField(_("report"), max_length=32)
    params = models.JSONField(_("parameters"), default=dict)
    fmt = models.CharField(_("format"), max_length=8)
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in total"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    # A storage name generated by the service (never from user input).
    file = models.CharField(_("file"), max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="stats_export_owner")]

    def __str__(self) -> str:
        return f"{self.report}.{self.fmt} ({self.status})"
