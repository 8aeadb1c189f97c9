"""What happens to an appeal, one table each: resolutions, extensions, forwardings, the answer and the
attached files; and the personal reception log of the officials who receive citizens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.appeals.models.appeal import Appeal, Outcome
from eprok.core.models import PublicIdModel, TimeStampedModel


class Resolution(TimeStampedModel):
    """A superior's resolution (dərkənar) sending the appeal to an executor unit and person with a term."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="resolutions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resolution by"), on_delete=models.PROTECT, related_name="+"
    )
    executor_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("executor unit"), on_delete=models.PROTECT, related_name="+"
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    instruction = models.TextField(_("instruction"))
    due_date = models.DateField(_("due date"), null=True, blank=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["appeal", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.executor_unit_id}"


class AppealExtension(TimeStampedModel):
    """An extension of the answer term under step 10.2 of its rule (at most 30 working days, once)."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="extensions"
    )
    step = models.CharField(_("extension step"), max_length=32)
    length = models.PositiveSmallIntegerField(_("length (working days)"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    applicant_informed = models.BooleanField(
        _("applicant informed"),
        default=False,
        help_text=_("A notice was sent to the applicant's e-mail or phone."),
    )

    class Meta:
        verbose_name = _("extension of the answer term")
        verbose_name_plural = _("extensions of the answer term")
        ordering = ["appeal", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(length__gte=1), name="appealextension_length")]

    def __str__(self) -> str:
        return f"{self.step} +{self.length}"


class Forwarding(TimeStampedModel):
    """The appeal sent to the competent body with a covering letter (art. 7.10, within 3 working days)."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="forwardings"
    )
    to_body = models.CharField(_("competent body"), max_length=300)
    to_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit of the service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    covering_letter = models.TextField(_("covering letter"))
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")
        ordering = ["appeal", "sent_at", "pk"]

    def __str__(self) -> str:
        return self.to_body


class AnswerStatus(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")


# The answer's own transitions (a changed draft or approved text goes back to "drafted").
ANSWER_TRANSITIONS: dict[str, frozenset[str]] = {
    AnswerStatus.DRAFTED: frozenset({AnswerStatus.DRAFTED, AnswerStatus.APPROVED}),
    AnswerStatus.APPROVED: frozenset({AnswerStatus.DRAFTED, AnswerStatus.SENT}),
    AnswerStatus.SENT: frozenset({AnswerStatus.DELIVERED}),
    AnswerStatus.DELIVERED: frozenset(),
}


class DeliveryChannel(models.TextChoices):
    POST = "post", _("Post")
    EMAIL = "email", _("E-mail")
    PORTAL = "portal", _("Public portal")
    EGOV = "egov", _("e-Government portal")
    IN_PERSON = "in_person", _("Handed over in person")
    FAX = "fax", _("Fax")


class Answer(TimeStampedModel):
    """The answer to an appeal: drafted, approved by another official, sent, delivered; with the outcome."""

    appeal = models.OneToOneField(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="answer"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AnswerStatus.choices, default=AnswerStatus.DRAFTED
    )
    text = models.TextField(_("text of the answer"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivery_channel = models.CharField(
        _("delivered by"), max_length=16, choices=DeliveryChannel.choices, blank=True
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AnswerStatus.values), name="answer_status_valid"),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="answer_outcome_valid"),
        ]
        indexes = [models.Index(fields=["status", "sent_at"], name="answer_status_sent")]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.status}"

    @property
    def is_sent(self) -> bool:
        return self.status in (AnswerStatus.SENT, AnswerStatus.DELIVERED)


class AppealAttachment(TimeStampedModel):
    """A file that came with the appeal, stored by eprok.core.uploads under a generated name."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("appeal"), on_delete=models.CASCADE, related_name="attachments"
    )
    storage_name = models.CharField(_("storage name"), max_length=255, unique=True)
    # Shown to people only; never used to build a path.
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["appeal", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ReceptionEntry(PublicIdModel):
    """One visitor received by an official at a personal reception (art. 13; at least monthly, A10)."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reception_entries"
    )
    received_at = models.DateTimeField(_("date and time"))
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receiving official"),
        on_delete=models.PROTECT,
        related_name="receptions_held",
    )
    visitor_name = models.CharField(_("visitor"), max_length=300)
    visitor_fin = models.CharField(_("visitor's FIN"), max_length=7, blank=True)
    subject = models.TextField(_("subject"))
    result = models.TextField(_("result"), blank=True)
    appeal_number = models.CharField(
        _("appeal number"),
        max_length=40,
        blank=True,
        help_text=_("The appeal registered from this reception, if any."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("reception log entry")
        verbose_name_plural = _("reception log")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["unit", "-received_at"], name="reception_unit_received")]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.visitor_name}"
