"""The 161 anti-corruption hotline: reports, the identities their authors chose to give, and the anonymous
conversation between a reporter and the investigator.

A report holds no identity and no network address. A reporter who gives a name, phone or FIN has it
kept apart, in HotlineIdentity, which only the named custodian (HOTLINE_CUSTODIAN) may read, every read
audited with its purpose. A reporter on the portal is known to the report only by a receipt code, kept
as its SHA-256.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel, TimeStampedModel


class HotlineChannel(models.TextChoices):
    PHONE = "phone", _("Telephone (161)")
    WEB = "web", _("Web portal")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")


class CorruptionType(models.TextChoices):
    """The kinds of corruption-related offence a report describes (Criminal Code, chapter 33)."""

    BRIBERY = "bribery", _("Bribery")
    ABUSE_OF_OFFICE = "abuse_of_office", _("Abuse of office")
    EMBEZZLEMENT = "embezzlement", _("Embezzlement or misappropriation")
    EXTORTION = "extortion", _("Extortion")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict of interest")
    NEPOTISM = "nepotism", _("Nepotism")
    OTHER = "other", _("Other")


class HotlineStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("Under review")
    MATERIAL = "material", _("Crime report registered for a check")
    FORWARDED = "forwarded", _("Forwarded to the competent agency")
    EXPLAINED = "explained", _("Information or explanation given")


OPEN_HOTLINE_STATUSES = frozenset({HotlineStatus.RECEIVED, HotlineStatus.IN_REVIEW})
# The three outcomes of triage: (a) a material for a check, (b) forwarding, (c) an explanation.
TRIAGE_OUTCOMES = (HotlineStatus.MATERIAL, HotlineStatus.FORWARDED, HotlineStatus.EXPLAINED)

HOTLINE_TRANSITIONS: dict[str, frozenset[str]] = {
    HotlineStatus.RECEIVED: frozenset({HotlineStatus.IN_REVIEW, *TRIAGE_OUTCOMES}),
    HotlineStatus.IN_REVIEW: frozenset(TRIAGE_OUTCOMES),
    HotlineStatus.MATERIAL: frozenset(),
    HotlineStatus.FORWARDED: frozenset(),
    HotlineStatus.EXPLAINED: frozenset(),
}


class HotlineReport(PublicIdModel):
    """A report of corruption to the hotline, from any channel, until its triage."""

    number = models.CharField(_("register number"), max_length=40, unique=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="hotline_reports"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=HotlineChannel.choices)
    call = models.OneToOneField(
        "contact.Call",
        verbose_name=_("call"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_report",
    )
    received_at = models.DateTimeField(_("received at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a report sent through the portal."),
    )
    # A sector code of the appeals' classifier (eprok.contact.classifiers): police, health, education, ...
    sector = models.CharField(_("sector"), max_length=64, blank=True)
    corruption_type = models.CharField(
        _("type of corruption"), max_length=24, choices=CorruptionType.choices, blank=True
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    text = models.TextField(_("what was reported"))
    # Whether the reporter gave an identity (kept by the custodian); never the identity itself.
    identity_held = models.BooleanField(_("identity held by the custodian"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_reports",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=HotlineStatus.choices, default=HotlineStatus.RECEIVED
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    material_number = models.CharField(
        _("crime report number"), max_length=40, blank=True, help_text=_("Set by triage (a).")
    )
    forwarded_to = models.CharField(_("forwarded to"), max_length=300, blank=True)
    covering_note = models.TextField(_("covering note"), blank=True)
    explanation = models.TextField(_("information or explanation given"), blank=True)
    # SHA-256 of the portal reporter's receipt code; the code itself is shown once and never stored.
    receipt_code_hash = models.CharField(_("receipt code (hash)"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=2, default="az")
    last_reporter_message_at = models.DateTimeField(_("reporter last wrote at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("hotline report")
        verbose_name_plural = _("hotline reports")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt_code_hash"],
                condition=~Q(receipt_code_hash=""),
                name="hotline_receipt_code_unique",
            ),
            models.CheckConstraint(condition=Q(status__in=HotlineStatus.values), name="hotline_status_valid"),
            models.CheckConstraint(
                condition=Q(channel__in=HotlineChannel.values), name="hotline_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(corruption_type__in=["", *CorruptionType.values]), name="hotline_type_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "-received_at"], name="hotline_unit_received"),
            models.Index(fields=["unit", "status"], name="hotline_unit_status"),
            models.Index(fields=["assignee", "status"], name="hotline_assignee_status"),
            models.Index(fields=["sector", "received_at"], name="hotline_sector_received"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("contact:hotline_detail", kwargs={"number": self.number})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_HOTLINE_STATUSES

    @property
    def status_label(self) -> str:
        try:
            return str(HotlineStatus(self.status).label)
        except ValueError:
            return self.status


class HotlineIdentity(TimeStampedModel):
    """The identity a reporter chose to give. Only the custodian reads it, each time with a purpose."""

    report = models.OneToOneField(
        HotlineReport, verbose_name=_("hotline report"), on_delete=models.PROTECT, related_name="identity"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), max_length=200, blank=True)
    fin = models.CharField(_("FIN"), max_length=7, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("identity of a hotline reporter")
        verbose_name_plural = _("identities of hotline reporters")

    def __str__(self) -> str:
        # Never the identity: this text can reach logs and the audit log's object column.
        return f"identity of {self.report_id}"


class MessageSide(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    STAFF = "staff", _("Investigator")


class HotlineMessage(TimeStampedModel):
    """One message of the conversation between an anonymous reporter and the investigator."""

    report = models.ForeignKey(
        HotlineReport, verbose_name=_("hotline report"), on_delete=models.PROTECT, related_name="messages"
    )
    side = models.CharField(_("written by"), max_length=8, choices=MessageSide.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("hotline message")
        verbose_name_plural = _("hotline messages")
        ordering = ["report", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(side=MessageSide.REPORTER, author__isnull=True) | Q(side=MessageSide.STAFF)),
                name="hotlinemessage_reporter_has_no_author",
            ),
        ]
        indexes = [models.Index(fields=["report", "created_at"], name="hotlinemessage_report_time")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.side} {self.created_at:%Y-%m-%d %H:%M}"
